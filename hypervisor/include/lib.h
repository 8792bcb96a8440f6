/* SPDX-License-Identifier: GPL-2.0 */
/* The few C library functions the hypervisor image carries itself (lib/). */
#ifndef BULKHEAD_LIB_H
#define BULKHEAD_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef BH_HOST
/* The host build of the core takes them from the C library. */
#include <stdio.h>
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* printf subset: %s %c %d %u %x %lx %lu %ld %llx %p %%, width and 0-padding. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((__typeof__(x))(a)-1))

#endif
