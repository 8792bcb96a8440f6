// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the MMIO instruction decoder (hypervisor/core/mmio/insn_decode.c), both forms.
 *
 * Input: records of 12 bytes, little-endian: u32 raw instruction, u64 htinst value. Each raw
 * instruction goes through insn_decode_raw(), each htinst value through
 * insn_decode_transformed(). Both are checked against a reference decoder written here from the
 * encoding tables of the unprivileged spec (RV64I loads/stores, the C extension's quadrants 0
 * and 2) and the privileged spec's rules for htinst, and against each other: a raw load/store
 * that decodes must decode the same from its transformed form (immediates zeroed, rs1 replaced
 * by an address offset; a compressed one as its 32-bit equivalent with bit 1 clear). On any
 * error the output must be left untouched; decoded lengths are 2 or 4, registers below 32,
 * widths 1/2/4/8, and a compressed instruction ignores bits 31:16. Each record also checks
 * insn_check_fault_address() on the htinst value as a guest-physical address and the same
 * with bits of the raw instruction flipped as the guest-virtual one.
 */
#include <string.h>

#include <insn_decode.h>

#include "fuzz.h"

struct ref {
	int ret;
	struct insn_mmio acc;
};

static uint32_t field(uint32_t insn, unsigned int hi, unsigned int lo)
{
	return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static struct ref ok(bool store, uint8_t width, bool sign, uint32_t reg, uint8_t length)
{
	struct ref r = { INSN_OK, { store, width, sign, (uint8_t)reg, length } };

	return r;
}

static struct ref err(int ret)
{
	struct ref r = { ret, { 0 } };

	return r;
}

/* RV64I LOAD (opcode 0x03) by funct3: LB LH LW LD LBU LHU LWU, 7 reserved. */
static const struct {
	uint8_t width;
	bool sign;
} load_table[8] = { { 1, true },  { 2, true },	{ 4, true },  { 8, false },
		    { 1, false }, { 2, false }, { 4, false }, { 0, false } };

static struct ref ref_32bit(uint32_t insn, uint8_t length)
{
	uint32_t funct3 = field(insn, 14, 12);

	switch (field(insn, 6, 0)) {
	case 0x03:
		if (!load_table[funct3].width)
			return err(INSN_ERESERVED);
		return ok(false, load_table[funct3].width, load_table[funct3].sign,
			  field(insn, 11, 7), length);
	case 0x23: /* SB SH SW SD; 4.. is SQ (RV128) or reserved */
		if (funct3 > 3)
			return err(INSN_ERESERVED);
		return ok(true, (uint8_t)(1u << funct3), false, field(insn, 24, 20), length);
	case 0x07: /* LOAD-FP */
	case 0x27: /* STORE-FP */
	case 0x2f: /* AMO */
		return err(INSN_EUNSUPPORTED);
	case 0x0f: /* MISC-MEM: funct3 2 holds the CBO instructions */
		return err(funct3 == 2 ? INSN_EUNSUPPORTED : INSN_ENOTMEM);
	case 0x73: /* SYSTEM: funct3 4 holds HLV/HLVX/HSV */
		return err(funct3 == 4 ? INSN_EUNSUPPORTED : INSN_ENOTMEM);
	default:
		return err(INSN_ENOTMEM);
	}
}

static struct ref ref_compressed(uint32_t insn)
{
	uint32_t funct3 = field(insn, 15, 13);
	uint32_t rcomp = 8 + field(insn, 4, 2); /* rd' / rs2' */
	uint32_t rd = field(insn, 11, 7), rs2 = field(insn, 6, 2);

	switch (field(insn, 1, 0)) {
	case 0:
		switch (funct3) {
		case 2:
			return ok(false, 4, true, rcomp, 2); /* C.LW */
		case 3:
			return ok(false, 8, false, rcomp, 2); /* C.LD (RV64) */
		case 6:
			return ok(true, 4, false, rcomp, 2); /* C.SW */
		case 7:
			return ok(true, 8, false, rcomp, 2); /* C.SD */
		case 1:					     /* C.FLD */
		case 4:					     /* Zcb loads/stores */
		case 5:					     /* C.FSD */
			return err(INSN_EUNSUPPORTED);
		default:
			return err(INSN_ENOTMEM);
		}
	case 2:
		switch (funct3) {
		case 2: /* C.LWSP: rd = 0 reserved */
			return rd ? ok(false, 4, true, rd, 2) : err(INSN_ERESERVED);
		case 3: /* C.LDSP */
			return rd ? ok(false, 8, false, rd, 2) : err(INSN_ERESERVED);
		case 6:
			return ok(true, 4, false, rs2, 2); /* C.SWSP */
		case 7:
			return ok(true, 8, false, rs2, 2); /* C.SDSP */
		case 1:					   /* C.FLDSP */
		case 5:					   /* C.FSDSP */
			return err(INSN_EUNSUPPORTED);
		default:
			return err(INSN_ENOTMEM);
		}
	default:
		return err(INSN_ENOTMEM);
	}
}

static struct ref ref_raw(uint32_t insn)
{
	if (field(insn, 1, 0) != 3)
		return ref_compressed(insn & 0xffff);
	if (field(insn, 4, 2) == 7)
		return err(INSN_ENOTMEM); /* 48-bit and longer */
	return ref_32bit(insn, 4);
}

static struct ref ref_transformed(uint64_t htinst)
{
	struct ref r;
	uint32_t insn;

	if (htinst == 0x2000 || htinst == 0x2020 || htinst == 0x3000 || htinst == 0x3020)
		return err(INSN_EPSEUDO);
	if (htinst >> 32 || !(htinst & 1))
		return err(INSN_ENOINFO);
	insn = (uint32_t)htinst | 2;
	if (field(insn, 4, 2) == 7)
		return err(INSN_ENOINFO);
	r = ref_32bit(insn, (htinst & 2) ? 4 : 2);
	if (r.ret == INSN_ENOTMEM || r.ret == INSN_ERESERVED)
		return err(INSN_ENOINFO);
	return r;
}

static bool same(const struct insn_mmio *a, const struct insn_mmio *b)
{
	return a->is_store == b->is_store && a->width == b->width &&
	       a->sign_extend == b->sign_extend && a->reg == b->reg && a->length == b->length;
}

static void check_sane(const struct insn_mmio *acc, const char *what, uint64_t v)
{
	FUZZ_CHECK(acc->length == 2 || acc->length == 4, "%s %#llx: length %u", what,
		   (unsigned long long)v, acc->length);
	FUZZ_CHECK(acc->reg < 32, "%s %#llx: register %u", what, (unsigned long long)v, acc->reg);
	FUZZ_CHECK(acc->width == 1 || acc->width == 2 || acc->width == 4 || acc->width == 8,
		   "%s %#llx: width %u", what, (unsigned long long)v, acc->width);
	FUZZ_CHECK(!acc->sign_extend || (!acc->is_store && acc->width < 8),
		   "%s %#llx: sign extension on a store or a 64-bit load", what,
		   (unsigned long long)v);
}

static void check_known(int ret)
{
	FUZZ_CHECK(ret <= 0 && ret >= INSN_EPSEUDO, "unknown return %d", ret);
	FUZZ_CHECK(insn_strerror(ret) && strcmp(insn_strerror(ret), "unknown error"),
		   "no text for %d", ret);
}

/* Decode with a poisoned output: it must come back either filled in or untouched. */
static int decode(int (*fn)(uint64_t, struct insn_mmio *), uint64_t v, struct insn_mmio *out)
{
	static const struct insn_mmio poison = { true, 0x5a, true, 0xa5, 0x77 };
	int ret;

	*out = poison;
	ret = fn(v, out);
	check_known(ret);
	if (ret != INSN_OK)
		FUZZ_CHECK(!memcmp(out, &poison, sizeof(*out)), "%#llx: error %d wrote the output",
			   (unsigned long long)v, ret);
	return ret;
}

static int call_raw(uint64_t v, struct insn_mmio *out)
{
	return insn_decode_raw((uint32_t)v, out);
}

static int call_transformed(uint64_t v, struct insn_mmio *out)
{
	return insn_decode_transformed(v, out);
}

static void check_against(const char *what, uint64_t v, int ret, const struct insn_mmio *acc,
			  const struct ref *want)
{
	FUZZ_CHECK(ret == want->ret, "%s %#llx: returned %d (%s), expected %d (%s)", what,
		   (unsigned long long)v, ret, insn_strerror(ret), want->ret,
		   insn_strerror(want->ret));
	if (ret != INSN_OK)
		return;
	check_sane(acc, what, v);
	FUZZ_CHECK(same(acc, &want->acc),
		   "%s %#llx: decoded store=%d width=%u sign=%d reg=%u len=%u, expected "
		   "store=%d width=%u sign=%d reg=%u len=%u",
		   what, (unsigned long long)v, acc->is_store, acc->width, acc->sign_extend,
		   acc->reg, acc->length, want->acc.is_store, want->acc.width,
		   want->acc.sign_extend, want->acc.reg, want->acc.length);
}

/* The htinst a hart may write for a raw load/store that decoded as acc. */
static uint64_t transformed_of(uint32_t raw, const struct insn_mmio *acc, uint32_t offset)
{
	uint32_t insn, funct3;

	if ((raw & 3) == 3) {
		/* Immediates zeroed, rs1 becomes the address offset. */
		insn = acc->is_store ? (raw & 0x01fff07fu) : (raw & 0x000fffffu);
		return (insn & ~(0x1fu << 15)) | (offset & 0x1f) << 15;
	}
	if (acc->is_store) {
		funct3 = acc->width == 8 ? 3 : 2;
		insn = 0x23u | funct3 << 12 | (uint32_t)acc->reg << 20;
	} else {
		funct3 = acc->width == 8 ? 3 : 2;
		insn = 0x03u | funct3 << 12 | (uint32_t)acc->reg << 7;
	}
	return (insn | (offset & 0x1f) << 15) & ~2u;
}

static void check_values(const struct insn_mmio *acc, uint64_t raw)
{
	uint64_t mask = acc->width == 8 ? ~0ull : (1ull << (8 * acc->width)) - 1;
	uint64_t load = insn_load_value(acc, raw), store = insn_store_value(acc, raw);
	uint64_t want = raw & mask;

	if (acc->sign_extend && ((want >> (8 * acc->width - 1)) & 1))
		want |= ~mask;
	FUZZ_CHECK(load == want, "load value %#llx of %#llx (width %u, sign %d), expected %#llx",
		   (unsigned long long)load, (unsigned long long)raw, acc->width, acc->sign_extend,
		   (unsigned long long)want);
	FUZZ_CHECK(store == (raw & mask), "store value %#llx of %#llx (width %u)",
		   (unsigned long long)store, (unsigned long long)raw, acc->width);
}

/*
 * The guest-page fault's own access or its VS-stage walk: with VS translation off the access is
 * at gpa itself, with it on translation keeps the page offset (privileged spec).
 */
static void check_fault_address(uint64_t gpa, uint64_t stval)
{
	int bare = insn_check_fault_address(gpa, stval, false);
	int vs = insn_check_fault_address(gpa, stval, true);

	FUZZ_CHECK(bare == (gpa == stval ? INSN_OK : INSN_EPSEUDO),
		   "fault at %#llx for an access to %#llx without VS translation: %d",
		   (unsigned long long)gpa, (unsigned long long)stval, bare);
	FUZZ_CHECK(vs == (((gpa ^ stval) & 0xfff) ? INSN_EPSEUDO : INSN_OK),
		   "fault at %#llx for an access to %#llx with VS translation: %d",
		   (unsigned long long)gpa, (unsigned long long)stval, vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = fuzz_in(data, size);

	FUZZ_CHECK(insn_decode_raw(0x00053503u, NULL) == INSN_EINVAL, "NULL output accepted");
	FUZZ_CHECK(insn_decode_transformed(0x00003503u, NULL) == INSN_EINVAL,
		   "NULL output accepted");
	while (fuzz_more(&in)) {
		uint32_t raw = fuzz_u32(&in);
		uint64_t htinst = fuzz_u64(&in);
		struct insn_mmio acc, again;
		struct ref want;
		int ret;

		want = ref_raw(raw);
		ret = decode(call_raw, raw, &acc);
		check_against("raw", raw, ret, &acc, &want);
		if ((raw & 3) != 3) {
			/* Bits 31:16 of a compressed instruction are not part of it. */
			int ret2 =
				decode(call_raw, (raw & 0xffff) | (uint32_t)(htinst << 16), &again);

			FUZZ_CHECK(ret2 == ret && (ret || same(&acc, &again)),
				   "compressed %#x decodes differently with other upper bits",
				   raw & 0xffff);
		}
		if (ret == INSN_OK) {
			uint64_t t = transformed_of(raw, &acc, (uint32_t)(htinst >> 40));

			ret = decode(call_transformed, t, &again);
			FUZZ_CHECK(ret == INSN_OK && same(&acc, &again),
				   "raw %#x decoded, its transformed form %#llx gives %d", raw,
				   (unsigned long long)t, ret);
			check_values(&acc, htinst);
		}

		want = ref_transformed(htinst);
		ret = decode(call_transformed, htinst, &acc);
		check_against("htinst", htinst, ret, &acc, &want);
		FUZZ_CHECK(ret != INSN_ENOTMEM && ret != INSN_ERESERVED,
			   "htinst %#llx: %d is not a transformed-instruction answer",
			   (unsigned long long)htinst, ret);
		if (ret == INSN_OK)
			check_values(&acc, ~htinst * 0x9e3779b97f4a7c15ull);
		check_fault_address(htinst, htinst ^ ((uint64_t)raw << (raw >> 27)));
	}
	return 0;
}
