"""Every use of a package-level declaration, here and in importers, and what blocks a
rewrite of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from codemod import uses
from codemod.model import Package
from codemod.scope import PackageScope, Use
from codemod.testing import package

LIB = """package m

import "regexp"

var Re = regexp.MustCompile(`x`)

func match(s string) bool { return Re.MatchString(s) }
"""


def find(lib: str, importer: str | None = None) -> uses.Uses:
    pkg = package({"m.go": lib})
    importers: Callable[[], list[Package]] | None = None
    if importer is not None:
        q = package({"q.go": importer}, directory="/m/q")
        importers = lambda: [q]  # noqa: E731
    return uses.find(pkg, PackageScope.of(pkg).decls["Re"], PackageScope.of(pkg), importers)


def test_reads_in_the_package_and_in_importers() -> None:
    found = find(
        LIB, 'package q\n\nimport lib "example.com/m"\n\nvar ok = lib.Re.MatchString("x")\n'
    )
    assert found.blocked == ""
    assert [r.use for r in found.inside] == [Use.DECLARE, Use.READ]
    assert [(r.file.path.name, r.line, r.use) for r in found.outside] == [("q.go", 5, Use.READ)]


@pytest.mark.parametrize(
    ("extra", "blocked"),
    [
        ("func set() { Re = nil }", "assigned at m.go:9"),
        ("var p = &Re", "its address is taken at m.go:9"),
        (
            "var _ = regexp.Regexp{Re: 1}",
            "cannot tell whether Re at m.go:9 is a map key or a struct field name: regexp.Regexp is declared in another package",
        ),
    ],
)
def test_uses_in_the_package_that_block(extra: str, blocked: str) -> None:
    def unused() -> list[Package]:
        raise AssertionError("importers are not loaded when the package's own uses block")

    pkg = package({"m.go": LIB + "\n" + extra + "\n"})
    scope = PackageScope.of(pkg)
    assert uses.find(pkg, scope.decls["Re"], scope, unused).blocked == blocked


@pytest.mark.parametrize(
    ("importer", "blocked"),
    [
        (
            'package q\n\nimport "example.com/m"\n\nfunc init() { m.Re = nil }\n',
            "assigned in package q at q.go:5",
        ),
        (
            'package q\n\nimport . "example.com/m"\n\nvar _ = Re\n',
            "q/q.go in module example.com/m dot-imports the package",
        ),
        (
            'package q\n\nimport "example.com/m"\n\nvar _ = m.Re +\n',
            "q/q.go in module example.com/m imports the package but could not be parsed",
        ),
    ],
)
def test_uses_in_importers_that_block(importer: str, blocked: str) -> None:
    assert find(LIB, importer).blocked == blocked


@pytest.mark.parametrize(
    "importer",
    [
        'package q\n\nimport . "example.com/m"\n\nvar _ = Other\n',
        'package q\n\nimport "example.com/m"\n\nvar _ = m.Other +\n',
    ],
)
def test_an_importer_that_never_spells_the_name_does_not_block(importer: str) -> None:
    """A dot-import, or a file that does not parse: neither can use Re without writing
    it, so neither stands in the way (nor is the file parsed to know)."""
    found = find(LIB, importer)
    assert found.blocked == "" and found.outside == []


def test_without_importers_only_the_package_is_read() -> None:
    found = find(LIB)
    assert found.blocked == "" and found.outside == []


def test_a_use_in_an_importer_file_that_may_not_be_edited_blocks_naming_its_line() -> None:
    """`codemod deps` protects the user's module: a read there cannot become a call."""
    pkg = package({"m.go": LIB})
    importer = package(
        {"q.go": 'package q\n\nimport "example.com/m"\n\nvar ok = m.Re.MatchString("x")\n'},
        directory="/m/q",
    )
    importer.files[0].unwritable = "codemod deps never edits your module"
    scope = PackageScope.of(pkg)
    found = uses.find(pkg, scope.decls["Re"], scope, lambda: [importer])
    assert found.blocked == (
        "used at q/q.go:5 in module example.com/m, which may not be edited: "
        "codemod deps never edits your module"
    )
    importer.files[0].unwritable = ""
    assert uses.find(pkg, scope.decls["Re"], scope, lambda: [importer]).blocked == ""
