"""`codemod rules`: the rule list as a table or JSON, and one rule's documentation.

Piped, the table is the text rich would print, written without importing rich (~25 ms of
the command's start, issue 12): `plain_table` lays it out as rich's Table does for this
table's settings, and answers None (rich does it) for any cell it cannot lay out the same
way. tests/test_render_rules.py holds the two to the same output.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codemod.rule import Example, Rule

HEADER = ("rule", "fix", "summary")
NO_WRAP = (True, False, False)  # the rule id stays whole

# Text rich prints as it is: printable ASCII words, one space apart, no markup ("[").
_WORD = r"[\x21-\x5a\x5c-\x7e]+"
_SIMPLE = re.compile(rf"{_WORD}(?: {_WORD})*")


def table(rules: Sequence[Rule]) -> None:
    rows = [(r.id, r.safety.value, r.summary) for r in rules]
    # On Windows rich may narrow the table by a column for a legacy console: let it.
    plain = not _terminal() and sys.platform != "win32"
    text = plain_table(HEADER, rows, NO_WRAP, _width()) if plain else None
    if text is None:
        _rich_table(rows)
    else:
        _emit(text)


def rules_json(rules: Sequence[Rule]) -> None:
    doc = [
        {
            "id": r.id,
            "summary": r.summary,
            "safety": r.safety.value,
            "safety_reason": r.safety_reason,
            "options": [
                {"name": o.name, "default": o.default, "help": o.help, "choices": list(o.choices)}
                for o in r.options
            ],
            "docs": r.docs,
            "examples": [dataclasses.asdict(e) for e in r.examples],
        }
        for r in rules
    ]
    _emit(json.dumps(doc, indent=2) + "\n")


def explain(rule: Rule) -> None:
    options = "\n".join(f"- `{o.name}` (default `{o.default!r}`): {o.help}" for o in rule.options)
    text = (
        f"# {rule.id}\n\n{rule.summary}\n\n"
        f"**Fix safety:** {rule.safety.value}. {rule.safety_reason}\n\n{rule.docs.strip()}\n"
    )
    if rule.examples:
        text += "\n## Examples\n" + "".join(map(_example, rule.examples))
    if options:
        text += f"\n## Options (`[rules.{rule.id}]` in .codemod.toml)\n\n{options}\n"
    if _terminal():
        from rich.markdown import Markdown

        from codemod import render

        render.out.print(Markdown(text))
    else:
        _emit(text)


def _example(example: Example) -> str:
    """One example as Markdown: the code before, then after, or what the rule says."""
    from codemod.rule import Example

    default_go = next(f.default for f in dataclasses.fields(Example) if f.name == "go")
    where = f" (a module at go {example.go})" if example.go != default_go else ""
    text = f"\n### {example.title}{where}\n\n```go\n{example.before}```\n"
    if example.after is not None:
        text += f"\nbecomes\n\n```go\n{example.after}```\n"
        return text + "".join(
            f"\nand a new file, `{name}`:\n\n```go\n{content}```\n"
            for name, content in example.creates
        )
    return text + (
        "\nis reported and left as it is.\n" if example.reported else "\nis not reported.\n"
    )


def _emit(text: str) -> None:
    """render.emit, without importing rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _rich_table(rows: list[tuple[str, str, str]]) -> None:
    from rich.table import Table

    from codemod import render

    grid = Table(box=None, pad_edge=False)
    grid.add_column(HEADER[0], style="cyan", no_wrap=True)
    for name in HEADER[1:]:
        grid.add_column(name)
    for row in rows:
        grid.add_row(*row)
    render.out.print(grid)


# ------------------------------------------------------- rich's decisions, without rich


def _terminal() -> bool:
    """rich's Console.is_terminal for stdout (TTY_COMPATIBLE, then FORCE_COLOR, then isatty)."""
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return sys.stdout.isatty()
    except ValueError:  # closed
        return False


def _width() -> int:
    """rich's Console width: COLUMNS, else the first of stdin/stdout/stderr that is a
    terminal (piping stdout alone keeps the terminal's width), else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def plain_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], no_wrap: Sequence[bool], width: int
) -> str | None:
    """The lines rich's `Table(box=None, pad_edge=False)` prints on a console of `width`
    columns without colour; None when a cell is not plain words (see _SIMPLE) or a word
    would not fit its column (rich folds or truncates it)."""
    cells = [list(header), *map(list, rows)]
    if not all(_SIMPLE.fullmatch(cell) for row in cells for cell in row):
        return None
    count = len(header)
    pads = [(0 if i == 0 else 1, 0 if i == count - 1 else 1) for i in range(count)]
    longest = [max(len(row[i]) + sum(pads[i]) for row in cells) for i in range(count)]
    widths = [min(w, width) for w in longest]
    if sum(widths) > width:
        widths = _collapse(widths, [not keep for keep in no_wrap], width)
        if sum(widths) > width:
            return None
    for i in range(count):
        longest_word = max(len(word) for row in cells for word in row[i].split())
        if longest_word + sum(pads[i]) > widths[i]:
            return None
    lines = []
    for row in cells:
        wrapped = [_wrap(cell, widths[i] - sum(pads[i])) for i, cell in enumerate(row)]
        for n in range(max(map(len, wrapped))):
            lines.append(
                "".join(
                    " " * left
                    + (w[n] if n < len(w) else "").ljust(widths[i] - left - right)
                    + " " * right
                    for i, (w, (left, right)) in enumerate(zip(wrapped, pads, strict=True))
                )
            )
    return "".join(line + "\n" for line in lines)


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap, as rich's divide_line does it for words that fit."""
    lines = [""]
    for word in text.split(" "):
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
    return lines


def _collapse(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """rich's Table._collapse_widths: shave the widest wrapable columns down together."""
    excess = sum(widths) - max_width
    while any(wrapable) and excess > 0 and sum(widths) > 0:
        widest = max(w for w, wrap in zip(widths, wrapable, strict=True) if wrap)
        second = max(
            w if wrap and w != widest else 0 for w, wrap in zip(widths, wrapable, strict=True)
        )
        ratios = [int(w == widest and wrap) for w, wrap in zip(widths, wrapable, strict=True)]
        if not any(ratios) or widest == second:
            break
        widths = _ratio_reduce(excess, ratios, min(excess, widest - second), widths)
        excess = sum(widths) - max_width
    return widths


def _ratio_reduce(total: int, ratios: list[int], maximum: int, values: list[int]) -> list[int]:
    """rich._ratio.ratio_reduce with one maximum for every slot."""
    total_ratio = sum(ratios) if maximum else 0
    result = []
    for ratio, value in zip(ratios, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * total / total_ratio))
            result.append(value - distributed)
            total -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result
