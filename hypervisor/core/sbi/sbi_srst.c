// SPDX-License-Identifier: GPL-2.0
/*
 * SBI SRST. The root cell owns the machine, so its reset is the machine's;
 * a cell's reset only ends that cell.
 */
#include "sbi.h"

struct sbiret sbi_srst_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action)
{
	/* Both arguments are uint32_t: the bits above are not part of the call. */
	uint32_t type = (uint32_t)a[0], reason = (uint32_t)a[1];

	(void)ext;

	if (fid != 0)
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	if (type > SBI_SRST_WARM_REBOOT || reason > SBI_SRST_REASON_SYSTEM_FAILURE)
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	if (!sbi_arch_is_root(c)) {
		*action = SBI_ACTION_RESET;
		return (struct sbiret){ SBI_SUCCESS, 0 };
	}
	/* Returns only if the firmware refused. */
	return sbi_arch_firmware_call(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0);
}
