/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The boot info page (include/bulkhead/bootinfo.h) the hypervisor maps
 * read-only for the cell: who the cell is and what it owns.
 */
#ifndef INMATE_BOOT_H
#define INMATE_BOOT_H

/* Offset of bh_boot_info.cpu_set, for the entry code (checked in boot.c). */
#define BOOT_INFO_CPU_SET 48

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include <bulkhead/bootinfo.h>

/*
 * Whether bi is a boot info page this library understands and hart one of
 * its harts: 0, or -1 after printing why not ("inmate: ..." on the console).
 */
int boot_info_check(const struct bh_boot_info *bi, unsigned long hart);

/* Position of hart among the cell's harts in hart-id order (0 for the lowest). */
unsigned int boot_info_hart_index(const struct bh_boot_info *bi, unsigned long hart);
unsigned int boot_info_num_harts(const struct bh_boot_info *bi);
bool boot_info_owns_line(const struct bh_boot_info *bi, uint32_t line);

#endif /* !__ASSEMBLER__ */
#endif /* INMATE_BOOT_H */
