// SPDX-License-Identifier: GPL-2.0
/* What core/control.c needs of the machine (control.h), on RISC-V. */
#include "arch/riscv/csr.h"
#include "control.h"
#include "hv.h"
#include "sbi.h"

void arch_hart_stop(struct hart *h)
{
	hart_post(h, MSG_STOP);
}

void arch_hart_start(struct hart *h)
{
	hart_post(h, MSG_START);
}

void arch_park_current(struct hart *h)
{
	hart_park(h);
}

/* The root's harts under its VMID through the firmware, and this hart directly. */
void arch_flush_root(void)
{
	sbi_arch_firmware_call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_GVMA_VMID, hv.root.cpu_set, 0, 0, 0,
			       hv.root.vmid, 0);
	hfence_gvma_all();
}

/* The hypervisor runs with translation off: a physical address is its own pointer. */
void *arch_phys_to_virt(uint64_t phys, uint64_t len)
{
	(void)len;
	return (void *)(uintptr_t)phys;
}

struct hart *arch_current_hart(void)
{
	return this_hart();
}

uint64_t arch_time_now(void)
{
	return csr_read(CSR_TIME);
}
