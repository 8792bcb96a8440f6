// SPDX-License-Identifier: GPL-2.0
/* The cells' emulated MMIO windows (mmio_registry.h). */
#include "mmio_registry.h"

#include "cell.h"
#include "insn_decode.h"

int mmio_register(struct cell *cell, uint64_t base, uint64_t size, const struct mmio_ops *ops,
		  void *opaque)
{
	struct cell_mmio *mmio = &cell->mmio;
	struct mmio_region *slot = NULL;

	if (!size || base + size < base || !ops || !ops->read || !ops->write)
		return MMIO_EINVAL;
	for (unsigned int i = 0; i < mmio->count; i++) {
		struct mmio_region *r = &mmio->region[i];

		if (r->base == base && r->size == size)
			slot = r;
		else if (base < r->base + r->size && r->base < base + size)
			return MMIO_EINVAL;
	}
	if (!slot) {
		if (mmio->count == CELL_MMIO_REGIONS)
			return MMIO_EINVAL;
		slot = &mmio->region[mmio->count++];
	}
	*slot = (struct mmio_region){ base, size, ops, opaque };
	return MMIO_OK;
}

const struct mmio_region *mmio_find(const struct cell *cell, uint64_t gpa)
{
	for (unsigned int i = 0; i < cell->mmio.count; i++) {
		const struct mmio_region *r = &cell->mmio.region[i];

		if (gpa - r->base < r->size)
			return r;
	}
	return NULL;
}

int mmio_access(const struct mmio_region *dev, uint64_t gpa, const struct insn_mmio *acc,
		uint64_t regs[32])
{
	uint64_t offset = gpa - dev->base, value;
	int ret;

	if (acc->is_store)
		return dev->ops->write(dev->opaque, offset, acc->width,
				       insn_store_value(acc, regs[acc->reg]));
	ret = dev->ops->read(dev->opaque, offset, acc->width, &value);
	if (ret == MMIO_OK && acc->reg != 0)
		regs[acc->reg] = insn_load_value(acc, value);
	return ret;
}
