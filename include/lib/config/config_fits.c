// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A cell under a system config: what the root cell of a system config must
 * satisfy against the platform, and bh_config_check_cell_fits() for a cell
 * config against the system config it is created under.
 */
#include "config_internal.h"

/* The cell's harts and PLIC lines exist in the system config's platform. */
static int check_cell_platform(struct bh_check *c, const struct bh_cell_desc *cell,
			       const struct bh_platform_info *plat)
{
	uint32_t h, line;

	for (h = 0; h < BH_MAX_HARTS; h++)
		if (bh_config_cpu_set_has(cell->cpu_set, h) &&
		    plat->hart_plic_context[h] == BH_NO_CONTEXT)
			return bh_config_fail(c, BH_CONFIG_EINVAL,
					      "hart %u has no PLIC context in the system config",
					      h);
	for (line = plat->plic_num_sources; line < BH_MAX_IRQS; line++)
		if (bh_config_irq_owned(cell, line))
			return bh_config_fail(
				c, BH_CONFIG_EINVAL,
				"PLIC line %u out of range (the PLIC has lines 1..%u)", line,
				plat->plic_num_sources - 1);
	return 0;
}

int bh_check_cell_vs_system(struct bh_check *c, const struct bh_cell_desc *cell,
			    const struct bh_system_config *sys)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	const struct bh_platform_info *plat = &sys->platform;
	struct bh_range_text a, b;
	uint32_t i;
	int ret;

	for (i = 0; i < cell->num_mem_regions; i++) {
		if (bh_config_ranges_overlap(r[i].phys_start, r[i].size, hv->phys_start, hv->size))
			return bh_config_fail(c, BH_CONFIG_ECONFLICT,
					      "memory region %u %s overlaps hypervisor memory %s",
					      i, bh_range_text(&a, r[i].phys_start, r[i].size),
					      bh_range_text(&b, hv->phys_start, hv->size));
		if (bh_config_ranges_overlap(r[i].phys_start, r[i].size, plat->plic_base,
					     plat->plic_size))
			return bh_config_fail(
				c, BH_CONFIG_ECONFLICT,
				"memory region %u %s maps the PLIC window %s (the hypervisor emulates the PLIC)",
				i, bh_range_text(&a, r[i].phys_start, r[i].size),
				bh_range_text(&b, plat->plic_base, plat->plic_size));
	}
	ret = check_cell_platform(c, cell, plat);
	if (ret)
		return ret;
	return bh_check_links_vs_system(c, cell, sys);
}

/*
 * Each cell region sits inside one root region of the same kind; RAM only in
 * the root's loadable pool, never in the RAM the root kernel runs in.
 */
static int check_cell_regions_in_root(struct bh_check *c, const struct bh_cell_desc *cell,
				      const struct bh_cell_desc *root)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	const struct bh_mem_region *outer;
	struct bh_range_text t;
	uint32_t i;

	for (i = 0; i < cell->num_mem_regions; i++) {
		bool io = r[i].flags & BH_MEM_IO;

		outer = bh_config_region_by_phys(root, r[i].phys_start, r[i].size);
		if (outer && !io && !(outer->flags & BH_MEM_IO) &&
		    !(outer->flags & BH_MEM_LOADABLE))
			return bh_config_fail(
				c, BH_CONFIG_EINVAL,
				"memory region %u %s is in the root kernel's RAM, not in a root region cells are carved from (RAM with BH_MEM_LOADABLE)",
				i, bh_range_text(&t, r[i].phys_start, r[i].size));
		if (outer && !(outer->flags & BH_MEM_IO) == !io)
			continue;
		return bh_config_fail(
			c, BH_CONFIG_EINVAL, "memory region %u %s is not inside a root %s region",
			i, bh_range_text(&t, r[i].phys_start, r[i].size), io ? "IO" : "RAM");
	}
	return 0;
}

int bh_config_check_cell_fits(const struct bh_system_config *sys, const struct bh_cell_desc *cell,
			      char *err, size_t err_len)
{
	const struct bh_cell_desc *root = &sys->root_cell;
	struct bh_check c;
	uint32_t h, line;
	int ret;

	bh_check_init(&c, err, err_len, "cell");
	c.name = cell->name;
	for (h = 0; h < BH_MAX_HARTS; h++)
		if (bh_config_cpu_set_has(cell->cpu_set, h) &&
		    !bh_config_cpu_set_has(root->cpu_set, h))
			return bh_config_fail(&c, BH_CONFIG_EINVAL,
					      "hart %u is not in the root cell's CPU set", h);
	ret = bh_check_cell_vs_system(&c, cell, sys);
	if (ret)
		return ret;
	for (line = 1; line < BH_MAX_IRQS; line++)
		if (bh_config_irq_owned(cell, line) && !bh_config_irq_owned(root, line))
			return bh_config_fail(&c, BH_CONFIG_EINVAL,
					      "PLIC line %u is not owned by the root cell", line);
	return check_cell_regions_in_root(&c, cell, root);
}
