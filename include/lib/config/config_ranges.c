// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pure range functions over configs, for the checks here and for their
 * callers: the driver's checks against the running machine and hvctl's.
 */
#include "config_internal.h"

/* Last byte of a non-empty range, clipped at 2^64 - 1. */
static uint64_t range_last(uint64_t start, uint64_t size)
{
	if (size - 1 > BH_ALL_ONES - start)
		return BH_ALL_ONES;
	return start + (size - 1);
}

bool bh_config_ranges_overlap(uint64_t a_start, uint64_t a_size, uint64_t b_start, uint64_t b_size)
{
	if (!a_size || !b_size)
		return false;
	return a_start <= range_last(b_start, b_size) && b_start <= range_last(a_start, a_size);
}

bool bh_config_range_contains(uint64_t outer_start, uint64_t outer_size, uint64_t start,
			      uint64_t size)
{
	if (!size || !outer_size || bh_range_wraps(start, size) ||
	    bh_range_wraps(outer_start, outer_size))
		return false;
	return start >= outer_start && start + size <= outer_start + outer_size;
}

const struct bh_mem_region *bh_config_region_by_phys(const struct bh_cell_desc *cell, uint64_t phys,
						     uint64_t size)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++)
		if (bh_config_range_contains(r[i].phys_start, r[i].size, phys, size))
			return &r[i];
	return NULL;
}

const struct bh_mem_region *bh_config_region_by_guest(const struct bh_cell_desc *cell, uint64_t gpa,
						      uint64_t size)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++)
		if (bh_config_range_contains(r[i].virt_start, r[i].size, gpa, size))
			return &r[i];
	return NULL;
}

enum bh_ram_verdict bh_root_ram_gap(const struct bh_cell_desc *root, uint64_t start, uint64_t end,
				    uint64_t *gap_start, uint64_t *gap_end, uint32_t *region)
{
	const struct bh_mem_region *regions = bh_config_cell_regions(root);
	uint64_t pos = start, last, above;
	const struct bh_mem_region *r;
	uint32_t i;

	while (pos <= end) {
		r = bh_config_region_by_phys(root, pos, 1);
		if (!r) {
			/* Up to the next region of any kind, or the end of the range. */
			above = end;
			for (i = 0; i < root->num_mem_regions; i++)
				if (regions[i].size && regions[i].phys_start > pos &&
				    regions[i].phys_start - 1 < above)
					above = regions[i].phys_start - 1;
			*gap_start = pos;
			*gap_end = above;
			return BH_RAM_UNMAPPED;
		}
		last = r->phys_start + (r->size - 1);
		if ((r->flags & BH_ROOT_RAM_FLAGS) != BH_ROOT_RAM_FLAGS || (r->flags & BH_MEM_IO)) {
			*gap_start = pos;
			*gap_end = last < end ? last : end;
			*region = (uint32_t)(r - regions);
			return BH_RAM_NOT_RAM;
		}
		if (last >= end)
			break;
		pos = last + 1;
	}
	return BH_RAM_MAPPED;
}
