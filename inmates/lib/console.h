/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Console output through SBI: the cell's console is the hypervisor's per-cell ring. */
#ifndef INMATE_CONSOLE_H
#define INMATE_CONSOLE_H

#include <stddef.h>

/* Probe for the debug console extension; until then (and without it) legacy putchar is used. */
void console_init(void);

/*
 * Write len bytes: with DBCN as few calls as the hypervisor allows (one for a
 * short buffer), else one legacy putchar per byte. Writers on different harts
 * do not interleave within one call.
 */
void console_write(const char *buf, size_t len);

/*
 * Console input (what the root sends with hvctl cell send): up to len bytes
 * waiting now, 0 if none. console_read uses DBCN read (legacy getchar
 * without DBCN), console_getchar legacy getchar: a byte, or -1.
 */
size_t console_read(char *buf, size_t len);
int console_getchar(void);

#endif /* INMATE_CONSOLE_H */
