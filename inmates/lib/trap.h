/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Traps of an inmate. Interrupts go to the handler registered for them (one
 * table for all harts of the cell); an interrupt without a handler is
 * reported and masked. An exception is reported (scause, sepc, stval) and
 * stops the hart: an inmate has nothing to recover with.
 */
#ifndef INMATE_TRAP_H
#define INMATE_TRAP_H

#include <stdbool.h>

#include "csr.h"

enum irq_kind {
	IRQ_SOFTWARE,
	IRQ_TIMER,
	IRQ_EXTERNAL,
	IRQ_KINDS,
};

/* Called with interrupts off (as the trap left them), on the interrupted hart. */
typedef void (*irq_handler_t)(unsigned long hart);

/* Install fn for kind (NULL removes it). Do it before enabling the interrupt. */
void irq_set_handler(enum irq_kind kind, irq_handler_t fn);

/*
 * For inmates that cause exceptions on purpose (the fuzz inmate): fn gets
 * scause and returns true when it has dealt with the exception (moved sepc
 * on); false, or no fn, reports it and stops the hart as usual.
 */
typedef bool (*exception_handler_t)(unsigned long cause);
void trap_set_exception_handler(exception_handler_t fn);

/* sstatus.SIE: whether this hart takes interrupts at all. */
static inline void irq_global_enable(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

static inline void irq_global_disable(void)
{
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
}

/*
 * Call with interrupts globally off: sleep until an interrupt enabled in sie
 * is pending, let its handler run, and return with interrupts off again.
 * Checking a flag the handler sets and then calling this cannot miss a
 * wake-up, as the interrupt stays pending until SIE is set here.
 */
static inline void irq_wait(void)
{
	wfi();
	irq_global_enable();
	irq_global_disable();
}

/* Stop this hart for good: interrupts off, wfi forever. */
void __attribute__((noreturn)) hart_halt(void);

/* Idle for good, still taking whatever interrupts are enabled. */
void __attribute__((noreturn)) hart_idle(void);

#endif /* INMATE_TRAP_H */
