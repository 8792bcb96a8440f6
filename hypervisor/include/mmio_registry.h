/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devices a cell's guest reaches by MMIO that the hypervisor emulates.
 * Each registers its window {base, size, read, write, opaque} with the cell;
 * a guest-page fault inside a window is decoded, looked up here and handed
 * to the device; outside every window it is the guest's fault.
 */
#ifndef BULKHEAD_MMIO_REGISTRY_H
#define BULKHEAD_MMIO_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bulkhead/config.h>
#include <bulkhead/hypercall.h>

#include "insn_decode.h"

struct cell;

#define MMIO_OK	    0
#define MMIO_EFAULT (-1) /* no register there, or not that width: an access fault for the guest */
#define MMIO_EINVAL (-2) /* registration refused */

/* The PLIC window and a doorbell page per link end. */
#define CELL_MMIO_REGIONS (1 + BH_MAX_LINK_ENDS)

struct mmio_ops {
	/* offset is from the window's base; width is 1, 2, 4 or 8 bytes. */
	int (*read)(void *opaque, uint64_t offset, unsigned int width, uint64_t *value);
	int (*write)(void *opaque, uint64_t offset, unsigned int width, uint64_t value);
	/* The exit counter an access adds to; 0 (left out) is BH_EXIT_MMIO. */
	enum bh_exit_reason exit_reason;
};

struct mmio_region {
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *opaque;
};

/* Part of struct cell. */
struct cell_mmio {
	unsigned int count;
	struct mmio_region region[CELL_MMIO_REGIONS];
};

/*
 * Add a window to the cell, or replace the one at the same base and size
 * (a cell built again). MMIO_EINVAL for an empty or wrapping window, one
 * that overlaps another, or no room left.
 */
int mmio_register(struct cell *cell, uint64_t base, uint64_t size, const struct mmio_ops *ops,
		  void *opaque);

/* The window holding guest-physical gpa, or NULL (inline: every MMIO exit asks). */
static inline const struct mmio_region *mmio_find(const struct cell_mmio *mmio, uint64_t gpa)
{
	for (unsigned int i = 0; i < mmio->count; i++)
		if (gpa - mmio->region[i].base < mmio->region[i].size)
			return &mmio->region[i];
	return NULL;
}

static inline enum bh_exit_reason mmio_exit_reason(const struct mmio_region *dev)
{
	return dev->ops->exit_reason ? dev->ops->exit_reason : BH_EXIT_MMIO;
}

/*
 * Carry out the decoded access at gpa on the device: a store writes the
 * source register's value (its low width bytes), a load sets the destination
 * register (x0 discards it) from what the device read. MMIO_OK, or the
 * device's error, with the registers unchanged. Inline: every MMIO exit runs it.
 */
static inline int mmio_access(const struct mmio_region *dev, uint64_t gpa,
			      const struct insn_mmio *acc, uint64_t regs[32])
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
 * The fast path of a fetched instruction's decode: LW, SW, C.LW and C.SW,
 * the forms of a 32-bit register access, into *acc as insn_decode_raw()
 * would; false (and *acc untouched) for any other instruction.
 */
static inline bool mmio_decode_word_access(uint32_t insn, struct insn_mmio *acc)
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

#endif
