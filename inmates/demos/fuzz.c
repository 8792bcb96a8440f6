// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzz inmate: on both harts of its cell, a seeded stream of random SBI
 * calls (every extension, unknown ones, hypercall ids, HSM on its own and
 * foreign harts), random loads, stores and AMOs (its own RAM, the PLIC
 * window, other cells, the hypervisor, unmapped space) and random CSR reads
 * and writes, trapping ones included. Exceptions the hypervisor injects are
 * counted and skipped. An access the hypervisor must punish fails the cell,
 * which ends the run as well; either way the root must not notice.
 *
 * Parameter page: "seed N [actions M]" (decimal). It prints its seed first,
 * so a run is reproduced by loading the same line again.
 */
#include "inmate.h"
#include "params.h"

#define MODE_MAX	 64
#define DEFAULT_ACTIONS	 2000
#define SCRATCH_BYTES	 4096
#define HC_EXT		 0x0A42484BUL
#define EXT_TIME	 0x54494D45UL
#define EXT_SRST	 0x53525354UL
#define HSM_HART_STOP	 1
#define HSM_HART_SUSPEND 3

/* lib/entry.S: where inmate_start_hart() starts a hart. */
void _secondary_entry(void);

struct fuzz_state {
	uint64_t rng;
	unsigned long hart, actions, calls;
};

static uint64_t scratch[SCRATCH_BYTES / 8] __attribute__((aligned(64)));
static uint64_t seed;
static unsigned long actions = DEFAULT_ACTIONS;
static volatile unsigned long exceptions[BH_MAX_HARTS];
static const struct bh_boot_info *boot;

static uint64_t next(struct fuzz_state *f)
{
	/* xorshift64*: small, and the same sequence for the same seed everywhere. */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(struct fuzz_state *f, uint64_t n)
{
	return next(f) % n;
}

static bool one_in(struct fuzz_state *f, uint64_t n)
{
	return below(f, n) == 0;
}

/* Skip whatever faulted: the hypervisor's injected access faults and illegal instructions. */
static bool skip_exception(unsigned long cause)
{
	unsigned long sepc = csr_read(CSR_SEPC);
	uint16_t low = *(volatile uint16_t *)sepc;

	(void)cause;
	exceptions[hart_id()]++;
	csr_write(CSR_SEPC, sepc + ((low & 3) == 3 ? 4 : 2));
	return true;
}

static uint64_t interesting_value(struct fuzz_state *f)
{
	static const uint64_t values[] = {
		0, 1, 2, 3, ~0ULL, 0x7fffffffffffffffULL, 0x80000000ULL, 0x800ff000ULL,
		0x7ffff000ULL, 0x0c000000ULL, 0x0c200000ULL, 0xbbe00000ULL, 0xbd000000ULL,
		0x80200000ULL, 0x1000ULL, 0xffffffff80000000ULL, 1ULL << 40, 64, 63,
	};

	if (one_in(f, 3))
		return next(f);
	return values[below(f, sizeof(values) / sizeof(values[0]))];
}

/* ---- SBI ---- */

static unsigned long random_extension(struct fuzz_state *f)
{
	static const unsigned long exts[] = {
		SBI_EXT_BASE, EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_DBCN,
		HC_EXT, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x4442545, 0x535345,
		0x504D55, 0x53555350, 0x46574654, 0x0A000000, 0x09000000,
	};

	if (one_in(f, 8))
		return next(f);
	return exts[below(f, sizeof(exts) / sizeof(exts[0]))];
}

static void random_sbi_call(struct fuzz_state *f)
{
	unsigned long ext = random_extension(f);
	unsigned long fid = one_in(f, 6) ? next(f) : below(f, 8);
	unsigned long a[6];

	for (int i = 0; i < 6; i++)
		a[i] = interesting_value(f);
	/* HSM on the cell's own harts mostly; a start at a real entry now and then. */
	if (ext == SBI_EXT_HSM) {
		if (!one_in(f, 4))
			a[0] = below(f, 4);
		if (fid == 0 && one_in(f, 2)) {
			a[1] = (uintptr_t)_secondary_entry;
			a[2] = (uintptr_t)boot;
		}
		/* The first hart keeps running the stream; a stopped sibling is restarted. */
		if ((fid == HSM_HART_STOP || fid == HSM_HART_SUSPEND) && f->hart == inmate_first_hart())
			fid = 2;
	}
	if (ext == SBI_EXT_DBCN)
		a[0] &= 0x3ff;
	f->calls++;
	sbi_call(ext, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* Rarely: the calls that end the cell (SRST, legacy shutdown). */
static void random_ending_call(struct fuzz_state *f)
{
	if (one_in(f, 2))
		sbi_call(EXT_SRST, 0, below(f, 4), below(f, 3), 0, 0, 0, 0);
	else
		sbi_legacy_call(0x08, 0);
}

/* ---- memory ---- */

static uintptr_t random_address(struct fuzz_state *f, bool *ends)
{
	unsigned int kind = (unsigned int)below(f, 100);

	*ends = false;
	if (kind < 70)
		return (uintptr_t)scratch + (below(f, SCRATCH_BYTES) & ~7UL);
	if (kind < 97)
		return boot->plic_base + (below(f, boot->plic_size) & ~3UL);
	*ends = true;
	switch (kind) {
	case 97:
		return 0xbbe00000UL + (below(f, 0x1000000) & ~7UL); /* the hypervisor */
	case 98:
		return 0xbce00000UL + (below(f, 0x300000) & ~7UL); /* other cells' pool slices */
	default:
		return next(f) & ~7UL;
	}
}

static void random_access(struct fuzz_state *f)
{
	bool ends, plic;
	uintptr_t addr = random_address(f, &ends);
	uint64_t value = interesting_value(f), old;
	unsigned int op = (unsigned int)below(f, 6);

	plic = addr >= boot->plic_base && addr - boot->plic_base < boot->plic_size;
	/* A store to a PLIC line the cell does not own fails it: keep those rare. */
	if (plic && op >= 2 && !one_in(f, 16))
		op = (unsigned int)below(f, 2);
	if (ends && !one_in(f, 20))
		return;
	switch (op) {
	case 0:
		(void)*(volatile uint32_t *)addr;
		break;
	case 1:
		(void)*(volatile uint64_t *)addr;
		break;
	case 2:
		*(volatile uint32_t *)addr = (uint32_t)value;
		break;
	case 3:
		*(volatile uint8_t *)addr = (uint8_t)value;
		break;
	case 4:
		__asm__ __volatile__("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(addr), "r"(value)
				     : "memory");
		break;
	default:
		__asm__ __volatile__("amoswap.d %0, %2, (%1)" : "=r"(old) : "r"(addr), "r"(value)
				     : "memory");
		break;
	}
}

/* ---- CSRs ---- */

#define CSR_READ_CASE(n, csr)                                                                      \
	case n:                                                                                    \
		(void)csr_read(csr);                                                               \
		break;
#define CSR_WRITE_CASE(n, csr)                                                                     \
	case n:                                                                                    \
		csr_write(csr, v);                                                                 \
		break;

static void random_csr(struct fuzz_state *f)
{
	uint64_t v = interesting_value(f);

	switch (below(f, 30)) {
		CSR_READ_CASE(0, 0x100)	  /* sstatus */
		CSR_READ_CASE(1, 0x105)	  /* stvec */
		CSR_READ_CASE(2, 0x180)	  /* satp */
		CSR_READ_CASE(3, 0xc00)	  /* cycle */
		CSR_READ_CASE(4, 0xc01)	  /* time */
		CSR_READ_CASE(5, 0xc02)	  /* instret */
		CSR_READ_CASE(6, 0xc03)	  /* hpmcounter3 */
		CSR_READ_CASE(7, 0x600)	  /* hstatus: virtual instruction */
		CSR_READ_CASE(8, 0x680)	  /* hgatp */
		CSR_READ_CASE(9, 0x200)	  /* vsstatus */
		CSR_READ_CASE(10, 0x300)  /* mstatus: illegal */
		CSR_READ_CASE(11, 0x10c)  /* sstateen0 */
		CSR_READ_CASE(12, 0x5a8)  /* scontext */
		CSR_READ_CASE(13, 0x144)  /* sip */
		CSR_READ_CASE(14, 0xda0)  /* scountovf */
		CSR_WRITE_CASE(15, 0x140) /* sscratch */
		CSR_WRITE_CASE(16, 0x141) /* sepc */
		CSR_WRITE_CASE(17, 0x142) /* scause */
		CSR_WRITE_CASE(18, 0x143) /* stval */
		CSR_WRITE_CASE(19, 0x14d) /* stimecmp */
		CSR_WRITE_CASE(20, 0x10a) /* senvcfg */
		CSR_WRITE_CASE(21, 0x106) /* scounteren */
		CSR_WRITE_CASE(22, 0x600) /* hstatus */
		CSR_WRITE_CASE(23, 0x680) /* hgatp */
		CSR_WRITE_CASE(24, 0x645) /* hvip */
		CSR_WRITE_CASE(25, 0x300) /* mstatus */
		CSR_WRITE_CASE(26, 0xc01) /* time: read-only */
		CSR_WRITE_CASE(27, 0x200) /* vsstatus */
	case 28:
		csr_write(0x104, v & ~0x222UL); /* sie, less what would need handlers */
		break;
	default:
		csr_write(0x144, v & 2); /* sip.SSIP */
		break;
	}
}

/* splitmix64: every seed and hart gets its own, non-zero xorshift state. */
static uint64_t initial_state(uint64_t s, unsigned long hart)
{
	uint64_t z = s + 0x9E3779B97F4A7C15ULL * (hart + 1);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static void run(unsigned long hart)
{
	struct fuzz_state f = { .rng = initial_state(seed, hart), .hart = hart };

	printf("fuzz: hart %lu: seed %lu, %lu actions\n", hart, (unsigned long)seed, actions);
	for (f.actions = 0; f.actions < actions; f.actions++) {
		unsigned int what = (unsigned int)below(&f, 10000);

		if (what < 4000)
			random_sbi_call(&f);
		else if (what < 7000)
			random_access(&f);
		else if (what < 9999)
			random_csr(&f);
		else
			random_ending_call(&f);
	}
	printf("fuzz: hart %lu done: %lu actions, %lu SBI calls, %lu exceptions skipped\n", hart,
	       f.actions, f.calls, exceptions[hart]);
}

static bool parse_decimal(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return true;
}

static void read_params(void)
{
	char line[MODE_MAX];
	char *word = line, *rest;
	unsigned long value;

	params_read_line(line, sizeof(line));
	while (*word) {
		rest = params_split_word(word);
		if (!*rest)
			break;
		{
			char *after = params_split_word(rest);

			if (parse_decimal(rest, &value)) {
				if (params_equal(word, "seed"))
					seed = value;
				else if (params_equal(word, "actions"))
					actions = value;
			}
			word = after;
		}
	}
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	boot = bi;
	read_params();
	trap_set_exception_handler(skip_exception);
	for (unsigned long other = 0; other < BH_MAX_HARTS; other++)
		if (other != hart && ((bi->cpu_set >> other) & 1))
			inmate_start_hart(other);
	run(hart);
	return 0;
}

void secondary_main(unsigned long hart, const struct bh_boot_info *bi)
{
	(void)bi;
	/* A restart by the stream (HSM) runs it again, from the same seed. */
	run(hart);
}
