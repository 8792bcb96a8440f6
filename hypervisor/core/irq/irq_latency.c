// SPDX-License-Identifier: GPL-2.0
/* Interrupt latency tables (irq_latency.h): building, clearing and copying out. */
#include "irq_latency.h"
#include "lib.h"

size_t irq_latency_size(const struct bh_cell_desc *desc)
{
	size_t lines = 0;

	for (unsigned int line = 1; line < BH_MAX_IRQS; line++)
		lines += bh_config_irq_owned(desc, line);
	return sizeof(struct irq_latency) + lines * sizeof(struct irq_latency_line);
}

void irq_latency_init(struct irq_latency *lat, const struct bh_cell_desc *desc)
{
	uint32_t n = 0;

	memset(lat, 0, irq_latency_size(desc));
	for (unsigned int line = 1; line < BH_MAX_IRQS; line++) {
		if (!bh_config_irq_owned(desc, line))
			continue;
		lat->line[n].stats.line = line;
		lat->index[line] = (uint16_t)++n;
	}
	lat->num_lines = n;
}

void irq_latency_reset(struct irq_latency *lat)
{
	for (uint32_t i = 0; i < lat->num_lines; i++) {
		uint32_t line = lat->line[i].stats.line;

		/* An interrupt in flight keeps its times: its figures land after the reset. */
		memset(&lat->line[i].stats, 0, sizeof(lat->line[i].stats));
		lat->line[i].stats.line = line;
	}
}

int irq_latency_report(const struct irq_latency *lat, uint64_t timebase_frequency,
		       uint32_t first, void *buf, uint64_t size)
{
	struct bh_latency_header *hdr = buf;
	struct bh_latency_line *out = (struct bh_latency_line *)(hdr + 1);
	uint64_t room;
	uint32_t count = 0;

	if (size < sizeof(*hdr))
		return -1;
	room = (size - sizeof(*hdr)) / sizeof(*out);
	for (uint32_t i = first; i < lat->num_lines && count < room; i++)
		memcpy(&out[count++], &lat->line[i].stats, sizeof(*out));
	hdr->timebase_frequency = timebase_frequency;
	hdr->num_lines = lat->num_lines;
	hdr->first = first;
	hdr->count = count;
	hdr->reserved = 0;
	return 0;
}
