// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A board's harts as its device tree describes them: which can run
 * Bulkhead (rv64 with the H extension and Sstc, a hart id the format can
 * hold), the PLIC context of each one's S-mode external interrupt (the
 * PLIC's interrupts-extended lists one <intc cause> per context; cause 9 is
 * S-external) and the timebase.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "board.h"
#include "hvctl.h"

#define IRQ_S_EXT 9
#define PATH_LEN  256

struct isa {
	int rv64, h, sstc;
};

/* Whether an isa-extensions string list holds ext. */
static int list_has(const char *list, int len, const char *ext)
{
	while (len > 0) {
		size_t n = strnlen(list, (size_t)len);

		if (n == strlen(ext) && !strncmp(list, ext, n))
			return 1;
		len -= (int)n + 1;
		list += n + 1;
	}
	return 0;
}

/*
 * riscv,isa: "rv64" and single letters up to the first '_' (or a multi-letter
 * z, s or x extension), then '_'-separated multi-letter names.
 */
static void parse_isa_string(const char *isa, int len, struct isa *out)
{
	char s[512];
	const char *p;
	size_t n = strnlen(isa, (size_t)len);

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, isa, n);
	s[n] = '\0';
	out->rv64 = !strncmp(s, "rv64", 4);
	for (p = s + 4; out->rv64 && *p && !strchr("_zsx", *p); p++)
		out->h |= *p == 'h';
	for (p = strchr(s, '_'); p; p = strchr(p + 1, '_'))
		out->sstc |= !strncmp(p + 1, "sstc", 4) && (p[5] == '_' || !p[5]);
}

static struct isa read_isa(const void *fdt, int cpu)
{
	struct isa isa = { 0, 0, 0 };
	const char *prop;
	int len;

	prop = fdt_getprop(fdt, cpu, "riscv,isa", &len);
	if (prop && len > 0)
		parse_isa_string(prop, len, &isa);
	prop = fdt_getprop(fdt, cpu, "riscv,isa-base", &len);
	if (prop && len > 0)
		isa.rv64 |= !strncmp(prop, "rv64", 4);
	prop = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len);
	if (prop && len > 0) {
		isa.h |= list_has(prop, len, "h");
		isa.sstc |= list_has(prop, len, "sstc");
	}
	return isa;
}

static void node_path(const void *fdt, int node, char *path)
{
	if (fdt_get_path(fdt, node, path, PATH_LEN))
		snprintf(path, PATH_LEN, "node at offset %d", node);
}

static uint64_t read_timebase(const void *fdt, int cpus, int first_cpu)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (!p && first_cpu >= 0)
		p = fdt_getprop(fdt, first_cpu, "timebase-frequency", &len);
	if (p && len == 4)
		return fdt32_to_cpu(p[0]);
	if (p && len == 8)
		return (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1]);
	return 0;
}

/* The hart whose cpu-intc node is intc, or -1. */
static int hart_of_intc(const int *intc, int intc_node)
{
	int h;

	for (h = 0; h < BH_MAX_HARTS; h++) {
		if (intc[h] >= 0 && intc[h] == intc_node)
			return h;
	}
	return -1;
}

/* Fills s_context from the PLIC's interrupts-extended. */
static void read_contexts(const void *fdt, int plic, const int *intc, struct board *b)
{
	int len, pos = 0;
	const fdt32_t *p = fdt_getprop(fdt, plic, "interrupts-extended", &len);
	uint32_t context = 0;

	if (!p)
		return;
	len /= 4;
	while (pos < len) {
		int node = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[pos]));
		const fdt32_t *ncells =
			node >= 0 ? fdt_getprop(fdt, node, "#interrupt-cells", NULL) : NULL;
		int cells = ncells ? (int)fdt32_to_cpu(*ncells) : 1, hart;

		if (pos + 1 + cells > len)
			break;
		hart = node >= 0 ? hart_of_intc(intc, node) : -1;
		if (hart >= 0 && cells == 1 && fdt32_to_cpu(p[pos + 1]) == IRQ_S_EXT &&
		    b->s_context[hart] == BH_NO_CONTEXT)
			b->s_context[hart] = context;
		pos += 1 + cells;
		context++;
	}
}

static int find_intc(const void *fdt, int cpu)
{
	int child;

	fdt_for_each_subnode(child, fdt, cpu)
	{
		if (!fdt_node_check_compatible(fdt, child, "riscv,cpu-intc"))
			return child;
	}
	return -1;
}

/* One usable cpu node: 0 if it can run Bulkhead, else the problems are reported. */
static int check_cpu(const void *fdt, int cpu, int64_t id, struct board_report *rep)
{
	struct isa isa = read_isa(fdt, cpu);
	char path[PATH_LEN];
	unsigned int before = rep->problems;

	node_path(fdt, cpu, path);
	if (id < 0) {
		board_problem(rep, "%s: no hart id in reg", path);
		return -1;
	}
	if (id >= BH_MAX_HARTS) {
		board_problem(rep,
			      "hart %" PRId64 " (%s): hart ids above %d cannot be written in a "
			      "config",
			      id, path, BH_MAX_HARTS - 1);
		return -1;
	}
	if (!isa.rv64)
		board_problem(rep, "hart %" PRId64 " (%s): not an rv64 hart", id, path);
	else if (!isa.h)
		board_problem(rep, "hart %" PRId64 " (%s): no H extension in its ISA", id, path);
	else if (!isa.sstc)
		board_problem(rep,
			      "hart %" PRId64 " (%s): no Sstc in its ISA (guests' timers need it)",
			      id, path);
	return rep->problems == before ? 0 : -1;
}

void board_read_harts(const void *fdt, struct board *b, struct board_report *rep)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), cpu, first = -1, plic, h;
	int intc[BH_MAX_HARTS];
	uint64_t candidates = 0;

	for (h = 0; h < BH_MAX_HARTS; h++) {
		intc[h] = -1;
		b->s_context[h] = BH_NO_CONTEXT;
	}
	if (cpus < 0) {
		board_problem(rep, "no /cpus node");
		return;
	}
	fdt_for_each_subnode(cpu, fdt, cpus)
	{
		int64_t id;

		if (!hvctl_fdt_prop_is(fdt, cpu, "device_type", "cpu") ||
		    !board_node_okay(fdt, cpu))
			continue;
		if (first < 0)
			first = cpu;
		id = hvctl_fdt_hart_id(fdt, cpus, cpu);
		if (check_cpu(fdt, cpu, id, rep))
			continue;
		candidates |= 1ULL << id;
		intc[id] = find_intc(fdt, cpu);
	}
	if (first < 0)
		board_problem(rep, "no enabled cpu node under /cpus");
	b->timebase = read_timebase(fdt, cpus, first);
	if (!b->timebase)
		board_problem(rep, "no timebase-frequency in /cpus");
	plic = board_find_plic(fdt);
	if (plic < 0) {
		board_problem(rep, "no PLIC (riscv,plic0 or sifive,plic-1.0.0): Bulkhead drives "
				   "external interrupts through a PLIC");
		return;
	}
	read_contexts(fdt, plic, intc, b);
	for (h = 0; h < BH_MAX_HARTS; h++) {
		if (!((candidates >> h) & 1))
			continue;
		if (b->s_context[h] == BH_NO_CONTEXT)
			board_problem(rep,
				      "hart %d: the PLIC's interrupts-extended has no S-mode "
				      "context for it",
				      h);
		else
			b->harts |= 1ULL << h;
	}
}
