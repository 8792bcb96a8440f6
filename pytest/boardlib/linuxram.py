"""The RAM the running Linux uses, and whether a root cell's regions cover it.

Linux's RAM is what /proc/iomem lists as top-level "System RAM", minus the
firmware's own carve-outs: /reserved-memory nodes that no driver can claim
(no "compatible", not "reusable") and that no device refers to (no
"phandle"). OpenSBI's node for itself is one (0x80000000-0x8007ffff on the
QEMU board): 6.12 lists it inside System RAM, 6.1 ignores the RAM below its
image altogether. The driver's check before enable (driver/ram_check.c) and
`hvctl config check` use the same rule; the model here is what the tests
compare them with.

Ranges are (start, end) with end inclusive, as /proc/iomem prints them.
"""
import re
import struct

RESERVED_MEMORY = "/sys/firmware/devicetree/base/reserved-memory"

# Root cell regions that can hold Linux's RAM: readable, writable, executable, not IO.
MEM_READ, MEM_WRITE, MEM_EXECUTE, MEM_IO = 0x1, 0x2, 0x4, 0x8
RAM_FLAGS = MEM_READ | MEM_WRITE | MEM_EXECUTE


def parse_system_ram(iomem):
    """Top-level 'System RAM' lines of /proc/iomem as [(start, end)]."""
    return [(int(m.group(1), 16), int(m.group(2), 16))
            for m in re.finditer(r"^([0-9a-f]+)-([0-9a-f]+) : System RAM$", iomem, re.M)]


def subtract(ranges, holes):
    """ranges minus holes, both [(start, end)], sorted, merged where they touch."""
    out = []
    for start, end in sorted(ranges):
        pieces = [(start, end)]
        for h_start, h_end in holes:
            nxt = []
            for s, e in pieces:
                if h_end < s or h_start > e:
                    nxt.append((s, e))
                    continue
                if s < h_start:
                    nxt.append((s, h_start - 1))
                if h_end < e:
                    nxt.append((h_end + 1, e))
            pieces = nxt
        out += pieces
    return sorted(out)


RAM_MAPPED, RAM_UNMAPPED, RAM_NOT_RAM = range(3)


def root_ram_gap(regions, start, end):
    """Model of the driver's bh_root_ram_gap(): is [start, end] all in RAM regions?

    Returns (RAM_MAPPED, None, None, None), (RAM_UNMAPPED, gap_start, gap_end, None)
    with the gap running up to the next region of any kind, or (RAM_NOT_RAM,
    gap_start, gap_end, index) for a region that is IO or lacks read, write or
    execute. regions: objects with phys_start, size and flags (cellfile.MemRegion),
    identity-mapped and not overlapping (a validated root cell).
    """
    pos = start
    while pos <= end:
        hit = [(i, r) for i, r in enumerate(regions)
               if r.size and r.phys_start <= pos <= r.phys_start + r.size - 1]
        if not hit:
            above = [r.phys_start - 1 for r in regions if r.size and r.phys_start > pos]
            return RAM_UNMAPPED, pos, min([end] + above), None
        i, r = hit[0]
        last = r.phys_start + r.size - 1
        if (r.flags & RAM_FLAGS) != RAM_FLAGS or r.flags & MEM_IO:
            return RAM_NOT_RAM, pos, min(last, end), i
        pos = last + 1
    return RAM_MAPPED, None, None, None


def gaps(ranges, regions):
    """Every (verdict, start, end, index) gap of ranges, in address order."""
    out = []
    for start, end in sorted(ranges):
        pos = start
        while pos <= end:
            verdict, gs, ge, idx = root_ram_gap(regions, pos, end)
            if verdict == RAM_MAPPED:
                break
            out.append((verdict, gs, ge, idx))
            pos = ge + 1
    return out


def first_uncovered(ranges, regions):
    """The first (start, end) of ranges that the regions do not hold as RAM, or None."""
    found = gaps(ranges, regions)
    return (found[0][1], found[0][2]) if found else None


def refusal(gap_start, gap_end, verdict=RAM_UNMAPPED, index=None):
    """The driver's (and hvctl's) message for a gap."""
    if verdict == RAM_UNMAPPED:
        return f"Linux uses RAM {gap_start:#x}-{gap_end:#x} that the root cell does not map"
    return (f"Linux uses RAM {gap_start:#x}-{gap_end:#x} that root cell region {index} maps as "
            "IO or without read, write and execute access")


# ---------------------------------------------------------------- on a board

def system_ram(board):
    ram = parse_system_ram(board.read("/proc/iomem"))
    assert ram, "no System RAM in /proc/iomem (not root?)"
    return ram


def firmware_carveouts(board):
    """[(start, end)] of the /reserved-memory nodes Linux never uses (rule above)."""
    script = (f"cd {RESERVED_MEMORY} 2>/dev/null || exit 0; "
              "od -An -v -tx1 '#address-cells' '#size-cells' | tr -d ' \\n'; echo; "
              "for n in */; do n=${n%/}; "
              "[ -e \"$n/compatible\" ] || [ -e \"$n/reusable\" ] || [ -e \"$n/phandle\" ] && continue; "
              "if [ -e \"$n/status\" ]; then s=$(tr -d '\\000' < \"$n/status\"); "
              "[ \"$s\" = okay ] || [ \"$s\" = ok ] || continue; fi; "
              "[ -e \"$n/reg\" ] || continue; "
              "echo \"$n $(od -An -v -tx1 \"$n/reg\" | tr -d ' \\n')\"; done")
    lines = board.sh(script).splitlines()
    if not lines:
        return []
    cells = bytes.fromhex(lines[0])
    acells, scells = struct.unpack(">II", cells)
    out = []
    for line in lines[1:]:
        _, reg = line.split()
        raw = bytes.fromhex(reg)
        step = 4 * (acells + scells)
        for i in range(0, len(raw) - step + 1, step):
            words = struct.unpack(f">{acells + scells}I", raw[i:i + step])
            base = size = 0
            for w in words[:acells]:
                base = base << 32 | w
            for w in words[acells:]:
                size = size << 32 | w
            if size:
                out.append((base, base + size - 1))
    return out


def linux_ram(board):
    """The RAM the running Linux uses: [(start, end)]."""
    return subtract(system_ram(board), firmware_carveouts(board))
