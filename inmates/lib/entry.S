/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where an inmate's harts come in, in VS-mode with translation and
 * interrupts off:
 *   _start            the cell's first (lowest) hart, at the config's entry;
 *                     a0 = hart id, a1 = boot info page (the config's boot_arg)
 *   _secondary_entry  a hart started with HSM hart_start by inmate_start_hart();
 *                     a0 = hart id, a1 = opaque = the boot info page
 * Each hart gets the stack of its index among the cell's harts (hart-id
 * order), counted down from INMATE_STACKS_TOP; the first hart's is index 0.
 * tp holds the hart id from here on (see hart.h).
 */
#include "boot.h"
#include "layout.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	csrci	sstatus, 2		/* SIE: interrupts stay off until the program wants them */
	csrw	sie, zero
	la	t0, trap_vector
	csrw	stvec, t0
	mv	tp, a0
	la	sp, __stacks_top

	/* Only the first hart clears bss: the others start after it has. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	/* a0, a1 are untouched: inmate_primary_start(hart, boot info). */
	call	inmate_primary_start
	j	hart_halt

	.section .text
	.balign 4
	.globl _secondary_entry
_secondary_entry:
	csrci	sstatus, 2
	csrw	sie, zero
	la	t0, trap_vector
	csrw	stvec, t0
	mv	tp, a0

	/* index = number of the cell's harts below this one */
	ld	t1, BOOT_INFO_CPU_SET(a1)
	li	t2, 1
	sll	t2, t2, a0
	addi	t2, t2, -1
	and	t1, t1, t2
	li	t3, 0
3:	beqz	t1, 4f
	addi	t2, t1, -1
	and	t1, t1, t2
	addi	t3, t3, 1
	j	3b
4:
	/* No stack for it: stop here rather than run on another hart's. */
	li	t2, INMATE_MAX_HARTS
	bgeu	t3, t2, 6f
	li	t2, INMATE_STACK_SIZE
	mul	t3, t3, t2
	la	sp, __stacks_top
	sub	sp, sp, t3
	call	inmate_secondary_start
6:	csrci	sstatus, 2
5:	wfi
	j	5b
