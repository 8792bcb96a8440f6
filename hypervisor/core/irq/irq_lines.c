// SPDX-License-Identifier: GPL-2.0
/* Line ownership (irq_lines.h): the owner table and the one transfer. */
#include "irq_lines.h"

#include "cell.h"
#include "irqchip.h"
#include "spinlock.h"
#include "vplic.h"

static spinlock_t owner_lock;
static struct cell *owner[BH_MAX_IRQS];

void irq_lines_reset(void)
{
	spin_lock(&owner_lock);
	for (unsigned int line = 0; line < BH_MAX_IRQS; line++)
		owner[line] = NULL;
	spin_unlock(&owner_lock);
}

struct cell *irq_line_owner(unsigned int line)
{
	return line < BH_MAX_IRQS ? __atomic_load_n(&owner[line], __ATOMIC_ACQUIRE) : NULL;
}

/*
 * Owners change under owner_lock, and the interrupt path takes the owner's
 * lock before it lets go of owner_lock: a cell being destroyed is never
 * locked after its lines went back (it may be freed right after).
 */
struct cell *irq_line_lock_owner(unsigned int line)
{
	struct cell *cell;

	if (line >= BH_MAX_IRQS)
		return NULL;
	spin_lock(&owner_lock);
	cell = owner[line];
	if (cell)
		spin_lock(&cell->lock);
	spin_unlock(&owner_lock);
	return cell;
}

void irq_line_transfer(unsigned int line, struct cell *to)
{
	struct cell *from;

	if (line == 0 || line >= BH_MAX_IRQS)
		return;
	from = owner[line];
	if (from == to)
		return;
	if (to) {
		spin_lock(&to->lock);
		vplic_acquire_line(to->vplic, line, true);
		/* Routed as the new owner has it (nowhere yet), not as the old one had it. */
		irqchip->route_line(to, line);
		spin_unlock(&to->lock);
	}
	spin_lock(&owner_lock);
	__atomic_store_n(&owner[line], to, __ATOMIC_RELEASE);
	spin_unlock(&owner_lock);
	if (from) {
		spin_lock(&from->lock);
		vplic_release_line(from->vplic, line);
		spin_unlock(&from->lock);
	}
}

void irq_line_drop_state(unsigned int line)
{
	struct cell *cell = irq_line_lock_owner(line);

	if (!cell)
		return;
	vplic_release_line(cell->vplic, line);
	vplic_acquire_line(cell->vplic, line, true);
	spin_unlock(&cell->lock);
}
