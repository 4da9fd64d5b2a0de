"""The Go workspace as rules see it: modules, packages and parsed files.

Discovery (which directories and files belong to a run) is cheap and happens in the
parent process; parsing happens where the package is analysed, because tree-sitter
trees cannot cross a process boundary.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codemod import buildtags, imports, syntax
from codemod.buildtags import Constraint, ConstraintError, header_constraint


class InputError(Exception):
    """Bad input: the message names the file and the reason (exit code 2)."""


# ---------------------------------------------------------------------------- modules

STD = "std"  # the module the standard library's packages belong to (GOROOT/src)

_MODULE_LINE = re.compile(rb"^\s*module\s+(\"[^\"]+\"|\S+)", re.M)
_GO_LINE = re.compile(rb"^\s*go\s+(\d+)\.(\d+)", re.M)


@dataclass(frozen=True)
class Module:
    root: Path
    path: str
    go_version: tuple[int, int] | None  # from the `go` directive; None when absent

    def go_at_least(self, major: int, minor: int) -> bool:
        # No `go` line means go 1.16 semantics, as cmd/go assumes.
        return (self.go_version or (1, 16)) >= (major, minor)

    @property
    def vendored(self) -> bool:
        """Dependencies come from vendor/ (by default only from `go 1.14`; before that
        the build needs -mod=vendor)."""
        return (self.root / "vendor" / "modules.txt").is_file()

    def import_path(self, directory: Path) -> str:
        rel = directory.relative_to(self.root).as_posix()
        if self.path == STD:  # GOROOT/src/regexp is "regexp": no module prefix
            return rel
        return self.path if rel == "." else f"{self.path}/{rel}"

    def locate(self, path: Path, line: int | None = None) -> str:
        """`dir/file.go in module example.com/m` (`dir/file.go:12 ...` with a line): a file
        named for a reader of any module."""
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            rel = str(path)
        at = f":{line}" if line is not None else ""
        return f"{rel}{at} in module {self.path}"

    @classmethod
    def read(cls, gomod: Path) -> Module:
        try:
            data = gomod.read_bytes()
        except OSError as exc:
            raise InputError(f"{gomod}: cannot read: {exc.strerror}") from exc
        m = _MODULE_LINE.search(data)
        if not m:
            raise InputError(f"{gomod}: no module directive")
        version = _GO_LINE.search(data)
        return cls(
            root=gomod.parent,
            path=m.group(1).decode(errors="replace").strip('"'),
            go_version=(int(version.group(1)), int(version.group(2))) if version else None,
        )


class ModuleFinder:
    """Nearest enclosing go.mod for a directory, memoised: a tree asks once per directory."""

    def __init__(self) -> None:
        self._cache: dict[Path, Module | None] = {}

    def find(self, directory: Path) -> Module | None:
        if directory in self._cache:
            return self._cache[directory]
        gomod = directory / "go.mod"
        if gomod.is_file():
            found: Module | None = Module.read(gomod)
        elif directory.parent == directory:
            found = None
        else:
            found = self.find(directory.parent)
        self._cache[directory] = found
        return found


@dataclass(frozen=True)
class Workspace:
    """Which other modules build against a module's directory, and so may import its
    packages: the modules `use`d by the same go.work, and modules whose go.mod
    `replace`s it with that directory. Empty when no toolchain could be asked."""

    dependents: Mapping[Path, tuple[Module, ...]] = field(default_factory=dict)  # resolved root

    def importers_of(self, module: Module) -> tuple[Module, ...]:
        """The module itself first, then the others that may import its packages."""
        return (module, *self.dependents.get(module.root.resolve(), ()))

    @classmethod
    def link(
        cls,
        modules: Iterable[Module],
        uses: Mapping[Path, frozenset[Path]],
        replaces: Mapping[Path, Mapping[str, Path]],
    ) -> Workspace:
        """Tie modules together from what the toolchain said: `uses` maps a module root
        to the roots its go.work uses (itself among them), `replaces` a module root to
        its local replacements (module path -> directory). Roots compare resolved."""
        by_root = {m.root.resolve(): m for m in modules}
        dependents: dict[Path, tuple[Module, ...]] = {}
        for root, module in by_root.items():
            others = set(uses.get(root, frozenset()))
            others |= {r for r, local in replaces.items() if local.get(module.path) == root}
            others.discard(root)
            found = tuple(by_root[r] for r in sorted(others) if r in by_root)
            if found:
                dependents[root] = found
        return cls(dependents)


# ---------------------------------------------------------------------------- import graph


@dataclass(frozen=True)
class ImportGraph:
    """Who imports whom in the default build of `root` and everything it links (from
    `go list -deps`): what a rule needs to say whether a package leaves the binary."""

    root: str
    imports: Mapping[str, tuple[str, ...]]

    def path_to(self, target: str, without: tuple[str, str] | None = None) -> list[str] | None:
        """The shortest import chain from the root to `target` that does not use the edge
        `without` (importer, imported); None when there is none."""
        parents: dict[str, str] = {self.root: ""}
        queue = deque([self.root])
        while queue:
            current = queue.popleft()
            if current == target:
                chain = [current]
                while parents[chain[-1]]:
                    chain.append(parents[chain[-1]])
                return chain[::-1]
            for imported in self.imports.get(current, ()):
                if (current, imported) != without and imported not in parents:
                    parents[imported] = current
                    queue.append(imported)
        return None

    def only_through(self, target: str, edge: tuple[str, str]) -> list[str]:
        """The packages linked only because of the import `edge` (importer, imported):
        `target` and those of its dependencies nothing else in the root's build imports,
        in breadth-first order from `target`."""
        kept = self._reachable(self.root, edge)
        return [p for p in self._reachable(target) if p not in kept]

    def _reachable(self, start: str, without: tuple[str, str] | None = None) -> list[str]:
        seen, queue = [start], deque([start])
        found = {start}
        while queue:
            current = queue.popleft()
            for imported in self.imports.get(current, ()):
                if (current, imported) != without and imported not in found:
                    found.add(imported)
                    seen.append(imported)
                    queue.append(imported)
        return seen


# ---------------------------------------------------------------------------- files

_GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.M)


@dataclass(eq=False)  # identity: a file is one object per run, usable as a dict key
class GoFile:
    """One Go file. Its package, build constraint and generated marker are read on bytes;
    it is parsed when something first needs its tree (or its syntax problem), so that a
    file no rule looks into costs no parse."""

    path: Path
    source: bytes
    package: str  # the package clause; "" when the file has none
    constraint: Constraint | None
    generated: bool
    header_end: int  # offset of the package clause: build lines and file comments sit before it
    selected: bool = True  # named by the user's PATH arguments: findings are reported here
    excluded: bool = False  # matched by an `exclude` glob: neither reported nor edited
    unwritable: str = ""  # why no fix may write the file though it parsed, e.g. a link out
    constraint_problem: syntax.SyntaxProblem | None = None  # a build line that does not parse
    _tree: syntax.Tree | None = field(default=None, repr=False)

    @property
    def tree(self) -> syntax.Tree:
        if self._tree is None:
            self._tree = syntax.parse(self.source)
        return self._tree

    @property
    def parsed(self) -> bool:
        return self._tree is not None

    @cached_property
    def problem(self) -> syntax.SyntaxProblem | None:
        """Why the file cannot be trusted: its first syntax error (a parse), else a build
        constraint that does not parse."""
        return syntax.syntax_problem(self.tree) or self.constraint_problem

    @property
    def is_test(self) -> bool:
        return self.path.name.endswith("_test.go")

    @property
    def never_built(self) -> bool:
        """`//go:build ignore` or `// +build ignore` (any constraint that needs the tag):
        a standalone program or generator kept beside the package, not part of any build."""
        return self.constraint is not None and self.constraint.needs("ignore")

    @property
    def rewritable(self) -> bool:
        """Whether a fix may change this file: parsed cleanly, not generated, not excluded,
        and not a link to a file codemod may not write (see `link_problem`).

        Not `selected`: PATHs choose where findings are reported, but a fix edits every
        reference it must (the package's other files, its importers in the module and the
        workspace) so that the program still builds, as a rename would; it is refused when
        one of those files may not be edited.
        """
        return (
            not self.excluded
            and not self.generated
            and self.problem is None
            and not self.unwritable
        )

    @property
    def root(self) -> syntax.Node:
        return self.tree.root_node

    @cached_property
    def build_expr(self) -> str:
        """The constraint under which the file is built, from its name's GOOS/GOARCH, its
        //go:build (or old // +build) lines and its `import "C"` (cgo files build only with
        CGO_ENABLED=1), as one expression ("" when every build has it)."""
        spelled = b'"C"' in self.source or b"`C`" in self.source  # else no parse to know
        cgo = ("cgo",) if spelled and imports.find(self.root, imports.CGO) else ()
        if cgo and self.constraint is not None and "cgo" in self.constraint.tags:
            cgo = ()  # the //go:build line already says what cgo builds do with it
        named = (*buildtags.file_name_tags(self.path.name), *cgo)
        if self.constraint is not None:  # `x_linux.go` saying `//go:build linux`: once
            named = tuple(t for t in named if not self.constraint.needs(t))
        tags = " && ".join(named)
        if self.constraint is None:
            return tags
        return self.constraint.conjoin(tags) if tags else self.constraint.source

    @classmethod
    def of(cls, path: Path, source: bytes, selected: bool = True) -> GoFile:
        """The file with text `source`, not parsed yet (unless its package clause is too
        unusual to read on bytes)."""
        tree = None
        clause = syntax.clause_on_bytes(source)
        if clause is None:  # the parser's word, and its tree kept
            tree = syntax.parse(source)
            node = syntax.package_clause(tree.root_node)
            name = node.named_children[0] if node and node.named_children else None
            clause = (node.start_byte, syntax.text(name) if name else "") if node else None
        header = source[: clause[0]] if clause else source[:4096]
        constraint, problem = None, None
        try:
            constraint = header_constraint(source)
        except ConstraintError as exc:
            problem = syntax.SyntaxProblem(exc.line, 1, str(exc))
        return cls(
            path=path,
            source=source,
            package=clause[1] if clause else "",
            constraint=constraint,
            generated=bool(_GENERATED.search(header)),
            header_end=clause[0] if clause else 0,
            selected=selected,
            constraint_problem=problem,
            _tree=tree,
        )

    @classmethod
    def load(cls, path: Path, selected: bool = True) -> GoFile:
        return cls.of(path, read_source(path), selected)


def read_source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


# ---------------------------------------------------------------------------- packages


@dataclass
class Package:
    """The files of one directory that share a package clause.

    An external test package (`package foo_test`) is its own Package, as in go/packages.
    """

    dir: Path
    name: str
    module: Module | None
    files: list[GoFile] = field(default_factory=list)

    @property
    def import_path(self) -> str:
        if self.module is None:
            return self.dir.as_posix()
        path = self.module.import_path(self.dir)
        return f"{path}_test" if self.is_external_test else path

    @property
    def is_external_test(self) -> bool:
        return self.name.endswith("_test") and all(f.is_test for f in self.files)

    def locate(self, path: Path, line: int | None = None) -> str:
        """A file of the package, named with its module (importers may be in another)."""
        if self.module:
            return self.module.locate(path, line)
        return path.name + (f":{line}" if line is not None else "")

    @property
    def broken_files(self) -> list[GoFile]:
        return [f for f in self.files if f.problem is not None]

    @property
    def build_expr(self) -> str:
        """The constraint every built non-test file of the package shares ("" if they
        differ, or none has one)."""
        groups = {f.build_expr for f in self.non_test_files() if not f.never_built}
        return groups.pop() if len(groups) == 1 else ""

    def non_test_files(self) -> list[GoFile]:
        return [f for f in self.files if not f.is_test]


def group_packages(
    directory: Path, files: Iterable[GoFile], module: Module | None
) -> list[Package]:
    """Split one directory's files into packages by their package clause."""
    by_name: dict[str, Package] = {}
    for f in files:
        name = f.package or "?"
        by_name.setdefault(name, Package(directory, name, module)).files.append(f)
    return sorted(by_name.values(), key=lambda p: (p.name.endswith("_test"), p.name))


# ---------------------------------------------------------------------------- discovery

SKIPPED_DIRS = {"vendor", "testdata", "node_modules"}


def skip_dir(name: str) -> bool:
    """Directories the go command ignores for ./... (plus node_modules)."""
    return name in SKIPPED_DIRS or name.startswith((".", "_"))


@dataclass(frozen=True)
class DirectoryJob:
    """One directory to analyse: every .go file in it, and which of them the user named."""

    dir: Path
    files: tuple[Path, ...]
    selected: frozenset[Path]
    module: Module | None
    roots: tuple[Path, ...] = ()  # the PATHs, links resolved: what a link may write into


def discover(paths: Iterable[Path], modules: ModuleFinder | None = None) -> list[DirectoryJob]:
    """Expand PATH arguments (module roots, package directories, files) into jobs.

    Directories are walked recursively, like `./...`: vendor, testdata, hidden and `_`
    directories below the named path are not entered, but a path the user names is
    always taken, so `codemod scan testdata/demo` works.
    """
    modules = modules or ModuleFinder()
    selected: dict[Path, set[Path]] = {}
    listed: dict[Path, list[Path]] = {}  # each walked directory's files, listed once
    paths = list(paths)
    roots = tuple(Path(os.path.realpath(p)) for p in paths)
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        if path.is_file():
            if path.suffix != ".go":
                raise InputError(f"{raw}: not a Go file")
            selected.setdefault(path.parent, set()).add(path)
            continue
        for directory in _walk(path):
            listed[directory] = listed.get(directory) or _go_files(directory)
            selected.setdefault(directory, set()).update(listed[directory])
    jobs = []
    for directory in sorted(selected):
        files = tuple(listed.get(directory) or _go_files(directory))
        if files:
            jobs.append(
                DirectoryJob(
                    directory,
                    files,
                    frozenset(selected[directory]),
                    modules.find(directory),
                    roots,
                )
            )
    return jobs


def _walk(top: Path) -> Iterator[Path]:
    for dirpath, dirnames, _ in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not skip_dir(d))
        yield Path(dirpath)


def _go_files(directory: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"{directory}: cannot list: {exc.strerror}") from exc
    return [
        Path(e.path)
        for e in entries
        if e.name.endswith(".go") and not e.name.startswith((".", "_")) and e.is_file()
    ]


def load_job(job: DirectoryJob, sources: Mapping[Path, bytes] | None = None) -> list[Package]:
    """The job's files (their text from `sources` when the caller has read it), by package."""
    files = [
        GoFile.of(p, sources[p], p in job.selected)
        if sources is not None
        else GoFile.load(p, p in job.selected)
        for p in job.files
    ]
    boundary = job.module.root if job.module else job.dir
    for file in files:
        file.unwritable = link_problem(
            file.path, boundary, "the module" if job.module else "its directory", job.roots
        )
    return group_packages(job.dir, files, job.module)


def link_problem(path: Path, boundary: Path, where: str, roots: Iterable[Path] = ()) -> str:
    """Why a file reached through a symlink may not be written through it, or "".

    The writer replaces a link's target, so the target must be a file codemod would
    rewrite anyway: inside the module and the PATHs given (`roots`, resolved, if any),
    and not in vendor/, testdata/ or a hidden directory (unless the link itself is in one).
    """
    real, root = path.resolve(), boundary.resolve()
    if real == path.absolute():
        return ""
    if not real.is_relative_to(root):
        return f"a link to {real}, outside {where}"
    roots = list(roots)
    if roots and not any(real.is_relative_to(r) for r in roots):
        return f"a link to {real}, outside the PATHs given"
    skipped = [d for d in real.relative_to(root).parts[:-1] if skip_dir(d)]
    link, top = path.absolute(), boundary.absolute()
    # A link that is itself in a skipped directory was named by the user: allowed.
    if link.is_relative_to(top) and any(skip_dir(d) for d in link.relative_to(top).parts[:-1]):
        skipped = []
    if skipped:
        return f"a link into {skipped[0]}/, which codemod never rewrites"
    return ""
