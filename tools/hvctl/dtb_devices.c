// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The devices a cell's device tree describes: the root's own device nodes
 * whose registers lie in the cell's IO regions, so the cell's Linux finds
 * exactly what the board has there (a virtio-mmio slot, a UART) without
 * hvctl knowing any device. A node is copied with its registers moved to
 * where the cell sees them, its PLIC lines if the cell owns them all, and
 * status "okay": the root's tree may disable a device it leaves to a cell.
 *
 * Only nodes whose addresses are the CPU's (every bus above them maps its
 * children one to one: an empty "ranges") are considered. Only properties
 * that hold plain values are copied: a property holding a phandle would
 * point at a node the cell's tree does not have.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>
#include <libfdt.h>

#include "board.h"
#include "hvctl.h"

#define MAX_DEPTH 32 /* deeper nodes are not looked at */
#define MAX_REGS  16 /* reg entries of one device */
#define MAX_LINES 32 /* PLIC lines of one device */
#define PATH_LEN  256

/* Properties copied as they are besides compatible: numbers and flags a driver may need. */
static const char *const plain_properties[] = {
	"clock-frequency", "current-speed", "reg-shift", "reg-io-width", "dma-coherent",
};

struct reg_entry {
	uint64_t addr;
	uint64_t size;
};

/* What the cell's IO regions make of a device's registers. */
enum placement {
	UNRELATED, /* none in an IO region */
	INSIDE,	   /* all inside IO regions */
	PARTLY,	   /* some in an IO region, some not */
};

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	return cells == 2 ? (uint64_t)fdt32_to_cpu(p[0]) << 32 | fdt32_to_cpu(p[1])
			  : fdt32_to_cpu(p[0]);
}

/*
 * The reg entries of node, in the address space of its parent. Returns how
 * many, 0 if it has none hvctl can read (no reg, cells other than 1 or 2).
 */
static int read_reg(const void *fdt, int parent, int node, struct reg_entry *regs)
{
	int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent), len, i, n;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len <= 0 || len % ((ac + sc) * 4))
		return 0;
	n = len / ((ac + sc) * 4);
	if (n > MAX_REGS)
		return 0;
	for (i = 0; i < n; i++, reg += ac + sc) {
		regs[i].addr = read_cells(reg, ac);
		regs[i].size = read_cells(reg + ac, sc);
	}
	return n;
}

static enum placement place(const struct bh_cell_desc *cell, const struct reg_entry *regs, int n)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	int i, inside = 0, touching = 0;
	uint32_t j;

	for (i = 0; i < n; i++) {
		int in = 0, touch = 0;

		for (j = 0; j < cell->num_mem_regions; j++) {
			if (!(r[j].flags & BH_MEM_IO))
				continue;
			in |= bh_config_range_contains(r[j].phys_start, r[j].size, regs[i].addr,
						       regs[i].size);
			touch |= bh_config_ranges_overlap(r[j].phys_start, r[j].size, regs[i].addr,
							  regs[i].size);
		}
		inside += in;
		touching += touch;
	}
	if (!touching)
		return UNRELATED;
	return inside == n ? INSIDE : PARTLY;
}

/* Whether the cell may have the device's interrupts; warns when it may not. */
static int interrupts_allowed(const char *command, const void *fdt, int node,
			      const struct bh_cell_desc *cell, const char *path)
{
	uint32_t lines[MAX_LINES];
	int n = board_device_lines(fdt, node, lines, MAX_LINES), i;

	if (n < 0) {
		hvctl_error("%s: warning: device %s has interrupts that are not lines of the PLIC: "
			    "copied without them",
			    command, path);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (bh_config_irq_owned(cell, lines[i]))
			continue;
		hvctl_error("%s: warning: device %s uses PLIC line %" PRIu32
			    ", which cell '%s' does not own: copied without interrupts",
			    command, path, lines[i], cell->name);
		return 0;
	}
	return n > 0;
}

/* The guest-physical address of a physical range inside one of the cell's IO regions. */
static uint64_t to_guest(const struct bh_cell_desc *cell, const struct reg_entry *reg)
{
	const struct bh_mem_region *r = bh_config_region_by_phys(cell, reg->addr, reg->size);

	return reg->addr - r->phys_start + r->virt_start;
}

static int add_device(struct hvctl_dtb_device **devs, size_t *count, int node, int parent,
		      uint64_t unit, int with_interrupts)
{
	struct hvctl_dtb_device *grown = realloc(*devs, (*count + 1) * sizeof(**devs));

	if (!grown) {
		hvctl_error("out of memory");
		return -1;
	}
	*devs = grown;
	grown[*count].node = node;
	grown[*count].parent = parent;
	grown[*count].unit = unit;
	grown[*count].with_interrupts = with_interrupts;
	(*count)++;
	return 0;
}

/* Looks at one node whose addresses are the CPU's; adds it if it is the cell's. */
static int consider(const char *command, const void *fdt, const struct bh_cell_desc *cell,
		    int parent, int node, struct hvctl_dtb_device **devs, size_t *count)
{
	struct reg_entry regs[MAX_REGS];
	char path[PATH_LEN];
	int n;

	if (!fdt_getprop(fdt, node, "compatible", NULL))
		return 0;
	n = read_reg(fdt, parent, node, regs);
	if (!n)
		return 0;
	if (fdt_get_path(fdt, node, path, sizeof(path)))
		snprintf(path, sizeof(path), "at offset %d", node);
	switch (place(cell, regs, n)) {
	case UNRELATED:
		return 0;
	case PARTLY:
		hvctl_error("%s: warning: device %s lies only partly in the IO regions of cell "
			    "'%s': not copied",
			    command, path, cell->name);
		return 0;
	case INSIDE:
		break;
	}
	return add_device(devs, count, node, parent, to_guest(cell, &regs[0]),
			  interrupts_allowed(command, fdt, node, cell, path));
}

/* Whether a bus maps its children's addresses one to one onto its own. */
static int identity_ranges(const void *fdt, int node)
{
	int len;

	return fdt_getprop(fdt, node, "ranges", &len) && len == 0;
}

/* Warns about each IO region no copied device lies in: the cell's tree does not describe it. */
static void warn_undescribed(const char *command, const void *fdt, const struct bh_cell_desc *cell,
			     const struct hvctl_dtb_device *devs, size_t count)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	struct reg_entry regs[MAX_REGS];
	uint32_t i;
	size_t d;

	for (i = 0; i < cell->num_mem_regions; i++) {
		int found = 0;

		if (!(r[i].flags & BH_MEM_IO))
			continue;
		for (d = 0; d < count && !found; d++) {
			int n = read_reg(fdt, devs[d].parent, devs[d].node, regs), k;

			for (k = 0; k < n; k++)
				found |= bh_config_ranges_overlap(r[i].phys_start, r[i].size,
								  regs[k].addr, regs[k].size);
		}
		if (!found)
			hvctl_error("%s: warning: IO region %" PRIu32 " [0x%" PRIx64 "..0x%" PRIx64
				    ") of cell '%s' holds no device of the root's device tree: "
				    "the cell's tree does not describe it",
				    command, i, r[i].phys_start, r[i].phys_start + r[i].size,
				    cell->name);
	}
}

int hvctl_dtb_find_devices(const char *command, const void *fdt, const struct bh_cell_desc *cell,
			   struct hvctl_dtb_device **devs, size_t *count)
{
	/* By depth: the nodes on the way down, whether their children's addresses are the CPU's. */
	int level[MAX_DEPTH], cpu_addr[MAX_DEPTH];
	int node = -1, depth = -1;

	*devs = NULL;
	*count = 0;
	while ((node = fdt_next_node(fdt, node, &depth)) >= 0 && depth >= 0) {
		if (depth >= MAX_DEPTH)
			continue;
		level[depth] = node;
		cpu_addr[depth] = !depth || (cpu_addr[depth - 1] && identity_ranges(fdt, node));
		if (depth && cpu_addr[depth - 1] &&
		    consider(command, fdt, cell, level[depth - 1], node, devs, count))
			goto fail;
	}
	warn_undescribed(command, fdt, cell, *devs, *count);
	return 0;
fail:
	free(*devs);
	*devs = NULL;
	*count = 0;
	return -1;
}

/* reg, moved to the cell's addresses, in 2 address and 2 size cells. */
static int write_reg(void *out, const void *fdt, const struct bh_cell_desc *cell,
		     const struct hvctl_dtb_device *dev)
{
	struct reg_entry regs[MAX_REGS];
	fdt64_t cells[2 * MAX_REGS];
	int n = read_reg(fdt, dev->parent, dev->node, regs), i;

	for (i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt64(to_guest(cell, &regs[i]));
		cells[2 * i + 1] = cpu_to_fdt64(regs[i].size);
	}
	return fdt_property(out, "reg", cells, n * 16);
}

static int write_interrupts(void *out, const void *fdt, const struct hvctl_dtb_device *dev,
			    uint32_t plic_phandle)
{
	uint32_t lines[MAX_LINES];
	fdt32_t cells[MAX_LINES];
	int n = board_device_lines(fdt, dev->node, lines, MAX_LINES), i, ret;

	for (i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(lines[i]);
	ret = fdt_property_u32(out, "interrupt-parent", plic_phandle);
	return ret ? ret : fdt_property(out, "interrupts", cells, n * 4);
}

static int copy_property(void *out, const void *fdt, int node, const char *name)
{
	int len;
	const void *value = fdt_getprop(fdt, node, name, &len);

	return value ? fdt_property(out, name, value, len) : 0;
}

void hvctl_dtb_device_name(const void *fdt, const struct hvctl_dtb_device *dev,
			   char name[HVCTL_DTB_NODE_NAME_LEN])
{
	const char *root_name = fdt_get_name(fdt, dev->node, NULL);

	/* The unit address is where the cell sees the device. */
	snprintf(name, HVCTL_DTB_NODE_NAME_LEN, "%.*s@%" PRIx64, (int)strcspn(root_name, "@"),
		 root_name, dev->unit);
}

static int write_device(void *out, const void *fdt, const struct bh_cell_desc *cell,
			const struct hvctl_dtb_device *dev, uint32_t plic_phandle)
{
	char node_name[HVCTL_DTB_NODE_NAME_LEN];
	size_t i;
	int ret;

	hvctl_dtb_device_name(fdt, dev, node_name);
	ret = fdt_begin_node(out, node_name);
	if (!ret)
		ret = copy_property(out, fdt, dev->node, "compatible");
	if (!ret)
		ret = write_reg(out, fdt, cell, dev);
	if (!ret && dev->with_interrupts)
		ret = write_interrupts(out, fdt, dev, plic_phandle);
	for (i = 0; !ret && i < sizeof(plain_properties) / sizeof(plain_properties[0]); i++)
		ret = copy_property(out, fdt, dev->node, plain_properties[i]);
	if (!ret)
		ret = fdt_property_string(out, "status", "okay");
	return ret ? ret : fdt_end_node(out);
}

int hvctl_dtb_write_devices(void *out, const void *fdt, const struct bh_cell_desc *cell,
			    const struct hvctl_dtb_device *devs, size_t count,
			    uint32_t plic_phandle)
{
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < count; i++)
		ret = write_device(out, fdt, cell, &devs[i], plic_phandle);
	return ret;
}
