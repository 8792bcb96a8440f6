/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cell management (core/control.c): the root's requests to create, start,
 * shut down and destroy cells, and everything that moves harts, memory and
 * interrupt lines between cells. Arch-neutral: it builds for the host too,
 * where pytest drives it against a model.
 *
 * Below it, the few things only the arch can do (arch/riscv/control_arch.c;
 * on the host, pytest/host/support/arch_fake.c).
 */
#ifndef BULKHEAD_CONTROL_H
#define BULKHEAD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "spinlock.h"

struct cell;
struct hart;
struct console_ring;
struct bh_system_config;

/* Management requests of the root (hypercalls); SBI error codes. */
long cell_create(uint64_t gpa, uint64_t size, uint64_t *id);
long cell_start(uint64_t id);
long cell_shutdown(uint64_t id);
long cell_destroy_by_id(uint64_t id);
long cell_status(uint64_t id, uint64_t gpa);
long cell_console_read(uint64_t id, uint64_t gpa, uint64_t size, uint64_t pos);
long cell_console_input(uint64_t id, uint64_t gpa, uint64_t len, uint64_t *taken);
long cell_latency(uint64_t id, uint64_t gpa, uint64_t size, uint64_t first, uint64_t flags,
		  uint64_t *num_lines);

/* A cell's own doing, on one of its harts. */
void cell_fail(struct hart *h, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void cell_shut_itself_down(struct hart *h) __attribute__((noreturn));
void cell_begin_stop(struct cell *cell, const struct hart *self);
void cell_console_write(struct cell *cell, const char *s, unsigned long len);

/* Root memory as the root has it now (what cells took is not the root's). */
void *root_buffer(uint64_t gpa, uint64_t len, bool write);
bool root_still_owns(uint64_t phys, uint64_t len);
long console_read_to_root(struct console_ring *ring, spinlock_t *lock, uint64_t gpa,
			  uint64_t size, uint64_t pos);

/* core/cell.c: a cell's G-stage table and vPLIC. */
int cell_init_root(struct cell *root, const struct bh_system_config *sys);
int cell_build(struct cell *cell);
void cell_destroy(struct cell *cell);
unsigned int gstage_flags(uint64_t mem_flags);

/* ---- what the arch provides ---- */
/* Tell a hart of a stopping cell to park (parked ones too: it is how they learn). */
void arch_hart_stop(struct hart *h);
/* Wake a parked hart whose start is pending. */
void arch_hart_start(struct hart *h);
/* Park the calling hart for good (its cell failed or shut itself down). */
void arch_park_current(struct hart *h) __attribute__((noreturn));
/* Every root hart drops the G-stage translations it may have cached. */
void arch_flush_root(void);
/* The hypervisor's pointer to machine memory [phys, phys + len), or NULL. */
void *arch_phys_to_virt(uint64_t phys, uint64_t len);
/* The hart the hypervisor runs on now. */
struct hart *arch_current_hart(void);
/* A time in timebase ticks; the stop deadline is counted in them. */
uint64_t arch_time_now(void);

#endif
