#!/usr/bin/python3
"""Finish the hypervisor image: check it is truly position independent and
fill in the header's checksum.

usage: mkimage.py bulkhead.elf bulkhead.bin.raw bulkhead.bin
"""
import struct
import sys
import zlib

from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

R_RISCV_RELATIVE = 3
HEADER = struct.Struct("<8sIIQQQII24x")


def fail(msg):
    sys.exit(f"mkimage.py: {msg}")


def main(elf_path, raw_path, out_path):
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        for sec in elf.iter_sections():
            if isinstance(sec, RelocationSection):
                for rel in sec.iter_relocations():
                    if rel["r_info_type"] != R_RISCV_RELATIVE or rel["r_info_sym"] != 0:
                        fail(f"{sec.name}: relocation type {rel['r_info_type']} at "
                             f"{rel['r_offset']:#x}: the image would not be position independent")
    image = bytearray(open(raw_path, "rb").read())
    magic, abi, hsize, image_size, memory_size, entry, _, max_harts = HEADER.unpack_from(image)
    if magic != b"BHIMAGE\0" or hsize != HEADER.size:
        fail(f"bad header in {raw_path}: magic {magic!r}, size {hsize}")
    if image_size != len(image):
        fail(f"header says {image_size} bytes, objcopy wrote {len(image)}")
    if memory_size < image_size or memory_size % 4096 or entry >= image_size:
        fail(f"inconsistent header: memory_size {memory_size:#x} entry {entry:#x}")
    crc = zlib.crc32(bytes(image[hsize:])) & 0xffffffff
    struct.pack_into("<I", image, 40, crc)
    with open(out_path, "wb") as f:
        f.write(image)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        fail("usage: mkimage.py ELF RAW OUT")
    main(*sys.argv[1:])
