// SPDX-License-Identifier: GPL-2.0
/*
 * SBI TIME. Guests with Sstc program vstimecmp directly and never get here;
 * the call is kept for guests that do not use Sstc, and costs one exit.
 */
#include "sbi.h"

struct sbiret sbi_time_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action)
{
	(void)c;
	(void)ext;
	(void)action;
	if (fid != 0)
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	sbi_arch_set_guest_timer(a[0]);
	return (struct sbiret){ SBI_SUCCESS, 0 };
}
