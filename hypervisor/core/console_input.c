// SPDX-License-Identifier: GPL-2.0
#include "console_input.h"

/* head and tail wrap at 2^32; their difference is the fill level all the same. */
size_t console_input_push(struct console_input *in, const char *src, size_t len)
{
	size_t n = 0;

	while (n < len && in->head - in->tail < CONSOLE_INPUT_SIZE) {
		in->buf[in->head % CONSOLE_INPUT_SIZE] = src[n++];
		in->head++;
	}
	return n;
}

size_t console_input_pop(struct console_input *in, char *dst, size_t len)
{
	size_t n = 0;

	while (n < len && in->tail != in->head) {
		dst[n++] = in->buf[in->tail % CONSOLE_INPUT_SIZE];
		in->tail++;
	}
	return n;
}
