/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Links between cells (docs/shared-memory.md): each link end of a cell's
 * config is a doorbell, an emulated page in the cell's MMIO registry. A ring
 * of a peer that is attached and configured raises the peer end's virtual
 * line in the peer's vPLIC; any other ring is refused: dropped and counted.
 *
 * An end is attached from its cell's creation (the root's at enable) until
 * its destruction; peers see it present exactly then. The peer pointers and
 * pending bits change under one lock (taken before any cell's lock), so a
 * ring either reaches a peer that is still attached or is refused: never a
 * cell being destroyed, never whoever is created next.
 */
#ifndef BULKHEAD_DOORBELL_H
#define BULKHEAD_DOORBELL_H

#include <stdint.h>

#include <bulkhead/config.h>
#include <bulkhead/doorbell.h>

#include "mmio_registry.h"

struct cell;

/* Registers of the doorbell page: include/bulkhead/doorbell.h. */
#define DOORBELL_ID	 BH_DOORBELL_ID
#define DOORBELL_LINK	 BH_DOORBELL_LINK
#define DOORBELL_PEERS	 BH_DOORBELL_PEERS
#define DOORBELL_RING	 BH_DOORBELL_RING
#define DOORBELL_PENDING BH_DOORBELL_PENDING
#define DOORBELL_REFUSED BH_DOORBELL_REFUSED
#define DOORBELL_SIZE	 BH_DOORBELL_SIZE

struct doorbell {
	struct cell *cell;
	const struct bh_link_end *cfg;
	/* Under the links lock: */
	struct doorbell *peer[BH_LINK_MAX_END_ID + 1]; /* attached ends of the link, by end id */
	uint32_t pending;
	uint32_t refused;
	bool attached;
};

extern const struct mmio_ops doorbell_mmio_ops;

/*
 * Map the cell's shared memory, take its virtual lines in its vPLIC and
 * register its doorbell pages (cell_build(), with cell->desc set); not
 * attached yet. 0 or a negative errno; cell_destroy() undoes what was done.
 */
int doorbells_build(struct cell *cell);
/* The cell's ends become present to their peers (the cell exists from now on). */
void doorbells_attach(struct cell *cell);
/* And absent again, before the cell's vPLIC goes away; idempotent. */
void doorbells_detach(struct cell *cell);
/* A new run of the cell starts with no ring left over (shutdown). */
void doorbells_reset(struct cell *cell);
/* The ring as the guest's write to DOORBELL_RING does it (also the host tests' entry). */
void doorbell_ring(struct doorbell *db, uint32_t end_id);

#endif
