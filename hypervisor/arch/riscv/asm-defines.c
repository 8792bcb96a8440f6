// SPDX-License-Identifier: GPL-2.0
/*
 * Every structure offset and constant the assembly (and scripts/mkimage.py)
 * uses, from the C definitions. Not part of the image: the build compiles
 * this with -S and turns each "=>NAME value" line into a #define of
 * build/hypervisor/generated/asm-defines.h (hypervisor/build.mk).
 */
#include <bulkhead/image.h>

#include "arch/riscv/entry.h"
#include "hv.h"

#define DEFINE(sym, val) __asm__ __volatile__("\n=>" #sym " %0" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, __builtin_offsetof(struct str, mem))
/* A member's offset and its size in bytes (sym_SIZE). */
#define FIELD(sym, str, mem)                                                                       \
	do {                                                                                       \
		OFFSET(sym, str, mem);                                                             \
		DEFINE(sym##_SIZE, sizeof(((struct str *)0)->mem));                                \
	} while (0)

_Static_assert((HV_STACK_SIZE & (HV_STACK_SIZE - 1)) == 0, "head.S shifts by the stack size");

void asm_defines(void);

void asm_defines(void)
{
	/* trap_entry.S: the guest's registers and the hypervisor stack of a hart */
	OFFSET(HART_REGS, hart, regs);
	OFFSET(HART_STACK_TOP, hart, stack_top);

	/* head.S: the per-hart stacks and the entry frame on them */
	DEFINE(HV_MAX_HARTS, HV_MAX_HARTS);
	DEFINE(HV_STACK_SIZE, HV_STACK_SIZE);
	DEFINE(HV_STACK_SHIFT, __builtin_ctz(HV_STACK_SIZE));
	/* rounded up: the stack pointer stays 16-byte aligned */
	DEFINE(ENTRY_FRAME_SIZE, (sizeof(struct entry_frame) + 15) & ~15UL);
	OFFSET(ENTRY_FRAME_RA, entry_frame, ra);
	OFFSET(ENTRY_FRAME_SP, entry_frame, sp);
	OFFSET(ENTRY_FRAME_GP, entry_frame, gp);
	OFFSET(ENTRY_FRAME_TP, entry_frame, tp);
	OFFSET(ENTRY_FRAME_S0, entry_frame, s);
	OFFSET(ENTRY_FRAME_SSCRATCH, entry_frame, sscratch);
	OFFSET(ENTRY_FRAME_SEPC, entry_frame, sepc);

	/* scripts/mkimage.py: the header fields only the link knows, and the CRC */
	DEFINE(IMAGE_HEADER_SIZE, sizeof(struct bh_image_header));
	FIELD(IMAGE_HEADER_IMAGE_SIZE, bh_image_header, image_size);
	FIELD(IMAGE_HEADER_MEMORY_SIZE, bh_image_header, memory_size);
	FIELD(IMAGE_HEADER_ENTRY_OFFSET, bh_image_header, entry_offset);
	FIELD(IMAGE_HEADER_CHECKSUM, bh_image_header, checksum);
	FIELD(IMAGE_HEADER_HEADER_SIZE, bh_image_header, header_size);
}
