"""`codemod deps`: dependencies from the module cache, patched in copies that a go.work
builds in, the user's module untouched. The dependencies come from a `file://` module
proxy the test lays out, into a module cache of its own: no network."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemod import deps, gotool, inittrace
from tests.test_cli import git, go, init_repo, run, tree_digest

TABLES = {
    "go.mod": "module example.com/tables\n\ngo 1.22\n",
    "tables.go": """package tables

import "regexp"

var word = regexp.MustCompile(`^[a-z]+$`)

// Upper is API: a safe fix leaves an exported variable as it is.
var Upper = regexp.MustCompile(`^[A-Z]+$`)

// IsWord reports whether s is a lower-case word.
func IsWord(s string) bool { return word.MatchString(s) }
""",
    "unused/unused.go": """package unused

import "regexp"

var notLinked = regexp.MustCompile(`^x$`)

func X(s string) bool { return notLinked.MatchString(s) }
""",
    "tables_test.go": """package tables

import "testing"

func TestIsWord(t *testing.T) {
	if !IsWord("abc") || IsWord("a1") {
		t.Fatal("IsWord")
	}
}
""",
}

# Its test pins the source of the variable (as a golden-source test does): the lazy
# rewrite breaks it, so the patch must be rolled back, though the program builds with it.
STRICT = {
    "go.mod": "module example.com/strict\n\ngo 1.22\n",
    "strict.go": """package strict

import "regexp"

var digits = regexp.MustCompile(`^[0-9]+$`)

// IsNumber reports whether s is all digits.
func IsNumber(s string) bool { return digits.MatchString(s) }
""",
    "strict_test.go": """package strict

import (
	"os"
	"strings"
	"testing"
)

func TestSourceIsPinned(t *testing.T) {
	src, err := os.ReadFile("strict.go")
	if err != nil || !strings.Contains(string(src), "var digits = regexp.MustCompile(") {
		t.Fatalf("strict.go: the digits table is not built at init")
	}
}
""",
}

# Its only finding is in a generator kept beside the package behind a build tag, which
# no build links: nothing to patch, so no copy.
GEN = {
    "go.mod": "module example.com/gen\n\ngo 1.22\n",
    "gen.go": """package gen

// Name is the package's name.
func Name() string { return "gen" }
""",
    "mkdata.go": """//go:build generate

package main

import (
	"fmt"
	"regexp"
)

var line = regexp.MustCompile(`^x$`)

func main() { fmt.Println(line.MatchString("x")) }
""",
}

# Published before modules: its zip has no go.mod (go synthesizes one), and its test
# imports another module of the build, which the copy's bare go.mod does not require.
OLD = {
    "go.mod": "module example.com/old\n",
    "old.go": """package old

import "regexp"

var vowel = regexp.MustCompile(`^[aeiou]$`)

// IsVowel reports whether s is one vowel.
func IsVowel(s string) bool { return vowel.MatchString(s) }
""",
    "old_test.go": """package old

import (
	"testing"

	"example.com/tables"
)

func TestIsVowel(t *testing.T) {
	if !IsVowel("a") || IsVowel("b") || !tables.IsWord("a") {
		t.Fatal("IsVowel")
	}
}
""",
}

# One of its tests fails before any patch (as cobra's does when run as root): no reason
# to roll the patch back, as long as no other test fails with it.
BROKEN = {
    "go.mod": "module example.com/broken\n\ngo 1.22\n",
    "broken.go": """package broken

import "regexp"

var hex = regexp.MustCompile(`^[0-9a-f]+$`)

// IsHex reports whether s is lower-case hex.
func IsHex(s string) bool { return hex.MatchString(s) }
""",
    "broken_test.go": """package broken

import "testing"

func TestIsHex(t *testing.T) {
	if !IsHex("0f") || IsHex("x") {
		t.Fatal("IsHex")
	}
}

func TestNeedsAService(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) { t.Fatal("no service here") })
	}
}
""",
}

# A test that panics without the patch too stops the package's run there: the tests
# after it, one of which the patch breaks, must still run.
PANICS = {
    "go.mod": "module example.com/panics\n\ngo 1.22\n",
    "panics.go": """package panics

import "regexp"

var octal = regexp.MustCompile(`^[0-7]+$`)

// IsOctal reports whether s is octal digits.
func IsOctal(s string) bool { return octal.MatchString(s) }
""",
    "panics_test.go": """package panics

import (
	"os"
	"strings"
	"testing"
)

func TestNeedsAFile(t *testing.T) {
	if _, err := os.Stat("/no/such/file"); err != nil {
		panic(err)
	}
}

func TestSourceIsPinned(t *testing.T) {
	src, _ := os.ReadFile("panics.go")
	if !strings.Contains(string(src), "var octal = regexp.MustCompile(") {
		t.Fatal("panics.go: octal is not built at init")
	}
}
""",
}

APP = {
    "go.mod": """module example.com/app

go 1.22

require (
	example.com/broken v0.1.0
	example.com/gen v0.1.0
	example.com/old v0.1.0
	example.com/panics v0.1.0
	example.com/strict v0.1.0
	example.com/tables v0.1.0
)
""",
    "cmd/app/main.go": """package main

import (
	"fmt"

	"example.com/broken"
	"example.com/gen"
	"example.com/old"
	"example.com/panics"
	"example.com/strict"
	"example.com/tables"
)

func main() {
	gen.Name()
	broken.IsHex("0")
	old.IsVowel("a")
	panics.IsOctal("7")
	fmt.Println(tables.IsWord("abc"), strict.IsNumber("12"))
}
""",
}


def _publish(
    proxy: Path, path: str, version: str, files: dict[str, str], zip_gomod: bool = True
) -> None:
    """One module version laid out as the GOPROXY protocol serves it (without go.mod in
    its zip: published before modules)."""
    at = proxy / path / "@v"
    at.mkdir(parents=True, exist_ok=True)
    with (at / "list").open("a") as f:
        f.write(version + "\n")
    info = {"Version": version, "Time": "2024-01-01T00:00:00Z"}
    (at / f"{version}.info").write_text(json.dumps(info))
    (at / f"{version}.mod").write_text(files["go.mod"])
    with zipfile.ZipFile(at / f"{version}.zip", "w") as z:
        for name, text in files.items():
            if name != "go.mod" or zip_gomod:
                z.writestr(f"{path}@{version}/{name}", text)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A program in a git repository whose two dependencies are in a private module
    cache, fetched from a local proxy; go.sum written by go itself."""
    proxy = tmp_path / "proxy"
    _publish(proxy, "example.com/tables", "v0.1.0", TABLES)
    _publish(proxy, "example.com/strict", "v0.1.0", STRICT)
    _publish(proxy, "example.com/gen", "v0.1.0", GEN)
    _publish(proxy, "example.com/broken", "v0.1.0", BROKEN)
    _publish(proxy, "example.com/panics", "v0.1.0", PANICS)
    _publish(proxy, "example.com/old", "v0.1.0", OLD, zip_gomod=False)
    cache = tmp_path / "modcache"
    monkeypatch.setenv("GOMODCACHE", str(cache))
    monkeypatch.setenv("GOPROXY", proxy.as_uri())
    monkeypatch.setenv("GOSUMDB", "off")
    root = tmp_path / "app"
    _write(root, APP)
    go("mod", "download", "all", cwd=root)
    go("mod", "tidy", cwd=root)
    monkeypatch.setenv("GOPROXY", "off")  # from here on, only the cache
    init_repo(root)
    yield root
    gotool.run(["clean", "-modcache"], cwd=root)  # its files are read-only


def _gowork(root: Path) -> str:
    return (root / ".codemod/deps/go.work").read_text()


def test_deps_patches_a_copy_and_builds_the_program_through_go_work(app: Path) -> None:
    gomod, gosum = (app / "go.mod").read_bytes(), (app / "go.sum").read_bytes()
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app)
    assert res.returncode == 0, res.stderr
    assert (app / "go.mod").read_bytes() == gomod
    assert (app / "go.sum").read_bytes() == gosum
    assert git("status", "--porcelain", "--untracked-files=all", cwd=app) == ""
    assert _gowork(app) == (
        "// Written by codemod deps: the program with patched copies of its dependencies.\n\n"
        "go 1.22\n\nuse ../..\n\n"
        "replace example.com/broken v0.1.0 => ./example.com/broken@v0.1.0\n"
        "replace example.com/old v0.1.0 => ./example.com/old@v0.1.0\n"
        "replace example.com/tables v0.1.0 => ./example.com/tables@v0.1.0\n"
    )
    copy = app / ".codemod/deps/example.com/tables@v0.1.0"
    patched = (copy / "tables.go").read_text()
    assert "var word = sync.OnceValue(" in patched and "word()" in patched, patched
    assert "var Upper = regexp.MustCompile(" in patched  # exported: API, left alone
    assert (copy / "unused/unused.go").read_text() == TABLES["unused/unused.go"]  # not linked
    assert (copy / "tables.go").stat().st_mode & 0o200  # the copy is writable
    # the strict module's own test pins the variable's type: rolled back, and why
    assert "rolled back example.com/strict@v0.1.0: go test" in res.stderr, res.stderr
    assert not (app / ".codemod/deps/example.com/strict@v0.1.0").exists()
    gowork = app / ".codemod/deps/go.work"
    assert f"GOWORK={gowork} go build ./cmd/app" in res.stderr
    # the program builds with the workspace, links the patched copy, and its init shrinks
    listed = gotool.list_deps(app, ["./cmd/app"], env={"GOWORK": str(gowork)})
    assert {p.import_path: p.dir for p in listed}["example.com/tables"] == copy
    before = _init_allocs(app, {}, "example.com/tables")
    after = _init_allocs(app, {"GOWORK": str(gowork)}, "example.com/tables")
    assert after < before


def _init_allocs(app: Path, env: dict[str, str], package: str) -> int:
    """Allocations of `package`'s init in the program built with `env`, per inittrace."""
    binary = app.parent / "app.bin"
    built = gotool.build_binary(app, "./cmd/app", binary, env=env)
    assert built.ok, built.stderr
    ran = subprocess.run(
        [binary], capture_output=True, text=True, env={"GODEBUG": "inittrace=1"}, check=True
    )
    assert ran.stdout == "true true\n"
    records = {r.package: r for r in inittrace.parse(ran.stderr).records}
    return records[package].allocs


def test_deps_twice_changes_nothing_and_removes_stale_copies(app: Path) -> None:
    assert run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app).returncode == 0
    first = tree_digest(app / ".codemod")
    times = _mtimes(app / ".codemod")
    stale = app / ".codemod/deps/example.com/gone@v1.0.0"
    (stale / "sub").mkdir(parents=True)
    (stale / "go.mod").write_text("module example.com/gone\n")
    again = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app)
    assert again.returncode == 0, again.stderr
    assert tree_digest(app / ".codemod") == first
    # each copy and the go.work were left as they were, not copied and verified again
    assert _mtimes(app / ".codemod") == times
    assert not stale.exists()
    assert "removed the stale copy .codemod/deps/example.com/gone@v1.0.0" in again.stderr


def _mtimes(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_deps_takes_a_fresh_copy_when_the_version_changes(
    app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app).returncode == 0
    _publish(tmp_path / "proxy", "example.com/tables", "v0.2.0", TABLES)
    monkeypatch.setenv("GOPROXY", (tmp_path / "proxy").as_uri())
    go("get", "example.com/tables@v0.2.0", cwd=app)  # the user upgrades
    monkeypatch.setenv("GOPROXY", "off")
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app)
    assert res.returncode == 0, res.stderr
    assert "replace example.com/tables v0.2.0 => ./example.com/tables@v0.2.0" in _gowork(app)
    assert "tables v0.1.0" not in _gowork(app)
    deps = app / ".codemod/deps/example.com"
    assert (deps / "tables@v0.2.0/tables.go").read_text().count("sync.OnceValue") == 1
    assert not (deps / "tables@v0.1.0").exists()


def test_deps_dry_run_prints_copy_relative_diffs_and_writes_nothing(app: Path) -> None:
    before = tree_digest(app)
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--dry-run", cwd=app)
    assert res.returncode == 0, res.stderr
    copy = ".codemod/deps/example.com/tables@v0.1.0"
    assert f"diff --git a/{copy}/tables.go b/{copy}/tables.go" in res.stdout
    assert "+var word = sync.OnceValue(" in res.stdout
    assert tree_digest(app) == before
    assert not (app / ".codemod").exists()


def test_deps_module_globs_choose_the_modules(app: Path) -> None:
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/strict", cwd=app)
    assert res.returncode == 0, res.stderr
    assert "tables" not in _gowork(app)
    assert "rolled back example.com/strict@v0.1.0" in res.stderr


def test_deps_of_no_package_is_one_line_exit_2(app: Path) -> None:
    res = run("deps", "--pkg", "./cmd/none", "--rule", "lazy-init", cwd=app)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert not (app / ".codemod").exists()


@pytest.mark.parametrize("target", [".", "..", "cmd"])
def test_deps_refuses_a_dir_it_does_not_own(app: Path, target: str) -> None:
    """The module itself, above it, or a directory of the user's: never rewritten."""
    before = tree_digest(app)
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--dir", target, cwd=app)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "--dir" in res.stderr
    assert tree_digest(app) == before


def test_deps_unknown_rule_or_no_match_is_said(app: Path) -> None:
    bad = run("deps", "--pkg", "./cmd/app", "--rule", "no-such-rule", "--module", "x/*", cwd=app)
    assert bad.returncode == 2 and "no-such-rule" in bad.stderr, bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    none = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/tables", cwd=app)
    assert none.returncode == 0, none.stderr
    none = run("deps", "--pkg", "./cmd/app", "--rule", "debug-imports", cwd=app)
    assert none.returncode == 0, none.stderr
    assert "no dependency module of the build has a safe fix" in none.stderr


def test_deps_patches_apply_with_git_apply_on_a_clean_checkout(app: Path, tmp_path: Path) -> None:
    """--patches: one diff per kept module that `git apply` takes on a pristine checkout
    of that version, giving the patched copy byte for byte (generated test file too)."""
    out = tmp_path / "patches"
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--patches", str(out), cwd=app)
    assert res.returncode == 0, res.stderr
    stem = "example.com_tables@v0.1.0"
    names = {p.name for p in out.iterdir()}
    assert {f"{stem}.md", f"{stem}.patch"} <= names
    assert not any(n.startswith("example.com_strict@") for n in names)  # rolled back: none
    patch = out / f"{stem}.patch"
    text = patch.read_text()
    assert text.startswith("diff --git a/")
    assert "--- /dev/null\n+++ b/codemod_lazyinit_test.go\n" in text, text
    assert f"wrote {os.path.relpath(patch, app)}" in res.stderr, res.stderr
    clean = tmp_path / "clean"
    deps.copy_writable(tmp_path / "modcache/example.com/tables@v0.1.0", clean)
    init_repo(clean)
    git("apply", "--check", str(patch), cwd=clean)
    git("apply", str(patch), cwd=clean)
    copy = app / ".codemod/deps/example.com/tables@v0.1.0"
    assert (copy / "codemod_lazyinit_test.go").is_file()
    assert tree_digest(clean) == tree_digest(copy)
    pr = (out / f"{stem}.md").read_text()
    assert "`tables.go:5`" in pr and "word" in pr, pr
    assert "GODEBUG=inittrace=1" in pr and "go test ." in pr, pr
    assert "## How to measure" in pr and "## Measured" not in pr, pr


def test_deps_bench_prints_the_saving_per_patched_module_and_the_total(
    app: Path, tmp_path: Path
) -> None:
    out = tmp_path / "patches"
    res = run(
        "deps",
        *("--pkg", "./cmd/app", "--rule", "lazy-init", "--patches", str(out)),
        *("--bench", "-n", "3"),
        cwd=app,
    )
    assert res.returncode == 0, res.stderr
    gowork = app / ".codemod/deps/go.work"
    before = _init_allocs(app, {}, "example.com/tables")
    after = _init_allocs(app, {"GOWORK": str(gowork)}, "example.com/tables")
    rows = [ln for ln in res.stdout.splitlines() if "example.com/tables@v0.1.0" in ln]
    assert len(rows) == 1 and f"{before} -> {after}" in rows[0], res.stdout
    assert "example.com/strict" not in res.stdout  # rolled back: not measured
    assert "package init (sum of clock)" in res.stdout, res.stdout
    assert "3 interleaved runs each" in res.stdout
    pr = (out / "example.com_tables@v0.1.0.md").read_text()
    assert "## Measured" in pr and "## How to measure" not in pr, pr
    assert "| `example.com/tables` |" in pr and f"{before} → {after}" in pr, pr


def test_deps_patches_or_bench_with_dry_run_is_refused(tmp_path: Path) -> None:
    for flag in (("--patches", "out"), ("--bench",)):
        res = run("deps", "--pkg", ".", "--rule", "lazy-init", "--dry-run", *flag, cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "--dry-run" in res.stderr
        assert not (tmp_path / "out").exists()


def test_deps_vendor_takes_no_patches_or_bench(tmp_path: Path) -> None:
    """--vendor keeps its own patches in --dir, measures nothing and makes safe fixes
    only: refused up front."""
    for flag in (("--patches", "out"), ("--bench",), ("--unsafe-fixes",)):
        res = run("deps", "--pkg", ".", "--rule", "lazy-init", "--vendor", *flag, cwd=tmp_path)
        assert res.returncode == 2, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "--vendor" in res.stderr
        assert flag[0] in res.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flag", "said"),
    [(("--ready", "tcp:x:"), "--ready tcp:x:"), (("--args", '"x'), '--args "x')],
)
def test_deps_bench_options_are_checked_first(
    tmp_path: Path, flag: tuple[str, str], said: str
) -> None:
    """Named as typed (no emoji for `:x:`), one line, before anything is done."""
    res = run("deps", "--pkg", ".", "--rule", "lazy-init", "--bench", *flag, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines() == [res.stderr.strip()] and said in res.stderr, (
        res.stderr
    )


# ---------------------------------------------------------------------------- --unsafe-fixes

# Re and Digits are API: a safe fix leaves them; --unsafe-fixes makes them lazy program-wide.
LIB_A = {
    "go.mod": "module example.com/a\n\ngo 1.22\n",
    "a.go": """package a

import "regexp"

var spaces = regexp.MustCompile(`\\s+`)

// Re matches a lower-case word; example.com/b reads it.
var Re = regexp.MustCompile(`^[a-z]+$`)

// Digits matches a number.
var Digits = regexp.MustCompile(`^[0-9]+$`)

// Squeeze replaces each run of spaces with one.
func Squeeze(s string) string { return spaces.ReplaceAllString(s, " ") }
""",
}

LIB_B = {
    "go.mod": "module example.com/b\n\ngo 1.22\n\nrequire example.com/a v0.1.0\n",
    "b.go": """package b

import "example.com/a"

// Word reports whether s is a lower-case word.
func Word(s string) bool { return a.Re.MatchString(s) }
""",
    "b_test.go": """package b

import "testing"

func TestWord(t *testing.T) {
	if !Word("abc") || Word("A") {
		t.Fatal("Word")
	}
}
""",
}

USER_MAIN = """package main

import (
	"fmt"

	"example.com/a"
	"example.com/b"
)

func main() {
	fmt.Println(b.Word("abc"), a.Squeeze("x  y"))
}
"""


def _program(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    main: str = USER_MAIN,
    lib_b: dict[str, str] = LIB_B,
) -> Path:
    """The user's program (imports a and b; b reads a.Re) in a git repository, a and b
    in a private module cache fetched from a local proxy, then GOPROXY=off."""
    proxy = tmp_path / "proxy"
    _publish(proxy, "example.com/a", "v0.1.0", LIB_A)
    _publish(proxy, "example.com/b", "v0.1.0", lib_b)
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "modcache"))
    monkeypatch.setenv("GOPROXY", proxy.as_uri())
    monkeypatch.setenv("GOSUMDB", "off")
    root = tmp_path / "app"
    gomod = "module example.com/app\n\ngo 1.22\n\nrequire (\n"
    gomod += "\texample.com/a v0.1.0\n\texample.com/b v0.1.0\n)\n"
    _write(root, {"go.mod": gomod, "cmd/app/main.go": main})
    go("mod", "tidy", cwd=root)
    monkeypatch.setenv("GOPROXY", "off")
    init_repo(root)
    return root


@pytest.fixture
def clean_cache(tmp_path: Path) -> Iterator[None]:
    yield
    if (tmp_path / "app").is_dir():
        gotool.run(["clean", "-modcache"], cwd=tmp_path / "app")  # its files are read-only


def _run_program(app: Path) -> str:
    gowork = app / ".codemod/deps/go.work"
    binary = app.parent / "app.bin"
    built = gotool.build_binary(app, "./cmd/app", binary, env={"GOWORK": str(gowork)})
    assert built.ok, built.stderr
    return subprocess.run([binary], capture_output=True, text=True, check=True).stdout


def test_deps_unsafe_fixes_make_exported_vars_lazy_in_every_module_of_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_cache: None
) -> None:
    app = _program(tmp_path, monkeypatch)
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--unsafe-fixes", cwd=app)
    assert res.returncode == 0, res.stderr
    assert _user_files_same(app)
    assert git("status", "--porcelain", "--untracked-files=all", cwd=app) == ""
    copies = app / ".codemod/deps/example.com"
    lib_a = (copies / "a@v0.1.0/a.go").read_text()
    assert "var Re = sync.OnceValue(" in lib_a and "var Digits = sync.OnceValue(" in lib_a
    assert "var spaces = sync.OnceValue(" in lib_a  # the safe fix, in the same unit
    # b only gains rewritten references: it gets a copy and a replace all the same
    assert "return a.Re().MatchString(s)" in (copies / "b@v0.1.0/b.go").read_text()
    gowork = _gowork(app)
    assert "replace example.com/a v0.1.0 => ./example.com/a@v0.1.0" in gowork
    assert "replace example.com/b v0.1.0 => ./example.com/b@v0.1.0" in gowork
    assert _run_program(app) == "true x y\n"
    assert "patched example.com/b@v0.1.0" in res.stderr, res.stderr
    # a second run changes nothing
    first = tree_digest(app / ".codemod")
    again = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--unsafe-fixes", cwd=app)
    assert again.returncode == 0, again.stderr
    assert tree_digest(app / ".codemod") == first


def _user_files_same(app: Path) -> bool:
    """go.mod, go.sum and the code as committed, byte for byte."""
    return all(
        (app / name).read_bytes() == git("show", f"HEAD:{name}", cwd=app).encode()
        for name in ("go.mod", "go.sum", "cmd/app/main.go")
    )


def test_deps_without_unsafe_fixes_leaves_exported_vars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_cache: None
) -> None:
    app = _program(tmp_path, monkeypatch)
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app)
    assert res.returncode == 0, res.stderr
    lib_a = (app / ".codemod/deps/example.com/a@v0.1.0/a.go").read_text()
    assert "var spaces = sync.OnceValue(" in lib_a
    assert "var Re = regexp.MustCompile(" in lib_a
    assert not (app / ".codemod/deps/example.com/b@v0.1.0").exists()
    assert _run_program(app) == "true x y\n"


def test_deps_unsafe_fix_of_a_var_the_user_reads_is_refused_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_cache: None
) -> None:
    main = USER_MAIN.replace(
        'fmt.Println(b.Word("abc"), a.Squeeze("x  y"))',
        'fmt.Println(b.Word("abc"), a.Squeeze("x  y"))\n\tfmt.Println(a.Digits.MatchString("12"))',
    )
    app = _program(tmp_path, monkeypatch, main=main)
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--unsafe-fixes", cwd=app)
    assert res.returncode == 0, res.stderr
    assert _user_files_same(app)
    refused = [ln for ln in res.stderr.splitlines() if "Digits" in ln]
    assert len(refused) == 1, res.stderr
    assert "cmd/app/main.go:12" in refused[0] and "never edits" in refused[0], refused
    lib_a = (app / ".codemod/deps/example.com/a@v0.1.0/a.go").read_text()
    assert "var Digits = regexp.MustCompile(" in lib_a  # refused
    assert "var Re = sync.OnceValue(" in lib_a  # the rest goes ahead
    assert "a.Re().MatchString" in (app / ".codemod/deps/example.com/b@v0.1.0/b.go").read_text()
    assert _run_program(app) == "true x y\ntrue\n"


def test_deps_unsafe_unit_that_fails_verification_falls_back_to_safe_fixes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_cache: None
) -> None:
    """b's test pins its source: the unit (a's API change and b's rewrite) cannot be
    kept, and rolling back b alone would break b; a keeps its safe fix only."""
    pinned = """package b

import (
	"os"
	"strings"
	"testing"
)

func TestSourceIsPinned(t *testing.T) {
	src, err := os.ReadFile("b.go")
	if err != nil || !strings.Contains(string(src), "a.Re.MatchString") {
		t.Fatal("b.go: a.Re is not read as a variable")
	}
}
"""
    app = _program(tmp_path, monkeypatch, lib_b={**LIB_B, "b_test.go": pinned})
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--unsafe-fixes", cwd=app)
    assert res.returncode == 0, res.stderr
    fallback = [ln for ln in res.stderr.splitlines() if "safe fixes only" in ln]
    assert len(fallback) == 1 and "b.go: a.Re is not read as a variable" in fallback[0], res.stderr
    lib_a = (app / ".codemod/deps/example.com/a@v0.1.0/a.go").read_text()
    assert "var spaces = sync.OnceValue(" in lib_a
    assert "var Re = regexp.MustCompile(" in lib_a
    assert not (app / ".codemod/deps/example.com/b@v0.1.0").exists()
    assert "example.com/b" not in _gowork(app)
    assert _run_program(app) == "true x y\n"


def test_deps_patches_with_unsafe_fixes_is_refused(tmp_path: Path) -> None:
    """A patch for upstream may not change its API: refused before anything is done."""
    args = ("--pkg", ".", "--rule", "lazy-init", "--unsafe-fixes", "--patches", "out")
    res = run("deps", *args, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "--unsafe-fixes" in res.stderr
    assert not (tmp_path / "out").exists()


def test_deps_leaves_a_generator_beside_a_linked_package_alone(app: Path) -> None:
    """`package main` behind `//go:build generate` in a linked package's directory: not
    linked, so its finding is no reason to copy the module (it used to be 'patched')."""
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/gen", cwd=app)
    assert res.returncode == 0, res.stderr
    assert "no dependency module of the build has a safe fix" in res.stderr, res.stderr
    assert "example.com/gen" not in _gowork(app)
    assert not (app / ".codemod/deps/example.com/gen@v0.1.0").exists()


def test_deps_tests_a_pre_modules_dependency_in_the_programs_build(app: Path) -> None:
    """No go.mod in the module: its copy's synthesized one requires nothing, so its test's
    imports used to fail in the copy ('no required module provides package'), always."""
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/old", cwd=app)
    assert res.returncode == 0, res.stderr
    assert "patched example.com/old@v0.1.0: 1 fix(es)" in res.stderr, res.stderr
    assert "replace example.com/old v0.1.0 => ./example.com/old@v0.1.0" in _gowork(app)


def test_deps_keeps_a_patch_whose_tests_fail_without_it_too(app: Path) -> None:
    """A test that fails before the patch too used to roll the patch back, blamed on it."""
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/broken", cwd=app)
    assert res.returncode == 0, res.stderr
    assert (
        "kept example.com/broken@v0.1.0: its tests fail without the patch too: TestNeedsAService"
    ) in res.stderr, res.stderr
    assert "patched example.com/broken@v0.1.0: 1 fix(es)" in res.stderr, res.stderr
    assert "example.com/broken v0.1.0" in _gowork(app)


def test_deps_runs_the_tests_a_panic_without_the_patch_hid(app: Path) -> None:
    """TestNeedsAFile panics with or without the patch: the tests after it never ran, so
    the patch that breaks TestSourceIsPinned was kept."""
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/panics", cwd=app)
    assert res.returncode == 0, res.stderr
    assert (
        "rolled back example.com/panics@v0.1.0: go test . in the copy failed: "
        "TestSourceIsPinned: panics_test.go:18: panics.go: octal is not built at init"
    ) in res.stderr, res.stderr
    assert "panics" not in _gowork(app)


def test_deps_rolls_back_a_patch_that_breaks_a_test_and_names_it(app: Path) -> None:
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/strict", cwd=app)
    assert res.returncode == 0, res.stderr
    assert (
        "rolled back example.com/strict@v0.1.0: go test . in the copy failed: "
        "TestSourceIsPinned: strict_test.go:12: strict.go: the digits table is not built at init"
    ) in res.stderr, res.stderr


def test_deps_keeps_the_modules_of_the_users_own_go_work(app: Path) -> None:
    """The program builds in a go.work of the user's, with a module of theirs that no
    proxy serves: ours used to `use` the program alone, so the build failed and every
    patch was rolled back (or, were the module published, linked the wrong copy)."""
    local = app.parent / "local"
    _write(local, {"go.mod": "module example.com/local\n\ngo 1.22\n", "local.go": LOCAL})
    (app.parent / "go.work").write_text("go 1.22\n\nuse (\n\t./app\n\t./local\n)\n")
    _write(
        app,
        {"cmd/app/local.go": 'package main\n\nimport "example.com/local"\n\nvar _ = local.Hi\n'},
    )
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/tables", cwd=app)
    assert res.returncode == 0, res.stderr
    assert "patched example.com/tables@v0.1.0" in res.stderr, res.stderr
    gowork = _gowork(app)
    assert "use ../..\nuse ../../../local\n" in gowork, gowork
    assert "replace example.com/tables v0.1.0 => ./example.com/tables@v0.1.0" in gowork


LOCAL = """package local

// Hi says hi.
func Hi() string { return "hi" }
"""


def test_deps_module_glob_matching_nothing_fails_and_keeps_the_copies(app: Path) -> None:
    """A typo in --module used to remove every copy an earlier run made, exit 0."""
    assert run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app).returncode == 0
    before = tree_digest(app / ".codemod")
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "x/*", cwd=app)
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "--module x/*: matches no dependency module" in res.stderr
    assert tree_digest(app / ".codemod") == before
    assert "example.com/tables" in _gowork(app)


def test_deps_refuses_goflags_mod_mod(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """go refuses -mod=mod in workspace mode: every module used to be rolled back for
    it, one line each, exit 0, and a go.work written that does not build."""
    monkeypatch.setenv("GOFLAGS", "-mod=mod")
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app)
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "GOFLAGS has -mod=mod" in res.stderr
    assert not (app / ".codemod").exists()


def test_deps_module_subset_keeps_the_other_copies_still_in_the_build(app: Path) -> None:
    """A --module run redoes only the modules it chose: a copy of another module that
    is still in the build at that version stays, and stays in the go.work."""
    assert run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", cwd=app).returncode == 0
    full = _gowork(app)
    copies = app / ".codemod/deps/example.com"
    others = tree_digest(copies / "broken@v0.1.0"), tree_digest(copies / "old@v0.1.0")
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--module", "*/tables", cwd=app)
    assert res.returncode == 0, res.stderr
    assert _gowork(app) == full
    assert (tree_digest(copies / "broken@v0.1.0"), tree_digest(copies / "old@v0.1.0")) == others
    assert "removed the stale copy" not in res.stderr, res.stderr
    assert "kept the copy of example.com/old@v0.1.0" in res.stderr, res.stderr
    built = gotool.check(
        "build", app, ["./cmd/app"], None, env={"GOWORK": str(copies.parent / "go.work")}
    )
    assert built.ok, built.stderr


def test_deps_dir_that_cannot_be_written_names_it_exit_2(app: Path) -> None:
    """DIR under a regular file cannot be made, for root too: the message names DIR
    (not the user's go.mod) and says to give --dir elsewhere; nothing is written."""
    (app / "blocker").write_text("a file\n")
    before = tree_digest(app)
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--dir", "blocker/deps", cwd=app)
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert f"{app / 'blocker/deps'}: cannot write" in res.stderr, res.stderr
    assert "--dir" in res.stderr and "go.mod" not in res.stderr, res.stderr
    assert tree_digest(app) == before


def test_deps_dry_run_stdout_is_one_patch_with_copy_paths(app: Path) -> None:
    """Redirected to a file, the dry run's diff still says which module each hunk is
    in: every path is the file's place in its copy, relative to the module root."""
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--dry-run", cwd=app)
    assert res.returncode == 0, res.stderr
    headers = [ln for ln in res.stdout.splitlines() if ln.startswith("diff --git ")]
    paths = {ln.split(" b/", 1)[1] for ln in headers}
    copies = ".codemod/deps/example.com"
    for module in ("tables", "old", "broken", "strict", "panics"):
        assert any(p.startswith(f"{copies}/{module}@v0.1.0/") for p in paths), (module, paths)
    assert f"{copies}/tables@v0.1.0/tables.go" in paths
    for ln in res.stdout.splitlines():
        if ln.startswith(("--- a/", "+++ b/")):
            assert ln[6:].startswith(copies + "/"), ln
    assert "{" not in "".join(headers)
