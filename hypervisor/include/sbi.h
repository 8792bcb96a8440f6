/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SBI as the hypervisor implements it for its guests: the dispatcher and one
 * handler per extension live in core/ and compile for the host too; what
 * touches the hardware goes through the sbi_arch_*() hooks (arch/riscv/ on
 * the board, mocks in the host tests).
 */
#ifndef BULKHEAD_SBI_H
#define BULKHEAD_SBI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bulkhead/hypercall.h>

#define SBI_SPEC_VERSION ((2UL << 24) | 0) /* 2.0: DBCN is in it */
#define SBI_IMPL_ID_BULKHEAD 0x4248 /* "BH" */
#define SBI_IMPL_VERSION 1

/* SBI v0.1: extension ids 0x00..0x0F, one function each. */
#define SBI_EXT_LEGACY_FIRST		0x00
#define SBI_EXT_LEGACY_LAST		0x0F
#define SBI_EXT_LEGACY_SET_TIMER	0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR	0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR	0x02
#define SBI_EXT_LEGACY_CLEAR_IPI	0x03
#define SBI_EXT_LEGACY_SHUTDOWN		0x08
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45
#define SBI_EXT_IPI    0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM    0x48534D
#define SBI_EXT_SRST   0x53525354
#define SBI_EXT_DBCN   0x4442434E

#define SBI_SUCCESS		0
#define SBI_ERR_FAILED		-1
#define SBI_ERR_NOT_SUPPORTED	-2
#define SBI_ERR_INVALID_PARAM	-3
#define SBI_ERR_DENIED		-4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8

/* BASE function ids */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID	  1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXT	  3
#define SBI_BASE_GET_MVENDORID	  4
#define SBI_BASE_GET_MARCHID	  5
#define SBI_BASE_GET_MIMPID	  6

/* RFENCE function ids */
#define SBI_RFENCE_FENCE_I	      0
#define SBI_RFENCE_SFENCE_VMA	      1
#define SBI_RFENCE_SFENCE_VMA_ASID    2
#define SBI_RFENCE_HFENCE_GVMA_VMID   3
#define SBI_RFENCE_HFENCE_VVMA_ASID   5
#define SBI_RFENCE_HFENCE_VVMA	      6

/* HSM */
#define SBI_HSM_HART_START	0
#define SBI_HSM_HART_STOP	1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND	3
#define SBI_HSM_STARTED		0
#define SBI_HSM_STOPPED		1
#define SBI_HSM_START_PENDING	2
#define SBI_HSM_STOP_PENDING	3
#define SBI_HSM_SUSPEND_DEFAULT_RETENTIVE     0x00000000U
#define SBI_HSM_SUSPEND_DEFAULT_NON_RETENTIVE 0x80000000U

/* SRST */
#define SBI_SRST_SHUTDOWN    0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE	       0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

/* DBCN */
#define SBI_DBCN_WRITE	    0
#define SBI_DBCN_READ	    1
#define SBI_DBCN_WRITE_BYTE 2
/* The most one DBCN write prints; the guest gets a partial write beyond it. */
#define SBI_DBCN_WRITE_MAX  256

struct sbiret {
	long error;
	long value;
};

/* Who is calling: one hart of one cell. */
struct sbi_caller {
	unsigned long hart;	/* hart id of the calling hart */
	uint64_t cell_harts;	/* the harts of its cell */
	void *cell;		/* opaque, handed back to the hooks */
};

/* What the dispatcher asks the arch code to do after the call returns. */
enum sbi_action {
	SBI_ACTION_RESUME,	/* write a0/a1, skip the ecall */
	SBI_ACTION_STOP_HART,	/* HSM hart_stop succeeded: park this hart */
	SBI_ACTION_RESET,	/* SRST for a non-root cell: stop the cell */
	SBI_ACTION_SUSPEND,	/* HSM retentive suspend: wait for an interrupt, then resume */
};

struct sbi_result {
	struct sbiret ret;
	enum sbi_action action;
};

/*
 * A guest's SBI call: every handler takes the same arguments. ext is the
 * extension id the guest named (for ranges of several ids), action what the
 * arch code must do after writing the result (SBI_ACTION_RESUME unless set).
 */
typedef struct sbiret (*sbi_handler_fn)(const struct sbi_caller *c, unsigned long ext,
					unsigned long fid, const unsigned long *a,
					enum sbi_action *action);

/*
 * One implemented extension, or one range of extension ids served by one
 * handler (the legacy calls). The table of these (sbi.c) is the only list of
 * what the hypervisor implements: BASE's probe, the dispatcher and the exit
 * counters all read it.
 */
struct sbi_extension {
	unsigned long first, last;	 /* extension ids, inclusive */
	enum bh_exit_reason exit_reason; /* the counter a call to it adds to */
	sbi_handler_fn call;
	/* Which ids of the range are implemented; NULL: all of them. */
	bool (*has)(unsigned long ext);
};

extern const struct sbi_extension sbi_extensions[];
extern const unsigned int sbi_num_extensions;

/* The entry that implements ext, or NULL (a call to it is not supported). */
const struct sbi_extension *sbi_find_extension(unsigned long ext);

/* The exit counter of a call to e (from sbi_find_extension(), may be NULL). */
static inline enum bh_exit_reason sbi_exit_reason_of(const struct sbi_extension *e)
{
	return e ? e->exit_reason : BH_EXIT_SBI_OTHER;
}

/* Runs a call to ext through e, which sbi_find_extension(ext) returned. */
void sbi_call_extension(const struct sbi_extension *e, const struct sbi_caller *c,
			unsigned long ext, unsigned long fid, const unsigned long args[6],
			struct sbi_result *out);

/* Both of the above. */
void sbi_dispatch(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
		  const unsigned long args[6], struct sbi_result *out);
/* For the host tests: the counter sbi_dispatch() of ext would count under. */
enum bh_exit_reason sbi_exit_reason(unsigned long ext);

/* Per extension handlers, listed in sbi_extensions[]. */
struct sbiret sbi_base_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_time_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_ipi_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			   const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_rfence_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			      const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_hsm_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			   const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_srst_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_dbcn_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			    const unsigned long *a, enum sbi_action *action);
struct sbiret sbi_legacy_call(const struct sbi_caller *c, unsigned long ext, unsigned long fid,
			      const unsigned long *a, enum sbi_action *action);
/* The legacy ids (of 0x00..0x0F) that sbi_legacy_call() implements. */
bool sbi_legacy_has(unsigned long ext);

/*
 * Hart masks as the SBI spec defines them: hart_mask_base == -1 means all
 * harts (of the caller's cell here). Returns SBI_SUCCESS and the mask of
 * harts named, or SBI_ERR_INVALID_PARAM if it names a hart outside the
 * caller's cell (nothing may be sent then).
 */
long sbi_resolve_hart_mask(const struct sbi_caller *c, unsigned long mask, unsigned long base,
			   uint64_t *harts);

/* ---- hooks the arch code (or a host test) provides ---- */
struct sbiret sbi_arch_firmware_call(unsigned long ext, unsigned long fid, unsigned long a0,
				     unsigned long a1, unsigned long a2, unsigned long a3,
				     unsigned long a4, unsigned long a5);
void sbi_arch_set_guest_timer(uint64_t stime);
void sbi_arch_send_vssip(const struct sbi_caller *c, uint64_t harts);
void sbi_arch_clear_vssip(void);
/* Run a remote fence on harts (all in the caller's cell); fid is an RFENCE id. */
long sbi_arch_remote_fence(const struct sbi_caller *c, uint64_t harts, unsigned long fid,
			   unsigned long start, unsigned long size, unsigned long asid);
int sbi_arch_hart_status(const struct sbi_caller *c, unsigned long hart);
long sbi_arch_hart_start(const struct sbi_caller *c, unsigned long hart, unsigned long addr,
			 unsigned long opaque);
bool sbi_arch_is_root(const struct sbi_caller *c);
/* Whether the caller's cell may run code at guest-physical gpa (HSM start addresses). */
bool sbi_arch_guest_can_execute(const struct sbi_caller *c, uint64_t gpa);
/* Copy bytes the guest named by guest-physical address; false if not all in its memory. */
bool sbi_arch_read_guest(const struct sbi_caller *c, uint64_t gpa, void *dst, unsigned long len);
/*
 * Write len bytes of src to the guest at guest-physical gpa: all of them, or
 * nothing and false if not all of it is the guest's writable memory. With src
 * NULL only the check is made.
 */
bool sbi_arch_write_guest(const struct sbi_caller *c, uint64_t gpa, const void *src,
			  unsigned long len);
void sbi_arch_console_write(const struct sbi_caller *c, const char *s, unsigned long len);
/* One byte of console input for the caller, or -1 if none is waiting. */
long sbi_arch_console_getchar(const struct sbi_caller *c);

#endif
