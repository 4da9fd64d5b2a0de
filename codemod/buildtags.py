"""Build constraints: `//go:build` expressions and the older `// +build` lines (parse,
print, ask what a default build sees), read from a file's header as go/build reads them,
and the GOOS/GOARCH a file name implies. The one place that reads constraints."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
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
    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line  # 1-based line of the header that holds it; 0 when unknown


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
            if self.holds(on.__contains__):
                return False
        return True

    def conjoin(self, tag: str) -> str:
        """The expression that also requires `tag`, as a `//go:build` line would say it."""
        inner = (
            self.source if re.fullmatch(r"!?[A-Za-z0-9_.]+", self.source) else f"({self.source})"
        )
        return f"{tag} && {inner}"


def header_constraint(source: bytes) -> Constraint | None:
    """The constraint in a file's header, as go/build's shouldBuild reads it.

    A `//go:build` line before the first non-comment text rules. Without one, every
    `// +build` line of the leading `//` comments counts (the lines AND together), but only
    above the last blank line before the package clause, so a package doc comment's
    `// +build` does not. The result reads as a `//go:build` expression (`source`), so a
    file written from it says the same in today's syntax.
    """
    go_build: tuple[int, str] | None = None
    seen: list[bytes] = []  # the header's lines, up to the first non-comment text
    end, ended, in_block = 0, False, False
    for number, raw in enumerate(_lines(source), 1):
        line = raw.strip()
        seen.append(line)
        if not line and not ended:
            end = number  # +build lines count only above the last blank line
            continue
        ended = ended or not line.startswith(b"//")
        if not in_block and re.fullmatch(rb"//go:build(?:[ \t].*)?", line):
            if go_build is not None:
                raise ConstraintError("more than one //go:build line", number)
            go_build = (number, line[len(b"//go:build") :].decode(errors="replace"))
        code, in_block = _strip_comments(line, in_block)
        if code:
            break
    if go_build is not None:
        number, expr = go_build
        try:
            return Constraint.parse(expr)
        except ConstraintError as exc:
            raise ConstraintError(str(exc), number) from None
    plus = [e for e in map(_plus_build_expr, seen[:end]) if e is not None]
    if not plus:
        return None
    return Constraint.parse(" && ".join(_wrap(e, "||") if len(plus) > 1 else e for e in plus))


def _lines(source: bytes) -> Iterator[bytes]:
    start = 0
    while start < len(source):
        stop = source.find(b"\n", start)
        stop = len(source) if stop < 0 else stop
        yield source[start:stop]
        start = stop + 1


def _strip_comments(line: bytes, in_block: bool) -> tuple[bytes, bool]:
    """What of the (stripped) header line is not comment, and whether a /* runs on."""
    while line:
        if in_block:
            close = line.find(b"*/")
            if close < 0:
                return b"", True
            line, in_block = line[close + 2 :].strip(), False
        elif line.startswith(b"//"):
            return b"", False
        elif line.startswith(b"/*"):
            line, in_block = line[2:].strip(), True
        else:
            return line, False
    return b"", in_block


def _plus_build_expr(raw: bytes) -> str | None:
    """A `// +build` line as a //go:build expression: spaces OR, commas AND, `!` negates;
    a word that is no tag (or `!!x`) reads as `ignore`, as go/build/constraint has it."""
    line = raw.strip()
    if not line.startswith(b"//"):
        return None
    rest = line[2:].strip()
    if not rest.startswith(b"+build") or rest[6:7] not in (b"", b" ", b"\t"):
        return None
    clauses = [
        " && ".join(map(_plus_build_literal, clause.split(",")))
        for clause in rest[6:].decode(errors="replace").split()
    ]
    if not clauses:
        return "ignore"
    return " || ".join(_wrap(c, "&&") if len(clauses) > 1 else c for c in clauses)


def _plus_build_literal(literal: str) -> str:
    negated = literal.startswith("!") and not literal.startswith("!!")
    word = literal[1:] if negated else literal
    if not re.fullmatch(r"[A-Za-z0-9_.]+", word):
        return "ignore"
    return f"!{word}" if negated else word


def _wrap(expr: str, operator: str) -> str:
    """Parenthesise `expr` when it joins terms with `operator`, as gofmt prints."""
    return f"({expr})" if f" {operator} " in expr else expr


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
        if a.holds(on.__contains__) != b.holds(on.__contains__):
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


def go_build_line(expr: str) -> str:
    """The `//go:build` line (and the blank line after it) of a generated file built
    under `expr`; "" for no constraint."""
    return f"//go:build {expr}\n\n" if expr else ""


def slug(expr: str) -> str:
    """A file-name part for a constraint: `!windows` -> `not_windows`."""
    words = re.sub(r"!", " not ", expr).replace("&&", " and ").replace("||", " or ")
    return "_".join(re.findall(r"[a-z0-9]+", words.lower()))
