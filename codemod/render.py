"""Everything a person or a program reads: text, JSON, SARIF, GitHub annotations, diffs.

Results go to stdout; messages for humans (summaries, errors, progress) go to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from codemod import __version__, registry
from codemod.progress import Progress as ProgressReport
from codemod.rule import Finding, Rule, Safety

if TYPE_CHECKING:  # `codemod rules` starts without them (tests/test_start_time.py)
    from rich.progress import Progress

    from codemod.changeset import FileChange, Rejected
    from codemod.engine import FileError, Report

out = Console(highlight=False, soft_wrap=True, emoji=False)  # user text ("tcp:x:") is no emoji code
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def rel(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def emit(text: str) -> None:
    """Raw text to stdout, flushed, so it never lands after a later stderr line."""
    sys.stdout.write(text)
    sys.stdout.flush()


def wide() -> Console:
    """The console for wide tables: `out` on a terminal; piped, one on the same stream with
    room for full package names instead of rich's 80 columns."""
    return (
        out if out.is_terminal else Console(file=out.file, width=180, highlight=False, emoji=False)
    )


def ms(value: float | None) -> str:
    """Milliseconds as every report prints them: three decimals below 10 ms."""
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def pct(share: float) -> str:
    """A share (0..1) as a percentage with one decimal."""
    return f"{100 * share:.1f}%"


def fix_label(finding: Finding) -> str:
    if finding.fix is None:
        return ""
    return f" [{finding.fix.safety.value} fix]"


# ---------------------------------------------------------------------------- findings


def findings_text(report: Report) -> None:
    for f in report.findings:
        location = f"{rel(f.path)}:{f.line}:{f.column}:"
        out.print(
            f"[bold]{location}[/] [cyan]{f.rule}[/] {_escape(f.message)}[dim]{_escape(fix_label(f))}[/]"
        )


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def errors(errors: list[FileError]) -> None:
    for e in errors:
        where = f"{rel(e.path)}:{e.line}:{e.column}" if e.line else rel(e.path)
        tail = "; file skipped" if e.skipped else ""
        err.print(f"codemod: {where}: {e.message}{tail}", markup=False)


def finding_dict(f: Finding) -> dict[str, Any]:
    fix = None
    if f.fix is not None:
        fix = {
            "description": f.fix.description,
            "safety": f.fix.safety.value,
            "reason": f.fix.reason,
        }
    return {
        "path": rel(f.path),
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "rule": f.rule,
        "safety": f.fix.safety.value if f.fix else None,
        "message": f.message,
        "fix": fix,
    }


def error_dict(e: FileError) -> dict[str, Any]:
    return {"path": rel(e.path), "line": e.line, "column": e.column, "message": e.message}


def findings_json(report: Report) -> None:
    doc = {
        "version": __version__,
        "findings": [finding_dict(f) for f in report.findings],
        "errors": [error_dict(e) for e in report.errors],
        "summary": {
            "files": report.files,
            "packages": report.packages,
            "findings": len(report.findings),
            "fixable": sum(f.fix is not None for f in report.findings),
            "errors": len(report.errors),
        },
    }
    emit(json.dumps(doc, indent=2) + "\n")


def findings_github(report: Report) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    for f in report.findings:
        msg = (f.message + fix_label(f)).replace("%", "%25").replace("\n", "%0A")
        emit(
            f"::warning file={rel(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={f.rule}::{msg}\n"
        )
    for e in report.errors:
        emit(f"::error file={rel(e.path)},line={e.line or 1}::{e.message}\n")


def findings_sarif(report: Report, rules: list[Rule]) -> None:
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "codemod",
                        "version": __version__,
                        "rules": [
                            {
                                "id": r.id,
                                "shortDescription": {"text": r.summary},
                                "fullDescription": {"text": r.docs},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        "level": "warning",
                        "message": {"text": f.message},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": Path(rel(f.path)).as_posix()},
                                    "region": {
                                        "startLine": f.line,
                                        "startColumn": f.column,
                                        "endLine": f.end_line,
                                        "endColumn": f.end_column,
                                    },
                                }
                            }
                        ],
                    }
                    for f in report.findings
                ],
            }
        ],
    }
    emit(json.dumps(doc, indent=2) + "\n")


def summary(report: Report) -> None:
    fixable = sum(f.fix is not None for f in report.findings)
    unsafe = sum(f.fix is not None and f.fix.safety is Safety.UNSAFE for f in report.findings)
    text = (
        f"{len(report.findings)} finding(s) in {report.files} file(s), {report.packages} package(s);"
        f" {fixable} fixable ({unsafe} with --unsafe-fixes)"
    )
    if report.errors:
        text += f"; {len(report.errors)} file(s) could not be parsed"
    err.print(text, markup=False)


# ---------------------------------------------------------------------------- diffs

_DIFF_STYLES = (
    ("+++", "bold"),
    ("---", "bold"),
    ("diff ", "bold"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
)


def diff(text: str) -> None:
    """Coloured on a terminal, byte-for-byte plain when piped (so it can be applied)."""
    if not out.is_terminal:
        emit(text)
        return
    for line in text.splitlines():
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), None)
        out.print(line, style=style, markup=False)


def diff_view(
    changes: Iterable[FileChange], ignore_space: bool = False, base: Path | None = None
) -> None:
    """The diff to read: exact, or with -w without the lines that only change indentation
    (then stderr says how many were left out and where the exact patch is)."""
    from codemod import diffs

    changes = list(changes)
    diff(diffs.unified(changes, base, ignore_space=ignore_space))
    hidden = sum(diffs.reindented(c) for c in changes) if ignore_space else 0
    if hidden:
        err.print(
            f"{hidden} line(s) only re-indented, not shown (-w); "
            "without -w, or with --diff FILE, the patch has them",
            markup=False,
        )


def rejected(items: list[Rejected]) -> None:
    for r in items:
        f = r.finding
        err.print(
            f"codemod: {rel(f.path)}:{f.line}:{f.column}: {f.rule} fix not applied: {r.reason}",
            markup=False,
        )


def unsafe_fixes(applied: list[Finding], skipped: list[Finding]) -> None:
    """Name every unsafe fix with its reason, whether it is in the diff or not."""
    rows = [(f, "in the diff") for f in applied if f.fix and f.fix.safety is Safety.UNSAFE]
    rows += [(f, "needs --unsafe-fixes") for f in skipped]
    for f, state in sorted(rows, key=lambda row: row[0].sort_key):
        assert f.fix is not None
        err.print(
            f"unsafe fix ({state}): {rel(f.path)}:{f.line}: {f.fix.description}: {f.fix.reason}",
            markup=False,
        )


# ---------------------------------------------------------------------------- rules


def skipped_rules(skipped: Iterable[registry.Skipped]) -> None:
    for entry in skipped:
        err.print(
            f"codemod: rule entry point {entry.name} ({entry.value}) skipped: {entry.reason}",
            markup=False,
        )


# ---------------------------------------------------------------------------- progress


@contextmanager
def progress_bar(label: str, min_total: int = 0) -> Iterator[ProgressReport]:
    """Yields `update(phase, done, total)`: a transient bar on stderr when it is a terminal
    and the job is big enough to be worth one; nothing otherwise."""
    bar: Progress | None = None
    task = None

    def update(phase: str, done: int, total: int) -> None:
        nonlocal bar, task
        if not err.is_terminal or total < min_total:
            return
        if bar is None:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            bar = Progress(
                TextColumn(f"{label}: {{task.description}}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            task = bar.add_task(phase, total=total)
            bar.start()
        assert task is not None
        bar.update(task, description=phase, completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()
