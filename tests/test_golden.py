"""Every testdata/<rule-id>/<case>/ directory, run as an analysistest-style golden case."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod import gotool, registry, workflow
from codemod.testing import cases, run_case
from tests.conftest import TESTDATA

CASES = cases(TESTDATA, list(registry.all_rules()))


def test_every_rule_has_cases() -> None:
    covered = {rule_id for rule_id, _ in CASES}
    assert covered == set(registry.all_rules())


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}/{c.name}" for r, c in CASES])
def test_case(rule_id: str, case: Path, tmp_path: Path) -> None:
    run_case(case, rule_id, tmp_path / case.name)


def _vet_everywhere(work: Path) -> None:
    """The harness vets for the host only; the result must vet on the other systems too."""
    for goos in ("linux", "windows", "darwin"):
        env = {"GOOS": goos, "GOARCH": "amd64", "CGO_ENABLED": "0"}
        res = gotool.run(["vet", "./..."], cwd=work, env=env)
        assert res.ok, f"go vet with GOOS={goos}:\n{res.stdout}{res.stderr}"


@pytest.mark.parametrize("name", ["per-platform", "per-platform-update"])
def test_generated_tests_vet_on_every_system(name: str, tmp_path: Path) -> None:
    work = tmp_path / name
    run_case(TESTDATA / "lazy-init" / name, "lazy-init", work)
    _vet_everywhere(work)


def test_a_later_run_adds_to_the_generated_test_of_its_system(tmp_path: Path) -> None:
    work = tmp_path / "per-platform"
    run_case(TESTDATA / "lazy-init" / "per-platform", "lazy-init", work)
    linux = work / "paths_linux.go"
    linux.write_text(
        linux.read_text() + "\nvar cgroup = regexp.MustCompile(`^/sys/fs/cgroup/`)\n\n"
        "// IsCgroup reports whether p is in the cgroup tree.\n"
        "func IsCgroup(p string) bool { return cgroup.MatchString(p) }\n"
    )
    plan = workflow.plan(workflow.scan([work], ["lazy-init"], workers=1), verify_build=True)
    assert not plan.changes.rejected
    workflow.write(plan.changes)
    forced = (work / "codemod_linux_lazyinit_test.go").read_text()
    assert "\t_ = mount()\n\t_ = cgroup()\n}" in forced  # earlier values first
    assert "cgroup" not in (work / "codemod_lazyinit_test.go").read_text()
    _vet_everywhere(work)
