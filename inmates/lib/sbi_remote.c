// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* SBI calls aimed at other harts: IPI and remote fences. */
#include "sbi.h"

struct sbi_ret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0, 0, 0);
}

struct sbi_ret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, hart_mask, hart_mask_base, 0, 0, 0, 0);
}

struct sbi_ret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
				     unsigned long start, unsigned long size)
{
	return sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, hart_mask, hart_mask_base, start,
			size, 0, 0);
}
