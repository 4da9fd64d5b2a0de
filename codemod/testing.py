"""Golden-file testing for rules, in the manner of go/analysis/analysistest.

A case is a directory holding a small Go module:

- `// want "regexp"` comments on the lines where findings are expected (several
  patterns on one line: `// want "a" "b"`); every finding must be wanted and every
  want must be found;
- `X.go.golden` files: the expected content of `X.go` after all fixes (unsafe ones
  included) are applied; a `.go.golden` without a `.go` is a file the fix creates;
  files without a golden must not change;
- an optional `.codemod.toml` with the rule's options.

`run_case` also builds, vets and tests the result with `go`, and checks that a second
apply changes nothing. Third-party rule packages can use it unchanged. With
CODEMOD_UPDATE_GOLDEN=1 the results are written as the goldens, to be reviewed in git.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codemod import gotool, workflow
from codemod.model import GoFile, Module, Package
from codemod.rule import Finding

_WANT = re.compile(r'//\s*want\s+((?:"(?:[^"\\]|\\.)*"\s*)+)')
_PATTERN = re.compile(r'"((?:[^"\\]|\\.)*)"')


MODULE = Module(Path("/m"), "example.com/m", (1, 22))  # the module of `package` by default


def package(
    files: Mapping[str, str],
    directory: str = "/m",
    module: Module | None = MODULE,
) -> Package:
    """A parsed package from Go sources (file name -> text), on no disk: what a library
    piece or a rule's `run` needs in a unit test. The package name is the first file's."""
    parsed = [GoFile.parse(Path(directory) / name, text.encode()) for name, text in files.items()]
    return Package(Path(directory), parsed[0].package, module, parsed)


@dataclass
class Want:
    path: Path
    line: int
    pattern: str
    matched: bool = False


def wants(root: Path) -> list[Want]:
    out = []
    for path in sorted(root.rglob("*.go")):
        if "vendor" in path.relative_to(root).parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            m = _WANT.search(line)
            if m:
                for raw in _PATTERN.findall(m.group(1)):
                    out.append(Want(path, number, raw.replace('\\"', '"').replace("\\\\", "\\")))
    return out


def check_findings(findings: list[Finding], expected: list[Want]) -> list[str]:
    problems = []
    for finding in findings:
        hit = [
            w
            for w in expected
            if w.path == finding.path
            and w.line == finding.line
            and re.search(w.pattern, finding.message)
        ]
        for w in hit:
            w.matched = True
        if not hit:
            problems.append(
                f"{finding.path.name}:{finding.line}: unexpected finding [{finding.rule}]: {finding.message}"
            )
    problems += [
        f"{w.path.name}:{w.line}: no finding matches {w.pattern!r}"
        for w in expected
        if not w.matched
    ]
    return problems


def check_goldens(case: Path, work: Path) -> list[str]:
    problems = []
    goldens = {p.relative_to(case).with_suffix(""): p for p in case.rglob("*.go.golden")}
    for rel, golden in sorted(goldens.items()):
        out = work / rel
        if not out.exists():
            problems.append(f"{rel}: expected by {golden.name}, but not written")
        elif out.read_text() != golden.read_text():
            problems.append(
                f"{rel}: differs from {golden.name}:\n{_diff(golden.read_text(), out.read_text(), str(rel))}"
            )
    for out in sorted(work.rglob("*.go")):
        rel = out.relative_to(work)
        if rel in goldens:
            continue
        original = case / rel
        if not original.exists():
            problems.append(f"{rel}: created, but there is no {rel}.golden")
        elif original.read_bytes() != out.read_bytes():
            problems.append(
                f"{rel}: changed, but there is no {rel}.golden:\n{_diff(original.read_text(), out.read_text(), str(rel))}"
            )
    return problems


def update_goldens(case: Path, work: Path) -> None:
    """Write the result as the new goldens (CODEMOD_UPDATE_GOLDEN=1); review them in git."""
    for out in sorted(work.rglob("*.go")):
        rel = out.relative_to(work)
        if "vendor" in rel.parts:
            continue
        golden = case / f"{rel}.golden"
        original = case / rel
        if not original.exists() or original.read_bytes() != out.read_bytes():
            golden.write_bytes(out.read_bytes())
        elif golden.exists():
            golden.unlink()


def _diff(want: str, got: str, name: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            want.splitlines(True), got.splitlines(True), f"want/{name}", f"got/{name}"
        )
    )


def run_case(case: Path, rule_id: str, work: Path) -> None:
    """Run one case end to end; raises AssertionError listing every problem found."""
    shutil.copytree(case, work, ignore=shutil.ignore_patterns("*.golden"))
    result = workflow.scan([work], [rule_id], workers=1)
    problems = [f"{e.path.name}:{e.line}: cannot parse: {e.message}" for e in result.report.errors]
    problems += check_findings(result.report.findings, wants(work))

    plan = workflow.plan(result, unsafe_fixes=True, verify_build=True)
    problems += [
        f"{r.finding.path.name}:{r.finding.line}: fix rejected: {r.reason}"
        for r in plan.changes.rejected
    ]
    workflow.write(plan.changes)
    if os.environ.get("CODEMOD_UPDATE_GOLDEN"):
        update_goldens(case, work)
    problems += check_goldens(case, work)

    for args in (["build", "./..."], ["vet", "./..."], ["test", "-count=1", "./..."]):
        res = gotool.run(args, cwd=work)
        if not res.ok:
            problems.append(f"go {' '.join(args)} fails on the result:\n{res.stdout}{res.stderr}")

    again = workflow.plan(
        workflow.scan([work], [rule_id], workers=1), unsafe_fixes=True, verify_build=False
    )
    if again.changes:
        problems.append(
            "a second apply still changes: " + ", ".join(p.name for p in again.changes.changes)
        )
    if problems:
        raise AssertionError(f"case {case.name}:\n" + "\n".join(problems))


def cases(testdata: Path, rule_ids: list[str]) -> list[tuple[str, Path]]:
    """(rule id, case dir) for every `testdata/<rule-id>/<case>/` of a known rule."""
    return [
        (rule_id, case)
        for rule_id in rule_ids
        if (testdata / rule_id).is_dir()
        for case in sorted((testdata / rule_id).iterdir())
        if (case / "go.mod").is_file()
    ]
