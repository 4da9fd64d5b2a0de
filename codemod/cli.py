"""The `codemod` command: flags in, rendering out; the work is in `workflow`.

Exit codes (DESIGN.md's CLI contract): `scan` 0 nothing found, 1 findings; `apply` 0
when it wrote what it could (findings left unfixed are reported, not an error, so
`apply --branch --commit --push` works under `set -e`), and `--dry-run` / `--diff` exit
as `apply` would; `apply --check` 1 when changes are pending; `bench` 1 when a gate
fails. Everywhere: 2 for usage, input, toolchain, git or file-system errors, with one
line on stderr; 130 on Ctrl-C, with a line saying whether anything was written.
"""

from __future__ import annotations

import contextlib
import math
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from codemod import __version__

if TYPE_CHECKING:
    from codemod import bench, scancache, stats, vendoring, workflow
    from codemod.progress import Progress
    from codemod.rule import Finding

# Each command imports what it uses when it runs: `--version`, `--help` and `rules` must
# not pay for git, the toolchain's helpers or the statistics (tests/test_start_time.py).

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


class InputFailure(click.ClickException):
    """One line on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file: object = None) -> None:
        from codemod import render

        render.err.print(f"codemod: {self.message}", markup=False)


class Interrupted(InputFailure):
    exit_code = EXIT_INTERRUPTED


def _written(journal: workflow.Journal) -> str:
    """What the run has written, in words, as Ctrl-C reports it."""
    from codemod import render

    files = [render.rel(path) for path in journal.written_files()]
    done = list(journal.other)
    if files:
        shown = ", ".join(files[:3]) + (", ..." if len(files) > 3 else "")
        done.insert(0, f"{len(files)} file(s) were written ({shown})")
    return "; ".join(done) if done else "nothing was written"


def _journal(ctx: click.Context | None = None) -> workflow.Journal:
    from codemod import workflow

    meta = (ctx or click.get_current_context()).find_root().meta
    journal: workflow.Journal = meta.setdefault("codemod.journal", workflow.Journal())
    return journal


def _one_line(exc: OSError) -> str:
    reason = exc.strerror or " ".join(str(exc).split())
    return f"{exc.filename}: {reason}" if exc.filename else reason


class _Group(click.Group):
    """The one error boundary: whatever the environment does wrong (toolchain, git, file
    system, Ctrl-C) ends as one line on stderr and exit 2 (130), never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        # A command's --help must not load the rules just to warn about a broken one.
        ctx.meta[_HELP] = any(arg in ctx.help_option_names for arg in ctx.args)
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.Abort):  # click.prompt turns Ctrl-C into Abort
            raise Interrupted(f"interrupted: {_written(_journal(ctx))}") from None
        except _environment_errors() as exc:
            raise InputFailure(" ".join(str(exc).split())) from None
        except OSError as exc:
            raise InputFailure(_one_line(exc)) from None


_HELP = "codemod.help"

_ENVIRONMENT_ERRORS = {
    "codemod.gotool": "GoToolError",
    "codemod.gitops": "GitError",
    "codemod.bench": "BenchError",
    "codemod.model": "InputError",
}


def _environment_errors() -> tuple[type[Exception], ...]:
    """The environment's error classes of the modules this run loaded: a module the
    command never imported raised nothing, and importing it here would cost its start."""
    return tuple(
        getattr(sys.modules[name], error)
        for name, error in _ENVIRONMENT_ERRORS.items()
        if name in sys.modules
    )


def _scan(
    paths: tuple[str, ...],
    rules: tuple[str, ...],
    fix_unlinked: bool = False,
    workers: int | None = None,
    cache: scancache.Cache | None = None,
) -> workflow.ScanResult:
    from codemod import workflow

    with _scanning() as progress:
        return workflow.scan(
            list(paths) or ["."],
            rules,
            progress=progress,
            fix_unlinked=fix_unlinked,
            workers=workers,
            cache=cache,
        )


def _scanning() -> contextlib.AbstractContextManager[Progress]:
    from codemod import render

    return render.progress_bar("scanning", min_total=200)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codemod")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find and rewrite Go code that slows down program start-up."""
    if ctx.meta.get(_HELP):
        return
    from codemod import registry

    skipped = registry.installed().skipped
    if skipped:
        from codemod import render

        render.skipped_rules(skipped)


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--explain", "explain", metavar="ID", help="Print one rule's documentation.")
def rules_cmd(fmt: str, explain: str | None) -> None:
    """List the installed rules."""
    from codemod import registry, render_rules

    if explain:
        try:
            render_rules.explain(registry.get(explain))
        except registry.UnknownRuleError as exc:
            raise InputFailure(str(exc)) from None
        return
    rules = list(registry.all_rules().values())
    render_rules.rules_json(rules) if fmt == "json" else render_rules.table(rules)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--rule", "rules", multiple=True, metavar="ID", help="Rule to run (repeatable); default: all."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text"
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    help="Analyse with N processes (default: one per CPU this process may use).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Analyse every package again: neither read nor write the results cache "
    "($CODEMOD_SCAN_CACHE, else <user cache dir>/codemod/scan).",
)
def scan(
    paths: tuple[str, ...], rules: tuple[str, ...], fmt: str, jobs: int | None, no_cache: bool
) -> None:
    """Report what slows start-up under PATHS (default: .)."""
    from codemod import render, scancache

    cache = None if no_cache else scancache.Cache()
    result = _scan(paths, rules, workers=jobs, cache=cache)
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
    "--ignore-space",
    "-w",
    is_flag=True,
    help="Leave out of the printed diff the lines that only change indentation "
    "(as git diff -w); --diff FILE stays the exact patch.",
)
@click.option(
    "--diff",
    "diff_file",
    type=click.Path(dir_okay=False),
    help="Write the diff to FILE (for `git apply`); write nothing else.",
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that can change behaviour.")
@click.option("--no-verify", is_flag=True, help="Skip `go build` / `go vet` of the result.")
@click.option(
    "--verify-tests",
    is_flag=True,
    help="Also `go test` every changed package; one whose tests fail is left as it is.",
)
@click.option(
    "--fix-unlinked",
    is_flag=True,
    help="Also fix packages no program links (generators, test support).",
)
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
@click.option(
    "--warm",
    is_flag=True,
    help="init-hooks: start `go lazyinit.RunAll(...)` in main after flag parsing (unsafe).",
)
def apply(
    paths: tuple[str, ...],
    rules: tuple[str, ...],
    dry_run: bool,
    check: bool,
    interactive: bool,
    ignore_space: bool,
    diff_file: str | None,
    unsafe_fixes: bool,
    no_verify: bool,
    verify_tests: bool,
    fix_unlinked: bool,
    allow_dirty: bool,
    bench_pkg: str | None,
    bench_args: str,
    bench_runs: int,
    branch: str | None,
    do_commit: bool,
    push_remote: str | None,
    pr_body: str | None,
    warm: bool,
) -> None:
    """Rewrite PATHS (default: .) with the fixes of the chosen rules."""
    from codemod import workflow

    try:
        measure = (
            workflow.BenchRequest(bench_pkg, tuple(shlex.split(bench_args)), bench_runs)
            if bench_pkg
            else None
        )
    except ValueError as exc:  # unbalanced quotes
        raise InputFailure(f"--bench-args {bench_args}: {exc}") from None
    request = workflow.ApplyRequest(
        paths=tuple(Path(p) for p in (paths or (".",))),
        rules=rules,
        dry_run=dry_run,
        check=check,
        interactive=interactive,
        diff_file=Path(diff_file) if diff_file else None,
        unsafe_fixes=unsafe_fixes,
        verify=not no_verify,
        verify_tests=verify_tests,
        fix_unlinked=fix_unlinked,
        allow_dirty=allow_dirty,
        branch=branch,
        commit=do_commit,
        push=push_remote,
        bench=measure,
        pr_body=Path(pr_body) if pr_body else None,
        options={"init-hooks": {"warm": True}} if warm else {},
        command="codemod " + shlex.join(sys.argv[1:]),
    )
    problem = request.problem()
    if problem:
        raise InputFailure(problem)
    if ignore_space and not (dry_run or interactive):
        raise InputFailure("-w/--ignore-space changes a printed diff: use it with --dry-run or -i")
    if interactive and not sys.stdin.isatty():
        raise InputFailure("--interactive needs a terminal on standard input")
    outcome = workflow.apply(request, _apply_ui(ignore_space), _journal())
    if outcome.result.report.errors:
        sys.exit(EXIT_ERROR)
    if outcome.plan.unverifiable:  # a preview exits as apply would: it refuses to write this
        raise InputFailure(
            f"{outcome.plan.unverifiable}; apply would refuse it without --no-verify"
        )
    # Left-over findings are reported above, not an error: only --check fails on pending work.
    sys.exit(EXIT_FINDINGS if check and outcome.pending else EXIT_CLEAN)


def _apply_ui(ignore_space: bool) -> workflow.ApplyUI:
    """`apply` on a terminal: progress bars, diffs and summaries on stderr (the diff of
    --dry-run on stdout), and questions for --interactive. The class is made here so
    that workflow is imported only when `apply` runs."""
    from codemod import render, render_bench, workflow

    class TerminalUI(workflow.ApplyUI):
        def scanning(self) -> contextlib.AbstractContextManager[Progress | None]:
            return _scanning()

        def scanned(self, result: workflow.ScanResult) -> None:
            render.errors(result.report.errors)

        def choose(self, findings: list[Finding]) -> list[Finding]:
            return _ask(findings, ignore_space)

        def planned(
            self, plan: workflow.Plan, request: workflow.ApplyRequest, diff_base: Path | None
        ) -> None:
            changes = plan.changes
            render.rejected(changes.rejected)
            if request.dry_run:
                render.diff_view(changes.changes.values(), ignore_space, diff_base)
            if not request.writes:
                render.unsafe_fixes(changes.applied, plan.unsafe_skipped)

        def applied(self, plan: workflow.Plan, wrote: bool) -> None:
            _apply_summary(plan, wrote)

        def committed(self, sha: str, branch: str) -> None:
            render.err.print(f"committed {sha[:12]} on branch {branch}", markup=False)

        def pushed(self, branch: str, remote: str) -> None:
            render.err.print(f"pushed {branch} to {remote}", markup=False)

        def measuring(self) -> contextlib.AbstractContextManager[Progress | None]:
            return _measuring()

        def measured(self, result: bench.Result, notes: list[str]) -> None:
            render_bench.text(result, notes)

    return TerminalUI()


def _apply_summary(plan: workflow.Plan, wrote: bool) -> None:
    from codemod import render

    changes, report = plan.changes, plan.verification
    if report:
        render.err.print(f"verified with {report.go}: {report.scope}", markup=False)
        for note in report.notes:  # problems the tree had before: named, not blamed
            render.err.print(note, markup=False)
    verb = "applied" if wrote else "would apply"
    line = f"{verb} {len(changes.applied)} fix(es) to {len(changes.changes)} file(s)"
    if report:
        line += f" ({report.claim})"
    elif changes:
        line += f" (not verified: {plan.unverifiable or '--no-verify'})"
    if changes.rejected:
        line += f"; {len(changes.rejected)} fix(es) rejected"
    if plan.unsafe_skipped:
        line += f"; {len(plan.unsafe_skipped)} unsafe fix(es) not applied (use --unsafe-fixes)"
    if plan.unfixable:
        line += f"; {len(plan.unfixable)} finding(s) have no fix"
    if plan.declined:
        line += f"; {len(plan.declined)} fix(es) declined"
    render.err.print(line, markup=False)


def _ask(findings: list[Finding], ignore_space: bool = False) -> list[Finding]:
    """Show each fix as its own diff and ask; [a]ll takes the rest, [q]uit drops the rest."""
    from codemod import changeset as cs
    from codemod import render

    chosen: list[Finding] = []
    formatter = cs.default_formatter()
    for i, finding in enumerate(findings):
        preview = cs.build([finding], formatter=formatter)
        render.err.print(
            f"\n[{i + 1}/{len(findings)}] {render.rel(finding.path)}:{finding.line}: "
            f"{finding.rule}: {finding.fix.description if finding.fix else ''}",
            markup=False,
        )
        render.diff_view(preview.changes.values(), ignore_space)
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


F = TypeVar("F", bound=Callable[..., object])


def _run_options(runs: int, least: int, runs_help: str) -> Callable[[F], F]:
    """What the commands that build and run a program (bench, profile) share: the
    package, its arguments, how many runs and when a run counts as started."""
    options = [
        click.option("--pkg", required=True, help="The main package to build, e.g. ./cmd/server."),
        click.option("--args", "args", default="", help='Arguments for each run, e.g. "-version".'),
        click.option(
            "-n",
            "runs",
            type=click.IntRange(least, 10_000),
            default=runs,
            show_default=True,
            help=runs_help,
        ),
        click.option(
            "--warmup",
            type=click.IntRange(0, 1000),
            default=3,
            show_default=True,
            help="Unmeasured runs first.",
        ),
        click.option(
            "--ready",
            "ready",
            default="exit",
            show_default=True,
            help="exit | tcp:PORT | stdout:REGEX",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(0.1, 3600),
            default=10.0,
            show_default=True,
            help="Seconds a run may take to become ready.",
        ),
    ]

    def decorate(command: F) -> F:
        for option in reversed(options):  # the first listed comes first in --help
            command = option(command)
        return command

    return decorate


@cli.command("bench")
@click.option(
    "--base",
    default="HEAD",
    show_default=True,
    help="Git ref of the base variant (WORKTREE: the work tree).",
)
@click.option(
    "--head",
    show_default="WORKTREE",
    help="Git ref of the head variant.",
)
@_run_options(runs=30, least=2, runs_help="Measured runs per variant.")
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
    multiple=True,
    metavar="[wall:|init:]PCT",
    help="Exit 1 if wall time (wall:, the default) or package init (init:) is "
    "significantly slower by more than PCT%; repeatable.",
)
@click.option(
    "--min-effect-ms",
    type=float,
    show_default="0.05",
    help="A change smaller than this (ms) is not reported as significant.",
)
@click.option(
    "--min-effect-pct",
    type=float,
    show_default="5",
    help="A change smaller than this (%) is not reported as significant.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**32 - 1),
    help="Seed of the order of base and head within each pair (default: a fresh one, shown).",
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
    head: str | None,
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
    fail_if_slower: tuple[str, ...],
    min_effect_ms: float | None,
    min_effect_pct: float | None,
    seed: int | None,
    max_init_ms: float | None,
    max_binary_bytes: int | None,
) -> int:
    from codemod import bench, render, render_bench

    head = head or bench.WORKTREE
    try:
        gates = bench.Gates(
            _slower_gates(fail_if_slower), _finite(max_init_ms, "--max-init-ms"), max_binary_bytes
        )
        effect = _min_effect(min_effect_ms, min_effect_pct)
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
        settings = bench.Settings(
            pkg, tuple(shlex.split(args)), runs, warmup, ready_spec, timeout, seed, effect
        )
    except ValueError as exc:
        raise InputFailure(str(exc)) from None
    result = _measure(directory, specs[0], specs[1], settings)
    notes = bench.warnings(result)
    {"json": render_bench.as_json, "markdown": render_bench.markdown}.get(fmt, render_bench.text)(
        result, notes
    )
    failed = bench.violations(result, gates)
    for line in failed:
        render.err.print(f"codemod: bench gate failed: {line}", markup=False)
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def _slower_gates(values: tuple[str, ...]) -> tuple[bench.SlowerGate, ...]:
    """--fail-if-slower, at most once per measure; raises ValueError."""
    from codemod import bench

    gates = tuple(bench.SlowerGate.parse(value) for value in values)
    measures = [gate.measure for gate in gates]
    for measure in set(measures):
        if measures.count(measure) > 1:
            raise ValueError(f"--fail-if-slower {measure}: given more than once")
    return gates


def _finite(
    value: float | None, option: str, least: float = 0.0, most: float = math.inf
) -> float | None:
    """`value` if it is a number in [least, most]; raises ValueError naming `option`."""
    if value is not None and not (least <= value <= most and math.isfinite(value)):
        bounds = f"at least {least:g}" if math.isinf(most) else f"from {least:g} to {most:g}"
        raise ValueError(f"{option} {value:g}: expected a number {bounds}")
    return value


def _min_effect(ms: float | None, pct: float | None) -> stats.MinEffect:
    """The minimum effect: the options given, bench's defaults for the rest; the absolute
    one is at least inittrace's resolution. Raises ValueError."""
    from codemod import bench, inittrace, stats

    default = bench.DEFAULT_MIN_EFFECT
    absolute = _finite(ms, "--min-effect-ms", least=inittrace.RESOLUTION_MS)
    relative = _finite(pct, "--min-effect-pct", most=100.0)
    return stats.MinEffect(
        default.absolute if absolute is None else absolute,
        default.relative_pct if relative is None else relative,
    )


def _measure(
    directory: Path, base: bench.VariantSpec, head: bench.VariantSpec, settings: bench.Settings
) -> bench.Result:
    from codemod import bench

    with _measuring() as progress:
        return bench.run(directory, base, head, settings, progress)


@contextlib.contextmanager
def _measuring() -> Iterator[Progress]:
    from codemod import render

    signal.signal(signal.SIGTERM, _interrupt)  # worktrees are removed on SIGTERM too
    with render.progress_bar("benchmarking") as progress:
        yield progress


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@cli.command("profile")
@_run_options(runs=20, least=1, runs_help="Measured runs.")
@click.option("--build-flags", default="", help="go build (and go list) flags, e.g. -mod=vendor.")
@click.option(
    "--env", "env", multiple=True, metavar="KEY=VALUE", help="Environment for building and running."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html", "dot", "mermaid"]),
    default="text",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the result to FILE, not stdout."
)
@click.option(
    "--compare",
    metavar="OTHER.json",
    help="With --format html: before/after bars against an earlier --format json output.",
)
def profile_cmd(
    pkg: str,
    args: str,
    runs: int,
    warmup: int,
    ready: str,
    timeout: float,
    build_flags: str,
    env: tuple[str, ...],
    fmt: str,
    output: str | None,
    compare: str | None,
) -> None:
    """Where start-up time goes: per package, per module, and the init graph."""
    from codemod import bench, profile, render, render_html, render_profile, workflow

    if compare is not None and fmt != "html":
        raise InputFailure(f"--compare {compare}: only --format html draws a comparison")
    try:
        settings = bench.Settings(
            pkg, tuple(shlex.split(args)), runs, warmup, bench.Ready.parse(ready), timeout
        )
        flags = shlex.split(build_flags)
        before = render_html.load_document(Path(compare)) if compare is not None else None
    except ValueError as exc:
        raise InputFailure(str(exc)) from None
    variables = _env_pairs(env, "--env")
    signal.signal(signal.SIGTERM, _interrupt)  # the temporary binary is removed on SIGTERM too
    with render.progress_bar("profiling") as progress:
        result = profile.run(Path.cwd(), settings, flags, variables, progress)
    if fmt == "text" and not output:
        render_profile.text(result, render.wide())
        sys.exit(EXIT_CLEAN)
    if fmt == "html":
        page = render_html.html_text(render_profile.as_dict(result), before)
    else:
        page = render_profile.render(result, fmt)
    if output:
        workflow.write_text(Path(output), page)
        render.err.print(f"wrote the {fmt} profile to {output}", markup=False)
    else:
        render.emit(page)
    sys.exit(EXIT_CLEAN)


@cli.command("deps")
@click.option("--pkg", help="The main package to build, e.g. ./cmd/server.")
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="ID",
    help="Rule to apply (repeatable).",
)
@click.option(
    "--module", "modules", multiple=True, metavar="GLOB", help="Only modules whose path matches."
)
@click.option(
    "--dir",
    "target",
    type=click.Path(file_okay=False),
    show_default=".codemod/deps",
    help="Where the copies and go.work go (relative to the module root).",
)
@click.option("--dry-run", is_flag=True, help="Print each module's diff; write nothing.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also make exported variables lazy, rewriting every use in the build's modules.",
)
@click.option(
    "--patches",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Write DIR/<module>@<version>.patch (for git apply) and a PR description (.md) "
    "per patched module; DIR is relative to the current directory.",
)
@click.option(
    "--bench", "measure", is_flag=True, help="Compare start-up without and with the copies."
)
@click.option("--args", "args", default="", help='Arguments for each --bench run, e.g. "-version".')
@click.option(
    "-n",
    "runs",
    type=click.IntRange(2, 10_000),
    default=20,
    show_default=True,
    help="Measured --bench runs per variant.",
)
@click.option(
    "--ready", default="exit", show_default=True, help="--bench: exit | tcp:PORT | stdout:REGEX"
)
@click.option("--vendor", is_flag=True, help="Patch vendor/ in place; keep the patches in DIR.")
@click.option("--reapply", is_flag=True, help="After `go mod vendor`: patch vendor/ again.")
def deps_cmd(
    pkg: str | None,
    rules: tuple[str, ...],
    modules: tuple[str, ...],
    target: str | None,
    dry_run: bool,
    patches: str | None,
    measure: bool,
    args: str,
    runs: int,
    ready: str,
    vendor: bool,
    reapply: bool,
    unsafe_fixes: bool,
) -> None:
    """Patch copies of the program's dependencies; build them in through a go.work
    (with --vendor: patch vendor/ itself)."""
    from codemod import bench, deps, render, render_bench, vendoring

    directory = deps.DEFAULT_DIR if target is None else Path(target)
    if reapply:
        _deps_reapply(pkg, rules, modules, directory, dry_run)
    if not pkg or not rules:
        raise click.UsageError(f"Missing option '{'--rule' if pkg else '--pkg'}'.")
    if vendor and (patches or measure or unsafe_fixes):
        flag = "--patches" if patches else "--bench" if measure else "--unsafe-fixes"
        raise InputFailure(f"{flag}: not with --vendor (its patches are kept in --dir)")
    try:
        when = bench.Ready.parse(ready)
    except ValueError as exc:
        raise InputFailure(str(exc)) from None
    try:
        words = tuple(shlex.split(args))
    except ValueError as exc:  # shlex says only "No closing quotation"
        raise InputFailure(f"--args {args}: {exc}") from None
    settings = bench.Settings(pkg, words, runs, ready=when)
    request = deps.DepsRequest(
        pkg,
        rules,
        modules,
        directory,
        dry_run,
        unsafe_fixes=unsafe_fixes,
        patches=Path(patches) if patches is not None else None,
        bench_settings=settings if measure else None,
    )
    if vendor:
        _deps_vendor(vendoring.run(request, _say), dry_run)
    measuring = _measuring() if measure else contextlib.nullcontext(None)
    with measuring as progress:
        outcome = deps.run(request, _say, progress)
    for refused in outcome.refused:
        _say(
            f"unsafe fix refused in {refused.module} {refused.file}:{refused.finding.line}: "
            f"{refused.finding.message}"
        )
    if dry_run:
        for patched in outcome.patched:
            _say(f"{patched.key} ({render.rel(patched.source)}) -> {render.rel(patched.copy)}")
        render.diff(outcome.review)
        _say(f"{len(outcome.patched)} module(s) would be patched; nothing written")
        sys.exit(EXIT_CLEAN)
    for patched in outcome.patched:
        fixes = len(patched.plan.changes.applied)
        _say(f"patched {patched.key}: {fixes} fix(es) in {render.rel(patched.copy)}")
    if not outcome.patched and not outcome.rolled_back:
        _say("no dependency module of the build has a safe fix for these rules")
    for path in outcome.removed:
        _say(f"removed the stale copy {render.rel(path)}")
    if outcome.gowork is not None:
        _say(f"wrote {render.rel(outcome.gowork)}; build with (GOWORK must be absolute):")
        _say(f"  GOWORK={shlex.quote(str(outcome.gowork))} go build {shlex.quote(pkg)}")
    for path in outcome.patch_files:
        _say(f"wrote {render.rel(path)}")
    if outcome.measured is not None:
        notes = bench.warnings(outcome.measured.result)
        render_bench.modules_text(outcome.measured, notes)
    sys.exit(EXIT_CLEAN)


def _say(line: str) -> None:
    from codemod import render

    render.err.print(line, markup=False)


def _deps_reapply(
    pkg: str | None, rules: tuple[str, ...], modules: tuple[str, ...], target: Path, dry_run: bool
) -> NoReturn:
    """`deps --reapply`: the rules and modules are the manifest's."""
    from codemod import vendoring

    if rules or modules:
        raise click.UsageError(
            "--reapply re-applies what DIR/vendor.json records: not with --rule or --module"
        )
    _deps_vendor(vendoring.reapply(Path("."), target, pkg, dry_run, _say), dry_run)


def _deps_vendor(outcome: vendoring.VendorOutcome, dry_run: bool) -> NoReturn:
    """What `deps --vendor` or `--reapply` did to vendor/ and kept in DIR."""
    from codemod import render, vendoring

    for key in outcome.unchanged:
        _say(f"{key}: already patched in vendor/ as {vendoring.MANIFEST} records")
    if dry_run:
        for patched in outcome.patched:
            _say(f"{patched.key} ({render.rel(patched.copy)}):")
            render.diff(patched.diff)
        _say(f"{len(outcome.patched)} module(s) would be patched in vendor/; nothing written")
        sys.exit(EXIT_CLEAN)
    for patched in outcome.patched:
        fixes = len(patched.plan.changes.applied)
        if patched.key in outcome.again:
            _say(outcome.again[patched.key])
            continue
        patch = outcome.dir / f"{patched.key}.patch"
        _say(
            f"patched {patched.key}: {fixes} fix(es) in {render.rel(patched.copy)}; patch kept in {render.rel(patch)}"
        )
    for note in outcome.notes:
        _say(note)
    if not (outcome.patched or outcome.rolled_back or outcome.notes):
        _say(
            "nothing to do: vendor/ already holds every recorded patch"
            if outcome.unchanged
            else "no vendored dependency module has a safe fix for these rules"
        )
    if outcome.manifest is not None:
        _say(vendoring.WARNING.format(manifest=render.rel(outcome.manifest)))
    sys.exit(EXIT_CLEAN)


def main() -> None:
    cli(prog_name="codemod")
