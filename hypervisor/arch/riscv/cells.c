// SPDX-License-Identifier: GPL-2.0
/*
 * Non-root cells: created, started, shut down and destroyed by the root's
 * hypercalls. A cell takes harts the root has stopped, memory and PLIC lines
 * the root owns; destroy gives all of it back. Every check is made before
 * anything changes, so a refused request leaves the machine as it was.
 */
#include <bulkhead/bootinfo.h>
#include <bulkhead/config_check.h>

#include "arch/riscv/csr.h"
#include "hv.h"
#include "lib.h"
#include "sbi.h"

#define CELL_CONFIG_MAX 0x10000UL
#define ENOMEM 12

static unsigned long pages_for(uint64_t bytes)
{
	return (bytes + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE;
}

static struct cell *cell_by_id(uint64_t id)
{
	return id > 0 && id < HV_MAX_CELLS ? hv.cells[id] : NULL;
}

/* The root region a physical range of a cell comes from (the root is identity-mapped). */
static const struct bh_mem_region *root_region_of(uint64_t phys, uint64_t size)
{
	return bh_config_region_by_phys(hv.root.desc, phys, size);
}

static bool ranges_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return bh_config_ranges_overlap(a, as, b, bs);
}

/*
 * Make every root hart drop G-stage translations the root may have cached:
 * after an unmap (stale valid entries), and after a map too, since a hart
 * without Svvptc may have cached the invalid entry and would fault on it.
 */
static void fence_root(void)
{
	sbi_arch_firmware_call(SBI_EXT_RFENCE, 3 /* remote_hfence_gvma_vmid */, hv.root.cpu_set, 0,
			       0, 0, hv.root.vmid, 0);
	hfence_gvma_all();
	gstage_fence_done(&hv.root.gstage);
}

/*
 * Whether the root still has [phys, phys + len): not a region a cell took
 * (its loadable regions stay the root's until the cell starts).
 */
bool root_still_owns(uint64_t phys, uint64_t len)
{
	bool owns = true;

	spin_lock(&hv.lock);
	for (unsigned int id = 1; owns && id < HV_MAX_CELLS; id++) {
		const struct cell *cell = hv.cells[id];
		const struct bh_mem_region *r;

		if (!cell)
			continue;
		r = bh_config_cell_regions(cell->desc);
		for (uint32_t i = 0; owns && i < cell->desc->num_mem_regions; i++) {
			bool in_root = (r[i].flags & BH_MEM_LOADABLE) && cell->loadable_in_root;

			if (!in_root && ranges_overlap(phys, len, r[i].phys_start, r[i].size))
				owns = false;
		}
	}
	spin_unlock(&hv.lock);
	return owns;
}

static int unmap_from_root(const struct cell *cell, const struct bh_mem_region *r)
{
	int ret = gstage_unmap(&hv.root.gstage, r->phys_start, r->size);

	if (ret)
		hv_printk("bulkhead: cell '%s': cannot take [0x%lx, +0x%lx) from the root: %s\n",
			  cell->desc->name, (unsigned long)r->phys_start, (unsigned long)r->size,
			  gstage_strerror(ret));
	return ret;
}

/*
 * Only ever maps what an unmap took out, into tables the unmap left, so it
 * should not fail; if it does (out of pool pages for a table), the root
 * lacks that memory from then on, which isolation survives: it is said.
 */
static void map_back_to_root(const struct cell *cell, const struct bh_mem_region *r)
{
	const struct bh_mem_region *from = root_region_of(r->phys_start, r->size);
	int ret = gstage_map(&hv.root.gstage, r->phys_start, r->phys_start, r->size,
			     gstage_flags(from ? from->flags : r->flags));

	if (ret)
		hv_printk("bulkhead: cell '%s': the root cannot get [0x%lx, +0x%lx) back: %s\n",
			  cell->desc->name, (unsigned long)r->phys_start, (unsigned long)r->size,
			  gstage_strerror(ret));
}

/* Take the regions that match from the root; all or none of them. */
static int take_from_root(const struct cell *cell, uint64_t flags, uint64_t value)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);
	uint32_t i;
	int ret = 0;

	for (i = 0; i < cell->desc->num_mem_regions; i++) {
		if ((r[i].flags & flags) != value)
			continue;
		ret = unmap_from_root(cell, &r[i]);
		if (ret)
			break;
	}
	if (ret)
		while (i-- > 0)
			if ((r[i].flags & flags) == value)
				map_back_to_root(cell, &r[i]);
	fence_root();
	return ret;
}

static int move_loadable(struct cell *cell, bool to_root)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);

	if (cell->loadable_in_root == to_root)
		return 0;
	if (!to_root) {
		if (take_from_root(cell, BH_MEM_LOADABLE, BH_MEM_LOADABLE))
			return -1;
	} else {
		for (uint32_t i = 0; i < cell->desc->num_mem_regions; i++)
			if (r[i].flags & BH_MEM_LOADABLE)
				map_back_to_root(cell, &r[i]);
		fence_root();
	}
	cell->loadable_in_root = to_root;
	return 0;
}

/* Refuse anything another cell already has; a message names it. */
static long check_against_cells(const struct bh_cell_desc *d)
{
	const struct bh_mem_region *r = bh_config_cell_regions(d);

	for (unsigned int id = 1; id < HV_MAX_CELLS; id++) {
		const struct cell *other = hv.cells[id];
		const struct bh_mem_region *o;

		if (!other)
			continue;
		if (!memcmp(other->name, d->name, BH_CELL_NAME_LEN)) {
			hv_printk("bulkhead: cell '%s' exists already\n", other->name);
			return SBI_ERR_ALREADY_AVAILABLE;
		}
		o = bh_config_cell_regions(other->desc);
		for (uint32_t i = 0; i < d->num_mem_regions; i++)
			for (uint32_t j = 0; j < other->desc->num_mem_regions; j++)
				if (ranges_overlap(r[i].phys_start, r[i].size, o[j].phys_start,
						   o[j].size)) {
					hv_printk("bulkhead: cell '%s': region %u overlaps cell '%s'\n",
						  d->name, i, other->name);
					return SBI_ERR_DENIED;
				}
	}
	for (uint32_t i = 0; i < d->num_mem_regions; i++)
		if (ranges_overlap(d->boot_arg, HV_PAGE_SIZE, r[i].virt_start, r[i].size)) {
			hv_printk("bulkhead: cell '%s': boot info page 0x%lx overlaps region %u\n",
				  d->name, (unsigned long)d->boot_arg, i);
			return SBI_ERR_INVALID_PARAM;
		}
	if (d->boot_arg & (HV_PAGE_SIZE - 1)) {
		hv_printk("bulkhead: cell '%s': boot info address 0x%lx not page aligned\n", d->name,
			  (unsigned long)d->boot_arg);
		return SBI_ERR_INVALID_PARAM;
	}
	return SBI_SUCCESS;
}

static long check_harts_and_lines(const struct bh_cell_desc *d)
{
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++) {
		if (!bh_config_cpu_set_has(d->cpu_set, hart))
			continue;
		if (!bh_config_cpu_set_has(hv.root.cpu_set, hart)) {
			hv_printk("bulkhead: cell '%s': hart %u is not the root's\n", d->name, hart);
			return SBI_ERR_DENIED;
		}
		if (hv.harts[hart].state != HART_STOPPED) {
			hv_printk("bulkhead: cell '%s': hart %u is still running in the root\n",
				  d->name, hart);
			return SBI_ERR_DENIED;
		}
	}
	if ((hv.root.cpu_set & ~d->cpu_set) == 0) {
		hv_printk("bulkhead: cell '%s' would take the root's last hart\n", d->name);
		return SBI_ERR_DENIED;
	}
	for (unsigned int line = 1; line < hv.plic_sources; line++)
		if (bh_config_irq_owned(d, line) && irq_line_owner(line) != &hv.root) {
			hv_printk("bulkhead: cell '%s': PLIC line %u is not the root's\n", d->name,
				  line);
			return SBI_ERR_DENIED;
		}
	return SBI_SUCCESS;
}

static void fill_boot_info(struct cell *cell)
{
	static const char magic[8] = BH_BOOT_INFO_MAGIC_INIT;
	struct bh_boot_info *info = (void *)(uintptr_t)cell->boot_info_page;
	const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);
	const struct bh_system_config *sys = hv.config;

	memcpy(info->magic, magic, sizeof(magic));
	info->version = BH_BOOT_INFO_VERSION;
	info->size = sizeof(*info);
	memcpy(info->name, cell->desc->name, sizeof(info->name));
	info->cpu_set = cell->cpu_set;
	info->timebase_frequency = sys->platform.timebase_frequency;
	info->plic_base = sys->platform.plic_base;
	info->plic_size = sys->platform.plic_size;
	info->plic_num_sources = sys->platform.plic_num_sources;
	for (unsigned int h = 0; h < BH_MAX_HARTS; h++)
		info->hart_plic_context[h] = bh_config_cpu_set_has(cell->cpu_set, h) ?
						     sys->platform.hart_plic_context[h] :
						     BH_NO_CONTEXT;
	memcpy(info->irq_bitmap, cell->desc->irq_bitmap, sizeof(info->irq_bitmap));
	info->num_mem_regions = cell->desc->num_mem_regions;
	for (uint32_t i = 0; i < cell->desc->num_mem_regions; i++) {
		info->mem_regions[i] = r[i];
		info->mem_regions[i].phys_start = r[i].virt_start;
	}
}

static void free_cell_memory(struct cell *cell)
{
	if (cell->console)
		pool_free(&hv.pool, (uint64_t)(uintptr_t)cell->console,
			  pages_for(sizeof(struct console_ring)));
	if (cell->boot_info_page)
		pool_free(&hv.pool, cell->boot_info_page, 1);
	if (cell->desc_pages)
		pool_free(&hv.pool, cell->desc_pages, cell->desc_npages);
	pool_free(&hv.pool, (uint64_t)(uintptr_t)cell, pages_for(sizeof(*cell)));
}

long cell_create(uint64_t gpa, uint64_t size, uint64_t *id_out)
{
	char err[BH_CONFIG_ERR_LEN];
	const void *src = root_buffer(gpa, size, false);
	struct cell *cell;
	unsigned int id;
	uint64_t copy;
	int build, map;
	long ret;

	if (!src || size > CELL_CONFIG_MAX)
		return SBI_ERR_INVALID_ADDRESS;
	for (id = 1; id < HV_MAX_CELLS && hv.cells[id]; id++)
		;
	if (id == HV_MAX_CELLS) {
		hv_printk("bulkhead: no room for another cell (%u at most)\n", HV_MAX_CELLS - 1);
		return SBI_ERR_FAILED;
	}
	cell = (void *)(uintptr_t)pool_alloc(&hv.pool, pages_for(sizeof(*cell)), 1);
	copy = pool_alloc(&hv.pool, pages_for(size), 1);
	if (!cell || !copy) {
		if (copy)
			pool_free(&hv.pool, copy, pages_for(size));
		if (cell)
			pool_free(&hv.pool, (uint64_t)(uintptr_t)cell, pages_for(sizeof(*cell)));
		return SBI_ERR_FAILED;
	}
	/* Check the copy, not the root's buffer, which the root could change meanwhile. */
	memcpy((void *)(uintptr_t)copy, src, size);
	cell->desc_pages = copy;
	cell->desc_npages = pages_for(size);
	cell->desc = (const struct bh_cell_desc *)(uintptr_t)copy;
	if (bh_config_check_cell(cell->desc, size, err, sizeof(err)) ||
	    bh_config_check_cell_fits(hv.config, cell->desc, err, sizeof(err))) {
		hv_printk("bulkhead: %s\n", err);
		free_cell_memory(cell);
		return SBI_ERR_INVALID_PARAM;
	}
	spin_lock(&hv.lock);
	ret = check_against_cells(cell->desc);
	if (!ret)
		ret = check_harts_and_lines(cell->desc);
	if (ret) {
		spin_unlock(&hv.lock);
		free_cell_memory(cell);
		return ret;
	}

	cell->id = id;
	cell->vmid = id + 1;
	cell->cpu_set = cell->desc->cpu_set;
	cell->state = BH_CELL_STOPPED;
	cell->console_line_start = true;
	cell->boot_info_page = pool_alloc(&hv.pool, 1, 1);
	cell->console = (void *)(uintptr_t)pool_alloc(&hv.pool,
						      pages_for(sizeof(struct console_ring)), 1);
	build = cell->boot_info_page && cell->console ? cell_build(cell) : -ENOMEM;
	if (build) {
		spin_unlock(&hv.lock);
		/* cell_build() named what it could not map; running out is said here. */
		if (build == -ENOMEM)
			hv_printk("bulkhead: cell '%s': out of hypervisor memory (%lu of %lu pages "
				  "used)\n", cell->desc->name, hv.pool.used, hv.pool.pages);
		free_cell_memory(cell);
		return build == -ENOMEM ? SBI_ERR_FAILED : SBI_ERR_INVALID_PARAM;
	}
	fill_boot_info(cell);
	map = gstage_map(&cell->gstage, cell->desc->boot_arg, cell->boot_info_page, HV_PAGE_SIZE,
			 GSTAGE_READ);
	if (map) {
		spin_unlock(&hv.lock);
		hv_printk("bulkhead: cell '%s': boot info page at guest-physical 0x%lx: %s\n",
			  cell->desc->name, (unsigned long)cell->desc->boot_arg,
			  gstage_strerror(map));
		cell_destroy(cell);
		free_cell_memory(cell);
		return map == GSTAGE_ERR_NOMEM ? SBI_ERR_FAILED : SBI_ERR_INVALID_PARAM;
	}

	/* The last step that can fail (splitting a huge leaf of the root's table needs pages). */
	if (take_from_root(cell, BH_MEM_LOADABLE, 0)) {
		spin_unlock(&hv.lock);
		cell_destroy(cell);
		free_cell_memory(cell);
		return SBI_ERR_FAILED;
	}
	/* From here on nothing can fail: take memory, lines and harts from the root. */
	{
		const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);

		/* A cell starts with clean RAM: nothing of a previous cell leaks. */
		for (uint32_t i = 0; i < cell->desc->num_mem_regions; i++)
			if (!(r[i].flags & BH_MEM_IO))
				memset((void *)(uintptr_t)r[i].phys_start, 0, r[i].size);
		cell->loadable_in_root = true;
	}
	for (unsigned int line = 1; line < hv.plic_sources; line++)
		if (bh_config_irq_owned(cell->desc, line))
			irq_line_transfer(line, cell);
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++) {
		if (!bh_config_cpu_set_has(cell->cpu_set, hart))
			continue;
		hv.harts[hart].cell = cell;
		memset(&hv.harts[hart].stats, 0, sizeof(hv.harts[hart].stats));
	}
	hv.root.cpu_set &= ~cell->cpu_set;
	hv.cells[id] = cell;
	hv.num_cells++;
	spin_unlock(&hv.lock);
	hv_printk("bulkhead: cell '%s' created: id %u, harts 0x%lx\n", cell->name, id,
		  (unsigned long)cell->cpu_set);
	*id_out = id;
	return SBI_SUCCESS;
}

long cell_start(uint64_t id)
{
	struct cell *cell = cell_by_id(id);
	unsigned int first = 0;
	struct hart *h;

	if (!cell)
		return SBI_ERR_INVALID_PARAM;
	if (cell->state == BH_CELL_RUNNING)
		return SBI_ERR_ALREADY_STARTED;
	if (cell->state == BH_CELL_FAILED)
		return SBI_ERR_DENIED;
	if (move_loadable(cell, false))
		return SBI_ERR_FAILED;
	while (!bh_config_cpu_set_has(cell->cpu_set, first))
		first++;
	h = &hv.harts[first];
	spin_lock(&cell->lock);
	cell->reason[0] = '\0';
	cell->stopping = false;
	cell->state = BH_CELL_RUNNING;
	spin_lock(&h->hsm_lock);
	h->start_addr = cell->desc->entry;
	h->start_arg = cell->desc->boot_arg;
	h->state = HART_START_PENDING;
	spin_unlock(&h->hsm_lock);
	spin_unlock(&cell->lock);
	hv_printk("bulkhead: cell '%s' started on hart %u at 0x%lx\n", cell->name, first,
		  (unsigned long)cell->desc->entry);
	hart_post(h, MSG_START);
	return SBI_SUCCESS;
}

/*
 * The first half of every stop (shutdown, destroy, failure, the cell's own
 * SRST): from here on the cell's HSM starts are refused, a start still
 * pending is called off, and every hart but the caller's is told to park,
 * parked ones included. A hart started before the mark was set is running
 * by then and gets the message like the others.
 */
void cell_begin_stop(struct cell *cell, const struct hart *self)
{
	spin_lock(&cell->lock);
	cell->stopping = true;
	spin_unlock(&cell->lock);
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++) {
		struct hart *h = &hv.harts[hart];

		if (!bh_config_cpu_set_has(cell->cpu_set, hart) || h == self)
			continue;
		spin_lock(&h->hsm_lock);
		if (h->state == HART_START_PENDING)
			h->state = HART_STOPPED;
		spin_unlock(&h->hsm_lock);
		hart_post(h, MSG_STOP);
	}
}

static bool hart_parked(struct hart *h)
{
	bool parked;

	spin_lock(&h->hsm_lock);
	parked = h->state == HART_STOPPED;
	spin_unlock(&h->hsm_lock);
	return parked;
}

/*
 * Park every hart of the cell and wait until they are. Once the cell is
 * marked stopping, no hart of it can leave the park loop again, so a hart
 * seen parked stays parked. Every exit is bounded (docs/architecture.md), so
 * the wait is short whatever the cell does; the deadline is a last resort
 * against a hart that is itself broken.
 */
static long stop_harts(struct cell *cell)
{
	uint64_t deadline = csr_read(CSR_TIME) + hv.config->platform.timebase_frequency;

	cell_begin_stop(cell, NULL);
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++) {
		struct hart *h = &hv.harts[hart];

		if (!bh_config_cpu_set_has(cell->cpu_set, hart))
			continue;
		while (!hart_parked(h)) {
			if (csr_read(CSR_TIME) > deadline) {
				hv_printk("bulkhead: cell '%s': hart %u does not stop\n", cell->name,
					  hart);
				return SBI_ERR_FAILED;
			}
		}
	}
	return SBI_SUCCESS;
}

/* Lines keep their owner; whatever the guest left pending or claimed is dropped. */
static void reset_lines(struct cell *cell)
{
	for (unsigned int line = 1; line < hv.plic_sources; line++)
		if (irq_line_owner(line) == cell)
			irq_line_drop_state(line);
}

long cell_shutdown(uint64_t id)
{
	struct cell *cell = cell_by_id(id);

	if (!cell)
		return SBI_ERR_INVALID_PARAM;
	if (cell->state == BH_CELL_STOPPED)
		return SBI_ERR_ALREADY_STOPPED;
	if (stop_harts(cell))
		return SBI_ERR_FAILED;
	reset_lines(cell);
	/* A failed cell too: once shut down it may be loaded and started again. */
	cell->state = BH_CELL_SHUT_DOWN;
	cell->reason[0] = '\0';
	move_loadable(cell, true);
	hv_printk("bulkhead: cell '%s' shut down\n", cell->name);
	return SBI_SUCCESS;
}

long cell_destroy_by_id(uint64_t id)
{
	struct cell *cell = cell_by_id(id);
	const struct bh_mem_region *r;

	if (!cell)
		return SBI_ERR_INVALID_PARAM;
	if (stop_harts(cell))
		return SBI_ERR_FAILED;
	spin_lock(&hv.lock);
	for (unsigned int line = 1; line < hv.plic_sources; line++)
		if (irq_line_owner(line) == cell)
			irq_line_transfer(line, &hv.root);
	r = bh_config_cell_regions(cell->desc);
	for (uint32_t i = 0; i < cell->desc->num_mem_regions; i++)
		if (!(r[i].flags & BH_MEM_LOADABLE) || !cell->loadable_in_root)
			map_back_to_root(cell, &r[i]);
	fence_root();
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++) {
		if (!bh_config_cpu_set_has(cell->cpu_set, hart))
			continue;
		/* Stopped: the root brings it back with HSM hart_start. */
		hv.harts[hart].cell = &hv.root;
		memset(&hv.harts[hart].stats, 0, sizeof(hv.harts[hart].stats));
	}
	hv.root.cpu_set |= cell->cpu_set;
	hv.cells[id] = NULL;
	hv.num_cells--;
	spin_unlock(&hv.lock);
	hv_printk("bulkhead: cell '%s' destroyed\n", cell->name);
	cell_destroy(cell);
	free_cell_memory(cell);
	return SBI_SUCCESS;
}

long cell_status(uint64_t id, uint64_t gpa)
{
	struct cell *cell = cell_by_id(id);
	struct bh_cell_status *st = root_buffer(gpa, sizeof(*st), true);

	if (!cell)
		return SBI_ERR_INVALID_PARAM;
	if (!st)
		return SBI_ERR_INVALID_ADDRESS;
	memset(st, 0, sizeof(*st));
	st->state = cell->state;
	st->cpu_set = cell->cpu_set;
	memcpy(st->reason, cell->reason, sizeof(st->reason));
	return SBI_SUCCESS;
}

long cell_console_read(uint64_t id, uint64_t gpa, uint64_t size, uint64_t pos)
{
	struct cell *cell = cell_by_id(id);

	if (!cell)
		return SBI_ERR_INVALID_PARAM;
	return console_read_to_root(cell->console, &cell->lock, gpa, size, pos);
}

void cell_console_write(struct cell *cell, const char *s, unsigned long len)
{
	spin_lock(&cell->lock);
	for (unsigned long i = 0; i < len; i++)
		console_ring_put(cell->console, s[i]);
	spin_unlock(&cell->lock);
	/* Into the hypervisor console too, each line marked with the cell's name. */
	spin_lock(&hv.console_lock);
	for (unsigned long i = 0; i < len; i++) {
		if (cell->console_line_start) {
			const char *n = cell->name;

			hv_console_putc('[');
			while (*n)
				hv_console_putc(*n++);
			hv_console_putc(']');
			hv_console_putc(' ');
		}
		hv_console_putc(s[i]);
		cell->console_line_start = s[i] == '\n';
	}
	spin_unlock(&hv.console_lock);
}

/*
 * The cell did something it may not: it stops here, with the reason kept for
 * `hvctl cell list`. The root and the other cells go on untouched.
 */
void cell_fail(struct hart *h, const char *fmt, ...)
{
	struct cell *cell = h->cell;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cell->reason, sizeof(cell->reason), fmt, ap);
	va_end(ap);
	cell->state = BH_CELL_FAILED;
	hv_printk("bulkhead: cell '%s' failed: %s\n", cell->name, cell->reason);
	cell_begin_stop(cell, h);
	hart_park(h);
}
