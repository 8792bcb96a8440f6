// SPDX-License-Identifier: GPL-2.0
/*
 * What a cell's vPLIC asks of the machine: raise or lower a hart's VSEIP
 * (directly on this hart, through its mailbox and an IPI on another),
 * complete a line physically, re-route a line.
 */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "plic.h"

/* The machine's interrupt controller. */
const struct irqchip_ops *irqchip = &plic_irqchip;

void hart_post(struct hart *target, uint32_t msg)
{
	__atomic_fetch_or(&target->mailbox, msg, __ATOMIC_RELEASE);
	fw_send_ipi(1ULL << target->id);
}

void hart_update_vseip(struct hart *h)
{
	struct cell *cell = h->cell;
	bool level;

	spin_lock(&cell->lock);
	level = vplic_context_pending(cell->vplic, h->plic_context);
	spin_unlock(&cell->lock);
	if (level)
		csr_set(CSR_HVIP, HVIP_VSEIP);
	else
		csr_clear(CSR_HVIP, HVIP_VSEIP);
}

/* Anything but a guest IPI: kept out of line so that an IPI's receive needs no stack frame. */
static void __attribute__((noinline)) handle_other_messages(struct hart *h, uint32_t msg)
{
	if (msg & MSG_VSEIP)
		hart_update_vseip(h);
	/* MSG_START is for parked harts: keep it for the park loop. */
	if (msg & MSG_START)
		__atomic_fetch_or(&h->mailbox, MSG_START, __ATOMIC_RELAXED);
	if (msg & MSG_STOP)
		hart_park(h);
}

void hart_handle_mailbox(struct hart *h)
{
	uint32_t msg = __atomic_exchange_n(&h->mailbox, 0, __ATOMIC_ACQUIRE);

	if (msg & MSG_VSSIP)
		csr_set(CSR_HVIP, HVIP_VSSIP);
	if (msg & ~MSG_VSSIP)
		handle_other_messages(h, msg);
}

/* Called with the cell's lock held. */
static void vplic_signal(void *opaque, unsigned int context, bool asserted)
{
	struct cell *cell = opaque;
	struct hart *target, *self = this_hart();
	int hart;

	/* The common case: the interrupt path on the context's own hart. */
	if (self->plic_context == context && self->cell == cell) {
		if (asserted)
			csr_set(CSR_HVIP, HVIP_VSEIP);
		else
			csr_clear(CSR_HVIP, HVIP_VSEIP);
		return;
	}
	hart = plic_context_hart(context);
	if (hart < 0)
		return;
	target = &hv.harts[hart];
	if (target->cell != cell)
		return;
	if (target == this_hart()) {
		if (asserted)
			csr_set(CSR_HVIP, HVIP_VSEIP);
		else
			csr_clear(CSR_HVIP, HVIP_VSEIP);
	} else {
		hart_post(target, MSG_VSEIP);
	}
}

static void vplic_hw_complete(void *opaque, unsigned int source)
{
	(void)opaque;
	irqchip->complete(source);
}

static void vplic_line_changed(void *opaque, unsigned int source)
{
	irqchip->route_line(opaque, source);
}

const struct vplic_hooks hv_vplic_hooks = {
	.signal = vplic_signal,
	.hw_complete = vplic_hw_complete,
	.line_changed = vplic_line_changed,
};
