// SPDX-License-Identifier: GPL-2.0
/*
 * A physical PLIC for the host tests, written from the RISC-V PLIC
 * specification 1.0.0 (SiFive register layout), behind the host build's
 * mmio_read32/mmio_write32 (hypervisor/include/mmio_io.h):
 * - a level-triggered source whose line is asserted becomes pending unless
 *   its gateway holds it (claimed and not yet completed);
 * - a claim returns the highest-priority pending source enabled at the
 *   context with priority above the context's threshold (ties: lowest id),
 *   clears its pending bit and holds the gateway; 0 if there is none;
 * - a complete is honoured only for a source enabled at the completing
 *   context ("silently ignored" otherwise, as the spec allows and real
 *   PLICs do); it releases the gateway, and a still-asserted line is
 *   pending again.
 * Accesses outside the model's window, or of another width, abort.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmio_io.h"
#include "printk.h"

#define HW_BASE	    0x0c000000UL
#define HW_SIZE	    0x4000000UL
#define HW_SOURCES  1024
#define HW_CONTEXTS 128
#define HW_WORDS    (HW_SOURCES / 32)

static struct {
	unsigned int sources;
	uint32_t priority[HW_SOURCES];
	bool level[HW_SOURCES];
	bool pending[HW_SOURCES];
	bool claimed[HW_SOURCES];
	uint32_t enable[HW_CONTEXTS][HW_WORDS];
	uint32_t threshold[HW_CONTEXTS];
	unsigned long reads, writes, ignored_completes;
} hw;

/* arch_fake.c keeps the hypervisor's messages. */
void host_messages_reset(void);

uint64_t plic_hw_base(void);
uint64_t plic_hw_base(void)
{
	return HW_BASE;
}

void plic_hw_reset(unsigned int sources);
void plic_hw_reset(unsigned int sources)
{
	memset(&hw, 0, sizeof(hw));
	hw.sources = sources < HW_SOURCES ? sources : HW_SOURCES;
	host_messages_reset();
}

static bool enabled(unsigned int ctx, unsigned int s)
{
	return (hw.enable[ctx][s / 32] >> (s % 32)) & 1;
}

static void gateway(unsigned int s)
{
	if (hw.level[s] && !hw.claimed[s])
		hw.pending[s] = true;
}

/* The device asserts (true) or deasserts its level-triggered line. */
void plic_hw_set_level(unsigned int s, bool level);
void plic_hw_set_level(unsigned int s, bool level)
{
	if (s == 0 || s >= hw.sources)
		abort();
	hw.level[s] = level;
	gateway(s);
}

static uint32_t claim(unsigned int ctx)
{
	unsigned int best = 0;

	for (unsigned int s = 1; s < hw.sources; s++)
		if (hw.pending[s] && enabled(ctx, s) && hw.priority[s] > hw.threshold[ctx] &&
		    (best == 0 || hw.priority[s] > hw.priority[best]))
			best = s;
	if (best) {
		hw.pending[best] = false;
		hw.claimed[best] = true;
	}
	return best;
}

static void complete(unsigned int ctx, uint32_t s)
{
	if (s == 0 || s >= hw.sources || !enabled(ctx, s)) {
		hw.ignored_completes++;
		return;
	}
	hw.claimed[s] = false;
	gateway(s);
}

uint32_t host_mmio_read32(uint64_t addr)
{
	uint64_t off = addr - HW_BASE;

	if (addr < HW_BASE || off >= HW_SIZE || (off & 3))
		abort();
	hw.reads++;
	if (off < 0x1000)
		return off / 4 < hw.sources ? hw.priority[off / 4] : 0;
	if (off < 0x2000) {
		uint32_t v = 0, w = (uint32_t)(off - 0x1000) / 4;

		for (unsigned int i = 0; i < 32 && w < HW_WORDS; i++)
			if (w * 32 + i < hw.sources && hw.pending[w * 32 + i])
				v |= 1U << i;
		return v;
	}
	if (off < 0x200000) {
		uint64_t ctx = (off - 0x2000) / 0x80, w = (off - 0x2000) % 0x80 / 4;

		return ctx < HW_CONTEXTS ? hw.enable[ctx][w] : 0;
	} else {
		uint64_t ctx = (off - 0x200000) / 0x1000, reg = (off - 0x200000) % 0x1000;

		if (ctx >= HW_CONTEXTS)
			return 0;
		if (reg == 0)
			return hw.threshold[ctx];
		if (reg == 4)
			return claim((unsigned int)ctx);
		return 0;
	}
}

void host_mmio_write32(uint64_t addr, uint32_t value)
{
	uint64_t off = addr - HW_BASE;

	if (addr < HW_BASE || off >= HW_SIZE || (off & 3))
		abort();
	hw.writes++;
	if (off < 0x1000) {
		if (off / 4 < hw.sources && off != 0)
			hw.priority[off / 4] = value & 7;
	} else if (off < 0x2000) {
		/* pending: read-only */
	} else if (off < 0x200000) {
		uint64_t ctx = (off - 0x2000) / 0x80, w = (off - 0x2000) % 0x80 / 4;
		uint32_t mask = 0;

		for (unsigned int i = 0; i < 32; i++)
			if (w * 32 + i >= 1 && w * 32 + i < hw.sources)
				mask |= 1U << i;
		if (ctx < HW_CONTEXTS)
			hw.enable[ctx][w] = value & mask;
	} else {
		uint64_t ctx = (off - 0x200000) / 0x1000, reg = (off - 0x200000) % 0x1000;

		if (ctx >= HW_CONTEXTS)
			return;
		if (reg == 0)
			hw.threshold[ctx] = value & 7;
		else if (reg == 4)
			complete((unsigned int)ctx, value);
	}
}

/* What the tests look at. */
bool plic_hw_enabled(unsigned int ctx, unsigned int s);
bool plic_hw_enabled(unsigned int ctx, unsigned int s)
{
	return ctx < HW_CONTEXTS && s < HW_SOURCES && enabled(ctx, s);
}

bool plic_hw_claimed(unsigned int s);
bool plic_hw_claimed(unsigned int s)
{
	return s < HW_SOURCES && hw.claimed[s];
}

bool plic_hw_pending(unsigned int s);
bool plic_hw_pending(unsigned int s)
{
	return s < HW_SOURCES && hw.pending[s];
}

uint32_t plic_hw_priority(unsigned int s);
uint32_t plic_hw_priority(unsigned int s)
{
	return s < HW_SOURCES ? hw.priority[s] : 0;
}

uint32_t plic_hw_threshold(unsigned int ctx);
uint32_t plic_hw_threshold(unsigned int ctx)
{
	return ctx < HW_CONTEXTS ? hw.threshold[ctx] : 0;
}

/* Register accesses since the last reset, and completes the PLIC ignored. */
unsigned long plic_hw_reads(void);
unsigned long plic_hw_reads(void)
{
	return hw.reads;
}

unsigned long plic_hw_writes(void);
unsigned long plic_hw_writes(void)
{
	return hw.writes;
}

unsigned long plic_hw_ignored_completes(void);
unsigned long plic_hw_ignored_completes(void)
{
	return hw.ignored_completes;
}
