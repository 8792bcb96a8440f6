"""Host fuzzing (pytest/fuzz/, docs/fuzzing.md): the libFuzzer harnesses of the core's input
surfaces, built with AddressSanitizer and UndefinedBehaviorSanitizer.

* Every harness runs a fixed number of inputs from a fixed seed, starting from a copy of its
  seed corpus (the tree's corpus is never written), and must end without a crash, a leak, a
  UB report, a broken invariant or a hang. With address-space randomization off (libFuzzer
  learns from compared values, pointers among them) and no corpus reloading, a run is the same
  inputs every time.
* Every input in pytest/fuzz/regressions/<surface>/ (crashes found before) is replayed.
* The harnesses are shown to catch bugs: each mutant below plants one in a copy of a core file
  (or in a harness, by a -D flag) and the same fuzzing must then fail, with the report the bug
  calls for. A harness that checks nothing, or a runner that misses a sanitizer report, fails
  here.

The runs go two at a time; the whole module takes well under three minutes on two cores.
"""
import concurrent.futures
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from paths import BUILD, ROOT  # noqa: E402

FUZZ_DIR = ROOT / "pytest" / "fuzz"
OUT = BUILD / "fuzz"
SURFACES = sorted(p.stem[len("fuzz_"):] for p in FUZZ_DIR.glob("fuzz_*.c"))
RUNS = 100_000       # executions per harness, corpus included
SEED = 1             # libFuzzer's -seed: the same inputs every time
MUTANT_RUNS = 400_000  # a mutant must be caught within this many
JOBS = 2
ENV = dict(os.environ,
           ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
# What a failing run prints (besides its exit status).
REPORTS = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|"
                     r"FUZZ CHECK FAILED|ALARM: working on the last Unit")

# (name, surface, core file, text, replacement or None for a -D flag, what must be reported)
MUTANTS = [
    ("ring-overrun", "console_ring", "hypervisor/core/console_ring.c",
     "while (n < len && pos + n < ring->head)", "while (n <= len && pos + n < ring->head)",
     "ERROR: AddressSanitizer"),
    ("ring-leak", "console_ring", None, "-DFUZZ_PLANT_LEAK", None, "ERROR: LeakSanitizer"),
    ("vplic-shift-ub", "vplic", "hypervisor/core/irq/vplic.c",
     "map[bit / 64] |= (uint64_t)1 << (bit % 64);", "map[bit / 64] |= 1 << (bit % 64);",
     "runtime error: shift exponent"),
    ("vplic-threshold", "vplic", "hypervisor/core/irq/vplic.c",
     "(vp->threshold[context] + 1)", "(vp->threshold[context])", "FUZZ CHECK FAILED"),
    ("decoder-lw-unsigned", "decoder", "hypervisor/core/mmio/insn_decode.c",
     "funct3 < 3, bits(insn, 11, 7)", "funct3 < 2, bits(insn, 11, 7)", "FUZZ CHECK FAILED"),
    ("gstage-fence-keeps-pages", "gstage", "hypervisor/core/mm/gstage.c",
     "pt->alloc.free_page(pt->alloc.opaque, table);\n\t\tpt->tables_in_use--;",
     "pt->tables_in_use--;", "FUZZ CHECK FAILED"),
    ("config-write-only", "config", "include/lib/config/config_cell.c",
     "(r->flags & BH_MEM_WRITE) && !(r->flags & BH_MEM_READ)",
     "(r->flags & BH_MEM_WRITE) && !(r->flags & (BH_MEM_READ | BH_MEM_EXECUTE))",
     "FUZZ CHECK FAILED"),
    ("sbi-foreign-ipi", "sbi", "hypervisor/core/sbi/sbi.c",
     "if (named & ~c->cell_harts)\n\t\treturn SBI_ERR_INVALID_PARAM;", "",
     "FUZZ CHECK FAILED"),
]


def fixed_addresses():
    """setarch's prefix that turns address-space randomization off, where that is allowed."""
    cmd = ["setarch", platform.machine(), "-R"]
    try:
        ok = subprocess.run([*cmd, "true"], capture_output=True).returncode == 0
    except OSError:
        ok = False
    return cmd if ok else []


NO_ASLR = fixed_addresses()


def make(*args):
    r = subprocess.run(["make", "-s", "--no-print-directory", f"BUILD={BUILD}", *args],
                       cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        pytest.fail(f"make {' '.join(args)} failed:\n{r.stdout}{r.stderr}")


def fuzz(binary, corpus_src, work, runs):
    """Run a harness from a fresh copy of corpus_src; returns (ok, executions, seconds, log)."""
    corpus = work / "corpus"
    shutil.copytree(corpus_src, corpus)
    artifacts = work / "artifacts"
    artifacts.mkdir()
    start = time.monotonic()
    r = subprocess.run([*NO_ASLR, str(binary), f"-runs={runs}", f"-seed={SEED}", "-reload=0",
                        "-timeout=10", "-print_final_stats=1", f"-artifact_prefix={artifacts}/",
                        str(corpus)],
                       capture_output=True, text=True, env=ENV, timeout=900,
                       stdin=subprocess.DEVNULL)
    seconds = time.monotonic() - start
    m = re.search(r"stat::number_of_executed_units: (\d+)", r.stderr)
    executions = int(m.group(1)) if m else 0
    ok = r.returncode == 0 and not REPORTS.search(r.stderr)
    return ok, executions, seconds, r.stderr, sorted(artifacts.iterdir())


def report(log, artifacts):
    """The end of a harness's output: the crash report and where the input is."""
    lines = [ln for ln in log.splitlines()
             if not re.match(r"#\d+\s+(NEW|REDUCE|pulse|INITED)", ln)]
    return "\n".join(lines[-80:]) + "".join(f"\ninput: {a}" for a in artifacts)


@pytest.fixture(scope="module")
def built():
    make("fuzz-build")
    return {s: OUT / f"fuzz_{s}" for s in SURFACES}


@pytest.fixture(scope="module")
def fuzz_results(built, tmp_path_factory):
    """All harnesses, JOBS at a time; {surface: result of fuzz()}."""
    base = tmp_path_factory.mktemp("fuzz")

    def one(surface):
        work = base / surface
        work.mkdir()
        return fuzz(built[surface], FUZZ_DIR / "corpus" / surface, work, RUNS)

    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        return dict(zip(SURFACES, pool.map(one, SURFACES)))


def test_every_surface_has_a_harness_and_a_corpus():
    assert set(SURFACES) == {"config", "decoder", "vplic", "sbi", "gstage", "console_ring"}
    for s in SURFACES:
        seeds = [p for p in (FUZZ_DIR / "corpus" / s).iterdir() if p.is_file()]
        assert seeds, f"pytest/fuzz/corpus/{s} is empty (run pytest/fuzz/make_corpus.py)"
        assert (FUZZ_DIR / "regressions" / s).is_dir(), f"no pytest/fuzz/regressions/{s}/"


@pytest.mark.parametrize("surface", SURFACES)
def test_fuzz(fuzz_results, surface):
    ok, executions, seconds, log, artifacts = fuzz_results[surface]
    assert ok, f"fuzz_{surface} failed:\n{report(log, artifacts)}"
    assert executions >= RUNS, f"fuzz_{surface} ran {executions} inputs, not {RUNS}"
    print(f"fuzz_{surface}: {executions} executions in {seconds:.1f} s "
          f"({executions / seconds:.0f}/s)")


@pytest.mark.parametrize("surface", SURFACES)
def test_regressions(built, surface):
    inputs = sorted(p for p in (FUZZ_DIR / "regressions" / surface).iterdir()
                    if p.is_file() and not p.name.startswith(".") and p.suffix != ".md")
    if not inputs:
        pytest.skip(f"no regression inputs for {surface}")
    r = subprocess.run([str(built[surface]), *map(str, inputs)], capture_output=True, text=True,
                       env=ENV, timeout=300, stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and not REPORTS.search(r.stderr), \
        f"a regression input of {surface} fails again:\n{report(r.stderr, [])}"


@pytest.fixture(scope="module")
def mutant_results(built, tmp_path_factory):
    """Every mutant built and fuzzed, JOBS at a time; {name: (result of fuzz(), build log)}."""
    base = tmp_path_factory.mktemp("mutants")

    def one(mutant):
        name, surface, path, text, replacement, _ = mutant
        work = base / name
        work.mkdir()
        args = [f"FUZZ_MUTANT={surface}", f"FUZZ_MUTANT_BIN={work}/fuzz_{surface}"]
        if path is None:
            args.append(f"FUZZ_MUTANT_CFLAGS={text}")
        else:
            src = (ROOT / path).read_text()
            if src.count(text) != 1:
                return None, f"{path}: the text to change is gone:\n{text}"
            mutated = work / Path(path).name
            mutated.write_text(src.replace(text, replacement))
            args.append(f"FUZZ_MUTANT_SRC={mutated}")
        r = subprocess.run(["make", "-s", "--no-print-directory", f"BUILD={BUILD}",
                            "fuzz-mutant", *args], cwd=ROOT, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            return None, r.stdout + r.stderr
        return fuzz(work / f"fuzz_{surface}", FUZZ_DIR / "corpus" / surface, work,
                    MUTANT_RUNS), ""

    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        return dict(zip([m[0] for m in MUTANTS], pool.map(one, MUTANTS)))


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_harness_catches_planted_bug(mutant_results, mutant):
    name, surface, _, _, _, expected = mutant
    result, build_log = mutant_results[name]
    assert result is not None, f"mutant {name} not built:\n{build_log}"
    ok, executions, seconds, log, artifacts = result
    assert not ok, (f"fuzz_{surface} did not catch the planted bug {name} in {executions} "
                    f"inputs:\n{report(log, artifacts)}")
    assert expected in log, f"{name}: expected a report with {expected!r}:\n{report(log, [])}"
    assert artifacts, f"{name}: libFuzzer wrote no crashing input"
    print(f"{name}: caught after {executions or 'a few'} inputs, {seconds:.1f} s")
