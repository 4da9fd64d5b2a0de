"""Purity facts: what an expression gives later is what it gives now, or why not."""

from __future__ import annotations

import pytest

from codemod import syntax
from codemod.purity import Purity
from codemod.scope import PackageScope
from codemod.testing import package

DECLS = """package p

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"

	"example.com/y"
)

const k = "k"

var (
	fixed           = "a" + k
	changed         = 1
	pointed         = "x"
	Exported        = "e"
	typed    string = os.Getenv("T")
	later           = regexp.MustCompile(k)
)

func set() {
	changed = 2
	_ = &pointed
}

func pureF(s string) string { return strings.ToUpper(s) + fixed }

func impureF() string { return os.Getenv("X") }

func rec(n int) int {
	if n == 0 {
		return 0
	}
	return rec(n - 1)
}
"""


def purity(expr: str, fine: tuple[tuple[str, str], ...] = ()) -> tuple[Purity, syntax.Node]:
    """The package's purity facts, and `expr` as the initializer of `var probe`."""
    pkg = package({"p.go": DECLS + f"\nvar probe = {expr}\n"})
    value = syntax.captures("(var_spec value: (expression_list (_) @v))", pkg.files[0].root)["v"][
        -1
    ]
    return Purity(pkg, PackageScope.of(pkg), fine), value


def why(expr: str, fine: tuple[tuple[str, str], ...] = (), deferred_ok: bool = True) -> str:
    facts, value = purity(expr, fine)
    return facts.impurity(facts.package.files[0], value, {"later"}, None, deferred_ok)[0]


@pytest.mark.parametrize(
    "expr",
    [
        'regexp.MustCompile("a" + k)',
        "strings.ToUpper(fixed)",
        'fmt.Sprintf("%d", 1)',
        'pureF("a")',
        "rec(3)",  # recursion is not held against it
        'func() string { return os.Getenv("X") }',  # runs when called, not now
        "later",  # a lazy value: a dependency, not an impurity
    ],
)
def test_pure(expr: str) -> None:
    assert why(expr) == ""


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ('os.Getenv("X")', "calls os.Getenv, whose result may differ at first use"),
        ("fmt.Println()", "calls fmt.Println, whose result may differ at first use"),
        ('flag.String("a", "", "")', "calls flag.String, which registers at start-up"),
        ('template.ParseFiles("t")', "calls template.ParseFiles, which reads files"),
        (
            'template.Must(template.New("t").ParseFiles("t"))',
            "calls .ParseFiles, which reads files",
        ),
        ("y.New()", "calls y.New, whose result may differ at first use"),
        ("y.V", "reads y.V, which may be a variable that changes before first use"),
        ("len(os.Args)", "reads os.Args, which may be a variable"),
        ("changed + 1", "reads package variable changed, which may change before first use"),
        ("pointed", "reads package variable pointed"),
        ("Exported", "reads package variable Exported"),
        ("typed", "reads package variable typed"),
        ("impureF()", "calls impureF(), whose result may differ at first use (calls os.Getenv,"),
    ],
)
def test_impure(expr: str, reason: str) -> None:
    assert why(expr).startswith(reason)


def test_fine_calls_are_pure_but_registrars_never() -> None:
    assert why("y.New()", fine=(("example.com/y", "New"),)) == ""
    assert why('flag.String("a", "", "")', fine=(("flag", "String"),)).startswith(
        "calls flag.String"
    )


def test_func_literals_count_unless_deferred_ok() -> None:
    assert why('func() string { return os.Getenv("X") }', deferred_ok=False).startswith(
        "calls os.Getenv"
    )


def test_lazy_values_read_are_returned() -> None:
    facts, value = purity("later.String() + fixed")
    assert facts.impurity(facts.package.files[0], value, {"later"}) == ("", {"later"})


def test_immutable_and_basic_values() -> None:
    facts, value = purity('string([]byte("b")) + pureF("c")')
    decls = facts.scope.decls
    assert [
        facts.immutable(decls[n]) for n in ("fixed", "changed", "pointed", "Exported", "typed")
    ] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert facts.basic_value(value)
    slice_facts, slice_value = purity("[]string{k}")
    assert not slice_facts.basic_value(slice_value)
    assert facts.func_impurity("impureF").startswith("calls os.Getenv")
    assert facts.func_impurity("pureF") == ""


OWN = """package p

import (
	"os"
	"regexp"
)

var match = regexp.MustCompile

var swapped = regexp.MustCompile

var Match = regexp.MustCompile

var env = os.Getenv

func init() { swapped = regexp.MustCompilePOSIX }

func expression(res ...*regexp.Regexp) *regexp.Regexp {
	s := ""
	for _, re := range res {
		s += re.String()
	}
	return match(s)
}

func optional(res ...*regexp.Regexp) *regexp.Regexp {
	return match(`(?:` + expression(res...).String() + `)?`)
}

func buildTable() map[string]int {
	t := make(map[string]int)
	for i := 0; i < 256; i++ {
		t[string(rune(i))] = i
	}
	return t
}

func add(a, b int) int { return a + b }

var total = 0

func sum() int {
	for i := 0; i < 10; i++ {
		total += i
	}
	return total
}

func retry(f func() error) error {
	for {
		if err := f(); err == nil {
			return nil
		}
	}
}

func retried() error { return retry(func() error { _, err := os.Getwd(); return err }) }

func fromEnv(name string) *regexp.Regexp { return match(os.Getenv(name)) }

func home() string { return env("HOME") }

var word = match(`\\w+`)

func sentence() *regexp.Regexp { return expression(word, match(` `), word) }
"""
COSTLY = {("regexp", "MustCompile")}


def own(expr: str) -> tuple[Purity, syntax.Node]:
    pkg = package({"p.go": OWN + f"\nvar probe = {expr}\n"})
    value = syntax.captures("(var_spec value: (expression_list (_) @v))", pkg.files[0].root)["v"][
        -1
    ]
    return Purity(pkg, PackageScope.of(pkg), COSTLY), value


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ('match("a")', ""),
        ('optional(expression(match("a")), match("b"))', ""),
        ("buildTable()", ""),
        ('swapped("a")', "reads package variable swapped, which may change before first use"),
        ('Match("a")', "reads package variable Match, which may change before first use"),
        ('env("X")', "reads package variable env"),
        (
            "home()",
            "calls home(), whose result may differ at first use (reads package variable env",
        ),
    ],
)
def test_calls_through_func_valued_vars_and_own_functions(expr: str, reason: str) -> None:
    """A never-assigned unexported var bound to a pure function is that function."""
    facts, value = own(expr)
    why = facts.impurity(facts.package.files[0], value, ())[0]
    assert why.startswith(reason) and (why == "") == (reason == "")


@pytest.mark.parametrize(
    ("expr", "cost"),
    [
        ('match("a")', "regexp.MustCompile (through match)"),
        ('optional(match("a"))', "regexp.MustCompile (through optional)"),
        ('[]int{len(expression(match("a")).String())}', "regexp.MustCompile (through expression)"),
        ("buildTable()", "a loop in buildTable"),
        ("sum()", ""),  # a loop, but reading a package var: I/O-like, not a known cost
        ("retried()", ""),  # a pure loop, called by an impure function
        ('fromEnv("X")', "regexp.MustCompile (through fromEnv)"),  # impure, but costly
        ('regexp.MustCompile("a")', "regexp.MustCompile"),
        ("add(1, 2)", ""),
        ('func() *regexp.Regexp { return match("a") }', ""),  # runs when called
        ('swapped("a")', ""),  # not known to be the constructor
        ('regexp.QuoteMeta("a")', ""),
    ],
)
def test_cost_through_the_packages_own_code(expr: str, cost: str) -> None:
    facts, value = own(expr)
    assert facts.cost(facts.package.files[0], value, COSTLY) == cost


def test_a_func_valued_var_is_known_by_its_target() -> None:
    facts, _ = own("1")
    target = facts.func_alias("match")
    assert target is not None and target.key == ("regexp", "MustCompile")
    assert facts.func_alias("swapped") is None  # assigned in init()
    assert facts.func_alias("Match") is None  # exported: other packages may assign it
    assert facts.func_alias("add") is None


def test_lazy_values_read_by_the_functions_called_are_returned() -> None:
    facts, value = own("sentence()")
    assert facts.impurity(facts.package.files[0], value, {"word"}) == ("", {"word"})


UNCHANGED = """package p

var (
	table   = map[string]int{"a": 1}
	listed  = []string{"a", "b"}
	written = map[string]int{}
	handed  = []int{1}
	method  = []*T{}
	Shown   = []int{1}
)

type T struct{ n int }

func (t *T) Set() { t.n = 1 }

func use() int {
	for range listed {
	}
	written["x"] = table["a"] + len(listed) + cap(handed)
	sink(handed)
	method[0].Set()
	return Shown[0]
}

func sink([]int) {}
"""


def test_contents_unchanged_is_a_var_only_indexed_measured_or_ranged() -> None:
    pkg = package({"p.go": UNCHANGED})
    scope = PackageScope.of(pkg)
    purity = Purity(pkg, scope)
    unchanged = {n for n in scope.decls if purity.contents_unchanged(scope.decls[n])}
    assert unchanged == {"table", "listed"}  # written: an element set; handed: passed on;
    # method: a method of an element may change it; Shown: exported; T, Set...: not vars
