"""Every use of a package-level declaration, in its package and in the packages that
import it, and the uses that forbid rewriting how it is read.

A rewrite that changes a variable into something else (a func, a call) can follow its
reads but not an assignment, a taken address, a literal key that may be a struct field
name, a dot-import (the uses are not qualified), an importer that did not parse (its
uses are unknown) or a use in an importer's file that may not be edited. `find` says which of those stands in the way, with where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from codemod import syntax
from codemod.model import Package
from codemod.scope import (
    Decl,
    PackageScope,
    Ref,
    Use,
    mentions,
    qualified_references,
    references,
)


@dataclass
class Uses:
    inside: list[Ref]  # in the declaring package, the declaration itself included
    outside: list[Ref] = field(default_factory=list)  # `pkg.Name` in importing packages
    blocked: str = ""  # why the uses cannot all be rewritten ("" if they can)


def blocking(refs: Iterable[Ref]) -> str:
    """Why these uses cannot all be rewritten: the first assignment, taken address or
    unresolved literal key, with its file and line; "" if none."""
    for ref in refs:
        where = f"{ref.file.path.name}:{ref.line}"
        if ref.use is Use.ASSIGN:
            return f"assigned at {where}"
        if ref.use is Use.ADDRESS:
            return f"its address is taken at {where}"
        if ref.use is Use.UNRESOLVED:
            name = syntax.text(ref.node)
            return f"cannot tell whether {name} at {where} is a map key or a struct field name: {ref.why}"
    return ""


def find(
    package: Package,
    decl: Decl,
    scope: PackageScope,
    importers: Callable[[], Iterable[Package]] | None = None,
) -> Uses:
    """The uses of `decl` in `package` and, with `importers` (called only when the
    package's own uses do not already block), in those packages."""
    found = Uses(references(package, decl, scope))
    found.blocked = blocking(found.inside)
    if found.blocked or importers is None:
        return found
    for importer in importers():
        for file in importer.files:
            if not mentions(file, decl.name):
                continue  # no use there, whatever the file's syntax or imports
            if file.problem:
                found.blocked = (
                    f"{importer.locate(file.path)} imports the package but could not be parsed"
                )
                return found
            refs = qualified_references(file, package.import_path, decl.name)
            if refs is None:
                found.blocked = f"{importer.locate(file.path)} dot-imports the package"
                return found
            bad = blocking(refs)
            if bad:
                found.blocked = bad.replace(" at ", f" in package {importer.name} at ", 1)
                return found
            if refs and file.unwritable:  # e.g. the user's module, to `codemod deps`
                where = importer.locate(file.path, refs[0].line)
                found.blocked = f"used at {where}, which may not be edited: {file.unwritable}"
                return found
            found.outside += refs
    return found
