// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl config show FILE [--c]: a system or cell config, validated, as text
 * a person reads, or with --c as a C file like configs/NAME.c that the build
 * compiles to the same bytes, so a generated config can be kept in the tree
 * and edited there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config_check.h>

#include "hvctl.h"

#define COMMAND "config show"

static const char system_sig[BH_SYSTEM_SIGNATURE_LEN] = BH_SYSTEM_SIGNATURE_INIT;

static const char *console_type(uint32_t type, int c)
{
	switch (type) {
	case BH_CONSOLE_NS16550:
		return c ? "BH_CONSOLE_NS16550" : "ns16550";
	case BH_CONSOLE_SBI:
		return c ? "BH_CONSOLE_SBI" : "sbi";
	default:
		return c ? "BH_CONSOLE_NONE" : "none";
	}
}

/* Flag names: "R|W|X|IO|LOADABLE", or with c the BH_MEM_ macros joined by " | ". */
static void mem_flags(uint64_t flags, int c, char *buf, size_t size)
{
	static const char *const text[] = { "R", "W", "X", "IO", "LOADABLE" };
	static const char *const macro[] = { "BH_MEM_READ", "BH_MEM_WRITE", "BH_MEM_EXECUTE",
					     "BH_MEM_IO", "BH_MEM_LOADABLE" };
	size_t pos = 0, i;

	buf[0] = '\0';
	for (i = 0; i < 5; i++) {
		if (flags & (1ULL << i))
			pos += (size_t)snprintf(buf + pos, size - pos, "%s%s",
						!pos ? ""
						: c  ? " | "
						     : "|",
						c ? macro[i] : text[i]);
	}
}

/* PLIC lines as a list like a hart list ("1-95"; "none"). */
static void line_list(const struct bh_cell_desc *cell, char *buf, size_t size)
{
	uint32_t line = 1, last;
	size_t pos = 0;

	snprintf(buf, size, "none");
	while (line < BH_MAX_IRQS) {
		if (!bh_config_irq_owned(cell, line)) {
			line++;
			continue;
		}
		for (last = line; last + 1 < BH_MAX_IRQS && bh_config_irq_owned(cell, last + 1);)
			last++;
		pos += (size_t)snprintf(buf + pos, size - pos, last == line ? "%s%u" : "%s%u-%u",
					pos ? "," : "", line, last);
		if (pos >= size)
			return;
		line = last + 1;
	}
}

static void show_console(const char *label, const struct bh_console *con)
{
	printf("%s: %s", label, console_type(con->type, 0));
	if (con->type == BH_CONSOLE_NS16550)
		printf(" at 0x%" PRIx64 ", 0x%" PRIx64 " bytes, reg-shift %" PRIu32, con->address,
		       con->size, con->reg_shift);
	printf("\n");
}

static void show_links(const struct bh_cell_desc *cell, const char *indent)
{
	const struct bh_link_end *e = bh_config_cell_links(cell);
	char flags[128];
	uint32_t i;

	if (!cell->num_link_ends)
		return;
	printf("%slink ends: %" PRIu32 "\n", indent, cell->num_link_ends);
	for (i = 0; i < cell->num_link_ends; i++) {
		mem_flags(e[i].shmem_flags, 0, flags, sizeof(flags));
		printf("%s  link %" PRIu32 " end %" PRIu32 ": peers 0x%" PRIx32 ", line %" PRIu32
		       ", doorbell 0x%" PRIx64 ", shared [0x%" PRIx64 "..0x%" PRIx64 ")",
		       indent, e[i].link_id, e[i].end_id, e[i].peers, e[i].irq_line, e[i].doorbell,
		       e[i].shmem_phys, e[i].shmem_phys + e[i].shmem_size);
		if (e[i].shmem_virt != e[i].shmem_phys)
			printf(" at 0x%" PRIx64, e[i].shmem_virt);
		printf("  %s\n", flags);
	}
}

static void show_cell(const struct bh_cell_desc *cell, const char *indent)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	char harts[256], lines[4096], flags[128], label[64];
	uint32_t i;

	hvctl_format_hart_list(cell->cpu_set, harts, sizeof(harts));
	line_list(cell, lines, sizeof(lines));
	printf("%sharts: %s\n", indent, harts);
	if (cell->flags)
		printf("%sflags:%s%s\n", indent, cell->flags & BH_CELL_BOOT_DTB ? " boot-dtb" : "",
		       cell->flags & BH_CELL_VPLIC_IGNORE_UNOWNED ? " vplic-ignore-unowned" : "");
	if (cell->entry || cell->boot_arg)
		printf("%sentry: 0x%" PRIx64 ", boot_arg: 0x%" PRIx64 "\n", indent, cell->entry,
		       cell->boot_arg);
	snprintf(label, sizeof(label), "%sconsole", indent);
	show_console(label, &cell->console);
	printf("%sPLIC lines: %s\n", indent, lines);
	printf("%smemory regions: %" PRIu32 "\n", indent, cell->num_mem_regions);
	for (i = 0; i < cell->num_mem_regions; i++) {
		mem_flags(r[i].flags, 0, flags, sizeof(flags));
		printf("%s  %2" PRIu32 "  [0x%" PRIx64 "..0x%" PRIx64 ")", indent, i,
		       r[i].phys_start, r[i].phys_start + r[i].size);
		if (r[i].virt_start != r[i].phys_start)
			printf(" at 0x%" PRIx64, r[i].virt_start);
		printf("  %s\n", flags);
	}
	show_links(cell, indent);
}

static void show_system(const struct bh_system_config *sys)
{
	const struct bh_platform_info *p = &sys->platform;
	unsigned int h;
	int any = 0;

	printf("system config, root cell '%s'\n", sys->root_cell.name);
	printf("hypervisor memory: [0x%" PRIx64 "..0x%" PRIx64 ")\n",
	       sys->hypervisor_memory.phys_start,
	       sys->hypervisor_memory.phys_start + sys->hypervisor_memory.size);
	show_console("debug console", &sys->debug_console);
	printf("PLIC: [0x%" PRIx64 "..0x%" PRIx64 "), %" PRIu32 " sources (lines 1..%" PRIu32 ")\n",
	       p->plic_base, p->plic_base + p->plic_size, p->plic_num_sources,
	       p->plic_num_sources - 1);
	if (p->virtual_irqs)
		printf("virtual lines (doorbells): %" PRIu32 " (lines %" PRIu32 "..%" PRIu32 ")\n",
		       p->virtual_irqs, p->plic_num_sources,
		       p->plic_num_sources + p->virtual_irqs - 1);
	printf("timebase: %" PRIu64 " Hz\n", p->timebase_frequency);
	printf("S-mode PLIC contexts:");
	for (h = 0; h < BH_MAX_HARTS; h++) {
		if (p->hart_plic_context[h] == BH_NO_CONTEXT)
			continue;
		printf("%s hart %u: %" PRIu32, any++ ? "," : "", h, p->hart_plic_context[h]);
	}
	printf("\nroot cell '%s'\n", sys->root_cell.name);
	show_cell(&sys->root_cell, "  ");
}

static void show_cell_config(const struct bh_cell_desc *cell)
{
	printf("cell config '%s'\n", cell->name);
	show_cell(cell, "");
}

/* ---- --c */

static void c_console(const char *indent, const char *field, const struct bh_console *con)
{
	printf("%s.%s = {\n", indent, field);
	printf("%s\t.type = %s,\n", indent, console_type(con->type, 1));
	if (con->type == BH_CONSOLE_NS16550)
		printf("%s\t.reg_shift = %" PRIu32 ",\n%s\t.address = 0x%" PRIx64 ",\n"
		       "%s\t.size = 0x%" PRIx64 ",\n",
		       indent, con->reg_shift, indent, con->address, indent, con->size);
	printf("%s},\n", indent);
}

static void c_cell(const char *indent, const struct bh_cell_desc *cell)
{
	unsigned int w;

	printf("%s.signature = BH_CELL_SIGNATURE_INIT,\n", indent);
	printf("%s.revision = BH_CONFIG_REVISION,\n", indent);
	if (cell->flags)
		printf("%s.flags = 0x%" PRIx32 ",\n", indent, cell->flags);
	/* The validator allows printable ASCII but ': escape what C would read otherwise. */
	printf("%s.name = \"", indent);
	for (const char *c = cell->name; *c; c++)
		printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
	printf("\",\n");
	printf("%s.cpu_set = 0x%" PRIx64 ",\n", indent, cell->cpu_set);
	printf("%s.num_mem_regions = %" PRIu32 ",\n", indent, cell->num_mem_regions);
	if (cell->num_link_ends)
		printf("%s.num_link_ends = %" PRIu32 ",\n", indent, cell->num_link_ends);
	if (cell->entry)
		printf("%s.entry = 0x%" PRIx64 ",\n", indent, cell->entry);
	if (cell->boot_arg)
		printf("%s.boot_arg = 0x%" PRIx64 ",\n", indent, cell->boot_arg);
	c_console(indent, "console", &cell->console);
	printf("%s.irq_bitmap = {\n", indent);
	for (w = 0; w < BH_MAX_IRQS / 64; w++) {
		if (cell->irq_bitmap[w])
			printf("%s\t[%u] = 0x%016" PRIx64 "ULL,\n", indent, w, cell->irq_bitmap[w]);
	}
	printf("%s},\n", indent);
}

static void c_regions(const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	char flags[128];
	uint32_t i;

	printf("\t.regions = {\n");
	for (i = 0; i < cell->num_mem_regions; i++) {
		mem_flags(r[i].flags, 1, flags, sizeof(flags));
		printf("\t\t{ .phys_start = 0x%" PRIx64 ", .virt_start = 0x%" PRIx64
		       ", .size = 0x%" PRIx64 ",\n\t\t  .flags = %s },\n",
		       r[i].phys_start, r[i].virt_start, r[i].size, flags);
	}
	printf("\t},\n");
}

static void c_links(const struct bh_cell_desc *cell)
{
	const struct bh_link_end *e = bh_config_cell_links(cell);
	char flags[128];
	uint32_t i;

	if (!cell->num_link_ends)
		return;
	printf("\t.links = {\n");
	for (i = 0; i < cell->num_link_ends; i++) {
		mem_flags(e[i].shmem_flags, 1, flags, sizeof(flags));
		printf("\t\t{ .link_id = %" PRIu32 ", .end_id = %" PRIu32 ", .peers = 0x%" PRIx32
		       ", .irq_line = %" PRIu32 ",\n\t\t  .shmem_phys = 0x%" PRIx64
		       ", .shmem_virt = 0x%" PRIx64 ", .shmem_size = 0x%" PRIx64
		       ",\n\t\t  .shmem_flags = %s, .doorbell = 0x%" PRIx64 " },\n",
		       e[i].link_id, e[i].end_id, e[i].peers, e[i].irq_line, e[i].shmem_phys,
		       e[i].shmem_virt, e[i].shmem_size, flags, e[i].doorbell);
	}
	printf("\t},\n");
}

/* The config's C type: with links, the _LINKS_ variant of config.h's macro. */
static void c_type(const char *kind, const struct bh_cell_desc *cell)
{
	if (cell->num_link_ends)
		printf("const BH_%s_CONFIG_LINKS_TYPE(%" PRIu32 ", %" PRIu32
		       ") bh_config_file BH_CONFIG_SECTION = {\n",
		       kind, cell->num_mem_regions, cell->num_link_ends);
	else
		printf("const BH_%s_CONFIG_TYPE(%" PRIu32 ") bh_config_file BH_CONFIG_SECTION = {\n",
		       kind, cell->num_mem_regions);
}

static void c_contexts(const struct bh_platform_info *p)
{
	unsigned int h = 0, last;

	printf("\t\t\t.hart_plic_context = {\n");
	while (h < BH_MAX_HARTS) {
		if (p->hart_plic_context[h] != BH_NO_CONTEXT) {
			printf("\t\t\t\t[%u] = %" PRIu32 ",\n", h, p->hart_plic_context[h]);
			h++;
			continue;
		}
		for (last = h;
		     last + 1 < BH_MAX_HARTS && p->hart_plic_context[last + 1] == BH_NO_CONTEXT;)
			last++;
		printf("\t\t\t\t[%u ... %u] = BH_NO_CONTEXT,\n", h, last);
		h = last + 1;
	}
	printf("\t\t\t},\n");
}

static void c_system(const struct bh_system_config *sys)
{
	const struct bh_platform_info *p = &sys->platform;

	c_type("SYSTEM", &sys->root_cell);
	printf("\t.sys = {\n\t\t.signature = BH_SYSTEM_SIGNATURE_INIT,\n"
	       "\t\t.revision = BH_CONFIG_REVISION,\n\t\t.architecture = BH_ARCH_RISCV64,\n");
	printf("\t\t.hypervisor_memory = {\n\t\t\t.phys_start = 0x%" PRIx64
	       ",\n\t\t\t.size = 0x%" PRIx64 ",\n\t\t},\n",
	       sys->hypervisor_memory.phys_start, sys->hypervisor_memory.size);
	c_console("\t\t", "debug_console", &sys->debug_console);
	printf("\t\t.platform = {\n\t\t\t.plic_base = 0x%" PRIx64 ",\n\t\t\t.plic_size = 0x%" PRIx64
	       ",\n\t\t\t.plic_num_sources = %" PRIu32 ",\n\t\t\t.timebase_frequency = %" PRIu64
	       ",\n",
	       p->plic_base, p->plic_size, p->plic_num_sources, p->timebase_frequency);
	if (p->virtual_irqs)
		printf("\t\t\t.virtual_irqs = %" PRIu32 ",\n", p->virtual_irqs);
	c_contexts(p);
	printf("\t\t},\n\t\t.root_cell = {\n");
	c_cell("\t\t\t", &sys->root_cell);
	printf("\t\t},\n\t},\n");
	c_regions(&sys->root_cell);
	c_links(&sys->root_cell);
	printf("};\n");
}

static void c_cell_config(const struct bh_cell_desc *cell)
{
	c_type("CELL", cell);
	printf("\t.cell = {\n");
	c_cell("\t\t", cell);
	printf("\t},\n");
	c_regions(cell);
	c_links(cell);
	printf("};\n");
}

static void show_c(const char *file, const void *data, int is_system)
{
	printf("// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause\n"
	       "/* Written by 'hvctl config show --c %s'. */\n"
	       "#include <bulkhead/config.h>\n\n"
	       "/* clang-format off */\n",
	       file);
	if (is_system)
		c_system(data);
	else
		c_cell_config(data);
	printf("/* clang-format on */\n");
}

int hvctl_cmd_config_show(int argc, char **argv)
{
	const char *file = NULL;
	int c = 0, i, is_system;
	void *data;
	size_t len;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--c") && !c) {
			c = 1;
		} else if (argv[i][0] == '-' || file) {
			hvctl_error(COMMAND ": %s '%s' (usage: hvctl config show FILE [--c])",
				    argv[i][0] == '-' ? "unknown option" : "unexpected argument",
				    argv[i]);
			return HVCTL_USAGE;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		hvctl_error(COMMAND ": wrong number of arguments (usage: hvctl config show FILE "
				    "[--c])");
		return HVCTL_USAGE;
	}
	/* Read the signature first: the file is checked as what it says it is. */
	if (hvctl_read_file(file, 1 << 20, &data, &len) == 0) {
		is_system =
			len >= sizeof(system_sig) && !memcmp(data, system_sig, sizeof(system_sig));
		free(data);
	} else {
		is_system = 1; /* hvctl_read_config says why it cannot be read */
	}
	if (hvctl_read_config(file, is_system ? bh_config_check_system : bh_config_check_cell,
			      &data, &len))
		return HVCTL_FAIL;
	if (c)
		show_c(file, data, is_system);
	else if (is_system)
		show_system(data);
	else
		show_cell_config(data);
	free(data);
	return HVCTL_OK;
}
