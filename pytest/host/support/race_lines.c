// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 7 item 8 on the host: the interrupt path (irq_line_lock_owner(),
 * then the owner's vPLIC) racing a cell that takes a line and is destroyed
 * right after giving it back. Two threads, as two harts would be:
 *
 *   "destroy": make a cell, move the line to it and back to the root, then
 *              poison the cell's memory (as a freed pool page would be reused)
 *   "irq":     lock the line's owner, check it is not poisoned, mark the line
 *              pending in its vPLIC, unlock
 *
 * The owner the interrupt path gets must stay whole while it holds it: the
 * count of poisoned owners seen is the result (0 when ownership is safe).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "irq_lines.h"
#include "vplic.h"

#define RACE_LINE    3
#define RACE_SOURCES 8
#define POISON	     0xdb

static struct cell race_root;
/* Two cells used in turn, as a freed pool page is reused: never freed, so no test UB. */
static struct cell race_cells[2];
static struct vplic *race_vplics[2];
static volatile int race_stop;
static unsigned long race_bad, race_seen;
static const struct vplic_hooks race_hooks; /* no hooks: only the vPLIC's state matters */
static const uint64_t race_mask[VPLIC_CONTEXT_WORDS] = { 1 };

static void *irq_thread(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&race_stop, __ATOMIC_ACQUIRE)) {
		struct cell *owner = irq_line_lock_owner(RACE_LINE);

		if (!owner)
			continue;
		if (owner->id == 0xdbdbdbdbU)
			__atomic_fetch_add(&race_bad, 1, __ATOMIC_RELAXED);
		else
			vplic_set_pending(owner->vplic, RACE_LINE);
		__atomic_fetch_add(&race_seen, 1, __ATOMIC_RELAXED);
		spin_unlock(&owner->lock);
	}
	return NULL;
}

/* Poisoned owners the interrupt path held, over @rounds create/destroy rounds. */
unsigned long host_race_line_owner(unsigned long rounds, unsigned long *seen);
unsigned long host_race_line_owner(unsigned long rounds, unsigned long *seen)
{
	pthread_t irq;

	irq_lines_reset();
	memset(&race_root, 0, sizeof(race_root));
	for (int i = 0; i < 2; i++)
		if (!race_vplics[i])
			race_vplics[i] = malloc(sizeof(struct vplic));
	race_root.vplic = malloc(sizeof(struct vplic));
	vplic_init(race_root.vplic, RACE_SOURCES, 1, race_mask, &race_hooks, &race_root);
	race_stop = 0;
	race_bad = 0;
	race_seen = 0;
	irq_line_transfer(RACE_LINE, &race_root);
	if (pthread_create(&irq, NULL, irq_thread, NULL))
		return ~0UL;
	for (unsigned long i = 0; i < rounds; i++) {
		struct cell *cell = &race_cells[i % 2];
		struct vplic *vp = race_vplics[i % 2];

		memset(cell, 0, sizeof(*cell));
		cell->id = 1;
		cell->vplic = vp;
		vplic_init(vp, RACE_SOURCES, 1, race_mask, &race_hooks, cell);
		irq_line_transfer(RACE_LINE, cell);
		irq_line_transfer(RACE_LINE, &race_root);
		/* Destroyed: its pages are written by their next user (the lock word aside). */
		memset(cell, POISON, sizeof(*cell));
		cell->lock.locked = 0;
	}
	__atomic_store_n(&race_stop, 1, __ATOMIC_RELEASE);
	pthread_join(irq, NULL);
	irq_line_transfer(RACE_LINE, NULL);
	free(race_root.vplic);
	*seen = race_seen;
	return race_bad;
}
