"""Rule discovery through the `codemod.rules` entry-point group.

Our own rules are registered the same way a third-party package registers its rules, so
there is exactly one path by which a rule becomes known.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, reduce
from typing import Any

from codemod.rule import Rule

GROUP = "codemod.rules"


class UnknownRuleError(ValueError):
    pass


@dataclass(frozen=True)
class Skipped:
    """An entry point that gives no usable rule: left out, so every command still works."""

    name: str
    value: str
    reason: str


@dataclass(frozen=True)
class Installed:
    rules: dict[str, Rule]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class EntryPoint:
    """`name = value` of the group, as importlib.metadata.EntryPoint gives it."""

    name: str
    value: str

    def load(self) -> Any:
        """What `module:attr` names; the same grammar as importlib.metadata's."""
        found = _REFERENCE.fullmatch(self.value)
        if found is None:
            raise ValueError(f"{self.value!r} is not module:attribute")
        module = importlib.import_module(found["module"])
        return reduce(getattr, filter(None, (found["attr"] or "").split(".")), module)


_REFERENCE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?")
_INFO = (".dist-info", ".egg-info")


def entry_points(group: str = GROUP) -> list[EntryPoint]:
    """The group's entry points, read from the installed distributions' entry_points.txt.

    importlib.metadata costs ~20 ms of import (email, zipfile) on every start of
    `codemod rules`; this reads the same files the same way (first distribution of a name
    on sys.path wins). Where it would not see what importlib.metadata sees (a zip on
    sys.path, a finder with its own distributions), it asks importlib.metadata.
    """
    if not _plain_path():
        from importlib import metadata

        return [EntryPoint(ep.name, ep.value) for ep in metadata.entry_points(group=group)]
    return [
        EntryPoint(name, value)
        for text in _entry_point_files()
        for section, name, value in _sectioned(text)
        if section == group
    ]


def _plain_path() -> bool:
    """Every distribution is a *.dist-info or *.egg-info directory in a directory of
    sys.path: no zip or egg on the path (nor a non-str entry), no finder of distributions
    but the standard one."""
    from importlib.machinery import PathFinder

    finders = [f for f in sys.meta_path if hasattr(f, "find_distributions")]
    return finders == [PathFinder] and all(
        isinstance(entry, str)
        and not entry.lower().endswith(".egg")
        and not os.path.isfile(entry or ".")
        for entry in sys.path
    )


def _entry_point_files() -> Iterator[str]:
    seen: set[str] = set()
    for entry in sys.path:
        try:
            children = os.listdir(entry or ".")
        except OSError:
            continue
        for child in children:
            if not child.lower().endswith(_INFO):
                continue
            name = child.lower().rpartition(".")[0].partition("-")[0]
            normalized = re.sub(r"[-_.]+", "_", name)
            if normalized in seen:
                continue
            seen.add(normalized)
            try:
                with open(
                    os.path.join(entry or ".", child, "entry_points.txt"),
                    encoding="utf-8",
                    errors="replace",  # another group's bad byte must not stop codemod
                ) as f:
                    yield f.read()
            except OSError:  # no entry points (or not a directory)
                continue


def _sectioned(text: str) -> Iterator[tuple[str | None, str, str]]:
    """(section, name, value) of an INI-like text, as importlib.metadata reads it."""
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        name, _, value = line.partition("=")
        yield section, name.strip(), value.strip()


@cache
def installed() -> Installed:
    """Every rule of the group; a broken entry point (its import raises, it is not a
    Rule, or its rule has another id) is skipped with the reason, for the caller to tell."""
    rules: dict[str, Rule] = {}
    skipped: list[Skipped] = []
    for ep in entry_points(group=GROUP):
        reason = ""
        try:
            rule = ep.load()
        except Exception as exc:  # a third party's bug must not stop every command
            reason = f"cannot import it: {type(exc).__name__}: {exc}"
        else:
            if not isinstance(rule, Rule):
                reason = f"it is not a codemod Rule (type {type(rule).__name__})"
            elif rule.id != ep.name:
                reason = f"it names rule {rule.id!r}"
            elif rule.id in rules:
                reason = "another entry point already gives that rule"
        if reason:
            skipped.append(Skipped(ep.name, ep.value, " ".join(reason.split())))
        else:
            rules[rule.id] = rule
    return Installed(dict(sorted(rules.items())), tuple(skipped))


def all_rules() -> dict[str, Rule]:
    return dict(installed().rules)


def get(rule_id: str, known: Mapping[str, Rule] | None = None) -> Rule:
    """The rule `rule_id` among `known` (default: the installed rules)."""
    known = all_rules() if known is None else known
    try:
        return known[rule_id]
    except KeyError:
        names = ", ".join(known) or "none installed"
        raise UnknownRuleError(f"unknown rule {rule_id!r} (known: {names})") from None
