"""A content-hash cache of per-directory scan results, so that a second scan of an
unchanged tree parses nothing.

An entry is one directory's `engine.Report`, stored under a key that names everything
the result was computed from: codemod's version and source, the rules with their
options and source, the run's configuration and workspace, the Go toolchain and the
environment that selects builds (GOOS, GOARCH, GOFLAGS, build tags...), the directory's
files (names, links and contents) and the contents of every file of its module (and of
the modules that build against it): a fix rewrites references in importers, and whether
a package is linked depends on who imports it. So any edit in a module recomputes its
directories; nothing stale is ever served. A result for which a rule asked the
toolchain (`go list`: it depends on the module cache too) is not stored.

Entries are written to a temporary file and renamed into place, so concurrent runs
never see half an entry and need no lock; an entry that cannot be read is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import codemod
from codemod import gotool
from codemod.model import DirectoryJob, InputError, Workspace, discover, skip_dir
from codemod.rule import Rule

ENV = "CODEMOD_SCAN_CACHE"  # where the cache lives (default: <user cache dir>/codemod/scan)
# What the go command reads from the environment to decide which files a build has.
_GO_ENV = (
    "GOOS",
    "GOARCH",
    "GOFLAGS",
    "CGO_ENABLED",
    "GOEXPERIMENT",
    "GOWORK",
    "GOTOOLCHAIN",
    "GO111MODULE",
    "GOPATH",
    "GOROOT",
    "GOAMD64",
    "GOARM",
    "GOARM64",
)
_MODULE_FILES = ("go.mod", "go.sum", "go.work", "go.work.sum", "vendor/modules.txt")


def default_dir() -> Path:
    override = os.environ.get(ENV)
    return Path(override) if override else gotool.user_cache_dir() / "codemod" / "scan"


class Cache:
    """Results (the engine's reports) by key, one file each under `root`."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_dir()

    def get(self, key: str) -> object | None:
        try:
            return pickle.loads(self._path(key).read_bytes())
        except Exception:  # missing, truncated, or written by another version: a miss
            return None

    def put(self, key: str, report: object) -> None:
        try:
            data = pickle.dumps(report, pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return  # an unpicklable result: not kept
        self.put_pickled(key, data)

    def put_pickled(self, key: str, data: bytes) -> None:
        """`put`, for a result pickled already."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # a read-only or full cache directory: not kept

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key


class Keys:
    """The cache key of each directory of one run (see the module's docstring)."""

    def __init__(
        self,
        rules: Iterable[tuple[Rule, Mapping[str, Any]]],
        settings: object,
        workspace: Workspace,
        jobs: Iterable[DirectoryJob] = (),
    ) -> None:
        """`settings`: whatever else of the run decides its results, as plain values
        (their repr is hashed). `jobs`: the run's, whose walk a module's tree reuses."""
        self._digests: dict[Path, bytes] = {}
        self._trees: dict[Path, bytes] = {}
        self._jobs = list(jobs)
        # The PATHs walked (resolved): the jobs spell them so when no link leads there.
        real = all(os.path.realpath(job.dir) == str(job.dir) for job in self._jobs)
        self._walked = {r for job in self._jobs for r in job.roots if r.is_dir()} if real else set()
        run = _hash()
        run.update(_tool_digest())
        for rule, options in rules:
            run.update(_text(rule.id, rule.run.__module__, rule.run.__qualname__, _json(options)))
            run.update(_module_digest(rule.run.__module__))
        run.update(_text(settings, _workspace(workspace)))
        run.update(_text(_go(), [(name, os.environ.get(name)) for name in _GO_ENV]))
        self._run = run.digest()
        self._workspace = workspace

    def key(self, job: DirectoryJob) -> str:
        """Raises model.InputError when a file cannot be read."""
        h = _hash(self._run)
        module = job.module
        h.update(_text(job.dir, sorted(job.selected), job.roots))
        h.update(_text(module.root, module.path, module.go_version) if module else b"-")
        h.update(_text(os.path.realpath(job.dir)))  # where links lead decides what is written
        for path in job.files:
            h.update(_text(path.name, os.path.realpath(path) if os.path.islink(path) else ""))
            h.update(self._digest(path))
        if module is not None:
            for other in self._workspace.importers_of(module):
                h.update(self._tree(other.root))
        return h.hexdigest()

    def _digest(self, path: Path) -> bytes:
        if path not in self._digests:
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
            self._digests[path] = hashlib.sha256(data).digest()
        return self._digests[path]

    def _walk(self, root: Path) -> list[DirectoryJob]:
        """`discover([root])`, taken from the run's own jobs when its walk covered it."""
        for top in self._walked:
            if root.is_relative_to(top) and not any(
                skip_dir(part) for part in root.relative_to(top).parts
            ):
                return [job for job in self._jobs if job.dir.is_relative_to(root)]
        return discover([root])

    def _tree(self, root: Path) -> bytes:
        """Every Go file of the module tree (nested modules too) and its module files."""
        if root not in self._trees:
            h = _hash()
            roots = {root}
            for job in self._walk(root):
                roots.add(job.module.root if job.module else root)
                for path in job.files:
                    h.update(os.fsencode(path) + b"\0")
                    h.update(self._digest(path))
            for module_root in sorted(roots):
                h.update(_files(module_root / name for name in _MODULE_FILES))
            self._trees[root] = h.digest()
        return self._trees[root]


def _hash(start: bytes = b"") -> Any:
    return hashlib.sha256(start)


def _text(*parts: object) -> bytes:
    return (repr(parts) + "\0").encode()


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _workspace(workspace: Workspace) -> list[tuple[str, list[str]]]:
    return sorted(
        (str(root), [str(m.root) for m in modules])
        for root, modules in workspace.dependents.items()
    )


def _files(paths: Iterable[Path]) -> bytes:
    h = _hash()
    for path in paths:
        try:
            h.update(_text(path, hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            h.update(_text(path, None))
    return h.digest()


def _go() -> tuple[object, ...]:
    """Which toolchain the rules would ask (its binary, as it is on disk now; () without
    one): cheaper than running it for its version, and a new Go is a new file."""
    binary = gotool.go_binary()
    if binary is None:
        return ()
    real = os.path.realpath(binary)
    stat = os.stat(real)
    return (real, stat.st_size, stat.st_mtime_ns, stat.st_ino)


@cache
def _tool_digest() -> bytes:
    """codemod's version and the text of its source: an edited checkout is another tool."""
    return _text(codemod.__version__) + _module_digest("codemod")


@cache
def _module_digest(name: str) -> bytes:
    """The text of a module's source files (all of its directory's, for a package or a
    module in a directory of rules): a rule's code and what it may import beside it."""
    module = sys.modules.get(name)
    where = getattr(module, "__file__", None)
    if not where:
        return _text(name, None)
    return _files(sorted(Path(where).parent.glob("*.py")))
