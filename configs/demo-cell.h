/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the demo cells (configs/NAME-cell.c) have in common, as docs/inmates.md
 * describes it: 1 MiB of RAM from the root's cell pool, seen at guest-physical
 * 0x80000000 where the inmate is linked and starts; the boot info page just
 * below it; the SBI console.
 */
#ifndef BULKHEAD_DEMO_CELL_H
#define BULKHEAD_DEMO_CELL_H

#include <bulkhead/config.h>

#define DEMO_RAM_GPA	  0x80000000ULL
#define DEMO_RAM_SIZE	  0x00100000ULL
#define DEMO_BOOT_INFO	  0x7ffff000ULL
#define DEMO_RAM_FLAGS	  (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE | BH_MEM_LOADABLE)

/* The cell description; extra designated fields (e.g. .irq_bitmap) may follow. */
#define DEMO_CELL(cell_name, harts, nregions, ...)                                                 \
	{                                                                                          \
		.signature = BH_CELL_SIGNATURE_INIT, .revision = BH_CONFIG_REVISION,               \
		.name = cell_name, .cpu_set = (harts), .num_mem_regions = (nregions),              \
		.entry = DEMO_RAM_GPA, .boot_arg = DEMO_BOOT_INFO,                                 \
		.console = { .type = BH_CONSOLE_SBI }, __VA_ARGS__                                 \
	}

/* The cell's RAM: its own 1 MiB slice of the pool at physical `phys`. */
#define DEMO_RAM(phys)                                                                             \
	{                                                                                          \
		.phys_start = (phys), .virt_start = DEMO_RAM_GPA, .size = DEMO_RAM_SIZE,           \
		.flags = DEMO_RAM_FLAGS                                                            \
	}

#define DEMO_CELL_LAYOUT_CHECK(nregions)                                                           \
	_Static_assert(sizeof(bh_config_file) == sizeof(struct bh_cell_desc) +                   \
							 (nregions) * sizeof(struct bh_mem_region), \
		       "no padding between the cell description and its regions")

#endif
