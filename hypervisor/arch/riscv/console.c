// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor console: every message goes to the ring the root reads with
 * `hvctl console` and to the serial line through the firmware, so it is seen
 * even when the root is dead.
 */
#include "hv.h"
#include "lib.h"

void hv_console_putc(char c)
{
	console_ring_put(&hv.console, c);
	if (c == '\n')
		fw_putchar('\r');
	fw_putchar(c);
}

void hv_printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	spin_lock(&hv.console_lock);
	for (int i = 0; i < n; i++)
		hv_console_putc(buf[i]);
	spin_unlock(&hv.console_lock);
}
