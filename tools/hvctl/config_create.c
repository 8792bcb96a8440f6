// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl config create: a system config made from a board's device tree
 * (the running kernel's /sys/firmware/fdt, or --dtb FILE), or with --cell a
 * cell config carved out of a system config (config_cell_create.c).
 *
 * The system config: the harts that can run Bulkhead, the PLIC with each
 * hart's S-mode context, the timebase; the hypervisor's memory at the start
 * of the no-map /reserved-memory/bulkhead@ADDR region (--hv-addr, --hv-size)
 * and the rest of that region as the root's cell pools; the RAM Linux uses;
 * every device's registers; the stdout-path UART as both consoles; every
 * PLIC line the root's. A board that cannot run Bulkhead gets every reason,
 * one line each, and no config. What is written has passed the validator.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bulkhead/config_check.h>

#include "board.h"
#include "hvctl.h"

#define COMMAND		"config create"
#define DEFAULT_HV_SIZE (16ULL << 20)
#define DEFAULT_ROOT	"root"
#define RWX		(BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE)
#define RW_IO		(BH_MEM_READ | BH_MEM_WRITE | BH_MEM_IO)

static int value_of(int argc, char **argv, int *i, const char **value)
{
	if (*value) {
		hvctl_error(COMMAND ": %s given twice", argv[*i]);
		return -1;
	}
	if (*i + 1 == argc) {
		hvctl_error(COMMAND ": %s needs an argument", argv[*i]);
		return -1;
	}
	*value = argv[++*i];
	return 0;
}

static int bad_value(const char *option, const char *value, const char *expected)
{
	hvctl_error(COMMAND ": %s: bad value '%s' (expected %s)", option, value, expected);
	return -1;
}

struct raw_args {
	const char *hv_addr, *hv_size, *harts, *mem;
};

static const char **option_slot(struct create_args *a, struct raw_args *raw, const char *opt)
{
	const char *names[] = { "--dtb",  "-o",	      "--name",	 "--hv-addr", "--hv-size",
				"--cell", "--system", "--harts", "--mem" };
	const char **slots[] = { &a->dtb,  &a->output, &a->name,    &raw->hv_addr, &raw->hv_size,
				 &a->cell, &a->system, &raw->harts, &raw->mem };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(opt, names[i]))
			return slots[i];
	}
	return NULL;
}

static int parse_mem(const char *text, struct create_args *a)
{
	char size[32];
	const char *at = strchr(text, '@');
	size_t n = at ? (size_t)(at - text) : strlen(text);

	if (n >= sizeof(size))
		return -1;
	memcpy(size, text, n);
	size[n] = '\0';
	if (board_parse_size(size, &a->mem_size) || !a->mem_size)
		return -1;
	return at ? hvctl_parse_u64(at + 1, &a->mem_phys) : 0;
}

/* Values and which options go together. */
static int check_args(struct create_args *a, const struct raw_args *raw)
{
	int cell_opts = raw->harts || raw->mem || a->num_devices || a->system;
	int system_opts = a->name || raw->hv_addr || raw->hv_size;

	if (a->cell && system_opts) {
		hvctl_error(COMMAND ": --name, --hv-addr and --hv-size are for a system config, "
				    "not with --cell");
		return -1;
	}
	if (!a->cell && cell_opts) {
		hvctl_error(COMMAND ": --harts, --mem, --device and --system need --cell NAME");
		return -1;
	}
	if (a->cell && (!raw->harts || !raw->mem)) {
		hvctl_error(COMMAND ": --cell needs --harts LIST and --mem SIZE");
		return -1;
	}
	if (a->cell && hvctl_check_cell_name(COMMAND, a->cell))
		return -1;
	if (a->name && hvctl_check_cell_name(COMMAND, a->name))
		return -1;
	if (raw->hv_addr && hvctl_parse_u64(raw->hv_addr, &a->hv_addr))
		return bad_value("--hv-addr", raw->hv_addr, "0x... or decimal");
	if (raw->hv_size && board_parse_size(raw->hv_size, &a->hv_size))
		return bad_value("--hv-size", raw->hv_size, "a size such as 16M");
	if (raw->harts && (hvctl_parse_hart_list(raw->harts, &a->harts) || !a->harts))
		return bad_value("--harts", raw->harts, "a hart list such as 2-3");
	if (raw->mem && parse_mem(raw->mem, a))
		return bad_value("--mem", raw->mem, "SIZE or SIZE@ADDR, such as 1M@0xbce00000");
	if (!a->hv_size)
		a->hv_size = DEFAULT_HV_SIZE;
	if (!a->name)
		a->name = DEFAULT_ROOT;
	return 0;
}

static int parse_args(int argc, char **argv, struct create_args *a)
{
	struct raw_args raw = { NULL, NULL, NULL, NULL };
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *device = NULL;
		const char **slot =
			strcmp(argv[i], "--device") ? option_slot(a, &raw, argv[i]) : &device;

		if (!slot) {
			hvctl_error(COMMAND ": %s '%s'",
				    argv[i][0] == '-' ? "unknown option" : "unexpected argument",
				    argv[i]);
			return -1;
		}
		if (value_of(argc, argv, &i, slot))
			return -1;
		if (device) {
			if (a->num_devices == BOARD_MAX_DEVICES) {
				hvctl_error(COMMAND ": more than %d --device", BOARD_MAX_DEVICES);
				return -1;
			}
			a->devices[a->num_devices++] = *slot;
		}
	}
	return check_args(a, &raw);
}

struct region_list {
	struct bh_mem_region r[BH_MAX_MEM_REGIONS];
	uint32_t n;
};

static void add_region(struct region_list *l, uint64_t start, uint64_t size, uint64_t flags,
		       struct board_report *rep)
{
	if (!size)
		return;
	if (l->n == BH_MAX_MEM_REGIONS) {
		board_problem(rep, "more than %d memory regions", BH_MAX_MEM_REGIONS);
		return;
	}
	l->r[l->n++] = (struct bh_mem_region){ start, start, size, flags };
}

/* Merges the two IO ranges with the smallest gap between them until at most max remain. */
static void fit_io(struct board_ranges *io, size_t max, const struct board_report *rep)
{
	size_t before = io->n;

	while (io->n > max && io->n > 1) {
		size_t i, best = 0;
		uint64_t gap = UINT64_MAX;

		for (i = 0; i + 1 < io->n; i++) {
			uint64_t g = io->r[i + 1].start - (io->r[i].start + io->r[i].size);

			if (g < gap) {
				gap = g;
				best = i;
			}
		}
		io->r[best].size = io->r[best + 1].start + io->r[best + 1].size - io->r[best].start;
		memmove(&io->r[best + 1], &io->r[best + 2], (io->n - best - 2) * sizeof(io->r[0]));
		io->n--;
	}
	if (io->n < before)
		board_note(rep,
			   "%zu device ranges merged into %zu regions, with the gaps between "
			   "them (a config holds %d regions)",
			   before, io->n, BH_MAX_MEM_REGIONS);
}

static int by_phys(const void *a, const void *b)
{
	const struct bh_mem_region *x = a, *y = b;

	return x->phys_start < y->phys_start ? -1 : x->phys_start > y->phys_start;
}

/* The hypervisor's memory inside the reserved region; the rest of it becomes cell pools. */
static void place_hypervisor(const struct create_args *a, struct board *b,
			     struct bh_system_config *sys, struct region_list *l,
			     struct board_report *rep)
{
	uint64_t start = a->hv_addr ? a->hv_addr : b->reserved.start;
	uint64_t rend = b->reserved.start + b->reserved.size;

	sys->hypervisor_memory.phys_start = start;
	sys->hypervisor_memory.size = a->hv_size;
	if (start < b->reserved.start || start > rend || a->hv_size > rend - start) {
		board_problem(rep,
			      "hypervisor memory [0x%" PRIx64 "..0x%" PRIx64
			      ") is not inside the reserved region [0x%" PRIx64 "..0x%" PRIx64 ")",
			      start, start + a->hv_size, b->reserved.start, rend);
		return;
	}
	add_region(l, b->reserved.start, start - b->reserved.start, RWX | BH_MEM_LOADABLE, rep);
	add_region(l, start + a->hv_size, rend - (start + a->hv_size), RWX | BH_MEM_LOADABLE, rep);
}

static void fill_system(const struct create_args *a, struct board *b, struct bh_system_config *sys,
			struct region_list *l, struct board_report *rep)
{
	static const char sys_sig[] = BH_SYSTEM_SIGNATURE_INIT, cell_sig[] = BH_CELL_SIGNATURE_INIT;
	struct bh_cell_desc *root = &sys->root_cell;
	size_t i;
	uint32_t line;

	memcpy(sys->signature, sys_sig, sizeof(sys->signature));
	sys->revision = BH_CONFIG_REVISION;
	sys->architecture = BH_ARCH_RISCV64;
	sys->debug_console = b->console;
	sys->platform.plic_base = b->plic.start;
	sys->platform.plic_size = b->plic.size;
	sys->platform.plic_num_sources = b->plic_sources;
	sys->platform.virtual_irqs = b->virtual_irqs;
	sys->platform.timebase_frequency = b->timebase;
	for (i = 0; i < BH_MAX_HARTS; i++)
		sys->platform.hart_plic_context[i] =
			(b->harts >> i) & 1 ? b->s_context[i] : BH_NO_CONTEXT;
	memcpy(root->signature, cell_sig, sizeof(root->signature));
	root->revision = BH_CONFIG_REVISION;
	strncpy(root->name, a->name, sizeof(root->name) - 1);
	root->cpu_set = b->harts;
	root->console = b->console;
	if (b->plic_sources > BH_MAX_IRQS)
		board_problem(rep,
			      "the PLIC's riscv,ndev %" PRIu32 " is more lines than a config "
			      "holds (%d)",
			      b->plic_sources - 1, BH_MAX_IRQS - 1);
	for (line = 1; line < b->plic_sources && line < BH_MAX_IRQS; line++)
		root->irq_bitmap[line / 64] |= 1ULL << (line % 64);
	for (i = 0; i < b->ram.n; i++)
		add_region(l, b->ram.r[i].start, b->ram.r[i].size, RWX, rep);
	place_hypervisor(a, b, sys, l, rep);
	fit_io(&b->io, BH_MAX_MEM_REGIONS > l->n ? BH_MAX_MEM_REGIONS - l->n : 0, rep);
	for (i = 0; i < b->io.n; i++)
		add_region(l, b->io.r[i].start, b->io.r[i].size, RW_IO, rep);
	qsort(l->r, l->n, sizeof(l->r[0]), by_phys);
	root->num_mem_regions = l->n;
}

static int make_system(const struct create_args *a, const void *fdt, struct board_report *rep,
		       void **config, size_t *len)
{
	static struct board b;
	struct region_list l = { .n = 0 };
	struct bh_system_config *sys;
	char err[BH_CONFIG_ERR_LEN];

	memset(&b, 0, sizeof(b));
	board_read_harts(fdt, &b, rep);
	board_read_memory(fdt, &b, rep);
	board_read_devices(fdt, &b, rep);
	if (rep->problems)
		return -1;
	*len = sizeof(*sys) + BH_MAX_MEM_REGIONS * sizeof(struct bh_mem_region);
	sys = calloc(1, *len);
	if (!sys) {
		hvctl_error("out of memory");
		return -1;
	}
	fill_system(a, &b, sys, &l, rep);
	memcpy(sys + 1, l.r, l.n * sizeof(l.r[0]));
	*len = bh_config_system_size(sys);
	if (!rep->problems && bh_config_check_system(sys, *len, err, sizeof(err)))
		board_problem(rep, "the config made from it is not valid: %s", err);
	if (rep->problems) {
		free(sys);
		return -1;
	}
	*config = sys;
	return 0;
}

/* The system config a cell is carved from: --system FILE or the driver's. */
static int read_system(const struct create_args *a, struct hvctl_configs *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (a->system)
		return hvctl_read_config(a->system, bh_config_check_system, &cfg->sys_data,
					 &cfg->sys_len);
	if (hvctl_require_enabled(COMMAND))
		return -1;
	return hvctl_read_driver_system(COMMAND, cfg);
}

int hvctl_cmd_config_create(int argc, char **argv)
{
	struct create_args args;
	struct board_report rep = { .command = COMMAND, .problems = 0 };
	struct hvctl_configs cfg = { 0 };
	void *fdt = NULL, *config = NULL;
	size_t fdt_len, len;
	int ret = -1;

	if (parse_args(argc, argv, &args))
		return HVCTL_USAGE;
	if (!args.output && isatty(STDOUT_FILENO)) {
		hvctl_error(COMMAND ": not writing a binary config to a terminal: use -o FILE or "
				    "redirect stdout");
		return HVCTL_FAIL;
	}
	if (args.cell && read_system(&args, &cfg))
		return HVCTL_FAIL;
	if (hvctl_read_root_fdt(COMMAND, args.dtb, &fdt, &fdt_len))
		goto out;
	rep.source = hvctl_root_fdt_path(args.dtb);
	if (args.cell)
		ret = board_make_cell(&args, cfg.sys_data, fdt, &rep, &config, &len);
	else
		ret = make_system(&args, fdt, &rep, &config, &len);
	if (!ret)
		ret = hvctl_write_output(COMMAND, args.output, config, len);
out:
	free(config);
	free(fdt);
	hvctl_free_configs(&cfg);
	return ret ? HVCTL_FAIL : HVCTL_OK;
}
