#!/usr/bin/env python3
"""The report of scripts/static-analysis.sh: parse one tool's raw output, drop what
scripts/static-analysis.supp suppresses, print the rest.

    static-analysis-report.py TOOL RAWDIR SUPPFILE [--explicit]

Each finding is printed as FILE:LINE:COL: TOOL ID: MESSAGE [SETS]. Exit status: 0 clean,
1 findings (stale suppressions included), 2 the tool failed or the suppressions file is bad.

Suppressions file: one entry per line, `#` starts a comment line,

    TOOL  ID  PATH  ["TEXT"]  # reason

TOOL is cppcheck, clang or sparse; ID the checker (cppcheck's id, clang's checker such as
core.NullDereference, sparse's severity: warning or error); PATH the file, relative to the
tree (fnmatch patterns allowed, also in ID); TEXT, optional, a piece of the source line the
finding is reported at or of a line of its path in the same file (clang's notes), so that an
entry names one finding and survives edits elsewhere in the file. The reason after ` # ` is
required. With the whole tree analysed (no --explicit), an entry that suppresses nothing is
itself reported: a fixed finding takes its suppression with it.
"""
import fnmatch
import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOC = r"(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): "
CPPCHECK_RE = re.compile(LOC + r"(?P<sev>\w+): (?P<id>\w+): (?P<msg>.*)$")
CLANG_RE = re.compile(LOC + r"(?P<sev>warning|error|fatal error|note): (?P<msg>.*?)"
                      r"(?: \[(?P<id>[\w.\-]+)\])?$")
SPARSE_RE = re.compile(LOC + r"(?P<sev>warning|error): (?P<msg>.*)$")
# cppcheck messages that are about cppcheck, not the code
CPPCHECK_IGNORE = {"missingIncludeSystem", "checkersReport"}


class Tool(Exception):
    """The tool did not run to the end: no verdict."""


def rel(path):
    p = Path(path)
    if not p.is_absolute():
        p = ROOT / p
    p = Path(os.path.normpath(p))
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def ours(path):
    """A file of the tree (or one named with --explicit), not a system or toolchain header."""
    return not path.startswith("/usr/")


def finding(tool, file, line, col, fid, msg, sets, context=()):
    return {"tool": tool, "file": file, "line": int(line), "col": int(col), "id": fid,
            "msg": msg, "sets": set(sets), "context": list(context)}


def read_rc(path):
    try:
        return int(Path(path).read_text().strip())
    except (OSError, ValueError):
        return -1


def parse_cppcheck(raw):
    out = []
    for err in sorted(raw.glob("*.err")):
        s = err.stem
        rc = read_rc(raw / f"{s}.rc")
        other = []
        for text in err.read_text(errors="replace").splitlines():
            m = CPPCHECK_RE.match(text)
            if not m:
                if text.strip():
                    other.append(text)
                continue
            if m["id"] in CPPCHECK_IGNORE:
                continue
            f = rel(m["file"]) if m["file"] != "nofile" else "nofile"
            if ours(f):
                out.append(finding("cppcheck", f, m["line"], m["col"], m["id"], m["msg"], [s]))
        if rc != 0 or other:
            raise Tool(f"cppcheck, set {s}, exit {rc}:\n" + "\n".join(other[-20:]))
    return out


def parse_clang(raw):
    out = []
    for d in sorted(p for p in raw.iterdir() if p.is_dir()):
        for o in sorted(d.glob("*.out")):
            rc = read_rc(o.with_suffix(".rc"))
            cur = None
            errors = []
            for text in o.read_text(errors="replace").splitlines():
                m = CLANG_RE.match(text)
                if not m:
                    continue
                f = rel(m["file"])
                if m["sev"] == "note":
                    if cur is not None:
                        cur["context"].append((f, int(m["line"])))
                    continue
                cur = None
                if m["sev"] != "warning":
                    errors.append(text)
                    continue
                if ours(f):
                    cur = finding("clang", f, m["line"], m["col"], m["id"] or "warning",
                                  m["msg"], [d.name], [(f, int(m["line"]))])
                    out.append(cur)
            if rc != 0 or errors:
                body = "\n".join(errors[-20:]) or o.read_text(errors="replace")[-2000:]
                raise Tool(f"clang could not analyse {o.stem} (set {d.name}), exit {rc}:\n{body}")
    return out


def parse_sparse(raw):
    mapping = []
    for text in (raw / "map").read_text().splitlines():
        copy, src = text.split("\t")
        mapping.append((copy, src))
    out = []
    log = (raw / "driver.out").read_text(errors="replace")
    for text in log.splitlines():
        m = SPARSE_RE.match(text)
        if not m:
            continue
        path = os.path.normpath(m["file"])
        for copy, src in mapping:
            if path == copy or (copy.endswith("/") and path.startswith(copy)):
                f = rel(src + path[len(copy):] if copy.endswith("/") else src)
                out.append(finding("sparse", f, m["line"], m["col"], m["sev"], m["msg"],
                                   ["driver"], [(f, int(m["line"]))]))
                break
        # anything else is in the kernel's own headers: not this tree's to fix
    rc = read_rc(raw / "driver.rc")
    if rc != 0:
        raise Tool(f"the module build with C=2 failed (exit {rc}):\n{log[-3000:]}")
    return out


def load_supp(path, tool):
    entries = []
    p = Path(path)
    if not p.exists():
        return entries
    for n, text in enumerate(p.read_text().splitlines(), 1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if " # " not in text or not text.split(" # ", 1)[1].strip():
            raise Tool(f"{p}:{n}: a suppression needs its reason after ' # '")
        spec, reason = text.split(" # ", 1)
        try:
            words = shlex.split(spec)
        except ValueError as e:
            raise Tool(f"{p}:{n}: {e}")
        if len(words) not in (3, 4) or words[0] not in ("cppcheck", "clang", "sparse"):
            raise Tool(f"{p}:{n}: expected TOOL ID PATH [\"TEXT\"]  # reason")
        if words[0] == tool:
            entries.append({"where": f"{rel(p)}:{n}", "id": words[1], "path": words[2],
                            "text": words[3] if len(words) == 4 else None,
                            "reason": reason.strip(), "used": 0})
    return entries


_lines = {}


def source_line(f, n):
    if f not in _lines:
        try:
            _lines[f] = (ROOT / f).read_text(errors="replace").splitlines()
        except OSError:
            _lines[f] = []
    lines = _lines[f]
    return lines[n - 1] if 0 < n <= len(lines) else ""


def suppressed(fd, entries):
    for e in entries:
        if not fnmatch.fnmatchcase(fd["id"], e["id"]):
            continue
        if not fnmatch.fnmatchcase(fd["file"], e["path"]):
            continue
        if e["text"] is not None:
            where = [(fd["file"], fd["line"])] + [c for c in fd["context"] if c[0] == fd["file"]]
            if not any(e["text"] in source_line(f, n) for f, n in where):
                continue
        e["used"] += 1
        return True
    return False


def main(argv):
    tool, raw, supp = argv[1], Path(argv[2]), argv[3]
    explicit = "--explicit" in argv[4:]
    try:
        entries = load_supp(supp, tool)
        found = {"cppcheck": parse_cppcheck, "clang": parse_clang, "sparse": parse_sparse}[tool](raw)
    except Tool as e:
        print(f"static-analysis: {tool}: {e}", file=sys.stderr)
        return 2
    # the same finding from several sets (a header, or core in both builds) is one finding
    merged = {}
    for fd in found:
        key = (fd["file"], fd["line"], fd["col"], fd["id"], fd["msg"])
        if key in merged:
            merged[key]["sets"] |= fd["sets"]
        else:
            merged[key] = fd
    left = [fd for fd in merged.values() if not suppressed(fd, entries)]
    for fd in sorted(left, key=lambda x: (x["file"], x["line"], x["col"], x["id"])):
        print(f"{fd['file']}:{fd['line']}:{fd['col']}: {tool} {fd['id']}: {fd['msg']} "
              f"[{','.join(sorted(fd['sets']))}]")
    stale = [] if explicit else [e for e in entries if not e["used"]]
    for e in stale:
        print(f"{e['where']}: {tool} stale-suppression: '{e['id']} {e['path']}' suppresses "
              f"nothing: remove it")
    n_supp = sum(e["used"] for e in entries)
    print(f"static-analysis: {tool}: {len(left)} finding(s), {n_supp} suppressed by "
          f"{rel(supp)}", file=sys.stderr)
    return 1 if left or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
