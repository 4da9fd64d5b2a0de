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
from codemod.scope import PackageScope
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
                       "cost": "costly", "why_not": work[1]["why_not"]}  # fmt: skip
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
         "summary": 'name = flag.String("name", "world", "who to greet")', "cost": "unknown",
         "why_not": f"registers into flag.CommandLine{must}"},
        {"kind": "registration", "file": str(register.resolve()), "line": _at("var hits", text),
         "summary": 'hits = expvar.NewInt("hits")', "cost": "unknown",
         "why_not": f"registers into expvar's published variables (/debug/vars){must}"},
        {"kind": "init", "file": str(register.resolve()), "line": _at("func init", text),
         "summary": 'func init() { http.HandleFunc("/hello", hello) }', "cost": "unknown",
         "why_not": f"registers into http.DefaultServeMux{must}"},
        {"kind": "registration", "file": str(register.resolve()), "line": _at("\thttp.", text),
         "summary": 'http.HandleFunc("/hello", hello)', "cost": "unknown",
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
    assert (slow["kind"], slow["cost"], slow["why_not"]) == (
        "init",
        "costly",
        "calls time.Now, whose result may differ at first use",
    )
    # the shares: of the three dependency packages' measured clock
    deps = [p for p in doc["packages"] if p["origin"] == "dependency"]
    assert {p["path"] for p in deps} == {
        f"{DEP}/{n}" for n in ("register", "lazy", "slow", "copies")
    }
    # init time and no item (its vars copy other vars): the reason is given
    copies = packages[f"{DEP}/copies"]
    assert copies["init_ms"] > 0 and copies["init_work"] == []
    assert copies["init_work_note"] == profile.no_items_reason(PackageProfile(
        copies["path"], DEP, None, "dependency", None, copies["init_ms"], 0.0, 0, 0, (), 0
    ))  # fmt: skip
    assert copies["init_work_note"].startswith("no init() and no initializer with a call")
    assert packages[f"{DEP}/slow"]["init_work_note"] == ""
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
    assert f"ms in packages with {profile.UNAVOIDABLE})" in " ".join(
        out.split()
    )  # what the share counts
    copies = out.split(f"{DEP}/copies", 1)[1].splitlines()
    assert copies[0].endswith("0 thing(s) at init") and copies[1].startswith("   no init() and")
    res = run("profile", "--pkg", ".", "--args", "-version", "-n", "1", "--warmup", "0", "--format", "markdown", cwd=app)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert all(f"- {line.split(':')[0]}:" in res.stdout for line in shares)
    assert (
        f"`{DEP}/slow`  " in res.stdout and "Costliest packages with no proposed fix" in res.stdout
    )
    assert f"ms in packages with {profile.UNAVOIDABLE})" in res.stdout
    doc = dict(initapp_doc)
    del doc["_app"]
    page = html_text(doc)
    assert all(f"{line.split(': ')[0]}: <b>{line.split(': ')[1]}</b>" in page for line in shares)
    assert "No fix: what runs at init, and why" in page
    assert profile.UNAVOIDABLE in page
    assert "no init() and no initializer with a call" in page  # the copies package's note
    assert f"registers into http.DefaultServeMux: {MUST_RUN}" in page
    assert "slow.go:9" in page


REGISTRATION = TESTDATA / "lazy-init" / "registration"


def test_profile_of_the_registration_golden_case_says_why_registrations_stay(
    tmp_path: Path,
) -> None:
    """Issue 14's unavoidable registration beside values that get fixes (the golden case's
    input): each registration's why_not is MUST_RUN; the values a handler registered at
    init reads still get their fix (the handler is stored, not run, at init)."""
    app = tmp_path / "registration"
    shutil.copytree(REGISTRATION, app, ignore=shutil.ignore_patterns("*.golden"))
    args = ("--pkg", "./cmd/items", "--args", "-version", "-n", "1", "--warmup", "0")
    res = run("profile", *args, "--format", "json", cwd=app)
    assert res.returncode == 0, res.stderr
    [items] = [
        p
        for p in strict_json(res.stdout)["packages"]
        if p["path"] == "example.com/registration/items"
    ]
    text = (app / "items" / "items.go").read_text()
    got = {
        (w["line"], w["kind"]): w.get("why_not") or w["fix"]["safety"] for w in items["init_work"]
    }
    init = _at("func init", text)
    assert got == {
        (_at("var Prefix", text), "registration"): f"registers into flag.CommandLine: {MUST_RUN}",
        (_at("var served", text), "registration"):
            f"registers into expvar's published variables (/debug/vars): {MUST_RUN}",
        (_at("var itemPath", text), "var"): "safe",
        (_at("var slugger", text), "var"): "safe",
        (init, "init"): f"registers into http.DefaultServeMux: {MUST_RUN}",
        (init + 1, "registration"): f"registers into http.DefaultServeMux: {MUST_RUN}",
    }  # fmt: skip


# ---------------------------------------------------------------------------- honest shares

WEIGHTS = """package prometheus

import (
	"fmt"
	"reflect"
	"strings"
)

var errLabel = fmt.Errorf("%q is not allowed", "le")

var objectives = map[float64]float64{0.5: 0.05, 0.9: 0.01}

var byID = make(map[int]string)

var scratch = make([]byte, 1<<20)

var errorType = reflect.TypeOf((*error)(nil)).Elem()

var now = nowFunc(func() int { return 0 })

var defaultRegistry = NewRegistry()

var dashes = strings.Repeat("-", 3)

type nowFunc func() int

type Registry struct{ names map[string]int }

func NewRegistry() *Registry { return &Registry{names: map[string]int{}} }

// DefaultRegisterer is what MustRegister registers into: a copy, no item of its own.
var DefaultRegisterer = defaultRegistry

func MustRegister(name string) { DefaultRegisterer.names[name]++ }

func init() {
	MustRegister("go")
}
"""
PROMETHEUS_MODULE = Module(Path("/mod"), "github.com/prometheus/client_golang/prometheus", (1, 22))


def test_items_say_which_are_cheap_and_which_feed_a_registration() -> None:
    """errors, small maps, make without a large size, reflect.TypeOf and conversions do
    next to no work; a value a registering init() reads (here through another var's
    initializer, as in prometheus) must be built before it."""
    found = startup.init_items(package({"p.go": WEIGHTS}, "/mod", PROMETHEUS_MODULE))
    got = {i.summary.split(" =")[0]: (i.cheap, i.read_by) for i in found if i.kind == "var"}
    init = (
        f"init() at p.go:{_at('func init', WEIGHTS)} (through MustRegister), "
        "through DefaultRegisterer"
    )
    assert got == {
        "errLabel": (True, ""),
        "objectives": (True, ""),
        "byID": (True, ""),
        "scratch": (False, ""),  # a megabyte: not next to nothing
        "errorType": (True, ""),
        "now": (True, ""),  # a conversion to the package's own func type
        "defaultRegistry": (False, init),
        "dashes": (False, ""),  # a call syntax cannot price
    }


LOOPS = """package p

var DefaultList = &List{}

var rules = []string{"com", "org"}

type List struct{ names []string }

func (l *List) Add(s string) { l.names = append(l.names, s) }

func load() {
	for _, r := range rules {
		DefaultList.Add(r)
	}
}

func init() {
	load()
}

func init() {
	DefaultList.Add("net")
}
"""


def test_a_loop_in_a_function_init_calls_is_followed() -> None:
    """filled_by_init and the init() item see the loop init() reaches through load()."""
    pkg = package({"p.go": LOOPS})
    filled = startup.filled_by_init(pkg, PackageScope.of(pkg))
    first, second = [i for i, t in enumerate(LOOPS.splitlines(), 1) if t == "func init() {"]
    assert filled == {
        "DefaultList": f"init() at p.go:{first} calls DefaultList.Add in a loop (through load)"
    }
    inits = [i for i in startup.init_items(pkg) if i.kind == "init"]
    assert [(i.line, i.loop) for i in inits] == [
        (first, "a loop in load (called by init())"),
        (second, ""),  # one call, no loop
    ]


def test_work_is_listed_costly_first_and_cheap_items_have_their_own_reason() -> None:
    items = [
        InitItem("var", "/m/p.go", 3, "e = fmt.Errorf(...)", calls="fmt.Errorf", cheap=True),
        InitItem("var", "/m/p.go", 4, "m = make(map[int]string)", calls="make", cheap=True),
        InitItem("var", "/m/p.go", 5, "r = NewRegistry()", calls="NewRegistry"),
        InitItem("init", "/m/p.go", 7, "func init() { load() }", loop="a loop in load (called by init())"),
        InitItem("var", "/m/p.go", 9, "re = regexp.MustCompile(`a`)", calls="regexp.MustCompile"),
        InitItem("var", "/m/p.go", 11, "c = newCache()", calls="newCache", cheap=True),
    ]  # fmt: skip
    findings = [
        _finding(9, "safe", "re: regexp.MustCompile runs at every start; build it on first use"),
        _finding(11, "none", "c: a loop in newCache runs at every start; not made lazy: "
                 "no gain: read at start-up by init() at p.go:7"),
    ]  # fmt: skip
    work = profile.explain_work(items, findings, "dependency")
    assert [(w["line"], w["cost"]) for w in work] == [
        (7, "costly"),  # a loop
        (9, "costly"),  # a rule knows its cost
        (11, "costly"),
        (5, "unknown"),
        (3, "cheap"),
        (4, "cheap"),
    ]
    assert (
        work[0]["why_not"] == "an init() body: a loop in load (called by init()); no rule defers it"
    )
    assert (
        work[3]["why_not"] == "no rule reports it: NewRegistry(...) is no constructor a rule knows"
    )
    assert work[4]["why_not"] == "cheap: fmt.Errorf(...) does next to no work; nothing to defer"
    assert work[5]["why_not"] == "cheap: make(...) does next to no work; nothing to defer"


def test_unavoidable_counts_registrations_and_what_they_read_not_cheap_items() -> None:
    must = f"registers into prometheus.DefaultRegisterer: {MUST_RUN}"
    read = (
        f"read at start-up by init() at p.go:9 (through MustRegister), which registers: {MUST_RUN}"
    )
    cheap = {"why_not": "cheap: fmt.Errorf(...) does next to no work", "cost": "cheap"}
    p = _pkg("prom", 1.0, "dependency", None, [must, read])
    p.init_work.append(cheap)
    assert profile.unavoidable(p)
    only_cheap = _pkg("errs", 1.0, "dependency", None, [])
    only_cheap.init_work = [dict(cheap)]
    assert not profile.unavoidable(only_cheap)  # nothing must run: the time is unexplained
    unknown = _pkg("dec", 1.0, "dependency", None, [must])
    unknown.init_work.append(
        {"why_not": "no rule reports it: New(...) is no constructor", "cost": "unknown"}
    )
    assert not profile.unavoidable(unknown)


def test_a_package_with_init_time_and_no_items_gets_a_reason() -> None:
    """golang.org/x/text/encoding/charmap: 0.003 ms at init in gh-ost, and not one item:
    its vars copy other package vars (`iso8859_6E = internal.Encoding{Encoding:
    ISO8859_6}`, `listAll = []encoding.Encoding{CodePage037, ...}`)."""
    timed = _pkg("charmap", 0.003, "dependency", None, [])
    assert profile.no_items_reason(timed).startswith("no init() and no initializer with a call")
    assert profile.no_items_reason(_pkg("idle", 0.0, "dependency", None, [])) == ""
    assert profile.no_items_reason(_pkg("std", 0.1, "std", None, [])) == ""
    assert profile.no_items_reason(_pkg("some", 0.1, "dependency", None, ["x"])) == ""


def test_a_function_init_starts_with_go_is_not_followed() -> None:
    started = LOOPS.replace("func init() {\n\tload()", "func init() {\n\tgo load()")
    pkg = package({"p.go": started})
    assert startup.filled_by_init(pkg, PackageScope.of(pkg)) == {}
    assert [i.loop for i in startup.init_items(pkg) if i.kind == "init"] == ["", ""]


CALLED_LITERAL = """package styles

var Registry = func() map[string]int {
	registry := map[string]int{}
	for _, name := range []string{"a", "b"} {
		registry[name] = len(name)
	}
	return registry
}()

var later = func() int { return 1 }
"""


def test_a_func_literal_called_at_once_runs_at_init() -> None:
    """chroma's styles.Registry (6.5 ms of glow's init: it parses every embedded XML style
    in a loop) is a func literal called in its initializer: its body runs at init."""
    [item] = startup.init_items(package({"p.go": CALLED_LITERAL}))
    assert (item.loop, item.calls) == ("a loop in the func literal it calls", "func() {...}")
    [work] = profile.explain_work([item], [], "dependency")
    assert work["cost"] == "costly"
    assert work["why_not"] == (
        "a func literal called at once runs at init (a loop in the func literal it calls); "
        "no rule defers it"
    )
