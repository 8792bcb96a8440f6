// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Links to other cells: link.h. */
#include <bulkhead/doorbell.h>

#include "csr.h"
#include "link.h"
#include "mmio.h"

int link_open(struct inmate_link *l, const struct bh_boot_info *bi, uint32_t link_id,
	      struct plic_ctx *plic)
{
	for (uint32_t i = 0; i < bi->num_link_ends && i < BH_MAX_LINK_ENDS; i++) {
		const struct bh_link_end *e = &bi->link_ends[i];

		if (e->link_id != link_id)
			continue;
		l->cfg = e;
		l->shmem = (volatile void *)(uintptr_t)e->shmem_virt;
		l->doorbell = (uintptr_t)e->doorbell;
		l->plic = plic;
		plic_set_priority(plic, e->irq_line, 1);
		plic_enable(plic, e->irq_line);
		return 0;
	}
	return -1;
}

uint32_t link_end_id(const struct inmate_link *l)
{
	return mmio_read32(l->doorbell + BH_DOORBELL_ID);
}

uint32_t link_peers(const struct inmate_link *l)
{
	return mmio_read32(l->doorbell + BH_DOORBELL_PEERS);
}

uint32_t link_refused(const struct inmate_link *l)
{
	return mmio_read32(l->doorbell + BH_DOORBELL_REFUSED);
}

void link_ring(const struct inmate_link *l, uint32_t end_id)
{
	/* The peer reads the shared memory once it is rung: our stores first. */
	__asm__ __volatile__("fence rw, rw" ::: "memory");
	mmio_write32(l->doorbell + BH_DOORBELL_RING, end_id);
}

uint32_t link_wait(struct plic_ctx *plic)
{
	uint32_t line;

	/* wfi wakes on an enabled pending interrupt even with sstatus.SIE clear. */
	csr_set(CSR_SIE, SIE_SEIE);
	for (;;) {
		wfi();
		line = plic_claim(plic);
		if (line) {
			plic_complete(plic, line);
			__asm__ __volatile__("fence rw, rw" ::: "memory");
			return line;
		}
	}
}
