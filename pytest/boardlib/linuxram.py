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


def first_uncovered(ranges, regions, flags=RAM_FLAGS):
    """The first (start, end) of ranges that no region with all of flags (and not IO) holds.

    regions: objects with phys_start, size and flags (cellfile.MemRegion).
    """
    usable = sorted((r.phys_start, r.phys_start + r.size - 1) for r in regions
                    if r.size and r.flags & flags == flags and not r.flags & MEM_IO)
    for start, end in sorted(ranges):
        pos = start
        while pos <= end:
            holder = next(((s, e) for s, e in usable if s <= pos <= e), None)
            if holder is None:
                above = [s for s, _ in usable if s > pos]
                return pos, min(end, min(above) - 1) if above else end
            pos = holder[1] + 1
    return None


def refusal(gap):
    """The driver's message for an uncovered range."""
    return f"Linux uses RAM {gap[0]:#x}-{gap[1]:#x} that the root cell does not map"


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
