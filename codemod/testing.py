"""Golden-file testing for rules, in the manner of go/analysis/analysistest.

A rule's tests need only the rule value and a folder: it need not be installed.
`check_rule(rule, folder)` runs every case of the folder; a case is a directory holding
a small Go module:

- `// want "regexp"` comments on the lines where findings are expected (several
  patterns on one line: `// want "a" "b"`); every finding must be wanted and every
  want must be found;
- `X.go.golden` files: the expected content of `X.go` after all fixes (unsafe ones
  included) are applied, byte for byte; a `.go.golden` without a `.go` is a file the
  fix creates; files without a golden must not change;
- an optional `.codemod.toml` with the rule's options.

In golden mode `run_case` also builds, vets and tests the result with `go`, and checks
that a second apply changes nothing. In findings-only mode only the `// want` comments
are checked: no goldens, no Go toolchain. `check_examples(rule)` proves the rule's
`examples`. With CODEMOD_UPDATE_GOLDEN=1 the results are written as the goldens, to be
reviewed in git.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codemod import gotool, workflow
from codemod.model import GoFile, Module, Package
from codemod.rule import Example, Finding, Rule

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
    parsed = [GoFile.of(Path(directory) / name, text.encode()) for name, text in files.items()]
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
    """Every file as its golden says, byte for byte (line endings and the final newline
    count: the writer keeps them, so a golden must show them)."""
    problems = []
    goldens = {p.relative_to(case).with_suffix(""): p for p in case.rglob("*.go.golden")}
    for rel, golden in sorted(goldens.items()):
        out = work / rel
        if not out.exists():
            problems.append(f"{rel}: expected by {golden.name}, but not written")
        elif out.read_bytes() != golden.read_bytes():
            diff = _diff(golden.read_bytes(), out.read_bytes(), str(rel))
            problems.append(f"{rel}: differs from {golden.name}:\n{diff}")
    for out in sorted(work.rglob("*.go")):
        rel = out.relative_to(work)
        if rel in goldens:
            continue
        original = case / rel
        if not original.exists():
            problems.append(f"{rel}: created, but there is no {rel}.golden")
        elif original.read_bytes() != out.read_bytes():
            diff = _diff(original.read_bytes(), out.read_bytes(), str(rel))
            problems.append(f"{rel}: changed, but there is no {rel}.golden:\n{diff}")
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
            golden.parent.mkdir(parents=True, exist_ok=True)  # a package the fix creates
            golden.write_bytes(out.read_bytes())
        elif golden.exists():
            golden.unlink()


def _diff(want: bytes, got: bytes, name: str) -> str:
    """A unified diff; when only line endings differ (invisible in one), it says so."""
    a, b = (data.decode(errors="replace") for data in (want, got))
    if a.splitlines() == b.splitlines():
        return f"only the line endings differ: want {_endings(a)}, got {_endings(b)}\n"
    return "".join(
        difflib.unified_diff(a.splitlines(True), b.splitlines(True), f"want/{name}", f"got/{name}")
    )


def _endings(text: str) -> str:
    kind = "CRLF" if "\r\n" in text else "LF"
    return kind + ("" if text.endswith("\n") or not text else ", no final newline")


def run_case(case: Path, rule: Rule, work: Path, findings_only: bool = False) -> None:
    """Run one case end to end; raises AssertionError listing every problem found.

    `findings_only`: check the `// want` comments only (no goldens, no Go toolchain)."""
    shutil.copytree(case, work, ignore=shutil.ignore_patterns("*.golden"))
    problems = _case_problems(case, rule, work, findings_only)
    if problems:
        raise AssertionError(f"case {case.name}:\n" + "\n".join(problems))


def _case_problems(case: Path, rule: Rule, work: Path, findings_only: bool) -> list[str]:
    result = _scan(work, rule)
    problems = [f"{e.path.name}:{e.line}: cannot parse: {e.message}" for e in result.report.errors]
    problems += check_findings(result.report.findings, wants(work))
    if findings_only:
        return problems

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

    again = workflow.plan(_scan(work, rule), unsafe_fixes=True, verify_build=False)
    if again.changes:
        problems.append(
            "a second apply still changes: " + ", ".join(p.name for p in again.changes.changes)
        )
    return problems


def _scan(work: Path, rule: Rule) -> workflow.ScanResult:
    """The rule alone, known whether installed or not (a case's .codemod.toml may set
    its options)."""
    return workflow.scan([work], [rule], workers=1, known={rule.id: rule})


def cases(folder: Path) -> list[Path]:
    """The case directories of a rule's testdata folder (each holds a go.mod)."""
    if not folder.is_dir():
        return []
    return [case for case in sorted(folder.iterdir()) if (case / "go.mod").is_file()]


def check_rule(
    rule: Rule, folder: Path, work: Path | None = None, findings_only: bool = False
) -> None:
    """Run every case of `folder` (copied under `work`, a temporary directory by
    default); raises AssertionError listing every problem of every case."""
    found = cases(folder)
    if not found:
        raise AssertionError(f"{folder}: no cases (directories holding a go.mod)")
    with tempfile.TemporaryDirectory(prefix="codemod-cases-") as tmp:
        root = work or Path(tmp)
        failures = []
        for case in found:
            try:
                run_case(case, rule, root / case.name, findings_only)
            except AssertionError as exc:
                failures.append(str(exc))
    if failures:
        raise AssertionError("\n".join(failures))


def check_examples(rule: Rule) -> None:
    """Prove the rule's `examples`: each `before` in a module of its own, reported iff
    `reported`, and with every fix (unsafe ones too) applied equal to `after` (unchanged
    when None). No Go build: findings-only, like `run_case(findings_only=True)`.
    Raises AssertionError listing every problem of every example."""
    problems: list[str] = []
    for number, example in enumerate(rule.examples, start=1):
        with tempfile.TemporaryDirectory(prefix="codemod-example-") as tmp:
            found = _example_problems(rule, example, Path(tmp))
        problems += [f"example {number} ({example.title}): {p}" for p in found]
    if problems:
        raise AssertionError(f"rule {rule.id}:\n" + "\n".join(problems))


def _example_problems(rule: Rule, example: Example, work: Path) -> list[str]:
    (work / "go.mod").write_text(f"module example.com/p\n\ngo {example.go}\n")
    source = work / "p.go"
    source.write_bytes(example.before.encode())
    result = _scan(work, rule)
    problems = [f"{e.path.name}:{e.line}: {e.message}" for e in result.report.errors]
    reported = [f for f in result.report.findings if f.rule == rule.id and f.path == source]
    if example.reported and not reported:
        problems.append("expected a finding, got none")
    elif reported and not example.reported:
        problems += [f"unexpected finding at line {f.line}: {f.message}" for f in reported]
    plan = workflow.plan(result, unsafe_fixes=True, verify_build=False)
    problems += [
        f"fix rejected at line {r.finding.line}: {r.reason}" for r in plan.changes.rejected
    ]
    workflow.write(plan.changes)
    want = (example.before if example.after is None else example.after).encode()
    got = source.read_bytes()
    if got != want:
        problems.append(f"the fixed file differs from `after`:\n{_diff(want, got, 'p.go')}")
    for name, content in example.creates:
        created = work / name
        if not created.is_file():
            problems.append(f"{name}: named in `creates`, but the fix did not create it")
        elif created.read_bytes() != content.encode():
            problems.append(
                f"{name} differs from `creates`:\n{_diff(content.encode(), created.read_bytes(), name)}"
            )
    return problems
