"""The README's console examples are run, and must print exactly what the README shows."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    out = []
    for block in _BLOCK.findall((REPO / "README.md").read_text()):
        command, _, shown = block.partition("\n")
        assert command.startswith("$ "), block
        out.append((command[2:], shown))
    return out


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """Run a README command as a reader would, with this environment's codemod first."""
    bin_dir = str(Path(sys.executable).parent)
    return subprocess.run(
        command,
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]},
        timeout=600,
    )


# Which Go verified a change, and where it is, differs from machine to machine.
_GO = re.compile(r"^verified with go\S+ \(.+?\): ", re.M)


def _any_go(text: str) -> str:
    return _GO.sub("verified with GO: ", text)


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_readme_example(command: str, shown: str) -> None:
    assert _any_go(shell(f"{command} 2>&1").stdout) == _any_go(shown)


EXAMPLE_RULE = REPO / "testdata" / "example-rule"


def test_readme_shows_the_example_rule_and_its_test_as_they_are() -> None:
    """The rule-writing section quotes a real rule kept outside the project, whole."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    assert blocks == [
        (EXAMPLE_RULE / "cert_pool_at_init.py").read_text(),
        (EXAMPLE_RULE / "test_cert_pool_at_init.py").read_text(),
    ]


def test_readme_example_rule_passes_its_tests_without_being_installed() -> None:
    (command,) = re.findall(
        r"```sh\n(pytest testdata/example-rule)\n```", (REPO / "README.md").read_text()
    )
    res = shell(command)
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"\b2 passed\b", res.stdout)
    assert "cert_pool_at_init" not in {
        d.metadata["Name"] for d in importlib.metadata.distributions()
    }


def test_readme_main_job_ends_as_claimed() -> None:
    """The whole-demo command is too long to show; its last line is quoted in prose."""
    text = " ".join((REPO / "README.md").read_text().split())
    claimed = re.search(r"It ends with `(would apply [^`]+)`", text)
    command = re.search(
        r"```sh\n(codemod apply testdata/demo [^\n]+)\n```", (REPO / "README.md").read_text()
    )
    assert claimed and command
    res = shell(command.group(1))
    assert res.returncode == 0, res.stderr  # a dry run exits as apply would
    assert res.stderr.splitlines()[-1] == claimed.group(1)
    assert len(res.stdout.splitlines()) > 300  # "a 350-line diff"
