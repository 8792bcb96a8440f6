/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who owns each interrupt line. This is the one place the owner is kept and
 * the one function that moves a line: the new owner's virtual controller
 * takes it and it is routed there before the old owner lets go, so an
 * interrupt claimed meanwhile always finds an owner.
 */
#ifndef BULKHEAD_IRQ_LINES_H
#define BULKHEAD_IRQ_LINES_H

#include <bulkhead/config.h>

struct cell;

/* Forget every owner (enable, disable, host tests). */
void irq_lines_reset(void);
/* NULL when nobody owns the line (or it does not exist). */
struct cell *irq_line_owner(unsigned int line);
/* The owner with its lock held (the interrupt path), or NULL; unlock it with spin_unlock. */
struct cell *irq_line_lock_owner(unsigned int line);
/*
 * Move the line to @to (from its owner, or from nobody at enable; to nobody
 * at disable). Whatever the old owner had pending or in service is completed
 * physically. Called with no cell lock held.
 */
void irq_line_transfer(unsigned int line, struct cell *to);
/* The owner keeps the line; what its guest left pending or in service is dropped. */
void irq_line_drop_state(unsigned int line);

#endif
