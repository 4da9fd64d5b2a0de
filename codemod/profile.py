"""Where a program's start-up time goes: measure, attribute, graph (`codemod profile`).

1. Measure: build the main package once (bench's build), run it `-n` times after warm-up
   with GODEBUG=inittrace=1 (bench's runner and readiness modes); per package, the median
   of its inittrace clock, bytes and allocs over the runs; the total is the median of the
   per-run sums of clock.
2. Attribute: join the trace with `go list -deps -json` of the same package, build flags
   and environment: each package's module, version, origin (`main`, `dependency`, `std`,
   or `unknown` when go list does not know it), directory and imports; per module, the
   summed medians of its packages and their share.
3. Graph: the init dependency graph among the packages that do init work (the ones
   inittrace names), in the order inittrace printed them (the real one), and the
   critical path (`critical_path`).

Everything here is plain data for render_profile. Each package also carries `findings`
(empty) and `estimated_saving_ms` (None): the rules' explanation of a package (issue 9,
step 3) fills them in later without changing the document's shape.
"""

from __future__ import annotations

import statistics
import tempfile
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from codemod import bench, gotool, inittrace
from codemod.graphs import init_edges

Origin = Literal["main", "dependency", "std", "unknown"]
STD = "std"  # the module path the standard library's packages are reported under
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
    findings: list[dict[str, Any]] = field(default_factory=list)  # filled by step 3 (later)
    estimated_saving_ms: float | None = None  # filled by step 3 (later)


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


@dataclass(frozen=True)
class CriticalStep:
    path: str
    init_ms: float
    share: float
    cumulative_share: float
    chain: tuple[str, ...]  # main package ... this package: why the program links it


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


# ---------------------------------------------------------------------------- measure


def run(
    directory: Path,
    settings: bench.Settings,
    build_flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    progress: bench.Progress | None = None,
) -> Profile:
    """Build, run, list and attribute. Raises bench.BenchError or gotool.GoToolError."""
    directory = directory.resolve()
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
    return attribute(
        settings,
        spec,
        toolchain["GOVERSION"],
        toolchain["GOROOT"],
        size,
        measured,
        listed,
        unlisted,
    )


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
            out[m.path] = ModuleInfo(_module_dir(p, m), m.replace)
    return out


def _module_dir(package: gotool.ListedPackage, module: gotool.ListedModule) -> str | None:
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
