// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-page faults. An access to the PLIC window is decoded (from htinst
 * when the hart provides it, else by fetching the instruction with HLVX) and
 * emulated by the cell's vPLIC; an access anywhere else outside the cell's
 * memory gets an access fault injected, never a hang.
 */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "insn_decode.h"

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
	int ret = INSN_ENOINFO;

	if (!hv.decode_by_fetch)
		ret = insn_decode_transformed(trap->htinst, acc);
	if (ret != INSN_ENOINFO)
		return ret;
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

static int emulate_plic(struct hart *h, uint64_t offset, const struct insn_mmio *acc)
{
	struct cell *cell = h->cell;
	unsigned int violation = 0;
	uint32_t value = 0;
	int ret;

	spin_lock(&cell->lock);
	if (acc->is_store)
		ret = vplic_mmio_write(cell->vplic, offset, acc->width,
				       (uint32_t)insn_store_value(acc, h->regs[acc->reg]),
				       &violation);
	else
		ret = vplic_mmio_read(cell->vplic, offset, acc->width, &value);
	spin_unlock(&cell->lock);
	if (ret == VPLIC_EVIOLATION) {
		if (cell != &hv.root)
			cell_fail(h, "hart %lu wrote to PLIC line %u, which it does not own",
				  (unsigned long)h->id, violation);
		/* The root may not touch lines it gave away; its write to them is dropped. */
		hv_printk("bulkhead: cell '%s' wrote to PLIC line %u it does not own\n",
			  cell->name, violation);
		ret = VPLIC_OK;
	}
	if (ret == VPLIC_OK && !acc->is_store && acc->reg != 0)
		h->regs[acc->reg] = insn_load_value(acc, value);
	return ret;
}

void mmio_guest_page_fault(struct hart *h, const struct trap_info *trap)
{
	uint64_t gpa = (trap->htval << 2) | (trap->stval & 3);
	const struct bh_system_config *sys = hv.config;
	unsigned long cause = trap->cause;
	struct insn_mmio acc;

	if (cause != CAUSE_FETCH_GUEST_PAGE_FAULT && gpa >= sys->platform.plic_base &&
	    gpa - sys->platform.plic_base < sys->platform.plic_size) {
		count_exit(h, BH_EXIT_MMIO);
		if (decode_access(h, gpa, trap, &acc) == 0 &&
		    emulate_plic(h, gpa - sys->platform.plic_base, &acc) == VPLIC_OK) {
			h->sepc += acc.length;
			return;
		}
	} else {
		count_exit(h, BH_EXIT_GUEST_FAULT);
		if (h->cell != &hv.root)
			cell_fail(h, "hart %lu: %s guest-physical 0x%lx, outside the cell's memory",
				  (unsigned long)h->id,
				  cause == CAUSE_FETCH_GUEST_PAGE_FAULT ? "fetch from" :
				  cause == CAUSE_LOAD_GUEST_PAGE_FAULT	? "load from" :
									  "store to",
				  (unsigned long)gpa);
	}
	inject_exception(h, access_fault_for(cause), trap->stval);
}
