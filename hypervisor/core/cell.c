// SPDX-License-Identifier: GPL-2.0
/*
 * What a cell is made of in the hypervisor: its G-stage page table, built
 * from its config, its vPLIC and its link ends (core/ivc/doorbell.c).
 * core/control.c decides when.
 */
#include <bulkhead/config_check.h>

#include "control.h"
#include "hv.h"
#include "irq_latency.h"
#include "lib.h"

#define ENOMEM 12
#define EINVAL 22

static void *gstage_alloc_page(void *opaque, uint64_t *phys)
{
	uint64_t page = pool_alloc(&hv.pool, 1, 1);

	(void)opaque;
	*phys = page;
	return (void *)(uintptr_t)page;
}

static void gstage_free_page(void *opaque, void *virt)
{
	(void)opaque;
	pool_free(&hv.pool, (uint64_t)(uintptr_t)virt, 1);
}

/* Pool pages are the hypervisor's own: their address is their pointer. */
static void *gstage_phys_to_virt(void *opaque, uint64_t phys)
{
	(void)opaque;
	return (void *)(uintptr_t)phys;
}

unsigned int gstage_flags(uint64_t mem_flags)
{
	unsigned int flags = 0;

	if (mem_flags & BH_MEM_READ)
		flags |= GSTAGE_READ;
	if (mem_flags & BH_MEM_WRITE)
		flags |= GSTAGE_WRITE;
	if ((mem_flags & BH_MEM_EXECUTE) && !(mem_flags & BH_MEM_IO))
		flags |= GSTAGE_EXEC;
	return flags;
}

static unsigned long vplic_pages(void)
{
	return (sizeof(struct vplic) + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE;
}

static int cell_build_gstage(struct cell *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);
	struct gstage_alloc alloc = { gstage_alloc_page, gstage_free_page, gstage_phys_to_virt,
				      NULL };
	uint64_t root = pool_alloc(&hv.pool, GSTAGE_ROOT_SIZE / HV_PAGE_SIZE,
				   GSTAGE_ROOT_SIZE / HV_PAGE_SIZE);
	int ret;

	if (!root)
		return -ENOMEM;
	ret = gstage_init(&cell->gstage, hv.gstage_mode, (void *)(uintptr_t)root, root, &alloc);
	for (uint32_t i = 0; !ret && i < cell->desc->num_mem_regions; i++) {
		ret = gstage_map(&cell->gstage, r[i].virt_start, r[i].phys_start, r[i].size,
				 gstage_flags(r[i].flags));
		if (ret)
			hv_printk("bulkhead: cell '%s' region %u [0x%lx, +0x%lx): %s\n", cell->name,
				  i, (unsigned long)r[i].virt_start, (unsigned long)r[i].size,
				  gstage_strerror(ret));
	}
	if (!ret)
		ret = gstage_hgatp(&cell->gstage, cell->vmid, &cell->hgatp);
	if (ret) {
		gstage_destroy(&cell->gstage);
		pool_free(&hv.pool, root, GSTAGE_ROOT_SIZE / HV_PAGE_SIZE);
		return ret == GSTAGE_ERR_NOMEM ? -ENOMEM : -EINVAL;
	}
	return 0;
}

static int cell_init_vplic(struct cell *cell)
{
	uint64_t mask[VPLIC_CONTEXT_WORDS] = { 0 };
	unsigned int num_contexts = 0;
	uint64_t page = pool_alloc(&hv.pool, vplic_pages(), 1);

	if (!page)
		return -ENOMEM;
	for (unsigned int hart = 0; hart < BH_MAX_HARTS; hart++) {
		uint32_t ctx = hv.config->platform.hart_plic_context[hart];

		if (!bh_config_cpu_set_has(cell->cpu_set, hart) || ctx >= VPLIC_MAX_CONTEXTS)
			continue;
		mask[ctx / 64] |= 1ULL << (ctx % 64);
		if (ctx + 1 > num_contexts)
			num_contexts = ctx + 1;
	}
	cell->vplic = (struct vplic *)(uintptr_t)page;
	/* The doorbells' virtual lines follow the physical ones. */
	if (vplic_init(cell->vplic,
		       hv.config->platform.plic_num_sources + hv.config->platform.virtual_irqs,
		       num_contexts, mask,
		       &hv_vplic_hooks, cell)) {
		pool_free(&hv.pool, page, vplic_pages());
		cell->vplic = NULL;
		return -EINVAL;
	}
	return 0;
}

static int cell_init_latency(struct cell *cell)
{
	unsigned int sources = cell->vplic->num_sources; /* virtual lines included */
	unsigned long pages = (irq_latency_size(sources) + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE;
	uint64_t page = pool_alloc(&hv.pool, pages, 1);

	if (!page)
		return -ENOMEM;
	cell->latency = (struct irq_latency *)(uintptr_t)page;
	cell->latency_pages = pages;
	irq_latency_init(cell->latency, sources);
	return 0;
}

/* G-stage table, vPLIC and latency table from cell->desc, cpu_set and vmid. */
int cell_build(struct cell *cell)
{
	int ret;

	memcpy(cell->name, cell->desc->name, sizeof(cell->name));
	cell->name[sizeof(cell->name) - 1] = '\0';
	ret = cell_build_gstage(cell);
	if (ret)
		return ret;
	ret = cell_init_vplic(cell);
	if (!ret)
		ret = cell_init_latency(cell);
	if (!ret)
		ret = mmio_register(cell, hv.config->platform.plic_base,
				    hv.config->platform.plic_size, &vplic_mmio_ops, cell);
	if (!ret)
		ret = doorbells_build(cell);
	if (ret)
		cell_destroy(cell);
	return ret;
}

int cell_init_root(struct cell *root, const struct bh_system_config *sys)
{
	int ret;

	root->desc = &sys->root_cell;
	root->cpu_set = sys->root_cell.cpu_set;
	root->id = 0;
	root->vmid = 1;
	ret = cell_build(root);
	if (ret)
		return ret;
	hv.cells[0] = root;
	irqchip->take_over(root);
	doorbells_attach(root);
	return 0;
}

void cell_destroy(struct cell *cell)
{
	if (cell->latency) {
		pool_free(&hv.pool, (uint64_t)(uintptr_t)cell->latency, cell->latency_pages);
		cell->latency = NULL;
	}
	if (cell->vplic) {
		pool_free(&hv.pool, (uint64_t)(uintptr_t)cell->vplic, vplic_pages());
		cell->vplic = NULL;
	}
	if (cell->gstage.root) {
		uint64_t root = cell->gstage.root_phys;

		gstage_destroy(&cell->gstage);
		gstage_fence_done(&cell->gstage);
		pool_free(&hv.pool, root, GSTAGE_ROOT_SIZE / HV_PAGE_SIZE);
		cell->gstage.root = NULL;
	}
}
