"""The `codemod` command: flags in, rendering out; the work is in `workflow`.

Exit codes: 0 nothing found / nothing to change; 1 findings, or changes pending
(--check, --dry-run, --diff), or findings left unfixed; 2 usage or input error.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from codemod import (
    __version__,
    bench,
    diffs,
    gitops,
    model,
    registry,
    render,
    render_bench,
    summary,
    workflow,
)
from codemod import changeset as cs
from codemod.rule import Finding

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
T = TypeVar("T")


class InputFailure(click.ClickException):
    """One line on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file: object = None) -> None:
        render.err.print(f"codemod: {self.message}", markup=False)


def _scan(paths: tuple[str, ...], rules: tuple[str, ...]) -> workflow.ScanResult:
    try:
        with render.progress_bar("scanning", min_total=200) as progress:
            return workflow.scan(list(paths) or ["."], rules, progress=progress)
    except (model.InputError, OSError) as exc:
        raise InputFailure(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codemod")
def cli() -> None:
    """Find and rewrite Go code that slows down program start-up."""


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--explain", "explain", metavar="ID", help="Print one rule's documentation.")
def rules_cmd(fmt: str, explain: str | None) -> None:
    """List the installed rules."""
    if explain:
        try:
            render.explain(registry.get(explain))
        except registry.UnknownRuleError as exc:
            raise InputFailure(str(exc)) from None
        return
    rules = list(registry.all_rules().values())
    render.rules_json(rules) if fmt == "json" else render.rules_table(rules)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--rule", "rules", multiple=True, metavar="ID", help="Rule to run (repeatable); default: all."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text"
)
def scan(paths: tuple[str, ...], rules: tuple[str, ...], fmt: str) -> None:
    """Report what slows start-up under PATHS (default: .)."""
    result = _scan(paths, rules)
    report = result.report
    if fmt == "json":
        render.findings_json(report)
    elif fmt == "sarif":
        render.findings_sarif(report, result.rules)
    elif fmt == "github":
        render.findings_github(report)
    else:
        render.findings_text(report)
    render.errors(report.errors)
    if fmt == "text":
        render.summary(report)
    sys.exit(EXIT_ERROR if report.errors else EXIT_FINDINGS if report.findings else EXIT_CLEAN)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--rule",
    "rules",
    multiple=True,
    required=True,
    metavar="ID",
    help="Rule whose fixes to apply (repeatable); `all` for every rule.",
)
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@click.option("--interactive", "-i", is_flag=True, help="Review each fix and choose.")
@click.option(
    "--diff",
    "diff_file",
    type=click.Path(dir_okay=False),
    help="Write the diff to FILE (for `git apply`); write nothing else.",
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that can change behaviour.")
@click.option("--no-verify", is_flag=True, help="Skip `go build` / `go vet` of the result.")
@click.option(
    "--allow-dirty", is_flag=True, help="Apply even if the git work tree has uncommitted changes."
)
@click.option(
    "--bench",
    "bench_pkg",
    metavar="PKG",
    help="After applying, compare start-up of HEAD and the result.",
)
@click.option("--bench-args", default="", help='Arguments for --bench runs, e.g. "-version".')
@click.option("--bench-runs", type=click.IntRange(2, 10_000), default=20, show_default=True)
@click.option("--branch", metavar="NAME", help="Write the change on a new git branch NAME.")
@click.option("--commit", "do_commit", is_flag=True, help="Commit the change (needs --branch).")
@click.option(
    "--push", "push_remote", metavar="REMOTE", help="Push the branch to REMOTE (needs --commit)."
)
@click.option(
    "--pr-body", type=click.Path(dir_okay=False), help="Write a pull-request description to FILE."
)
def apply(
    paths: tuple[str, ...],
    rules: tuple[str, ...],
    dry_run: bool,
    check: bool,
    interactive: bool,
    diff_file: str | None,
    unsafe_fixes: bool,
    no_verify: bool,
    allow_dirty: bool,
    bench_pkg: str | None,
    bench_args: str,
    bench_runs: int,
    branch: str | None,
    do_commit: bool,
    push_remote: str | None,
    pr_body: str | None,
) -> None:
    """Rewrite PATHS (default: .) with the fixes of the chosen rules."""
    writes = not (dry_run or check or diff_file)
    if (bench_pkg or branch) and not writes:
        raise InputFailure(
            "--bench and --branch act on the written result: not with --dry-run, --check or --diff"
        )
    if do_commit and not branch:
        raise InputFailure("--commit needs --branch: codemod commits only on a branch of its own")
    if push_remote and not do_commit:
        raise InputFailure("--push needs --commit")
    if branch and allow_dirty:
        raise InputFailure("--branch needs a clean work tree: not with --allow-dirty")
    if interactive and not sys.stdin.isatty():
        raise InputFailure("--interactive needs a terminal on standard input")
    scan_paths = [Path(p) for p in (paths or (".",))]
    held = contextlib.ExitStack()  # the tree lock, from scan to write and commit
    if writes:
        try:
            held.enter_context(workflow.lock(scan_paths))
            if not allow_dirty:
                workflow.refuse_dirty(scan_paths)
        except model.InputError as exc:
            raise InputFailure(str(exc)) from None
    result = _scan(paths, rules)
    render.errors(result.report.errors)
    try:
        plan = workflow.plan(
            result,
            unsafe_fixes=unsafe_fixes,
            verify_build=not no_verify,
            choose=_ask if interactive else None,
        )
    except model.InputError as exc:
        raise InputFailure(str(exc)) from None
    changes = plan.changes
    render.rejected(changes.rejected)
    text = diffs.unified(changes.changes.values())
    if dry_run:
        render.diff(text)
    if not writes:
        render.unsafe_fixes(changes.applied, plan.unsafe_skipped)
    if diff_file:
        _write_text(diff_file, text)
    command = "codemod " + shlex.join(sys.argv[1:])
    original = _head_commit() if writes and (bench_pkg or branch) and changes else None
    if writes and changes and branch:
        _git(lambda: gitops.start_branch(Path.cwd(), branch))
    if writes:
        try:
            workflow.write(changes)
        except model.InputError as exc:
            raise InputFailure(str(exc)) from None
    _apply_summary(plan, writes)
    if writes and changes and do_commit:
        message = summary.commit_message(
            changes.applied, len(changes.changes), command, plan.verified
        )
        sha = _git(lambda: gitops.commit(Path.cwd(), list(changes.changes), message))
        render.err.print(f"committed {sha[:12]} on branch {branch}", markup=False)
        if push_remote:
            _git(lambda: gitops.push(Path.cwd(), push_remote, branch or ""))
            render.err.print(f"pushed {branch} to {push_remote}", markup=False)
    held.close()
    bench_md = ""
    if bench_pkg and changes and original:
        measured = _measure(
            Path.cwd(),
            bench.VariantSpec("base", original),
            bench.VariantSpec("head", bench.WORKTREE),
            bench.Settings(bench_pkg, tuple(shlex.split(bench_args)), bench_runs),
        )
        notes = bench.warnings(measured)
        render_bench.text(measured, notes)
        bench_md = render_bench.markdown_text(measured, notes)
    if pr_body:
        left = (
            plan.unsafe_skipped
            + plan.unfixable
            + plan.declined
            + [r.finding for r in changes.rejected]
        )
        text = summary.pr_body(changes.applied, left, command, plan.verified, bench_md)
        _write_text(pr_body, text)
    if result.report.errors:
        sys.exit(EXIT_ERROR)
    if not writes:
        sys.exit(EXIT_FINDINGS if changes else EXIT_CLEAN)
    left = plan.unsafe_skipped or plan.unfixable or plan.declined or changes.rejected
    sys.exit(EXIT_FINDINGS if left else EXIT_CLEAN)


def _write_text(path: str, text: str) -> None:
    try:
        Path(path).write_bytes(text.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise InputFailure(f"{path}: cannot write: {exc.strerror or exc}") from None


def _apply_summary(plan: workflow.Plan, wrote: bool) -> None:
    changes = plan.changes
    verb = "applied" if wrote else "would apply"
    line = f"{verb} {len(changes.applied)} fix(es) to {len(changes.changes)} file(s)"
    if plan.verified:
        line += " (go build and go vet pass)"
    if changes.rejected:
        line += f"; {len(changes.rejected)} fix(es) rejected"
    if plan.unsafe_skipped:
        line += f"; {len(plan.unsafe_skipped)} unsafe fix(es) not applied (use --unsafe-fixes)"
    if plan.unfixable:
        line += f"; {len(plan.unfixable)} finding(s) have no fix"
    if plan.declined:
        line += f"; {len(plan.declined)} fix(es) declined"
    render.err.print(line, markup=False)


def _ask(findings: list[Finding]) -> list[Finding]:
    """Show each fix as its own diff and ask; [a]ll takes the rest, [q]uit drops the rest."""
    chosen: list[Finding] = []
    formatter = cs.default_formatter()
    for i, finding in enumerate(findings):
        preview = cs.build([finding], formatter=formatter)
        render.err.print(
            f"\n[{i + 1}/{len(findings)}] {render.rel(finding.path)}:{finding.line}: "
            f"{finding.rule}: {finding.fix.description if finding.fix else ''}",
            markup=False,
        )
        render.diff(diffs.unified(preview.changes.values()))
        answer = click.prompt(
            "apply this fix?", type=click.Choice(["y", "n", "a", "q"]), default="y", err=True
        )
        if answer == "y":
            chosen.append(finding)
        elif answer == "a":
            return chosen + findings[i:]
        elif answer == "q":
            break
    return chosen


def _env_pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise InputFailure(f"{option} {value}: expected KEY=VALUE")
        pairs[key] = val
    return pairs


@cli.command("bench")
@click.option(
    "--base",
    default="HEAD",
    show_default=True,
    help="Git ref of the base variant (WORKTREE: the work tree).",
)
@click.option(
    "--head", default=bench.WORKTREE, show_default=True, help="Git ref of the head variant."
)
@click.option("--pkg", required=True, help="The main package to build, e.g. ./cmd/server.")
@click.option("--args", "args", default="", help='Arguments for each run, e.g. "-version".')
@click.option(
    "-n",
    "runs",
    type=click.IntRange(2, 10_000),
    default=30,
    show_default=True,
    help="Measured runs per variant.",
)
@click.option(
    "--warmup",
    type=click.IntRange(0, 1000),
    default=3,
    show_default=True,
    help="Unmeasured runs first.",
)
@click.option(
    "--ready", "ready", default="exit", show_default=True, help="exit | tcp:PORT | stdout:REGEX"
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds a run may take to become ready.",
)
@click.option("--build-flags", default="", help="go build flags for both variants.")
@click.option("--base-build-flags", default="", help="Extra go build flags for base.")
@click.option("--head-build-flags", default="", help="Extra go build flags for head.")
@click.option(
    "--env",
    "env",
    multiple=True,
    metavar="KEY=VALUE",
    help="Environment for building and running both.",
)
@click.option("--base-env", multiple=True, metavar="KEY=VALUE")
@click.option("--head-env", multiple=True, metavar="KEY=VALUE")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
@click.option(
    "--fail-if-slower",
    type=float,
    metavar="PCT",
    help="Exit 1 if start-up is significantly slower by more than PCT%.",
)
@click.option(
    "--max-init-ms",
    type=float,
    metavar="MS",
    help="Exit 1 if head's package init (median) exceeds MS.",
)
@click.option(
    "--max-binary-bytes", type=int, metavar="N", help="Exit 1 if head's binary exceeds N bytes."
)
def bench_cmd(**opts: object) -> None:
    """Measure start-up of base and head, interleaved, and compare with statistics."""
    sys.exit(_bench(Path.cwd(), **opts))  # type: ignore[arg-type]


def _bench(
    directory: Path,
    base: str,
    head: str,
    pkg: str,
    args: str,
    runs: int,
    warmup: int,
    ready: str,
    timeout: float,
    build_flags: str,
    base_build_flags: str,
    head_build_flags: str,
    env: tuple[str, ...],
    base_env: tuple[str, ...],
    head_env: tuple[str, ...],
    fmt: str,
    fail_if_slower: float | None,
    max_init_ms: float | None,
    max_binary_bytes: int | None,
) -> int:
    try:
        ready_spec = bench.Ready.parse(ready)
        common_flags = shlex.split(build_flags)
        specs = [
            bench.VariantSpec(
                label,
                ref,
                tuple(common_flags + shlex.split(extra)),
                {**_env_pairs(env, "--env"), **_env_pairs(own_env, f"--{label}-env")},
            )
            for label, ref, extra, own_env in (
                ("base", base, base_build_flags, base_env),
                ("head", head, head_build_flags, head_env),
            )
        ]
        settings = bench.Settings(pkg, tuple(shlex.split(args)), runs, warmup, ready_spec, timeout)
    except ValueError as exc:
        raise InputFailure(str(exc)) from None
    result = _measure(directory, specs[0], specs[1], settings)
    notes = bench.warnings(result)
    {"json": render_bench.as_json, "markdown": render_bench.markdown}.get(fmt, render_bench.text)(
        result, notes
    )
    failed = bench.violations(result, bench.Gates(fail_if_slower, max_init_ms, max_binary_bytes))
    for line in failed:
        render.err.print(f"codemod: bench gate failed: {line}", markup=False)
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _head_commit() -> str:
    """What HEAD is before the change: a branch name (it stays where it is when --branch
    moves on), or a commit id."""
    return _git(lambda: gitops.current_ref(Path.cwd()))


def _git(action: Callable[[], T]) -> T:
    try:
        return action()
    except gitops.GitError as exc:
        raise InputFailure(str(exc)) from None


def _measure(
    directory: Path, base: bench.VariantSpec, head: bench.VariantSpec, settings: bench.Settings
) -> bench.Result:
    signal.signal(signal.SIGTERM, _interrupt)  # worktrees are removed on SIGTERM too
    try:
        with render.progress_bar("benchmarking") as progress:
            return bench.run(directory, base, head, settings, progress)
    except bench.BenchError as exc:
        raise InputFailure(str(exc)) from None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    cli(prog_name="codemod")
