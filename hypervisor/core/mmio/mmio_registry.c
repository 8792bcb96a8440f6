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

#ifdef BH_HOST
/* The inline fast paths of mmio_registry.h, for the host tests to call. */
int mmio_host_access(const struct mmio_region *dev, uint64_t gpa, const struct insn_mmio *acc,
		     uint64_t regs[32]);
int mmio_host_access(const struct mmio_region *dev, uint64_t gpa, const struct insn_mmio *acc,
		     uint64_t regs[32])
{
	return mmio_access(dev, gpa, acc, regs);
}

bool mmio_host_decode_word_access(uint32_t insn, struct insn_mmio *acc);
bool mmio_host_decode_word_access(uint32_t insn, struct insn_mmio *acc)
{
	return mmio_decode_word_access(insn, acc);
}
#endif
