"""The reference-rewriting edit builder: a fix's text edits, gathered per file.

A rule that changes what a declaration is (a var becomes a func, a value moves into a
hook) wraps the declaration's value and rewrites every read of it, in its package and in
importers; this collects those edits per file, in the order they were added, and turns
them into the fix's `FileFix`es.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from codemod import syntax
from codemod.edits import TextEdit
from codemod.model import GoFile
from codemod.rule import FileFix, ImportChange
from codemod.scope import Ref, Use


class Rewrite:
    def __init__(self) -> None:
        self.edits: dict[GoFile, list[TextEdit]] = {}

    def add(self, file: GoFile, *edits: TextEdit) -> None:
        self.edits.setdefault(file, []).extend(edits)

    def wrap(
        self, file: GoFile, node: syntax.Node, prefix: str, suffix: str, start: int | None = None
    ) -> None:
        """`node` becomes `prefix` + node + `suffix`; with `start`, the prefix also replaces
        the text from `start` to the node (such as a declared type that moves inside)."""
        at = node.start_byte if start is None else start
        self.add(
            file,
            TextEdit(at, node.start_byte, prefix),
            TextEdit(node.end_byte, node.end_byte, suffix),
        )

    def reads_to_calls(self, refs: Iterable[Ref], call: str = "()") -> None:
        """Every read among `refs` (`x`, or `pkg.X` in an importer) becomes a call: `x()`.
        Other uses (the declaration, assignments) are left as they are."""
        for ref in refs:
            if ref.use is Use.READ:
                self.add(ref.file, TextEdit(ref.node.end_byte, ref.node.end_byte, call))

    def file_fixes(
        self, imports: Mapping[GoFile, tuple[ImportChange, ...]] | None = None
    ) -> list[FileFix]:
        """One FileFix per edited file, with the import changes given for it."""
        imports = imports or {}
        return [FileFix(f.path, tuple(e), imports.get(f, ())) for f, e in self.edits.items()]
