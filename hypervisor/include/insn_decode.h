/*
 * Decoding of the guest load/store that caused a load or store/AMO guest-page fault (scause 21
 * or 23), so that the hypervisor can emulate an access to an emulated MMIO region.
 *
 * Two sources:
 *  - htinst, which the hart may fill with a "transformed instruction" (privileged spec, H
 *    extension, "Transformed Instruction or Pseudoinstruction for mtinst or htinst");
 *  - the raw instruction, which the caller fetches from the guest's sepc with HLVX.HU (the low
 *    16 bits first, then the high 16 bits only if bits 1:0 of the low half are 11).
 *
 * Typical use in the guest-page-fault handler:
 *
 *	ret = insn_decode_transformed(htinst, &acc);
 *	if (ret == INSN_ENOINFO)
 *		ret = insn_decode_raw(fetched_instruction, &acc);
 *	if (ret == INSN_EPSEUDO)
 *		...the fault came from a VS-stage page-table walk, not from a load/store...
 *	else if (ret < 0)
 *		...inject an access fault into the guest...
 *
 * Only RV64 guests (VSXLEN=64) are handled: LD/SD/LWU and C.LD/C.SD/C.LDSP/C.SDSP are valid, and
 * quadrant-0/2 funct3 011/111 mean C.LD/C.SD rather than RV32's C.FLW/C.FSW.
 */
#ifndef BULKHEAD_INSN_DECODE_H
#define BULKHEAD_INSN_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* Return values: 0 on success, one of these on failure (the output is then left untouched). */
#define INSN_OK 0
/* A NULL output pointer was passed. */
#define INSN_EINVAL (-1)
/* The instruction is not a memory access at all (ALU, branch, CSR, fence, ...). */
#define INSN_ENOTMEM (-2)
/*
 * A memory access that is valid for the hart but is not emulated on MMIO: floating-point and
 * vector loads/stores, LR/SC, AMOs, cache-block operations, HLV/HSV, Zcb compressed
 * loads/stores. The caller injects an access fault into the guest.
 */
#define INSN_EUNSUPPORTED (-3)
/* A reserved encoding in the load/store space (e.g. C.LWSP with rd=x0, LOAD with funct3=111). */
#define INSN_ERESERVED (-4)
/*
 * htinst gives nothing usable: it is zero, or a value the spec does not define (which the spec
 * says to treat like zero). The caller fetches and decodes the raw instruction instead.
 */
#define INSN_ENOINFO (-5)
/*
 * htinst holds a pseudoinstruction: the fault came from an implicit access of the VS-stage
 * page-table walk, not from a guest load/store, so there is nothing to emulate.
 */
#define INSN_EPSEUDO (-6)

/* One decoded guest load or store. */
struct insn_mmio {
	bool is_store;
	/* Access size in bytes: 1, 2, 4 or 8. */
	uint8_t width;
	/* LB/LH/LW (and their compressed forms): the loaded value is sign-extended to 64 bits. */
	bool sign_extend;
	/* rd for loads (x0 is possible: the value is discarded), rs2 for stores. */
	uint8_t reg;
	/* Length of the trapping instruction in bytes (2 or 4): add to sepc to skip it. */
	uint8_t length;
};

/*
 * Decode a raw instruction as fetched from guest memory. A 16-bit (compressed) instruction is
 * in bits 15:0; bits 31:16 are then ignored, so a caller may also pass a 32-bit fetch.
 */
int insn_decode_raw(uint32_t insn, struct insn_mmio *out);

/*
 * Decode an htinst value. The address-offset field (bits 19:15, nonzero for misaligned
 * accesses) and the zeroed immediate fields are ignored, as the spec allows.
 */
int insn_decode_transformed(uint64_t htinst, struct insn_mmio *out);

/*
 * Whether a guest-page fault at guest-physical @gpa (htval << 2 | stval & 3) can have been the
 * decoded instruction's own access to guest-virtual @stval: INSN_OK, or INSN_EPSEUDO when it
 * must have been the VS-stage page-table walk for it (a PTE inside an emulated window), which
 * htinst tells apart only when the hart fills it. With VS translation off (@vs_translation
 * false) the two addresses are one; with it on, translation keeps the page offset, and a PTE's
 * offset is its index in the table.
 */
int insn_check_fault_address(uint64_t gpa, uint64_t stval, bool vs_translation);

/*
 * The value to write to the destination register for a load, given the value read from the
 * device (only its low acc->width bytes count): zero- or sign-extended to 64 bits.
 * Returns 0 if acc->width is not 1, 2, 4 or 8.
 */
uint64_t insn_load_value(const struct insn_mmio *acc, uint64_t raw);

/*
 * The value a store writes to the device, given the source register's value: its low
 * acc->width bytes, zero-extended. Returns 0 if acc->width is not 1, 2, 4 or 8.
 */
uint64_t insn_store_value(const struct insn_mmio *acc, uint64_t reg_value);

/* A short description of an INSN_* return value; never NULL. */
const char *insn_strerror(int err);

#endif /* BULKHEAD_INSN_DECODE_H */
