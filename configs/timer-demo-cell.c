// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the timer-demo demo inmate (inmates/demos/timer-demo.c, docs/inmates.md):
 * one hart (3); its timer is Sstc, so no device and no PLIC line.
 *
 *   guest-physical 0x7ffff000  boot info page (boot_arg; the hypervisor maps it)
 *   guest-physical 0x80000000  1 MiB of RAM (physical 0xbcf00000, from the root's
 *                              cell pool), entry at its start; the inmate keeps its
 *                              stacks and, at 0x800ff000, a parameter page in it
 *
 * Console: SBI (the hypervisor's per-cell console ring).
 * The build turns this file into build/configs/timer-demo-cell.cell.
 */
#include <bulkhead/config.h>

#define RAM_FLAGS (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE | BH_MEM_LOADABLE)

/* clang-format cannot lay out nested designated initialisers. */
/* clang-format off */
const BH_CELL_CONFIG_TYPE(1) bh_config_file BH_CONFIG_SECTION = {
	.cell = {
		.signature = BH_CELL_SIGNATURE_INIT,
		.revision = BH_CONFIG_REVISION,
		.name = "timer-demo",
		.cpu_set = 1 << 3,
		.num_mem_regions = 1,
		.entry = 0x80000000,
		.boot_arg = 0x7ffff000,
		.console = { .type = BH_CONSOLE_SBI },
	},
	.regions = {
		{
			.phys_start = 0xbcf00000,
			.virt_start = 0x80000000,
			.size = 0x00100000,
			.flags = RAM_FLAGS,
		},
	},
};
/* clang-format on */

_Static_assert(sizeof(bh_config_file) ==
		       sizeof(struct bh_cell_desc) + 1 * sizeof(struct bh_mem_region),
	       "no padding between the cell description and its regions");
