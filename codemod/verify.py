"""The build gate: `go build` and `go vet` of every changed package, and of every package
that builds against one (in its module, the other modules of its go.work, and modules
that `replace` it with its directory), before anything is written.

The toolchain sees the new contents through an overlay, so the work tree is untouched
while checking. A package whose result fails loses its edits (with the compiler's
message; an importer's failure is blamed on the changed packages it builds against) and
the rest is checked again, until what remains builds.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from codemod import changeset as cs
from codemod import gotool
from codemod.model import Module, ModuleFinder, Workspace
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
    workspace: Workspace | None = None,
) -> cs.ChangeSet:
    modules = modules or ModuleFinder()
    importers = _Importers(workspace or Workspace())
    rejected: list[cs.Rejected] = []
    for _ in range(_MAX_ROUNDS):
        failures = _failing_dirs(changes, modules, importers)
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


def _failing_dirs(
    changes: cs.ChangeSet, modules: ModuleFinder, importers: _Importers
) -> dict[Path, str]:
    overlay_content: dict[Path, bytes | None] = {p: c.after for p, c in changes.changes.items()}
    by_module: dict[Path, set[Path]] = defaultdict(set)
    module_of: dict[Path, Module] = {}
    for path in changes.changes:
        module = modules.find(path.parent)
        if module is not None:
            by_module[module.root].add(path.parent)
            module_of[path.parent] = module
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
        if failures:  # importers are built once what changed builds, lest it be blamed
            return failures
        for module in importers.modules(module_of.values()):
            used = {
                path: d
                for path, d in by_import_path.items()
                if importers.may_import(module, module_of[d])
            }
            for culprit, reason in _check_importers(module, used, overlay, importers).items():
                failures.setdefault(culprit, reason)
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


class _Importers:
    """The unchanged packages that build against changed ones, by module (`go list`,
    asked once per module and verify run: edits never add imports of the user's own
    packages)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._listed: dict[Path, list[gotool.Listed] | gotool.GoToolError] = {}

    def modules(self, changed: Iterable[Module]) -> list[Module]:
        """The changed modules and every module that builds against one, once each."""
        found = {m.root.resolve(): m for c in changed for m in self.workspace.importers_of(c)}
        return [found[root] for root in sorted(found)]

    def may_import(self, module: Module, changed: Module) -> bool:
        """Whether `module` builds against `changed` (roots compare resolved)."""
        root = module.root.resolve()
        return any(m.root.resolve() == root for m in self.workspace.importers_of(changed))

    def of(self, module: Module, changed: dict[str, Path]) -> dict[gotool.Listed, set[Path]]:
        """The module's packages that build against `changed` (import path -> dir) and
        are not changed themselves, each with the changed dirs it uses."""
        if module.root not in self._listed:
            try:
                self._listed[module.root] = gotool.list_packages(module.root)
            except gotool.GoToolError as exc:
                self._listed[module.root] = exc
        listed = self._listed[module.root]
        if isinstance(listed, gotool.GoToolError):
            raise listed
        own = {d.resolve() for d in changed.values()}
        found: dict[gotool.Listed, set[Path]] = {}
        for package in listed:
            hit = {changed[p] for p in package.deps if p in changed}
            if hit and package.dir.resolve() not in own:
                found[package] = hit
        return found


def _check_importers(
    module: Module, used: dict[str, Path], overlay: gotool.Overlay, importers: _Importers
) -> dict[Path, str]:
    """Build and vet the module's importers of the changed packages `used`, with the
    workspace in effect; a failure is blamed on the changed packages the failing
    importers build against. Changed dir -> reason."""
    if not used:
        return {}
    try:
        found = importers.of(module, used)
    except gotool.GoToolError as exc:
        reason = f"cannot list the packages of {module.path} that may import it: {exc}"
        return {d: reason for d in used.values()}
    if not found:
        return {}
    root = module.root.resolve()  # go list gives resolved dirs
    by_dir = {p.dir: p for p in found}
    patterns = sorted("./" + os.path.relpath(d, root) if d != root else "." for d in by_dir)
    result = gotool.build_and_vet(root, patterns, overlay)
    if result.ok:
        return {}
    names = {p.import_path: p.dir for p in found}
    failing = [by_dir[d] for d in _Blame(root, set(by_dir), names)(result.stderr)] or list(found)
    baseline = gotool.build_and_vet(root, patterns, None)
    who = ", ".join(sorted(p.import_path for p in failing))
    prefix = (
        f"{who} did not build before the change either"
        if not baseline.ok
        else f"{who} imports it and no longer builds"
    )
    message = f"{prefix}: {_summary(result.stderr)}"
    return {culprit: message for p in failing for culprit in found[p]}


def _summary(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("#")]
    return "; ".join(lines[:3]) or "go build failed"
