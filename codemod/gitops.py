"""Every git operation goes through here (gitpython)."""

from __future__ import annotations

from pathlib import Path

import git


def repository(path: Path) -> git.Repo | None:
    try:
        return git.Repo(path if path.is_dir() else path.parent, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def dirty_paths(paths: list[Path]) -> list[str]:
    """Uncommitted changes (tracked or untracked) under `paths`, relative to the repo root.

    Empty when the paths are not in a git work tree: there is nothing to protect then.
    """
    dirty: list[str] = []
    for path in paths:
        repo = repository(path)
        if repo is None or repo.bare:
            continue
        root = Path(repo.working_tree_dir or ".").resolve()
        rel = path.resolve().relative_to(root).as_posix()
        status = repo.git.status("--porcelain", "--untracked-files=all", "--", rel or ".")
        dirty += [line[3:] for line in status.splitlines() if line.strip()]
    return sorted(set(dirty))
