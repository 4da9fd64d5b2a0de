"""Measure start-up of two variants of one main package, interleaved, and compare.

A variant is a source tree (a git ref checked out in a temporary worktree, or the work
tree) plus build flags and environment. Each is built once, with -trimpath so that one
commit builds to one binary; then the binaries run in pairs after warm-up, so drift in
machine load hits both alike, the order within each pair drawn from a seeded generator
(the seed is part of the result, so a run can be repeated). Each run records the wall
time from exec to "ready" and the runtime's own inittrace.

Statistics a reviewer can trust: the per-package comparisons are one family and the
totals another, each under Benjamini-Hochberg FDR control; a difference counts only
above a minimum effect; and a package that runs the same code in both variants (its own
files and those of everything it imports are identical, built the same way) is labelled
a layout shift when it moves: it ran the same instructions, so the change came from
where they sat or from the packages around it, not from it.
"""

from __future__ import annotations

import enum
import hashlib
import math
import os
import random
import re
import select
import selectors
import shlex
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from codemod import gitops, gotool, inittrace, stats
from codemod.progress import Progress

WORKTREE = "WORKTREE"  # as a ref: the work tree as it is, uncommitted changes included
TRIMPATH = "-trimpath"  # every build: one commit gives one binary, wherever it is checked out
# inittrace prints 0.001 ms steps: a change must reach 50 steps and 5% to be reported.
DEFAULT_MIN_EFFECT = stats.MinEffect(absolute=50 * inittrace.RESOLUTION_MS, relative_pct=5.0)


class BenchError(Exception):
    """A variant could not be built or run as asked (exit code 2)."""


class ReadyWhen(enum.StrEnum):
    EXIT = "exit"  # the process exits (a CLI's `-version`)
    TCP = "tcp"  # a TCP port accepts
    STDOUT = "stdout"  # stdout prints a matching line


@dataclass(frozen=True)
class Ready:
    """When a run counts as started: the process exits, a TCP port accepts, or stdout
    prints a matching line."""

    kind: ReadyWhen
    port: int = 0
    pattern: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, text: str) -> Ready:
        if text == ReadyWhen.EXIT:
            return cls(ReadyWhen.EXIT)
        kind, _, arg = text.partition(":")
        if kind == ReadyWhen.TCP and arg.isdigit() and 0 < int(arg) < 65536:
            return cls(ReadyWhen.TCP, port=int(arg))
        if kind == ReadyWhen.STDOUT and arg:
            try:
                return cls(ReadyWhen.STDOUT, pattern=re.compile(arg))
            except re.error as exc:
                raise ValueError(f"--ready stdout:{arg}: bad regular expression: {exc}") from None
        raise ValueError(f"--ready {text}: expected exit, tcp:PORT or stdout:REGEX")

    def __str__(self) -> str:
        if self.kind is ReadyWhen.TCP:
            return f"tcp:{self.port}"
        if self.kind is ReadyWhen.STDOUT and self.pattern is not None:
            return f"stdout:{self.pattern.pattern}"
        return str(self.kind)


@dataclass(frozen=True)
class VariantSpec:
    label: str  # "base" or "head"
    ref: str  # a git ref, or WORKTREE
    build_flags: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Run:
    wall_ms: float
    trace: inittrace.Trace
    first: bool = False  # ran first in its pair (the order is drawn per pair)


@dataclass
class Variant:
    spec: VariantSpec
    commit: str | None  # None for the work tree
    binary_bytes: int
    runs: list[Run] = field(default_factory=list)
    code: Mapping[str, Code] = field(default_factory=dict)  # by inittrace package name


@dataclass(frozen=True)
class Code:
    """A linked package's own source, as a digest of its files, and what it imports."""

    digest: str
    imports: tuple[str, ...]


@dataclass(frozen=True)
class PackageDelta:
    package: str
    clock: stats.Comparison | None  # None when one variant does not link the package
    base_clock_ms: float | None
    head_clock_ms: float | None
    base_bytes: float | None
    head_bytes: float | None
    base_allocs: float | None
    head_allocs: float | None
    same_code: bool = False  # the package and all it imports are the same code in both

    @property
    def layout_shift(self) -> bool:
        """A significant change of a package that ran the same code in both variants."""
        return self.same_code and self.clock is not None and self.clock.significant


@dataclass
class Result:
    pkg: str
    args: tuple[str, ...]
    ready: Ready
    base: Variant
    head: Variant
    wall: stats.Comparison
    init_total: stats.Comparison
    packages: list[PackageDelta]
    seed: int = 0  # of the order within each pair of runs
    min_effect: stats.MinEffect = stats.NO_MIN_EFFECT


@dataclass(frozen=True)
class Settings:
    pkg: str
    args: tuple[str, ...] = ()
    runs: int = 30
    warmup: int = 3
    ready: Ready = Ready(ReadyWhen.EXIT)
    timeout: float = 10.0
    seed: int | None = None  # None: a fresh one, reported in the result
    min_effect: stats.MinEffect = DEFAULT_MIN_EFFECT


def run(
    directory: Path,
    base: VariantSpec,
    head: VariantSpec,
    settings: Settings,
    progress: Progress | None = None,
) -> Result:
    """Build both variants and measure them. Raises BenchError; worktrees never outlive it."""
    directory = directory.resolve()
    seed = random.SystemRandom().randrange(2**32) if settings.seed is None else settings.seed
    order = random.Random(seed)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="codemod-bench-") as tmp:
        variants = []
        binaries = []
        for spec in (base, head):
            source, commit = _checkout(stack, directory, spec)
            binary = Path(tmp) / spec.label
            build(source, spec, settings.pkg, binary)
            code = package_code(source, spec, settings.pkg)
            variants.append(Variant(spec, commit, binary.stat().st_size, code=code))
            binaries.append((binary, source))
        total = settings.warmup + settings.runs
        for i in range(total):
            pair = list(zip(variants, binaries, strict=True))
            order.shuffle(pair)
            for position, (variant, (binary, source)) in enumerate(pair):
                measured = run_once(binary, source, variant.spec, settings)
                measured.first = position == 0
                if i >= settings.warmup:
                    variant.runs.append(measured)
            if progress:
                progress("running", i + 1, total)
    return compare(settings, variants[0], variants[1], seed)


def _checkout(stack: ExitStack, directory: Path, spec: VariantSpec) -> tuple[Path, str | None]:
    if spec.ref == WORKTREE:
        return directory, None
    try:
        top = gitops.top_level(directory)
        commit = gitops.resolve(directory, spec.ref)
        tree = stack.enter_context(gitops.worktree(directory, spec.ref))
    except gitops.GitError as exc:
        raise BenchError(str(exc)) from None
    return tree / directory.relative_to(top), commit


def build(source: Path, spec: VariantSpec, pkg: str, binary: Path) -> None:
    """Build `pkg` of `source` to `binary` as `spec` says; raises BenchError (a library
    package, a failed build) with go's last lines."""
    name = gotool.package_name(source, pkg, spec.build_flags, spec.env)
    if name is not None and name != "main":
        raise BenchError(
            f"{pkg} is package {name}, not a main package: only a program can be measured"
        )
    flags = spec.build_flags if TRIMPATH in spec.build_flags else (TRIMPATH, *spec.build_flags)
    result = gotool.build_binary(source, pkg, binary, flags, spec.env)
    if not result.ok:
        tail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise BenchError(f"{spec.label} ({spec.ref}): go build {pkg} failed: {tail}")


CGO_PSEUDO_PACKAGE = "C"  # in a cgo package's imports, never listed as a package


def package_code(source: Path, spec: VariantSpec, pkg: str) -> dict[str, Code]:
    """Each linked package's code, keyed as inittrace names it (the main package "main")."""
    code = {}
    for listed in gotool.list_deps(source, [pkg], spec.build_flags, spec.env):
        files = sorted((*listed.go_files, *listed.cgo_files))
        digest = hashlib.sha256()
        for name in files:
            digest.update(name.encode() + b"\0")
            if listed.dir is not None:
                digest.update((listed.dir / name).read_bytes())
        key = "main" if listed.name == "main" else listed.import_path
        imports = tuple(path for path in listed.imports if path != CGO_PSEUDO_PACKAGE)
        code[key] = Code(digest.hexdigest(), imports)
    return code


# --ready exit measures a run to its exit, which only works for a program that ends well.
_READY_HINT = (
    '--ready exit needs a program that exits with status 0 (e.g. with --args "-version"); '
    "for a server use --ready stdout:REGEX or --ready tcp:PORT"
)


def run_once(binary: Path, cwd: Path, spec: VariantSpec, settings: Settings) -> Run:
    env = {**os.environ, **spec.env}
    env["GODEBUG"] = inittrace.merge_godebug(env.get("GODEBUG"))
    ready = settings.ready
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(binary), *settings.args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if ready.kind is ReadyWhen.STDOUT else subprocess.DEVNULL,
            stderr=err,
        )
        try:
            wall = _wait_ready(proc, ready, start, settings.timeout)
        except BenchError as exc:
            _stop(proc)
            raise BenchError(f"{spec.label}: {exc}{_tail(err)}") from None
        finally:
            if ready.kind is not ReadyWhen.EXIT:
                _stop(proc)
        if ready.kind is ReadyWhen.EXIT and proc.returncode != 0:  # fail at the first run
            raise BenchError(
                f"{spec.label}: {shlex.join([settings.pkg, *settings.args])} exited with status "
                f"{proc.returncode}{_tail(err)}; {_READY_HINT}"
            )
        err.seek(0)
        trace = inittrace.parse(err.read().decode(errors="replace"))
    return Run(wall * 1000.0, trace)


def _wait_ready(proc: subprocess.Popen[bytes], ready: Ready, start: float, timeout: float) -> float:
    deadline = start + timeout
    if ready.kind is ReadyWhen.EXIT:
        if not _wait_exit(proc, timeout):
            raise BenchError(f"did not exit within {timeout:g}s; {_READY_HINT}")
        return time.perf_counter() - start
    if ready.kind is ReadyWhen.TCP:
        while time.perf_counter() < deadline:
            with socket.socket() as sock:
                sock.settimeout(0.05)
                if sock.connect_ex(("127.0.0.1", ready.port)) == 0:
                    return time.perf_counter() - start
            if proc.poll() is not None:
                raise BenchError(
                    f"exited with status {proc.returncode} before port {ready.port} accepted"
                )
            time.sleep(0.0005)
        raise BenchError(f"port {ready.port} did not accept within {timeout:g}s")
    assert proc.stdout is not None and ready.pattern is not None
    os.set_blocking(proc.stdout.fileno(), False)
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while (left := deadline - time.perf_counter()) > 0:
            if not selector.select(timeout=left):
                continue
            chunk = proc.stdout.read() or b""
            if not chunk and proc.poll() is not None:
                raise BenchError(
                    f"exited with status {proc.returncode} before printing a line matching {ready.pattern.pattern!r}"
                )
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if any(ready.pattern.search(line.decode(errors="replace")) for line in lines):
                return time.perf_counter() - start
    raise BenchError(f"printed no line matching {ready.pattern.pattern!r} within {timeout:g}s")


def _wait_exit(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for the exit and wake at once: Popen.wait(timeout) polls with sleeps of up to
    50 ms, far coarser than a start-up. A pidfd (Linux 5.3+) is readable on exit."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not ready:
        return False
    proc.wait()
    return True


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _tail(err: IO[bytes], lines: int = 5) -> str:
    """The program's own last stderr lines (inittrace lines left out), for an error."""
    err.seek(0)
    trace = inittrace.parse(err.read().decode(errors="replace"))
    text = [ln for ln in trace.other.splitlines() if ln.strip()][-lines:]
    return ("; stderr: " + " | ".join(text)) if text else ""


def compare(settings: Settings, base: Variant, head: Variant, seed: int) -> Result:
    """The statistics of two measured variants (see the module docstring)."""
    effect = settings.min_effect
    wall, init_total = stats.correct(
        [
            stats.compare(
                [r.wall_ms for r in base.runs], [r.wall_ms for r in head.runs], min_effect=effect
            ),
            stats.compare(
                [r.trace.total_clock_ms for r in base.runs],
                [r.trace.total_clock_ms for r in head.runs],
                min_effect=effect,
            ),
        ]
    )
    names = sorted({rec.package for v in (base, head) for r in v.runs for rec in r.trace.records})
    same = same_code(base, head)
    packages = _corrected([_package_delta(name, base, head, effect, same) for name in names])
    return Result(
        settings.pkg,
        settings.args,
        settings.ready,
        base,
        head,
        wall,
        init_total,
        packages,
        seed,
        effect,
    )


def _corrected(packages: list[PackageDelta]) -> list[PackageDelta]:
    """The packages' clock comparisons as one FDR family."""
    pairs = [(d.package, d.clock) for d in packages if d.clock is not None]
    corrected = stats.correct([clock for _, clock in pairs])
    by_name = {name: c for (name, _), c in zip(pairs, corrected, strict=True)}
    return [replace(d, clock=by_name[d.package]) if d.package in by_name else d for d in packages]


# Environment that only chooses the sources, which package_code reads as built.
_SOURCE_ENV = frozenset({"GOWORK"})


def same_code(base: Variant, head: Variant) -> frozenset[str]:
    """The packages that run the same code in both variants: their own files and those of
    everything they import (transitively) are identical, and both are built alike (the
    same flags and environment, apart from what only picks the sources)."""
    env = {k: v for k, v in base.spec.env.items() if k not in _SOURCE_ENV}
    other = {k: v for k, v in head.spec.env.items() if k not in _SOURCE_ENV}
    if base.spec.build_flags != head.spec.build_flags or env != other:
        return frozenset()
    known: dict[str, bool] = {}

    def same(name: str) -> bool:
        if name not in known:
            known[name] = False  # import cycles cannot happen; this guards a bad listing
            b, h = base.code.get(name), head.code.get(name)
            known[name] = b is not None and b == h and all(same(dep) for dep in b.imports)
        return known[name]

    return frozenset(name for name in base.code if same(name))


def _package_delta(
    name: str, base: Variant, head: Variant, effect: stats.MinEffect, same: frozenset[str]
) -> PackageDelta:
    def samples(v: Variant, attr: str) -> list[float]:
        out = []
        for r in v.runs:
            rec = r.trace.by_package().get(name)
            if rec is not None:
                out.append(float(getattr(rec, attr)))
        return out

    def median(values: list[float]) -> float | None:
        return stats.summarize(values).median if values else None

    b_clock, h_clock = samples(base, "clock_ms"), samples(head, "clock_ms")
    return PackageDelta(
        name,
        stats.compare(b_clock, h_clock, min_effect=effect) if b_clock and h_clock else None,
        median(b_clock),
        median(h_clock),
        median(samples(base, "bytes")),
        median(samples(head, "bytes")),
        median(samples(base, "allocs")),
        median(samples(head, "allocs")),
        same_code=name in same,
    )


@dataclass(frozen=True)
class GroupDelta:
    """Packages compared as a whole (a dependency module's, for `deps --bench`)."""

    name: str
    packages: tuple[str, ...]
    clock: stats.Comparison  # per run, the sum of the packages' inittrace clock (ms)
    bytes: stats.Comparison
    allocs: stats.Comparison


def group_delta(
    name: str,
    packages: Iterable[str],
    base: Sequence[Run],
    head: Sequence[Run],
    min_effect: stats.MinEffect = stats.NO_MIN_EFFECT,
) -> GroupDelta:
    """Compare the per-run sums over `packages`, as `init_total` compares all of them:
    packages init one after another, so a group costs the sum of its members in each
    run. A member with no inittrace line in a run (no init work) adds 0 to it."""
    members = tuple(dict.fromkeys(packages))
    wanted = frozenset(members)

    def sums(runs: Sequence[Run], attr: str) -> list[float]:
        return [
            float(sum(getattr(rec, attr) for rec in r.trace.records if rec.package in wanted))
            for r in runs
        ]

    def compare(attr: str, effect: stats.MinEffect = stats.NO_MIN_EFFECT) -> stats.Comparison:
        return stats.compare(sums(base, attr), sums(head, attr), min_effect=effect)

    return GroupDelta(
        name, members, compare("clock_ms", min_effect), compare("bytes"), compare("allocs")
    )


@dataclass(frozen=True)
class ModulesResult:
    """A comparison whose packages are also grouped by module (`deps --bench`)."""

    result: Result
    modules: tuple[GroupDelta, ...]


def by_module(result: Result, modules: Mapping[str, Iterable[str]]) -> ModulesResult:
    """`result` with one GroupDelta per module (name -> its packages' import paths); the
    modules' clock comparisons are one FDR family, with the result's minimum effect."""
    groups = [
        group_delta(name, packages, result.base.runs, result.head.runs, result.min_effect)
        for name, packages in modules.items()
    ]
    clocks = stats.correct([g.clock for g in groups])
    return ModulesResult(
        result, tuple(replace(g, clock=c) for g, c in zip(groups, clocks, strict=True))
    )


# ---------------------------------------------------------------------------- gates


class Measure(enum.StrEnum):
    """What --fail-if-slower compares."""

    WALL = "wall"  # exec to ready
    INIT = "init"  # the sum of inittrace clock


@dataclass(frozen=True)
class SlowerGate:
    """Fail when `measure` is significantly slower by more than `pct` percent."""

    measure: Measure
    pct: float

    @classmethod
    def parse(cls, text: str) -> SlowerGate:
        """`[wall:|init:]PCT[%]`; a bare PCT is wall time, as before init was selectable."""
        kind, sep, value = text.partition(":")
        if not sep:
            kind, value = Measure.WALL, text
        if kind not in set(Measure):
            raise ValueError(f"--fail-if-slower {text}: expected [wall:|init:]PCT, e.g. init:5%")
        try:
            pct = float(value.strip().removesuffix("%"))
        except ValueError:
            pct = math.nan
        if not 0 <= pct <= MAX_SLOWER_PCT:  # also NaN
            raise ValueError(
                f"--fail-if-slower {text}: the percentage must be a number from 0 to {MAX_SLOWER_PCT:g}"
            )
        return cls(Measure(kind), pct)


MAX_SLOWER_PCT = 10_000.0  # 100x slower: above it a threshold can only be a typo


@dataclass(frozen=True)
class Gates:
    slower: tuple[SlowerGate, ...] = ()
    max_init_ms: float | None = None
    max_binary_bytes: int | None = None


def violations(result: Result, gates: Gates) -> list[str]:
    """One line per gate the head variant fails."""
    out = []
    for gate in gates.slower:
        cmp = result.wall if gate.measure is Measure.WALL else result.init_total
        if cmp.significant and cmp.delta_pct > gate.pct:
            what = "start-up" if gate.measure is Measure.WALL else "package init"
            out.append(
                f"{what} is {cmp.delta_pct:.1f}% slower ({cmp.base.median:.3f} -> {cmp.head.median:.3f} ms, "
                f"{cmp.p_text}), more than --fail-if-slower {gate.measure}:{gate.pct:g}%"
            )
    init = result.init_total.head.median
    if gates.max_init_ms is not None and init > gates.max_init_ms:
        out.append(
            f"package init takes {init:.3f} ms (median), more than --max-init-ms {gates.max_init_ms:g}"
        )
    size = result.head.binary_bytes
    if gates.max_binary_bytes is not None and size > gates.max_binary_bytes:
        out.append(
            f"the binary has {size:,} bytes, more than --max-binary-bytes {gates.max_binary_bytes:,}"
        )
    return out


def warnings(result: Result) -> list[str]:
    """What a reader should know before trusting the numbers."""
    out = []
    for name, cmp in (("wall time", result.wall), ("package init", result.init_total)):
        if cmp.too_wide:
            out.append(
                f"{name}: the spread (±{max(cmp.base.spread_pct, cmp.head.spread_pct):.0f}%) is too wide "
                "to conclude much; run with a larger -n on a quieter machine"
            )
    shifted = [d.package for d in result.packages if d.layout_shift]
    if shifted:
        out.append(
            f"{len(shifted)} package(s) changed although they run the same code in both "
            f"variants ({', '.join(shifted[:3])}{', ...' if len(shifted) > 3 else ''}): "
            "layout shifts from the code around them, not findings"
        )
    if len(result.base.runs) < 10:
        out.append(
            f"only {len(result.base.runs)} runs per variant: small differences cannot be significant"
        )
    return out
