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


def file_diff(change: FileChange, base: Path | None = None) -> str:
    """The diff of one file, its path relative to `base` (a resolved directory: its
    directory is resolved too, the file itself not, so a symlinked file keeps its name);
    relative to the current directory without one."""
    path = change.path.absolute()
    rel = (
        Path(os.path.relpath(Path(os.path.realpath(path.parent)) / path.name, base)).as_posix()
        if base
        else Path(os.path.relpath(path, Path.cwd())).as_posix()
    )
    header = f"diff --git a/{rel} b/{rel}\n"
    if change.before is None:
        header += "new file mode 100644\n"
    body = difflib.unified_diff(
        _lines(change.before),
        _lines(change.after),
        fromfile="/dev/null" if change.before is None else f"a/{rel}",
        tofile=f"b/{rel}",
        n=3,
    )
    text = "".join(body)
    return header + text if text else ""


def unified(changes: Iterable[FileChange], base: Path | None = None) -> str:
    return "".join(file_diff(c, base) for c in sorted(changes, key=lambda c: str(c.path)))
