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

int mmio_access(const struct mmio_region *dev, uint64_t gpa, const struct insn_mmio *acc,
		uint64_t regs[32])
{
	uint64_t offset = gpa - dev->base, value;
	int ret;

	if (acc->is_store) {
		value = regs[acc->reg];
		/* A register's 32-bit store (the common one) needs no general width handling. */
		value = acc->width == 4 ? (uint32_t)value : insn_store_value(acc, value);
		return dev->ops->write(dev->opaque, offset, acc->width, value);
	}
	ret = dev->ops->read(dev->opaque, offset, acc->width, &value);
	if (ret != MMIO_OK || acc->reg == 0)
		return ret;
	if (acc->width == 4)
		value = acc->sign_extend ? (uint64_t)(int64_t)(int32_t)value : (uint32_t)value;
	else
		value = insn_load_value(acc, value);
	regs[acc->reg] = value;
	return ret;
}

/*
 * The forms a driver's 32-bit register access takes (LW, SW, C.LW, C.SW),
 * decoded without the general decoder (insn_decode_raw() gives the same
 * answer for them); false for anything else.
 */
bool mmio_decode_word_access(uint32_t insn, struct insn_mmio *acc)
{
	uint32_t op = insn & 0xe003;

	if ((insn & 3) != 3) {
		/* C.LW 010 / C.SW 110, quadrant 0: rd'/rs2' in bits 4:2 */
		if (op != 0x4000 && op != 0xc000)
			return false;
		acc->is_store = op == 0xc000;
		acc->sign_extend = op == 0x4000;
		acc->reg = (uint8_t)(8 + ((insn >> 2) & 7));
		acc->length = 2;
	} else if ((insn & 0x707f) == 0x2003) { /* LW */
		acc->is_store = false;
		acc->sign_extend = true;
		acc->reg = (uint8_t)((insn >> 7) & 31);
		acc->length = 4;
	} else if ((insn & 0x707f) == 0x2023) { /* SW */
		acc->is_store = true;
		acc->sign_extend = false;
		acc->reg = (uint8_t)((insn >> 20) & 31);
		acc->length = 4;
	} else {
		return false;
	}
	acc->width = 4;
	return true;
}
