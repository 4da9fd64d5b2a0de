"""What a package's start-up reads: the code that runs before main, and what it uses.

Before main a package runs its `init()` functions and the initializers of its
package-level vars, and through them every package function they call. A rule that
defers a var's work (to first use, to a hook) gains nothing for a var that start-up
reads anyway; and a var whose initializer is deferred stops being start-up itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace

from codemod import calls, syntax, typeexpr
from codemod.model import GoFile, Package
from codemod.purity import REGISTRARS
from codemod.scope import (
    Decl,
    Kind,
    PackageScope,
    identifiers_in,
    package_vars,
    refers_to_package,
    spelled_words,
)


@dataclass(frozen=True)
class _Owner:
    """The top-level declaration a use sits in."""

    kind: str  # "func", "init" or "var"
    names: tuple[str, ...]  # the function's name, or the names the var spec declares
    where: str  # "init() at a.go:3", "the initializer of x at a.go:5"


@dataclass(frozen=True)
class _Use:
    name: str
    owner: _Owner


def read_at_startup(
    package: Package,
    scope: PackageScope,
    deferred: Collection[str],
    uses: list[_Use] | None = None,
) -> dict[str, str]:
    """Which of the `deferred` package vars (those whose initializers would no longer run
    at start-up) start-up still reads, each with where: an `init()` or the initializer
    of a var not deferred, directly or through package functions it calls
    ("init() at a.go:3 (through load)"). A var read there stays eager, so what its own
    initializer reads is read at start-up too. `uses`: `_uses_by_owner` of the package
    for a superset of the deferred vars, when the caller has it (`settle` asks again)."""
    return read_at_startup_besides(package, scope, deferred, (), uses)


def read_at_startup_besides(
    package: Package,
    scope: PackageScope,
    deferred: Collection[str],
    moved: Collection[str],
    uses: list[_Use] | None = None,
) -> dict[str, str]:
    """`read_at_startup`, but the start-up code in `moved` (named as the result names it:
    "init() at a.go:3") no longer runs at start-up: a rewrite moves it to first use, so
    its reads do not count."""
    lazy = set(deferred)
    found = [
        use
        for use in (uses if uses is not None else _uses_by_owner(package, scope, lazy))
        if (use.name in lazy or scope.function(use.name)) and use.owner.where not in moved
    ]
    func_reads: dict[str, set[str]] = {}
    func_calls: dict[str, set[str]] = {}
    for use in found:
        if use.owner.kind == "func":
            target = func_reads if use.name in lazy else func_calls
            target.setdefault(use.owner.names[0], set()).add(use.name)
    read: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for use in found:
            owner = use.owner
            if owner.kind == "func" or (owner.kind == "var" and set(owner.names) & lazy):
                continue  # a function body runs when called; a deferred initializer later
            reached = (
                {use.name}
                if use.name in lazy
                else {r for f in _reachable(use.name, func_calls) for r in func_reads.get(f, ())}
            )
            for name in sorted(reached & lazy):  # one order, whatever the hash seed
                via = "" if name == use.name else f" (through {use.name})"
                read[name] = f"{owner.where}{via}"
                lazy.discard(name)
                changed = True
    return read


def settle(
    package: Package,
    scope: PackageScope,
    deps: Mapping[str, Collection[str]],
    eager: Mapping[str, str],
) -> dict[str, str]:
    """Decide the vars of a chain together. `deps`: each var that could be deferred, with
    the deferred vars its initializer reads; `eager`: those that stay eager, with why.
    Returns every var that stays eager, with why: the given ones, each var whose
    initializer reads one that stays eager (deferred, it would read a value that may
    have changed; "reads b, which stays eager (a: assigned at x.go:3)"), and each var
    start-up reads (`read_at_startup`: "no gain: ..."), to a fixed point."""
    out = dict(eager)
    root = {name: name for name in out}  # the var whose own reason keeps a chain eager
    uses = _uses_by_owner(package, scope, set(deps)) if deps else []  # costly
    changed = True
    while changed:
        changed = False
        for name, reads in deps.items():
            stuck = next((d for d in sorted(reads) if d in out), None)
            if name in out or stuck is None:
                continue
            origin = root[stuck]
            out[name] = (
                f"reads {stuck}, which stays eager: {out[origin]}"
                if origin == stuck
                else f"reads {stuck}, which stays eager ({origin}: {out[origin]})"
            )
            root[name] = origin
            changed = True
        live = {name for name in deps if name not in out}
        found = read_at_startup(package, scope, live, uses) if live else {}  # none: none read
        for name, where in found.items():
            out[name] = f"no gain: read at start-up by {where}"
            root[name] = name
            changed = True
    return out


def waits_for_itself(
    package: Package, scope: PackageScope, lazy: Collection[str]
) -> dict[str, str]:
    """Which of the `lazy` vars (each to be built on first use) would read itself while
    being built, each with how: its initializer calls a method (through the package's
    functions, maybe) whose body, again maybe through functions and methods, reads it.
    Go's initialization order follows functions and concrete methods but not calls
    through an interface, so eager code can read the var half-built (its zero value)
    and compile; lazy, the first use would wait for itself forever. Without types a
    call `x.m()` may be any of the package's methods named m."""
    out = {}
    for name in lazy:
        decl = scope.decls.get(name)
        value = decl.spec.child_by_field_name("value") if decl and decl.spec else None
        if decl is None or value is None:
            continue
        via = _reaches(decl.file, value, name, scope)
        if via:
            out[name] = (
                f"its initializer calls {via}, which reads {name}: Go's initialization order "
                f"does not see that call, and lazily {name} would wait for itself"
            )
    return out


_METHOD_CALL = "(call_expression function: (selector_expression field: (field_identifier) @m))"


def _methods(scope: PackageScope, name: str) -> list[tuple[GoFile, syntax.Node, str]]:
    """The package's methods named `name`, of any receiver: (file, declaration, "T.m")."""
    out = []
    for file, node in scope.methods(name):
        receiver = node.child_by_field_name("receiver")
        if receiver is None or file.is_test:
            continue
        types = syntax.captures("(type_identifier) @t", receiver).get("t", [])
        out.append((file, node, f"{syntax.text(types[0]) if types else '?'}.{name}"))
    return out


def _reaches(file: GoFile, start: syntax.Node, name: str, scope: PackageScope) -> str:
    """The first method through which evaluating `start` may read package var `name`
    ("" if none): a walk over the package's functions and methods it calls."""
    todo: list[tuple[GoFile, syntax.Node, str]] = [(file, start, "")]
    seen: set[tuple[str, int]] = set()
    while todo:
        where, node, via = todo.pop()
        for ident in syntax.captures("(identifier) @id", node).get("id", []):
            text = syntax.text(ident)
            func = scope.function(text) if text != name else None
            if (func is None and text != name) or not refers_to_package(where, ident, scope):
                continue
            if text == name and via:
                return via
            target = (func.file, func.node.parent) if func and func.node.parent else None
            key = (str(target[0].path), target[1].start_byte) if target else ("", 0)
            if target is not None and key not in seen:
                seen.add(key)
                todo.append((*target, via))
        for m in syntax.captures(_METHOD_CALL, node).get("m", []):
            for method_file, method, shown in _methods(scope, syntax.text(m)):
                key = (str(method_file.path), method.start_byte)
                if key not in seen:
                    seen.add(key)
                    todo.append((method_file, method, via or shown))
    return ""


def _uses_by_owner(package: Package, scope: PackageScope, names: set[str]) -> list[_Use]:
    """Each package-level use of `names` and of the package's functions, outside func
    literals in non-test files, with the top-level declaration it sits in."""
    out = []
    reached = _may_run_at_startup(package, scope)
    for file in package.non_test_files():
        ranges = reached.get(file, [])
        if not ranges:
            continue
        words = spelled_words(file.source[a:b] for a, b in ranges)
        funcs = {w for w in scope.function_names(words) if scope.function(w) and w != "init"}
        wanted = (names & words) | funcs
        for name, idents in identifiers_in(file, wanted, ranges).items():
            for ident in idents:
                owner = _owner(ident)
                if owner is None or not refers_to_package(file, ident, scope):
                    continue
                if scope.decls[name].kind is Kind.FUNC and _stored_by_registration(file, ident):
                    continue
                kind, owner_names, line = owner
                if kind == "init":
                    where = f"init() at {file.path.name}:{line}"
                else:
                    where = (
                        f"the initializer of {', '.join(owner_names)} at {file.path.name}:{line}"
                    )
                out.append(_Use(name, _Owner(kind, owner_names, where)))
    return out


def _stored_by_registration(file: GoFile, ident: syntax.Node) -> bool:
    """A function passed as a value to a registration (`http.HandleFunc("/", serve)`,
    `http.Handle("/", http.HandlerFunc(serve))`, `flag.Func(..., parse)`): the registry
    keeps it to call after main starts, so naming it at init does not run it. Passed to
    anything else (`sort.Slice(t, less)`), it may be called there and then."""
    node = ident
    while (parent := node.parent) is not None:
        if parent.type == "parenthesized_expression":
            node = parent
            continue
        if parent.type == "type_conversion_expression":
            call = parent
        elif parent.type == "argument_list" and parent.parent is not None:
            call = parent.parent
        else:
            return False
        target = calls.call_target(file, call)
        if target is None:
            return False
        if target.key != ("net/http", "HandlerFunc"):
            return bool(_into(*target.key))
        node = call
    return False


def _may_run_at_startup(
    package: Package, scope: PackageScope
) -> dict[GoFile, list[tuple[int, int]]]:
    """The byte ranges, by file, of the top-level declarations start-up may run: var
    declarations, `init()`, and the package functions whose names their text spells,
    transitively. A superset read from the text, so that uses are resolved (the costly
    part) only there: uses in other functions cannot reach start-up. A file whose text
    has no var declaration nor `func init()` is parsed only for a function reached."""
    seeds: list[tuple[GoFile, syntax.Node]] = []
    for file in package.non_test_files():
        code = syntax.package_code(file.source)
        if code is not None and not any(code):
            continue
        for node in file.root.children:
            name = node.child_by_field_name("name")
            if node.type == "var_declaration" or (
                node.type == "function_declaration" and name and name.text == b"init"
            ):
                seeds.append((file, node))
    kept, todo = list(seeds), list(seeds)
    spelled: set[str] = set()
    while todo:
        file, node = todo.pop()
        text = file.source[node.start_byte : node.end_byte]
        words = scope.function_names(spelled_words([text])) - spelled
        spelled |= words
        for word in sorted(words):
            reached = [
                (d.file, d.node.parent)
                for d in scope.functions(word)
                if d.node.parent is not None and not d.file.is_test
            ]
            kept += reached
            todo += reached
    out: dict[GoFile, list[tuple[int, int]]] = {}
    for file, node in kept:
        out.setdefault(file, []).append((node.start_byte, node.end_byte))
    return {file: sorted(ranges) for file, ranges in out.items()}


def _owner(node: syntax.Node) -> tuple[str, tuple[str, ...], int] | None:
    """The top-level declaration holding `node`, or None inside a func literal, a method
    or a declaration of no interest (the var's own name, types, consts)."""
    spec = None
    for parent in syntax.ancestors(node):
        if parent.type == "func_literal":
            return None
        if parent.type == "var_spec":
            spec = parent
        if parent.parent is not None and parent.parent.type == "source_file":
            line = parent.start_point[0] + 1
            if parent.type == "function_declaration":
                name = syntax.text(parent.child_by_field_name("name") or parent)
                return ("init", (), line) if name == "init" else ("func", (name,), line)
            if parent.type == "var_declaration" and spec is not None:
                value = spec.child_by_field_name("value")
                if value is None or not (value.start_byte <= node.start_byte < value.end_byte):
                    return None
                names = tuple(syntax.text(n) for n in spec.children_by_field_name("name"))
                return "var", names, spec.start_point[0] + 1
            return None
    return None


def _reachable(start: str, calls: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo += calls.get(f, ())
    return seen


# ---------------------------------------------------------------------------- filled by init

_LOOP_USES = """
(assignment_statement left: (expression_list (_) @write))
(inc_statement (_) @write)
(dec_statement (_) @write)
(call_expression function: (selector_expression operand: (_) @operand field: (field_identifier) @method))
"""
_OPERANDS = {"index_expression", "selector_expression", "slice_expression", "unary_expression"}


def filled_by_init(package: Package, scope: PackageScope) -> dict[str, str]:
    """The package vars an `init()` fills in a loop (the shape of a table built at
    every start: `for _, r := range rules { DefaultList.AddRule(r) }`), each with how:
    "init() at a.go:3 writes into byID in a loop", "... calls DefaultList.Add in a loop".
    Only loops that may run long count: over a package var, or with a loop inside.
    A write is an assignment, `++`/`--` or `append` into the var or an element of it; a
    method call may fill it too, and without types is counted as filling. Deferring such
    a var means moving the loop, which no initializer rewrite does."""
    out: dict[str, str] = {}
    funcs = _Functions(scope)
    for file in package.non_test_files():
        outline = syntax.package_code(file.source)
        if file.never_built or (outline is not None and not outline[1]):
            continue  # no `func init()` in its text: not parsed for one
        for func in syntax.top_level(file.root, "function_declaration"):
            name = func.child_by_field_name("name")
            body = func.child_by_field_name("body")
            if name is None or body is None or syntax.text(name) != "init":
                continue
            where = f"init() at {file.path.name}:{func.start_point[0] + 1}"
            for var, how in _loop_fills(file, scope, body):
                out.setdefault(var, f"{where} {how} in a loop")
            for called, (at, code) in _called_functions(file, body, funcs).items():
                for var, how in _loop_fills(at, scope, code):
                    out.setdefault(var, f"{where} {how} in a loop (through {called})")
    return out


def _called_functions(
    file: GoFile, body: syntax.Node, funcs: Mapping[str, tuple[GoFile, syntax.Node]]
) -> dict[str, tuple[GoFile, syntax.Node]]:
    """The package functions (of `funcs`: name -> file and body) that `body` calls outside
    func literals and `go` statements (those run later, if at all), and those they call,
    transitively, nearest first."""
    out: dict[str, tuple[GoFile, syntax.Node]] = {}
    todo = [(file, body)]
    while todo:
        at, node = todo.pop(0)
        deferred = syntax.func_literal_ranges(node)
        for caps in syntax.matches(_LOCAL_CALLS, node):
            name = syntax.text(caps["fn"][0])
            if (
                name in funcs
                and name not in out
                and not syntax.inside(caps["call"][0], deferred)
                and not _started(caps["call"][0])
                and refers_to_package(at, caps["fn"][0], None)
            ):
                out[name] = funcs[name]
                todo.append(funcs[name])
    return out


def _loop_fills(file: GoFile, scope: PackageScope, body: syntax.Node) -> Iterator[tuple[str, str]]:
    """(var, how) for each package var written or called a method of in a loop of
    `body`, outside func literals (they run later, if at all)."""
    deferred = syntax.func_literal_ranges(body)
    for loop in syntax.captures("(for_statement) @loop", body).get("loop", []):
        if syntax.inside(loop, deferred) or not _over_data(file, scope, loop):
            continue
        for caps in syntax.matches(_LOOP_USES, loop):
            node = (caps.get("write") or caps["operand"])[0]
            root = operand_root(node)
            if root.type != "identifier" or syntax.inside(node, deferred):
                continue
            decl = scope.decls.get(syntax.text(root))
            if decl is None or decl.kind is not Kind.VAR:
                continue
            if not refers_to_package(file, root, scope):
                continue
            if "write" in caps:
                yield decl.name, f"writes into {decl.name}"
            else:
                method = syntax.text(caps["method"][0])
                shown = f"{decl.name}.{method}" if root == node else f"{method} on {decl.name}"
                yield decl.name, f"calls {shown}"


def _over_data(file: GoFile, scope: PackageScope, loop: syntax.Node) -> bool:
    """Whether a loop may run long: it ranges over a package var (a table) or holds
    another loop. A single loop over a literal (`range "abc"`) is cheap."""
    if any(n != loop for n in syntax.captures("(for_statement) @l", loop).get("l", [])):
        return True
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    right = clause.child_by_field_name("right") if clause is not None else None
    for ident in syntax.captures("(identifier) @id", right).get("id", []) if right else []:
        decl = scope.decls.get(syntax.text(ident))
        if decl is not None and decl.kind is Kind.VAR and refers_to_package(file, ident, scope):
            return True
    return False


def operand_root(node: syntax.Node) -> syntax.Node:
    """The variable an operand expression starts from: `t[k].f[i]` -> `t`."""
    node = calls.unparen(node)
    while node.type in _OPERANDS:
        inner = node.child_by_field_name("operand")
        if inner is None:
            break
        node = calls.unparen(inner)
    return node


# ---------------------------------------------------------------------------- init work

_WORK = (
    "(call_expression) @w (type_conversion_expression) @w (composite_literal type: (map_type)) @w"
)
_STATIC_CALLS = {("errors", "New")}  # the compiler initialises these statically


@dataclass(frozen=True)
class InitWork:
    """One piece of a package's init that may cost time at start-up."""

    path: str  # the file
    line: int  # of the var's name, or of `func init`
    what: str  # "init()" or the var's names


def init_work(package: Package) -> list[InitWork]:
    """What the package runs before main that may cost time, as far as syntax tells:
    every `func init()`, and every package-level var whose initializer calls a function
    or converts a value (outside func literals; `errors.New` excepted, which the compiler
    initialises statically) or builds a map. Conservative: a conversion of a constant
    costs nothing but is counted; constants, `&T{...}`, slices and arrays of constants,
    func values and func literals are not (the compiler lays them out statically)."""
    out = []
    for file in package.non_test_files():
        if file.never_built:
            continue
        for node in syntax.top_level(file.root, "function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None and syntax.text(name) == "init":
                out.append(InitWork(str(file.path), node.start_point[0] + 1, "init()"))
        for var in package_vars(file):
            if any(_works(file, value) for value in var.values):
                names = ", ".join(syntax.text(n) for n in var.names)
                out.append(InitWork(str(file.path), var.names[0].start_point[0] + 1, names))
    return out


def _works(file: GoFile, value: syntax.Node) -> bool:
    deferred = syntax.func_literal_ranges(value)
    for caps in syntax.matches(_WORK, value):
        node = caps["w"][0]
        if syntax.inside(node, deferred):
            continue
        target = calls.call_target(file, node)
        if target is None or target.key not in _STATIC_CALLS:
            return True
    return False


# ---------------------------------------------------------------------------- cheap work

# Standard functions that do a small, fixed amount of work (an allocation or two).
CHEAP_CALLS = frozenset(
    {
        ("errors", "New"),
        ("fmt", "Errorf"),
        ("fmt", "Sprintf"),
        ("fmt", "Sprint"),
        ("reflect", "TypeOf"),
        ("context", "Background"),
        ("context", "TODO"),
        ("math/big", "NewInt"),
    }
)
CHEAP_METHODS = frozenset({"Elem"})  # of a cheap value: reflect.TypeOf(x).Elem()
CHEAP_BUILTINS = frozenset({"make", "new", "len", "cap"})
CHEAP_MAP_ENTRIES = 32  # lazy-init's default min_map_entries: a smaller map is not worth it
CHEAP_MAKE_SIZE = 4096  # a make(...) with a literal size below this allocates next to nothing


def cheap_initializer(file: GoFile, spec: syntax.Node, scope: PackageScope) -> bool:
    """Whether a var spec's initializer does next to no work at init: its every call,
    conversion and map literal (outside func literals) is cheap. Cheap: CHEAP_CALLS, the
    built-ins make (of a small or unknown-but-len() size), new, len and cap, a method in
    CHEAP_METHODS, conversions (to a type of the package, a built-in or a parenthesised
    type) and map literals below CHEAP_MAP_ENTRIES entries. Anything else may cost."""
    value = spec.child_by_field_name("value")
    if value is None:
        return True
    deferred = syntax.func_literal_ranges(value)
    for caps in syntax.matches(_WORK, value):
        node = caps["w"][0]
        if not syntax.inside(node, deferred) and not _cheap(file, node, scope):
            return False
    return True


def _cheap(file: GoFile, node: syntax.Node, scope: PackageScope) -> bool:
    if node.type == "type_conversion_expression":
        return True
    if node.type == "composite_literal":
        body = node.child_by_field_name("body")
        return body is None or len(body.named_children) < CHEAP_MAP_ENTRIES
    fn = calls.unparen(node.child_by_field_name("function") or node)
    if fn.type == "identifier":
        name = syntax.text(fn)
        decl = scope.decls.get(name)
        if decl is not None:
            return decl.kind is Kind.TYPE  # a conversion; the package's own functions may cost
        if name == "make":
            return _small_make(node)
        return name in CHEAP_BUILTINS or name in typeexpr.BASIC
    if fn.type in ("parenthesized_type", "pointer_type", "slice_type", "array_type"):
        return True  # []byte("x")
    if fn.type == "unary_expression" and syntax.text(fn).startswith("*"):
        return True  # (*T)(nil), which tree-sitter reads as a call
    if fn.type == "selector_expression":
        operand = fn.child_by_field_name("operand")
        field = fn.child_by_field_name("field")
        if operand is not None and operand.type == "call_expression" and field is not None:
            return syntax.text(field) in CHEAP_METHODS  # the operand is checked on its own
    target = calls.call_target(file, node)
    return target is not None and target.key in CHEAP_CALLS


def _small_make(call: syntax.Node) -> bool:
    """make(T), make(T, n) whose sizes are literals below CHEAP_MAKE_SIZE or len(...)."""
    args = call.child_by_field_name("arguments")
    for size in args.named_children[1:] if args is not None else []:
        size = calls.unparen(size)
        if size.type == "int_literal":
            if _int(syntax.text(size)) >= CHEAP_MAKE_SIZE:
                return False
        elif not (size.type == "call_expression" and syntax.text(size).startswith("len(")):
            return False
    return True


def _int(literal: str) -> int:
    """A Go int literal's value (0755 is octal in Go, and an error to Python's int)."""
    text = literal.replace("_", "").lower()
    if len(text) > 1 and text[0] == "0" and text[1].isdigit():
        return int(text, 8)
    return int(text, 0)


# ---------------------------------------------------------------------------- what runs

MUST_RUN = "must run before main"  # the why_not of work no fix may defer

# Registrations into another package, by import path: which functions register (a
# regular expression on the name), and into what. purity.REGISTRARS says which packages'
# calls register at all; this says what they fill, for the reader.
REGISTRIES: dict[str, tuple[str, str]] = {
    "flag": (
        r"(?!Parse|Parsed|Args?$|NArg$|NFlag$|Lookup$|Set$|Visit|PrintDefaults$|NewFlagSet$"
        r"|UnquoteUsage$)\w+",
        "flag.CommandLine",
    ),
    "github.com/spf13/pflag": (
        r"(?!Parse|Parsed|Args?$|NArg$|NFlag$|Lookup$|Set$|Visit|PrintDefaults$|NewFlagSet$"
        r"|UnquoteUsage$|CommandLine$)\w+",
        "pflag.CommandLine",
    ),
    "expvar": (r"New\w+|Publish", "expvar's published variables (/debug/vars)"),
    "net/http": (r"Handle|HandleFunc", "http.DefaultServeMux"),
    "database/sql": (r"Register", "database/sql's drivers"),
    "encoding/gob": (r"Register(Name)?", "encoding/gob's type registry"),
    "image": (r"RegisterFormat", "image's decoders"),
    "crypto": (r"RegisterHash", "crypto's hash functions"),
    "mime": (r"AddExtensionType", "mime's types by extension"),
    "github.com/prometheus/client_golang/prometheus": (
        r"(Must)?Register",
        "prometheus.DefaultRegisterer",
    ),
    "github.com/prometheus/client_golang/prometheus/promauto": (
        r"New\w+",
        "prometheus.DefaultRegisterer",
    ),
    "github.com/rcrowley/go-metrics": (
        r"(Must)?Register|GetOrRegister\w*|NewRegistered\w*",
        "go-metrics' DefaultRegistry",
    ),
    "github.com/golang/protobuf/proto": (r"Register\w+", "protobuf's global registry"),
    "google.golang.org/protobuf/runtime/protoimpl": (
        r"TypeBuilder",
        "protobuf's protoregistry.GlobalFiles and GlobalTypes",
    ),
    "google.golang.org/grpc/encoding": (r"Register\w+", "grpc's codecs and compressors"),
    "google.golang.org/grpc/balancer": (r"Register", "grpc's balancers"),
    "google.golang.org/grpc/resolver": (r"Register", "grpc's resolvers"),
}
_TYPE_BUILDERS = "(composite_literal type: (qualified_type) @type) @lit"
_LOCAL_CALLS = "(call_expression function: (identifier) @fn) @call"
SUMMARY_CHARS = 100


@dataclass(frozen=True)
class InitItem:
    """One thing a package runs before main, for a reader: an `init()`, a package-level
    initializer with a call, or a registration into another package (`into`)."""

    kind: str  # "init", "var" or "registration"
    path: str
    line: int
    summary: str  # the code, on one line, shortened
    into: str = ""  # registrations: what they fill ("http.DefaultServeMux")
    only_registers: bool = False  # an init() whose every statement registers
    calls: str = ""  # a var's first call, as written ("match", "terror.New"), if any
    cheap: bool = False  # a var whose initializer does next to no work (`cheap`)
    loop: str = ""  # an init()'s loop ("a loop in load (called by init())"), or LITERAL_LOOP
    read_by: str = ""  # a var that registering code reads at init: "init() at a.go:3 (through f)"


@dataclass(frozen=True)
class _Code:
    """The package's own functions (not methods, not init) by name, with their bodies,
    and its import path: a registry package registers through its own functions too
    (prometheus's init() calls MustRegister)."""

    funcs: Mapping[str, tuple[GoFile, syntax.Node]]
    path: str


def init_items(package: Package) -> list[InitItem]:
    """Every unit of `init_work`, and each registration into another package that an
    `init()` makes (directly or through the package's own functions), in file order.
    A var whose initializer registers is a registration; each var item says whether it
    is cheap and which registering code reads it; each init() its loop, if any."""
    scope = PackageScope.of(package)
    code = _Code(_Functions(scope), package.import_path)
    out = []
    names: dict[str, InitItem] = {}  # a var item by each name its spec declares
    registering: set[str] = set()  # where registering code sits, as read_at_startup says
    for work in init_work(package):
        file = next(f for f in package.files if str(f.path) == work.path)
        node = _declaration_at(file, work.line)
        if node is None:
            continue
        if node.type == "function_declaration":
            items = _init_items(file, node, code)
            if items[0].only_registers:
                registering.add(f"init() at {file.path.name}:{work.line}")
            out += items
            continue
        into = _registers(file, node, code)
        cheap = not into and cheap_initializer(file, node, scope)
        literal = _called_literal(node)
        item = InitItem(
            "registration" if into else "var",
            work.path,
            work.line,
            _summary(node),
            into,
            calls=CALLED_LITERAL if literal is not None else _first_call(node),
            cheap=cheap,
            loop=LITERAL_LOOP if literal is not None and _has_loop(literal) else "",
        )
        if into:
            registering.add(f"the initializer of {work.what} at {file.path.name}:{work.line}")
        else:
            names.update(dict.fromkeys((n for n in work.what.split(", ") if n != "_"), item))
        out.append(item)
    read_by = _read_by_registrations(package, scope, names, registering)
    out = [replace(i, read_by=read_by[id(i)]) if id(i) in read_by else i for i in out]
    return sorted(out, key=lambda i: (i.path, i.line))


def _read_by_registrations(
    package: Package, scope: PackageScope, names: dict[str, InitItem], registering: set[str]
) -> dict[int, str]:
    """The var items (by id) that `registering` code (an init() that only registers, a
    registering initializer) reads at init, directly or through other vars' initializers,
    with where: they must be built before it, so they must run before main too
    (prometheus's defaultRegistry, which its init() fills through MustRegister and
    DefaultRegisterer)."""
    if not registering:
        return {}
    every = {n for n, d in scope.decls.items() if d.kind is Kind.VAR and n != "_"}
    read = read_at_startup(package, scope, every)
    # a reader of registered values -> how registering code reaches it ("" for itself)
    roots = dict.fromkeys(registering, "")
    marked: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, where in read.items():
            reader = where.split(" (through ")[0]
            if name in marked or reader not in roots:
                continue
            marked[name] = roots[reader] or where
            roots.setdefault(_initializer_of(scope.decls[name]), f"{marked[name]}, through {name}")
            changed = True
    return {id(names[n]): why for n, why in marked.items() if n in names}


def _initializer_of(decl: Decl) -> str:
    """A var's initializer as read_at_startup names it: "the initializer of a, b at x.go:3"."""
    spec = decl.spec
    if spec is None:
        return ""
    shown = ", ".join(syntax.text(n) for n in spec.children_by_field_name("name"))
    return f"the initializer of {shown} at {decl.file.path.name}:{spec.start_point[0] + 1}"


class _Functions(Mapping[str, tuple[GoFile, syntax.Node]]):
    """The package's functions with a body, in its non-test files, but init, by name:
    each looked up in the scope, which parses only the files that may declare it."""

    def __init__(self, scope: PackageScope) -> None:
        self._scope = scope

    def __getitem__(self, name: str) -> tuple[GoFile, syntax.Node]:
        found = None
        for decl in self._scope.functions(name) if name != "init" else []:
            func = decl.node.parent
            body = func.child_by_field_name("body") if func is not None else None
            if body is not None and not decl.file.is_test:
                found = (decl.file, body)  # the last, as a build-tagged twin
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._scope.decls if name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _declaration_at(file: GoFile, line: int) -> syntax.Node | None:
    """The `func init` declared on `line`, or the var spec whose first name is there."""
    for node in syntax.top_level(file.root, "function_declaration"):
        if node.start_point[0] + 1 == line:
            return node
    for var in package_vars(file):
        if var.names[0].start_point[0] + 1 == line:
            return var.names[0].parent
    return None


def _init_items(file: GoFile, node: syntax.Node, code: _Code) -> list[InitItem]:
    body = node.child_by_field_name("body")
    if body is None:
        return []
    registering = _registering_calls(file, body, code)  # once: a body may be huge
    found = _registrations_in(file, body, code, set(), registering)
    statements = [s for s in _statements(body) if s.type != "comment"]
    only = bool(statements) and all(
        _registers(file, s, code, registering) or _local_registers(file, s, code)
        for s in statements
    )
    intos = ", ".join(dict.fromkeys(r.into for r in found))
    line = node.start_point[0] + 1
    loop = _loop(file, body, code)
    init = InitItem("init", str(file.path), line, _summary(node), intos, only, loop=loop)
    return [init, *found]


def _loop(file: GoFile, body: syntax.Node, code: _Code) -> str:
    """The first loop an init() runs, in its body or in a package function it calls
    ("a loop in init()", "a loop in load (called by init())"), outside func literals."""
    if _has_loop(body):
        return "a loop in init()"
    for name, (_, called) in _called_functions(file, body, code.funcs).items():
        if _has_loop(called):
            return f"a loop in {name} (called by init())"
    return ""


def _started(call: syntax.Node) -> bool:
    """`go f()`: f runs on its own goroutine, not in the caller."""
    return call.parent is not None and call.parent.type == "go_statement"


def _has_loop(body: syntax.Node) -> bool:
    deferred = syntax.func_literal_ranges(body)
    loops = syntax.captures("(for_statement) @loop", body).get("loop", [])
    return any(not syntax.inside(loop, deferred) for loop in loops)


def _statements(block: syntax.Node) -> list[syntax.Node]:
    """A block's statements (tree-sitter-go wraps them in a statement_list)."""
    lists = [c for c in block.named_children if c.type == "statement_list"]
    return lists[0].named_children if lists else block.named_children


def _registrations_in(
    file: GoFile,
    node: syntax.Node,
    code: _Code,
    seen: set[str],
    registering: list[tuple[syntax.Node, str]] | None = None,
) -> list[InitItem]:
    """Each registering call in `node` (outside func literals), and in the package
    functions it calls, transitively. `registering`: `_registering_calls` of `node`,
    when the caller has it."""
    deferred = syntax.func_literal_ranges(node)
    registering = _registering_calls(file, node, code) if registering is None else registering
    out = [
        InitItem("registration", str(file.path), call.start_point[0] + 1, _summary(call), into)
        for call, into in registering
        if not syntax.inside(call, deferred)
    ]
    for caps in syntax.matches(_LOCAL_CALLS, node):
        name = syntax.text(caps["fn"][0])
        if name in code.funcs and name not in seen and not syntax.inside(caps["call"][0], deferred):
            seen.add(name)
            out += _registrations_in(*code.funcs[name], code, seen)
    return sorted(out, key=lambda i: (i.path, i.line))


def _registering_calls(
    file: GoFile, node: syntax.Node, code: _Code
) -> list[tuple[syntax.Node, str]]:
    """The calls in `node` that register, each with what it fills: calls of other
    packages' registering functions, of the package's own when it is the registry, and
    protobuf's type builders."""
    out = [(call, into) for call, t in calls.imported_calls(file, node) if (into := _into(*t.key))]
    for caps in syntax.matches(_LOCAL_CALLS, node):
        local = syntax.text(caps["fn"][0])
        into = _into(code.path, local) if local in code.funcs else ""
        if into:
            out.append((caps["call"][0], into))
    for caps in syntax.matches(_TYPE_BUILDERS, node):
        qualified = caps["type"][0]
        pkg, name = qualified.child_by_field_name("package"), qualified.child_by_field_name("name")
        path = calls.import_of(file, syntax.text(pkg)) if pkg is not None else None
        into = _into(path, syntax.text(name)) if path and name is not None else ""
        if into:
            out.append((caps["lit"][0], into))
    return out


def _into(path: str, name: str) -> str:
    """What calling path.name registers into ("" for no registration)."""
    known = REGISTRIES.get(path)
    if known is not None:
        return known[1] if re.fullmatch(known[0], name) else ""
    return path if path in REGISTRARS else ""


def _registers(
    file: GoFile,
    node: syntax.Node,
    code: _Code,
    around: list[tuple[syntax.Node, str]] | None = None,
) -> str:
    """What `node` registers into, outside func literals ("" if nothing). `around`:
    `_registering_calls` of code that holds `node`, when the caller has it."""
    deferred = syntax.func_literal_ranges(node)
    registering = (
        _registering_calls(file, node, code)
        if around is None
        else [(c, i) for c, i in around if syntax.inside(c, [(node.start_byte, node.end_byte)])]
    )
    found = [into for call, into in registering if not syntax.inside(call, deferred)]
    return ", ".join(dict.fromkeys(found))


def _local_registers(file: GoFile, statement: syntax.Node, code: _Code) -> bool:
    """A statement that only calls a package function that registers (`f()`)."""
    if statement.type != "expression_statement":
        return False
    call = calls.unparen(statement.named_children[0])
    fn = call.child_by_field_name("function") if call.type == "call_expression" else None
    if fn is None or fn.type != "identifier" or syntax.text(fn) not in code.funcs:
        return False
    return bool(_registrations_in(file, call, code, set()))


CALLED_LITERAL = "func() {...}"  # an InitItem's `calls` for `var x = func() T {...}()`
LITERAL_LOOP = "a loop in the func literal it calls"


def _called_literal(spec: syntax.Node) -> syntax.Node | None:
    """The body of a func literal the initializer calls at once (`var r = func() T
    {...}()`: chroma's styles.Registry), which runs at init; None if there is none."""
    literals = syntax.func_literal_ranges(spec)
    for caps in syntax.matches("(call_expression function: (_) @fn)", spec):
        fn = calls.unparen(caps["fn"][0])
        around = [r for r in literals if r != (fn.start_byte, fn.end_byte)]
        if fn.type == "func_literal" and not syntax.inside(fn, around):
            return fn.child_by_field_name("body")
    return None


def _first_call(node: syntax.Node) -> str:
    """The function of the first call in `node`, as written, outside func literals."""
    deferred = syntax.func_literal_ranges(node)
    for caps in syntax.matches("(call_expression function: (_) @fn)", node):
        if not syntax.inside(caps["fn"][0], deferred):
            return " ".join(syntax.text(caps["fn"][0]).split())
    return ""


def _summary(node: syntax.Node) -> str:
    """The code on one line, whitespace collapsed, cut at SUMMARY_CHARS."""
    text = " ".join(syntax.text(node).split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
