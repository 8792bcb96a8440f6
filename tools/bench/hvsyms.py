"""Where the hypervisor's code is on the board, for the hvcount plugin's arguments.

The image (build/hypervisor/bulkhead.elf) is linked at 0 and runs, translation off, at
the start of hypervisor_memory (build/configs/system.cell): a symbol's address on the
board is the config's phys_start plus its value.
"""
import hashlib
import sys
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "pytest" / "host"))
import cellfile  # noqa: E402  (the config reader written from docs/config-format.md)

# Where an episode (one stay in the hypervisor) starts: every trap from a guest, and the
# enable entry from the driver's trampoline.
ENTRIES = ["hv_trap_vector", "hv_entry"]

# (tag, function): an episode is named after the function it runs that comes LAST in
# this list (the plugin's priority order): generic dispatchers first, then specific
# handlers, so that a hypercall that disables is "disable", an HSM stop is "park", and
# a parked hart claiming a stray line stays "park".
TAGS = [
    ("hypercall", "hypercall"),
    ("irq_external", "plic_handle_irq"),
    ("irq_software", "hart_handle_mailbox"),
    ("sbi_base", "sbi_base_call"),
    ("sbi_time", "sbi_time_call"),
    ("sbi_ipi", "sbi_ipi_call"),
    ("sbi_rfence", "sbi_rfence_call"),
    ("sbi_hsm", "sbi_hsm_call"),
    ("sbi_srst", "sbi_srst_call"),
    ("sbi_console", "sbi_dbcn_call"),
    ("sbi_legacy", "sbi_legacy_call"),
    ("mmio", "mmio_guest_page_fault"),
    ("mmio_claim", "vplic_claim"),
    ("mmio_complete", "vplic_complete"),
    ("doorbell", "doorbell_write"),
    ("cell_status", "cell_status"),
    ("cell_console_read", "cell_console_read"),
    ("cell_create", "cell_create"),
    ("cell_start", "cell_start"),
    ("cell_shutdown", "cell_shutdown"),
    ("cell_destroy", "cell_destroy_by_id"),
    ("disable", "hart_leave"),
    ("enable", "hv_entry"),
    ("park", "hart_park"),
]


class ImageMismatch(Exception):
    """The ELF, the image and the config do not belong together."""


def hypervisor_region(system_cell):
    """(phys_start, size) of hypervisor_memory in a system config file."""
    system = cellfile.System.unpack(Path(system_cell).read_bytes())
    return system.hv_phys_start, system.hv_size


def symbols(elf_path):
    """{name: value} of the functions and labels of the hypervisor ELF."""
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        table = elf.get_section_by_name(".symtab")
        if not isinstance(table, SymbolTableSection):
            raise ImageMismatch(f"{elf_path}: no symbol table")
        return {s.name: s["st_value"] for s in table.iter_symbols()
                if s.name and s["st_info"]["type"] in ("STT_FUNC", "STT_NOTYPE", "STT_OBJECT")}


def check_image_matches_elf(elf_path, image_path):
    """The code the board runs (bulkhead.bin) must be the code the ELF describes."""
    image = Path(image_path).read_bytes()
    with open(elf_path, "rb") as f:
        text = ELFFile(f).get_section_by_name(".text")
        if text is None:
            raise ImageMismatch(f"{elf_path}: no .text section")
        start, code = text["sh_addr"], text.data()
    if image[start:start + len(code)] != code:
        raise ImageMismatch(f"{image_path} does not hold the code of {elf_path}: "
                            "rebuild them together (make)")


def md5(path):
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def plugin_args(elf_path, system_cell, sock=None, out=None):
    """The hvcount arguments for this hypervisor build: range, entries and tags."""
    base, size = hypervisor_region(system_cell)
    syms = symbols(elf_path)
    if syms.get("_header") != 0:
        raise ImageMismatch(f"{elf_path}: expected the image header at 0 (linked at 0)")
    missing = [name for name in ENTRIES + [fn for _, fn in TAGS] if name not in syms]
    if missing:
        raise ImageMismatch(f"{elf_path}: no symbol {', '.join(missing)}: the bench's tag "
                            "table (tools/bench/hvsyms.py) needs updating")
    args = [f"lo={base:#x}", f"hi={base + size:#x}"]
    args += [f"entry={base + syms[name]:#x}" for name in ENTRIES]
    args += [f"tag={tag}:{base + syms[fn]:#x}" for tag, fn in TAGS]
    if sock:
        args.append(f"sock={sock}")
    if out:
        args.append(f"out={out}")
    return args


def functions(elf_path, base):
    """Sorted [(start, end, name)] of the hypervisor's functions on the board (the assembly
    labels of the trap entry and exit count as functions, sized up to the next symbol)."""
    with open(elf_path, "rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        syms = sorted((s["st_value"], s["st_size"], s.name) for s in table.iter_symbols()
                      if s.name and not s.name.startswith((".L", "$"))
                      and s["st_info"]["type"] in ("STT_FUNC", "STT_NOTYPE"))
    out = []
    for i, (value, size, name) in enumerate(syms):
        nxt = next((v for v, _, _ in syms[i + 1:] if v > value), value + max(size, 1))
        out.append((base + value, base + (value + size if size else nxt), name))
    # One name per start: a function over a label at the same address.
    seen = {}
    for start, end, name in out:
        if start not in seen or end - start > seen[start][1] - start:
            seen[start] = (start, end, name)
    return sorted(seen.values())
