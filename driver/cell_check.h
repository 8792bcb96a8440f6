/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a new cell may not take from the cells that exist, and where an image
 * goes in a cell: pure functions of configs (cell_check.c), built into the
 * module and, for the tests, for the host.
 */
#ifndef BULKHEAD_DRIVER_CELL_CHECK_H
#define BULKHEAD_DRIVER_CELL_CHECK_H

#include <bulkhead/config.h>

/* The lowest hart both cells have, or -1. */
int bh_cell_hart_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other);

/* The lowest PLIC line both cells own, or 0 (line 0 never exists). */
uint32_t bh_cell_line_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other);

/*
 * Whether a region of cell shares physical memory with a region of other;
 * if so, *index and *other_index name the first such pair (by cell's region,
 * then other's).
 */
bool bh_cell_region_clash(const struct bh_cell_desc *cell, const struct bh_cell_desc *other,
			  uint32_t *index, uint32_t *other_index);

/* Where an image of size bytes at guest-physical address goes: bh_load_place()'s answer. */
enum bh_load_verdict {
	BH_LOAD_OK = 0,
	BH_LOAD_EMPTY,	      /* size 0 */
	BH_LOAD_NO_REGION,    /* address is in no region of the cell */
	BH_LOAD_NOT_LOADABLE, /* address is in a region without BH_MEM_LOADABLE */
	BH_LOAD_TOO_BIG,      /* starts in a loadable region but runs past its end */
};

/*
 * Finds the region whose guest-physical range holds address; *region gets
 * its index whenever there is one (for every verdict but EMPTY and
 * NO_REGION), *phys the physical address of the first byte (for OK).
 */
enum bh_load_verdict bh_load_place(const struct bh_cell_desc *cell, uint64_t address, uint64_t size,
				   uint32_t *region, uint64_t *phys);

/* What the root cell needs to hold Linux's RAM: read, write, execute (and not IO). */
#define BH_ROOT_RAM_FLAGS (BH_MEM_READ | BH_MEM_WRITE | BH_MEM_EXECUTE)

/* Whether the root cell maps a range of Linux's RAM: bh_root_ram_gap()'s answer. */
enum bh_ram_verdict {
	BH_RAM_MAPPED = 0,
	BH_RAM_UNMAPPED, /* the gap is in no region of the root cell */
	BH_RAM_NOT_RAM,	 /* the gap is in a region that is IO or lacks BH_ROOT_RAM_FLAGS */
};

/*
 * Whether the root cell (identity-mapped, already validated) maps all of
 * [start, end] (end inclusive) as RAM. If not, [*gap_start, *gap_end] is the
 * first part that it does not: up to the next region for UNMAPPED, the part
 * of the offending region (*region gets its index) for NOT_RAM.
 */
enum bh_ram_verdict bh_root_ram_gap(const struct bh_cell_desc *root, uint64_t start, uint64_t end,
				    uint64_t *gap_start, uint64_t *gap_end, uint32_t *region);

#endif /* BULKHEAD_DRIVER_CELL_CHECK_H */
