// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl config check FILE: would the driver take this config? First the
 * validator the driver and the hypervisor run. Then, for a system config on
 * a RISC-V board (or with BH_IOMEM), the checks the driver makes against the
 * running Linux before enable: the hypervisor's memory is not Linux RAM, and
 * every range of RAM Linux uses lies in root cell regions that are RAM with
 * read, write and execute access (the driver's ram_check.c; both ask the
 * validator's bh_root_ram_gap()). Linux's RAM is the top-level "System RAM"
 * of /proc/iomem minus the firmware's carve-outs:
 * /reserved-memory nodes of the device tree with no "compatible", not
 * "reusable", and no "phandle" (no device refers to them), such as OpenSBI's
 * node for itself. Every problem is reported, one line each.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bulkhead/config_check.h>

#include "hvctl.h"

/* Far larger than any valid config (as config.c). */
#define MAX_CONFIG_SIZE (1 << 20)
#define MAX_RANGES	256
#define MAX_IOMEM_SIZE	(1 << 20)

#define DEFAULT_IOMEM	   "/proc/iomem"
#define DEFAULT_DEVICETREE "/sys/firmware/devicetree/base"

/* [start, end], end inclusive, as /proc/iomem prints them. */
struct range {
	uint64_t start, end;
};

struct ranges {
	struct range r[MAX_RANGES];
	size_t n;
};

static void add_range(struct ranges *set, uint64_t start, uint64_t end)
{
	size_t i;

	if (end < start || set->n == MAX_RANGES)
		return;
	for (i = set->n; i > 0 && set->r[i - 1].start > start; i--)
		set->r[i] = set->r[i - 1];
	set->r[i] = (struct range){ start, end };
	set->n++;
}

/* The iomem file to compare with, or NULL: not on a RISC-V board and no BH_IOMEM. */
static const char *iomem_path(void)
{
	const char *path = getenv("BH_IOMEM");

	if (path && *path)
		return path;
#if defined(__riscv) && __riscv_xlen == 64
	return DEFAULT_IOMEM;
#else
	return NULL;
#endif
}

static const char *devicetree_path(void)
{
	const char *path = getenv("BH_DEVICETREE");

	return path && *path ? path : DEFAULT_DEVICETREE;
}

/* Top-level System RAM lines of an iomem file. Returns 0, or -1 after printing why not. */
static int read_system_ram(const char *path, struct ranges *ram)
{
	char *text, *line, *next;
	size_t len;
	int ret, nonzero = 0;

	ret = hvctl_read_file(path, MAX_IOMEM_SIZE, (void **)&text, &len);
	if (ret) {
		hvctl_error("cannot read %s: %s", path, strerror(-ret));
		return -1;
	}
	/* hvctl_read_file leaves room for nothing more: copy into a terminated string. */
	line = malloc(len + 1);
	if (!line) {
		free(text);
		hvctl_error("out of memory");
		return -1;
	}
	memcpy(line, text, len);
	line[len] = '\0';
	free(text);
	text = line;
	for (; line && *line; line = next) {
		unsigned long long start, end;
		int used = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* Children are indented: only top-level lines count. */
		if (sscanf(line, "%llx-%llx : System RAM%n", &start, &end, &used) == 2 &&
		    used && line[used] == '\0' && line[0] != ' ') {
			add_range(ram, start, end);
			nonzero |= start || end;
		}
	}
	free(text);
	if (!ram->n) {
		hvctl_error("%s lists no System RAM", path);
		return -1;
	}
	if (!nonzero) {
		hvctl_error("%s shows no addresses (only root may read them): "
			    "Linux's RAM cannot be checked",
			    path);
		return -1;
	}
	return 0;
}

static int file_exists(const char *dir, const char *node, const char *name)
{
	char path[4096];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, node, name) >= (int)sizeof(path))
		return 0;
	return stat(path, &st) == 0;
}

/* A device-tree property of at most max bytes; its length, or -1 if it cannot be read. */
static long read_property(const char *dir, const char *node, const char *name, void *buf,
			  size_t max)
{
	char path[4096];
	void *data;
	size_t len;

	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, node, name) >= (int)sizeof(path) ||
	    hvctl_read_file(path, max, &data, &len))
		return -1;
	memcpy(buf, data, len);
	free(data);
	return (long)len;
}

static uint64_t be_cells(const unsigned char *p, unsigned int cells)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < cells * 4; i++)
		v = v << 8 | p[i];
	return v;
}

/* The firmware's carve-outs (rule at the top), from /reserved-memory. */
static void read_carveouts(struct ranges *holes)
{
	char dir[4096], status[16];
	unsigned char cells[4], reg[1024];
	unsigned int acells = 2, scells = 2;
	struct dirent *e;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/reserved-memory", devicetree_path()) >= (int)sizeof(dir))
		return;
	d = opendir(dir);
	if (!d)
		return;
	if (read_property(dir, ".", "#address-cells", cells, 4) == 4)
		acells = (unsigned int)be_cells(cells, 1);
	if (read_property(dir, ".", "#size-cells", cells, 4) == 4)
		scells = (unsigned int)be_cells(cells, 1);
	while ((e = readdir(d))) {
		size_t step = 4 * (acells + scells), off;
		long len;

		if (e->d_name[0] == '.' || !file_exists(dir, e->d_name, "reg") ||
		    file_exists(dir, e->d_name, "compatible") ||
		    file_exists(dir, e->d_name, "reusable") || file_exists(dir, e->d_name, "phandle"))
			continue;
		len = read_property(dir, e->d_name, "status", status, sizeof(status) - 1);
		if (len >= 0) {
			status[len] = '\0';
			if (strcmp(status, "okay") && strcmp(status, "ok"))
				continue;
		}
		if (acells < 1 || acells > 2 || scells < 1 || scells > 2)
			continue;
		len = read_property(dir, e->d_name, "reg", reg, sizeof(reg));
		for (off = 0; len > 0 && off + step <= (size_t)len; off += step) {
			uint64_t base = be_cells(reg + off, acells);
			uint64_t size = be_cells(reg + off + 4 * acells, scells);

			if (size)
				add_range(holes, base, base + (size - 1));
		}
	}
	closedir(d);
}

/* ram minus holes, in address order. */
static void subtract(const struct ranges *ram, const struct ranges *holes, struct ranges *out)
{
	size_t i, j;

	for (i = 0; i < ram->n; i++) {
		uint64_t pos = ram->r[i].start, end = ram->r[i].end;
		int done = 0;

		for (j = 0; j < holes->n && !done; j++) {
			const struct range *h = &holes->r[j];

			if (h->end < pos || h->start > end)
				continue;
			if (h->start > pos)
				add_range(out, pos, h->start - 1);
			if (h->end >= end)
				done = 1;
			else
				pos = h->end + 1;
		}
		if (!done)
			add_range(out, pos, end);
	}
}

/*
 * Reports every part of [start, end] the root does not hold as RAM; returns how many.
 * The validator's gap finder (the driver's, too) gives the first gap; the search
 * goes on past it.
 */
static int report_gaps(const char *file, const struct bh_cell_desc *root, uint64_t start,
		       uint64_t end)
{
	uint64_t pos = start, gap_start, gap_end;
	enum bh_ram_verdict verdict;
	int problems = 0;
	uint32_t region;

	for (;;) {
		verdict = bh_root_ram_gap(root, pos, end, &gap_start, &gap_end, &region);
		if (verdict == BH_RAM_MAPPED)
			break;
		if (verdict == BH_RAM_UNMAPPED)
			hvctl_error("%s: Linux uses RAM 0x%" PRIx64 "-0x%" PRIx64
				    " that the root cell does not map",
				    file, gap_start, gap_end);
		else
			hvctl_error("%s: Linux uses RAM 0x%" PRIx64 "-0x%" PRIx64
				    " that root cell region %u maps as IO or without read, "
				    "write and execute access",
				    file, gap_start, gap_end, (unsigned int)region);
		problems++;
		if (gap_end >= end)
			break;
		pos = gap_end + 1;
	}
	return problems;
}

/* The driver's checks against the running Linux; returns the number of problems. */
static int check_machine(const char *file, const struct bh_system_config *sys, const char *iomem)
{
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	static struct ranges ram, holes, linux_ram;
	int problems = 0;
	size_t i;

	memset(&ram, 0, sizeof(ram));
	memset(&holes, 0, sizeof(holes));
	memset(&linux_ram, 0, sizeof(linux_ram));
	if (read_system_ram(iomem, &ram))
		return 1;
	for (i = 0; i < ram.n; i++) {
		if (!bh_config_ranges_overlap(hv->phys_start, hv->size, ram.r[i].start,
					      ram.r[i].end - ram.r[i].start + 1))
			continue;
		hvctl_error("%s: hypervisor memory [0x%" PRIx64 "..0x%" PRIx64
			    ") overlaps Linux RAM 0x%" PRIx64 "-0x%" PRIx64,
			    file, hv->phys_start, hv->phys_start + hv->size, ram.r[i].start,
			    ram.r[i].end);
		problems++;
	}
	read_carveouts(&holes);
	subtract(&ram, &holes, &linux_ram);
	for (i = 0; i < linux_ram.n; i++)
		problems += report_gaps(file, &sys->root_cell, linux_ram.r[i].start,
					linux_ram.r[i].end);
	if (problems)
		return problems;
	printf("%s: the root cell maps all of Linux's RAM (", file);
	for (i = 0; i < linux_ram.n; i++)
		printf("%s0x%" PRIx64 "-0x%" PRIx64, i ? ", " : "", linux_ram.r[i].start,
		       linux_ram.r[i].end);
	printf(", from %s)\n", iomem);
	return 0;
}

/* One line per problem the validator lists: "hvctl: FILE: PROBLEM". */
static void report_problem(void *file, const char *message)
{
	hvctl_error("%s: %s", (const char *)file, message);
}

int hvctl_cmd_config_check(int argc, char **argv)
{
	static const char cell_sig[BH_SYSTEM_SIGNATURE_LEN] = BH_CELL_SIGNATURE_INIT;
	const char *file = argv[0], *iomem;
	void *data;
	size_t len;
	int ret, problems;

	(void)argc;
	ret = hvctl_read_file(file, MAX_CONFIG_SIZE, &data, &len);
	if (ret) {
		hvctl_error("cannot read %s: %s", file, strerror(-ret));
		return HVCTL_FAIL;
	}
	/* Anything but a cell config is checked as a system config, as enable would. */
	if (len >= sizeof(cell_sig) && !memcmp(data, cell_sig, sizeof(cell_sig))) {
		const struct bh_cell_desc *cell = data;

		ret = bh_config_list_cell_problems(data, len, report_problem, (void *)file);
		if (!ret)
			printf("%s: valid cell config '%s'\n", file, cell->name);
		free(data);
		return ret ? HVCTL_FAIL : HVCTL_OK;
	}
	if (bh_config_list_system_problems(data, len, report_problem, (void *)file)) {
		free(data);
		return HVCTL_FAIL;
	}
	printf("%s: valid system config, root cell '%s'\n", file,
	       ((const struct bh_system_config *)data)->root_cell.name);
	iomem = iomem_path();
	if (!iomem) {
		printf("%s: not compared with Linux's RAM: not on a RISC-V board "
		       "(BH_IOMEM=FILE compares with FILE)\n",
		       file);
		free(data);
		return HVCTL_OK;
	}
	problems = check_machine(file, data, iomem);
	free(data);
	return problems ? HVCTL_FAIL : HVCTL_OK;
}
