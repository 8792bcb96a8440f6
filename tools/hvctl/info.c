// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl info: the hypervisor's state, memory and per-cell exit counters,
 * read from sysfs only (so it works for any user and never blocks on the
 * hypervisor). The output format is documented in main.c's help text; tests
 * parse it, so change both together.
 *
 * Everything is read before anything is printed: a read error gives an
 * error message and no half-printed report.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/hypercall.h>

#include "hvctl.h"

#define PATH_LEN 4096

static const char *const exit_names[BH_EXIT_NUM] = BH_EXIT_NAMES_INIT;

struct hart_stats {
	unsigned int hart;
	uint64_t exits[BH_EXIT_NUM];
	uint64_t total;
};

struct cell_info {
	char *name;
	uint64_t harts;
	unsigned int num_harts;
	struct hart_stats stats[64]; /* the first num_harts, by ascending hart */
};

struct hv_info {
	int enabled;
	uint64_t mem_used;
	uint64_t mem_total;
	struct cell_info *cells;
	size_t num_cells;
};

/* Formats root/fmt... into path; -1 (with a message) if it does not fit. */
static int __attribute__((format(printf, 3, 4)))
sysfs_path(char *path, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(path, size, "%s/", hvctl_sysfs_root());
	if (n < 0 || (size_t)n >= size)
		goto too_long;
	va_start(ap, fmt);
	m = vsnprintf(path + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= size - (size_t)n)
		goto too_long;
	return 0;
too_long:
	hvctl_error("sysfs path under %s too long", hvctl_sysfs_root());
	return -1;
}

static int read_enabled(int *enabled)
{
	char path[PATH_LEN], text[16];
	int ret;

	if (sysfs_path(path, sizeof(path), "enabled"))
		return -1;
	ret = hvctl_read_text(path, text, sizeof(text));
	if (ret == -ENOENT)
		hvctl_error("is the bulkhead module loaded? insmod %s", HVCTL_MODULE_PATH);
	if (ret)
		return -1;
	if (strcmp(text, "0") && strcmp(text, "1")) {
		hvctl_error("%s: expected 0 or 1, found \"%s\"", path, text);
		return -1;
	}
	*enabled = text[0] == '1';
	return 0;
}

static int read_hart_stats(const char *cell, struct hart_stats *st)
{
	char path[PATH_LEN];
	unsigned int r;

	for (r = 0; r < BH_EXIT_NUM; r++) {
		if (sysfs_path(path, sizeof(path), "cells/%s/statistics/cpu%u/%s", cell, st->hart,
			       exit_names[r]) ||
		    hvctl_read_u64(path, &st->exits[r]))
			return -1;
	}
	if (sysfs_path(path, sizeof(path), "cells/%s/statistics/cpu%u/exits_total", cell,
		       st->hart) ||
	    hvctl_read_u64(path, &st->total))
		return -1;
	return 0;
}

static int read_cell(struct cell_info *cell)
{
	char path[PATH_LEN], text[256];
	unsigned int h;

	if (sysfs_path(path, sizeof(path), "cells/%s/cpus", cell->name) ||
	    hvctl_read_text(path, text, sizeof(text)))
		return -1;
	if (hvctl_parse_hart_list(text, &cell->harts)) {
		hvctl_error("%s: expected a hart list like \"0-3\" (harts 0..63), found \"%s\"",
			    path, text);
		return -1;
	}
	cell->num_harts = 0;
	for (h = 0; h < 64; h++) {
		struct hart_stats *st = &cell->stats[cell->num_harts];

		if (!((cell->harts >> h) & 1))
			continue;
		st->hart = h;
		if (read_hart_stats(cell->name, st))
			return -1;
		cell->num_harts++;
	}
	return 0;
}

static int compare_cells(const void *a, const void *b)
{
	const struct cell_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The cells' names (sysfs directory order is arbitrary: sorted here). */
static int list_cells(struct hv_info *info)
{
	char path[PATH_LEN];
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;

	if (sysfs_path(path, sizeof(path), "cells"))
		return -1;
	dir = opendir(path);
	if (!dir) {
		hvctl_error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(dir))) {
		struct cell_info *cell;

		if (de->d_name[0] == '.')
			continue;
		if (info->num_cells == cap) {
			size_t new_cap = cap ? 2 * cap : 4;
			struct cell_info *grown =
			    realloc(info->cells, new_cap * sizeof(*info->cells));

			if (!grown)
				goto nomem;
			info->cells = grown;
			cap = new_cap;
		}
		cell = &info->cells[info->num_cells];
		memset(cell, 0, sizeof(*cell));
		cell->name = strdup(de->d_name);
		if (!cell->name)
			goto nomem;
		info->num_cells++;
	}
	if (errno) {
		hvctl_error("cannot read %s: %s", path, strerror(errno));
		closedir(dir);
		return -1;
	}
	closedir(dir);
	if (info->num_cells)
		qsort(info->cells, info->num_cells, sizeof(*info->cells), compare_cells);
	return 0;
nomem:
	hvctl_error("out of memory");
	closedir(dir);
	return -1;
}

static int read_info(struct hv_info *info)
{
	char path[PATH_LEN];
	size_t i;

	if (read_enabled(&info->enabled))
		return -1;
	if (!info->enabled)
		return 0;
	if (sysfs_path(path, sizeof(path), "mem_used") || hvctl_read_u64(path, &info->mem_used) ||
	    sysfs_path(path, sizeof(path), "mem_total") || hvctl_read_u64(path, &info->mem_total))
		return -1;
	if (list_cells(info))
		return -1;
	for (i = 0; i < info->num_cells; i++) {
		if (read_cell(&info->cells[i]))
			return -1;
	}
	return 0;
}

static void free_info(struct hv_info *info)
{
	size_t i;

	for (i = 0; i < info->num_cells; i++)
		free(info->cells[i].name);
	free(info->cells);
}

/* Rounded up, so a non-empty use never shows as 0 KiB. */
static uint64_t kib(uint64_t bytes)
{
	return bytes / 1024 + (bytes % 1024 != 0);
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

static int reason_shown(const struct cell_info *cell, unsigned int reason)
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

static void print_cell(const struct cell_info *cell)
{
	static const char header[] = "exits", total[] = "total";
	int label_width = (int)sizeof(header) - 1, widths[64];
	uint64_t values[64];
	char harts[256];
	unsigned int i, r;

	hvctl_format_hart_list(cell->harts, harts, sizeof(harts));
	printf("\ncell %s\n  harts: %s\n", cell->name, harts);
	if (!cell->num_harts)
		return;

	for (i = 0; i < cell->num_harts; i++) {
		const struct hart_stats *st = &cell->stats[i];

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

static void print_info(const struct hv_info *info)
{
	size_t i;

	printf("hypervisor: %s\n", info->enabled ? "enabled" : "disabled");
	if (!info->enabled)
		return;
	printf("memory used: %" PRIu64 " bytes (%" PRIu64 " KiB)\n", info->mem_used,
	       kib(info->mem_used));
	printf("memory total: %" PRIu64 " bytes (%" PRIu64 " KiB)\n", info->mem_total,
	       kib(info->mem_total));
	for (i = 0; i < info->num_cells; i++)
		print_cell(&info->cells[i]);
}

int hvctl_cmd_info(int argc, char **argv)
{
	struct hv_info info = {0};
	int ret = HVCTL_FAIL;

	(void)argc;
	(void)argv;
	if (!read_info(&info)) {
		print_info(&info);
		ret = HVCTL_OK;
	}
	free_info(&info);
	if (ret == HVCTL_OK && (fflush(stdout) || ferror(stdout))) {
		hvctl_error("info: cannot write the report: %s", strerror(errno));
		ret = HVCTL_FAIL;
	}
	return ret;
}
