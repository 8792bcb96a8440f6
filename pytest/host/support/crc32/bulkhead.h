/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just what driver/crc32.c needs from the kernel, in place of driver/bulkhead.h,
 * to build it for the host (the Makefile's HOST_CRC32, for test_driver_style.py).
 */
#ifndef BULKHEAD_HOST_CRC32_SHIM_H
#define BULKHEAD_HOST_CRC32_SHIM_H

#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
u32 bh_crc32(u32 crc, const void *buf, size_t len);

#endif
