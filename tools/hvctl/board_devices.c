// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The device registers of a board the root cell maps: the reg ranges of
 * every node with a compatible whose addresses reach the CPU, enabled or not
 * (a device Linux leaves alone is still the root's to give to a cell),
 * rounded out to whole pages and merged. Left out: the PLIC (the hypervisor
 * emulates it), the CLINT (M-mode's, behind OpenSBI's PMP), anything in RAM.
 * And the console: the UART of /chosen/stdout-path if it is a 16550 with
 * byte-wide registers, else the SBI console.
 */
#include <inttypes.h>
#include <string.h>

#include <libfdt.h>

#include "board.h"
#include "hvctl.h"

#define MAX_DEPTH 32

/* M-mode's timer and software interrupts: OpenSBI's, never the root's. */
static const char *const machine_only[] = {
	"riscv,clint0",	     "sifive,clint0",	    "thead,c900-clint",
	"riscv,aclint-mswi", "riscv,aclint-mtimer", "riscv,aclint-sswi",
};

static const char *const uarts_16550[] = { "ns16550a", "ns16550", "snps,dw-apb-uart" };

static int compatible_with(const void *fdt, int node, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!fdt_node_check_compatible(fdt, node, list[i]))
			return 1;
	}
	return 0;
}

/* Subtrees that describe no device registers: harts, RAM and its carve-outs. */
static int skipped_subtree(const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);

	return !strcmp(name, "cpus") || !strcmp(name, "reserved-memory") ||
	       !strcmp(name, "chosen") || !strcmp(name, "aliases") ||
	       hvctl_fdt_prop_is(fdt, node, "device_type", "memory");
}

static int overlaps_any(const struct board_ranges *set, uint64_t start, uint64_t size)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (start < set->r[i].start + set->r[i].size && set->r[i].start < start + size)
			return 1;
	}
	return 0;
}

static void add_device(const void *fdt, int node, struct board *b, const struct board_ranges *mem,
		       struct board_report *rep)
{
	struct board_range r;
	int i;

	if (!fdt_getprop(fdt, node, "compatible", NULL) || board_is_plic(fdt, node) ||
	    compatible_with(fdt, node, machine_only,
			    sizeof(machine_only) / sizeof(machine_only[0])))
		return;
	for (i = 0; board_reg(fdt, node, i, &r) == 0; i++) {
		uint64_t start = PAGE_DOWN(r.start), end = PAGE_UP(r.start + r.size);

		if (!r.size || end <= start || overlaps_any(mem, start, end - start) ||
		    (b->plic.size && start < b->plic.start + b->plic.size && b->plic.start < end))
			continue;
		if (board_add_kind(&b->io, start, end - start,
				   fdt_getprop(fdt, node, "compatible", NULL)))
			board_problem(rep, "more than %d device ranges", BOARD_MAX_RANGES);
	}
}

/*
 * The lowest line of the link-end nodes Bulkhead's own board tree adds for the
 * root's doorbells (docs/shared-memory.md, scripts/make-dtb.sh), or
 * UINT32_MAX. That tree raises riscv,ndev over those lines, which are
 * virtual: the lines from the lowest on are the system config's virtual_irqs.
 */
static uint32_t lowest_link_line(const void *fdt)
{
	uint32_t lowest = UINT32_MAX;
	int node = -1, len;

	while ((node = fdt_node_offset_by_compatible(fdt, node, "bulkhead,link-end")) >= 0) {
		const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);

		if (irq && len >= 4 && fdt32_to_cpu(*irq) < lowest)
			lowest = fdt32_to_cpu(*irq);
	}
	return lowest;
}

static void read_plic(const void *fdt, struct board *b, struct board_report *rep)
{
	uint32_t lowest;
	int plic = board_find_plic(fdt), len;
	const fdt32_t *ndev;

	if (plic < 0)
		return; /* board_read_harts() said so */
	if (board_reg(fdt, plic, 0, &b->plic))
		board_problem(rep, "the PLIC's reg cannot be read as CPU addresses");
	ndev = fdt_getprop(fdt, plic, "riscv,ndev", &len);
	if (!ndev || len != 4)
		board_problem(rep, "the PLIC has no riscv,ndev");
	else
		b->plic_sources = fdt32_to_cpu(*ndev) + 1;
	lowest = lowest_link_line(fdt);
	if (lowest >= 1 && lowest < b->plic_sources) {
		b->virtual_irqs = b->plic_sources - lowest;
		b->plic_sources = lowest;
	}
}

/* The node /chosen/stdout-path names (a path or an alias, options after ':' dropped). */
static int stdout_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *path;
	char name[256];
	size_t n;

	if (chosen < 0)
		return chosen;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len <= 0)
		return -FDT_ERR_NOTFOUND;
	n = strnlen(path, (size_t)len);
	n = strcspn(path, ":") < n ? strcspn(path, ":") : n;
	if (n >= sizeof(name))
		return -FDT_ERR_NOTFOUND;
	memcpy(name, path, n);
	name[n] = '\0';
	if (name[0] != '/') {
		const char *alias = fdt_get_alias(fdt, name);

		return alias ? fdt_path_offset(fdt, alias) : -FDT_ERR_NOTFOUND;
	}
	return fdt_path_offset(fdt, name);
}

static void read_console(const void *fdt, struct board *b, const struct board_report *rep)
{
	int node = stdout_node(fdt), len;
	const fdt32_t *shift, *width;
	struct board_range r;
	uint32_t reg_shift = 0;

	b->console = (struct bh_console){ .type = BH_CONSOLE_SBI };
	if (node < 0) {
		board_note(rep, "no /chosen/stdout-path: the consoles are SBI's");
		return;
	}
	if (!compatible_with(fdt, node, uarts_16550,
			     sizeof(uarts_16550) / sizeof(uarts_16550[0])) ||
	    board_reg(fdt, node, 0, &r)) {
		board_note(rep, "%s is not a 16550 UART at a CPU address: the consoles are SBI's",
			   fdt_get_name(fdt, node, NULL));
		return;
	}
	shift = fdt_getprop(fdt, node, "reg-shift", &len);
	if (shift && len == 4)
		reg_shift = fdt32_to_cpu(*shift);
	width = fdt_getprop(fdt, node, "reg-io-width", &len);
	if ((width && len == 4 && fdt32_to_cpu(*width) != 1) || reg_shift > 3) {
		board_note(rep, "%s has registers wider than a byte: the consoles are SBI's",
			   fdt_get_name(fdt, node, NULL));
		return;
	}
	b->console.type = BH_CONSOLE_NS16550;
	b->console.reg_shift = reg_shift;
	b->console.address = r.start;
	/* A G-stage maps whole pages. */
	b->console.size = PAGE_UP(r.start + r.size) - r.start;
}

void board_read_devices(const void *fdt, struct board *b, struct board_report *rep)
{
	struct board_ranges mem = { .n = 0 };
	/* -1: the root node is depth 0. */
	int node = -1, depth = -1, skip_below = MAX_DEPTH;
	int mnode;

	/* Every memory range the tree names, reserved ones included, is not a device's. */
	fdt_for_each_subnode(mnode, fdt, 0)
	{
		struct board_range r;
		int i;

		if (!hvctl_fdt_prop_is(fdt, mnode, "device_type", "memory"))
			continue;
		for (i = 0; board_reg(fdt, mnode, i, &r) == 0; i++)
			board_add_range(&mem, r.start, r.size);
	}
	read_plic(fdt, b, rep);
	while ((node = fdt_next_node(fdt, node, &depth)) >= 0 && depth >= 0) {
		if (!depth || depth > skip_below)
			continue;
		skip_below = MAX_DEPTH;
		if (depth >= MAX_DEPTH || skipped_subtree(fdt, node)) {
			skip_below = depth;
			continue;
		}
		add_device(fdt, node, b, &mem, rep);
	}
	board_merge_ranges(&b->io);
	read_console(fdt, b, rep);
}
