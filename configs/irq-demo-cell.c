// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the irq-demo demo inmate (inmates/demos/irq-demo.c, docs/inmates.md):
 * one hart (3) and the goldfish RTC: its registers (identity-mapped)
 * and its PLIC line 11, both taken from the root.
 *
 *   guest-physical 0x7ffff000  boot info page (boot_arg; the hypervisor maps it)
 *   guest-physical 0x80000000  1 MiB of RAM (physical 0xbd000000, from the root's
 *                              cell pool), entry at its start; the inmate keeps its
 *                              stacks and, at 0x800ff000, a parameter page in it
 *
 * Console: SBI (the hypervisor's per-cell console ring).
 * The build turns this file into build/configs/irq-demo-cell.cell.
 */
#include "demo-cell.h"

#define RTC_BASE 0x00101000ULL
#define RTC_LINE 11

const BH_CELL_CONFIG_TYPE(2) bh_config_file BH_CONFIG_SECTION = {
	.cell = DEMO_CELL("irq-demo", 1 << 3, 2,
			  .irq_bitmap = { [RTC_LINE / 64] = 1ULL << (RTC_LINE % 64) }),
	.regions = {
		DEMO_RAM(0xbd000000),
		{
			.phys_start = RTC_BASE,
			.virt_start = RTC_BASE,
			.size = 0x1000,
			.flags = BH_MEM_READ | BH_MEM_WRITE | BH_MEM_IO,
		},
	},
};

DEMO_CELL_LAYOUT_CHECK(2);
