// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl cell list, hvctl cell stats NAME: the cells as sysfs shows them
 * (cells/NAME/{id,state,reason,cpus,statistics}). Like 'hvctl info', these
 * read everything before printing anything. Formats: main.c's help text and
 * docs/hvctl.md; tests compare them exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvctl.h"

#define PATH_LEN 4096

/* The hypervisor gives the root cell id 0; the others get theirs at create. */
#define ROOT_CELL_ID 0

struct cell_row {
	const char *name;
	uint64_t id;
	char state[64];
	char reason[512];
	char harts[256];
};

/* The driver writes one line; anything else it holds must not break the table. */
static void one_line(char *text)
{
	for (; *text; text++) {
		if ((unsigned char)*text < ' ' || *text == 0x7f)
			*text = ' ';
	}
}

/*
 * The driver answers ENODEV for a cell's id while it is creating the cell:
 * such a cell is not listed yet. Returns 1 then, 0 with the id, -1 on error.
 */
static int read_id(struct cell_row *row)
{
	char path[PATH_LEN];
	size_t len;
	void *data;
	int ret;

	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/id", row->name))
		return -1;
	ret = hvctl_read_file(path, 64, &data, &len);
	free(data);
	if (ret == -ENODEV)
		return 1;
	return hvctl_read_u64(path, &row->id);
}

static int read_row(struct cell_row *row)
{
	char path[PATH_LEN], cpus[256];
	uint64_t harts;

	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/state", row->name) ||
	    hvctl_read_text(path, row->state, sizeof(row->state)))
		return -1;
	if (!row->state[0]) {
		hvctl_error("%s: empty, expected a state", path);
		return -1;
	}
	one_line(row->state);
	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/reason", row->name) ||
	    hvctl_read_text(path, row->reason, sizeof(row->reason)))
		return -1;
	one_line(row->reason);
	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s/cpus", row->name) ||
	    hvctl_read_text(path, cpus, sizeof(cpus)))
		return -1;
	if (hvctl_parse_hart_list(cpus, &harts)) {
		hvctl_error("%s: expected a hart list like \"0-3\" (harts 0..63), found \"%s\"",
			    path, cpus);
		return -1;
	}
	hvctl_format_hart_list(harts, row->harts, sizeof(row->harts));
	return 0;
}

/* The root first, then by name (byte order) as 'hvctl info' lists them. */
static int compare_rows(const void *a, const void *b)
{
	const struct cell_row *x = a, *y = b;
	int x_root = x->id == ROOT_CELL_ID, y_root = y->id == ROOT_CELL_ID;

	if (x_root != y_root)
		return y_root - x_root;
	return strcmp(x->name, y->name);
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static void print_rows(const struct cell_row *rows, size_t n)
{
	int name_width = (int)strlen("NAME"), state_width = (int)strlen("STATE");
	size_t i;

	for (i = 0; i < n; i++) {
		name_width = max_int(name_width, (int)strlen(rows[i].name));
		state_width = max_int(state_width, (int)strlen(rows[i].state));
	}
	printf("%-*s  %-*s  HARTS\n", name_width, "NAME", state_width, "STATE");
	for (i = 0; i < n; i++) {
		const struct cell_row *row = &rows[i];

		printf("%-*s  %-*s  %s", name_width, row->name, state_width, row->state,
		       row->harts);
		/* At the end of the line, so the columns stay aligned. */
		if (!strcmp(row->state, "failed") && row->reason[0])
			printf(" - %s", row->reason);
		putchar('\n');
	}
}


static int finish_output(const char *command)
{
	if (fflush(stdout) || ferror(stdout)) {
		hvctl_error("%s: cannot write: %s", command, strerror(errno));
		return HVCTL_FAIL;
	}
	return HVCTL_OK;
}

int hvctl_cmd_cell_list(int argc, char **argv)
{
	struct cell_row *rows = NULL;
	size_t i, n = 0, shown = 0;
	char **names = NULL;
	int ret = HVCTL_FAIL;

	(void)argc;
	(void)argv;
	if (hvctl_require_enabled("cell list") || hvctl_list_cell_names(&names, &n))
		return HVCTL_FAIL;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		hvctl_error("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct cell_row *row = &rows[shown];
		int creating;

		row->name = names[i];
		creating = read_id(row);
		if (creating < 0 || (!creating && read_row(row)))
			goto out;
		if (!creating)
			shown++;
	}
	qsort(rows, shown, sizeof(*rows), compare_rows);
	print_rows(rows, shown);
	ret = finish_output("cell list");
out:
	free(rows);
	hvctl_free_names(names, n);
	return ret;
}

/* Whether cells/NAME exists; a name sysfs cannot hold is no cell's. */
static int cell_exists(const char *name)
{
	char path[PATH_LEN];
	struct stat st;

	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if (hvctl_sysfs_path(path, sizeof(path), "cells/%s", name))
		return -1;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

#define STATS_USAGE "hvctl cell stats NAME [--latency [--json] | --reset]"

/* What to show: 0 the exit counters, else a STATS_* view; -1 after a usage error. */
#define STATS_LATENCY 1
#define STATS_JSON    2
#define STATS_RESET   4

static int stats_view(int argc, char **argv)
{
	int view = 0;

	for (int i = 1; i < argc; i++) {
		int flag = !strcmp(argv[i], "--latency") ? STATS_LATENCY :
			   !strcmp(argv[i], "--json")	 ? STATS_JSON :
			   !strcmp(argv[i], "--reset")	 ? STATS_RESET :
							   0;

		if (!flag || (view & flag)) {
			hvctl_error("cell stats: %s '%s' (usage: " STATS_USAGE ")",
				    flag ? "repeated option" : "unknown option", argv[i]);
			return -1;
		}
		view |= flag;
	}
	if ((view & STATS_JSON && !(view & STATS_LATENCY)) ||
	    (view & STATS_RESET && view != STATS_RESET)) {
		hvctl_error("cell stats: --json goes with --latency, --reset alone (usage: " STATS_USAGE
			    ")");
		return -1;
	}
	return view;
}

int hvctl_cmd_cell_stats(int argc, char **argv)
{
	struct hvctl_cell_stats *stats;
	int exists, view, ret = HVCTL_FAIL;

	if (hvctl_check_cell_name("cell stats", argv[0]))
		return HVCTL_USAGE;
	view = stats_view(argc, argv);
	if (view < 0)
		return HVCTL_USAGE;
	if (hvctl_require_enabled("cell stats"))
		return HVCTL_FAIL;
	exists = cell_exists(argv[0]);
	if (exists <= 0) {
		if (!exists)
			hvctl_error("cell stats: no cell '%s'", argv[0]);
		return HVCTL_FAIL;
	}
	if (view == STATS_RESET)
		return hvctl_cell_latency_reset(argv[0]);
	if (view & STATS_LATENCY) {
		ret = hvctl_cell_latency(argv[0], view & STATS_JSON);
		return ret == HVCTL_OK ? finish_output("cell stats") : ret;
	}
	stats = calloc(1, sizeof(*stats));
	if (!stats) {
		hvctl_error("out of memory");
		return HVCTL_FAIL;
	}
	stats->name = argv[0];
	if (!hvctl_read_cell_stats(stats)) {
		hvctl_print_cell_stats(stats);
		ret = finish_output("cell stats");
	}
	free(stats);
	return ret;
}
