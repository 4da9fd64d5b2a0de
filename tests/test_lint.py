"""The code stays ruff-clean, ruff-formatted and mypy-clean: checked with the tests, so CI
enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
MYPY = shutil.which("mypy", path=str(Path(sys.executable).parent)) or "mypy"


def test_ruff_check() -> None:
    res = subprocess.run(
        [RUFF, "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format() -> None:
    res = subprocess.run(
        [RUFF, "format", "--check", "--no-cache", "codemod", "rules", "tests", "benchmarks"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy() -> None:
    res = subprocess.run([MYPY], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
