"""Build constraints: `//go:build` expressions (parse, print, ask what a default build
sees) and the GOOS/GOARCH a file name implies."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[A-Za-z0-9_.]+)")
_MAX_FREE_TAGS = 12  # 4096 assignments: more tags than any real constraint has.

Env = Callable[[str], bool]

# go/build's lists (internal/syslist): the names a file name's `_GOOS`/`_GOARCH` suffix may use.
KNOWN_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
    "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
})  # fmt: skip
KNOWN_ARCH = frozenset({
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
})  # fmt: skip


class ConstraintError(ValueError):
    pass


@dataclass(frozen=True)
class Constraint:
    """A parsed `//go:build` expression."""

    source: str
    tags: frozenset[str]
    _eval: Callable[[Env], bool]

    @classmethod
    def parse(cls, expr: str) -> Constraint:
        tokens = _tokenize(expr)
        tags = frozenset(t for t in tokens if t not in {"(", ")", "!", "&&", "||"})
        evaluate, rest = _parse_or(tokens)
        if rest:
            raise ConstraintError(f"unexpected {rest[0]!r} in build constraint {expr!r}")
        return cls(expr.strip(), tags, evaluate)

    def holds(self, env: Env) -> bool:
        return self._eval(env)

    def needs(self, tag: str) -> bool:
        """True when no build without `tag` can include the file, whatever the other tags."""
        if tag not in self.tags:
            return False
        free = sorted(self.tags - {tag})[:_MAX_FREE_TAGS]
        for values in itertools.product((False, True), repeat=len(free)):
            on = {name for name, value in zip(free, values, strict=True) if value}
            if self.holds(lambda t, on=on: t in on):
                return False
        return True

    def conjoin(self, tag: str) -> str:
        """The expression that also requires `tag`, as a `//go:build` line would say it."""
        inner = (
            self.source if re.fullmatch(r"!?[A-Za-z0-9_.]+", self.source) else f"({self.source})"
        )
        return f"{tag} && {inner}"


def file_name_tags(name: str) -> tuple[str, ...]:
    """The GOOS and GOARCH a file name restricts the file to, read as go/build does:
    `x_linux.go`, `x_windows_amd64_test.go`; `linux.go` (nothing before an `_`) and
    `x_unix.go` (unix is no GOOS) restrict nothing."""
    stem = name.split(".", 1)[0]
    if "_" not in stem:
        return ()
    parts = stem[stem.index("_") :].split("_")
    if parts[-1] == "test":
        parts = parts[:-1]
    if len(parts) >= 2 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
        return (parts[-2], parts[-1])
    if parts and (parts[-1] in KNOWN_OS or parts[-1] in KNOWN_ARCH):
        return (parts[-1],)
    return ()


def equivalent(a: Constraint, b: Constraint) -> bool:
    """Whether two constraints hold in exactly the same builds."""
    tags = sorted(a.tags | b.tags)[:_MAX_FREE_TAGS]
    for values in itertools.product((False, True), repeat=len(tags)):
        on = {name for name, value in zip(tags, values, strict=True) if value}
        if a.holds(lambda t, on=on: t in on) != b.holds(lambda t, on=on: t in on):
            return False
    return True


def _tokenize(expr: str) -> list[str]:
    tokens, pos = [], 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise ConstraintError(f"bad build constraint {expr!r}")
        tokens.append(m.group(1))
        pos = m.end()
    if not tokens:
        raise ConstraintError("empty build constraint")
    return tokens


Parsed = tuple[Callable[[Env], bool], list[str]]


def _parse_or(tokens: list[str]) -> Parsed:
    left, rest = _parse_and(tokens)
    while rest and rest[0] == "||":
        right, rest = _parse_and(rest[1:])
        left = (lambda a, b: lambda env: a(env) or b(env))(left, right)
    return left, rest


def _parse_and(tokens: list[str]) -> Parsed:
    left, rest = _parse_not(tokens)
    while rest and rest[0] == "&&":
        right, rest = _parse_not(rest[1:])
        left = (lambda a, b: lambda env: a(env) and b(env))(left, right)
    return left, rest


def _parse_not(tokens: list[str]) -> Parsed:
    if not tokens:
        raise ConstraintError("build constraint ends early")
    head, rest = tokens[0], tokens[1:]
    if head == "!":
        inner, rest = _parse_not(rest)
        return (lambda env: not inner(env)), rest
    if head == "(":
        inner, rest = _parse_or(rest)
        if not rest or rest[0] != ")":
            raise ConstraintError("missing ')' in build constraint")
        return inner, rest[1:]
    if head in {")", "&&", "||"}:
        raise ConstraintError(f"unexpected {head!r} in build constraint")
    return (lambda env: env(head)), rest
