// SPDX-License-Identifier: GPL-2.0
/*
 * SBI v0.1 calls still in use: the console (early consoles, hvc), timer,
 * clear_ipi and shutdown. The mask-pointer IPI and fence calls are left out:
 * every guest that has them also has the IPI and RFENCE extensions.
 */
#include "sbi.h"

struct sbiret sbi_legacy_call(const struct sbi_caller *c, unsigned long ext,
			      const unsigned long *a, enum sbi_action *action)
{
	char ch;

	switch (ext) {
	case SBI_EXT_LEGACY_SET_TIMER:
		sbi_arch_set_guest_timer(a[0]);
		return (struct sbiret){ SBI_SUCCESS, 0 };
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
		ch = (char)a[0];
		sbi_arch_console_write(c, &ch, 1);
		return (struct sbiret){ SBI_SUCCESS, 0 };
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
		/* Legacy calls return their value in a0. */
		return (struct sbiret){ sbi_arch_console_getchar(c), 0 };
	case SBI_EXT_LEGACY_CLEAR_IPI:
		sbi_arch_clear_vssip();
		return (struct sbiret){ SBI_SUCCESS, 0 };
	case SBI_EXT_LEGACY_SHUTDOWN: {
		unsigned long args[2] = { SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE };

		return sbi_srst_call(c, 0, args, action);
	}
	default:
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}
