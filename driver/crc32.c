// SPDX-License-Identifier: GPL-2.0
/*
 * CRC-32 (IEEE 802.3: zlib's and PNG's) of the hypervisor image. The module
 * carries its own so that it loads on kernels built without CONFIG_CRC32.
 * Four bits per step from a 16-entry table: small, and fast enough for an
 * image that is read once per enable.
 */
#include "bulkhead.h"

/* CRC of each 4-bit value under the reflected polynomial 0xedb88320. */
static const u32 bh_crc32_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

u32 bh_crc32(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ bh_crc32_nibble[crc & 0xf];
		crc = (crc >> 4) ^ bh_crc32_nibble[crc & 0xf];
	}
	return ~crc;
}
