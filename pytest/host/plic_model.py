"""Reference model of one guest's virtual PLIC, written from the RISC-V PLIC specification and
the vPLIC contract (hypervisor/include/vplic.h), for the host tests to compare against.

It is deliberately naive: state is kept exactly as the spec words it (priority per source, an
enable set per context, pending and claimed sets, a threshold per context) and every question is
answered by looking at that state directly. The only concession to speed is that sets of sources
are Python integers used as bitmaps.

Besides register values it produces the list of hook calls the vPLIC must make, in the order the
contract fixes: the changes of each context's "has a claimable interrupt" level in ascending
context order, then hw_complete / line_changed calls in ascending source order.
"""

PRIORITY_BITS = 3
MAX_PRIORITY = (1 << PRIORITY_BITS) - 1

OK = 0
EBADACCESS = -1
EVIOLATION = -2
EINVAL = -3

PRIORITY_BASE = 0x0
PENDING_BASE = 0x1000
ENABLE_BASE = 0x2000
ENABLE_STRIDE = 0x80
CONTEXT_BASE = 0x200000
CONTEXT_STRIDE = 0x1000


def bits(mask):
    """The set bit positions of an integer, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class PlicModel:
    def __init__(self, num_sources, num_contexts, context_mask):
        self.num_sources = num_sources
        self.num_contexts = num_contexts
        self.contexts = [c for c in range(num_contexts) if (context_mask >> c) & 1]
        self.owned = 0
        self.hw_backed = 0
        self.priority = [0] * num_sources
        # sources_at[p]: the sources whose priority is p (kept beside self.priority so a
        # context's level is a handful of integer operations, not a loop over sources).
        self.sources_at = [0] * (MAX_PRIORITY + 1)
        self.enable = [0] * num_contexts
        self.threshold = [0] * num_contexts
        self.pending = 0
        self.claimed = 0
        self.level = {c: False for c in self.contexts}
        self.events = []

    # ------------------------------------------------------------------ helpers
    def _exists(self, source):
        return 1 <= source < self.num_sources

    def _owns(self, source):
        return self._exists(source) and (self.owned >> source) & 1 == 1

    def _set_priority(self, source, value):
        self.sources_at[self.priority[source]] &= ~(1 << source)
        self.priority[source] = value
        self.sources_at[value] |= 1 << source

    def _candidates(self, ctx):
        """Pending, enabled here and not claimed (the spec's 'eligible' set before priority)."""
        return self.pending & ~self.claimed & self.enable[ctx]

    def claimable_level(self, ctx):
        cand = self._candidates(ctx)
        if not cand:
            return False
        return any(cand & self.sources_at[p]
                   for p in range(self.threshold[ctx] + 1, MAX_PRIORITY + 1))

    def _best(self, ctx):
        """Highest priority above the threshold, ties to the lowest id; 0 if none."""
        cand = self._candidates(ctx)
        for p in range(MAX_PRIORITY, self.threshold[ctx], -1):
            at_p = cand & self.sources_at[p]
            if at_p:
                return next(bits(at_p))
        return 0

    def _emit_level_changes(self):
        for ctx in self.contexts:
            now = self.claimable_level(ctx)
            if now != self.level[ctx]:
                self.level[ctx] = now
                self.events.append(("signal", ctx, now))

    def take_events(self):
        events, self.events = self.events, []
        return events

    # ------------------------------------------------------------------ hypervisor side
    def acquire(self, source, hw_backed):
        if not self._exists(source) or self._owns(source):
            return EINVAL
        self.owned |= 1 << source
        if hw_backed:
            self.hw_backed |= 1 << source
        return OK

    def release(self, source):
        if not self._owns(source):
            return EINVAL
        bit = 1 << source
        outstanding = bool(self.hw_backed & bit) and bool((self.pending | self.claimed) & bit)
        self._set_priority(source, 0)
        for ctx in range(self.num_contexts):
            self.enable[ctx] &= ~bit
        self.pending &= ~bit
        self.claimed &= ~bit
        self.owned &= ~bit
        self.hw_backed &= ~bit
        self._emit_level_changes()
        if outstanding:
            self.events.append(("hw_complete", source))
        return OK

    def set_pending(self, source):
        if not self._owns(source):
            return EINVAL
        self.pending |= 1 << source
        self._emit_level_changes()
        return OK

    def context_pending(self, ctx):
        return ctx in self.level and self.claimable_level(ctx)

    def enabled_contexts(self, source):
        if not self._exists(source):
            return None
        return sum(1 << c for c in range(self.num_contexts) if (self.enable[c] >> source) & 1)

    # ------------------------------------------------------------------ guest side
    def _decode(self, offset, width):
        """(kind, index, context) of the register at offset, or None if there is none."""
        if width != 4 or offset % 4:
            return None
        words = (self.num_sources + 31) // 32
        if offset < PENDING_BASE:
            source = offset // 4
            return ("priority", source, None) if source < self.num_sources else None
        if offset < ENABLE_BASE:
            word = (offset - PENDING_BASE) // 4
            return ("pending", word, None) if word < words else None
        if offset < CONTEXT_BASE:
            ctx, rest = divmod(offset - ENABLE_BASE, ENABLE_STRIDE)
            if ctx not in self.level or rest // 4 >= words:
                return None
            return ("enable", rest // 4, ctx)
        ctx, rest = divmod(offset - CONTEXT_BASE, CONTEXT_STRIDE)
        if ctx not in self.level:
            return None
        if rest == 0:
            return ("threshold", None, ctx)
        if rest == 4:
            return ("claim", None, ctx)
        return None

    def read(self, offset, width):
        """(return code, value); value is None on an error."""
        reg = self._decode(offset, width)
        if reg is None:
            return EBADACCESS, None
        kind, index, ctx = reg
        if kind == "priority":
            return OK, self.priority[index] if self._owns(index) else 0
        if kind == "pending":
            return OK, ((self.pending & self.owned) >> (32 * index)) & 0xFFFFFFFF
        if kind == "enable":
            return OK, ((self.enable[ctx] & self.owned) >> (32 * index)) & 0xFFFFFFFF
        if kind == "threshold":
            return OK, self.threshold[ctx]
        source = self._best(ctx)
        if source:
            self.pending &= ~(1 << source)
            self.claimed |= 1 << source
            self._emit_level_changes()
        return OK, source

    def write(self, offset, width, value):
        """(return code, violating source or 0)."""
        reg = self._decode(offset, width)
        if reg is None:
            return EBADACCESS, 0
        kind, index, ctx = reg
        if kind == "priority":
            return self._write_priority(index, value)
        if kind == "pending":
            return OK, 0
        if kind == "enable":
            return self._write_enable(ctx, index, value)
        if kind == "threshold":
            self.threshold[ctx] = value & MAX_PRIORITY
            self._emit_level_changes()
            return OK, 0
        self._complete(ctx, value)
        return OK, 0

    def _write_priority(self, source, value):
        value &= MAX_PRIORITY
        if source == 0:
            return OK, 0
        if not self._owns(source):
            return (EVIOLATION, source) if value else (OK, 0)
        if self.priority[source] == value:
            return OK, 0
        self._set_priority(source, value)
        self._emit_level_changes()
        self.events.append(("line_changed", source))
        return OK, 0

    def _write_enable(self, ctx, word, value):
        violation = 0
        changed = []
        for i in range(32):
            source = 32 * word + i
            if not self._exists(source):
                continue
            want = (value >> i) & 1
            if not self._owns(source):
                if want and not violation:
                    violation = source
                continue
            have = (self.enable[ctx] >> source) & 1
            if want != have:
                self.enable[ctx] ^= 1 << source
                changed.append(source)
        self._emit_level_changes()
        self.events.extend(("line_changed", s) for s in changed)
        return (EVIOLATION, violation) if violation else (OK, 0)

    def _complete(self, ctx, source):
        if not self._owns(source):
            return
        bit = 1 << source
        # Spec: a completion for a source not enabled for the target is silently ignored; one
        # for a source nobody claimed has nothing to end.
        if not (self.claimed & bit) or not (self.enable[ctx] & bit):
            return
        self.claimed &= ~bit
        self._emit_level_changes()
        if self.hw_backed & bit:
            self.events.append(("hw_complete", source))
