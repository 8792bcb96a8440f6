// SPDX-License-Identifier: GPL-2.0
/*
 * Where an image goes in a cell. No kernel calls, so that the host tests can
 * build this file as it is and compare it with a model.
 */
#include <bulkhead/config_check.h>

#include "cell_check.h"

enum bh_load_verdict bh_load_place(const struct bh_cell_desc *cell, uint64_t address, uint64_t size,
				   uint32_t *region, uint64_t *phys)
{
	const struct bh_mem_region *regions = bh_config_cell_regions(cell);
	const struct bh_mem_region *r;
	uint64_t offset;

	if (!size)
		return BH_LOAD_EMPTY;
	r = bh_config_region_by_guest(cell, address, 1);
	if (!r)
		return BH_LOAD_NO_REGION;
	*region = (uint32_t)(r - regions);
	if (!(r->flags & BH_MEM_LOADABLE))
		return BH_LOAD_NOT_LOADABLE;
	offset = address - r->virt_start;
	/* Written so that nothing wraps: offset < r->size here. */
	if (size > r->size - offset)
		return BH_LOAD_TOO_BIG;
	*phys = r->phys_start + offset;
	return BH_LOAD_OK;
}
