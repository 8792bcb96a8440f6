// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A cell's exit counters: read from cells/NAME/statistics/cpuH/REASON and
 * printed as the table of 'hvctl info' and 'hvctl cell stats'. The format is
 * documented in main.c's help text and docs/hvctl.md; tests parse it, so
 * change them together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

#define PATH_LEN 4096

static const char *const exit_names[BH_EXIT_NUM] = BH_EXIT_NAMES_INIT;

static int read_hart_stats(const char *cell, struct hvctl_hart_stats *st)
{
	char path[PATH_LEN];
	unsigned int r;

	for (r = 0; r < BH_EXIT_NUM; r++) {
		if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/statistics/cpu%u/%s", cell,
				     st->hart, exit_names[r]) ||
		    hvctl_read_u64(path, &st->exits[r]))
			return -1;
	}
	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/statistics/cpu%u/exits_total", cell,
			     st->hart) ||
	    hvctl_read_u64(path, &st->total))
		return -1;
	return 0;
}

int hvctl_read_cell_stats(struct hvctl_cell_stats *cell)
{
	char path[PATH_LEN], text[256];
	unsigned int h;

	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/cpus", cell->name) ||
	    hvctl_read_text(path, text, sizeof(text)))
		return -1;
	if (hvctl_parse_hart_list(text, &cell->harts)) {
		hvctl_error("%s: expected a hart list like \"0-3\" (harts 0..63), found \"%s\"",
			    path, text);
		return -1;
	}
	cell->num_harts = 0;
	for (h = 0; h < 64; h++) {
		struct hvctl_hart_stats *st = &cell->stats[cell->num_harts];

		if (!((cell->harts >> h) & 1))
			continue;
		st->hart = h;
		if (read_hart_stats(cell->name, st))
			return -1;
		cell->num_harts++;
	}
	return 0;
}

static int decimal_width(uint64_t v)
{
	int w = 1;

	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

static int reason_shown(const struct hvctl_cell_stats *cell, unsigned int reason)
{
	unsigned int i;

	for (i = 0; i < cell->num_harts; i++) {
		if (cell->stats[i].exits[reason])
			return 1;
	}
	return 0;
}

/* One row: label left-aligned, counts right-aligned, two spaces between columns. */
static void print_row(const char *label, int label_width, const int *widths, const uint64_t *values,
		      unsigned int n)
{
	unsigned int i;

	printf("  %-*s", label_width, label);
	for (i = 0; i < n; i++)
		printf("  %*" PRIu64, widths[i], values[i]);
	putchar('\n');
}

void hvctl_print_cell_stats(const struct hvctl_cell_stats *cell)
{
	static const char header[] = "exits", total[] = "total";
	int label_width = (int)sizeof(header) - 1, widths[64];
	uint64_t values[64];
	char harts[256];
	unsigned int i, r;

	hvctl_format_hart_list(cell->harts, harts, sizeof(harts));
	printf("cell %s\n  harts: %s\n", cell->name, harts);
	if (!cell->num_harts)
		return;

	for (i = 0; i < cell->num_harts; i++) {
		const struct hvctl_hart_stats *st = &cell->stats[i];

		widths[i] = (int)snprintf(NULL, 0, "cpu%u", st->hart);
		if (decimal_width(st->total) > widths[i])
			widths[i] = decimal_width(st->total);
	}
	for (r = 0; r < BH_EXIT_NUM; r++) {
		if (!reason_shown(cell, r))
			continue;
		if ((int)strlen(exit_names[r]) > label_width)
			label_width = (int)strlen(exit_names[r]);
		for (i = 0; i < cell->num_harts; i++) {
			if (decimal_width(cell->stats[i].exits[r]) > widths[i])
				widths[i] = decimal_width(cell->stats[i].exits[r]);
		}
	}

	printf("  %-*s", label_width, header);
	for (i = 0; i < cell->num_harts; i++) {
		char name[8];

		snprintf(name, sizeof(name), "cpu%u", cell->stats[i].hart);
		printf("  %*s", widths[i], name);
	}
	putchar('\n');
	for (r = 0; r < BH_EXIT_NUM; r++) {
		if (!reason_shown(cell, r))
			continue;
		for (i = 0; i < cell->num_harts; i++)
			values[i] = cell->stats[i].exits[r];
		print_row(exit_names[r], label_width, widths, values, cell->num_harts);
	}
	for (i = 0; i < cell->num_harts; i++)
		values[i] = cell->stats[i].total;
	print_row(total, label_width, widths, values, cell->num_harts);
}
