"""The build gate: `go build` and `go vet` (and with `--verify-tests`, `go test`) of every
changed package, and `go build` and `go vet` of every package that builds against one (in
its module, the other modules of its go.work, and modules that `replace` it with its
directory), before anything is written.

The toolchain sees the new contents through an overlay, so the work tree is untouched
while checking. Only the change is judged: a failing check is run again on the tree as it
is, and a problem it reports there too (a vet finding from a check newer than the code, a
package that never built, a test that already failed) is not the change's fault; it is
reported once, as such. A new problem costs the edits of the package it is in (an
importer's: of the changed packages it builds against), with the compiler's message. A
package whose check cannot run in full before the change either (it or a package it
imports does not build) loses its edits, saying so: nothing proves them. The rest is
checked again until what remains passes. The report says what was built, how, and with
which Go.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from codemod import buildtags, gotool
from codemod import changeset as cs
from codemod.model import Module, ModuleFinder, Workspace
from codemod.rule import Finding

_LOCATION = re.compile(r"^(?:vet: )?(\S+?\.go):\d+(?::\d+)?:", re.M)
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
        """E.g. "go build and go vet pass"; go test is named when it ran. With problems
        that were there before the change: that they find nothing new."""
        names = [f"go {s}" for s in self.steps]
        verb = " find nothing new" if self.notes else " pass"
        return " and ".join([", ".join(names[:-1]), names[-1]]) + verb

    @property
    def notes(self) -> list[str]:
        """The problems the checks report before the change too, once each."""
        return list(dict.fromkeys(n for b in self.builds for n in b.notes))

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
    notes: tuple[str, ...] = ()  # problems found before the change too: not its fault

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
    by_import_path: dict[str, Path] = {}
    for d in changed:
        module = modules.find(d)
        if module is not None:
            by_import_path[module.import_path(d)] = d
    builds: list[Build] = []
    with gotool.Overlay(overlay_content) as overlay:
        for root, dirs in sorted(by_module.items()):
            module = modules.find(root)
            assert module is not None
            gate = _Gate(module, _module_flags(module), overlay, changes, steps, importers)
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
    """Which changed packages there are, by directory and by import path."""

    root: Path
    changed: set[Path]
    by_import_path: dict[str, Path]


@dataclass(frozen=True)
class _Gate:
    """What every check of one module shares."""

    module: Module
    flags: tuple[str, ...]
    overlay: gotool.Overlay
    changes: cs.ChangeSet
    steps: tuple[gotool.Step, ...]
    importers: _Importers


def _patterns(root: Path, dirs: Iterable[Path]) -> list[str]:
    return sorted("./" + os.path.relpath(d, root) if d != root else "." for d in dirs)


def _check(
    gate: _Gate, dirs: set[Path], target: Target, blame: _Blame
) -> tuple[dict[Path, str], Build | None]:
    """Run the steps on `dirs`; a failing step is run again without the change, and only
    what is new is the change's fault (see `_judge`). Tests run only where they can: on
    the host's system."""
    if not dirs:
        return {}, None
    root = gate.module.root
    patterns = _patterns(root, dirs)
    steps = tuple(s for s in gate.steps if not (s == "test" and target.goos))
    notes: list[str] = []
    for step in steps:
        result = gotool.check(
            step, root, patterns, gate.overlay, target.tags, target.env(), gate.flags
        )
        if result.ok:
            continue
        before = gotool.check(step, root, patterns, None, target.tags, target.env(), gate.flags)
        failures, old = _judge(gate, dirs, target, blame, (step, result, before))
        if failures:
            return failures, None
        notes += old
    build = Build(
        gate.module.path, root, tuple(patterns), target, gate.flags, steps, notes=tuple(notes)
    )
    return {}, build


def _judge(
    gate: _Gate,
    dirs: set[Path],
    target: Target,
    blame: _Blame,
    run: tuple[gotool.Step, gotool.Result, gotool.Result],
) -> tuple[dict[Path, str], list[str]]:
    """Which of `dirs` fail a step (dir -> reason), and the notes on problems that are
    not the change's. A new problem fails the changed package it is in (none named: all
    of `dirs`). A package whose own check could not run in full before the change (it
    does not build, its tests panic) or that builds against a package that does not
    build fails as "fails before the change too": nothing proves its edits. Problems
    that leave the check complete (vet findings, failing tests) are only noted."""
    step, result, before = run
    root = gate.module.root
    after = _problems(step, result.stderr + result.stdout, root, blame.by_import_path)
    earlier = (
        []
        if before.ok
        else _problems(step, before.stderr + before.stdout, root, blame.by_import_path)
    )
    fresh = _fresh(after, earlier, gate.changes)
    if fresh:
        named = {p.where for p in fresh}
        culprits = {d for d in blame.changed if d.resolve() in named} or set(dirs)
        return {
            d: _reason(step, target, result, gate.changes, (root, d))
            if before.ok
            else _caused(
                step, target, [p for p in fresh if p.where == d.resolve()] or fresh, gate, d
            )
            for d in culprits
        }, []
    failures: dict[Path, str] = {}
    notes: list[str] = []
    for d in sorted(dirs):
        own = [p for p in after if p.where == d.resolve()]
        hard = (
            own
            if any(not p.benign for p in own)
            else [
                p
                for p in after
                if not p.benign
                and p.where != d.resolve()
                and gate.importers.depends(gate.module, d, p.where)
            ]
        )
        if hard:
            failures[d] = f"go {step} fails before the change too{target}: {_texts(hard)}"
        elif own:
            notes.append(
                f"go {step} already reports {_count(own)} in {_patterns(root, [d])[0]}{target} "
                "before the change; not the change's"
            )
    return failures, notes


def _caused(step: gotool.Step, target: Target, fresh: list[_Problem], gate: _Gate, d: Path) -> str:
    """Why the change fails, naming only its new problems."""
    return _caused_by(step, target, _as_seen(_texts(fresh), (gate.module.root, d), gate.changes))


def _texts(problems: list[_Problem]) -> str:
    return "; ".join(dict.fromkeys(p.text for p in problems[:3]))


def _count(problems: list[_Problem]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"


@dataclass(frozen=True)
class _Problem:
    """One thing a check reported: a compiler error, a vet finding, a failing test."""

    where: Path | None  # the package directory it is in, resolved, when known
    file: Path | None
    line: int
    message: str  # without line numbers: a change moves lines
    text: str  # as go printed it
    benign: bool  # the check still ran in full: a vet finding, a failing test

    @property
    def key(self) -> tuple[Path | None, Path | None, str]:
        return (self.where, self.file, self.message)


_DIAGNOSTIC = re.compile(
    r"^(?P<vet>vet: )?(?P<file>\S+?\.go):(?P<line>\d+)(?::\d+)?: (?P<message>.*)$"
)
# "# example.com/m/a", vet's "# [example.com/m/a]", go test's "# p [p.test]"
_HEADER = re.compile(r"^# \[?(?P<pkg>[^\s\]]+)")
_TEST_RESULT = re.compile(r"^(?P<status>ok|FAIL|\?)\s+(?P<pkg>\S+)(?P<rest>.*)$")
_PROGRESS = ("go: downloading ", "go: extracting ", "go: finding ")  # not problems
_TEST_FAILED = re.compile(r"^\s*--- FAIL: (?P<name>\S+)")


def _problems(
    step: gotool.Step, output: str, root: Path, packages: dict[str, Path]
) -> list[_Problem]:
    """What a check's output reports, each in the package it is about (`packages`: import
    path -> directory, for lines that name no file). Files are named from `root`."""
    found: list[_Problem] = []
    pending: list[tuple[str, str, bool]] = []  # a test binary's, until its FAIL line
    current: Path | None = None
    for raw in output.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _HEADER.match(line):
            known = packages.get(m["pkg"])
            current = known.resolve() if known else None
            continue
        if step == "test":
            if m := _TEST_FAILED.match(line):
                pending.append((f"--- FAIL: {m['name']}", line, True))
            elif line.startswith("panic: "):  # the test binary stopped: later tests never ran
                panic = re.sub(r" \[recovered[^]]*\]$", "", line)
                pending.append((panic, panic, False))
            elif m := _TEST_RESULT.match(line):
                found += _test_result(m, pending, packages)
                pending = []
            elif not raw[:1].isspace() and (d := _DIAGNOSTIC.match(line)):
                found.append(_diagnostic(d, root, benign=False))
            continue  # test output and stack traces
        if raw[:1].isspace() or line.startswith(_PROGRESS):  # "\tother declaration of x"
            continue
        if m := _DIAGNOSTIC.match(line):
            found.append(_diagnostic(m, root, benign=step == "vet" and not m["vet"]))
        else:  # a package-level error ("package p: import cycle", "package p\n\timports q")
            named = packages.get(line.removeprefix("package ").split(":")[0])
            where = named.resolve() if named and line.startswith("package ") else current
            found.append(_Problem(where, None, 0, _unplaced(line), line, False))
    return found + [_Problem(None, None, 0, key, text, False) for key, text, _ in pending]


def _test_result(
    m: re.Match[str], pending: list[tuple[str, str, bool]], packages: dict[str, Path]
) -> list[_Problem]:
    """A package's test result line: its failures get its directory. A FAIL without a
    failed test (a build or setup failure, TestMain, os.Exit) is a problem of its own."""
    known = packages.get(m["pkg"])
    where = known.resolve() if known else None
    if m["status"] == "FAIL" and ("[" in m["rest"] or not pending):
        status = m["rest"].strip() if "[" in m["rest"] else ""
        pending = [*pending, (f"FAIL {m['pkg']} {status}".strip(), m[0], False)]
    return [_Problem(where, None, 0, key, text, benign) for key, text, benign in pending]


def _diagnostic(m: re.Match[str], root: Path, benign: bool) -> _Problem:
    file = (root / m["file"]).resolve()
    return _Problem(file.parent, file, int(m["line"]), _unplaced(m["message"]), m[0], benign)


def _unplaced(message: str) -> str:
    """The message without line and column numbers."""
    return _POSITION.sub(lambda m: m["file"], message)


def _fresh(after: list[_Problem], before: list[_Problem], changes: cs.ChangeSet) -> list[_Problem]:
    """The problems of `after` that `before` does not have, compared by package, file and
    message as many times as each occurs. Where a message occurs more often after, the
    new ones are those not at a line that was the line of the old ones."""
    by_path = {p.resolve(): c for p, c in changes.changes.items()}
    lines: dict[tuple[Path | None, Path | None, str], set[int | None]] = defaultdict(set)
    for p in before:
        lines[p.key].add(p.line)

    def moved(p: _Problem) -> bool:
        change = by_path.get(p.file) if p.file else None
        return (_line_before(change, p.line) if change else p.line) in lines[p.key]

    left = Counter(p.key for p in before)
    fresh: list[_Problem] = []
    for p in sorted(after, key=lambda p: not moved(p)):
        if left[p.key]:
            left[p.key] -= 1
        else:
            fresh.append(p)
    return [p for p in after if any(p is f for f in fresh)]


def _reason(
    step: gotool.Step,
    target: Target,
    result: gotool.Result,
    changes: cs.ChangeSet,
    bases: tuple[Path, ...],
) -> str:
    """Which step the change makes fail, in the compiler's words. `bases`: where the
    message's relative file names start (go test names files from the package's
    directory, the others from the module root)."""
    return _caused_by(step, target, _as_seen(_summary(step, result), bases, changes))


def _caused_by(step: gotool.Step, target: Target, message: str) -> str:
    verb = "breaks go build" if step == "build" else f"makes go {step} fail"
    return f"the change {verb}{target}: {message}"


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

    def _list(self, module: Module) -> list[gotool.Listed] | gotool.GoToolError:
        if module.root not in self._listed:
            try:
                self._listed[module.root] = gotool.list_packages(module.root, _module_flags(module))
            except gotool.GoToolError as exc:
                self._listed[module.root] = exc
        return self._listed[module.root]

    def depends(self, module: Module, directory: Path, on: Path | None) -> bool:
        """Whether the package in `directory` may build against the one in `on`, of its
        module or a dependency (either unknown: it may)."""
        listed = self._list(module)
        if on is None or isinstance(listed, gotool.GoToolError):
            return True
        by_dir = {p.dir.resolve(): p for p in listed}
        package, dependency = by_dir.get(directory.resolve()), by_dir.get(on)
        return package is None or dependency is None or dependency.import_path in package.deps

    def of(self, module: Module, changed: dict[str, Path]) -> dict[gotool.Listed, set[Path]]:
        """The module's packages that build against `changed` (import path -> dir) and
        are not changed themselves, each with the changed dirs it uses."""
        listed = self._list(module)
        if isinstance(listed, gotool.GoToolError):
            raise listed
        own = {d.resolve() for d in changed.values()}
        found: dict[gotool.Listed, set[Path]] = {}
        for package in listed:
            if package.dependency_only:
                continue
            hit = {changed[p] for p in package.deps if p in changed}
            if hit and package.dir.resolve() not in own:
                found[package] = hit
        return found


def _check_importers(
    module: Module, used: dict[str, Path], overlay: gotool.Overlay, importers: _Importers
) -> tuple[dict[Path, str], Build | None]:
    """Build and vet the module's importers of the changed packages `used`, with the
    workspace in effect; a new problem is blamed on the changed packages the importer it
    is in builds against, one found before the change too is only noted. (Changed dir ->
    reason, and the check that passed.)"""
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
    names = {p.import_path: p.dir for p in found}
    patterns = _patterns(root, by_dir)
    flags = _module_flags(module)
    steps: tuple[gotool.Step, ...] = ("build", "vet")
    notes: list[str] = []
    noted: set[Path] = set()
    for step in steps:
        result = gotool.check(step, root, patterns, overlay, flags=flags)
        if result.ok:
            continue
        before = gotool.check(step, root, patterns, None, flags=flags)
        after = _problems(step, result.stderr + result.stdout, root, names)
        earlier = [] if before.ok else _problems(step, before.stderr + before.stdout, root, names)
        fresh = _fresh(after, earlier, cs.ChangeSet())
        if not fresh:
            where = {p.where for p in after if p.where in by_dir} - noted
            if where or not noted:  # vet of an importer that does not build: said already
                shown = " ".join(_patterns(root, where) or patterns)
                notes.append(
                    f"go {step} already reports {_count(after)} in importers {shown} "
                    "before the change; not the change's"
                )
            noted |= where
            continue
        failing = [by_dir[p.where] for p in fresh if p.where in by_dir] or list(found)
        who = ", ".join(sorted({p.import_path for p in failing}))
        verb = "no longer builds" if step == "build" else "no longer passes go vet"
        message = f"{who} imports it and {verb}: {_texts(fresh)}"
        return {culprit: message for p in failing for culprit in found[p]}, None
    build = Build(module.path, root, tuple(patterns), Target(), flags, steps, True, tuple(notes))
    return {}, build
