/* SPDX-License-Identifier: GPL-2.0 */
/* The fake MMIO device of the registry's host tests (mmio_fake.c): what it was asked last. */
#ifndef BULKHEAD_MMIO_FAKE_H
#define BULKHEAD_MMIO_FAKE_H

#include <stdint.h>

struct mmio_fake {
	uint64_t answer;	/* what loads read */
	int error;		/* non-zero: refuse every access with it */
	unsigned int accesses;
	char op;		/* 'r' or 'w', the last access */
	uint64_t offset, value;
	unsigned int width;
};

#endif
