/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling wait loops apart from work in a translation block (RV64GC).
 *
 * How often a hart goes round a loop that polls memory (a spinlock, "wait
 * until the first hart has set up") depends on the other harts' timing, so
 * the bench counts those instructions separately. A block is a wait loop when
 * running it again can only give a different result if memory (or a CSR)
 * changed meanwhile:
 *   - its last instruction branches or jumps back to its own first one;
 *   - it writes no memory and no CSR (no store, AMO, SC, CSR write, ecall,
 *     wfi, sret, fence.vma, hypervisor load/store, floating point);
 *   - no register it reads before writing it is written in it (nothing is
 *     carried from one round to the next: no counter, no moving pointer).
 * So `1: lw a5,0(a0); bnez a5,1b` waits, `1: lbu a5,0(a0); addi a0,a0,1;
 * bnez a5,1b` (strlen) works.
 */
#ifndef BENCH_SPIN_H
#define BENCH_SPIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_insn {
	uint64_t vaddr;
	uint32_t raw;	   /* the encoding; a compressed one in the low 16 bits */
	unsigned int size; /* 2 or 4 bytes */
};

/* Whether the block of n instructions, starting at insns[0].vaddr, is a wait loop. */
bool bench_tb_is_spin(const struct bench_insn *insns, size_t n);

/*
 * A failed atomic: a block that tries an AMO or sc (and has no other effect)
 * and then branches back, on what the atomic returned, to try again:
 *   1: amoswap.w.aq a5,a4,(a0); sext.w a5,a5; beqz a5,3f   (first try: work)
 *   2: lw a5,0(a0); bnez a5,2b                             (wait loop)
 *      amoswap.w.aq a5,a4,(a0); sext.w a5,a5; bnez a5,2b   (retry: such a block)
 * or `1: lr.w t2,(t0); bnez t2,2f; sc.w t3,t1,(t0); bnez t3,1b` (the sc block).
 * It runs, or branches back, only when another hart got there first, so the
 * plugin counts it as waiting when it follows a round of the wait loop it
 * branches to, or when its branch was taken (the next block starts at the
 * target); the block it goes back to is then a repeat too. Stores the branch
 * target in *target.
 */
bool bench_tb_retry_target(const struct bench_insn *insns, size_t n, uint64_t *target);

#endif
