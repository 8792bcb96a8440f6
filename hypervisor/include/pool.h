/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page pool: the hypervisor's only allocator. The region left after the
 * image and the config is handed out in 4 KiB pages, tracked by a bitmap
 * that lives in the pool's first pages.
 */
#ifndef BULKHEAD_POOL_H
#define BULKHEAD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POOL_PAGE_SIZE 0x1000UL

struct page_pool {
	uint64_t base;		/* address of page 0 (after the bitmap pages) */
	unsigned long pages;	/* pages available for allocation */
	unsigned long used;	/* pages allocated now */
	uint64_t *bitmap;	/* bit set: page allocated */
};

/* Manage [start, start + size): page aligned. Returns 0, or -1 if too small. */
int pool_init(struct page_pool *pool, uint64_t start, uint64_t size);
/* n contiguous zeroed pages aligned to align_pages pages, or 0 when none. */
uint64_t pool_alloc(struct page_pool *pool, unsigned long n, unsigned long align_pages);
/* Give back n pages at addr; returns false (and changes nothing) if they were not allocated. */
bool pool_free(struct page_pool *pool, uint64_t addr, unsigned long n);

#endif
