/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time CSR, the one clock every hart shares (the platform's timebase;
 * OpenSBI lets S-mode read it without a trap). Host builds read a variable
 * the tests set, so a latency figure is exact there.
 */
#ifndef BULKHEAD_HV_TIME_H
#define BULKHEAD_HV_TIME_H

#include <stdint.h>

#ifdef BH_HOST
extern uint64_t host_time_now;

static inline uint64_t hv_time_now(void)
{
	return host_time_now;
}
#else
static inline uint64_t hv_time_now(void)
{
	uint64_t t;

	__asm__ __volatile__("csrr %0, time" : "=r"(t));
	return t;
}
#endif

#endif
