"""Diffs a reviewer can read: a whitespace-insensitive view of re-indented literals, and
inserted code formatted even in a file that was not gofmt-clean before."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from codemod import cli, diffs, gotool, summary
from codemod.changeset import FileChange
from tests.test_cli import git, init_repo, run, tree_digest
from tests.test_write import lazy_init_plan, module, one_line_error

# A struct gofmt would align differently, and a multi-line map that lazy-init wraps.
_ODD_STRUCT = "".join(
    [
        "type Point struct {\n",
        "\tX int // x\n",
        "\tLonger    string   // odd\n",
        "\tY  float64\n",
        "}\n",
    ]
)


def _big_map(entries: int, odd: bool = False) -> str:
    """`var table` with `entries` keys; `odd` misaligns every third value."""
    lines = "".join(
        f'\t"k{i:03d}":{"  " if odd and i % 3 == 0 else " "}{i},\n' for i in range(entries)
    )
    return f"var table = map[string]int{{\n{lines}}}\n"


def _table_module(root: Path, text: str) -> Path:
    return module(
        root,
        **{
            "table.go": f"package main\n\n{text}\nfunc get(k string) int {{ return table[k] }}\n",
            "main.go": 'package main\n\nfunc main() { println(get("k001")) }\n',
            "lib.go": "package main\n",
        },
    )


def _changed(patch: str) -> list[str]:
    return [
        line
        for line in patch.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


# ---------------------------------------------------------------------------- item 4


def test_whitespace_view_of_a_wrapped_200_entry_map_shows_only_the_wrap(tmp_path: Path) -> None:
    root = _table_module(tmp_path / "m", _big_map(200))
    change = lazy_init_plan(root).changes.changes[root / "table.go"]
    full = diffs.file_diff(change, root)
    assert 400 <= len(_changed(full)) <= 420  # every entry re-indented: out and in again
    view = diffs.file_diff(change, root, ignore_space=True)
    assert _changed(view) == [
        "-var table = map[string]int{",
        '+import "sync"',
        "+",
        "+var table = sync.OnceValue(func() map[string]int {",
        "+\treturn map[string]int{",
        "+})",
        "-func get(k string) int { return table[k] }",
        "+func get(k string) int { return table()[k] }",
    ], view
    assert '\t\t"k000": 0,' in view  # context shows the new text
    assert diffs.reindented(change) == 201  # the 200 entries and the closing brace


def test_whitespace_view_keeps_changes_inside_a_line(tmp_path: Path) -> None:
    """Only indentation and runs of blanks are ignored: `a b` to `ab` is a change."""
    change = FileChange(tmp_path / "x.go", b'x := "a b"\n\ty := 1\n', b'x := "ab"\ny   :=   1\n')
    view = diffs.file_diff(change, tmp_path, ignore_space=True)
    assert _changed(view) == ['-x := "a b"', '+x := "ab"'], view
    assert diffs.reindented(change) == 1
    new = FileChange(tmp_path / "n.go", None, b"package n\n")
    assert diffs.file_diff(new, tmp_path, ignore_space=True) == diffs.file_diff(new, tmp_path)


def test_dry_run_w_prints_the_short_view_and_diff_file_stays_exact(tmp_path: Path) -> None:
    root = _table_module(tmp_path / "m", _big_map(200))
    init_repo(root)
    patch = tmp_path / "fix.patch"
    res = run("apply", "--rule", "lazy-init", "--dry-run", "-w", "--diff", str(patch), cwd=root)
    assert res.returncode == 0, res.stderr
    assert len(_changed(res.stdout)) < 20, res.stdout
    assert "201 line(s) only re-indented, not shown" in res.stderr
    exact = run("apply", "--rule", "lazy-init", "--dry-run", cwd=root)
    assert patch.read_text() == exact.stdout  # --diff FILE is the exact patch, -w or not
    assert len(_changed(exact.stdout)) > 400
    git("apply", str(patch), cwd=root)
    patched = tree_digest(root)
    git("checkout", "-q", "--", ".", cwd=root)
    git("clean", "-qfd", cwd=root)
    assert run("apply", "--rule", "lazy-init", cwd=root).returncode == 0
    assert tree_digest(root) == patched


def test_pr_body_shows_the_change_without_the_reindentation(tmp_path: Path) -> None:
    root = _table_module(tmp_path / "m", _big_map(200))
    init_repo(root)
    body = tmp_path / "pr.md"
    res = run("apply", "--rule", "lazy-init", "--branch", "lazy", "--pr-body", str(body), cwd=root)
    assert res.returncode == 0, res.stderr
    text = body.read_text()
    assert "+var table = sync.OnceValue(func() map[string]int {" in text
    assert '"k100"' not in text  # the re-indented entries are not repeated
    assert "The rest of the diff is re-indentation: 201 line(s)" in text
    assert "`table.go`: 6 line(s) added, 2 removed, 201 only re-indented" in text
    assert "`table.go`" in text


def test_w_without_a_printed_diff_is_a_usage_error(tmp_path: Path) -> None:
    root = _table_module(tmp_path / "m", _big_map(20))
    before = tree_digest(root)
    for extra in ([], ["--check"], ["--diff", str(tmp_path / "p.patch")]):
        res = run("apply", "--rule", "lazy-init", "--allow-dirty", "-w", *extra, cwd=root)
        one_line_error(res, "-w/--ignore-space", "--dry-run")
    assert tree_digest(root) == before and not (tmp_path / "p.patch").exists()


def test_interactive_w_shows_each_fix_without_the_reindentation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _table_module(tmp_path / "m", _big_map(200))
    finding = lazy_init_plan(root).changes.applied[0]
    monkeypatch.setattr(click, "prompt", lambda *args, **kwargs: "y")
    assert cli._ask([finding], ignore_space=True) == [finding]
    shown = capsys.readouterr()
    assert len(_changed(shown.out)) < 30, shown.out
    assert "+var table = sync.OnceValue(func() map[string]int {" in shown.out
    assert "201 line(s) only re-indented, not shown" in shown.err


def test_pr_body_fences_a_diff_that_holds_backticks(tmp_path: Path) -> None:
    """A raw string with ``` in it must not end the code block early."""
    change = FileChange(tmp_path / "x.go", b"var a = 1\n", b"var a = `x```y`\n")
    body = summary.pr_body([], [], "codemod apply", None, changes=[change])
    assert "````diff\n" in body and "\n````\n" in body
    assert "+var a = `x```y`" in body


# ---------------------------------------------------------------------------- item 5


def test_inserted_code_is_formatted_in_a_file_that_was_not_gofmt_clean(tmp_path: Path) -> None:
    source = _ODD_STRUCT + "\n" + _big_map(40, odd=True)
    root = _table_module(tmp_path / "m", source)
    before = (root / "table.go").read_bytes()
    assert gotool.gofmt(before)[0] != before  # not gofmt-clean, in both places
    after = lazy_init_plan(root).changes.changes[root / "table.go"].after
    assert _ODD_STRUCT.encode() in after  # the odd region is byte-identical
    formatted = gotool.gofmt(after)[0]
    assert formatted is not None and formatted != after
    wrapped = formatted[formatted.index(b"var table") : formatted.index(b"})\n") + 3]
    assert wrapped in after  # the wrapped literal is gofmt's, entries aligned
    assert b'\t\t"k000": 0,\n' in wrapped and b"\treturn map[string]int{\n" in wrapped
    start = formatted.index(b"type Point")
    aligned = formatted[start : formatted.index(b"}\n", start) + 2]
    assert after.replace(_ODD_STRUCT.encode(), aligned) == formatted  # all else is gofmt's


def test_only_the_inserted_lines_change_layout_around_unsorted_imports(tmp_path: Path) -> None:
    """gofmt would sort the imports and re-indent the function: both stay as they were; a
    reference edited in place keeps its line's layout; the wrapped literal is gofmt's."""
    imports = 'import (\n\t"strings"\n\t"fmt"\n)\n'
    func = "".join(
        [
            "func show(k string) {\n",
            "    fmt.Println(strings.ToUpper(k), table[k])\n",
            "}\n",
        ]
    )
    root = _table_module(tmp_path / "m", imports + "\n" + _big_map(40, odd=True) + "\n" + func)
    after = lazy_init_plan(root).changes.changes[root / "table.go"].after
    assert b'import (\n\t"strings"\n\t"fmt"\n\t"sync"\n)\n' in after  # one more line, no sort
    assert b"    fmt.Println(strings.ToUpper(k), table()[k])\n" in after
    assert b'\treturn map[string]int{\n\t\t"k000": 0,\n\t\t"k001": 1,\n' in after
    assert b'\t\t"k039": 39,\n\t}\n})\n' in after
    assert after.count(b'"strings"') == 1


def test_pr_body_keeps_removed_lines_that_look_like_headers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A removed `-- x` line reads `--- x` in a diff: it is a change, not a header."""
    monkeypatch.chdir(tmp_path)
    change = FileChange(tmp_path / "x.go", b"a\n-- x\nb\n", b"a\nb\n")
    indented = FileChange(tmp_path / "y.go", b"a\nb\n", b"a\n\tb\n")
    body = summary.pr_body([], [], "codemod apply", None, changes=[change, indented])
    assert "\n--- x\n" in body and "`x.go`: 0 line(s) added, 1 removed" in body
    assert "- `y.go`: 0 line(s) added, 0 removed, 1 only re-indented\n" in body
    assert body.count("```diff") == 1  # nothing to show for y.go but the count
