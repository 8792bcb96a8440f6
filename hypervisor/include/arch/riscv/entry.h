/* SPDX-License-Identifier: GPL-2.0 */
/* The enable entry (head.S) and what it hands to hv_main(). */
#ifndef BULKHEAD_ARCH_RISCV_ENTRY_H
#define BULKHEAD_ARCH_RISCV_ENTRY_H

#include <stdint.h>

/* Linux's registers at entry, saved by head.S (offsets: asm-defines.c). */
struct entry_frame {
	uint64_t ra, sp, gp, tp;
	uint64_t s[12];
	uint64_t sscratch, sepc;
};

#endif
