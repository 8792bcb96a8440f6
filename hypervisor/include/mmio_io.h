/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit device register accesses of the hypervisor's own drivers. In the
 * image they are plain volatile loads and stores; the host build sends them
 * to a C model of the device (pytest/host/support/), so a driver in core/
 * is tested against the specification's behaviour.
 */
#ifndef BULKHEAD_MMIO_IO_H
#define BULKHEAD_MMIO_IO_H

#include <stdint.h>

#ifdef BH_HOST
uint32_t host_mmio_read32(uint64_t addr);
void host_mmio_write32(uint64_t addr, uint32_t value);

static inline uint32_t mmio_read32(uint64_t addr)
{
	return host_mmio_read32(addr);
}

static inline void mmio_write32(uint64_t addr, uint32_t value)
{
	host_mmio_write32(addr, value);
}
#else
static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)addr = value;
}
#endif

#endif
