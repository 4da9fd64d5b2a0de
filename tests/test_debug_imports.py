"""debug-imports claims only what the program's import graph shows (the golden cases in
testdata/debug-imports/ cover the graph the toolchain gives; these cover its absence)."""

from __future__ import annotations

from pathlib import Path

from codemod.model import GoFile, ImportGraph, Module, Package
from codemod.rule import Finding, Pass
from rules import debug_imports

MAIN = 'package main\n\nimport _ "expvar"\n\nfunc main() {}\n'


def findings(graph: ImportGraph | None) -> list[Finding]:
    module = Module(Path("/m"), "example.com/m", (1, 22))
    package = Package(Path("/m"), "main", module, [GoFile.of(Path("/m/main.go"), MAIN.encode())])
    options = {"fix": "build-tag", "tag": "debug"}
    pass_ = Pass(debug_imports.RULE, package, options, load_import_graph=lambda: graph)
    debug_imports.run(pass_)
    return pass_.findings


def created(finding: Finding) -> str:
    assert finding.fix is not None
    (text,) = [f.create for f in finding.fix.files if f.create is not None]
    return text


def test_without_a_toolchain_nothing_is_claimed_to_leave_the_binary() -> None:
    (finding,) = findings(None)
    assert "not checked" in finding.message and "unless another import links it" in finding.message
    comment = created(finding)
    assert "// link" not in comment and "// import expvar here (whether another" in comment
    assert finding.fix is not None and "unless another import" in finding.fix.reason


def test_a_graph_without_another_path_proves_it_leaves() -> None:
    graph = ImportGraph("example.com/m", {"example.com/m": ("expvar", "fmt"), "fmt": ()})
    (finding,) = findings(graph)
    assert "not checked" not in finding.message
    assert "links 1 package nothing else in the build imports (expvar)" in finding.message
    assert "default builds no longer\n// link expvar;" in created(finding)


def test_what_leaves_is_read_from_the_graph_not_assumed() -> None:
    """A program that already links encoding/json keeps it: the message must not claim
    that dropping expvar saves it, only what nothing else imports."""
    graph = ImportGraph(
        "example.com/m",
        {
            "example.com/m": ("expvar", "example.com/m/api"),
            "example.com/m/api": ("encoding/json",),
            "expvar": ("encoding/json", "runtime/metrics"),
            "encoding/json": ("reflect",),
        },
    )
    (finding,) = findings(graph)
    assert "links 2 packages nothing else in the build imports (expvar, runtime/metrics)" in (
        finding.message
    )
    assert "encoding/json" not in finding.message and "MB" not in finding.message


def test_a_graph_with_another_path_offers_no_move() -> None:
    graph = ImportGraph(
        "example.com/m",
        {"example.com/m": ("expvar", "example.com/m/x"), "example.com/m/x": ("expvar",)},
    )
    (finding,) = findings(graph)
    assert finding.fix is None
    assert "stays linked without this import (example.com/m -> example.com/m/x -> expvar)" in (
        finding.message
    )
    assert "links encoding/json" not in finding.message


def test_import_graph_paths() -> None:
    graph = ImportGraph("a", {"a": ("b", "t"), "b": ("c",), "c": ("t",), "t": ()})
    assert graph.path_to("t", without=("a", "t")) == ["a", "b", "c", "t"]
    assert graph.path_to("t") == ["a", "t"]
    assert graph.only_through("t", ("a", "t")) == []
    assert ImportGraph("a", {"a": ("t", "b"), "t": ("u", "b"), "b": ()}).only_through(
        "t", ("a", "t")
    ) == ["t", "u"]
    assert ImportGraph("a", {"a": ("t",), "t": ()}).path_to("t", without=("a", "t")) is None


def test_an_import_the_host_build_does_not_compile_is_not_claimed() -> None:
    """The graph is the host's build; a file for another GOOS is not in it."""
    graph = ImportGraph("example.com/m", {"example.com/m": ("fmt",), "fmt": ()})
    (finding,) = findings(graph)
    assert "not checked: the host's build" in finding.message
    assert "// import expvar here (whether another" in created(finding)


def test_the_mux_fix_imports_under_a_name_no_package_level_name_takes() -> None:
    """A package-level `pprof` in another file clashes with an import named pprof (Go:
    "pprof already declared through import of package"): the handlers use the alias."""
    main = (
        'package main\n\nimport (\n\t"net/http"\n\t_ "net/http/pprof"\n)\n\n'
        'func main() {\n\tmux := http.NewServeMux()\n\t_ = http.ListenAndServe(":1", mux)\n}\n'
    )
    module = Module(Path("/m"), "example.com/m", (1, 22))
    files = [
        GoFile.of(Path("/m/main.go"), main.encode()),
        GoFile.of(Path("/m/names.go"), b'package main\n\nvar pprof = "on"\n'),
    ]
    pass_ = Pass(
        debug_imports.RULE,
        Package(Path("/m"), "main", module, files),
        {"fix": "mux", "tag": "debug"},
    )
    debug_imports.run(pass_)
    (finding,) = pass_.findings
    assert finding.fix is not None
    (change,) = finding.fix.files
    assert [(i.action, i.name) for i in change.imports] == [("rename", "httppprof")]
    assert "httppprof.Index" in change.edits[0].text
