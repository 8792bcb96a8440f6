/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a non-root cell is told at entry. Its first hart starts at the cell
 * config's entry with a0 = its hart id and a1 = the guest-physical address of
 * this read-only page, which the hypervisor maps at the config's boot_arg
 * address (page aligned, outside the cell's memory regions).
 */
#ifndef BULKHEAD_BOOTINFO_H
#define BULKHEAD_BOOTINFO_H

#include <bulkhead/config.h>
#include "layout.h"

#define BH_BOOT_INFO_MAGIC_INIT { 'B', 'H', 'B', 'O', 'O', 'T', '\0', '\0' }
#define BH_BOOT_INFO_VERSION	1

struct bh_boot_info {
	char magic[8];
	uint32_t version;
	uint32_t size;			/* bytes of this structure */
	char name[BH_CELL_NAME_LEN];
	uint64_t cpu_set;		/* the cell's harts (real hart ids) */
	uint64_t timebase_frequency;
	/* The cell's PLIC: same register layout as the physical one. */
	uint64_t plic_base;
	uint64_t plic_size;
	uint32_t plic_num_sources;
	uint32_t num_mem_regions;
	/* PLIC context of hart h's external interrupt (for the cell's harts). */
	uint32_t hart_plic_context[BH_MAX_HARTS];
	/* The PLIC lines the cell owns. */
	uint64_t irq_bitmap[BH_MAX_IRQS / 64];
	/* The cell's memory as it sees it: phys_start == virt_start == guest-physical. */
	struct bh_mem_region mem_regions[BH_MAX_MEM_REGIONS];
	/* The cell's link ends as it sees them: shmem_phys == shmem_virt (docs/shared-memory.md). */
	uint32_t num_link_ends;
	uint32_t reserved;
	struct bh_link_end link_ends[BH_MAX_LINK_ENDS];
};

/* The layout is ABI between the hypervisor and the inmates. */
BH_CHECK_SIZE(struct bh_boot_info, 3552);
BH_CHECK_OFFSET(struct bh_boot_info, version, 8);
BH_CHECK_OFFSET(struct bh_boot_info, size, 12);
BH_CHECK_OFFSET(struct bh_boot_info, name, 16);
BH_CHECK_OFFSET(struct bh_boot_info, cpu_set, 48);
BH_CHECK_OFFSET(struct bh_boot_info, timebase_frequency, 56);
BH_CHECK_OFFSET(struct bh_boot_info, plic_base, 64);
BH_CHECK_OFFSET(struct bh_boot_info, plic_num_sources, 80);
BH_CHECK_OFFSET(struct bh_boot_info, num_mem_regions, 84);
BH_CHECK_OFFSET(struct bh_boot_info, hart_plic_context, 88);
BH_CHECK_OFFSET(struct bh_boot_info, irq_bitmap, 344);
BH_CHECK_OFFSET(struct bh_boot_info, mem_regions, 472);
BH_CHECK_OFFSET(struct bh_boot_info, num_link_ends, 2520);
BH_CHECK_OFFSET(struct bh_boot_info, link_ends, 2528);

#endif /* BULKHEAD_BOOTINFO_H */
