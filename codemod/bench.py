"""Measure start-up of two variants of one main package, interleaved, and compare.

A variant is a source tree (a git ref checked out in a temporary worktree, or the work
tree) plus build flags and environment. Each is built once; then the binaries run
alternately (A B A B ...) after warm-up, so drift in machine load hits both alike. Each
run records the wall time from exec to "ready" and the runtime's own inittrace.
"""

from __future__ import annotations

import enum
import os
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from codemod import gitops, gotool, inittrace, stats
from codemod.progress import Progress

WORKTREE = "WORKTREE"  # as a ref: the work tree as it is, uncommitted changes included


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


@dataclass
class Variant:
    spec: VariantSpec
    commit: str | None  # None for the work tree
    binary_bytes: int
    runs: list[Run] = field(default_factory=list)


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


@dataclass(frozen=True)
class Settings:
    pkg: str
    args: tuple[str, ...] = ()
    runs: int = 30
    warmup: int = 3
    ready: Ready = Ready(ReadyWhen.EXIT)
    timeout: float = 10.0


def run(
    directory: Path,
    base: VariantSpec,
    head: VariantSpec,
    settings: Settings,
    progress: Progress | None = None,
) -> Result:
    """Build both variants and measure them. Raises BenchError; worktrees never outlive it."""
    directory = directory.resolve()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="codemod-bench-") as tmp:
        variants = []
        binaries = []
        for spec in (base, head):
            source, commit = _checkout(stack, directory, spec)
            binary = Path(tmp) / spec.label
            build(source, spec, settings.pkg, binary)
            variants.append(Variant(spec, commit, binary.stat().st_size))
            binaries.append((binary, source))
        total = settings.warmup + settings.runs
        for i in range(total):
            for variant, (binary, source) in zip(variants, binaries, strict=True):
                measured = run_once(binary, source, variant.spec, settings)
                if i >= settings.warmup:
                    variant.runs.append(measured)
            if progress:
                progress("running", i + 1, total)
    return _compare(settings, variants[0], variants[1])


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
    result = gotool.build_binary(source, pkg, binary, spec.build_flags, spec.env)
    if not result.ok:
        tail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise BenchError(f"{spec.label} ({spec.ref}): go build {pkg} failed: {tail}")


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


def _compare(settings: Settings, base: Variant, head: Variant) -> Result:
    wall = stats.compare([r.wall_ms for r in base.runs], [r.wall_ms for r in head.runs])
    init_total = stats.compare(
        [r.trace.total_clock_ms for r in base.runs], [r.trace.total_clock_ms for r in head.runs]
    )
    names = sorted({rec.package for v in (base, head) for r in v.runs for rec in r.trace.records})
    packages = [_package_delta(name, base, head) for name in names]
    return Result(
        settings.pkg, settings.args, settings.ready, base, head, wall, init_total, packages
    )


def _package_delta(name: str, base: Variant, head: Variant) -> PackageDelta:
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
        stats.compare(b_clock, h_clock) if b_clock and h_clock else None,
        median(b_clock),
        median(h_clock),
        median(samples(base, "bytes")),
        median(samples(head, "bytes")),
        median(samples(base, "allocs")),
        median(samples(head, "allocs")),
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
    name: str, packages: Iterable[str], base: Sequence[Run], head: Sequence[Run]
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

    def compare(attr: str) -> stats.Comparison:
        return stats.compare(sums(base, attr), sums(head, attr))

    return GroupDelta(name, members, compare("clock_ms"), compare("bytes"), compare("allocs"))


@dataclass(frozen=True)
class ModulesResult:
    """A comparison whose packages are also grouped by module (`deps --bench`)."""

    result: Result
    modules: tuple[GroupDelta, ...]


def by_module(result: Result, modules: Mapping[str, Iterable[str]]) -> ModulesResult:
    """`result` with one GroupDelta per module (name -> its packages' import paths)."""
    groups = tuple(
        group_delta(name, packages, result.base.runs, result.head.runs)
        for name, packages in modules.items()
    )
    return ModulesResult(result, groups)


# ---------------------------------------------------------------------------- gates


@dataclass(frozen=True)
class Gates:
    fail_if_slower_pct: float | None = None
    max_init_ms: float | None = None
    max_binary_bytes: int | None = None


def violations(result: Result, gates: Gates) -> list[str]:
    """One line per gate the head variant fails."""
    out = []
    wall = result.wall
    if (
        gates.fail_if_slower_pct is not None
        and wall.significant
        and wall.delta_pct > gates.fail_if_slower_pct
    ):
        out.append(
            f"start-up is {wall.delta_pct:.1f}% slower ({wall.base.median:.3f} -> {wall.head.median:.3f} ms, "
            f"p={wall.p_value:.3g}), more than --fail-if-slower {gates.fail_if_slower_pct:g}%"
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
    if len(result.base.runs) < 10:
        out.append(
            f"only {len(result.base.runs)} runs per variant: small differences cannot be significant"
        )
    return out
