// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The header of a RISC-V Linux kernel Image (Linux's
 * Documentation/riscv/boot-image-header.rst): 64 bytes, little-endian,
 *
 *   0 code0, 4 code1 (u32)    8 text_offset (u64)   16 image_size (u64)
 *  24 flags (u64, bit 0: big-endian)   32 version, 36 res1 (u32)   40 res2
 *  48 magic "RISCV\0\0\0" (deprecated, still written)   56 magic2 "RSC\x05"
 *  60 res3
 *
 * The kernel wants to run at the start of RAM + text_offset and occupies
 * image_size bytes from there (its bss included, which the file lacks).
 * Fields are read byte by byte, so the buffer's alignment does not matter.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

#define HEADER_SIZE	64
#define OFF_TEXT_OFFSET 8
#define OFF_IMAGE_SIZE	16
#define OFF_FLAGS	24
#define OFF_MAGIC	48
#define OFF_MAGIC2	56
#define FLAG_BIG_ENDIAN 0x1

static const char magic[8] = { 'R', 'I', 'S', 'C', 'V', 0, 0, 0 };
static const char magic2[4] = { 'R', 'S', 'C', 0x05 };

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int hvctl_is_linux_image(const void *image, size_t len)
{
	const uint8_t *p = image;

	return len >= HEADER_SIZE && !memcmp(p + OFF_MAGIC, magic, sizeof(magic)) &&
	       !memcmp(p + OFF_MAGIC2, magic2, sizeof(magic2));
}

int hvctl_linux_image(const void *image, size_t len, struct hvctl_linux_image *img, char *err,
		      size_t err_len)
{
	const uint8_t *p = image;
	uint64_t flags = get_le64(p + OFF_FLAGS);

	img->text_offset = get_le64(p + OFF_TEXT_OFFSET);
	img->image_size = get_le64(p + OFF_IMAGE_SIZE);
	if (flags & FLAG_BIG_ENDIAN) {
		snprintf(err, err_len,
			 "Linux Image for a big-endian kernel (flags 0x%" PRIx64
			 "), expected little-endian",
			 flags);
		return -1;
	}
	if (!img->image_size) {
		snprintf(err, err_len, "Linux Image header says image_size 0");
		return -1;
	}
	/* image_size covers the file and the bss after it. */
	if (len > img->image_size) {
		snprintf(err, err_len,
			 "Linux Image file of 0x%zx bytes is larger than its image_size 0x%" PRIx64,
			 len, img->image_size);
		return -1;
	}
	return 0;
}
