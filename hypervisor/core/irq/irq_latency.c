// SPDX-License-Identifier: GPL-2.0
/* Interrupt latency tables (irq_latency.h): building, clearing and copying out. */
#include "irq_latency.h"
#include "lib.h"

/* Bucket 0 for 0 ticks, b for 2^(b-1) .. 2^b - 1 below 1024 (rv64imac has no clz). */
#define IRQ_LATENCY_SMALL 1024

/* clang-format off */
#define B4(b)   b, b, b, b
#define B16(b)  B4(b), B4(b), B4(b), B4(b)
#define B64(b)  B16(b), B16(b), B16(b), B16(b)
static const uint8_t irq_latency_small_bucket[IRQ_LATENCY_SMALL] = {
	0, 1, 2, 2, B4(3), B4(4), B4(4), B16(5), B16(6), B16(6), B64(7), B64(8), B64(8),
	B64(9), B64(9), B64(9), B64(9), B64(10), B64(10), B64(10), B64(10), B64(10), B64(10),
	B64(10), B64(10),
};
/* clang-format on */

_Static_assert(IRQ_LATENCY_SMALL == 1024, "the table above ends with bucket 10 (512..1023)");

/*
 * One table look-up on ten bits of the ticks: for y >= 1 the table holds
 * floor(log2(y)) + 1, so looking at ticks >> 10k adds 10k; 2^30 and more is
 * the last bucket. Without branches: the instructions an interrupt costs do
 * not depend on how long it waited (make bench counts them exactly), and no
 * call: the recording functions below stay leaves without a stack frame.
 */
static inline uint64_t bucket(uint64_t ticks)
{
	uint64_t below10 = ticks < (1ULL << 10), below20 = ticks < (1ULL << 20);
	uint64_t below30 = ticks < (1ULL << 30);
	uint64_t shift = 20 - 10 * (below10 + below20);
	uint64_t b = irq_latency_small_bucket[(ticks >> shift) & (IRQ_LATENCY_SMALL - 1)] + shift;

	return b | ((below30 - 1) & (BH_LATENCY_BUCKETS - 1));
}

/* The maximum without a branch too. */
static inline void record(uint32_t *hist, uint64_t *max, uint64_t ticks)
{
	uint64_t m = *max;

	hist[bucket(ticks)]++;
	*max = m ^ ((m ^ ticks) & -(uint64_t)(ticks > m));
}

void irq_latency_claimed(struct irq_latency *lat, unsigned long line, uint64_t now)
{
	struct irq_latency_line *l = &lat->line[line];
	uint64_t raised = l->raised_at;

	l->claimed_at = now;
	if (!raised)
		return;
	l->raised_at = 0;
	record(l->to_claim, &l->max_to_claim, now - raised);
}

void irq_latency_completed(struct irq_latency *lat, unsigned long line, uint64_t now)
{
	struct irq_latency_line *l = &lat->line[line];
	uint64_t claimed = l->claimed_at;

	if (!claimed)
		return;
	l->claimed_at = 0;
	record(l->to_complete, &l->max_to_complete, now - claimed);
}

size_t irq_latency_size(unsigned int num_sources)
{
	return sizeof(struct irq_latency) + num_sources * sizeof(struct irq_latency_line);
}

void irq_latency_init(struct irq_latency *lat, unsigned int num_sources)
{
	lat->num_sources = num_sources;
}

void irq_latency_reset(struct irq_latency *lat)
{
	for (uint32_t i = 0; i < lat->num_sources; i++) {
		struct irq_latency_line *l = &lat->line[i];

		/* An interrupt in flight keeps its times: its figures land after the reset. */
		l->max_to_claim = l->max_to_complete = 0;
		memset(l->to_claim, 0, sizeof(l->to_claim));
		memset(l->to_complete, 0, sizeof(l->to_complete));
	}
}

static uint64_t sum(const uint32_t *counts)
{
	uint64_t n = 0;

	for (unsigned int b = 0; b < BH_LATENCY_BUCKETS; b++)
		n += counts[b];
	return n;
}

static void report_line(struct bh_latency_line *out, const struct irq_latency_line *l,
			uint32_t line)
{
	memset(out, 0, sizeof(*out));
	out->line = line;
	out->max_to_claim = l->max_to_claim;
	out->max_to_complete = l->max_to_complete;
	memcpy(out->to_claim, l->to_claim, sizeof(out->to_claim));
	memcpy(out->to_complete, l->to_complete, sizeof(out->to_complete));
	out->claims = sum(out->to_claim);
	out->completes = sum(out->to_complete);
}

/* The lines a cell's config gives it: its PLIC lines and its link ends' virtual lines. */
static bool config_line(const struct bh_cell_desc *desc, uint32_t line)
{
	const struct bh_link_end *end = bh_config_cell_links(desc);

	if (bh_config_irq_owned(desc, line))
		return true;
	for (uint32_t i = 0; i < desc->num_link_ends; i++)
		if (end[i].irq_line == line)
			return true;
	return false;
}

int irq_latency_report(const struct irq_latency *lat, const struct bh_cell_desc *desc,
		       uint64_t timebase_frequency, uint32_t first, void *buf, uint64_t size)
{
	struct bh_latency_header *hdr = buf;
	struct bh_latency_line *out = (struct bh_latency_line *)(hdr + 1);
	uint32_t lines = 0, count = 0;
	uint64_t room;

	if (size < sizeof(*hdr))
		return -1;
	room = (size - sizeof(*hdr)) / sizeof(*out);
	/* The config's lines the vPLIC has (a config cannot name others: the validator). */
	for (uint32_t line = 1; line < lat->num_sources; line++) {
		if (!config_line(desc, line))
			continue;
		if (lines++ >= first && count < room)
			report_line(&out[count++], &lat->line[line], line);
	}
	hdr->timebase_frequency = timebase_frequency;
	hdr->num_lines = lines;
	hdr->first = first;
	hdr->count = count;
	hdr->reserved = 0;
	return 0;
}
