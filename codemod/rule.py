"""The rule protocol: rules are plain values, as go/analysis analyzers are.

A rule is a `Rule` with a `run` function. `run` receives a `Pass` (one parsed package,
its module and the rule's options) and reports findings; it never touches the disk,
git or the toolchain, so every rule is testable from a string.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemod import syntax
from codemod.edits import TextEdit
from codemod.model import GoFile, Module, Package


class Safety(enum.StrEnum):
    SAFE = "safe"  # only *when* initialization work happens changes
    UNSAFE = "unsafe"  # behaviour can change; needs --unsafe-fixes


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    help: str
    choices: tuple[Any, ...] = ()

    def check(self, value: Any, where: str) -> Any:
        if not isinstance(value, type(self.default)):
            want = type(self.default).__name__
            raise ValueError(f"{where}: option {self.name!r} must be {want}, not {value!r}")
        if self.choices and value not in self.choices:
            allowed = ", ".join(map(str, self.choices))
            raise ValueError(
                f"{where}: option {self.name!r} must be one of {allowed}, not {value!r}"
            )
        return value


@dataclass(frozen=True)
class ImportChange:
    """Applied after the text edits, on the re-parsed result (see `imports.py`).

    `remove` drops the import only if the file no longer uses it, so a rule can ask for
    it without counting uses itself.
    """

    action: str  # "add" | "remove"
    path: str
    name: str | None = None  # alias, "_" or "."; None for the default name


@dataclass(frozen=True)
class FileFix:
    path: Path
    edits: tuple[TextEdit, ...] = ()
    imports: tuple[ImportChange, ...] = ()
    create: str | None = None  # full content of a new file (then edits must be empty)


@dataclass(frozen=True)
class Fix:
    description: str
    safety: Safety
    files: tuple[FileFix, ...]
    reason: str = ""  # why it is unsafe
    verify_tags: tuple[str, ...] = ()  # also build the result with these tags


@dataclass(frozen=True)
class Finding:
    rule: str
    path: Path
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.path), self.line, self.column, self.rule)


@dataclass
class Pass:
    """What a rule's `run` sees: one package, read-only, plus a way to report."""

    rule: Rule
    package: Package
    options: Mapping[str, Any]
    findings: list[Finding] = field(default_factory=list)

    @property
    def module(self) -> Module | None:
        return self.package.module

    def report(
        self, file: GoFile, node: syntax.Node, message: str, fix: Fix | None = None
    ) -> Finding:
        (row, col), (end_row, end_col) = node.start_point, node.end_point
        finding = Finding(
            self.rule.id, file.path, row + 1, col + 1, end_row + 1, end_col + 1, message, fix
        )
        self.findings.append(finding)
        return finding


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str  # one line
    docs: str  # what, why, example before/after (Markdown)
    safety: Safety  # the tier of the rule's fixes
    safety_reason: str
    run: Callable[[Pass], None]
    options: tuple[Option, ...] = ()

    def resolve_options(self, given: Mapping[str, Any], where: str) -> dict[str, Any]:
        known = {o.name: o for o in self.options}
        for key in given:
            if key not in known:
                raise ValueError(f"{where}: unknown option {key!r} for rule {self.id}")
        return {
            name: opt.check(given[name], where) if name in given else opt.default
            for name, opt in known.items()
        }
