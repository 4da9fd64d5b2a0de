"""Keys of keyed composite literals: a struct field name, an expression, or unknown."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codemod import scope, syntax
from codemod.model import GoFile, Package
from codemod.scope import KeyKind
from tests.conftest import TESTDATA

DECLS = """
package p

import "example.com/kv"

type counts = map[any]int

type gm[K comparable] map[K]int

type nested[V any] map[string]V

type outer[T any] nested[T]

type point struct{ re, Re int }

type (
	named  counts
	points []*point
)

var re, Re int

var _ = kv.Map{}
"""


def key_of(expr: str) -> tuple[KeyKind, str] | None:
    """How the first key spelled `re` or `Re` in `expr` is classified."""
    source = textwrap.dedent(DECLS).lstrip() + f"\nfunc f[T any]() {{ _ = {expr} }}\n"
    file = GoFile.of(Path("p.go"), source.encode())
    assert file.problem is None, file.problem
    package = Package(Path("."), "p", None, [file])
    found = scope.identifiers_in(file, {"re", "Re"})
    keys = [n for nodes in found.values() for n in nodes if n.start_byte > source.index("func f")]
    return scope.key_kind(min(keys, key=lambda n: n.start_byte), scope.PackageScope.of(package))


@pytest.mark.parametrize(
    ("expr", "kind"),
    [
        ("map[any]int{re: 1}", KeyKind.EXPR),
        ('map[string]map[any]int{"a": {re: 1}}', KeyKind.EXPR),  # elided value literal
        ("map[point]int{{re: 1}: 2}", KeyKind.FIELD),  # elided key literal
        ("[]map[any]int{{re: 1}}", KeyKind.EXPR),
        ("[...]map[any]int{{re: 1}}", KeyKind.EXPR),
        ("[]*point{{re: 1}}", KeyKind.FIELD),  # elided &point{...}
        ("points{{re: 1}}", KeyKind.FIELD),
        ("counts{re: 1}", KeyKind.EXPR),  # alias
        ("named{re: 1}", KeyKind.EXPR),  # named type of an alias
        ("gm[any]{re: 1}", KeyKind.EXPR),  # generic instantiation
        ('nested[map[any]int]{"a": {re: 1}}', KeyKind.EXPR),  # type argument of an elided literal
        ('nested[point]{"a": {re: 1}}', KeyKind.FIELD),
        ('outer[map[any]int]{"a": {re: 1}}', KeyKind.EXPR),  # a parameter passed on
        ('outer[point]{"a": {re: 1}}', KeyKind.FIELD),
        ("point{re: 1}", KeyKind.FIELD),
        ("struct{ re int }{re: 1}", KeyKind.FIELD),
        ("kv.Map{re: 1}", KeyKind.EXPR),  # unexported: cannot be another package's field
        ("kv.G[int]{re: 1}", KeyKind.EXPR),
        ("kv.Map{Re: 1}", KeyKind.UNKNOWN),  # exported: could be a field
        ('map[string]kv.Map{"a": {Re: 1}}', KeyKind.UNKNOWN),
        ("T{re: 1}", KeyKind.UNKNOWN),  # a type parameter
        ("Unknown{re: 1}", KeyKind.UNKNOWN),  # e.g. from a dot-import
    ],
)
def test_key_kind(expr: str, kind: KeyKind) -> None:
    found = key_of(expr)
    assert found is not None and found[0] is kind, found
    assert bool(found[1]) == (kind is KeyKind.UNKNOWN)  # unknown always says why


def test_local_type_shadowing_a_package_type_is_unknown() -> None:
    assert key_of("func() any { type point map[any]int; return point{re: 1} }()") == (
        KeyKind.UNKNOWN,
        "point is a type parameter or a local type",
    )


def test_reason_names_the_foreign_type() -> None:
    assert key_of("kv.Map{Re: 1}") == (KeyKind.UNKNOWN, "kv.Map is declared in another package")


def test_not_a_key() -> None:
    assert key_of("map[any]int{1: re}") is None


def test_reference_like_types_follow_the_packages_named_types() -> None:
    source = "package p\n\ntype (\n\tm map[string]int\n\tn m\n\ts struct{}\n\tloop loop2\n\tloop2 loop\n)\n"
    found = scope.PackageScope.of(
        Package(Path("."), "p", None, [GoFile.of(Path("p.go"), source.encode())])
    )
    assert [found.reference_like(t) for t in ("*s", "[]int", "func()", "chan int", "m", "n")] == [
        True
    ] * 6
    assert [found.reference_like(t) for t in ("s", "int", "loop", "x.T")] == [False] * 4


def test_package_vars_reads_single_specs_and_blocks_but_not_locals() -> None:
    source = textwrap.dedent(
        """\
        package p

        var a = 1

        var (
        	b, c int = 2, 3
        	d string
        )

        func f() { var local = 4; _ = local }
        """
    )
    file = GoFile.of(Path("p.go"), source.encode())
    found = [
        (
            [n.text.decode() for n in v.names if n.text],
            [x.text.decode() for x in v.values if x.text],
            v.type.text.decode() if v.type is not None and v.type.text else None,
        )
        for v in scope.package_vars(file)
    ]
    assert found == [(["a"], ["1"], None), (["b", "c"], ["2", "3"], "int"), (["d"], [], "string")]
    second = list(scope.package_vars(file))[1].decl_of(1)
    assert (second.name, second.kind, second.node.start_point) == ("c", scope.Kind.VAR, (5, 4))


# ---------------------------------------------------------------------------- lazy lookups

TRICKY = {
    "lists.go": """package p

var a, /* c */ b = 1, 2

const ( c = iota; d )

var (x = 1)

var /* why */ (
	e,
	f int
)

type (g int; h = g)

func /* c */ i() {}

func (r *g) /* c */ j() {}

func k[T any](t T) (int, string) { return 0, "" }
""",
    "crlf.go": "package p\r\n\r\nvar (\r\n\tl = 1\r\n\tm, n = 2, 3\r\n)\r\n\r\nfunc o() {}\r\n",
}


def _declared_everywhere() -> list[tuple[str, bytes]]:
    found = [(name, text.encode()) for name, text in TRICKY.items()]
    found += [(str(p), p.read_bytes()) for p in sorted(TESTDATA.rglob("*.go")) if p.is_file()]
    return found


@pytest.mark.parametrize(("name", "source"), _declared_everywhere(), ids=lambda v: str(v)[-40:])
def test_the_names_read_on_bytes_cover_every_declaration(name: str, source: bytes) -> None:
    """A lookup parses only the files whose text may declare the name: the byte reading
    must never miss a declaration the parser finds (functions, methods, list members,
    one-line blocks, comments between the parts)."""
    file = GoFile.of(Path(name), source)
    whole = dict(scope.PackageScope([file]).decls)
    methods = {
        syntax.text(n.child_by_field_name("name"))
        for n in syntax.top_level(file.root, "method_declaration")
    }
    declared = syntax.declared(source)
    if file.problem is not None and declared is None:
        return  # unbalanced: every lookup parses it
    assert declared is not None
    assert set(whole) - {","} <= declared.names
    assert methods <= declared.names
    assert {n for n, d in whole.items() if d.kind is scope.Kind.FUNC} <= declared.funcs


def test_the_tricky_declarations_are_all_seen() -> None:
    declared = syntax.declared(TRICKY["lists.go"].encode())
    assert declared is not None
    assert set("abcdefghijk") <= declared.names
    assert {"i", "k"} <= declared.funcs and "j" not in declared.funcs
    assert syntax.declared(b"package p\n\nfunc f() {\n") is None  # braces do not balance


def _packages() -> list[Package]:
    from codemod import model

    return [p for job in model.discover([TESTDATA]) for p in model.load_job(job)]


def test_a_lookup_parses_only_the_files_that_may_declare_the_name(tmp_path: Path) -> None:
    files = [
        GoFile.of(tmp_path / "a.go", b"package p\n\nvar a = 1\n\nfunc f() int { return b }\n"),
        GoFile.of(tmp_path / "b.go", b"package p\n\nvar b = 2\n"),
        GoFile.of(tmp_path / "c_test.go", b"package p\n\nfunc helper() { _ = a; _ = b }\n"),
    ]
    found = scope.PackageScope(files)
    assert found.decls["b"].file is files[1]
    assert [f.parsed for f in files] == [False, True, False]
    assert found.decls.get("len") is None and found.function("helper") is not None
    assert [f.parsed for f in files] == [False, True, True]
    assert list(found.decls) == ["a", "f", "b", "helper"]  # iterating reads every file
    assert all(f.parsed for f in files)


def test_lookups_answer_as_the_whole_index() -> None:
    """Name by name, on a fresh scope each time, the answer is what iterating every
    file's declarations (the last file's, for build-tagged twins) gives."""
    for package in _packages():
        whole = scope.PackageScope.of(package)
        decls, types = dict(whole.decls), dict(whole.types_by_name)
        lazy = scope.PackageScope.of(package)
        for name, decl in decls.items():
            got = lazy.decls.get(name)
            assert got is not None and (got.file, got.node) == (decl.file, decl.node), name
            assert lazy.types_by_name.get(name) == types.get(name), name
            assert (lazy.function(name) is not None) == (decl.kind is scope.Kind.FUNC), name
