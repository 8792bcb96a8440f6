// SPDX-License-Identifier: GPL-2.0
/*
 * SBI RFENCE. A guest's sfence.vma request is about its own (VS-stage)
 * translations, so it becomes an hfence.vvma on the target harts; the
 * hypervisor-level fences are not offered to guests.
 */
#include "sbi.h"

struct sbiret sbi_rfence_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			      const unsigned long *a, enum sbi_action *action)
{
	uint64_t harts;
	long err;

	(void)ext;
	(void)action;

	switch (fid) {
	case SBI_RFENCE_FENCE_I:
	case SBI_RFENCE_SFENCE_VMA:
	case SBI_RFENCE_SFENCE_VMA_ASID:
		break;
	default:
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	}
	err = sbi_resolve_hart_mask(c, a[0], a[1], &harts);
	if (err)
		return (struct sbiret){ err, 0 };
	if (!harts)
		return (struct sbiret){ SBI_SUCCESS, 0 };
	return (struct sbiret){ sbi_arch_remote_fence(c, harts, fid, a[2], a[3], a[4]), 0 };
}
