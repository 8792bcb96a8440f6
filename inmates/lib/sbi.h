/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* SBI calls an inmate makes to the hypervisor: ecall with a7 = extension, a6 = function. */
#ifndef INMATE_SBI_H
#define INMATE_SBI_H

#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE	       0x10
#define SBI_EXT_IPI	       0x735049
#define SBI_EXT_RFENCE	       0x52464e43
#define SBI_EXT_HSM	       0x48534d
#define SBI_EXT_SRST	       0x53525354
#define SBI_EXT_DBCN	       0x4442434e

#define SBI_BASE_PROBE_EXT 3

#define SBI_HSM_HART_START	0
#define SBI_HSM_HART_GET_STATUS 2

#define SBI_RFENCE_FENCE_I    0
#define SBI_RFENCE_SFENCE_VMA 1

#define SBI_SRST_SHUTDOWN    0
#define SBI_SRST_REASON_NONE 0

#define SBI_DBCN_WRITE 0
#define SBI_DBCN_READ  1

#define SBI_SUCCESS	      0
#define SBI_ERR_INVALID_PARAM -3

/* HSM hart states (hart_get_status values). */
#define SBI_HSM_STARTED		0
#define SBI_HSM_STOPPED		1
#define SBI_HSM_START_PENDING	2
#define SBI_HSM_STOP_PENDING	3
#define SBI_HSM_SUSPENDED	4
#define SBI_HSM_SUSPEND_PENDING 5
#define SBI_HSM_RESUME_PENDING	6

struct sbi_ret {
	long error; /* SBI_SUCCESS or a negative SBI error code */
	long value;
};

struct sbi_ret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5);

/* Legacy (v0.1) calls return only an error code, in a0. */
long sbi_legacy_call(unsigned long ext, unsigned long a0);

/* BASE probe_extension: non-zero if the extension is there. */
long sbi_probe_extension(unsigned long ext);

/* HSM */
struct sbi_ret sbi_hart_start(unsigned long hart, unsigned long start_addr, unsigned long opaque);
struct sbi_ret sbi_hart_get_status(unsigned long hart);
const char *sbi_hsm_state_name(long state);

/* IPI and RFENCE, with hart_mask / hart_mask_base as the spec defines them. */
struct sbi_ret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbi_ret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbi_ret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
				     unsigned long start, unsigned long size);

/* SRST shutdown: for a cell, the hypervisor ends the cell. Returns only on failure. */
struct sbi_ret sbi_shutdown(void);

#endif /* INMATE_SBI_H */
