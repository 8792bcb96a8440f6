// SPDX-License-Identifier: GPL-2.0
/*
 * Before enable: the root cell must map all the RAM the running Linux uses.
 * A page Linux uses that the root's G-stage table lacks faults as soon as
 * Linux touches it after enable, and the root is lost without a word (a
 * config written for 6.1, which ignores the RAM below its image, froze a
 * 6.12 root that way).
 *
 * Linux's RAM is the "System RAM" of its resource tree minus the firmware's
 * carve-outs: /reserved-memory nodes that no driver can claim (no
 * "compatible", not "reusable") and no device refers to (no phandle), such
 * as OpenSBI's node for itself. The hypervisor's own region is no-map, so
 * never System RAM (enable refuses a config where it is). hvctl's
 * "config check" applies the same rule to /proc/iomem.
 */
#define pr_fmt(fmt) "bulkhead: " fmt

#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/slab.h>
#include <linux/types.h>

#include <bulkhead/config_check.h>

#include "bulkhead.h"
#include "cell_check.h"

/* Carve-outs beyond this many are not subtracted: their RAM must then be mapped. */
#define BH_MAX_CARVEOUTS 16

struct bh_ram_check {
	const struct bh_cell_desc *root;
	struct resource carveouts[BH_MAX_CARVEOUTS]; /* sorted by start */
	unsigned int num_carveouts;
	enum bh_ram_verdict verdict;
	u64 gap_start, gap_end;
	u32 region;
};

static void add_carveout(struct bh_ram_check *c, const struct resource *res)
{
	unsigned int i;

	if (c->num_carveouts == BH_MAX_CARVEOUTS || res->end < res->start)
		return;
	for (i = c->num_carveouts; i > 0 && c->carveouts[i - 1].start > res->start; i--)
		c->carveouts[i] = c->carveouts[i - 1];
	c->carveouts[i] = *res;
	c->num_carveouts++;
}

static void find_carveouts(struct bh_ram_check *c)
{
	struct device_node *parent = of_find_node_by_path("/reserved-memory");
	struct device_node *node;
	struct resource res;
	int i;

	if (!parent)
		return;
	for_each_available_child_of_node(parent, node) {
		if (of_find_property(node, "compatible", NULL) ||
		    of_find_property(node, "reusable", NULL) || node->phandle)
			continue;
		for (i = 0; !of_address_to_resource(node, i, &res); i++)
			add_carveout(c, &res);
	}
	of_node_put(parent);
}

/* Checks [start, end] of Linux's RAM; true if it is not all mapped (then the gap is in c). */
static bool piece_unmapped(struct bh_ram_check *c, u64 start, u64 end)
{
	c->verdict = bh_root_ram_gap(c->root, start, end, &c->gap_start, &c->gap_end, &c->region);
	return c->verdict != BH_RAM_MAPPED;
}

/* walk_iomem_res_desc() callback for one System RAM range: 1 stops the walk at a gap. */
static int check_ram_range(struct resource *ram, void *arg)
{
	struct bh_ram_check *c = arg;
	u64 pos = ram->start;
	unsigned int i;

	for (i = 0; i < c->num_carveouts; i++) {
		const struct resource *hole = &c->carveouts[i];

		if (hole->end < pos)
			continue;
		if (hole->start > ram->end)
			break;
		if (hole->start > pos && piece_unmapped(c, pos, hole->start - 1))
			return 1;
		pos = hole->end + 1;
		if (!pos || pos > ram->end)
			return 0;
	}
	return piece_unmapped(c, pos, ram->end) ? 1 : 0;
}

long bh_check_root_ram(struct bh_reply *reply, const struct bh_system_config *sys)
{
	struct bh_ram_check *c;
	long ret = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return bh_fail(reply, -ENOMEM, "no memory to check Linux's RAM against the config");
	c->root = &sys->root_cell;
	find_carveouts(c);
	if (walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0,
				U64_MAX, c, check_ram_range) > 0) {
		if (c->verdict == BH_RAM_UNMAPPED)
			ret = bh_fail(reply, -EINVAL,
				      "Linux uses RAM 0x%llx-0x%llx that the root cell does not map",
				      c->gap_start, c->gap_end);
		else
			ret = bh_fail(reply, -EINVAL,
				      "Linux uses RAM 0x%llx-0x%llx that root cell region %u maps as IO or without read, write and execute access",
				      c->gap_start, c->gap_end, c->region);
	}
	kfree(c);
	return ret;
}
