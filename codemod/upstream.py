"""What `codemod deps` hands upstream (`--patches`) and what the copies save (`--bench`).

`--patches DIR`: for each kept copy, `DIR/<module path, / as _>@<version>.patch`, the
copy's diff relative to the module root as `git diff` writes it (so `git apply` takes it
in a clean checkout of that version), and `<same>.md`, a pull-request description for
the module's maintainers. Safe fixes only: an upstream library cannot change its API.

`--bench`: the same source built twice, without and with DIR/go.work, measured
interleaved by `bench`, and each patched module's packages compared as a whole.

deps calls this module, so it does not import deps: a patched module is anything shaped
like deps.Patched (`PatchedModule`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from codemod import bench, gotool, model, oncevalue, render_bench, workflow
from codemod.progress import Progress
from codemod.rule import Finding, Safety


class PatchedModule(Protocol):
    """What this module reads of a deps.Patched."""

    @property
    def path(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def plan(self) -> workflow.Plan: ...
    @property
    def diff(self) -> str: ...  # unified, relative to the module root
    @property
    def packages(self) -> tuple[str, ...]: ...  # patched packages, "./rel" in the copy
    @property
    def key(self) -> str: ...  # path@version: also the name of the copy's directory


def check(dry_run: bool, patches: Path | None, settings: bench.Settings | None) -> None:
    """Refuse, before anything is done, what cannot work: both flags act on the copies a
    run verified and kept, which a dry run never makes."""
    if dry_run and (patches is not None or settings is not None):
        flag = "--patches" if patches is not None else "--bench"
        raise model.InputError(f"{flag} works on the verified copies: not with --dry-run")
    if patches is not None and patches.exists() and not patches.is_dir():
        raise model.InputError(f"{patches}: --patches needs a directory, this is a file")


# ---------------------------------------------------------------------------- --bench


def measure(
    directory: Path,
    gowork: Path,
    kept: Sequence[PatchedModule],
    listed: Sequence[gotool.ListedPackage],
    settings: bench.Settings,
    progress: Progress | None = None,
) -> bench.ModulesResult:
    """The program as the user builds it (base) against it with GOWORK=gowork (head),
    and each kept module's linked packages (from the build's `listed`) as a group."""
    base = bench.VariantSpec("base", bench.WORKTREE)
    head = bench.VariantSpec("head", bench.WORKTREE, env={"GOWORK": str(gowork.absolute())})
    result = bench.run(directory, base, head, settings, progress)
    return bench.by_module(result, module_packages(kept, listed))


def module_packages(
    kept: Sequence[PatchedModule], listed: Sequence[gotool.ListedPackage]
) -> dict[str, list[str]]:
    """Each kept module's key -> the import paths of its packages the program links."""
    out: dict[str, list[str]] = {p.key: [] for p in kept}
    versions = {(p.path, p.version): p.key for p in kept}
    for package in listed:
        module = package.module
        key = versions.get((module.path, module.version)) if module else None
        if key is not None:
            out[key].append(package.import_path)
    return out


# ---------------------------------------------------------------------------- --patches


def patch_stem(path: str, version: str) -> str:
    """`DIR/<stem>.patch`: the module path with / as _, then @version."""
    flat = path.replace("/", "_")
    return f"{flat}@{version}" if version else flat


def write_patches(
    directory: Path,
    kept: Sequence[PatchedModule],
    program: str,
    measured: bench.ModulesResult | None,
    say: Callable[[str], None],
) -> list[Path]:
    """Write each kept module's patch and PR description into `directory`; a module
    whose copy holds an unsafe fix gets none, and `say` tells why. `program` is the
    main package that was built and vetted with the copies."""
    written: list[Path] = []
    for patched in kept:
        risky = unsafe(patched)
        if risky:
            say(
                f"no patch for {patched.key}: {len(risky)} of its fixes are unsafe "
                "(an upstream library cannot change its API); run without --unsafe-fixes"
            )
            continue
        stem = patch_stem(patched.path, patched.version)
        directory.mkdir(parents=True, exist_ok=True)
        patch, description = directory / f"{stem}.patch", directory / f"{stem}.md"
        workflow.write_text(patch, patched.diff)
        pr = pull_request(patched, patch.name, program, measured)
        workflow.write_text(description, pr_markdown(pr))
        written += [patch, description]
    return written


def unsafe(patched: PatchedModule) -> list[Finding]:
    """The applied fixes of the copy that may change behaviour or API."""
    return [
        f
        for f in patched.plan.changes.applied
        if f.fix is not None and f.fix.safety is Safety.UNSAFE
    ]


@dataclass(frozen=True)
class Change:
    file: str  # relative to the module root
    line: int  # in the original file
    what: str  # the fix's description


@dataclass(frozen=True)
class Measured:
    program: str  # what ran: the main package and its arguments
    runs: int  # per variant
    packages: tuple[bench.PackageDelta, ...]  # the module's packages with init work
    module: bench.GroupDelta


@dataclass(frozen=True)
class PullRequest:
    """What the description of one module's patch says, as data."""

    module: str
    version: str
    patch: str  # the .patch file's name
    changes: tuple[Change, ...]
    created: tuple[str, ...]  # new files, relative to the module root
    packages: tuple[str, ...]  # import paths of the patched packages
    tests: tuple[str, ...]  # what `go test` ran in the patched copy
    program: str  # the main package built and vetted with the patch
    rules: tuple[str, ...]
    measured: Measured | None = None


def pull_request(
    patched: PatchedModule, patch: str, program: str, measured: bench.ModulesResult | None
) -> PullRequest:
    applied = sorted(patched.plan.changes.applied, key=lambda f: f.sort_key)
    created = [c.path for c in patched.plan.changes.changes.values() if c.before is None]
    return PullRequest(
        module=patched.path,
        version=patched.version,
        patch=patch,
        changes=tuple(
            Change(module_relative(f.path, patched.key), f.line, f.fix.description)
            for f in applied
            if f.fix is not None
        ),
        created=tuple(sorted(module_relative(path, patched.key) for path in created)),
        packages=tuple(_import_path(patched.path, rel) for rel in patched.packages),
        tests=patched.packages,
        program=program,
        rules=tuple(sorted({f.rule for f in applied})),
        measured=_measured(patched.key, program, measured) if measured else None,
    )


def module_relative(path: Path, key: str) -> str:
    """`path` below the module's copy, whose directory is named for `key` (the plan's
    paths are in the copy made while staging, not in DIR)."""
    parts, tail = path.parts, Path(key).parts
    for i in range(len(parts) - len(tail) + 1):
        if parts[i : i + len(tail)] == tail:
            return Path(*parts[i + len(tail) :]).as_posix()
    return path.name


def _import_path(module: str, rel: str) -> str:
    below = rel.removeprefix("./").strip("/")
    return module if below in ("", ".") else f"{module}/{below}"


def _measured(key: str, program: str, measured: bench.ModulesResult) -> Measured | None:
    group = next((g for g in measured.modules if g.name == key), None)
    if group is None:
        return None
    members = set(group.packages)
    result = measured.result
    return Measured(
        program=shlex.join([program, *result.args]),
        runs=len(result.base.runs),
        packages=tuple(d for d in result.packages if d.package in members),
        module=group,
    )


def pr_markdown(pr: PullRequest) -> str:
    """The pull-request description for the module's maintainers: title, what changed
    (file:line), why (every importer pays init at each start), how it was verified, and
    the measured numbers or how to measure them."""
    count = len(pr.changes)
    sections = [
        f"# {pr.module}: less work at program start ({count} init-time "
        f"change{'' if count == 1 else 's'})",
        _what(pr),
        _why(pr),
        _verified(pr),
        _numbers(pr.measured) if pr.measured else _how_to_measure(pr),
    ]
    return "\n\n".join(sections) + "\n"


def _what(pr: PullRequest) -> str:
    lines = [
        "## What",
        "",
        f"`{pr.patch}` applies to `{pr.module}` {pr.version} with `git apply` and changes "
        "when this initialization work happens, nothing else:",
        "",
        *(f"- `{c.file}:{c.line}`: {c.what}" for c in pr.changes),
        "",
        "The API and behaviour are unchanged: safe fixes only, so no exported name "
        "changes shape and only the moment the work happens moves."
        + (
            " A lazy value is built once, at its first use, instead of before `main`."
            if "lazy-init" in pr.rules
            else ""
        ),
    ]
    for name in pr.created:
        lines += ["", f"New file `{name}`: {_new_file_purpose(name)}"]
    return "\n".join(lines)


def _new_file_purpose(name: str) -> str:
    if name.endswith("lazyinit_test.go"):
        return (
            "a generated test that builds every lazy value, so a value that would "
            "panic (say, an invalid pattern) still fails `go test`, as it failed at start before."
        )
    if name.rsplit("/", 1)[-1] == oncevalue.FILE:
        return (
            "a generated helper with the semantics of `sync.OnceValue`, built on `sync.Once`: "
            "the module's `go` line predates Go 1.21."
        )
    return "generated with the change."


def _why(pr: PullRequest) -> str:
    return "\n".join(
        [
            "## Why",
            "",
            "Go runs the package-level initializers and `init` functions of every linked "
            "package before `main`, one after another on one goroutine, at every start, "
            "whether the program uses the values or not. So every program that imports "
            + ", ".join(f"`{p}`" for p in pr.packages)
            + " pays this work at each start: for command-line tools and serverless "
            "functions that is every cold start. `GODEBUG=inittrace=1` makes the runtime "
            "print each package's cost (`init <package> @<start> ms, <clock> ms clock, "
            "<bytes> bytes, <allocs> allocs`).",
        ]
    )


def _verified(pr: PullRequest) -> str:
    rules = ", ".join(f"`{r}`" for r in pr.rules)
    return "\n".join(
        [
            "## How it was verified",
            "",
            f"- `go build` and `go vet` of `{pr.program}`, a program that links the patched "
            "packages, built with the patched module (a `go.work` replacing this version)",
            f"- `go test {' '.join(pr.tests)}` in the patched module",
            f"- every rewritten file re-parsed and gofmt-formatted; made by `codemod deps` "
            f"(rules {rules})",
        ]
    )


def _numbers(m: Measured) -> str:
    return "\n".join(
        [
            "## Measured",
            "",
            f"`{m.program}` built without and with the patch (same source), {m.runs} "
            "interleaved runs each with `GODEBUG=inittrace=1`: medians of the runtime's "
            "per-package numbers, significance by Mann-Whitney U.",
            "",
            *render_bench.markdown_changes(
                m.packages,
                m.module if len(m.packages) > 1 else None,
                "all of the module's packages",
            ),
        ]
    )


def _how_to_measure(pr: PullRequest) -> str:
    first = pr.packages[0] if pr.packages else pr.module
    return "\n".join(
        [
            "## How to measure",
            "",
            f"Build a program that imports `{first}`, run it with `GODEBUG=inittrace=1` "
            f"before and after applying the patch, and compare its `init {pr.module}...` "
            "lines (clock, bytes, allocs); or `codemod deps --bench` on such a program, "
            "which runs both builds interleaved and compares them with statistics.",
        ]
    )
