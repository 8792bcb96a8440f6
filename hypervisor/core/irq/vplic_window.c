// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's PLIC window: registered with each cell's MMIO windows when the
 * cell is built, backed by the cell's vPLIC under the cell's lock. The claim
 * and complete registers, the interrupt path's, go straight to the vPLIC.
 */
#include "hv.h"
#include "hv_time.h"
#include "irq_latency.h"
#include "mmio_registry.h"
#include "vplic.h"

/* The guest's PLIC window, emulated by its cell's vPLIC (opaque: the cell). */
static int vplic_window_read(void *opaque, uint64_t offset, unsigned int width, uint64_t *value)
{
	struct cell *cell = opaque;
	int64_t claim = vplic_claim_register(cell->vplic, offset, width);
	uint32_t v;
	int ret;

	spin_lock(&cell->lock);
	if (claim >= 0) {
		v = vplic_claim(cell->vplic, (unsigned int)claim);
		irq_latency_claimed(cell->latency, v, hv_time_now());
		ret = VPLIC_OK;
	} else {
		ret = vplic_mmio_read(cell->vplic, offset, width, &v);
	}
	spin_unlock(&cell->lock);
	if (ret != VPLIC_OK)
		return MMIO_EFAULT;
	*value = v;
	return MMIO_OK;
}

static int vplic_window_write(void *opaque, uint64_t offset, unsigned int width, uint64_t value)
{
	struct cell *cell = opaque;
	int64_t complete = vplic_claim_register(cell->vplic, offset, width);
	unsigned int violation = 0;
	int ret;

	spin_lock(&cell->lock);
	if (complete >= 0) {
		if (vplic_complete(cell->vplic, (unsigned int)complete, (uint32_t)value))
			irq_latency_completed(cell->latency, (unsigned int)value, hv_time_now());
		ret = VPLIC_OK;
	} else {
		ret = vplic_mmio_write(cell->vplic, offset, width, (uint32_t)value, &violation);
	}
	spin_unlock(&cell->lock);
	if (ret == VPLIC_EVIOLATION) {
		struct hart *h = arch_current_hart();

		/* As a PLIC with no such source: nothing changed, nothing to say. */
		if (cell->desc->flags & BH_CELL_VPLIC_IGNORE_UNOWNED)
			return MMIO_OK;
		if (cell != &hv.root)
			cell_fail(h, "hart %lu wrote to PLIC line %u, which it does not own",
				  (unsigned long)h->id, violation);
		/* The root may not touch lines it gave away; its write to them is dropped. */
		hv_printk("bulkhead: cell '%s' wrote to PLIC line %u it does not own\n",
			  cell->name, violation);
		return MMIO_OK;
	}
	return ret == VPLIC_OK ? MMIO_OK : MMIO_EFAULT;
}

const struct mmio_ops vplic_mmio_ops = {
	.read = vplic_window_read,
	.write = vplic_window_write,
};
