"""init-hooks beyond the golden cases: the start-up cost it removes, measured with
GODEBUG=inittrace=1, and shapes its fix must keep working."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from codemod import gotool, inittrace, registry, workflow
from codemod.testing import check_examples
from tests.conftest import TESTDATA

RULE = registry.get("init-hooks")
TABLES = "example.com/tables/tables"


def _init_line(work: Path, binary: Path) -> inittrace.InitRecord:
    """The tables package's inittrace record: the median-clock run of five."""
    assert gotool.build_binary(work, "./cmd/tables", binary).ok
    records = []
    for _ in range(5):
        env = {**os.environ, "GODEBUG": "inittrace=1"}
        run = subprocess.run(
            [str(binary), "7"], env=env, capture_output=True, text=True, check=True
        )
        assert run.stdout == "7 true\n"
        records.append(inittrace.parse(run.stderr).by_package()[TABLES])
    return sorted(records, key=lambda r: r.clock_ms)[2]


def _apply(work: Path) -> workflow.Plan:
    plan = workflow.plan(workflow.scan([work], ["init-hooks"], workers=1), verify_build=True)
    workflow.write(plan.changes)
    return plan


def test_a_map_and_a_sieve_cost_nothing_at_start_up_after_apply(tmp_path: Path) -> None:
    """The done-when of issue 11: a 20,000-entry map and a 200,000-entry sieve filled by
    two init()s; apply cuts the package's init bytes by at least 80% (bytes are
    deterministic; the clock, noisy, must only drop), tests pass, a rerun changes nothing."""
    work = tmp_path / "tables"
    shutil.copytree(TESTDATA / "init-hooks" / "tables", work)
    before = _init_line(work, tmp_path / "before")
    assert before.bytes > 1_000_000  # the map and the sieve
    plan = _apply(work)
    assert len(plan.changes.applied) == 2 and not plan.changes.rejected
    after = _init_line(work, tmp_path / "after")
    assert after.bytes <= before.bytes * 0.2, (before, after)
    assert after.clock_ms < before.clock_ms, (before, after)
    assert gotool.run(["test", "-count=1", "./..."], cwd=work).ok
    assert not _apply(work).changes


def test_examples() -> None:
    check_examples(RULE)
