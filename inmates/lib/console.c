// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SBI console. The debug console extension (DBCN) takes a whole buffer per
 * call, which keeps the number of exits per line at one; legacy putchar is
 * the fallback for an SBI without it. The buffer address is guest-physical,
 * which is what a pointer is with translation off.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "hart.h"
#include "sbi.h"
#include "spinlock.h"

static bool use_dbcn;
static struct spinlock console_lock;
/* Hart id + 1 of the hart holding console_lock, 0 if free. */
static unsigned long console_owner;

void console_init(void)
{
	use_dbcn = sbi_probe_extension(SBI_EXT_DBCN) != 0;
}

static void legacy_write(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sbi_legacy_call(SBI_EXT_LEGACY_PUTCHAR, (unsigned char)buf[i]);
}

static void write_unlocked(const char *buf, size_t len)
{
	while (len && use_dbcn) {
		struct sbi_ret ret =
			sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, len, (uintptr_t)buf, 0, 0, 0, 0);

		/* A refused or stuck write goes out the slow way rather than not at all. */
		if (ret.error || ret.value <= 0 || (size_t)ret.value > len)
			break;
		buf += ret.value;
		len -= (size_t)ret.value;
	}
	legacy_write(buf, len);
}

void console_write(const char *buf, size_t len)
{
	unsigned long me = hart_id() + 1;
	/* A trap taken while this hart prints (an exception report) must not deadlock. */
	bool nested = __atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me;

	if (!nested) {
		spin_lock(&console_lock);
		__atomic_store_n(&console_owner, me, __ATOMIC_RELAXED);
	}
	write_unlocked(buf, len);
	if (!nested) {
		__atomic_store_n(&console_owner, 0, __ATOMIC_RELAXED);
		spin_unlock(&console_lock);
	}
}

int console_getchar(void)
{
	long ch = sbi_legacy_call(SBI_EXT_LEGACY_GETCHAR, 0);

	return ch < 0 ? -1 : (int)(ch & 0xff);
}

size_t console_read(char *buf, size_t len)
{
	size_t n = 0;

	if (use_dbcn) {
		struct sbi_ret ret =
			sbi_call(SBI_EXT_DBCN, SBI_DBCN_READ, len, (uintptr_t)buf, 0, 0, 0, 0);

		return ret.error || ret.value < 0 || (size_t)ret.value > len ? 0 : (size_t)ret.value;
	}
	while (n < len) {
		int ch = console_getchar();

		if (ch < 0)
			break;
		buf[n++] = (char)ch;
	}
	return n;
}
