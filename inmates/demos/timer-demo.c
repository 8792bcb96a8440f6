// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A 1 ms periodic timer on Sstc. Deadlines are absolute (start + n periods),
 * so a late interrupt does not shift the ones after it; jitter is how long
 * after its deadline the handler read `time`. The handler only measures:
 * printing (an SBI call) happens in main, between ticks.
 */
#include "inmate.h"

#define TICKS_TOTAL	   1000
#define REPORT_EVERY	   100
#define PERIODS_PER_SECOND 1000 /* 1 ms */

struct jitter {
	uint64_t min, max, sum; /* timebase ticks */
	unsigned int samples;
};

static uint64_t period;
static uint64_t deadline;
static unsigned int ticks;
static struct jitter window;
/*
 * One report per REPORT_EVERY ticks, written by the handler, read by main
 * with interrupts off. A slot each: when the host stalls the guest, overdue
 * ticks arrive back to back and several reports may be due before main
 * prints the first.
 */
static struct jitter reports[TICKS_TOTAL / REPORT_EVERY];
static volatile unsigned int reports_ready;

static void jitter_reset(struct jitter *j)
{
	j->min = ~0ULL;
	j->max = 0;
	j->sum = 0;
	j->samples = 0;
}

static void jitter_add(struct jitter *j, uint64_t late)
{
	if (late < j->min)
		j->min = late;
	if (late > j->max)
		j->max = late;
	j->sum += late;
	j->samples++;
}

static void timer_tick(unsigned long hart)
{
	uint64_t now = timer_now();

	(void)hart;
	/* The interrupt cannot come before the deadline; don't trust that to be wrap-safe. */
	jitter_add(&window, now >= deadline ? now - deadline : 0);
	ticks++;
	if (ticks % REPORT_EVERY == 0) {
		reports[ticks / REPORT_EVERY - 1] = window;
		reports_ready = ticks / REPORT_EVERY;
		jitter_reset(&window);
	}
	if (ticks == TICKS_TOTAL) {
		timer_stop();
		return;
	}
	deadline += period;
	timer_set_deadline(deadline);
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	uint64_t hz = bi->timebase_frequency;
	unsigned int printed = 0;

	(void)hart;
	period = hz / PERIODS_PER_SECOND;
	if (!period) {
		printf("timer-demo: timebase %lu Hz is too slow for a 1 ms period\n",
		       (unsigned long)hz);
		hart_halt();
	}
	printf("timer-demo: timebase %lu Hz, period %lu ticks\n", (unsigned long)hz,
	       (unsigned long)period);

	jitter_reset(&window);
	irq_set_handler(IRQ_TIMER, timer_tick);
	deadline = timer_now() + period;
	timer_set_deadline(deadline);
	timer_irq_enable();

	/* Interrupts are off while main looks at the report, so no wake-up is missed. */
	while (printed < TICKS_TOTAL / REPORT_EVERY) {
		struct jitter r;

		while (reports_ready == printed)
			irq_wait();
		r = reports[printed++];
		/* Ticks that come due while this prints are taken on time. */
		irq_global_enable();
		printf("timer-demo: %u ticks, jitter min %lu avg %lu max %lu ns\n",
		       printed * REPORT_EVERY, (unsigned long)timer_ticks_to_ns(r.min, hz),
		       (unsigned long)(timer_ticks_to_ns(r.sum, hz) / r.samples),
		       (unsigned long)timer_ticks_to_ns(r.max, hz));
		irq_global_disable();
	}
	printf("timer-demo: done\n");
	hart_idle();
}
