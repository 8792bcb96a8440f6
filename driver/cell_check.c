// SPDX-License-Identifier: GPL-2.0
/*
 * Pure checks between cell configs. No kernel calls, so that the host tests
 * can build this file as it is and compare it with a model.
 */
#include <bulkhead/config_check.h>

#include "cell_check.h"

int bh_cell_hart_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other)
{
	uint64_t shared = cell->cpu_set & other->cpu_set;
	int hart;

	for (hart = 0; hart < BH_MAX_HARTS; hart++)
		if ((shared >> hart) & 1)
			return hart;
	return -1;
}

uint32_t bh_cell_line_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other)
{
	uint32_t line;

	for (line = 1; line < BH_MAX_IRQS; line++)
		if (bh_config_irq_owned(cell, line) && bh_config_irq_owned(other, line))
			return line;
	return 0;
}

bool bh_cell_region_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other,
			  uint32_t *index, uint32_t *other_index)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_mem_region *o = bh_config_cell_regions(other);
	uint32_t i, j;

	for (i = 0; i < cell->num_mem_regions; i++) {
		for (j = 0; j < other->num_mem_regions; j++) {
			if (!bh_config_ranges_overlap(r[i].phys_start, r[i].size, o[j].phys_start,
						      o[j].size))
				continue;
			*index = i;
			*other_index = j;
			return true;
		}
	}
	return false;
}

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
