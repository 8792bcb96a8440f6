/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor console's ring buffer. Positions count every byte ever
 * written, so a reader that fell behind learns how much it lost.
 */
#ifndef BULKHEAD_CONSOLE_RING_H
#define BULKHEAD_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>

#define CONSOLE_RING_SIZE 16384 /* power of two */

struct console_ring {
	uint64_t head; /* position after the newest byte */
	char buf[CONSOLE_RING_SIZE];
};

void console_ring_put(struct console_ring *ring, char c);
/*
 * Copy up to len bytes from position pos on. If pos is older than what the
 * ring still holds, copying starts at the oldest byte held: *start says where.
 * Returns the number of bytes copied.
 */
size_t console_ring_read(const struct console_ring *ring, uint64_t pos, char *dst, size_t len,
			 uint64_t *start);

#endif
