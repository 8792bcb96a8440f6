/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Device register access: exactly one 32-bit load or store per call, so a
 * trapped access is one exit and the hypervisor can decode it.
 */
#ifndef INMATE_MMIO_H
#define INMATE_MMIO_H

#include <stdint.h>

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t value)
{
	*(volatile uint32_t *)addr = value;
}

#endif /* INMATE_MMIO_H */
