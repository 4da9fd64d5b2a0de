"""What runs at a package's init, and why it has no fix (issue 14, items 3 and 4): the
items syntax finds (startup.init_items), their fix or why_not (profile.explain_work),
and the two coverage shares (profile.coverage), on hand-made data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from codemod import profile, startup
from codemod.model import Module
from codemod.profile import PackageProfile
from codemod.render import pct
from codemod.render_html import html_text
from codemod.startup import MUST_RUN, InitItem
from codemod.testing import package
from tests.conftest import TESTDATA
from tests.test_cli import run
from tests.test_profile import strict_json

REGISTERS = """package p

import (
	"expvar"
	"flag"
	"net/http"
	"regexp"

	"google.golang.org/protobuf/runtime/protoimpl"
)

var name = flag.String("name", "", "who")

var hits = expvar.NewInt("hits")

var word = regexp.MustCompile(`a+`)

var later = func() { flag.Parse() }

func init() {
	http.HandleFunc("/x", nil)
	file_p_proto_init()
}

func init() {
	flag.Parse()
	http.Handle("/y", nil)
}

func file_p_proto_init() {
	out := protoimpl.TypeBuilder{}.Build()
	_ = out
}
"""


def _at(prefix: str, source: str = REGISTERS) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if line.startswith(prefix))


def test_items_are_initializers_inits_and_registrations_with_what_they_fill() -> None:
    found = [
        (i.kind, i.line, i.into, i.only_registers)
        for i in startup.init_items(package({"p.go": REGISTERS}))
    ]
    first, second = [
        i for i, line in enumerate(REGISTERS.splitlines(), 1) if line == "func init() {"
    ]
    proto = "protobuf's protoregistry.GlobalFiles and GlobalTypes"
    assert found == [
        ("registration", _at("var name"), "flag.CommandLine", False),
        ("registration", _at("var hits"), "expvar's published variables (/debug/vars)", False),
        ("var", _at("var word"), "", False),
        # registers directly and through its own function: all of it must run before main
        ("init", first, f"http.DefaultServeMux, {proto}", True),
        ("registration", first + 1, "http.DefaultServeMux", False),
        # flag.Parse registers nothing: this init() does other work too
        ("init", second, "http.DefaultServeMux", False),
        ("registration", second + 2, "http.DefaultServeMux", False),
        ("registration", _at("\tout := protoimpl"), proto, False),
    ]
    summaries = [i.summary for i in startup.init_items(package({"p.go": REGISTERS}))]
    assert summaries[0] == 'name = flag.String("name", "", "who")'
    assert summaries[3].startswith('func init() { http.HandleFunc("/x", nil) file_p_proto_init()')


PROMETHEUS = """package prometheus

var defaultRegistry = NewRegistry()

func init() {
	MustRegister(NewGoCollector())
}

func NewRegistry() *int { return new(int) }

func NewGoCollector() int { return 0 }

func MustRegister(int) {}
"""


def test_a_registry_package_registers_through_its_own_functions() -> None:
    """prometheus's init() calls its own MustRegister: into its DefaultRegisterer; its own
    NewRegistry() registers nothing, and a package elsewhere with the same function names
    registers nothing either."""
    path = "github.com/prometheus/client_golang/prometheus"
    module = Module(Path("/mod"), path, (1, 22))
    found = startup.init_items(package({"p.go": PROMETHEUS}, "/mod", module))
    into = "prometheus.DefaultRegisterer"
    assert [(i.kind, i.into, i.only_registers, i.calls) for i in found] == [
        ("var", "", False, "NewRegistry"),
        ("init", into, True, ""),
        ("registration", into, False, ""),
    ]
    elsewhere = Module(Path("/mod"), "example.com/metrics", (1, 22))
    found = startup.init_items(package({"p.go": PROMETHEUS}, "/mod", elsewhere))
    assert [(i.kind, i.into, i.only_registers) for i in found] == [
        ("var", "", False),
        ("init", "", False),
    ]


def test_a_long_initializer_is_summarised_on_one_line() -> None:
    long = "package p\n\nvar table = build(\n" + "".join(f'\t"{i}",\n' for i in range(60)) + ")\n"
    [item] = startup.init_items(package({"p.go": long}))
    assert "\n" not in item.summary and len(item.summary) == startup.SUMMARY_CHARS
    assert item.summary.startswith('table = build( "0", "1",') and item.summary.endswith("…")


def _item(kind: str, line: int, into: str = "", only: bool = False) -> InitItem:
    return InitItem(kind, "/m/p.go", line, f"summary {line}", into, only)


def _finding(line: int, fix: str, message: str) -> dict[str, Any]:
    return {"rule": "lazy-init", "file": "/m/p.go", "line": line, "fix": fix, "message": message}


def test_each_item_gets_its_fix_or_why_not() -> None:
    items = [
        _item("var", 3),
        _item("var", 5),
        _item("registration", 7, "prometheus.DefaultRegisterer"),
        _item("init", 9, "http.DefaultServeMux", only=True),
        _item("init", 12, "flag.CommandLine"),
        _item("init", 15),
        _item("var", 17),
        InitItem("var", "/m/p.go", 19, "x = match(`a`)", calls="match"),
    ]
    findings = [
        _finding(3, "safe", "re: regexp.MustCompile runs at every start; build it on first use"),
        _finding(5, "none", "m: a map literal of 40 entries runs at every start; not made lazy: "
                 "no gain: read at start-up by init() at p.go:15"),
    ]  # fmt: skip
    work = profile.explain_work(items, findings, "dependency")
    assert (
        work[0]["fix"]
        == {
            "rule": "lazy-init",
            "safety": "safe",
            "message": findings[0]["message"],
        }
        and "why_not" not in work[0]
    )
    assert [w.get("why_not") for w in work[1:]] == [
        "no gain: read at start-up by init() at p.go:15",
        f"registers into prometheus.DefaultRegisterer: {MUST_RUN}",
        f"registers into http.DefaultServeMux: {MUST_RUN}",
        "an init() body: no rule defers it (it also registers into flag.CommandLine)",
        "an init() body: no rule defers it",
        "no rule reports it: a map below lazy-init's min_map_entries, or a conversion",
        "no rule reports it: match(...) is no constructor a rule knows",
    ]
    assert work[1] == {"kind": "var", "file": "/m/p.go", "line": 5, "summary": "summary 5",
                       "why_not": work[1]["why_not"]}  # fmt: skip
    std = profile.explain_work([_item("var", 17)], [], "std")
    assert std[0]["why_not"] == profile.STD_NO_FIX


def _pkg(path: str, ms: float, origin: str, fix: str | None, why: list[str]) -> PackageProfile:
    p = PackageProfile(path, path, "v1", origin, None, ms, 0.0, 0, 0, (), 0)  # type: ignore[arg-type]
    p.findings = [_finding(1, fix, "m")] if fix else []
    p.init_work = [{"kind": "var", "why_not": w} for w in why]
    return p


def test_coverage_shares_of_dependency_init_time() -> None:
    must = f"registers into flag.CommandLine: {MUST_RUN}"
    packages = [
        _pkg("a", 1.0, "dependency", "unsafe", []),  # a fix: 1.0
        _pkg("b", 0.5, "dependency", None, [must, must]),  # unavoidable: 0.5
        _pkg("c", 0.25, "dependency", None, [must, "an init() body: no rule defers it"]),
        _pkg("d", 0.25, "dependency", "none", []),  # a finding without a fix, no items
        _pkg("e", 0.0, "dependency", None, [must]),
        _pkg("s", 2.0, "std", None, [must]),  # not a dependency: neither base nor share
        _pkg("m", 3.0, "main", "safe", []),
    ]
    c = profile.coverage(packages)
    assert (c.dependency_ms, c.fixable_ms, c.unavoidable_ms) == (2.0, 1.0, 0.5)
    assert (c.fixable_share, c.unavoidable_share) == (0.5, 0.25)
    assert profile.coverage([]).fixable_share == 0.0  # no dependency time: no division
    # the listing: no std, no fix, init time; costliest first
    assert [p.path for p in profile.without_fix(packages)] == ["b", "c", "d"]


@pytest.mark.parametrize("why", [[], [""]])
def test_no_items_or_an_empty_reason_is_not_unavoidable(why: list[str]) -> None:
    assert not profile.unavoidable(_pkg("x", 1.0, "dependency", None, why))


# ---------------------------------------------------------------------------- a real run

INITAPP = TESTDATA / "profile" / "initapp"
DEP = "example.com/initdep"


@pytest.fixture(scope="module")
def initapp_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = tmp_path_factory.mktemp("initapp") / "initapp"
    shutil.copytree(INITAPP, app)
    res = run("profile", "--pkg", ".", "--args", "-version", "-n", "3", "--format", "json", cwd=app)  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = strict_json(res.stdout)
    doc["_app"] = app
    return doc


def test_profile_json_lists_what_runs_at_init_and_both_shares(initapp_doc: dict[str, Any]) -> None:
    doc = initapp_doc
    app = doc["_app"]
    packages = {p["path"]: p for p in doc["packages"]}
    register = app / "deps" / DEP / "register" / "register.go"
    text = register.read_text()
    must = f": {MUST_RUN}"
    assert packages[f"{DEP}/register"]["init_work"] == [
        {"kind": "registration", "file": str(register.resolve()), "line": _at("var name", text),
         "summary": 'name = flag.String("name", "world", "who to greet")',
         "why_not": f"registers into flag.CommandLine{must}"},
        {"kind": "registration", "file": str(register.resolve()), "line": _at("var hits", text),
         "summary": 'hits = expvar.NewInt("hits")',
         "why_not": f"registers into expvar's published variables (/debug/vars){must}"},
        {"kind": "init", "file": str(register.resolve()), "line": _at("func init", text),
         "summary": 'func init() { http.HandleFunc("/hello", hello) }',
         "why_not": f"registers into http.DefaultServeMux{must}"},
        {"kind": "registration", "file": str(register.resolve()), "line": _at("\thttp.", text),
         "summary": 'http.HandleFunc("/hello", hello)',
         "why_not": f"registers into http.DefaultServeMux{must}"},
    ]  # fmt: skip
    [lazy] = packages[f"{DEP}/lazy"]["init_work"]
    assert (lazy["kind"], lazy["fix"]["rule"], lazy["fix"]["safety"]) == (
        "var",
        "lazy-init",
        "safe",
    )
    assert lazy["fix"]["message"].startswith("word: regexp.MustCompile runs at every start")
    [slow] = packages[f"{DEP}/slow"]["init_work"]
    # init-hooks says why the init() stays (it reads the clock)
    assert (slow["kind"], slow["why_not"]) == (
        "init",
        "calls time.Now, whose result may differ at first use",
    )
    # the shares: of the three dependency packages' measured clock
    deps = [p for p in doc["packages"] if p["origin"] == "dependency"]
    assert {p["path"] for p in deps} == {f"{DEP}/register", f"{DEP}/lazy", f"{DEP}/slow"}
    c = doc["coverage"]
    total = sum(p["init_ms"] for p in deps)
    assert c["dependency_init_ms"] == pytest.approx(total) and total >= 1.0  # slow spins 1 ms
    assert c["fixable_ms"] == pytest.approx(packages[f"{DEP}/lazy"]["init_ms"])
    assert c["unavoidable_ms"] == pytest.approx(packages[f"{DEP}/register"]["init_ms"])
    assert c["fixable_share"] == pytest.approx(c["fixable_ms"] / total)
    assert c["unavoidable_share"] == pytest.approx(c["unavoidable_ms"] / total)
    assert 0 < c["unavoidable_share"] < 1 and 0 < c["fixable_share"] < 1
    assert doc["without_fix"][0] == f"{DEP}/slow"
    assert f"{DEP}/lazy" not in doc["without_fix"]


def test_text_markdown_and_html_show_the_shares_and_what_has_no_fix(
    initapp_doc: dict[str, Any],
) -> None:
    app = initapp_doc["_app"]
    c = initapp_doc["coverage"]
    shares = [
        f"dependency init with a proposed fix: {pct(c['fixable_share'])}",
        f"dependency init explained as unavoidable: {pct(c['unavoidable_share'])}",
    ]
    res = run("profile", "--pkg", ".", "--args", "-version", "-n", "1", "--warmup", "0", cwd=app)  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert all(line.split(":")[0] in out for line in shares)
    assert "costliest packages with no proposed fix" in out
    assert re.search(rf"\d\. {re.escape(DEP)}/slow  .* ms, dependency, 1 thing", out)
    assert "slow.go:9 init func init() { deadline := " in out
    assert "-- calls time.Now, whose result may differ at first use" in out
    res = run("profile", "--pkg", ".", "--args", "-version", "-n", "1", "--warmup", "0", "--format", "markdown", cwd=app)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert all(f"- {line.split(':')[0]}:" in res.stdout for line in shares)
    assert (
        f"`{DEP}/slow`  " in res.stdout and "Costliest packages with no proposed fix" in res.stdout
    )
    doc = dict(initapp_doc)
    del doc["_app"]
    page = html_text(doc)
    assert all(f"{line.split(': ')[0]}: <b>{line.split(': ')[1]}</b>" in page for line in shares)
    assert "No fix: what runs at init, and why" in page
    assert f"registers into http.DefaultServeMux: {MUST_RUN}" in page
    assert "slow.go:9" in page
