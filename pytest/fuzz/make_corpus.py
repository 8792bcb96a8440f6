#!/usr/bin/python3
"""Writes the seed corpora pytest/fuzz/corpus/<surface>/ for the fuzz harnesses.

Each seed is a small binary input in the format its harness's header comment
describes (fuzz_<surface>.c): the board's real configs (build/configs/*.cell,
so run `make` first) for the validator, real RV64 load/store encodings and
their htinst forms for the decoder, and for the others short programs of
operations that do what the hypervisor and a guest do: Linux probing the
vPLIC and taking an interrupt, ecalls of every extension, a cell's G-stage
being built and torn down, a console filling and being read.

The output is deterministic; run it again after changing a harness's input
format and commit the result:  /usr/bin/python3 pytest/fuzz/make_corpus.py
"""
import shutil
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONFIGS = ROOT / "build" / "configs"


def u8(v):
    return struct.pack("<B", v & 0xff)


def u16(v):
    return struct.pack("<H", v & 0xffff)


def u32(v):
    return struct.pack("<I", v & 0xffffffff)


def u64(v):
    return struct.pack("<Q", v & (1 << 64) - 1)


# ---------------------------------------------------------------- config

def config_seeds():
    system = CONFIGS / "system.cell"
    cells = sorted(p for p in CONFIGS.glob("*.cell") if p.name != "system.cell")
    if not system.exists() or not cells:
        sys.exit(f"{CONFIGS}: no configs; run `make` first")
    sysb = system.read_bytes()
    seeds = {"system": u8(0) + u8(255) + sysb,
             "system-short-message": u8(0) + u8(12) + sysb,
             "system-truncated": u8(0) + u8(255) + sysb[:712],
             "system-misaligned": u8(0x80) + u8(255) + sysb}
    for c in cells:
        name = c.name[:-len(".cell")].removesuffix("-cell")
        cb = c.read_bytes()
        seeds[f"cell-{name}"] = u8(1) + u8(255) + cb
        seeds[f"fits-{name}"] = u8(2) + u8(255) + u16(len(sysb)) + sysb + cb
    # The board's numbers (scripts/board.env): a 64 MiB region, the image, the config after it.
    seeds["placement"] = (u8(3) + u8(255) + u64(0xbbe00000) + u64(0x4000000) +
                          u64(0xbbe40000) + u64(0xbbe40000) + u64(len(sysb)))
    seeds["placement-beyond-end"] = (u8(3) + u8(255) + u64(0xbbe00000) + u64(0x4000000) +
                                     u64(0xbbe40000) + u64(0xbfdff000) + u64(0x2000))
    return seeds


# ---------------------------------------------------------------- decoder

def i_type(opcode, funct3, rd, rs1, imm):
    return (imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode


def s_type(opcode, funct3, rs1, rs2, imm):
    return ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 0x1f) << 7 | opcode


def transformed(insn, compressed=False):
    """htinst for a load/store: immediates zeroed, rs1 = 0 (no misalignment offset)."""
    if insn & 0x7f == 0x23:
        t = insn & 0x01f0707f
    else:
        t = insn & 0x00007fff
    return t & ~2 if compressed else t


A0, A1, A5, SP, S0, T0 = 10, 11, 15, 2, 8, 5
LOADS = {"lb": 0, "lh": 1, "lw": 2, "ld": 3, "lbu": 4, "lhu": 5, "lwu": 6}
STORES = {"sb": 0, "sh": 1, "sw": 2, "sd": 3}


def decoder_seeds():
    recs = []
    for name, f3 in LOADS.items():
        insn = i_type(0x03, f3, A0, A1, 0x10)
        recs.append((name, insn, transformed(insn)))
    for name, f3 in STORES.items():
        insn = s_type(0x23, f3, A1, A5, 0x24)
        recs.append((name, insn, transformed(insn)))
    # Compressed (RV64C), as riscv64-linux-gnu-as encodes them: c.lw a0, 0(a1) and so on.
    compressed = {
        "c.lw": (0x4188, i_type(0x03, 2, A0, A1, 0)),
        "c.ld": (0x6188, i_type(0x03, 3, A0, A1, 0)),
        "c.sw": (0xc188, s_type(0x23, 2, A1, A0, 0)),
        "c.sd": (0xe188, s_type(0x23, 3, A1, A0, 0)),
        "c.lwsp": (0x4502, i_type(0x03, 2, A0, SP, 0)),
        "c.ldsp": (0x6502, i_type(0x03, 3, A0, SP, 0)),
        "c.swsp": (0xc02a, s_type(0x23, 2, SP, A0, 0)),
        "c.sdsp": (0xe02a, s_type(0x23, 3, SP, A0, 0)),
    }
    for name, (c, full) in compressed.items():
        recs.append((name, c, transformed(full, compressed=True)))
    others = {
        "flw": i_type(0x07, 2, A0, A1, 0),
        "amoadd.w": 0x00b5a52f,
        "lr.d": 0x1005b52f,
        "hlv.w": 0x6805c573,
        "cbo.zero": 0x0045200f,
        "fence": 0x0ff0000f,
        "addi": i_type(0x13, 0, A0, A0, 1),
        "c.li": 0x4505,
        "c.lwsp-x0": 0x4002,
        "reserved-load": i_type(0x03, 7, A0, A1, 0),
        "reserved-store": s_type(0x23, 4, A1, A0, 0),
        "48-bit": 0x0000001f,
    }
    for name, insn in others.items():
        recs.append((name, insn, 0))
    pseudo = [0x00002000, 0x00002020, 0x00003000, 0x00003020]
    seeds = {}
    for name, raw, ht in recs:
        seeds[name] = u32(raw) + u64(ht)
    seeds["pseudoinstructions"] = b"".join(u32(0) + u64(p) for p in pseudo)
    seeds["misaligned-offset"] = u32(i_type(0x03, 3, A0, A1, 0)) + u64(i_type(0x03, 3, A0, 3, 0))
    seeds["all"] = b"".join(u32(r) + u64(h) for _, r, h in recs)
    return seeds


# ---------------------------------------------------------------- vplic

def vplic_header(sources, contexts, mask, hooks=0):
    return u16(sources) + u8(contexts) + u8(hooks) + u64(mask) + u64(mask >> 64)


def acquire(src, hw=True):
    return u8(0x80 if hw else 0) + u16(src)


def release(src):
    return u8(1) + u16(src)


def inject(src):
    return u8(2) + u16(src)


def write(off_kind, operands, value, width=0):
    return u8(5) + u8(off_kind) + operands + u8(width) + u32(value)


def read(off_kind, operands, width=0):
    return u8(3) + u8(off_kind) + operands + u8(width)


def prio(src, value):
    return write(0, u16(src), value)


def enable(ctx, word, value):
    return write(2, u8(ctx) + u8(word), value)


def threshold(ctx, value):
    return write(3, u8(ctx), value)


def claim(ctx):
    return read(4, u8(ctx))


def complete(ctx, src):
    return write(4, u8(ctx), src)


def vplic_seeds():
    # The QEMU virt board: 96 sources + source 0, S-mode contexts 1, 3, 5, 7 of 4 harts.
    board = vplic_header(97, 8, 0xaa)
    lines = [10, 11, 1, 2]
    boot = b"".join(acquire(s) for s in lines)
    boot += b"".join(enable(ctx, 0, 0) for ctx in (1, 3, 5, 7))  # Linux clears every enable
    boot += b"".join(prio(s, 1) for s in lines)
    boot += threshold(1, 0) + enable(1, 0, 1 << 10 | 1 << 11 | 1 << 1 | 1 << 2)
    irq = inject(10) + read(1, u8(0)) + claim(1) + inject(11) + claim(1) + complete(1, 10) + \
        complete(1, 11) + claim(1)
    seeds = {
        "linux-boot": board + boot,
        "interrupt": board + boot + irq,
        "masked-complete": board + boot + inject(10) + claim(1) + enable(1, 0, 0) +
        complete(1, 10) + enable(1, 0, 1 << 10) + complete(1, 10),
        "priority-threshold": board + boot + inject(1) + inject(2) + prio(2, 5) +
        threshold(1, 4) + claim(1) + threshold(1, 5) + claim(1) + threshold(1, 0) + claim(1),
        "release-in-service": board + boot + inject(11) + claim(1) + release(11) + acquire(11) +
        inject(11),
        "violations": board + acquire(5) + prio(6, 3) + enable(1, 0, 0xffffffff) +
        enable(2, 0, 1 << 5) + read(0, u16(6)) + write(1, u8(0), 0xffffffff),
        "bad-accesses": board + acquire(3) + read(0, u16(3), width=4) + read(0x24, u16(3)) +
        read(5, u64(0x3ffffc)) + write(5, u64(0x200008), 1) + read(3, u8(0)) + claim(0),
        "software-line": board + acquire(7, hw=False) + prio(7, 7) + enable(3, 0, 1 << 7) +
        inject(7) + inject(7) + claim(3) + inject(7) + complete(3, 7) + claim(3),
        "largest": vplic_header(1024, 128, (1 << 128) - 1) + acquire(1023) + prio(1023, 7) +
        enable(127, 31, 1 << 31) + inject(1023) + claim(127) + complete(127, 1023),
        "init-refused": vplic_header(1025, 129, 1 << 127, hooks=1),
        "no-hooks": vplic_header(97, 8, 0xaa, hooks=0xfe) + boot + irq,
        "register-api": board + boot + u8(7) + u8(0) + u8(1) + u16(0) + u32(0) +
        u8(7) + u8(5) + u8(1) + u16(0) + u32(0) + u8(7) + u8(7) + u8(0) + u16(10) + u32(0),
    }
    return seeds


# ---------------------------------------------------------------- sbi

SBI_EXTS = [0x10, 0x54494D45, 0x735049, 0x52464E43, 0x48534D, 0x53525354, 0x4442434E,
            0, 1, 2, 3, 4, 5, 6, 7, 8]
EXT = {name: i for i, name in enumerate(
    ["base", "time", "ipi", "rfence", "hsm", "srst", "dbcn", "set_timer", "putchar",
     "getchar", "clear_ipi", "send_ipi", "fence_i", "sfence_vma", "sfence_vma_asid",
     "shutdown"])}


def arg(kind, value=0):
    """One argument register: 0 zero, 1 u8, 2 u64, 3 near guest memory, 4 -1, 5 cell harts,
    6 hart id, 7 u16."""
    body = {0: b"", 1: u8(value), 2: u64(value), 3: u16(value), 4: b"", 5: b"", 6: u8(value),
            7: u16(value)}[kind & 7]
    return u8(kind) + body


def ecall(ext, fid, *args):
    regs = list(args) + [arg(0)] * (6 - len(args))
    return u8(EXT[ext]) + u8(fid) + b"".join(regs)


def sbi_header(hart, cell_harts, flags, states=None, exec_start=0x80000000, exec_size=0x100000):
    h = u8(hart) + u64(cell_harts) + u8(flags) + u8(0) + u64(0x489) + u8(0) + u8(0) + u64(ord("x"))
    for i in range(64):
        if (cell_harts | 1 << hart) >> i & 1:
            h += u8((states or {}).get(i, 1))
    h += u64(exec_start) + u32(exec_size)
    h += u16(0) if not flags & 4 else u64(0x80000000)  # guest memory at 0x80000000
    h += u16(0x400)  # its size
    if flags & 2:
        h += u16(0x200)  # a second region
        if not flags & 8:
            h += u8(0)
    return h


def sbi_seeds():
    cell = sbi_header(3, 1 << 3 | 1 << 2, 0, states={2: 1, 3: 0})
    root = sbi_header(0, 0b0011, 1)
    two = sbi_header(2, 1 << 2, 2 | 8)
    seeds = {
        "base": cell + ecall("base", 0) + ecall("base", 3, arg(2, 0x4442434E)) +
        ecall("base", 3, arg(2, 0x504D55)) + ecall("base", 4) + ecall("base", 1),
        "ipi": cell + ecall("ipi", 0, arg(5), arg(1, 0)) + ecall("ipi", 0, arg(1, 1), arg(1, 2)) +
        ecall("ipi", 0, arg(0), arg(4)) + ecall("ipi", 0, arg(1, 3), arg(1, 1)),
        "rfence": cell + ecall("rfence", 1, arg(1, 1), arg(1, 3), arg(0), arg(4)) +
        ecall("rfence", 2, arg(4), arg(4), arg(7, 0x1000), arg(7, 0x1000), arg(1, 5)) +
        ecall("rfence", 0, arg(1, 1), arg(1, 4)),
        "hsm": cell + ecall("hsm", 2, arg(6, 2)) + ecall("hsm", 0, arg(6, 2), arg(2, 0x80000000),
                                                        arg(1, 7)) +
        ecall("hsm", 0, arg(6, 1), arg(2, 0x80000000)) + ecall("hsm", 0, arg(6, 2), arg(2, 0x1000)) +
        ecall("hsm", 3, arg(2, 0x80000000)) + ecall("hsm", 1),
        "srst-cell": cell + ecall("srst", 0, arg(0), arg(1, 1)) + ecall("srst", 0, arg(1, 3)),
        "srst-root": root + ecall("srst", 0, arg(1, 1), arg(0)) + ecall("shutdown", 0),
        "dbcn": cell + ecall("dbcn", 0, arg(7, 16), arg(3, 0)) +
        ecall("dbcn", 0, arg(7, 0x1000), arg(3, 0)) + ecall("dbcn", 0, arg(4), arg(3, 0x3f0)) +
        ecall("dbcn", 2, arg(1, ord("!"))) + ecall("dbcn", 0, arg(1, 4), arg(3, 0), arg(1, 1)) +
        ecall("dbcn", 1, arg(1, 8), arg(3, 0)),
        "dbcn-two-regions": two + ecall("dbcn", 0, arg(7, 0x600), arg(3, 0x100)),
        "legacy": cell + ecall("set_timer", 0, arg(2, 123456)) + ecall("putchar", 0, arg(1, 65)) +
        ecall("getchar", 0) + ecall("clear_ipi", 0) + ecall("send_ipi", 0, arg(2, 0x80000000)) +
        ecall("shutdown", 0),
        "time": cell + ecall("time", 0, arg(2, 1 << 40)) + ecall("time", 1),
    }
    return seeds


# ---------------------------------------------------------------- gstage

SV39, SV48, SV57 = 0, 1, 2
R, W, X = 1, 2, 4


def gpa(area, pages):
    """area 0: low 4 GiB, 1: above 4 GiB, 2: upper half, 3: top (limit - pages)."""
    return u8(area) + u32(pages)


def size(count, unit, extra_pages=None):
    """unit 0: pages, 2: 2 MiB, 3: 1 GiB; count 1..32."""
    b = (count - 1) << 3 | unit | (4 if extra_pages is not None else 0)
    return u8(b) + (u8(extra_pages) if extra_pages is not None else b"")


def gmap(where, sz, flags, misalign_pages=0, hpa_gib=0x80, failure=0):
    h = 1 | misalign_pages << 1 if misalign_pages else 0
    return u8(0) + where + sz + u8(h) + u8(flags) + u16(hpa_gib) + u8(failure)


def gunmap(where, sz, failure=0):
    return u8(3) + where + sz + u8(failure)


def gstage_seeds():
    ram = gpa(0, 0x80000)  # 0x80000000
    io = gpa(0, 0x10000)  # 0x10000000
    cell = gmap(ram, size(1, 2), R | W | X) + gmap(io, size(1, 0), R | W)
    seeds = {
        "cell": u8(SV39) + u8(0) + cell + u8(5) + ram + u16(0x123) + u8(7) + u16(5),
        "cell-destroy": u8(SV48) + u8(1) + cell,
        "huge-split": u8(SV39) + u8(0) + gmap(gpa(1, 0), size(2, 3), R | W) +
        gunmap(gpa(1, 0x1234), size(1, 0)) + u8(6) + gunmap(gpa(1, 0), size(1, 3)),
        "misaligned-hpa": u8(SV48) + u8(0) + gmap(ram, size(4, 0, 3), R, misalign_pages=5),
        "overlap": u8(SV39) + u8(0) + cell + gmap(ram, size(1, 0), R) + gunmap(ram, size(1, 0)) +
        gmap(ram, size(1, 0), R),
        "top": u8(SV57) + u8(0) + gmap(gpa(3, 0x200), size(1, 2), R | X) +
        gmap(gpa(3, 0), size(1, 0), R) + gunmap(gpa(3, 0x400), size(1, 3)),
        "bad-arguments": u8(SV39) + u8(0) + gmap(ram, size(1, 0), 0) + gmap(ram, size(1, 0), W) +
        gmap(gpa(4, 0) + u64(0x123), size(1, 0), R) + gunmap(ram, u8(0xff) + u64(0)),
        "allocator-fails": u8(SV39) + u8(0) + gmap(ram, size(1, 0), R, failure=0xc1) +
        gmap(ram, size(1, 0), R, failure=0xa0) + gmap(gpa(1, 0), size(1, 3), R) +
        gunmap(gpa(1, 1), size(1, 0), failure=0xc0),
    }
    return seeds


# ---------------------------------------------------------------- console ring

def put(data):
    return u8(0) + u8(len(data)) + data


def fill(n, c):
    return u8(1) + u16(n) + u8(c)


def rread(kind, pos, length):
    return u8(2) + u8(kind) + u64(pos) + u16(length)


def follow(length, pos):
    return u8(3) + u16(length) + u64(pos)


def console_ring_seeds():
    return {
        "hello": u8(0) + put(b"hello, world\n") + rread(3, 0, 100) + rread(3, 7, 5) +
        rread(0, 0, 10),
        "wrap": u8(0) + fill(20000, ord("a")) + put(b"tail") + rread(1, 0, 64) +
        rread(1, (1 << 16) - 8, 64) + rread(3, 0, 10),
        "reader": u8(0) + put(b"one\n") + follow(3, 0) + fill(17000, ord("b")) + follow(4096, 2),
        "long-uptime": u8(1) + struct.pack("<Q", (1 << 40) - 5)[:6] + put(b"0123456789") +
        rread(0, 0xfb, 32) + rread(3, ~0, 8) + follow(7, 0),
    }


SURFACES = {
    "config": config_seeds,
    "decoder": decoder_seeds,
    "vplic": vplic_seeds,
    "sbi": sbi_seeds,
    "gstage": gstage_seeds,
    "console_ring": console_ring_seeds,
}


def main():
    for surface, make in SURFACES.items():
        out = HERE / "corpus" / surface
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        seeds = make()
        for name, data in seeds.items():
            (out / name).write_bytes(data)
        print(f"{out.relative_to(ROOT)}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
