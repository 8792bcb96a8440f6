// SPDX-License-Identifier: GPL-2.0
/*
 * What a hart's next guest finds. Every start of a hart out of the park loop
 * (a cell's first hart, a cell's own HSM start, the root taking a hart back)
 * begins from one defined state, so nothing of the previous owner shows
 * through: the SBI spec's start state (a0 = hart id, a1 = opaque, satp = 0,
 * interrupts off), and zero for everything else the guest can read.
 *
 * senvcfg and scounteren are not swapped for VS-mode: a guest writes the
 * real ones. The root's values are kept when one of its harts parks and put
 * back when a hart comes back to it; a cell starts with senvcfg 0 and
 * scounteren CY|TM|IR, what OpenSBI gives S-mode and KVM a new vCPU: Linux
 * never sets it and its user space reads the clock (rdtime).
 */
#include "arch/riscv/csr.h"
#include "hv.h"

/* Cycle, time and instret readable from the cell's user mode. */
#define CELL_SCOUNTEREN 0x7UL

#define FP_ZERO(n) "fmv.d.x f" #n ", zero\n"

/* The hypervisor is built without F/D; the hart has them (Linux needs them). */
static void zero_fp_state(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_FS);
	__asm__ __volatile__(".option push\n"
			     ".option arch, +d\n"
			     FP_ZERO(0) FP_ZERO(1) FP_ZERO(2) FP_ZERO(3) FP_ZERO(4) FP_ZERO(5)
			     FP_ZERO(6) FP_ZERO(7) FP_ZERO(8) FP_ZERO(9) FP_ZERO(10) FP_ZERO(11)
			     FP_ZERO(12) FP_ZERO(13) FP_ZERO(14) FP_ZERO(15) FP_ZERO(16)
			     FP_ZERO(17) FP_ZERO(18) FP_ZERO(19) FP_ZERO(20) FP_ZERO(21)
			     FP_ZERO(22) FP_ZERO(23) FP_ZERO(24) FP_ZERO(25) FP_ZERO(26)
			     FP_ZERO(27) FP_ZERO(28) FP_ZERO(29) FP_ZERO(30) FP_ZERO(31)
			     "fscsr zero\n"
			     ".option pop\n" ::: "memory");
}

void hart_save_root_supervisor(struct hart *h)
{
	h->root_senvcfg = csr_read(CSR_SENVCFG);
	h->root_scounteren = csr_read(CSR_SCOUNTEREN);
}

void hart_reset_guest_state(struct hart *h, const struct cell *owner)
{
	bool root = owner == &hv.root;

	for (int i = 0; i < 32; i++)
		h->regs[i] = 0;
	h->regs[10] = h->id;
	h->regs[11] = h->start_arg;
	zero_fp_state();
	/* FS off: the guest turns it on when it wants the (zeroed) registers. */
	csr_write(CSR_VSSTATUS, csr_read(CSR_VSSTATUS) & SSTATUS_UXL);
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSTVEC, 0);
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSEPC, 0);
	csr_write(CSR_VSCAUSE, 0);
	csr_write(CSR_VSTVAL, 0);
	csr_write(CSR_VSATP, 0);
	csr_write(CSR_VSTIMECMP, ~0UL);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_SENVCFG, root ? h->root_senvcfg : 0);
	csr_write(CSR_SCOUNTEREN, root ? h->root_scounteren : CELL_SCOUNTEREN);
	csr_write(CSR_HENVCFG, root ? h->root_henvcfg : HENVCFG_STCE);
}
