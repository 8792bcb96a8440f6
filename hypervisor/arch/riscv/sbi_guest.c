// SPDX-License-Identifier: GPL-2.0
/* A guest's ecall: Bulkhead's own hypercalls, or SBI through the core dispatcher. */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "sbi.h"

static enum bh_exit_reason sbi_exit_reason(unsigned long ext)
{
	switch (ext) {
	case SBI_EXT_TIME:
	case SBI_EXT_LEGACY_SET_TIMER:
		return BH_EXIT_SBI_TIME;
	case SBI_EXT_IPI:
	case SBI_EXT_LEGACY_CLEAR_IPI:
		return BH_EXIT_SBI_IPI;
	case SBI_EXT_RFENCE:
		return BH_EXIT_SBI_RFENCE;
	case SBI_EXT_HSM:
		return BH_EXIT_SBI_HSM;
	case SBI_EXT_DBCN:
	case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
	case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
		return BH_EXIT_SBI_CONSOLE;
	default:
		return BH_EXIT_SBI_OTHER;
	}
}

void guest_sbi_call(struct hart *h)
{
	unsigned long ext = h->regs[17], fid = h->regs[16];
	struct sbi_caller caller = { h->id, h->cell->cpu_set, h->cell };
	struct sbi_result res;

	h->sepc += 4;
	if (ext == BH_HC_EXT) {
		count_exit(h, BH_EXIT_HYPERCALL);
		hypercall(h);
		return;
	}
	count_exit(h, sbi_exit_reason(ext));
	sbi_dispatch(&caller, ext, fid, (const unsigned long *)&h->regs[10], &res);
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
	case SBI_ACTION_RESUME:
		break;
	}
}
