// SPDX-License-Identifier: GPL-2.0
/*
 * The physical PLIC, which only the hypervisor touches once it runs. Each
 * line is routed as its owner's vPLIC says (priority and enables mirrored);
 * thresholds stay 0 because the vPLIC applies the guest's.
 *
 * Between take_over and give_back nobody else writes the enable words, so
 * the driver keeps a shadow of them: routing and completing read no
 * register. Its registers go through mmio_io.h, which the host build points
 * at a model PLIC (pytest/host/support/plic_hw.c).
 */
#include "plic.h"

#include "cell.h"
#include "hv_time.h"
#include "irq_latency.h"
#include "irq_lines.h"
#include "mmio_io.h"
#include "printk.h"
#include "spinlock.h"
#include "vplic.h"

#define PLIC_WORDS (BH_MAX_IRQS / 32)

static struct {
	uint64_t base;
	unsigned int sources;
	int context_hart[VPLIC_MAX_CONTEXTS];	/* -1: no hart's S-mode */
	/* The contexts of harts, ascending: what routing visits. */
	uint16_t hart_contexts[BH_MAX_HARTS];
	unsigned int num_hart_contexts;
	uint32_t hart_context[BH_MAX_HARTS];	/* BH_NO_CONTEXT: none */
	/* Where the hypervisor claimed each line, to complete it there. */
	uint16_t claimed_context[BH_MAX_IRQS];
	/* The enable words as written, for the contexts of harts. */
	uint32_t enable[VPLIC_MAX_CONTEXTS][PLIC_WORDS];
	spinlock_t lock; /* the enable words (and their shadow) */
} plic;

static uint64_t reg_priority(unsigned int source)
{
	return plic.base + 4UL * source;
}

static uint64_t reg_enable(unsigned int ctx, unsigned int word)
{
	return plic.base + 0x2000UL + 0x80UL * ctx + 4UL * word;
}

static uint64_t reg_threshold(unsigned int ctx)
{
	return plic.base + 0x200000UL + 0x1000UL * ctx;
}

static uint64_t reg_claim(unsigned int ctx)
{
	return reg_threshold(ctx) + 4;
}

void plic_init(uint64_t base, unsigned int num_sources, const uint32_t hart_context[BH_MAX_HARTS])
{
	plic.base = base;
	plic.sources = num_sources < BH_MAX_IRQS ? num_sources : BH_MAX_IRQS;
	for (unsigned int c = 0; c < VPLIC_MAX_CONTEXTS; c++)
		plic.context_hart[c] = -1;
	for (unsigned int h = 0; h < BH_MAX_HARTS; h++) {
		uint32_t ctx = hart_context[h];

		plic.hart_context[h] = ctx < VPLIC_MAX_CONTEXTS ? ctx : BH_NO_CONTEXT;
		if (ctx < VPLIC_MAX_CONTEXTS)
			plic.context_hart[ctx] = (int)h;
	}
	plic.num_hart_contexts = 0;
	for (unsigned int c = 0; c < VPLIC_MAX_CONTEXTS; c++)
		if (plic.context_hart[c] >= 0)
			plic.hart_contexts[plic.num_hart_contexts++] = (uint16_t)c;
}

int plic_context_hart(unsigned int context)
{
	return context < VPLIC_MAX_CONTEXTS ? plic.context_hart[context] : -1;
}

static bool context_of_cell(const struct cell *cell, unsigned int ctx)
{
	int hart = plic.context_hart[ctx];

	return hart >= 0 && bh_config_cpu_set_has(cell->cpu_set, (unsigned int)hart);
}

static void write_enable(unsigned int ctx, unsigned int word, uint32_t value)
{
	plic.enable[ctx][word] = value;
	mmio_write32(reg_enable(ctx, word), value);
}

/* Called with the owner's lock held (its vPLIC is read). */
static void plic_route_line(struct cell *cell, unsigned int source)
{
	uint64_t enabled[VPLIC_CONTEXT_WORDS];
	unsigned int word = source / 32;
	uint32_t bit = 1U << (source % 32);

	if (source == 0 || source >= plic.sources)
		return;
	vplic_line_enabled_contexts(cell->vplic, source, enabled);
	mmio_write32(reg_priority(source), vplic_line_priority(cell->vplic, source));
	spin_lock(&plic.lock);
	for (unsigned int i = 0; i < plic.num_hart_contexts; i++) {
		unsigned int ctx = plic.hart_contexts[i];
		uint32_t old = plic.enable[ctx][word], now;

		/* Only the owner's harts may take the line. */
		if (context_of_cell(cell, ctx) && ((enabled[ctx / 64] >> (ctx % 64)) & 1))
			now = old | bit;
		else
			now = old & ~bit;
		if (now != old)
			write_enable(ctx, word, now);
	}
	spin_unlock(&plic.lock);
}

/*
 * Take over what Linux programmed: each of the root's lines moves into its
 * vPLIC with the priority and enables it has now. Acquiring a line re-mirrors
 * it, so its physical state is read first.
 */
static void plic_take_over(struct cell *root)
{
	unsigned int words = (plic.sources + 31) / 32;

	for (unsigned int i = 0; i < plic.num_hart_contexts; i++) {
		unsigned int ctx = plic.hart_contexts[i];

		for (unsigned int w = 0; w < PLIC_WORDS; w++)
			plic.enable[ctx][w] = w < words ? mmio_read32(reg_enable(ctx, w)) : 0;
	}
	for (unsigned int s = 1; s < plic.sources; s++) {
		uint64_t enabled[VPLIC_CONTEXT_WORDS] = { 0 };
		uint32_t priority, bit = 1U << (s % 32);

		if (!bh_config_irq_owned(root->desc, s))
			continue;
		priority = mmio_read32(reg_priority(s));
		for (unsigned int i = 0; i < plic.num_hart_contexts; i++) {
			unsigned int ctx = plic.hart_contexts[i];

			if (context_of_cell(root, ctx) && (plic.enable[ctx][s / 32] & bit))
				enabled[ctx / 64] |= 1ULL << (ctx % 64);
		}

		irq_line_transfer(s, root);
		spin_lock(&root->lock);
		vplic_write_priority(root->vplic, s, priority, NULL);
		for (unsigned int i = 0; i < plic.num_hart_contexts; i++) {
			unsigned int ctx = plic.hart_contexts[i];

			if ((enabled[ctx / 64] >> (ctx % 64)) & 1)
				vplic_write_enable(root->vplic, ctx, s / 32,
						   vplic_read_enable(root->vplic, ctx, s / 32) | bit,
						   NULL);
		}
		spin_unlock(&root->lock);
	}
	for (unsigned int i = 0; i < plic.num_hart_contexts; i++) {
		unsigned int ctx = plic.hart_contexts[i];

		if (!context_of_cell(root, ctx))
			continue;
		vplic_write_threshold(root->vplic, ctx, mmio_read32(reg_threshold(ctx)));
		mmio_write32(reg_threshold(ctx), 0);
	}
}

/* Disable: Linux gets the PLIC back as its vPLIC had it. */
static void plic_give_back(struct cell *root)
{
	spin_lock(&root->lock);
	for (unsigned int i = 0; i < plic.num_hart_contexts; i++) {
		unsigned int ctx = plic.hart_contexts[i];

		if (context_of_cell(root, ctx))
			mmio_write32(reg_threshold(ctx), root->vplic->threshold[ctx]);
	}
	spin_unlock(&root->lock);
	/* Lines the guest had not completed are completed physically (hw_complete). */
	for (unsigned int s = 1; s < plic.sources; s++)
		if (irq_line_owner(s) == root)
			irq_line_transfer(s, NULL);
}

/*
 * A PLIC ignores a complete for a source the context does not have enabled
 * (PLIC spec, "Interrupt Completion"), and the line may have been disabled
 * there since it was claimed (by the guest, or by a change of owner): enable
 * it around the complete, as Linux's own PLIC driver does, or the line would
 * stay claimed for good.
 */
static void plic_complete(unsigned int source)
{
	unsigned int ctx, word = source / 32;
	uint32_t bit = 1U << (source % 32), value;

	if (source == 0 || source >= plic.sources)
		return;
	ctx = plic.claimed_context[source];
	spin_lock(&plic.lock);
	value = plic.enable[ctx][word];
	if (!(value & bit))
		mmio_write32(reg_enable(ctx, word), value | bit);
	mmio_write32(reg_claim(ctx), source);
	if (!(value & bit))
		mmio_write32(reg_enable(ctx, word), value);
	spin_unlock(&plic.lock);
}

/* Nobody's line: complete it and keep it from firing again (out of the hot path). */
static void __attribute__((noinline)) mask_unowned(unsigned int ctx, uint32_t source)
{
	mmio_write32(reg_claim(ctx), source);
	hv_printk("bulkhead: interrupt of unowned line %u masked\n", source);
	mmio_write32(reg_priority(source), 0);
}

/* A PLIC interrupt at HS: claim it here, hand it to its owner's vPLIC. */
static void plic_handle_irq(unsigned int hart)
{
	unsigned int ctx = hart < BH_MAX_HARTS ? plic.hart_context[hart] : BH_NO_CONTEXT;
	uint64_t claim, now = hv_time_now();
	uint32_t source;

	if (ctx == BH_NO_CONTEXT)
		return;
	claim = reg_claim(ctx);
	while ((source = mmio_read32(claim)) != 0) {
		struct cell *owner = irq_line_lock_owner(source);

		if (!owner) {
			mask_unowned(ctx, source);
			continue;
		}
		plic.claimed_context[source] = (uint16_t)ctx;
		if (vplic_set_pending(owner->vplic, source) != VPLIC_OK)
			/* Caught while changing owner: never leave it claimed. */
			mmio_write32(claim, source);
		else
			irq_latency_raised(owner->latency, source, now);
		spin_unlock(&owner->lock);
	}
}

const struct irqchip_ops plic_irqchip = {
	.take_over = plic_take_over,
	.give_back = plic_give_back,
	.handle_irq = plic_handle_irq,
	.complete = plic_complete,
	.route_line = plic_route_line,
};
