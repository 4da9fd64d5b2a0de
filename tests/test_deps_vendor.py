"""`codemod deps --vendor` and `--reapply`: a vendored build's dependencies patched in
vendor/ itself, the patches kept in DIR and put back after `go mod vendor`. The modules
come from the `file://` proxy of test_deps, vendored by go itself; the module cache is
emptied afterwards, so every build below reads vendor/ (GOPROXY=off)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemod import deps, gotool, vendoring
from codemod.edits import TextEdit
from codemod.rule import FileFix, Fix, Pass, Rule, Safety
from tests.test_cli import git, go, init_repo, run, tree_digest
from tests.test_deps import STRICT, TABLES, _publish, _write

# test_deps's program with its first two dependencies only: what a vendored build needs
APP = {
    "go.mod": """module example.com/app

go 1.22

require (
	example.com/strict v0.1.0
	example.com/tables v0.1.0
)
""",
    "cmd/app/main.go": """package main

import (
	"fmt"

	"example.com/strict"
	"example.com/tables"
)

func main() {
	fmt.Println(tables.IsWord("abc"), strict.IsNumber("12"))
}
""",
}

LAZY = ("--pkg", "./cmd/app", "--rule", "lazy-init")


@pytest.fixture
def vendored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The program of test_deps with its two dependencies in vendor/ (`go mod vendor`),
    committed; the module cache is empty and the proxy off from here on."""
    proxy = tmp_path / "proxy"
    _publish(proxy, "example.com/tables", "v0.1.0", TABLES)
    _publish(proxy, "example.com/strict", "v0.1.0", STRICT)
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "modcache"))
    monkeypatch.setenv("GOSUMDB", "off")
    root = tmp_path / "app"
    _write(root, APP)
    _go_mod_vendor(root, proxy, monkeypatch)
    init_repo(root)
    yield root
    gotool.run(["clean", "-modcache"], cwd=root)


def _go_mod_vendor(root: Path, proxy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the user runs to refresh vendor/: from the local proxy, then no network and
    an empty module cache again."""
    monkeypatch.setenv("GOPROXY", proxy.as_uri())
    monkeypatch.setenv("GOFLAGS", "-mod=mod")
    go("mod", "tidy", cwd=root)
    go("mod", "vendor", cwd=root)
    monkeypatch.setenv("GOPROXY", "off")
    monkeypatch.delenv("GOFLAGS")
    go("clean", "-modcache", cwd=root)


def _vendor_digest(root: Path) -> str:
    return tree_digest(root / "vendor")


def _builds(root: Path) -> str:
    """The program's output, built as the user builds it (from vendor/)."""
    binary = root.parent / "app.bin"
    built = gotool.build_binary(root, "./cmd/app", binary)
    assert built.ok, built.stderr
    return subprocess.run([binary], capture_output=True, text=True, check=True).stdout


def test_vendor_patches_vendor_in_place_and_records_the_patch(vendored: Path) -> None:
    gomod, gosum = (vendored / "go.mod").read_bytes(), (vendored / "go.sum").read_bytes()
    res = run("deps", *LAZY, "--vendor", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert (vendored / "go.mod").read_bytes() == gomod
    assert (vendored / "go.sum").read_bytes() == gosum
    tables = (vendored / "vendor/example.com/tables/tables.go").read_text()
    assert "var word = sync.OnceValue(" in tables and "word()" in tables, tables
    assert "var Upper = regexp.MustCompile(" in tables  # exported: API, left alone
    # go mod vendor dropped strict's test, so nothing stops its patch here
    strict = (vendored / "vendor/example.com/strict/strict.go").read_text()
    assert "var digits = sync.OnceValue(" in strict, strict
    assert "patched example.com/tables@v0.1.0" in res.stderr, res.stderr
    assert "go mod vendor drops _test.go files" in res.stderr
    assert "`go mod vendor` undoes" in res.stderr and "codemod deps --reapply" in res.stderr
    assert not (vendored / ".codemod/deps/go.work").exists()  # a go.work cannot reach vendor/
    assert _builds(vendored) == "true true\n"
    # the manifest says what was done, with the hashes of the files as written
    manifest = json.loads((vendored / ".codemod/deps/vendor.json").read_text())
    assert manifest["pkg"] == "example.com/app/cmd/app"
    entry = {m["module"]: m for m in manifest["modules"]}["example.com/tables"]
    assert entry["version"] == "v0.1.0" and entry["rules"] == ["lazy-init"]
    assert entry["patch"] == "example.com/tables@v0.1.0.patch"
    for rel, hashes in entry["files"].items():
        data = (vendored / "vendor/example.com/tables" / rel).read_bytes()
        assert hashes["after"] == hashlib.sha256(data).hexdigest()
    # the patch, relative to the module root, is what changed vendor/: it applies in reverse
    patch = vendored / ".codemod/deps/example.com/tables@v0.1.0.patch"
    assert "\ndiff --git a/tables.go b/tables.go\n--- a/tables.go\n" in patch.read_text()
    git("apply", "-R", "--directory=vendor/example.com/tables", str(patch), cwd=vendored)
    assert (vendored / "vendor/example.com/tables/tables.go").read_text() == TABLES["tables.go"]
    assert git("status", "--porcelain", "--", "vendor/example.com/tables", cwd=vendored) == ""


def test_go_mod_vendor_undoes_it_and_reapply_restores_it_byte_identical(
    vendored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pristine = _vendor_digest(vendored)
    assert run("deps", *LAZY, "--vendor", cwd=vendored).returncode == 0
    patched, kept = _vendor_digest(vendored), tree_digest(vendored / ".codemod")
    assert patched != pristine
    _go_mod_vendor(vendored, tmp_path / "proxy", monkeypatch)
    assert _vendor_digest(vendored) == pristine  # go mod vendor undid it
    res = run("deps", "--reapply", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert _vendor_digest(vendored) == patched
    assert tree_digest(vendored / ".codemod") == kept
    assert "re-applied example.com/tables@v0.1.0" in res.stderr, res.stderr
    assert _builds(vendored) == "true true\n"
    # a second --reapply, and a --vendor run, change nothing and say so
    mtimes = {p: p.stat().st_mtime_ns for p in (vendored / "vendor").rglob("*.go")}
    for args in (("--reapply",), (*LAZY, "--vendor")):
        again = run("deps", *args, cwd=vendored)
        assert again.returncode == 0, again.stderr
        assert "already patched" in again.stderr and "nothing to do" in again.stderr, again.stderr
        assert _vendor_digest(vendored) == patched
        assert tree_digest(vendored / ".codemod") == kept
        assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes


def test_reapply_after_an_upgrade_patches_the_new_version_from_scratch(
    vendored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("deps", *LAZY, "--vendor", cwd=vendored).returncode == 0
    proxy = tmp_path / "proxy"
    upgraded = {**TABLES, "tables.go": TABLES["tables.go"].replace("[a-z]", "[a-y]")}
    _publish(proxy, "example.com/tables", "v0.2.0", upgraded)
    monkeypatch.setenv("GOPROXY", proxy.as_uri())
    go("get", "example.com/tables@v0.2.0", cwd=vendored)
    _go_mod_vendor(vendored, proxy, monkeypatch)
    res = run("deps", "--reapply", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert "re-patched example.com/tables@v0.2.0 from scratch (the manifest had v0.1.0)" in (
        res.stderr
    ), res.stderr
    tables = (vendored / "vendor/example.com/tables/tables.go").read_text()
    assert "sync.OnceValue(" in tables and "[a-y]" in tables
    deps_dir = vendored / ".codemod/deps"
    assert (deps_dir / "example.com/tables@v0.2.0.patch").is_file()
    assert not (deps_dir / "example.com/tables@v0.1.0.patch").exists()
    versions = {m["module"]: m["version"] for m in _manifest(vendored)["modules"]}
    assert versions == {"example.com/tables": "v0.2.0", "example.com/strict": "v0.1.0"}


def _manifest(root: Path) -> dict[str, list[dict[str, str]]]:
    doc: dict[str, list[dict[str, str]]] = json.loads(
        (root / ".codemod/deps/vendor.json").read_text()
    )
    return doc


def test_a_vendored_build_without_vendor_is_refused_suggesting_it(vendored: Path) -> None:
    before = tree_digest(vendored)
    res = run("deps", *LAZY, cwd=vendored)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert f"{vendored}/vendor" in res.stderr and "run with --vendor" in res.stderr, res.stderr
    assert tree_digest(vendored) == before


def test_vendor_on_a_build_that_does_not_read_vendor_is_refused(
    vendored: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOFLAGS", "-mod=mod")  # the module cache, filled from the proxy
    monkeypatch.setenv("GOPROXY", (tmp_path / "proxy").as_uri())
    before = tree_digest(vendored)
    res = run("deps", *LAZY, "--vendor", cwd=vendored)
    assert res.returncode == 2, res.stderr
    assert "does not read vendor/" in res.stderr and "Traceback" not in res.stderr
    assert tree_digest(vendored) == before


def test_reapply_without_a_manifest_is_one_line_exit_2(vendored: Path) -> None:
    res = run("deps", "--reapply", cwd=vendored)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "vendor.json" in res.stderr and "--vendor" in res.stderr


def test_a_patch_that_fails_the_vendored_tests_is_rolled_back_byte_exact(vendored: Path) -> None:
    """A vendor/ made with its tests (as older tools did): strict's test pins its source."""
    _write(vendored / "vendor/example.com/strict", {"strict_test.go": STRICT["strict_test.go"]})
    git("add", "-A", cwd=vendored)
    git("commit", "-qm", "vendor strict's test", cwd=vendored)
    strict = vendored / "vendor/example.com/strict"
    before = tree_digest(strict)
    res = run("deps", *LAZY, "--vendor", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert "rolled back example.com/strict@v0.1.0: go test example.com/strict" in res.stderr
    assert tree_digest(strict) == before
    assert git("status", "--porcelain", "--", "vendor/example.com/strict", cwd=vendored) == ""
    assert "strict" not in json.dumps(_manifest(vendored))
    assert not list((vendored / ".codemod/deps").rglob("strict*"))
    assert "sync.OnceValue" in (vendored / "vendor/example.com/tables/tables.go").read_text()


def _misspell(pass_: Pass) -> None:
    """A rule with a bug: its 'safe' fix calls a function that does not exist."""
    for file in pass_.package.files:
        at = file.source.find(b"regexp.MustCompile(")
        if at >= 0:
            edit = TextEdit(at, at + len("regexp.MustCompile"), "regexp.MustCompil")
            fix = Fix("misspell it", Safety.SAFE, (FileFix(file.path, (edit,)),))
            pass_.report(file, file.root, "misspelt", fix)


def test_a_patch_that_breaks_the_build_is_rolled_back_byte_exact(vendored: Path) -> None:
    before = _vendor_digest(vendored)
    rule = Rule("misspell", "s", "d", Safety.SAFE, "", _misspell)
    said: list[str] = []
    outcome = vendoring.run(deps.DepsRequest("./cmd/app", (rule,), directory=vendored), said.append)
    assert not outcome.patched
    assert sorted(p.key for p, _ in outcome.rolled_back) == [
        "example.com/strict@v0.1.0",
        "example.com/tables@v0.1.0",
    ]
    assert all("go build" in why and "MustCompil" in why for _, why in outcome.rolled_back)
    assert _vendor_digest(vendored) == before
    assert git("status", "--porcelain", "--", "vendor", cwd=vendored) == ""
    assert any(line.startswith("rolled back example.com/tables@v0.1.0: go build") for line in said)


def test_vendor_dry_run_prints_the_diffs_and_writes_nothing(vendored: Path) -> None:
    before = tree_digest(vendored)
    res = run("deps", *LAZY, "--vendor", "--dry-run", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert "diff --git a/tables.go b/tables.go" in res.stdout
    assert "+var word = sync.OnceValue(" in res.stdout
    assert tree_digest(vendored) == before
    assert not (vendored / ".codemod").exists()


def test_a_corrupt_manifest_is_one_line_exit_2(vendored: Path) -> None:
    manifest = vendored / ".codemod/deps/vendor.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("{not json")
    res = run("deps", "--reapply", cwd=vendored)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert str(manifest) in res.stderr or "vendor.json" in res.stderr


def test_a_patched_file_edited_by_hand_is_left_alone_and_its_record_kept(vendored: Path) -> None:
    assert run("deps", *LAZY, "--vendor", cwd=vendored).returncode == 0
    tables = vendored / "vendor/example.com/tables/tables.go"
    tables.write_text(tables.read_text() + "\n// a local note\n")
    edited, kept = tree_digest(vendored / "vendor"), _manifest(vendored)
    res = run("deps", *LAZY, "--vendor", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert (
        "example.com/tables@v0.1.0: vendor/ holds neither the original files nor the recorded patch"
        in res.stderr
    ), res.stderr
    assert tree_digest(vendored / "vendor") == edited
    assert _manifest(vendored) == kept
    assert (vendored / ".codemod/deps/example.com/tables@v0.1.0.patch").is_file()


def test_records_of_modules_the_build_dropped_go_with_their_patches(vendored: Path) -> None:
    assert run("deps", *LAZY, "--vendor", cwd=vendored).returncode == 0
    (vendored / "cmd/app/main.go").write_text('package main\n\nfunc main() { println("x") }\n')
    res = run("deps", "--reapply", cwd=vendored)
    assert res.returncode == 0, res.stderr
    assert "example.com/tables@v0.1.0 is no longer in the build" in res.stderr, res.stderr
    assert _manifest(vendored)["modules"] == []
    assert not list((vendored / ".codemod/deps").rglob("*.patch"))


def test_a_dir_inside_vendor_is_refused(vendored: Path) -> None:
    """go mod vendor deletes vendor/ whole: the manifest and patches would go with it."""
    before = tree_digest(vendored)
    res = run("deps", *LAZY, "--vendor", "--dir", "vendor/patches", cwd=vendored)
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "--dir" in res.stderr and "go mod vendor" in res.stderr, res.stderr
    assert tree_digest(vendored) == before
