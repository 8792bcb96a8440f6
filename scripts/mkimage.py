#!/usr/bin/python3
"""Finish the hypervisor image: check it is truly position independent and
fill in the header fields only the link knows, and the checksum.

The header itself is a C initializer (hypervisor/arch/riscv/image_header.c)
of struct bh_image_header (include/bulkhead/image.h). Where its fields are
comes from the build's asm-defines.h (hypervisor/arch/riscv/asm-defines.c,
offsetof and sizeof), what goes into them from the ELF's symbols: nothing of
the layout is written down here.

usage: mkimage.py bulkhead.elf asm-defines.h bulkhead.bin.raw bulkhead.bin
"""
import re
import sys
import zlib

from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection
from elftools.elf.sections import SymbolTableSection

R_RISCV_RELATIVE = 3
MAGIC = b"BHIMAGE\0"
# header field (asm-defines.h name) -> the ELF symbol whose value (an offset
# from the image's start, which is linked at 0) it holds
FROM_SYMBOLS = {"IMAGE_HEADER_IMAGE_SIZE": "__file_end",
                "IMAGE_HEADER_MEMORY_SIZE": "__memory_end",
                "IMAGE_HEADER_ENTRY_OFFSET": "hv_entry"}


def fail(msg):
    sys.exit(f"mkimage.py: {msg}")


def read_defines(path):
    """{NAME: value} of the '#define NAME number' lines of a generated header."""
    with open(path) as f:
        return {m[1]: int(m[2]) for m in re.finditer(r"^#define (\w+) (\d+)$", f.read(), re.M)}


def field(defines, name):
    """(offset, size) of a header field."""
    try:
        return defines[name], defines[name + "_SIZE"]
    except KeyError:
        fail(f"{name} is not in asm-defines.h")


def get(image, defines, name):
    offset, size = field(defines, name)
    return int.from_bytes(image[offset:offset + size], "little")


def put(image, defines, name, value):
    offset, size = field(defines, name)
    if value >> (8 * size):
        fail(f"{name}: {value:#x} does not fit {size} bytes")
    image[offset:offset + size] = value.to_bytes(size, "little")


def elf_symbols(elf, names):
    found = {}
    for sec in elf.iter_sections():
        if isinstance(sec, SymbolTableSection):
            for name in names:
                for sym in sec.get_symbol_by_name(name) or []:
                    found[name] = sym["st_value"]
    missing = set(names) - set(found)
    if missing:
        fail(f"symbols missing from the ELF: {sorted(missing)}")
    return found


def main(elf_path, defines_path, raw_path, out_path):
    defines = read_defines(defines_path)
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        for sec in elf.iter_sections():
            if isinstance(sec, RelocationSection):
                for rel in sec.iter_relocations():
                    if rel["r_info_type"] != R_RISCV_RELATIVE or rel["r_info_sym"] != 0:
                        fail(f"{sec.name}: relocation type {rel['r_info_type']} at "
                             f"{rel['r_offset']:#x}: the image would not be position independent")
        symbols = elf_symbols(elf, ["bh_image_header", *FROM_SYMBOLS.values()])
    if symbols["bh_image_header"] != 0:
        fail(f"bh_image_header is at {symbols['bh_image_header']:#x}, not at the image's start")
    image = bytearray(open(raw_path, "rb").read())
    hsize = get(image, defines, "IMAGE_HEADER_HEADER_SIZE")
    if image[:len(MAGIC)] != MAGIC or hsize != defines["IMAGE_HEADER_SIZE"]:
        fail(f"bad header in {raw_path}: magic {bytes(image[:len(MAGIC)])!r}, size {hsize}")
    for name, symbol in FROM_SYMBOLS.items():
        put(image, defines, name, symbols[symbol])
    image_size = get(image, defines, "IMAGE_HEADER_IMAGE_SIZE")
    memory_size = get(image, defines, "IMAGE_HEADER_MEMORY_SIZE")
    entry = get(image, defines, "IMAGE_HEADER_ENTRY_OFFSET")
    if image_size != len(image):
        fail(f"header says {image_size} bytes, objcopy wrote {len(image)}")
    if memory_size < image_size or memory_size % 4096 or entry >= image_size:
        fail(f"inconsistent header: memory_size {memory_size:#x} entry {entry:#x}")
    put(image, defines, "IMAGE_HEADER_CHECKSUM", zlib.crc32(bytes(image[hsize:])) & 0xffffffff)
    with open(out_path, "wb") as f:
        f.write(image)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail("usage: mkimage.py ELF ASM_DEFINES RAW OUT")
    main(*sys.argv[1:])
