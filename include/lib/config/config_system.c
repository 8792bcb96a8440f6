// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* System configs: header, platform description and root cell (bh_config_check_system()). */
#include "config_internal.h"

/* PLIC register layout (PLIC spec): where context c's threshold/claim page sits. */
#define PLIC_CONTEXT_BASE   0x200000ULL
#define PLIC_CONTEXT_STRIDE 0x1000ULL
#define PLIC_MAX_CONTEXTS   15872U

static int check_hart_contexts(struct bh_check *c, const struct bh_platform_info *plat)
{
	uint32_t h, other;

	for (h = 0; h < BH_MAX_HARTS; h++) {
		uint32_t ctx = plat->hart_plic_context[h];
		uint64_t need;

		if (ctx == BH_NO_CONTEXT)
			continue;
		if (ctx >= PLIC_MAX_CONTEXTS)
			return bh_config_fail(
				c, BH_CONFIG_EINVAL,
				"hart %u: PLIC context %u out of range (a PLIC has at most %u contexts)",
				h, ctx, PLIC_MAX_CONTEXTS);
		need = PLIC_CONTEXT_BASE + ((uint64_t)ctx + 1) * PLIC_CONTEXT_STRIDE;
		if (need > plat->plic_size)
			return bh_config_fail(
				c, BH_CONFIG_EINVAL,
				"hart %u: PLIC context %u lies beyond the PLIC window (needs 0x%llx bytes, window is 0x%llx)",
				h, ctx, BH_ULL(need), BH_ULL(plat->plic_size));
		/* Silently unrouted otherwise: the vPLIC has no room for it. */
		if (ctx >= BH_MAX_PLIC_CONTEXTS)
			return bh_config_fail(
				c, BH_CONFIG_EINVAL,
				"hart %u: PLIC context %u is beyond the %u contexts Bulkhead supports",
				h, ctx, BH_MAX_PLIC_CONTEXTS);
		for (other = 0; other < h; other++)
			if (plat->hart_plic_context[other] == ctx)
				return bh_config_fail(c, BH_CONFIG_ECONFLICT,
						      "harts %u and %u share PLIC context %u",
						      other, h, ctx);
	}
	return 0;
}

static int fail_overlap(struct bh_check *c, const char *a, uint64_t a_start, uint64_t a_size,
			const char *b, uint64_t b_start, uint64_t b_size)
{
	struct bh_range_text at, bt;

	return bh_config_fail(c, BH_CONFIG_ECONFLICT, "%s %s overlaps %s %s", a,
			      bh_range_text(&at, a_start, a_size), b,
			      bh_range_text(&bt, b_start, b_size));
}

static int check_platform(struct bh_check *c, const struct bh_system_config *sys)
{
	const struct bh_platform_info *plat = &sys->platform;
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	int ret;

	ret = bh_check_window(c, "PLIC window", plat->plic_base, plat->plic_size);
	if (ret)
		return ret;
	if (bh_config_ranges_overlap(plat->plic_base, plat->plic_size, hv->phys_start, hv->size))
		return fail_overlap(c, "PLIC window", plat->plic_base, plat->plic_size,
				    "hypervisor memory", hv->phys_start, hv->size);
	if (plat->plic_num_sources < 2 || plat->plic_num_sources > BH_MAX_IRQS)
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"PLIC source count %u out of range (2..%u, counting source 0)",
			plat->plic_num_sources, BH_MAX_IRQS);
	if (!plat->timebase_frequency)
		return bh_config_fail(c, BH_CONFIG_EINVAL, "timebase frequency is 0");
	if (plat->virtual_irqs > BH_MAX_IRQS - plat->plic_num_sources)
		return bh_config_fail(
			c, BH_CONFIG_EINVAL,
			"%u virtual lines above %u PLIC sources exceed the %u lines a vPLIC has",
			plat->virtual_irqs, plat->plic_num_sources, BH_MAX_IRQS);
	ret = bh_check_reserved(c, plat->reserved1, sizeof(plat->reserved1),
				__builtin_offsetof(struct bh_system_config, platform.reserved1));
	if (ret)
		return ret;
	return check_hart_contexts(c, plat);
}

static int check_debug_console(struct bh_check *c, const struct bh_system_config *sys)
{
	const struct bh_console *con = &sys->debug_console;
	const struct bh_hv_memory *hv = &sys->hypervisor_memory;
	const struct bh_platform_info *plat = &sys->platform;
	int ret;

	ret = bh_check_console(c, "debug console", con);
	if (ret || con->type != BH_CONSOLE_NS16550)
		return ret;
	if (bh_config_ranges_overlap(con->address, con->size, hv->phys_start, hv->size))
		return fail_overlap(c, "debug console", con->address, con->size,
				    "hypervisor memory", hv->phys_start, hv->size);
	if (bh_config_ranges_overlap(con->address, con->size, plat->plic_base, plat->plic_size))
		return fail_overlap(c, "debug console", con->address, con->size, "PLIC window",
				    plat->plic_base, plat->plic_size);
	return 0;
}

/* Each part on its own: with a report hook, a problem in one does not hide the next. */
static void check_system_fields(struct bh_check *c, const struct bh_system_config *sys)
{
	if (bh_check_stop(c, bh_check_flags(c, sys->flags, BH_SYS_FLAGS_VALID)) ||
	    bh_check_stop(c, bh_check_reserved(c, &sys->reserved0, sizeof(sys->reserved0),
					       __builtin_offsetof(struct bh_system_config,
								  reserved0))) ||
	    bh_check_stop(c, bh_check_reserved(c, sys->reserved1, sizeof(sys->reserved1),
					       __builtin_offsetof(struct bh_system_config,
								  reserved1))) ||
	    bh_check_stop(c, bh_check_window(c, "hypervisor memory",
					     sys->hypervisor_memory.phys_start,
					     sys->hypervisor_memory.size)) ||
	    bh_check_stop(c, check_platform(c, sys)))
		return;
	bh_check_stop(c, check_debug_console(c, sys));
}

static int check_system(struct bh_check *c, const void *buf, size_t len)
{
	const struct bh_system_config *sys = buf;
	const struct bh_cell_desc *root;
	int ret;

	/* The layout: nothing after a problem here can be read. */
	ret = bh_check_buffer(c, buf);
	if (ret)
		return ret;
	ret = bh_check_header_length(c, len, sizeof(*sys));
	if (ret)
		return ret;
	ret = bh_check_signature(c, sys->signature, (const char[8])BH_SYSTEM_SIGNATURE_INIT);
	if (ret)
		return ret;
	ret = bh_check_revision(c, sys->revision);
	if (ret)
		return ret;
	if (sys->architecture != BH_ARCH_RISCV64)
		return bh_config_fail(c, BH_CONFIG_EFORMAT,
				      "architecture %u not supported (expected %u = riscv64)",
				      sys->architecture, BH_ARCH_RISCV64);

	root = &sys->root_cell;
	c->what = "system config: root cell";
	ret = bh_check_signature(c, root->signature, (const char[8])BH_CELL_SIGNATURE_INIT);
	if (ret)
		return ret;
	ret = bh_check_revision(c, root->revision);
	if (ret)
		return ret;
	ret = bh_check_region_count(c, root->num_mem_regions);
	if (ret)
		return ret;
	ret = bh_check_link_count(c, root->num_link_ends);
	if (ret)
		return ret;

	c->what = "system config";
	ret = bh_check_length(c, len, bh_config_system_size(sys));
	if (ret)
		return ret;
	check_system_fields(c, sys);
	if (c->first && !c->report)
		return c->first;

	c->what = "root cell";
	c->root = true;
	if (bh_check_cell_body(c, root))
		return c->first;
	/* Only fields and a root cell that are valid on their own can be compared. */
	return bh_check_cell_vs_system(c, root, sys);
}

int bh_config_check_system(const void *buf, size_t len, char *err, size_t err_len)
{
	struct bh_check c;

	bh_check_init(&c, err, err_len, "system config");
	return check_system(&c, buf, len);
}

int bh_config_list_system_problems(const void *buf, size_t len, bh_config_report_fn *report,
				   void *ctx)
{
	char err[BH_CONFIG_ERR_LEN];
	struct bh_check c;

	bh_check_init(&c, err, sizeof(err), "system config");
	c.report = report;
	c.report_ctx = ctx;
	return check_system(&c, buf, len);
}
