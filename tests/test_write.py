"""Writing a change set: all or nothing, only over what was read, through links, one run at
a time, and with each file's line endings."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from codemod import workflow
from tests.test_cli import git, go, init_repo, run, tree_digest

_MAIN = (
    "package main\n\n"
    'import (\n\t"fmt"\n\t_ "net/http/pprof"\n\t"regexp"\n)\n\n'
    "var word = regexp.MustCompile(`^[a-z]+$`)\n\n"
    'func main() {\n\tfmt.Println(word.MatchString("abc"))\n}\n'
)
_LIB = 'package main\n\nimport "regexp"\n\nvar digits = regexp.MustCompile(`^[0-9]+$`)\n'


def module(root: Path, **files: str) -> Path:
    """A standard-library-only main module with `files` (name -> text)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    for name, text in {"main.go": _MAIN, "lib.go": _LIB, **files}.items():
        (root / name).write_bytes(text.encode())
    return root


def lazy_init_plan(root: Path) -> workflow.Plan:
    result = workflow.scan([root], ["lazy-init"])
    return workflow.plan(result, verify_build=False)


def one_line_error(res: subprocess.CompletedProcess[str], *words: str) -> None:
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().count("\n") == 0, res.stderr
    assert "Traceback" not in res.stderr
    for word in words:
        assert word in res.stderr, res.stderr


# ---------------------------------------------------------------------------- item 9


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def test_crlf_package_stays_crlf(tmp_path: Path) -> None:
    root = module(tmp_path / "m", **{"main.go": crlf(_MAIN), "lib.go": crlf(_LIB)})
    init_repo(root)
    patch = tmp_path / "fix.patch"
    res = run("apply", "--rule", "all", "--unsafe-fixes", "--diff", str(patch), cwd=root)
    assert res.returncode == 1, res.stderr
    res = run("apply", "--rule", "all", "--unsafe-fixes", cwd=root)
    assert res.returncode == 0, res.stderr
    for name in ("main.go", "lib.go", "codemod_lazyinit_test.go", "debug_pprof.go"):
        data = (root / name).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), f"{name}: {data!r}"
    assert b"sync.OnceValue" in (root / "lib.go").read_bytes()
    assert b'"sync"\r\n' in (root / "main.go").read_bytes()  # an added import line
    assert b"net/http/pprof" not in (root / "main.go").read_bytes()  # a removed one
    go("build", "-o", os.devnull, "./...", cwd=root)
    go("vet", "./...", cwd=root)
    go("test", "-count=1", "./...", cwd=root)
    written = tree_digest(root)
    again = run("apply", "--rule", "all", "--unsafe-fixes", "--allow-dirty", cwd=root)
    assert again.returncode == 0 and "applied 0 fix(es) to 0 file(s)" in again.stderr
    assert tree_digest(root) == written
    git("stash", "-u", "-q", cwd=root)
    git("apply", str(patch), cwd=root)
    assert tree_digest(root) == written


def test_crlf_file_that_is_otherwise_gofmt_clean_is_formatted(tmp_path: Path) -> None:
    """The longer line re-aligns its neighbour's comment, as in the LF file."""
    lib = (
        'package main\n\nimport "regexp"\n\nvar (\n'
        "\tx      = 1                              // one\n"
        "\tdigits = regexp.MustCompile(`^[0-9]+$`) // digits\n)\n"
    )
    lf_root = module(tmp_path / "lf", **{"lib.go": lib})
    crlf_root = module(tmp_path / "crlf", **{"lib.go": crlf(lib)})
    lf_after = lazy_init_plan(lf_root).changes.changes[lf_root / "lib.go"].after
    crlf_after = lazy_init_plan(crlf_root).changes.changes[crlf_root / "lib.go"].after
    one, digits = (line for line in lf_after.splitlines() if b"//" in line)
    assert one.index(b"// one") == digits.index(b"// digits")  # gofmt re-aligned them
    assert crlf_after.replace(b"\r\n", b"\n") == lf_after
    assert crlf_after.count(b"\n") == crlf_after.count(b"\r\n")
