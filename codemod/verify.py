"""The build gate: `go build` and `go vet` of every changed package, before anything is written.

The toolchain sees the new contents through an overlay, so the work tree is untouched
while checking. A package whose result fails loses its edits (with the compiler's
message) and the rest is checked again, until what remains builds.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codemod import changeset as cs
from codemod import gotool
from codemod.model import ModuleFinder
from codemod.rule import Finding

_LOCATION = re.compile(r"^(?:vet: )?(\S+?\.go):\d+(?::\d+)?:", re.M)
# "# example.com/m/pkg" heads a package's errors (vet: "# [example.com/m/pkg]"); import
# cycles and other package-level errors say "package example.com/m/pkg".
_PACKAGE = re.compile(r"^(?:# \[?|package )([^\s\]]+)\]?$", re.M)
_MAX_ROUNDS = 8


def verify(
    changes: cs.ChangeSet,
    rebuild: Callable[[list[Finding]], cs.ChangeSet],
    modules: ModuleFinder | None = None,
) -> cs.ChangeSet:
    modules = modules or ModuleFinder()
    rejected: list[cs.Rejected] = []
    for _ in range(_MAX_ROUNDS):
        failures = _failing_dirs(changes, modules)
        if not failures:
            break
        reasons = {p: failures[p.parent] for p in changes.changes if p.parent in failures}
        keep = cs.without(changes, reasons)
        rejected += [r for r in changes.rejected if r not in rejected]
        changes = rebuild(keep)
    else:  # pragma: no cover - needs a pathological tree
        rejected += [cs.Rejected(f, "could not verify the result") for f in changes.applied]
        changes = cs.ChangeSet()
    changes.rejected = rejected + [r for r in changes.rejected if r not in rejected]
    return changes


# Other systems whose files a change touches are built too (cross-compiling needs no cgo).
_GOOS_ARCH = {
    "aix": "ppc64", "android": "arm64", "darwin": "arm64", "dragonfly": "amd64",
    "freebsd": "amd64", "illumos": "amd64", "ios": "arm64", "js": "wasm", "linux": "amd64",
    "netbsd": "amd64", "openbsd": "amd64", "plan9": "amd64", "solaris": "amd64",
    "wasip1": "wasm", "windows": "amd64",
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """One configuration to build in: extra tags, or another GOOS."""

    tags: tuple[str, ...] = ()
    goos: str = ""

    def env(self) -> dict[str, str]:
        if not self.goos:
            return {}
        return {"GOOS": self.goos, "GOARCH": _GOOS_ARCH[self.goos], "CGO_ENABLED": "0"}

    def __str__(self) -> str:
        parts = [f"-tags {','.join(self.tags)}"] if self.tags else []
        parts += [f"GOOS={self.goos}"] if self.goos else []
        return " with " + " ".join(parts) if parts else ""


def _systems(path: Path, content: bytes) -> set[str]:
    """The GOOS values a file names, in its file name or its //go:build line."""
    parts = path.stem.split("_")[1:]
    found = {p for p in parts[-2:] if p in _GOOS_ARCH}
    match = re.search(rb"^//go:build (.+)$", content, re.M)
    if match:
        found |= set(re.findall(r"[a-z0-9]+", match.group(1).decode())) & set(_GOOS_ARCH)
    return found


def _failing_dirs(changes: cs.ChangeSet, modules: ModuleFinder) -> dict[Path, str]:
    overlay_content: dict[Path, bytes | None] = {p: c.after for p, c in changes.changes.items()}
    by_module: dict[Path, set[Path]] = defaultdict(set)
    for path in changes.changes:
        module = modules.find(path.parent)
        if module is not None:
            by_module[module.root].add(path.parent)
    targets: dict[Path, set[Target]] = defaultdict(set)
    for finding in changes.applied:
        for ff in finding.fix.files:  # type: ignore[union-attr]
            targets[ff.path.parent].update(Target(tags=(t,)) for t in finding.fix.verify_tags)  # type: ignore[union-attr]
    host = gotool.host_goos()
    for path, change in changes.changes.items():
        targets[path.parent].update(
            Target(goos=g) for g in _systems(path, change.after) if g != host
        )
    failures: dict[Path, str] = {}
    changed = {d for dirs in by_module.values() for d in dirs}
    by_import_path = {}
    for d in changed:
        module = modules.find(d)
        if module is not None:
            path = module.import_path(d)
            by_import_path[path] = d
            if module.path == "std":  # the standard library's import paths have no prefix
                by_import_path[os.path.relpath(d, module.root).replace(os.sep, "/")] = d
    with gotool.Overlay(overlay_content) as overlay:
        for root, dirs in sorted(by_module.items()):
            blame = _Blame(root, changed, by_import_path)
            failures.update(_check(root, dirs, overlay, Target(), blame))
            for target in sorted({t for d in dirs for t in targets[d]}, key=str):
                wanted = {d for d in dirs if target in targets[d] and d not in failures}
                failures.update(_check(root, wanted, overlay, target, blame))
    return failures


@dataclass(frozen=True)
class _Blame:
    """Which changed packages a build failure is about."""

    root: Path
    changed: set[Path]
    by_import_path: dict[str, Path]

    def __call__(self, stderr: str) -> set[Path]:
        named = {(self.root / m).resolve().parent for m in _LOCATION.findall(stderr)}
        named |= {
            self.by_import_path[p].resolve()
            for p in _PACKAGE.findall(stderr)
            if p in self.by_import_path
        }
        return {d for d in self.changed if d.resolve() in named}


def _check(
    root: Path, dirs: set[Path], overlay: gotool.Overlay, target: Target, blame: _Blame
) -> dict[Path, str]:
    """Build and vet `dirs`; on failure, blame the changed packages the errors point at
    (in this module or another: a module's build sees the others' changes through the
    overlay), else all of `dirs`."""
    if not dirs:
        return {}
    patterns = sorted("./" + os.path.relpath(d, root) if d != root else "." for d in dirs)
    result = gotool.build_and_vet(root, patterns, overlay, target.tags, target.env())
    if result.ok:
        return {}
    message = _summary(result.stderr)
    failing = blame(result.stderr) or set(dirs)
    baseline = gotool.build_and_vet(root, patterns, None, target.tags, target.env())
    prefix = (
        "the package did not build before the change either"
        if not baseline.ok
        else "the result does not build"
    )
    return {d: f"{prefix}{target}: {message}" for d in failing}


def _summary(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("#")]
    return "; ".join(lines[:3]) or "go build failed"
