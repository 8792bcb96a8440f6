// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * System config of the QEMU `virt` board as the project boots it
 * (scripts/board.env): 4 harts, 1 GiB of RAM at 0x80000000.
 *
 *   0x80000000..0x80080000  OpenSBI (its reserved-memory node): nobody's
 *   0x80080000..0xb7e00000  Linux RAM (root); the kernel image is at 0x80200000
 *   0xb7e00000..0xbbe00000  root-owned pool for the Linux cell (64 MiB, configs/linux-cell.c)
 *   0xbbe00000..0xbce00000  hypervisor image and heap
 *   0xbce00000..0xbfd00000  root-owned pool, not Linux RAM, that the demo cells are carved from
 *   0xbfd00000..0xbfe00000  nobody's: the links' shared memory (board-links.h) and the
 *                           root's doorbell pages (emulated, never RAM)
 *   0xbfe00000..0xc0000000  Linux RAM holding QEMU's device tree
 *
 * 0xb7e00000..0xbfe00000 is the board's no-map reserved-memory node, so Linux
 * never uses the hypervisor's memory or the pools as RAM. Facts below were read
 * from QEMU 7.2's own device tree (`-M virt,dumpdtb=...`).
 *
 * The root must map all the RAM Linux uses, or Linux faults on it after
 * enable (the driver refuses such a config; docs/kernels.md). Linux 6.1
 * ignores the RAM below its image and starts at 0x80200000; Linux 6.12 uses
 * it all from 0x80080000, where OpenSBI's own 512 KiB end (/proc/iomem of
 * both: docs/kernels.md). OpenSBI's memory stays out of the root.
 *
 * The build turns this file into build/configs/system.cell.
 */
#include <bulkhead/config.h>

#include "board-links.h"

#define RW    (BH_MEM_READ | BH_MEM_WRITE)
#define RWX   (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE)
#define RW_IO (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_IO)

/* Identity-mapped: the root cell sees every region at its physical address. */
#define ROOT_REGION(start, len, fl)                                                                \
	{                                                                                          \
		.phys_start = (start), .virt_start = (start), .size = (len), .flags = (fl)         \
	}

#define UART0_BASE   0x10000000ULL
#define ROOT_REGIONS 8
#define ROOT_LINKS   1

/* clang-format cannot lay out nested designated initialisers. */
/* clang-format off */
const BH_SYSTEM_CONFIG_LINKS_TYPE(ROOT_REGIONS, ROOT_LINKS) bh_config_file BH_CONFIG_SECTION = {
	.sys = {
		.signature = BH_SYSTEM_SIGNATURE_INIT,
		.revision = BH_CONFIG_REVISION,
		.architecture = BH_ARCH_RISCV64,
		.hypervisor_memory = {
			.phys_start = 0xbbe00000,
			.size = 0x01000000,
		},
		.debug_console = {
			.type = BH_CONSOLE_NS16550,
			.address = UART0_BASE,
			/* The node says 0x100; a G-stage maps whole 4 KiB pages. */
			.size = 0x1000,
			.reg_shift = 0,
		},
		.platform = {
			.plic_base = 0x0c000000,
			.plic_size = 0x00600000,
			/*
			 * QEMU 7.2 builds its PLIC with num-sources = 96
			 * (counting source 0), so lines 1..95 exist. Its DT
			 * claims riscv,ndev = 96, one more than the model has.
			 */
			.plic_num_sources = 96,
			/* Doorbell lines 96..111 (board-links.h); the board DT says ndev 111. */
			.virtual_irqs = BOARD_VIRTUAL_IRQS,
			.timebase_frequency = 10000000,
			/*
			 * interrupts-extended of the PLIC lists, per hart,
			 * M-external (11) then S-external (9): hart h's S-mode
			 * context is 2h + 1.
			 */
			.hart_plic_context = {
				1, 3, 5, 7,
				[4 ... BH_MAX_HARTS - 1] = BH_NO_CONTEXT,
			},
		},
		.root_cell = {
			.signature = BH_CELL_SIGNATURE_INIT,
			.revision = BH_CONFIG_REVISION,
			.name = "root",
			.cpu_set = 0xf, /* harts 0..3 */
			.num_mem_regions = ROOT_REGIONS,
			.num_link_ends = ROOT_LINKS,
			.console = {
				.type = BH_CONSOLE_NS16550,
				.address = UART0_BASE,
				.size = 0x1000,
			},
			/* All existing lines, 1..95. */
			.irq_bitmap = {
				[0] = 0xfffffffffffffffeULL, /* 1..63 */
				[1] = 0x00000000ffffffffULL, /* 64..95 */
			},
		},
	},
	/* Not the PLIC (emulated by the hypervisor) and not the CLINT (OpenSBI's). */
	.regions = {
		ROOT_REGION(0x00100000, 0x1000, RW_IO),		/* syscon test device */
		ROOT_REGION(0x00101000, 0x1000, RW_IO),		/* goldfish RTC */
		ROOT_REGION(UART0_BASE, 0x1000, RW_IO),		/* UART0, ns16550a */
		ROOT_REGION(0x10001000, 0x8000, RW_IO),		/* virtio-mmio 0..7 */
		ROOT_REGION(0x80080000, 0x37d80000, RWX),	/* Linux RAM */
		ROOT_REGION(0xbce00000, 0x02f00000, RWX | BH_MEM_LOADABLE), /* cell pool */
		/* Linux RAM too: the device tree sits in it, the rest is free pages. */
		ROOT_REGION(0xbfe00000, 0x00200000, RWX),
		/* The Linux cell's pool (last, so the regions above keep their numbers). */
		ROOT_REGION(0xb7e00000, 0x04000000, RWX | BH_MEM_LOADABLE),
	},
	/* The root's end of the ping link: bh-ping through uio_pdrv_genirq. */
	.links = {
		BOARD_LINK_END(BOARD_LINK_ROOT, 0, 1 << 1, BOARD_FIRST_LINE, BOARD_LINK_ROOT_SHMEM,
			       BOARD_LINK_ROOT_SHMEM, BOARD_ROOT_DOORBELL(0)),
	},
};
/* clang-format on */

_Static_assert(sizeof(bh_config_file) == sizeof(struct bh_system_config) +
						   ROOT_REGIONS * sizeof(struct bh_mem_region) +
						   ROOT_LINKS * sizeof(struct bh_link_end),
	       "no padding between the system config, its regions and its link ends");
