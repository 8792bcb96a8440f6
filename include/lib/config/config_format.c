// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The validator's messages: fail() and the text of ranges and raw bytes.
 *
 * The one portability shim of the validator: each build brings its own
 * vsnprintf. The Linux module has the kernel's, host programs libc's, and the
 * freestanding hypervisor hypervisor/lib/vsnprintf.c (a subset: %s %c %d %u
 * %x with l and ll, width, 0-padding; the formats here keep to it).
 */
#include "config_internal.h"

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/stdarg.h>
#elif __STDC_HOSTED__
#include <stdarg.h>
#include <stdio.h>
#else
#include <stdarg.h>
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
#endif

/* Like snprintf, but returns how much was written (without the NUL), never more than len - 1. */
static size_t format_v(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n;

	if (!len)
		return 0;
	n = vsnprintf(buf, len, fmt, ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}

static size_t __attribute__((format(printf, 3, 4)))
format_into(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_v(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

void bh_check_init(struct bh_check *c, char *err, size_t err_len, const char *what)
{
	c->err = err;
	c->err_len = err ? err_len : 0;
	if (c->err_len)
		err[0] = '\0';
	c->what = what;
	c->name = NULL;
	c->root = false;
	c->report = NULL;
	c->report_ctx = NULL;
	c->first = 0;
}

int bh_config_fail(struct bh_check *c, int code, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!c->err_len)
		return code;
	if (!c->what)
		n = 0;
	else if (c->name)
		n = format_into(c->err, c->err_len, "%s '%s': ", c->what, c->name);
	else
		n = format_into(c->err, c->err_len, "%s: ", c->what);
	va_start(ap, fmt);
	format_v(c->err + n, c->err_len - n, fmt, ap);
	va_end(ap);
	if (c->report)
		c->report(c->report_ctx, c->err);
	return code;
}

const char *bh_range_text(struct bh_range_text *t, uint64_t start, uint64_t size)
{
	if (size && start + size == 0)
		format_into(t->s, sizeof(t->s), "[0x%llx..2^64)", BH_ULL(start));
	else
		format_into(t->s, sizeof(t->s), "[0x%llx..0x%llx)", BH_ULL(start),
			    BH_ULL(start + size));
	return t->s;
}

const char *bh_bytes_text(struct bh_bytes_text *t, const char *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, pos = 0;

	if (n > BH_CELL_NAME_LEN)
		n = BH_CELL_NAME_LEN;
	t->s[pos++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)bytes[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			t->s[pos++] = (char)c;
		} else {
			t->s[pos++] = '\\';
			t->s[pos++] = 'x';
			t->s[pos++] = hex[c >> 4];
			t->s[pos++] = hex[c & 0xf];
		}
	}
	t->s[pos++] = '"';
	t->s[pos] = '\0';
	return t->s;
}
