/* SPDX-License-Identifier: GPL-2.0 */
/* What sbi_mock.c records, shared with layouts.c (test_layouts.py checks the ctypes mirror). */
#ifndef BULKHEAD_SBI_MOCK_H
#define BULKHEAD_SBI_MOCK_H

#include <stdint.h>

/* One hook call; the layout is mirrored by a ctypes Structure in test_sbi.py. */
struct sbi_mock_call {
	uint64_t hook;
	uint64_t caller; /* address of the struct sbi_caller, 0 if the hook has none */
#ifdef LAYOUT_SKEW_SBI_MOCK_CALL
	/* test_layouts.py builds a table with this, to show one moved member is caught */
	uint64_t skew;
#endif
	uint64_t arg[8];
};

#endif
