// SPDX-License-Identifier: GPL-2.0
/*
 * Cell management: the root's requests to create, start, shut down and
 * destroy cells, and every move of harts, memory and interrupt lines between
 * the root and a cell.
 *
 * Each request runs through management_prologue(), under control_lock, so
 * requests from several root harts never interleave. Every check is made
 * before anything changes: a refused request leaves the hypervisor as it was.
 * A cell's state changes only in set_state(). What needs the machine (telling
 * harts to park or start, fences, reaching memory) goes through the arch_*
 * hooks of control.h.
 */
#include <stdarg.h>

#include <bulkhead/bootinfo.h>
#include <bulkhead/config_check.h>

#include "control.h"
#include "hv.h"
#include "irq_latency.h"
#include "lib.h"
#include "sbi.h"

#define CELL_CONFIG_MAX 0x10000UL
#define ENOMEM		12

/* Serialises management requests; taken before hv.lock and any cell's lock. */
static spinlock_t control_lock;

static unsigned long pages_for(uint64_t bytes)
{
	return (bytes + HV_PAGE_SIZE - 1) / HV_PAGE_SIZE;
}

static struct cell *cell_by_id(uint64_t id)
{
	return id > 0 && id < HV_MAX_CELLS ? hv.cells[id] : NULL;
}

static void set_state(struct cell *cell, enum bh_cell_state state)
{
	__atomic_store_n(&cell->state, state, __ATOMIC_RELEASE);
}

/*
 * The start of every request on an existing cell: one request at a time, the
 * cell looked up under the lock. On success the caller holds control_lock
 * and releases it with management_epilogue().
 */
static long management_prologue(uint64_t id, struct cell **cell)
{
	spin_lock(&control_lock);
	*cell = cell_by_id(id);
	if (!*cell) {
		spin_unlock(&control_lock);
		return SBI_ERR_INVALID_PARAM;
	}
	return SBI_SUCCESS;
}

static long management_epilogue(long ret)
{
	spin_unlock(&control_lock);
	return ret;
}

/* ---------------------------------------------------------------- memory */

static bool ranges_overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return bh_config_ranges_overlap(a, as, b, bs);
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

/*
 * A buffer the root gave us: it must lie in RAM the root still has (writable
 * if we write to it), never in what a cell took from it.
 */
void *root_buffer(uint64_t gpa, uint64_t len, bool write)
{
	const struct bh_mem_region *r = bh_config_region_by_guest(hv.root.desc, gpa, len);
	uint64_t phys;

	if (!r || (r->flags & BH_MEM_IO) || !(r->flags & BH_MEM_READ) ||
	    (write && !(r->flags & BH_MEM_WRITE)))
		return NULL;
	phys = gpa - r->virt_start + r->phys_start;
	if (!root_still_owns(phys, len))
		return NULL;
	return arch_phys_to_virt(phys, len);
}

/* The root region a physical range of a cell comes from (the root is identity-mapped). */
static const struct bh_mem_region *root_region_of(uint64_t phys, uint64_t size)
{
	return bh_config_region_by_phys(hv.root.desc, phys, size);
}

/*
 * After an unmap (stale valid entries), and after a map too, since a hart
 * without Svvptc may have cached the invalid entry and would fault on it.
 */
static void flush_root(void)
{
	arch_flush_root();
	gstage_fence_done(&hv.root.gstage);
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
	flush_root();
	return ret;
}

/* Give back the regions that match, if the root lacks them. */
static void give_to_root(struct cell *cell, uint64_t flags, uint64_t value)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);

	for (uint32_t i = 0; i < cell->desc->num_mem_regions; i++)
		if ((r[i].flags & flags) == value)
			map_back_to_root(cell, &r[i]);
	flush_root();
}

/* The loadable regions: the root's while the cell is not running, the cell's while it is. */
static int move_loadable(struct cell *cell, bool to_root)
{
	if (cell->loadable_in_root == to_root)
		return 0;
	if (!to_root) {
		if (take_from_root(cell, BH_MEM_LOADABLE, BH_MEM_LOADABLE))
			return -1;
	} else {
		give_to_root(cell, BH_MEM_LOADABLE, BH_MEM_LOADABLE);
	}
	spin_lock(&hv.lock);
	cell->loadable_in_root = to_root;
	spin_unlock(&hv.lock);
	return 0;
}

/* A cell starts with clean RAM: nothing of a previous owner leaks. */
static void clear_cell_ram(const struct cell *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell->desc);

	for (uint32_t i = 0; i < cell->desc->num_mem_regions; i++) {
		void *ram;

		if (r[i].flags & BH_MEM_IO)
			continue;
		ram = arch_phys_to_virt(r[i].phys_start, r[i].size);
		if (ram)
			memset(ram, 0, r[i].size);
	}
}

/* ---------------------------------------------------------------- harts and lines */

/*
 * Harts go with their cell; a hart's exit counters start again with a new
 * owner. The owner changes under the hart's HSM lock, which HSM hart_start
 * takes too and under which it checks the owner: a start the root makes of a
 * hart while a cell is being created on it either comes first (then the hart
 * is not stopped and the create is refused) or finds the hart gone.
 */
static void set_hart_owner(struct hart *h, struct cell *to)
{
	spin_lock(&h->hsm_lock);
	h->cell = to;
	spin_unlock(&h->hsm_lock);
	memset(&h->stats, 0, sizeof(h->stats));
}

/* Take the cell's harts from the root, all or none: each must still be parked there. */
static long claim_harts(struct cell *cell)
{
	unsigned int hart;

	for (hart = 0; hart < HV_MAX_HARTS; hart++) {
		struct hart *h = &hv.harts[hart];
		bool parked;

		if (!bh_config_cpu_set_has(cell->cpu_set, hart))
			continue;
		spin_lock(&h->hsm_lock);
		parked = h->cell == &hv.root && h->state == HART_STOPPED;
		if (parked)
			h->cell = cell;
		spin_unlock(&h->hsm_lock);
		if (!parked)
			break;
	}
	if (hart == HV_MAX_HARTS) {
		for (hart = 0; hart < HV_MAX_HARTS; hart++)
			if (bh_config_cpu_set_has(cell->cpu_set, hart))
				memset(&hv.harts[hart].stats, 0, sizeof(hv.harts[hart].stats));
		hv.root.cpu_set &= ~cell->cpu_set;
		return SBI_SUCCESS;
	}
	hv_printk("bulkhead: cell '%s': hart %u was started in the root meanwhile\n", cell->name,
		  hart);
	while (hart-- > 0)
		if (bh_config_cpu_set_has(cell->cpu_set, hart))
			set_hart_owner(&hv.harts[hart], &hv.root);
	return SBI_ERR_DENIED;
}

/* A destroyed cell's harts, parked, go back to the root. */
static void return_harts(const struct cell *cell)
{
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++)
		if (bh_config_cpu_set_has(cell->cpu_set, hart))
			set_hart_owner(&hv.harts[hart], &hv.root);
	hv.root.cpu_set |= cell->cpu_set;
}

/* The lines of @cell's config that @from owns go to @to. */
static void move_lines(const struct cell *cell, const struct cell *from, struct cell *to)
{
	for (unsigned int line = 1; line < hv.config->platform.plic_num_sources; line++)
		if (bh_config_irq_owned(cell->desc, line) && irq_line_owner(line) == from)
			irq_line_transfer(line, to);
}

/* ---------------------------------------------------------------- create */

/*
 * Refuse what another cell already has (its name, harts, memory, lines) and a
 * bad boot info page: the validator's check, the one the driver runs too.
 */
static long check_against_cells(const struct bh_cell_desc *d)
{
	const struct bh_cell_desc *others[HV_MAX_CELLS];
	char err[BH_CONFIG_ERR_LEN];
	unsigned int n = 0;
	int ret;

	for (unsigned int id = 1; id < HV_MAX_CELLS; id++)
		if (hv.cells[id])
			others[n++] = hv.cells[id]->desc;
	ret = bh_config_check_against_cells(d, hv.root.desc, others, n, err, sizeof(err));
	if (!ret)
		return SBI_SUCCESS;
	hv_printk("bulkhead: %s\n", err);
	if (ret == BH_CONFIG_EEXIST)
		return SBI_ERR_ALREADY_AVAILABLE;
	return ret == BH_CONFIG_ECONFLICT ? SBI_ERR_DENIED : SBI_ERR_INVALID_PARAM;
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
	for (unsigned int line = 1; line < hv.config->platform.plic_num_sources; line++)
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
	info->num_link_ends = cell->desc->num_link_ends;
	for (uint32_t i = 0; i < cell->desc->num_link_ends; i++) {
		info->link_ends[i] = bh_config_cell_links(cell->desc)[i];
		info->link_ends[i].shmem_phys = info->link_ends[i].shmem_virt;
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

/* A copy of the root's config in hypervisor memory, checked; NULL (and said) if refused. */
static struct cell *copy_and_check_config(const void *src, uint64_t size, long *err_out)
{
	char err[BH_CONFIG_ERR_LEN];
	struct cell *cell;
	uint64_t copy;

	*err_out = SBI_ERR_FAILED;
	cell = (void *)(uintptr_t)pool_alloc(&hv.pool, pages_for(sizeof(*cell)), 1);
	copy = pool_alloc(&hv.pool, pages_for(size), 1);
	if (!cell || !copy) {
		if (copy)
			pool_free(&hv.pool, copy, pages_for(size));
		if (cell)
			pool_free(&hv.pool, (uint64_t)(uintptr_t)cell, pages_for(sizeof(*cell)));
		hv_printk("bulkhead: out of hypervisor memory for a cell's config (%lu of %lu "
			  "pages used)\n", hv.pool.used, hv.pool.pages);
		return NULL;
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
		*err_out = SBI_ERR_INVALID_PARAM;
		return NULL;
	}
	return cell;
}

/* Its G-stage table, vPLIC, boot info page and console; nothing taken from the root yet. */
static long build_cell(struct cell *cell, unsigned int id)
{
	int build, map;

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
		/* cell_build() named what it could not map; running out is said here. */
		if (build == -ENOMEM)
			hv_printk("bulkhead: cell '%s': out of hypervisor memory (%lu of %lu pages "
				  "used)\n", cell->desc->name, hv.pool.used, hv.pool.pages);
		return build == -ENOMEM ? SBI_ERR_FAILED : SBI_ERR_INVALID_PARAM;
	}
	/* A cell booted with a device tree finds it in its own RAM, put there by the loader. */
	if (cell->desc->flags & BH_CELL_BOOT_DTB)
		return SBI_SUCCESS;
	fill_boot_info(cell);
	map = gstage_map(&cell->gstage, cell->desc->boot_arg, cell->boot_info_page, HV_PAGE_SIZE,
			 GSTAGE_READ);
	if (map) {
		hv_printk("bulkhead: cell '%s': boot info page at guest-physical 0x%lx: %s\n",
			  cell->desc->name, (unsigned long)cell->desc->boot_arg,
			  gstage_strerror(map));
		cell_destroy(cell);
		return map == GSTAGE_ERR_NOMEM ? SBI_ERR_FAILED : SBI_ERR_INVALID_PARAM;
	}
	return SBI_SUCCESS;
}

static long create_locked(uint64_t gpa, uint64_t size, uint64_t *id_out)
{
	const void *src = root_buffer(gpa, size, false);
	struct cell *cell;
	unsigned int id;
	long ret;

	if (!src || size > CELL_CONFIG_MAX)
		return SBI_ERR_INVALID_ADDRESS;
	for (id = 1; id < HV_MAX_CELLS && hv.cells[id]; id++)
		;
	if (id == HV_MAX_CELLS) {
		hv_printk("bulkhead: no room for another cell (%u at most)\n", HV_MAX_CELLS - 1);
		return SBI_ERR_FAILED;
	}
	cell = copy_and_check_config(src, size, &ret);
	if (!cell)
		return ret;
	ret = check_against_cells(cell->desc);
	if (!ret)
		ret = check_harts_and_lines(cell->desc);
	if (!ret)
		ret = build_cell(cell, id);
	if (ret) {
		free_cell_memory(cell);
		return ret;
	}
	/* Splitting a huge leaf of the root's table needs pages: this can fail. */
	if (take_from_root(cell, BH_MEM_LOADABLE, 0)) {
		cell_destroy(cell);
		free_cell_memory(cell);
		return SBI_ERR_FAILED;
	}
	/* The last step that can fail: the root may have started one of the harts since. */
	ret = claim_harts(cell);
	if (ret) {
		give_to_root(cell, BH_MEM_LOADABLE, 0);
		cell_destroy(cell);
		free_cell_memory(cell);
		return ret;
	}
	/* From here on nothing can fail. */
	clear_cell_ram(cell);
	spin_lock(&hv.lock);
	cell->loadable_in_root = true;
	hv.cells[id] = cell;
	hv.num_cells++;
	spin_unlock(&hv.lock);
	move_lines(cell, &hv.root, cell);
	doorbells_attach(cell);
	hv_printk("bulkhead: cell '%s' created: id %u, harts 0x%lx\n", cell->name, id,
		  (unsigned long)cell->cpu_set);
	*id_out = id;
	return SBI_SUCCESS;
}

long cell_create(uint64_t gpa, uint64_t size, uint64_t *id_out)
{
	spin_lock(&control_lock);
	return management_epilogue(create_locked(gpa, size, id_out));
}

/* ---------------------------------------------------------------- start and stop */

long cell_start(uint64_t id)
{
	struct cell *cell;
	unsigned int first = 0;
	struct hart *h;
	long ret = management_prologue(id, &cell);

	if (ret)
		return ret;
	if (cell->state == BH_CELL_RUNNING)
		return management_epilogue(SBI_ERR_ALREADY_STARTED);
	if (cell->state == BH_CELL_FAILED)
		return management_epilogue(SBI_ERR_DENIED);
	if (move_loadable(cell, false))
		return management_epilogue(SBI_ERR_FAILED);
	while (!bh_config_cpu_set_has(cell->cpu_set, first))
		first++;
	h = &hv.harts[first];
	spin_lock(&cell->lock);
	cell->reason[0] = '\0';
	cell->stopping = false;
	/* A new run reads only what is sent to it: nothing left over from the last. */
	cell->input.tail = cell->input.head;
	set_state(cell, BH_CELL_RUNNING);
	spin_lock(&h->hsm_lock);
	h->start_addr = cell->desc->entry;
	h->start_arg = cell->desc->boot_arg;
	h->state = HART_START_PENDING;
	spin_unlock(&h->hsm_lock);
	spin_unlock(&cell->lock);
	hv_printk("bulkhead: cell '%s' started on hart %u at 0x%lx\n", cell->name, first,
		  (unsigned long)cell->desc->entry);
	arch_hart_start(h);
	return management_epilogue(SBI_SUCCESS);
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
		arch_hart_stop(h);
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
	uint64_t deadline = arch_time_now() + hv.config->platform.timebase_frequency;

	cell_begin_stop(cell, NULL);
	for (unsigned int hart = 0; hart < HV_MAX_HARTS; hart++) {
		struct hart *h = &hv.harts[hart];

		if (!bh_config_cpu_set_has(cell->cpu_set, hart))
			continue;
		while (!hart_parked(h)) {
			if (arch_time_now() > deadline) {
				hv_printk("bulkhead: cell '%s': hart %u does not stop\n", cell->name,
					  hart);
				return SBI_ERR_FAILED;
			}
		}
	}
	return SBI_SUCCESS;
}

long cell_shutdown(uint64_t id)
{
	struct cell *cell;
	long ret = management_prologue(id, &cell);

	if (ret)
		return ret;
	if (cell->state == BH_CELL_STOPPED)
		return management_epilogue(SBI_ERR_ALREADY_STOPPED);
	if (stop_harts(cell))
		return management_epilogue(SBI_ERR_FAILED);
	/* Lines keep their owner; whatever the guest left pending or claimed is dropped. */
	for (unsigned int line = 1; line < hv.config->platform.plic_num_sources; line++)
		if (irq_line_owner(line) == cell)
			irq_line_drop_state(line);
	doorbells_reset(cell);
	/* A failed cell too: once shut down it may be loaded and started again. */
	set_state(cell, BH_CELL_SHUT_DOWN);
	cell->reason[0] = '\0';
	move_loadable(cell, true);
	hv_printk("bulkhead: cell '%s' shut down\n", cell->name);
	return management_epilogue(SBI_SUCCESS);
}

long cell_destroy_by_id(uint64_t id)
{
	struct cell *cell;
	long ret = management_prologue(id, &cell);

	if (ret)
		return ret;
	if (stop_harts(cell))
		return management_epilogue(SBI_ERR_FAILED);
	/* Peers see it absent from here on: a ring to it is refused, never delivered. */
	doorbells_detach(cell);
	move_lines(cell, cell, &hv.root);
	/* The loadable regions went back already if the cell was not running. */
	give_to_root(cell, cell->loadable_in_root ? BH_MEM_LOADABLE : 0, 0);
	/* Stopped: the root brings them back with HSM hart_start. */
	return_harts(cell);
	spin_lock(&hv.lock);
	hv.cells[id] = NULL;
	hv.num_cells--;
	spin_unlock(&hv.lock);
	hv_printk("bulkhead: cell '%s' destroyed\n", cell->name);
	cell_destroy(cell);
	free_cell_memory(cell);
	return management_epilogue(SBI_SUCCESS);
}

/* ---------------------------------------------------------------- status and console */

long cell_status(uint64_t id, uint64_t gpa)
{
	struct bh_cell_status *st;
	struct cell *cell;
	long ret = management_prologue(id, &cell);

	if (ret)
		return ret;
	st = root_buffer(gpa, sizeof(*st), true);
	if (!st)
		return management_epilogue(SBI_ERR_INVALID_ADDRESS);
	memset(st, 0, sizeof(*st));
	st->state = __atomic_load_n(&cell->state, __ATOMIC_ACQUIRE);
	st->flags = cell->loadable_in_root ? BH_CELL_MEMORY_IN_ROOT : 0;
	st->cpu_set = cell->cpu_set;
	memcpy(st->reason, cell->reason, sizeof(st->reason));
	return management_epilogue(SBI_SUCCESS);
}

/*
 * The latency figures of a cell's lines (the root's too: id 0) into a root
 * buffer, under the cell's lock, which the interrupt path holds while it
 * records them; then cleared if asked.
 */
long cell_latency(uint64_t id, uint64_t gpa, uint64_t size, uint64_t first, uint64_t flags,
		  uint64_t *num_lines)
{
	struct cell *cell = &hv.root;
	void *buf;

	if (id == 0)
		spin_lock(&control_lock);
	else if (management_prologue(id, &cell))
		return SBI_ERR_INVALID_PARAM;
	if (flags & ~(uint64_t)BH_LATENCY_RESET || first > UINT32_MAX ||
	    size < sizeof(struct bh_latency_header))
		return management_epilogue(SBI_ERR_INVALID_PARAM);
	buf = root_buffer(gpa, size, true);
	if (!buf)
		return management_epilogue(SBI_ERR_INVALID_ADDRESS);
	spin_lock(&cell->lock);
	irq_latency_report(cell->latency, cell->desc, hv.config->platform.timebase_frequency,
			   (uint32_t)first, buf, size);
	*num_lines = ((struct bh_latency_header *)buf)->num_lines;
	if (flags & BH_LATENCY_RESET)
		irq_latency_reset(cell->latency);
	spin_unlock(&cell->lock);
	return management_epilogue(SBI_SUCCESS);
}

/* A chunk of a console ring (the hypervisor's or a cell's) into a root buffer. */
long console_read_to_root(struct console_ring *ring, spinlock_t *lock, uint64_t gpa,
			  uint64_t size, uint64_t pos)
{
	struct bh_console_chunk *chunk = root_buffer(gpa, size, true);

	if (size < sizeof(*chunk))
		return SBI_ERR_INVALID_PARAM;
	if (!chunk)
		return SBI_ERR_INVALID_ADDRESS;
	spin_lock(lock);
	chunk->length = console_ring_read(ring, pos, (char *)(chunk + 1), size - sizeof(*chunk),
					  &chunk->start);
	chunk->head = ring->head;
	spin_unlock(lock);
	return SBI_SUCCESS;
}

long cell_console_read(uint64_t id, uint64_t gpa, uint64_t size, uint64_t pos)
{
	struct cell *cell;
	long ret = management_prologue(id, &cell);

	if (ret)
		return ret;
	return management_epilogue(console_read_to_root(cell->console, &cell->lock, gpa, size,
							pos));
}

/*
 * Console input for a cell from a root buffer: as much as its input buffer
 * has room for, *taken says how much (the sender tries the rest again).
 */
long cell_console_input(uint64_t id, uint64_t gpa, uint64_t len, uint64_t *taken)
{
	const char *src = root_buffer(gpa, len, false);
	struct cell *cell;
	long ret;

	if (!src)
		return SBI_ERR_INVALID_ADDRESS;
	ret = management_prologue(id, &cell);
	if (ret)
		return ret;
	spin_lock(&cell->lock);
	*taken = console_input_push(&cell->input, src, len);
	spin_unlock(&cell->lock);
	return management_epilogue(SBI_SUCCESS);
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

/* ---------------------------------------------------------------- a cell's own doing */

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
	set_state(cell, BH_CELL_FAILED);
	hv_printk("bulkhead: cell '%s' failed: %s\n", cell->name, cell->reason);
	cell_begin_stop(cell, h);
	arch_park_current(h);
}

/* SBI SRST from a cell: the cell shuts itself down (only the root resets the machine). */
void cell_shut_itself_down(struct hart *h)
{
	struct cell *cell = h->cell;

	hv_printk("bulkhead: cell '%s' shut itself down\n", cell->name);
	set_state(cell, BH_CELL_SHUT_DOWN);
	cell_begin_stop(cell, h);
	arch_park_current(h);
}
