/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt latency per cell and line: for each interrupt delivered to a
 * cell, the time CSR when it reached the hypervisor (raised), when the
 * guest's claim returned it, and when the guest completed it; kept as log2
 * histograms and maxima of raised -> claim and claim -> complete
 * (struct bh_latency_line of include/bulkhead/hypercall.h is the report).
 *
 * The table has an entry for every source of the cell's vPLIC, indexed by
 * the line itself, so the three hot calls are an address computation, a
 * subtraction, a table look-up for the bucket and two stores. The report
 * lists the lines of the cell's config. Callers hold the cell's lock (the
 * vPLIC's), which also orders the calls of one line; line is a source of the
 * vPLIC (below num_sources), as the vPLIC's claim and complete vouch for.
 */
#ifndef BULKHEAD_IRQ_LATENCY_H
#define BULKHEAD_IRQ_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include <bulkhead/config.h>
#include <bulkhead/hypercall.h>

struct irq_latency_line {
	uint64_t raised_at;  /* 0: not raised since its last claim */
	uint64_t claimed_at; /* 0: not claimed since its last complete */
	uint64_t max_to_claim, max_to_complete;
	uint32_t to_claim[BH_LATENCY_BUCKETS];
	uint32_t to_complete[BH_LATENCY_BUCKETS];
};

struct irq_latency {
	uint32_t num_sources;
	uint32_t reserved;
	struct irq_latency_line line[]; /* by line, 0 .. num_sources - 1 */
};

/* Bytes of the table of a vPLIC with num_sources sources. */
size_t irq_latency_size(unsigned int num_sources);
/* lat: zeroed memory of irq_latency_size(num_sources) bytes (pool pages are). */
void irq_latency_init(struct irq_latency *lat, unsigned int num_sources);
void irq_latency_reset(struct irq_latency *lat);

/*
 * Copy the figures of the config's lines, from its first-th line on, into
 * buf: a struct bh_latency_header, then as many lines as fit in size bytes.
 * -1 if size cannot hold the header.
 */
int irq_latency_report(const struct irq_latency *lat, const struct bh_cell_desc *desc,
		       uint64_t timebase_frequency, uint32_t first, void *buf, uint64_t size);

/*
 * The interrupt reached the hypervisor; a second raise before its claim keeps
 * the first time. 0 means "none": the time CSR counts from power-on, and the
 * firmware and Linux ran long before the hypervisor takes an interrupt.
 */
static inline void irq_latency_raised(struct irq_latency *lat, unsigned long line, uint64_t now)
{
	struct irq_latency_line *l = &lat->line[line];

	if (!l->raised_at)
		l->raised_at = now;
}

/*
 * The guest's claim returned line (0: nothing, whose entry absorbs the call
 * and is never reported) / completed it. Out of line and leaf functions: the
 * callers on the interrupt path then keep their registers.
 */
void irq_latency_claimed(struct irq_latency *lat, unsigned long line, uint64_t now);
void irq_latency_completed(struct irq_latency *lat, unsigned long line, uint64_t now);

#endif
