"""Packages that never reach a program (generators, test support) get findings but no
fix: their init never runs when a program starts."""

from __future__ import annotations

from pathlib import Path

from codemod import engine, workflow
from codemod.model import GoFile, Module, Package
from codemod.rule import Finding


def regexp_package(name: str, imports: tuple[str, ...] = ()) -> str:
    """A package with one package-level regexp, importing `imports` for their side."""
    lines = "".join(f'\t_ "example.com/m/{path}"\n' for path in imports)
    return (
        f'package {name}\n\nimport (\n\t"regexp"\n{lines})\n\n'
        f"var re = regexp.MustCompile(`^{name}$`)\n\n"
        f"func Match(s string) bool {{ return re.MatchString(s) }}\n"
    )


def program(imports: tuple[str, ...]) -> str:
    lines = "".join(f'\t_ "example.com/m/{path}"\n' for path in imports)
    return f"package main\n\nimport (\n{lines})\n\nfunc main() {{}}\n"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def findings_by_package(root: Path) -> dict[str, Finding]:
    report = workflow.scan([root], ["lazy-init"], workers=1).report
    assert not report.errors
    return {f.path.parent.relative_to(root).as_posix(): f for f in report.findings}


def test_internal_packages_no_program_links_get_no_fix(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            # the library's own package: other modules may link it, so it is fixed
            "m.go": regexp_package("m", ("internal/lib",)),
            "m_test.go": 'package m\n\nimport _ "example.com/m/internal/testutil"\n',
            # a generator, run with `go run gen.go`, behind an old-style ignore line
            "gen.go": "// Copyright.\n\n// +build ignore\n\n" + program(("internal/gen",)),
            "internal/gen/gen.go": regexp_package("gen"),
            "internal/testutil/testutil.go": regexp_package("testutil", ("internal/chain",)),
            "internal/chain/chain.go": regexp_package("chain"),
            "internal/lib/lib.go": regexp_package("lib"),
            "internal/used/used.go": regexp_package("used"),
            "cmd/app/main.go": program(("internal/used",)),
            "internal/dead/dead.go": regexp_package("dead"),
            # a nested module may import the outer module's internal packages
            "internal/tooling/tooling.go": regexp_package("tooling"),
            "tools/go.mod": "module example.com/m/tools\n\ngo 1.22\n",
            "tools/main.go": program(("internal/tooling",)),
        },
    )
    found = findings_by_package(tmp_path)
    for linked in (".", "internal/lib", "internal/used", "internal/tooling"):
        assert found[linked].fix is not None, linked
        assert engine.NOT_LINKED not in found[linked].message
    why = {
        "internal/gen": "imported only by files behind an `ignore` build constraint "
        "(gen.go in module example.com/m)",
        "internal/testutil": "imported only by tests (m_test.go in module example.com/m)",
        "internal/chain": "imported only by packages no program links "
        "(example.com/m/internal/testutil)",
        "internal/dead": "that nothing in its module imports",
    }
    for package, reason in why.items():
        finding = found[package]
        assert finding.fix is None, package
        assert f"({engine.NOT_LINKED}: an internal package " in finding.message
        assert finding.message.endswith(
            f"{reason}; no fix, since its init never runs when a program starts)"
        ), finding.message


def test_a_program_or_a_library_beside_internal_is_judged_by_its_importers(
    tmp_path: Path,
) -> None:
    """One program among test importers is enough; an `internal` element before the
    module's path does not confine the package to the module."""
    write(
        tmp_path,
        {
            "go.mod": "module example.com/internal/m\n\ngo 1.22\n",
            "x/x.go": regexp_package("x"),
            "x/x_test.go": 'package x_test\n\nimport _ "example.com/internal/m/x"\n',
        },
    )
    assert findings_by_package(tmp_path)["x"].fix is not None


def test_a_package_all_behind_ignore_is_not_linked(tmp_path: Path) -> None:
    module = Module(tmp_path, "example.com/m", (1, 22))
    files = [
        GoFile.of(tmp_path / name, text.encode())
        for name, text in {
            "a.go": "// +build ignore\n\npackage main\n",
            "b.go": "//go:build ignore && linux\n\npackage main\n",
            "a_test.go": "package main\n",
        }.items()
    ]
    package = Package(tmp_path, "main", module, files)
    assert engine._not_linked(package, engine.Reach()) == (
        "its files are all behind an `ignore` build constraint, so no build includes them"
    )
    files[1] = GoFile.of(tmp_path / "b.go", b"//go:build linux\n\npackage main\n")
    assert engine._not_linked(Package(tmp_path, "main", module, files), engine.Reach()) == ""


def test_fix_unlinked_keeps_the_fix_and_says_why(tmp_path: Path) -> None:
    """`apply --fix-unlinked`: a generator's own run time can matter too."""
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "m_test.go": 'package m\n\nimport _ "example.com/m/internal/testutil"\n',
            "m.go": "package m\n",
            "internal/testutil/testutil.go": regexp_package("testutil"),
        },
    )
    (held,) = workflow.scan([tmp_path], ["lazy-init"], workers=1).report.findings
    assert held.fix is None and engine.NOT_LINKED in held.message
    report = workflow.scan([tmp_path], ["lazy-init"], workers=1, fix_unlinked=True).report
    (kept,) = report.findings
    assert kept.fix is not None and engine.NOT_LINKED in kept.message
    assert "no fix" not in kept.message
