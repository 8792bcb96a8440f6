/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The QEMU board's links (docs/shared-memory.md): shared memory and doorbells
 * between the root and the ivshmem-demo cell (link 1), and between the
 * ivshmem-demo and ivshmem-ping cells (link 2). Their shared memory is
 * carved from the top of the board's no-map reserved area, outside every
 * root region; each end's virtual line is the first of the lines the system
 * config reserves above the PLIC's 95 (each cell has its own vPLIC, so the
 * same number in two cells is two lines; in one cell each end has its own).
 */
#ifndef BULKHEAD_BOARD_LINKS_H
#define BULKHEAD_BOARD_LINKS_H

#include <bulkhead/config.h>

#define BOARD_VIRTUAL_IRQS 16	   /* lines 96..111 */
#define BOARD_FIRST_LINE   96	   /* the first virtual line */
#define BOARD_LINK_SIZE	   0x10000 /* 64 KiB of shared memory per link */

#define BOARD_LINK_ROOT		  1 /* root (end 0) <-> ivshmem-demo (end 1) */
#define BOARD_LINK_CELLS	  2 /* ivshmem-ping (end 0) <-> ivshmem-demo (end 1) */
#define BOARD_LINK_ROOT_SHMEM	  0xbfd00000ULL
#define BOARD_LINK_CELLS_SHMEM	  0xbfd10000ULL
/* The root's doorbell pages: physical addresses nothing else uses. */
#define BOARD_ROOT_DOORBELL(n)	  (0xbfdf0000ULL + 0x1000ULL * (n))
/* In a demo cell: shared memory at 0x90000000 + 64 KiB per end, doorbells above. */
#define BOARD_CELL_SHMEM(n)	  (0x90000000ULL + BOARD_LINK_SIZE * (n))
#define BOARD_CELL_DOORBELL(n)	  (0x90100000ULL + 0x1000ULL * (n))

#define BOARD_LINK_END(link, end, peer_mask, line, phys, virt, bell)                               \
	{                                                                                          \
		.link_id = (link), .end_id = (end), .peers = (peer_mask), .irq_line = (line),      \
		.shmem_phys = (phys), .shmem_virt = (virt),                                        \
		.shmem_size = BOARD_LINK_SIZE, .shmem_flags = BH_MEM_READ | BH_MEM_WRITE,          \
		.doorbell = (bell)                                                                 \
	}

#endif
