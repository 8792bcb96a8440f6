// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell configs: what every cell description must satisfy on its own, the
 * root cell of a system config included (c->root), and bh_config_check_cell().
 */
#include "config_internal.h"

/* On success the name becomes part of every later message's prefix. */
static int check_name(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const char *name = cell->name;
	struct bh_bytes_text t;
	size_t len = 0, i;

	while (len < BH_CELL_NAME_LEN && name[len])
		len++;
	if (len == BH_CELL_NAME_LEN)
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "name %s is not NUL-terminated within %u bytes",
				      bh_bytes_text(&t, name, BH_CELL_NAME_LEN), BH_CELL_NAME_LEN);
	if (!len)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "name is empty");
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\'')
			continue;
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"name %s has byte 0x%x at offset %llu (printable ASCII other than ' only)",
			bh_bytes_text(&t, name, len), ch, BH_ULL(i));
	}
	for (i = len; i < BH_CELL_NAME_LEN; i++)
		if (name[i])
			return bh_config_fail(
				c, BH_CONFIG_EINVAL,
				"name %s has padding byte 0x%x at offset %llu after its NUL, must be 0",
				bh_bytes_text(&t, name, len), (unsigned char)name[i], BH_ULL(i));
	c->name = name;
	return 0;
}

static int check_region(struct bh_check *c, const struct bh_mem_region *r, uint32_t i)
{
	const uint64_t rwx = BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE;

	if (r->flags & ~BH_MEM_FLAGS_VALID)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "memory region %u: unknown flags 0x%llx",
				      i, BH_ULL(r->flags & ~BH_MEM_FLAGS_VALID));
	if (!(r->flags & rwx))
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"memory region %u: grants no access (none of READ, WRITE, EXECUTE)", i);
	/* The G-stage page-table format reserves W without R. */
	if ((r->flags & BH_MEM_WRITE) && !(r->flags & BH_MEM_READ))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "memory region %u: writable but not readable", i);
	if ((r->flags & BH_MEM_IO) && (r->flags & BH_MEM_EXECUTE))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "memory region %u: IO region must not be executable", i);
	if ((r->flags & BH_MEM_IO) && (r->flags & BH_MEM_LOADABLE))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "memory region %u: IO region cannot be LOADABLE", i);
	if (!r->size)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "memory region %u: size is 0", i);
	if (!bh_page_aligned(r->phys_start))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "memory region %u: phys_start 0x%llx is not 4 KiB aligned", i,
				      BH_ULL(r->phys_start));
	if (!bh_page_aligned(r->virt_start))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "memory region %u: virt_start 0x%llx is not 4 KiB aligned", i,
				      BH_ULL(r->virt_start));
	if (!bh_page_aligned(r->size))
		return bh_config_fail(c, BH_CONFIG_EINVAL,
				      "memory region %u: size 0x%llx is not 4 KiB aligned", i,
				      BH_ULL(r->size));
	if (bh_range_wraps(r->phys_start, r->size))
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"memory region %u: physical range 0x%llx + 0x%llx wraps past 2^64", i,
			BH_ULL(r->phys_start), BH_ULL(r->size));
	if (bh_range_wraps(r->virt_start, r->size))
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"memory region %u: guest-physical range 0x%llx + 0x%llx wraps past 2^64", i,
			BH_ULL(r->virt_start), BH_ULL(r->size));
	if (c->root && r->virt_start != r->phys_start)
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"memory region %u: virt_start 0x%llx differs from phys_start 0x%llx (the root cell is identity-mapped)",
			i, BH_ULL(r->virt_start), BH_ULL(r->phys_start));
	return 0;
}

static int check_region_overlaps(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	struct bh_range_text a, b;
	uint32_t i, j;

	for (i = 1; i < cell->num_mem_regions; i++) {
		for (j = 0; j < i; j++) {
			if (bh_config_ranges_overlap(r[i].phys_start, r[i].size, r[j].phys_start,
						     r[j].size))
				return bh_config_fail(
					c, BH_CONFIG_ECONFLICT,
					"memory region %u physical %s overlaps region %u %s", i,
					bh_range_text(&a, r[i].phys_start, r[i].size), j,
					bh_range_text(&b, r[j].phys_start, r[j].size));
			if (bh_config_ranges_overlap(r[i].virt_start, r[i].size, r[j].virt_start,
						     r[j].size))
				return bh_config_fail(
					c, BH_CONFIG_ECONFLICT,
					"memory region %u guest-physical %s overlaps region %u %s",
					i, bh_range_text(&a, r[i].virt_start, r[i].size), j,
					bh_range_text(&b, r[j].virt_start, r[j].size));
		}
	}
	return 0;
}

static int check_cell_reserved(struct bh_check *c, const struct bh_cell_desc *cell)
{
	return bh_check_reserved(c, cell->reserved1, sizeof(cell->reserved1),
				 __builtin_offsetof(struct bh_cell_desc, reserved1));
}

/* An NS16550 console of a cell is a device the cell drives: it must be mapped as IO. */
static int check_cell_console(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_console *con = &cell->console;
	const struct bh_mem_region *r;
	struct bh_range_text t;
	int ret;

	ret = bh_check_console(c, "console", con);
	if (ret || con->type != BH_CONSOLE_NS16550)
		return ret;
	r = bh_config_region_by_guest(cell, con->address, con->size);
	if (r && (r->flags & BH_MEM_IO) && (r->flags & BH_MEM_WRITE))
		return 0;
	return bh_config_fail(c, BH_CONFIG_EINVAL,
			      "console %s is not inside one of the cell's writable IO regions",
			      bh_range_text(&t, con->address, con->size));
}

static int check_entry(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r;

	if (c->root) {
		if (cell->flags)
			return bh_config_fail(c, BH_CONFIG_EINVAL,
					      "flags 0x%x are for cells the hypervisor starts, not "
					      "the root cell",
					      cell->flags);
		if (!cell->entry && !cell->boot_arg)
			return 0;
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"entry 0x%llx and boot_arg 0x%llx must be 0 (the root cell is already running)",
			BH_ULL(cell->entry), BH_ULL(cell->boot_arg));
	}
	if (cell->entry & 1)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "entry 0x%llx is not 2-byte aligned",
				      BH_ULL(cell->entry));
	r = bh_config_region_by_guest(cell, cell->entry, 2);
	if (r && (r->flags & BH_MEM_EXECUTE) && !(r->flags & BH_MEM_IO))
		return 0;
	return bh_config_fail(c, BH_CONFIG_EINVAL,
			      "entry 0x%llx is not inside an executable RAM region",
			      BH_ULL(cell->entry));
}

int bh_check_cell_body(struct bh_check *c, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	bool regions_ok = true;
	uint32_t i;

	if (bh_check_stop(c, check_name(c, cell)) ||
	    bh_check_stop(c, bh_check_flags(c, cell->flags, BH_CELL_FLAGS_VALID)) ||
	    bh_check_stop(c, check_cell_reserved(c, cell)))
		return c->first;
	if (!cell->cpu_set &&
	    bh_check_stop(c, bh_config_fail(c, BH_CONFIG_EINVAL, "CPU set is empty")))
		return c->first;
	if ((cell->irq_bitmap[0] & 1) &&
	    bh_check_stop(c, bh_config_fail(c, BH_CONFIG_EINVAL,
					    "PLIC line 0 does not exist and cannot be assigned")))
		return c->first;
	for (i = 0; i < cell->num_mem_regions; i++) {
		int ret = check_region(c, &r[i], i);

		regions_ok &= !ret;
		if (bh_check_stop(c, ret))
			return c->first;
	}
	/* Overlaps, the console and the entry are looked for in valid regions only. */
	if (!regions_ok)
		return c->first;
	if (bh_check_stop(c, check_region_overlaps(c, cell)) ||
	    bh_check_stop(c, check_cell_console(c, cell)))
		return c->first;
	if (bh_check_stop(c, check_entry(c, cell)))
		return c->first;
	bh_check_stop(c, bh_check_cell_links(c, cell));
	return c->first;
}

static int check_cell(struct bh_check *c, const void *buf, size_t len)
{
	const struct bh_cell_desc *cell = buf;
	int ret;

	/* The layout: nothing after a problem here can be read. */
	ret = bh_check_buffer(c, buf);
	if (ret)
		return ret;
	ret = bh_check_header_length(c, len, sizeof(*cell));
	if (ret)
		return ret;
	ret = bh_check_signature(c, cell->signature, (const char[8])BH_CELL_SIGNATURE_INIT);
	if (ret)
		return ret;
	ret = bh_check_revision(c, cell->revision);
	if (ret)
		return ret;
	ret = bh_check_region_count(c, cell->num_mem_regions);
	if (ret)
		return ret;
	ret = bh_check_link_count(c, cell->num_link_ends);
	if (ret)
		return ret;
	ret = bh_check_length(c, len, bh_config_cell_size(cell));
	if (ret)
		return ret;

	c->what = "cell";
	return bh_check_cell_body(c, cell);
}

int bh_config_check_cell(const void *buf, size_t len, char *err, size_t err_len)
{
	struct bh_check c;

	bh_check_init(&c, err, err_len, "cell config");
	return check_cell(&c, buf, len);
}

int bh_config_list_cell_problems(const void *buf, size_t len, bh_config_report_fn *report,
				 void *ctx)
{
	char err[BH_CONFIG_ERR_LEN];
	struct bh_check c;

	bh_check_init(&c, err, sizeof(err), "cell config");
	c.report = report;
	c.report_ctx = ctx;
	return check_cell(&c, buf, len);
}
