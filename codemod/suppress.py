"""`//codemod:ignore RULE-ID` comments: on the finding's line or the line above it, or in
the file header (before the package clause) for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codemod import syntax
from codemod.model import GoFile
from codemod.rule import Finding

MARK = b"codemod:ignore"  # in the text of every file with a directive
_DIRECTIVE = re.compile(r"//\s*codemod:ignore(?=\s|$)(.*)$")
_REASON = re.compile(r"\s(?:--|//)")  # `-- why` or `// why` after the rule ids
_COMMENTS = "(comment) @c"
BARE = "//codemod:ignore without a rule id suppresses nothing: name the rule(s), e.g. //codemod:ignore lazy-init"


@dataclass
class Ignore:
    line: int  # 1-based line of the comment
    column: int
    rules: frozenset[str]  # empty for a bare directive: an error, not a wildcard
    whole_file: bool
    used: bool = False


def ignores(file: GoFile) -> list[Ignore]:
    out: list[Ignore] = []
    if MARK not in file.source:  # the common case: skip the comment query
        return out
    for node in syntax.captures(_COMMENTS, file.root).get("c", []):
        m = _DIRECTIVE.match(syntax.text(node))
        if not m:
            continue
        ids = _REASON.split(" " + m.group(1), maxsplit=1)[0]
        names = frozenset(n for n in re.split(r"[,\s]+", ids) if n)
        out.append(
            Ignore(
                node.start_point[0] + 1,
                node.start_point[1] + 1,
                names,
                whole_file=node.end_byte <= file.header_end,
            )
        )
    return out


def bare(file: GoFile) -> list[Ignore]:
    """Directives that name no rule. Silently ignoring one would let a fix rewrite the
    very line its author meant to protect, so the engine reports it as a file error."""
    return [m for m in ignores(file) if not m.rules]


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
