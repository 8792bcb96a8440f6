/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Memory map of every demo cell, as the inmate sees it (guest-physical; the
 * inmate runs with translation off). The cell configs in configs/NAME-cell.c
 * map the cell's 1 MiB of RAM at INMATE_RAM_BASE and put the boot info page
 * at INMATE_BOOT_INFO.
 *
 *   0x7ffff000  boot info page (read-only, mapped by the hypervisor)
 *   0x80000000  image: text, rodata, data, bss        (entry at the start)
 *   0x800f0000  stacks, INMATE_STACK_SIZE per hart, top down by hart index
 *   0x800ff000  parameter page: `hvctl cell load NAME FILE -a 0x800ff000`
 *   0x80100000  end of RAM
 *
 * Included by C, assembly and the linker script: plain numbers only.
 */
#ifndef INMATE_LAYOUT_H
#define INMATE_LAYOUT_H

#define INMATE_RAM_BASE	 0x80000000
#define INMATE_RAM_SIZE	 0x00100000
#define INMATE_BOOT_INFO 0x7ffff000
/* The image (including bss) must end here: the stacks follow. */
#define INMATE_IMAGE_LIMIT 0x800f0000
#define INMATE_PARAM_PAGE  0x800ff000
#define INMATE_PARAM_SIZE  0x1000
#define INMATE_STACK_SIZE  0x4000
#define INMATE_STACKS_TOP  INMATE_PARAM_PAGE
/* As many stacks as fit between the image limit and the parameter page. */
#define INMATE_MAX_HARTS 3

#endif /* INMATE_LAYOUT_H */
