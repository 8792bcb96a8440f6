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
	struct cell *cell = NULL;

	if (h->cell == &hv.root)
		hart_save_root_supervisor(h);
	spin_lock(&h->hsm_lock);
	h->state = HART_STOPPED;
	spin_unlock(&h->hsm_lock);
	csr_write(CSR_HVIP, 0);

	for (;;) {
		bool start;

		__asm__ __volatile__("wfi");
		/* Lines routed here before the hart stopped still need claiming. */
		if (csr_read(CSR_SIP) & SIP_SEIP)
			irqchip->handle_irq((unsigned int)h->id);
		csr_clear(CSR_SIP, SIP_SSIP);
		/*
		 * MSG_STOP needs nothing here: whoever stops a cell calls off a
		 * pending start under hsm_lock before it posts the stop.
		 */
		if (!(__atomic_exchange_n(&h->mailbox, 0, __ATOMIC_ACQUIRE) & MSG_START))
			continue;
		/*
		 * The owner is read with the start, under the lock: it changes only
		 * while the hart is parked (create, destroy), never once it started.
		 */
		spin_lock(&h->hsm_lock);
		start = h->state == HART_START_PENDING;
		if (start) {
			h->state = HART_STARTED;
			cell = h->cell;
		}
		spin_unlock(&h->hsm_lock);
		if (start)
			break;
	}

	/* A fresh hart of whichever cell it belongs to now: nothing of the last one's state. */
	hart_reset_guest_state(h, cell);
	csr_write(CSR_HGATP, cell->hgatp);
	hfence_gvma_all();
	h->sepc = h->start_addr;
	h->sstatus |= SSTATUS_SPP;
	h->hstatus |= HSTATUS_SPV | HSTATUS_SPVP;
	hfence_vvma_all();
	/* The image was written by another hart: fetch it fresh. */
	__asm__ __volatile__("fence.i" ::: "memory");
	hart_update_vseip(h);
	/* The stack of the call that parked us is abandoned here. */
	hart_resume(h);
}
