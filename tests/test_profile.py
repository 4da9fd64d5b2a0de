"""`codemod profile`: real builds and runs of a program whose dependency module (kept in
testdata, reached through a `replace`) is slow to initialise; and the pure parts
(medians, module directories, the graph, the critical path) on made-up data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from codemod import bench, gotool, inittrace, profile, render_profile
from tests.conftest import TESTDATA
from tests.test_cli import go, run

SLOWAPP = TESTDATA / "profile" / "slowapp"
APP, DEP, WORDS = "example.com/slowapp", "example.com/slowdep", "example.com/slowdep/words"


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity, as strict readers do."""

    def refuse(name: str) -> None:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def slowapp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("profile") / "slowapp"
    shutil.copytree(SLOWAPP, target)
    return target


@pytest.fixture(scope="module")
def measured(slowapp: Path) -> profile.Profile:
    settings = bench.Settings(".", ("-version",), runs=5, warmup=1)
    return profile.run(slowapp, settings)


# ---------------------------------------------------------------------------- real runs


def test_json_attributes_packages_to_modules(slowapp: Path) -> None:
    res = run("profile", "--pkg", ".", "--args", "-version", "-n", "5", "--format", "json", cwd=slowapp)  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = strict_json(res.stdout)
    assert doc["runs"] == 5 and doc["total_init_ms"] > 1.0
    assert (doc["pkg"], doc["main_package"]) == (".", APP)
    packages = {p["path"]: p for p in doc["packages"]}
    dep = packages[DEP]
    assert (dep["module"], dep["version"], dep["origin"]) == (DEP, "v0.1.0", "dependency")
    assert Path(dep["dir"]) == (slowapp / "deps" / "example.com" / "slowdep").resolve()
    assert dep["init_ms"] >= 1.0 and dep["allocs"] > 100  # the spin and the regexps
    assert "regexp" in dep["imports"] and WORDS in dep["imports"]
    main = packages[APP]  # inittrace calls it "main"
    assert (main["module"], main["version"], main["origin"]) == (APP, "(devel)", "main")
    assert main["init_index"] == max(
        p["init_index"] for p in packages.values() if p["init_index"] is not None
    )
    assert (packages["regexp/syntax"]["module"], packages["regexp/syntax"]["origin"]) == (
        "std",
        "std",
    )
    assert packages["unsafe"]["init_index"] is None and packages["unsafe"]["init_ms"] == 0
    for p in doc["packages"]:
        assert (p["estimated_saving_ms"] is None) == (not p["findings"])
        assert set(p) >= {
            "path",
            "module",
            "version",
            "origin",
            "dir",
            "init_ms",
            "bytes",
            "allocs",
            "imports",
            "findings",
            "estimated_saving_ms",
            "saving_basis",
            "skipped",
        }
    finding = next(f for f in packages[DEP]["findings"] if f["rule"] == "lazy-init")
    assert set(finding) == {"rule", "file", "line", "column", "message", "fix"}
    modules = {m["path"]: m for m in doc["modules"]}
    assert doc["modules"][0]["path"] == DEP
    slow = modules[DEP]
    assert slow["replace"] == "./deps/example.com/slowdep" and slow["version"] == "v0.1.0"
    assert set(slow["packages"]) == {DEP, WORDS} and slow["packages"][0] == DEP
    assert slow["init_ms"] == pytest.approx(packages[DEP]["init_ms"] + packages[WORDS]["init_ms"])
    assert modules["std"]["origin"] == "std" and modules["std"]["version"].startswith("go")
    assert sum(m["share"] for m in doc["modules"]) == pytest.approx(1.0)
    assert slow["share"] == pytest.approx(slow["init_ms"] / doc["attributed_init_ms"])
    assert slow["findings"] == len(dep["findings"]) + len(packages[WORDS]["findings"])
    assert slow["estimated_saving_ms"] == pytest.approx(dep["estimated_saving_ms"])


def test_slow_dependency_heads_the_critical_path(measured: profile.Profile) -> None:
    first = measured.critical_path[0]
    assert first.path == DEP and first.chain == (APP, DEP)
    shares = [s.cumulative_share for s in measured.critical_path]
    assert shares == sorted(shares) and shares[0] == pytest.approx(first.share)
    assert shares[-1] >= profile.CRITICAL_SHARE or len(shares) == profile.CRITICAL_MAX
    assert len(shares) == 1 or shares[-2] < profile.CRITICAL_SHARE  # the shortest prefix


def test_init_graph_follows_the_real_init_order(measured: profile.Profile) -> None:
    index = {p.path: p.init_index for p in measured.packages if p.init_index is not None}
    assert measured.edges
    for importer, imported in measured.edges:
        assert index[imported] < index[importer], (importer, imported)
    assert (DEP, WORDS) in measured.edges and (APP, DEP) in measured.edges
    # main reaches os through fmt (no init work) and through flag (init work), which
    # imports os: the edge main -> os is implied by main -> flag -> os, and left out
    assert (APP, "flag") in measured.edges and ("flag", "os") in measured.edges
    assert (APP, "os") not in measured.edges


def test_dot_and_mermaid(measured: profile.Profile) -> None:
    dot = render_profile.dot_text(measured)
    assert dot.startswith("digraph init {\n") and dot.endswith("}\n")
    body = dot.splitlines()[1:-1]
    assert all(line.startswith("  ") and line.endswith(";") for line in body)
    assert all(line.count('"') % 2 == 0 for line in body)
    nodes = [line for line in body if re.match(r'  "[^"]+" \[label=', line)]
    assert len(nodes) == len([p for p in measured.packages if p.init_index is not None])
    assert f'  "{APP}" -> "{DEP}";' in body
    assert any(line.startswith(f'  "{DEP}" [') and "penwidth=3" in line for line in body)
    if shutil.which("dot"):  # Graphviz is optional; the checks above are not
        checked = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    mermaid = render_profile.mermaid_text(measured).splitlines()
    assert mermaid[0] == "flowchart TD"
    ids = dict(re.findall(r'^  (p\d+)\["([^"<]+)<br/>', "\n".join(mermaid), re.M))
    edges = [line.split(" --> ") for line in mermaid if " --> " in line]
    assert len(edges) == len(measured.edges)
    assert {(ids[a.strip()], ids[b]) for a, b in edges} == set(measured.edges)
    critical = next(line for line in mermaid if line.endswith(" critical"))
    assert {ids[i] for i in critical.split()[1].split(",")} == {
        s.path for s in measured.critical_path
    }


def test_text_and_markdown_name_the_slow_module(measured: profile.Profile) -> None:
    text = render_profile.text_string(measured)
    assert "top packages by init time" in text and "top modules by init time" in text
    assert re.search(rf"│ {re.escape(DEP)} +│ dependency │ {re.escape(DEP)} +│", text)
    assert re.search(rf"1\. {re.escape(DEP)} .* via {APP} > {DEP}", text)
    md = render_profile.markdown_text(measured)
    assert f"1. `{DEP}`  " in md
    assert (
        f"| `{DEP}` | dependency | `{DEP}` |" in md and f"| `{DEP}` | v0.1.0 | dependency |" in md
    )


def test_output_file_and_text(slowapp: Path, tmp_path: Path) -> None:
    out = tmp_path / "profile.txt"
    res = run("profile", "--pkg", ".", "-n", "2", "--warmup", "0", "--ready", "stdout:^Germany", "-o", str(out), cwd=slowapp)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and f"wrote the text profile to {out}" in res.stderr
    written = out.read_text()
    assert DEP in written and "only 2 runs" in written and "\x1b[" not in written
    assert ". · ready: stdout:^Germany · 2 runs after 0 warm-up" in written


def test_vendored_dependency_is_attributed_to_vendor(tmp_path: Path) -> None:
    app = tmp_path / "slowapp"
    shutil.copytree(SLOWAPP, app)
    go("mod", "vendor", cwd=app)
    settings = bench.Settings(".", ("-version",), runs=1, warmup=0)
    result = profile.run(app, settings, ["-mod=vendor"])
    dep = next(p for p in result.packages if p.path == DEP)
    assert (dep.origin, dep.version) == ("dependency", "v0.1.0")
    assert dep.dir == str(app.resolve() / "vendor" / "example.com" / "slowdep")
    module = next(m for m in result.modules if m.path == DEP)
    assert module.dir == dep.dir and module.packages == (DEP, WORDS)
    assert result.build_flags == ("-mod=vendor",)
    [finding] = [f for f in dep.findings if f["rule"] == "lazy-init"]
    [why] = [f["message"] for f in dep.findings if f["rule"] == "init-hooks"]  # the spinning init()
    assert why.endswith("not made lazy: calls time.Now, whose result may differ at first use")
    assert finding["file"] == str(
        app.resolve() / "vendor" / "example.com" / "slowdep" / "slowdep.go"
    )
    assert finding["fix"] == "safe" and dep.estimated_saving_ms is not None


# ---------------------------------------------------------------------------- explain


def test_dependency_findings_and_estimated_saving(slowapp: Path, measured: profile.Profile) -> None:
    dep = next(p for p in measured.packages if p.path == DEP)
    source = (slowapp / "deps" / "example.com" / "slowdep" / "slowdep.go").resolve()
    line = source.read_text().splitlines().index("var patterns = []*regexp.Regexp{") + 1
    [finding] = [f for f in dep.findings if f["rule"] == "lazy-init"]
    [why] = [f["message"] for f in dep.findings if f["rule"] == "init-hooks"]  # the spinning init()
    assert why.endswith("not made lazy: calls time.Now, whose result may differ at first use")
    assert (finding["file"], finding["line"], finding["fix"]) == (str(source), line, "safe")
    assert "patterns: a composite literal calling regexp.MustCompile" in finding["message"]
    # two units of init work, the regexp table (fixable) and init() (not): half the clock
    assert dep.saving_basis == "share"
    assert dep.estimated_saving_ms == pytest.approx(dep.init_ms / 2)
    module = next(m for m in measured.modules if m.path == DEP)
    assert module.findings == len(dep.findings) and module.estimated_saving_ms == pytest.approx(
        dep.estimated_saving_ms
    )
    main = next(m for m in measured.modules if m.path == APP)
    assert main.findings == 0 and main.estimated_saving_ms is None
    text = render_profile.text_string(measured)
    assert re.search(
        rf"│ {re.escape(DEP)} +│ dependency │ .* │ +2 │ +{dep.estimated_saving_ms:.3f} │", text
    )
    assert "top findings (by estimated saving)" in text
    assert f"   slowdep.go:{line} lazy-init [safe] patterns: " in text
    assert re.search(
        rf"1\. {re.escape(DEP)}  .* ms, estimated saving .* \(share\), 2 finding", text
    )


def test_standard_library_findings_are_real_and_unfixable(
    slowapp: Path, measured: profile.Profile
) -> None:
    listed = {p.import_path: p for p in gotool.list_deps(slowapp, ["."])}
    std = [p for p in measured.packages if p.origin == "std"]
    for p in std:
        for f in p.findings:  # only files this build compiles, and no fix for GOROOT
            assert Path(f["file"]).name in listed[p.path].go_files + listed[p.path].cgo_files
            assert f["fix"] == "none" and not f["file"].endswith("_test.go")
        assert p.estimated_saving_ms == (0.0 if p.findings else None)
    # lazy-init reports nothing there; init-hooks reports their real init() functions
    # (flag's reads os.Args, regexp's fills specialBytes: no fix in GOROOT)
    picked = [p for p in std if p.path in ("flag", "fmt", "os", "regexp", "time")]
    assert all(f["rule"] == "init-hooks" for p in picked for f in p.findings)
    assert any(f["message"].startswith("init() at regexp.go:") for p in picked for f in p.findings)
    assert any(p.findings for p in std)  # unicode's tables: real, not fixable here


def _explained(app: Path, trace: list[str], flags: list[str] | None = None) -> profile.Profile:
    """The profile of `app` from a made-up trace and the real listing, explained."""
    listed = gotool.list_deps(app, ["."], flags or [])
    goroot = gotool.settings(app, "GOROOT")["GOROOT"]
    spec = bench.VariantSpec("profile", bench.WORKTREE, tuple(flags or []))
    result = profile.attribute(
        bench.Settings("."), spec, "go1.22", goroot, 1, profile.measure([_run(*trace)]), listed
    )
    profile.explain(result, app, listed, goroot)
    return result


def test_only_the_files_of_the_build_are_read(tmp_path: Path) -> None:
    app = tmp_path / "slowapp"
    shutil.copytree(SLOWAPP, app)
    dep = app / "deps" / "example.com" / "slowdep"
    heavy = 'package slowdep\n\nimport "regexp"\n\nvar other = regexp.MustCompile(`x+`)\n'
    (dep / "other_windows.go").write_text(heavy)
    (dep / "other_test.go").write_text(heavy.replace("other", "inTest"))
    (dep / "gen.go").write_text("//go:build ignore\n\n" + heavy.replace("slowdep", "main"))
    # generic methods (Go 1.27) do not parse in tree-sitter-go: the package is skipped
    (dep / "words" / "new.go").write_text(
        "package words\n\ntype R struct{}\n\nfunc (R) N[T any]() {}\n"
    )
    result = _explained(app, [f"init {DEP} @0 ms, 1.0 ms clock, 10 bytes, 1 allocs"])
    by_path = {p.path: p for p in result.packages}
    files = {Path(f["file"]).name for f in by_path[DEP].findings}
    assert files == {"slowdep.go"}
    assert by_path[WORDS].skipped and "new.go" in by_path[WORDS].skipped[0]
    assert any(WORDS in w and "could not read" in w for w in result.warnings)
    assert by_path[DEP].estimated_saving_ms == pytest.approx(0.5)


def test_a_removed_debug_import_saves_what_only_it_links(tmp_path: Path) -> None:
    app = tmp_path / "slowapp"
    shutil.copytree(SLOWAPP, app)
    (app / "debug.go").write_text('package main\n\nimport _ "expvar"\n')
    trace = [
        "init flag @0 ms, 0.010 ms clock, 10 bytes, 1 allocs",
        "init encoding/json @0 ms, 0.020 ms clock, 10 bytes, 1 allocs",
        "init net/http @0 ms, 0.030 ms clock, 10 bytes, 1 allocs",
        "init expvar @0 ms, 0.040 ms clock, 10 bytes, 1 allocs",
        "init main @0 ms, 0.001 ms clock, 10 bytes, 1 allocs",
    ]
    result = _explained(app, trace)
    main = next(p for p in result.packages if p.path == APP)
    [finding] = main.findings
    assert (finding["rule"], finding["fix"], Path(finding["file"]).name) == (
        "debug-imports",
        "unsafe",
        "debug.go",
    )
    # expvar, net/http and encoding/json leave the build with the import; flag stays
    assert main.saving_basis == "unlinked"
    assert main.estimated_saving_ms == pytest.approx(0.040 + 0.030 + 0.020)


def test_importers_are_loaded_in_the_programs_own_module(tmp_path: Path) -> None:
    """As scan does: an exported table whose address another package of the module takes
    cannot become a call, so it has no fix (without importers it would look fixable)."""
    app = tmp_path / "slowapp"
    shutil.copytree(SLOWAPP, app)
    entries = "".join(f'\t"k{i}": "v{i}",\n' for i in range(40))
    (app / "internal" / "names" / "big.go").write_text(
        f"package names\n\n// Big is a big table.\nvar Big = map[string]string{{\n{entries}}}\n"
    )
    (app / "addr.go").write_text(
        'package main\n\nimport "example.com/slowapp/internal/names"\n\nvar big = &names.Big\n'
    )
    result = _explained(app, [])
    names = next(p for p in result.packages if p.path == f"{APP}/internal/names")
    [finding] = names.findings
    assert finding["fix"] == "none" and "addr.go" in finding["message"], finding["message"]


def test_rule_options_come_from_the_users_config(tmp_path: Path) -> None:
    app = tmp_path / "slowapp"
    shutil.copytree(SLOWAPP, app)
    (app / ".codemod.toml").write_text("[rules.lazy-init]\nmin_map_entries = 3\n")
    result = _explained(app, [])
    words = next(p for p in result.packages if p.path == WORDS)
    assert [f["rule"] for f in words.findings] == ["lazy-init"]
    assert "a map literal of 3 entries" in words.findings[0]["message"]


# ---------------------------------------------------------------------------- bad input


def one_line_error(res: Any, *parts: str) -> None:
    assert res.returncode == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("codemod: "), res.stderr
    assert "Traceback" not in res.stderr and all(p in lines[0] for p in parts), lines[0]


def test_bad_input_is_one_line_and_exit_2(slowapp: Path, tmp_path: Path) -> None:
    one_line_error(run("profile", "--pkg", ".", "--ready", "nope", cwd=slowapp), "--ready nope")
    one_line_error(run("profile", "--pkg", "./internal/names", cwd=slowapp), "not a main package")
    one_line_error(run("profile", "--pkg", "./nope", cwd=slowapp), "go build ./nope failed")
    one_line_error(run("profile", "--pkg", ".", "--args", "-nosuchflag", "-n", "1", cwd=slowapp), "exited with status 2")  # fmt: skip
    one_line_error(run("profile", "--pkg", ".", "--env", "NOEQUALS", cwd=slowapp), "--env NOEQUALS")
    bad = tmp_path / "badconfig"
    shutil.copytree(slowapp, bad)
    (bad / ".codemod.toml").write_text("[rules.lazy-init]\nnope = 1\n")
    one_line_error(
        run("profile", "--pkg", ".", "--args", "-nosuchflag", cwd=bad), ".codemod.toml", "nope"
    )
    res = run("profile", "--pkg", ".", "--args", "-version", "-n", "1", "--warmup", "0", "-o", str(tmp_path / "no" / "x.json"), "--format", "json", cwd=slowapp)  # fmt: skip
    one_line_error(res, "x.json", "cannot write")


# ---------------------------------------------------------------------------- pure parts


def _run(*lines: str) -> bench.Run:
    return bench.Run(5.0, inittrace.parse("".join(line + "\n" for line in lines)))


def test_medians_per_package_and_of_the_totals() -> None:
    runs = [
        _run("init a @0 ms, 1.0 ms clock, 10 bytes, 1 allocs", "init main @1 ms, 3.0 ms clock, 0 bytes, 0 allocs"),
        _run("init a @0 ms, 2.0 ms clock, 20 bytes, 2 allocs", "init main @3 ms, 0 ms clock, 0 bytes, 0 allocs"),
        _run("init a @0 ms, 3.0 ms clock, 30 bytes, 3 allocs", "init main @2 ms, 1.0 ms clock, 0 bytes, 0 allocs"),
    ]  # fmt: skip
    m = profile.measure(runs)
    assert m.order == ("a", "main") and m.runs == 3
    assert (m.timings["a"].clock_ms, m.timings["a"].bytes, m.timings["a"].allocs) == (2.0, 20, 2)
    assert (m.timings["main"].clock_ms, m.timings["main"].start_ms) == (1.0, 2.0)
    assert m.total_init_ms == 4.0  # the median of 4, 2, 4; not the sum of the medians, 3


def test_edges_skip_packages_without_init_and_are_reduced() -> None:
    # main -> a -> (b, no init) -> c ; main -> c directly too: implied by main -> a -> c.
    imports = {"main": ["a", "c"], "a": ["b"], "b": ["c"], "c": []}
    assert profile.init_edges(["c", "a", "main"], imports) == [("a", "c"), ("main", "a")]


def _pkg(path: str, ms: float, index: int | None) -> profile.PackageProfile:
    return profile.PackageProfile(path, "m", "v1", "dependency", None, ms, None, 0, 0, (), index)


def test_critical_path_is_the_shortest_prefix_reaching_the_share() -> None:
    packages = [_pkg("a", 5.0, 0), _pkg("b", 3.0, 1), _pkg("c", 1.0, 2), _pkg("d", 1.0, 3), _pkg("e", 0.0, None)]  # fmt: skip
    imports = {"main": ["b", "a"], "a": ["c"], "b": ["c"], "c": ["d"]}
    steps = profile.critical_path(packages, 10.0, "main", imports)
    assert [(s.path, s.cumulative_share) for s in steps] == [("a", 0.5), ("b", 0.8)]
    assert steps[0].chain == ("main", "a")
    assert profile.critical_path(packages[2:], 0.0, "main", imports)[0].share == 0.0


def test_no_init_time_gives_strict_json() -> None:
    packages = [_pkg("a", 0.0, 0)]
    doc = profile.Profile(
        pkg=".", args=(), ready="exit", runs=1, warmup=0, build_flags=(), env={}, go="go1",
        binary_bytes=1, wall_ms=1.0, total_init_ms=0.0, attributed_ms=0.0, packages=packages,
        modules=profile.modules(packages, 0.0), critical_path=[], edges=[], warnings=[],
    )  # fmt: skip
    parsed = strict_json(render_profile.json_text(doc))
    assert parsed["modules"][0]["share"] == 0 and parsed["packages"][0]["share"] == 0


def test_vendored_module_directory() -> None:
    module = gotool.ListedModule("example.com/m", "v1.0.0", False, None, None)
    package = gotool.ListedPackage(
        "example.com/m/sub/pkg", "pkg", Path("/p/vendor/example.com/m/sub/pkg"), False, module, (), (), ()
    )  # fmt: skip
    info = profile.module_info([package], "/goroot")
    assert info["example.com/m"].dir == "/p/vendor/example.com/m"
    assert info["std"].dir == "/goroot/src"


def test_a_traced_package_go_list_does_not_know_is_kept_as_unknown() -> None:
    app = gotool.ListedModule("example.com/app", "", True, Path("/app"), None)
    listed = [
        gotool.ListedPackage("runtime", "runtime", Path("/go/src/runtime"), True, None, (), (), ()),
        gotool.ListedPackage("example.com/app", "main", Path("/app"), False, app, ("runtime",), (), ()),
    ]  # fmt: skip
    measured = profile.measure(
        [_run("init runtime @0 ms, 0.1 ms clock, 0 bytes, 0 allocs", "init odd/linked @0.1 ms, 0.3 ms clock, 8 bytes, 1 allocs", "init main @0.4 ms, 0.2 ms clock, 8 bytes, 1 allocs")]
    )  # fmt: skip
    settings = bench.Settings(".")
    result = profile.attribute(settings, bench.VariantSpec("profile", bench.WORKTREE), "go1.99", "/go", 1, measured, listed)  # fmt: skip
    by_path = {p.path: p for p in result.packages}
    assert [p.path for p in result.packages] == ["runtime", "odd/linked", "example.com/app"]
    assert (by_path["odd/linked"].origin, by_path["odd/linked"].module) == ("unknown", None)
    assert (by_path["runtime"].module, by_path["runtime"].version) == ("std", "go1.99")
    assert by_path["example.com/app"].origin == "main" and by_path["example.com/app"].init_ms == 0.2
    assert [(m.path, m.origin) for m in result.modules] == [
        (None, "unknown"),
        ("example.com/app", "main"),
        ("std", "std"),
    ]
    assert result.modules[2].dir == "/go/src"
    assert any("odd/linked" in w and "origin unknown" in w for w in result.warnings)
    assert "│ (unknown) " in render_profile.text_string(result)
    assert strict_json(render_profile.json_text(result))["modules"][0]["path"] is None
