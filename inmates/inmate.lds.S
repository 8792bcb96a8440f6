/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Linker script of every demo inmate, preprocessed by inmates/build.mk so it
 * shares the memory map of lib/layout.h. The image starts with the entry
 * code at the cell's entry address; code, read-only data and data get a
 * load segment each so none is both writable and executable. bss is not in
 * the .bin: the entry code clears it.
 */
#include "layout.h"

OUTPUT_ARCH(riscv)
ENTRY(_start)

MEMORY
{
	IMAGE (rwx) : ORIGIN = INMATE_RAM_BASE, LENGTH = INMATE_IMAGE_LIMIT - INMATE_RAM_BASE
}

PHDRS
{
	text PT_LOAD FLAGS(5);		/* R X */
	rodata PT_LOAD FLAGS(4);	/* R */
	data PT_LOAD FLAGS(6);		/* R W */
}

SECTIONS
{
	.text : {
		KEEP(*(.text.entry))
		*(.text .text.*)
	} > IMAGE :text

	.rodata : ALIGN(8) {
		*(.rodata .rodata.* .srodata .srodata.*)
	} > IMAGE :rodata

	.data : ALIGN(8) {
		*(.data .data.* .sdata .sdata.*)
	} > IMAGE :data

	.bss (NOLOAD) : ALIGN(8) {
		__bss_start = .;
		*(.sbss .sbss.* .bss .bss.* COMMON)
		. = ALIGN(8);
		__bss_end = .;
	} > IMAGE :data

	__image_end = .;
	__stacks_top = INMATE_STACKS_TOP;

	/DISCARD/ : {
		*(.eh_frame .eh_frame_hdr .note .note.*)
	}
}

ASSERT(_start == INMATE_RAM_BASE, "the entry code must be first: _start is not at the entry")
ASSERT(__image_end <= INMATE_IMAGE_LIMIT, "the image runs into the stacks")
