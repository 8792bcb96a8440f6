/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A test-and-set lock for the few things the harts of a cell share. */
#ifndef INMATE_SPINLOCK_H
#define INMATE_SPINLOCK_H

struct spinlock {
	int locked;
};

static inline void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		;
}

static inline void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif /* INMATE_SPINLOCK_H */
