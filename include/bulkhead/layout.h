/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Compile-time checks of the structures shared between the driver, the
 * hypervisor, hvctl and the inmates: their layout is ABI, so a change that
 * moves a member must be made on purpose (and BH_ABI_VERSION bumped), never
 * by accident. __builtin_offsetof needs no header in any of those builds.
 */
#ifndef BULKHEAD_LAYOUT_H
#define BULKHEAD_LAYOUT_H

#ifndef __ASSEMBLER__
#define BH_CHECK_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " is ABI")
#define BH_CHECK_OFFSET(type, member, offset)                                                      \
	_Static_assert(__builtin_offsetof(type, member) == (offset), #type "." #member " is ABI")
#endif

/* An unsigned long constant, usable from C and assembly alike. */
#ifdef __ASSEMBLER__
#define BH_UL(x) x
#else
#define BH_UL(x) x##UL
#endif

#endif /* BULKHEAD_LAYOUT_H */
