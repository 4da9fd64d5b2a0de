"""Writing a change set: every file or none, and each only if it is still what was read.

A change set is written in phases. First every target is checked: it must still be exactly
the `before` the change was computed from (or still absent, for a new file), be a regular
file with a single link, and be writable by its mode bits as well as by access(2) (root
may write anything, but a 0444 file says "do not edit"). Then every new content goes to a
temporary file beside its target (the slow part, where a full disk or Ctrl-C leaves the
tree untouched), the targets are checked again, and all are renamed into place with SIGINT
held back. If a rename still fails, the files already replaced get their old text back.

A symlink is written through: its final target is replaced atomically and the link kept.
A dangling link is refused, never replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from codemod.changeset import FileChange
from codemod.model import InputError


class WriteError(InputError):
    """The write stopped, leaving the tree as it was unless the message says otherwise;
    the message names the file and the reason."""


@dataclass(frozen=True)
class _Target:
    change: FileChange
    real: Path  # what is replaced: the path with every symlink resolved


def write_all(changes: Iterable[FileChange]) -> None:
    """Write every change or none; raises WriteError naming the first file that stops it."""
    targets = check_all(changes)
    staged: list[tuple[str, _Target]] = []
    made: list[Path] = []  # directories of new packages, removed again if nothing is written
    try:
        for target in targets:
            made += _make_directories(target)
            staged.append((_stage(target), target))
        for target in targets:  # again: staging is where the time goes
            _check_unchanged(target)
        _replace_all(staged)
        staged, made = [], []
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        for directory in reversed(made):
            with contextlib.suppress(OSError):
                directory.rmdir()


def _make_directories(target: _Target) -> list[Path]:
    """The missing directories of a new file (a vendored package), made; those made."""
    missing, directory = [], target.real.parent
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for directory in reversed(missing):
        try:
            directory.mkdir()
        except OSError as exc:
            raise WriteError(f"{target.change.path}: cannot write: {exc.strerror or exc}") from None
    return list(reversed(missing))


def check_all(changes: Iterable[FileChange]) -> list[_Target]:
    """What `write_all` checks before it writes, for a caller that must know first (a
    branch is created only for a change that can be written)."""
    targets = _targets(changes)
    for target in targets:
        _check(target)
    return targets


def check_links(changes: Iterable[FileChange]) -> None:
    """Raise WriteError if two changes are one file through a symlink: what `write_all`
    refuses first, and the one refusal a preview can predict without the disk's state of
    the moment (modes, locks), so that `--dry-run` and `--diff` do not promise a change
    that `apply` will refuse (a diff that `git apply` cannot apply either)."""
    _targets(changes)


def _targets(changes: Iterable[FileChange]) -> list[_Target]:
    targets: list[_Target] = []
    seen: dict[Path, Path] = {}
    for change in changes:
        real = Path(os.path.realpath(change.path))
        if real in seen:
            raise WriteError(
                f"{change.path}: the same file as {seen[real]} (a link); not rewritten"
            )
        seen[real] = change.path
        targets.append(_Target(change, real))
    return targets


def _check(target: _Target) -> None:
    path, real = target.change.path, target.real
    if os.path.islink(path) and not os.path.exists(path):
        raise WriteError(f"{path}: a dangling symlink; not replaced")
    _check_unchanged(target)
    if target.change.before is not None:
        st = _stat(path, real)
        if not stat.S_ISREG(st.st_mode):
            raise WriteError(f"{path}: not a regular file; not rewritten")
        if not _writable(real, st):
            raise WriteError(
                f"{path}: read-only (mode {stat.S_IMODE(st.st_mode):04o}); not rewritten"
            )
        if st.st_nlink > 1:
            raise WriteError(
                f"{path}: has {st.st_nlink} hard links; replacing it would leave the others "
                "with the old text"
            )
    directory = real.parent
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent  # a new package: its directories are made on writing
    if not _writable(directory, _stat(path, directory), os.W_OK | os.X_OK):
        raise WriteError(f"{path}: its directory {directory} is read-only; nothing written")


def _writable(path: Path, st: os.stat_result, mode: int = os.W_OK) -> bool:
    return bool(st.st_mode & 0o222) and os.access(path, mode)


def _stat(path: Path, what: Path) -> os.stat_result:
    try:
        return what.stat()
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _check_unchanged(target: _Target) -> None:
    path, before = target.change.path, target.change.before
    if before is None:
        if os.path.lexists(path):
            raise WriteError(f"{path}: created by someone else since codemod ran; nothing written")
        return
    try:
        current = target.real.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if current != before:
        raise WriteError(
            f"{path}: changed since codemod read it; nothing written (run apply again)"
        )


def _stage(target: _Target) -> str:
    """The new content in a temp file beside the target, with the target's mode and owner."""
    path, real = target.change.path, target.real
    try:
        st: os.stat_result | None = real.stat() if target.change.before is not None else None
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".codemod-tmp", dir=real.parent)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(target.change.after)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st else _new_file_mode())
        made = os.stat(tmp)
        if st and (st.st_uid, st.st_gid) != (made.st_uid, made.st_gid):
            os.chown(tmp, st.st_uid, st.st_gid)  # fails, and refuses, where we may not
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
    return tmp


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _replace_all(staged: Sequence[tuple[str, _Target]]) -> None:
    done: list[_Target] = []
    with _sigint_deferred():
        for tmp, target in staged:
            try:
                os.replace(tmp, target.real)
            except OSError as exc:
                restored = _restore(done)
                raise WriteError(
                    f"{target.change.path}: cannot write: {exc.strerror or exc}; "
                    + ("nothing written" if restored else "some files were written")
                ) from None
            done.append(target)


def _restore(done: Sequence[_Target]) -> bool:
    """Put back what was there before the changes in `done`; whether all went back."""
    ok = True
    for target in done:
        try:
            if target.change.before is None:
                target.real.unlink()
            else:
                undo = _Target(
                    FileChange(target.change.path, target.change.after, target.change.before),
                    target.real,
                )
                os.replace(_stage(undo), target.real)
        except (OSError, WriteError):
            ok = False
    return ok


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


_CANNOT_LOCK = {errno.ENOLCK, errno.EBADF, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


@contextmanager
def locked(directories: Iterable[Path]) -> Iterator[None]:
    """Hold an exclusive lock on each directory (flock(2) on the directory itself).

    The lock is on the directory's inode, so it leaves no file behind to dirty the work
    tree or `git status`, needs no shared temp directory, and dies with the process. A
    second run refuses at once rather than waiting: `apply` holds the lock through the
    build gate, which takes seconds to minutes, so a brief wait would mostly end in the
    same refusal, and a long one would leave a script hanging without saying why. The
    refusal names the holder; running again afterwards scans the result afresh.

    Where the file system cannot lock a directory (NFS emulates flock with POSIX locks,
    which need a file open for writing), the run goes on unlocked: the lock only keeps
    runs apart, while `write_all`'s check that each file is still what was read is what
    guarantees that no edit is lost.
    """
    fds: list[int] = []
    try:
        for directory in sorted(set(directories)):
            try:
                fds.append(os.open(directory, os.O_RDONLY | os.O_DIRECTORY))
                fcntl.flock(fds[-1], fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise WriteError(
                        f"{directory}: another codemod apply is running on this tree "
                        f"({_holder(directory)}); try again when it has finished"
                    ) from None
                if exc.errno not in _CANNOT_LOCK:
                    raise WriteError(f"{directory}: cannot lock: {exc.strerror or exc}") from None
        yield
    finally:
        for fd in fds:
            os.close(fd)


def _holder(directory: Path) -> str:
    """Who holds the flock on `directory`, from /proc/locks (Linux); else a vague answer."""
    try:
        st = directory.stat()
        wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        with open("/proc/locks") as locks:
            for line in locks:
                fields = line.split()
                if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == wanted:
                    pid = fields[4]
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                    shown = " ".join(command.decode(errors="replace").split("\0")).strip()
                    return f"pid {pid}: {shown}" if shown else f"pid {pid}"
    except OSError:
        pass
    return "held by another process"
