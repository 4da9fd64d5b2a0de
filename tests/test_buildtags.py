from __future__ import annotations

import pytest

from codemod import buildtags
from codemod.buildtags import Constraint, ConstraintError


@pytest.mark.parametrize(
    ("expr", "tag", "needs"),
    [
        ("debug", "debug", True),
        ("debug && !race", "debug", True),
        ("debug || linux", "debug", False),
        ("linux", "debug", False),
        ("!debug", "debug", False),
        ("(linux || darwin) && debug", "debug", True),
        ("!(!debug)", "debug", True),
    ],
)
def test_needs(expr: str, tag: str, needs: bool) -> None:
    assert Constraint.parse(expr).needs(tag) is needs


def test_holds() -> None:
    c = Constraint.parse("linux && (amd64 || arm64) && !cgo")
    assert c.holds(lambda t: t in {"linux", "arm64"})
    assert not c.holds(lambda t: t in {"linux", "arm64", "cgo"})


@pytest.mark.parametrize(
    ("expr", "want"),
    [("linux", "debug && linux"), ("a || b", "debug && (a || b)"), ("!race", "debug && !race")],
)
def test_conjoin(expr: str, want: str) -> None:
    assert Constraint.parse(expr).conjoin("debug") == want


@pytest.mark.parametrize("bad", ["", "a &&", "(a", "a b", "&& a", "a $ b"])
def test_bad_constraints(bad: str) -> None:
    with pytest.raises(ConstraintError):
        Constraint.parse(bad)


@pytest.mark.parametrize(
    ("name", "tags"),
    [
        ("x_linux.go", ("linux",)),
        ("x_windows_amd64.go", ("windows", "amd64")),
        ("x_arm64_test.go", ("arm64",)),
        ("x_linux_test.go", ("linux",)),
        ("linux.go", ()),  # nothing before the first "_"
        ("x_unix.go", ()),  # unix is a build tag, not a GOOS
        ("x_not_windows_lazyinit_test.go", ()),
        ("x_linux.pb.go", ("linux",)),  # go/build cuts at the first dot
        ("x.go", ()),
    ],
)
def test_file_name_tags(name: str, tags: tuple[str, ...]) -> None:
    from codemod.buildtags import file_name_tags

    assert file_name_tags(name) == tags


def test_equivalent() -> None:
    from codemod.buildtags import equivalent

    assert equivalent(Constraint.parse("linux && (a && b)"), Constraint.parse("linux && a && b"))
    assert not equivalent(Constraint.parse("a || b && c"), Constraint.parse("(a || b) && c"))


COPYRIGHT = "// Copyright 2011 The Go Authors.\n// license text.\n\n"


@pytest.mark.parametrize(
    ("header", "expr"),
    [
        ("// +build ignore\n\npackage main\n", "ignore"),
        (COPYRIGHT + "// +build ignore\n\npackage main\n", "ignore"),
        ("//+build linux\n\npackage p\n", "linux"),  # the space is optional
        ("// +build linux darwin\n\npackage p\n", "linux || darwin"),  # spaces OR
        ("// +build linux,amd64\n\npackage p\n", "linux && amd64"),  # commas AND
        ("// +build linux,386 darwin,!cgo\n\npackage p\n", "(linux && 386) || (darwin && !cgo)"),
        # several lines AND together
        ("// +build linux darwin\n// +build amd64\n\npackage p\n", "(linux || darwin) && amd64"),
        ("// +build !windows\n// +build !plan9\n\npackage p\n", "!windows && !plan9"),
        ("// +build\n\npackage p\n", "ignore"),  # an empty line excludes the file
        ("// +build !!linux a,$b\n\npackage p\n", "ignore || (a && ignore)"),  # not tags
        # //go:build rules when both are there
        ("//go:build linux\n// +build windows\n\npackage p\n", "linux"),
        ("/* x */ //go:build linux\n\npackage p\n", None),  # not at a line's start
        ("//go:build linux\n\n/* a */ package p\n", "linux"),
    ],
)
def test_header_constraint(header: str, expr: str | None) -> None:
    from codemod.buildtags import equivalent, header_constraint

    got = header_constraint(header.encode())
    if expr is None:
        assert got is None
    else:
        assert got is not None and got.source == expr
        assert equivalent(got, Constraint.parse(expr))


@pytest.mark.parametrize(
    "header",
    [
        "// +build ignore\npackage main\n",  # no blank line before the package clause
        "// Package p does things.\n// +build ignore\npackage p\n",  # in the doc comment
        "package p\n\n// +build ignore\n",  # after the package clause
        "/* Copyright */\n\n// +build ignore\n\npackage p\n",  # after a /* */ comment
        "// +builder ignore\n\npackage p\n",
        "// x +build ignore\n\npackage p\n",
        "package p\n\n//go:build ignore\n",
        "/*\n//go:build ignore\n*/\n\npackage p\n",  # inside a block comment
    ],
)
def test_lines_that_are_no_constraint(header: str) -> None:
    from codemod.buildtags import header_constraint

    assert header_constraint(header.encode()) is None


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ("//go:build linux\n//go:build amd64\n\npackage p\n", 2),
        ("// c\n//go:build linux &&\n\npackage p\n", 2),
        ("//go:build\n\npackage p\n", 1),
    ],
)
def test_bad_header_names_its_line(header: str, line: int) -> None:
    from codemod.buildtags import header_constraint

    with pytest.raises(ConstraintError) as exc:
        header_constraint(header.encode())
    assert exc.value.line == line


def test_slug_and_build_line_of_generated_files() -> None:
    assert buildtags.slug("!windows") == "not_windows"
    assert buildtags.slug("(linux || darwin) && !cgo") == "linux_or_darwin_and_not_cgo"
    assert buildtags.go_build_line("linux") == "//go:build linux\n\n"
    assert buildtags.go_build_line("") == ""
