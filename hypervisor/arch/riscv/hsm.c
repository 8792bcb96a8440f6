// SPDX-License-Identifier: GPL-2.0
/*
 * A stopped hart waits in the hypervisor (not in the firmware) until its cell
 * starts it again with HSM hart_start; it then enters the guest as a freshly
 * started hart: translation off, interrupts off, a0 = hart id, a1 = opaque.
 */
#include "arch/riscv/csr.h"
#include "hv.h"

void hart_resume(struct hart *h) __attribute__((noreturn));

void hart_park(struct hart *h)
{
	spin_lock(&h->cell->lock);
	h->state = HART_STOPPED;
	spin_unlock(&h->cell->lock);
	csr_write(CSR_HVIP, 0);

	for (;;) {
		uint32_t msg;

		__asm__ __volatile__("wfi");
		/* Lines routed here before the hart stopped still need claiming. */
		if (csr_read(CSR_SIP) & SIP_SEIP)
			plic_handle_irq(h);
		csr_clear(CSR_SIP, SIP_SSIP);
		msg = __atomic_exchange_n(&h->mailbox, 0, __ATOMIC_ACQUIRE);
		if (msg & MSG_STOP) {
			/* A start that was still pending is called off. */
			spin_lock(&h->cell->lock);
			h->state = HART_STOPPED;
			spin_unlock(&h->cell->lock);
			continue;
		}
		if ((msg & MSG_START) && h->state == HART_START_PENDING)
			break;
	}

	/* A fresh hart of whichever cell it belongs to now: nothing of the last one's state. */
	for (int i = 0; i < 32; i++)
		h->regs[i] = 0;
	h->regs[10] = h->id;
	h->regs[11] = h->start_arg;
	csr_write(CSR_HGATP, h->cell->hgatp);
	hfence_gvma_all();
	csr_write(CSR_VSATP, 0);
	csr_write(CSR_VSSTATUS, csr_read(CSR_VSSTATUS) & ~(SSTATUS_SIE | SSTATUS_SPIE));
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSTVEC, 0);
	csr_write(CSR_VSSCRATCH, 0);
	csr_write(CSR_VSTIMECMP, ~0UL);
	csr_write(CSR_HVIP, 0);
	h->sepc = h->start_addr;
	h->sstatus |= SSTATUS_SPP;
	h->hstatus |= HSTATUS_SPV | HSTATUS_SPVP;
	hfence_vvma_all();
	/* The image was written by another hart: fetch it fresh. */
	__asm__ __volatile__("fence.i" ::: "memory");
	h->state = HART_STARTED;
	hart_update_vseip(h);
	/* The stack of the call that parked us is abandoned here. */
	hart_resume(h);
}
