"""What an apply did, in words: the commit message and the pull-request description."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from codemod import diffs, render
from codemod.changeset import FileChange
from codemod.rule import Finding, Safety

if TYPE_CHECKING:
    from codemod.verify import Report


def _by_rule(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in sorted(findings, key=lambda f: f.sort_key):
        grouped[f.rule].append(f)
    return dict(sorted(grouped.items()))


def _line(f: Finding) -> str:
    assert f.fix is not None
    text = f"{render.rel(f.path)}:{f.line}: {f.fix.description}"
    if f.fix.safety is Safety.UNSAFE:
        text += f" (unsafe: {f.fix.reason})"
    return text


def _proof(report: Report | None) -> str:
    """What was built, with which Go; or that nothing was."""
    if not report:
        return "Not verified: nothing was built."
    before = "".join(f" {note}." for note in report.notes)
    return f"{report.claim} with {report.go} for {report.scope}.{before}"


def commit_message(applied: list[Finding], files: int, command: str, report: Report | None) -> str:
    groups = _by_rule(applied)
    subject = (
        f"codemod: {', '.join(groups)} ({len(applied)} fix{'es' if len(applied) != 1 else ''})"
    )
    body = [f"Applied with `{command}` to {files} file(s)."]
    if applied:
        body.append(_proof(report))
    for rule, findings in groups.items():
        body.append(f"\n{rule} ({len(findings)}):")
        body += [f"- {_line(f)}" for f in findings]
    return subject + "\n\n" + "\n".join(body) + "\n"


def pr_body(
    applied: list[Finding],
    left: list[Finding],
    command: str,
    report: Report | None,
    bench_markdown: str = "",
    changes: Iterable[FileChange] = (),
) -> str:
    groups = _by_rule(applied)
    unsafe = [f for f in applied if f.fix is not None and f.fix.safety is Safety.UNSAFE]
    lines = [
        f"## Faster start-up: {', '.join(groups) or 'no changes'}",
        "",
        f"Made with `{command}`: {len(applied)} fix(es). Package-level work that ran before "
        "`main` on every start now runs on first use, or is no longer linked.",
        "",
    ]
    if applied:
        lines += [f"Checked before writing: {_proof(report)}", ""]
    for rule, findings in groups.items():
        lines += [f"### `{rule}` ({len(findings)})", "", *(f"- `{_line(f)}`" for f in findings), ""]
    if unsafe:
        lines += [
            "### Review these: unsafe fixes",
            "",
            *(f"- `{render.rel(f.path)}:{f.line}`: {f.fix.reason}" for f in unsafe if f.fix),
            "",
        ]
    if left:
        lines += [
            "<details><summary>Left as they are, with the reason</summary>",
            "",
            *(f"- `{render.rel(f.path)}:{f.line}` {f.rule}: {f.message}" for f in left),
            "",
            "</details>",
            "",
        ]
    if bench_markdown:
        lines += [bench_markdown.rstrip(), ""]
    lines += _review(list(changes))
    return "\n".join(lines)


_VIEW_LINES = 80  # per file: the body stays short; the pull request's diff has the rest


def _review(changes: list[FileChange]) -> list[str]:
    """Each file's change with whitespace ignored, and how much of the diff is only
    re-indentation (wrapping a literal re-indents all of it: gofmt requires that)."""
    if not changes:
        return []
    hidden = sum(diffs.reindented(c) for c in changes)
    lines = [
        "### The change without re-indentation",
        "",
        "Each file's change with whitespace ignored, as `git diff -w` or GitHub's "
        "*Hide whitespace* shows it."
        + (
            f" The rest of the diff is re-indentation: {hidden} line(s) that change only in "
            "whitespace (gofmt re-indents a literal wrapped in a function)."
            if hidden
            else ""
        ),
        "",
    ]
    for change in sorted(changes, key=lambda c: str(c.path)):
        lines += _file_view(change)
    return lines


def _file_view(change: FileChange) -> list[str]:
    view = diffs.file_diff(change, ignore_space=True).splitlines()
    hunks = view[next((i for i, line in enumerate(view) if line.startswith("@@")), len(view)) :]
    added, removed = (sum(line[:1] == sign for line in hunks) for sign in "+-")
    summary = f"`{render.rel(change.path)}`: {added} line(s) added, {removed} removed"
    if hidden := diffs.reindented(change):
        summary += f", {hidden} only re-indented"
    if not hunks:
        return [f"- {summary}", ""]
    if len(hunks) > _VIEW_LINES:
        hunks = [
            *hunks[:_VIEW_LINES],
            f"... {len(hunks) - _VIEW_LINES} more line(s) in the full diff",
        ]
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall("`+", "\n".join(hunks)))])
    return [
        f"<details><summary>{summary}</summary>",
        "",
        f"{fence}diff",
        *hunks,
        fence,
        "",
        "</details>",
        "",
    ]
