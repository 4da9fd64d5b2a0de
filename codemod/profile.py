"""Where a program's start-up time goes: measure, attribute, graph (`codemod profile`).

1. Measure: build the main package once (bench's build), run it `-n` times after warm-up
   with GODEBUG=inittrace=1 (bench's runner and readiness modes); per package, the median
   of its inittrace clock, bytes and allocs over the runs; the total is the median of the
   per-run sums of clock.
2. Attribute: join the trace with `go list -deps -json` of the same package, build flags
   and environment: each package's module, version, origin (`main`, `dependency`, `std`,
   or `unknown` when go list does not know it), directory and imports; per module, the
   summed medians of its packages and their share.
3. Explain: every installed rule, in scan mode, over every package of the program's
   build, read-only, with exactly the files `go list` selected (GoFiles + CgoFiles), wherever
   they live (module cache, vendor/, GOROOT); each package gets its findings and an
   estimated saving (`estimate`), each module their count and sum; each package what runs
   at its init with the fix or why there is none (`explain_work`), and the program the
   share of its dependencies' init time with a fix and the share unavoidable (`coverage`).
4. Graph: the init dependency graph among the packages that do init work (the ones
   inittrace names), in the order inittrace printed them (the real one), and the
   critical path (`critical_path`).

Everything here is plain data for render_profile.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from codemod import bench, engine, gotool, inittrace, model, registry
from codemod import config as cfg
from codemod.graphs import init_edges
from codemod.rule import Finding, ImportAction
from codemod.startup import CALLED_LITERAL, MUST_RUN, InitItem, InitWork

Origin = Literal["main", "dependency", "std", "unknown"]
STD = model.STD  # the module path the standard library's packages are reported under
MAIN_TRACE_NAME = "main"  # inittrace names the main package "main", not its import path

CRITICAL_SHARE = 0.8  # the critical path covers this share of the attributed init time
CRITICAL_MAX = 20  # ... in at most this many packages


@dataclass(frozen=True)
class Timing:
    """Medians over the runs that traced the package."""

    clock_ms: float
    start_ms: float  # inittrace's @: since runtime.main began the runtime's own inits
    bytes: float
    allocs: float
    runs: int


@dataclass(frozen=True)
class Measurement:
    runs: int
    wall_ms: float  # median, exec to ready (tracing included)
    total_init_ms: float  # median of the per-run sums of clock
    order: tuple[str, ...]  # packages as inittrace printed them (the first run's order)
    timings: dict[str, Timing]


@dataclass
class PackageProfile:
    path: str
    module: str | None  # STD for the standard library; None when unknown
    version: str | None
    origin: Origin
    dir: str | None
    init_ms: float  # median inittrace clock; 0 for a package with no init work
    start_ms: float | None
    bytes: float
    allocs: float
    imports: tuple[str, ...]
    init_index: int | None  # position in the real init order; None: no init work
    findings: list[dict[str, Any]] = field(default_factory=list)  # `explain`
    estimated_saving_ms: float | None = None  # `estimate`; None: no finding
    saving_basis: str | None = None  # how it was estimated (see `estimate`)
    skipped: list[str] = field(default_factory=list)  # files the rules could not read
    init_work: list[dict[str, Any]] = field(default_factory=list)  # `explain_work`


@dataclass
class ModuleProfile:
    path: str | None  # None groups the packages of unknown origin
    version: str | None
    origin: Origin
    dir: str | None
    replace: str | None
    init_ms: float
    share: float  # of the attributed init time (the sum of all packages' medians)
    packages: tuple[str, ...]  # costliest first
    findings: int = 0  # of its packages (`explain`)
    estimated_saving_ms: float | None = None  # their sum; None: no package has one


@dataclass(frozen=True)
class CriticalStep:
    path: str
    init_ms: float
    share: float
    cumulative_share: float
    chain: tuple[str, ...]  # main package ... this package: why the program links it


@dataclass(frozen=True)
class Coverage:
    """How much of the dependencies' measured init time the rules account for."""

    dependency_ms: float  # the packages of origin `dependency` (not main, not std)
    fixable_ms: float  # ... in packages with a proposed fix (safe or unsafe)
    unavoidable_ms: float  # ... with no fix, every init_work item must run before main

    @property
    def fixable_share(self) -> float:
        return _share(self.fixable_ms, self.dependency_ms)

    @property
    def unavoidable_share(self) -> float:
        return _share(self.unavoidable_ms, self.dependency_ms)


@dataclass
class Profile:
    pkg: str
    args: tuple[str, ...]
    ready: str
    runs: int
    warmup: int
    build_flags: tuple[str, ...]
    env: dict[str, str]
    go: str
    binary_bytes: int
    wall_ms: float
    total_init_ms: float
    attributed_ms: float  # the sum of the packages' medians: the base of every share
    packages: list[PackageProfile]  # in init order; packages with no init work last
    modules: list[ModuleProfile]  # costliest first
    critical_path: list[CriticalStep]
    edges: list[tuple[str, str]]  # (importer, imported) among packages with init work
    warnings: list[str]
    main: str = ""  # the main package's import path (--pkg may be a relative pattern)
    coverage: Coverage | None = None  # `coverage`, once explained


# ---------------------------------------------------------------------------- measure


def run(
    directory: Path,
    settings: bench.Settings,
    build_flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    progress: bench.Progress | None = None,
) -> Profile:
    """Build, run, list, attribute and explain. Raises bench.BenchError,
    gotool.GoToolError, or model.InputError for a bad .codemod.toml (before any build)."""
    directory = directory.resolve()
    rules = load_config(directory)
    spec = bench.VariantSpec("profile", bench.WORKTREE, tuple(build_flags), dict(env or {}))
    with tempfile.TemporaryDirectory(prefix="codemod-profile-") as tmp:
        binary = Path(tmp) / "program"
        bench.build(directory, spec, settings.pkg, binary)
        size = binary.stat().st_size
        runs = _runs(binary, directory, spec, settings, progress)
    listed = gotool.list_deps(directory, [settings.pkg], spec.build_flags, spec.env)
    toolchain = gotool.settings(directory, "GOVERSION", "GOROOT", env=spec.env)
    measured = measure(runs)
    unlisted = _unlisted(directory, measured, listed, spec)
    result = attribute(
        settings,
        spec,
        toolchain["GOVERSION"],
        toolchain["GOROOT"],
        size,
        measured,
        listed,
        unlisted,
    )
    explain(result, directory, listed, toolchain["GOROOT"], rules, progress)
    return result


def _runs(
    binary: Path,
    directory: Path,
    spec: bench.VariantSpec,
    settings: bench.Settings,
    progress: bench.Progress | None,
) -> list[bench.Run]:
    total = settings.warmup + settings.runs
    runs = []
    for i in range(total):
        measured = bench.run_once(binary, directory, spec, settings)
        if i >= settings.warmup:
            runs.append(measured)
        if progress:
            progress("running", i + 1, total)
    return runs


def measure(runs: Sequence[bench.Run]) -> Measurement:
    """Per-package medians over the runs, and the median of the per-run totals."""
    if not runs:
        raise ValueError("no runs to measure")
    samples: dict[str, list[inittrace.InitRecord]] = {}
    for r in runs:
        for rec in r.trace.records:
            samples.setdefault(rec.package, []).append(rec)
    timings = {name: _timing(records) for name, records in samples.items()}
    order = tuple(dict.fromkeys(rec.package for rec in runs[0].trace.records))
    order += tuple(name for name in samples if name not in order)
    return Measurement(
        runs=len(runs),
        wall_ms=statistics.median(r.wall_ms for r in runs),
        total_init_ms=statistics.median(r.trace.total_clock_ms for r in runs),
        order=order,
        timings=timings,
    )


def _timing(records: Sequence[inittrace.InitRecord]) -> Timing:
    return Timing(
        clock_ms=statistics.median(r.clock_ms for r in records),
        start_ms=statistics.median(r.at_ms for r in records),
        bytes=statistics.median(r.bytes for r in records),
        allocs=statistics.median(r.allocs for r in records),
        runs=len(records),
    )


def _unlisted(
    directory: Path,
    measured: Measurement,
    listed: Sequence[gotool.ListedPackage],
    spec: bench.VariantSpec,
) -> list[gotool.ListedPackage]:
    """What go list says of traced packages the program's listing left out (packages the
    linker adds on its own), asked with -e: a name go cannot place stays unknown alone."""
    known = {p.import_path for p in listed} | {MAIN_TRACE_NAME}
    missing = [name for name in measured.order if name not in known]
    if not missing:
        return []
    try:
        found = gotool.list_deps(
            directory, missing, spec.build_flags, spec.env, tolerate_errors=True
        )
    except gotool.GoToolError:  # they stay of unknown origin, and the profile says so
        return []
    return [p for p in found if p.import_path in missing and p.error is None]


# ---------------------------------------------------------------------------- attribute


def attribute(
    settings: bench.Settings,
    spec: bench.VariantSpec,
    go: str,
    goroot: str,
    binary_bytes: int,
    measured: Measurement,
    listed: Sequence[gotool.ListedPackage],
    unlisted: Sequence[gotool.ListedPackage] = (),
) -> Profile:
    """Join the measurement with the listing: the whole profile, as plain data."""
    root = listed[-1].import_path if listed else MAIN_TRACE_NAME  # -deps lists it last
    info = {p.import_path: p for p in (*listed, *unlisted)}
    order = [root if name == MAIN_TRACE_NAME else name for name in measured.order]
    timings = {
        (root if name == MAIN_TRACE_NAME else name): t for name, t in measured.timings.items()
    }
    index = {name: i for i, name in enumerate(order)}
    names = order + sorted(p.import_path for p in listed if p.import_path not in index)
    packages = [
        _package(name, info.get(name), timings.get(name), index.get(name), go) for name in names
    ]
    attributed = sum(p.init_ms for p in packages)
    imports = {p.import_path: p.imports for p in listed}
    warnings = _warnings(settings, packages)
    return Profile(
        pkg=settings.pkg,
        args=settings.args,
        ready=str(settings.ready),
        runs=measured.runs,
        warmup=settings.warmup,
        build_flags=spec.build_flags,
        env=dict(spec.env),
        go=go,
        binary_bytes=binary_bytes,
        wall_ms=measured.wall_ms,
        total_init_ms=measured.total_init_ms,
        attributed_ms=attributed,
        packages=packages,
        modules=modules(packages, attributed, module_info((*listed, *unlisted), goroot)),
        critical_path=critical_path(packages, attributed, root, imports),
        edges=init_edges(order, imports),
        warnings=warnings,
        main=root,
    )


def _package(
    name: str,
    listed: gotool.ListedPackage | None,
    timing: Timing | None,
    init_index: int | None,
    go: str,
) -> PackageProfile:
    module, version, origin = _origin(listed, go)
    return PackageProfile(
        path=name,
        module=module,
        version=version,
        origin=origin,
        dir=str(listed.dir) if listed and listed.dir else None,
        init_ms=timing.clock_ms if timing else 0.0,
        start_ms=timing.start_ms if timing else None,
        bytes=timing.bytes if timing else 0.0,
        allocs=timing.allocs if timing else 0.0,
        imports=listed.imports if listed else (),
        init_index=init_index,
    )


def _origin(listed: gotool.ListedPackage | None, go: str) -> tuple[str | None, str | None, Origin]:
    """(module path, version, origin). The main module's version is "(devel)", as
    `go version -m` says; a dependency's is the one go list reports (for a module
    replaced by a directory, the required version); the standard library's is Go's."""
    if listed is None:
        return None, None, "unknown"
    if listed.standard:
        return STD, go, "std"
    module = listed.module
    if module is None:
        return None, None, "unknown"
    if module.main:
        return module.path, module.version or "(devel)", "main"
    return module.path, module.version or "(devel)", "dependency"


def modules(
    packages: Sequence[PackageProfile],
    attributed: float,
    info: Mapping[str, ModuleInfo] | None = None,
) -> list[ModuleProfile]:
    """Per module: the sum of its packages' medians and its share of `attributed`;
    costliest first (ties: by path)."""
    groups: dict[str | None, list[PackageProfile]] = {}
    for p in packages:
        groups.setdefault(p.module, []).append(p)
    out = []
    for path, members in groups.items():
        first = members[0]
        total = sum(p.init_ms for p in members)
        ranked = sorted(members, key=lambda p: (-p.init_ms, p.path))
        where = (info or {}).get(path or "", ModuleInfo(None, None))
        out.append(
            ModuleProfile(
                path=path,
                version=first.version,
                origin=first.origin,
                dir=where.dir,
                replace=where.replace,
                init_ms=total,
                share=_share(total, attributed),
                packages=tuple(p.path for p in ranked),
            )
        )
    return sorted(out, key=lambda m: (-m.init_ms, m.path or "\uffff"))


@dataclass(frozen=True)
class ModuleInfo:
    dir: str | None
    replace: str | None


def module_info(listed: Sequence[gotool.ListedPackage], goroot: str) -> dict[str, ModuleInfo]:
    """Module path -> its directory (module cache, a replacement, `vendor/`, GOROOT/src)
    and what a `replace` points it at."""
    out = {STD: ModuleInfo(str(Path(goroot) / "src") if goroot else None, None)}
    for p in listed:
        m = p.module
        if m is not None and m.path not in out:
            out[m.path] = ModuleInfo(module_dir(p, m), m.replace)
    return out


def module_dir(package: gotool.ListedPackage, module: gotool.ListedModule) -> str | None:
    """go list gives no module directory for a vendored module: it is where the package's
    directory ends in the package's path below the module."""
    if module.dir is not None:
        return str(module.dir)
    if package.dir is None or not package.import_path.startswith(module.path):
        return None
    below = package.import_path[len(module.path) :].strip("/")
    depth = len(Path(below).parts) if below else 0
    return str(package.dir.parents[depth - 1]) if depth else str(package.dir)


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def _warnings(settings: bench.Settings, packages: Sequence[PackageProfile]) -> list[str]:
    out = []
    if settings.runs < 10:
        out.append(f"only {settings.runs} runs: medians of small packages are noisy")
    unknown = [p.path for p in packages if p.origin == "unknown"]
    if unknown:
        out.append(
            f"{len(unknown)} traced package(s) that go list does not know, origin unknown: "
            + ", ".join(unknown[:5])
            + (", ..." if len(unknown) > 5 else "")
        )
    return out


# ---------------------------------------------------------------------------- graph


def critical_path(
    packages: Sequence[PackageProfile],
    attributed: float,
    root: str,
    imports: Mapping[str, Sequence[str]],
) -> list[CriticalStep]:
    """The costliest packages, in order, with their cumulative share.

    Package init runs on one goroutine, one package after another, so every package's
    clock adds to start-up and none hides behind another: the path that matters is the
    list of packages ordered by median init clock (descending; ties in init order), cut
    at the shortest prefix whose cumulative share of the attributed time (the sum of all
    packages' medians) reaches CRITICAL_SHARE, and at CRITICAL_MAX entries at most.
    Packages with no measured time are never on it. Each step carries the shortest import
    chain from the main package to it (the first in import-path order): why it is linked.
    """
    ranked = sorted(
        (p for p in packages if p.init_ms > 0),
        key=lambda p: (-p.init_ms, p.init_index if p.init_index is not None else 1 << 30),
    )
    parents = _bfs_parents(root, imports)
    steps: list[CriticalStep] = []
    cumulative = 0.0
    for p in ranked[:CRITICAL_MAX]:
        cumulative += p.init_ms
        share = _share(p.init_ms, attributed)
        steps.append(
            CriticalStep(
                p.path, p.init_ms, share, _share(cumulative, attributed), _chain(p.path, parents)
            )
        )
        if _share(cumulative, attributed) >= CRITICAL_SHARE:
            break
    return steps


def _bfs_parents(root: str, imports: Mapping[str, Sequence[str]]) -> dict[str, str | None]:
    parents: dict[str, str | None] = {root: None}
    queue = deque([root])
    while queue:
        current = queue.popleft()
        for child in sorted(imports.get(current, ())):
            if child not in parents:
                parents[child] = current
                queue.append(child)
    return parents


def _chain(path: str, parents: Mapping[str, str | None]) -> tuple[str, ...]:
    if path not in parents:
        return (path,)
    chain = [path]
    while (parent := parents[chain[-1]]) is not None:
        chain.append(parent)
    return tuple(reversed(chain))


# ---------------------------------------------------------------------------- explain


def load_config(directory: Path) -> tuple[cfg.Config, engine.Selection]:
    """Every installed rule, with its options from the user's .codemod.toml (found from
    `directory` up) or its defaults. Raises model.InputError for a bad file."""
    known = registry.all_rules()
    config = cfg.load(cfg.find(directory.resolve()), known)
    return config, tuple((rule, config.options_for(rule)) for rule in known.values())


def explain(
    profile: Profile,
    directory: Path,
    listed: Sequence[gotool.ListedPackage],
    goroot: str,
    rules: tuple[cfg.Config, engine.Selection] | None = None,
    progress: bench.Progress | None = None,
    workers: int | None = None,
) -> None:
    """Fill in each package's findings and estimated saving, and each module's sums.

    Every package of the build is scanned, with or without init work: a package with no
    inittrace line can still hold a blank import that links one that has. Read-only
    (engine.Reach.program): nothing is written, and importers are loaded only in the
    program's own modules, as scan does. A file that does not parse is named in the
    package's `skipped`; the rest of the run goes on.
    """
    config, selection = rules or load_config(directory)
    go = _go_line(profile.go)
    pairs = [(job, p) for p in listed if (job := _job(p, goroot, go)) is not None]
    jobs = [job for job, _ in pairs]
    own = frozenset(job.module.root for job, p in pairs if job.module and _main(p))
    imports = {p.import_path: p.imports for p in listed}
    reach = engine.Reach(configs=(config,), program=imports, own=own)
    report = engine.run(jobs, selection, reach, progress, workers, phase="explaining")
    home = {f: str(j.dir) for j in jobs for f in j.files}
    by_dir = {str(p.dir): p.import_path for p in listed if p.dir is not None}
    found: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.rule != engine.UNUSED_IGNORE and f.path in home:
            found.setdefault(by_dir[home[f.path]], []).append(f)
    skipped: dict[str, list[str]] = {}
    for e in report.errors:
        where = home.get(e.path) or str(e.path)
        if where in by_dir:
            skipped.setdefault(by_dir[where], []).append(f"{e.path}:{e.line}: {e.message}")
    clock = {p.path: p.init_ms for p in profile.packages}
    root = listed[-1].import_path if listed else ""
    graph = model.ImportGraph(root, imports)
    for p in profile.packages:
        p.findings = [_finding_dict(f, p.origin) for f in found.get(p.path, [])]
        p.skipped = skipped.get(p.path, [])
        work = report.init_work.get(str(Path(p.dir))) if p.dir else None
        p.estimated_saving_ms, p.saving_basis = estimate(
            p, found.get(p.path, []), work or [], graph, clock
        )
        items = report.init_items.get(str(Path(p.dir))) if p.dir else None
        p.init_work = explain_work(items or [], p.findings, p.origin)
    profile.coverage = coverage(profile.packages)
    for m in profile.modules:
        names = set(m.packages)
        members = [p for p in profile.packages if p.path in names]
        m.findings = sum(len(p.findings) for p in members)
        savings = [p.estimated_saving_ms for p in members if p.estimated_saving_ms is not None]
        m.estimated_saving_ms = sum(savings) if savings else None
    unread = [p.path for p in profile.packages if p.skipped]
    if unread:
        profile.warnings.append(
            f"{len(unread)} package(s) with files the rules could not read, skipped: "
            + ", ".join(unread[:5])
            + (", ..." if len(unread) > 5 else "")
        )


def _main(p: gotool.ListedPackage) -> bool:
    """Whether the package is of the program's own module (or go.work's modules)."""
    return p.module is not None and p.module.main


def _go_line(version: str) -> tuple[int, int] | None:
    """(1, 22) from "1.22", "go1.22.3" or "go1.27rc1"; None when it says nothing."""
    numbers = version.removeprefix("go").replace("rc", ".").replace("beta", ".").split(".")
    try:
        return int(numbers[0]), int(numbers[1])
    except (IndexError, ValueError):
        return None


def _job(
    p: gotool.ListedPackage, goroot: str, go: tuple[int, int] | None
) -> model.DirectoryJob | None:
    """The package's files as go list selected them for this build, all reported on."""
    names = (*p.go_files, *p.cgo_files)
    if p.dir is None or not names:
        return None
    files = tuple(p.dir / name for name in names)
    return model.DirectoryJob(p.dir, files, frozenset(files), _module(p, goroot, go))


def _module(
    p: gotool.ListedPackage, goroot: str, go: tuple[int, int] | None
) -> model.Module | None:
    """The package's module as the rules see it: the standard library is module `std` at
    GOROOT/src (at the toolchain's Go version), a dependency its directory (module cache,
    replacement or vendor/) at the `go` line of its go.mod."""
    if p.standard:
        return model.Module(Path(goroot) / "src", STD, go)
    if p.module is None:
        return None
    root = module_dir(p, p.module)
    if root is None:
        return None
    return model.Module(Path(root), p.module.path, _go_line(p.module.go_version or ""))


STD_NO_FIX = "in the standard library, which no fix can patch"


def _finding_dict(f: Finding, origin: Origin) -> dict[str, Any]:
    """A finding as the document shows it; in the standard library it has no fix."""
    fix = f.fix.safety.value if f.fix is not None else "none"
    message = f.message
    if origin == "std":
        fix, message = "none", f"{message} ({STD_NO_FIX})" if f.fix else message
    return {
        "rule": f.rule,
        "file": str(f.path),
        "line": f.line,
        "column": f.column,
        "message": message,
        "fix": fix,
    }


def estimate(
    package: PackageProfile,
    findings: Sequence[Finding],
    work: Sequence[InitWork],
    graph: model.ImportGraph,
    clock: Mapping[str, float],
) -> tuple[float | None, str | None]:
    """What fixing the package's findings would save at each start, in ms, and how that
    was estimated; (None, None) without findings. Two parts, added:

    - its own init: `work` is what the package runs before main that may cost time, as
      syntax tells (startup.init_work: each `func init()`, each package-level var whose
      initializer calls, converts or builds a map). A unit is covered when a finding
      with a fix (safe or unsafe) sits on its line. All units covered: the package's
      whole measured clock ("all": nothing else in it costs). Some: that share of its
      clock by count of units ("share": it assumes units cost alike, which a slow
      `init()` or one huge table breaks; a guide, not a measurement). None: 0.
    - an import a fix removes from the default build (debug-imports' build-tag fix): the
      measured clock of the packages the program links only through that import ("unlinked").

    The standard library's findings have no fix (nothing patches GOROOT): 0 ("none").
    Not counted: a lazy value that another package's init reads (the rules do not load
    importers of a dependency) saves nothing; the estimate then is too high.
    """
    if not findings:
        return None, None
    if package.origin == "std":
        return 0.0, "none"
    fixed = {(str(f.path), f.line) for f in findings if f.fix is not None}
    covered = [w for w in work if (w.path, w.line) in fixed]
    own = package.init_ms * len(covered) / len(work) if work else 0.0
    basis = "all" if work and len(covered) == len(work) else "share" if covered else ""
    unlinked = 0.0
    for f in findings:
        for removed in _removed_imports(f):
            leaves = graph.only_through(removed, (package.path, removed))
            unlinked += sum(clock.get(p, 0.0) for p in leaves)
            if "unlinked" not in basis:
                basis = f"{basis}+unlinked" if basis else "unlinked"
    return own + unlinked, basis or "none"


def _removed_imports(f: Finding) -> list[str]:
    """The imports a finding's fix drops from the default build of the file it is in."""
    if f.fix is None:
        return []
    return [
        change.path
        for file_fix in f.fix.files
        if file_fix.path == f.path
        for change in file_fix.imports
        if change.action is ImportAction.REMOVE
    ]


# ---------------------------------------------------------------------------- what runs


def explain_work(
    items: Sequence[InitItem], findings: Sequence[Mapping[str, Any]], origin: Origin
) -> list[dict[str, Any]]:
    """Each thing the package runs at init with its fix (the finding with a fix on its
    line: rule and message) or why there is none (`why_not`), and its `cost`, costliest
    first (file order among equals): "costly" (a rule knows its cost, or a loop),
    "unknown", "cheap" (startup.cheap_initializer). The why_not, first that applies: a
    registration into another package or a value registering code reads
    (startup.MUST_RUN), a finding without a fix on its line (its own reason), the
    standard library (no fix patches it), cheap work, what no rule reports."""
    on_line: dict[tuple[str, int], list[Mapping[str, Any]]] = {}
    for f in findings:
        on_line.setdefault((f["file"], f["line"]), []).append(f)
    out = []
    for item in items:
        here = on_line.get((item.path, item.line), [])
        entry: dict[str, Any] = {
            "kind": item.kind,
            "file": item.path,
            "line": item.line,
            "summary": item.summary,
        }
        entry["cost"] = _cost(item, here)
        fixed = next((f for f in here if f["fix"] != "none"), None)
        if fixed is not None:
            entry["fix"] = {
                "rule": fixed["rule"],
                "safety": fixed["fix"],
                "message": fixed["message"],
            }
        else:
            entry["why_not"] = _why_not(item, here, origin)
        out.append(entry)
    return sorted(out, key=lambda e: COSTS.index(e["cost"]))


COSTS = ("costly", "unknown", "cheap")  # an init_work item's cost, costliest first


def _cost(item: InitItem, here: Sequence[Mapping[str, Any]]) -> str:
    """A finding on a registration (init-hooks refusing to move it) says nothing of its
    cost; one on other work means a rule recognised a cost there."""
    registers = item.kind == "registration" or item.only_registers
    if item.loop or any(f["fix"] != "none" for f in here) or (here and not registers):
        return "costly"
    return "cheap" if item.cheap else "unknown"


def _why_not(item: InitItem, here: Sequence[Mapping[str, Any]], origin: Origin) -> str:
    if item.kind == "registration" or item.only_registers:
        return f"registers into {item.into}: {MUST_RUN}"
    if item.read_by and not here:
        return f"read at start-up by {item.read_by}, which registers: {MUST_RUN}"
    if here:
        return _reason(here[0]["message"])
    if origin == "std":
        return STD_NO_FIX
    if item.kind == "init":
        loop = f" {item.loop};" if item.loop else ""
        also = f" (it also registers into {item.into})" if item.into else ""
        return f"an init() body:{loop} no rule defers it{also}"
    if item.calls == CALLED_LITERAL:
        loop = f" ({item.loop})" if item.loop else ""
        return f"a func literal called at once runs at init{loop}; no rule defers it"
    if item.cheap:
        what = f"{item.calls}(...)" if item.calls else "a small map literal or a conversion"
        return f"cheap: {what} does next to no work; nothing to defer"
    if item.calls:
        return f"no rule reports it: {item.calls}(...) is no constructor a rule knows"
    return "no rule reports it: a map below lazy-init's min_map_entries, or a conversion"


def _reason(message: str) -> str:
    """A finding's own reason for having no fix, from its message."""
    for mark in ("not made lazy: ", "; no fix: "):
        if mark in message:
            return message.split(mark, 1)[1]
    return message


def has_fix(p: PackageProfile) -> bool:
    """Whether a rule proposes a fix (safe or unsafe) in the package."""
    return any(f["fix"] != "none" for f in p.findings)


def unavoidable(p: PackageProfile) -> bool:
    """Init work that must run before main: no fix, at least one item that must run
    (a registration, or a value registering code reads), and every other item cheap.
    Cheap items (errors.New, small maps, conversions: startup.cheap_initializer) do not
    keep a package out; one item of unknown cost does."""
    must = [str(w.get("why_not", "")).endswith(MUST_RUN) for w in p.init_work]
    return (
        not has_fix(p)
        and any(must)
        and all(m or w.get("cost") == "cheap" for m, w in zip(must, p.init_work, strict=True))
    )


UNAVOIDABLE = (
    "no fix, and every item with measurable work must run before main: registrations "
    "and the values registering code reads; cheap items (errors.New, small maps, "
    "conversions, reflect.TypeOf) do not count"
)  # what the unavoidable share counts, for the reports


def no_items_reason(p: PackageProfile) -> str:
    """Why a package outside the standard library has measured init time and no init_work
    item ("" when it has items or no time): no init() and no initializer with a call, a
    map or a conversion, so the time is in code the compiler emits for initializers it
    cannot lay out statically (x/text's charmap: `iso8859_6E = internal.Encoding{Encoding:
    ISO8859_6}`, `listAll = []encoding.Encoding{CodePage037, ...}`)."""
    if p.init_work or p.init_ms <= 0 or p.origin == "std":
        return ""
    return (
        "no init() and no initializer with a call, map or conversion: the time is in "
        "init code the compiler emits for initializers it cannot lay out statically "
        "(values copied from other package variables, interface values); no rule "
        "rewrites it"
    )


def coverage(packages: Sequence[PackageProfile]) -> Coverage:
    """The dependencies' measured init time, the part in packages with a proposed fix
    and the part explained as unavoidable."""
    deps = [p for p in packages if p.origin == "dependency"]
    return Coverage(
        dependency_ms=sum(p.init_ms for p in deps),
        fixable_ms=sum(p.init_ms for p in deps if has_fix(p)),
        unavoidable_ms=sum(p.init_ms for p in deps if unavoidable(p)),
    )


NO_FIX_SHOWN = 10  # packages listed under "no fix"


def without_fix(
    packages: Sequence[PackageProfile], count: int = NO_FIX_SHOWN
) -> list[PackageProfile]:
    """The costliest packages outside the standard library with init time and no proposed
    fix (ties by path)."""
    ranked = [p for p in packages if p.origin != "std" and p.init_ms > 0 and not has_fix(p)]
    return sorted(ranked, key=lambda p: (-p.init_ms, p.path))[:count]
