/*
 * Decoding of trapping guest loads/stores for MMIO emulation: see insn_decode.h.
 * Encodings: RISC-V unprivileged spec (RV64I base, "C" extension) and privileged spec (H
 * extension, transformed instructions in htinst).
 */
#include <insn_decode.h>

/* Major opcodes (bits 6:0) of 32-bit instructions. */
#define OPC_LOAD     0x03
#define OPC_LOAD_FP  0x07
#define OPC_MISC_MEM 0x0f
#define OPC_STORE    0x23
#define OPC_STORE_FP 0x27
#define OPC_AMO	     0x2f
#define OPC_SYSTEM   0x73

/* MISC-MEM funct3 of the cache-block operations (CBO.CLEAN/FLUSH/INVAL/ZERO). */
#define MISC_MEM_CBO 2
/* SYSTEM funct3 of the hypervisor loads/stores (HLV, HLVX, HSV). */
#define SYSTEM_HLV_HSV 4

/* C extension quadrants (bits 1:0 of a 16-bit instruction). */
#define C_Q0 0
#define C_Q2 2

/* VS-stage page-table access pseudoinstructions that htinst may hold. */
#define PSEUDO_READ32  0x00002000u
#define PSEUDO_WRITE32 0x00002020u
#define PSEUDO_READ64  0x00003000u
#define PSEUDO_WRITE64 0x00003020u

static uint32_t bits(uint32_t insn, unsigned int hi, unsigned int lo)
{
	return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static void set_load(struct insn_mmio *acc, uint8_t width, bool sign_extend, uint32_t rd,
		     uint8_t length)
{
	acc->is_store = false;
	acc->width = width;
	acc->sign_extend = sign_extend;
	acc->reg = (uint8_t)rd;
	acc->length = length;
}

static void set_store(struct insn_mmio *acc, uint8_t width, uint32_t rs2, uint8_t length)
{
	acc->is_store = true;
	acc->width = width;
	acc->sign_extend = false;
	acc->reg = (uint8_t)rs2;
	acc->length = length;
}

/*
 * A 32-bit encoding; also used for transformed instructions, whose 32-bit form says what the
 * trapping instruction was while @length says how long it really was.
 */
static int decode_32bit(uint32_t insn, uint8_t length, struct insn_mmio *acc)
{
	uint32_t funct3 = bits(insn, 14, 12);

	switch (bits(insn, 6, 0)) {
	case OPC_LOAD:
		/* funct3: bits 1:0 give log2(width), bit 2 zero-extension; 111 is reserved. */
		if (funct3 == 7)
			return INSN_ERESERVED;
		set_load(acc, (uint8_t)(1u << (funct3 & 3)), funct3 < 3, bits(insn, 11, 7), length);
		return INSN_OK;
	case OPC_STORE:
		/* funct3 100 and up: SQ on RV128, reserved here. */
		if (funct3 > 3)
			return INSN_ERESERVED;
		set_store(acc, (uint8_t)(1u << funct3), bits(insn, 24, 20), length);
		return INSN_OK;
	case OPC_LOAD_FP:
	case OPC_STORE_FP:
	case OPC_AMO:
		return INSN_EUNSUPPORTED;
	case OPC_MISC_MEM:
		return funct3 == MISC_MEM_CBO ? INSN_EUNSUPPORTED : INSN_ENOTMEM;
	case OPC_SYSTEM:
		return funct3 == SYSTEM_HLV_HSV ? INSN_EUNSUPPORTED : INSN_ENOTMEM;
	default:
		return INSN_ENOTMEM;
	}
}

/* Compressed register fields rd'/rs1'/rs2' name x8..x15. */
static uint32_t creg(uint32_t field)
{
	return 8 + field;
}

static int decode_quadrant0(uint32_t insn, struct insn_mmio *acc)
{
	uint32_t reg = creg(bits(insn, 4, 2));

	switch (bits(insn, 15, 13)) {
	case 1: /* C.FLD */
	case 4: /* reserved in C; Zcb's C.LBU/C.LHU/C.LH/C.SB/C.SH */
	case 5: /* C.FSD */
		return INSN_EUNSUPPORTED;
	case 2:
		set_load(acc, 4, true, reg, 2); /* C.LW */
		return INSN_OK;
	case 3:
		set_load(acc, 8, false, reg, 2); /* C.LD */
		return INSN_OK;
	case 6:
		set_store(acc, 4, reg, 2); /* C.SW */
		return INSN_OK;
	case 7:
		set_store(acc, 8, reg, 2); /* C.SD */
		return INSN_OK;
	default: /* C.ADDI4SPN and the all-zero illegal instruction */
		return INSN_ENOTMEM;
	}
}

/* C.LWSP/C.LDSP: unlike the other loads, rd=x0 is reserved rather than a discarded result. */
static int decode_stack_load(uint32_t rd, uint8_t width, bool sign_extend, struct insn_mmio *acc)
{
	if (rd == 0)
		return INSN_ERESERVED;
	set_load(acc, width, sign_extend, rd, 2);
	return INSN_OK;
}

static int decode_quadrant2(uint32_t insn, struct insn_mmio *acc)
{
	uint32_t rd = bits(insn, 11, 7);
	uint32_t rs2 = bits(insn, 6, 2);

	switch (bits(insn, 15, 13)) {
	case 1: /* C.FLDSP */
	case 5: /* C.FSDSP */
		return INSN_EUNSUPPORTED;
	case 2: /* C.LWSP */
		return decode_stack_load(rd, 4, true, acc);
	case 3: /* C.LDSP */
		return decode_stack_load(rd, 8, false, acc);
	case 6:
		set_store(acc, 4, rs2, 2); /* C.SWSP */
		return INSN_OK;
	case 7:
		set_store(acc, 8, rs2, 2); /* C.SDSP */
		return INSN_OK;
	default:
		return INSN_ENOTMEM;
	}
}

static int decode_compressed(uint32_t insn, struct insn_mmio *acc)
{
	switch (bits(insn, 1, 0)) {
	case C_Q0:
		return decode_quadrant0(insn, acc);
	case C_Q2:
		return decode_quadrant2(insn, acc);
	default: /* quadrant 1 holds no loads or stores */
		return INSN_ENOTMEM;
	}
}

/* Bits 1:0 == 11 with bits 4:2 == 111 start an instruction longer than 32 bits. */
static bool is_longer_than_32bit(uint32_t insn)
{
	return bits(insn, 4, 2) == 7;
}

int insn_decode_raw(uint32_t insn, struct insn_mmio *out)
{
	struct insn_mmio acc;
	int ret;

	if (!out)
		return INSN_EINVAL;
	if (bits(insn, 1, 0) != 3)
		ret = decode_compressed(insn & 0xffff, &acc);
	else if (is_longer_than_32bit(insn))
		ret = INSN_ENOTMEM;
	else
		ret = decode_32bit(insn, 4, &acc);
	if (ret == INSN_OK)
		*out = acc;
	return ret;
}

static bool is_pseudoinstruction(uint64_t htinst)
{
	return htinst == PSEUDO_READ32 || htinst == PSEUDO_WRITE32 || htinst == PSEUDO_READ64 ||
	       htinst == PSEUDO_WRITE64;
}

int insn_decode_transformed(uint64_t htinst, struct insn_mmio *out)
{
	struct insn_mmio acc;
	uint32_t insn;
	int ret;

	if (!out)
		return INSN_EINVAL;
	if (is_pseudoinstruction(htinst))
		return INSN_EPSEUDO;
	/*
	 * The spec defines no transformed value with bits 63:32 set or bit 0 clear (zero and the
	 * pseudoinstructions aside); future extensions may, so such values are not guessed at.
	 */
	if ((htinst >> 32) != 0 || (htinst & 1) == 0)
		return INSN_ENOINFO;

	/* Bit 1 clear marks a compressed trapping instruction; the rest is its 32-bit form. */
	insn = (uint32_t)htinst | 2;
	if (is_longer_than_32bit(insn))
		return INSN_ENOINFO;
	ret = decode_32bit(insn, (htinst & 2) ? 4 : 2, &acc);
	/* Only loads/stores get transformed: anything else is a value to treat as zero. */
	if (ret == INSN_ENOTMEM || ret == INSN_ERESERVED)
		return INSN_ENOINFO;
	if (ret == INSN_OK)
		*out = acc;
	return ret;
}

int insn_check_fault_address(uint64_t gpa, uint64_t stval, bool vs_translation)
{
	const uint64_t page_offset = 0xfff;

	if (!vs_translation)
		return gpa == stval ? INSN_OK : INSN_EPSEUDO;
	return (gpa & page_offset) == (stval & page_offset) ? INSN_OK : INSN_EPSEUDO;
}

static uint64_t width_mask(uint8_t width)
{
	switch (width) {
	case 1:
		return 0xffull;
	case 2:
		return 0xffffull;
	case 4:
		return 0xffffffffull;
	case 8:
		return ~0ull;
	default:
		return 0;
	}
}

uint64_t insn_load_value(const struct insn_mmio *acc, uint64_t raw)
{
	uint64_t mask = width_mask(acc->width);
	uint64_t value = raw & mask;
	/* The top bit of the access; (value ^ sign) - sign extends it without signed overflow. */
	uint64_t sign = mask & ~(mask >> 1);

	if (acc->sign_extend)
		value = (value ^ sign) - sign;
	return value;
}

uint64_t insn_store_value(const struct insn_mmio *acc, uint64_t reg_value)
{
	return reg_value & width_mask(acc->width);
}

const char *insn_strerror(int err)
{
	switch (err) {
	case INSN_OK:
		return "success";
	case INSN_EINVAL:
		return "invalid argument";
	case INSN_ENOTMEM:
		return "not a load or store";
	case INSN_EUNSUPPORTED:
		return "load/store not supported for MMIO emulation";
	case INSN_ERESERVED:
		return "reserved load/store encoding";
	case INSN_ENOINFO:
		return "htinst holds no usable transformed instruction";
	case INSN_EPSEUDO:
		return "htinst holds a VS-stage page-table access pseudoinstruction";
	default:
		return "unknown error";
	}
}
