// SPDX-License-Identifier: GPL-2.0
/*
 * The layouts of the C structures the host tests mirror as ctypes Structures,
 * from offsetof and sizeof, for test_layouts.py to hold every mirror against,
 * member by member. A struct's row with no member gives its size. Every
 * member of each structure is listed: the test checks the mirror has exactly
 * these members.
 */
#include <stdbool.h>
#include <stddef.h>

#include "../../../tools/bench/spin.h"
#include "console_ring.h"
#include "gstage.h"
#include "insn_decode.h"
#include "mmio_fake.h"
#include "pool.h"
#include "sbi.h"
#include "sbi_mock.h"
#include "vplic.h"

struct layout_row {
	const char *type, *member;
	unsigned long offset, size;
};

#define STRUCT(t) { #t, NULL, 0, sizeof(struct t) }
#define MEMBER(t, m) { #t, #m, offsetof(struct t, m), sizeof(((struct t *)0)->m) }

static const struct layout_row layout_rows[] = {
	STRUCT(sbi_caller),
	MEMBER(sbi_caller, hart),
	MEMBER(sbi_caller, cell_harts),
	MEMBER(sbi_caller, cell),
	STRUCT(sbiret),
	MEMBER(sbiret, error),
	MEMBER(sbiret, value),
	STRUCT(sbi_result),
	MEMBER(sbi_result, ret),
	MEMBER(sbi_result, action),
	STRUCT(sbi_mock_call),
	MEMBER(sbi_mock_call, hook),
	MEMBER(sbi_mock_call, caller),
	MEMBER(sbi_mock_call, arg),
	STRUCT(console_ring),
	MEMBER(console_ring, head),
	MEMBER(console_ring, buf),
	STRUCT(page_pool),
	MEMBER(page_pool, base),
	MEMBER(page_pool, pages),
	MEMBER(page_pool, used),
	MEMBER(page_pool, bitmap),
	STRUCT(gstage_alloc),
	MEMBER(gstage_alloc, alloc_page),
	MEMBER(gstage_alloc, free_page),
	MEMBER(gstage_alloc, phys_to_virt),
	MEMBER(gstage_alloc, opaque),
	STRUCT(insn_mmio),
	MEMBER(insn_mmio, is_store),
	MEMBER(insn_mmio, width),
	MEMBER(insn_mmio, sign_extend),
	MEMBER(insn_mmio, reg),
	MEMBER(insn_mmio, length),
	STRUCT(vplic_hooks),
	MEMBER(vplic_hooks, signal),
	MEMBER(vplic_hooks, hw_complete),
	MEMBER(vplic_hooks, line_changed),
	STRUCT(mmio_fake),
	MEMBER(mmio_fake, answer),
	MEMBER(mmio_fake, error),
	MEMBER(mmio_fake, accesses),
	MEMBER(mmio_fake, op),
	MEMBER(mmio_fake, offset),
	MEMBER(mmio_fake, value),
	MEMBER(mmio_fake, width),
	STRUCT(bench_insn),
	MEMBER(bench_insn, vaddr),
	MEMBER(bench_insn, raw),
	MEMBER(bench_insn, size),
};

/* Row i of the table; false past its end. member is NULL on a struct's own row. */
bool host_layout_row(unsigned long i, const char **type, const char **member,
		     unsigned long *offset, unsigned long *size)
{
	if (i >= sizeof(layout_rows) / sizeof(layout_rows[0]))
		return false;
	*type = layout_rows[i].type;
	*member = layout_rows[i].member;
	*offset = layout_rows[i].offset;
	*size = layout_rows[i].size;
	return true;
}
