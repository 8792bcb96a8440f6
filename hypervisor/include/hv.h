/* SPDX-License-Identifier: GPL-2.0 */
/* The hypervisor's state: harts, cells and the machine (arch/riscv). */
#ifndef BULKHEAD_HV_H
#define BULKHEAD_HV_H

#include <stdbool.h>
#include <stdint.h>

#include <bulkhead/config.h>
#include <bulkhead/hypercall.h>

#include "console_ring.h"
#include "control.h"
#include "irqchip.h"
#include "irq_lines.h"
#include "gstage.h"
#include "pool.h"
#include "spinlock.h"
#include "vplic.h"

#define HV_MAX_HARTS  BH_MAX_HARTS
#define HV_STACK_SIZE 0x4000
#define HV_PAGE_SIZE  0x1000UL

/* HSM states, as SBI numbers them. */
enum hart_state {
	HART_STARTED = 0,
	HART_STOPPED = 1,
	HART_START_PENDING = 2,
};

/* Requests one hart leaves in another's mailbox before it sends an IPI. */
#define MSG_VSSIP (1U << 0) /* raise the guest's software interrupt */
#define MSG_VSEIP (1U << 1) /* re-read the guest's external interrupt level */
#define MSG_START (1U << 2) /* a parked hart: start the guest at start_addr */
#define MSG_STOP  (1U << 3) /* stop the guest and park (cell shutdown or failure) */

#include "cell.h"

/*
 * What the hart's trap CSRs said at a guest's exit. stval, htval and htinst
 * are read for exceptions other than an ecall (interrupts and ecalls report
 * nothing there); for those exits they hold what an earlier exit left.
 */
struct trap_info {
	unsigned long cause;	/* scause */
	unsigned long stval;	/* the guest-virtual address, or the instruction */
	unsigned long htval;	/* guest-physical address >> 2 of a guest-page fault */
	unsigned long htinst;	/* the transformed instruction, or 0 */
};

struct hart {
	uint64_t regs[32];	/* the guest's x0..x31, saved at every exit */
	uint64_t stack_top;	/* the hypervisor's stack for this hart */
	uint64_t id;
	struct cell *cell;
	bool present;
	spinlock_t hsm_lock;		/* state, start_addr, start_arg */
	volatile uint32_t state;	/* enum hart_state */
	volatile uint32_t mailbox;	/* MSG_* bits, set by other harts */
	uint64_t start_addr, start_arg;
	unsigned int plic_context;	/* physical S-mode context */
	/* The trap's sepc, sstatus and hstatus: handlers change these, not the CSRs. */
	uint64_t sepc, sstatus, hstatus;
	/* Why the guest exited, read once at the exit (hv_trap); handlers read this. */
	struct trap_info trap;
	/* Set when a guest-memory access by the hypervisor faulted. */
	bool fixup_hit;
	/* The root's own supervisor settings on this hart, given back with the hart. */
	uint64_t root_senvcfg, root_scounteren, root_henvcfg;
	struct bh_cpu_stats stats;
};

struct hypervisor {
	spinlock_t lock;
	const struct bh_system_config *config;
	uint64_t region_phys, region_size, image_end;
	struct page_pool pool;
	unsigned int gstage_mode;
	struct cell root;
	struct cell *cells[HV_MAX_CELLS];	/* by id; cells[0] is &root */
	struct hart harts[HV_MAX_HARTS];
	uint64_t harts_active;		/* harts the hypervisor runs now */
	unsigned int num_cells;
	spinlock_t console_lock;
	struct console_ring console;
	bool decode_by_fetch;		/* BH_OPT_DECODE_BY_FETCH */
	uint64_t mmio_fetch_decodes;
};

extern struct hypervisor hv;

static inline struct hart *this_hart(void)
{
	struct hart *h;

	__asm__ __volatile__("mv %0, tp" : "=r"(h));
	return h;
}

/* console.c */
void hv_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_console_putc(char c);

/* firmware calls (SBI to M-mode) */
struct sbiret;
void fw_send_ipi(uint64_t harts);
void fw_putchar(char c);

/* irqchip glue: hooks of the cells' vPLICs */
extern const struct vplic_hooks hv_vplic_hooks;
/* The guest's PLIC window: registered with each cell (mmio_register), backed by its vPLIC. */
extern const struct mmio_ops vplic_mmio_ops;
void hart_update_vseip(struct hart *h);

/* irqchip.c: the hart mailbox */
void hart_post(struct hart *target, uint32_t msg);
void hart_handle_mailbox(struct hart *h);

/* trap.c, mmio.c, inject.c */
struct hart *hv_trap(struct hart *h);
void mmio_guest_page_fault(struct hart *h, const struct trap_info *trap);
void inject_exception(struct hart *h, unsigned long cause, unsigned long tval);
void hypercall(struct hart *h);

/* entry/exit and fences (asm) */
void hfence_gvma_all(void);
void hfence_vvma_all(void);
unsigned long guest_fetch_halfword(unsigned long vaddr);
void hv_trap_vector(void);
void hv_resume_guest(struct hart *h) __attribute__((noreturn));
void hv_return_native(struct hart *h, uint64_t landing, uint64_t satp)
	__attribute__((noreturn));

/* hsm.c */
void hart_park(struct hart *h) __attribute__((noreturn));

/* hart_state.c: what a hart's new owner finds */
void hart_save_root_supervisor(struct hart *h);
void hart_reset_guest_state(struct hart *h, const struct cell *owner);

/* stats */
static inline void count_exit(struct hart *h, enum bh_exit_reason reason)
{
	h->stats.exits[reason]++;
	h->stats.exits_total++;
}

/* leave.c */
void hart_leave(struct hart *h, uint64_t landing) __attribute__((noreturn));

#endif
