"""The rule's tests, run with codemod.testing and without installing the rule: its cases
(Go modules with `// want` comments) and the examples its documentation shows."""

from pathlib import Path

from cert_pool_at_init import RULE

from codemod import testing


def test_cases() -> None:
    testing.check_rule(RULE, Path(__file__).parent / "testdata" / RULE.id, findings_only=True)


def test_examples() -> None:
    testing.check_examples(RULE)
