"""Every testdata/<rule-id>/<case>/ directory, run as an analysistest-style golden case."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod import registry
from codemod.testing import cases, run_case
from tests.conftest import TESTDATA

CASES = cases(TESTDATA, list(registry.all_rules()))


def test_every_rule_has_cases() -> None:
    covered = {rule_id for rule_id, _ in CASES}
    assert covered == set(registry.all_rules())


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}/{c.name}" for r, c in CASES])
def test_case(rule_id: str, case: Path, tmp_path: Path) -> None:
    run_case(case, rule_id, tmp_path / case.name)
