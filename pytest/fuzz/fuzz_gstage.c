// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the G-stage page-table builder (hypervisor/core/mm/gstage.c), with the host page
 * allocator of pytest/host/support/gstage_testenv.c (an arena standing in for physical memory,
 * which counts double frees and stray physical addresses, and can be told to fail).
 *
 * Input: u8 mode (Sv39x4/Sv48x4/Sv57x4), u8 end (bit 0: tear down with gstage_destroy() rather
 * than by unmapping), then operations (u8 opcode and operands, see the loop at the end): map,
 * unmap, translate, fence done, hgatp; before each map/unmap an optional allocator failure
 * after n pages or a misaligned page. Addresses are drawn near 0, 4 GiB, the middle and the top
 * of the guest-physical space, or anywhere; sizes in pages, 2 MiB or 1 GiB units; hpa either
 * as aligned as the gpa (huge leaves) or not.
 *
 * Checked against a model (a list of mapped extents): every return code (errors in the order
 * the contract gives them: range, flags, hpa, overlap; NOMEM/ALLOC only when the allocator
 * failed or ran out, and then nothing changed); after each operation translate() at the edges
 * of every extent and of the range just touched agrees with the model, the builder's table
 * count matches the pages the allocator has handed out, and the allocator saw no misuse; an
 * unmap that removed something sets fence-pending. At the end every extent is unmapped (or the
 * table destroyed), nothing translates any more and, after the fence, every page is back.
 */
#include <string.h>

#include <gstage.h>

#include "fuzz.h"

#define PAGE	    0x1000ull
#define ARENA_PAGES 768
#define MAX_EXT	    128

/* pytest/host/support/gstage_testenv.c */
struct gstage_test_env;
struct gstage_test_env *gstage_test_env_new(unsigned long pages);
struct gstage_table *gstage_test_env_table(struct gstage_test_env *env);
const struct gstage_alloc *gstage_test_env_alloc(struct gstage_test_env *env);
void *gstage_test_env_arena(struct gstage_test_env *env);
uint64_t gstage_test_env_phys_base(void);
unsigned long gstage_test_env_in_use(struct gstage_test_env *env);
void gstage_test_env_fail_after(struct gstage_test_env *env, long allocations);
void gstage_test_env_misalign_next(struct gstage_test_env *env);
unsigned long gstage_test_env_errors(struct gstage_test_env *env);

struct ext {
	uint64_t gpa, hpa, size;
	unsigned int flags;
};

static struct {
	struct gstage_test_env *env;
	struct gstage_table *pt;
	uint64_t limit; /* 1 << GPA bits */
	struct ext ext[MAX_EXT];
	unsigned int n;
} s;

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static const struct ext *lookup(uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < s.n; i++)
		if (gpa >= s.ext[i].gpa && gpa - s.ext[i].gpa < s.ext[i].size)
			return &s.ext[i];
	return NULL;
}

/* translate() of one address agrees with the model. */
static void probe(uint64_t gpa, const char *when)
{
	const struct ext *e;
	uint64_t hpa = 0;
	unsigned int flags = 0;
	int ret;

	if (gpa >= s.limit) {
		ret = gstage_translate(s.pt, gpa, &hpa, &flags);
		FUZZ_CHECK(ret == GSTAGE_ERR_RANGE, "%s: %#llx beyond the GPA width gives %d", when,
			   (unsigned long long)gpa, ret);
		return;
	}
	e = lookup(gpa);
	ret = gstage_translate(s.pt, gpa, &hpa, &flags);
	if (!e) {
		FUZZ_CHECK(ret == GSTAGE_ERR_NOENT,
			   "%s: %#llx translates (%d, hpa %#llx) but is not "
			   "mapped",
			   when, (unsigned long long)gpa, ret, (unsigned long long)hpa);
		return;
	}
	FUZZ_CHECK(ret == 0 && hpa == e->hpa + (gpa - e->gpa) && flags == e->flags,
		   "%s: %#llx gives %d hpa %#llx flags %u, expected hpa %#llx flags %u", when,
		   (unsigned long long)gpa, ret, (unsigned long long)hpa, flags,
		   (unsigned long long)(e->hpa + (gpa - e->gpa)), e->flags);
}

static void probe_range(uint64_t gpa, uint64_t size, const char *when)
{
	probe(gpa - PAGE, when);
	probe(gpa, when);
	probe(gpa + 0x7ff, when);
	probe(gpa + size / 2 + 8, when);
	probe(gpa + size - 1, when);
	probe(gpa + size, when);
}

static void check_all(const char *when)
{
	unsigned int i;

	for (i = 0; i < s.n; i++)
		probe_range(s.ext[i].gpa, s.ext[i].size, when);
	FUZZ_CHECK(gstage_tables_in_use(s.pt) == gstage_test_env_in_use(s.env),
		   "%s: the builder counts %lu tables, the allocator handed out %lu", when,
		   gstage_tables_in_use(s.pt), gstage_test_env_in_use(s.env));
	FUZZ_CHECK(!gstage_test_env_errors(s.env), "%s: %lu bad frees or stray physical addresses",
		   when, gstage_test_env_errors(s.env));
}

/* The result the contract gives for a range argument, before the table is looked at. */
static int range_error(uint64_t gpa, uint64_t size)
{
	if (!size)
		return GSTAGE_ERR_INVAL;
	if ((gpa | size) & (PAGE - 1))
		return GSTAGE_ERR_ALIGN;
	if (gpa >= s.limit || size > s.limit - gpa)
		return GSTAGE_ERR_RANGE;
	return 0;
}

static int map_error(uint64_t gpa, uint64_t hpa, uint64_t size, unsigned int flags)
{
	const uint64_t phys_limit = 1ull << GSTAGE_PHYS_BITS;
	int ret = range_error(gpa, size);
	unsigned int i;

	if (ret)
		return ret;
	if (!flags || (flags & ~7u) || ((flags & GSTAGE_WRITE) && !(flags & GSTAGE_READ)))
		return GSTAGE_ERR_FLAGS;
	if (hpa & (PAGE - 1))
		return GSTAGE_ERR_ALIGN;
	if (hpa >= phys_limit || size > phys_limit - hpa)
		return GSTAGE_ERR_RANGE;
	for (i = 0; i < s.n; i++)
		if (overlaps(gpa, size, s.ext[i].gpa, s.ext[i].size))
			return GSTAGE_ERR_EXIST;
	return 0;
}

/* Take [gpa, gpa + size) out of the model; returns whether anything was mapped there. */
static bool model_unmap(uint64_t gpa, uint64_t size)
{
	bool removed = false;
	unsigned int i = 0;

	while (i < s.n) {
		struct ext e = s.ext[i];
		uint64_t end = gpa + size, eend = e.gpa + e.size;

		if (!overlaps(gpa, size, e.gpa, e.size)) {
			i++;
			continue;
		}
		removed = true;
		s.ext[i] = s.ext[--s.n];
		if (e.gpa < gpa) {
			FUZZ_CHECK(s.n < MAX_EXT, "harness: extent table full");
			s.ext[s.n++] = (struct ext){ e.gpa, e.hpa, gpa - e.gpa, e.flags };
		}
		if (eend > end) {
			FUZZ_CHECK(s.n < MAX_EXT, "harness: extent table full");
			s.ext[s.n++] =
				(struct ext){ end, e.hpa + (end - e.gpa), eend - end, e.flags };
		}
		/* the pieces put at the end are outside the range: looking at them again is
		 * harmless */
	}
	return removed;
}

static uint64_t pick_gpa(struct fuzz_in *in)
{
	uint8_t area = fuzz_u8(in);
	uint64_t off = (uint64_t)fuzz_u32(in) << 12;

	switch (area % 5) {
	case 0:
		return off & 0xffffffffull; /* low 4 GiB */
	case 1:
		return (1ull << 32) + (off & 0x3fffffffull); /* just above 4 GiB */
	case 2:
		return (s.limit / 2) + (off & 0xffffffffull); /* the upper half */
	case 3:
		return s.limit - (off & 0xffffffffull); /* at the top, and just beyond */
	default:
		return fuzz_u64(in) & (area & 0x80 ? ~0ull : ~0xfffull); /* anywhere */
	}
}

static uint64_t pick_size(struct fuzz_in *in)
{
	static const unsigned int shift[4] = { 12, 12, 21, 30 };
	uint8_t b = fuzz_u8(in);
	uint64_t size = ((uint64_t)(b >> 3) + 1) << shift[b & 3];

	if (b & 4)
		size += (uint64_t)fuzz_u8(in) << 12; /* plus some pages: huge leaves and edges */
	if (b == 0xff)
		size = fuzz_u64(in); /* anything, aligned or not */
	return size;
}

/* The allocator's misalign_next stays armed until a page is handed out. */
static bool misalign_armed;

static void pick_failure(struct fuzz_in *in, bool *may_fail)
{
	uint8_t f = fuzz_u8(in);

	if ((f & 0xc0) == 0xc0) {
		gstage_test_env_fail_after(s.env, f & 0x1f);
		*may_fail = true;
	} else if ((f & 0xe0) == 0xa0) {
		gstage_test_env_misalign_next(s.env);
		misalign_armed = true;
	}
	*may_fail = misalign_armed || (f & 0xc0) == 0xc0;
}

/* After an operation: no failure may carry over to the next one. */
static void disarm_failures(void)
{
	const struct gstage_alloc *a = gstage_test_env_alloc(s.env);
	uint64_t phys;
	void *page;

	gstage_test_env_fail_after(s.env, -1);
	if (!misalign_armed)
		return;
	page = a->alloc_page(a->opaque, &phys);
	if (page) {
		a->free_page(a->opaque, page);
		misalign_armed = false;
	}
}

static void op_map(struct fuzz_in *in)
{
	uint64_t gpa = pick_gpa(in), size = pick_size(in), hpa;
	uint8_t h = fuzz_u8(in);
	unsigned int flags = fuzz_u8(in) & 0xf;
	unsigned long before = gstage_test_env_in_use(s.env);
	bool may_fail;
	int ret, want;

	if (s.n == MAX_EXT)
		return;
	/* Huge leaves need gpa and hpa equally aligned; bit 0 of h breaks that on purpose. */
	hpa = ((uint64_t)fuzz_u16(in) << 30) + (gpa & ((1ull << 30) - 1));
	if (h & 1)
		hpa += (uint64_t)(h >> 1) << 12;
	if ((h & 0xc0) == 0xc0)
		hpa = fuzz_u64(in);
	/* Unaligned hpa needs a 4 KiB leaf per page: keep those maps within 8 MiB. */
	if ((hpa ^ gpa) & ((1ull << 21) - 1) && size > (8ull << 20) && size < s.limit)
		size = 8ull << 20;
	pick_failure(in, &may_fail);
	want = map_error(gpa, hpa, size, flags);
	ret = gstage_map(s.pt, gpa, hpa, size, flags);
	disarm_failures();
	if (!want && (ret == GSTAGE_ERR_NOMEM || (may_fail && ret == GSTAGE_ERR_ALLOC))) {
		/* out of pages (or told to fail): nothing may have changed */
		FUZZ_CHECK(gstage_test_env_in_use(s.env) == before, "failed map kept pages");
		probe_range(gpa, size, "after a failed map");
	} else {
		FUZZ_CHECK(ret == want,
			   "map(%#llx -> %#llx, %#llx, flags %u) = %d (%s), expected %d",
			   (unsigned long long)gpa, (unsigned long long)hpa,
			   (unsigned long long)size, flags, ret, gstage_strerror(ret), want);
		if (!ret) {
			s.ext[s.n++] = (struct ext){ gpa, hpa, size, flags };
			probe_range(gpa, size, "after map");
		}
	}
	check_all("after map");
}

static void op_unmap(struct fuzz_in *in)
{
	uint64_t gpa = pick_gpa(in), size = pick_size(in);
	unsigned long before = gstage_test_env_in_use(s.env);
	bool pending = gstage_fence_pending(s.pt), may_fail, removed;
	int ret, want = range_error(gpa, size);

	if (s.n + 2 > MAX_EXT)
		return;
	pick_failure(in, &may_fail);
	ret = gstage_unmap(s.pt, gpa, size);
	disarm_failures();
	if (!want && (ret == GSTAGE_ERR_NOMEM || (may_fail && ret == GSTAGE_ERR_ALLOC))) {
		FUZZ_CHECK(gstage_test_env_in_use(s.env) == before, "failed unmap kept pages");
		FUZZ_CHECK(gstage_fence_pending(s.pt) == pending, "failed unmap changed the fence");
		probe_range(gpa, size, "after a failed unmap");
		check_all("after a failed unmap");
		return;
	}
	FUZZ_CHECK(ret == want, "unmap(%#llx, %#llx) = %d (%s), expected %d",
		   (unsigned long long)gpa, (unsigned long long)size, ret, gstage_strerror(ret),
		   want);
	if (ret)
		return;
	removed = model_unmap(gpa, size);
	FUZZ_CHECK(!removed || gstage_fence_pending(s.pt), "unmap removed mappings, no fence due");
	FUZZ_CHECK(removed || pending || !gstage_fence_pending(s.pt),
		   "unmap of a hole asks for a fence");
	probe_range(gpa, size, "after unmap");
	check_all("after unmap");
}

static void op_hgatp(struct fuzz_in *in, unsigned int mode)
{
	unsigned int vmid = fuzz_u16(in);
	uint64_t hgatp = 0;
	int ret = gstage_hgatp(s.pt, vmid, &hgatp);

	if (vmid > GSTAGE_VMID_MAX) {
		FUZZ_CHECK(ret == GSTAGE_ERR_VMID, "hgatp(vmid %u) = %d", vmid, ret);
		return;
	}
	FUZZ_CHECK(ret == 0 && hgatp == ((uint64_t)mode << 60 | (uint64_t)vmid << 44 |
					 gstage_test_env_phys_base() >> 12),
		   "hgatp(vmid %u) = %d, %#llx", vmid, ret, (unsigned long long)hgatp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int modes[3] = { GSTAGE_MODE_SV39X4, GSTAGE_MODE_SV48X4,
					       GSTAGE_MODE_SV57X4 };
	struct fuzz_in in = fuzz_in(data, size);
	unsigned int mode = modes[fuzz_u8(&in) % 3];
	uint8_t end = fuzz_u8(&in);
	static const uint8_t zero_root[GSTAGE_ROOT_SIZE];
	int ret;

	/* One arena for the whole run: every input must give all of it back. */
	if (!s.env) {
		s.env = gstage_test_env_new(ARENA_PAGES);
		FUZZ_CHECK(s.env, "out of memory");
		s.pt = gstage_test_env_table(s.env);
	}
	FUZZ_CHECK(gstage_test_env_in_use(s.env) == 0, "pages left from the previous input");
	disarm_failures();
	FUZZ_CHECK(!misalign_armed, "harness: allocator failure left armed");
	ret = gstage_init(s.pt, mode, gstage_test_env_arena(s.env), gstage_test_env_phys_base(),
			  gstage_test_env_alloc(s.env));
	FUZZ_CHECK(ret == 0, "gstage_init(mode %u) = %d", mode, ret);
	s.limit = 1ull << gstage_gpa_bits(s.pt);
	FUZZ_CHECK(s.limit == 1ull << (mode == GSTAGE_MODE_SV39X4   ? 41
				       : mode == GSTAGE_MODE_SV48X4 ? 50
								    : 59),
		   "mode %u: %u GPA bits", mode, gstage_gpa_bits(s.pt));
	s.n = 0;

	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);

		switch (op % 8) {
		case 0:
		case 1:
		case 2:
			op_map(&in);
			break;
		case 3:
		case 4:
			op_unmap(&in);
			break;
		case 5:
			probe(pick_gpa(&in) + fuzz_u16(&in), "probe");
			break;
		case 6:
			gstage_fence_done(s.pt);
			FUZZ_CHECK(!gstage_fence_pending(s.pt), "fence still pending after done");
			check_all("after fence");
			break;
		default:
			op_hgatp(&in, mode);
			break;
		}
	}

	if (end & 1) {
		gstage_destroy(s.pt);
		s.n = 0;
	} else {
		while (s.n) {
			struct ext e = s.ext[s.n - 1];

			ret = gstage_unmap(s.pt, e.gpa, e.size);
			FUZZ_CHECK(ret == 0, "unmap of a mapped extent %#llx+%#llx = %d",
				   (unsigned long long)e.gpa, (unsigned long long)e.size, ret);
			FUZZ_CHECK(gstage_fence_pending(s.pt),
				   "unmap of a mapped extent, no fence");
			model_unmap(e.gpa, e.size);
		}
		check_all("after unmapping everything");
		gstage_fence_done(s.pt);
	}
	FUZZ_CHECK(!memcmp(gstage_test_env_arena(s.env), zero_root, sizeof(zero_root)),
		   "root table not empty at the end");
	FUZZ_CHECK(!gstage_fence_pending(s.pt), "fence pending at the end");
	FUZZ_CHECK(gstage_tables_in_use(s.pt) == 0 && gstage_test_env_in_use(s.env) == 0,
		   "%lu tables / %lu pages still in use with nothing mapped",
		   gstage_tables_in_use(s.pt), gstage_test_env_in_use(s.env));
	FUZZ_CHECK(!gstage_test_env_errors(s.env), "%lu bad frees or stray physical addresses",
		   gstage_test_env_errors(s.env));
	return 0;
}
