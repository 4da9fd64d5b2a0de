"""The build gate: `go build` and `go vet` (and with `--verify-tests`, `go test`) of every
changed package, and `go build` and `go vet` of every package that builds against one (in
its module, the other modules of its go.work, and modules that `replace` it with its
directory), before anything is written.

The toolchain sees the new contents through an overlay, so the work tree is untouched
while checking. A package whose result fails loses its edits (with the compiler's
message, and whether the package failed before the change too; an importer's failure is
blamed on the changed packages it builds against) and the rest is checked again, until
what remains passes. The report says what was built, how, and with which Go.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codemod import buildtags, gotool
from codemod import changeset as cs
from codemod.model import Module, ModuleFinder, Workspace
from codemod.rule import Finding

_LOCATION = re.compile(r"^(?:vet: )?(\S+?\.go):\d+(?::\d+)?:", re.M)
# "# example.com/m/pkg" heads a package's errors (vet: "# [example.com/m/pkg]"); import
# cycles and other package-level errors say "package example.com/m/pkg".
_PACKAGE = re.compile(r"^(?:# \[?|package )([^\s\]]+)\]?$", re.M)
_FAILED_TEST = re.compile(r"^FAIL[ \t]+(\S+)[ \t]", re.M)  # "FAIL\texample.com/m/pkg\t0.01s"
_POSITION = re.compile(r"(?P<file>[^\s:]+\.go):(?P<line>\d+)(?P<col>:\d+)?")
_MAX_ROUNDS = 8


class NothingToBuild(Exception):
    """No changed file is in a Go module: nothing can prove the result builds."""


@dataclass
class Report:
    """What verification proved: which Go ran which steps on which packages."""

    go: str
    steps: tuple[gotool.Step, ...]
    builds: list[Build] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.builds)

    @property
    def claim(self) -> str:
        """E.g. "go build and go vet pass"; go test is named when it ran."""
        names = [f"go {s}" for s in self.steps]
        return " and ".join([", ".join(names[:-1]), names[-1]]) + " pass"

    @property
    def scope(self) -> str:
        """Which packages of which module, in which configurations."""
        modules: dict[tuple[str, Path], list[str]] = defaultdict(list)
        for b in self.builds:
            only = (
                f" (only {' and '.join(f'go {s}' for s in b.steps)})"
                if b.steps != self.steps
                else ""
            )
            modules[(b.module, b.root)].append(f"{b}{only}")
        return "; ".join(
            f"{', '.join(builds)} in module {path} ({_rel(root)})"
            for (path, root), builds in modules.items()
        )


def verify(
    changes: cs.ChangeSet,
    rebuild: Callable[[list[Finding]], cs.ChangeSet],
    modules: ModuleFinder | None = None,
    tests: bool = False,
    workspace: Workspace | None = None,
) -> tuple[cs.ChangeSet, Report]:
    """The changes that pass the gate, and what was built to prove it.

    Raises NothingToBuild when no changed file is in a module. Files outside any module
    next to ones inside lose their fixes: nothing proves they build.
    """
    modules = modules or ModuleFinder()
    outside = [p for p in changes.changes if modules.find(p.parent) is None]
    if outside and len(outside) == len(changes.changes):
        # Name a file the user has, not one a fix would create.
        raise NothingToBuild(_outside_module(min(outside, key=_is_new(changes))))
    steps: tuple[gotool.Step, ...] = ("build", "vet", "test") if tests else ("build", "vet")
    report = Report(gotool.describe(), steps)
    importers = _Importers(workspace or Workspace())
    rejected: list[cs.Rejected] = []
    for _ in range(_MAX_ROUNDS):
        failures, report.builds = _failing_dirs(changes, modules, report.steps, importers)
        if not failures:
            break
        reasons = {p: failures[p.parent] for p in changes.changes if p.parent in failures}
        keep = cs.without(changes, reasons)
        rejected += [r for r in changes.rejected if r not in rejected]
        changes = rebuild(keep)
    else:  # pragma: no cover - needs a pathological tree
        rejected += [cs.Rejected(f, "could not verify the result") for f in changes.applied]
        changes, report.builds = cs.ChangeSet(), []
    changes.rejected = rejected + [r for r in changes.rejected if r not in rejected]
    return changes, report


def _outside_module(path: Path) -> str:
    return f"{_rel(path)}: not in a Go module (no go.mod found above it), so nothing can build it"


def _is_new(changes: cs.ChangeSet) -> Callable[[Path], tuple[bool, str]]:
    return lambda path: (changes.changes[path].before is None, str(path))


def _rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


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
    """The GOOS values a file names, in its file name or its build constraint (an
    unreadable constraint names none: the build reports it)."""
    try:
        constraint = buildtags.header_constraint(content)
    except buildtags.ConstraintError:
        constraint = None
    named = set(buildtags.file_name_tags(path.name)) | (constraint.tags if constraint else set())
    return named & _GOOS_ARCH.keys()


@dataclass(frozen=True)
class Build:
    """A check that passed: these packages of this module, in this configuration."""

    module: str
    root: Path
    patterns: tuple[str, ...]
    target: Target
    flags: tuple[str, ...] = ()
    steps: tuple[gotool.Step, ...] = ("build", "vet")
    importers: bool = False  # the unchanged packages that import changed ones

    def __str__(self) -> str:
        flags = f" {' '.join(self.flags)}" if self.flags else ""
        role = "importers " if self.importers else ""
        return f"{role}{' '.join(self.patterns)}{self.target}{flags}"


def _failing_dirs(
    changes: cs.ChangeSet,
    modules: ModuleFinder,
    steps: tuple[gotool.Step, ...],
    importers: _Importers,
) -> tuple[dict[Path, str], list[Build]]:
    """The changed packages that fail (with the reason), and the checks that passed."""
    overlay_content: dict[Path, bytes | None] = {p: c.after for p, c in changes.changes.items()}
    failures: dict[Path, str] = {}
    by_module: dict[Path, set[Path]] = defaultdict(set)
    module_of: dict[Path, Module] = {}
    for path in changes.changes:
        module = modules.find(path.parent)
        if module is not None:
            by_module[module.root].add(path.parent)
            module_of[path.parent] = module
        else:
            failures[path.parent] = _outside_module(path.parent)
    targets: dict[Path, set[Target]] = defaultdict(set)
    for finding in changes.applied:
        for ff in finding.fix.files:  # type: ignore[union-attr]
            targets[ff.path.parent].update(Target(tags=(t,)) for t in finding.fix.verify_tags)  # type: ignore[union-attr]
    host = gotool.host_goos()
    for path, change in changes.changes.items():
        targets[path.parent].update(
            Target(goos=g) for g in _systems(path, change.after) if g != host
        )
    changed = {d for dirs in by_module.values() for d in dirs}
    by_import_path = {}
    for d in changed:
        module = modules.find(d)
        if module is not None:
            path = module.import_path(d)
            by_import_path[path] = d
            if module.path == "std":  # the standard library's import paths have no prefix
                by_import_path[os.path.relpath(d, module.root).replace(os.sep, "/")] = d
    builds: list[Build] = []
    with gotool.Overlay(overlay_content) as overlay:
        for root, dirs in sorted(by_module.items()):
            module = modules.find(root)
            assert module is not None
            gate = _Gate(module, _module_flags(module), overlay, changes, steps)
            blame = _Blame(root, changed, by_import_path)
            for target in [Target(), *sorted({t for d in dirs for t in targets[d]}, key=str)]:
                wanted = {d for d in dirs if target == Target() or target in targets[d]}
                failed, build = _check(gate, wanted - failures.keys(), target, blame)
                failures.update(failed)
                builds += [build] if build else []
        if failures:  # importers are built once what changed builds, lest it be blamed
            return failures, builds
        for module in importers.modules(module_of.values()):
            used = {
                path: d
                for path, d in by_import_path.items()
                if importers.may_import(module, module_of[d])
            }
            failed, build = _check_importers(module, used, overlay, importers)
            for culprit, reason in failed.items():
                failures.setdefault(culprit, reason)
            builds += [build] if build else []
    return failures, builds


def _module_flags(module: Module) -> tuple[str, ...]:
    """Build what the project builds: a vendored module from vendor/ (below `go 1.14`
    that takes -mod=vendor), unless the user's GOFLAGS choose a -mod themselves or a
    go.work is in use. Never -mod=mod: verification adds no network access of its own."""
    if not module.vendored:
        return ()
    user = gotool.settings(module.root, "GOFLAGS", "GOWORK")
    if user["GOWORK"] not in ("", "off"):
        return ()
    if any(flag.lstrip("-").startswith("mod=") for flag in user["GOFLAGS"].split()):
        return ()
    return ("-mod=vendor",)


@dataclass(frozen=True)
class _Blame:
    """Which changed packages a build failure is about."""

    root: Path
    changed: set[Path]
    by_import_path: dict[str, Path]

    def __call__(self, output: str) -> set[Path]:
        named = {(self.root / m).resolve().parent for m in _LOCATION.findall(output)}
        named |= {
            self.by_import_path[p].resolve()
            for p in _PACKAGE.findall(output) + _FAILED_TEST.findall(output)
            if p in self.by_import_path
        }
        return {d for d in self.changed if d.resolve() in named}


@dataclass(frozen=True)
class _Gate:
    """What every check of one module shares."""

    module: Module
    flags: tuple[str, ...]
    overlay: gotool.Overlay
    changes: cs.ChangeSet
    steps: tuple[gotool.Step, ...]


def _check(
    gate: _Gate, dirs: set[Path], target: Target, blame: _Blame
) -> tuple[dict[Path, str], Build | None]:
    """Run the steps on `dirs`; on failure, blame the changed packages the errors point
    at (in this module or another: a module's build sees the others' changes through the
    overlay), else all of `dirs`. Tests run only where they can: on the host's system."""
    if not dirs:
        return {}, None
    root = gate.module.root
    patterns = sorted("./" + os.path.relpath(d, root) if d != root else "." for d in dirs)
    steps = tuple(s for s in gate.steps if not (s == "test" and target.goos))
    for step in steps:
        result = gotool.check(
            step, root, patterns, gate.overlay, target.tags, target.env(), gate.flags
        )
        if result.ok:
            continue
        failing = blame(result.stderr + result.stdout) or set(dirs)
        before = gotool.check(step, root, patterns, None, target.tags, target.env(), gate.flags)
        failed_before = set() if before.ok else (blame(before.stderr + before.stdout) or set(dirs))
        return {
            d: _reason(step, target, before, gate.changes, (root, d))
            if d in failed_before
            else _reason(step, target, result, gate.changes, (root, d), caused=True)
            for d in failing
        }, None
    build = Build(gate.module.path, root, tuple(patterns), target, gate.flags, steps)
    return {}, build


def _reason(
    step: gotool.Step,
    target: Target,
    result: gotool.Result,
    changes: cs.ChangeSet,
    bases: tuple[Path, ...],
    caused: bool = False,
) -> str:
    """Which step fails, and whether the change is the cause or it failed before too.
    `bases`: where the message's relative file names start (go test names files from
    the package's directory, the others from the module root)."""
    if caused:
        verb = "breaks go build" if step == "build" else f"makes go {step} fail"
        message = _as_seen(_summary(step, result), bases, changes)
        return f"the change {verb}{target}: {message}"
    return f"go {step} fails before the change too{target}: {_summary(step, result)}"


def _summary(step: gotool.Step, result: gotool.Result) -> str:
    """The first lines that say what went wrong; for tests, the failing tests and panics."""
    text = result.stderr + result.stdout
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if step == "test":
        wanted = [
            re.sub(r" \[recovered[^]]*\]$", "", ln)
            for ln in lines
            if ln.startswith(("--- FAIL", "panic: ")) or _LOCATION.match(ln)
        ]
        lines = list(dict.fromkeys(wanted)) or lines
    return "; ".join(lines[:3]) or f"go {step} failed"


def _as_seen(message: str, bases: tuple[Path, ...], changes: cs.ChangeSet) -> str:
    """Positions in a rewritten file point at the file on disk where that line is
    unchanged; elsewhere they say they are in the proposed text."""
    by_path = {p.resolve(): c for p, c in changes.changes.items()}

    def place(m: re.Match[str]) -> str:
        found = (by_path.get((base / m["file"]).resolve()) for base in bases)
        change = next((c for c in found if c is not None), None)
        if change is None:
            return m[0]
        line = _line_before(change, int(m["line"]))
        if line is None:
            return f"line {m['line']} of the proposed text of {m['file']}"
        return f"{m['file']}:{line}{m['col'] or ''}"

    return _POSITION.sub(place, message)


def _line_before(change: cs.FileChange, line: int) -> int | None:
    """The line of the file on disk that line `line` of the new text is, if unchanged."""
    if change.before is None:
        return None
    before = change.before.splitlines()
    after = change.after.splitlines()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, _, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and j1 < line <= j2:
            return i1 + line - j1
    return None


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
                self._listed[module.root] = gotool.list_packages(module.root, _module_flags(module))
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
) -> tuple[dict[Path, str], Build | None]:
    """Build and vet the module's importers of the changed packages `used`, with the
    workspace in effect; a failure is blamed on the changed packages the failing
    importers build against. (Changed dir -> reason, and the check that passed.)"""
    if not used:
        return {}, None
    try:
        found = importers.of(module, used)
    except gotool.GoToolError as exc:
        reason = f"cannot list the packages of {module.path} that may import it: {exc}"
        return {d: reason for d in used.values()}, None
    if not found:
        return {}, None
    root = module.root.resolve()  # go list gives resolved dirs
    by_dir = {p.dir: p for p in found}
    patterns = sorted("./" + os.path.relpath(d, root) if d != root else "." for d in by_dir)
    flags = _module_flags(module)
    steps: tuple[gotool.Step, ...] = ("build", "vet")
    for step in steps:
        result = gotool.check(step, root, patterns, overlay, flags=flags)
        if result.ok:
            continue
        names = {p.import_path: p.dir for p in found}
        output = result.stderr + result.stdout
        failing = [by_dir[d] for d in _Blame(root, set(by_dir), names)(output)] or list(found)
        before = gotool.check(step, root, patterns, None, flags=flags)
        who = ", ".join(sorted(p.import_path for p in failing))
        verb = "no longer builds" if step == "build" else "no longer passes go vet"
        prefix = (
            f"{who}: go {step} fails before the change too"
            if not before.ok
            else f"{who} imports it and {verb}"
        )
        message = f"{prefix}: {_summary(step, result)}"
        return {culprit: message for p in failing for culprit in found[p]}, None
    return {}, Build(module.path, root, tuple(patterns), Target(), flags, steps, importers=True)
