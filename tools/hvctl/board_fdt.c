// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the readers of a board's device tree share: problems and notes,
 * sets of physical ranges, reg entries translated through the buses above
 * them to CPU addresses, the PLIC and the lines of a device.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "board.h"
#include "hvctl.h"

#define MAX_BUS_DEPTH 16

static void report(const struct board_report *rep, const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "hvctl: %s: %s: %s", rep->command, rep->source, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void board_problem(struct board_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(rep, "", fmt, ap);
	va_end(ap);
	rep->problems++;
}

void board_note(const struct board_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(rep, "note: ", fmt, ap);
	va_end(ap);
}

int board_add_kind(struct board_ranges *set, uint64_t start, uint64_t size, const char *kind)
{
	if (!size)
		return 0;
	if (set->n == BOARD_MAX_RANGES)
		return -1;
	set->r[set->n++] = (struct board_range){ start, size, kind };
	return 0;
}

int board_add_range(struct board_ranges *set, uint64_t start, uint64_t size)
{
	return board_add_kind(set, start, size, NULL);
}

static int same_kind(const struct board_range *a, const struct board_range *b)
{
	return a->kind == b->kind || (a->kind && b->kind && !strcmp(a->kind, b->kind));
}

static int by_start(const void *a, const void *b)
{
	const struct board_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void board_merge_ranges(struct board_ranges *set)
{
	size_t i, out = 0;

	qsort(set->r, set->n, sizeof(set->r[0]), by_start);
	for (i = 0; i < set->n; i++) {
		struct board_range *last = out ? &set->r[out - 1] : NULL;
		uint64_t end = set->r[i].start + set->r[i].size;

		if (last && (set->r[i].start < last->start + last->size ||
			     (set->r[i].start == last->start + last->size &&
			      same_kind(last, &set->r[i])))) {
			if (end > last->start + last->size)
				last->size = end - last->start;
			continue;
		}
		set->r[out++] = set->r[i];
	}
	set->n = out;
}

void board_remove_range(struct board_ranges *set, uint64_t start, uint64_t size)
{
	struct board_ranges out = { .n = 0 };
	uint64_t end = start + size;
	size_t i;

	for (i = 0; i < set->n; i++) {
		uint64_t s = set->r[i].start, e = s + set->r[i].size;

		if (e <= start || s >= end) {
			board_add_range(&out, s, e - s);
			continue;
		}
		if (s < start)
			board_add_range(&out, s, start - s);
		if (e > end)
			board_add_range(&out, end, e - end);
	}
	*set = out;
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* addr in bus's children's space to bus's own space; -1 if bus does not map it. */
static int translate_one(const void *fdt, int bus, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, bus), len, i;
	int ca = fdt_address_cells(fdt, bus), cs = fdt_size_cells(fdt, bus);
	int pa = parent >= 0 ? fdt_address_cells(fdt, parent) : -1;
	const fdt32_t *ranges = fdt_getprop(fdt, bus, "ranges", &len);
	int entry = ca + pa + cs;

	if (!ranges || parent < 0)
		return -1;
	if (len == 0)
		return 0; /* identity */
	if (ca < 1 || ca > 2 || pa < 1 || pa > 2 || cs < 1 || cs > 2 || len % (entry * 4))
		return -1;
	for (i = 0; i < len / (entry * 4); i++, ranges += entry) {
		uint64_t child = read_cells(ranges, ca), size = read_cells(ranges + ca + pa, cs);

		if (*addr >= child && *addr - child < size) {
			*addr = *addr - child + read_cells(ranges + ca, pa);
			return 0;
		}
	}
	return -1;
}

int board_reg(const void *fdt, int node, int i, struct board_range *out)
{
	int parent = fdt_parent_offset(fdt, node), bus, depth = 0, len;
	int ac, sc;
	const fdt32_t *reg;

	if (parent < 0)
		return -1;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len <= 0)
		return 1;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len % ((ac + sc) * 4))
		return -1;
	if (i >= len / ((ac + sc) * 4))
		return 1;
	reg += i * (ac + sc);
	out->start = read_cells(reg, ac);
	out->size = read_cells(reg + ac, sc);
	/* Up to the root: each bus maps its children's addresses into its own. */
	for (bus = parent; fdt_parent_offset(fdt, bus) >= 0; bus = fdt_parent_offset(fdt, bus)) {
		if (++depth > MAX_BUS_DEPTH || translate_one(fdt, bus, &out->start))
			return -1;
	}
	return 0;
}

int board_is_plic(const void *fdt, int node)
{
	static const char *const compatibles[] = {
		"riscv,plic0",
		"sifive,plic-1.0.0",
		"thead,c900-plic",
		"andestech,nceplic100",
	};
	size_t i;

	for (i = 0; i < sizeof(compatibles) / sizeof(compatibles[0]); i++) {
		if (!fdt_node_check_compatible(fdt, node, compatibles[i]))
			return 1;
	}
	return 0;
}

int board_node_okay(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

int board_find_plic(const void *fdt)
{
	int node = -1, depth = 0;

	while ((node = fdt_next_node(fdt, node, &depth)) >= 0) {
		if (board_is_plic(fdt, node))
			return node;
	}
	return node;
}

int board_interrupt_parent(const void *fdt, int node)
{
	int p = node, len;

	do {
		const fdt32_t *ph = fdt_getprop(fdt, p, "interrupt-parent", &len);

		if (ph && len == 4)
			p = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ph));
		else
			p = fdt_parent_offset(fdt, p);
	} while (p >= 0 && !fdt_getprop(fdt, p, "#interrupt-cells", NULL));
	return p;
}

int board_device_lines(const void *fdt, int node, uint32_t *lines, int max)
{
	const fdt32_t *p;
	int len, n = 0, i;

	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (p) {
		/* <phandle line> pairs: a PLIC has one interrupt cell. */
		if (len <= 0 || len % 8 || len / 8 > max)
			return -1;
		for (i = 0; i < len / 8; i++) {
			int parent = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[2 * i]));

			if (parent < 0 || !board_is_plic(fdt, parent))
				return -1;
			lines[n++] = fdt32_to_cpu(p[2 * i + 1]);
		}
		return n;
	}
	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p)
		return 0;
	if (len <= 0 || len % 4 || len / 4 > max ||
	    !board_is_plic(fdt, board_interrupt_parent(fdt, node)))
		return -1;
	for (i = 0; i < len / 4; i++)
		lines[n++] = fdt32_to_cpu(p[i]);
	return n;
}

int board_parse_size(const char *text, uint64_t *size)
{
	size_t len = strlen(text);
	unsigned int shift = 0;
	char number[32];

	if (!len || len >= sizeof(number))
		return -1;
	memcpy(number, text, len + 1);
	switch (number[len - 1]) {
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift)
		number[len - 1] = '\0';
	if (hvctl_parse_u64(number, size) || (*size << shift) >> shift != *size)
		return -1;
	*size <<= shift;
	return 0;
}
