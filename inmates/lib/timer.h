/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The hart's timer through Sstc: `time` is read directly (hcounteren lets it
 * through) and stimecmp is the guest's own vstimecmp, so arming the timer
 * and taking its interrupt cost no exit.
 */
#ifndef INMATE_TIMER_H
#define INMATE_TIMER_H

#include <stdint.h>

/* The `time` CSR, in ticks of the boot info's timebase_frequency. */
uint64_t timer_now(void);
/* Interrupt (when enabled) once time >= deadline; also clears a pending timer interrupt. */
void timer_set_deadline(uint64_t deadline);
/* Enable the timer interrupt (sie.STIE); sstatus.SIE is the caller's business. */
void timer_irq_enable(void);
/* No more timer interrupts: deadline at the end of time, sie.STIE off. */
void timer_stop(void);
/* ticks of a frequency_hz clock in nanoseconds, without overflow for any 64-bit tick count. */
uint64_t timer_ticks_to_ns(uint64_t ticks, uint64_t frequency_hz);

#endif /* INMATE_TIMER_H */
