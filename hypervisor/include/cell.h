/* SPDX-License-Identifier: GPL-2.0 */
/* A cell as the arch-neutral core sees it: what it owns and where it stands. */
#ifndef BULKHEAD_CELL_H
#define BULKHEAD_CELL_H

#include <stdbool.h>
#include <stdint.h>

#include <bulkhead/config.h>

#include "console_input.h"
#include "console_ring.h"
#include "doorbell.h"
#include "gstage.h"
#include "mmio_registry.h"
#include "spinlock.h"

struct irq_latency;
struct vplic;

#define HV_MAX_CELLS 16 /* the root is cell 0; VMID = id + 1 */

struct cell {
	char name[BH_CELL_NAME_LEN];
	unsigned int id;
	uint64_t cpu_set;
	unsigned int vmid;
	uint64_t hgatp;
	struct gstage_table gstage;
	spinlock_t lock; /* the vPLIC, and HSM starts into the cell */
	struct vplic *vplic;
	struct cell_mmio mmio;	/* the emulated devices' windows (the vPLIC's, the doorbells) */
	struct irq_latency *latency; /* under lock, as the vPLIC */
	unsigned long latency_pages;
	const struct bh_cell_desc *desc;
	/* Non-root cells only. */
	volatile uint32_t state;	/* enum bh_cell_state */
	/* Set under lock before any hart is told to stop; HSM starts are refused from then on. */
	bool stopping;
	char reason[128];
	bool loadable_in_root;		/* its LOADABLE regions are mapped in the root */
	uint64_t desc_pages, desc_npages; /* hypervisor copy of the config */
	uint64_t boot_info_page;
	struct console_ring *console;
	bool console_line_start;
	struct console_input input; /* under lock */
	/* Last: 4.5 KiB that the interrupt path never reads, after the fields it does. */
	unsigned int num_doorbells;
	struct doorbell doorbells[BH_MAX_LINK_ENDS]; /* one per link end of its config */
};

#endif
