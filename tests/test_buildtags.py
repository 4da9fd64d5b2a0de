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
