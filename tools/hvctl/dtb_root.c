// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Flattened device trees read from files: the root's (/sys/firmware/fdt on
 * the board, a copy elsewhere), which a cell's tree copies its harts' ISA
 * and its devices from, and the trees cell load --dtb is given. libfdt
 * reads inside the blob's bounds once its header is checked; walking every
 * node and property first turns a broken blob into one message up front
 * instead of a node that seems to be missing later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "hvctl.h"

/* Every property of node can be read, name included. */
static int check_properties(const void *fdt, int node)
{
	int prop, len;

	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;

		if (!fdt_getprop_by_offset(fdt, prop, &name, &len))
			return len;
	}
	return prop == -FDT_ERR_NOTFOUND ? 0 : prop;
}

/* Walks the whole tree: 0, or the libfdt error of the first node or property that is broken. */
static int check_structure(const void *fdt)
{
	/* -1: the root node is depth 0, and closing it makes the depth negative. */
	int node = -1, depth = -1, ret;

	while ((node = fdt_next_node(fdt, node, &depth)) >= 0 && depth >= 0) {
		if (!fdt_get_name(fdt, node, &ret))
			return ret;
		ret = check_properties(fdt, node);
		if (ret)
			return ret;
	}
	if (node >= 0)
		return 0;
	/* The structure block ended inside the root node. */
	return node == -FDT_ERR_NOTFOUND ? -FDT_ERR_BADSTRUCTURE : node;
}

int hvctl_check_fdt(const void *data, size_t len, char *err, size_t err_len)
{
	size_t total;
	int ret;

	if (len < sizeof(struct fdt_header)) {
		snprintf(err, err_len, "truncated: file is %zu bytes, a device tree header is %zu",
			 len, sizeof(struct fdt_header));
		return -1;
	}
	if (fdt_magic(data) != FDT_MAGIC) {
		snprintf(err, err_len,
			 "not a flattened device tree (magic 0x%08x, expected 0x%08x)",
			 fdt_magic(data), FDT_MAGIC);
		return -1;
	}
	total = fdt_totalsize(data);
	if (total > len) {
		snprintf(err, err_len, "truncated: file is %zu bytes, its header says %zu", len,
			 total);
		return -1;
	}
	ret = fdt_check_header(data);
	if (!ret)
		ret = check_structure(data);
	if (ret) {
		snprintf(err, err_len, "broken device tree (%s)", fdt_strerror(ret));
		return -1;
	}
	return 0;
}

int hvctl_fdt_prop_is(const void *fdt, int node, const char *name, const char *value)
{
	int len;
	const char *prop = fdt_getprop(fdt, node, name, &len);

	/* Compared with its length: a property need not hold a terminated string. */
	return prop && (size_t)len == strlen(value) + 1 && !memcmp(prop, value, (size_t)len);
}

const char *hvctl_root_fdt_path(const char *path)
{
	const char *env = getenv("BH_FDT");

	if (path)
		return path;
	return env && *env ? env : HVCTL_DEFAULT_FDT;
}

int hvctl_read_root_fdt(const char *command, const char *path, void **fdt, size_t *len)
{
	char err[256];
	int ret;

	path = hvctl_root_fdt_path(path);
	ret = hvctl_read_file(path, HVCTL_MAX_FDT_SIZE, fdt, len);
	if (ret) {
		hvctl_error("%s: cannot read the root device tree %s: %s", command, path,
			    strerror(-ret));
		return -1;
	}
	if (hvctl_check_fdt(*fdt, *len, err, sizeof(err))) {
		hvctl_error("%s: root device tree %s: %s", command, path, err);
		free(*fdt);
		*fdt = NULL;
		return -1;
	}
	return 0;
}

int64_t hvctl_fdt_hart_id(const void *fdt, int cpus, int node)
{
	int cells = fdt_address_cells(fdt, cpus), len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	uint64_t id;

	if (!reg || cells < 1 || cells > 2 || len < cells * 4)
		return -1;
	id = fdt32_to_cpu(reg[0]);
	if (cells == 2)
		id = id << 32 | fdt32_to_cpu(reg[1]);
	return id <= UINT32_MAX ? (int64_t)id : -1;
}

int hvctl_fdt_cpu_node(const void *fdt, uint32_t hart)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, first = -FDT_ERR_NOTFOUND;

	if (cpus < 0)
		return cpus;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		if (!hvctl_fdt_prop_is(fdt, node, "device_type", "cpu"))
			continue;
		if (first < 0)
			first = node;
		if (hvctl_fdt_hart_id(fdt, cpus, node) == hart)
			return node;
	}
	return first;
}
