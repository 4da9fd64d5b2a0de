"""`codemod deps --vendor` and `--reapply`: a vendored build's dependencies, patched in vendor/.

A build that reads vendor/ ignores a go.work's `replace`, so the copies `codemod deps`
makes cannot reach it. Here the files under vendor/ are patched in place instead (safe
fixes only, in the packages the program links), each module's files all or none through
the writer, which replaces a file only while it still holds what was read. A module is
kept only if the program still builds and vets from vendor/ and the patched packages'
tests pass where vendor/ has any (`go mod vendor` drops _test.go files: then only the
test lazy-init generates runs, and the run says so); otherwise its files get their exact
bytes back. The user's go.mod and go.sum are never written.

DIR keeps what was done, to be committed with vendor/:
- `DIR/<module>@<version>.patch`: the module's unified diff, its paths relative to the
  module root (vendor/<module>), the form an upstream patch has too. From the
  repository root, `git apply --directory=vendor/<module> PATCH` applies it.
- `DIR/vendor.json`: the main package, and per module its version, rules, patch file and
  the sha256 of each changed file before (null: a new file) and after.

`go mod vendor` rewrites vendor/ and so undoes the patches; `--reapply` puts them back by
running the recorded rules again, not by applying the .patch files: the rules make the
same change from the same files (the recorded hashes show it, and the run says when they
differ), a module whose version changed is patched from scratch on the same path rather
than failing to apply, every write passes the writer's checks, and a vendored project
need not be a git work tree for `git apply` to run in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemod import deps, gotool, model, profile, registry, workflow, writer
from codemod.changeset import FileChange
from codemod.rule import Rule

MANIFEST = "vendor.json"
WRITTEN_BY = "codemod deps --vendor"
WARNING = (
    "warning: `go mod vendor` undoes these patches; `codemod deps --reapply` puts them back "
    "(commit {manifest} and the .patch files with vendor/)"
)

Report = Callable[[str], None]


@dataclass(frozen=True)
class Record:
    """One module's patch in vendor/, as the manifest keeps it."""

    module: str
    version: str
    rules: tuple[str, ...]
    patch: str  # DIR-relative, posix
    files: dict[str, tuple[str | None, str]]  # vendor/<module>-relative -> sha256 before, after

    @property
    def key(self) -> str:
        return f"{self.module}@{self.version}" if self.version else self.module


@dataclass
class Manifest:
    pkg: str  # the main package's import path: --reapply builds it from anywhere
    records: dict[str, Record] = field(default_factory=dict)  # by module path


@dataclass
class VendorOutcome:
    main_root: Path
    dir: Path
    patched: list[deps.Patched] = field(default_factory=list)  # kept (dry run: proposed)
    unchanged: list[str] = field(default_factory=list)  # already patched as recorded
    rolled_back: list[tuple[deps.Patched, str]] = field(default_factory=list)  # and why
    again: dict[str, str] = field(default_factory=dict)  # key -> how a recorded patch was redone
    notes: list[str] = field(default_factory=list)  # untested, skipped, dropped records
    removed: list[Path] = field(default_factory=list)  # patch files no longer needed
    manifest: Path | None = None  # written (not on a dry run)


@dataclass
class _Run:
    """What every module of one run shares."""

    root: Path  # the main module's
    pkg: str
    target: Path
    listed: list[gotool.ListedPackage]  # vendored modules with their vendor/ directory
    manifest: Manifest
    dry_run: bool
    say: Report
    outcome: VendorOutcome


def run(request: deps.DepsRequest, report: Report | None = None) -> VendorOutcome:
    """`codemod deps --vendor`: patch the chosen modules in vendor/ and record the patches.

    Raises model.InputError or gotool.GoToolError (one line, naming what is wrong)."""
    rules = workflow.select(request.rules, registry.all_rules())  # an unknown id fails first
    directory = request.directory.absolute()
    listed = gotool.list_deps(directory, [request.pkg])
    main = deps.main_module(listed, request.pkg, directory)
    assert main.dir is not None
    _refuse_unvendored(listed, main.dir, request.pkg)
    target = _target(main.dir, request.dir)
    manifest = _claim(target, main.dir) or Manifest(listed[-1].import_path)
    manifest.pkg = listed[-1].import_path
    ids = tuple(rule.id for rule in rules)
    state = _start(listed, main.dir, target, manifest, request.dry_run, report)
    chosen = deps.choose_modules(state.listed, request.modules)
    return _patch(state, [(m, ids) for m in chosen], {r.id: r for r in rules})


def reapply(
    directory: Path = Path("."),
    dir: Path = deps.DEFAULT_DIR,
    pkg: str | None = None,
    dry_run: bool = False,
    report: Report | None = None,
) -> VendorOutcome:
    """`codemod deps --reapply`: after `go mod vendor`, patch vendor/ again as the manifest
    records (the recorded rules, re-run; see the module's docstring for why), building
    `pkg`, by default the recorded main package."""
    directory = directory.absolute()
    module = model.ModuleFinder().find(directory.resolve())
    if module is None:
        raise model.InputError(f"{directory}: not in a Go module (no go.mod above it)")
    target = _target(module.root, dir)
    manifest = _claim(target, module.root)
    if manifest is None:
        raise model.InputError(
            f"{target / MANIFEST}: no patches recorded; run codemod deps --vendor first"
        )
    listed = gotool.list_deps(directory, [pkg or manifest.pkg])
    main = deps.main_module(listed, pkg or manifest.pkg, directory)
    assert main.dir is not None
    _refuse_unvendored(listed, main.dir, pkg or manifest.pkg)
    state = _start(listed, main.dir, target, manifest, dry_run, report)
    rules = _recorded_rules(manifest, target)
    in_build = {m.path: m for m in deps.choose_modules(state.listed)}
    wanted = [
        (in_build[r.module], r.rules) for r in manifest.records.values() if r.module in in_build
    ]
    return _patch(state, wanted, rules)


def _target(root: Path, dir: Path) -> Path:
    return dir if dir.is_absolute() else root / dir


def _start(
    listed: list[gotool.ListedPackage],
    root: Path,
    target: Path,
    manifest: Manifest,
    dry_run: bool,
    report: Report | None,
) -> _Run:
    return _Run(
        root,
        listed[-1].import_path,
        target,
        vendored_listing(listed),
        manifest,
        dry_run,
        report or (lambda _line: None),
        VendorOutcome(root, target),
    )


def _refuse_unvendored(listed: Sequence[gotool.ListedPackage], root: Path, pkg: str) -> None:
    """Dependencies listed with a module directory come from the module cache (or a
    replacement), not vendor/; a build with none has nothing to refuse."""
    if any(p.module and not p.module.main and p.module.dir is not None for p in listed):
        raise model.InputError(
            f"{root}/vendor: --vendor: the build of {pkg} does not read vendor/ (no "
            "vendor/modules.txt, -mod=mod, or a `go` line below 1.14 without -mod=vendor); "
            "run codemod deps without --vendor"
        )


def vendored_listing(listed: Sequence[gotool.ListedPackage]) -> list[gotool.ListedPackage]:
    """The listing with each vendored module's directory filled in (vendor/<module>, where
    go list puts its packages), so that deps' helpers see vendor/ as the module's root."""
    out = []
    for package in listed:
        module = package.module
        root = profile.module_dir(package, module) if module and not module.main else None
        if module is not None and module.dir is None and root is not None:
            package = dataclasses.replace(
                package, module=dataclasses.replace(module, dir=Path(root))
            )
        out.append(package)
    return out


def _patch(
    state: _Run,
    wanted: Sequence[tuple[gotool.ListedModule, tuple[str, ...]]],
    rules: dict[str, Rule],
) -> VendorOutcome:
    """Patch each wanted module (with its rules), then drop the records of modules the
    build no longer has, and write the manifest."""
    outcome = state.outcome
    with ExitStack() as stack:
        if not state.dry_run:
            stack.enter_context(workflow.lock([state.root]))
        staging = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="codemod-vendor-")))
        for module, ids in wanted:
            _one(state, module, [rules[i] for i in ids], staging.resolve())
    if state.dry_run:
        return outcome
    in_build = {m.path for m in deps.choose_modules(state.listed)}
    for record in list(state.manifest.records.values()):
        if record.module not in in_build:
            _forget(state, record, f"{record.key} is no longer in the build")
    if state.manifest.records or (state.target / MANIFEST).exists():
        saved = _save(state)
        outcome.manifest = saved if state.manifest.records else None
    return outcome


def _one(state: _Run, module: gotool.ListedModule, rules: list[Rule], staging: Path) -> None:
    """Patch one module in vendor/, verify the program, keep or put back."""
    assert module.dir is not None
    outcome, ids = state.outcome, tuple(r.id for r in rules)
    key = deps.copy_name(module).as_posix()
    record = state.manifest.records.get(module.path)
    if record and record.version == module.version and _holds(module.dir, record):
        if set(ids) <= set(record.rules):
            outcome.unchanged.append(key)
        else:
            outcome.notes.append(
                f"{key}: vendor/ holds its patch for {', '.join(record.rules)}; to patch with "
                "other rules too, run `go mod vendor`, then --vendor with all of them"
            )
        return
    patched = _stage(module, deps.linked_packages(state.listed, module), staging, rules)
    if patched is None:
        if (
            record is not None
            and record.version == module.version
            and not _pristine(module.dir, record)
        ):
            outcome.notes.append(
                f"{key}: vendor/ holds neither the original files nor the recorded patch "
                "(edited since?); left as it is, its record kept"
            )
        elif record is not None:
            _forget(state, record, f"{key} has no safe fix in vendor/ any more")
        return
    if state.dry_run:
        outcome.patched.append(patched)
        return
    changes = _vendor_changes(patched, staging / deps.copy_name(module))
    own_tests = bool(_tested(patched))  # before the patch adds one
    writer.write_all(changes)
    try:
        reason = _verify(patched, state.root, state.pkg)
    except BaseException:
        _undo(changes)
        raise
    if reason is not None:
        _undo(changes)
        outcome.rolled_back.append((patched, reason))
        state.say(f"rolled back {key}: {reason}")
        return
    _keep(state, patched, ids, changes, record)
    if not own_tests:
        outcome.notes.append(f"{key}: {_untested(changes)}")


def _stage(
    module: gotool.ListedModule, packages: Mapping[Path, str], staging: Path, rules: Sequence[Rule]
) -> deps.Patched | None:
    """The rules' safe fixes to the linked `packages` of the vendored module, worked out
    in a copy of just those packages under `staging` with the go.mod vendor/ lacks (its
    path and `go` line, as go list reports them, decide import paths and which Go the
    fix may use); None when they change nothing."""
    assert module.dir is not None
    copy = staging / deps.copy_name(module)
    for rel in packages:
        (copy / rel).mkdir(parents=True, exist_ok=True)
        for file in (module.dir / rel).iterdir():
            if file.is_file():
                shutil.copyfile(file, copy / rel / file.name)
    go_line = f"\ngo {module.go_version}\n" if module.go_version else ""
    (copy / "go.mod").write_text(f"module {module.path}\n{go_line}")
    planned = deps.plan_fixes(copy, packages, rules)
    if not planned.changes:
        return None
    return deps.patched_copy(module, copy, module.dir, planned)


def _vendor_changes(patched: deps.Patched, copy: Path) -> list[FileChange]:
    """The staged changes, moved to the module's files in vendor/."""
    return [
        FileChange(patched.copy / c.path.relative_to(copy), c.before, c.after)
        for c in patched.plan.changes.changes.values()
    ]


def _tested(patched: deps.Patched) -> list[str]:
    """The import paths of the patched packages that have tests in vendor/."""
    return [
        deps.import_path(patched.path, d)
        for d in patched.packages
        if any((patched.copy / d).glob("*_test.go"))
    ]


def _untested(changes: Sequence[FileChange]) -> str:
    """What verified a module that vendor/ has no tests of (`go mod vendor` drops them)."""
    made = sorted(
        c.path.name for c in changes if c.before is None and c.path.name.endswith("_test.go")
    )
    by = (
        f"go build, go vet and the generated {', '.join(made)}"
        if made
        else "go build and go vet only"
    )
    return (
        f"vendor/ holds no tests of its own (go mod vendor drops _test.go files); verified by {by}"
    )


def _verify(patched: deps.Patched, root: Path, pkg: str) -> str | None:
    """Why the program does not build or vet from the patched vendor/, or the patched
    packages' tests (where vendor/ has any) fail; None when all pass."""
    failed = deps.program_fails(pkg, root, None, "the patched vendor/")
    if failed:
        return failed
    tested = _tested(patched)  # with the test a fix generated
    if tested:
        result = gotool.check("test", root, tested, None)
        if not result.ok:
            return f"go test {' '.join(tested)} failed: {deps.first_line(result)}"
    return None


def _undo(changes: Sequence[FileChange]) -> None:
    """Put the module's files in vendor/ back, byte for byte: the old contents through
    the writer (which checks each file still holds what was written), new files removed."""
    writer.write_all(
        [FileChange(c.path, c.after, c.before) for c in changes if c.before is not None]
    )
    for change in changes:
        if change.before is None and _sha(change.path) == _digest(change.after):
            change.path.unlink()


def _keep(
    state: _Run,
    patched: deps.Patched,
    rules: tuple[str, ...],
    changes: Sequence[FileChange],
    old: Record | None,
) -> None:
    """Record a verified patch: its .patch file and manifest entry (the manifest written
    at once, so that an interrupted run still knows what vendor/ holds)."""
    files = {
        c.path.relative_to(patched.copy).as_posix(): (
            _digest(c.before) if c.before is not None else None,
            _digest(c.after),
        )
        for c in changes
    }
    record = Record(patched.path, patched.version, rules, f"{patched.key}.patch", files)
    if old is not None and old.patch != record.patch:
        _forget(state, old, "")
    if old is not None:
        state.outcome.again[patched.key] = _again(old, record)
    (state.target / record.patch).parent.mkdir(parents=True, exist_ok=True)
    deps.write_text(state.target / record.patch, patched.diff)
    state.manifest.records[record.module] = record
    _save(state)
    state.outcome.patched.append(patched)


def _again(old: Record, new: Record) -> str:
    """What patching a recorded module again did, against the record."""
    if old.version != new.version:
        return f"re-patched {new.key} from scratch (the manifest had {old.version})"
    if {k: v[1] for k, v in old.files.items()} == {k: v[1] for k, v in new.files.items()}:
        return f"re-applied {new.key}: byte-identical to the recorded patch"
    return f"re-patched {new.key}: the result differs from the recorded patch, now replaced"


def _forget(state: _Run, record: Record, why: str) -> None:
    """Drop a module's record and its .patch file."""
    state.manifest.records.pop(record.module, None)
    patch = state.target / record.patch
    if patch.exists():
        deps.remove_copy(patch, state.target)
        state.outcome.removed.append(patch)
    if why:
        state.outcome.notes.append(f"{why}: dropped its record and patch")


def _holds(root: Path, record: Record) -> bool:
    """Whether the module's files in vendor/ are exactly as the record's patch left them."""
    return all(_sha(root / rel) == after for rel, (_, after) in record.files.items())


def _pristine(root: Path, record: Record) -> bool:
    """Whether they are as they were before the patch (a new file: absent)."""
    return all(_sha(root / rel) == before for rel, (before, _) in record.files.items())


def _sha(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------- manifest


def _claim(target: Path, root: Path) -> Manifest | None:
    """DIR's manifest, if DIR holds one (then DIR is ours); else DIR must pass deps'
    check (new, empty, or holding the go.work an earlier run wrote). Never under vendor/,
    which `go mod vendor` deletes whole."""
    if target.resolve().is_relative_to((root / "vendor").resolve()):
        raise model.InputError(
            f"--dir {target}: inside vendor/, which go mod vendor deletes with the patches; "
            "give a directory outside it"
        )
    if (target / MANIFEST).is_file():
        return read_manifest(target / MANIFEST)
    deps.claim(target, root)
    return None


def read_manifest(path: Path) -> Manifest:
    """Raises model.InputError naming the file when it is not a manifest codemod wrote."""
    try:
        doc = json.loads(path.read_text())
        if doc.get("written_by") != WRITTEN_BY:
            raise ValueError(f"not written by {WRITTEN_BY}")
        records = [
            Record(
                m["module"],
                m["version"],
                tuple(m["rules"]),
                m["patch"],
                {rel: (h["before"], h["after"]) for rel, h in m["files"].items()},
            )
            for m in doc["modules"]
        ]
        return Manifest(doc["pkg"], {r.module: r for r in records})
    except OSError as exc:
        raise model.InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise model.InputError(f"{path}: not a manifest of codemod deps --vendor ({exc})") from None


def manifest_text(manifest: Manifest) -> str:
    modules = [
        {
            "module": r.module,
            "version": r.version,
            "rules": list(r.rules),
            "patch": r.patch,
            "files": {rel: {"before": b, "after": a} for rel, (b, a) in sorted(r.files.items())},
        }
        for r in sorted(manifest.records.values(), key=lambda r: r.module)
    ]
    doc: dict[str, Any] = {"written_by": WRITTEN_BY, "pkg": manifest.pkg, "modules": modules}
    return json.dumps(doc, indent=2) + "\n"


def _save(state: _Run) -> Path:
    path = state.target / MANIFEST
    state.target.mkdir(parents=True, exist_ok=True)
    deps.write_text(path, manifest_text(state.manifest))
    return path


def _recorded_rules(manifest: Manifest, target: Path) -> dict[str, Rule]:
    """The rules the manifest names; an unknown one is an error naming the manifest."""
    ids = sorted({i for r in manifest.records.values() for i in r.rules})
    try:
        return {r.id: r for r in workflow.select(ids, registry.all_rules())} if ids else {}
    except model.InputError as exc:
        raise model.InputError(f"{target / MANIFEST}: {exc}") from None
