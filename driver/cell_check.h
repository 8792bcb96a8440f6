/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where an image goes in a cell: a pure function of the cell's config
 * (cell_check.c), built into the module and, for the tests, for the host.
 * What a new cell may not take from the cells that exist, and whether the
 * root maps Linux's RAM, are the config validator's (bulkhead/config_check.h).
 */
#ifndef BULKHEAD_DRIVER_CELL_CHECK_H
#define BULKHEAD_DRIVER_CELL_CHECK_H

#include <bulkhead/config.h>

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

#endif /* BULKHEAD_DRIVER_CELL_CHECK_H */
