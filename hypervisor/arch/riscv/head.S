/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The enable entry point (the image header before it is image_header.c). The driver's trampoline arrives
 * here on every hart in HS-mode with translation off (see
 * include/bulkhead/hypercall.h): a0 = hart id, a1 = struct bh_enter_args
 * (physical), sepc = where Linux goes on. Caller-saved registers are free;
 * Linux's callee-saved ones are kept in an entry frame for the return.
 */
#include <bulkhead/hypercall.h>

#include "asm-defines.h"

#define R_RISCV_RELATIVE   3

	.text
	.balign 4
	.globl hv_entry
hv_entry:
	li	t0, HV_MAX_HARTS
	bgeu	a0, t0, .Lbad_hart

	/* This hart's stack: hv_stacks + (id + 1) * HV_STACK_SIZE, minus the entry frame. */
	lla	t0, hv_stacks
	addi	t1, a0, 1
	slli	t1, t1, HV_STACK_SHIFT
	add	t0, t0, t1
	addi	t0, t0, -ENTRY_FRAME_SIZE
	sd	ra, ENTRY_FRAME_RA(t0)
	sd	sp, ENTRY_FRAME_SP(t0)
	sd	gp, ENTRY_FRAME_GP(t0)
	sd	tp, ENTRY_FRAME_TP(t0)
	sd	s0, ENTRY_FRAME_S0 + 0 * 8(t0)
	sd	s1, ENTRY_FRAME_S0 + 1 * 8(t0)
	sd	s2, ENTRY_FRAME_S0 + 2 * 8(t0)
	sd	s3, ENTRY_FRAME_S0 + 3 * 8(t0)
	sd	s4, ENTRY_FRAME_S0 + 4 * 8(t0)
	sd	s5, ENTRY_FRAME_S0 + 5 * 8(t0)
	sd	s6, ENTRY_FRAME_S0 + 6 * 8(t0)
	sd	s7, ENTRY_FRAME_S0 + 7 * 8(t0)
	sd	s8, ENTRY_FRAME_S0 + 8 * 8(t0)
	sd	s9, ENTRY_FRAME_S0 + 9 * 8(t0)
	sd	s10, ENTRY_FRAME_S0 + 10 * 8(t0)
	sd	s11, ENTRY_FRAME_S0 + 11 * 8(t0)
	csrr	t1, sscratch
	sd	t1, ENTRY_FRAME_SSCRATCH(t0)
	csrr	t1, sepc
	sd	t1, ENTRY_FRAME_SEPC(t0)
	mv	sp, t0
	csrw	sscratch, zero
	mv	gp, zero
	mv	s0, a0
	mv	s1, a1

	/* The first hart applies the image's relocations; the others wait for it. */
	/* Compare-and-swap 0 -> 1: a late hart must not undo the 2 of a finished one. */
	lla	t0, hv_reloc_state
	li	t1, 1
1:	lr.w.aq	t2, (t0)
	bnez	t2, 2f
	sc.w	t3, t1, (t0)
	bnez	t3, 1b
	call	apply_relocations
	lla	t0, hv_reloc_state
	li	t1, 2
	fence	rw, rw
	sw	t1, 0(t0)
	j	3f
2:	lw	t2, 0(t0)
	li	t1, 2
	fence	r, rw
	bne	t2, t1, 2b
3:
	mv	a0, s0
	mv	a1, s1
	mv	a2, sp
	call	hv_main
	/* hv_main never returns */
1:	wfi
	j	1b

.Lbad_hart:
	/* No stack for a hart id this large: refuse and go back to Linux. */
	li	t0, -22
	sd	t0, BH_ENTER_ARGS_RESULT(a1)
	ld	t1, BH_ENTER_ARGS_NATIVE_RETURN(a1)
	ld	t2, BH_ENTER_ARGS_LINUX_SATP(a1)
	csrw	stvec, t1
	sfence.vma
	csrw	satp, t2
	/* The next fetch faults under Linux's page table and lands on stvec. */
1:	j	1b

/* Apply R_RISCV_RELATIVE entries of .rela.dyn: the image is linked at 0. */
apply_relocations:
	lla	t0, __rela_start
	lla	t1, __rela_end
	lla	t2, _header
1:	bgeu	t0, t1, 3f
	ld	t3, 0(t0)
	ld	t4, 8(t0)
	ld	t5, 16(t0)
	li	t6, R_RISCV_RELATIVE
	bne	t4, t6, 2f
	add	t3, t3, t2
	add	t5, t5, t2
	sd	t5, 0(t3)
2:	addi	t0, t0, 24
	j	1b
3:	ret

	.section .bss
	.balign 4096
	.globl hv_stacks
hv_stacks:
	.space HV_MAX_HARTS * HV_STACK_SIZE

	.section .data
	.balign 4
	.globl hv_reloc_state
hv_reloc_state:
	.word 0
