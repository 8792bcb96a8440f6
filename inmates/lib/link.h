/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Links to other cells (docs/shared-memory.md): the shared memory and the
 * doorbell of one of the cell's link ends, from the boot info. Ringing is one
 * store to the doorbell page (one exit); waiting is interrupt-driven: the
 * end's virtual line is enabled in the cell's PLIC context, the hart sleeps in
 * wfi until a line is claimable, then claims and completes it (two exits).
 */
#ifndef INMATE_LINK_H
#define INMATE_LINK_H

#include <stdint.h>

#include <bulkhead/bootinfo.h>

#include "plic.h"

struct inmate_link {
	const struct bh_link_end *cfg;
	volatile void *shmem; /* cfg->shmem_size bytes */
	uintptr_t doorbell;
	struct plic_ctx *plic;
};

/*
 * The cell's end of link link_id; its line gets priority 1 and is enabled in
 * plic's context. 0, or -1 if the cell has no end on that link.
 */
int link_open(struct inmate_link *l, const struct bh_boot_info *bi, uint32_t link_id,
	      struct plic_ctx *plic);

uint32_t link_end_id(const struct inmate_link *l);
/* Bit e: end e of the link is a peer of ours and present now. */
uint32_t link_peers(const struct inmate_link *l);
/* Rings refused so far (a peer absent, or not ours). */
uint32_t link_refused(const struct inmate_link *l);
/* Ring end end_id; what was written to the shared memory before is visible to it. */
void link_ring(const struct inmate_link *l, uint32_t end_id);
/*
 * Sleep until a line enabled in the context is claimable, claim and complete
 * it; returns the line (a link end's irq_line, or a device's).
 */
uint32_t link_wait(struct plic_ctx *plic);

#endif /* INMATE_LINK_H */
