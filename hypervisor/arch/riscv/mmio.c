// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-page faults: decode the access (from htinst when the hart provides
 * it, else by fetching the instruction with HLVX), look up the cell's
 * emulated device at the address (mmio_registry.h), let it do the access and
 * skip the instruction. A fault outside every device, or an access the
 * device refuses, gets an access fault injected, never a hang; outside every
 * device a non-root cell is stopped.
 */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "insn_decode.h"
#include "mmio_registry.h"

/* Fetch the guest's instruction at its sepc; false if the fetch faulted. */
static bool fetch_guest_insn(struct hart *h, uint32_t *insn)
{
	unsigned long lo, hi = 0;

	h->fixup_hit = false;
	lo = guest_fetch_halfword(h->sepc);
	if (!h->fixup_hit && (lo & 3) == 3)
		hi = guest_fetch_halfword(h->sepc + 2);
	if (h->fixup_hit)
		return false;
	*insn = (uint32_t)(lo | (hi << 16));
	return true;
}

static int decode_access(struct hart *h, uint64_t gpa, const struct trap_info *trap,
			 struct insn_mmio *acc)
{
	uint32_t insn;
	int ret;

	if (trap->htinst && !hv.decode_by_fetch) {
		ret = insn_decode_transformed(trap->htinst, acc);
		if (ret != INSN_ENOINFO)
			return ret;
	}
	/*
	 * No transformed instruction (nor pseudoinstruction) from this hart: the
	 * fault may be the VS-stage walk's, which emulating the instruction
	 * would get wrong. Tell them apart by address first.
	 */
	ret = insn_check_fault_address(gpa, trap->stval, (csr_read(CSR_VSATP) >> 60) != 0);
	if (ret)
		return ret;
	if (!fetch_guest_insn(h, &insn))
		return INSN_ENOINFO;
	__atomic_fetch_add(&hv.mmio_fetch_decodes, 1, __ATOMIC_RELAXED);
	if (mmio_decode_word_access(insn, acc))
		return INSN_OK;
	return insn_decode_raw(insn, acc);
}

static unsigned long access_fault_for(unsigned long cause)
{
	switch (cause) {
	case CAUSE_FETCH_GUEST_PAGE_FAULT:
		return CAUSE_FETCH_ACCESS;
	case CAUSE_LOAD_GUEST_PAGE_FAULT:
		return CAUSE_LOAD_ACCESS;
	default:
		return CAUSE_STORE_ACCESS;
	}
}

/* Outside every device: the guest's own fault (a non-root cell is stopped). */
static void __attribute__((noinline)) outside_devices(struct hart *h, const struct trap_info *trap,
						      uint64_t gpa)
{
	count_exit(h, BH_EXIT_GUEST_FAULT);
	if (h->cell != &hv.root)
		cell_fail(h, "hart %lu: %s guest-physical 0x%lx, outside the cell's memory",
			  (unsigned long)h->id,
			  trap->cause == CAUSE_FETCH_GUEST_PAGE_FAULT ? "fetch from" :
			  trap->cause == CAUSE_LOAD_GUEST_PAGE_FAULT  ? "load from" :
									"store to",
			  (unsigned long)gpa);
	inject_exception(h, access_fault_for(trap->cause), trap->stval);
}

/* Decode, look up, call, skip; or an access fault. */
void mmio_guest_page_fault(struct hart *h, const struct trap_info *trap)
{
	uint64_t gpa = (trap->htval << 2) | (trap->stval & 3);
	const struct mmio_region *dev = NULL;
	struct insn_mmio acc;

	if (trap->cause != CAUSE_FETCH_GUEST_PAGE_FAULT)
		dev = mmio_find(&h->cell->mmio, gpa);
	if (!dev) {
		outside_devices(h, trap, gpa);
		return;
	}
	count_exit(h, mmio_exit_reason(dev));
	if (decode_access(h, gpa, trap, &acc) == 0 &&
	    mmio_access(dev, gpa, &acc, h->regs) == MMIO_OK) {
		h->sepc += acc.length;
		return;
	}
	inject_exception(h, access_fault_for(trap->cause), trap->stval);
}
