// SPDX-License-Identifier: GPL-2.0
/*
 * Wait-loop detection for the bench plugin (spin.h). Only what the rule needs
 * is decoded: which integer registers an instruction reads and writes,
 * whether it has effects beyond them, and where a branch goes. Anything not
 * recognised counts as having effects, so an unknown block is never a wait.
 */
#include "spin.h"

enum insn_kind {
	INSN_PLAIN,    /* registers only (CSR reads included) */
	INSN_LOAD,     /* reads memory */
	INSN_ATOMIC,   /* AMO or sc: takes a lock, or tries to */
	INSN_EFFECT,   /* writes memory or machine state, or not understood */
	INSN_BRANCH,   /* conditional, pc-relative */
	INSN_JUMP,     /* jal / c.j, pc-relative */
	INSN_INDIRECT, /* jalr: target unknown here */
};

struct decoded {
	enum insn_kind kind;
	uint32_t reads, writes; /* bit r = register xr; x0 never set */
	uint64_t target;	/* INSN_BRANCH, INSN_JUMP */
};

static uint32_t reg(unsigned int r)
{
	return r ? 1U << r : 0;
}

static uint32_t bits(uint32_t raw, unsigned int hi, unsigned int lo)
{
	return (raw >> lo) & ((1U << (hi - lo + 1)) - 1);
}

static int64_t sign_extend(uint64_t value, unsigned int width)
{
	uint64_t sign = 1ULL << (width - 1);

	return (int64_t)((value ^ sign) - sign);
}

static void decode_system(uint32_t raw, struct decoded *d)
{
	unsigned int funct3 = bits(raw, 14, 12), rs1 = bits(raw, 19, 15), rd = bits(raw, 11, 7);

	/* csrrs/csrrc (and the immediate forms) with nothing to set or clear only read. */
	if ((funct3 == 2 || funct3 == 3 || funct3 == 6 || funct3 == 7) && rs1 == 0) {
		d->kind = INSN_PLAIN;
		d->writes = reg(rd);
		return;
	}
	/* ecall, ebreak, wfi, xret, fences of translations, HLV/HSV, CSR writes. */
	d->kind = INSN_EFFECT;
}

static void decode_32(uint32_t raw, uint64_t pc, struct decoded *d)
{
	unsigned int rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15), rs2 = bits(raw, 24, 20);
	uint64_t imm;

	switch (raw & 0x7f) {
	case 0x03: /* LOAD */
		d->kind = INSN_LOAD;
		d->reads = reg(rs1);
		d->writes = reg(rd);
		break;
	case 0x0f: /* fence, fence.i */
		break;
	case 0x13: /* OP-IMM */
	case 0x1b: /* OP-IMM-32 */
		d->reads = reg(rs1);
		d->writes = reg(rd);
		break;
	case 0x17: /* AUIPC */
	case 0x37: /* LUI */
		d->writes = reg(rd);
		break;
	case 0x33: /* OP */
	case 0x3b: /* OP-32 */
		d->reads = reg(rs1) | reg(rs2);
		d->writes = reg(rd);
		break;
	case 0x2f: /* AMO: only lr leaves memory alone */
		if (bits(raw, 31, 27) == 0x02) {
			d->kind = INSN_LOAD;
			d->reads = reg(rs1);
			d->writes = reg(rd);
		} else {
			d->kind = INSN_ATOMIC;
			d->reads = reg(rs1) | reg(rs2);
			d->writes = reg(rd);
		}
		break;
	case 0x63: /* BRANCH */
		imm = bits(raw, 31, 31) << 12 | bits(raw, 7, 7) << 11 | bits(raw, 30, 25) << 5 |
		      bits(raw, 11, 8) << 1;
		d->kind = INSN_BRANCH;
		d->reads = reg(rs1) | reg(rs2);
		d->target = pc + (uint64_t)sign_extend(imm, 13);
		break;
	case 0x67: /* JALR */
		d->kind = INSN_INDIRECT;
		d->reads = reg(rs1);
		d->writes = reg(rd);
		break;
	case 0x6f: /* JAL */
		imm = bits(raw, 31, 31) << 20 | bits(raw, 19, 12) << 12 | bits(raw, 20, 20) << 11 |
		      bits(raw, 30, 21) << 1;
		d->kind = INSN_JUMP;
		d->writes = reg(rd);
		d->target = pc + (uint64_t)sign_extend(imm, 21);
		break;
	case 0x73:
		decode_system(raw, d);
		break;
	default: /* stores, floating point, anything else */
		d->kind = INSN_EFFECT;
		break;
	}
}

static void decode_q0(uint32_t raw, struct decoded *d)
{
	unsigned int rd_short = 8 + bits(raw, 4, 2), rs1_short = 8 + bits(raw, 9, 7);

	switch (bits(raw, 15, 13)) {
	case 0: /* c.addi4spn (all zero: illegal) */
		if (raw == 0) {
			d->kind = INSN_EFFECT;
			break;
		}
		d->reads = reg(2);
		d->writes = reg(rd_short);
		break;
	case 2: /* c.lw */
	case 3: /* c.ld */
		d->kind = INSN_LOAD;
		d->reads = reg(rs1_short);
		d->writes = reg(rd_short);
		break;
	default: /* c.fld, stores, reserved */
		d->kind = INSN_EFFECT;
		break;
	}
}

static void decode_q1(uint32_t raw, uint64_t pc, struct decoded *d)
{
	unsigned int rd = bits(raw, 11, 7), rs1_short = 8 + bits(raw, 9, 7);
	unsigned int rs2_short = 8 + bits(raw, 4, 2);
	uint64_t imm;

	switch (bits(raw, 15, 13)) {
	case 0: /* c.addi, c.nop */
	case 1: /* c.addiw */
		d->reads = reg(rd);
		d->writes = reg(rd);
		break;
	case 2: /* c.li */
		d->writes = reg(rd);
		break;
	case 3: /* c.addi16sp (rd = sp), c.lui */
		d->reads = rd == 2 ? reg(2) : 0;
		d->writes = reg(rd);
		break;
	case 4: /* c.srli, c.srai, c.andi; c.sub, c.xor, c.or, c.and, c.subw, c.addw */
		d->reads = reg(rs1_short);
		if (bits(raw, 11, 10) == 3)
			d->reads |= reg(rs2_short);
		d->writes = reg(rs1_short);
		break;
	case 5: /* c.j */
		imm = bits(raw, 12, 12) << 11 | bits(raw, 11, 11) << 4 | bits(raw, 10, 9) << 8 |
		      bits(raw, 8, 8) << 10 | bits(raw, 7, 7) << 6 | bits(raw, 6, 6) << 7 |
		      bits(raw, 5, 3) << 1 | bits(raw, 2, 2) << 5;
		d->kind = INSN_JUMP;
		d->target = pc + (uint64_t)sign_extend(imm, 12);
		break;
	default: /* c.beqz, c.bnez */
		imm = bits(raw, 12, 12) << 8 | bits(raw, 11, 10) << 3 | bits(raw, 6, 5) << 6 |
		      bits(raw, 4, 3) << 1 | bits(raw, 2, 2) << 5;
		d->kind = INSN_BRANCH;
		d->reads = reg(rs1_short);
		d->target = pc + (uint64_t)sign_extend(imm, 9);
		break;
	}
}

static void decode_q2(uint32_t raw, struct decoded *d)
{
	unsigned int rd = bits(raw, 11, 7), rs2 = bits(raw, 6, 2);

	switch (bits(raw, 15, 13)) {
	case 0: /* c.slli */
		d->reads = reg(rd);
		d->writes = reg(rd);
		break;
	case 2: /* c.lwsp */
	case 3: /* c.ldsp */
		d->kind = INSN_LOAD;
		d->reads = reg(2);
		d->writes = reg(rd);
		break;
	case 4:
		if (rs2 != 0) { /* c.mv, c.add */
			d->reads = reg(rs2) | (bits(raw, 12, 12) ? reg(rd) : 0);
			d->writes = reg(rd);
		} else if (!bits(raw, 12, 12)) { /* c.jr */
			d->kind = INSN_INDIRECT;
			d->reads = reg(rd);
		} else if (rd != 0) { /* c.jalr */
			d->kind = INSN_INDIRECT;
			d->reads = reg(rd);
			d->writes = reg(1);
		} else { /* c.ebreak */
			d->kind = INSN_EFFECT;
		}
		break;
	default: /* c.fldsp, stores */
		d->kind = INSN_EFFECT;
		break;
	}
}

static void decode(const struct bench_insn *insn, struct decoded *d)
{
	d->kind = INSN_PLAIN;
	d->reads = d->writes = 0;
	d->target = 0;
	if (insn->size == 4 && (insn->raw & 3) == 3) {
		decode_32(insn->raw, insn->vaddr, d);
		return;
	}
	if (insn->size != 2) {
		d->kind = INSN_EFFECT;
		return;
	}
	switch (insn->raw & 3) {
	case 0:
		decode_q0(insn->raw & 0xffff, d);
		break;
	case 1:
		decode_q1(insn->raw & 0xffff, insn->vaddr, d);
		break;
	case 2:
		decode_q2(insn->raw & 0xffff, d);
		break;
	default: /* a 32-bit encoding said to be 2 bytes long */
		d->kind = INSN_EFFECT;
		break;
	}
}

bool bench_tb_is_spin(const struct bench_insn *insns, size_t n)
{
	uint32_t written = 0, read_first = 0;
	struct decoded d;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		decode(&insns[i], &d);
		if (d.kind == INSN_EFFECT || d.kind == INSN_ATOMIC || d.kind == INSN_INDIRECT)
			return false;
		/* QEMU ends a block at a branch; one in the middle is not a simple loop. */
		if ((d.kind == INSN_BRANCH || d.kind == INSN_JUMP) && i != n - 1)
			return false;
		read_first |= d.reads & ~written;
		written |= d.writes;
	}
	if (d.kind != INSN_BRANCH && d.kind != INSN_JUMP)
		return false;
	return d.target == insns[0].vaddr && !(read_first & written);
}

bool bench_tb_retry_target(const struct bench_insn *insns, size_t n, uint64_t *target)
{
	uint32_t from_atomic = 0; /* registers holding what an atomic returned, or derived */
	struct decoded d;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		decode(&insns[i], &d);
		if (d.kind == INSN_EFFECT || d.kind == INSN_INDIRECT || d.kind == INSN_JUMP)
			return false;
		if (d.kind == INSN_BRANCH && i != n - 1)
			return false;
		if (d.kind == INSN_ATOMIC || (d.kind == INSN_PLAIN && (d.reads & from_atomic)))
			from_atomic |= d.writes;
		else
			from_atomic &= ~d.writes;
	}
	/* A retry goes back, and only because of what the atomic returned. */
	if (d.kind != INSN_BRANCH || !(d.reads & from_atomic) || d.target > insns[n - 1].vaddr)
		return false;
	*target = d.target;
	return true;
}
