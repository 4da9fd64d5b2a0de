"""Atomic file writes: a reader sees the old file or the new one, never half of either.

A change set is written in two phases: every new content goes to a temporary file next to
its target first (the slow part, where a full disk or Ctrl-C leaves the tree untouched),
then all are renamed into place with SIGINT held back, so an interrupted apply does not
leave some files rewritten and others not.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    write_all({path: data})


def write_all(contents: Mapping[Path, bytes]) -> None:
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in contents.items():
            staged.append((_stage(path, data), path))
        with _sigint_deferred():
            for tmp, path in staged:
                os.replace(tmp, path)
            staged = []
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> str:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".codemod-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


@contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block is done, then deliver it."""
    received: list[object] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *args: received.append(args))
    except ValueError:  # not the main thread: signals cannot be touched
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt
