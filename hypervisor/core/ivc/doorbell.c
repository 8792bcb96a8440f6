// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbells between cells (doorbell.h, docs/shared-memory.md): the link ends'
 * registry, their emulated page, the ring.
 */
#include "doorbell.h"

#include "hv.h"
#include "hv_time.h"
#include "irq_latency.h"
#include "lib.h"

#define ENOMEM 12
#define EINVAL 22

/* Taken before any cell's lock: attach, detach, ring and the page's registers. */
static spinlock_t links_lock;

int doorbells_build(struct cell *cell)
{
	const struct bh_link_end *l = bh_config_cell_links(cell->desc);
	int ret;

	cell->num_doorbells = 0;
	for (uint32_t i = 0; i < cell->desc->num_link_ends; i++) {
		struct doorbell *db = &cell->doorbells[i];

		memset(db, 0, sizeof(*db));
		db->cell = cell;
		db->cfg = &l[i];
		cell->num_doorbells = i + 1;
		ret = gstage_map(&cell->gstage, l[i].shmem_virt, l[i].shmem_phys, l[i].shmem_size,
				 gstage_flags(l[i].shmem_flags));
		if (ret) {
			hv_printk("bulkhead: cell '%s' link end %u shared memory [0x%lx, +0x%lx): %s\n",
				  cell->name, i, (unsigned long)l[i].shmem_virt,
				  (unsigned long)l[i].shmem_size, gstage_strerror(ret));
			return ret == GSTAGE_ERR_NOMEM ? -ENOMEM : -EINVAL;
		}
		/* No hardware behind it: nothing is ever mirrored to the PLIC or completed there. */
		if (vplic_acquire_line(cell->vplic, l[i].irq_line, false) ||
		    mmio_register(cell, l[i].doorbell, DOORBELL_SIZE, &doorbell_mmio_ops, db)) {
			hv_printk("bulkhead: cell '%s' link end %u: line %u or doorbell page 0x%lx "
				  "refused\n", cell->name, i, l[i].irq_line,
				  (unsigned long)l[i].doorbell);
			return -EINVAL;
		}
	}
	return 0;
}

/* Every other attached end of the same link, in all cells (the root's too). */
static void link_up(struct doorbell *db)
{
	for (unsigned int id = 0; id < HV_MAX_CELLS; id++) {
		struct cell *other = hv.cells[id];

		if (!other || other == db->cell)
			continue;
		for (unsigned int i = 0; i < other->num_doorbells; i++) {
			struct doorbell *o = &other->doorbells[i];

			if (!o->attached || o->cfg->link_id != db->cfg->link_id)
				continue;
			o->peer[db->cfg->end_id] = db;
			db->peer[o->cfg->end_id] = o;
		}
	}
}

void doorbells_attach(struct cell *cell)
{
	spin_lock(&links_lock);
	for (unsigned int i = 0; i < cell->num_doorbells; i++) {
		struct doorbell *db = &cell->doorbells[i];

		link_up(db);
		db->attached = true;
	}
	spin_unlock(&links_lock);
}

void doorbells_detach(struct cell *cell)
{
	spin_lock(&links_lock);
	for (unsigned int i = 0; i < cell->num_doorbells; i++) {
		struct doorbell *db = &cell->doorbells[i];

		for (unsigned int e = 0; e <= BH_LINK_MAX_END_ID; e++) {
			struct doorbell *p = db->peer[e];

			if (p && p->peer[db->cfg->end_id] == db)
				p->peer[db->cfg->end_id] = NULL;
			db->peer[e] = NULL;
		}
		db->attached = false;
	}
	spin_unlock(&links_lock);
}

/* Shutdown: the lines keep their owner, what a peer rang meanwhile is dropped. */
void doorbells_reset(struct cell *cell)
{
	spin_lock(&links_lock);
	spin_lock(&cell->lock);
	for (unsigned int i = 0; i < cell->num_doorbells; i++) {
		struct doorbell *db = &cell->doorbells[i];

		db->pending = 0;
		vplic_release_line(cell->vplic, db->cfg->irq_line);
		vplic_acquire_line(cell->vplic, db->cfg->irq_line, false);
	}
	spin_unlock(&cell->lock);
	spin_unlock(&links_lock);
}

void doorbell_ring(struct doorbell *db, uint32_t end_id)
{
	struct doorbell *peer = NULL;

	spin_lock(&links_lock);
	if (end_id <= BH_LINK_MAX_END_ID && ((db->cfg->peers >> end_id) & 1))
		peer = db->peer[end_id];
	if (!peer) {
		db->refused++;
	} else {
		/* Coalesces like any PLIC line while it is pending. */
		peer->pending |= 1U << db->cfg->end_id;
		spin_lock(&peer->cell->lock);
		if (vplic_set_pending(peer->cell->vplic, peer->cfg->irq_line) == VPLIC_OK)
			irq_latency_raised(peer->cell->latency, peer->cfg->irq_line, hv_time_now());
		spin_unlock(&peer->cell->lock);
	}
	spin_unlock(&links_lock);
}

static uint32_t present_peers(const struct doorbell *db)
{
	uint32_t mask = 0;

	for (unsigned int e = 0; e <= BH_LINK_MAX_END_ID; e++)
		if (((db->cfg->peers >> e) & 1) && db->peer[e])
			mask |= 1U << e;
	return mask;
}

static int doorbell_read(void *opaque, uint64_t offset, unsigned int width, uint64_t *value)
{
	struct doorbell *db = opaque;

	if (width != 4 || (offset & 3))
		return MMIO_EFAULT;
	spin_lock(&links_lock);
	switch (offset) {
	case DOORBELL_ID:
		*value = db->cfg->end_id;
		break;
	case DOORBELL_LINK:
		*value = db->cfg->link_id;
		break;
	case DOORBELL_PEERS:
		*value = present_peers(db);
		break;
	case DOORBELL_RING:
		*value = 0;
		break;
	case DOORBELL_PENDING:
		*value = db->pending;
		break;
	case DOORBELL_REFUSED:
		*value = db->refused;
		break;
	default:
		spin_unlock(&links_lock);
		return MMIO_EFAULT;
	}
	spin_unlock(&links_lock);
	return MMIO_OK;
}

static int doorbell_write(void *opaque, uint64_t offset, unsigned int width, uint64_t value)
{
	struct doorbell *db = opaque;

	if (width != 4 || (offset & 3))
		return MMIO_EFAULT;
	switch (offset) {
	case DOORBELL_RING:
		doorbell_ring(db, (uint32_t)value);
		return MMIO_OK;
	case DOORBELL_PENDING:
		spin_lock(&links_lock);
		db->pending &= ~(uint32_t)value;
		spin_unlock(&links_lock);
		return MMIO_OK;
	case DOORBELL_ID:
	case DOORBELL_LINK:
	case DOORBELL_PEERS:
	case DOORBELL_REFUSED:
		return MMIO_OK; /* read-only: writes are ignored */
	default:
		return MMIO_EFAULT;
	}
}

const struct mmio_ops doorbell_mmio_ops = {
	.read = doorbell_read,
	.write = doorbell_write,
	.exit_reason = BH_EXIT_DOORBELL,
};
