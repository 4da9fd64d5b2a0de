"""lazy-init details that golden cases do not show well."""

from __future__ import annotations

from pathlib import Path

from codemod import changeset, workflow


def write_module(root: Path, files: dict[str, str]) -> None:
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    for name, text in files.items():
        (root / name).write_text(text)


def test_values_whose_constraints_would_share_a_generated_test_name(tmp_path: Path) -> None:
    """`a || b && c` and `(a || b) && c` give the same file name but differ: the second
    value is not made lazy rather than forced in a test built where its file is not."""
    var = 'package p\n\nimport "regexp"\n\nvar {0} = regexp.MustCompile(`{0}`)\n\nfunc {0}F() bool {{ return {0}.MatchString("") }}\n'
    write_module(
        tmp_path,
        {
            "any.go": "package p\n",
            "x.go": "//go:build a || b && c\n\n" + var.format("x"),
            "y.go": "//go:build (a || b) && c\n\n" + var.format("y"),
        },
    )
    findings = workflow.scan([tmp_path], ["lazy-init"], workers=1).report.findings
    by_file = {f.path.name: f for f in findings}
    assert by_file["x.go"].fix is not None
    assert by_file["y.go"].fix is None
    assert by_file["y.go"].message.endswith(
        "not made lazy: its file is built with (a || b) && c, but "
        "codemod_a_or_b_and_c_lazyinit_test.go, where its value would be forced, "
        "is built with a || b && c"
    )


def _module_117(root: Path, files: dict[str, str]) -> None:
    write_module(root, files)
    (root / "go.mod").write_text("module example.com/m\n\ngo 1.17\n")


_PATTERN = 'package p\n\nimport {imp}\n\nvar {name} = {q}.MustCompile(`{name}`)\n\nfunc {name}F() bool {{ return {name}.MatchString("") }}\n'
_REPLACER = 'package p\n\nimport "strings"\n\nvar rep = strings.NewReplacer("a", "b")\n\nfunc R() string { return rep.Replace("a") }\n'


def test_before_go118_a_fix_not_applied_leaves_no_helper_or_import(tmp_path: Path) -> None:
    """Each result type's helper and its imports come with the fixes that call it: a fix
    that is withdrawn (here: never offered to the change set) takes them out."""
    _module_117(
        tmp_path, {"a.go": _PATTERN.format(imp='"regexp"', q="regexp", name="x"), "b.go": _REPLACER}
    )
    findings = workflow.scan([tmp_path], ["lazy-init"], workers=1).report.findings
    by_file = {f.path.name: f for f in findings}
    assert "(codemodOnceStringsReplacer)" in by_file["b.go"].message
    for kept, dropped in [("a.go", "b.go"), ("b.go", "a.go")]:
        built = changeset.build([by_file[kept]], formatter=changeset.default_formatter())
        helper = built.changes[tmp_path / "codemod_oncevalue.go"].after.decode()
        regexp_side = kept == "a.go"
        assert ("func codemodOnceRegexp(" in helper) is regexp_side
        assert ('"regexp"' in helper) is regexp_side
        assert ("func codemodOnceStringsReplacer(" in helper) is not regexp_side
        assert ('"strings"' in helper) is not regexp_side
        assert tmp_path / dropped not in built.changes


def test_before_go118_types_the_helper_file_cannot_write_are_left_eager(tmp_path: Path) -> None:
    _module_117(
        tmp_path,
        {
            ".codemod.toml": "[rules.lazy-init]\nmin_map_entries = 2\n",
            "dot.go": 'package p\n\nimport . "regexp"\n\nvar d = map[string]*Regexp{"a": nil, "b": nil}\n\nfunc D() *Regexp { return d["a"] }\n',
            "cgo.go": 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nvar c = map[string]*C.char{"a": nil, "b": nil}\n\nfunc F() *C.char { return c["a"] }\n',
            "w_windows.go": 'package p\n\nimport "regexp"\n\ntype pats []*regexp.Regexp\n\nvar w = pats{regexp.MustCompile(`w`)}\n\nfunc W() *regexp.Regexp { return w[0] }\n',
        },
    )
    findings = workflow.scan([tmp_path], ["lazy-init"], workers=1).report.findings
    by_file = {f.path.name: f for f in findings}
    assert all(f.fix is None for f in findings)
    assert by_file["dot.go"].message.endswith(
        "cannot write its type in codemod_oncevalue.go: Regexp is not a type of the package"
    )
    assert by_file["cgo.go"].message.endswith(
        "cannot write its type in codemod_oncevalue.go: a cgo type"
    )
    assert by_file["w_windows.go"].message.endswith(
        "its type pats exists only in builds with windows, but codemod_oncevalue.go, "
        "where its helper would go, is built with no constraint"
    )
