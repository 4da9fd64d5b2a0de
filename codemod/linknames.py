"""What the linker in use lets a `//go:linkname` pull reach, read from its own sources.

Since Go 1.23 cmd/link checks every pull (`checkLinkname` in
cmd/link/internal/loader/loader.go): a symbol in its `blockedLinknames` map may be
pulled only from the packages listed there; any other symbol defined in the standard
library only if its definition is pushed, by a one-argument `//go:linkname name` in the
defining package or a two-argument `//go:linkname local importpath.name` on a
definition (`legacy_fastrand` pushed as `runtime.fastrand`); `//go:linknamestd` pushes
to the standard library only. Symbols defined outside the standard library are not
checked. The facts are read from $GOROOT/src of the toolchain that will link, so they
are that Go's, not a table that ages: the engine finds GOROOT, this module reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from codemod import buildtags, imports, syntax

LOADER = "cmd/link/internal/loader/loader.go"
_DIRECTIVE = re.compile(rb"^//go:(linkname|linknamestd)[ \t]+(\S+)(?:[ \t]+(\S+))?[ \t]*$", re.M)
_BLOCKED = re.compile(r"^var blockedLinknames = map\[string\]\[\]string\{\n(.*?)^\}", re.M | re.S)
_ENTRY = re.compile(r'"([^"]+)":\s*\{([^}]*)\}')
_SKIPPED_DIRS = {"cmd", "vendor", "testdata"}
_UNIX = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "solaris",
    ]
)


def split(symbol: str) -> tuple[str, str]:
    """`runtime.nanotime` -> ("runtime", "nanotime"); `example.com/a/b.F` ->
    ("example.com/a/b", "F"): the package is what precedes the last dot after the last
    slash."""
    slash = symbol.rfind("/")
    dot = symbol.find(".", slash + 1)
    return (symbol[:dot], symbol[dot + 1 :]) if dot > 0 else ("", symbol)


@dataclass(frozen=True)
class Push:
    where: str  # "runtime/time_nofake.go:30"
    std_only: bool = False  # //go:linknamestd


@dataclass(frozen=True)
class Verdict:
    """Whether the linker accepts a pull of `symbol`, and its rule as it applies."""

    symbol: str
    links: bool
    why: str  # "pushed by //go:linkname at runtime/time_nofake.go:30"
    error: str = ""  # what the linker prints when it refuses
    checked: bool = True  # False: not the standard library's, so not checked


class Toolchain:
    """The linkname facts of the Go at `goroot` (its `version`, e.g. "go1.27.3") when it
    builds for `goos`/`goarch`, read on first need and kept. Only the standard-library
    files that build for that target count (`time_fake.go` is built only with the
    faketime tag; `runtime.walltime` is pushed only on darwin)."""

    def __init__(self, goroot: Path, version: str, goos: str, goarch: str) -> None:
        self.goroot = goroot
        self.version = version
        self.goos, self.goarch = goos, goarch
        self.src = goroot / "src"

    @property
    def target(self) -> str:
        return f"{self.goos}/{self.goarch}"

    def _tag(self, tag: str) -> bool:
        """Whether a default build for the target has build tag `tag`."""
        if tag in {self.goos, self.goarch, "gc"} or (tag == "unix" and self.goos in _UNIX):
            return True
        release = re.fullmatch(r"go1\.(\d+)", tag)
        ours = re.match(r"go1\.(\d+)", self.version)
        return bool(release and ours and int(release.group(1)) <= int(ours.group(1)))

    def builds(self, path: Path, source: bytes) -> bool:
        """Whether a standard-library file is in the target's default build."""
        if not set(buildtags.file_name_tags(path.name)) <= {self.goos, self.goarch}:
            return False
        try:
            constraint = buildtags.header_constraint(source)
        except buildtags.ConstraintError:
            return False
        return constraint is None or constraint.holds(self._tag)

    @cached_property
    def _loader(self) -> str:
        path = self.src / LOADER
        return path.read_text(errors="replace") if path.is_file() else ""

    @property
    def checks(self) -> bool:
        """Whether this linker checks pulls at all (Go 1.23 and later)."""
        return "func (l *Loader) checkLinkname(" in self._loader

    @cached_property
    def blocked(self) -> dict[str, tuple[str, ...]]:
        """cmd/link's blockedLinknames: symbol -> the only packages that may pull it."""
        m = _BLOCKED.search(self._loader)
        if m is None:
            return {}
        return {
            name: tuple(re.findall(r'"([^"]+)"', allowed))
            for name, allowed in _ENTRY.findall(m.group(1))
        }

    @property
    def blocked_where(self) -> str:
        at = self._loader.find("var blockedLinknames")
        return f"{LOADER}:{self._loader.count(chr(10), 0, at) + 1}" if at >= 0 else LOADER

    @cached_property
    def pushes(self) -> dict[str, Push]:
        """Every symbol the standard library pushes, with where."""
        out: dict[str, Push] = {}
        for path in self._std_files():
            source = path.read_bytes()
            if b"go:linkname" not in source or not self.builds(path, source):
                continue
            package = path.parent.relative_to(self.src).as_posix()
            defined: dict[str, tuple[int, str]] | None = None
            for m in _DIRECTIVE.finditer(source):
                std_only, local, target = m.group(1) == b"linknamestd", m.group(2), m.group(3)
                where = f"{path.relative_to(self.src).as_posix()}:{_line(source, m.start())}"
                if target is None:
                    out.setdefault(f"{package}.{local.decode()}", Push(where, std_only))
                    continue
                if defined is None:
                    defined = _definitions(source)
                kind = defined.get(local.decode(), (0, ""))[1]
                in_asm = kind == "decl" and self._in_assembly(path.parent, target.decode())
                own = kind == "decl" and split(target.decode())[0] == package  # badlinkname.go
                if kind == "func" or in_asm or own:  # a definition, under another name: a push
                    out.setdefault(target.decode(), Push(where, std_only))
        return out

    def _std_files(self) -> list[Path]:
        out = []
        for directory in sorted(p for p in self.src.rglob("*") if p.is_dir()):
            parts = directory.relative_to(self.src).parts
            if parts and (parts[0] in _SKIPPED_DIRS or "testdata" in parts):
                continue
            out += sorted(f for f in directory.glob("*.go") if not f.name.endswith("_test.go"))
        return out

    def _in_assembly(self, directory: Path, symbol: str) -> str:
        """Where an assembly file of `directory` built for the target defines `symbol`
        (`TEXT time·now(SB)`, or `TEXT ·name` for the directory's own package)."""
        package, name = split(symbol)
        own = directory.relative_to(self.src).as_posix() == package
        prefix = rb"(?:" + re.escape(package.encode()) + rb")" + (rb"?" if own else b"")
        text = re.compile(
            rb"^TEXT\s+" + prefix + "\u00b7".encode() + re.escape(name.encode()) + rb"\b", re.M
        )
        for path in sorted(directory.glob("*.s")):
            source = path.read_bytes()
            m = text.search(source) if self.builds(path, source) else None
            if m:
                return f"{path.relative_to(self.src).as_posix()}:{_line(source, m.start())}"
        return ""

    def is_std(self, package: str) -> bool:
        return bool(package) and imports.is_std(package) and (self.src / package).is_dir()

    @cache  # noqa: B019 - one Toolchain per GOROOT lives as long as the process anyway
    def definition(self, symbol: str) -> tuple[str, bool]:
        """Where the standard library defines `symbol` ("runtime/malloc.go:2253"; "" if
        nowhere for the target), and whether in assembly (a body-less Go declaration,
        or a TEXT symbol only)."""
        package, name = split(symbol)
        directory = self.src / package
        if not name or not directory.is_dir():
            return "", False
        word = name.rsplit(".", 1)[-1].encode()
        for path in sorted(directory.glob("*.go")):
            source = path.read_bytes()
            if path.name.endswith("_test.go") or word not in source:
                continue
            if not self.builds(path, source):
                continue
            found = _definitions(source).get(name)
            if found:
                return f"{package}/{path.name}:{found[0]}", found[1] == "decl"
        where = self._in_assembly(directory, symbol)
        return where, bool(where)

    @property
    def wrappers_pass(self) -> bool:
        """Whether this linker lets any pull of an assembly function through (Go 1.23 to
        1.26 allow every ABI wrapper: `osym.ABIWrapper()` in checkLinkname)."""
        check = self._loader[self._loader.find("func (l *Loader) checkLinkname(") :]
        return "osym.ABIWrapper()" in check[: check.find("\n}\n")]

    def verdict(self, symbol: str, puller: str) -> Verdict:
        """Whether the linker accepts a pull of `symbol` from package `puller` (an import
        path outside the standard library), with the rule that decides it."""
        refused = f"link: {puller}: invalid reference to {symbol}"
        if not self.checks:
            return Verdict(
                symbol, True, f"{self.version}'s linker does not check linknames", "", False
            )
        if symbol in self.blocked:
            allowed = self.blocked[symbol]
            listed = ", ".join(allowed) if allowed else "no package"
            why = f"cmd/link's blockedLinknames ({self.blocked_where}) lets {listed} pull it"
            return Verdict(symbol, puller in allowed, why, "" if puller in allowed else refused)
        package, _ = split(symbol)
        if not self.is_std(package):
            return Verdict(symbol, True, "not the standard library's: not checked", "", False)
        push = self.pushes.get(symbol)
        if push is not None and not push.std_only:
            return Verdict(symbol, True, f"pushed by //go:linkname at {push.where}")
        if push is not None:
            why = (
                f"pushed by //go:linknamestd at {push.where}: only the standard library may pull it"
            )
            return Verdict(symbol, False, why, refused)
        where, in_assembly = self.definition(symbol)
        if where and in_assembly and self.wrappers_pass:
            why = f"implemented in assembly ({where}), and this linker lets ABI wrappers pass"
            return Verdict(symbol, True, why)
        if where:
            why = f"defined at {where} without a //go:linkname push marker"
            return Verdict(symbol, False, why, refused)
        why = f"{self.version} defines no {symbol} for {self.target}"
        return Verdict(symbol, False, why, f"relocation target {symbol} not defined")


def _line(source: bytes, offset: int) -> int:
    return source.count(b"\n", 0, offset) + 1


def _definitions(source: bytes) -> dict[str, tuple[int, str]]:
    """The top-level funcs, methods and vars a Go file defines: name (`(*T).M` for a
    method, as the linker names it) -> (line, kind), kind "func" (with a body), "decl"
    (body-less: a pull, or implemented in assembly) or "var"."""
    tree = syntax.parse(source)
    out: dict[str, tuple[int, str]] = {}
    for node in syntax.top_level(tree.root_node, "method_declaration"):
        name, receiver = node.child_by_field_name("name"), node.child_by_field_name("receiver")
        types = syntax.captures("(type_identifier) @t", receiver).get("t", []) if receiver else []
        if name is not None and types:
            star = "*" if "*" in syntax.text(receiver or name) else ""
            method = f"({star}{syntax.text(types[0])}).{syntax.text(name)}"
            out.setdefault(method, (name.start_point[0] + 1, "func"))
    for node in syntax.top_level(tree.root_node, "function_declaration", "var_declaration"):
        if node.type == "function_declaration":
            name = node.child_by_field_name("name")
            kind = "func" if node.child_by_field_name("body") is not None else "decl"
            if name is not None:
                out.setdefault(syntax.text(name), (name.start_point[0] + 1, kind))
            continue
        for ident in syntax.captures("(var_spec name: (identifier) @n)", node).get("n", []):
            out.setdefault(syntax.text(ident), (ident.start_point[0] + 1, "var"))
    return out


@cache
def toolchain(goroot: str, version: str, goos: str, goarch: str) -> Toolchain:
    """One Toolchain per GOROOT, version and target in a process: its sources are read
    once."""
    return Toolchain(Path(goroot), version, goos, goarch)
