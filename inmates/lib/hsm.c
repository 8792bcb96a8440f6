// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* SBI HSM: starting the cell's other harts and asking for their state. */
#include "sbi.h"

struct sbi_ret sbi_hart_start(unsigned long hart, unsigned long start_addr, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hart, start_addr, opaque, 0, 0, 0);
}

struct sbi_ret sbi_hart_get_status(unsigned long hart)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0, 0, 0, 0);
}

const char *sbi_hsm_state_name(long state)
{
	switch (state) {
	case SBI_HSM_STARTED:
		return "started";
	case SBI_HSM_STOPPED:
		return "stopped";
	case SBI_HSM_START_PENDING:
		return "start pending";
	case SBI_HSM_STOP_PENDING:
		return "stop pending";
	case SBI_HSM_SUSPENDED:
		return "suspended";
	case SBI_HSM_SUSPEND_PENDING:
		return "suspend pending";
	case SBI_HSM_RESUME_PENDING:
		return "resume pending";
	default:
		return "unknown";
	}
}
