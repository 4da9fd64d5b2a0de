"""Turn accepted fixes into new file contents, passing the syntax and gofmt gates.

A fix either applies whole or not at all. Whenever a gate rejects a file, every fix that
touched it is withdrawn and the set is rebuilt from the originals, so what remains is
always the exact result of the fixes reported as applied.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from codemod import edits, gotool, imports, syntax
from codemod.rule import GENERATED_HEADER, LINES_MARKER, Finding, ImportAction, ImportChange


@dataclass(frozen=True)
class FileChange:
    path: Path
    before: bytes | None  # None: the file is new
    after: bytes


@dataclass(frozen=True)
class Rejected:
    finding: Finding
    reason: str


@dataclass
class ChangeSet:
    changes: dict[Path, FileChange] = field(default_factory=dict)
    applied: list[Finding] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)


Reader = Callable[[Path], bytes]
Formatter = Callable[[bytes], tuple[bytes | None, str]]


def default_formatter() -> Formatter | None:
    return gotool.gofmt if gotool.available() else None


def build(
    findings: Iterable[Finding],
    read: Reader = Path.read_bytes,
    formatter: Formatter | None = None,
) -> ChangeSet:
    """Merge the fixes of `findings` (in order) into checked file contents."""
    candidates = [f for f in findings if f.fix is not None]
    rejected: list[Rejected] = []
    while True:
        accepted, conflicted = _accept(candidates, read)
        changes, failures = _render(accepted, read, formatter)
        if not failures:
            return ChangeSet(changes, accepted, rejected + conflicted)
        withdrawn = [f for f in accepted if any(ff.path in failures for ff in f.fix.files)]  # type: ignore[union-attr]
        for finding in withdrawn:
            reason = next(failures[ff.path] for ff in finding.fix.files if ff.path in failures)  # type: ignore[union-attr]
            rejected.append(Rejected(finding, reason))
        candidates = [f for f in candidates if f not in withdrawn]


def _accept(candidates: list[Finding], read: Reader) -> tuple[list[Finding], list[Rejected]]:
    taken: dict[Path, list[edits.TextEdit]] = {}
    created: dict[Path, str] = {}
    accepted, conflicted = [], []
    for finding in candidates:
        fix = finding.fix
        assert fix is not None
        clash = ""
        for ff in fix.files:
            if ff.create is not None:
                if (ff.path in created and created[ff.path] != ff.create) or ff.path in taken:
                    clash = f"another fix also writes {ff.path.name}"
                elif ff.path not in created and not _may_create(ff.path, read):
                    clash = f"{ff.path.name} already exists"
            elif ff.path in created:
                clash = f"another fix creates {ff.path.name}"
            elif edits.conflicts(taken.get(ff.path, []), ff.edits):
                clash = f"its edits overlap another fix in {ff.path.name}"
        if clash:
            conflicted.append(Rejected(finding, clash))
            continue
        accepted.append(finding)
        for ff in fix.files:
            if ff.create is not None:
                created[ff.path] = ff.create
            else:
                taken.setdefault(ff.path, []).extend(ff.edits)
    return accepted, conflicted


def _may_create(path: Path, read: Reader) -> bool:
    """A new file, or one codemod generated before (it is regenerated whole)."""
    try:
        return read(path).startswith(GENERATED_HEADER.encode())
    except FileNotFoundError:
        return True


def _render(
    accepted: list[Finding], read: Reader, formatter: Formatter | None
) -> tuple[dict[Path, FileChange], dict[Path, str]]:
    """New contents per file, and the files that failed a gate (with the reason)."""
    per_file: dict[Path, tuple[list[edits.TextEdit], list[ImportChange], str | None]] = {}
    lines: dict[Path, set[str]] = {}
    for finding in accepted:
        for ff in finding.fix.files:  # type: ignore[union-attr]
            entry = per_file.setdefault(ff.path, ([], [], None))
            entry[0].extend(ff.edits)
            entry[1].extend(ff.imports)
            lines.setdefault(ff.path, set()).update(ff.lines)
            if ff.create is not None:
                per_file[ff.path] = (entry[0], entry[1], ff.create)
    changes: dict[Path, FileChange] = {}
    failures: dict[Path, str] = {}
    for path, (text_edits, import_changes, create) in per_file.items():
        if create is not None:
            try:
                before: bytes | None = read(path)  # a file codemod generated before
            except FileNotFoundError:
                before = None
            after = create.replace(LINES_MARKER, "".join(sorted(lines[path]))).encode()
        else:
            before = read(path)
            after = edits.apply_edits(before, text_edits)
        crlf = _is_crlf(before) if before is not None else _crlf_beside(path, per_file, read)
        try:
            after = apply_imports(after, import_changes)
        except imports.ImportEditError as exc:
            failures[path] = str(exc)
            continue
        if crlf:  # edits and imports bring LF lines; gofmt would also make them LF
            after = _lf(after)
        problem = syntax.syntax_problem(syntax.parse(after))
        if problem:
            failures[path] = f"result does not parse at line {problem.line}: {problem.reason}"
            continue
        if formatter is not None:
            formatted, error = formatter(after)
            if formatted is None:
                failures[path] = (
                    f"gofmt rejects the result: {error.splitlines()[0] if error else ''}"
                )
                continue
            # A gofmt-clean file stays clean; in another, only what the fixes touched is
            # laid out as gofmt would. Line endings are not layout: gofmt writes LF, and
            # they are restored below.
            if before is None or create is not None or _gofmt_clean(before, crlf, formatter):
                after = formatted
            else:
                old = _lf(before) if crlf else before
                after = _format_touched(old, after, formatted, formatter)
        if crlf:
            after = after.replace(b"\n", b"\r\n")
        if after != before:
            changes[path] = FileChange(path, before, after)
    return changes, failures


def _is_crlf(source: bytes | None) -> bool:
    """Whether every line of `source` ends in CRLF: then the result's lines all do too.

    A file that mixes endings has no convention to keep; its new lines get LF.
    """
    return source is not None and source.count(b"\r\n") == source.count(b"\n") > 0


def _crlf_beside(
    path: Path, per_file: Mapping[Path, tuple[object, object, str | None]], read: Reader
) -> bool:
    """A new file follows the files edited beside it: CRLF if every one of them is."""
    beside = [p for p, entry in per_file.items() if p.parent == path.parent and entry[2] is None]
    return bool(beside) and all(_is_crlf(read(p)) for p in beside)


def _format_touched(before: bytes, after: bytes, formatted: bytes, formatter: Formatter) -> bytes:
    """`after` with gofmt's layout (from `formatted`) on the lines the fixes touched and
    on the code between them (a wrapped literal), and its own layout everywhere else.

    Import declarations keep `after`'s lines: gofmt would sort the user's imports. If the
    merge is not `after` laid out anew (gofmt moved a line across a boundary), `after`
    is kept whole.
    """
    old, new, tidy = _split(before), _split(after), _split(formatted)
    touched = _touched_lines(old, new, syntax.parse(after).root_node)
    if not touched:  # only removals and edits in place: nothing of gofmt's to take
        return after
    merged: list[bytes] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, new, tidy).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:  # the same lines, laid out anew
            merged += [tidy[j1 + k] if i1 + k in touched else new[i1 + k] for k in range(i2 - i1)]
        elif tag != "equal" and touched.intersection(range(i1 - (i1 == i2), max(i2, i1 + 1))):
            merged += tidy[j1:j2]
        else:
            merged += new[i1:i2]
    result = b"".join(merged)
    # Only blank space may differ from `after`; gofmt alone would not see a doubled import.
    same_text = b"".join(result.split()) == b"".join(after.split())
    return result if same_text and formatter(result)[0] == formatted else after


def _split(source: bytes) -> list[bytes]:
    """Lines as tree-sitter counts rows: only LF ends one (not a lone CR)."""
    lines = [line + b"\n" for line in source.split(b"\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _touched_lines(old: list[bytes], new: list[bytes], root: syntax.Node) -> set[int]:
    """Indexes of the lines of `new` that a fix inserted, and of the lines between two
    such lines that one syntax node spans (the literal inside a wrap).

    A line edited in place (a reference that became a call) keeps its neighbours' layout.
    """
    touched: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag == "insert" or (tag == "replace" and i2 - i1 != j2 - j1):
            touched.update(range(j1, j2))
    rows = sorted(touched)
    spans: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        first, last = node.start_point[0], node.end_point[0]
        if first in touched and last in touched:
            spans.append((first, last))
        for child in node.children:  # only into multi-line nodes that hold a touched line
            start, end = child.start_point[0], child.end_point[0]
            if end > start and bisect.bisect_right(rows, end) > bisect.bisect_left(rows, start):
                stack.append(child)
    for first, last in spans:
        touched.update(range(first, last + 1))
    for node in syntax.top_level(root, "import_declaration"):
        touched.difference_update(range(node.start_point[0], node.end_point[0] + 1))
    return touched


def _gofmt_clean(source: bytes, crlf: bool, formatter: Formatter) -> bool:
    text = _lf(source) if crlf else source
    return formatter(text)[0] == text


def _lf(source: bytes) -> bytes:
    """CRLF to LF. In Go this changes no value: raw strings drop their carriage returns."""
    return source.replace(b"\r\n", b"\n")


def apply_imports(source: bytes, changes: Iterable[ImportChange]) -> bytes:
    for change in changes:
        if change.action is ImportAction.ADD:
            source = imports.add(source, change.path, change.name)
        elif change.action is ImportAction.REMOVE:
            source = imports.remove(source, change.path, change.name)
        elif change.action is ImportAction.RENAME:
            source = imports.rename(source, change.path, change.name)
        else:
            raise ValueError(f"unknown import change {change.action!r}")
    return source


def without(changeset: ChangeSet, reasons: Mapping[Path, str]) -> list[Finding]:
    """The applied findings that touch none of the files in `reasons`.

    The others move to `changeset.rejected`, with the reason of the first such file.
    """
    keep = []
    for finding in changeset.applied:
        assert finding.fix is not None
        hit = [reasons[ff.path] for ff in finding.fix.files if ff.path in reasons]
        if hit:
            changeset.rejected.append(Rejected(finding, hit[0]))
        else:
            keep.append(finding)
    return keep
