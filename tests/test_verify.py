"""The build gate checks every configuration a change touches, not only the host's."""

from __future__ import annotations

from pathlib import Path

from codemod import changeset, verify
from codemod.edits import TextEdit
from codemod.rule import FileFix, Finding, Fix, Safety


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


def test_vet_failing_before_the_change_is_not_called_a_build_failure(tmp_path: Path) -> None:
    a, b = two_packages(tmp_path, 'package a\n\nvar Name = "a"\n')
    (tmp_path / "a" / "a_test.go").write_text(
        'package a\n\nimport (\n\t"fmt"\n\t"testing"\n)\n\n'
        'func TestName(t *testing.T) { fmt.Printf("%d\\n", Name) }\n'
    )
    fixes = [replacing(a, b'"a"', '"aa"'), replacing(b, b'"b"', '"bb"')]
    result, report = verify.verify(rebuild(fixes), rebuild)
    (rejected,) = result.rejected
    assert rejected.finding is fixes[0]
    assert rejected.reason.startswith("go vet fails before the change too: ")
    assert "a/a_test.go:8:" in rejected.reason and "build" not in rejected.reason
    assert list(result.changes) == [b] and [str(x) for x in report.builds] == ["./b"]


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
