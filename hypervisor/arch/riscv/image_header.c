// SPDX-License-Identifier: GPL-2.0
/*
 * The image header (include/bulkhead/image.h), at offset 0 of the image:
 * hypervisor.lds puts .header first. What only the link knows (image_size,
 * memory_size, entry_offset) and the checksum of what follows are filled in
 * by scripts/mkimage.py, at the offsets asm-defines.c exports.
 */
#include <bulkhead/hypercall.h>
#include <bulkhead/image.h>

#include "hv.h"

__attribute__((section(".header"), used)) const struct bh_image_header bh_image_header = {
	.magic = BH_IMAGE_MAGIC_INIT,
	.abi_version = BH_ABI_VERSION,
	.header_size = sizeof(struct bh_image_header),
	.max_harts = HV_MAX_HARTS,
};
