// SPDX-License-Identifier: GPL-2.0
/*
 * Page pool. First-fit over a bitmap: allocations happen at enable and cell
 * creation, never on an interrupt path, so simplicity beats speed here.
 */
#include "pool.h"

static bool page_used(const struct page_pool *pool, unsigned long i)
{
	return (pool->bitmap[i / 64] >> (i % 64)) & 1;
}

static void mark(struct page_pool *pool, unsigned long first, unsigned long n, bool used)
{
	for (unsigned long i = first; i < first + n; i++) {
		if (used)
			pool->bitmap[i / 64] |= 1ULL << (i % 64);
		else
			pool->bitmap[i / 64] &= ~(1ULL << (i % 64));
	}
}

static void zero_pages(uint64_t addr, unsigned long n)
{
	volatile uint64_t *p = (uint64_t *)(uintptr_t)addr;

	for (unsigned long i = 0; i < n * POOL_PAGE_SIZE / 8; i++)
		p[i] = 0;
}

int pool_init(struct page_pool *pool, uint64_t start, uint64_t size)
{
	unsigned long total = size / POOL_PAGE_SIZE;
	/* One bitmap page covers 32768 pages (128 MiB). */
	unsigned long bitmap_pages = (total + POOL_PAGE_SIZE * 8 - 1) / (POOL_PAGE_SIZE * 8);

	if ((start | size) & (POOL_PAGE_SIZE - 1) || total <= bitmap_pages)
		return -1;
	pool->bitmap = (uint64_t *)(uintptr_t)start;
	zero_pages(start, bitmap_pages);
	pool->base = start + bitmap_pages * POOL_PAGE_SIZE;
	pool->pages = total - bitmap_pages;
	pool->used = 0;
	return 0;
}

uint64_t pool_alloc(struct page_pool *pool, unsigned long n, unsigned long align_pages)
{
	unsigned long first, i;

	if (n == 0 || align_pages == 0 || n > pool->pages)
		return 0;
	for (first = 0; first + n <= pool->pages; first += align_pages) {
		uint64_t addr = pool->base + first * POOL_PAGE_SIZE;

		/* Alignment is of the address, not of the index. */
		if ((addr / POOL_PAGE_SIZE) % align_pages) {
			first -= (addr / POOL_PAGE_SIZE) % align_pages;
			continue;
		}
		for (i = 0; i < n && !page_used(pool, first + i); i++)
			;
		if (i == n) {
			mark(pool, first, n, true);
			pool->used += n;
			zero_pages(addr, n);
			return addr;
		}
	}
	return 0;
}

bool pool_free(struct page_pool *pool, uint64_t addr, unsigned long n)
{
	unsigned long first;

	if (addr < pool->base || (addr - pool->base) % POOL_PAGE_SIZE)
		return false;
	first = (addr - pool->base) / POOL_PAGE_SIZE;
	/* Not first + n > pages: a huge n would wrap around and pass. */
	if (n == 0 || n > pool->pages || first > pool->pages - n)
		return false;
	for (unsigned long i = first; i < first + n; i++)
		if (!page_used(pool, i))
			return false;
	mark(pool, first, n, false);
	pool->used -= n;
	return true;
}
