// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual PLIC state machine: ownership, injection, claim/complete, and the bookkeeping that
 * keeps claim and signalling independent of the number of sources (see vplic.h). The register
 * decode lives in vplic_mmio.c.
 *
 * Invariants the code relies on:
 * - bit s of ready[c] is set  <=>  s is pending, not in service and enabled in context c;
 * - bit w of level_summary[c][p] is set  <=>  ready[c][w] & level_sources[p][w] != 0 (p >= 1);
 * - bit p of busy_levels[c] is set  <=>  level_summary[c][p] != 0;
 * - a line the guest does not own has no priority, enable, pending or in-service state.
 */
#include <vplic.h>

/* The hot helpers below are forced inline: a call costs more than most of them. */
#define VPLIC_HOT static inline __attribute__((always_inline))

VPLIC_HOT void note_words(struct vplic *vp, unsigned int words)
{
#ifdef BH_HOST
	vp->words_examined += words;
#else
	(void)vp;
	(void)words;
#endif
}

/*
 * rv64imac has no ctz instruction and __builtin_ctzll becomes a libgcc call, which the
 * freestanding image does not link: isolate the lowest bit and look it up by de Bruijn
 * multiplication (a multiply, a shift and a table load). x must not be 0.
 */
static const uint8_t debruijn_bit[64] = {
	0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28,
	62, 5, 39, 46, 44, 42, 22, 9, 24, 35, 59, 56, 49, 18, 29, 11,
	63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
	51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
};

VPLIC_HOT size_t ctz64(uint64_t x)
{
	return debruijn_bit[((x & -x) * 0x022fdd63cc95386dULL) >> 58];
}

VPLIC_HOT bool bit_test(const uint64_t *map, size_t bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

VPLIC_HOT void bit_set(uint64_t *map, size_t bit)
{
	map[bit / 64] |= (uint64_t)1 << (bit % 64);
}

VPLIC_HOT void bit_clear(uint64_t *map, size_t bit)
{
	map[bit / 64] &= ~((uint64_t)1 << (bit % 64));
}

VPLIC_HOT bool source_exists(const struct vplic *vp, unsigned int source)
{
	return source >= 1 && source < vp->num_sources;
}

VPLIC_HOT bool context_exists(const struct vplic *vp, unsigned int context)
{
	return context < vp->num_contexts && bit_test(vp->context_exists, context);
}

/* Pending and not in service: claimable by every context that enables it. */
VPLIC_HOT bool source_ready(struct vplic *vp, unsigned int source)
{
	note_words(vp, 2);
	return bit_test(vp->pending, source) && !bit_test(vp->in_service, source);
}

/* Recompute one summary bit from the two words it summarises. */
VPLIC_HOT void refresh_summary(struct vplic *vp, size_t context, size_t level, size_t word)
{
	uint16_t *summary = &vp->level_summary[context][level];
	uint16_t bit = (uint16_t)(1u << word);

	if (level == 0) {
		return;
	}
	note_words(vp, 3);
	if (vp->ready[context][word] & vp->level_sources[level][word]) {
		*summary |= bit;
	} else {
		*summary &= (uint16_t)~bit;
	}
	if (*summary) {
		vp->busy_levels[context] |= (uint8_t)(1u << level);
	} else {
		vp->busy_levels[context] &= (uint8_t) ~(1u << level);
	}
}

/* Row 0 of level_sources stays empty: priority 0 never interrupts. */
static void set_level(struct vplic *vp, unsigned int source, unsigned int priority)
{
	if (vp->priority[source]) {
		bit_clear(vp->level_sources[vp->priority[source]], source);
	}
	if (priority) {
		bit_set(vp->level_sources[priority], source);
	}
	vp->priority[source] = (uint8_t)priority;
}

VPLIC_HOT void set_ready(struct vplic *vp, size_t context, size_t source, bool ready)
{
	note_words(vp, 1);
	if (ready) {
		bit_set(vp->ready[context], source);
	} else {
		bit_clear(vp->ready[context], source);
	}
	refresh_summary(vp, context, vp->priority[source], source / 64);
}

/*
 * The one context a mask holds, NONE_ENABLED if none, -1 if several. A line is
 * usually enabled on one hart: that case runs straight through, and the loops
 * for the others stay out of line so the common path needs no big frame.
 */
_Static_assert(VPLIC_CONTEXT_WORDS == 2, "single_context() reads two words");

#define NONE_ENABLED (-2) /* what single_context() says of an empty mask */

VPLIC_HOT int single_context(const uint64_t *contexts)
{
	uint64_t lo = contexts[0], hi = contexts[1];

	if (!(lo | hi)) {
		return NONE_ENABLED;
	}
	if (!hi && !(lo & (lo - 1))) {
		return (int)ctz64(lo);
	}
	if (!lo && !(hi & (hi - 1))) {
		return 64 + (int)ctz64(hi);
	}
	return -1;
}

static void __attribute__((noinline)) set_ready_each(struct vplic *vp, unsigned int source,
						     bool ready)
{
	unsigned int w;

	for (w = 0; w < VPLIC_CONTEXT_WORDS; w++) {
		uint64_t contexts = vp->enabled_contexts[source][w];

		while (contexts) {
			set_ready(vp, w * 64 + ctz64(contexts), source, ready);
			contexts &= contexts - 1;
		}
	}
}

/* Add or remove the source from the ready set of every context that enables it. */
VPLIC_HOT void set_ready_everywhere(struct vplic *vp, unsigned int source, bool ready)
{
	int only = single_context(vp->enabled_contexts[source]);

	note_words(vp, VPLIC_CONTEXT_WORDS);
	if (only >= 0) {
		set_ready(vp, (unsigned int)only, source, ready);
	} else if (only != NONE_ENABLED) {
		set_ready_each(vp, source, ready);
	}
}

VPLIC_HOT bool context_level(const struct vplic *vp, size_t context)
{
	return (vp->busy_levels[context] >> (vp->threshold[context] + 1)) != 0;
}

VPLIC_HOT void signal_if_changed(struct vplic *vp, size_t context)
{
	bool level = context_level(vp, context);

	if (level == bit_test(vp->asserted, context)) {
		return;
	}
	if (level) {
		bit_set(vp->asserted, context);
	} else {
		bit_clear(vp->asserted, context);
	}
	if (vp->hooks.signal) {
		vp->hooks.signal(vp->opaque, context, level);
	}
}

static void __attribute__((noinline)) signal_each(struct vplic *vp, const uint64_t *contexts)
{
	unsigned int w;

	for (w = 0; w < VPLIC_CONTEXT_WORDS; w++) {
		uint64_t left = contexts[w];

		while (left) {
			signal_if_changed(vp, w * 64 + ctz64(left));
			left &= left - 1;
		}
	}
}

/* Second pass after the state is final, so a hook never sees a half-updated vPLIC. */
VPLIC_HOT void signal_contexts(struct vplic *vp, const uint64_t *contexts)
{
	int only = single_context(contexts);

	note_words(vp, VPLIC_CONTEXT_WORDS);
	if (only >= 0) {
		signal_if_changed(vp, (unsigned int)only);
	} else if (only != NONE_ENABLED) {
		signal_each(vp, contexts);
	}
}

/*
 * The source becomes ready (or not) in every context enabling it, then those
 * contexts are signalled: set_ready_everywhere() and signal_contexts() in one,
 * with the enabling contexts looked at once.
 */
VPLIC_HOT void update_and_signal(struct vplic *vp, size_t source, bool ready)
{
	int only = single_context(vp->enabled_contexts[source]);

	note_words(vp, 2 * VPLIC_CONTEXT_WORDS);
	if (only >= 0) {
		set_ready(vp, (unsigned int)only, source, ready);
		signal_if_changed(vp, (unsigned int)only);
	} else if (only != NONE_ENABLED) {
		set_ready_each(vp, source, ready);
		signal_each(vp, vp->enabled_contexts[source]);
	}
}

VPLIC_HOT void copy_contexts(uint64_t *dst, const uint64_t *src)
{
	unsigned int w;

	for (w = 0; w < VPLIC_CONTEXT_WORDS; w++) {
		dst[w] = src[w];
	}
}

VPLIC_HOT void hw_complete(struct vplic *vp, unsigned int source)
{
	if (vp->hooks.hw_complete) {
		vp->hooks.hw_complete(vp->opaque, source);
	}
}

static void line_changed(struct vplic *vp, unsigned int source)
{
	if (vp->hooks.line_changed) {
		vp->hooks.line_changed(vp->opaque, source);
	}
}

int vplic_init(struct vplic *vp, unsigned int num_sources, unsigned int num_contexts,
	       const uint64_t *context_mask, const struct vplic_hooks *hooks, void *opaque)
{
	unsigned char *bytes = (unsigned char *)vp;
	unsigned int w;
	size_t i;

	if (!vp || !context_mask || num_sources < 1 || num_sources > VPLIC_MAX_SOURCES ||
	    num_contexts < 1 || num_contexts > VPLIC_MAX_CONTEXTS) {
		return VPLIC_EINVAL;
	}
	for (w = 0; w < VPLIC_CONTEXT_WORDS; w++) {
		unsigned int first = w * 64;
		uint64_t allowed;

		if (num_contexts <= first) {
			allowed = 0;
		} else if (num_contexts - first >= 64) {
			allowed = ~(uint64_t)0;
		} else {
			allowed = ((uint64_t)1 << (num_contexts - first)) - 1;
		}
		if (context_mask[w] & ~allowed) {
			return VPLIC_EINVAL;
		}
	}

	for (i = 0; i < sizeof(*vp); i++) {
		bytes[i] = 0;
	}
	vp->num_sources = num_sources;
	vp->num_contexts = num_contexts;
	if (hooks) {
		vp->hooks = *hooks;
	}
	vp->opaque = opaque;
	copy_contexts(vp->context_exists, context_mask);
	return VPLIC_OK;
}

int vplic_acquire_line(struct vplic *vp, unsigned int source, bool hw_backed)
{
	if (!source_exists(vp, source) || bit_test(vp->owned, source)) {
		return VPLIC_EINVAL;
	}
	/* Unowned lines carry no state, so the line starts clear. */
	bit_set(vp->owned, source);
	if (hw_backed) {
		bit_set(vp->hw_backed, source);
	}
	return VPLIC_OK;
}

int vplic_release_line(struct vplic *vp, unsigned int source)
{
	uint64_t touched[VPLIC_CONTEXT_WORDS];
	bool outstanding;
	unsigned int w;

	if (!source_exists(vp, source) || !bit_test(vp->owned, source)) {
		return VPLIC_EINVAL;
	}
	/* A hardware pending means the arch still holds the physical claim for this guest. */
	outstanding = bit_test(vp->hw_backed, source) &&
		      (bit_test(vp->pending, source) || bit_test(vp->in_service, source));
	copy_contexts(touched, vp->enabled_contexts[source]);
	if (source_ready(vp, source)) {
		set_ready_everywhere(vp, source, false);
	}
	set_level(vp, source, 0);
	for (w = 0; w < VPLIC_CONTEXT_WORDS; w++) {
		vp->enabled_contexts[source][w] = 0;
	}
	bit_clear(vp->pending, source);
	bit_clear(vp->in_service, source);
	bit_clear(vp->owned, source);
	bit_clear(vp->hw_backed, source);

	signal_contexts(vp, touched);
	if (outstanding) {
		hw_complete(vp, source);
	}
	return VPLIC_OK;
}

int vplic_set_pending(struct vplic *vp, unsigned int source)
{
	note_words(vp, 3);
	if (!source_exists(vp, source) || !bit_test(vp->owned, source)) {
		return VPLIC_EINVAL;
	}
	if (bit_test(vp->pending, source)) {
		return VPLIC_OK;
	}
	bit_set(vp->pending, source);
	if (bit_test(vp->in_service, source)) {
		/* Latched: becomes claimable when the guest completes the current one. */
		return VPLIC_OK;
	}
	update_and_signal(vp, source, true);
	return VPLIC_OK;
}

unsigned int vplic_claim(struct vplic *vp, unsigned int context)
{
	size_t level, word, source, busy;
	uint64_t candidates;

	if (!context_exists(vp, context) || !context_level(vp, context)) {
		return 0;
	}
	/* The highest busy level (above the threshold: context_level() saw one there). */
	busy = vp->busy_levels[context];
	level = (busy >> 4) ? 4 : 0;
	if (busy >> (level + 2)) {
		level += 2;
	}
	if (busy >> (level + 1)) {
		level += 1;
	}

	note_words(vp, 3);
	word = ctz64(vp->level_summary[context][level]);
	candidates = vp->ready[context][word] & vp->level_sources[level][word];
	source = word * 64 + ctz64(candidates);

	bit_clear(vp->pending, source);
	bit_set(vp->in_service, source);
	update_and_signal(vp, source, false);
	return (unsigned int)source;
}

bool vplic_complete(struct vplic *vp, unsigned int context, uint32_t source)
{
	note_words(vp, 3);
	if (!context_exists(vp, context) || source >= vp->num_sources || source == 0 ||
	    !bit_test(vp->owned, source) || !bit_test(vp->in_service, source) ||
	    !bit_test(vp->enabled_contexts[source], context)) {
		return false;
	}
	bit_clear(vp->in_service, source);
	if (bit_test(vp->pending, source)) {
		update_and_signal(vp, source, true);
	}
	if (bit_test(vp->hw_backed, source)) {
		hw_complete(vp, source);
	}
	return true;
}

int vplic_write_threshold(struct vplic *vp, unsigned int context, uint32_t value)
{
	if (!context_exists(vp, context)) {
		return VPLIC_EBADACCESS;
	}
	vp->threshold[context] = (uint8_t)(value & VPLIC_PRIORITY_MASK);
	signal_if_changed(vp, context);
	return VPLIC_OK;
}

int vplic_write_priority(struct vplic *vp, unsigned int source, uint32_t value,
			 unsigned int *violation_source)
{
	unsigned int priority = value & VPLIC_PRIORITY_MASK;
	unsigned int old, w;

	if (violation_source) {
		*violation_source = 0;
	}
	if (source >= vp->num_sources) {
		return VPLIC_EBADACCESS;
	}
	if (source == 0) {
		return VPLIC_OK;
	}
	if (!bit_test(vp->owned, source)) {
		if (priority == 0) {
			return VPLIC_OK;
		}
		if (violation_source) {
			*violation_source = source;
		}
		return VPLIC_EVIOLATION;
	}
	old = vp->priority[source];
	if (old == priority) {
		return VPLIC_OK;
	}
	set_level(vp, source, priority);

	/* Only contexts where the source is ready see their summaries move. */
	if (source_ready(vp, source)) {
		for (w = 0; w < VPLIC_CONTEXT_WORDS; w++) {
			uint64_t contexts = vp->enabled_contexts[source][w];

			while (contexts) {
				unsigned int context = w * 64 + ctz64(contexts);

				refresh_summary(vp, context, old, source / 64);
				refresh_summary(vp, context, priority, source / 64);
				contexts &= contexts - 1;
			}
		}
		signal_contexts(vp, vp->enabled_contexts[source]);
	}
	line_changed(vp, source);
	return VPLIC_OK;
}

int vplic_write_enable(struct vplic *vp, unsigned int context, unsigned int word, uint32_t value,
		       unsigned int *violation_source)
{
	unsigned int first_violation = 0;
	uint32_t changed = 0;
	unsigned int i;

	if (violation_source) {
		*violation_source = 0;
	}
	if (!context_exists(vp, context) || word >= (vp->num_sources + 31) / 32) {
		return VPLIC_EBADACCESS;
	}
	for (i = 0; i < 32; i++) {
		unsigned int source = word * 32 + i;
		bool want = (value >> i) & 1;

		if (!source_exists(vp, source)) {
			continue;
		}
		if (!bit_test(vp->owned, source)) {
			if (want && !first_violation) {
				first_violation = source;
			}
			continue;
		}
		if (want == bit_test(vp->enabled_contexts[source], context)) {
			continue;
		}
		if (want) {
			bit_set(vp->enabled_contexts[source], context);
		} else {
			bit_clear(vp->enabled_contexts[source], context);
		}
		if (source_ready(vp, source)) {
			set_ready(vp, context, source, want);
		}
		changed |= (uint32_t)1 << i;
	}

	signal_if_changed(vp, context);
	while (changed) {
		line_changed(vp, word * 32 + ctz64(changed));
		changed &= changed - 1;
	}
	if (first_violation) {
		if (violation_source) {
			*violation_source = first_violation;
		}
		return VPLIC_EVIOLATION;
	}
	return VPLIC_OK;
}

uint32_t vplic_read_enable(const struct vplic *vp, unsigned int context, unsigned int word)
{
	uint32_t value = 0;
	unsigned int i;

	/* A word past the last source: word * 32 would wrap around to the first ones. */
	if (!context_exists(vp, context) || word >= VPLIC_MAX_SOURCES / 32) {
		return 0;
	}
	for (i = 0; i < 32; i++) {
		unsigned int source = word * 32 + i;

		if (source < VPLIC_MAX_SOURCES && bit_test(vp->enabled_contexts[source], context)) {
			value |= (uint32_t)1 << i;
		}
	}
	return value;
}

uint32_t vplic_read_pending(const struct vplic *vp, unsigned int word)
{
	unsigned int shift = (word % 2) * 32;

	if (word >= VPLIC_MAX_SOURCES / 32) {
		return 0;
	}
	return (uint32_t)((vp->pending[word / 2] & vp->owned[word / 2]) >> shift);
}

bool vplic_context_pending(const struct vplic *vp, unsigned int context)
{
	return context_exists(vp, context) && context_level(vp, context);
}

int vplic_line_enabled_contexts(const struct vplic *vp, unsigned int source, uint64_t *mask)
{
	if (!source_exists(vp, source)) {
		mask[0] = 0;
		mask[1] = 0;
		return VPLIC_EINVAL;
	}
	copy_contexts(mask, vp->enabled_contexts[source]);
	return VPLIC_OK;
}

unsigned int vplic_line_priority(const struct vplic *vp, unsigned int source)
{
	if (!source_exists(vp, source)) {
		return 0;
	}
	return vp->priority[source];
}

bool vplic_line_owned(const struct vplic *vp, unsigned int source)
{
	return source_exists(vp, source) && bit_test(vp->owned, source);
}

#ifdef BH_HOST
size_t vplic_host_sizeof(void)
{
	return sizeof(struct vplic);
}

uint64_t vplic_host_words_examined(const struct vplic *vp)
{
	return vp->words_examined;
}

void vplic_host_reset_words_examined(struct vplic *vp)
{
	vp->words_examined = 0;
}
#endif
