"""`//go:build` constraint expressions: parse, print, and ask what a default build sees."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[A-Za-z0-9_.]+)")
_MAX_FREE_TAGS = 12  # 4096 assignments: more tags than any real constraint has.

Env = Callable[[str], bool]


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
