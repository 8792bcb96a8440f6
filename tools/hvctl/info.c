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
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvctl.h"

#define PATH_LEN 4096

struct hv_info {
	int enabled;
	uint64_t mem_used;
	uint64_t mem_total;
	char **names;
	struct hvctl_cell_stats *cells; /* one per name, same order */
	size_t num_cells;
};

static int read_info(struct hv_info *info)
{
	char path[PATH_LEN];
	size_t i;

	if (hvctl_read_enabled(&info->enabled))
		return -1;
	if (!info->enabled)
		return 0;
	if (hvctl_sysfs_path(path, sizeof(path), "mem_used") ||
	    hvctl_read_u64(path, &info->mem_used) ||
	    hvctl_sysfs_path(path, sizeof(path), "mem_total") ||
	    hvctl_read_u64(path, &info->mem_total))
		return -1;
	if (hvctl_list_cell_names(&info->names, &info->num_cells))
		return -1;
	if (!info->num_cells)
		return 0;
	info->cells = calloc(info->num_cells, sizeof(*info->cells));
	if (!info->cells) {
		hvctl_error("out of memory");
		return -1;
	}
	for (i = 0; i < info->num_cells; i++) {
		info->cells[i].name = info->names[i];
		if (hvctl_read_cell_stats(&info->cells[i]))
			return -1;
	}
	return 0;
}

/* Rounded up, so a non-empty use never shows as 0 KiB. */
static uint64_t kib(uint64_t bytes)
{
	return bytes / 1024 + (bytes % 1024 != 0);
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
	for (i = 0; i < info->num_cells; i++) {
		putchar('\n');
		hvctl_print_cell_stats(&info->cells[i]);
	}
}

int hvctl_cmd_info(int argc, char **argv)
{
	struct hv_info info = { 0 };
	int ret = HVCTL_FAIL;

	(void)argc;
	(void)argv;
	if (!read_info(&info)) {
		print_info(&info);
		ret = HVCTL_OK;
	}
	free(info.cells);
	hvctl_free_names(info.names, info.num_cells);
	if (ret == HVCTL_OK && (fflush(stdout) || ferror(stdout))) {
		hvctl_error("info: cannot write the report: %s", strerror(errno));
		ret = HVCTL_FAIL;
	}
	return ret;
}
