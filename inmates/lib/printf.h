/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small printf for the console. Conversions: %d %i %u %x %X %p %s %c %%,
 * with the length modifiers l, ll and z, an optional '0' flag and a field
 * width (e.g. %08lx). %p prints 0x and the address in hex.
 */
#ifndef INMATE_PRINTF_H
#define INMATE_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Formats into a stack buffer and writes it with as few console calls as it can (one per line). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * Format into buf (size bytes, always NUL-terminated if size > 0). Returns the
 * length the whole output has, even if it was cut.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* INMATE_PRINTF_H */
