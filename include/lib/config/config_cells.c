// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A new cell against the cells that exist: bh_config_check_against_cells(),
 * which the driver runs before it asks the hypervisor and the hypervisor
 * runs again under its lock, and the pure clash finders it is made of.
 */
#include "config_internal.h"

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

static bool same_name(const struct bh_cell_desc *a, const struct bh_cell_desc *b)
{
	uint32_t i;

	for (i = 0; i < BH_CELL_NAME_LEN && (a->name[i] || b->name[i]); i++)
		if (a->name[i] != b->name[i])
			return false;
	return true;
}

/* What a region is called in messages. */
static const char *region_kind(const struct bh_mem_region *r)
{
	return r->flags & BH_MEM_IO ? "IO" : "memory";
}

/* The lowest hart, then the first region, then the lowest line another cell has already. */
static int check_others(struct bh_check *c, const struct bh_cell_desc *cell,
			const struct bh_cell_desc *const *others, unsigned int n)
{
	const struct bh_mem_region *r, *o;
	struct bh_range_text a, b;
	uint32_t i, j, line;
	unsigned int k;
	int hart;

	for (k = 0; k < n; k++) {
		hart = bh_cell_hart_clash(cell, others[k]);
		if (hart >= 0)
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "hart %d belongs to cell '%s'", hart,
					      others[k]->name);
	}
	for (k = 0; k < n; k++) {
		if (!bh_cell_region_clash(cell, others[k], &i, &j))
			continue;
		r = bh_config_cell_regions(cell) + i;
		o = bh_config_cell_regions(others[k]) + j;
		return bh_config_fail(c, BH_CONFIG_ECONFLICT,
				      "%s region %u %s overlaps %s region %u %s of cell '%s'",
				      region_kind(r), i, bh_range_text(&a, r->phys_start, r->size),
				      region_kind(o), j, bh_range_text(&b, o->phys_start, o->size),
				      others[k]->name);
	}
	for (k = 0; k < n; k++) {
		line = bh_cell_line_clash(cell, others[k]);
		if (line)
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "PLIC line %u belongs to cell '%s'", line,
					      others[k]->name);
	}
	return 0;
}

/*
 * A cell booted with a device tree finds it at boot_arg in its own RAM,
 * written there by the loader: a loadable RAM region must hold it, 8-byte
 * aligned as the RISC-V Linux boot protocol wants it.
 */
static int check_boot_dtb(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_region_by_guest(cell, cell->boot_arg, 8);

	if (cell->boot_arg & 7)
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "device tree address (boot_arg) 0x%llx is not 8-byte aligned",
				      BH_ULL(cell->boot_arg));
	if (!r || (r->flags & BH_MEM_IO) || !(r->flags & BH_MEM_LOADABLE))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "device tree address (boot_arg) 0x%llx is not inside a "
				      "loadable RAM region",
				      BH_ULL(cell->boot_arg));
	return 0;
}

/* The boot info page the hypervisor maps at boot_arg lies beside the cell's regions. */
static int check_boot_info(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;

	if (cell->flags & BH_CELL_BOOT_DTB)
		return check_boot_dtb(c, cell);

	for (i = 0; i < cell->num_mem_regions; i++)
		if (bh_config_ranges_overlap(cell->boot_arg, BH_CONFIG_PAGE_SIZE, r[i].virt_start,
					     r[i].size))
			return bh_config_fail(c, BH_CONFIG_EINVAL,
					      "boot info page 0x%llx overlaps region %u",
					      BH_ULL(cell->boot_arg), i);
	if (!bh_page_aligned(cell->boot_arg))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "boot info address 0x%llx not page aligned",
				      BH_ULL(cell->boot_arg));
	return 0;
}

int bh_config_check_against_cells(const struct bh_cell_desc *cell, const struct bh_cell_desc *root,
				  const struct bh_cell_desc *const *others, unsigned int n,
				  char *err, size_t err_len)
{
	struct bh_check c;
	unsigned int k;
	int ret;

	/* "cell 'NAME' already exists": the name without a colon after it. */
	bh_check_init(&c, err, err_len, NULL);
	if (root && same_name(cell, root))
		return bh_config_fail(&c, BH_CONFIG_EEXIST, "cell '%s' already exists", cell->name);
	for (k = 0; k < n; k++)
		if (same_name(cell, others[k]))
			return bh_config_fail(&c, BH_CONFIG_EEXIST, "cell '%s' already exists",
					      cell->name);

	c.what = "cell";
	c.name = cell->name;
	ret = check_others(&c, cell, others, n);
	if (ret)
		return ret;
	ret = bh_check_links_against_cells(&c, cell, root, others, n);
	if (ret)
		return ret;
	return check_boot_info(&c, cell);
}
