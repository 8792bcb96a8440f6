// SPDX-License-Identifier: GPL-2.0
/* SBI IPI: only to harts of the caller's own cell; anything else is refused whole. */
#include "sbi.h"

struct sbiret sbi_ipi_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			   const unsigned long *a, enum sbi_action *action)
{
	uint64_t harts;
	long err;

	(void)ext;
	(void)action;

	if (fid != 0)
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	err = sbi_resolve_hart_mask(c, a[0], a[1], &harts);
	if (err)
		return (struct sbiret){ err, 0 };
	if (harts)
		sbi_arch_send_vssip(c, harts);
	return (struct sbiret){ SBI_SUCCESS, 0 };
}
