// SPDX-License-Identifier: GPL-2.0
/*
 * Enable: the first hart to arrive sets the hypervisor up, every hart then
 * turns the Linux it interrupted into a VS-mode guest and returns to it.
 */
#include <bulkhead/config_check.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/entry.h"
#include "hv.h"
#include "lib.h"
#include "plic.h"

#define EINVAL 22
#define ENOMEM 12
#define ENODEV 19

struct hypervisor hv;

unsigned long csr_probe_stimecmp(void);

static int init_state; /* 0 idle, 1 running, 2 done */
static volatile int init_result;

static unsigned int detect_gstage_mode(void)
{
	unsigned int mode = GSTAGE_MODE_SV48X4;

	csr_write(CSR_HGATP, (unsigned long)mode << HGATP_MODE_SHIFT);
	if ((csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) != mode)
		mode = GSTAGE_MODE_SV39X4;
	csr_write(CSR_HGATP, 0);
	return mode;
}

static int hv_init(const struct bh_enter_args *args)
{
	const struct bh_system_config *sys = (const void *)(uintptr_t)args->config_phys;
	extern char __memory_end[], _header[];
	char err[BH_CONFIG_ERR_LEN];
	uint64_t pool_start;
	int ret;

	hv.region_phys = args->region_phys;
	hv.region_size = args->region_size;
	hv.image_end = (uint64_t)(uintptr_t)__memory_end;
	if ((uint64_t)(uintptr_t)_header != args->region_phys)
		return -EINVAL;
	if (bh_config_check_placement(hv.region_phys, hv.region_size, hv.image_end,
				      args->config_phys, args->config_size, err, sizeof(err))) {
		hv_printk("bulkhead: %s\n", err);
		return -EINVAL;
	}
	if (bh_config_check_system(sys, args->config_size, err, sizeof(err))) {
		hv_printk("bulkhead: %s\n", err);
		return -EINVAL;
	}
	if (sys->hypervisor_memory.phys_start != hv.region_phys ||
	    sys->hypervisor_memory.size != hv.region_size) {
		hv_printk("bulkhead: loaded at 0x%lx size 0x%lx, config says 0x%lx size 0x%lx\n",
			  hv.region_phys, hv.region_size, sys->hypervisor_memory.phys_start,
			  sys->hypervisor_memory.size);
		return -EINVAL;
	}
	hv.config = sys;
	pool_start = ALIGN_UP(args->config_phys + args->config_size, HV_PAGE_SIZE);
	if (pool_init(&hv.pool, pool_start, hv.region_phys + hv.region_size - pool_start)) {
		hv_printk("bulkhead: no memory left after the image and the config\n");
		return -ENOMEM;
	}
	hv.gstage_mode = detect_gstage_mode();
	plic_init(sys->platform.plic_base, sys->platform.plic_num_sources,
		  sys->platform.hart_plic_context);
	ret = cell_init_root(&hv.root, sys);
	if (ret)
		return ret;
	hv.num_cells = 1;
	hv_printk("bulkhead: hypervisor on harts 0x%lx, root cell '%s', G-stage %s, %lu of %lu "
		  "pool pages used\n",
		  (unsigned long)hv.root.cpu_set, hv.root.name,
		  hv.gstage_mode == GSTAGE_MODE_SV48X4 ? "Sv48x4" : "Sv39x4", hv.pool.used,
		  hv.pool.pages);
	return 0;
}

/* Linux's supervisor state becomes the guest's; the hart then runs the guest. */
static void hart_become_guest(struct hart *h, const struct bh_enter_args *args,
			      const struct entry_frame *f)
{
	unsigned long sstatus = csr_read(CSR_SSTATUS);

	csr_write(CSR_HIDELEG, HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP);
	csr_write(CSR_HEDELEG, (1UL << CAUSE_MISALIGNED_FETCH) | (1UL << CAUSE_BREAKPOINT) |
				       (1UL << CAUSE_USER_ECALL) | (1UL << CAUSE_FETCH_PAGE_FAULT) |
				       (1UL << CAUSE_LOAD_PAGE_FAULT) |
				       (1UL << CAUSE_STORE_PAGE_FAULT));
	csr_write(CSR_HCOUNTEREN, ~0UL);
	csr_set(CSR_HENVCFG, HENVCFG_STCE);
	h->root_henvcfg = csr_read(CSR_HENVCFG);
	csr_write(CSR_HTIMEDELTA, 0);

	csr_write(CSR_VSSTATUS, sstatus & ~SSTATUS_SIE);
	csr_write(CSR_VSTVEC, args->linux_stvec);
	csr_write(CSR_VSSCRATCH, f->sscratch);
	csr_write(CSR_VSATP, args->linux_satp);
	csr_write(CSR_VSIE, csr_read(CSR_SIE));
	csr_write(CSR_VSTIMECMP, csr_read(CSR_STIMECMP));
	/* An IPI that came while Linux had interrupts off is the guest's now. */
	csr_write(CSR_HVIP, (csr_read(CSR_SIP) & SIP_SSIP) ? HVIP_VSSIP : 0);
	csr_clear(CSR_SIP, SIP_SSIP);

	/* The hypervisor's own timer is off; it takes IPIs and PLIC interrupts. */
	csr_write(CSR_STIMECMP, ~0UL);
	csr_write(CSR_SIE, (1UL << IRQ_S_SOFT) | (1UL << IRQ_S_EXT));

	csr_write(CSR_HGATP, h->cell->hgatp);
	hfence_gvma_all();
	hfence_vvma_all();

	h->sepc = f->sepc;
	h->hstatus = (csr_read(CSR_HSTATUS) &
		      ~(HSTATUS_VTW | HSTATUS_VTSR | HSTATUS_VTVM | HSTATUS_HU | HSTATUS_GVA)) |
		     HSTATUS_SPV | HSTATUS_SPVP;
	/* FS stays on for HS so the guest's own vsstatus.FS alone decides. */
	h->sstatus = (sstatus & ~(SSTATUS_SIE | SSTATUS_SPIE)) | SSTATUS_SPP | SSTATUS_FS;
}

void hart_resume(struct hart *h) __attribute__((noreturn));
void hart_resume(struct hart *h)
{
	csr_write(CSR_SEPC, h->sepc);
	csr_write(CSR_SSTATUS, h->sstatus);
	csr_write(CSR_HSTATUS, h->hstatus);
	hv_resume_guest(h);
}

/* The registers Linux expects back (callee-saved, sp, gp, tp, ra); the rest are 0. */
static void load_linux_registers(struct hart *h, const struct entry_frame *f)
{
	for (int i = 0; i < 32; i++)
		h->regs[i] = 0;
	h->regs[1] = f->ra;
	h->regs[2] = f->sp;
	h->regs[3] = f->gp;
	h->regs[4] = f->tp;
	h->regs[8] = f->s[0];
	h->regs[9] = f->s[1];
	for (int i = 2; i < 12; i++)
		h->regs[16 + i] = f->s[i];
}

static void fail_native(struct hart *h, struct bh_enter_args *args, const struct entry_frame *f,
			int err) __attribute__((noreturn));
static void fail_native(struct hart *h, struct bh_enter_args *args, const struct entry_frame *f,
			int err)
{
	/* hv_return_native restores these from the hart's guest registers. */
	load_linux_registers(h, f);
	h->regs[10] = (uint64_t)err;
	args->result = err;
	csr_write(CSR_SSCRATCH, f->sscratch);
	hv_return_native(h, args->native_return, args->linux_satp);
}

void hv_main(uint64_t hart_id, struct bh_enter_args *args, struct entry_frame *f)
	__attribute__((noreturn));
void hv_main(uint64_t hart_id, struct bh_enter_args *args, struct entry_frame *f)
{
	struct hart *h = &hv.harts[hart_id];

	__asm__ __volatile__("mv tp, %0" : : "r"(h));
	h->id = hart_id;
	h->stack_top = (uint64_t)(uintptr_t)f + sizeof(*f);
	csr_write(CSR_STVEC, (uintptr_t)hv_trap_vector);

	int idle = 0;

	/* Compare-and-swap, not exchange: a late hart must not reset a finished init. */
	if (__atomic_compare_exchange_n(&init_state, &idle, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE)) {
		init_result = hv_init(args);
		__atomic_store_n(&init_state, 2, __ATOMIC_RELEASE);
	} else {
		while (__atomic_load_n(&init_state, __ATOMIC_ACQUIRE) != 2)
			;
	}
	if (init_result)
		fail_native(h, args, f, init_result);
	if (!bh_config_cpu_set_has(hv.root.cpu_set, hart_id)) {
		hv_printk("bulkhead: hart %lu is not in the root cell\n", (unsigned long)hart_id);
		fail_native(h, args, f, -ENODEV);
	}
	/* Guests' timers are their own stimecmp (henvcfg.STCE): no Sstc, no guests. */
	h->fixup_hit = false;
	csr_probe_stimecmp();
	if (h->fixup_hit) {
		hv_printk("bulkhead: hart %lu has no Sstc (stimecmp traps in S-mode: the core lacks "
			  "it or the firmware does not enable it); Bulkhead needs it\n",
			  (unsigned long)hart_id);
		fail_native(h, args, f, -ENODEV);
	}

	load_linux_registers(h, f);
	h->regs[10] = 0; /* the trampoline's result: 0, running as a guest */
	h->cell = &hv.root;
	h->plic_context = hv.config->platform.hart_plic_context[hart_id];
	h->state = HART_STARTED;
	h->present = true;
	args->result = 0;

	spin_lock(&hv.lock);
	hv.harts_active |= 1ULL << hart_id;
	spin_unlock(&hv.lock);

	hart_become_guest(h, args, f);
	/* Lines that became pending before this hart was a guest. */
	hart_update_vseip(h);
	hart_resume(h);
}
