"""Every rule with every fix, on the demo and on every golden case, as a user runs it:
`apply --rule all --unsafe-fixes --verify-tests` must leave a tree whose own
`go build ./...`, `go vet ./...` and `go test ./...` pass, and a second apply must change
nothing. The golden harness checks each rule alone; this checks them together."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codemod import gotool
from tests.conftest import TESTDATA
from tests.test_cli import run, tree_digest


def _modules(root: Path) -> list[Path]:
    """The outermost Go modules under `root`: each case, not the modules inside one."""
    found = sorted(m.parent for m in root.rglob("go.mod") if "vendor" not in m.parts)
    return [m for m in found if not any(o in m.parents for o in found)]


CASES = [m for m in _modules(TESTDATA) if m != TESTDATA / "demo"]
TREES = [TESTDATA / "demo", *CASES]


@pytest.mark.parametrize("source", TREES, ids=[str(t.relative_to(TESTDATA)) for t in TREES])
def test_apply_all_leaves_a_green_tree(source: Path, tmp_path: Path) -> None:
    tree = tmp_path / source.name
    shutil.copytree(source, tree)
    for golden in tree.rglob("*.golden"):  # expected outputs, not part of the program
        golden.unlink()
    args = ("apply", ".", "--rule", "all", "--unsafe-fixes", "--verify-tests", "--allow-dirty")
    res = run(*args, cwd=tree)
    assert res.returncode == 0, res.stderr
    for step in (["build", "./..."], ["vet", "./..."], ["test", "-count=1", "./..."]):
        result = gotool.run(step, cwd=tree)
        assert result.ok, f"go {' '.join(step)}:\n{result.stdout}{result.stderr}"
    after = tree_digest(tree)
    again = run(*args, cwd=tree)
    assert again.returncode == 0, again.stderr
    assert tree_digest(tree) == after, again.stderr
