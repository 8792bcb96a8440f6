// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The isolation test inmate: it tries what a cell must not be able to do.
 * The mode is the first line of the parameter page (see docs/inmates.md):
 *
 *   sbi (or empty)   SBI calls naming a root hart: each must be refused
 *   read [ADDR]      load from ADDR, default 0x80100000 then 0xbbe01000
 *   write [ADDR]     store to ADDR, same defaults
 *   plic             program PLIC source 8, a root line
 *   canary ADDR      store 0xdeadbeef at ADDR
 *   walk             turn on Sv39 with a page table whose second level lies in
 *                    the PLIC window, then load through it: the walk's PTE
 *                    read faults there, which is no PLIC access to emulate
 *
 * For all but sbi the hypervisor must fail the cell at the first forbidden
 * access, so any line printed after the "attack: reading/writing ..." one
 * means isolation is broken.
 */
#include "inmate.h"
#include "params.h"

#define MODE_MAX     64
#define ROOT_HART    0u
#define ROOT_LINE    8u /* virtio-net on the QEMU board */
#define PAST_RAM     (INMATE_RAM_BASE + INMATE_RAM_SIZE)
#define HYPERVISOR   0xbbe01000UL /* a page into the hypervisor's memory */
#define CANARY_VALUE 0xdeadbeefU

/* Sv39 for the walk mode: PTE bits, satp.MODE, and where the tables point. */
#define PTE_V		(1UL << 0)
#define PTE_RWX_AD	(0xeUL | (1UL << 6) | (1UL << 7))
#define PTE_PPN_SHIFT	10
#define SATP_SV39	(8UL << 60)
#define CSR_SATP	0x180
#define WALK_VA		0x00201000UL /* VPN[2] 0, VPN[1] 1: its PTE is at the table's +8 */

static uint64_t walk_root[512] __attribute__((aligned(4096)));

static void report(const char *what, struct sbi_ret ret)
{
	printf("attack: %s -> error %ld\n", what, ret.error);
}

static void attack_sbi(unsigned long hart)
{
	char what[64];

	snprintf(what, sizeof(what), "hsm hart_start hart %u", ROOT_HART);
	report(what, sbi_hart_start(ROOT_HART, INMATE_RAM_BASE, 0));
	snprintf(what, sizeof(what), "hsm hart_get_status hart %u", ROOT_HART);
	report(what, sbi_hart_get_status(ROOT_HART));
	snprintf(what, sizeof(what), "ipi hart %u", ROOT_HART);
	report(what, sbi_send_ipi(1UL << ROOT_HART, 0));
	snprintf(what, sizeof(what), "rfence remote_fence_i hart %u", ROOT_HART);
	report(what, sbi_remote_fence_i(1UL << ROOT_HART, 0));
	snprintf(what, sizeof(what), "rfence remote_sfence_vma hart %u", ROOT_HART);
	report(what, sbi_remote_sfence_vma(1UL << ROOT_HART, 0, 0, ~0UL));
	(void)hart;
	printf("attack: sbi done\n");
}

static void attack_read(uintptr_t addr)
{
	uint64_t value;

	printf("attack: reading 0x%lx\n", (unsigned long)addr);
	value = *(volatile uint64_t *)addr;
	printf("attack: read returned 0x%lx\n", (unsigned long)value);
}

static void attack_write(uintptr_t addr)
{
	printf("attack: writing 0x%lx\n", (unsigned long)addr);
	*(volatile uint32_t *)addr = CANARY_VALUE;
	printf("attack: write done\n");
}

static void attack_plic(const struct bh_boot_info *bi, unsigned long hart)
{
	struct plic_ctx plic;

	if (plic_ctx_init(&plic, bi, hart)) {
		printf("attack: hart %lu has no PLIC context\n", hart);
		return;
	}
	printf("attack: writing priority 7 of PLIC source %u\n", ROOT_LINE);
	plic_set_priority(&plic, ROOT_LINE, 7);
	printf("attack: enabling PLIC source %u in context %u\n", ROOT_LINE, plic.context);
	plic_enable(&plic, ROOT_LINE);
	printf("attack: plic write done\n");
}

static void attack_canary(const char *arg)
{
	uintptr_t addr;

	if (!params_parse_hex(arg, &addr) || addr % 4) {
		printf("attack: canary needs a 4-byte aligned hex address, e.g. canary 0x80400000\n");
		return;
	}
	printf("attack: writing 0x%x to 0x%lx\n", CANARY_VALUE, (unsigned long)addr);
	*(volatile uint32_t *)addr = CANARY_VALUE;
	printf("attack: canary write done\n");
}

/*
 * VA 0x80000000.. stays identity-mapped (one gigapage: code, data, stack);
 * VA 0..0x3fffffff has its next table at the PLIC's base page.
 */
static void attack_walk(const struct bh_boot_info *bi)
{
	uint32_t value;

	walk_root[2] = ((INMATE_RAM_BASE & ~0x3fffffffUL) >> 12 << PTE_PPN_SHIFT) | PTE_RWX_AD | PTE_V;
	walk_root[0] = (bi->plic_base >> 12 << PTE_PPN_SHIFT) | PTE_V;
	printf("attack: walking through a page table at 0x%lx for 0x%lx\n",
	       (unsigned long)bi->plic_base, WALK_VA);
	__asm__ __volatile__("sfence.vma" ::: "memory");
	csr_write(CSR_SATP, SATP_SV39 | ((uintptr_t)walk_root >> 12));
	__asm__ __volatile__("sfence.vma" ::: "memory");
	/* 32 bits: the width of a PLIC register, which the walk's PTE read would pass for. */
	value = *(volatile uint32_t *)WALK_VA;
	csr_write(CSR_SATP, 0);
	printf("attack: walk read returned 0x%x\n", (unsigned int)value);
}

/* read/write: the address given, or past the cell's RAM and then the hypervisor. */
static void attack_access(const char *arg, void (*access)(uintptr_t))
{
	uintptr_t addr;

	if (!*arg) {
		access(PAST_RAM);
		access(HYPERVISOR);
		return;
	}
	if (!params_parse_hex(arg, &addr) || addr % 8) {
		printf("attack: '%s' is not an 8-byte aligned hex address\n", arg);
		return;
	}
	access(addr);
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	char line[MODE_MAX];
	const char *mode = line;
	char *arg;

	params_read_line(line, sizeof(line));
	arg = params_split_word(line);
	if (!*mode)
		mode = "sbi";
	printf("attack: mode %s%s%s\n", mode, *arg ? " " : "", arg);

	if (params_equal(mode, "sbi"))
		attack_sbi(hart);
	else if (params_equal(mode, "read"))
		attack_access(arg, attack_read);
	else if (params_equal(mode, "write"))
		attack_access(arg, attack_write);
	else if (params_equal(mode, "plic"))
		attack_plic(bi, hart);
	else if (params_equal(mode, "canary"))
		attack_canary(arg);
	else if (params_equal(mode, "walk"))
		attack_walk(bi);
	else
		printf("attack: unknown mode '%s' (sbi, read, write, plic, canary, walk)\n", mode);
	hart_idle();
}
