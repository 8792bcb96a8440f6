// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Link ends (struct bh_link_end, docs/shared-memory.md): each end on its own
 * and beside the cell's other ends, against the system config (its line is a
 * reserved virtual line, its shared memory is nobody's private memory), and
 * against the ends of the cells that exist (the ends of one link agree on the
 * shared region, end ids are unique within a link).
 */
#include "config_internal.h"

#define LINK_SHMEM_FLAGS (BH_MEM_READ | BH_MEM_WRITE)

int bh_check_link_count(struct bh_check *c, uint32_t n)
{
	if (n <= BH_MAX_LINK_ENDS)
		return 0;
	return bh_config_fail(c, BH_CONFIG_EINVAL, "%u link ends (at most %u)", n,
			      BH_MAX_LINK_ENDS);
}

static int check_end_fields(struct bh_check *c, const struct bh_link_end *e, uint32_t i)
{
	if (e->reserved)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "link end %u: reserved is 0x%llx, must be 0",
				      i, BH_ULL(e->reserved));
	if (e->end_id > BH_LINK_MAX_END_ID)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "link end %u: end id %u out of range (0..%u)",
				      i, e->end_id, BH_LINK_MAX_END_ID);
	if (!e->peers)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "link end %u: no peer to ring", i);
	if ((e->peers >> e->end_id) & 1)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "link end %u: end %u names itself as a peer",
				      i, e->end_id);
	if ((e->shmem_flags & ~LINK_SHMEM_FLAGS) || !(e->shmem_flags & BH_MEM_READ))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "link end %u: shared memory flags 0x%llx (READ, optionally WRITE)",
				      i, BH_ULL(e->shmem_flags));
	if (!e->shmem_size || !bh_page_aligned(e->shmem_phys) || !bh_page_aligned(e->shmem_virt) ||
	    !bh_page_aligned(e->shmem_size))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "link end %u: shared memory 0x%llx -> 0x%llx + 0x%llx is empty or not 4 KiB aligned",
				      i, BH_ULL(e->shmem_phys), BH_ULL(e->shmem_virt),
				      BH_ULL(e->shmem_size));
	if (bh_range_wraps(e->shmem_phys, e->shmem_size) ||
	    bh_range_wraps(e->shmem_virt, e->shmem_size))
		return bh_config_fail(c, BH_CONFIG_EINVAL, "link end %u: shared memory wraps past 2^64",
				      i);
	if (c->root && e->shmem_virt != e->shmem_phys)
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "link end %u: shared memory virt 0x%llx differs from phys 0x%llx (the root cell is identity-mapped)",
				      i, BH_ULL(e->shmem_virt), BH_ULL(e->shmem_phys));
	if (!bh_page_aligned(e->doorbell) || bh_range_wraps(e->doorbell, BH_CONFIG_PAGE_SIZE))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "link end %u: doorbell page 0x%llx is not a 4 KiB page", i,
				      BH_ULL(e->doorbell));
	return 0;
}

/* What a guest-physical page of the cell must stay clear of: its regions and the other ends. */
static int check_end_in_cell(struct bh_check *c, const struct bh_cell_desc *cell,
			     const struct bh_link_end *e, uint32_t i)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_link_end *l = bh_config_cell_links(cell);
	struct bh_range_text a, b;
	uint32_t j;

	for (j = 0; j < cell->num_mem_regions; j++) {
		if (bh_config_ranges_overlap(e->shmem_phys, e->shmem_size, r[j].phys_start,
					     r[j].size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: shared memory %s overlaps the cell's memory region %u %s",
					      i, bh_range_text(&a, e->shmem_phys, e->shmem_size), j,
					      bh_range_text(&b, r[j].phys_start, r[j].size));
		if (bh_config_ranges_overlap(e->shmem_virt, e->shmem_size, r[j].virt_start,
					     r[j].size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: shared memory guest-physical %s overlaps memory region %u",
					      i, bh_range_text(&a, e->shmem_virt, e->shmem_size), j);
		if (bh_config_ranges_overlap(e->doorbell, BH_CONFIG_PAGE_SIZE, r[j].virt_start,
					     r[j].size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: doorbell page 0x%llx overlaps memory region %u",
					      i, BH_ULL(e->doorbell), j);
	}
	if (!c->root && !(cell->flags & BH_CELL_BOOT_DTB) && e->doorbell == cell->boot_arg)
		return bh_config_fail(c, BH_CONFIG_ECONFLICT,
				      "link end %u: doorbell page 0x%llx is the boot info page", i,
				      BH_ULL(e->doorbell));
	for (j = 0; j < i; j++) {
		if (l[j].link_id == e->link_id)
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link ends %u and %u are both on link %u (one end per cell)",
					      j, i, e->link_id);
		if (l[j].irq_line == e->irq_line)
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link ends %u and %u share line %u", j, i, e->irq_line);
		if (bh_config_ranges_overlap(e->shmem_virt, e->shmem_size, l[j].shmem_virt,
					     l[j].shmem_size) ||
		    bh_config_ranges_overlap(e->doorbell, BH_CONFIG_PAGE_SIZE, l[j].shmem_virt,
					     l[j].shmem_size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: shared memory or doorbell overlaps link end %u's shared memory",
					      i, j);
		if (bh_config_ranges_overlap(e->doorbell, BH_CONFIG_PAGE_SIZE, l[j].doorbell,
					     BH_CONFIG_PAGE_SIZE) ||
		    bh_config_ranges_overlap(l[j].doorbell, BH_CONFIG_PAGE_SIZE, e->shmem_virt,
					     e->shmem_size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: doorbell page 0x%llx collides with link end %u",
					      i, BH_ULL(e->doorbell), j);
	}
	if (bh_config_ranges_overlap(e->doorbell, BH_CONFIG_PAGE_SIZE, e->shmem_virt,
				     e->shmem_size))
		return bh_config_fail(c, BH_CONFIG_ECONFLICT,
				      "link end %u: doorbell page 0x%llx lies in its shared memory",
				      i, BH_ULL(e->doorbell));
	return 0;
}

int bh_check_cell_links(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_link_end *l = bh_config_cell_links(cell);
	uint32_t i;
	int ret;

	for (i = 0; i < cell->num_link_ends; i++) {
		ret = check_end_fields(c, &l[i], i);
		if (!ret)
			ret = check_end_in_cell(c, cell, &l[i], i);
		if (ret)
			return ret;
	}
	return 0;
}

int bh_check_links_vs_system(struct bh_check *c, const struct bh_cell_desc *cell,
			     const struct bh_system_config *sys)
{
	const struct bh_platform_info *plat = &sys->platform;
	const struct bh_mem_region *root = bh_config_cell_regions(&sys->root_cell);
	const struct bh_link_end *l = bh_config_cell_links(cell);
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	uint32_t first = plat->plic_num_sources, i, j;
	struct bh_range_text a, b;

	for (i = 0; i < cell->num_link_ends; i++) {
		const struct bh_link_end *e = &l[i];

		if (e->irq_line < first || e->irq_line - first >= plat->virtual_irqs)
			return bh_config_fail(c, BH_CONFIG_EINVAL,
					      "link end %u: line %u is not a virtual line (the system reserves %u..%u)",
					      i, e->irq_line, first, first + plat->virtual_irqs - 1);
		if (bh_config_ranges_overlap(e->shmem_phys, e->shmem_size, hv->phys_start, hv->size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: shared memory %s overlaps hypervisor memory %s",
					      i, bh_range_text(&a, e->shmem_phys, e->shmem_size),
					      bh_range_text(&b, hv->phys_start, hv->size));
		if (bh_config_ranges_overlap(e->shmem_phys, e->shmem_size, plat->plic_base,
					     plat->plic_size) ||
		    bh_config_ranges_overlap(e->shmem_virt, e->shmem_size, plat->plic_base,
					     plat->plic_size) ||
		    bh_config_ranges_overlap(e->doorbell, BH_CONFIG_PAGE_SIZE, plat->plic_base,
					     plat->plic_size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: shared memory or doorbell page in the PLIC window %s",
					      i, bh_range_text(&b, plat->plic_base, plat->plic_size));
		for (j = 0; j < sys->root_cell.num_mem_regions; j++)
			if (bh_config_ranges_overlap(e->shmem_phys, e->shmem_size,
						     root[j].phys_start, root[j].size))
				return bh_config_fail(c, BH_CONFIG_ECONFLICT,
						      "link end %u: shared memory %s overlaps root memory region %u %s (shared memory is nobody's private memory)",
						      i,
						      bh_range_text(&a, e->shmem_phys, e->shmem_size),
						      j,
						      bh_range_text(&b, root[j].phys_start,
								    root[j].size));
	}
	return 0;
}

/* The ends of one link agree on the shared region; end ids are unique; links do not overlap. */
static int check_end_against(struct bh_check *c, const struct bh_link_end *e, uint32_t i,
			     const struct bh_cell_desc *other)
{
	const struct bh_link_end *o = bh_config_cell_links(other);
	struct bh_range_text a, b;
	uint32_t j;

	for (j = 0; j < other->num_link_ends; j++) {
		if (o[j].link_id != e->link_id) {
			if (bh_config_ranges_overlap(e->shmem_phys, e->shmem_size, o[j].shmem_phys,
						     o[j].shmem_size))
				return bh_config_fail(c, BH_CONFIG_ECONFLICT,
						      "link end %u: shared memory %s of link %u overlaps link %u's %s of cell '%s'",
						      i,
						      bh_range_text(&a, e->shmem_phys, e->shmem_size),
						      e->link_id, o[j].link_id,
						      bh_range_text(&b, o[j].shmem_phys,
								    o[j].shmem_size),
						      other->name);
			continue;
		}
		if (o[j].end_id == e->end_id)
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: end %u of link %u belongs to cell '%s'", i,
					      e->end_id, e->link_id, other->name);
		if (o[j].shmem_phys != e->shmem_phys || o[j].shmem_size != e->shmem_size)
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "link end %u: link %u's shared memory is %s in cell '%s', not %s",
					      i, e->link_id,
					      bh_range_text(&b, o[j].shmem_phys, o[j].shmem_size),
					      other->name,
					      bh_range_text(&a, e->shmem_phys, e->shmem_size));
	}
	return 0;
}

int bh_check_links_against_cells(struct bh_check *c, const struct bh_cell_desc *cell,
				 const struct bh_cell_desc *root,
				 const struct bh_cell_desc *const *others, unsigned int n)
{
	const struct bh_link_end *l = bh_config_cell_links(cell);
	uint32_t i;
	unsigned int k;
	int ret;

	for (i = 0; i < cell->num_link_ends; i++) {
		ret = root ? check_end_against(c, &l[i], i, root) : 0;
		for (k = 0; !ret && k < n; k++)
			ret = check_end_against(c, &l[i], i, others[k]);
		if (ret)
			return ret;
	}
	return 0;
}
