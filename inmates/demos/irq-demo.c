// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A device interrupt through the cell's vPLIC: the goldfish RTC's alarm,
 * armed 1 ms ahead, 20 times. The PLIC is set up with exactly three accesses
 * and each interrupt costs one claim and one complete, so the board test can
 * check the exit counters: per interrupt one external interrupt, two PLIC
 * accesses (mmio) and nothing else but the console's SBI calls.
 *
 * Goldfish RTC registers (QEMU hw/rtc/goldfish_rtc.c): time in ns; reading
 * TIME_LOW latches TIME_HIGH; writing ALARM_LOW arms the alarm at
 * ALARM_HIGH:ALARM_LOW (an alarm in the past fires at once); the line is
 * raised while an alarm has fired and IRQ_ENABLED is set, until
 * CLEAR_INTERRUPT.
 */
#include "inmate.h"

#define RTC_BASE	    0x101000UL
#define RTC_LINE	    11u
#define RTC_TIME_LOW	    0x00
#define RTC_TIME_HIGH	    0x04
#define RTC_ALARM_LOW	    0x08
#define RTC_ALARM_HIGH	    0x0c
#define RTC_IRQ_ENABLED	    0x10
#define RTC_CLEAR_ALARM	    0x14
#define RTC_CLEAR_INTERRUPT 0x1c

#define ALARM_DELAY_NS 1000000ULL
#define INTERRUPTS     20

static struct plic_ctx plic;
static unsigned int interrupts;
static bool finished;

static uint64_t rtc_now_ns(void)
{
	uint64_t low = mmio_read32(RTC_BASE + RTC_TIME_LOW);

	return low | (uint64_t)mmio_read32(RTC_BASE + RTC_TIME_HIGH) << 32;
}

static void rtc_arm(uint64_t delay_ns)
{
	uint64_t when = rtc_now_ns() + delay_ns;

	mmio_write32(RTC_BASE + RTC_ALARM_HIGH, (uint32_t)(when >> 32));
	mmio_write32(RTC_BASE + RTC_ALARM_LOW, (uint32_t)when);
}

static void external_irq(unsigned long hart)
{
	uint32_t line = plic_claim(&plic);

	(void)hart;
	if (!line)
		return; /* nothing to claim: another context took it, or it went away */
	if (line != RTC_LINE) {
		plic_complete(&plic, line);
		printf("irq-demo: unexpected PLIC line %u\n", line);
		return;
	}
	/* Lower the device's level before completing, or the line fires again. */
	mmio_write32(RTC_BASE + RTC_CLEAR_INTERRUPT, 1);
	plic_complete(&plic, line);
	interrupts++;
	if (interrupts < INTERRUPTS)
		rtc_arm(ALARM_DELAY_NS);
	else
		finished = true;
	printf("irq-demo: interrupt %u\n", interrupts);
}

int main(unsigned long hart, const struct bh_boot_info *bi)
{
	if (!boot_info_owns_line(bi, RTC_LINE)) {
		printf("irq-demo: PLIC line %u is not this cell's\n", RTC_LINE);
		hart_halt();
	}
	if (plic_ctx_init(&plic, bi, hart)) {
		printf("irq-demo: hart %lu has no PLIC context\n", hart);
		hart_halt();
	}

	/* The RTC as Linux may have left it: no alarm, nothing pending. */
	mmio_write32(RTC_BASE + RTC_IRQ_ENABLED, 0);
	mmio_write32(RTC_BASE + RTC_CLEAR_ALARM, 1);
	mmio_write32(RTC_BASE + RTC_CLEAR_INTERRUPT, 1);
	mmio_write32(RTC_BASE + RTC_IRQ_ENABLED, 1);

	/* The only PLIC accesses outside the interrupt handler. */
	plic_set_priority(&plic, RTC_LINE, 1);
	plic_enable(&plic, RTC_LINE);
	plic_set_threshold(&plic, 0);

	irq_set_handler(IRQ_EXTERNAL, external_irq);
	csr_set(CSR_SIE, SIE_SEIE);
	printf("irq-demo: hart %lu, PLIC context %u, line %u\n", hart, plic.context, RTC_LINE);
	rtc_arm(ALARM_DELAY_NS);

	while (!finished)
		irq_wait();
	printf("irq-demo: done, %u interrupts\n", interrupts);
	printf("irq-demo: plic accesses %lu\n", plic.accesses);
	hart_idle();
}
