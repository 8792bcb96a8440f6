// SPDX-License-Identifier: GPL-2.0
/*
 * What the doorbell host tests reach: a guest's 32-bit access to a cell's
 * emulated devices (the doorbell pages, the vPLIC) as the MMIO exit path
 * hands it over, and the exit counter such an access adds to.
 */
#include "hv.h"

/* -1: no such cell; -2: no device there; else the device's MMIO_* result. */
int host_mmio(unsigned int id, uint64_t gpa, int write, uint32_t value, uint32_t *out);
int host_mmio(unsigned int id, uint64_t gpa, int write, uint32_t value, uint32_t *out)
{
	struct cell *c = id < HV_MAX_CELLS ? hv.cells[id] : NULL;
	const struct mmio_region *dev;
	uint64_t v = 0;
	int ret;

	if (!c)
		return -1;
	dev = mmio_find(&c->mmio, gpa);
	if (!dev)
		return -2;
	if (write)
		return dev->ops->write(dev->opaque, gpa - dev->base, 4, value);
	ret = dev->ops->read(dev->opaque, gpa - dev->base, 4, &v);
	*out = (uint32_t)v;
	return ret;
}

int host_mmio_exit_reason(unsigned int id, uint64_t gpa);
int host_mmio_exit_reason(unsigned int id, uint64_t gpa)
{
	struct cell *c = id < HV_MAX_CELLS ? hv.cells[id] : NULL;
	const struct mmio_region *dev = c ? mmio_find(&c->mmio, gpa) : NULL;

	return dev ? (int)mmio_exit_reason(dev) : -1;
}
