/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical PLIC driver (core/irq/plic.c), the machine's irqchip. Its
 * registers and state (base, sources, the context of each hart, where each
 * line was claimed, a shadow of the enable words) are private to it.
 */
#ifndef BULKHEAD_PLIC_H
#define BULKHEAD_PLIC_H

#include <stdint.h>

#include <bulkhead/config.h>

#include "irqchip.h"

/*
 * Before take_over: where the PLIC is, how many sources it has (source 0
 * included) and, for each hart, the context of its S-mode (BH_NO_CONTEXT: none).
 */
void plic_init(uint64_t base, unsigned int num_sources,
	       const uint32_t hart_context[BH_MAX_HARTS]);

/* The hart whose S-mode context this is, or -1. */
int plic_context_hart(unsigned int context);

extern const struct irqchip_ops plic_irqchip;

#endif
