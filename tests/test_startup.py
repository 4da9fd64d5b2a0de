"""What a package's start-up reads: init bodies and eager initializers, through calls."""

from __future__ import annotations

from codemod import startup
from codemod.scope import PackageScope
from codemod.testing import package

SOURCE = """package p

var (
	a = build()
	b = build()
	c = build()
	d = build()
	e = d
	f = build()
	g = build()
	h = len(g)
)

var eager = helper()

func build() map[string]int { return nil }

func helper() int { return len(c) }

func unused() int { return len(f) }

func init() {
	_ = b
	_ = h
	go func() { _ = a }()
}
"""


def line(text: str) -> int:
    return SOURCE.splitlines().index(text) + 1


def test_read_at_startup_directly_through_calls_and_through_initializers_it_keeps_eager() -> None:
    pkg = package({"p.go": SOURCE, "p_test.go": "package p\n\nfunc init() { _ = d }\n"})
    read = startup.read_at_startup(pkg, PackageScope.of(pkg), set("abcdefgh"))
    init = f"init() at p.go:{line('func init() {')}"
    assert (
        read
        == {
            "b": init,
            "h": init,
            "c": f"the initializer of eager at p.go:{line('var eager = helper()')} (through helper)",
            "g": f"the initializer of h at p.go:{line('	h = len(g)')}",  # h stays eager
        }
    )  # a: in a func literal; d, e: deferred initializers; f: in a function start-up never calls; tests do not count


def test_nothing_deferred_nothing_read() -> None:
    pkg = package({"p.go": SOURCE})
    assert startup.read_at_startup(pkg, PackageScope.of(pkg), set()) == {}


WORK = """package p

import (
	"errors"
	"regexp"
	"time"
)

var static = []string{"a", "b"}
var errStatic = errors.New("x")
var deferred = func() *regexp.Regexp { return regexp.MustCompile("x") }
var compiled = regexp.MustCompile("x+")
var table = map[string]int{"a": 1}
var wait = time.Duration(5)
var x, y = 1, len(static)

func init() {}
"""


def test_init_work_is_every_init_and_every_initializer_that_may_cost() -> None:
    pkg = package({"w.go": WORK, "w_test.go": "package p\n\nfunc init() {}\n"})
    found = [(w.line, w.what) for w in startup.init_work(pkg)]
    lines = WORK.splitlines()

    def at(prefix: str) -> int:
        return next(i for i, text in enumerate(lines, 1) if text.startswith(prefix))

    # calls, conversions and maps cost (a conversion of a constant counted, conservatively);
    # literals, errors.New and func literals do not; test files are not part of a program
    assert found == [
        (at("func init"), "init()"),
        (at("var compiled"), "compiled"),
        (at("var table"), "table"),
        (at("var wait"), "wait"),
        (at("var x, y"), "x, y"),
    ]


CHAIN = """package p

var (
	a = build()
	b = build(a)
	c = build(b)
	d = build()
	e = build(d)
	kept = build(e)
)

func build(...interface{}) map[string]int { return nil }
"""


def test_a_chain_is_decided_together() -> None:
    """A deferred var that reads one staying eager stays eager too, naming the var the
    chain is stuck on; and what a var staying eager reads is read at start-up."""
    pkg = package({"p.go": CHAIN})
    deps = {"a": set(), "b": {"a"}, "c": {"b"}, "d": set(), "e": {"d"}, "kept": {"e"}}
    eager = startup.settle(pkg, PackageScope.of(pkg), deps, {"a": "assigned at p_test.go:3"})
    assert eager == {
        "a": "assigned at p_test.go:3",
        "b": "reads a, which stays eager: assigned at p_test.go:3",
        "c": "reads b, which stays eager (a: assigned at p_test.go:3)",
    }
    eager = startup.settle(pkg, PackageScope.of(pkg), deps, {"kept": "its address is taken"})
    assert eager == {
        "kept": "its address is taken",
        "e": "no gain: read at start-up by the initializer of kept at p.go:9",
        "d": "no gain: read at start-up by the initializer of e at p.go:8",
    }


FILLED = """package p

var (
	DefaultList = NewList()
	byID        = make(map[int]string)
	names       []string
	table       = map[string]*List{"a": NewList()}
	counts      = map[string]int{}
	read        = map[string]int{"a": 1}
	once        = NewList()
	later       = NewList()
	small       [4]byte
	grid        [4][4]int
)

type List struct{ rules map[string]bool }

func NewList() *List { return &List{rules: map[string]bool{}} }

func (l *List) Add(s string) { l.rules[s] = true }

var rules = [...]string{"a", "b"}

func init() {
	for i := range rules {
		r := rules[i]
		DefaultList.Add(r)
		byID[len(r)] = r
		names = append(names, r)
		table[r].rules[r] = true
		counts[r]++
		_ = read[r]
		go func() { later.Add(r) }()
	}
	once.Add("x")
	for _, b := range []byte("abc") {
		small[b%4] |= 1
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			grid[i][j] = i * j
		}
	}
}

func notInit() {
	for _, r := range rules {
		once.Add(r)
	}
}
"""


def test_filled_by_init_is_what_an_init_loop_writes_or_calls_methods_of() -> None:
    """Writes (assignments, ++, append) and method calls in an init() loop over a
    package var, or in nested loops; a read, a call outside a loop, a loop over a
    literal, a func literal and other functions do not count."""
    pkg = package(
        {
            "p.go": FILLED,
            "p_test.go": 'package p\n\nfunc init() {\n\tfor {\n\t\tread["b"] = 2\n\t}\n}\n',
        }
    )
    at = f"init() at p.go:{FILLED.splitlines().index('func init() {') + 1}"
    assert startup.filled_by_init(pkg, PackageScope.of(pkg)) == {
        "DefaultList": f"{at} calls DefaultList.Add in a loop",
        "byID": f"{at} writes into byID in a loop",
        "names": f"{at} writes into names in a loop",
        "table": f"{at} writes into table in a loop",
        "counts": f"{at} writes into counts in a loop",
        "grid": f"{at} writes into grid in a loop",
    }


HANDLERS = """package p

import (
	"flag"
	"net/http"
	"sort"
)

var (
	a = build()
	b = build()
	c = build()
	d = build()
	e = build()
)

func build() []int { return nil }

func serveA(w http.ResponseWriter, r *http.Request) { _ = a }
func serveB(w http.ResponseWriter, r *http.Request) { _ = b }
func parseC(s string) error                         { _ = c; return nil }
func lessD(i, j int) bool                           { return d[i] < d[j] }
func handlerE() http.HandlerFunc                    { _ = e; return nil }

func init() {
	http.HandleFunc("/a", serveA)
	http.Handle("/b", http.HandlerFunc(serveB))
	flag.Func("c", "usage", parseC)
	sort.Slice(d, lessD)
	http.Handle("/e", handlerE())
}
"""


def test_a_function_a_registration_stores_is_not_run_at_startup() -> None:
    """http.HandleFunc and flag.Func keep the function for later; sort.Slice calls it, and a
    function called to build the argument runs at init."""
    pkg = package({"p.go": HANDLERS})
    read = startup.read_at_startup(pkg, PackageScope.of(pkg), set("abcde"))
    assert sorted(read) == ["d", "e"]


def test_read_at_startup_besides_leaves_out_the_code_a_rewrite_moves() -> None:
    """init-hooks moves an init() to first use: what that init() reads no longer counts,
    what other start-up code reads still does."""
    pkg = package({"p.go": SOURCE})
    scope = PackageScope.of(pkg)
    init = f"init() at p.go:{line('func init() {')}"
    read = startup.read_at_startup_besides(pkg, scope, set("abcdefgh"), [init])
    assert set(read) == {"c"}  # g was read only by h, which only the init() kept eager
    assert startup.read_at_startup_besides(pkg, scope, set("bh"), []) == {"b": init, "h": init}


def test_only_code_start_up_may_run_is_resolved(monkeypatch) -> None:
    """Uses are resolved (owner, scope) only in var declarations, init() and the package
    functions their text names, transitively: a function start-up never calls costs no
    resolution, and the answer is the same."""
    source = SOURCE + "\nfunc never() int { return len(a) + unused() + helper() }\n"
    pkg = package({"p.go": source})
    resolved: list[int] = []
    owner = startup._owner
    monkeypatch.setattr(
        startup, "_owner", lambda node: resolved.append(node.start_point[0] + 1) or owner(node)
    )
    read = startup.read_at_startup(pkg, PackageScope.of(pkg), set("abcdefgh"))
    lines = source.splitlines()
    unreached = {lines.index("func unused() int { return len(f) }") + 1, len(lines)}
    assert resolved and not unreached & set(resolved)
    assert read["c"].endswith("(through helper)") and "f" not in read and "a" not in read


def test_what_one_use_reads_comes_in_one_order_whatever_the_hash_seed() -> None:
    """A call that reaches several deferred vars names them sorted: the first is what a
    finding's message quotes, so it must not depend on Python's string hashing."""
    import subprocess
    import sys

    script = (
        "from codemod import startup\n"
        "from codemod.scope import PackageScope\n"
        "from codemod.testing import package\n"
        "pkg = package({'p.go': 'package p\\n\\nvar "
        + ", ".join("abcdefgh")
        + " = 1, 2, 3, 4, 5, 6, 7, 8\\n\\n"
        "var eager = sum()\\n\\nfunc sum() int { return a + b + c + d + e + f + g + h }\\n'})\n"
        "print(list(startup.read_at_startup(pkg, PackageScope.of(pkg), set('abcdefgh'))))\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**__import__("os").environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert seen == {str(list("abcdefgh")) + "\n"}
