/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering and leaving the hypervisor on this hart (see trampoline.h and
 * include/bulkhead/hypercall.h). Both directions switch translation under a
 * running hart: the fetch after the satp write faults, and the trap lands
 * where we want to be, with the other address space in force.
 */
#include <linux/linkage.h>

/* struct bh_enter_args offsets (BH_ENTER_ARGS_*) and the hypercall numbers */
#include <bulkhead/hypercall.h>

#define FRAME		(14 * 8)

.macro save_callee_saved
	addi	sp, sp, -FRAME
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	sd	gp, 104(sp)
.endm

.macro restore_callee_saved
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	ld	gp, 104(sp)
	addi	sp, sp, FRAME
.endm

/* long bh_trampoline_enter(entry_phys, args_phys, struct bh_enter_args *args) */
SYM_FUNC_START(bh_trampoline_enter)
	save_callee_saved
	mv	s1, a2
	lla	t0, .Lnative_return
	sd	t0, BH_ENTER_ARGS_NATIVE_RETURN(a2)
	csrr	s2, stvec
	sd	s2, BH_ENTER_ARGS_LINUX_STVEC(a2)
	csrr	t0, satp
	sd	t0, BH_ENTER_ARGS_LINUX_SATP(a2)
	/* The image was just written through another mapping. */
	fence	rw, rw
	fence.i
	mv	t1, a0
	ld	a0, BH_ENTER_ARGS_HART_ID(a2)
	/* a1 already holds args_phys */
	csrw	stvec, t1
	csrw	satp, zero
	/*
	 * Translation is off: fetching the next instruction faults into the
	 * hypervisor, which brings the hart back here as a guest in VS-mode.
	 */
	ld	a0, BH_ENTER_ARGS_RESULT(s1)
	j	.Lout

	.balign 4
.Lnative_return:
	/* The hypervisor refused: back natively through a fault; stvec is Linux's again. */
	csrw	stvec, s2
	ld	a0, BH_ENTER_ARGS_RESULT(s1)
.Lout:
	restore_callee_saved
	ret
SYM_FUNC_END(bh_trampoline_enter)

/* long bh_trampoline_leave(void) */
SYM_FUNC_START(bh_trampoline_leave)
	save_callee_saved
	/* stvec as the guest sees it (vstvec): Linux's own vector. */
	csrr	s2, stvec
	lla	a0, .Lleft
	li	a6, BH_HC_DISABLE
	li	a7, BH_HC_EXT
	ecall
	/* Still a guest: a0 is the hypervisor's SBI error. */
	j	.Lleave_out

	.balign 4
.Lleft:
	csrw	stvec, s2
	li	a0, 0
.Lleave_out:
	restore_callee_saved
	ret
SYM_FUNC_END(bh_trampoline_leave)
