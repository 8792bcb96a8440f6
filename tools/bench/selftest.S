/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bare-metal program of known length for the bench plugin's host test
 * (pytest/host/test_bench.py), run on two harts with
 *   qemu-system-riscv64 -M virt -smp 2 -bios none -kernel selftest.elf
 *       -plugin hvcount.so,lo=0x80000000,hi=0x80001000,entry=ep_entry,tag=odd:tagged,...
 * Both harts arrive at 0x80000000 from QEMU's reset vector with a0 = hart id.
 *
 * Built with -D: LOOP0, LOOP1 (rounds of the counting loops of harts 0 and 1,
 * 1..2047), EPISODES (calls of ep_entry, 1..2047, odd), OUTSIDE (rounds of a
 * loop outside the counted range, 1..2047), EXIT (1: hart 0 ends QEMU through
 * the test device; 0: it parks, so a snapshot can be read).
 *
 * Layout: 0x80000000 the counted code (one page), 0x80001000 code outside the
 * range, 0x80002000 data. Blocks end at branches and jumps, so the test can
 * count them; each block is listed with its instruction count.
 */
	.text
	.globl _start
_start:
	bnez	a0, hart1			/* both harts: 1 */

	/* Hart 0 */
	jal	ra, outside_work		/* 1 */
	li	s0, LOOP0			/* 3, then 2 per further round */
loop0:
	addi	s0, s0, -1
	bnez	s0, loop0

	/* strlen: a loop with a moving pointer is work, not a wait. */
	la	a0, message			/* 7 (first character), then 4 per character */
	li	a1, 0
strlen:
	lbu	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	bnez	t0, strlen

	/* A wait loop reached by a jump runs once: 2 instructions of spin. */
	la	t3, zero_flag			/* 3 */
	j	spin_once
spin_once:
	lw	t2, 0(t3)			/* spin: 2 */
	bnez	t2, spin_once

	/*
	 * A store-conditional without a reservation fails (QEMU resets it to
	 * none): that try and the block it goes back to are waiting, not work.
	 */
	la	t3, cas_word			/* 4 */
	li	t4, 1
	j	try_sc
cas_retry:
	lr.w	t2, (t3)			/* spin: 3 (lr, sc, bnez) */
try_sc:
	sc.w	t5, t4, (t3)			/* spin: 2 (the failed try) */
	bnez	t5, cas_retry

	/* Episodes: ep_entry starts one; the odd ones reach the tag "odd". */
	li	s1, EPISODES			/* 2, before any episode */
ep_loop:
	jal	ra, ep_entry			/* 1 (when looping back) */
	addi	s1, s1, -1			/* 2 */
	bnez	s1, ep_loop
	j	after_episodes			/* 1 */
ep_entry:
	andi	t4, s1, 1			/* entry: 2 */
	beqz	t4, 1f
	jal	t5, tagged			/* 1 */
1:	ret					/* 1 */
tagged:
	addi	t6, t6, 1			/* tag "odd": 2 */
	jr	t5

	/*
	 * Once hart 1 has tried the lock (it swaps in 2), release it; then wait
	 * until hart 1 is done.
	 */
after_episodes:
	la	t3, lock			/* 5 (the first round of the wait included) */
	li	t5, 2
wait_tried:
	lw	t2, 0(t3)			/* spin: 2 per further round */
	bne	t2, t5, wait_tried
	amoswap.w.rl zero, zero, (t3)		/* 5 (the first round of the wait included) */
	la	a4, done_flag
wait_done:
	lw	a5, 0(a4)			/* spin: 2 per further round (compressed) */
	beqz	a5, wait_done
	j	hart0_end			/* 1 */

	/*
	 * Hart 1: takes the lock hart 0 holds from the start (the shape GCC gives
	 * spin_lock()), counts, says it is done. Its first try always fails, so
	 * it always waits at least one round and retries at least once.
	 */
hart1:
	la	t3, lock			/* 5: the first try */
	li	t4, 2
	amoswap.w.aq t2, t4, (t3)
	beqz	t2, locked
lock_wait:
	lw	t2, 0(t3)			/* spin: 2 per round */
	bnez	t2, lock_wait
	amoswap.w.aq t2, t4, (t3)		/* spin: 2 per retry */
	bnez	t2, lock_wait
locked:
	li	s0, LOOP1			/* 3, then 2 per further round */
loop1:
	addi	s0, s0, -1
	bnez	s0, loop1
	la	t3, done_flag			/* 5 */
	li	t2, 1
	sw	t2, 0(t3)
	j	park

	/* Not counted: outside [0x80000000, 0x80001000). */
	.org	0x1000
outside_work:
	li	t0, OUTSIDE
1:	addi	t0, t0, -1
	bnez	t0, 1b
	ret

hart0_end:
#if EXIT
	li	t0, 0x100000			/* sifive test device: 0x5555 = pass */
	li	t1, 0x5555
	sw	t1, 0(t0)
#endif
park:
	wfi
	j	park

	.org	0x2000
	.balign	8
zero_flag:
	.word	0
lock:
	.word	1
cas_word:
	.word	0
done_flag:
	.word	0
message:
	.asciz	"bulkhead bench"
