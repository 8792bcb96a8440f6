// SPDX-License-Identifier: GPL-2.0
/*
 * The physical PLIC, which only the hypervisor touches once it runs. Each
 * line is routed as its owner's vPLIC says (priority and enables mirrored);
 * thresholds stay 0 because the vPLIC applies the guest's.
 */
#include "arch/riscv/csr.h"
#include "hv.h"
#include "irq_lines.h"
#include "irqchip.h"

#define PLIC_PRIORITY(s)   (hv.plic_base + 4UL * (s))
#define PLIC_ENABLE(c, w)  (hv.plic_base + 0x2000UL + 0x80UL * (c) + 4UL * (w))
#define PLIC_THRESHOLD(c)  (hv.plic_base + 0x200000UL + 0x1000UL * (c))
#define PLIC_CLAIM(c)	   (PLIC_THRESHOLD(c) + 4)

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)addr = value;
}

static bool context_of_cell(const struct cell *cell, unsigned int ctx)
{
	int hart = hv.context_hart[ctx];

	return hart >= 0 && bh_config_cpu_set_has(cell->cpu_set, (unsigned int)hart);
}

static void plic_route_line(struct cell *cell, unsigned int source)
{
	uint64_t enabled[VPLIC_CONTEXT_WORDS];

	if (source == 0 || source >= hv.plic_sources)
		return;
	vplic_line_enabled_contexts(cell->vplic, source, enabled);
	mmio_write32(PLIC_PRIORITY(source), vplic_line_priority(cell->vplic, source));
	spin_lock(&hv.plic_lock);
	for (unsigned int ctx = 0; ctx < VPLIC_MAX_CONTEXTS; ctx++) {
		uint64_t addr;
		uint32_t word, bit = 1U << (source % 32);

		if (hv.context_hart[ctx] < 0)
			continue;
		addr = PLIC_ENABLE(ctx, source / 32);
		word = mmio_read32(addr);
		/* Only the owner's harts may take the line. */
		if (context_of_cell(cell, ctx) && ((enabled[ctx / 64] >> (ctx % 64)) & 1))
			word |= bit;
		else
			word &= ~bit;
		mmio_write32(addr, word);
	}
	spin_unlock(&hv.plic_lock);
}

/*
 * Take over what Linux programmed: each of the root's lines moves into its
 * vPLIC with the priority and enables it has now. Acquiring a line re-mirrors
 * it, so its physical state is read first.
 */
static void plic_take_over(struct cell *root)
{
	for (unsigned int s = 1; s < hv.plic_sources; s++) {
		uint64_t enabled[VPLIC_CONTEXT_WORDS] = { 0 };
		uint32_t priority, bit = 1U << (s % 32);

		if (!bh_config_irq_owned(root->desc, s))
			continue;
		priority = mmio_read32(PLIC_PRIORITY(s));
		for (unsigned int ctx = 0; ctx < VPLIC_MAX_CONTEXTS; ctx++)
			if (context_of_cell(root, ctx) &&
			    (mmio_read32(PLIC_ENABLE(ctx, s / 32)) & bit))
				enabled[ctx / 64] |= 1ULL << (ctx % 64);

		irq_line_transfer(s, root);
		vplic_write_priority(root->vplic, s, priority, NULL);
		for (unsigned int ctx = 0; ctx < VPLIC_MAX_CONTEXTS; ctx++)
			if ((enabled[ctx / 64] >> (ctx % 64)) & 1)
				vplic_write_enable(root->vplic, ctx, s / 32,
						   vplic_read_enable(root->vplic, ctx, s / 32) | bit,
						   NULL);
	}
	for (unsigned int ctx = 0; ctx < VPLIC_MAX_CONTEXTS; ctx++) {
		if (!context_of_cell(root, ctx))
			continue;
		vplic_write_threshold(root->vplic, ctx, mmio_read32(PLIC_THRESHOLD(ctx)));
		mmio_write32(PLIC_THRESHOLD(ctx), 0);
	}
}

/* Disable: Linux gets the PLIC back as its vPLIC had it. */
static void plic_give_back(struct cell *root)
{
	spin_lock(&root->lock);
	for (unsigned int ctx = 0; ctx < VPLIC_MAX_CONTEXTS; ctx++)
		if (context_of_cell(root, ctx))
			mmio_write32(PLIC_THRESHOLD(ctx), root->vplic->threshold[ctx]);
	spin_unlock(&root->lock);
	/* Lines the guest had not completed are completed physically (hw_complete). */
	for (unsigned int s = 1; s < hv.plic_sources; s++)
		if (irq_line_owner(s) == root)
			irq_line_transfer(s, NULL);
}

/*
 * A PLIC ignores a complete for a source the context does not have enabled
 * (PLIC spec, "Interrupt Completion"), and the guest may have disabled the
 * line since it was claimed: enable it around the complete, as Linux's own
 * PLIC driver does, or the line would stay claimed for good.
 */
static void plic_complete(unsigned int source)
{
	unsigned int ctx = hv.claimed_context[source];
	uint64_t addr = PLIC_ENABLE(ctx, source / 32);
	uint32_t bit = 1U << (source % 32), word;

	spin_lock(&hv.plic_lock);
	word = mmio_read32(addr);
	if (!(word & bit))
		mmio_write32(addr, word | bit);
	mmio_write32(PLIC_CLAIM(ctx), source);
	if (!(word & bit))
		mmio_write32(addr, word);
	spin_unlock(&hv.plic_lock);
}

/* A PLIC interrupt at HS: claim it here, hand it to its owner's vPLIC. */
static void plic_handle_irq(struct hart *h)
{
	uint32_t source;

	while ((source = mmio_read32(PLIC_CLAIM(h->plic_context))) != 0) {
		struct cell *owner = irq_line_lock_owner(source);

		if (!owner) {
			/* Nobody's line: keep it from firing again. */
			mmio_write32(PLIC_CLAIM(h->plic_context), source);
			hv_printk("bulkhead: interrupt of unowned line %u masked\n", source);
			mmio_write32(PLIC_PRIORITY(source), 0);
			continue;
		}
		hv.claimed_context[source] = (uint16_t)h->plic_context;
		if (vplic_set_pending(owner->vplic, source) != VPLIC_OK)
			/* Caught while changing owner: never leave it claimed. */
			mmio_write32(PLIC_CLAIM(h->plic_context), source);
		spin_unlock(&owner->lock);
	}
}

static const struct irqchip_ops plic_ops = {
	.take_over = plic_take_over,
	.give_back = plic_give_back,
	.handle_irq = plic_handle_irq,
	.complete = plic_complete,
	.route_line = plic_route_line,
};

const struct irqchip_ops *irqchip = &plic_ops;
