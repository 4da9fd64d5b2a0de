"""Every testdata/<rule-id>/<case>/ directory, run as an analysistest-style golden case."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod import gotool, registry, workflow
from codemod.testing import cases, run_case
from tests.conftest import TESTDATA

RULES = registry.all_rules()
CASES = [(rule_id, case) for rule_id in RULES for case in cases(TESTDATA / rule_id)]
LAZY_INIT = registry.get("lazy-init")


def test_every_rule_has_cases() -> None:
    covered = {rule_id for rule_id, _ in CASES}
    assert covered == set(RULES)


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}/{c.name}" for r, c in CASES])
def test_case(rule_id: str, case: Path, tmp_path: Path) -> None:
    run_case(case, RULES[rule_id], tmp_path / case.name)


def _vet_everywhere(work: Path) -> None:
    """The harness vets for the host only; the result must vet on the other systems too."""
    for goos in ("linux", "windows", "darwin"):
        env = {"GOOS": goos, "GOARCH": "amd64", "CGO_ENABLED": "0"}
        res = gotool.run(["vet", "./..."], cwd=work, env=env)
        assert res.ok, f"go vet with GOOS={goos}:\n{res.stdout}{res.stderr}"


@pytest.mark.parametrize("name", ["per-platform", "per-platform-update"])
def test_generated_tests_vet_on_every_system(name: str, tmp_path: Path) -> None:
    work = tmp_path / name
    run_case(TESTDATA / "lazy-init" / name, LAZY_INIT, work)
    _vet_everywhere(work)


def test_a_later_run_adds_to_the_generated_test_of_its_system(tmp_path: Path) -> None:
    work = tmp_path / "per-platform"
    run_case(TESTDATA / "lazy-init" / "per-platform", LAZY_INIT, work)
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


def _apply_again(work: Path) -> None:
    plan = workflow.plan(workflow.scan([work], ["lazy-init"], workers=1), verify_build=True)
    assert not plan.changes.rejected, plan.changes.rejected
    assert plan.changes
    workflow.write(plan.changes)
    for args in (["build", "./..."], ["vet", "./..."], ["test", "-count=1", "./..."]):
        res = gotool.run(args, cwd=work)
        assert res.ok, f"go {' '.join(args)}:\n{res.stdout}{res.stderr}"
    again = workflow.plan(workflow.scan([work], ["lazy-init"], workers=1), verify_build=False)
    assert not again.changes


_URLS = (
    'package main\n\nimport (\n\tu "net/url"\n\trx "regexp"\n)\n\n'
    'var hosts = map[string]*u.URL{"a": nil, "b": nil, "c": nil}\n\n'
    "var vowel = rx.MustCompile(`[aeiou]`)\n\n"
    'func host() (*u.URL, bool) { return hosts["a"], vowel.MatchString("a") }\n'
)


def test_before_go118_a_later_run_adds_helpers_after_the_earlier_ones(tmp_path: Path) -> None:
    """The generated file is regenerated whole: the helpers an earlier run wrote stay, in
    their order, a type already served reuses its helper under any import alias, and a
    new type's helper and import are added after them."""
    work = tmp_path / "go117-types"
    run_case(TESTDATA / "lazy-init" / "go117-types", LAZY_INIT, work)
    helper = work / "codemod_oncevalue.go"
    before = helper.read_text()
    (work / "urls.go").write_text(_URLS)
    _apply_again(work)
    after = helper.read_text()
    assert after.startswith(
        before.replace('import (\n\t"regexp"', 'import (\n\t"net/url"\n\t"regexp"')
    )
    assert after.count("func codemodOnceRegexp(") == 1
    added = after[len(before) + len('\t"net/url"\n') :]
    assert added.startswith("\n// codemodOnceMapStringURL returns")
    assert "func codemodOnceMapStringURL(f func() map[string]*url.URL)" in added
    urls = (work / "urls.go").read_text()
    assert "var vowel = codemodOnceRegexp(func() *rx.Regexp {" in urls
    assert "var hosts = codemodOnceMapStringURL(func() map[string]*u.URL {" in urls


def test_from_go118_the_helpers_of_an_older_run_are_kept(tmp_path: Path) -> None:
    """A module moved from go 1.17 to 1.18 gets the generic helper beside the per-type
    ones its vars still call; a per-type helper no var calls any more is dropped."""
    work = tmp_path / "go117-types"
    run_case(TESTDATA / "lazy-init" / "go117-types", LAZY_INIT, work)
    (work / "go.mod").write_text("module example.com/go117types\n\ngo 1.18\n")
    words = work / "words.go"
    words.write_text(  # unescape is eager again, by hand
        words.read_text().replace(
            'codemodOnceStringsReplacer(func() *strings.Replacer { return strings.NewReplacer("&amp;", "&", "&lt;", "<") })',
            'strings.NewReplacer("&amp;", "&", "&lt;", "<")',
        )
    )
    main = work / "main.go"
    main.write_text(main.read_text().replace("unescape()", "unescape"))
    forced = work / "codemod_lazyinit_test.go"
    forced.write_text(forced.read_text().replace("\t_ = unescape()\n", ""))
    (work / "urls.go").write_text(_URLS)
    _apply_again(work)
    helper = (work / "codemod_oncevalue.go").read_text()
    assert "func codemodOnceValue[T any](f func() T) func() T {" in helper
    assert "func codemodOnceRegexp(" in helper and "func codemodOnceMapStringKind(" in helper
    assert "codemodOnceStringsReplacer" not in helper and '"strings"' not in helper
    assert "var vowel = codemodOnceValue(func() *rx.Regexp {" in (work / "urls.go").read_text()
    assert "var unescape = codemodOnceValue(func() *strings.Replacer {" in words.read_text()
