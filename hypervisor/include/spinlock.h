/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULKHEAD_SPINLOCK_H
#define BULKHEAD_SPINLOCK_H

/*
 * The hypervisor never takes interrupts while it runs (sstatus.SIE stays 0
 * in HS-mode), so a plain test-and-set lock cannot deadlock against itself.
 */
typedef struct {
	volatile int locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif
