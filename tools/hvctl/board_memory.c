// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A board's RAM as its device tree describes it: the memory nodes, minus
 * what the firmware keeps (a /reserved-memory node no device refers to,
 * either no-map or with no compatible and not reusable, such as OpenSBI's
 * own: the same rule hvctl config check applies to /proc/iomem), minus the
 * bulkhead@ADDR node: a no-map reserved region Linux never uses, for the
 * hypervisor and the cells.
 */
#include <inttypes.h>
#include <string.h>

#include <libfdt.h>

#include "board.h"
#include "hvctl.h"

static void add_regs(const void *fdt, int node, struct board_ranges *set, struct board_report *rep)
{
	struct board_range r;
	int i, ret;

	for (i = 0; (ret = board_reg(fdt, node, i, &r)) == 0; i++) {
		if (board_add_range(set, r.start, r.size))
			board_problem(rep, "more than %d memory ranges", BOARD_MAX_RANGES);
	}
	if (ret < 0)
		board_problem(rep, "%s: reg cannot be read as CPU addresses",
			      fdt_get_name(fdt, node, NULL));
}

static void read_ram(const void *fdt, struct board_ranges *ram, struct board_report *rep)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0)
	{
		if (hvctl_fdt_prop_is(fdt, node, "device_type", "memory") &&
		    board_node_okay(fdt, node))
			add_regs(fdt, node, ram, rep);
	}
	board_merge_ranges(ram);
	if (!ram->n)
		board_problem(rep, "no memory node");
}

static int is_bulkhead(const char *name)
{
	return !strncmp(name, "bulkhead", 8) && (!name[8] || name[8] == '@');
}

/* Whether the root leaves a reserved region alone: the firmware's, or no-map for nobody. */
static int carved_out(const void *fdt, int node)
{
	if (fdt_get_phandle(fdt, node))
		return 0;
	if (fdt_getprop(fdt, node, "no-map", NULL))
		return 1;
	return !fdt_getprop(fdt, node, "compatible", NULL) &&
	       !fdt_getprop(fdt, node, "reusable", NULL);
}

static void read_bulkhead(const void *fdt, int node, struct board *b, struct board_report *rep,
			  int *found)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	struct board_range r, second;

	if ((*found)++) {
		board_problem(rep, "/reserved-memory/%s: a second bulkhead node", name);
		return;
	}
	if (board_reg(fdt, node, 0, &r) || !board_reg(fdt, node, 1, &second)) {
		board_problem(rep, "/reserved-memory/%s: expected one reg range", name);
		return;
	}
	if (!fdt_getprop(fdt, node, "no-map", NULL))
		board_problem(rep,
			      "/reserved-memory/%s: no no-map property (Linux would map the "
			      "region and may use it)",
			      name);
	if (r.start % PAGE || r.size % PAGE || !r.size)
		board_problem(rep,
			      "/reserved-memory/%s: [0x%" PRIx64 "..0x%" PRIx64
			      ") is empty or not 4 KiB aligned",
			      name, r.start, r.start + r.size);
	b->reserved = r;
}

static int in_ram(const struct board_ranges *ram, struct board_range r)
{
	size_t i;

	for (i = 0; i < ram->n; i++) {
		if (r.start >= ram->r[i].start &&
		    r.start + r.size <= ram->r[i].start + ram->r[i].size)
			return 1;
	}
	return 0;
}

void board_read_memory(const void *fdt, struct board *b, struct board_report *rep)
{
	int resv = fdt_path_offset(fdt, "/reserved-memory"), node, found = 0;
	struct board_ranges holes = { .n = 0 };
	size_t i;

	read_ram(fdt, &b->ram, rep);
	if (resv >= 0) {
		fdt_for_each_subnode(node, fdt, resv)
		{
			if (is_bulkhead(fdt_get_name(fdt, node, NULL)) &&
			    board_node_okay(fdt, node))
				read_bulkhead(fdt, node, b, rep, &found);
			else if (board_node_okay(fdt, node) && carved_out(fdt, node))
				add_regs(fdt, node, &holes, rep);
		}
	}
	if (!found) {
		board_problem(rep, "no /reserved-memory/bulkhead@ADDR node with no-map: the "
				   "hypervisor and the cells need RAM Linux does not use "
				   "(docs/porting.md)");
	} else if (b->reserved.size && !in_ram(&b->ram, b->reserved)) {
		board_problem(rep, "reserved region [0x%" PRIx64 "..0x%" PRIx64 ") is not in RAM",
			      b->reserved.start, b->reserved.start + b->reserved.size);
	}
	for (i = 0; i < holes.n; i++)
		board_remove_range(&b->ram, holes.r[i].start, holes.r[i].size);
	if (found)
		board_remove_range(&b->ram, b->reserved.start, b->reserved.size);
	/* The root maps whole pages: a partial page at either end is left out. */
	for (i = 0; i < b->ram.n; i++) {
		uint64_t start = PAGE_UP(b->ram.r[i].start);
		uint64_t end = PAGE_DOWN(b->ram.r[i].start + b->ram.r[i].size);

		b->ram.r[i].start = start;
		b->ram.r[i].size = end > start ? end - start : 0;
	}
}
