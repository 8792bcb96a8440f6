// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* PLIC register layout of the RISC-V PLIC specification. */
#include "mmio.h"
#include "plic.h"

#define PLIC_PRIORITY(line)	 (4 * (uintptr_t)(line))
#define PLIC_ENABLE(ctx, word)	 (0x2000 + 0x80 * (uintptr_t)(ctx) + 4 * (uintptr_t)(word))
#define PLIC_THRESHOLD(ctx)	 (0x200000 + 0x1000 * (uintptr_t)(ctx))
#define PLIC_CLAIM_COMPLETE(ctx) (PLIC_THRESHOLD(ctx) + 4)

int plic_ctx_init(struct plic_ctx *ctx, const struct bh_boot_info *bi, unsigned long hart)
{
	unsigned int i;

	if (hart >= BH_MAX_HARTS || bi->hart_plic_context[hart] == BH_NO_CONTEXT)
		return -1;
	ctx->base = (uintptr_t)bi->plic_base;
	ctx->context = bi->hart_plic_context[hart];
	for (i = 0; i < BH_MAX_IRQS / 32; i++)
		ctx->enable[i] = 0;
	ctx->accesses = 0;
	return 0;
}

static void plic_write(struct plic_ctx *ctx, uintptr_t offset, uint32_t value)
{
	ctx->accesses++;
	mmio_write32(ctx->base + offset, value);
}

static uint32_t plic_read(struct plic_ctx *ctx, uintptr_t offset)
{
	ctx->accesses++;
	return mmio_read32(ctx->base + offset);
}

int plic_set_priority(struct plic_ctx *ctx, uint32_t line, uint32_t priority)
{
	if (line >= BH_MAX_IRQS)
		return -1;
	plic_write(ctx, PLIC_PRIORITY(line), priority);
	return 0;
}

static int plic_set_enable(struct plic_ctx *ctx, uint32_t line, int on)
{
	uint32_t word = line / 32, bit = 1U << (line % 32);

	if (line >= BH_MAX_IRQS)
		return -1;
	if (on)
		ctx->enable[word] |= bit;
	else
		ctx->enable[word] &= ~bit;
	plic_write(ctx, PLIC_ENABLE(ctx->context, word), ctx->enable[word]);
	return 0;
}

int plic_enable(struct plic_ctx *ctx, uint32_t line)
{
	return plic_set_enable(ctx, line, 1);
}

int plic_disable(struct plic_ctx *ctx, uint32_t line)
{
	return plic_set_enable(ctx, line, 0);
}

void plic_set_threshold(struct plic_ctx *ctx, uint32_t threshold)
{
	plic_write(ctx, PLIC_THRESHOLD(ctx->context), threshold);
}

uint32_t plic_claim(struct plic_ctx *ctx)
{
	return plic_read(ctx, PLIC_CLAIM_COMPLETE(ctx->context));
}

void plic_complete(struct plic_ctx *ctx, uint32_t line)
{
	plic_write(ctx, PLIC_CLAIM_COMPLETE(ctx->context), line);
}
