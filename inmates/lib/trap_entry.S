/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The trap vector (stvec, direct mode). Traps are taken on the interrupted
 * stack: an inmate has one stack per hart and never runs user code. Only the
 * registers the C calling convention lets trap_handle() clobber are saved;
 * it preserves the others itself.
 */
#define FRAME_SIZE (16 * 8)

	.section .text
	.balign 4
	.globl trap_vector
trap_vector:
	addi	sp, sp, -FRAME_SIZE
	sd	ra, 0 * 8(sp)
	sd	t0, 1 * 8(sp)
	sd	t1, 2 * 8(sp)
	sd	t2, 3 * 8(sp)
	sd	a0, 4 * 8(sp)
	sd	a1, 5 * 8(sp)
	sd	a2, 6 * 8(sp)
	sd	a3, 7 * 8(sp)
	sd	a4, 8 * 8(sp)
	sd	a5, 9 * 8(sp)
	sd	a6, 10 * 8(sp)
	sd	a7, 11 * 8(sp)
	sd	t3, 12 * 8(sp)
	sd	t4, 13 * 8(sp)
	sd	t5, 14 * 8(sp)
	sd	t6, 15 * 8(sp)

	mv	a0, sp
	call	trap_handle

	ld	ra, 0 * 8(sp)
	ld	t0, 1 * 8(sp)
	ld	t1, 2 * 8(sp)
	ld	t2, 3 * 8(sp)
	ld	a0, 4 * 8(sp)
	ld	a1, 5 * 8(sp)
	ld	a2, 6 * 8(sp)
	ld	a3, 7 * 8(sp)
	ld	a4, 8 * 8(sp)
	ld	a5, 9 * 8(sp)
	ld	a6, 10 * 8(sp)
	ld	a7, 11 * 8(sp)
	ld	t3, 12 * 8(sp)
	ld	t4, 13 * 8(sp)
	ld	t5, 14 * 8(sp)
	ld	t6, 15 * 8(sp)
	addi	sp, sp, FRAME_SIZE
	sret
