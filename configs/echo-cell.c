// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the echo demo inmate (inmates/demos/echo.c, docs/inmates.md):
 * one hart (3), nothing but memory; it reads its SBI console's input.
 *
 *   guest-physical 0x7ffff000  boot info page (boot_arg; the hypervisor maps it)
 *   guest-physical 0x80000000  1 MiB of RAM (physical 0xbd500000, from the root's
 *                              cell pool), entry at its start
 *
 * The build turns this file into build/configs/echo-cell.cell.
 */
#include "demo-cell.h"

const BH_CELL_CONFIG_TYPE(1) bh_config_file BH_CONFIG_SECTION = {
	.cell = DEMO_CELL("echo", (1 << 3), 1),
	.regions = { DEMO_RAM(0xbd500000) },
};

DEMO_CELL_LAYOUT_CHECK(1);
