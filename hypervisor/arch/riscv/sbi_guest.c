// SPDX-License-Identifier: GPL-2.0
/* A guest's ecall: Bulkhead's own hypercalls, or SBI through the core dispatcher. */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "sbi.h"

void guest_sbi_call(struct hart *h)
{
	unsigned long ext = h->regs[17], fid = h->regs[16];
	struct sbi_caller caller = { h->id, h->cell->cpu_set, h->cell };
	const struct sbi_extension *ext_entry;
	struct sbi_result res;

	h->sepc += 4;
	if (ext == BH_HC_EXT) {
		count_exit(h, BH_EXIT_HYPERCALL);
		hypercall(h);
		return;
	}
	/* One lookup serves the exit counter and the call. */
	ext_entry = sbi_find_extension(ext);
	count_exit(h, sbi_exit_reason_of(ext_entry));
	sbi_call_extension(ext_entry, &caller, ext, fid, (const unsigned long *)&h->regs[10], &res);
	h->regs[10] = (uint64_t)res.ret.error;
	/* Legacy calls return in a0 only and keep a1. */
	if (ext >= 0x10)
		h->regs[11] = (uint64_t)res.ret.value;
	switch (res.action) {
	case SBI_ACTION_STOP_HART:
		hart_park(h);
	case SBI_ACTION_RESET:
		/* Only non-root cells get here: the cell shuts itself down. */
		cell_shut_itself_down(h);
	case SBI_ACTION_SUSPEND:
		/*
		 * Woken by any interrupt the hart takes (the guest's, a device's,
		 * the hypervisor's mailbox); the guest's is then delivered on
		 * return, the others trap at once as usual.
		 */
		__asm__ __volatile__("wfi" ::: "memory");
		break;
	case SBI_ACTION_RESUME:
		break;
	}
}
