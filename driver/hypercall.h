/* SPDX-License-Identifier: GPL-2.0 */
/* Hypercalls of the root cell: SBI calls of the Bulkhead extension. */
#ifndef BULKHEAD_DRIVER_HYPERCALL_H
#define BULKHEAD_DRIVER_HYPERCALL_H

#include <linux/errno.h>
#include <asm/sbi.h>

#include "bulkhead.h" /* BH_HC_EXT and the hypercall numbers */

/*
 * An SBI error as a negative errno value a user may see (0 stays 0). The
 * kernel's sbi_err_map_linux_errno() folds FAILURE and the ALREADY_* codes
 * into ENOTSUPP; the cell hypercalls use them, so they keep their meaning here.
 */
static inline long bh_sbi_errno(long sbi_err)
{
	switch (sbi_err) {
	case SBI_SUCCESS:
		return 0;
	case SBI_ERR_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case SBI_ERR_INVALID_PARAM:
		return -EINVAL;
	case SBI_ERR_DENIED:
		return -EPERM;
	case SBI_ERR_INVALID_ADDRESS:
		return -EFAULT;
	case SBI_ERR_ALREADY_AVAILABLE:
		return -EBUSY;
	case SBI_ERR_ALREADY_STARTED:
	case SBI_ERR_ALREADY_STOPPED:
		return -EALREADY;
	default: /* SBI_ERR_FAILURE and codes this driver does not know */
		return -EIO;
	}
}

/*
 * Calls hypercall fid (BH_HC_*) with arguments a0..a4. Returns 0
 * or a negative errno value mapped from the SBI error; *value (if not NULL)
 * gets the SBI value (a1). Only valid while this hart is a guest of the
 * hypervisor: natively, the SBI firmware answers "not supported".
 */
static inline long bh_hypercall5(unsigned long fid, unsigned long arg0, unsigned long arg1,
				 unsigned long arg2, unsigned long arg3, unsigned long arg4,
				 unsigned long *value)
{
	register unsigned long a0 asm("a0") = arg0;
	register unsigned long a1 asm("a1") = arg1;
	register unsigned long a2 asm("a2") = arg2;
	register unsigned long a3 asm("a3") = arg3;
	register unsigned long a4 asm("a4") = arg4;
	register unsigned long a6 asm("a6") = fid;
	register unsigned long a7 asm("a7") = BH_HC_EXT;

	asm volatile("ecall"
		     : "+r"(a0), "+r"(a1)
		     : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7)
		     : "memory");
	if (value)
		*value = a1;
	return bh_sbi_errno((long)a0);
}

static inline long bh_hypercall4(unsigned long fid, unsigned long arg0, unsigned long arg1,
				 unsigned long arg2, unsigned long arg3, unsigned long *value)
{
	return bh_hypercall5(fid, arg0, arg1, arg2, arg3, 0, value);
}

static inline long bh_hypercall(unsigned long fid, unsigned long arg0, unsigned long arg1,
				unsigned long arg2, unsigned long *value)
{
	return bh_hypercall4(fid, arg0, arg1, arg2, 0, value);
}

/*
 * A hypercall made with the hypervisor held in place (hv_lock); -ENODEV when
 * it is not enabled.
 */
static inline long bh_hv_call5(unsigned long fid, unsigned long arg0, unsigned long arg1,
			       unsigned long arg2, unsigned long arg3, unsigned long arg4,
			       unsigned long *value)
{
	long ret = -ENODEV;

	down_read(&bh_driver.hv_lock);
	if (bh_driver.enabled)
		ret = bh_hypercall5(fid, arg0, arg1, arg2, arg3, arg4, value);
	up_read(&bh_driver.hv_lock);
	return ret;
}

static inline long bh_hv_call(unsigned long fid, unsigned long arg0, unsigned long arg1,
			      unsigned long arg2, unsigned long arg3, unsigned long *value)
{
	return bh_hv_call5(fid, arg0, arg1, arg2, arg3, 0, value);
}

#endif /* BULKHEAD_DRIVER_HYPERCALL_H */
