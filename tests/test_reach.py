"""How far a fix reaches: the files a module-wide rewrite may edit, and those it may not.

An exported var made lazy (`pkg.Re` becomes `pkg.Re()`) needs every reference rewritten,
in its package, its importers, and the other modules of a go.work workspace or modules
that `replace` it with its directory. A file the fix may not edit (excluded in
`.codemod.toml`, generated, unparsed) refuses the fix, naming the file and its module.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

from codemod import gotool, workflow
from codemod.model import Module, Workspace

CODEMOD = shutil.which("codemod", path=str(Path(sys.executable).parent)) or "codemod"

PKG_A = 'package a\n\nimport "regexp"\n\nvar Re = regexp.MustCompile(`^a+$`)\n'


def user(pkg: str, importpath: str) -> str:
    """A file of package `pkg` that reads a.Re through the import `importpath`."""
    return (
        f'package {pkg}\n\nimport "{importpath}"\n\n'
        f"func Match(s string) bool {{ return a.Re.MatchString(s) }}\n"
    )


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def codemod(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CODEMOD, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def builds(module: Path) -> None:
    res = gotool.run(["build", "./..."], cwd=module)
    assert res.ok, res.stderr
    res = gotool.run(["vet", "./..."], cwd=module)
    assert res.ok, res.stderr


def lazy_findings(root: Path, *paths: str) -> list[dict[str, object]]:
    res = codemod("scan", *paths, "--rule", "lazy-init", "--format", "json", cwd=root)
    assert res.returncode in (0, 1), res.stderr
    return list(json.loads(res.stdout)["findings"])


# ---------------------------------------------------------------------------- excludes


def test_a_fix_that_needs_an_excluded_file_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            ".codemod.toml": 'exclude = ["legacy/*"]\n',
            "a/a.go": PKG_A,
            "legacy/legacy.go": user("legacy", "example.com/m/a"),
        },
    )
    legacy = tmp_path / "legacy" / "legacy.go"
    before = legacy.read_bytes()
    (finding,) = lazy_findings(tmp_path, ".")
    assert finding["path"] == "a/a.go" and finding["fix"] is None
    assert "legacy/legacy.go in module example.com/m is excluded" in str(finding["message"])
    res = codemod("apply", "--rule", "lazy-init", "--unsafe-fixes", "--allow-dirty", cwd=tmp_path)
    assert res.returncode == 0, res.stderr  # the finding is reported, not an error
    assert legacy.read_bytes() == before
    assert (tmp_path / "a" / "a.go").read_text() == PKG_A
    builds(tmp_path)


def test_references_outside_the_paths_given_are_rewritten(tmp_path: Path) -> None:
    """PATH chooses what is fixed; the fix edits every reference it needs, as a rename
    does: the package's other files and its importers, named or not."""
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "a/a.go": PKG_A,
            "a/more.go": "package a\n\nfunc Match(s string) bool { return Re.MatchString(s) }\n",
            "user/user.go": user("user", "example.com/m/a"),
        },
    )
    res = codemod(
        "apply", "a/a.go", "--rule", "lazy-init", "--unsafe-fixes", "--allow-dirty", cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert "a.Re().MatchString" in (tmp_path / "user" / "user.go").read_text()
    assert "Re().MatchString" in (tmp_path / "a" / "more.go").read_text()
    builds(tmp_path)


def test_an_uncommitted_edit_in_an_importer_outside_the_paths_is_refused(tmp_path: Path) -> None:
    """The dirty check covers every file the change writes, not only the PATHs: otherwise
    `--commit` would commit the user's own unfinished edit with the fix."""
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "a/a.go": PKG_A,
            "user/user.go": user("user", "example.com/m/a"),
        },
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initial"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    importer = tmp_path / "user" / "user.go"
    importer.write_text(importer.read_text() + "\n// work in progress\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.go")}
    res = codemod("apply", "a", "--rule", "lazy-init", "--unsafe-fixes", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "user/user.go: uncommitted changes" in res.stderr and "--allow-dirty" in res.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.go")} == before


# ---------------------------------------------------------------------------- workspaces

MAIN_B = (
    'package main\n\nimport "example.com/a"\n\nfunc main() { println(a.Re.MatchString("aa")) }\n'
)


def workspace(root: Path) -> Path:
    """ws/go.work uses ./a (exports Re) and ./b (a command that reads a.Re)."""
    write(
        root / "ws",
        {
            "go.work": "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
            "a/go.mod": "module example.com/a\n\ngo 1.22\n",
            "a/a.go": PKG_A,
            "b/go.mod": "module example.com/b\n\ngo 1.22\n",
            "b/main.go": MAIN_B,
        },
    )
    return root / "ws"


def apply_unsafe(cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return codemod(
        "apply", *paths, "--rule", "lazy-init", "--unsafe-fixes", "--allow-dirty", cwd=cwd
    )


def test_a_workspace_sibling_is_rewritten_and_built(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    res = apply_unsafe(ws / "a", ".")
    assert res.returncode == 0, res.stderr
    assert "a.Re().MatchString" in (ws / "b" / "main.go").read_text()
    assert "sync.OnceValue" in (ws / "a" / "a.go").read_text()
    builds(ws / "b")
    builds(ws / "a")


def test_a_sibling_that_may_not_be_edited_refuses_the_fix(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write(ws / "b", {".codemod.toml": 'exclude = ["main.go"]\n'})  # b's own configuration
    (finding,) = lazy_findings(ws / "a", ".")
    assert finding["fix"] is None
    assert "main.go in module example.com/b is excluded" in str(finding["message"])
    res = apply_unsafe(ws / "a", ".")
    assert res.returncode == 0, res.stderr
    assert (ws / "b" / "main.go").read_text() == MAIN_B
    assert (ws / "a" / "a.go").read_text() == PKG_A


def test_an_unparsed_sibling_refuses_the_fix(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write(ws / "b", {"new.go": 'package main\n\nimport "example.com/a"\n\nvar x = new(a.Re\n'})
    (finding,) = lazy_findings(ws / "a", ".")
    assert finding["fix"] is None
    assert "new.go in module example.com/b imports the package but could not be parsed" in str(
        finding["message"]
    )


def test_a_module_that_replaces_it_with_its_directory_is_rewritten(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    write(
        tmp_path / "c",
        {
            "go.mod": "module example.com/c\n\ngo 1.22\n\nrequire example.com/a v0.0.0\n\n"
            "replace example.com/a => ../ws/a\n",
            "main.go": MAIN_B,
        },
    )
    res = apply_unsafe(tmp_path, "ws/a", "c")
    assert res.returncode == 0, res.stderr
    for module in (tmp_path / "c", ws / "b"):
        assert "a.Re().MatchString" in (module / "main.go").read_text()
        builds(module)


def withheld(root: Path) -> workflow.Plan:
    """The plan of a lazy-init fix of a.Re whose rewrites outside package a are withheld."""
    result = workflow.scan([root], ["lazy-init"], workers=1)
    (finding,) = result.report.findings
    assert finding.fix is not None
    mine = tuple(ff for ff in finding.fix.files if ff.path.parent == root)
    fix = dataclasses.replace(finding.fix, files=mine)
    result.report.findings = [dataclasses.replace(finding, fix=fix)]
    return workflow.plan(result, unsafe_fixes=True)


def test_the_build_gate_catches_a_broken_sibling(tmp_path: Path) -> None:
    """Only a's files change: b no longer builds, and the gate says so."""
    plan = withheld(workspace(tmp_path) / "a")
    assert plan.verification is not None and not plan.changes
    (rejected,) = plan.changes.rejected
    assert "example.com/b imports it and no longer builds" in rejected.reason
    assert "main.go" in rejected.reason and "a.Re.MatchString undefined" in rejected.reason


def test_the_build_gate_builds_importers_in_the_module_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    ws = workspace(tmp_path / "link")
    write(ws / "a", {"user/user.go": user("user", "example.com/a")})
    plan = withheld(ws / "a")
    assert not plan.changes
    (rejected,) = plan.changes.rejected
    assert "example.com/a/user imports it and no longer builds" in rejected.reason


def test_a_generated_importer_refuses_the_fix(tmp_path: Path) -> None:
    header = "// Code generated by stringer; DO NOT EDIT.\n\n"
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "a/a.go": PKG_A,
            "gen/gen.go": header + user("gen", "example.com/m/a"),
        },
    )
    (finding,) = lazy_findings(tmp_path, "a")
    assert finding["fix"] is None
    assert "gen/gen.go in module example.com/m is generated" in str(finding["message"])


def test_a_broken_go_work_is_an_input_error(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    (ws / "go.work").write_text("go 1.22\n\nuse (\n\t./a\n")
    res = codemod("scan", ".", cwd=ws / "a")
    assert res.returncode == 2
    (line,) = res.stderr.splitlines()
    assert line.startswith(f"codemod: {ws / 'go.work'}: ") and "syntax error" in line


def test_modules_are_tied_by_go_work_and_local_replace(tmp_path: Path) -> None:
    a, b, c, d = (Module(tmp_path / n, f"example.com/{n}", (1, 22)) for n in "abcd")
    other = tmp_path / "elsewhere"
    linked = Workspace.link(
        [a, b, c, d],
        uses={a.root: frozenset({a.root, b.root}), b.root: frozenset({a.root, b.root})},
        replaces={c.root: {"example.com/a": a.root}, d.root: {"example.com/a": other}},
    )
    assert linked.importers_of(a) == (a, b, c)  # d replaces a with another directory
    assert linked.importers_of(b) == (b, a)
    assert linked.importers_of(c) == (c,)


def test_a_fix_that_would_create_an_excluded_file_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            ".codemod.toml": 'exclude = ["*_test.go"]\n',  # "do not touch our tests"
            "a/a.go": PKG_A.replace("Re", "re"),
        },
    )
    (finding,) = lazy_findings(tmp_path, ".")
    assert finding["fix"] is None
    assert "a/codemod_lazyinit_test.go in module example.com/m is excluded" in str(
        finding["message"]
    )
    res = codemod("apply", "--rule", "lazy-init", "--allow-dirty", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["a.go"]
