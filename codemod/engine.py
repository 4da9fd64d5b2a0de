"""Run rules over packages, in parallel processes, and collect findings and file errors.

The unit of work is one directory: its files are read, parsed and analysed in the same
worker, and only plain data (findings with their edits) comes back.
"""

from __future__ import annotations

import enum
import hashlib
import multiprocessing
import os
import pickle
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from codemod import buildtags, gotool, imports, linknames, scancache, startup, suppress, syntax
from codemod.config import Config
from codemod.model import (
    STD,
    DirectoryJob,
    GoFile,
    ImportGraph,
    InputError,
    Module,
    Package,
    Workspace,
    discover,
    group_packages,
    link_problem,
    load_job,
    read_source,
)
from codemod.progress import Progress
from codemod.rule import Finding, Pass, Rule

UNUSED_IGNORE = "unused-ignore"
_INLINE_FILES = 64  # below this many files a process pool costs more than it saves


@dataclass(frozen=True)
class FileError:
    path: Path
    line: int
    column: int
    message: str
    skipped: bool = True  # the file was left out of the run (not for a rule's failure)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    packages: int = 0
    # sha256 of each file's text as the rules saw it: the fixes' offsets are into that text
    digests: dict[Path, bytes] = field(default_factory=dict)
    # With Reach.program: each package's init work (startup.init_work), by its directory
    init_work: dict[str, list[startup.InitWork]] = field(default_factory=dict)
    # ... and what runs at init, for a reader (startup.init_items), by its directory
    init_items: dict[str, list[startup.InitItem]] = field(default_factory=dict)
    # A rule asked the toolchain (the import graph): the result depends on more than
    # the files a cache key can name, so it is not cached (scancache).
    toolchain: bool = False

    def merge(self, other: Report) -> None:
        self.findings += other.findings
        self.errors += other.errors
        self.digests.update(other.digests)
        self.init_work.update(other.init_work)
        self.init_items.update(other.init_items)
        self.files += other.files
        self.packages += other.packages
        self.toolchain |= other.toolchain

    def sort(self) -> None:
        self.findings.sort(key=lambda f: f.sort_key)
        self.errors.sort(key=lambda e: (str(e.path), e.line))


# The rules of a run, each with its resolved options: values, not ids, so a rule runs
# whether it is installed or not (a rule's own tests, a rule loaded from a file).
Selection = tuple[tuple[Rule, Mapping[str, Any]], ...]


@dataclass(frozen=True)
class Reach:
    """What a run knows beyond its jobs, computed by the caller and handed down as data
    (plain values: it crosses into worker processes)."""

    configs: tuple[Config, ...] = ()  # whose `exclude` globs no fix may cross
    workspace: Workspace = field(default_factory=Workspace)  # where importers may be
    fix_unlinked: bool = False  # keep the fixes of packages no program links
    # Set when the jobs are the packages of one program's build (`profile`), with its
    # import graph (import path -> imports): every package is linked; each is read as it
    # is, wherever it lives (module cache, vendor/, GOROOT), read-only: the import graph
    # is the program's, nothing is written (profile writes nothing), and importers are
    # loaded only in the program's own modules (`own`), as scan loads them; and each
    # package's init work is reported (Report.init_work).
    program: Mapping[str, tuple[str, ...]] | None = None
    own: frozenset[Path] = frozenset()  # with `program`: the roots of its own modules
    # Module roots (resolved) whose files no fix may edit, each with the reason: an
    # importer there that uses a value refuses its fix (`codemod deps`: the user's module).
    protected: Mapping[Path, str] = field(default_factory=dict)

    def excluded(self, path: Path) -> bool:
        return any(config.excluded(path) for config in self.configs)


def analyze(job: DirectoryJob, rules: Selection, reach: Reach = Reach()) -> Report:
    """Analyse one directory with the selected rules."""
    report = Report()
    try:
        sources = {path: read_source(path) for path in job.files}
        whole = reach.program is not None  # profile reports every package's init work
        running = [(r, o) for r, o in rules if whole or _wants(r, o, sources)]
        if not (whole or running or any(suppress.MARK in text for text in sources.values())):
            return _unparsed(sources)
        packages = load_job(job, sources)
    except InputError as exc:
        report.errors.append(FileError(job.dir, 0, 0, str(exc)))
        return report
    for package in packages:
        report.packages += 1
        for file in package.files:
            report.files += 1
            if reach.excluded(file.path):
                file.selected, file.excluded = False, True
        chosen = [file for file in package.files if file.selected]
        for file in chosen:
            for mark in suppress.bare(file):
                report.errors.append(FileError(file.path, mark.line, mark.column, suppress.BARE))
                file.selected = False  # skipped like a file that does not parse: no fix edits it
        found: list[Finding] = []
        for rule, options in running:
            pass_ = Pass(
                rule,
                package,
                options,
                load_importers=_importer_loader(package, packages, reach),
                load_import_graph=_graph_loader(package, reach),
                load_linknames=partial(_linknames, package.dir),
            )
            try:
                rule.run(pass_)
            except gotool.GoToolError:
                raise  # the environment's failure, not the rule's: the whole run stops
            except Exception as exc:  # a rule's bug must not lose the rest of the run
                where = package.files[0].path if package.files else package.dir
                report.errors.append(
                    FileError(
                        where,
                        0,
                        0,
                        f"rule {rule.id} failed on package {package.name}: {exc!r} (a bug: please report it)",
                    )
                )
                continue
            report.toolchain |= pass_.import_graph_loaded
            by_path = {f.path: (f, p) for p in pass_.loaded_packages for f in p.files}
            report.digests.update(
                (path, hashlib.sha256(f.source).digest()) for path, (f, _) in by_path.items()
            )
            found += [_guard_fix(f, by_path, package, reach) for f in pass_.findings]
        if reach.program is not None:
            report.init_work[str(package.dir)] = startup.init_work(package)
            report.init_items[str(package.dir)] = startup.init_items(package)
        report.errors += _problems(chosen)
        why = _not_linked(package, reach) if found and reach.program is None else ""
        found = [_mark_not_linked(f, why, reach.fix_unlinked) for f in found] if why else found
        by_file: dict[Path, list[Finding]] = {}
        for finding in found:
            by_file.setdefault(finding.path, []).append(finding)
        for file in package.files:
            if not file.selected:
                continue
            kept, unused = suppress.filter_findings(
                file, by_file.get(file.path, []), {rule.id for rule, _ in rules}
            )
            report.findings += kept
            report.findings += [
                Finding(
                    UNUSED_IGNORE,
                    file.path,
                    m.line,
                    m.column,
                    m.line,
                    m.column,
                    f"//codemod:ignore {', '.join(sorted(m.rules))} suppresses nothing",
                )
                for m in unused
            ]
    return report


def _wants(rule: Rule, options: Mapping[str, Any], sources: Mapping[Path, bytes]) -> bool:
    """Whether the rule may report in the directory: its prefilter finds the text it
    needs there, or it has none. The others do not run there; a directory no rule
    wants and without a `//codemod:ignore` to check is not even parsed."""
    return rule.prefilter is None or rule.prefilter(options).wants(sources)


def _unparsed(sources: Mapping[Path, bytes]) -> Report:
    """A directory no rule wants (and no ignore comment to check): counted, not parsed,
    so a syntax error there goes unreported."""
    names = {
        clause[1] if clause else "?" for clause in map(syntax.clause_on_bytes, sources.values())
    }
    return Report(files=len(sources), packages=len(names))


def _problems(files: Iterable[GoFile]) -> list[FileError]:
    """The syntax problems of the files the rules parsed, and every build line that does
    not parse. A file no rule looked into is not parsed, so its syntax errors go
    unreported, as in a directory no rule wants."""
    return [
        FileError(file.path, p.line, p.column, p.reason)
        for file in files
        if (file.parsed or file.constraint_problem) and (p := file.problem)
    ]


def _importer_loader(
    package: Package, siblings: list[Package], reach: Reach
) -> Callable[[], list[Package]]:
    """Importers are loaded wherever they are: in the package's module and in every module
    that builds against it (go.work, local `replace`), among the PATHs or not, since a
    fix must rewrite them all; they carry the run's exclusions."""

    def load() -> list[Package]:
        if package.module is None or package.is_external_test:
            return []
        if reach.program is not None and package.module.root not in reach.own:
            return []  # a dependency: its importers are anywhere, not only in this program
        own = package.import_path
        found = [p for p in siblings if p.is_external_test and _imports(p, own)]
        for module in reach.workspace.importers_of(package.module):
            for directory, files in sorted(_files_importing(module.root, own).items()):
                if directory == package.dir:
                    continue  # the external test package is among the siblings already
                parsed = [_load_importer(path, reach) for path in files]
                kept = reach.protected.get(module.root.resolve(), "")
                for file in parsed:
                    file.unwritable = link_problem(file.path, module.root, "the module") or kept
                found += group_packages(directory, parsed, module)
        return found

    return load


def _load_importer(path: Path, reach: Reach) -> GoFile:
    """An importer's file: not reported on (its own run does that), maybe excluded."""
    file = GoFile.load(path, selected=False)
    file.excluded = reach.excluded(path)
    return file


def _graph_loader(package: Package, reach: Reach) -> Callable[[], ImportGraph | None]:
    """The package's import graph: in a program's build (Reach.program), the program's
    graph seen from the package, with no toolchain call; else the toolchain's."""
    if reach.program is not None:
        program = reach.program
        return lambda: ImportGraph(package.import_path, program)
    return partial(_import_graph, package)


def _import_graph(package: Package) -> ImportGraph | None:
    """What the package links, as the toolchain sees it; None without one."""
    if package.module is None or not gotool.available():
        return None
    found = gotool.import_graph(package.dir)
    return ImportGraph(*found) if found else None


def _linknames(directory: Path) -> linknames.Toolchain | None:
    """The linkname facts of the Go that builds `directory`; None without one."""
    if not gotool.available():
        return None
    env = gotool.settings(directory, "GOROOT", "GOVERSION", "GOOS", "GOARCH")
    if not env["GOROOT"] or not env["GOVERSION"]:
        return None
    return linknames.toolchain(env["GOROOT"], env["GOVERSION"], env["GOOS"], env["GOARCH"])


def _imports(package: Package, import_path: str) -> bool:
    """Whether a file of the package imports the path (a file whose text does not spell
    it is not parsed to know)."""
    spelled = import_path.encode()
    return any(spelled in f.source and imports.find(f.root, import_path) for f in package.files)


# Module root -> import path -> the module's files that import it: built once per
# process from a text scan of import blocks, however many packages ask.
_MODULE_IMPORTS: dict[Path, dict[str, list[Path]]] = {}
# Module root -> the modules nested in its tree, found while building its index.
_NESTED: dict[Path, dict[Path, Module]] = {}
_IMPORT_BLOCK = re.compile(
    rb"^import\s*\((.*?)^\)|^import\s+(?:[\w.]+\s+)?(\"[^\"]+\")", re.M | re.S
)
_QUOTED = re.compile(rb'"([^"]+)"')


def _imports_end(source: bytes) -> int:
    """Where a file's imports have ended at the latest: its first line starting with
    `func ` (imports precede every declaration), unless a block comment before it may
    hold that line; else its end."""
    end = source.find(b"\nfunc ")
    return len(source) if end < 0 or b"/*" in source[:end] else end


def _files_importing(root: Path, import_path: str) -> dict[Path, list[Path]]:
    """Files of the module (outside nested modules, vendor, testdata) that import the
    path, by directory. The caller parses only these."""
    if root not in _MODULE_IMPORTS:
        index: dict[str, list[Path]] = {}
        nested = _NESTED.setdefault(root, {})
        for job in discover([root]):
            if job.module is None or job.module.root != root:
                if job.module is not None:
                    nested[job.module.root] = job.module
                continue
            for path in job.files:
                try:
                    source = path.read_bytes()
                except OSError:
                    continue
                for block in _IMPORT_BLOCK.finditer(source, 0, _imports_end(source)):
                    for quoted in _QUOTED.findall(block.group(1) or block.group(2)):
                        index.setdefault(quoted.decode(errors="replace"), []).append(path)
        _MODULE_IMPORTS[root] = index
    out: dict[Path, list[Path]] = {}
    for path in dict.fromkeys(_MODULE_IMPORTS[root].get(import_path, [])):
        out.setdefault(path.parent, []).append(path)
    return out


NOT_LINKED = "not linked into any program"


def _not_linked(package: Package, reach: Reach) -> str:
    """Why no program links the package (its init never runs at a start), or "" when
    one may or it cannot tell.

    Told apart: a package whose files are all behind an `ignore` constraint (a program
    for `go run`, such as a generator), and an internal package that only tests, files
    behind `ignore`, and other such packages import, as the import index of its module,
    the modules nested in it and those that build against it (go.work, local replace)
    shows. Not seen, so not claimed: importers anywhere else. That is why a package
    outside internal/ is never judged: another module's program may link a library's
    package that its own module imports only from tests. A nested module that is not
    in sight (not below the module's root, nor in its go.work) could still import an
    internal package through the module cache; that is not seen either.
    """
    built = [f for f in package.non_test_files() if not f.never_built]
    if package.non_test_files() and not built:
        return "its files are all behind an `ignore` build constraint, so no build includes them"
    if (
        not built
        or package.name == "main"
        or package.module is None
        or package.module.path == STD
        or package.is_external_test
    ):
        return ""
    return _unlinked_importers(package.module, package.import_path, reach, {package.import_path})


def _unlinked_importers(module: Module, import_path: str, reach: Reach, seen: set[str]) -> str:
    """Why no program links internal package `import_path` of `module`, or ""."""
    if not _confined(module, import_path):
        return ""
    tests: list[str] = []
    ignored: list[str] = []
    unlinked: list[str] = []
    for path, home in _importers_in_sight(module, import_path, reach):
        role = _role(path)
        if role is _Role.MAIN:
            return ""
        if role in (_Role.TEST, _Role.IGNORED):
            (tests if role is _Role.TEST else ignored).append(home.locate(path))
            continue
        importer = home.import_path(path.parent)
        if importer not in seen:
            seen.add(importer)
            if not _unlinked_importers(home, importer, reach, seen):
                return ""
            unlinked.append(importer)
    kinds = [
        f"{what} ({_some(where)})"
        for what, where in (
            ("tests", tests),
            ("files behind an `ignore` build constraint", ignored),
            ("packages no program links", unlinked),
        )
        if where
    ]
    if not kinds:
        return "an internal package that nothing in its module imports"
    return "an internal package imported only by " + " and ".join(kinds)


def _confined(module: Module, import_path: str) -> bool:
    """Whether only the module's tree may import the package: an `internal` element after
    the module's path (`example.com/internal/m/x` is open to all of example.com/...)."""
    inside = import_path.removeprefix(module.path + "/") if import_path != module.path else ""
    return inside != import_path and "internal" in inside.split("/")


def _some(names: list[str]) -> str:
    """The first name, and how many more: a finding's message stays one readable line."""
    names = sorted(set(names))
    return names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "")


def _importers_in_sight(
    module: Module, import_path: str, reach: Reach
) -> Iterator[tuple[Path, Module]]:
    """Files that import the path, with their module, in every module that may import it
    and that this run can see."""
    _files_importing(module.root, import_path)  # indexes the module, finding nested ones
    modules = {m.root: m for m in reach.workspace.importers_of(module)}
    for nested in _NESTED.get(module.root, {}).values():
        modules.setdefault(nested.root, nested)
    for home in modules.values():
        for files in _files_importing(home.root, import_path).values():
            yield from ((path, home) for path in files)


class _Role(enum.Enum):
    """What a file that imports a package is, as far as linking goes."""

    TEST = "test"
    IGNORED = "ignored"  # behind an `ignore` constraint
    MAIN = "main"  # part of a program
    LIBRARY = "library"


def _role(path: Path) -> _Role:
    """An importing file's role, from a cheap read of its header."""
    if path.name.endswith("_test.go"):
        return _Role.TEST
    try:
        source = path.read_bytes()
        constraint = buildtags.header_constraint(source)
    except (OSError, buildtags.ConstraintError):
        return _Role.MAIN  # unknown: assume a program links it, and claim nothing
    if constraint is not None and constraint.needs("ignore"):
        return _Role.IGNORED
    clause = syntax.clause_on_bytes(source)
    return _Role.LIBRARY if clause and clause[1] != "main" else _Role.MAIN


def _mark_not_linked(finding: Finding, why: str, keep_fix: bool = False) -> Finding:
    """A finding in a package no program links: reported, its fix withheld unless asked
    for (`--fix-unlinked`: e.g. a generator whose own run time matters)."""
    if keep_fix:
        return replace(finding, message=f"{finding.message} ({NOT_LINKED}: {why})")
    held = "; no fix, since its init never runs when a program starts" if finding.fix else ""
    return replace(finding, fix=None, message=f"{finding.message} ({NOT_LINKED}: {why}{held})")


def _guard_fix(
    finding: Finding,
    by_path: Mapping[Path, tuple[GoFile, Package]],
    home: Package,
    reach: Reach,
) -> Finding:
    """Strip a fix that would edit a file no fix may touch (excluded, generated, unparsed)
    or create one where the exclusions say not to, naming the file and its module."""
    if finding.fix is None:
        return finding
    for file_fix in finding.fix.files:
        target, package = by_path.get(file_fix.path, (None, home))
        if file_fix.create is not None:
            why = "excluded in .codemod.toml" if reach.excluded(file_fix.path) else ""
        elif target is None:
            why = "not part of this run"
        elif target.rewritable:
            why = ""
        else:
            why = (
                "excluded in .codemod.toml"
                if target.excluded
                else target.unwritable
                if target.unwritable
                else "generated"
                if target.generated
                else "not parsed"
            )
        if why:
            where = package.locate(file_fix.path)
            return replace(
                finding, fix=None, message=f"{finding.message} (no fix: {where} is {why})"
            )
    return finding


def run(
    jobs: Iterable[DirectoryJob],
    rules: Selection,
    reach: Reach = Reach(),
    progress: Progress | None = None,
    workers: int | None = None,
    phase: str = "files",
    cache: scancache.Cache | None = None,
) -> Report:
    """Analyse all jobs; `progress(phase, files done, files in all)` follows the jobs.
    With a `cache`, a job whose key it holds is not analysed again (not with `program`:
    profile's init work is not cached).

    The biggest jobs go first, each to the worker processes as soon as its key says it
    is not cached, so that they work while the keys of the others are computed; a run
    whose jobs left are too few for a pool to pay is analysed here."""
    jobs = sorted(jobs, key=lambda job: -len(job.files))  # no worker left with one at the end
    total = Report()
    n_files = sum(len(j.files) for j in jobs)
    done = 0
    key_of = _keyer(jobs, rules, reach) if cache is not None and reach.program is None else None
    workers = workers or cores()

    def finished(job: DirectoryJob, report: Report, key: str = "") -> None:
        nonlocal done
        total.merge(report)
        if cache is not None and key and not report.toolchain:
            cache.put(key, report)
        done += len(job.files)
        if progress:
            progress(phase, done, n_files)

    pool: ProcessPoolExecutor | None = None
    futures: dict[Future[bytes], DirectoryJob] = {}
    held: list[tuple[DirectoryJob, str]] = []  # not cached, not yet given to a worker
    try:
        for job in jobs:
            key = key_of(job) if key_of is not None else ""
            hit = cache.get(key) if cache is not None and key else None
            if isinstance(hit, Report):
                finished(job, hit)
                continue
            held.append((job, key))
            enough = sum(len(j.files) for j, _ in held) >= _INLINE_FILES
            if pool is None and workers > 1 and len(jobs) > 1 and enough:
                pool = _pool(workers, rules)
            if pool is not None:
                with _sigint_blocked():  # a worker forked now inherits the blocked mask
                    for waiting, waiting_key in held:
                        futures[
                            pool.submit(_analyze_in_worker, waiting, reach, waiting_key, cache)
                        ] = waiting
                held = []
        for job, key in held:  # too few for a pool
            finished(job, analyze(job, rules, reach), key)
        for future in as_completed(futures):
            finished(futures[future], pickle.loads(future.result()))
    except BaseException:  # Ctrl-C, or a toolchain that cannot run: drop what is queued
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    if pool is not None:
        pool.shutdown()
    total.sort()
    return total


def _pool(workers: int, rules: Selection) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_pool_context(),
        initializer=_start_worker,
        initargs=(rules,),
    )


def cores() -> int:
    """The CPUs this process may run on (its affinity: a container's or taskset's share,
    as ast-grep's default threads), else the machine's: the default number of workers."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _keyer(
    jobs: list[DirectoryJob], rules: Selection, reach: Reach
) -> Callable[[DirectoryJob], str]:
    """A job's cache key; "" for a job with a file that cannot be read (its analysis
    reports that)."""
    settings = (
        [(config.path, config.exclude, config.rules) for config in reach.configs],
        sorted((str(root), why) for root, why in reach.protected.items()),
        reach.fix_unlinked,
    )
    keys = scancache.Keys(rules, settings, reach.workspace, jobs)

    def key(job: DirectoryJob) -> str:
        try:
            return keys.key(job)
        except InputError:
            return ""

    return key


# A worker's rules, given once when it starts rather than with every job.
_WORKER_RULES: Selection = ()


def _start_worker(rules: Selection) -> None:
    global _WORKER_RULES
    _WORKER_RULES = rules


def _analyze_in_worker(
    job: DirectoryJob, reach: Reach, key: str, cache: scancache.Cache | None
) -> bytes:
    """The job's report, pickled once: for the cache (written here, in parallel) and
    for the way back."""
    report = analyze(job, _WORKER_RULES, reach)
    data = pickle.dumps(report, pickle.HIGHEST_PROTOCOL)
    if cache is not None and key and not report.toolchain:
        cache.put_pickled(key, data)
    return data


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork on Linux: a forked worker inherits the rules as this process holds them, so
    nothing about them is pickled and a rule loaded from a file (in sys.modules or not),
    or one with a lambda among its options, runs as it does here. Elsewhere the
    platform's default, which pickles them: such a rule must be importable there."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Ctrl-C goes to the whole process group; only this process should act on it (the
    CLI says what was written), so worker processes never see SIGINT."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
