// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The hostile inmate: a two-hart cell that tries to outlive its own
 * shutdown, to stall the hypervisor, and to read what the previous owner of
 * its harts left behind. The mode is the first line of the parameter page:
 *
 *   restart     the first hart restarts its sibling with HSM hart_start in a
 *               loop; the sibling stops itself at once with HSM hart_stop,
 *               unless the first hart has been stopped: then it runs on, so
 *               a stop that missed it leaves cell code running
 *   flood       both harts write 16 KiB to the debug console, over and over
 *   leak        each hart prints the supervisor state it starts with (CSRs,
 *               f0-f31, fcsr) and then fills it with a pattern for whoever
 *               comes next; the sibling stops and is started again once, so
 *               a cell's own HSM start is checked too
 *   hsm-addr    HSM hart_start of the sibling at addresses the cell cannot
 *               execute: each must fail with SBI_ERR_INVALID_ADDRESS (-5)
 *
 * Whatever it does, `hvctl cell shutdown` and `destroy` must succeed.
 */
#include "inmate.h"
#include "params.h"

#define MODE_MAX	 64
#define FLOOD_BYTES	 16384u
#define CSR_SSCRATCH	 0x140
#define CSR_SATP	 0x180
#define CSR_SENVCFG	 0x10a
#define CSR_SCOUNTEREN	 0x106
#define SSTATUS_FS	 (3UL << 13)
#define SSTATUS_FS_INIT	 (1UL << 13)
#define SSTATUS_FS_SHIFT 13
#define FILL_PATTERN	 0x5a5a5a5a00000000UL

static char flood_buffer[FLOOD_BYTES];
/* How often the sibling has entered secondary_main(): it stops after the first time. */
static volatile unsigned int sibling_runs;
static char mode_line[MODE_MAX];
static const char *mode;

static struct sbi_ret hart_stop(void)
{
	return sbi_call(SBI_EXT_HSM, 1 /* hart_stop */, 0, 0, 0, 0, 0, 0);
}

static unsigned long sibling_of(unsigned long hart, const struct bh_boot_info *bi)
{
	for (unsigned long other = 0; other < BH_MAX_HARTS; other++)
		if (other != hart && ((bi->cpu_set >> other) & 1))
			return other;
	return BH_MAX_HARTS;
}

static void wait_stopped(unsigned long hart)
{
	while (sbi_hart_get_status(hart).value != SBI_HSM_STOPPED)
		;
}

/* ---- restart ---- */

static void restart_forever(unsigned long sibling)
{
	printf("hostile: restarting hart %lu in a loop\n", sibling);
	for (;;)
		inmate_start_hart(sibling);
}

static void restarted(void)
{
	if (sbi_hart_get_status(inmate_first_hart()).value == SBI_HSM_STOPPED)
		for (;;)
			;
	hart_stop();
}

/* ---- flood ---- */

/* The first hart reports each write's result, so the console's tail always shows one. */
static void flood_forever(bool report)
{
	for (;;) {
		struct sbi_ret ret = sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE, FLOOD_BYTES,
					      (uintptr_t)flood_buffer, 0, 0, 0, 0);

		if (report)
			printf("\nhostile: dbcn write of %u bytes: error %ld, %ld written\n",
			       FLOOD_BYTES, ret.error, ret.value);
	}
}

static void flood(unsigned long hart, unsigned long sibling)
{
	for (unsigned int i = 0; i < FLOOD_BYTES; i++)
		flood_buffer[i] = (i % 64 == 63) ? '\n' : 'x';
	printf("hostile: flooding from harts %lu and %lu\n", hart, sibling);
	inmate_start_hart(sibling);
	flood_forever(true);
}

/* ---- leak ---- */

#define FP_REG_READ(n, out)                                                                        \
	__asm__ __volatile__(".option push\n.option arch, +d\nfmv.x.d %0, f" #n "\n.option pop"     \
			     : "=r"(out))
#define FP_REG_WRITE(n, v)                                                                         \
	__asm__ __volatile__(".option push\n.option arch, +d\nfmv.d.x f" #n ", %0\n.option pop"     \
			     ::"r"(v))
#define FP_REGS(X)                                                                                 \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)   \
	X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29)      \
	X(30) X(31)

static void read_fp(uint64_t f[32], unsigned long *fcsr)
{
#define READ_ONE(n) FP_REG_READ(n, f[n]);
	FP_REGS(READ_ONE)
#undef READ_ONE
	__asm__ __volatile__(".option push\n.option arch, +f\nfrcsr %0\n.option pop" : "=r"(*fcsr));
}

static void fill_fp(void)
{
	uint64_t v = FILL_PATTERN;

#define WRITE_ONE(n) FP_REG_WRITE(n, v + n);
	FP_REGS(WRITE_ONE)
#undef WRITE_ONE
	__asm__ __volatile__(".option push\n.option arch, +f\nfscsr %0\n.option pop" ::"r"(0x3fUL));
}

/*
 * What this hart started with. main() and secondary_main() call it first:
 * the entry code writes only sstatus.SIE, sie, stvec, sp and tp, so the rest
 * is what the hypervisor left.
 */
static void report_start_state(unsigned long hart, const char *when)
{
	unsigned long sstatus = csr_read(CSR_SSTATUS);
	unsigned long fcsr;
	uint64_t f[32];
	unsigned int dirty = 0;

	printf("hostile: hart %lu %s: sstatus.FS %lu sepc 0x%lx scause 0x%lx stval 0x%lx "
	       "sscratch 0x%lx satp 0x%lx senvcfg 0x%lx scounteren 0x%lx stimecmp 0x%lx\n",
	       hart, when, (sstatus & SSTATUS_FS) >> SSTATUS_FS_SHIFT, csr_read(CSR_SEPC),
	       csr_read(CSR_SCAUSE), csr_read(CSR_STVAL), csr_read(CSR_SSCRATCH),
	       csr_read(CSR_SATP), csr_read(CSR_SENVCFG), csr_read(CSR_SCOUNTEREN),
	       csr_read(CSR_STIMECMP));
	if (!(sstatus & SSTATUS_FS))
		csr_set(CSR_SSTATUS, SSTATUS_FS_INIT);
	read_fp(f, &fcsr);
	for (unsigned int i = 0; i < 32; i++) {
		if (!f[i])
			continue;
		printf("hostile: hart %lu %s: f%u 0x%lx\n", hart, when, i, (unsigned long)f[i]);
		dirty++;
	}
	printf("hostile: hart %lu %s: fcsr 0x%lx, %u fp registers not zero\n", hart, when, fcsr,
	       dirty);
}

/* Leave a trace in everything the next owner of this hart must not see. */
static void fill_state(unsigned long hart)
{
	fill_fp();
	csr_write(CSR_SSCRATCH, 0x5c5c5c5cUL + hart);
	csr_write(CSR_SEPC, 0x5e5e5e5cUL);
	csr_write(CSR_SCAUSE, 0x5);
	csr_write(CSR_STVAL, 0x57575757UL);
	csr_write(CSR_SENVCFG, ~0UL);
	csr_write(CSR_SCOUNTEREN, 0);
	csr_write(CSR_STIMECMP, 0x1234);
	printf("hostile: hart %lu filled\n", hart);
}

static void leak(unsigned long hart, unsigned long sibling)
{
	fill_state(hart);
	/* The sibling starts from what the root left, then from what it filled itself. */
	for (unsigned int run = 1; run <= 2; run++) {
		long err = inmate_start_hart(sibling);

		if (err) {
			printf("hostile: hart_start of hart %lu: error %ld\n", sibling, err);
			return;
		}
		while (sibling_runs < run)
			;
		wait_stopped(sibling);
	}
	printf("hostile: leak done\n");
}

/* ---- hsm-addr ---- */

static void try_start_at(unsigned long sibling, uintptr_t addr, const char *what)
{
	struct sbi_ret ret = sbi_hart_start(sibling, addr, 0);

	printf("hostile: hart_start at 0x%lx (%s) -> error %ld, hart %lu %s\n",
	       (unsigned long)addr, what, ret.error, sibling,
	       sbi_hsm_state_name(sbi_hart_get_status(sibling).value));
}

static void hsm_addr(unsigned long sibling)
{
	try_start_at(sibling, INMATE_RAM_BASE + INMATE_RAM_SIZE, "past the cell's RAM");
	try_start_at(sibling, INMATE_BOOT_INFO, "boot info page, not executable");
	try_start_at(sibling, 0x80200000UL, "root memory");
	try_start_at(sibling, 0xbbe00000UL, "hypervisor");
	try_start_at(sibling, ~0UL & ~3UL, "top of the address space");
	printf("hostile: hsm-addr done\n");
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	unsigned long sibling = sibling_of(hart, bi);
	char *arg;

	params_read_line(mode_line, sizeof(mode_line));
	arg = params_split_word(mode_line);
	mode = mode_line;
	if (params_equal(mode, "leak"))
		report_start_state(hart, "start");
	printf("hostile: mode %s%s%s on hart %lu, sibling %lu\n", mode, *arg ? " " : "", arg, hart,
	       sibling);
	if (sibling == BH_MAX_HARTS) {
		printf("hostile: needs a cell with two harts\n");
		return 0;
	}
	if (params_equal(mode, "restart"))
		restart_forever(sibling);
	else if (params_equal(mode, "flood"))
		flood(hart, sibling);
	else if (params_equal(mode, "leak"))
		leak(hart, sibling);
	else if (params_equal(mode, "hsm-addr"))
		hsm_addr(sibling);
	else
		printf("hostile: unknown mode '%s' (restart, flood, leak, hsm-addr)\n", mode);
	return 0;
}

void secondary_main(unsigned long hart, const struct bh_boot_info *bi)
{
	(void)bi;
	if (params_equal(mode, "restart"))
		restarted();
	if (params_equal(mode, "flood"))
		flood_forever(false);
	if (!params_equal(mode, "leak"))
		return;
	report_start_state(hart, sibling_runs ? "restart" : "start");
	fill_state(hart);
	__atomic_fetch_add(&sibling_runs, 1, __ATOMIC_SEQ_CST);
	hart_stop();
}
