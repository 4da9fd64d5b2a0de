"""`codemod deps`: apply the rules to patched copies of the program's dependencies.

The user's go.mod, go.sum and code are never touched: each chosen module is copied from
where `go list` says it lives (the read-only module cache, or a `replace` directory) into
`DIR/<module>@<version>/`, patched there with safe fixes only, and a `DIR/go.work` that
`use`s the user's module and `replace`s each module version with its copy makes
`GOWORK=DIR/go.work go build` link the patched code. A copy is kept only if the whole
program still builds and vets with it and its patched packages' own tests pass.

With `unsafe_fixes`, exported variables are made lazy program-wide: the modules such a
fix reaches (its own and every module of the build that imports its package) are patched
together, as one unit that is kept or dropped whole; the user's module is never edited,
so a fix whose variable the user's code uses is refused (see `stage_unit`).
"""

from __future__ import annotations

import dataclasses
import filecmp
import fnmatch
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codemod import bench, diffs, gotool, model, registry, upstream, workflow
from codemod import changeset as cs
from codemod.progress import Progress
from codemod.rule import Finding, Rule

DEFAULT_DIR = Path(".codemod/deps")
# The go.work's first line: DIR is codemod's to rewrite, and its stale copies to delete.
MARKER = "// Written by codemod deps: the program with patched copies of its dependencies."
# Why a fix that would edit the user's module is refused (--unsafe-fixes).
PROTECTED = "codemod deps never edits your module"


@dataclass(frozen=True)
class DepsRequest:
    """What `codemod deps` is asked, as data."""

    pkg: str  # the main package, as go list reads it in `directory`
    rules: tuple[str | Rule, ...] = ()
    modules: tuple[str, ...] = ()  # fnmatch globs on module paths; none: every dependency
    dir: Path = DEFAULT_DIR  # relative to the user's module root when relative
    dry_run: bool = False
    directory: Path = Path(".")
    unsafe_fixes: bool = False  # exported variables too, rewritten program-wide
    patches: Path | None = None  # --patches: relative to `directory` when relative
    bench_settings: bench.Settings | None = None  # --bench

    @property
    def patches_dir(self) -> Path | None:
        return None if self.patches is None else self.directory.absolute() / self.patches


@dataclass
class Patched:
    """One dependency module with safe fixes, and where its patched copy lives."""

    path: str
    version: str
    source: Path  # where go list found it
    copy: Path  # DIR/<path>@<version>
    plan: workflow.Plan
    diff: str  # unified, relative to the module root
    packages: tuple[str, ...]  # the patched packages, "./rel" in the copy
    staged: Path | None = None  # the staged copy the plan's paths are in (resolved)

    @property
    def key(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


@dataclass
class DepsOutcome:
    main_root: Path
    dir: Path
    patched: list[Patched] = field(default_factory=list)  # kept (or, dry run, proposed)
    rolled_back: list[tuple[Patched, str]] = field(default_factory=list)  # and why
    removed: list[Path] = field(default_factory=list)  # stale copies deleted
    gowork: Path | None = None  # written (not on a dry run)
    measured: bench.ModulesResult | None = None  # --bench
    patch_files: list[Path] = field(default_factory=list)  # --patches: written
    refused: list[Refused] = field(default_factory=list)  # unsafe fixes that were refused
    fallback: str = ""  # why the unsafe unit was dropped for the safe fixes alone
    user_work: UserWork | None = None  # the user's own go.work, which ours extends
    carried: list[Patched] = field(default_factory=list)  # kept copies --module left alone
    review: str = ""  # dry run: one patch, each path in its copy, from the module root


@dataclass(frozen=True)
class Refused:
    """An unsafe fix that could not be made (e.g. the user's code reads the variable)."""

    module: str  # <module>@<version>
    file: str  # relative to the module root
    finding: Finding  # its message says why


@dataclass(frozen=True)
class UserWork:
    """What the go.work the user builds with says that ours must say too."""

    go: str | None
    uses: tuple[Path, ...]  # resolved module roots
    replaces: tuple[tuple[str, str, str], ...]  # (old, new, module path): new resolved


def _user_work(directory: Path, target: Path) -> UserWork | None:
    """The go.work in effect in `directory` (GOWORK or the nearest above), unless none
    or ours: the program may need its other modules and replacements to build."""
    gowork = gotool.work_file(directory)
    if gowork is None or gowork.resolve().is_relative_to(target.resolve()):
        return None
    doc = gotool.work_edit_json(gowork)
    uses = tuple((gowork.parent / u["DiskPath"]).resolve() for u in doc.get("Use") or [])
    replaces = []
    for r in doc.get("Replace") or []:
        old, new = r["Old"], r["New"]
        left = " ".join(filter(None, (old["Path"], old.get("Version"))))
        if new.get("Version"):
            right = f"{new['Path']} {new['Version']}"
        else:
            right = str((gowork.parent / new["Path"]).resolve())
        replaces.append((left, right, old["Path"]))
    return UserWork(doc.get("Go") or None, uses, tuple(replaces))


Report = Callable[[str], None]


def run(
    request: DepsRequest, report: Report | None = None, progress: Progress | None = None
) -> DepsOutcome:
    """Patch the chosen dependency modules of `request.pkg` and write the workspace.

    Raises model.InputError, gotool.GoToolError or bench.BenchError (one line, naming
    what is wrong)."""
    say = report or (lambda _line: None)
    workflow.select(request.rules, registry.all_rules())  # an unknown id fails first
    upstream.check(request.dry_run, request.patches_dir, request.bench_settings)
    if request.unsafe_fixes and request.patches is not None:
        raise model.InputError(
            "--patches: an upstream library cannot change its API; run without --unsafe-fixes"
        )
    directory = request.directory.absolute()
    _refuse_mod_mod(directory)
    listed = gotool.list_deps(directory, [request.pkg])
    main = main_module(listed, request.pkg, directory)
    assert main.dir is not None  # main_module checks it
    target = (main.dir / request.dir) if not request.dir.is_absolute() else request.dir
    _refuse_vendored(listed, main)
    claim(target, main.dir)
    outcome = DepsOutcome(main.dir, target, user_work=_user_work(directory, target))
    chosen = choose_modules(listed, request.modules)
    _refuse_unmatched(request.modules, chosen, request.pkg)
    _refuse_own_copies(chosen, target)
    with tempfile.TemporaryDirectory(prefix="codemod-deps-") as staging:
        unit = Unit()
        if request.unsafe_fixes:
            unit = stage_unit(listed, chosen, main, Path(staging), target, request.rules)
            outcome.refused = unit.refused

        def stage(module: gotool.ListedModule) -> Patched | None:
            packages = linked_packages(listed, module)
            return _stage(module, packages, Path(staging), target, request.rules, unit.scans)

        candidates = [stage(m) for m in chosen if m not in unit.modules]
        proposed = [p for p in candidates if p is not None]
        if request.dry_run:
            outcome.patched = [*unit.patched, *proposed]
            outcome.review = review_diff(outcome.patched, main.dir)
            return outcome
        outcome.carried = carried_copies(listed, chosen, unit.patched, target)
        for kept in outcome.carried:
            say(f"kept the copy of {kept.key}: not chosen by --module, still in the build")
        _prepare(target)
        outcome.fallback = _keep_unit(unit, outcome, request.pkg, directory, main, Path(staging))
        if outcome.fallback:
            say(f"unsafe fixes not kept, safe fixes only: {outcome.fallback}")
            proposed = [p for p in map(stage, unit.modules) if p is not None] + proposed
        # a copy that an earlier run verified and kept, and that would come out the same:
        # left as it is (files and times), and the changed ones verified with it
        unchanged = [p for p in proposed if _kept_before(p, Path(staging), target)]
        outcome.patched += unchanged
        for patched in (p for p in proposed if p not in unchanged):
            _install(patched, Path(staging))
            reason = _verify(patched, outcome, request.pkg, directory, main, say)
            if reason is None:
                outcome.patched.append(patched)
                continue
            remove_copy(patched.copy, target)
            outcome.rolled_back.append((patched, reason))
            say(f"rolled back {patched.key}: {reason}")
        for trial in (target / TRIAL, target / (TRIAL + ".sum")):
            trial.unlink(missing_ok=True)
    outcome.gowork = _write_work(outcome, main)
    outcome.removed = remove_stale(target, {p.copy for p in outcome.patched + outcome.carried})
    _measure_and_export(request, outcome, listed, directory, say, progress)
    return outcome


def _measure_and_export(
    request: DepsRequest,
    outcome: DepsOutcome,
    listed: Sequence[gotool.ListedPackage],
    directory: Path,
    say: Report,
    progress: Progress | None,
) -> None:
    """--bench, then --patches (whose PR descriptions carry the numbers)."""
    if request.bench_settings is not None and outcome.gowork is not None:
        if outcome.patched:
            outcome.measured = upstream.measure(
                directory, outcome.gowork, outcome.patched, listed, request.bench_settings, progress
            )
        else:
            say("--bench: no module was patched, nothing to measure")
    if request.patches_dir is not None:
        program = listed[-1].import_path  # the main package: go list lists it last
        outcome.patch_files = upstream.write_patches(
            request.patches_dir, outcome.patched, program, outcome.measured, say
        )


def main_module(
    listed: Sequence[gotool.ListedPackage], pkg: str, directory: Path
) -> gotool.ListedModule:
    """The module of the named package (go list lists it last): the program's own."""
    named = listed[-1] if listed else None
    if named is None or named.module is None or named.module.dir is None:
        raise model.InputError(f"{directory}: --pkg {pkg}: not a package of a Go module")
    if named.name != "main":
        raise model.InputError(f"{named.dir}: --pkg {pkg}: not a main package")
    return named.module


def choose_modules(
    listed: Sequence[gotool.ListedPackage], globs: Sequence[str] = ()
) -> list[gotool.ListedModule]:
    """The non-standard dependency modules of the build, each once, in go list's order,
    only those whose path matches one of `globs` if any are given."""
    found: dict[tuple[str, str], gotool.ListedModule] = {}
    for package in listed:
        module = package.module
        if package.standard or module is None or module.main or module.dir is None:
            continue
        if globs and not any(fnmatch.fnmatchcase(module.path, g) for g in globs):
            continue
        found.setdefault((module.path, module.version), module)
    return list(found.values())


def claim(target: Path, main_root: Path) -> None:
    """DIR must be codemod's own: not the module (or above it), and either new, empty,
    or holding the go.work an earlier run wrote; nothing else is rewritten or deleted."""
    if main_root.resolve().is_relative_to(target.resolve()):
        raise model.InputError(
            f"--dir {target}: holds the module itself; give a directory of its own"
        )
    if not target.exists() or not any(target.iterdir()):
        return
    gowork = target / "go.work"
    try:
        ours = gowork.read_text().startswith(MARKER)
    except OSError:
        ours = False
    if not ours:
        raise model.InputError(
            f"{gowork}: --dir {target} is not a directory codemod deps wrote; "
            "give a new or empty one"
        )


def vendored(listed: Sequence[gotool.ListedPackage]) -> bool:
    """Whether the build reads vendor/: go list gives a vendored module no directory."""
    return any(p.module and not p.module.main and p.module.dir is None for p in listed)


def _refuse_mod_mod(directory: Path) -> None:
    """The go command refuses `-mod=mod` in workspace mode: every copy would be rolled
    back for it, and the go.work would not build."""
    goflags = gotool.settings(directory, "GOFLAGS")["GOFLAGS"].split()
    if any(flag.lstrip("-") == "mod=mod" for flag in goflags):
        raise model.InputError(
            f"{directory}: GOFLAGS has -mod=mod, which a go.work build refuses; "
            "run codemod deps, and build with its go.work, without it"
        )


def _refuse_unmatched(
    globs: Sequence[str], chosen: Sequence[gotool.ListedModule], pkg: str
) -> None:
    """A --module that matches no dependency module (a typo) would otherwise remove
    every copy an earlier run made: nothing is written or deleted."""
    if globs and not chosen:
        raise model.InputError(f"--module {' '.join(globs)}: matches no dependency module of {pkg}")


def _refuse_vendored(listed: Sequence[gotool.ListedPackage], main: gotool.ListedModule) -> None:
    """A vendored build reads vendor/, which a go.work does not replace."""
    if vendored(listed):
        raise model.InputError(
            f"{main.dir}/vendor: the build reads vendored dependencies, which a go.work "
            "cannot replace; run with --vendor to patch vendor/ in place"
        )


def _refuse_own_copies(modules: Sequence[gotool.ListedModule], target: Path) -> None:
    """Listed from a copy of ours (GOWORK set to our go.work): the copy is no source."""
    for module in modules:
        if module.dir is not None and module.dir.resolve().is_relative_to(target.resolve()):
            raise model.InputError(
                f"{module.dir}: {module.path} is listed from codemod's own copy; "
                "run codemod deps without GOWORK set to its go.work"
            )


def copy_name(module: gotool.ListedModule) -> Path:
    """DIR-relative directory of a module's copy: `<module>@<version>`."""
    return Path(f"{module.path}@{module.version}" if module.version else module.path)


def linked_packages(
    listed: Sequence[gotool.ListedPackage], module: gotool.ListedModule
) -> dict[Path, str]:
    """The module's packages that the program links: each one's directory, relative to
    the module root, and its name. Only those are patched (the rest may not even build
    here), and in each directory only the files of that package (not a `package main`
    generator kept beside it behind a build tag)."""
    assert module.dir is not None
    return {
        p.dir.relative_to(module.dir): p.name
        for p in sorted(listed, key=lambda p: str(p.dir))
        if p.module == module and p.dir is not None and p.dir.is_relative_to(module.dir)
    }


def _stage(
    module: gotool.ListedModule,
    packages: Mapping[Path, str],
    staging: Path,
    target: Path,
    rules: Sequence[str | Rule],
    scans: Mapping[gotool.ListedModule, workflow.Plan] | None = None,
) -> Patched | None:
    """Apply the rules' safe fixes to the linked `packages` of a copy of the module in
    `staging`; None, and no copy, when they change nothing (checked read-only first,
    unless `scans` holds that check already)."""
    assert module.dir is not None
    scanned = (scans or {}).get(module) or plan_fixes(module.dir, packages, rules)
    if not scanned.changes:
        return None
    copy = stage_copy(module, staging)
    planned = plan_fixes(copy, packages, rules)
    workflow.write(planned.changes)
    return patched_copy(module, copy, target / copy_name(module), planned)


def stage_copy(module: gotool.ListedModule, staging: Path) -> Path:
    """A writable copy of the module at `staging/<module>@<version>`, with a go.mod."""
    assert module.dir is not None
    copy = staging / copy_name(module)
    copy_writable(module.dir, copy)
    if not (copy / "go.mod").is_file():  # a pre-modules dependency: go synthesizes one
        write_text(copy / "go.mod", f"module {module.path}\n")
    return copy


def patched_copy(
    module: gotool.ListedModule, copy: Path, installed: Path, planned: workflow.Plan
) -> Patched:
    """The module's patch as written to its staged `copy`, to be installed at
    `installed` (its copy in DIR, or its directory in vendor/)."""
    assert module.dir is not None
    root = copy.resolve()
    changed = {c.path.absolute().parent.resolve() for c in planned.changes.changes.values()}
    dirs = sorted("./" + d.relative_to(root).as_posix() for d in changed)
    return Patched(
        module.path,
        module.version,
        module.dir,
        installed,
        planned,
        diffs.unified(planned.changes.changes.values(), root),
        tuple(d.removesuffix("/.") for d in dirs),
        root,
    )


def plan_fixes(
    root: Path,
    packages: Mapping[Path, str],
    rules: Sequence[str | Rule],
    unsafe_fixes: bool = False,
    protected: Mapping[Path, str] | None = None,
) -> workflow.Plan:
    """The safe fixes (and, with `unsafe_fixes`, the unsafe ones) of the rules in the
    linked packages under `root`: every Go file of each (other platforms' and tests too:
    a reference there is rewritten with the rest), but not a file of another package in
    the same directory; no fix edits a `protected` module root."""
    files = [
        f
        for rel, name in packages.items()
        for f in sorted((root / rel).glob("*.go"))
        if f.is_file() and _of_package(f, name)
    ]
    result = workflow.scan(files, rules, fix_unlinked=True, protected=protected)
    return workflow.plan(result, unsafe_fixes=unsafe_fixes, verify_build=False)


def _of_package(file: Path, name: str) -> bool:
    """Whether `file` belongs to package `name` (or its external test); a file whose
    package clause cannot be read is kept, so that the scan names it and refuses."""
    clause = model.GoFile.load(file).package
    return not clause or clause in (name, name + "_test")


def copy_writable(source: Path, destination: Path) -> None:
    """Copy a module tree; the module cache's files and directories are read-only, the
    copy's are the user's to write (file contents only, not modes, are copied)."""
    shutil.copytree(source, destination, copy_function=shutil.copyfile)
    for root, dirs, _files in os.walk(destination):
        for name in dirs:
            path = Path(root, name)
            path.chmod(path.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)
    destination.chmod(destination.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)


def _install(patched: Patched, staging: Path) -> None:
    """Put the staged copy at its place in DIR, replacing an earlier copy."""
    if patched.copy.exists():
        shutil.rmtree(patched.copy)
    patched.copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(staging / copy_name_of(patched), patched.copy)


def _verify(
    patched: Patched,
    outcome: DepsOutcome,
    pkg: str,
    directory: Path,
    main: gotool.ListedModule,
    say: Report,
) -> str | None:
    """Why the program, with the copies kept so far and this one, does not build or vet,
    or the patched packages' own tests fail where the unpatched ones pass; None when all
    pass (a test that fails without the patch too is said, not held against it)."""
    gowork = _write_work(outcome, main, extra=patched, name=TRIAL)
    workspace = {"GOWORK": str(gowork)}
    broken = program_fails(pkg, directory, workspace, "the patched copy")
    if broken:
        return broken
    where = "in the copy" if _has_gomod(patched) else "with the patched copy"
    result = _test(patched, patched.copy, directory, workspace)
    if result.ok:
        return None
    with tempfile.TemporaryDirectory(prefix="codemod-deps-base-") as base:
        if _has_gomod(patched):
            pristine = Path(base) / "m"
            copy_writable(patched.source, pristine)
            before = _failures(_test(patched, pristine, directory, {}))
        else:  # the program's build without this copy
            before = _failures(_test(patched, patched.copy, directory, _work_env(outcome, main)))
    if before and all(test for _, test in before):  # tests that fail unpatched too
        tops = _tops(before)
        skip = ["-skip", "^(" + "|".join(tops) + ")$"]
        # run the rest: a test that panicked without the patch stopped its package there
        again = _test(patched, patched.copy, directory, workspace, skip)
        if again.ok:
            say(f"kept {patched.key}: its tests fail without the patch too: {_names(tops)}")
            return None
        result = again
    failed = _failures(result)
    why = _failure_line(result, failed[0] if failed else None)
    return f"go test {' '.join(patched.packages)} {where} failed: {why}"


def _tops(failures: Sequence[tuple[str, str]]) -> list[str]:
    """The top-level tests of `failures` (a subtest's failure fails its parent)."""
    return list(dict.fromkeys(test.split("/")[0] for _, test in failures))


def _names(tests: Sequence[str], most: int = 3) -> str:
    more = f" and {len(tests) - most} more" if len(tests) > most else ""
    return ", ".join(tests[:most]) + more


def _has_gomod(patched: Patched) -> bool:
    return (patched.source / "go.mod").is_file()


def _test(
    patched: Patched,
    root: Path,
    directory: Path,
    workspace: Mapping[str, str],
    flags: Sequence[str] = (),
) -> gotool.Result:
    """`go test -json` of the patched packages in `root` (the copy, or a pristine one),
    with the module's own go.mod; a module published without one (its copy's go.mod,
    synthesized, requires nothing) in the program's build, `workspace`."""
    flags = ["-json", *flags]
    if _has_gomod(patched):
        rels = list(patched.packages)
        return gotool.check("test", root, rels, None, env=_OFF, flags=flags)
    imports = [import_path(patched.path, rel) for rel in patched.packages]
    return gotool.check("test", directory, imports, None, env=workspace, flags=flags)


def _work_env(outcome: DepsOutcome, main: gotool.ListedModule) -> dict[str, str]:
    return {"GOWORK": str(_write_work(outcome, main, name=TRIAL))}


_OFF = {"GOWORK": "off"}


def import_path(module: str, rel: str) -> str:
    """The import path of the package in `rel` ("." or "./sub") of `module`."""
    return module if rel == "." else f"{module}/{rel.removeprefix('./')}"


def _events(result: gotool.Result) -> list[dict[str, object]]:
    events = []
    for line in result.stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def _failures(result: gotool.Result) -> list[tuple[str, str]]:
    """(package, test) of each test `go test -json` says failed, in order; (package, "")
    for a package that failed with no failing test (build, init, TestMain), and ("", "")
    when go failed before testing anything."""
    if result.ok:
        return []
    found: list[tuple[str, str]] = []
    failed_packages = []
    for event in _events(result):
        if event.get("Action") != "fail":
            continue
        package, test = str(event.get("Package", "")), str(event.get("Test", "") or "")
        if test:
            found.append((package, test))
        else:
            failed_packages.append(package)
    found += [(p, "") for p in failed_packages if not any(q == p for q, _ in found)]
    return found or [("", "")]


def _failure_line(result: gotool.Result, failure: tuple[str, str] | None) -> str:
    """What went wrong: the first line a newly failing test printed, else the first
    useful line of the whole output."""
    events = _events(result)
    if failure is not None and failure[1]:
        package, test = failure
        said = [
            str(e.get("Output", "")).strip()
            for e in events
            if e.get("Package") == package and e.get("Test") == test
        ]
        useful = [ln for ln in said if ln and not ln.startswith(("=== ", "--- "))]
        return f"{test}: {useful[0] if useful else 'failed'}"
    text = "".join(str(e.get("Output", "")) for e in events) if events else result.stdout
    return first_line(gotool.Result(result.returncode, text, result.stderr))


def program_fails(
    pkg: str, directory: Path, env: Mapping[str, str] | None, patched: str
) -> str | None:
    """Why `go build` or `go vet` of the program fails with the `patched` code (say,
    "the patched copy"), None when both pass: every way of patching proves this first."""
    for step in ("build", "vet"):
        result = gotool.check(step, directory, [pkg], None, env=env)
        if not result.ok:
            return f"go {step} {pkg} with {patched} failed: {first_line(result)}"
    return None


def first_line(result: gotool.Result) -> str:
    """The first line that says what failed (go prints the package header first)."""
    lines = [ln.strip() for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith(("#", "ok ", "FAIL", "--- FAIL"))]
    return (useful or lines or ["failed"])[0]


# ---------------------------------------------------------------------------- --unsafe-fixes


@dataclass
class Unit:
    """The modules `--unsafe-fixes` patches together: an unsafe fix changes its module's
    API (an exported variable becomes a func), and every module of the build that imports
    the package is rewritten with it, so no copy of them can be kept or dropped alone."""

    patched: list[Patched] = field(default_factory=list)  # staged under staging/unsafe
    modules: list[gotool.ListedModule] = field(default_factory=list)  # chosen, done here
    refused: list[Refused] = field(default_factory=list)
    # Per copy (its key), the patched packages the program links: the ones tested.
    linked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Each chosen module's read-only scan (safe fixes; unsafe ones skipped), for _stage.
    scans: dict[gotool.ListedModule, workflow.Plan] = field(default_factory=dict)


def stage_unit(
    listed: Sequence[gotool.ListedPackage],
    chosen: Sequence[gotool.ListedModule],
    main: gotool.ListedModule,
    staging: Path,
    target: Path,
    rules: Sequence[str | Rule],
) -> Unit:
    """Copy the chosen modules with an unsafe fix and every module of the build that
    imports one of their fixed packages into `staging/unsafe`, tie the copies and the
    user's module together with a go.work there (so each copy's importers are found in
    the others, and in the user's module, whose files are protected), and apply the
    safe and unsafe fixes of the chosen copies in one run."""
    assert main.dir is not None
    unit = Unit(
        scans={m: plan_fixes(m.dir, linked_packages(listed, m), rules) for m in chosen if m.dir}
    )
    seeds = [m for m, plan in unit.scans.items() if plan.unsafe_skipped]
    if not seeds:
        return unit
    fixed = {f.path.parent for m in seeds for f in unit.scans[m].unsafe_skipped}
    members = list(dict.fromkeys([*seeds, *_importing_modules(listed, fixed)]))
    home = staging / "unsafe"
    copies = {m: stage_copy(m, home) for m in members}
    gotool.work_init(home / "go.work", [*copies.values(), main.dir])
    unit.modules = [m for m in members if m in unit.scans]
    packages = {
        copy_name(m) / d: name
        for m in unit.modules
        for d, name in linked_packages(listed, m).items()
    }
    protected = {main.dir.resolve(): PROTECTED}
    planned = plan_fixes(home, packages, rules, unsafe_fixes=True, protected=protected)
    workflow.write(planned.changes)
    for module, copy in copies.items():
        own = _part(planned, copy)
        if own.changes:
            patched = patched_copy(module, copy, target / copy_name(module), own)
            dirs = {
                ("./" + d.as_posix()).removesuffix("/.") for d in linked_packages(listed, module)
            }
            unit.linked[patched.key] = tuple(p for p in patched.packages if p in dirs)
            unit.patched.append(patched)
    unit.refused = _refused(unit, seeds, copies, planned)
    return unit


def _importing_modules(
    listed: Sequence[gotool.ListedPackage], dirs: set[Path]
) -> list[gotool.ListedModule]:
    """The dependency modules of the build with a package that imports a package in
    one of `dirs` (directories in the module cache)."""
    wanted = {p.import_path for p in listed if p.dir in dirs}
    return [
        p.module
        for p in listed
        if p.module is not None
        and not p.module.main
        and p.module.dir is not None
        and wanted.intersection(p.imports)
    ]


def _part(planned: workflow.Plan, copy: Path) -> workflow.Plan:
    """The changes of one copy, with the fixes that edit it (wherever they were found)."""
    root = copy.resolve()
    mine = {p: c for p, c in planned.changes.changes.items() if _inside(p, root)}
    fixes = [
        f for f in planned.changes.applied if f.fix and any(ff.path in mine for ff in f.fix.files)
    ]
    return workflow.Plan(cs.ChangeSet(mine, fixes))


def _inside(path: Path, root: Path) -> bool:
    return path.absolute().resolve().is_relative_to(root)


def _refused(
    unit: Unit,
    seeds: Iterable[gotool.ListedModule],
    copies: Mapping[gotool.ListedModule, Path],
    planned: workflow.Plan,
) -> list[Refused]:
    """The unsafe fixes the read-only scan offered that the unit's run could not make:
    the copies' run sees every importer (the user's code among them) and says why."""
    offered = set()
    for module in seeds:
        assert module.dir is not None
        for f in unit.scans[module].unsafe_skipped:
            offered.add((module, f.path.relative_to(module.dir), f.line, f.rule))
    rejected = [
        dataclasses.replace(r.finding, message=f"{r.finding.message} (rejected: {r.reason})")
        for r in planned.changes.rejected
    ]
    found = []
    for f in planned.unfixable + rejected:
        for module, copy in copies.items():
            if _inside(f.path, copy.resolve()):
                rel = f.path.absolute().resolve().relative_to(copy.resolve())
                if (module, rel, f.line, f.rule) in offered:
                    key = f"{module.path}@{module.version}" if module.version else module.path
                    found.append(Refused(key, rel.as_posix(), f))
    return found


def _keep_unit(
    unit: Unit,
    outcome: DepsOutcome,
    pkg: str,
    directory: Path,
    main: gotool.ListedModule,
    staging: Path,
) -> str:
    """Install the unit's copies and keep them if they verify together (before any safe
    copy: those are verified with it); else remove them all and say why ("" when kept)."""
    if not unit.patched:
        return ""
    for patched in unit.patched:
        _install(patched, staging / "unsafe")
    outcome.patched = [*outcome.patched, *unit.patched]
    reason = _verify_unit(unit, outcome, pkg, directory, main, staging / "verify")
    if reason:
        outcome.patched = [p for p in outcome.patched if p not in unit.patched]
        for patched in unit.patched:
            remove_copy(patched.copy, outcome.dir)
    return reason


def _verify_unit(
    unit: Unit,
    outcome: DepsOutcome,
    pkg: str,
    directory: Path,
    main: gotool.ListedModule,
    scratch: Path,
) -> str:
    """Why the program does not build or vet with the kept copies (the unit's among
    them), or the tests of a patched package it links fail in its copy; "" when all
    pass. Each copy's tests build against the unit's other copies (`GOWORK=off` alone
    would build against the module cache's unpatched modules): see `_unit_modfile`."""
    failed = program_fails(pkg, directory, _work_env(outcome, main), "the patched copies")
    if failed:
        return failed
    scratch.mkdir(parents=True, exist_ok=True)
    for p in unit.patched:
        packages = unit.linked.get(p.key, ())
        if not packages:
            continue
        modfile = _unit_modfile(p, unit.patched, scratch)
        flags = [f"-modfile={modfile}"]
        result = gotool.check("test", p.copy, list(packages), None, env=_OFF, flags=flags)
        if not result.ok:
            where = f"{' '.join(packages)} in the copy of {p.key}"
            return f"go test {where} failed: {first_line(result)}"
    return ""


def _unit_modfile(patched: Patched, unit: Sequence[Patched], scratch: Path) -> Path:
    """A go.mod for `go test -modfile` in the copy: its own, plus a `replace` of each
    other copy of the unit, so the module graph stays the one its go.sum was made for
    (a go.work that `use`d the copies would load their requirements' go.mod files,
    which the module cache may not hold). The go.sum beside it is the copy's."""
    name = patched.key.replace("/", "_")
    modfile = scratch / f"{name}.mod"
    others = [p for p in unit if p.key != patched.key]
    replaces = [f"replace {p.path} => {json.dumps(str(p.copy.absolute()))}\n" for p in others]
    write_text(modfile, (patched.copy / "go.mod").read_text() + "\n" + "".join(replaces))
    gosum = patched.copy / "go.sum"
    write_text(modfile.with_suffix(".sum"), gosum.read_text() if gosum.is_file() else "")
    return modfile


def work_text(
    main_root: Path,
    go_line: str | None,
    dir: Path,
    patched: Sequence[Patched],
    user: UserWork | None = None,
) -> str:
    """The go.work of DIR: the user's module, each kept copy replacing its version; and
    when the user builds with a go.work of their own, its modules and replacements."""

    def rel(path: Path) -> str:
        relative = Path(os.path.relpath(path.resolve(), dir.resolve())).as_posix()
        return relative if relative.startswith(".") else "./" + relative

    uses = [
        main_root.resolve(),
        *(u for u in (user.uses if user else ()) if u != main_root.resolve()),
    ]
    go_line = (user.go if user else None) or go_line
    blocks = [MARKER + "\n"] + ([f"go {go_line}\n"] if go_line else [])
    blocks.append("".join(f"use {rel(u)}\n" for u in uses))
    ours = {p.path for p in patched}
    theirs = [
        f"replace {old} => {new if ' ' in new else rel(Path(new))}\n"
        for old, new, module in (user.replaces if user else ())
        if module not in ours
    ]
    replaces = theirs + [_replace_line(p, dir) for p in sorted(patched, key=lambda p: p.key)]
    if replaces:
        blocks.append("".join(replaces))
    return "\n".join(blocks)


def _replace_line(patched: Patched, dir: Path) -> str:
    old = f"{patched.path} {patched.version}" if patched.version else patched.path
    new = "./" + Path(os.path.relpath(patched.copy, dir)).as_posix()
    return f"replace {old} => {new}\n"


def _kept_before(patched: Patched, staging: Path, target: Path) -> bool:
    """Whether DIR's go.work already replaces the module with its copy, and the copy is
    file for file what this run staged."""
    try:
        gowork = (target / "go.work").read_text()
    except OSError:
        return False
    if _replace_line(patched, target) not in gowork.splitlines(keepends=True):
        return False
    return _same_tree(staging / copy_name_of(patched), patched.copy)


def copy_name_of(patched: Patched) -> Path:
    return Path(patched.key)


def _same_tree(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict[Path, Path]:
        return {
            Path(d, f).relative_to(root): Path(d, f) for d, _, names in os.walk(root) for f in names
        }

    if not b.is_dir():
        return False
    left, right = files(a), files(b)
    return left.keys() == right.keys() and all(
        filecmp.cmp(left[rel], right[rel], shallow=False) for rel in left
    )


# The go.work each trial build uses: DIR/go.work changes only once, at the end, to
# what was kept (a build of the user's meanwhile, or Ctrl-C, never sees a trial).
TRIAL = "verify.work"


def _write_work(
    outcome: DepsOutcome,
    main: gotool.ListedModule,
    extra: Patched | None = None,
    name: str = "go.work",
) -> Path:
    assert main.dir is not None
    kept = [*outcome.patched, *outcome.carried, *([extra] if extra else [])]
    gowork = outcome.dir / name
    text = work_text(main.dir, main.go_version, outcome.dir, kept, outcome.user_work)
    write_text(gowork, text)
    return gowork


def carried_copies(
    listed: Sequence[gotool.ListedPackage],
    chosen: Sequence[gotool.ListedModule],
    done: Sequence[Patched],
    target: Path,
) -> list[Patched]:
    """The copies an earlier run verified and DIR/go.work replaces, of modules this run
    did not choose (--module) and that are still in the build at that version: they
    are no business of this run, so they stay (stale means gone from the build)."""
    try:
        lines = (target / "go.work").read_text().splitlines(keepends=True)
    except OSError:
        return []
    redone = {p.key for p in done}
    carried = []
    for module in choose_modules(listed):
        if module in chosen or module.dir is None:
            continue
        empty = workflow.Plan(cs.ChangeSet({}, []))
        copy = target / copy_name(module)
        kept = Patched(module.path, module.version, module.dir, copy, empty, "", ())
        if kept.key not in redone and copy.is_dir() and _replace_line(kept, target) in lines:
            carried.append(kept)
    return carried


def _prepare(target: Path) -> None:
    """Make DIR and its .gitignore, before anything is copied into it; a DIR that cannot
    be written (a read-only tree, a file in its path) is named, not the user's files."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        write_text(target / ".gitignore", "*\n")
        with tempfile.TemporaryFile(dir=target):  # an earlier run's DIR, now read-only
            pass
    except (OSError, model.InputError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise model.InputError(
            f"{target}: cannot write codemod deps' directory ({reason}); give --dir elsewhere"
        ) from None


def review_diff(patched: Sequence[Patched], main_root: Path) -> str:
    """The dry run's diff as one patch: each file at its place in its copy, relative to
    the user's module root (`a/.codemod/deps/<module>@<version>/f.go`), so a hunk still
    says which module it is in once stdout is a file. `Patched.diff` (--patches) stays
    relative to the module root."""
    parts = []
    for p in sorted(patched, key=lambda p: p.key):
        prefix = Path(os.path.relpath(p.copy.absolute(), main_root.absolute())).as_posix()
        parts.append(diffs.unified(p.plan.changes.changes.values(), p.staged, prefix=prefix))
    return "".join(parts)


def remove_stale(target: Path, keep: set[Path]) -> list[Path]:
    """Delete every copy under DIR (a directory named `...@version`) not in `keep`, and
    the directories that held only it."""
    removed = []
    for path in sorted(target.rglob("*@*")):
        # is_dir: False too once an enclosing stale copy is gone
        if path.is_dir() and path not in keep and not any(k in path.parents for k in keep):
            remove_copy(path, target)
            removed.append(path)
    return removed


def remove_copy(copy: Path, target: Path) -> None:
    """Delete a copy (or a kept patch file) and the directories that held only it."""
    if copy.is_dir():
        shutil.rmtree(copy, ignore_errors=True)
    else:
        copy.unlink(missing_ok=True)
    parent = copy.parent
    while parent != target and parent.is_relative_to(target) and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def write_text(path: Path, text: str) -> None:
    """Write only what differs: a second run leaves files (and their times) alone."""
    try:
        if path.read_text() == text:
            return
    except OSError:
        pass
    workflow.write_text(path, text)
