"""The reference-rewriting edit builder: edits per file, in the order they were made."""

from __future__ import annotations

from codemod import syntax, uses
from codemod.edits import apply_edits
from codemod.rewrite import Rewrite
from codemod.rule import ImportAction, ImportChange
from codemod.scope import PackageScope
from codemod.testing import package

LIB = """package m

var table map[string]int = map[string]int{"a": 1}

func get(k string) int {
	table := table
	return table[k]
}

func size() int { return len(table) }
"""
IMPORTER = 'package q\n\nimport "example.com/m"\n\nvar n = len(m.table)\n'


def test_wrap_a_value_and_turn_every_read_into_a_call_in_every_file() -> None:
    pkg = package({"m.go": LIB})
    importer = package({"q.go": IMPORTER}, directory="/m/q")
    scope = PackageScope.of(pkg)
    decl = scope.decls["table"]
    found = uses.find(pkg, decl, scope, lambda: [importer])
    value = decl.spec.child_by_field_name("value").named_children[0] if decl.spec else decl.node
    rewrite = Rewrite()
    rewrite.wrap(
        decl.file, value, " = lazy(func() map[string]int { return ", " })", decl.node.end_byte
    )
    rewrite.reads_to_calls(found.inside + found.outside)
    add = ImportChange(ImportAction.ADD, "example.com/lazy")
    fixes = rewrite.file_fixes({decl.file: (add,)})
    assert [(f.path.name, f.imports) for f in fixes] == [("m.go", (add,)), ("q.go", ())]
    m, q = (
        apply_edits(f.source, fix.edits).decode()
        for f, fix in zip((decl.file, importer.files[0]), fixes, strict=True)
    )
    assert m == LIB.replace(
        'var table map[string]int = map[string]int{"a": 1}',
        'var table = lazy(func() map[string]int { return map[string]int{"a": 1} })',
    ).replace("table := table\n", "table := table()\n").replace("len(table)", "len(table())")
    assert q == IMPORTER.replace("m.table", "m.table()")


def test_wrap_without_start_keeps_what_is_before_the_node() -> None:
    pkg = package({"m.go": "package m\n\nvar x int = 1 + 2\n"})
    (node,) = syntax.captures("(binary_expression) @b", pkg.files[0].root)["b"]
    rewrite = Rewrite()
    rewrite.wrap(pkg.files[0], node, "(", ")")
    (fix,) = rewrite.file_fixes()
    assert apply_edits(pkg.files[0].source, fix.edits) == b"package m\n\nvar x int = (1 + 2)\n"
