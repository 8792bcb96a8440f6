// SPDX-License-Identifier: GPL-2.0
/*
 * SBI v0.1 calls still in use: the console (early consoles, hvc), timer,
 * clear_ipi and shutdown. The mask-pointer IPI and fence calls are left out:
 * every guest that has them also has the IPI and RFENCE extensions.
 * Each legacy extension id is one function; the function id is not used.
 */
#include "sbi.h"

typedef struct sbiret (*legacy_fn)(const struct sbi_caller *c, const unsigned long *a,
				   enum sbi_action *action);

static struct sbiret legacy_set_timer(const struct sbi_caller *c, const unsigned long *a,
				      enum sbi_action *action)
{
	(void)c;
	(void)action;
	sbi_arch_set_guest_timer(a[0]);
	return (struct sbiret){ SBI_SUCCESS, 0 };
}

static struct sbiret legacy_putchar(const struct sbi_caller *c, const unsigned long *a,
				    enum sbi_action *action)
{
	char ch = (char)a[0];

	(void)action;
	sbi_arch_console_write(c, &ch, 1);
	return (struct sbiret){ SBI_SUCCESS, 0 };
}

static struct sbiret legacy_getchar(const struct sbi_caller *c, const unsigned long *a,
				    enum sbi_action *action)
{
	(void)a;
	(void)action;
	/* Legacy calls return their value in a0. */
	return (struct sbiret){ sbi_arch_console_getchar(c), 0 };
}

static struct sbiret legacy_clear_ipi(const struct sbi_caller *c, const unsigned long *a,
				      enum sbi_action *action)
{
	(void)c;
	(void)a;
	(void)action;
	sbi_arch_clear_vssip();
	return (struct sbiret){ SBI_SUCCESS, 0 };
}

static struct sbiret legacy_shutdown(const struct sbi_caller *c, const unsigned long *a,
				     enum sbi_action *action)
{
	unsigned long args[2] = { SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE };

	(void)a;
	return sbi_srst_call(c, SBI_EXT_SRST, 0, args, action);
}

/* The legacy calls offered, by extension id; the others are not supported. */
static const legacy_fn legacy_calls[SBI_EXT_LEGACY_LAST - SBI_EXT_LEGACY_FIRST + 1] = {
	[SBI_EXT_LEGACY_SET_TIMER] = legacy_set_timer,
	[SBI_EXT_LEGACY_CONSOLE_PUTCHAR] = legacy_putchar,
	[SBI_EXT_LEGACY_CONSOLE_GETCHAR] = legacy_getchar,
	[SBI_EXT_LEGACY_CLEAR_IPI] = legacy_clear_ipi,
	[SBI_EXT_LEGACY_SHUTDOWN] = legacy_shutdown,
};

bool sbi_legacy_has(unsigned long ext)
{
	return ext - SBI_EXT_LEGACY_FIRST <= SBI_EXT_LEGACY_LAST - SBI_EXT_LEGACY_FIRST &&
	       legacy_calls[ext - SBI_EXT_LEGACY_FIRST];
}

struct sbiret sbi_legacy_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			      const unsigned long *a, enum sbi_action *action)
{
	(void)fid;
	if (!sbi_legacy_has(ext))
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	return legacy_calls[ext - SBI_EXT_LEGACY_FIRST](c, a, action);
}
