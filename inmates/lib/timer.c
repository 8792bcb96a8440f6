// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Sstc timer: `time` and stimecmp. */
#include "csr.h"
#include "timer.h"

#define NS_PER_SEC 1000000000ULL

uint64_t timer_now(void)
{
	return csr_read(CSR_TIME);
}

void timer_set_deadline(uint64_t deadline)
{
	csr_write(CSR_STIMECMP, deadline);
}

void timer_irq_enable(void)
{
	csr_set(CSR_SIE, SIE_STIE);
}

void timer_stop(void)
{
	csr_clear(CSR_SIE, SIE_STIE);
	csr_write(CSR_STIMECMP, ~0UL);
}

uint64_t timer_ticks_to_ns(uint64_t ticks, uint64_t frequency_hz)
{
	uint64_t seconds, rest;

	if (!frequency_hz)
		return 0;
	seconds = ticks / frequency_hz;
	rest = ticks % frequency_hz;
	/* rest < frequency_hz, so rest * 1e9 overflows only for clocks above 18 GHz. */
	return seconds * NS_PER_SEC + rest * NS_PER_SEC / frequency_hz;
}
