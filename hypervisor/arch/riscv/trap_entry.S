/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trap entry and exit. While a guest runs, sscratch holds its struct hart;
 * while the hypervisor runs, sscratch is 0 and tp holds the struct hart, so
 * a trap taken inside the hypervisor (a guest-memory access that faults) is
 * told apart from a guest exit.
 */
#include "asm.h"
#include "asm-defines.h"

/* Register n of a struct hart (the guest's), and of the internal trap frame. */
#define HART_REG(n) (HART_REGS + (n) * 8)
#define REG(n) ((n) * 8)

	.text
	.balign 4
	.globl hv_trap_vector
hv_trap_vector:
	csrrw	sp, sscratch, sp
	beqz	sp, .Lfrom_hypervisor
	sd	x1, HART_REG(1)(sp)
	sd	x3, HART_REG(3)(sp)
	sd	x4, HART_REG(4)(sp)
	sd	x5, HART_REG(5)(sp)
	sd	x6, HART_REG(6)(sp)
	sd	x7, HART_REG(7)(sp)
	sd	x10, HART_REG(10)(sp)
	sd	x11, HART_REG(11)(sp)
	sd	x12, HART_REG(12)(sp)
	sd	x13, HART_REG(13)(sp)
	sd	x14, HART_REG(14)(sp)
	sd	x15, HART_REG(15)(sp)
	sd	x16, HART_REG(16)(sp)
	sd	x17, HART_REG(17)(sp)
	sd	x28, HART_REG(28)(sp)
	sd	x29, HART_REG(29)(sp)
	sd	x30, HART_REG(30)(sp)
	sd	x31, HART_REG(31)(sp)
	/*
	 * An interrupt's handlers neither read nor change the guest's registers,
	 * and C keeps the callee-saved ones: they are saved (and restored) for
	 * exceptions only. After an interrupt, regs[] holds older values of them.
	 */
	csrr	t0, scause
	bltz	t0, 1f
	sd	x8, HART_REG(8)(sp)
	sd	x9, HART_REG(9)(sp)
	sd	x18, HART_REG(18)(sp)
	sd	x19, HART_REG(19)(sp)
	sd	x20, HART_REG(20)(sp)
	sd	x21, HART_REG(21)(sp)
	sd	x22, HART_REG(22)(sp)
	sd	x23, HART_REG(23)(sp)
	sd	x24, HART_REG(24)(sp)
	sd	x25, HART_REG(25)(sp)
	sd	x26, HART_REG(26)(sp)
	sd	x27, HART_REG(27)(sp)
1:	csrr	t0, sscratch
	sd	t0, HART_REG(2)(sp)
	csrw	sscratch, zero
	mv	tp, sp
	mv	a0, sp
	ld	sp, HART_STACK_TOP(sp)
	mv	gp, zero
	call	hv_trap
	/* hv_trap returns the hart to resume: an exception's in full, an interrupt's below. */
	csrr	t0, scause
	bgez	t0, hv_resume_guest
	csrw	sscratch, a0
	ld	x1, HART_REG(1)(a0)
	ld	x2, HART_REG(2)(a0)
	ld	x3, HART_REG(3)(a0)
	ld	x4, HART_REG(4)(a0)
	ld	x5, HART_REG(5)(a0)
	ld	x6, HART_REG(6)(a0)
	ld	x7, HART_REG(7)(a0)
	ld	x11, HART_REG(11)(a0)
	ld	x12, HART_REG(12)(a0)
	ld	x13, HART_REG(13)(a0)
	ld	x14, HART_REG(14)(a0)
	ld	x15, HART_REG(15)(a0)
	ld	x16, HART_REG(16)(a0)
	ld	x17, HART_REG(17)(a0)
	ld	x28, HART_REG(28)(a0)
	ld	x29, HART_REG(29)(a0)
	ld	x30, HART_REG(30)(a0)
	ld	x31, HART_REG(31)(a0)
	ld	x10, HART_REG(10)(a0)
	sret

	.globl hv_resume_guest
hv_resume_guest:
	csrw	sscratch, a0
	ld	x1, HART_REG(1)(a0)
	ld	x2, HART_REG(2)(a0)
	ld	x3, HART_REG(3)(a0)
	ld	x4, HART_REG(4)(a0)
	ld	x5, HART_REG(5)(a0)
	ld	x6, HART_REG(6)(a0)
	ld	x7, HART_REG(7)(a0)
	ld	x8, HART_REG(8)(a0)
	ld	x9, HART_REG(9)(a0)
	ld	x11, HART_REG(11)(a0)
	ld	x12, HART_REG(12)(a0)
	ld	x13, HART_REG(13)(a0)
	ld	x14, HART_REG(14)(a0)
	ld	x15, HART_REG(15)(a0)
	ld	x16, HART_REG(16)(a0)
	ld	x17, HART_REG(17)(a0)
	ld	x18, HART_REG(18)(a0)
	ld	x19, HART_REG(19)(a0)
	ld	x20, HART_REG(20)(a0)
	ld	x21, HART_REG(21)(a0)
	ld	x22, HART_REG(22)(a0)
	ld	x23, HART_REG(23)(a0)
	ld	x24, HART_REG(24)(a0)
	ld	x25, HART_REG(25)(a0)
	ld	x26, HART_REG(26)(a0)
	ld	x27, HART_REG(27)(a0)
	ld	x28, HART_REG(28)(a0)
	ld	x29, HART_REG(29)(a0)
	ld	x30, HART_REG(30)(a0)
	ld	x31, HART_REG(31)(a0)
	ld	x10, HART_REG(10)(a0)
	sret

.Lfrom_hypervisor:
	/* Back to the hypervisor's own sp (sscratch is 0 again afterwards). */
	csrrw	sp, sscratch, sp
	addi	sp, sp, -REG(32)
	sd	x1, REG(1)(sp)
	sd	x5, REG(5)(sp)
	sd	x6, REG(6)(sp)
	sd	x7, REG(7)(sp)
	sd	x10, REG(10)(sp)
	sd	x11, REG(11)(sp)
	sd	x12, REG(12)(sp)
	sd	x13, REG(13)(sp)
	sd	x14, REG(14)(sp)
	sd	x15, REG(15)(sp)
	sd	x16, REG(16)(sp)
	sd	x17, REG(17)(sp)
	sd	x28, REG(28)(sp)
	sd	x29, REG(29)(sp)
	sd	x30, REG(30)(sp)
	sd	x31, REG(31)(sp)
	call	hv_internal_trap
	ld	x1, REG(1)(sp)
	ld	x5, REG(5)(sp)
	ld	x6, REG(6)(sp)
	ld	x7, REG(7)(sp)
	ld	x10, REG(10)(sp)
	ld	x11, REG(11)(sp)
	ld	x12, REG(12)(sp)
	ld	x13, REG(13)(sp)
	ld	x14, REG(14)(sp)
	ld	x15, REG(15)(sp)
	ld	x16, REG(16)(sp)
	ld	x17, REG(17)(sp)
	ld	x28, REG(28)(sp)
	ld	x29, REG(29)(sp)
	ld	x30, REG(30)(sp)
	ld	x31, REG(31)(sp)
	addi	sp, sp, REG(32)
	sret

/*
 * hv_return_native(hart, landing, satp): give the hart back to Linux in
 * HS-mode. Linux's callee-saved registers, sp, gp, tp and a0 come from the
 * hart's saved guest registers; the write of satp makes the next fetch fault
 * under Linux's page table, which lands on stvec = landing.
 */
	.globl hv_return_native
hv_return_native:
	mv	t0, a1
	mv	t1, a2
	ld	x1, HART_REG(1)(a0)
	ld	x2, HART_REG(2)(a0)
	ld	x3, HART_REG(3)(a0)
	ld	x4, HART_REG(4)(a0)
	ld	x8, HART_REG(8)(a0)
	ld	x9, HART_REG(9)(a0)
	ld	x18, HART_REG(18)(a0)
	ld	x19, HART_REG(19)(a0)
	ld	x20, HART_REG(20)(a0)
	ld	x21, HART_REG(21)(a0)
	ld	x22, HART_REG(22)(a0)
	ld	x23, HART_REG(23)(a0)
	ld	x24, HART_REG(24)(a0)
	ld	x25, HART_REG(25)(a0)
	ld	x26, HART_REG(26)(a0)
	ld	x27, HART_REG(27)(a0)
	ld	x10, HART_REG(10)(a0)
	csrw	stvec, t0
	sfence.vma
	csrw	satp, t1
1:	j	1b

/* Fences by encoding, callable from C. */
	.globl hfence_gvma_all
hfence_gvma_all:
	HFENCE_GVMA_ALL
	ret
	.globl hfence_vvma_all
hfence_vvma_all:
	HFENCE_VVMA_ALL
	ret

/*
 * unsigned long csr_probe_stimecmp(void): reads stimecmp. Without Sstc (or
 * with the firmware not letting S-mode use it) the read traps, and
 * hv_internal_trap notes it in the hart and skips the instruction.
 */
	.globl csr_probe_stimecmp
	.globl csr_probe_stimecmp_insn
csr_probe_stimecmp:
	li	a0, 0
csr_probe_stimecmp_insn:
	csrr	a0, 0x14d
	ret

/*
 * unsigned long guest_fetch_halfword(unsigned long vaddr): hlvx.hu. If it
 * faults, hv_internal_trap notes it in the hart and skips the instruction.
 */
	.globl guest_fetch_halfword
	.globl guest_fetch_halfword_insn
guest_fetch_halfword:
guest_fetch_halfword_insn:
	.insn r 0x73, 0x4, 0x32, a0, a0, x3
	ret
