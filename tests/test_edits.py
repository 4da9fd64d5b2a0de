"""Text edits and the merging of fixes into a change set (all-or-nothing per fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod import changeset
from codemod.edits import TextEdit, apply_edits, conflicts
from codemod.rule import FileFix, Finding, Fix, ImportAction, ImportChange, Safety


def test_apply_in_any_order() -> None:
    src = b"hello world"
    out = apply_edits(src, [TextEdit(6, 11, "gophers"), TextEdit(0, 5, "hi")])
    assert out == b"hi gophers"


def test_insertions_at_one_point_keep_their_order() -> None:
    out = apply_edits(b"ab", [TextEdit(1, 1, "1"), TextEdit(1, 1, "2"), TextEdit(1, 1, "1")])
    assert out == b"a12b"  # the duplicate of "1" is applied once


def test_overlap_is_an_error() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits(b"abcdef", [TextEdit(0, 3, "x"), TextEdit(2, 4, "y")])


def test_edit_past_end_is_an_error() -> None:
    with pytest.raises(ValueError, match="past the end"):
        apply_edits(b"abc", [TextEdit(2, 9, "x")])


def test_utf8_offsets_are_bytes() -> None:
    src = "é = 1".encode()
    assert apply_edits(src, [TextEdit(0, 2, "x")]) == b"x = 1"


def test_conflicts() -> None:
    accepted = [TextEdit(10, 20, "x")]
    assert conflicts(accepted, [TextEdit(15, 25, "y")])
    assert conflicts(accepted, [TextEdit(12, 12, "inside")])
    assert not conflicts(accepted, [TextEdit(20, 20, "after")])
    assert not conflicts(accepted, [TextEdit(10, 20, "x")])  # identical edits agree


def finding(path: Path, *edits: TextEdit, line: int = 1, extra: FileFix | None = None) -> Finding:
    files = (FileFix(path, tuple(edits)),) + ((extra,) if extra else ())
    return Finding("r", path, line, 1, line, 1, "m", Fix("d", Safety.SAFE, files))


def test_overlapping_fix_is_rejected_whole(tmp_path: Path) -> None:
    a, b = tmp_path / "a.go", tmp_path / "b.go"
    a.write_bytes(b"package a\n\nvar x = 1\n")
    b.write_bytes(b"package a\n\nvar y = 2\n")
    first = finding(a, TextEdit(19, 20, "10"))
    # The second fix edits b.go too, but its a.go edit overlaps the first: none of it applies.
    second = finding(
        a, TextEdit(17, 20, "= 3"), line=2, extra=FileFix(b, (TextEdit(19, 20, "20"),))
    )
    result = changeset.build([first, second])
    assert result.applied == [first]
    assert [r.finding for r in result.rejected] == [second]
    assert "overlap" in result.rejected[0].reason
    assert set(result.changes) == {a}
    assert result.changes[a].after == b"package a\n\nvar x = 10\n"


def test_fix_that_breaks_syntax_is_withdrawn(tmp_path: Path) -> None:
    a = tmp_path / "a.go"
    a.write_bytes(b"package a\n\nvar x = 1\n")
    good = finding(a, TextEdit(19, 20, "2"))
    bad = finding(a, TextEdit(0, 7, "pkg"), line=2)
    result = changeset.build([good, bad])
    # Both touched a.go, so both are withdrawn: what applies must be exactly what is reported.
    assert result.changes == {}
    assert {r.finding.line for r in result.rejected} == {1, 2}
    assert all("does not parse" in r.reason for r in result.rejected)


def test_gofmt_formats_the_result_of_a_formatted_file(tmp_path: Path) -> None:
    from codemod import gotool

    a = tmp_path / "a.go"
    a.write_bytes(b"package a\n\nvar (\n\tx = 1\n\ty = 2\n)\n")
    fix = finding(a, TextEdit(18, 19, "longname"))
    result = changeset.build([fix], formatter=gotool.gofmt)
    assert result.changes[a].after == b"package a\n\nvar (\n\tlongname = 1\n\ty        = 2\n)\n"


def test_created_file_must_not_exist(tmp_path: Path) -> None:
    (tmp_path / "new.go").write_text("package a\n")
    create = FileFix(tmp_path / "new.go", create="package a\n\nvar z = 1\n")
    f = Finding("r", tmp_path / "a.go", 1, 1, 1, 1, "m", Fix("d", Safety.SAFE, (create,)))
    result = changeset.build([f])
    assert result.changes == {}
    assert "already exists" in result.rejected[0].reason


def test_write_all_stages_everything_before_replacing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while staging (a full disk, say) leaves every target as it was."""
    from codemod import writer
    from codemod.changeset import FileChange

    a, b = tmp_path / "a.go", tmp_path / "b.go"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    real_stage = writer._stage
    calls = []

    def failing_stage(target: writer._Target) -> str:
        calls.append(target)
        if len(calls) == 2:
            raise writer.WriteError(f"{target.change.path}: cannot write: No space left on device")
        return real_stage(target)

    monkeypatch.setattr(writer, "_stage", failing_stage)
    with pytest.raises(writer.WriteError):
        writer.write_all([FileChange(a, b"old a", b"new a"), FileChange(b, b"old b", b"new b")])
    assert a.read_bytes() == b"old a" and b.read_bytes() == b"old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.go", "b.go"]
    monkeypatch.setattr(writer, "_stage", real_stage)
    writer.write_all(
        [FileChange(a, b"old a", b"new a"), FileChange(tmp_path / "c.go", None, b"new c")]
    )
    assert a.read_bytes() == b"new a" and (tmp_path / "c.go").read_bytes() == b"new c"


def test_an_import_edit_that_would_change_cgo_is_rejected_not_raised(tmp_path: Path) -> None:
    a = tmp_path / "a.go"
    a.write_bytes(b'package a\n\n// Imports.\nimport (\n\t"C"\n\t_ "net/http/pprof"\n)\n')
    remove = FileFix(a, imports=(ImportChange(ImportAction.REMOVE, "net/http/pprof", "_"),))
    f = Finding("r", a, 1, 1, 1, 1, "m", Fix("d", Safety.SAFE, (remove,)))
    result = changeset.build([f])
    assert result.changes == {}
    assert "cgo preamble" in result.rejected[0].reason
