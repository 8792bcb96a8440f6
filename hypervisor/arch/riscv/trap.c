// SPDX-License-Identifier: GPL-2.0
/*
 * Every exit from a guest arrives here (from trap_entry.S): the trap CSRs
 * are read once into the hart, and one switch on the cause hands the exit
 * to its handler (the shape of Linux's arch/riscv/kvm/vcpu_exit.c).
 */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "sbi.h"

void guest_fetch_halfword_insn(void);
void csr_probe_stimecmp_insn(void);
void guest_sbi_call(struct hart *h);

#define INTERRUPT(irq) (CAUSE_IRQ_FLAG | (irq))

/*
 * Read once here; the CSRs' "memory" clobbers keep them apart from the stores.
 * An interrupt or an ecall reports nothing in stval, htval and htinst: they
 * are read for the other exceptions only (the hot exits skip three reads).
 */
static unsigned long capture_trap(struct hart *h)
{
	unsigned long cause = csr_read(CSR_SCAUSE), sepc = csr_read(CSR_SEPC);
	unsigned long sstatus = csr_read(CSR_SSTATUS), hstatus = csr_read(CSR_HSTATUS);

	h->trap.cause = cause;
	h->sepc = sepc;
	h->sstatus = sstatus;
	h->hstatus = hstatus;
	if (!(cause & CAUSE_IRQ_FLAG) && cause != CAUSE_VS_ECALL) {
		unsigned long stval = csr_read(CSR_STVAL), htval = csr_read(CSR_HTVAL);
		unsigned long htinst = csr_read(CSR_HTINST);

		h->trap.stval = stval;
		h->trap.htval = htval;
		h->trap.htinst = htinst;
	}
	return cause;
}

/* Every exit but an ecall: one switch on the cause (Linux's kvm_riscv_vcpu_exit() shape). */
static inline void handle_exit(struct hart *h, const struct trap_info *trap, unsigned long cause)
{
	switch (cause) {
	case INTERRUPT(IRQ_S_EXT):
		count_exit(h, BH_EXIT_IRQ_EXTERNAL);
		irqchip->handle_irq((unsigned int)h->id);
		break;
	case INTERRUPT(IRQ_S_SOFT):
		count_exit(h, BH_EXIT_IRQ_SOFTWARE);
		csr_clear(CSR_SIP, SIP_SSIP);
		hart_handle_mailbox(h);
		break;
	case INTERRUPT(IRQ_S_TIMER):
		/* The hypervisor sets no timer of its own; keep it that way. */
		count_exit(h, BH_EXIT_IRQ_TIMER);
		csr_write(CSR_STIMECMP, ~0UL);
		break;
	case CAUSE_FETCH_GUEST_PAGE_FAULT:
	case CAUSE_LOAD_GUEST_PAGE_FAULT:
	case CAUSE_STORE_GUEST_PAGE_FAULT:
		mmio_guest_page_fault(h, trap);
		break;
	case CAUSE_VIRTUAL_INSN:
		count_exit(h, BH_EXIT_VIRTUAL_INSN);
		inject_exception(h, CAUSE_ILLEGAL_INSN, trap->stval);
		break;
	default:
		if (cause & CAUSE_IRQ_FLAG) {
			count_exit(h, BH_EXIT_OTHER);
			hv_printk("bulkhead: hart %lu: unexpected interrupt %lu\n",
				  (unsigned long)h->id, cause & ~CAUSE_IRQ_FLAG);
			break;
		}
		/* Whatever else the guest did wrong is its own exception. */
		count_exit(h, BH_EXIT_OTHER);
		inject_exception(h, cause, trap->stval);
		break;
	}
}

/* Returns the hart to resume: trap_entry.S falls through into hv_resume_guest. */
struct hart *hv_trap(struct hart *h)
{
	unsigned long cause = capture_trap(h);

	/* The most frequent exit first. */
	if (cause == CAUSE_VS_ECALL)
		guest_sbi_call(h);
	else
		handle_exit(h, &h->trap, cause);
	/* What hart_resume() does, without the call: the handlers changed these, not the CSRs. */
	csr_write(CSR_SEPC, h->sepc);
	csr_write(CSR_SSTATUS, h->sstatus);
	csr_write(CSR_HSTATUS, h->hstatus);
	return h;
}

/* A trap of the hypervisor itself (trap_entry.S saved the caller-saved registers). */
void hv_internal_trap(void);
void hv_internal_trap(void)
{
	struct hart *h = this_hart();
	unsigned long sepc = csr_read(CSR_SEPC);

	if (sepc == (uintptr_t)guest_fetch_halfword_insn ||
	    sepc == (uintptr_t)csr_probe_stimecmp_insn) {
		h->fixup_hit = true;
		csr_write(CSR_SEPC, sepc + 4);
		return;
	}
	hv_printk("bulkhead: hypervisor fault on hart %lu: scause 0x%lx sepc 0x%lx stval 0x%lx; "
		  "hart stopped\n",
		  (unsigned long)h->id, csr_read(CSR_SCAUSE), sepc, csr_read(CSR_STVAL));
	for (;;)
		__asm__ __volatile__("wfi");
}
