// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Cell config of the Linux cell (docs/linux-cell.md): harts 2 and 3, 64 MiB of
 * RAM and the board's virtio-blk disk for the cell, passed through.
 *
 * Everything is identity-mapped (guest-physical = physical): the disk is a
 * DMA master with no IOMMU in front of it, so the addresses Linux hands it
 * must be the physical ones.
 *
 *   0xb7e00000  64 MiB of RAM, the root's Linux-cell pool
 *   0xb8000000  the kernel's Image: RAM + its text_offset (0x200000), 2 MiB
 *               aligned as RV64 Linux wants it; the entry
 *   0xbbc00000  the device tree hvctl writes (cell load --dtb), handed over
 *               in a1 (BH_CELL_BOOT_DTB), clear of the Image's image_size
 *   0x10006000  virtio-mmio slot 5, the disk, PLIC line 6; the root's device
 *               tree has the node disabled, so the root never binds it
 *
 * Linux's PLIC driver sets every line's priority at boot: writes to lines
 * the cell does not own are ignored for it (BH_CELL_VPLIC_IGNORE_UNOWNED).
 *
 * Console: SBI (legacy putchar/getchar: Linux's hvc0), with input from
 * `hvctl cell send` and `hvctl cell console -i`.
 * The build turns this file into build/configs/linux-cell.cell.
 */
#include <bulkhead/config.h>

#define CELL_RAM      0xb7e00000ULL
#define CELL_RAM_SIZE 0x04000000ULL
#define CELL_ENTRY    (CELL_RAM + 0x200000ULL)
#define CELL_DTB      (CELL_RAM + CELL_RAM_SIZE - 0x200000ULL)
#define DISK_BASE     0x10006000ULL
#define DISK_LINE     6

/* clang-format off */
const BH_CELL_CONFIG_TYPE(2) bh_config_file BH_CONFIG_SECTION = {
	.cell = {
		.signature = BH_CELL_SIGNATURE_INIT,
		.revision = BH_CONFIG_REVISION,
		.flags = BH_CELL_BOOT_DTB | BH_CELL_VPLIC_IGNORE_UNOWNED,
		.name = "linux",
		.cpu_set = (1 << 2) | (1 << 3),
		.num_mem_regions = 2,
		.entry = CELL_ENTRY,
		.boot_arg = CELL_DTB,
		.console = { .type = BH_CONSOLE_SBI },
		.irq_bitmap = { [DISK_LINE / 64] = 1ULL << (DISK_LINE % 64) },
	},
	.regions = {
		{
			.phys_start = CELL_RAM,
			.virt_start = CELL_RAM,
			.size = CELL_RAM_SIZE,
			.flags = BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE | BH_MEM_LOADABLE,
		},
		{
			.phys_start = DISK_BASE,
			.virt_start = DISK_BASE,
			.size = 0x1000,
			.flags = BH_MEM_READ | BH_MEM_WRITE | BH_MEM_IO,
		},
	},
};
/* clang-format on */

_Static_assert(sizeof(bh_config_file) ==
		       sizeof(struct bh_cell_desc) + 2 * sizeof(struct bh_mem_region),
	       "no padding between the cell description and its regions");
