/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual PLIC: the state machine behind one guest's view of the platform-level interrupt
 * controller (RISC-V PLIC specification 1.0.0, SiFive register layout).
 *
 * The vPLIC knows sources, contexts and hooks only. The arch code traps the guest's accesses to
 * the PLIC window and hands them to vplic_mmio_read()/vplic_mmio_write(), injects the physical
 * interrupts it claimed at HS with vplic_set_pending(), and gets back:
 *   signal(ctx, level)   the context's "has a claimable interrupt" level changed (drive VSEIP);
 *   hw_complete(source)  a hardware-backed source left service: write the physical complete;
 *   line_changed(source) the guest changed the source's priority or one of its enable bits:
 *                        mirror the routing to the physical PLIC if it wants to.
 *
 * Semantics (spec wording in quotes where it matters):
 * - Sources 1..num_sources-1 exist; source 0 reads as 0 and ignores writes. Priority and
 *   threshold are WARL with VPLIC_PRIORITY_BITS bits: the written value is masked.
 * - A source is claimable by a context when it is pending, enabled there, not in service and its
 *   priority is strictly greater than the context's threshold (priority 0 never interrupts).
 *   Claim returns the highest priority, ties to the lowest id, clears pending and puts the source
 *   in service.
 * - A pending that arrives while the source is in service is latched (as QEMU's sifive_plic does:
 *   pending and claimed are separate bits) and becomes claimable once the source is completed.
 * - Complete is honoured only if the source is in service and enabled for the completing
 *   context; otherwise it is "silently ignored" (spec; QEMU skips the enable check, but Linux's
 *   plic_irq_eoi() re-enables a masked line before completing precisely because of it).
 * - Pending words are read-only: writes are accepted and ignored.
 * - Only aligned 32-bit accesses to registers that exist for this guest are valid; anything else
 *   returns VPLIC_EBADACCESS and changes nothing. Registers that exist: priority of sources
 *   0..num_sources-1, pending and enable words 0..(num_sources-1)/32, threshold and
 *   claim/complete of the contexts in the context mask.
 * - Lines the cell does not own read as 0. Writing a non-zero (after masking) priority or a set
 *   enable bit for such a line is a violation: that part is dropped, the owned bits of the same
 *   word are applied, and VPLIC_EVIOLATION is returned with the lowest offending source. Writing
 *   zeros there is fine (Linux clears every enable at boot).
 *
 * Hook order within one call: first every signal() change in ascending context order, then
 * hw_complete() or line_changed() (ascending source order). signal() only reports changes. Hooks
 * run after the state is final but must not call back into the same vPLIC.
 *
 * Cost: set_pending, claim and complete touch only the contexts enabling the source concerned,
 * never a scan over sources or enable words: per context a pending&enabled&!in-service bitmap,
 * per priority level a bitmap of sources at that level, and per context and level a 16-bit
 * summary of the 64-bit words where the two intersect. sizeof(struct vplic) is 37704 bytes on
 * rv64: 16 KiB of enable bits (kept per source), 16 KiB of ready bitmaps, 5 KiB of the rest
 * (vplic_host_sizeof() reports the host build's, 8 bytes more for the work counter).
 *
 * Not thread-safe: the caller serialises every call on one vPLIC (a physical interrupt may be
 * injected from another hart than the one running the guest's context), e.g. with a per-vPLIC
 * lock held across the call, hooks included.
 */
#ifndef BULKHEAD_VPLIC_H
#define BULKHEAD_VPLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bulkhead/config.h>

#define VPLIC_MAX_SOURCES   1024
#define VPLIC_MAX_CONTEXTS  BH_MAX_PLIC_CONTEXTS
#define VPLIC_PRIORITY_BITS 3
#define VPLIC_PRIORITY_MASK ((1u << VPLIC_PRIORITY_BITS) - 1)
#define VPLIC_NUM_LEVELS    (1u << VPLIC_PRIORITY_BITS)
#define VPLIC_SOURCE_WORDS  (VPLIC_MAX_SOURCES / 64)
#define VPLIC_CONTEXT_WORDS (VPLIC_MAX_CONTEXTS / 64)
/* The name the design brief uses. */
#define BH_VPLIC_PRIORITY_BITS VPLIC_PRIORITY_BITS

/* Register map, offsets inside the PLIC window. */
#define VPLIC_PRIORITY_BASE    0x0u
#define VPLIC_PENDING_BASE     0x1000u
#define VPLIC_ENABLE_BASE      0x2000u
#define VPLIC_ENABLE_STRIDE    0x80u
#define VPLIC_CONTEXT_BASE     0x200000u
#define VPLIC_CONTEXT_STRIDE   0x1000u
#define VPLIC_THRESHOLD_OFFSET 0x0u
#define VPLIC_CLAIM_OFFSET     0x4u

/* Return codes. */
#define VPLIC_OK 0
/* Bad width, misaligned, or no register there for this guest: fault the guest. */
#define VPLIC_EBADACCESS (-1)
/* The write touched lines the cell does not own; the owned part was applied. */
#define VPLIC_EVIOLATION (-2)
/* Bad argument from the hypervisor itself (not a guest access). */
#define VPLIC_EINVAL (-3)

struct vplic_hooks {
	void (*signal)(void *opaque, unsigned int context, bool asserted);
	void (*hw_complete)(void *opaque, unsigned int source);
	void (*line_changed)(void *opaque, unsigned int source);
};

struct vplic {
	unsigned int num_sources;
	unsigned int num_contexts;
	struct vplic_hooks hooks;
	void *opaque;

	uint64_t context_exists[VPLIC_CONTEXT_WORDS];
	/* Contexts whose claimable level was last reported as asserted. */
	uint64_t asserted[VPLIC_CONTEXT_WORDS];

	/*
	 * The small arrays first, the two 16 KiB ones last: the interrupt path then
	 * reaches most fields at offsets a load's immediate holds.
	 */
	uint64_t owned[VPLIC_SOURCE_WORDS];
	uint64_t hw_backed[VPLIC_SOURCE_WORDS];
	uint64_t pending[VPLIC_SOURCE_WORDS];
	uint64_t in_service[VPLIC_SOURCE_WORDS];
	/* Bit p of busy_levels[c]: level_summary[c][p] is not empty. */
	uint8_t busy_levels[VPLIC_MAX_CONTEXTS];
	uint8_t threshold[VPLIC_MAX_CONTEXTS];
	/* Bit w of level_summary[c][p]: ready[c][w] & level_sources[p][w] is not empty. */
	uint16_t level_summary[VPLIC_MAX_CONTEXTS][VPLIC_NUM_LEVELS];
	uint8_t priority[VPLIC_MAX_SOURCES];
	/* level_sources[p]: sources whose priority is p (row 0 unused: never claimable). */
	uint64_t level_sources[VPLIC_NUM_LEVELS][VPLIC_SOURCE_WORDS];
	/* Enable bits stored per source so injection visits only the contexts that enable it. */
	uint64_t enabled_contexts[VPLIC_MAX_SOURCES][VPLIC_CONTEXT_WORDS];
	/* ready[c]: pending, not in service and enabled in context c. */
	uint64_t ready[VPLIC_MAX_CONTEXTS][VPLIC_SOURCE_WORDS];

#ifdef BH_HOST
	/* Bitmap words read or written on the injection/claim/complete paths (tests only). */
	uint64_t words_examined;
#endif
};

/*
 * Set up an empty vPLIC: no line owned, everything zero, no context asserted (no hook is called).
 * num_sources counts source 0 (1..1024); num_contexts is 1..128; context_mask points to
 * VPLIC_CONTEXT_WORDS words saying which contexts this guest has (bits >= num_contexts must be
 * clear). hooks is copied; it or any of its members may be NULL. Returns VPLIC_EINVAL (and leaves
 * *vp untouched) on a bad argument.
 */
int vplic_init(struct vplic *vp, unsigned int num_sources, unsigned int num_contexts,
	       const uint64_t *context_mask, const struct vplic_hooks *hooks, void *opaque);

/*
 * Give the line to this guest with clear state. VPLIC_EINVAL if the source does not exist or is
 * already owned.
 */
int vplic_acquire_line(struct vplic *vp, unsigned int source, bool hw_backed);

/*
 * Take the line away: its priority, enables, pending and in-service state are cleared and the
 * affected contexts re-signalled. If it is hardware-backed and was pending or in service, the
 * physical claim held on its behalf is given back through hw_complete(). VPLIC_EINVAL if the
 * line is not owned.
 */
int vplic_release_line(struct vplic *vp, unsigned int source);

/*
 * The source has an interrupt (the arch claimed it at HS, or software injects one). Idempotent
 * while pending. VPLIC_EINVAL if the line is not owned by this guest.
 */
int vplic_set_pending(struct vplic *vp, unsigned int source);

/*
 * Register-level guest operations, what the MMIO decoder calls once it has checked the access.
 * Writes to a register this guest does not have return VPLIC_EBADACCESS and change nothing;
 * reads of one return 0, claim returns 0 and complete is ignored.
 */
/* Set a source's priority (masked). VPLIC_EVIOLATION with *violation_source for an unowned line. */
int vplic_write_priority(struct vplic *vp, unsigned int source, uint32_t value,
			 unsigned int *violation_source);
/* Write enable word `word` (sources 32*word .. 32*word+31) of a context. */
int vplic_write_enable(struct vplic *vp, unsigned int context, unsigned int word, uint32_t value,
		       unsigned int *violation_source);
int vplic_write_threshold(struct vplic *vp, unsigned int context, uint32_t value);
uint32_t vplic_read_enable(const struct vplic *vp, unsigned int context, unsigned int word);
uint32_t vplic_read_pending(const struct vplic *vp, unsigned int word);
/* Claim for a context: the source id, 0 if none is claimable. */
unsigned int vplic_claim(struct vplic *vp, unsigned int context);
/* Complete for a context; returns whether it was honoured (else silently ignored). */
bool vplic_complete(struct vplic *vp, unsigned int context, uint32_t source);

/*
 * Guest load of `width` bytes at `offset` in the PLIC window (claim has its side effects).
 * *value is written only on success.
 */
int vplic_mmio_read(struct vplic *vp, uint64_t offset, unsigned int width, uint32_t *value);

/*
 * Guest store. On VPLIC_EVIOLATION, *violation_source (may be NULL) is the lowest source whose
 * part of the write was dropped; otherwise it is set to 0.
 */
int vplic_mmio_write(struct vplic *vp, uint64_t offset, unsigned int width, uint32_t value,
		     unsigned int *violation_source);

/*
 * The context whose claim/complete register the access is, or -1 (any other
 * register, another width, a context this guest does not have). Inline: the
 * interrupt path's two accesses ask first, and go straight to vplic_claim()
 * or vplic_complete(), which is what vplic_mmio_read()/vplic_mmio_write() do
 * for them.
 */
static inline int64_t vplic_claim_register(const struct vplic *vp, uint64_t offset,
					   unsigned int width)
{
	uint64_t context = (offset - VPLIC_CONTEXT_BASE) / VPLIC_CONTEXT_STRIDE;

	if (offset < VPLIC_CONTEXT_BASE || width != 4 ||
	    (offset % VPLIC_CONTEXT_STRIDE) != VPLIC_CLAIM_OFFSET || context >= vp->num_contexts ||
	    !((vp->context_exists[context / 64] >> (context % 64)) & 1)) {
		return -1;
	}
	return (int64_t)context;
}

/* Current "has a claimable interrupt" level of a context (false if it does not exist). */
bool vplic_context_pending(const struct vplic *vp, unsigned int context);

/*
 * Contexts that enable the source, into mask[VPLIC_CONTEXT_WORDS]. VPLIC_EINVAL (mask zeroed) if
 * the source does not exist; an unowned line has none.
 */
int vplic_line_enabled_contexts(const struct vplic *vp, unsigned int source, uint64_t *mask);

/* The source's priority as the guest set it (0 for unowned or nonexistent lines). */
unsigned int vplic_line_priority(const struct vplic *vp, unsigned int source);

/* Whether this guest owns the line. */
bool vplic_line_owned(const struct vplic *vp, unsigned int source);

#ifdef BH_HOST
size_t vplic_host_sizeof(void);
uint64_t vplic_host_words_examined(const struct vplic *vp);
void vplic_host_reset_words_examined(struct vplic *vp);
#endif

#endif /* BULKHEAD_VPLIC_H */
