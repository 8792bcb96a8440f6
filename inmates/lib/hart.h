/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which hart is running. The entry code keeps the hart id in tp for the
 * hart's whole life: nothing else in an inmate uses tp (no thread-local
 * storage), and it is the one register a trap handler can read without
 * memory.
 */
#ifndef INMATE_HART_H
#define INMATE_HART_H

static inline unsigned long hart_id(void)
{
	unsigned long id;

	__asm__("mv %0, tp" : "=r"(id));
	return id;
}

#endif /* INMATE_HART_H */
