// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hvctl config create --cell NAME --harts LIST --mem SIZE[@ADDR]
 * [--device DT-PATH]...: a cell config carved out of the root, laid out as
 * the inmates expect it (docs/inmates.md): its RAM, taken from the first
 * root cell pool (RAM with BH_MEM_LOADABLE) large enough or at ADDR, seen
 * at guest-physical 0x80000000 where it starts; the boot info page just
 * below; the SBI console. Each device's registers (page-rounded,
 * identity-mapped) and PLIC lines come from the board's device tree. The
 * result passes the validator, alone and against the system config.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config_check.h>
#include <libfdt.h>

#include "board.h"
#include "hvctl.h"

#define CELL_RAM_GPA   0x80000000ULL
#define CELL_BOOT_INFO (CELL_RAM_GPA - BH_CONFIG_PAGE_SIZE)
#define CELL_RAM_FLAGS (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE | BH_MEM_LOADABLE)
#define RW_IO	       (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_IO)
#define MAX_LINES      32

/* The physical start of the cell's RAM: ADDR, or the first root pool it fits in. */
static int place_ram(const struct create_args *a, const struct bh_system_config *sys,
		     uint64_t *phys, struct board_report *rep)
{
	const struct bh_cell_desc *root = &sys->root_cell;
	const struct bh_mem_region *r = bh_config_cell_regions(root);
	uint32_t i;

	if (a->mem_size % PAGE) {
		board_problem(rep, "--mem: 0x%" PRIx64 " bytes is not a multiple of 4 KiB",
			      a->mem_size);
		return -1;
	}
	if (a->mem_phys) {
		*phys = a->mem_phys;
		return 0;
	}
	for (i = 0; i < root->num_mem_regions; i++) {
		if ((r[i].flags & CELL_RAM_FLAGS) == CELL_RAM_FLAGS && !(r[i].flags & BH_MEM_IO) &&
		    r[i].size >= a->mem_size) {
			*phys = r[i].phys_start;
			return 0;
		}
	}
	board_problem(rep, "no root cell pool (RAM with BH_MEM_LOADABLE) holds 0x%" PRIx64 " bytes",
		      a->mem_size);
	return -1;
}

/* One --device: its registers into io, its PLIC lines into the cell. */
static void add_device(const void *fdt, const char *path, struct bh_cell_desc *cell,
		       struct board_ranges *io, struct board_report *rep)
{
	int node = fdt_path_offset(fdt, path), i, n, ret;
	uint32_t lines[MAX_LINES];
	struct board_range r;

	if (node < 0) {
		board_problem(rep, "--device %s: no such node", path);
		return;
	}
	for (i = 0; (ret = board_reg(fdt, node, i, &r)) == 0; i++) {
		uint64_t start = PAGE_DOWN(r.start);

		if (board_add_range(io, start, PAGE_UP(r.start + r.size) - start))
			board_problem(rep, "--device %s: too many register ranges", path);
	}
	if (ret < 0 || !i)
		board_problem(rep, "--device %s: no registers at CPU addresses", path);
	n = board_device_lines(fdt, node, lines, MAX_LINES);
	if (n < 0)
		board_problem(rep, "--device %s: its interrupts are not lines of the PLIC", path);
	for (i = 0; i < n; i++) {
		if (lines[i] && lines[i] < BH_MAX_IRQS)
			cell->irq_bitmap[lines[i] / 64] |= 1ULL << (lines[i] % 64);
		else
			board_problem(rep, "--device %s: PLIC line %" PRIu32 " cannot be assigned",
				      path, lines[i]);
	}
}

int board_make_cell(const struct create_args *a, const struct bh_system_config *sys,
		    const void *fdt, struct board_report *rep, void **config, size_t *len)
{
	static const char cell_sig[] = BH_CELL_SIGNATURE_INIT;
	struct board_ranges io = { .n = 0 };
	struct bh_mem_region *regions;
	struct bh_cell_desc *cell;
	char err[BH_CONFIG_ERR_LEN];
	uint64_t ram;
	unsigned int d;
	size_t i;

	*len = sizeof(*cell) + BH_MAX_MEM_REGIONS * sizeof(*regions);
	cell = calloc(1, *len);
	if (!cell) {
		hvctl_error("out of memory");
		return -1;
	}
	regions = (struct bh_mem_region *)(cell + 1);
	memcpy(cell->signature, cell_sig, sizeof(cell->signature));
	cell->revision = BH_CONFIG_REVISION;
	strncpy(cell->name, a->cell, sizeof(cell->name) - 1);
	cell->cpu_set = a->harts;
	cell->entry = CELL_RAM_GPA;
	cell->boot_arg = CELL_BOOT_INFO;
	cell->console.type = BH_CONSOLE_SBI;
	if (!place_ram(a, sys, &ram, rep))
		regions[cell->num_mem_regions++] =
			(struct bh_mem_region){ ram, CELL_RAM_GPA, a->mem_size, CELL_RAM_FLAGS };
	for (d = 0; d < a->num_devices; d++)
		add_device(fdt, a->devices[d], cell, &io, rep);
	board_merge_ranges(&io);
	for (i = 0; i < io.n && cell->num_mem_regions < BH_MAX_MEM_REGIONS; i++)
		regions[cell->num_mem_regions++] =
			(struct bh_mem_region){ io.r[i].start, io.r[i].start, io.r[i].size, RW_IO };
	*len = bh_config_cell_size(cell);
	if (!rep->problems && (bh_config_check_cell(cell, *len, err, sizeof(err)) ||
			       bh_config_check_cell_fits(sys, cell, err, sizeof(err))))
		board_problem(rep, "%s", err);
	if (rep->problems) {
		free(cell);
		return -1;
	}
	*config = cell;
	return 0;
}
