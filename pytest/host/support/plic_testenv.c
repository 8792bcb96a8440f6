// SPDX-License-Identifier: GPL-2.0
/*
 * The host tests' machine for the physical PLIC driver (core/irq/plic.c): the
 * model PLIC of plic_hw.c, harts 0..n-1 with S-mode context 2h+1 (as on
 * QEMU's virt), and cells with a vPLIC whose hooks do what the image's do
 * (arch irqchip.c): hw_complete and line_changed go to the irqchip, signal
 * is recorded per context.
 */
#include <stdlib.h>

#include "cell.h"
#include "irq_latency.h"
#include "irq_lines.h"
#include "plic.h"
#include "vplic.h"

#define ENV_CELLS 4

uint64_t plic_hw_base(void);
void plic_hw_reset(unsigned int sources);

static const struct irqchip_ops *saved_irqchip;
static struct cell *cells[ENV_CELLS];
static unsigned int num_cells;
static bool asserted[VPLIC_MAX_CONTEXTS];

static void env_signal(void *opaque, unsigned int context, bool level)
{
	(void)opaque;
	asserted[context] = level;
}

static void env_hw_complete(void *opaque, unsigned int source)
{
	(void)opaque;
	irqchip->complete(source);
}

static void env_line_changed(void *opaque, unsigned int source)
{
	irqchip->route_line(opaque, source);
}

static const struct vplic_hooks env_hooks = {
	.signal = env_signal,
	.hw_complete = env_hw_complete,
	.line_changed = env_line_changed,
};

static void free_cells(void)
{
	for (unsigned int i = 0; i < num_cells; i++) {
		free(cells[i]->vplic);
		free(cells[i]->latency);
		free((void *)cells[i]->desc);
		free(cells[i]);
	}
	num_cells = 0;
}

/* A fresh machine with harts 0..harts-1; the PLIC driver becomes the irqchip. */
void plic_env_setup(unsigned int harts, unsigned int sources);
void plic_env_setup(unsigned int harts, unsigned int sources)
{
	uint32_t context[BH_MAX_HARTS];

	free_cells();
	for (unsigned int c = 0; c < VPLIC_MAX_CONTEXTS; c++)
		asserted[c] = false;
	for (unsigned int h = 0; h < BH_MAX_HARTS; h++)
		context[h] = h < harts ? 2 * h + 1 : BH_NO_CONTEXT;
	plic_hw_reset(sources);
	plic_init(plic_hw_base(), sources, context);
	irq_lines_reset();
	if (irqchip != &plic_irqchip)
		saved_irqchip = irqchip;
	irqchip = &plic_irqchip;
}

/* Back to the recording fake, with no owners and no cells. */
void plic_env_teardown(void);
void plic_env_teardown(void)
{
	irq_lines_reset();
	free_cells();
	if (saved_irqchip)
		irqchip = saved_irqchip;
}

/* A cell on the harts of cpu_set owning the lines of irqs (lines 0..63); NULL when full. */
struct cell *plic_env_cell(unsigned int id, uint64_t cpu_set, uint64_t irqs);
struct cell *plic_env_cell(unsigned int id, uint64_t cpu_set, uint64_t irqs)
{
	uint64_t mask[VPLIC_CONTEXT_WORDS] = { 0 };
	struct bh_cell_desc *desc;
	unsigned int contexts = 1;
	struct cell *cell;

	if (num_cells == ENV_CELLS)
		return NULL;
	cell = calloc(1, sizeof(*cell));
	desc = calloc(1, sizeof(*desc));
	cell->vplic = calloc(1, sizeof(struct vplic));
	if (!cell || !desc || !cell->vplic)
		abort();
	desc->cpu_set = cpu_set;
	desc->irq_bitmap[0] = irqs;
	cell->desc = desc;
	cell->id = id;
	cell->cpu_set = cpu_set;
	for (unsigned int h = 0; h < 64; h++) {
		if (!bh_config_cpu_set_has(cpu_set, h))
			continue;
		mask[(2 * h + 1) / 64] |= 1ULL << ((2 * h + 1) % 64);
		contexts = 2 * h + 2;
	}
	if (vplic_init(cell->vplic, 64, contexts, mask, &env_hooks, cell))
		abort();
	cell->latency = calloc(1, irq_latency_size(64));
	if (!cell->latency)
		abort();
	irq_latency_init(cell->latency, 64);
	cells[num_cells++] = cell;
	return cell;
}

struct vplic *plic_env_vplic(struct cell *cell);
struct vplic *plic_env_vplic(struct cell *cell)
{
	return cell->vplic;
}

const struct bh_cell_desc *plic_env_desc(struct cell *cell);
const struct bh_cell_desc *plic_env_desc(struct cell *cell)
{
	return cell->desc;
}

struct irq_latency *plic_env_latency(struct cell *cell);
struct irq_latency *plic_env_latency(struct cell *cell)
{
	return cell->latency;
}

/* Whether the vPLIC last signalled the context as having a claimable interrupt. */
bool plic_env_asserted(unsigned int context);
bool plic_env_asserted(unsigned int context)
{
	return context < VPLIC_MAX_CONTEXTS && asserted[context];
}

/* The irqchip's operations, as the core calls them. */
void plic_env_take_over(struct cell *root);
void plic_env_take_over(struct cell *root)
{
	irqchip->take_over(root);
}

void plic_env_give_back(struct cell *root);
void plic_env_give_back(struct cell *root)
{
	irqchip->give_back(root);
}

void plic_env_handle_irq(unsigned int hart);
void plic_env_handle_irq(unsigned int hart)
{
	irqchip->handle_irq(hart);
}
