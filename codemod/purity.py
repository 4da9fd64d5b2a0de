"""Purity facts: whether evaluating an expression later would give what it gives now.

A rewrite that moves work from start-up to later (first use, a hook) must not change
what the work computes or does. Without type information the answer is conservative:
calls of standard functions known to compute only from their arguments, constants,
literals and package variables that provably keep their first value are pure;
registrations, file reads, other packages' variables and anything unknown are not.
The package's own code counts as what it does: a function that only computes is pure,
and an unexported var bound to a pure function (`var match = regexp.MustCompile`) and
never assigned is that function.
"""

from __future__ import annotations

from collections.abc import Collection

from codemod import calls, imports, syntax, typeexpr, uses
from codemod.model import GoFile, Package
from codemod.scope import Decl, Kind, PackageScope, Use, classify, references, refers_to_package

# Packages whose functions only compute from their arguments.
PURE_PACKAGES = frozenset(
    {
        "strings",
        "strconv",
        "unicode",
        "unicode/utf8",
        "unicode/utf16",
        "path",
        "math",
        "bytes",
        "html",
        "regexp",
        "regexp/syntax",
        "text/template",
        "html/template",
        "net/url",
        "errors",
        "sort",
        "slices",
        "maps",
        "cmp",
    }
)  # fmt: only the Sprint family (PURE_FUNCS)
PURE_FUNCS = frozenset({("fmt", "Sprint"), ("fmt", "Sprintf"), ("fmt", "Sprintln")})
# Functions of pure packages that read files.
FILE_READERS = frozenset(
    {
        ("text/template", "ParseFiles"),
        ("text/template", "ParseGlob"),
        ("html/template", "ParseFiles"),
        ("html/template", "ParseGlob"),
    }
)
FILE_METHODS = frozenset({"ParseFiles", "ParseGlob"})
# Packages whose functions register something at start-up (net/http: only Handle*).
REGISTRARS = frozenset(
    {
        "flag",
        "expvar",
        "database/sql",
        "encoding/gob",
        "image",
        "github.com/prometheus/client_golang/prometheus",
    }
)
HTTP_REGISTRARS = frozenset({"Handle", "HandleFunc"})
# Standard-library package variables that programs change or that change under them.
STD_VARIABLES = frozenset(
    {
        ("os", "Args"),
        ("os", "Stdin"),
        ("os", "Stdout"),
        ("os", "Stderr"),
        ("flag", "CommandLine"),
        ("flag", "Usage"),
        ("net/http", "DefaultClient"),
        ("net/http", "DefaultServeMux"),
        ("net/http", "DefaultTransport"),
        ("time", "Local"),
        ("log", "Default"),
    }
)
LITERALS = frozenset(
    {
        "interpreted_string_literal",
        "raw_string_literal",
        "int_literal",
        "float_literal",
        "rune_literal",
        "true",
        "false",
    }
)

_METHOD_CALLS = "(call_expression function: (selector_expression operand: [(call_expression) (type_conversion_expression) (parenthesized_expression)] field: (field_identifier) @method))"
_SELECTORS = "(selector_expression operand: (identifier) @pkg field: (field_identifier) @name) @sel"
_IDENTS = "(identifier) @id"
_CALLED = "(call_expression function: (identifier) @id)"
_LOOPS = "(for_statement) @loop"


def _called(node: syntax.Node) -> bool:
    parent = node.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == node
    )


class Purity:
    """The purity facts of one package, memoised. `fine` are imported functions
    ((path, name)) the caller knows to be pure, such as a rule's constructors."""

    def __init__(
        self, package: Package, scope: PackageScope, fine: Collection[tuple[str, str]] = ()
    ) -> None:
        self.package = package
        self.scope = scope
        self.fine = fine
        # (function, lazy vars) -> why impure, and the lazy vars it reads
        self._funcs: dict[tuple[str, frozenset[str]], str] = {}
        self._func_deps: dict[tuple[str, frozenset[str]], set[str]] = {}
        self._vars: dict[str, bool] = {}  # variable -> immutable
        self._aliases: dict[str, calls.CallTarget | None] = {}  # func-valued var -> target
        self._costs: dict[str, str] = {}  # function -> the costly work it does

    def impurity(
        self,
        file: GoFile,
        node: syntax.Node,
        lazy: Collection[str],
        own: syntax.Node | None = None,
        deferred_ok: bool = False,
    ) -> tuple[str, set[str]]:
        """Why evaluating `node` later could give another result than now ("" if it
        cannot), and the `lazy` package variables it reads: those are built on first use,
        so reading them is no impurity. `own` is the name of the declaration `node`
        initializes (not a read). Inside func literals nothing runs at evaluation, so
        with `deferred_ok` their bodies are not held against `node`."""
        deferred = syntax.func_literal_ranges(node) if deferred_ok else []
        deps: set[str] = set()
        why = (
            self._call_impurity(file, node, deferred)
            or self._selector_impurity(file, node, deferred)
            or self._name_impurity(file, node, lazy, own, deferred, deps)
        )
        return why, deps

    def _call_impurity(
        self, file: GoFile, node: syntax.Node, deferred: list[tuple[int, int]]
    ) -> str:
        for call, target in calls.imported_calls(file, node):
            why = "" if syntax.inside(call, deferred) else self.target_impurity(target)
            if why:
                return why
        for caps in syntax.matches(_METHOD_CALLS, node):
            method = syntax.text(caps["method"][0])
            if method in FILE_METHODS and not syntax.inside(caps["method"][0], deferred):
                return f"calls .{method}, which reads files: lazily that would happen at first use"
        return ""

    def target_impurity(self, target: calls.CallTarget) -> str:
        """Why calling an imported function later could give another result or lose a
        side effect ("" if it cannot)."""
        path, func = target.key
        if path in REGISTRARS or (path == "net/http" and func in HTTP_REGISTRARS):
            return f"calls {target.shown}, which registers at start-up and must stay eager"
        if target.key in self.fine:
            return ""
        if target.key in FILE_READERS:
            return f"calls {target.shown}, which reads files: lazily that would happen at first use"
        if path not in PURE_PACKAGES and target.key not in PURE_FUNCS:
            return f"calls {target.shown}, whose result may differ at first use"
        return ""

    def _selector_impurity(
        self, file: GoFile, node: syntax.Node, deferred: list[tuple[int, int]]
    ) -> str:
        """Reads of other packages' variables: only standard ones known to stay put."""
        for caps in syntax.matches(_SELECTORS, node):
            sel, pkg = caps["sel"][0], caps["pkg"][0]
            if _called(sel):
                continue
            imported = calls.import_of(file, syntax.text(pkg))
            if imported is None or not refers_to_package(file, pkg, self.scope):
                continue
            if syntax.inside(sel, deferred):
                continue
            name = syntax.text(caps["name"][0])
            if not imports.is_std(imported) or (imported, name) in STD_VARIABLES:
                return f"reads {syntax.text(pkg)}.{name}, which may be a variable that changes before first use"
        return ""

    def _name_impurity(
        self,
        file: GoFile,
        node: syntax.Node,
        lazy: Collection[str],
        own: syntax.Node | None,
        deferred: list[tuple[int, int]],
        deps: set[str],
    ) -> str:
        """Calls of the package's functions and reads of its variables."""
        for ident in syntax.captures(_IDENTS, node).get("id", []):
            name = syntax.text(ident)
            decl = self.scope.decls.get(name)
            if decl is None or decl.node == own or not refers_to_package(file, ident, self.scope):
                continue
            if decl.kind is Kind.FUNC:
                if _called(ident) and not syntax.inside(ident, deferred):
                    why = self.func_impurity(name, lazy)
                    if why:
                        return f"calls {name}(), whose result may differ at first use ({why})"
                    deps |= self._func_deps.get((name, frozenset(lazy)), set())
            elif decl.kind is Kind.VAR:
                if name in lazy:
                    deps.add(name)
                elif syntax.inside(ident, deferred) or self._pure_alias(name):
                    continue
                elif not self.immutable(decl, lazy):
                    return f"reads package variable {name}, which may change before first use"
        return ""

    def func_impurity(self, name: str, lazy: Collection[str] = ()) -> str:
        """Why a package-level function's result may depend on when it runs ("" if pure),
        reading the `lazy` vars being no impurity."""
        key = (name, frozenset(lazy))
        if key in self._funcs:
            return self._funcs[key]
        self._funcs[key] = ""  # assume pure while deciding: recursion does not change it
        decl = self.scope.decls[name]
        func = decl.node.parent
        body = func.child_by_field_name("body") if func is not None else None
        why, deps = ("no body", set()) if body is None else self.impurity(decl.file, body, lazy)
        self._funcs[key] = why
        self._func_deps[key] = deps
        return why

    def func_alias(self, name: str) -> calls.CallTarget | None:
        """The imported function a package var is bound to (`var match =
        regexp.MustCompile`) when it keeps that value: unexported (or in package main),
        never assigned and its address never taken. None for anything else."""
        if name not in self._aliases:
            self._aliases[name] = self._alias(name)
        return self._aliases[name]

    def _alias(self, name: str) -> calls.CallTarget | None:
        decl = self.scope.decls.get(name)
        if decl is None or decl.kind is not Kind.VAR or decl.spec is None:
            return None
        value = decl.spec.child_by_field_name("value")
        if value is None or len(value.named_children) != 1:
            return None  # `var a, b = f, g`: which is which is not worth telling
        selector = calls.unparen(value.named_children[0])
        pkg = selector.child_by_field_name("operand")
        func = selector.child_by_field_name("field")
        if selector.type != "selector_expression" or pkg is None or func is None:
            return None
        path = calls.import_of(decl.file, syntax.text(pkg)) if pkg.type == "identifier" else None
        exported = name[:1].isupper() and self.package.name != "main"
        if path is None or exported or uses.find(self.package, decl, self.scope).blocked:
            return None
        return calls.CallTarget(path, syntax.text(func), syntax.text(pkg))

    def _pure_alias(self, name: str) -> bool:
        target = self.func_alias(name)
        return target is not None and not self.target_impurity(target)

    def cost(self, file: GoFile, node: syntax.Node, costly: Collection[tuple[str, str]]) -> str:
        """The costly work evaluating `node` does now ("" if none known), through the
        package's own code: a call of a `costly` function ("regexp.MustCompile"), made
        directly, through a func-valued var bound to one ("... (through match)") or
        through the package's functions ("... (through optional)"), or a loop in a
        pure function it calls ("a loop in buildTable"; in a function that does I/O a
        loop says nothing of cost). Func literals do nothing now."""
        deferred = syntax.func_literal_ranges(node)
        for call, target in calls.imported_calls(file, node):
            if target.key in costly and not syntax.inside(call, deferred):
                return f"{imports.default_name(target.path)}.{target.name}"
        for ident in syntax.captures(_CALLED, node).get("id", []):
            name = syntax.text(ident)
            decl = self.scope.decls.get(name)
            if decl is None or syntax.inside(ident, deferred):
                continue
            if not refers_to_package(file, ident, self.scope):
                continue
            alias = self.func_alias(name) if decl.kind is Kind.VAR else None
            if alias is not None and alias.key in costly:
                return f"{imports.default_name(alias.path)}.{alias.name} (through {name})"
            work = self.func_cost(name, costly) if decl.kind is Kind.FUNC else ""
            if work.startswith("a loop"):
                return work
            if work:
                return f"{work.split(' (through ')[0]} (through {name})"
        return ""

    def func_cost(self, name: str, costly: Collection[tuple[str, str]]) -> str:
        """The costly work a call of the package function `name` does (see `cost`): what
        its body calls, or a loop in it."""
        if name in self._costs:
            return self._costs[name]
        self._costs[name] = ""  # recursion adds no work of its own
        func = self.scope.decls[name].node.parent
        body = func.child_by_field_name("body") if func is not None else None
        work = "" if body is None else self.cost(self.scope.decls[name].file, body, costly)
        if not work and body is not None:
            deferred = syntax.func_literal_ranges(body)
            loops = syntax.captures(_LOOPS, body).get("loop", [])
            if any(not syntax.inside(loop, deferred) for loop in loops):
                work = f"a loop in {name}"
        if work.startswith("a loop") and self.func_impurity(name):
            work = ""  # a loop around I/O (a retry, a read) says nothing of cost
        self._costs[name] = work
        return work

    def immutable(self, decl: Decl, lazy: Collection[str] = ()) -> bool:
        """A package variable that keeps its first value: never assigned, address never
        taken, of a basic type (no in-place change possible), with a pure initializer."""
        if decl.name in self._vars:
            return self._vars[decl.name]
        self._vars[decl.name] = False  # a cycle is not proof
        spec = decl.spec
        exported = decl.name[:1].isupper() and self.package.name != "main"
        value = spec.child_by_field_name("value") if spec is not None else None
        declared = spec.child_by_field_name("type") if spec is not None else None
        basic = (
            declared is not None and syntax.text(declared) in typeexpr.BASIC
        ) or self._basic_initializer(spec)
        ok = (
            not exported
            and basic
            and not uses.find(self.package, decl, self.scope).blocked
            and (value is None or not self.impurity(decl.file, value, lazy, decl.node)[0])
        )
        self._vars[decl.name] = ok
        return ok

    def _basic_var(self, decl: Decl) -> bool:
        """Whether a var is declared with a basic type, or undeclared with a basic value."""
        declared = decl.spec.child_by_field_name("type") if decl.spec is not None else None
        if declared is not None:
            return syntax.text(declared) in typeexpr.BASIC
        return self._basic_initializer(decl.spec)

    def _basic_initializer(self, spec: syntax.Node | None) -> bool:
        value = spec.child_by_field_name("value") if spec is not None else None
        return (
            value is not None
            and len(value.named_children) == 1
            and self.basic_value(value.named_children[0])
        )

    def basic_value(self, node: syntax.Node) -> bool:
        """Whether an expression's value is certainly of a basic (immutable) type."""
        node = calls.unparen(node)
        if node.type in LITERALS:
            return True
        if node.type == "binary_expression":
            return all(self.basic_value(c) for c in node.named_children)
        if node.type == "identifier":
            decl = self.scope.decls.get(syntax.text(node))
            if decl is not None and decl.kind is Kind.CONST:
                return True
            return decl is not None and decl.kind is Kind.VAR and self._basic_var(decl)
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                decl = self.scope.decls.get(syntax.text(fn))
                if decl is not None and decl.kind is Kind.FUNC and decl.node.parent is not None:
                    result = decl.node.parent.child_by_field_name("result")
                    return result is not None and syntax.text(result) in typeexpr.BASIC
                return syntax.text(fn) in typeexpr.BASIC  # a conversion such as string(b)
        return False

    def contents_unchanged(self, decl: Decl) -> bool:
        """A package var (unexported, or in package main) whose value and contents stay
        as its initializer made them: every use is a read of an element (`x[k]`, not
        written to), `len`/`cap` of it or a `range` over it. A map or slice nothing
        writes reads the same later; a use that passes it on could change it."""
        exported = decl.name[:1].isupper() and self.package.name != "main"
        if exported or decl.kind is not Kind.VAR:
            return False
        for ref in references(self.package, decl, self.scope):
            if ref.use is not Use.DECLARE and not _element_read(ref.node):
                return False
        return True


def _element_read(node: syntax.Node) -> bool:
    """`x[k]` read (not written, not its address), `len(x)`, `cap(x)`, `range x`."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "index_expression" and parent.child_by_field_name("operand") == node:
        return classify(parent) is Use.READ and not _written_element(parent)
    if parent.type == "argument_list" and parent.named_child_count == 1:
        call = parent.parent
        fn = call.child_by_field_name("function") if call is not None else None
        return fn is not None and syntax.text(fn) in {"len", "cap"}
    if parent.type == "range_clause":
        return parent.child_by_field_name("right") == node
    return False


def _written_element(index: syntax.Node) -> bool:
    """Whether the element `x[k]` is assigned, incremented or has a method called on
    it (a pointer element's contents may change through it)."""
    parent = index.parent
    if parent is not None and parent.type in {"inc_statement", "dec_statement"}:
        return True
    if parent is not None and parent.type == "expression_list":
        stmt = parent.parent
        return (
            stmt is not None
            and stmt.type == "assignment_statement"
            and stmt.child_by_field_name("left") == parent
        )
    return parent is not None and parent.type == "selector_expression"
