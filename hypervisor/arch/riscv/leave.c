// SPDX-License-Identifier: GPL-2.0
/*
 * Disable, one hart at a time: the guest's supervisor state goes back into
 * the real supervisor CSRs and the hart returns to Linux natively. The last
 * hart out gives the PLIC back to Linux.
 */
#include "arch/riscv/csr.h"
#include "hv.h"

void hart_leave(struct hart *h, uint64_t landing)
{
	unsigned long hvip = csr_read(CSR_HVIP);
	bool last;

	csr_write(CSR_SIE, 0);
	csr_write(CSR_SSCRATCH, csr_read(CSR_VSSCRATCH));
	csr_write(CSR_STIMECMP, csr_read(CSR_VSTIMECMP));
	csr_write(CSR_SSTATUS, csr_read(CSR_VSSTATUS) & ~SSTATUS_SIE);
	/* A pending guest IPI must not be lost on the way out. */
	if (hvip & HVIP_VSSIP)
		csr_set(CSR_SIP, SIP_SSIP);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HGATP, 0);
	hfence_gvma_all();
	csr_write(CSR_HSTATUS, csr_read(CSR_HSTATUS) & ~(HSTATUS_SPV | HSTATUS_SPVP));

	spin_lock(&hv.lock);
	hv.harts_active &= ~(1ULL << h->id);
	last = hv.harts_active == 0;
	spin_unlock(&hv.lock);
	if (last) {
		irqchip->give_back(&hv.root);
		cell_destroy(&hv.root);
		hv_printk("bulkhead: hypervisor disabled\n");
	}
	h->present = false;
	/* Linux's own interrupt enables, as the guest last set them. */
	csr_write(CSR_SIE, csr_read(CSR_VSIE));
	h->regs[10] = 0;
	hv_return_native(h, landing, csr_read(CSR_VSATP));
}
