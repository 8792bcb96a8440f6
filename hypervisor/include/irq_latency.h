/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt latency per cell and line: for each interrupt delivered to a
 * cell, the time CSR when it reached the hypervisor (raised), when the
 * guest's claim returned it, and when the guest completed it; kept as log2
 * histograms and maxima of raised -> claim and claim -> complete
 * (struct bh_latency_line of include/bulkhead/hypercall.h).
 *
 * Memory is bounded by the lines of the cell's config, fixed at build; the
 * three hot calls are a table look-up, a subtraction and a bucket: callers
 * hold the cell's lock (the vPLIC's), which also orders them per line.
 * A cell built without a table (NULL) records nothing.
 */
#ifndef BULKHEAD_IRQ_LATENCY_H
#define BULKHEAD_IRQ_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#include <bulkhead/config.h>
#include <bulkhead/hypercall.h>

struct irq_latency_line {
	uint64_t raised_at, claimed_at;
	uint8_t raised, claimed; /* which of the two times is waiting for its end */
	struct bh_latency_line stats;
};

struct irq_latency {
	uint32_t num_lines;
	/* 1 + index in line[] of a tracked line; 0 for a line the cell's config lacks. */
	uint16_t index[BH_MAX_IRQS];
	struct irq_latency_line line[];
};

/* Bytes of the table for a cell's config (its lines). */
size_t irq_latency_size(const struct bh_cell_desc *desc);
void irq_latency_init(struct irq_latency *lat, const struct bh_cell_desc *desc);
void irq_latency_reset(struct irq_latency *lat);

/*
 * Copy the figures of lines first.. into buf (a struct bh_latency_header,
 * then as many lines as fit in size bytes). -1 if size cannot hold the header.
 */
int irq_latency_report(const struct irq_latency *lat, uint64_t timebase_frequency,
		       uint32_t first, void *buf, uint64_t size);

/* log2 bucket of a number of ticks (see BH_LATENCY_BUCKETS); no clz on rv64imac. */
static inline unsigned int irq_latency_bucket(uint64_t ticks)
{
	unsigned int b = 0;

	if (ticks >> (BH_LATENCY_BUCKETS - 2))
		return BH_LATENCY_BUCKETS - 1;
	if (ticks >> 16) {
		b += 16;
		ticks >>= 16;
	}
	if (ticks >> 8) {
		b += 8;
		ticks >>= 8;
	}
	if (ticks >> 4) {
		b += 4;
		ticks >>= 4;
	}
	if (ticks >> 2) {
		b += 2;
		ticks >>= 2;
	}
	if (ticks >> 1) {
		b += 1;
		ticks >>= 1;
	}
	return b + (unsigned int)ticks;
}

static inline struct irq_latency_line *irq_latency_line(struct irq_latency *lat, unsigned int line)
{
	unsigned int i;

	if (!lat || line >= BH_MAX_IRQS)
		return NULL;
	i = lat->index[line];
	return i ? &lat->line[i - 1] : NULL;
}

/* The interrupt reached the hypervisor; a second raise before its claim keeps the first time. */
static inline void irq_latency_raised(struct irq_latency *lat, unsigned int line, uint64_t now)
{
	struct irq_latency_line *l = irq_latency_line(lat, line);

	if (l && !l->raised) {
		l->raised = 1;
		l->raised_at = now;
	}
}

static inline void irq_latency_claimed(struct irq_latency *lat, unsigned int line, uint64_t now)
{
	struct irq_latency_line *l = irq_latency_line(lat, line);
	uint64_t ticks;

	if (!l)
		return;
	l->claimed = 1;
	l->claimed_at = now;
	if (!l->raised)
		return;
	l->raised = 0;
	ticks = now - l->raised_at;
	l->stats.claims++;
	l->stats.to_claim[irq_latency_bucket(ticks)]++;
	if (ticks > l->stats.max_to_claim)
		l->stats.max_to_claim = ticks;
}

static inline void irq_latency_completed(struct irq_latency *lat, unsigned int line, uint64_t now)
{
	struct irq_latency_line *l = irq_latency_line(lat, line);
	uint64_t ticks;

	if (!l || !l->claimed)
		return;
	l->claimed = 0;
	ticks = now - l->claimed_at;
	l->stats.completes++;
	l->stats.to_complete[irq_latency_bucket(ticks)]++;
	if (ticks > l->stats.max_to_complete)
		l->stats.max_to_complete = ticks;
}

#endif
