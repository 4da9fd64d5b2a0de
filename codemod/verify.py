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
from pathlib import Path

from codemod import changeset as cs
from codemod import gotool
from codemod.model import ModuleFinder
from codemod.rule import Finding

_LOCATION = re.compile(r"^(?:vet: )?(\S+?\.go):\d+(?::\d+)?:", re.M)
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


def _failing_dirs(changes: cs.ChangeSet, modules: ModuleFinder) -> dict[Path, str]:
    overlay_content: dict[Path, bytes | None] = {p: c.after for p, c in changes.changes.items()}
    by_module: dict[Path, set[Path]] = defaultdict(set)
    for path in changes.changes:
        module = modules.find(path.parent)
        if module is not None:
            by_module[module.root].add(path.parent)
    tags_by_dir: dict[Path, set[str]] = defaultdict(set)
    for finding in changes.applied:
        for ff in finding.fix.files:  # type: ignore[union-attr]
            tags_by_dir[ff.path.parent].update(finding.fix.verify_tags)  # type: ignore[union-attr]
    failures: dict[Path, str] = {}
    with gotool.Overlay(overlay_content) as overlay:
        for root, dirs in sorted(by_module.items()):
            failures.update(_check(root, dirs, overlay, ()))
            for tag in sorted({t for d in dirs for t in tags_by_dir[d]}):
                tagged = {d for d in dirs if tag in tags_by_dir[d] and d not in failures}
                failures.update(_check(root, tagged, overlay, (tag,)))
    return failures


def _check(
    root: Path, dirs: set[Path], overlay: gotool.Overlay, tags: tuple[str, ...]
) -> dict[Path, str]:
    if not dirs:
        return {}
    patterns = sorted("./" + os.path.relpath(d, root) if d != root else "." for d in dirs)
    result = gotool.build_and_vet(root, patterns, overlay, tags)
    if result.ok:
        return {}
    message = _summary(result.stderr)
    with_tags = f" with -tags {','.join(tags)}" if tags else ""
    blamed = {(root / m).resolve().parent for m in _LOCATION.findall(result.stderr)}
    failing = {d for d in dirs if d.resolve() in blamed} or set(dirs)
    baseline = gotool.build_and_vet(root, patterns, None, tags)
    prefix = (
        "the package did not build before the change either"
        if not baseline.ok
        else "the result does not build"
    )
    return {d: f"{prefix}{with_tags}: {message}" for d in failing}


def _summary(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("#")]
    return "; ".join(lines[:3]) or "go build failed"
