// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where cell load puts a Linux Image and a device tree, checked against the
 * cell's config before anything is written: the driver would refuse what
 * does not fit a loadable region too, but only after the earlier parts of
 * the load went in, and it cannot know that a kernel's bss (beyond the file)
 * would run over the device tree.
 */
#include <inttypes.h>
#include <stdio.h>

#include <bulkhead/config.h>
#include <bulkhead/config_check.h>

#include "hvctl.h"

/* Linux reads the device tree's header as 32-bit words; the boot protocol asks for 8 bytes. */
#define DTB_ALIGN 8

int hvctl_place_linux_image(const struct bh_cell_desc *cell, const struct hvctl_linux_image *img,
			    uint64_t *address, char *err, size_t err_len)
{
	const struct bh_mem_region *r = bh_config_region_by_guest(cell, cell->entry, 1);
	uint64_t end;

	/* The validator puts the entry inside an executable RAM region. */
	if (!r || (r->flags & BH_MEM_IO)) {
		snprintf(err, err_len, "entry 0x%" PRIx64 " of cell '%s' is in no RAM region",
			 cell->entry, cell->name);
		return -1;
	}
	end = r->virt_start + r->size;
	if (img->text_offset >= r->size) {
		snprintf(err, err_len,
			 "Linux Image text_offset 0x%" PRIx64 " is beyond RAM region [0x%" PRIx64
			 "..0x%" PRIx64 ") of cell '%s'",
			 img->text_offset, r->virt_start, end, cell->name);
		return -1;
	}
	*address = r->virt_start + img->text_offset;
	if (*address != cell->entry) {
		snprintf(err, err_len,
			 "a Linux Image runs at the start of its RAM + text_offset, 0x%" PRIx64
			 " + 0x%" PRIx64 " = 0x%" PRIx64 ", but cell '%s' enters at 0x%" PRIx64,
			 r->virt_start, img->text_offset, *address, cell->name, cell->entry);
		return -1;
	}
	if (!(r->flags & BH_MEM_LOADABLE)) {
		snprintf(err, err_len,
			 "RAM region [0x%" PRIx64 "..0x%" PRIx64 ") of cell '%s' is not loadable",
			 r->virt_start, end, cell->name);
		return -1;
	}
	if (img->image_size > end - *address) {
		snprintf(err, err_len,
			 "Linux Image of image_size 0x%" PRIx64 " at 0x%" PRIx64
			 " runs past the end of RAM region [0x%" PRIx64 "..0x%" PRIx64
			 ") of cell '%s'",
			 img->image_size, *address, r->virt_start, end, cell->name);
		return -1;
	}
	return 0;
}

int hvctl_place_dtb(const struct bh_cell_desc *cell, uint64_t size, const struct hvctl_span *spans,
		    size_t count, char *err, size_t err_len)
{
	const struct bh_mem_region *r = bh_config_region_by_guest(cell, cell->boot_arg, size);
	size_t i;

	if (cell->boot_arg % DTB_ALIGN) {
		snprintf(err, err_len,
			 "boot_arg 0x%" PRIx64 " of cell '%s' is not %d-byte aligned, as a device "
			 "tree must be",
			 cell->boot_arg, cell->name, DTB_ALIGN);
		return -1;
	}
	if (!r || (r->flags & BH_MEM_IO) || !(r->flags & BH_MEM_LOADABLE)) {
		snprintf(err, err_len,
			 "device tree of 0x%" PRIx64 " bytes at boot_arg 0x%" PRIx64
			 " is not inside a loadable RAM region of cell '%s'",
			 size, cell->boot_arg, cell->name);
		return -1;
	}
	for (i = 0; i < count; i++) {
		if (!bh_config_ranges_overlap(cell->boot_arg, size, spans[i].start, spans[i].size))
			continue;
		snprintf(err, err_len,
			 "device tree [0x%" PRIx64 "..0x%" PRIx64
			 ") at boot_arg overlaps the image's "
			 "[0x%" PRIx64 "..0x%" PRIx64 ") in cell '%s'",
			 cell->boot_arg, cell->boot_arg + size, spans[i].start,
			 spans[i].start + spans[i].size, cell->name);
		return -1;
	}
	return 0;
}
