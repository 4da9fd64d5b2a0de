"""lazy-init details that golden cases do not show well."""

from __future__ import annotations

from pathlib import Path

from codemod import workflow


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


def test_a_value_in_a_cgo_file_is_forced_in_a_test_built_only_with_cgo(tmp_path: Path) -> None:
    """A file that imports "C" builds only with CGO_ENABLED=1: a generated test without
    the cgo constraint named an undefined value in CGO_ENABLED=0 builds, where the
    package's pure-Go fallback file builds fine."""
    write_module(
        tmp_path,
        {
            "with_cgo.go": 'package p\n\n// #include <stdlib.h>\nimport "C"\n\nimport "regexp"\n\n'
            'var re = regexp.MustCompile("x+")\n\nfunc M() bool { return re.MatchString("x") }\n',
            "without_cgo.go": "//go:build !cgo\n\npackage p\n\nfunc M() bool { return false }\n",
        },
    )
    result = workflow.scan([tmp_path], ["lazy-init"], workers=1)
    changes = workflow.plan(result, verify_build=False).changes
    created = {c.path.name: c.after for c in changes.changes.values() if c.before is None}
    assert set(created) == {"codemod_cgo_lazyinit_test.go"}
    assert b"//go:build cgo\n" in created["codemod_cgo_lazyinit_test.go"]
