// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the ivshmem-demo inmate (inmates/demos/ivshmem-demo.c,
 * docs/shared-memory.md): one hart (3), end 1 of both board links: it answers
 * the root's pings (link 1, `bh-ping 1`) and the ivshmem-ping cell's (link 2).
 *
 *   guest-physical 0x7ffff000  boot info page (boot_arg; the hypervisor maps it)
 *   guest-physical 0x80000000  1 MiB of RAM (physical 0xbd600000, from the root's pool)
 *   guest-physical 0x90000000  link 1's shared memory, line 96, doorbell 0x90100000
 *   guest-physical 0x90010000  link 2's shared memory, line 97, doorbell 0x90101000
 *
 * The build turns this file into build/configs/ivshmem-demo-cell.cell.
 */
#include "board-links.h"
#include "demo-cell.h"

const BH_CELL_CONFIG_LINKS_TYPE(1, 2) bh_config_file BH_CONFIG_SECTION = {
	.cell = DEMO_CELL("ivshmem-demo", 1 << 3, 1, .num_link_ends = 2),
	.regions = { DEMO_RAM(0xbd600000) },
	.links = {
		BOARD_LINK_END(BOARD_LINK_ROOT, 1, 1 << 0, BOARD_FIRST_LINE, BOARD_LINK_ROOT_SHMEM,
			       BOARD_CELL_SHMEM(0), BOARD_CELL_DOORBELL(0)),
		BOARD_LINK_END(BOARD_LINK_CELLS, 1, 1 << 0, BOARD_FIRST_LINE + 1,
			       BOARD_LINK_CELLS_SHMEM, BOARD_CELL_SHMEM(1), BOARD_CELL_DOORBELL(1)),
	},
};

_Static_assert(sizeof(bh_config_file) == sizeof(struct bh_cell_desc) +
						   sizeof(struct bh_mem_region) +
						   2 * sizeof(struct bh_link_end),
	       "no padding between the cell description, its region and its link ends");
