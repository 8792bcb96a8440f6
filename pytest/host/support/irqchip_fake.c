// SPDX-License-Identifier: GPL-2.0
/*
 * The host tests' interrupt controller: it records what the core asks of
 * it (route and complete per line) so tests can check the calls exactly.
 */
#include <stdint.h>

#include <bulkhead/config_check.h>

#include "cell.h"
#include "irq_lines.h"
#include "irqchip.h"

#define FAKE_LOG_MAX 256

struct irqchip_fake_call {
	char op;		/* 'r' route_line, 'c' complete */
	unsigned int line;
	unsigned int cell_id;	/* route_line: the owner's id */
};

static struct irqchip_fake_call fake_log[FAKE_LOG_MAX];
static unsigned int fake_count;

static void record(char op, unsigned int line, unsigned int cell_id)
{
	if (fake_count < FAKE_LOG_MAX)
		fake_log[fake_count] = (struct irqchip_fake_call){ op, line, cell_id };
	fake_count++;
}

static void fake_route_line(struct cell *owner, unsigned int line)
{
	record('r', line, owner->id);
}

static void fake_complete(unsigned int line)
{
	record('c', line, 0);
}

/* Enable: the root takes the lines its config gives it, as the PLIC's take-over does. */
static void fake_take_over(struct cell *root)
{
	for (unsigned int line = 1; line < BH_MAX_IRQS; line++)
		if (bh_config_irq_owned(root->desc, line))
			irq_line_transfer(line, root);
}

static void fake_give_back(struct cell *root)
{
	for (unsigned int line = 1; line < BH_MAX_IRQS; line++)
		if (irq_line_owner(line) == root)
			irq_line_transfer(line, NULL);
}

static const struct irqchip_ops fake_ops = {
	.take_over = fake_take_over,
	.give_back = fake_give_back,
	.route_line = fake_route_line,
	.complete = fake_complete,
};

const struct irqchip_ops *irqchip = &fake_ops;

/* For the tests: how many calls, and the i-th one. */
unsigned int irqchip_fake_count(void);
unsigned int irqchip_fake_count(void)
{
	return fake_count;
}

int irqchip_fake_call(unsigned int i, char *op, unsigned int *line, unsigned int *cell_id);
int irqchip_fake_call(unsigned int i, char *op, unsigned int *line, unsigned int *cell_id)
{
	if (i >= fake_count || i >= FAKE_LOG_MAX)
		return -1;
	*op = fake_log[i].op;
	*line = fake_log[i].line;
	*cell_id = fake_log[i].cell_id;
	return 0;
}

void irqchip_fake_clear(void);
void irqchip_fake_clear(void)
{
	fake_count = 0;
}
