"""Text edits on byte ranges, and merging the edits of many fixes the way go/analysis does.

A fix is all-or-nothing: if any of its edits overlaps an edit already accepted from an
earlier fix, the whole fix is set aside and reported, never applied in part.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TextEdit:
    """Replace source[start:end] (bytes) with `text`. start == end inserts."""

    start: int
    end: int
    text: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad edit range {self.start}:{self.end}")

    def overlaps(self, other: TextEdit) -> bool:
        """True when the two edits touch the same bytes.

        Insertions at one point do not conflict: they apply in the order the fixes were
        accepted, as the lines of several registrations after one statement should.
        """
        return self.start < other.end and other.start < self.end


def apply_edits(source: bytes, edits: Iterable[TextEdit]) -> bytes:
    """Apply non-overlapping edits; identical duplicates are applied once.

    Edits at the same position keep their given order (the sort is stable).
    """
    ordered = sorted(dict.fromkeys(edits), key=lambda e: (e.start, e.end))
    for before, after in itertools.pairwise(ordered):
        if before.overlaps(after):
            raise ValueError(f"overlapping edits {before} and {after}")
    out = bytearray()
    cursor = 0
    for edit in ordered:
        if edit.end > len(source):
            raise ValueError(f"edit {edit} is past the end of the source ({len(source)} bytes)")
        out += source[cursor : edit.start]
        out += edit.text.encode("utf-8")
        cursor = edit.end
    out += source[cursor:]
    return bytes(out)


def conflicts(accepted: Sequence[TextEdit], candidate: Sequence[TextEdit]) -> bool:
    """Whether any candidate edit overlaps an accepted one (identical edits agree)."""
    taken = set(accepted)
    return any(new not in taken and new.overlaps(old) for new in candidate for old in accepted)
