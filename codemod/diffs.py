"""Unified diffs in the form `git apply` and `patch -p1` accept."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

from codemod.changeset import FileChange

_NO_EOL = "\\ No newline at end of file\n"


def _lines(data: bytes | None) -> list[str]:
    if not data:
        return []
    # Only LF ends a line for git; str.splitlines would also split at a lone CR, a form
    # feed or U+2028, which git reads as content of the line.
    lines = data.decode("utf-8", errors="surrogateescape").split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n" + _NO_EOL
    return lines


def file_diff(
    change: FileChange, base: Path | None = None, ignore_space: bool = False, prefix: str = ""
) -> str:
    """The exact patch of `change`, its path relative to `base` (a resolved directory: its
    directory is resolved too, the file itself not, so a symlinked file keeps its name);
    relative to the current directory without one; under `prefix` (a directory) if given.
    With `ignore_space`, a view for reading, not applying."""
    path = change.path.absolute()
    rel = (
        Path(os.path.relpath(Path(os.path.realpath(path.parent)) / path.name, base)).as_posix()
        if base
        else Path(os.path.relpath(path, Path.cwd())).as_posix()
    )
    rel = f"{prefix}/{rel}" if prefix else rel
    header = f"diff --git a/{rel} b/{rel}\n"
    if change.before is None:
        header += "new file mode 100644\n"
    a, b = _lines(change.before), _lines(change.after)
    fromfile = "/dev/null" if change.before is None else f"a/{rel}"
    if ignore_space:
        text = _without_space_changes(a, b, fromfile, f"b/{rel}")
    else:
        text = "".join(difflib.unified_diff(a, b, fromfile=fromfile, tofile=f"b/{rel}", n=3))
    return header + text if text else ""


def unified(
    changes: Iterable[FileChange],
    base: Path | None = None,
    ignore_space: bool = False,
    prefix: str = "",
) -> str:
    return "".join(
        file_diff(c, base, ignore_space, prefix) for c in sorted(changes, key=lambda c: str(c.path))
    )


def reindented(change: FileChange) -> int:
    """Lines of the result that differ from their original only in whitespace: what a
    wrapped literal's re-indentation adds to the exact patch and the -w view leaves out."""
    a, b = _lines(change.before), _lines(change.after)
    return sum(
        a[i1 + k] != b[j1 + k]
        for tag, i1, i2, j1, _ in _space_blind(a, b).get_opcodes()
        if tag == "equal"
        for k in range(i2 - i1)
    )


def _key(line: str) -> str:
    """A line with its indentation and the amount of blank space between words ignored.

    Blank space that appears or goes between two words (`"a b"` to `"ab"`) still counts:
    gofmt never makes such a change, a fix might.
    """
    return " ".join(line.split())


def _space_blind(a: list[str], b: list[str]) -> difflib.SequenceMatcher[str]:
    return difflib.SequenceMatcher(None, [_key(x) for x in a], [_key(x) for x in b])


def _without_space_changes(a: list[str], b: list[str], fromfile: str, tofile: str) -> str:
    """Unified hunks of the lines that change beyond whitespace; context lines show the
    new text, as `git diff -w` does."""
    out: list[str] = []
    for group in _space_blind(a, b).get_grouped_opcodes(3):
        if all(tag == "equal" for tag, *_ in group):
            continue
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in b[j1:j2]]
            else:
                out += ["-" + line for line in a[i1:i2]] + ["+" + line for line in b[j1:j2]]
    return f"--- {fromfile}\n+++ {tofile}\n" + "".join(out) if out else ""


def _range(start: int, stop: int) -> str:
    """A hunk header's range, as difflib.unified_diff writes it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"
