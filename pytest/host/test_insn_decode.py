"""insn_decode: decoding of trapping guest loads/stores for MMIO emulation.

The oracle is the GNU assembler: every case is an instruction we ask riscv64-unknown-elf-as
for, and the decoded result must match what we asked for (mnemonic -> kind, width, extension,
register; encoding length). Transformed htinst values are built here from the assembled
encodings by the rules of the privileged spec (H extension, "Transformed Instruction or
Pseudoinstruction for mtinst or htinst").
"""
import ctypes
import random
import re
import subprocess

import pytest
from elftools.elf.elffile import ELFFile

from paths import ROOT

AS = "riscv64-unknown-elf-as"
HEADER = ROOT / "hypervisor" / "include" / "insn_decode.h"
MASK64 = (1 << 64) - 1


class InsnMmio(ctypes.Structure):
    _fields_ = [("is_store", ctypes.c_bool), ("width", ctypes.c_uint8),
                ("sign_extend", ctypes.c_bool), ("reg", ctypes.c_uint8),
                ("length", ctypes.c_uint8)]


def _error_codes():
    text = HEADER.read_text()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"#define\s+(INSN_E[A-Z]+)\s+\((-\d+)\)", text)}


ERR = _error_codes()
ENOTMEM, EUNSUPPORTED = ERR["INSN_ENOTMEM"], ERR["INSN_EUNSUPPORTED"]
ERESERVED, ENOINFO = ERR["INSN_ERESERVED"], ERR["INSN_ENOINFO"]
EPSEUDO, EINVAL = ERR["INSN_EPSEUDO"], ERR["INSN_EINVAL"]

# What each mnemonic means, from the unprivileged spec: (is_store, width, sign_extend).
LOADS = {"lb": (1, True), "lh": (2, True), "lw": (4, True), "ld": (8, False),
         "lbu": (1, False), "lhu": (2, False), "lwu": (4, False)}
STORES = {"sb": 1, "sh": 2, "sw": 4, "sd": 8}
MEANING = {**{m: (False, w, s) for m, (w, s) in LOADS.items()},
           **{m: (True, w, False) for m, w in STORES.items()}}
# Compressed form -> (32-bit equivalent, immediate step, immediate max, register set, base).
CREG = list(range(8, 16))
COMPRESSED = {
    "c.lw": ("lw", 4, 124, CREG, CREG),
    "c.ld": ("ld", 8, 248, CREG, CREG),
    "c.sw": ("sw", 4, 124, CREG, CREG),
    "c.sd": ("sd", 8, 248, CREG, CREG),
    "c.lwsp": ("lw", 4, 252, list(range(1, 32)), [2]),
    "c.ldsp": ("ld", 8, 504, list(range(1, 32)), [2]),
    "c.swsp": ("sw", 4, 252, list(range(32)), [2]),
    "c.sdsp": ("sd", 8, 504, list(range(32)), [2]),
}


class Case:
    def __init__(self, mnemonic, reg, imm, base, meaning, equivalent=None):
        self.mnemonic, self.reg, self.imm, self.base = mnemonic, reg, imm, base
        self.is_store, self.width, self.sign_extend = meaning
        self.equivalent = equivalent  # 32-bit form of a compressed case
        self.encoding = None
        self.length = None

    def asm(self, mnemonic=None):
        return f"{mnemonic or self.mnemonic} x{self.reg}, {self.imm}(x{self.base})"

    def __repr__(self):
        return f"{self.asm()} = {self.encoding:#x}"


def _instruction_length(halfword):
    """Encoded length in bytes from the low 16 bits (unprivileged spec, length encoding)."""
    if halfword & 0b11 != 0b11:
        return 2
    if halfword & 0b11100 != 0b11100:
        return 4
    if halfword & 0b100000 == 0:
        return 6
    if halfword & 0b1000000 == 0:
        return 8
    raise AssertionError(f"unexpected instruction length prefix {halfword:#x}")


def assemble(workdir, name, march, lines):
    """Assemble lines in one batch; return each line's (encoding, length in bytes)."""
    src, obj = workdir / f"{name}.s", workdir / f"{name}.o"
    # The end label: .text may be padded past the last instruction.
    src.write_text("".join(f"{line}\n" for line in lines) + "batch_end:\n")
    r = subprocess.run([AS, f"-march={march}", "-o", str(obj), str(src)],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"{AS} failed:\n{r.stderr}"
    with open(obj, "rb") as f:
        elf = ELFFile(f)
        text = elf.get_section_by_name(".text").data()
        end = elf.get_section_by_name(".symtab").get_symbol_by_name("batch_end")[0]["st_value"]
    out, pos = [], 0
    while pos < end:
        length = _instruction_length(int.from_bytes(text[pos:pos + 2], "little"))
        out.append((int.from_bytes(text[pos:pos + length], "little"), length))
        pos += length
    assert len(out) == len(lines), "instruction count does not match the source lines"
    return out


def _uncompressed_cases(rng):
    cases = []
    for mnemonic, meaning in MEANING.items():
        for reg in range(32):
            for imm in (-2048, 2047, 0, rng.randrange(-2048, 2048)):
                cases.append(Case(mnemonic, reg, imm, rng.randrange(32), meaning))
    return cases


def _compressed_cases(rng):
    cases = []
    for mnemonic, (equivalent, step, top, regs, bases) in COMPRESSED.items():
        for reg in regs:
            for imm in (0, top, rng.randrange(0, top + 1, step)):
                cases.append(Case(mnemonic, reg, imm, rng.choice(bases), MEANING[equivalent],
                                  equivalent))
    return cases


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """All supported forms, assembled in one batch per mode."""
    rng = random.Random(0x1D5EC0DE)
    workdir = tmp_path_factory.mktemp("insn_decode")
    full = _uncompressed_cases(rng)
    compressed = _compressed_cases(rng)
    # rv64g has no C, so the assembler cannot silently pick a compressed encoding.
    lines = [c.asm() for c in full] + [c.asm(c.equivalent) for c in compressed]
    encoded = assemble(workdir, "full", "rv64g", lines)
    for case, (enc, length) in zip(full, encoded):
        case.encoding, case.length = enc, length
    for case, (enc, length) in zip(compressed, encoded[len(full):]):
        assert length == 4
        case.equivalent_encoding = enc
    encoded = assemble(workdir, "rvc", "rv64gc", [c.asm() for c in compressed])
    for case, (enc, length) in zip(compressed, encoded):
        case.encoding, case.length = enc, length
    return {"full": full, "compressed": compressed, "workdir": workdir}


@pytest.fixture(scope="module")
def lib(core):
    core.insn_decode_raw.argtypes = [ctypes.c_uint32, ctypes.POINTER(InsnMmio)]
    core.insn_decode_raw.restype = ctypes.c_int
    core.insn_decode_transformed.argtypes = [ctypes.c_uint64, ctypes.POINTER(InsnMmio)]
    core.insn_decode_transformed.restype = ctypes.c_int
    core.insn_load_value.argtypes = [ctypes.POINTER(InsnMmio), ctypes.c_uint64]
    core.insn_load_value.restype = ctypes.c_uint64
    core.insn_store_value.argtypes = [ctypes.POINTER(InsnMmio), ctypes.c_uint64]
    core.insn_store_value.restype = ctypes.c_uint64
    core.insn_strerror.argtypes = [ctypes.c_int]
    core.insn_strerror.restype = ctypes.c_char_p
    core.insn_check_fault_address.argtypes = [ctypes.c_uint64, ctypes.c_uint64, ctypes.c_bool]
    core.insn_check_fault_address.restype = ctypes.c_int
    return core


SENTINEL = dict(is_store=True, width=0xAA, sign_extend=True, reg=0xBB, length=0xCC)


def _fresh():
    return InsnMmio(**SENTINEL)


def _fields(acc):
    return (acc.is_store, acc.width, acc.sign_extend, acc.reg, acc.length)


def _expected(case, length):
    return (case.is_store, case.width, case.sign_extend, case.reg, length)


def _decode(fn, value):
    acc = _fresh()
    ret = fn(value, ctypes.byref(acc))
    return ret, acc


def _assert_rejected(fn, value, code, what):
    ret, acc = _decode(fn, value)
    assert ret == code, f"{what} ({value:#x}): got {ret}, want {code}"
    assert _fields(acc) == _fields(InsnMmio(**SENTINEL)), f"{what}: output modified on error"


# ---------------------------------------------------------------- transformation (the spec)

def transform_32bit(insn):
    """htinst value for a trapping noncompressed basic load/store: offset fields zeroed."""
    opcode = insn & 0x7F
    if opcode == 0x03:      # loads keep funct3, rd, opcode
        return insn & 0x0000_7FFF
    if opcode == 0x23:      # stores keep rs2, funct3, opcode
        return insn & 0x01F0_707F
    if opcode == 0x2F:      # atomics keep everything but bits 19:15
        return insn & ~(0x1F << 15)
    raise AssertionError(f"no transformation for {insn:#x}")


def transform_fp(insn):
    """FP loads/stores: the same fields as their integer counterparts are kept."""
    keep = 0x0000_7FFF if insn & 0x7F == 0x07 else 0x01F0_707F
    return insn & keep


def transform_compressed(equivalent_32bit):
    """Expand (given, assembled), transform, then clear bit 1."""
    return transform_32bit(equivalent_32bit) & ~0b10


# ---------------------------------------------------------------- raw decoding

def test_raw_uncompressed_every_form_and_register(lib, batches):
    seen = set()
    for case in batches["full"]:
        assert case.length == 4
        ret, acc = _decode(lib.insn_decode_raw, case.encoding)
        assert ret == 0, f"{case}: {ret}"
        assert _fields(acc) == _expected(case, 4), case
        seen.add((case.mnemonic, case.reg))
    assert len(seen) == len(MEANING) * 32


def test_raw_compressed_every_form_and_register(lib, batches):
    rng = random.Random(7)
    for case in batches["compressed"]:
        assert case.length == 2, case
        want = _expected(case, 2)
        ret, acc = _decode(lib.insn_decode_raw, case.encoding)
        assert ret == 0, f"{case}: {ret}"
        assert _fields(acc) == want, case
        # A caller that fetched 32 bits: the upper half belongs to the next instruction.
        junk = case.encoding | (rng.randrange(1 << 16) << 16)
        ret, acc = _decode(lib.insn_decode_raw, junk)
        assert (ret, _fields(acc)) == (0, want), f"{case} with upper half {junk:#x}"
    regs = {(c.mnemonic, c.reg) for c in batches["compressed"]}
    assert {r for m, r in regs if m == "c.ld"} == set(range(8, 16))
    assert {r for m, r in regs if m == "c.sdsp"} == set(range(32))


# Instructions that must not decode, with the expected error: (assembly, code).
RAW_REJECTS = [
    # floating point and vector loads/stores
    ("flw f1, 8(x2)", EUNSUPPORTED), ("fld f31, -2048(x31)", EUNSUPPORTED),
    ("fsw f0, 2047(x1)", EUNSUPPORTED), ("fsd f5, 0(x10)", EUNSUPPORTED),
    ("fld f8, 8(x9)", EUNSUPPORTED),
    ("flh f2, 2(x3)", EUNSUPPORTED), ("fsh f2, 2(x3)", EUNSUPPORTED),
    ("flq f3, 16(x4)", EUNSUPPORTED), ("fsq f3, 16(x4)", EUNSUPPORTED),
    ("vle32.v v1, (a0)", EUNSUPPORTED), ("vse64.v v2, (a1)", EUNSUPPORTED),
    # atomics
    ("lr.w a0, (a1)", EUNSUPPORTED), ("lr.d.aq a0, (a1)", EUNSUPPORTED),
    ("sc.w a0, a1, (a2)", EUNSUPPORTED), ("sc.d.aqrl a0, a1, (a2)", EUNSUPPORTED),
    ("amoadd.w a0, a1, (a2)", EUNSUPPORTED), ("amoswap.d.rl t0, t1, (t2)", EUNSUPPORTED),
    ("amoor.w.aqrl x0, x31, (x1)", EUNSUPPORTED), ("amomaxu.d a0, a1, (a2)", EUNSUPPORTED),
    # other memory accesses
    ("cbo.zero (a0)", EUNSUPPORTED), ("cbo.clean (a0)", EUNSUPPORTED),
    ("cbo.flush (a1)", EUNSUPPORTED), ("cbo.inval (a2)", EUNSUPPORTED),
    ("hlv.w a0, (a1)", EUNSUPPORTED), ("hlvx.hu a0, (a1)", EUNSUPPORTED),
    ("hsv.d a0, (a1)", EUNSUPPORTED),
    # compressed floating point
    ("c.fld f8, 8(x9)", EUNSUPPORTED), ("c.fsd f15, 248(x8)", EUNSUPPORTED),
    ("c.fldsp f1, 504(sp)", EUNSUPPORTED), ("c.fsdsp f31, 0(sp)", EUNSUPPORTED),
    # Zcb's quadrant-0 funct3=100 (C.LBU a0, 0(a1) and C.SB a0, 0(a1)): reserved in plain C
    (".insn 0x8188", EUNSUPPORTED), (".insn 0x8988", EUNSUPPORTED),
    # reserved encodings in the load/store space
    (".insn ci 2, 2, x0, 4", ERESERVED), (".insn ci 2, 3, x0, 8", ERESERVED),
    (".insn ci 2, 2, x0, 0", ERESERVED), (".insn ci 2, 3, x0, 31", ERESERVED),
    (".insn i 0x03, 7, x1, 0(x2)", ERESERVED), (".insn i 0x03, 7, x31, -1(x31)", ERESERVED),
    (".insn s 0x23, 4, x1, 0(x2)", ERESERVED), (".insn s 0x23, 5, x1, 8(x2)", ERESERVED),
    (".insn s 0x23, 6, x1, 0(x2)", ERESERVED), (".insn s 0x23, 7, x31, -8(x9)", ERESERVED),
    # not memory accesses
    ("add a0, a1, a2", ENOTMEM), ("addi x5, x6, -1", ENOTMEM), ("lui a0, 0x12345", ENOTMEM),
    ("auipc a0, 1", ENOTMEM), ("jal ra, .", ENOTMEM), ("jalr x0, 0(ra)", ENOTMEM),
    ("beq a0, a1, .", ENOTMEM), ("mul a0, a1, a2", ENOTMEM), ("addiw a0, a0, 1", ENOTMEM),
    ("csrr a0, sstatus", ENOTMEM), ("ecall", ENOTMEM), ("wfi", ENOTMEM), ("sret", ENOTMEM),
    ("fence", ENOTMEM), ("fence.i", ENOTMEM), ("sfence.vma", ENOTMEM),
    ("hfence.gvma", ENOTMEM), ("fadd.d f1, f2, f3", ENOTMEM), ("fmv.x.d a0, f1", ENOTMEM),
    ("c.addi a0, 1", ENOTMEM), ("c.mv a0, a1", ENOTMEM), ("c.nop", ENOTMEM),
    ("c.addi4spn a0, sp, 16", ENOTMEM), ("c.j .", ENOTMEM), ("c.jr ra", ENOTMEM),
    ("c.ebreak", ENOTMEM), ("c.slli a0, 3", ENOTMEM), ("c.li a0, 5", ENOTMEM),
    ("c.lui a0, 1", ENOTMEM), ("c.beqz a0, .", ENOTMEM), ("c.add a0, a1", ENOTMEM),
    (".insn 0x0000", ENOTMEM),  # the defined-illegal all-zero instruction
    (".insn 0x0000003f", ENOTMEM), (".insn 0x0000001f", ENOTMEM),  # 48-bit+ encodings
]
# No C here, so that the 32-bit forms are not compressed behind our back.
REJECT_MARCH = "rv64gqvh_zfh_zicbom_zicboz"


def _is_compressed_source(asm):
    if asm.startswith(("c.", ".insn c")):
        return True
    return asm.startswith(".insn 0x") and int(asm.split()[1], 16) & 0b11 != 0b11


@pytest.fixture(scope="module")
def raw_rejects(batches):
    """(assembly, expected code, encoding, length) for each of RAW_REJECTS, in order."""
    workdir = batches["workdir"]
    short = [a for a, _ in RAW_REJECTS if _is_compressed_source(a)]
    full = [a for a, _ in RAW_REJECTS if not _is_compressed_source(a)]
    encoded = dict(zip(short, assemble(workdir, "rejects16", "rv64gc", short)))
    encoded.update(zip(full, assemble(workdir, "rejects32", REJECT_MARCH, full)))
    for asm in short:
        assert encoded[asm][1] == 2, asm
    for asm in full:
        assert encoded[asm][1] >= 4, asm
    return [(asm, code, *encoded[asm]) for asm, code in RAW_REJECTS]


def test_raw_rejects(lib, raw_rejects):
    for asm, code, enc, _ in raw_rejects:
        # The caller passes at most 32 bits (two HLVX.HU fetches).
        _assert_rejected(lib.insn_decode_raw, enc & 0xFFFF_FFFF, code, asm)


def test_reject_codes_are_distinct():
    codes = [ENOTMEM, EUNSUPPORTED, ERESERVED, ENOINFO, EPSEUDO, EINVAL]
    assert len(set(codes)) == len(codes)
    assert all(c < 0 for c in codes)


def test_null_output_is_rejected(lib, batches):
    enc = batches["full"][0].encoding
    assert lib.insn_decode_raw(enc, None) == EINVAL
    assert lib.insn_decode_transformed(transform_32bit(enc), None) == EINVAL


# ---------------------------------------------------------------- htinst decoding

def test_transformed_uncompressed(lib, batches):
    rng = random.Random(11)
    for case in batches["full"]:
        tinst = transform_32bit(case.encoding)
        assert tinst & 0b11 == 0b11
        ret, acc = _decode(lib.insn_decode_transformed, tinst)
        assert (ret, _fields(acc)) == (0, _expected(case, 4)), f"{case} -> {tinst:#x}"
        # Misaligned accesses put a nonzero address offset in bits 19:15.
        offset = tinst | (rng.randrange(1, 32) << 15)
        ret, acc = _decode(lib.insn_decode_transformed, offset)
        assert (ret, _fields(acc)) == (0, _expected(case, 4)), f"{case} -> {offset:#x}"


def test_transformed_ignores_future_information_in_zeroed_fields(lib, batches):
    """The spec: zeroed immediate fields may carry optional information later; ignore it."""
    rng = random.Random(12)
    for case in batches["full"][::7]:
        tinst = transform_32bit(case.encoding)
        if case.is_store:
            extra = (rng.randrange(1, 128) << 25) | (rng.randrange(1, 32) << 7)
        else:
            extra = rng.randrange(1, 1 << 12) << 20
        ret, acc = _decode(lib.insn_decode_transformed, tinst | extra)
        assert (ret, _fields(acc)) == (0, _expected(case, 4)), f"{case} -> {tinst | extra:#x}"


def test_transformed_compressed(lib, batches):
    for case in batches["compressed"]:
        tinst = transform_compressed(case.equivalent_encoding)
        assert tinst & 0b11 == 0b01
        ret, acc = _decode(lib.insn_decode_transformed, tinst)
        assert (ret, _fields(acc)) == (0, _expected(case, 2)), f"{case} -> {tinst:#x}"


def test_transformed_pseudoinstructions(lib):
    for value in (0x00002000, 0x00002020, 0x00003000, 0x00003020):
        _assert_rejected(lib.insn_decode_transformed, value, EPSEUDO, "pseudoinstruction")


def test_transformed_without_information(lib, batches):
    lw = next(c for c in batches["full"] if c.mnemonic == "lw")
    sd = next(c for c in batches["full"] if c.mnemonic == "sd" and c.reg == 9)
    lw_t, sd_t = transform_32bit(lw.encoding), transform_32bit(sd.encoding)
    cases = {
        "zero": 0,
        # a standard LW/SD pattern with bits 63:32 set is not a defined value
        "lw with bit 32": lw_t | (1 << 32), "sd with bit 63": sd_t | (1 << 63),
        # bits 1:0 = 10 and 00 (other than the pseudoinstructions) are excluded
        "lw with bits 1:0 = 10": lw_t & ~1, "sd with bits 1:0 = 00": sd_t & ~0b11,
        "near pseudo 0x3004": 0x00003004, "near pseudo 0x1000": 0x00001000,
        "near pseudo 0x3000|1<<32": 0x00003000 | (1 << 32),
        # valid-looking but not a transformed load/store
        "addi": 0x00100093, "custom-0": 0x0000000B, "custom-1": 0x0000002B,
        "load funct3=111": 0x00007003, "store funct3=100": 0x00004023,
        "48-bit prefix": 0x0000001F, "all ones": MASK64,
    }
    for what, value in cases.items():
        _assert_rejected(lib.insn_decode_transformed, value, ENOINFO, what)


def test_transformed_unsupported(lib, raw_rejects):
    """FP loads/stores, LR/SC and AMOs have standard transformations but are not emulated."""
    done = 0
    for asm, code, enc, length in raw_rejects:
        opcode = enc & 0x7F
        if length == 4 and opcode in (0x07, 0x27, 0x2F) and not asm.startswith("v"):
            tinst = transform_fp(enc) if opcode != 0x2F else transform_32bit(enc)
            _assert_rejected(lib.insn_decode_transformed, tinst, EUNSUPPORTED, asm)
            done += 1
    assert done == 17
    # C.FLD f8, 8(x9) expands to FLD f8, 8(x9): transformed, with bit 1 cleared.
    fld = next(enc for asm, _, enc, _ in raw_rejects if asm == "fld f8, 8(x9)")
    _assert_rejected(lib.insn_decode_transformed, transform_fp(fld) & ~0b10, EUNSUPPORTED,
                     "c.fld")


# ---------------------------------------------------------------- value extension

def _reference_load(width, sign, raw):
    bits = 8 * width
    value = raw & ((1 << bits) - 1)
    if sign and value >> (bits - 1):
        value -= 1 << bits
    return value & MASK64


VALUES = [0, MASK64, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
          0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0x1234_5678_9ABC_DEF0,
          0xFEDC_BA98_7654_3210]


def test_load_and_store_values_every_width(lib):
    rng = random.Random(13)
    values = VALUES + [rng.getrandbits(64) for _ in range(64)]
    for width in (1, 2, 4, 8):
        for sign in (False, True):
            acc = InsnMmio(is_store=False, width=width, sign_extend=sign, reg=5, length=4)
            for raw in values:
                got = lib.insn_load_value(ctypes.byref(acc), raw)
                assert got == _reference_load(width, sign, raw), (width, sign, hex(raw))
                stored = lib.insn_store_value(ctypes.byref(acc), raw)
                assert stored == raw & ((1 << (8 * width)) - 1), (width, hex(raw))


def test_load_values_through_decoded_accesses(lib, batches):
    """End to end: the assembled load decides the extension of a device value."""
    want = {"lb": MASK64, "lbu": 0xFF, "lh": MASK64, "lhu": 0xFFFF, "lw": MASK64,
            "lwu": 0xFFFF_FFFF, "ld": MASK64, "c.lw": MASK64, "c.ldsp": MASK64}
    for case in batches["full"] + batches["compressed"]:
        if case.mnemonic in want:
            ret, acc = _decode(lib.insn_decode_raw, case.encoding)
            assert ret == 0
            assert lib.insn_load_value(ctypes.byref(acc), MASK64) == want[case.mnemonic], case
    sb = next(c for c in batches["full"] if c.mnemonic == "sb")
    ret, acc = _decode(lib.insn_decode_raw, sb.encoding)
    assert lib.insn_store_value(ctypes.byref(acc), 0x1234_5678_9ABC_DEF0) == 0xF0


def test_values_with_invalid_width_are_zero(lib):
    for width in (0, 3, 5, 16, 255):
        acc = InsnMmio(is_store=False, width=width, sign_extend=True, reg=1, length=4)
        assert lib.insn_load_value(ctypes.byref(acc), MASK64) == 0, width
        assert lib.insn_store_value(ctypes.byref(acc), MASK64) == 0, width


def test_strerror(lib):
    texts = {code: lib.insn_strerror(code) for code in ERR.values()}
    assert all(texts.values())
    assert len(set(texts.values())) == len(texts)
    assert lib.insn_strerror(0) not in texts.values()
    assert lib.insn_strerror(-1000) == lib.insn_strerror(1000)
    assert lib.insn_strerror(-1000) not in texts.values()


# ---------------------------------------------------------------- walk or access (htinst 0)
# A guest-page fault whose htinst is 0 may be the VS-stage walk's (a PTE in the PLIC window):
# the hypervisor must not emulate it as the instruction's own access. PLIC = 0x0c000000.

@pytest.mark.parametrize("gpa,stval,translated", [
    (0x0c002080, 0x0c002080, False),  # bare: the access itself
    (0x0c200004, 0xffffffc000200004, True),  # translated: same page offset
    (0x0c200ffc, 0x3ffffffffc, True),
])
def test_fault_address_of_the_access_itself(lib, gpa, stval, translated):
    assert lib.insn_check_fault_address(gpa, stval, translated) == 0


@pytest.mark.parametrize("gpa,stval,translated", [
    (0x0c000ff8, 0x80001000, True),  # the PTE for VPN[0] = 511 of a walk for 0x80001000
    (0x0c000010, 0xffffffc000200004, True),  # PTE index 2 at the root level
    (0x0c000000, 0x0, False),  # bare, different address: cannot be the access
])
def test_fault_address_of_a_page_table_walk(lib, gpa, stval, translated):
    assert lib.insn_check_fault_address(gpa, stval, translated) == EPSEUDO
