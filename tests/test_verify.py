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
    result = verify.verify(built, rebuild)
    assert result.changes == {}
    (rejected,) = result.rejected
    assert "with GOOS=windows" in rejected.reason and "cannot use 42" in rejected.reason


def test_a_good_windows_change_passes(tmp_path: Path) -> None:
    win = module(tmp_path)
    result = verify.verify(rebuild([replacing(win, b'"windows"', '"win32"')]), rebuild)
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
    result = verify.verify(rebuild([breaks_a, fine_b]), rebuild)
    assert list(result.changes) == [b]
    (rejected,) = result.rejected
    assert rejected.finding is breaks_a and "undefined: undefinedName" in rejected.reason


def test_a_broken_change_is_caught_through_a_symlinked_path(tmp_path: Path) -> None:
    """go sees files with symlinks resolved: the overlay must name them that way too."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    root = tmp_path / "link"
    (root / "go.mod").write_text("module example.com/sym\n\ngo 1.22\n")
    a = root / "a.go"
    a.write_text('package sym\n\nvar Name = "a"\n')
    result = verify.verify(rebuild([replacing(a, b'"a"', "undefinedName")]), rebuild)
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
    result = verify.verify(rebuild([breaks_x, fine_y]), rebuild)
    assert list(result.changes) == [y]
    (rejected,) = result.rejected
    assert rejected.finding is breaks_x
