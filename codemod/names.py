"""Free names: what a rewrite may call a new declaration or an import without a clash.

In Go an import's name lives in its file's scope, and must not collide with another
import of that file or with a package-level name of any file of the package; new
package-level names must avoid both every package-level name and every file's imports.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from codemod import imports
from codemod.model import GoFile, Package


def fresh(base: str, used: set[str]) -> str:
    """`base`, or `base2`, `base3`... : the first not in `used`, which it joins."""
    name, i = base, 2
    while name in used:
        name, i = f"{base}{i}", i + 1
    used.add(name)
    return name


def alternatives(path: str) -> tuple[str, ...]:
    """Names to import `path` by, best first: `sync`, `gosync`, `stdsync`, `syncpkg`."""
    name = imports.default_name(path)
    return name, f"go{name}", f"std{name}", f"{name}pkg"


def listed(path: str) -> str:
    """The alternatives for `path`, as a reason names them: `sync, gosync, stdsync and syncpkg`."""
    *first, last = alternatives(path)
    return f"{', '.join(first)} and {last}"


def free(choices: Iterable[str], taken: Collection[str]) -> str | None:
    """The first of `choices` not `taken`; None when all are."""
    return next((n for n in choices if n not in taken), None)


def imported_names(package: Package) -> set[str]:
    """Every name an import of any of the package's files takes."""
    return {name for f in package.files for name in imports.paths_by_name(f.root)}


def import_name(
    file: GoFile, path: str, taken: Collection[str], choices: Iterable[str] = ()
) -> str | None:
    """The name by which `file` can use package `path`: its existing import's name, else
    the first of `choices` (default: `alternatives(path)`) that neither a package-level
    name (`taken`) nor another import of the file has; None when every choice is taken.
    Imports are per file: another file's imports cannot clash."""
    paths = imports.paths_by_name(file.root)
    existing = [name for name, imported in paths.items() if imported == path]
    if existing:
        return existing[0]
    return next(
        (n for n in choices or alternatives(path) if n not in taken and n not in paths), None
    )
