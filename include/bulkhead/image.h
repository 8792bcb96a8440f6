/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The header at offset 0 of the hypervisor image (bulkhead.bin), which the
 * driver checks before it copies the image into the reserved region.
 */
#ifndef BULKHEAD_IMAGE_H
#define BULKHEAD_IMAGE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#include "layout.h"
#define BH_IMAGE_MAGIC_INIT                                                                        \
	{                                                                                          \
		'B', 'H', 'I', 'M', 'A', 'G', 'E', '\0'                                            \
	}
#define BH_IMAGE_MAGIC_LEN 8

struct bh_image_header {
	char magic[BH_IMAGE_MAGIC_LEN];
	uint32_t abi_version;	/* BH_ABI_VERSION of include/bulkhead/hypercall.h */
	uint32_t header_size;	/* sizeof(struct bh_image_header) */
	uint64_t image_size;	/* bytes of the file: header, code and data */
	uint64_t memory_size;	/* bytes the image occupies once loaded (with bss), page aligned */
	uint64_t entry_offset;	/* enable entry point, from the load address */
	uint32_t checksum;	/* CRC-32 (IEEE) of bytes [header_size, image_size) */
	uint32_t max_harts;	/* the highest hart id + 1 the image supports */
	uint64_t reserved[3];
};

/* The layout is ABI between the image (its build) and the driver. */
BH_CHECK_SIZE(struct bh_image_header, 72);
BH_CHECK_OFFSET(struct bh_image_header, abi_version, 8);
BH_CHECK_OFFSET(struct bh_image_header, header_size, 12);
BH_CHECK_OFFSET(struct bh_image_header, image_size, 16);
BH_CHECK_OFFSET(struct bh_image_header, memory_size, 24);
BH_CHECK_OFFSET(struct bh_image_header, entry_offset, 32);
BH_CHECK_OFFSET(struct bh_image_header, checksum, 40);
BH_CHECK_OFFSET(struct bh_image_header, max_harts, 44);
BH_CHECK_OFFSET(struct bh_image_header, reserved, 48);

#endif /* BULKHEAD_IMAGE_H */
