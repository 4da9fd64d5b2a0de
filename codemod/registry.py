"""Rule discovery through the `codemod.rules` entry-point group.

Our own rules are registered the same way a third-party package registers its rules, so
there is exactly one path by which a rule becomes known.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points

from codemod.rule import Rule

GROUP = "codemod.rules"


class UnknownRuleError(ValueError):
    pass


@cache
def all_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for ep in entry_points(group=GROUP):
        rule = ep.load()
        if not isinstance(rule, Rule):
            raise TypeError(f"entry point {ep.name} = {ep.value} is not a codemod Rule")
        if rule.id != ep.name:
            raise TypeError(f"entry point {ep.name} names rule {rule.id!r}")
        rules[rule.id] = rule
    return dict(sorted(rules.items()))


def get(rule_id: str, known: Mapping[str, Rule] | None = None) -> Rule:
    """The rule `rule_id` among `known` (default: the installed rules)."""
    known = all_rules() if known is None else known
    try:
        return known[rule_id]
    except KeyError:
        names = ", ".join(known) or "none installed"
        raise UnknownRuleError(f"unknown rule {rule_id!r} (known: {names})") from None
