"""`codemod rules` piped prints what rich would, without importing rich (issue 12).

render_rules.plain_table copies rich's Table layout for plain words; these tests hold it
to rich's own output for many tables and console widths, and check that whatever it
cannot copy (markup, wide characters, a word wider than its column) goes to rich.
"""

from __future__ import annotations

import io
import random
import string
import sys

import pytest
from rich.console import Console

from codemod import render, render_rules


def rich_text(rows: list[tuple[str, str, str]], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """What `render_rules._rich_table` prints on render.out's settings at `width`."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, soft_wrap=True, emoji=False)
    monkeypatch.setattr(render, "out", console)
    render_rules._rich_table(rows)
    return buffer.getvalue()


def plain(rows: list[tuple[str, str, str]], width: int) -> str | None:
    return render_rules.plain_table(render_rules.HEADER, rows, render_rules.NO_WRAP, width)


def random_words(rng: random.Random, count: int, longest: int) -> str:
    alphabet = string.ascii_letters + string.digits + string.punctuation.replace("[", "")
    return " ".join("".join(rng.choices(alphabet, k=rng.randint(1, longest))) for _ in range(count))


def test_plain_table_is_rich_table_for_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(12)
    laid_out = 0
    for case in range(400):
        rows = [
            (
                random_words(rng, 1, 18).replace(" ", "-"),
                rng.choice(["safe", "unsafe"]),
                random_words(rng, rng.randint(1, 30), rng.choice([3, 8, 14])),
            )
            for _ in range(rng.randint(0, 5))
        ]
        width = rng.choice([12, 20, 33, 40, 57, 80, 81, 100, 132, 200])
        got = plain(rows, width)
        if got is not None:
            laid_out += 1
            assert got == rich_text(rows, width, monkeypatch), (case, rows, width)
    assert laid_out > 250  # the comparison above ran, not only the fallback


def test_the_installed_rules_are_laid_out_as_rich_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from codemod import registry

    rows = [(r.id, r.safety.value, r.summary) for r in registry.all_rules().values()]
    for width in (40, 80, 180):
        got = plain(rows, width)
        assert got is not None
        assert got == rich_text(rows, width, monkeypatch)


@pytest.mark.parametrize(
    "summary",
    [
        "reads [bold]markup[/bold] as rich does",  # markup: rich's parser decides
        "a wide character: 初期化",  # cell widths
        "tab\tand newline\nin it",
        "two  spaces",
        " leading space",
        "",
        "a-word-far-too-long-for-any-column-of-this-narrow-console",
    ],
)
def test_what_plain_table_cannot_copy_goes_to_rich(summary: str) -> None:
    assert plain([("r", "safe", summary)], 40) is None


def test_piped_table_follows_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped, rich takes its width from COLUMNS (else a terminal on stdin or stderr)."""
    from codemod import registry

    rules = list(registry.all_rules().values())
    rows = [(r.id, r.safety.value, r.summary) for r in rules]
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "57")
    render_rules.table(rules)
    assert capsys.readouterr().out == rich_text(rows, 57, monkeypatch)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"FORCE_COLOR": "1"},
        {"FORCE_COLOR": ""},
        {"TTY_COMPATIBLE": "1"},
        {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
        {"TTY_COMPATIBLE": "2", "FORCE_COLOR": "1"},
    ],
)
def test_terminal_is_what_rich_decides(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawn for a terminal (colours, rich) exactly when rich would draw for one."""
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert render_rules._terminal() == Console(file=sys.stdout).is_terminal
