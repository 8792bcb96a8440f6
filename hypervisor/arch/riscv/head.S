/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image header and the enable entry point. The driver's trampoline arrives
 * here on every hart in HS-mode with translation off (see
 * include/bulkhead/hypercall.h): a0 = hart id, a1 = struct bh_enter_args
 * (physical), sepc = where Linux goes on. Caller-saved registers are free;
 * Linux's callee-saved ones are kept in an entry frame for the return.
 */
#include <bulkhead/hypercall.h>

#define FRAME_SIZE	 160
#define ARGS_NATIVE_RETURN 56
#define ARGS_LINUX_SATP	   48
#define ARGS_RESULT	   72
#define R_RISCV_RELATIVE   3

	.section .header, "a"
	.globl _header
_header:
	.ascii "BHIMAGE\0"
	.word BH_ABI_VERSION
	.word 72				/* header_size */
	.dword __file_end - _header		/* image_size */
	.dword __memory_end - _header		/* memory_size */
	.dword hv_entry - _header		/* entry_offset */
	.word 0					/* checksum: filled in by mkimage.py */
	.word 64				/* max_harts */
	.dword 0, 0, 0

	.text
	.balign 4
	.globl hv_entry
hv_entry:
	li	t0, 64
	bgeu	a0, t0, .Lbad_hart

	/* This hart's stack: hv_stacks + (id + 1) * 16 KiB, minus the entry frame. */
	lla	t0, hv_stacks
	addi	t1, a0, 1
	slli	t1, t1, 14
	add	t0, t0, t1
	addi	t0, t0, -FRAME_SIZE
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	sd	gp, 16(t0)
	sd	tp, 24(t0)
	sd	s0, 32(t0)
	sd	s1, 40(t0)
	sd	s2, 48(t0)
	sd	s3, 56(t0)
	sd	s4, 64(t0)
	sd	s5, 72(t0)
	sd	s6, 80(t0)
	sd	s7, 88(t0)
	sd	s8, 96(t0)
	sd	s9, 104(t0)
	sd	s10, 112(t0)
	sd	s11, 120(t0)
	csrr	t1, sscratch
	sd	t1, 128(t0)
	csrr	t1, sepc
	sd	t1, 136(t0)
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
	sd	t0, ARGS_RESULT(a1)
	ld	t1, ARGS_NATIVE_RETURN(a1)
	ld	t2, ARGS_LINUX_SATP(a1)
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
	.space 64 * 0x4000

	.section .data
	.balign 4
	.globl hv_reloc_state
hv_reloc_state:
	.word 0
