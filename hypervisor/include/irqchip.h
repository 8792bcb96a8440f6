/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical interrupt controller, behind one interface: the PLIC now,
 * APLIC/IMSIC later. Only its own file touches its registers and state; the
 * rest of the hypervisor asks through these operations.
 */
#ifndef BULKHEAD_IRQCHIP_H
#define BULKHEAD_IRQCHIP_H

struct cell;

struct irqchip_ops {
	/* Enable: the root's lines, as Linux programmed them, into its virtual controller. */
	void (*take_over)(struct cell *root);
	/* Disable: Linux gets the controller back as the root's virtual one has it. */
	void (*give_back)(struct cell *root);
	/* An external interrupt at HS on this hart: claim what is pending, hand it to owners. */
	void (*handle_irq)(unsigned int hart);
	/* The owner's guest completed the line: complete it physically. */
	void (*complete)(unsigned int line);
	/* Route the line physically as its owner's virtual controller has it. */
	void (*route_line)(struct cell *owner, unsigned int line);
};

/* The machine's controller, set before the first cell is built. */
extern const struct irqchip_ops *irqchip;

#endif
