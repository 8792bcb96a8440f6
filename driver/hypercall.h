/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercalls of the root cell: SBI calls of the Bulkhead extension. */
#ifndef BULKHEAD_DRIVER_HYPERCALL_H
#define BULKHEAD_DRIVER_HYPERCALL_H

#include <linux/errno.h>
#include <asm/sbi.h>

#include "bulkhead.h" /* BH_HC_EXT and the hypercall numbers */

/* An SBI error as a negative errno value a user may see (0 stays 0). */
static inline long bh_sbi_errno(long sbi_err)
{
	long err;

	if (!sbi_err)
		return 0;
	err = sbi_err_map_linux_errno((int)sbi_err);
	/* ENOTSUPP is kernel-internal; user space knows EOPNOTSUPP. */
	return err == -ENOTSUPP ? -EOPNOTSUPP : err;
}

/*
 * Calls hypercall fid (enum bh_hypercall) with arguments a0..a2. Returns 0 or
 * a negative errno value mapped from the SBI error; *value (if not NULL)
 * gets the SBI value. Only valid while this hart is a guest of the
 * hypervisor: natively, the SBI firmware answers "not supported".
 */
static inline long bh_hypercall(unsigned long fid, unsigned long arg0, unsigned long arg1,
				unsigned long arg2, unsigned long *value)
{
	register unsigned long a0 asm("a0") = arg0;
	register unsigned long a1 asm("a1") = arg1;
	register unsigned long a2 asm("a2") = arg2;
	register unsigned long a6 asm("a6") = fid;
	register unsigned long a7 asm("a7") = BH_HC_EXT;

	asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
	if (value)
		*value = a1;
	return bh_sbi_errno((long)a0);
}

#endif /* BULKHEAD_DRIVER_HYPERCALL_H */
