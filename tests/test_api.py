"""The library's seams: rule values through the engine, the rule-testing harness, broken
third-party rules, the apply use case without click, one progress type and one writer."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from codemod import bench, render, render_bench, stats, workflow

REPO = Path(__file__).resolve().parent.parent


def test_progress_is_defined_once() -> None:
    """One `Progress` for bench, workflow and the renderer's bar."""
    defined = [
        path.name
        for path in sorted((REPO / "codemod").glob("*.py"))
        if re.search(r"^Progress\s*=", path.read_text(), re.M)
    ]
    assert defined == ["progress.py"]
    assert bench.Progress is workflow.Progress


def _bench_result() -> bench.Result:
    same = stats.compare([1.0, 1.1, 1.2], [1.0, 1.1, 1.2])
    variant = bench.Variant(bench.VariantSpec("base", "HEAD"), "a" * 40, 1000, [])
    delta = bench.PackageDelta(
        "example.com/a/very/long/package/name/" + "x" * 60, same, 1, 1, 0, 0, 0, 0
    )
    return bench.Result("./cmd/x", (), bench.Ready("exit"), variant, variant, same, same, [delta])


def test_bench_reports_go_through_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """render_bench has no console or stdout writer of its own: render's are the only ones."""
    buffer = io.StringIO()
    monkeypatch.setattr(render, "out", Console(file=buffer, highlight=False))
    render_bench.text(_bench_result(), ["a note"])
    shown = buffer.getvalue()
    assert "x" * 60 in shown  # piped: wide enough for full package names
    assert "warning: a note" in shown
    emitted: list[str] = []
    monkeypatch.setattr(render, "emit", emitted.append)
    render_bench.as_json(_bench_result(), [])
    render_bench.markdown(_bench_result(), [])
    assert emitted[0].startswith("{") and "| package init (sum of clock) |" in emitted[1]
