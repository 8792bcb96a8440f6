/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The interface between the Bulkhead driver and the hypervisor: how a hart
 * enters the hypervisor (enable), and the hypercalls the root cell makes
 * afterwards (SBI calls of a firmware-specific extension).
 * Compiled into the Linux module, the hypervisor and host tools.
 */
#ifndef BULKHEAD_HYPERCALL_H
#define BULKHEAD_HYPERCALL_H

#include "layout.h"

/* Bumped on any change of this file's structures or call numbers. */
#define BH_ABI_VERSION 3

/*
 * Offsets in struct bh_enter_args used by assembly (the driver's trampoline,
 * the hypervisor's head.S); checked against the structure below.
 */
#define BH_ENTER_ARGS_HART_ID	    0
#define BH_ENTER_ARGS_LINUX_STVEC   40
#define BH_ENTER_ARGS_LINUX_SATP    48
#define BH_ENTER_ARGS_NATIVE_RETURN 56
#define BH_ENTER_ARGS_RESULT	    72
#define BH_ENTER_ARGS_SIZE	    128

/* Hypercalls: ecall with a7 = BH_HC_EXT, a6 = function, a0..a5 = arguments. */
#define BH_HC_EXT BH_UL(0x0A42484B) /* in the SBI firmware-specific range: 0x0A, "BHK" */

/*
 * Leave the hypervisor on this hart: a0 = virtual address (4-byte aligned)
 * where the hart goes on natively, in HS-mode with the guest's satp. The last
 * hart to leave frees the hypervisor.
 */
#define BH_HC_DISABLE 0
/* a0 = guest-physical address of a struct bh_hv_info to fill. */
#define BH_HC_GET_INFO 1
/* a0 = hart id, a1 = guest-physical address of a struct bh_cpu_stats to fill. */
#define BH_HC_CPU_STATS 2
/*
 * a0 = guest-physical buffer, a1 = its size, a2 = read position. Fills a
 * struct bh_console_chunk header followed by up to size - header bytes of the
 * hypervisor console from that position on.
 */
#define BH_HC_CONSOLE_READ 3
/*
 * Cells. CREATE: a0 = guest-physical address of a cell config (struct
 * bh_cell_desc + regions), a1 = its size; the cell's harts must be stopped
 * (offline in Linux) and belong to the root. Returns the new cell's id in a1.
 * The others take a0 = cell id.
 */
#define BH_HC_CELL_CREATE 4
#define BH_HC_CELL_START 5    /* the cell's first hart starts at its entry */
#define BH_HC_CELL_SHUTDOWN 6 /* stop all its harts; it may be loaded and started again */
#define BH_HC_CELL_DESTROY 7  /* memory, lines and (stopped) harts go back to the root */
/* a0 = cell id, a1 = guest-physical address of a struct bh_cell_status to fill. */
#define BH_HC_CELL_STATUS 8
/* a0 = cell id, a1 = buffer, a2 = size, a3 = position: like BH_HC_CONSOLE_READ. */
#define BH_HC_CELL_CONSOLE_READ 9
/* a0 = enum bh_option, a1 = its new value. */
#define BH_HC_SET_OPTION 10
/*
 * a0 = cell id, a1 = guest-physical buffer, a2 = its length: console input
 * for the cell (SBI getchar, DBCN read). Returns in a1 how many bytes its
 * input buffer took; the rest is for a later call.
 */
#define BH_HC_CELL_CONSOLE_WRITE 11
/*
 * Interrupt latency of a cell's lines (the root is cell 0): a0 = cell id,
 * a1 = guest-physical buffer, a2 = its size, a3 = index of the first line
 * wanted, a4 = BH_LATENCY_* flags. Fills a struct bh_latency_header and as
 * many struct bh_latency_line after it as fit; returns the number of lines
 * the cell tracks in a1.
 */
#define BH_HC_CELL_LATENCY 12
#define BH_LATENCY_RESET   1U /* clear every line's figures after the copy */

#ifndef __ASSEMBLER__
#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/*
 * Enable: every online hart runs the driver's trampoline with interrupts off.
 * The trampoline sets stvec to the hypervisor's entry (physical) and turns
 * translation off; the fetch of its next instruction faults into the
 * hypervisor in HS-mode with translation off, sepc holding the address where
 * Linux goes on (as a guest, in VS-mode). Registers on entry:
 *   a0 = hart id, a1 = physical address of this hart's struct bh_enter_args.
 * On success the hart returns to sepc in VS-mode with args->result = 0; on
 * failure it returns in HS-mode to args->native_return with Linux's satp and
 * args->result < 0 (a negative errno value).
 */
struct bh_enter_args {
	uint64_t hart_id;
	uint64_t region_phys;	 /* hypervisor region base: the image is loaded here */
	uint64_t region_size;
	uint64_t config_phys;	 /* the system config, copied into the region */
	uint64_t config_size;
	uint64_t linux_stvec;	 /* restored when the hart returns natively */
	uint64_t linux_satp;
	uint64_t native_return;	 /* virtual address, 4-byte aligned */
	uint64_t num_harts;	 /* harts taking part in this enable */
	int64_t result;		 /* written by the hypervisor */
	uint64_t reserved[6];
};

enum bh_option {
	/*
	 * 1: ignore htinst and decode every emulated access from the guest's
	 * instruction, fetched with HLVX, as on cores that leave htinst 0.
	 */
	BH_OPT_DECODE_BY_FETCH = 0,
};

enum bh_cell_state {
	BH_CELL_STOPPED = 0,	/* created (and maybe loaded), not started */
	BH_CELL_RUNNING = 1,
	BH_CELL_SHUT_DOWN = 2,	/* shut down by the root, or by itself through SBI SRST */
	BH_CELL_FAILED = 3,	/* stopped by the hypervisor: see reason */
};

#define BH_CELL_STATE_NAMES_INIT { "stopped", "running", "shut down", "failed" }

/* bh_cell_status.flags */
#define BH_CELL_MEMORY_IN_ROOT (1U << 0) /* its loadable regions are the root's to load */

struct bh_cell_status {
	uint32_t state;		/* enum bh_cell_state */
	uint32_t flags;		/* BH_CELL_MEMORY_IN_ROOT */
	uint64_t cpu_set;
	char reason[128];	/* why it failed, NUL-terminated; empty otherwise */
};

struct bh_hv_info {
	uint32_t abi_version;
	uint32_t num_cells;
	uint64_t harts;		/* bitmap of the harts the hypervisor runs on */
	uint64_t mem_total;	/* bytes of the hypervisor region */
	uint64_t mem_used;	/* bytes of it in use: image + allocations */
	uint64_t console_head;	/* total bytes ever written to the console */
	uint64_t mmio_fetch_decodes; /* emulated accesses decoded from a fetched instruction */
	uint64_t decode_by_fetch;    /* BH_OPT_DECODE_BY_FETCH */
	uint64_t reserved[1];
};

/* Why a hart left the guest for the hypervisor. Names for sysfs: bh_exit_names. */
enum bh_exit_reason {
	BH_EXIT_IRQ_TIMER,	/* supervisor timer interrupt at HS */
	BH_EXIT_IRQ_SOFTWARE,	/* supervisor software interrupt (IPI) at HS */
	BH_EXIT_IRQ_EXTERNAL,	/* PLIC interrupt at HS */
	BH_EXIT_SBI_TIME,
	BH_EXIT_SBI_IPI,
	BH_EXIT_SBI_RFENCE,
	BH_EXIT_SBI_HSM,
	BH_EXIT_SBI_CONSOLE,	/* DBCN */
	BH_EXIT_SBI_OTHER,	/* BASE, SRST, all legacy (v0.1) calls, unknown extensions */
	BH_EXIT_HYPERCALL,
	BH_EXIT_MMIO,		/* emulated device access (the PLIC window) */
	BH_EXIT_GUEST_FAULT,	/* access outside the cell's memory: fault injected */
	BH_EXIT_VIRTUAL_INSN,
	BH_EXIT_OTHER,
	BH_EXIT_DOORBELL,	/* access to a link end's doorbell page (docs/shared-memory.md) */
	BH_EXIT_NUM
};

#define BH_EXIT_NAMES_INIT                                                                         \
	{                                                                                          \
		"irq_timer", "irq_software", "irq_external", "sbi_time", "sbi_ipi", "sbi_rfence", \
			"sbi_hsm", "sbi_console", "sbi_other", "hypercall", "mmio",                \
			"guest_fault", "virtual_insn", "other", "doorbell"                         \
	}

struct bh_cpu_stats {
	uint64_t exits[BH_EXIT_NUM];
	uint64_t exits_total;
};

/*
 * Latency of one line, in ticks of the time CSR (BH_LATENCY_BUCKETS log2
 * buckets: bucket 0 counts 0 ticks, bucket b >= 1 counts 2^(b-1) .. 2^b - 1,
 * the last one everything above). "to_claim": from the interrupt's arrival at
 * HS (or a doorbell's ring) to the guest's claim returning it; "to_complete":
 * from that claim to the guest's complete of it.
 */
#define BH_LATENCY_BUCKETS 32

struct bh_latency_line {
	uint32_t line;
	uint32_t reserved;
	uint64_t claims;    /* samples of to_claim */
	uint64_t completes; /* samples of to_complete */
	uint64_t max_to_claim;
	uint64_t max_to_complete;
	uint32_t to_claim[BH_LATENCY_BUCKETS];
	uint32_t to_complete[BH_LATENCY_BUCKETS];
};

struct bh_latency_header {
	uint64_t timebase_frequency; /* Hz of the time CSR */
	uint32_t num_lines;	     /* lines the cell tracks: those of its config */
	uint32_t first;		     /* index of the first line copied */
	uint32_t count;		     /* struct bh_latency_line copied after this header */
	uint32_t reserved;
};

struct bh_console_chunk {
	uint64_t start;	 /* position of the first byte copied (older bytes were overwritten) */
	uint64_t length; /* bytes copied after this header */
	uint64_t head;	 /* position after the newest byte */
};

/* Layouts are ABI between the driver, the hypervisor and hvctl. */
BH_CHECK_SIZE(struct bh_enter_args, BH_ENTER_ARGS_SIZE);
BH_CHECK_OFFSET(struct bh_enter_args, hart_id, BH_ENTER_ARGS_HART_ID);
BH_CHECK_OFFSET(struct bh_enter_args, region_phys, 8);
BH_CHECK_OFFSET(struct bh_enter_args, config_phys, 24);
BH_CHECK_OFFSET(struct bh_enter_args, linux_stvec, BH_ENTER_ARGS_LINUX_STVEC);
BH_CHECK_OFFSET(struct bh_enter_args, linux_satp, BH_ENTER_ARGS_LINUX_SATP);
BH_CHECK_OFFSET(struct bh_enter_args, native_return, BH_ENTER_ARGS_NATIVE_RETURN);
BH_CHECK_OFFSET(struct bh_enter_args, num_harts, 64);
BH_CHECK_OFFSET(struct bh_enter_args, result, BH_ENTER_ARGS_RESULT);
BH_CHECK_SIZE(struct bh_cell_status, 144);
BH_CHECK_OFFSET(struct bh_cell_status, cpu_set, 8);
BH_CHECK_OFFSET(struct bh_cell_status, reason, 16);
BH_CHECK_SIZE(struct bh_hv_info, 64);
BH_CHECK_OFFSET(struct bh_hv_info, harts, 8);
BH_CHECK_OFFSET(struct bh_hv_info, console_head, 32);
BH_CHECK_OFFSET(struct bh_hv_info, decode_by_fetch, 48);
BH_CHECK_SIZE(struct bh_cpu_stats, 128); /* a new exit reason changes it: bump BH_ABI_VERSION */
BH_CHECK_OFFSET(struct bh_cpu_stats, exits_total, 120);
BH_CHECK_SIZE(struct bh_latency_line, 296);
BH_CHECK_OFFSET(struct bh_latency_line, claims, 8);
BH_CHECK_OFFSET(struct bh_latency_line, max_to_complete, 32);
BH_CHECK_OFFSET(struct bh_latency_line, to_claim, 40);
BH_CHECK_OFFSET(struct bh_latency_line, to_complete, 168);
BH_CHECK_SIZE(struct bh_latency_header, 24);
BH_CHECK_OFFSET(struct bh_latency_header, count, 16);
BH_CHECK_SIZE(struct bh_console_chunk, 24);
BH_CHECK_OFFSET(struct bh_console_chunk, head, 16);

#endif /* !__ASSEMBLER__ */
#endif /* BULKHEAD_HYPERCALL_H */
