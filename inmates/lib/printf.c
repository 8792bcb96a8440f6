// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The formatter writes through a sink: a fixed buffer (snprintf) or a
 * buffer that is flushed to the console when full (printf). A printed line
 * that fits the buffer is one console write, so one SBI call.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "printf.h"

#define PRINTF_BUF 256

struct sink {
	char *buf;
	size_t size;
	size_t used;   /* bytes in buf */
	size_t total;  /* bytes produced so far */
	bool flushing; /* write to the console when buf is full, instead of cutting */
};

static void sink_flush(struct sink *s)
{
	if (s->flushing && s->used) {
		console_write(s->buf, s->used);
		s->used = 0;
	}
}

static void sink_put(struct sink *s, char c)
{
	s->total++;
	if (s->used == s->size)
		sink_flush(s);
	if (s->used < s->size)
		s->buf[s->used++] = c;
}

static void put_string(struct sink *s, const char *str, unsigned int width)
{
	unsigned int len = 0;

	if (!str)
		str = "(null)";
	while (str[len])
		len++;
	for (; width > len; width--)
		sink_put(s, ' ');
	while (*str)
		sink_put(s, *str++);
}

static void put_number(struct sink *s, uint64_t value, unsigned int base, bool upper, bool negative,
		       unsigned int width, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned int n = 0, len;

	do {
		tmp[n++] = digits[value % base];
		value /= base;
	} while (value);
	len = n + (negative ? 1 : 0);
	if (negative && pad == '0')
		sink_put(s, '-');
	for (; width > len; width--)
		sink_put(s, pad);
	if (negative && pad != '0')
		sink_put(s, '-');
	while (n)
		sink_put(s, tmp[--n]);
}

enum length { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return (int64_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static void format(struct sink *s, const char *fmt, va_list *ap)
{
	for (; *fmt; fmt++) {
		enum length len = LEN_INT;
		unsigned int width = 0;
		char pad = ' ';
		int64_t sv;

		if (*fmt != '%') {
			sink_put(s, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		if (*fmt == 'l') {
			len = LEN_LONG;
			if (*++fmt == 'l') {
				len = LEN_LLONG;
				fmt++;
			}
		} else if (*fmt == 'z') {
			len = LEN_SIZE;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = arg_signed(ap, len);
			put_number(s, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, 10, false, sv < 0,
				   width, pad);
			break;
		case 'u':
			put_number(s, arg_unsigned(ap, len), 10, false, false, width, pad);
			break;
		case 'x':
		case 'X':
			put_number(s, arg_unsigned(ap, len), 16, *fmt == 'X', false, width, pad);
			break;
		case 'p':
			sink_put(s, '0');
			sink_put(s, 'x');
			put_number(s, (uintptr_t)va_arg(*ap, void *), 16, false, false, width, pad);
			break;
		case 's':
			put_string(s, va_arg(*ap, const char *), width);
			break;
		case 'c':
			sink_put(s, (char)va_arg(*ap, int));
			break;
		case '%':
			sink_put(s, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it rather than read past the string. */
			sink_put(s, '%');
			return;
		default:
			/* Unknown conversion: show it as written. */
			sink_put(s, '%');
			sink_put(s, *fmt);
			break;
		}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size ? size - 1 : 0 };
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	if (size)
		buf[s.used] = '\0';
	return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	struct sink s = { .buf = buf, .size = sizeof(buf), .flushing = true };
	va_list copy;

	va_copy(copy, ap);
	format(&s, fmt, &copy);
	va_end(copy);
	sink_flush(&s);
	return (int)s.total;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
