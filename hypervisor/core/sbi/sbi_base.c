// SPDX-License-Identifier: GPL-2.0
/* SBI BASE: answered by the hypervisor, machine ids passed through from the firmware. */
#include "sbi.h"

struct sbiret sbi_base_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action)
{
	(void)c;
	(void)ext;
	(void)action;
	switch (fid) {
	case SBI_BASE_GET_SPEC_VERSION:
		return (struct sbiret){ SBI_SUCCESS, (long)SBI_SPEC_VERSION };
	case SBI_BASE_GET_IMPL_ID:
		return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_ID_BULKHEAD };
	case SBI_BASE_GET_IMPL_VERSION:
		return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_VERSION };
	case SBI_BASE_PROBE_EXT:
		return (struct sbiret){ SBI_SUCCESS, sbi_find_extension(a[0]) ? 1 : 0 };
	case SBI_BASE_GET_MVENDORID:
	case SBI_BASE_GET_MARCHID:
	case SBI_BASE_GET_MIMPID: {
		struct sbiret r = sbi_arch_firmware_call(SBI_EXT_BASE, fid, 0, 0, 0, 0, 0, 0);

		/* BASE calls cannot fail, and 0 is always a legal value for these CSRs. */
		if (r.error)
			r = (struct sbiret){ SBI_SUCCESS, 0 };
		return r;
	}
	default:
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
}
