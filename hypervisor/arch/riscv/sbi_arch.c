// SPDX-License-Identifier: GPL-2.0
/* The hooks of the SBI core on the real machine. */
#include <bulkhead/config_check.h>

#include "arch/riscv/csr.h"
#include "hv.h"
#include "lib.h"
#include "sbi.h"

void sbi_arch_set_guest_timer(uint64_t stime)
{
	csr_write(CSR_VSTIMECMP, stime);
}

void sbi_arch_send_vssip(const struct sbi_caller *c, uint64_t harts)
{
	uint64_t remote = harts & ~(1ULL << c->hart);

	if (harts & (1ULL << c->hart))
		csr_set(CSR_HVIP, HVIP_VSSIP);
	for (unsigned int i = 0; i < HV_MAX_HARTS; i++)
		if ((remote >> i) & 1)
			__atomic_fetch_or(&hv.harts[i].mailbox, MSG_VSSIP, __ATOMIC_RELEASE);
	if (remote)
		fw_send_ipi(remote);
}

void sbi_arch_clear_vssip(void)
{
	csr_clear(CSR_HVIP, HVIP_VSSIP);
}

long sbi_arch_remote_fence(const struct sbi_caller *c, uint64_t harts, unsigned long fid,
			   unsigned long start, unsigned long size, unsigned long asid)
{
	struct sbiret r;

	(void)c;
	/*
	 * The firmware runs hfence.vvma on the targets under the caller's
	 * VMID, which is the cell's on every one of its harts.
	 */
	switch (fid) {
	case SBI_RFENCE_FENCE_I:
		r = sbi_arch_firmware_call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, harts, 0, 0, 0, 0,
					   0);
		break;
	case SBI_RFENCE_SFENCE_VMA:
		r = sbi_arch_firmware_call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_VVMA, harts, 0, start,
					   size, 0, 0);
		break;
	default:
		r = sbi_arch_firmware_call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_VVMA_ASID, harts, 0,
					   start, size, asid, 0);
		break;
	}
	return r.error;
}

int sbi_arch_hart_status(const struct sbi_caller *c, unsigned long hart)
{
	(void)c;
	return (int)hv.harts[hart].state;
}

long sbi_arch_hart_start(const struct sbi_caller *c, unsigned long hart, unsigned long addr,
			 unsigned long opaque)
{
	struct cell *cell = c->cell;
	struct hart *target = &hv.harts[hart];
	long ret = SBI_SUCCESS;

	/* Under the cell's lock, so a stop that has begun never misses the hart started here. */
	spin_lock(&cell->lock);
	if (cell->stopping) {
		ret = SBI_ERR_FAILED;
	} else {
		spin_lock(&target->hsm_lock);
		if (target->cell != cell) {
			/* Taken by a cell since the caller's hart mask was checked. */
			ret = SBI_ERR_INVALID_PARAM;
		} else if (!target->present || target->state != HART_STOPPED) {
			ret = SBI_ERR_ALREADY_AVAILABLE;
		} else {
			target->start_addr = addr;
			target->start_arg = opaque;
			target->state = HART_START_PENDING;
		}
		spin_unlock(&target->hsm_lock);
	}
	spin_unlock(&cell->lock);
	if (ret == SBI_SUCCESS)
		hart_post(target, MSG_START);
	return ret;
}

bool sbi_arch_guest_can_execute(const struct sbi_caller *c, uint64_t gpa)
{
	const struct cell *cell = c->cell;
	const struct bh_mem_region *r = bh_config_region_by_guest(cell->desc, gpa, 2);

	return r && !(r->flags & BH_MEM_IO) && (r->flags & BH_MEM_EXECUTE);
}

bool sbi_arch_is_root(const struct sbi_caller *c)
{
	return c->cell == &hv.root;
}

/* Where the guest's range [gpa, gpa + len) is in the hypervisor's view, or NULL. */
static void *guest_range(const struct sbi_caller *c, uint64_t gpa, unsigned long len, bool write)
{
	const struct cell *cell = c->cell;
	const struct bh_mem_region *r;

	/* The root's config still lists what cells took from it. */
	if (cell == &hv.root)
		return root_buffer(gpa, len, write);
	r = bh_config_region_by_guest(cell->desc, gpa, len);
	if (!r || (r->flags & BH_MEM_IO) || !(r->flags & BH_MEM_READ) ||
	    (write && !(r->flags & BH_MEM_WRITE)))
		return NULL;
	return (void *)(uintptr_t)(gpa - r->virt_start + r->phys_start);
}

bool sbi_arch_read_guest(const struct sbi_caller *c, uint64_t gpa, void *dst, unsigned long len)
{
	const void *src = guest_range(c, gpa, len, false);

	if (!src)
		return false;
	memcpy(dst, src, len);
	return true;
}

bool sbi_arch_write_guest(const struct sbi_caller *c, uint64_t gpa, const void *src,
			  unsigned long len)
{
	void *dst = guest_range(c, gpa, len, true);

	if (!dst)
		return false;
	if (src)
		memcpy(dst, src, len);
	return true;
}

void sbi_arch_console_write(const struct sbi_caller *c, const char *s, unsigned long len)
{
	if (c->cell != &hv.root) {
		cell_console_write(c->cell, s, len);
		return;
	}
	/* The root's console output goes straight to the serial line. */
	for (unsigned long i = 0; i < len; i++)
		fw_putchar(s[i]);
}

long sbi_arch_console_getchar(const struct sbi_caller *c)
{
	struct cell *cell = c->cell;

	/* A cell reads what the root sent it; only the root reads the machine's console. */
	if (cell != &hv.root) {
		char ch;
		size_t n;

		spin_lock(&cell->lock);
		n = console_input_pop(&cell->input, &ch, 1);
		spin_unlock(&cell->lock);
		return n ? (unsigned char)ch : -1;
	}
	return sbi_arch_firmware_call(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0, 0, 0, 0).error;
}
