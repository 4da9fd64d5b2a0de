"""The CLI starts fast: a command loads only the modules it needs (issue 12).

Each command runs in a fresh interpreter, as the console script runs it; at exit the
interpreter lists what it loaded. scipy and numpy once cost ~0.9 s on every start.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Prints, at exit, the top-level names of the loaded modules and the codemod modules.
PROBE = """
import atexit, sys
atexit.register(lambda: print(" ".join(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["codemod", *sys.argv[1:]]
from codemod.cli import main
main()
"""

HEAVY = {"scipy", "numpy", "git", "tree_sitter", "tree_sitter_go", "rich"}
# What runs, builds or measures: no listing command needs any of it.
MEASURING = {
    "codemod.bench",
    "codemod.stats",
    "codemod.gitops",
    "codemod.gotool",
    "codemod.workflow",
}


def loaded(*args: str) -> set[str]:
    res = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, res.stderr
    return set(res.stderr.strip().splitlines()[-1].split())


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_only_click_and_the_cli(flag: str) -> None:
    modules = loaded(flag)
    assert not {m.split(".")[0] for m in modules} & HEAVY
    assert {m for m in modules if m.startswith("codemod")} == {"codemod", "codemod.cli"}


# What `codemod rules` gave up (issue 12): rich (~25 ms) when nothing is drawn for a
# terminal, and importlib.metadata (~20 ms: email, zipfile) to find the rules.
LISTING_SPARED = {"rich", "importlib.metadata", "email", "zipfile"}


@pytest.mark.parametrize(
    "args",
    [("rules",), ("rules", "--format", "json"), ("rules", "--explain", "lazy-init")],
)
def test_rules_loads_the_rules_but_not_rich_nor_importlib_metadata(args: tuple[str, ...]) -> None:
    modules = loaded(*args)  # piped, as in a script
    assert {"rules.lazy_init", "rules.debug_imports"} <= modules  # it lists them
    assert not {m.split(".")[0] for m in modules} & {"scipy", "numpy", "git"}
    assert not modules & MEASURING
    assert not modules & LISTING_SPARED
    assert not {m for m in modules if m.startswith("rich.")}


def test_help_of_each_command_loads_nothing_heavy() -> None:
    for command in ("scan", "apply", "bench", "profile", "deps"):
        modules = loaded(command, "--help")
        assert not {m.split(".")[0] for m in modules} & HEAVY, command
