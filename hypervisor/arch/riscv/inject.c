// SPDX-License-Identifier: GPL-2.0
/*
 * Hand an exception to the guest as if its own hart had taken it: the guest
 * sees it in vscause/vstval/vsepc and runs its trap vector in VS-mode.
 */
#include "arch/riscv/csr.h"
#include "hv.h"

void inject_exception(struct hart *h, unsigned long cause, unsigned long tval)
{
	unsigned long vsstatus = csr_read(CSR_VSSTATUS);

	/* The guest's privilege at the trap becomes its SPP; its SIE is saved in SPIE. */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	if (h->sstatus & SSTATUS_SPP)
		vsstatus |= SSTATUS_SPP;
	if (csr_read(CSR_VSSTATUS) & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	csr_write(CSR_VSSTATUS, vsstatus);
	csr_write(CSR_VSCAUSE, cause);
	csr_write(CSR_VSTVAL, tval);
	csr_write(CSR_VSEPC, h->sepc);
	/* Exceptions always go to the vector base, vectored mode or not. */
	h->sepc = csr_read(CSR_VSTVEC) & ~3UL;
	h->sstatus |= SSTATUS_SPP;
}
