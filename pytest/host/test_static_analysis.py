"""Static analysis (docs/static-analysis.md): cppcheck and clang's analyzer over hypervisor/,
inmates/ and tools/, sparse over driver/, each through scripts/static-analysis.sh.

The tree must have no finding that is not suppressed with its reason. That the tools do find
things is shown on planted defects: a small file (a module, for sparse) written to a temporary
directory and analysed with the flags of one of the tree's sets, where each tool must report
the defect at its line, an inline suppression or a suppressions-file entry must take it away,
and a suppression without its reason is refused.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from paths import BUILD, ROOT  # noqa: E402

SCRIPT = ROOT / "scripts" / "static-analysis.sh"
SUPP = ROOT / "scripts" / "static-analysis.supp"
SKIPPED = 77  # the script's status for "no kernel tree to run sparse against"


def analyse(*args, env=None, timeout=600):
    e = dict(os.environ, BUILD=str(BUILD))
    e.pop("BH_SA_SUPP", None)
    e.update(env or {})
    return subprocess.run([str(SCRIPT), *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, env=e, timeout=timeout)


def findings(r):
    return [line for line in r.stdout.splitlines() if line.strip()]


def no_kernel(r):
    if r.returncode == SKIPPED:
        pytest.skip("no built kernel tree to run sparse against (`make` builds it first; "
                    f"`make test` depends on it): {r.stderr.strip()}")


# ---------------------------------------------------------------- the tree

@pytest.mark.parametrize("tool", ["cppcheck", "clang", "sparse"])
def test_tree_has_no_unsuppressed_findings(tool):
    r = analyse(tool)
    if tool == "sparse":
        no_kernel(r)
    assert r.returncode != 2, f"{tool} could not run:\n{r.stderr}"
    assert r.returncode == 0 and not findings(r), (
        f"{tool}: {len(findings(r))} finding(s) not suppressed (fix them, or suppress a false "
        f"positive with its reason: docs/static-analysis.md):\n" + "\n".join(findings(r)) +
        f"\n{r.stderr}")


def test_every_suppression_has_its_reason():
    bad = []
    for n, line in enumerate(SUPP.read_text().splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            if " # " not in line or len(line.split(" # ", 1)[1].strip()) < 10:
                bad.append(f"{SUPP.relative_to(ROOT)}:{n}: {line}")
    inline = re.compile(r"cppcheck-suppress\S*\s+\S+\s*(?:;|//)\s*(\S.*?)\s*(?:\*/)?\s*$")
    for top in ("hypervisor", "inmates", "tools", "include", "driver"):
        for p in sorted((ROOT / top).rglob("*.[ch]")):
            for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
                if "cppcheck-suppress" in line:
                    m = inline.search(line)
                    if not m or len(m.group(1)) < 5:
                        bad.append(f"{p.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bad, "suppressions without a reason (` # reason` in the file, " \
        "`cppcheck-suppress ID ; reason` inline):\n" + "\n".join(bad)


# ---------------------------------------------------------------- planted defects

# Each defect on a line of its own, found by the named tool's named check.
PLANTED_C = """\
#include <stddef.h>
#include <stdint.h>

int planted_oob(void);
int planted_oob(void)
{
	static const int a[4] = {0, 1, 2, 3};
	return a[4]; /* PLANT cppcheck arrayIndexOutOfBounds */
}

int planted_null(const int *p);
int planted_null(const int *p)
{
	if (!p)
		return *p; /* PLANT clang core.NullDereference, cppcheck nullPointerRedundantCheck */
	return 0;
}
"""


def plant_line(text, marker):
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.parametrize("tool,check", [("cppcheck", "arrayIndexOutOfBounds"),
                                        ("clang", "core.NullDereference")])
@pytest.mark.parametrize("set_", ["hypervisor", "inmates", "hvctl"])
def test_planted_defect_is_reported(tmp_path, tool, check, set_):
    src = tmp_path / "planted.c"
    src.write_text(PLANTED_C)
    r = analyse(tool, "--set", set_, src, env={"BH_SA_OUT": tmp_path / "out"})
    line = plant_line(PLANTED_C, f"PLANT {tool} {check}")
    assert r.returncode == 1, f"{tool} found nothing in {src} (set {set_}):\n{r.stdout}{r.stderr}"
    assert any(f"{src}:{line}:" in f and f"{tool} {check}:" in f for f in findings(r)), \
        f"{tool} did not report {check} at line {line}:\n{r.stdout}{r.stderr}"


def test_planted_defect_is_suppressed_by_the_file_with_a_reason(tmp_path):
    src = tmp_path / "planted.c"
    src.write_text(PLANTED_C)
    supp = tmp_path / "supp"
    supp.write_text(f'clang core.NullDereference {src} "return *p;"  # planted on purpose\n'
                    f'clang core.uninitialized.* {src} "return a[4];"  # planted on purpose\n'
                    f"cppcheck arrayIndexOutOfBounds {src}  # planted on purpose\n"
                    f"cppcheck nullPointer* {src} \"return *p;\"  # planted on purpose\n")
    env = {"BH_SA_OUT": tmp_path / "out", "BH_SA_SUPP": supp}
    for tool in ("cppcheck", "clang"):
        r = analyse(tool, "--set", "hypervisor", src, env=env)
        assert r.returncode == 0 and not findings(r), f"{tool}:\n{r.stdout}{r.stderr}"
        assert "2 suppressed" in r.stderr, r.stderr
    # the TEXT of an entry must be on the finding's line (or its path): elsewhere it is not it
    supp.write_text(f'clang core.NullDereference {src} "return 0;"  # planted on purpose\n')
    r = analyse("clang", "--set", "hypervisor", src, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    # and an entry without its reason is refused
    supp.write_text(f"clang core.NullDereference {src}\n")
    r = analyse("clang", "--set", "hypervisor", src, env=env)
    assert r.returncode == 2 and "reason" in r.stderr, r.stdout + r.stderr


def test_planted_defect_is_suppressed_inline(tmp_path):
    src = tmp_path / "planted.c"
    src.write_text(PLANTED_C.replace(
        "\treturn a[4];", "\t/* cppcheck-suppress arrayIndexOutOfBounds ; planted */\n\treturn a[4];")
        .replace("\t\treturn *p;", "\t\t// cppcheck-suppress nullPointerRedundantCheck // planted\n"
                 "\t\treturn *p;"))
    r = analyse("cppcheck", "--set", "hypervisor", src, env={"BH_SA_OUT": tmp_path / "out"})
    assert r.returncode == 0 and not findings(r), r.stdout + r.stderr


PLANTED_MODULE = """\
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/uaccess.h>

int planted_counter; /* PLANT sparse: not declared, should it be static */

static int planted_read(int __user *p)
{
	return *p; /* PLANT sparse: a user pointer dereferenced */
}

static int __init planted_init(void)
{
	return planted_counter + planted_read(NULL);
}
module_init(planted_init);
MODULE_LICENSE("GPL");
"""


def test_sparse_reports_planted_defects(tmp_path):
    mod = tmp_path / "mod"
    mod.mkdir()
    (mod / "planted.c").write_text(PLANTED_MODULE)
    (mod / "Kbuild").write_text("obj-m := planted.o\n")
    r = analyse("sparse", "--module-dir", mod, env={"BH_SA_OUT": tmp_path / "out"})
    no_kernel(r)
    assert r.returncode == 1, f"sparse found nothing:\n{r.stdout}{r.stderr}"
    got = findings(r)
    undeclared = plant_line(PLANTED_MODULE, "not declared")
    user = plant_line(PLANTED_MODULE, "user pointer")
    assert any(f"{mod}/planted.c:{undeclared}:" in f and "was not declared" in f for f in got), got
    assert any(f"{mod}/planted.c:{user}:" in f and "noderef" in f for f in got), got
    # nothing from the kernel's own headers counts, only the module's file
    assert all(f.startswith(f"{mod}/planted.c:") for f in got), got
