// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the fuzz inmate (inmates/demos/fuzz.c, docs/inmates.md):
 * two harts (2 and 3) and memory only, so nearly anything random it reaches
 * for outside its RAM is someone else's.
 *
 *   guest-physical 0x7ffff000  boot info page (boot_arg; the hypervisor maps it)
 *   guest-physical 0x80000000  1 MiB of RAM (physical 0xbd400000, from the root's
 *                              cell pool), entry at its start; the inmate keeps its
 *                              stacks and, at 0x800ff000, a parameter page in it
 *
 * Console: SBI (the hypervisor's per-cell console ring).
 * The build turns this file into build/configs/fuzz-cell.cell.
 */
#include "demo-cell.h"

const BH_CELL_CONFIG_TYPE(1) bh_config_file BH_CONFIG_SECTION = {
	.cell = DEMO_CELL("fuzz", (1 << 2) | (1 << 3), 1),
	.regions = { DEMO_RAM(0xbd400000) },
};

DEMO_CELL_LAYOUT_CHECK(1);
