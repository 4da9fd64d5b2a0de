"""Scanning fast without losing anything: the rules' prefilters (a directory with no
candidate text is not parsed), the results cache (a hit parses nothing, and any change
of input misses), and --jobs (the same output with any number of processes)."""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemod import engine, model, scancache, syntax, workflow
from codemod.rule import Pass, Rule, Safety
from tests.conftest import TESTDATA
from tests.test_cli import CODEMOD, run

# ---------------------------------------------------------------------------- helpers


def _fingerprint(result: workflow.ScanResult) -> list[tuple[object, ...]]:
    report = result.report
    found: list[tuple[object, ...]] = [
        (f.rule, str(f.path), f.line, f.column, f.end_line, f.end_column, f.message, f.fix)
        for f in report.findings
    ]
    found += [(str(e.path), e.line, e.column, e.message) for e in report.errors]
    return [*found, ("counts", report.files, report.packages)]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The paths parsed in this process, in order."""
    seen: list[Path] = []
    real = model.GoFile.tree.fget  # type: ignore[attr-defined]

    def tree(file: model.GoFile) -> object:
        if not file.parsed:
            seen.append(file.path)
        return real(file)

    monkeypatch.setattr(model.GoFile, "tree", property(tree))
    yield seen


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _tree(root: Path, seed: int) -> Path:
    """A module of packages that mix every shape the rules report (and shapes that
    only look like them), chosen at random: a prefilter that misses one loses a finding."""
    rng = random.Random(seed)
    files = {
        "go.mod": "module example.com/gen\n\ngo 1.22\n",
        ".codemod.toml": '[rules.lazy-init]\nconstructors = { "strings.Repeat" = "*strings.Builder" }\n',
        # Only the option's constructor makes this package a candidate.
        "rep/rep.go": 'package rep\n\nimport "strings"\n\nvar pad = strings.Repeat("-", 80)\n\n'
        "func Pad() string { return pad }\n",
    }
    shapes = [
        ('import "regexp"\n', "var re{i} = regexp.MustCompile(`^a{i}$`)\n", "re{i}.MatchString(s)"),
        (
            "",
            "var m{i} = map[string]int{{" + ", ".join(f'"k{k}": {k}' for k in range(40)) + "}}\n",
            "m{i}[s] > 0",
        ),
        (
            "",
            "var t{i} = build{i}()\n\nfunc build{i}() []int {{\n\tvar out []int\n\tfor j := 0; j < 9; j++ {{\n\t\tout = append(out, j)\n\t}}\n\treturn out\n}}\n",
            "len(t{i}) > 0",
        ),
        (
            "",
            'var list{i} = []string{{}}\n\nfunc init() {{\n\tfor _, s := range []string{{"a", "b"}} {{\n\t\tlist{i} = append(list{i}, s)\n\t}}\n}}\n',
            "len(list{i}) > 0",
        ),
        ('import _ "expvar"\n', "", "true"),
        (
            'import "strings"\n',
            'var r{i} = strings.NewReplacer("a", "b")\n',
            'r{i}.Replace(s) != ""',
        ),
        ('import "errors"\n', 'var e{i} = errors.New("plain")\n', "e{i} != nil"),
        (  # brackets in strings and comments, a block, a func literal at a line start
            "",
            'var (\n\tbrace{i} = "}}" // )\n\tcut{i} = cut{i}Table()\n)\n\nvar lit{i} =\n'
            "func() int {{ return 1 }}()\n\nfunc cut{i}Table() []int {{\n\tvar out []int\n"
            "\tfor j := 0; j < 9; j++ {{\n\t\tout = append(out, j)\n\t}}\n\treturn out\n}}\n",
            'len(cut{i}) > lit{i} && brace{i} != ""',
        ),
        (
            "",
            '//codemod:ignore lazy-init\nvar small{i} = map[string]int{{"a": 1}}\n',
            "small{i}[s] > 0",
        ),
    ]
    for i in range(12):
        chosen = rng.sample(shapes, rng.randint(0, 3))
        imports = "".join(dict.fromkeys(s[0] for s in chosen))
        decls = "".join(s[1].format(i=i) for s in chosen)
        uses = " && ".join(s[2].format(i=i) for s in chosen) or 's != ""'
        files[f"p{i}/p.go"] = (
            f"package p{i}\n\n{imports}\n{decls}\nfunc Use(s string) bool {{ return {uses} }}\n"
        )
        if rng.random() < 0.5:
            files[f"p{i}/p_test.go"] = (
                f'package p{i}\n\nimport "testing"\n\nfunc TestUse(t *testing.T) {{ _ = Use("x") }}\n'
            )
    return _write(root, files)


def _scan_all(monkeypatch: pytest.MonkeyPatch, tree: Path, *rules: str) -> workflow.ScanResult:
    """The scan with every directory parsed, as before prefilters."""
    with monkeypatch.context() as m:
        m.setattr(engine, "_wants", lambda rule, options, sources: True)
        return workflow.scan([tree], rules, workers=1)


# ---------------------------------------------------------------------------- prefilter


def _modules(root: Path) -> list[Path]:
    found = sorted(m.parent for m in root.rglob("go.mod") if "vendor" not in m.parts)
    return [m for m in found if not any(o in m.parents for o in found)]


@pytest.mark.parametrize("tree", _modules(TESTDATA), ids=lambda p: str(p.relative_to(TESTDATA)))
def test_prefilter_loses_nothing_on_testdata(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _fingerprint(workflow.scan([tree], workers=1)) == _fingerprint(
        _scan_all(monkeypatch, tree)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prefilter_loses_nothing_on_a_generated_tree(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _tree(tmp_path, seed)
    everything = _scan_all(monkeypatch, tree)
    filtered = workflow.scan([tree], workers=1)
    assert _fingerprint(filtered) == _fingerprint(everything)
    assert any(f.path.parent.name == "rep" for f in filtered.report.findings)  # the option's


def test_a_directory_without_candidate_text_is_not_parsed(
    tmp_path: Path, parsed: list[Path]
) -> None:
    tree = _write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "plain/plain.go": 'package plain\n\nimport "errors"\n\nvar ErrX = errors.New("x")\n',
            "plain/plain_test.go": "package plain\n",
            "re/re.go": 'package re\n\nimport "regexp"\n\nvar re = regexp.MustCompile("a")\n\n'
            "func M(s string) bool { return re.MatchString(s) }\n",
        },
    )
    result = workflow.scan([tree], workers=1)
    assert {p.parent.name for p in parsed} == {"re"}
    assert [f.path.parent.name for f in result.report.findings] == ["re"]
    assert (result.report.files, result.report.packages) == (3, 2)  # still counted


def test_a_directory_whose_package_vars_do_no_work_is_not_parsed(
    tmp_path: Path, parsed: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`map` and `for` in functions, `var` inside them, and package-level vars with no
    call, map literal or constructor: lazy-init has nothing to find there."""
    tree = _write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "quiet/quiet.go": 'package quiet\n\nimport "errors"\n\nvar ErrX = errors.New("x")\n\n'
            'var names = []string{"map", "build()"} // map\n\n'
            "func Count(m map[string]int) (n int) {\n\tvar seen = make(map[string]bool)\n"
            "\tfor k := range m {\n\t\tseen[k] = true\n\t\tn++\n\t}\n\treturn n\n}\n",
            "busy/busy.go": "package busy\n\nvar (\n\tlimit = 3\n\ttable = build()\n)\n\n"
            "func build() (out []int) {\n\tfor i := 0; i < limit; i++ {\n"
            "\t\tout = append(out, i)\n\t}\n\treturn out\n}\n\n"
            "func At(i int) int { return table[i] }\n",
        },
    )
    result = workflow.scan([tree], workers=1)
    assert {p.parent.name for p in parsed} == {"busy"}
    assert [f.path.parent.name for f in result.report.findings] == ["busy"]
    assert _fingerprint(result) == _fingerprint(_scan_all(monkeypatch, tree))


def test_package_code_is_found_on_bytes() -> None:
    source = (
        b'package p\n\nvar (\n\ta = f("{") // ) var\n\tb = func() int { return 1 }()\n)\n\n'
        b"/* var c = g() { */\nvar d = `}`\nvar e =\nfunc() int { return 2 }()\n\n"
        b"// A comment that ends in an operator =\nfunc h() {\n\tvar x = g()\n}\n\n"
        b"func init() {\n\tfor range 3 {\n\t}\n}\n\nconst k = '}'\n"
        b"/* after a comment */ func init() { fill() }\n"
    )
    assert syntax.package_code(source) == (
        [
            b'var (\n\ta = f("")  \n\tb = func() int { return 1 }()\n)\n\n \n',
            b'var d = ""\n',
            b"var e =\nfunc() int { return 2 }()\n\n \n",
        ],
        [b"func init() {\n\tfor range 3 {\n\t}\n}\n\n", b"func init() { fill() }\n"],
    )
    assert syntax.package_code(b"package p\n\nfunc f() {\n") is None  # anything


def test_an_init_without_a_loop_or_a_call_needs_no_parse(
    tmp_path: Path, parsed: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """lazy-init reports vars an init() fills in a loop (its own, or a called function's):
    an init() that only assigns or calls methods of imported packages fills none."""
    tree = _write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "plain/plain.go": 'package plain\n\nimport "os"\n\nvar home string\n\n'
            'func init() {\n\thome = os.Getenv("HOME") // for()\n}\n\n'
            "func Count(m map[string]int) (n int) {\n\tfor range m {\n\t\tn++\n\t}\n\treturn n\n}\n",
            "filled/filled.go": "package filled\n\nvar sizes, squares = []int{1, 2, 3}, []int{}\n\n"
            "func init() { fill() }\n\nfunc fill() {\n\tfor _, n := range sizes {\n"
            "\t\tsquares = append(squares, n*n)\n\t}\n}\n\n"
            "func At(i int) int { return squares[i] }\n",
        },
    )
    result = workflow.scan([tree], ["lazy-init"], workers=1)
    assert {p.parent.name for p in parsed} == {"filled"}
    assert [f.path.parent.name for f in result.report.findings] == ["filled"]
    assert _fingerprint(result) == _fingerprint(_scan_all(monkeypatch, tree, "lazy-init"))


def test_a_rule_without_prefilter_sees_every_package(tmp_path: Path, parsed: list[Path]) -> None:
    def every(pass_: Pass) -> None:
        file = pass_.package.files[0]
        pass_.report(file, file.root, f"saw {pass_.package.name}")

    rule = Rule("every", "sees all", "", Safety.SAFE, "", every)
    tree = _write(
        tmp_path,
        {"go.mod": "module example.com/m\n", "a/a.go": "package a\n", "b/b.go": "package b\n"},
    )
    result = workflow.scan([tree], [rule], workers=1)
    assert [f.message for f in result.report.findings] == ["saw a", "saw b"]


def test_an_ignore_comment_is_checked_where_no_rule_looks(tmp_path: Path) -> None:
    tree = _write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n",
            "a/a.go": "package a\n\n//codemod:ignore lazy-init\nfunc F() {}\n",
        },
    )
    result = workflow.scan([tree], workers=1)
    assert [f.rule for f in result.report.findings] == [engine.UNUSED_IGNORE]


# ---------------------------------------------------------------------------- cache


def _demo_copy(tmp_path: Path) -> Path:
    return _tree(tmp_path / "tree", 2)


def test_a_cache_hit_parses_nothing(tmp_path: Path, parsed: list[Path]) -> None:
    tree = _demo_copy(tmp_path)
    cache = scancache.Cache(tmp_path / "cache")
    first = workflow.scan([tree], workers=1, cache=cache)
    assert parsed
    parsed.clear()
    again = workflow.scan([tree], workers=1, cache=cache)
    # but for a package whose finding asked the toolchain (go list: not cached)
    asked = {p.parent for p in tree.rglob("*.go") if '_ "expvar"' in p.read_text()}
    assert {p.parent for p in parsed} == asked != {p.parent for p in tree.rglob("*.go")}
    assert _fingerprint(again) == _fingerprint(first)
    assert again.report.digests == first.report.digests


def test_the_cache_misses_when_a_file_changes(tmp_path: Path, parsed: list[Path]) -> None:
    tree = _demo_copy(tmp_path)
    cache = scancache.Cache(tmp_path / "cache")
    workflow.scan([tree], workers=1, cache=cache)
    (tree / "rep" / "rep.go").write_text(
        'package rep\n\nimport "regexp"\n\nvar pad = regexp.MustCompile("b")\n\n'
        'func Pad() bool { return pad.MatchString("b") }\n'
    )
    parsed.clear()
    result = workflow.scan([tree], workers=1, cache=cache)
    assert tree / "rep" / "rep.go" in parsed
    assert any("regexp.MustCompile" in f.message for f in result.report.findings)


def test_the_cache_misses_when_an_importer_changes(tmp_path: Path) -> None:
    """A fix rewrites references in importers: another package's edit counts."""
    tree = _write(
        tmp_path / "tree",
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "re/re.go": 'package re\n\nimport "regexp"\n\nvar Re = regexp.MustCompile("a")\n',
            "use/use.go": 'package use\n\nimport "example.com/m/re"\n\nvar _ = re.Re\n',
        },
    )
    cache = scancache.Cache(tmp_path / "cache")
    before = workflow.scan([tree / "re"], workers=1, cache=cache)
    (tree / "use" / "use.go").write_text(
        'package use\n\nimport "example.com/m/re"\n\nfunc init() { re.Re = nil }\n'
    )
    after = workflow.scan([tree / "re"], workers=1, cache=cache)
    assert _fingerprint(after) == _fingerprint(workflow.scan([tree / "re"], workers=1))
    assert _fingerprint(after) != _fingerprint(before)


def test_the_cache_misses_when_an_option_changes(tmp_path: Path) -> None:
    tree = _demo_copy(tmp_path)
    cache = scancache.Cache(tmp_path / "cache")
    workflow.scan([tree], workers=1, cache=cache)
    (tree / ".codemod.toml").write_text("[rules.lazy-init]\nmin_map_entries = 100\n")
    result = workflow.scan([tree], workers=1, cache=cache)
    assert _fingerprint(result) == _fingerprint(workflow.scan([tree], workers=1))
    assert not any(f.path.parent.name == "rep" for f in result.report.findings)


def test_the_cache_misses_for_another_rule(tmp_path: Path) -> None:
    def one(pass_: Pass) -> None:
        pass_.report(pass_.package.files[0], pass_.package.files[0].root, "one")

    def two(pass_: Pass) -> None:
        pass_.report(pass_.package.files[0], pass_.package.files[0].root, "two")

    tree = _write(tmp_path / "tree", {"go.mod": "module example.com/m\n", "a/a.go": "package a\n"})
    cache = scancache.Cache(tmp_path / "cache")

    def messages(run: object) -> list[str]:
        rule = Rule("same-id", "", "", Safety.SAFE, "", run)  # type: ignore[arg-type]
        return [f.message for f in workflow.scan([tree], [rule], cache=cache).report.findings]

    assert messages(one) == ["one"]
    assert messages(two) == ["two"]


def test_the_cache_misses_for_another_goos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = _demo_copy(tmp_path)
    jobs = model.discover([tree])
    keys = scancache.Keys((), (), model.Workspace())
    before = keys.key(jobs[0])
    monkeypatch.setenv("GOOS", "windows")
    assert scancache.Keys((), (), model.Workspace()).key(jobs[0]) != before


def test_a_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    tree = _demo_copy(tmp_path)
    cache = scancache.Cache(tmp_path / "cache")
    first = workflow.scan([tree], workers=1, cache=cache)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert entries
    for i, entry in enumerate(entries):
        entry.write_bytes(b"" if i % 2 else b"\x80\x05garbage")
    again = workflow.scan([tree], workers=1, cache=cache)
    assert _fingerprint(again) == _fingerprint(first)


def _cli_scan(tree: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("scan", ".", "--format", "json", *extra, cwd=tree)


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, _scan_cache: Path) -> None:
    tree = _demo_copy(tmp_path)
    plain = _cli_scan(tree, "--no-cache")
    assert plain.returncode == 1, plain.stderr
    assert not any(_scan_cache.rglob("*"))
    cached = _cli_scan(tree)
    assert cached.stdout == plain.stdout
    entries = [p for p in _scan_cache.rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x80\x05garbage")
    assert _cli_scan(tree, "--no-cache").stdout == plain.stdout


def test_two_concurrent_runs_share_the_cache(tmp_path: Path, _scan_cache: Path) -> None:
    tree = _demo_copy(tmp_path)
    args = [CODEMOD, "scan", ".", "--format", "json"]
    procs = [
        subprocess.Popen(args, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1], [err for _, err in outs]
    assert outs[0][0] == outs[1][0]
    entries = sorted(p for p in _scan_cache.rglob("*") if p.is_file())
    assert entries and not [p for p in entries if p.name.startswith(".tmp-")]
    assert _cli_scan(tree).stdout == outs[0][0]
    assert sorted(p for p in _scan_cache.rglob("*") if p.is_file()) == entries  # all hits
    json.loads(outs[0][0])


# ---------------------------------------------------------------------------- jobs


def test_jobs_give_the_same_output(tmp_path: Path) -> None:
    tree = _tree(tmp_path, 3)
    for i in range(70):  # enough files for a process pool
        (tree / f"many{i % 7}" / f"f{i}.go").parent.mkdir(exist_ok=True)
        (tree / f"many{i % 7}" / f"f{i}.go").write_text(
            f'package many{i % 7}\n\nimport "regexp"\n\nvar re{i} = regexp.MustCompile("{i}")\n'
        )
    one = _cli_scan(tree, "--jobs", "1", "--no-cache")
    two = _cli_scan(tree, "--jobs", "2", "--no-cache")
    assert one.returncode == 1, one.stderr
    assert two.stdout == one.stdout
    assert len(json.loads(one.stdout)["findings"]) >= 70
    bad = _cli_scan(tree, "--jobs", "0")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_an_unwritable_cache_costs_speed_not_results(tmp_path: Path) -> None:
    tree = _demo_copy(tmp_path)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    result = workflow.scan([tree], workers=1, cache=scancache.Cache(blocked))
    assert _fingerprint(result) == _fingerprint(workflow.scan([tree], workers=1))


def test_default_jobs_are_the_cores_this_process_may_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs defaults to the CPUs the process may run on (its affinity, as ast-grep's
    threads do), not the machine's: pinned to one core, no pool is started."""
    tree = _tree(tmp_path / "gen", seed=7)
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 8)
    monkeypatch.setattr(engine.os, "sched_getaffinity", lambda pid: {0}, raising=False)

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process pool on one core")

    monkeypatch.setattr(engine, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(engine, "_INLINE_FILES", 1)  # a small tree would run inline anyway
    assert len(model.discover([tree])) > 1
    assert workflow.scan([tree]).report.files


def test_files_no_rule_looks_into_are_not_parsed(tmp_path: Path, parsed: list[Path]) -> None:
    """In a package with a finding, the files that cannot declare nor use the value
    (no var, no init(), not spelling its name) are read but never parsed, tests too;
    so a syntax error in one goes unreported, as in a directory no rule wants."""
    tree = _write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "p/re.go": 'package p\n\nimport "regexp"\n\nvar pattern = regexp.MustCompile("a")\n',
            "p/use.go": "package p\n\nfunc Match(s string) bool { return pattern.MatchString(s) }\n",
            "p/other.go": "package p\n\nfunc Other(n int) int {\n\tfor i := 0; i < n; i++ {\n\t\tn += i\n\t}\n\treturn n\n}\n",
            "p/other_test.go": 'package p\n\nimport "testing"\n\nfunc TestOther(t *testing.T) { _ = Other(1) }\n',
            "p/broken_test.go": "package p\n\nfunc broken( {}\n",
            "p/use_test.go": 'package p\n\nimport "testing"\n\nfunc TestMatch(t *testing.T) { _ = pattern }\n',
        },
    )
    result = workflow.scan([tree], workers=1)
    assert {p.name for p in parsed} == {"re.go", "use.go", "use_test.go"}
    (finding,) = result.report.findings
    assert finding.fix is not None and "2 references in the package" in finding.message
    assert result.report.errors == []  # broken_test.go was never parsed
    assert (result.report.files, result.report.packages) == (6, 1)
