"""Rule discovery through the `codemod.rules` entry-point group.

Our own rules are registered the same way a third-party package registers its rules, so
there is exactly one path by which a rule becomes known.
"""

from __future__ import annotations

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


def get(rule_id: str) -> Rule:
    try:
        return all_rules()[rule_id]
    except KeyError:
        known = ", ".join(all_rules()) or "none installed"
        raise UnknownRuleError(f"unknown rule {rule_id!r} (known: {known})") from None


def select(ids: list[str] | tuple[str, ...]) -> list[Rule]:
    """Resolve --rule values. No ids, or `all`, means every rule; which of their fixes
    apply is then decided by safety (`--unsafe-fixes`), not by rule selection."""
    if not ids or "all" in ids:
        return list(all_rules().values())
    return list({r.id: r for r in map(get, ids)}.values())
