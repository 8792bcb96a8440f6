/* SPDX-License-Identifier: GPL-2.0 */
/* The hypervisor's console messages (arch console.c; a recording stand-in on the host). */
#ifndef BULKHEAD_PRINTK_H
#define BULKHEAD_PRINTK_H

void hv_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
