// SPDX-License-Identifier: GPL-2.0
/*
 * SBI HSM. The hypervisor keeps the harts: a stopped hart is parked in the
 * hypervisor, not in the firmware, so it can only be started again by its
 * own cell.
 */
#include "sbi.h"

static bool hart_in_cell(const struct sbi_caller *c, unsigned long hart)
{
	return hart < 64 && ((c->cell_harts >> hart) & 1);
}

static bool is_default_suspend_type(uint32_t type)
{
	return type == SBI_HSM_SUSPEND_DEFAULT_RETENTIVE ||
	       type == SBI_HSM_SUSPEND_DEFAULT_NON_RETENTIVE;
}

struct sbiret sbi_hsm_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			   const unsigned long *a, enum sbi_action *action)
{
	(void)ext;
	switch (fid) {
	case SBI_HSM_HART_START:
		if (!hart_in_cell(c, a[0]))
			return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
		/* The spec's answer, rather than a hart that faults on its first fetch. */
		if (!sbi_arch_guest_can_execute(c, a[1]))
			return (struct sbiret){ SBI_ERR_INVALID_ADDRESS, 0 };
		return (struct sbiret){ sbi_arch_hart_start(c, a[0], a[1], a[2]), 0 };
	case SBI_HSM_HART_STOP:
		*action = SBI_ACTION_STOP_HART;
		return (struct sbiret){ SBI_SUCCESS, 0 };
	case SBI_HSM_HART_GET_STATUS:
		if (!hart_in_cell(c, a[0]))
			return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
		return (struct sbiret){ SBI_SUCCESS, sbi_arch_hart_status(c, a[0]) };
	case SBI_HSM_HART_SUSPEND:
		/*
		 * The default retentive state: the hart waits for an interrupt
		 * and returns with everything kept, which is what Linux's SBI
		 * cpuidle asks for. Non-retentive suspend is not offered; the
		 * spec still wants reserved and platform types told apart.
		 */
		if ((uint32_t)a[0] == SBI_HSM_SUSPEND_DEFAULT_RETENTIVE) {
			*action = SBI_ACTION_SUSPEND;
			return (struct sbiret){ SBI_SUCCESS, 0 };
		}
		if (is_default_suspend_type((uint32_t)a[0]))
			return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
		return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
	default:
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}
