"""Call targets and import resolution, from Go source without type information."""

from __future__ import annotations

from codemod import calls, syntax
from codemod.calls import CallTarget
from codemod.model import GoFile
from codemod.testing import package

SOURCE = """package p

import (
	_ "embed"
	. "strings"
	re "regexp"
	"net/url"
)

var (
	a = re.MustCompile(`a`)
	b = (re.MustCompile(`b`))
	c = url.PathEscape("c")
	d = Repeat("d", 2)
	e = embed.FS{}
	f = g.Method(1)
	h = func() any { return url.QueryEscape("h") }
)
"""


def values() -> tuple[GoFile, dict[str, syntax.Node]]:
    (file,) = package({"p.go": SOURCE}).files
    found = syntax.captures(
        "(var_spec name: (identifier) @n value: (expression_list (_) @v))", file.root
    )
    return file, {syntax.text(n): v for n, v in zip(found["n"], found["v"], strict=True)}


def test_the_target_is_the_import_the_name_refers_to_through_any_alias_and_parentheses() -> None:
    file, value = values()
    assert calls.call_target(file, value["a"]) == CallTarget("regexp", "MustCompile", "re")
    assert calls.call_target(file, value["b"]) == CallTarget("regexp", "MustCompile", "re")
    target = calls.call_target(file, value["c"])
    assert target is not None and target.key == ("net/url", "PathEscape")
    assert target.shown == "url.PathEscape"


def test_no_target_without_an_import_of_that_name() -> None:
    """A dot-imported function, a blank import's default name and a method of a value
    are no import's functions."""
    file, value = values()
    assert [calls.call_target(file, value[n]) for n in "def"] == [None, None, None]


def test_import_of_maps_a_files_names_only() -> None:
    file, _ = values()
    assert calls.import_of(file, "re") == "regexp"
    assert calls.import_of(file, "url") == "net/url"
    assert calls.import_of(file, "regexp") is None  # the file calls it re
    assert calls.import_of(file, "embed") is None and calls.import_of(file, ".") is None


def test_imported_calls_finds_every_call_with_its_target_even_in_func_literals() -> None:
    file, _ = values()
    found = [
        (syntax.text(node), target.key) for node, target in calls.imported_calls(file, file.root)
    ]
    assert found == [
        ("re.MustCompile(`a`)", ("regexp", "MustCompile")),
        ("re.MustCompile(`b`)", ("regexp", "MustCompile")),
        ('url.PathEscape("c")', ("net/url", "PathEscape")),
        ('url.QueryEscape("h")', ("net/url", "QueryEscape")),
    ]


def test_unparen() -> None:
    _, value = values()
    assert syntax.text(calls.unparen(value["b"])) == "re.MustCompile(`b`)"
    assert calls.unparen(value["a"]) == value["a"]
