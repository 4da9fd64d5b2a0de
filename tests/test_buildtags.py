from __future__ import annotations

import pytest

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
