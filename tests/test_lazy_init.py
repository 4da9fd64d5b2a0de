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
