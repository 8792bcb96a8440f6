// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Trap dispatch: interrupts to their handlers, exceptions to a report and a halt. */
#include <stddef.h>

#include "hart.h"
#include "printf.h"
#include "trap.h"

/* The registers trap_entry.S saves, in its order. */
struct trap_frame {
	unsigned long ra, t0, t1, t2, a0, a1, a2, a3, a4, a5, a6, a7, t3, t4, t5, t6;
};

_Static_assert(sizeof(struct trap_frame) == 16 * 8, "trap_entry.S saves 16 registers");

void trap_handle(struct trap_frame *frame);

static irq_handler_t irq_handlers[IRQ_KINDS];
static exception_handler_t exception_handler;

void trap_set_exception_handler(exception_handler_t fn)
{
	__atomic_store_n(&exception_handler, fn, __ATOMIC_RELEASE);
}

void irq_set_handler(enum irq_kind kind, irq_handler_t fn)
{
	if (kind < IRQ_KINDS)
		__atomic_store_n(&irq_handlers[kind], fn, __ATOMIC_RELEASE);
}

static const char *exception_name(unsigned long cause)
{
	static const char *const names[] = {
		"instruction address misaligned",
		"instruction access fault",
		"illegal instruction",
		"breakpoint",
		"load address misaligned",
		"load access fault",
		"store address misaligned",
		"store access fault",
		"ecall from U-mode",
		"ecall from S-mode",
		"reserved",
		"reserved",
		"instruction page fault",
		"load page fault",
		"reserved",
		"store page fault",
	};

	return cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "unknown";
}

static void handle_interrupt(unsigned long cause)
{
	enum irq_kind kind;
	irq_handler_t fn;

	switch (cause) {
	case IRQ_S_SOFT:
		kind = IRQ_SOFTWARE;
		break;
	case IRQ_S_TIMER:
		kind = IRQ_TIMER;
		break;
	case IRQ_S_EXT:
		kind = IRQ_EXTERNAL;
		break;
	default:
		kind = IRQ_KINDS;
		break;
	}
	fn = kind < IRQ_KINDS ? __atomic_load_n(&irq_handlers[kind], __ATOMIC_ACQUIRE) : NULL;
	if (fn) {
		fn(hart_id());
		return;
	}
	/* Masked, or it would fire again at once and this hart would do nothing else. */
	printf("inmate: hart %lu: interrupt %lu has no handler, masked\n", hart_id(), cause);
	if (cause < 64)
		csr_clear(CSR_SIE, 1UL << cause);
}

void trap_handle(struct trap_frame *frame)
{
	unsigned long cause = csr_read(CSR_SCAUSE);

	if (cause & SCAUSE_INTERRUPT) {
		handle_interrupt(cause & ~SCAUSE_INTERRUPT);
		return;
	}
	{
		exception_handler_t fn = __atomic_load_n(&exception_handler, __ATOMIC_ACQUIRE);

		if (fn && fn(cause))
			return;
	}
	printf("inmate: hart %lu: exception %lu (%s): sepc 0x%lx stval 0x%lx ra 0x%lx, hart "
	       "stopped\n",
	       hart_id(), cause, exception_name(cause), csr_read(CSR_SEPC), csr_read(CSR_STVAL),
	       frame->ra);
	hart_halt();
}

void hart_halt(void)
{
	irq_global_disable();
	csr_write(CSR_SIE, 0);
	for (;;)
		wfi();
}

void hart_idle(void)
{
	for (;;)
		wfi();
}
