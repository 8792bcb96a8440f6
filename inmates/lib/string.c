// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The compiler may turn structure copies and zeroing into calls of memcpy
 * and memset even in freestanding code, so an inmate has to provide them.
 */
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
	volatile unsigned char *d = dst;

	/* volatile: or the compiler turns this loop into a call of memset. */
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}
