// SPDX-License-Identifier: GPL-2.0
#include "console_ring.h"

void console_ring_put(struct console_ring *ring, char c)
{
	ring->buf[ring->head % CONSOLE_RING_SIZE] = c;
	ring->head++;
}

size_t console_ring_read(const struct console_ring *ring, uint64_t pos, char *dst, size_t len,
			 uint64_t *start)
{
	uint64_t oldest = ring->head > CONSOLE_RING_SIZE ? ring->head - CONSOLE_RING_SIZE : 0;
	size_t n = 0;

	if (pos < oldest)
		pos = oldest;
	if (pos > ring->head)
		pos = ring->head;
	*start = pos;
	while (n < len && pos + n < ring->head) {
		dst[n] = ring->buf[(pos + n) % CONSOLE_RING_SIZE];
		n++;
	}
	return n;
}
