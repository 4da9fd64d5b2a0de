"""`//codemod:ignore RULE-ID` comments: on the finding's line or the line above it, or in
the file header (before the package clause) for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codemod import syntax
from codemod.model import GoFile
from codemod.rule import Finding

_DIRECTIVE = re.compile(r"//\s*codemod:ignore\s+([\w,\- ]+?)(?:\s+(?:--|//).*)?$")
_COMMENTS = "(comment) @c"


@dataclass
class Ignore:
    line: int  # 1-based line of the comment
    column: int
    rules: frozenset[str]
    whole_file: bool
    used: bool = False


def ignores(file: GoFile) -> list[Ignore]:
    out: list[Ignore] = []
    if b"codemod:ignore" not in file.source:  # the common case: skip the comment query
        return out
    for node in syntax.captures(_COMMENTS, file.root).get("c", []):
        m = _DIRECTIVE.match(syntax.text(node))
        if not m:
            continue
        names = frozenset(n for n in re.split(r"[,\s]+", m.group(1)) if n)
        out.append(
            Ignore(
                node.start_point[0] + 1,
                node.start_point[1] + 1,
                names,
                whole_file=node.end_byte <= file.header_end,
            )
        )
    return out


def filter_findings(
    file: GoFile, findings: list[Finding], active_rules: set[str]
) -> tuple[list[Finding], list[Ignore]]:
    """Drop suppressed findings; also return the ignores (for active rules) that matched none."""
    marks = ignores(file)
    kept = []
    for finding in findings:
        hit = [
            m
            for m in marks
            if finding.rule in m.rules
            and (m.whole_file or m.line in (finding.line, finding.line - 1))
        ]
        for m in hit:
            m.used = True
        if not hit:
            kept.append(finding)
    unused = [m for m in marks if not m.used and m.rules & active_rules]
    return kept, unused
