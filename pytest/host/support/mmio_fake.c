// SPDX-License-Identifier: GPL-2.0
/*
 * A fake emulated device for the MMIO registry's host tests: it records
 * each access (offset, width, value) and answers loads with a set value, or
 * refuses every access when told to.
 */
#include <stdlib.h>

#include "cell.h"
#include "mmio_fake.h"
#include "mmio_registry.h"

static int fake_read(void *opaque, uint64_t offset, unsigned int width, uint64_t *value)
{
	struct mmio_fake *dev = opaque;

	*dev = (struct mmio_fake){ dev->answer, dev->error, dev->accesses + 1, 'r', offset, 0,
				   width };
	if (dev->error)
		return dev->error;
	*value = dev->answer;
	return MMIO_OK;
}

static int fake_write(void *opaque, uint64_t offset, unsigned int width, uint64_t value)
{
	struct mmio_fake *dev = opaque;

	*dev = (struct mmio_fake){ dev->answer, dev->error, dev->accesses + 1, 'w', offset, value,
				   width };
	return dev->error;
}

const struct mmio_ops mmio_fake_ops = { .read = fake_read, .write = fake_write };

struct cell *mmio_fake_cell(void);
struct cell *mmio_fake_cell(void)
{
	return calloc(1, sizeof(struct cell));
}

void mmio_fake_free(void *p);
void mmio_fake_free(void *p)
{
	free(p);
}

struct mmio_fake *mmio_fake_device(void);
struct mmio_fake *mmio_fake_device(void)
{
	return calloc(1, sizeof(struct mmio_fake));
}

unsigned int mmio_fake_cell_windows(const struct cell *cell);
unsigned int mmio_fake_cell_windows(const struct cell *cell)
{
	return cell->mmio.count;
}

/* mmio_find() is inline in its header: the tests reach it here. */
const struct mmio_region *mmio_fake_find(const struct cell *cell, uint64_t gpa);
const struct mmio_region *mmio_fake_find(const struct cell *cell, uint64_t gpa)
{
	return mmio_find(&cell->mmio, gpa);
}
