"""Read and write Bulkhead configs (.cell files), revision 1.

Written from docs/config-format.md, not from the C header, so the tests that
use it check the C side against the documented format. Parsing is purely
structural: whether the values make sense is the validator's business, and
tests build invalid configs with this module on purpose.
"""
import struct
from dataclasses import dataclass, field
from typing import List, Optional

SYSTEM_SIGNATURE = b"BHSYSTEM"
CELL_SIGNATURE = b"BHCELL\0\0"
REVISION = 1
ARCH_RISCV64 = 1

MAX_HARTS = 64
MAX_IRQS = 1024
MAX_MEM_REGIONS = 64
MAX_LINK_ENDS = 16
LINK_MAX_END_ID = 31
NAME_LEN = 32
NO_CONTEXT = 0xFFFFFFFF

MEM_READ = 0x01
MEM_WRITE = 0x02
MEM_EXECUTE = 0x04
MEM_IO = 0x08
MEM_LOADABLE = 0x10

CONSOLE_NONE = 0
CONSOLE_NS16550 = 1
CONSOLE_SBI = 2

# Layouts, little-endian, no implicit padding ("<").
REGION_FMT = "<4Q"  # phys_start virt_start size flags
LINK_FMT = "<4I6Q"  # link_id end_id peers irq_line shmem_phys shmem_virt shmem_size
#                     shmem_flags doorbell reserved
CONSOLE_FMT = "<IIQQQ"  # type reg_shift address size reserved
CELL_FMT = "<8sII32sQIIQQ6Q"  # up to the console, then console, then 16Q irq bitmap
PLATFORM_FMT = "<QQIIQ4Q64I"
SYSTEM_HEAD_FMT = "<8sIIIIQQ"  # signature .. hypervisor_memory

REGION_SIZE = struct.calcsize(REGION_FMT)
LINK_SIZE = struct.calcsize(LINK_FMT)
assert LINK_SIZE == 64
CONSOLE_SIZE = struct.calcsize(CONSOLE_FMT)
CELL_SIZE = struct.calcsize(CELL_FMT) + CONSOLE_SIZE + 16 * 8
PLATFORM_SIZE = struct.calcsize(PLATFORM_FMT)
SYSTEM_SIZE = struct.calcsize(SYSTEM_HEAD_FMT) + CONSOLE_SIZE + PLATFORM_SIZE + 4 * 8 + CELL_SIZE

# Offsets the documentation gives; asserted so a slip in the formats above shows.
assert (REGION_SIZE, CONSOLE_SIZE, CELL_SIZE, PLATFORM_SIZE, SYSTEM_SIZE) == (32, 32, 288, 320, 712)
ROOT_CELL_OFFSET = 424
PLATFORM_OFFSET = 72


@dataclass
class MemRegion:
    phys_start: int
    virt_start: int
    size: int
    flags: int

    def pack(self) -> bytes:
        return struct.pack(REGION_FMT, self.phys_start, self.virt_start, self.size, self.flags)

    @classmethod
    def unpack(cls, data: bytes, offset: int = 0) -> "MemRegion":
        return cls(*struct.unpack_from(REGION_FMT, data, offset))

    @property
    def phys_end(self) -> int:
        return self.phys_start + self.size


@dataclass
class LinkEnd:
    link_id: int
    end_id: int
    peers: int
    irq_line: int
    shmem_phys: int
    shmem_virt: int
    shmem_size: int
    shmem_flags: int
    doorbell: int
    reserved: int = 0

    def pack(self) -> bytes:
        return struct.pack(LINK_FMT, self.link_id, self.end_id, self.peers, self.irq_line,
                           self.shmem_phys, self.shmem_virt, self.shmem_size, self.shmem_flags,
                           self.doorbell, self.reserved)

    @classmethod
    def unpack(cls, data: bytes, offset: int = 0) -> "LinkEnd":
        return cls(*struct.unpack_from(LINK_FMT, data, offset))


@dataclass
class Console:
    type: int = CONSOLE_NONE
    reg_shift: int = 0
    address: int = 0
    size: int = 0
    reserved: int = 0

    def pack(self) -> bytes:
        return struct.pack(CONSOLE_FMT, self.type, self.reg_shift, self.address, self.size,
                           self.reserved)

    @classmethod
    def unpack(cls, data: bytes, offset: int = 0) -> "Console":
        return cls(*struct.unpack_from(CONSOLE_FMT, data, offset))


def _name_bytes(name) -> bytes:
    raw = name.encode("ascii") if isinstance(name, str) else bytes(name)
    if len(raw) > NAME_LEN:
        raise ValueError(f"name {raw!r} longer than {NAME_LEN} bytes")
    return raw.ljust(NAME_LEN, b"\0")


@dataclass
class Cell:
    """A cell description with its memory regions.

    name is kept as the raw 32 bytes; num_mem_regions None means len(regions),
    num_link_ends None len(links).
    """
    name: bytes = b""
    cpu_set: int = 0
    regions: List[MemRegion] = field(default_factory=list)
    irq_bitmap: List[int] = field(default_factory=lambda: [0] * (MAX_IRQS // 64))
    console: Console = field(default_factory=Console)
    entry: int = 0
    boot_arg: int = 0
    flags: int = 0
    signature: bytes = CELL_SIGNATURE
    revision: int = REVISION
    num_mem_regions: Optional[int] = None
    num_link_ends: Optional[int] = None
    reserved1: List[int] = field(default_factory=lambda: [0] * 6)
    links: List[LinkEnd] = field(default_factory=list)

    def __post_init__(self):
        self.name = _name_bytes(self.name)

    # ---- convenience views
    @property
    def name_str(self) -> str:
        return self.name.split(b"\0", 1)[0].decode("ascii", "replace")

    def harts(self) -> List[int]:
        return [h for h in range(MAX_HARTS) if self.cpu_set >> h & 1]

    def set_harts(self, harts) -> None:
        mask = 0
        for h in harts:
            if not 0 <= h < MAX_HARTS:
                raise ValueError(f"hart {h} cannot be written: hart ids are 0..{MAX_HARTS - 1}")
            mask |= 1 << h
        self.cpu_set = mask

    def irqs(self) -> List[int]:
        return [n for n in range(MAX_IRQS) if self.irq_bitmap[n // 64] >> (n % 64) & 1]

    def set_irqs(self, lines) -> None:
        words = [0] * (MAX_IRQS // 64)
        for n in lines:
            if not 0 <= n < MAX_IRQS:
                raise ValueError(f"PLIC line {n} cannot be written: lines are 0..{MAX_IRQS - 1}")
            words[n // 64] |= 1 << (n % 64)
        self.irq_bitmap = words

    # ---- encoding
    def pack(self) -> bytes:
        n = len(self.regions) if self.num_mem_regions is None else self.num_mem_regions
        nl = len(self.links) if self.num_link_ends is None else self.num_link_ends
        head = struct.pack(CELL_FMT, self.signature, self.revision, self.flags, self.name,
                           self.cpu_set, n, nl, self.entry, self.boot_arg,
                           *self.reserved1)
        tail = struct.pack("<16Q", *self.irq_bitmap)
        return (head + self.console.pack() + tail + b"".join(r.pack() for r in self.regions)
                + b"".join(e.pack() for e in self.links))

    @classmethod
    def unpack(cls, data: bytes, offset: int = 0) -> "Cell":
        """The cell description at offset and the regions its header announces."""
        if len(data) - offset < CELL_SIZE:
            raise ValueError(f"{len(data) - offset} bytes, a cell description needs {CELL_SIZE}")
        f = struct.unpack_from(CELL_FMT, data, offset)
        sig, rev, flags, name, cpu_set, n, nl, entry, boot_arg = f[:9]
        res1 = list(f[9:15])
        con_off = offset + struct.calcsize(CELL_FMT)
        console = Console.unpack(data, con_off)
        irqs = list(struct.unpack_from("<16Q", data, con_off + CONSOLE_SIZE))
        reg_off = offset + CELL_SIZE
        if len(data) < reg_off + n * REGION_SIZE:
            raise ValueError(f"{n} regions announced, {len(data) - reg_off} bytes hold them")
        regions = [MemRegion.unpack(data, reg_off + i * REGION_SIZE) for i in range(n)]
        link_off = reg_off + n * REGION_SIZE
        if len(data) < link_off + nl * LINK_SIZE:
            raise ValueError(f"{nl} link ends announced, {len(data) - link_off} bytes hold them")
        links = [LinkEnd.unpack(data, link_off + i * LINK_SIZE) for i in range(nl)]
        return cls(name=name, cpu_set=cpu_set, regions=regions, irq_bitmap=irqs,
                   console=console, entry=entry, boot_arg=boot_arg, flags=flags,
                   signature=sig, revision=rev, reserved1=res1, links=links)

    @property
    def size(self) -> int:
        return CELL_SIZE + REGION_SIZE * len(self.regions) + LINK_SIZE * len(self.links)


@dataclass
class System:
    root: Cell
    hv_phys_start: int = 0
    hv_size: int = 0
    debug_console: Console = field(default_factory=Console)
    plic_base: int = 0
    plic_size: int = 0
    plic_num_sources: int = 0
    timebase_frequency: int = 0
    hart_plic_context: List[int] = field(default_factory=lambda: [NO_CONTEXT] * MAX_HARTS)
    flags: int = 0
    signature: bytes = SYSTEM_SIGNATURE
    revision: int = REVISION
    architecture: int = ARCH_RISCV64
    reserved0: int = 0
    virtual_irqs: int = 0
    platform_reserved1: List[int] = field(default_factory=lambda: [0] * 4)
    reserved1: List[int] = field(default_factory=lambda: [0] * 4)

    def pack(self) -> bytes:
        head = struct.pack(SYSTEM_HEAD_FMT, self.signature, self.revision, self.architecture,
                           self.flags, self.reserved0, self.hv_phys_start, self.hv_size)
        plat = struct.pack(PLATFORM_FMT, self.plic_base, self.plic_size, self.plic_num_sources,
                           self.virtual_irqs, self.timebase_frequency,
                           *self.platform_reserved1, *self.hart_plic_context)
        out = head + self.debug_console.pack() + plat + struct.pack("<4Q", *self.reserved1)
        assert len(out) == ROOT_CELL_OFFSET
        return out + self.root.pack()

    @classmethod
    def unpack(cls, data: bytes) -> "System":
        if len(data) < SYSTEM_SIZE:
            raise ValueError(f"{len(data)} bytes, a system config needs {SYSTEM_SIZE}")
        sig, rev, arch, flags, res0, hv_start, hv_size = struct.unpack_from(SYSTEM_HEAD_FMT, data)
        con = Console.unpack(data, struct.calcsize(SYSTEM_HEAD_FMT))
        p = struct.unpack_from(PLATFORM_FMT, data, PLATFORM_OFFSET)
        res1 = list(struct.unpack_from("<4Q", data, PLATFORM_OFFSET + PLATFORM_SIZE))
        root = Cell.unpack(data, ROOT_CELL_OFFSET)
        return cls(root=root, hv_phys_start=hv_start, hv_size=hv_size, debug_console=con,
                   plic_base=p[0], plic_size=p[1], plic_num_sources=p[2],
                   virtual_irqs=p[3], timebase_frequency=p[4],
                   platform_reserved1=list(p[5:9]), hart_plic_context=list(p[9:73]),
                   flags=flags, signature=sig, revision=rev, architecture=arch,
                   reserved0=res0, reserved1=res1)

    @property
    def size(self) -> int:
        return SYSTEM_SIZE + REGION_SIZE * len(self.root.regions) + LINK_SIZE * len(self.root.links)
