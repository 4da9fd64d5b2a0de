"""The library's seams: rule values through the engine, the rule-testing harness, broken
third-party rules, the apply use case without click, one progress type and one writer."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from codemod import bench, engine, model, registry, render, render_bench, stats, workflow
from codemod.rule import Rule

REPO = Path(__file__).resolve().parent.parent
CODEMOD = shutil.which("codemod", path=str(Path(sys.executable).parent)) or "codemod"


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


# ------------------------------------------------------------------ rule values, engine

# A third-party rule in a file of its own: its run is a closure and an option's check is a
# lambda, neither of which pickles.
_RULE_MODULE = """
from codemod import syntax
from codemod.rule import Option, Rule, Safety


def _make_run():
    def run(pass_):
        for file in pass_.package.files:
            clause = syntax.package_clause(file.root)
            pass_.report(file, clause, pass_.options["word"] + " " + file.path.name)
    return run


RULE = Rule(
    "clause",
    "reports every package clause",
    "docs",
    Safety.SAFE,
    "",
    _make_run(),
    options=(Option("word", "seen", "the word", validate=lambda v: None if v else "empty"),),
)
"""


def _load_rule(tmp_path: Path, name: str, register: bool) -> Rule:
    """A rule loaded from a file by path, outside any installed package; in sys.modules
    under its name (`register`) or not at all."""
    source = tmp_path / f"{name}.py"
    source.write_text(_RULE_MODULE)
    spec = importlib.util.spec_from_file_location(name, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    rule: Rule = module.RULE
    return rule


def _many_packages(root: Path, count: int = 40) -> None:
    (root / "go.mod").write_text("module example.com/many\n\ngo 1.22\n")
    for i in range(count):
        (root / f"p{i}").mkdir()
        for name in ("a.go", "b.go"):
            (root / f"p{i}" / name).write_text(f"package p{i}\n\nfunc F{name[0]}() {{}}\n")


@pytest.mark.parametrize("register", [True, False], ids=["in-sys-modules", "not-in-sys-modules"])
def test_a_rule_loaded_from_a_file_runs_in_the_worker_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, register: bool
) -> None:
    name = f"codemod_test_rule_{'reg' if register else 'unreg'}"
    monkeypatch.delitem(sys.modules, name, raising=False)
    rule = _load_rule(tmp_path, name, register)
    tree = tmp_path / "tree"
    tree.mkdir()
    _many_packages(tree)
    (tree / ".codemod.toml").write_text('[rules.clause]\nword = "found"\n')
    jobs = model.discover([tree])
    assert sum(len(j.files) for j in jobs) >= engine._INLINE_FILES and len(jobs) > 1
    pooled = workflow.scan([tree], [rule], workers=2)  # its options come from .codemod.toml
    assert not pooled.report.errors
    assert len(pooled.report.findings) == 80
    assert {f.message for f in pooled.report.findings} == {"found a.go", "found b.go"}
    inline = engine.run(jobs, ((rule, {"word": "found"}),), workers=1)
    assert [(f.path, f.message) for f in inline.findings] == [
        (f.path, f.message) for f in pooled.report.findings
    ]


def test_unknown_rule_ids_are_input_errors_naming_the_known_ones() -> None:
    rule = registry.get("debug-imports")
    assert workflow.select(["all"], {rule.id: rule}) == [rule]
    with pytest.raises(model.InputError, match=r"unknown rule 'nope' \(known: debug-imports\)"):
        workflow.select(["nope"], {rule.id: rule})


# ------------------------------------------------------------- broken third-party rules

_ENTRY_POINTS = """[codemod.rules]
broken-import = codemod_broken_rule:RULE
not-a-rule = codemod.rule:Safety
wrong-id = rules.debug_imports:RULE
"""


def _broken_distribution(site: Path) -> None:
    """An installed distribution (a dist-info on sys.path) whose three rules are broken."""
    info = site / "codemod_broken-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: codemod-broken\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(_ENTRY_POINTS)
    (site / "codemod_broken_rule.py").write_text('raise RuntimeError("no such\\nthing")\n')


def test_broken_entry_points_are_skipped_and_every_command_works(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _broken_distribution(site)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "go.mod").write_text("module example.com/b\n\ngo 1.22\n")
    (tree / "main.go").write_text('package main\n\nimport _ "expvar"\n\nfunc main() {}\n')
    env = {**os.environ, "PYTHONPATH": str(site)}
    expected = [
        "codemod: rule entry point broken-import (codemod_broken_rule:RULE) skipped: "
        "cannot import it: RuntimeError: no such thing",
        "codemod: rule entry point not-a-rule (codemod.rule:Safety) skipped: "
        "it is not a codemod Rule (type EnumType)",
        "codemod: rule entry point wrong-id (rules.debug_imports:RULE) skipped: "
        "it names rule 'debug-imports'",
    ]

    def codemod(*args: str) -> subprocess.CompletedProcess[str]:
        command = [CODEMOD, *args]
        return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)

    listed = codemod("rules", "--format", "json")
    assert listed.returncode == 0
    assert {r["id"] for r in json.loads(listed.stdout)} == {"debug-imports", "lazy-init"}
    assert sorted(listed.stderr.splitlines()) == expected  # nothing else
    scanned = codemod("scan", "--rule", "all")
    assert scanned.returncode == 1 and "debug-imports" in scanned.stdout
    assert [x for x in scanned.stderr.splitlines() if x.startswith("codemod: rule")] == expected
    assert "Traceback" not in scanned.stderr
    applied = codemod(
        "apply", "--rule", "debug-imports", "--unsafe-fixes", "--no-verify", "--allow-dirty"
    )
    assert applied.returncode == 0, applied.stderr
    assert "expvar" not in (tree / "main.go").read_text()
    unknown = codemod("scan", "--rule", "wrong-id")
    assert unknown.returncode == 2
    assert "unknown rule 'wrong-id' (known: debug-imports, lazy-init)" in unknown.stderr
