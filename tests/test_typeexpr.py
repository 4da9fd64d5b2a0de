"""Types written under one file's import names, compared and written under another's."""

from __future__ import annotations

from codemod import typeexpr


def test_one_type_under_two_aliases_is_one_type() -> None:
    aliased = typeexpr.read("map[string]*re.Regexp", {"re": "regexp"})
    plain = typeexpr.read("map[string]*regexp.Regexp", {"regexp": "regexp"})
    assert aliased == plain and not isinstance(aliased, str)
    assert aliased.paths == ("regexp",)
    assert aliased.spell({"regexp": "regexp2"}) == "map[string]*regexp2.Regexp"


def test_own_types_and_predeclared_ones() -> None:
    t = typeexpr.read("map[kind][]*tmpl.Template", {"tmpl": "html/template"})
    assert not isinstance(t, str)
    assert t.own == ("kind",)  # Template is the package's, string would be predeclared
    assert t.spell({"html/template": "template"}) == "map[kind][]*template.Template"


def test_what_cannot_be_read() -> None:
    assert typeexpr.read("*yaml.Node", {"json": "encoding/json"}) == (
        "yaml in *yaml.Node is not a package this file imports"
    )
    assert typeexpr.read("map[string", {}) == "map[string does not parse as a type"


def test_name_parts() -> None:
    def part(text: str, names: dict[str, str]) -> str:
        t = typeexpr.read(text, names)
        assert not isinstance(t, str)
        return t.name_part()

    assert part("*re.Regexp", {"re": "regexp"}) == "Regexp"
    assert part("map[string]kind", {}) == "MapStringKind"
    assert part("[]*u.URL", {"u": "net/url"}) == "SliceURL"
    assert (
        part("map[string]map[string][]*y.Thing", {"y": "example.com/y/v2"})
        == "MapStringMapStringSlice"
    )
