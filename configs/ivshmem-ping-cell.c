// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the ivshmem-ping cell: the ivshmem-demo inmate again, on
 * hart 2, as end 0 of link 2: loaded with the parameter "ping N" it makes N
 * round trips to the ivshmem-demo cell (docs/shared-memory.md).
 *
 *   guest-physical 0x7ffff000  boot info page
 *   guest-physical 0x80000000  1 MiB of RAM (physical 0xbd700000, from the root's pool)
 *   guest-physical 0x90000000  link 2's shared memory, line 96, doorbell 0x90100000
 *
 * The build turns this file into build/configs/ivshmem-ping-cell.cell.
 */
#include "board-links.h"
#include "demo-cell.h"

const BH_CELL_CONFIG_LINKS_TYPE(1, 1) bh_config_file BH_CONFIG_SECTION = {
	.cell = DEMO_CELL("ivshmem-ping", 1 << 2, 1, .num_link_ends = 1),
	.regions = { DEMO_RAM(0xbd700000) },
	.links = {
		BOARD_LINK_END(BOARD_LINK_CELLS, 0, 1 << 1, BOARD_FIRST_LINE,
			       BOARD_LINK_CELLS_SHMEM, BOARD_CELL_SHMEM(0), BOARD_CELL_DOORBELL(0)),
	},
};

_Static_assert(sizeof(bh_config_file) == sizeof(struct bh_cell_desc) +
						   sizeof(struct bh_mem_region) +
						   sizeof(struct bh_link_end),
	       "no padding between the cell description, its region and its link ends");
