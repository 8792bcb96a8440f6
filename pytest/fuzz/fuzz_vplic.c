// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the virtual PLIC (hypervisor/core/irq/vplic.c, vplic_mmio.c), driven as a hostile
 * guest and the hypervisor drive it: MMIO reads and writes anywhere in the window (and beyond),
 * interrupts injected, lines acquired and released, the register-level API called directly.
 *
 * Input: u16 sources, u8 contexts, u8 hook selection, 2 x u64 context mask, then operations
 * (u8 opcode and its operands, see the loop at the end). Sources and contexts outside the valid
 * ranges, or a mask naming contexts beyond the count, must make vplic_init() refuse and leave
 * the vPLIC untouched.
 *
 * Every operation is replayed on a reference model written here from the PLIC spec and the
 * semantics in vplic.h (claim: highest priority strictly above the threshold, ties to the lowest
 * id; complete only when in service and enabled there; unowned lines read as 0, writing them is
 * a violation; only aligned 32-bit accesses to registers the guest has). Checked after each
 * operation: return codes, values read, violation sources, and the exact sequence of hook calls
 * (signal() for every context whose level changed and no other, ascending, then hw_complete()
 * or line_changed() in ascending source order); signal() never names a context the guest does
 * not have; hw_complete() comes exactly once per physical claim the vPLIC was given (a
 * hardware-backed line is injected again only after it), never twice. At the end of an input
 * every context's level and every line's state is compared with the model.
 */
#include <string.h>

#include <vplic.h>

#include "fuzz.h"

#define NS VPLIC_MAX_SOURCES
#define NC VPLIC_MAX_CONTEXTS
#define SW (NS / 64)
#define CW (NC / 64)

struct model {
	unsigned int ns, nc;
	uint64_t ctx[CW];
	uint64_t owned[SW], hw[SW], pending[SW], in_service[SW];
	/* hardware-backed lines whose physical claim the vPLIC holds (not yet hw_complete()d) */
	uint64_t outstanding[SW];
	uint64_t enable[NC][SW];
	uint8_t prio[NS], threshold[NC];
	uint64_t reported[CW];
	/* contexts whose level the current operation may have changed */
	uint64_t affected[CW];
};

static bool test(const uint64_t *map, unsigned int bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

static void put(uint64_t *map, unsigned int bit, bool v)
{
	if (v)
		map[bit / 64] |= 1ull << (bit % 64);
	else
		map[bit / 64] &= ~(1ull << (bit % 64));
}

static bool m_source(const struct model *m, uint64_t s)
{
	return s >= 1 && s < m->ns;
}

static bool m_context(const struct model *m, uint64_t c)
{
	return c < m->nc && test(m->ctx, (unsigned int)c);
}

static void touch_context(struct model *m, uint64_t c)
{
	if (c < NC)
		put(m->affected, (unsigned int)c, true);
}

/* Every context enabling s may see its level move when s changes. */
static void touch_source(struct model *m, unsigned int s)
{
	unsigned int c;

	for (c = 0; c < m->nc; c++)
		if (test(m->enable[c], s))
			put(m->affected, c, true);
}

/* Sources claimable in context c, in priority order: the best one, or 0. */
static unsigned int m_best(const struct model *m, unsigned int c)
{
	unsigned int best = 0, w;

	for (w = 0; w < SW; w++) {
		uint64_t bits = m->pending[w] & ~m->in_service[w] & m->owned[w] & m->enable[c][w];

		while (bits) {
			unsigned int s = w * 64 + (unsigned int)__builtin_ctzll(bits);

			if (m->prio[s] > m->threshold[c] && (!best || m->prio[s] > m->prio[best]))
				best = s;
			bits &= bits - 1;
		}
	}
	return best;
}

/* ---------------------------------------------------------------- hook calls */

enum ev_type { EV_SIGNAL = 1, EV_HW_COMPLETE, EV_LINE_CHANGED };

struct ev {
	enum ev_type type;
	unsigned int arg;
	bool level;
};

#define MAX_EVS (NC + 64)

static struct {
	struct model *m;
	struct ev got[MAX_EVS], want[MAX_EVS];
	unsigned int ngot, nwant;
	bool overflow;
	/* which hooks exist */
	bool has_signal, has_hw_complete, has_line_changed;
} ev;

static void record(enum ev_type type, unsigned int arg, bool level)
{
	if (ev.ngot == MAX_EVS) {
		ev.overflow = true;
		return;
	}
	ev.got[ev.ngot++] = (struct ev){ type, arg, level };
}

static void hook_signal(void *opaque, unsigned int context, bool asserted)
{
	FUZZ_CHECK(opaque == ev.m, "signal() with the wrong opaque pointer");
	FUZZ_CHECK(m_context(ev.m, context), "signal(%u, %d) for a context the guest does not have",
		   context, asserted);
	record(EV_SIGNAL, context, asserted);
}

static void hook_hw_complete(void *opaque, unsigned int source)
{
	FUZZ_CHECK(opaque == ev.m, "hw_complete() with the wrong opaque pointer");
	FUZZ_CHECK(source < NS && test(ev.m->outstanding, source),
		   "hw_complete(%u) without a physical claim held for it", source);
	record(EV_HW_COMPLETE, source, false);
}

static void hook_line_changed(void *opaque, unsigned int source)
{
	FUZZ_CHECK(opaque == ev.m, "line_changed() with the wrong opaque pointer");
	FUZZ_CHECK(m_source(ev.m, source), "line_changed(%u) for a source that does not exist",
		   source);
	record(EV_LINE_CHANGED, source, false);
}

static void want(enum ev_type type, unsigned int arg)
{
	FUZZ_CHECK(ev.nwant < MAX_EVS, "harness: too many expected hook calls");
	ev.want[ev.nwant++] = (struct ev){ type, arg, false };
}

static const char *ev_name(enum ev_type t)
{
	return t == EV_SIGNAL ? "signal" : t == EV_HW_COMPLETE ? "hw_complete" : "line_changed";
}

static void dump_evs(const char *what, const struct ev *e, unsigned int n)
{
	unsigned int i;

	fprintf(stderr, "  %s:", what);
	for (i = 0; i < n; i++)
		fprintf(stderr, " %s(%u%s)", ev_name(e[i].type), e[i].arg,
			e[i].type == EV_SIGNAL ? (e[i].level ? ", 1" : ", 0") : "");
	fprintf(stderr, "\n");
}

/*
 * After the model has applied the operation: the signal() calls it implies (every context whose
 * level changed, ascending; only contexts the operation touched can have changed, any other
 * signal() shows as unexpected) go first, then the hw_complete()/line_changed() calls the operation
 * queued; hooks that are NULL are left out. Compare with what the vPLIC called.
 */
static void finish_op(struct model *m, const char *op)
{
	struct ev tail[MAX_EVS];
	unsigned int ntail = ev.nwant, i, c, n = 0;

	memcpy(tail, ev.want, sizeof(tail[0]) * ntail);
	ev.nwant = 0;
	for (c = 0; c < m->nc; c++) {
		bool level;

		if (!test(m->affected, c) || !m_context(m, c))
			continue;
		put(m->affected, c, false);
		level = m_best(m, c) != 0;
		if (level == test(m->reported, c))
			continue;
		put(m->reported, c, level);
		if (ev.has_signal)
			ev.want[ev.nwant++] = (struct ev){ EV_SIGNAL, c, level };
	}
	for (i = 0; i < ntail; i++)
		if ((tail[i].type == EV_HW_COMPLETE && ev.has_hw_complete) ||
		    (tail[i].type == EV_LINE_CHANGED && ev.has_line_changed))
			ev.want[ev.nwant++] = tail[i];
	FUZZ_CHECK(!ev.overflow, "%s: more than %u hook calls", op, MAX_EVS);
	if (ev.ngot == ev.nwant) {
		for (i = 0; i < ev.ngot; i++)
			if (ev.got[i].type != ev.want[i].type || ev.got[i].arg != ev.want[i].arg ||
			    ev.got[i].level != ev.want[i].level)
				break;
		n = i;
	}
	if (ev.ngot != ev.nwant || n != ev.ngot) {
		dump_evs("called  ", ev.got, ev.ngot);
		dump_evs("expected", ev.want, ev.nwant);
		FUZZ_CHECK(0, "%s: hook calls differ from the model's", op);
	}
	/* hw_complete() gives the physical claim back (the arch's, even with no hook to say so). */
	for (i = 0; i < ntail; i++)
		if (tail[i].type == EV_HW_COMPLETE)
			put(m->outstanding, tail[i].arg, false);
	ev.ngot = ev.nwant = 0;
}

/* ---------------------------------------------------------------- the model's operations */

static unsigned int m_claim(struct model *m, unsigned int c)
{
	unsigned int s;

	if (!m_context(m, c))
		return 0;
	s = m_best(m, c);
	if (s) {
		touch_source(m, s);
		put(m->pending, s, false);
		put(m->in_service, s, true);
	}
	return s;
}

static bool m_complete(struct model *m, unsigned int c, uint32_t s)
{
	if (!m_context(m, c) || !m_source(m, s) || !test(m->owned, s) || !test(m->in_service, s) ||
	    !test(m->enable[c], s))
		return false;
	touch_source(m, s);
	put(m->in_service, s, false);
	if (test(m->hw, s))
		want(EV_HW_COMPLETE, s);
	return true;
}

static int m_write_priority(struct model *m, uint64_t s, uint32_t v, unsigned int *violation)
{
	unsigned int p = v & VPLIC_PRIORITY_MASK;

	*violation = 0;
	if (s >= m->ns)
		return VPLIC_EBADACCESS;
	if (s == 0)
		return VPLIC_OK;
	if (!test(m->owned, (unsigned int)s)) {
		if (!p)
			return VPLIC_OK;
		*violation = (unsigned int)s;
		return VPLIC_EVIOLATION;
	}
	if (m->prio[s] != p) {
		touch_source(m, (unsigned int)s);
		m->prio[s] = (uint8_t)p;
		want(EV_LINE_CHANGED, (unsigned int)s);
	}
	return VPLIC_OK;
}

static int m_write_enable(struct model *m, uint64_t c, uint64_t word, uint32_t v,
			  unsigned int *violation)
{
	unsigned int i;

	*violation = 0;
	if (!m_context(m, c) || word >= (m->ns + 31) / 32)
		return VPLIC_EBADACCESS;
	touch_context(m, c);
	for (i = 0; i < 32; i++) {
		unsigned int s = (unsigned int)word * 32 + i;
		bool on = (v >> i) & 1;

		if (!m_source(m, s))
			continue;
		if (!test(m->owned, s)) {
			if (on && !*violation)
				*violation = s;
			continue;
		}
		if (on != test(m->enable[c], s)) {
			put(m->enable[c], s, on);
			want(EV_LINE_CHANGED, s);
		}
	}
	return *violation ? VPLIC_EVIOLATION : VPLIC_OK;
}

static uint32_t m_read_enable(const struct model *m, uint64_t c, uint64_t word)
{
	uint32_t v = 0;
	unsigned int i;

	if (!m_context(m, c) || word >= NS / 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (test(m->enable[c], (unsigned int)word * 32 + i))
			v |= 1u << i;
	return v;
}

static uint32_t m_read_pending(const struct model *m, uint64_t word)
{
	if (word >= NS / 32)
		return 0;
	return (uint32_t)((m->pending[word / 2] & m->owned[word / 2]) >> (32 * (word % 2)));
}

static void m_release(struct model *m, unsigned int s)
{
	unsigned int c;

	FUZZ_CHECK(!test(m->hw, s) || test(m->outstanding, s) ==
					      (test(m->pending, s) || test(m->in_service, s)),
		   "harness: physical claim bookkeeping of line %u", s);
	if (test(m->outstanding, s))
		want(EV_HW_COMPLETE, s);
	touch_source(m, s);
	put(m->owned, s, false);
	put(m->hw, s, false);
	put(m->pending, s, false);
	put(m->in_service, s, false);
	m->prio[s] = 0;
	for (c = 0; c < NC; c++)
		put(m->enable[c], s, false);
}

/*
 * MMIO decode per vplic.h: only aligned 32-bit accesses to registers that exist for this guest.
 * Returns the register kind (1 priority, 2 pending, 3 enable, 4 threshold, 5 claim) or 0.
 */
static int m_decode(const struct model *m, uint64_t off, unsigned int width, uint64_t *index,
		    uint64_t *ctx)
{
	uint64_t words = (m->ns + 31) / 32, rel;

	if (width != 4 || (off & 3))
		return 0;
	if (off < VPLIC_PENDING_BASE) {
		*index = off / 4;
		return *index < m->ns ? 1 : 0;
	}
	if (off < VPLIC_ENABLE_BASE) {
		*index = (off - VPLIC_PENDING_BASE) / 4;
		return *index < words ? 2 : 0;
	}
	if (off < VPLIC_CONTEXT_BASE) {
		rel = off - VPLIC_ENABLE_BASE;
		*ctx = rel / VPLIC_ENABLE_STRIDE;
		*index = (rel % VPLIC_ENABLE_STRIDE) / 4;
		return m_context(m, *ctx) && *index < words ? 3 : 0;
	}
	rel = off - VPLIC_CONTEXT_BASE;
	*ctx = rel / VPLIC_CONTEXT_STRIDE;
	rel %= VPLIC_CONTEXT_STRIDE;
	if (!m_context(m, *ctx))
		return 0;
	return rel == 0 ? 4 : rel == 4 ? 5 : 0;
}

/* ---------------------------------------------------------------- operations */

/* An offset aimed at a register (or just beside one), so most accesses land somewhere. */
static uint64_t pick_offset(struct fuzz_in *in)
{
	uint8_t kind = fuzz_u8(in);
	uint64_t off;

	switch (kind % 6) {
	case 0:
		off = VPLIC_PRIORITY_BASE + 4ull * (fuzz_u16(in) % (NS + 64));
		break;
	case 1:
		off = VPLIC_PENDING_BASE + 4ull * (fuzz_u8(in) % 40);
		break;
	case 2:
		off = VPLIC_ENABLE_BASE + VPLIC_ENABLE_STRIDE * fuzz_u8(in);
		off += 4ull * (fuzz_u8(in) % 40);
		break;
	case 3:
		off = VPLIC_CONTEXT_BASE + VPLIC_CONTEXT_STRIDE * fuzz_u8(in);
		break;
	case 4:
		off = VPLIC_CONTEXT_BASE + VPLIC_CONTEXT_STRIDE * fuzz_u8(in) + VPLIC_CLAIM_OFFSET;
		break;
	default:
		return fuzz_u64(in) % (kind & 0x80 ? UINT64_MAX : 0x4000000);
	}
	/* Bits 5..7 of kind: misalign by a byte or two, or step onto a neighbour. */
	if (kind & 0x20)
		off += (kind >> 6) + 1;
	return off;
}

static unsigned int pick_width(struct fuzz_in *in)
{
	static const unsigned int widths[8] = { 4, 4, 4, 4, 1, 2, 8, 0 };

	return widths[fuzz_u8(in) % 8];
}

static void op_mmio_read(struct vplic *vp, struct model *m, uint64_t off, unsigned int width)
{
	uint64_t index = 0, ctx = 0;
	int kind = m_decode(m, off, width, &index, &ctx);
	uint32_t value = 0xdeadbeef, expect = 0;
	int ret = vplic_mmio_read(vp, off, width, &value);

	if (!kind) {
		FUZZ_CHECK(ret == VPLIC_EBADACCESS && value == 0xdeadbeef,
			   "read of %#llx width %u: returned %d (value %#x), no register there",
			   (unsigned long long)off, width, ret, value);
		finish_op(m, "bad read");
		return;
	}
	switch (kind) {
	case 1:
		expect = test(m->owned, (unsigned int)index) ? m->prio[index] : 0;
		break;
	case 2:
		expect = m_read_pending(m, index);
		break;
	case 3:
		expect = m_read_enable(m, ctx, index);
		break;
	case 4:
		expect = m->threshold[ctx];
		break;
	default:
		expect = m_claim(m, (unsigned int)ctx);
		break;
	}
	FUZZ_CHECK(ret == VPLIC_OK && value == expect,
		   "read of %#llx (register kind %d): returned %d, %#x, expected %#x",
		   (unsigned long long)off, kind, ret, value, expect);
	finish_op(m, "read");
}

static void op_mmio_write(struct vplic *vp, struct model *m, uint64_t off, unsigned int width,
			  uint32_t value)
{
	uint64_t index = 0, ctx = 0;
	int kind = m_decode(m, off, width, &index, &ctx);
	unsigned int viol = 0xdead, mviol = 0;
	int ret = vplic_mmio_write(vp, off, width, value, &viol), expect = VPLIC_OK;

	switch (kind) {
	case 0:
		expect = VPLIC_EBADACCESS;
		break;
	case 1:
		expect = m_write_priority(m, index, value, &mviol);
		break;
	case 2: /* read-only: ignored */
		break;
	case 3:
		expect = m_write_enable(m, ctx, index, value, &mviol);
		break;
	case 4:
		m->threshold[ctx] = value & VPLIC_PRIORITY_MASK;
		touch_context(m, ctx);
		break;
	default:
		m_complete(m, (unsigned int)ctx, value);
		break;
	}
	FUZZ_CHECK(ret == expect && viol == mviol,
		   "write %#x to %#llx width %u (register kind %d): returned %d violation %u, "
		   "expected %d violation %u",
		   value, (unsigned long long)off, width, kind, ret, viol, expect, mviol);
	finish_op(m, "write");
}

static void op_api(struct vplic *vp, struct model *m, struct fuzz_in *in)
{
	uint8_t which = fuzz_u8(in);
	uint32_t c = which & 0x80 ? fuzz_u32(in) : fuzz_u8(in);
	uint32_t a = which & 0x40 ? fuzz_u32(in) : fuzz_u16(in) % (NS + 64);
	uint32_t v = fuzz_u32(in);
	unsigned int viol = 0xdead, mviol;
	uint64_t mask[CW];
	int ret, expect;

	switch (which % 9) {
	case 0: {
		unsigned int got = vplic_claim(vp, c), exp = m_claim(m, c);

		FUZZ_CHECK(got == exp, "vplic_claim(%u) = %u, expected %u", c, got, exp);
		break;
	}
	case 1: {
		bool got = vplic_complete(vp, c, a), exp = m_complete(m, c, a);

		FUZZ_CHECK(got == exp, "vplic_complete(%u, %u) = %d, expected %d", c, a, got, exp);
		break;
	}
	case 2:
		ret = vplic_write_priority(vp, a, v, &viol);
		expect = m_write_priority(m, a, v, &mviol);
		FUZZ_CHECK(ret == expect && viol == mviol,
			   "vplic_write_priority(%u, %#x) = %d/%u, expected %d/%u", a, v, ret, viol,
			   expect, mviol);
		break;
	case 3:
		ret = vplic_write_enable(vp, c, a, v, &viol);
		expect = m_write_enable(m, c, a, v, &mviol);
		FUZZ_CHECK(ret == expect && viol == mviol,
			   "vplic_write_enable(%u, %u, %#x) = %d/%u, expected %d/%u", c, a, v, ret,
			   viol, expect, mviol);
		break;
	case 4:
		ret = vplic_write_threshold(vp, c, v);
		expect = m_context(m, c) ? VPLIC_OK : VPLIC_EBADACCESS;
		if (!ret) {
			m->threshold[c] = v & VPLIC_PRIORITY_MASK;
			touch_context(m, c);
		}
		FUZZ_CHECK(ret == expect, "vplic_write_threshold(%u) = %d, expected %d", c, ret,
			   expect);
		break;
	case 5:
		FUZZ_CHECK(vplic_read_enable(vp, c, a) == m_read_enable(m, c, a),
			   "vplic_read_enable(%u, %u) = %#x, expected %#x", c, a,
			   vplic_read_enable(vp, c, a), m_read_enable(m, c, a));
		break;
	case 6:
		FUZZ_CHECK(vplic_read_pending(vp, a) == m_read_pending(m, a),
			   "vplic_read_pending(%u) = %#x, expected %#x", a,
			   vplic_read_pending(vp, a), m_read_pending(m, a));
		break;
	case 7:
		ret = vplic_line_enabled_contexts(vp, a, mask);
		FUZZ_CHECK(ret == (m_source(m, a) ? VPLIC_OK : VPLIC_EINVAL),
			   "vplic_line_enabled_contexts(%u) = %d", a, ret);
		for (unsigned int k = 0; k < NC; k++)
			FUZZ_CHECK(test(mask, k) == (m_source(m, a) && test(m->enable[k], a)),
				   "vplic_line_enabled_contexts(%u): context %u wrong", a, k);
		FUZZ_CHECK(vplic_line_priority(vp, a) == (m_source(m, a) ? m->prio[a] : 0u),
			   "vplic_line_priority(%u)", a);
		FUZZ_CHECK(vplic_line_owned(vp, a) == (m_source(m, a) && test(m->owned, a)),
			   "vplic_line_owned(%u)", a);
		break;
	default:
		FUZZ_CHECK(vplic_context_pending(vp, c) == (m_context(m, c) && m_best(m, c) != 0),
			   "vplic_context_pending(%u)", c);
		break;
	}
	finish_op(m, "register-level call");
}

static void op_line(struct vplic *vp, struct model *m, uint8_t op, unsigned int s, bool hw)
{
	int ret;

	switch (op) {
	case 0: /* acquire */
		ret = vplic_acquire_line(vp, s, hw);
		if (m_source(m, s) && !test(m->owned, s)) {
			FUZZ_CHECK(ret == VPLIC_OK, "acquire(%u) = %d", s, ret);
			put(m->owned, s, true);
			put(m->hw, s, hw);
		} else {
			FUZZ_CHECK(ret == VPLIC_EINVAL, "acquire(%u) of %s line = %d", s,
				   m_source(m, s) ? "an owned" : "a nonexistent", ret);
		}
		finish_op(m, "acquire");
		break;
	case 1: { /* release */
		bool owned = m_source(m, s) && test(m->owned, s);

		if (owned)
			m_release(m, s);
		ret = vplic_release_line(vp, s);
		FUZZ_CHECK(ret == (owned ? VPLIC_OK : VPLIC_EINVAL), "release(%u) of %s line = %d",
			   s, owned ? "an owned" : "an unowned", ret);
		finish_op(m, "release");
		break;
	}
	default: /* an interrupt arrives */
		if (m_source(m, s) && test(m->hw, s)) {
			/* The physical line cannot fire again before its complete. */
			if (test(m->outstanding, s))
				return;
			put(m->outstanding, s, true);
		}
		ret = vplic_set_pending(vp, s);
		if (m_source(m, s) && test(m->owned, s)) {
			FUZZ_CHECK(ret == VPLIC_OK, "set_pending(%u) = %d", s, ret);
			put(m->pending, s, true);
			touch_source(m, s);
		} else {
			FUZZ_CHECK(ret == VPLIC_EINVAL, "set_pending(%u) of an unowned line = %d",
				   s, ret);
		}
		finish_op(m, "set_pending");
		break;
	}
}

static void final_check(const struct vplic *vp, const struct model *m)
{
	unsigned int c, s;

	for (c = 0; c < NC + 2; c++) {
		bool level = m_context(m, c) && m_best(m, c) != 0;

		FUZZ_CHECK(vplic_context_pending(vp, c) == level, "context %u: level %d, model %d",
			   c, vplic_context_pending(vp, c), level);
	}
	for (s = 0; s < NS + 2; s++) {
		FUZZ_CHECK(vplic_line_owned(vp, s) == (m_source(m, s) && test(m->owned, s)),
			   "line %u ownership", s);
		FUZZ_CHECK(vplic_line_priority(vp, s) == (m_source(m, s) ? m->prio[s] : 0u),
			   "line %u priority", s);
	}
}

/* Bits of context-mask word w that name contexts below nc. */
static uint64_t allowed(unsigned int nc, unsigned int w)
{
	if (nc >= 64 * (w + 1))
		return ~0ull;
	return nc <= 64 * w ? 0 : (1ull << (nc - 64 * w)) - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vplic_hooks all = { hook_signal, hook_hw_complete, hook_line_changed };
	struct fuzz_in in = fuzz_in(data, size);
	unsigned int ns = fuzz_u16(&in) % (NS + 4), nc = fuzz_u8(&in) % (NC + 3);
	uint64_t mask[CW];
	uint8_t hooks_sel = fuzz_u8(&in);
	struct vplic_hooks hooks = all;
	struct vplic *vp = malloc(sizeof(*vp));
	struct model *m = calloc(1, sizeof(*m));
	bool valid;
	unsigned int w;
	int ret;

	FUZZ_CHECK(vp && m, "out of memory");
	valid = ns >= 1 && ns <= NS && nc >= 1 && nc <= NC;
	for (w = 0; w < CW; w++) {
		mask[w] = fuzz_u64(&in);
		/* Usually only contexts that exist; bit 0 of the selector keeps the others. */
		if (!(hooks_sel & 1))
			mask[w] &= allowed(nc, w);
		valid = valid && !(mask[w] & ~allowed(nc, w));
	}
	/* Bits 4..7 all set: bits 1..3 drop signal, hw_complete, line_changed; 3 drops all. */
	if ((hooks_sel & 0xf0) == 0xf0) {
		if (hooks_sel & 2)
			hooks.signal = NULL;
		if (hooks_sel & 4)
			hooks.hw_complete = NULL;
		if (hooks_sel & 8)
			hooks.line_changed = NULL;
	}
	memset(vp, 0x5a, sizeof(*vp));
	ret = vplic_init(vp, ns, nc, mask, &hooks, m);
	if (!valid) {
		static unsigned char untouched[sizeof(*vp)];

		FUZZ_CHECK(ret == VPLIC_EINVAL, "vplic_init(%u, %u, %#llx:%#llx) = %d", ns, nc,
			   (unsigned long long)mask[1], (unsigned long long)mask[0], ret);
		memset(untouched, 0x5a, sizeof(untouched));
		FUZZ_CHECK(!memcmp(vp, untouched, sizeof(untouched)), "refused vplic_init() wrote");
		free(vp);
		free(m);
		return 0;
	}
	FUZZ_CHECK(ret == VPLIC_OK, "vplic_init(%u, %u) = %d", ns, nc, ret);
	m->ns = ns;
	m->nc = nc;
	memcpy(m->ctx, mask, sizeof(mask));
	memset(&ev, 0, sizeof(ev));
	ev.m = m;
	ev.has_signal = hooks.signal;
	ev.has_hw_complete = hooks.hw_complete;
	ev.has_line_changed = hooks.line_changed;

	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);
		uint64_t off;
		unsigned int width;

		switch (op % 8) {
		case 0:
		case 1:
		case 2:
			op_line(vp, m, op % 8, fuzz_u16(&in) % (NS + 8), op & 0x80);
			break;
		case 3:
		case 4:
			off = pick_offset(&in);
			width = pick_width(&in);
			op_mmio_read(vp, m, off, width);
			break;
		case 5:
		case 6:
			off = pick_offset(&in);
			width = pick_width(&in);
			op_mmio_write(vp, m, off, width, fuzz_u32(&in));
			break;
		default:
			op_api(vp, m, &in);
			break;
		}
	}
	final_check(vp, m);
	free(vp);
	free(m);
	return 0;
}
