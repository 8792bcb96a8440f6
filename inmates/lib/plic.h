/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * PLIC client for one hart's context. Every call is exactly one 32-bit
 * access to the PLIC (each one an exit into the cell's vPLIC), and the
 * accesses are counted so a demo can report them. Nothing here checks that
 * the cell owns a line: that is the hypervisor's job, and the attack demo
 * relies on being able to try.
 */
#ifndef INMATE_PLIC_H
#define INMATE_PLIC_H

#include <stdint.h>

#include <bulkhead/bootinfo.h>

struct plic_ctx {
	uintptr_t base;
	uint32_t context;
	/*
	 * What this context's enable words hold: enabling a line is then one
	 * write, not a read-modify-write. A new cell's context starts with
	 * every line disabled.
	 */
	uint32_t enable[BH_MAX_IRQS / 32];
	unsigned long accesses; /* PLIC loads and stores made through this struct */
};

/*
 * Set up ctx for hart's context from the boot info (no PLIC access). Returns
 * 0, or -1 if the boot info gives the hart no context.
 */
int plic_ctx_init(struct plic_ctx *ctx, const struct bh_boot_info *bi, unsigned long hart);

/* These return 0, or -1 (and touch nothing) for a line the PLIC format cannot name. */
int plic_set_priority(struct plic_ctx *ctx, uint32_t line, uint32_t priority);
int plic_enable(struct plic_ctx *ctx, uint32_t line);
int plic_disable(struct plic_ctx *ctx, uint32_t line);

void plic_set_threshold(struct plic_ctx *ctx, uint32_t threshold);
/* The highest-priority pending line of the context, 0 if none. */
uint32_t plic_claim(struct plic_ctx *ctx);
void plic_complete(struct plic_ctx *ctx, uint32_t line);

#endif /* INMATE_PLIC_H */
