"""Shared test set-up: Go never reaches the network, and never switches toolchains."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"

os.environ["GOTOOLCHAIN"] = "local"
os.environ["GOPROXY"] = "off"
os.environ["GOFLAGS"] = ""
os.environ.setdefault("GONOSUMDB", "*")
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull  # no user config leaks into git-based tests
os.environ.setdefault("GIT_AUTHOR_NAME", "codemod tests")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "tests@example.com")
os.environ.setdefault("GIT_COMMITTER_NAME", "codemod tests")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "tests@example.com")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the bundled demo service."""
    import shutil

    target = tmp_path / "demo"
    shutil.copytree(TESTDATA / "demo", target)
    return target


@pytest.fixture(autouse=True)
def _scan_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test has a results cache of its own: no test sees another's scans."""
    path = tmp_path_factory.mktemp("scan-cache")
    monkeypatch.setenv("CODEMOD_SCAN_CACHE", str(path))
    return path
