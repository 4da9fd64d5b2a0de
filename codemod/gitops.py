"""Every git operation goes through here (gitpython)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import git


def repository(path: Path) -> git.Repo | None:
    try:
        return git.Repo(path if path.is_dir() else path.parent, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def dirty_paths(paths: list[Path]) -> list[str]:
    """Uncommitted changes (tracked or untracked) under `paths`, relative to the repo root.

    One `git status` per repository, however many paths. Empty when the paths are not in
    a git work tree: there is nothing to protect then.
    """
    by_repo: dict[Path, tuple[git.Repo, list[str]]] = {}
    for path in paths:
        repo = repository(path)
        if repo is None or repo.bare:
            continue
        root = Path(repo.working_tree_dir or ".").resolve()
        rel = path.resolve().relative_to(root).as_posix()
        by_repo.setdefault(root, (repo, []))[1].append(rel or ".")
    dirty: list[str] = []
    for repo, rels in by_repo.values():
        with _one_line():
            status = repo.git.status("--porcelain", "--untracked-files=all", "--", *rels)
        dirty += [line[3:] for line in status.splitlines() if line.strip()]
    return sorted(set(dirty))


class GitError(Exception):
    """A git operation failed; the message is one line (exit code 2)."""


@contextmanager
def _one_line() -> Iterator[None]:
    """Turn gitpython's multi-line errors into a GitError with one line."""
    try:
        yield
    except git.GitCommandError as exc:
        argv = exc.command if isinstance(exc.command, list) else str(exc.command).split()
        command = " ".join(str(a) for a in argv[:2])  # "git commit", not the whole message
        detail = " ".join(str(exc.stderr).replace("stderr:", "").split()).strip("'\" ")
        raise GitError(f"{command} failed: {detail[:300] or f'exit status {exc.status}'}") from None
    except git.GitError as exc:
        raise GitError(" ".join(str(exc).split())) from None


def _require(path: Path) -> git.Repo:
    repo = repository(path)
    if repo is None:
        raise GitError(f"{path}: not inside a git work tree")
    return repo


def top_level(path: Path) -> Path:
    repo = repository(path)
    if repo is None or repo.working_tree_dir is None:
        raise GitError(f"{path}: not inside a git work tree")
    return Path(repo.working_tree_dir).resolve()


def common_work_tree(paths: list[Path]) -> Path:
    """The one work tree that holds every path: the repository a branch and commit of a
    change to them belong in, wherever the command runs from."""
    missing = [path for path in paths if not path.exists()]
    if missing:
        raise GitError(f"{missing[0]}: no such file or directory")
    tops = {path: top_level(path.absolute()) for path in paths}
    if len(set(tops.values())) > 1:
        shown = ", ".join(f"{p} is in {t}" for p, t in tops.items())
        raise GitError(f"the PATHs are in different git work trees ({shown}): give one at a time")
    return next(iter(tops.values()))


def resolve(path: Path, ref: str) -> str:
    """The full commit id a ref names."""
    repo = _require(path)
    try:
        return repo.commit(ref).hexsha
    except (git.BadName, ValueError, git.GitCommandError) as exc:
        raise GitError(f"{ref}: not a commit in {repo.working_tree_dir}") from exc


@contextmanager
def worktree(path: Path, ref: str) -> Iterator[Path]:
    """A temporary detached worktree at `ref`, removed afterwards whatever happens
    (errors, Ctrl-C): the user's repository is left with no trace of it."""
    repo = _require(path)
    commit = resolve(path, ref)
    parent = Path(tempfile.mkdtemp(prefix="codemod-worktree-"))
    target = parent / "tree"
    try:
        with _one_line():
            repo.git.worktree("add", "--detach", "--quiet", str(target), commit)
        yield target
    finally:
        with suppress(git.GitCommandError):  # not created, or already gone
            repo.git.worktree("remove", "--force", str(target))
        shutil.rmtree(parent, ignore_errors=True)
        repo.git.worktree("prune")


def worktrees(path: Path) -> list[Path]:
    repo = repository(path)
    if repo is None:
        return []
    listing = repo.git.worktree("list", "--porcelain")
    return [
        Path(line.split(" ", 1)[1]) for line in listing.splitlines() if line.startswith("worktree ")
    ]


def start_branch(path: Path, name: str) -> None:
    """Create branch `name` at HEAD and check it out; refuse an existing name."""
    repo = repository(path)
    if repo is None:
        raise GitError(f"{path}: --branch needs a git work tree")
    if name in repo.heads:
        raise GitError(f"{name}: a branch of that name exists already")
    try:
        repo.git.check_ref_format("--branch", name)
    except git.GitCommandError:
        raise GitError(f"{name}: not a valid branch name") from None
    with _one_line():
        repo.git.checkout("-b", name)


def require_inside(top: Path, files: list[Path]) -> None:
    """Refuse files outside the work tree `top`: one branch cannot hold their change."""
    outside = [f for f in files if not f.resolve().is_relative_to(top)]
    if outside:
        more = f" (and {len(outside) - 1} more)" if len(outside) > 1 else ""
        raise GitError(f"{outside[0]}{more}: not in the git work tree {top} of the PATHs")


def commit(path: Path, files: list[Path], message: str) -> str:
    """Commit exactly `files` (new ones added) with `message`; returns the commit id."""
    repo = _require(path)
    top = Path(repo.working_tree_dir or ".").resolve()
    require_inside(top, files)
    rel = [str(f.resolve().relative_to(top)) for f in files]
    with _one_line():
        repo.git.add("--", *rel)
        repo.git.commit("-m", message, "--", *rel)
        return repo.head.commit.hexsha


def push(path: Path, remote: str, branch: str) -> None:
    repo = _require(path)
    try:
        repo.git.push("--set-upstream", remote, branch)
    except git.GitCommandError as exc:
        detail = " ".join(str(exc.stderr).split())[:200]
        raise GitError(f"git push {remote} {branch} failed: {detail}") from None


def current_ref(path: Path) -> str:
    """The checked-out branch's name, or the commit id on a detached HEAD."""
    repo = _require(path)
    with _one_line():
        if repo.head.is_detached:
            return repo.head.commit.hexsha
        if not repo.head.is_valid():
            raise GitError(f"{repo.working_tree_dir}: the repository has no commit yet")
        return repo.active_branch.name
