"""Rule discovery through the `codemod.rules` entry-point group.

Our own rules are registered the same way a third-party package registers its rules, so
there is exactly one path by which a rule becomes known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points

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
