"""`init()` functions that build tables at every start, run on first use instead.

## What it finds

Every `func init()` of a package, and what it does. One whose only effect is computing
the package's own unexported variables from local work (loops, `make`, `append`, map
and slice literals, calls of pure standard-library functions and of the package's pure
functions) gets a fix; any other one is reported with the reason it must stay.

## Why

An `init()` runs before `main`, on every start, in every program that links the
package, even for `--version`. A package that fills a 20,000-entry map and a
200,000-entry sieve in two `init()`s spends milliseconds and megabytes there; on first
use that cost is paid only by the runs that need the tables.

## The fix

The `init()` becomes the value's constructor: `var table = sync.OnceValue(func() (table
T) { <the init body> return })`. The body is kept as it was: the result is named as the
var, so the body fills a local of that name, and a bare `return` in it still works. The
var's declaration moves into the constructor (its initial value, if any, becomes the
first statement), and every other reference in the package becomes a call, `table()`.
When one `init()` fills several vars, they are built together: one `sync.OnceValue` of
a small struct, and per var a function returning its field. Modules older than Go 1.21
get the same shape from generated helpers (`codemod_oncevalue.go`, as `lazy-init`
writes them). A var with a costly initializer that only the moved `init()` read at
start-up (a big map literal it indexes) would then be built for nothing: it is built on
first use in the same fix (`sync.OnceValue(func() T { return <its value> })`), or the
`init()` stays, saying why. A generated test (`codemod_inithooks_test.go`) builds every
such value, so a body that panics still fails `go test`.

## The unsafe tier: lazyinit hooks

An `init()` that only prepares its package's own state, but whose state cannot become a
value (an exported var, a struct, a var other code assigns), becomes a named hook of
the small support package `lazyinit`, which `apply` vendors into the module
(`internal/lazyinit` by default, option `lazyinit_dir`; it has its own tests):

    func init() {
        lazyinit.Register("example.com/m/tables tables.go:9", func() error {
                <the init body>
                return nil
        })
    }

and every exported function and method of the package that reads that state (directly
or through the package's own code), and `main` in a command, calls
`lazyinit.Do("example.com/m/tables tables.go:9")` first. `Do` runs the hook once,
concurrently safe, and gives every caller the same error or panic; `RunAll(ctx)` runs the
hooks nobody has asked for, `Pending()` names them, `Timings()` says how long each took.
A generated test file (`codemod_inithooks_run_test.go`) runs every hook before the
package's own tests, which may read the state directly. Option `warm` (or `apply
--warm`) inserts `go lazyinit.RunAll(context.Background())` in `main` after flag
parsing, so the work is done in the background once the program has started.

It is unsafe: code that reads the state directly before calling the package (an
importer outside the module, a func value, a goroutine) sees it unprepared. It is
refused when importers in the module read the state directly, when other start-up code
uses it, when the body calls an exported function that would wait for the hook it runs
in, or when no exported function reaches the state (nothing would run the hook).

## What it leaves alone, and says why

For the safe tier: a var also assigned elsewhere (another `init()` included) or whose
address is taken; a var of a struct type, or an array used whole (an array is built
behind a pointer: `*[256]uint32`); a var another `init()` or an eager initializer reads
(no gain); exported vars (other packages may read them: the unsafe tier). For both: a body with any other effect:
I/O, writes to other packages' variables, registrations (`http.Handle*`, `flag.*`,
`sql.Register`, ...), goroutines, channel operations, `os.Getenv`, calls whose result
may change, or package functions that use the var themselves; packages where a file
could not be parsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from codemod import (
    buildtags,
    calls,
    generated,
    imports,
    names,
    oncevalue,
    startup,
    syntax,
    typeexpr,
    uses,
)
from codemod.edits import TextEdit, apply_edits
from codemod.model import GoFile, Package
from codemod.purity import Purity
from codemod.rewrite import Rewrite
from codemod.rule import (
    Example,
    FileFix,
    Fix,
    ImportAction,
    ImportChange,
    Option,
    Pass,
    Prefilter,
    Rule,
    Safety,
)
from codemod.scope import (
    Decl,
    Kind,
    PackageScope,
    Ref,
    Use,
    qualified_references,
    refers_to_package,
    specs,
)

_BUILTIN_CHEAP = frozenset({"make", "new", "len", "cap"})
_WRITES = """
(assignment_statement left: (expression_list (_) @w))
(inc_statement (_) @w)
(dec_statement (_) @w)
(call_expression function: (identifier) @builtin arguments: (argument_list . (_) @w))
(call_expression function: (selector_expression operand: (_) @w field: (field_identifier)))
"""
_MUTATING_BUILTINS = frozenset({"delete", "clear", "copy"})
_EFFECTS = {
    "go_statement": "starts a goroutine",
    "send_statement": "sends on a channel",
    "select_statement": "waits on channels",
}


# ---------------------------------------------------------------------------- analysis


@dataclass
class Target:
    """A package var an init() fills."""

    decl: Decl
    result_type: str = ""  # as the init's file spells it
    value: str = ""  # its initial value, "" for the zero value
    refs: list[Ref] = field(default_factory=list)  # outside the init body: to rewrite
    inside: list[Ref] = field(default_factory=list)  # in the body: they use the local
    sync: str | None = ""  # a fed var's file's name for package sync ("" with helpers)
    helper: str = ""  # what builds a fed var lazily

    @property
    def name(self) -> str:
        return self.decl.name


@dataclass
class Hook:
    """One `func init()` and what it fills."""

    file: GoFile
    func: syntax.Node
    targets: list[Target] = field(default_factory=list)
    effect: str = ""  # what else it does: why it must run at start-up
    skip: str = ""
    shared: str = ""  # the var holding the lazy value
    sync: str = ""  # the file's name for package sync ("" with generated helpers)
    registration: Registration | None = None  # the unsafe tier's plan, when it has one
    fed: list[Target] = field(default_factory=list)  # vars built at start-up only for it
    unregistered: str = ""  # why the unsafe tier has none

    @property
    def body(self) -> syntax.Node:
        body = self.func.child_by_field_name("body")
        assert body is not None
        return body

    @property
    def where(self) -> str:
        return f"init() at {self.file.path.name}:{self.func.start_point[0] + 1}"

    def holds(self, ref: Ref) -> bool:
        return ref.file is self.file and _within(ref.node, self.body)

    @property
    def filled(self) -> str:
        return " and ".join(t.name for t in self.targets) or "nothing the package keeps"


@dataclass
class Context:
    pass_: Pass
    package: Package

    @cached_property
    def scope(self) -> PackageScope:
        return PackageScope.of(self.package)

    @cached_property
    def purity(self) -> Purity:
        return Purity(self.package, self.scope)

    @cached_property
    def methods(self) -> dict[str, list[tuple[GoFile, syntax.Node]]]:
        """The package's methods by name (non-test files)."""
        out: dict[str, list[tuple[GoFile, syntax.Node]]] = {}
        for file in self.package.non_test_files():
            for m in syntax.top_level(file.root, "method_declaration"):
                name = m.child_by_field_name("name")
                if name is not None:
                    out.setdefault(syntax.text(name), []).append((file, m))
        return out

    @cached_property
    def registrations(self) -> list[startup.InitItem]:
        return [i for i in startup.init_items(self.package) if i.kind == "registration"]


def _within(node: syntax.Node, outer: syntax.Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def prefilter(options: Mapping[str, Any]) -> Prefilter:
    """An `init()` in a non-test file, as `run` itself tests; with `warm`, a `main` too
    (the package whose main gets `go lazyinit.RunAll`)."""
    wanted = (b"func init()", b"func main()") if options.get("warm") else (b"func init()",)
    return Prefilter((wanted,))


def run(pass_: Pass) -> None:
    package = pass_.package
    if pass_.options["warm"] and package.name == "main" and not package.is_external_test:
        _warm(Context(pass_, package))
    if package.is_external_test or not any(
        b"func init()" in f.source for f in package.non_test_files()
    ):
        return
    ctx = Context(pass_, package)
    hooks = [h for h in _hooks(ctx) if not _registered(ctx, h) and _costly(h)]
    broken = [f.path.name for f in package.broken_files]
    for hook in hooks:
        if broken:
            hook.skip = f"{', '.join(broken)} could not be parsed, so references are unknown"
        else:
            _analyse(ctx, hook)
    _feed(ctx, [h for h in hooks if not h.skip and h.targets])
    run_test = _run_test(ctx) if package.module is not None else ""
    for hook in hooks:
        if hook.skip and hook.targets and not hook.effect and not broken:
            plan = _register_problem(ctx, hook) if not isinstance(run_test, str) else run_test
            if isinstance(plan, str):
                hook.unregistered = plan
            else:
                hook.registration = plan
    _report(ctx, hooks, run_test if not isinstance(run_test, str) else None)


def _hooks(ctx: Context) -> list[Hook]:
    out = []
    for file in ctx.package.non_test_files():
        if file.never_built:
            continue
        for func in syntax.top_level(file.root, "function_declaration"):
            name = func.child_by_field_name("name")
            if (
                name is not None
                and syntax.text(name) == "init"
                and func.child_by_field_name("body")
            ):
                out.append(Hook(file, func))
    return out


def _costly(hook: Hook) -> bool:
    """Whether the body does work worth deferring: a loop, a call other than the cheap
    built-ins, or a map literal (maps are built at run time)."""
    body = hook.body
    if syntax.captures("(for_statement) @x (composite_literal type: (map_type)) @x", body):
        return True
    for call in syntax.captures("(call_expression function: (_) @f)", body).get("f", []):
        if syntax.text(call) not in _BUILTIN_CHEAP:
            return True
    return False


def _analyse(ctx: Context, hook: Hook) -> None:
    hook.effect = _effect(ctx, hook)
    if hook.effect:
        hook.skip = hook.effect
        return
    written = sorted(_written(ctx, hook), key=lambda d: (str(d.file.path), d.node.start_byte))
    hook.targets = [Target(d) for d in written]
    if not hook.targets:
        return
    hook.skip = next((why for t in hook.targets if (why := _target_problem(ctx, hook, t))), "")
    hook.skip = hook.skip or _calls_back(ctx, hook) or _no_gain(ctx, hook)


def _effect(ctx: Context, hook: Hook) -> str:
    """What the body does besides computing: "" if nothing."""
    body, file = hook.body, hook.file
    for kind, what in _EFFECTS.items():
        if syntax.captures(f"({kind}) @x", body):
            return what
    lines = range(hook.func.start_point[0] + 1, hook.func.end_point[0] + 2)
    for item in ctx.registrations:
        if item.path == str(file.path) and item.line in lines:
            return f"registers into {item.into}, which {startup.MUST_RUN}"
    for caps in syntax.matches(_WRITES, body):
        node, root = caps["w"][0], startup.operand_root(caps["w"][0])
        if "builtin" in caps and syntax.text(caps["builtin"][0]) not in _MUTATING_BUILTINS:
            continue
        if (
            root.type == "identifier"
            and root != node
            and not _is_call(node)
            and calls.import_of(file, syntax.text(root))
            and refers_to_package(file, root, ctx.scope)
        ):
            return f"writes {syntax.text(node)}, a variable of another package"
    why = _impurity(ctx, hook, body)
    if why:
        return why
    for caps in syntax.matches("(call_expression function: (func_literal) @f)", body):
        why = _impurity(ctx, hook, caps["f"][0])
        if why:
            return why
    return ""


def _impurity(ctx: Context, hook: Hook, node: syntax.Node) -> str:
    """Why running `node` later could change what it computes or does (func literals that
    are not called run later anyway): reading the vars it fills, or vars whose contents
    nothing changes (a table it indexes), is no impurity."""
    stable = {d.name for d in _written(ctx, hook)}
    for name, decl in ctx.scope.decls.items():
        if (
            decl.kind is Kind.VAR
            and name not in stable
            and _package_idents(ctx, hook.file, node, {name})
            and ctx.purity.contents_unchanged(decl)
        ):
            stable.add(name)
    return ctx.purity.impurity(hook.file, node, stable, None, True)[0]


def _is_call(node: syntax.Node) -> bool:
    parent = node.parent
    return (
        parent is not None
        and parent.type == "call_expression"
        and parent.child_by_field_name("function") == node
    )


def _written(ctx: Context, hook: Hook) -> list[Decl]:
    """The package vars the body writes, in order: assigned, `++`/`--`, an element or
    field of them written, passed to `delete`/`clear`/`copy`, or a method called on them
    (without types, a method may fill its receiver). Func literals count: they write the
    var's local once the body moves."""
    out: dict[str, Decl] = {}
    for caps in syntax.matches(_WRITES, hook.body):
        if "builtin" in caps and syntax.text(caps["builtin"][0]) not in _MUTATING_BUILTINS:
            continue
        root = startup.operand_root(caps["w"][0])
        if root.type != "identifier":
            continue
        decl = ctx.scope.decls.get(syntax.text(root))
        if decl is None or decl.kind is not Kind.VAR:
            continue
        if refers_to_package(hook.file, root, ctx.scope):
            out.setdefault(decl.name, decl)
    return list(out.values())


def _target_problem(ctx: Context, hook: Hook, target: Target) -> str:
    """Why `target` cannot move into the hook ("" if it can); fills in its type, initial
    value and the references to rewrite."""
    decl, name = target.decl, target.name
    if decl.file.is_test:
        return f"{name} is declared in a test file"
    if name[:1].isupper() and ctx.package.name != "main":
        return f"{name} is exported: other packages may read it (the unsafe tier: a lazyinit hook)"
    spec = decl.spec
    assert spec is not None
    if len(spec.children_by_field_name("name")) != 1:
        return f"{name} is declared with other names in one spec"
    refs = uses.find(ctx.package, decl, ctx.scope).inside
    outside = [r for r in refs if not hook.holds(r) and r.use is not Use.DECLARE]
    inside = [r for r in refs if hook.holds(r)]
    blocked = uses.blocking(outside) or uses.blocking(r for r in inside if r.use is Use.ADDRESS)
    if blocked:
        return f"{name}: {blocked}"
    for ref in inside:
        if not _runs_in_body(ctx, hook, ref.node):
            where = f"{ref.file.path.name}:{ref.line}"
            return f"{name} is used at {where} in a func literal that may run later, when it would see the constructor's local"
    target.refs, target.inside = outside, inside
    return _type_problem(ctx, hook, target)


def _runs_in_body(ctx: Context, hook: Hook, node: syntax.Node) -> bool:
    """Whether every func literal around `node` runs while the body runs: called where it
    stands (or deferred), or passed to a pure standard function (`sort.Slice`)."""
    for literal in syntax.ancestors(node):
        if literal == hook.body:
            return True
        if literal.type != "func_literal":
            continue
        parent = literal.parent
        while parent is not None and parent.type == "parenthesized_expression":
            parent = parent.parent
        if parent is None:
            return False
        if parent.type == "call_expression":
            if parent.parent is not None and parent.parent.type == "go_statement":
                return False
            continue
        call = parent.parent if parent.type == "argument_list" else None
        target = calls.call_target(hook.file, call) if call is not None else None
        if target is None or ctx.purity.target_impurity(target):
            return False
    return True


def _type_problem(ctx: Context, hook: Hook, target: Target) -> str:
    decl, name = target.decl, target.name
    spec = decl.spec
    assert spec is not None
    declared = spec.child_by_field_name("type")
    values = spec.child_by_field_name("value")
    value = values.named_children[0] if values is not None and values.named_children else None
    if value is not None:
        if decl.file is not hook.file:
            return f"{name} has an initial value in {decl.file.path.name}, but init() is in {hook.file.path.name}"
        why, _ = ctx.purity.impurity(decl.file, value, {name}, decl.node, True)
        if why:
            return f"the initial value of {name} {why}"
        target.value = syntax.text(value)
    text = syntax.text(declared) if declared is not None else _value_type(value)
    if not text:
        return f"cannot tell the type of {name}; declare it: var {name} T"
    spelled = typeexpr.respell(text, decl.file.root, hook.file.root)
    if decl.file is not hook.file and not spelled:
        return f"the type of {name} cannot be written in {hook.file.path.name} with its imports"
    target.result_type = spelled or text
    if _array(text):
        return _array_problem(hook, target, value)
    if text not in typeexpr.BASIC and not ctx.scope.reference_like(text):
        return f"{name} is a value of type {text}: uses may need an addressable variable"
    return ""


def _element_use(node: syntax.Node) -> bool:
    """`x[i]` (read or written), `len(x)`, `cap(x)`, `range x`: the same through a pointer."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "index_expression":
        return parent.child_by_field_name("operand") == node
    if parent.type == "argument_list" and parent.named_child_count == 1:
        fn = parent.parent.child_by_field_name("function") if parent.parent else None
        return fn is not None and syntax.text(fn) in {"len", "cap"}
    return parent.type == "range_clause" and parent.child_by_field_name("right") == node


def _array(type_text: str) -> bool:
    return type_text.startswith("[") and not type_text.startswith("[]")


def _array_problem(hook: Hook, target: Target, value: syntax.Node | None) -> str:
    """An array is built behind a pointer (`*[256]uint32`: indexing, `len` and `range`
    read through it, and no use copies the whole array), so every use must be one of
    those; in the body, writes of elements too."""
    name = target.name
    if value is not None and calls.unparen(value).type != "composite_literal":
        return f"{name} is an array with an initial value that is not a literal"
    for ref in target.refs:
        if not _element_use(ref.node):
            return f"{name} is an array used whole at {ref.file.path.name}:{ref.line}: a pointer to it would share what a copy did not"
    for ref in target.inside:
        if ref.use is not Use.DECLARE and not _element_use(ref.node):
            return f"{name} is an array used whole at {ref.file.path.name}:{ref.line}: it is built behind a pointer"
    target.value = f"&{target.value}" if target.value else f"new({target.result_type})"
    target.result_type = "*" + target.result_type
    return ""


def _value_type(value: syntax.Node | None) -> str:
    """The type a value's literal or `make` spells ("" if it spells none)."""
    if value is None:
        return ""
    node = calls.unparen(value)
    if node.type == "composite_literal":
        t = node.child_by_field_name("type")
        return syntax.text(t) if t is not None and t.type != "implicit_length_array_type" else ""
    fn = node.child_by_field_name("function") if node.type == "call_expression" else None
    args = node.child_by_field_name("arguments") if fn is not None else None
    if fn is not None and syntax.text(fn) == "make" and args is not None and args.named_children:
        return syntax.text(args.named_children[0])
    return ""


def _calls_back(ctx: Context, hook: Hook) -> str:
    """A package function or method the body calls that uses a var it fills: after the
    move it would call the lazy value while that value is being built."""
    wanted = {t.name for t in hook.targets}
    for name, (file, node) in _reachable_code(ctx, hook).items():
        for var in _package_idents(ctx, file, node, wanted):
            return f"calls {name}, which uses {var}: it would ask for {var} while it is being built"
    return ""


def _reachable_code(ctx: Context, hook: Hook) -> dict[str, tuple[GoFile, syntax.Node]]:
    return _reachable_from(ctx, hook.file, hook.body)


def _reachable_from(
    ctx: Context, file: GoFile, start: syntax.Node
) -> dict[str, tuple[GoFile, syntax.Node]]:
    """The package's functions `start` calls, transitively, and every method whose name
    it calls (without types, `x.m()` may be any method m), by name ("m#1" for the
    second method m)."""
    out: dict[str, tuple[GoFile, syntax.Node]] = {}
    todo = [(file, start)]
    while todo:
        file, node = todo.pop()
        for caps in syntax.matches("(call_expression function: (_) @f)", node):
            fn = calls.unparen(caps["f"][0])
            found: list[tuple[GoFile, syntax.Node]] = []
            if fn.type == "identifier":
                decl = ctx.scope.decls.get(syntax.text(fn))
                parent = decl.node.parent if decl is not None else None
                if (
                    decl is not None
                    and decl.kind is Kind.FUNC
                    and parent is not None
                    and refers_to_package(file, fn, ctx.scope)
                ):
                    found = [(decl.file, parent)]
                label = syntax.text(fn)
            elif fn.type == "selector_expression" and fn.child_by_field_name("field") is not None:
                label = syntax.text(fn.child_by_field_name("field") or fn)
                found = ctx.methods.get(label, [])
            else:
                continue
            for i, (f, n) in enumerate(found):
                key = label if i == 0 else f"{label}#{i}"
                if key not in out:
                    out[key] = (f, n)
                    todo.append((f, n))
    return out


def _package_idents(
    ctx: Context, file: GoFile, node: syntax.Node, wanted: set[str]
) -> dict[str, list[syntax.Node]]:
    out: dict[str, list[syntax.Node]] = {}
    for ident in syntax.captures("(identifier) @id", node).get("id", []):
        name = syntax.text(ident)
        if name in wanted and refers_to_package(file, ident, ctx.scope):
            out.setdefault(name, []).append(ident)
    return out


def _feed(ctx: Context, live: list[Hook]) -> None:
    """The package vars with costly initializers that only these init()s read at start-up
    (directly or through the package's code): once the init()s move, the vars are built
    for nothing, so each moves to first use in its reader's fix too (`var x = T{...}`
    becomes `sync.OnceValue(func() T { return T{...} })`). Otherwise lazy-init would make
    them lazy on a second run, and a run after a run would change the tree. A reader
    whose var cannot follow it stays."""
    costly = {
        name.strip()
        for w in startup.init_work(ctx.package)
        if w.what != "init()"
        for name in w.what.split(",")
    } - {t.name for h in live for t in h.targets}
    if not live or not costly:
        return
    before = startup.read_at_startup_besides(ctx.package, ctx.scope, costly, [])
    moved = [h.where for h in live]
    after = startup.read_at_startup_besides(ctx.package, ctx.scope, costly, moved)
    for name in sorted(set(before) - set(after)):
        reader = next(h for h in live if before[name].startswith(h.where))
        fed = _fed(ctx, reader, ctx.scope.decls[name])
        if isinstance(fed, str):
            reader.skip = reader.skip or (
                f"it reads {name}, built at start-up only for it, and {name} cannot be "
                f"built on first use too: {fed}"
            )
        else:
            reader.fed.append(fed)


def _fed(ctx: Context, hook: Hook, decl: Decl) -> Target | str:
    """A var the init() alone reads at start-up, made lazy with it; or why it cannot be."""
    name = decl.name
    if name[:1].isupper() and ctx.package.name != "main":
        return "it is exported"
    spec = decl.spec
    values = spec.child_by_field_name("value") if spec is not None else None
    if spec is None or values is None or len(values.named_children) != 1:
        return "it is not declared alone with one value"
    if len(spec.children_by_field_name("name")) != 1:
        return "it is declared with other names in one spec"
    found = uses.find(ctx.package, decl, ctx.scope)
    if found.blocked:
        return found.blocked
    value = values.named_children[0]
    declared = spec.child_by_field_name("type")
    text = syntax.text(declared) if declared is not None else _value_type(value)
    if not text:
        return f"cannot tell its type; declare it: var {name} T = ..."
    if text not in typeexpr.BASIC and not ctx.scope.reference_like(text):
        return f"a value of type {text}: uses may need an addressable variable"
    why, _ = ctx.purity.impurity(decl.file, value, {name}, decl.node, True)
    if why:
        return f"its initializer {why}"
    refs = [r for r in found.inside if r.use is not Use.DECLARE]
    return Target(decl, text, syntax.text(value), refs)


def _no_gain(ctx: Context, hook: Hook) -> str:
    read = startup.read_at_startup_besides(
        ctx.package, ctx.scope, [t.name for t in hook.targets], [hook.where]
    )
    for name, where in read.items():
        return f"no gain: {name} is read at start-up by {where}"
    return ""


# ---------------------------------------------------------------------------- the fix


def _report(ctx: Context, hooks: list[Hook], run_test: FileFix | None) -> None:
    reported = [h for h in hooks if h.skip or h.targets]  # the rest keeps nothing: no gain
    live = [h for h in reported if not h.skip]
    _name_values(ctx, live)
    helpers = _helpers(ctx, live)
    tests = _force_tests(ctx)
    places: dict[int, Path] = {}
    for hook in [h for h in live if not h.skip]:
        sync = "" if helpers else names.import_name(hook.file, "sync", ctx.scope.decls)
        path = tests.place(hook.file)
        if sync is None:
            hook.skip = f"{names.listed('sync')} are all taken in {hook.file.path.name}"
        elif isinstance(path, str):
            hook.skip = path
        else:
            hook.sync, places[id(hook)] = sync, path
        for t in hook.fed if not hook.skip else []:
            t.sync = "" if helpers else names.import_name(t.decl.file, "sync", ctx.scope.decls)
            t.helper = helpers.name(t.name) if helpers else f"{t.sync}.OnceValue"
            if t.sync is None or tests.place(t.decl.file) != path:
                hook.skip = f"{t.name}, built at start-up only for it, cannot be built on first use too in {t.decl.file.path.name}"
    removed = {t.name for h in live if not h.skip for t in h.targets}
    for hook in reported:
        node = hook.func.child_by_field_name("name") or hook.func
        if hook.skip:
            what = f"fills {hook.filled}" if hook.targets else "runs"
            message = f"{hook.where} {what} at every start; not made lazy: {hook.skip}"
            if hook.registration is not None:
                reg = hook.registration
                entries = _entry_names(reg)
                message += (
                    f"; as a lazyinit hook it runs at the first call of {entries or 'none of them'}"
                )
                ctx.pass_.report(hook.file, node, message, _hook_fix(ctx, reg, run_test))
                continue
            if hook.unregistered:
                message += f"; nor as a lazyinit hook: {hook.unregistered}"
            ctx.pass_.report(hook.file, node, message)
            continue
        helper = helpers.name(hook.shared) if helpers else f"{hook.sync}.OnceValue"
        shared = tests.shared() + (
            [helpers.file_fix(n) for n in [hook.shared, *(t.name for t in hook.fed)]]
            if helpers
            else []
        )
        fix = _fix(hook, helper, tests.template(places[id(hook)]), shared, removed)
        count = sum(len(t.refs) for t in hook.targets)
        fed = " and ".join(t.name for t in hook.fed)
        message = (
            f"{hook.where} fills {hook.filled} at every start; build "
            f"{'it' if len(hook.targets) == 1 else 'them'} on first use ({helper}), "
            f"{count} reference{'' if count == 1 else 's'} in the package"
            + (f"; {fed} too, which only it read at start-up" if fed else "")
        )
        ctx.pass_.report(hook.file, node, message, fix)


def _force_tests(ctx: Context) -> generated.ForceTests:
    def declared(name: str) -> bool:
        decl = ctx.scope.decls.get(name)
        return decl is not None and decl.kind in {Kind.VAR, Kind.FUNC} and not decl.file.is_test

    return generated.ForceTests(ctx.package, declared, "init-hooks", "inithooks", "InitHooks")


def _struct_type(hook: Hook) -> str:
    fields = "".join(f"\t{t.name} {t.result_type}\n" for t in hook.targets)
    return f"struct {{\n{fields}}}"


def _name_values(ctx: Context, live: list[Hook]) -> None:
    """The var holding each hook's lazy value: its target's own name, or for several a
    fresh name (`initValues`, `initValues2`...)."""
    used = set(ctx.scope.decls) | names.imported_names(ctx.package)
    for hook in live:
        one = len(hook.targets) == 1
        hook.shared = hook.targets[0].name if one else names.fresh("initValues", used)


def _helpers(ctx: Context, live: list[Hook]) -> oncevalue.Helpers | None:
    """Before Go 1.21, the generated functions that stand in for sync.OnceValue."""
    if not oncevalue.needed(ctx.package):
        return None
    values = [
        oncevalue.Value(
            h.shared,
            h.targets[0].result_type if len(h.targets) == 1 else _struct_type(h),
            h.file,
        )
        for h in live
    ] + [oncevalue.Value(t.name, t.result_type, t.decl.file) for h in live for t in h.fed]
    helpers = oncevalue.Helpers.plan(ctx.package, ctx.scope, values, "init-hooks")
    for h in live:
        skipped = {} if isinstance(helpers, str) else helpers.skipped
        why = next((skipped[n] for n in [h.shared, *(t.name for t in h.fed)] if n in skipped), "")
        h.skip = helpers if isinstance(helpers, str) else why
    return None if isinstance(helpers, str) else helpers


def _fix(hook: Hook, helper: str, test: FileFix, shared: list[FileFix], removed: set[str]) -> Fix:
    """The fix of one init(): it becomes the lazy value of what it fills (`helper`
    builds it), the vars' declarations go (a `var (...)` block whose every var goes
    goes whole: each fix deletes it the same way), every read becomes a call, and
    `test` forces the value. `removed`: every var some fix of the package moves."""
    rewrite = Rewrite()
    for target in hook.targets:
        _remove_declaration(rewrite, target.decl, removed)
        rewrite.reads_to_calls(target.refs)
    text = _declaration(hook, helper, removed)
    rewrite.add(hook.file, TextEdit(hook.func.start_byte, hook.func.end_byte, text))
    changes = {t.decl.file: _unused_imports(t.decl) for t in hook.targets}
    add_sync = (
        (ImportChange(ImportAction.ADD, "sync", None if hook.sync == "sync" else hook.sync),)
        if hook.sync
        else ()
    )
    for t in hook.fed:
        _make_lazy(rewrite, hook, t)
        if t.sync:
            name = None if t.sync == "sync" else t.sync
            changes[t.decl.file] = (
                *changes.get(t.decl.file, ()),
                ImportChange(ImportAction.ADD, "sync", name),
            )
    changes[hook.file] = changes.get(hook.file, ()) + add_sync
    files = rewrite.file_fixes(changes)
    lines = tuple(f"\t_ = {t.name}()\n" for t in [*hook.targets, *hook.fed])
    files.append(FileFix(test.path, create=test.create, lines=lines))
    files += [g for g in shared if g.path != test.path]
    return Fix(
        description=f"run {hook.where} on first use of {hook.filled}, with {helper}",
        safety=Safety.SAFE,
        files=tuple(files),
    )


def _make_lazy(rewrite: Rewrite, hook: Hook, target: Target) -> None:
    """A var the moved init() fed on: its value is built on first use too, with the same
    helper, and every read outside the body becomes a call (in the body, `_body_text`)."""
    decl = target.decl
    spec = decl.spec
    assert spec is not None
    values = spec.child_by_field_name("value")
    assert values is not None
    value = values.named_children[0]
    multiline = "\n" in target.value
    prefix = f"{target.helper}(func() {target.result_type} {{" + (
        "\n\treturn " if multiline else " return "
    )
    suffix = "\n})" if multiline else " })"
    if spec.child_by_field_name("type") is not None:  # `var x T = v`: the type moves inside
        rewrite.wrap(decl.file, value, " = " + prefix, suffix, decl.node.end_byte)
    else:
        rewrite.wrap(decl.file, value, prefix, suffix)
    rewrite.reads_to_calls(r for r in target.refs if not hook.holds(r))


def _unused_imports(decl: Decl) -> tuple[ImportChange, ...]:
    """The imports a removed declaration's type named in its file: each goes if nothing
    else there uses it (the import editor checks)."""
    node = _declaration_node(decl)
    named = {
        syntax.text(q)
        for q in syntax.captures("(qualified_type package: (_) @p) @q", node).get("p", [])
    }
    paths = imports.paths_by_name(decl.file.root)
    return tuple(ImportChange(ImportAction.REMOVE, paths[n]) for n in sorted(named) if n in paths)


def _body_text(hook: Hook, calls: Sequence[int] = ()) -> tuple[str, str, int]:
    """The body between its braces: what follows `{` on its line (a comment, or ""), the
    lines after it without the last line break, and the byte offset where they start
    in the file. `calls`: offsets in the file after which `()` goes (reads of vars the
    fix makes lazy too)."""
    body = hook.body
    inner = hook.file.source[body.start_byte + 1 : body.end_byte - 1]
    newline = b"\n" in inner
    head, _, rest = inner.partition(b"\n") if newline else (b"", b"", inner)
    lead = len(rest) - len(rest.lstrip(b"\n"))
    offset = body.start_byte + 1 + (len(head) + 1 if newline else 0) + lead
    text = rest.strip(b"\n")
    inserts = [
        TextEdit(c - offset, c - offset, "()") for c in calls if offset <= c <= offset + len(text)
    ]
    return head.rstrip().decode(), apply_edits(text, inserts).decode(), offset


def _terminates(hook: Hook) -> bool:
    """Whether the body's last statement ends it (then no `return` may follow: vet)."""
    statements = [c for c in _statements(hook.body) if c.type != "comment"]
    if not statements:
        return False
    last = statements[-1]
    if last.type == "return_statement":
        return True
    call = last.named_children[0] if last.type == "expression_statement" else None
    fn = (
        call.child_by_field_name("function")
        if call is not None and call.type == "call_expression"
        else None
    )
    return fn is not None and syntax.text(fn) == "panic"


def _statements(block: syntax.Node) -> list[syntax.Node]:
    lists = [c for c in block.named_children if c.type == "statement_list"]
    return lists[0].named_children if lists else block.named_children


def _indent(text: str, raw: list[tuple[int, int]]) -> str:
    """Each line one tab deeper, except lines that start inside a raw string literal."""
    out, offset = [], 0
    for line in text.split("\n"):
        inside = any(start < offset < end for start, end in raw)
        out.append(line if inside or not line else "\t" + line)
        offset += len(line.encode()) + 1
    return "\n".join(out)


def _declaration(hook: Hook, helper: str, removed: set[str]) -> str:
    """The lazy value that replaces the init(): its body, run by `helper` on first use.
    `removed`: every var some fix of the package moves (see `_doc`)."""
    calls = sorted(r.node.end_byte for t in hook.fed for r in t.refs if hook.holds(r))
    head, body, offset = _body_text(hook, calls)
    start = "".join(f"\t{t.name} = {t.value}\n" for t in hook.targets if t.value)
    tail = "" if _terminates(hook) else "\treturn\n"
    inner = start + (body + "\n" if body.strip() else "") + tail
    if len(hook.targets) == 1:
        t = hook.targets[0]
        return f"{_doc(t.decl, removed)}var {t.name} = {helper}(func() ({t.name} {t.result_type}) {{{head}\n{inner}}})"
    shift = len(start.encode())
    raw = [
        (a + shift + 2 * sum(c <= n.start_byte for c in calls) - offset, b + shift - offset)
        for n in syntax.captures("(raw_string_literal) @r", hook.body).get("r", [])
        for a, b in [(n.start_byte, n.end_byte + 2 * sum(c <= n.start_byte for c in calls))]
    ]
    results = ", ".join(f"{t.name} {t.result_type}" for t in hook.targets)
    seen = {syntax.text(i) for i in syntax.captures("(identifier) @i", hook.body).get("i", [])}
    v = names.fresh("v", seen | {t.name for t in hook.targets})
    fields = ", ".join(f"{v}.{t.name}" for t in hook.targets)
    text = (
        f"// {hook.shared} holds what {hook.where} filled, built on first use.\n"
        f"var {hook.shared} = {helper}(func() ({v} {_struct_type(hook)}) {{{head}\n"
        f"\t{fields} = func() ({results}) {{\n{_indent(inner, raw)}\t}}()\n\treturn\n}})"
    )
    for t in hook.targets:
        text += f"\n\n{_doc(t.decl, removed)}func {t.name}() {t.result_type} {{ return {hook.shared}().{t.name} }}"
    return text


def _comments_above(node: syntax.Node) -> list[syntax.Node]:
    """The comment lines just above `node`, with no blank line between: its doc."""
    out: list[syntax.Node] = []
    prev, row = node.prev_sibling, node.start_point[0]
    while (
        prev is not None
        and prev.type == "comment"
        and prev.end_point[0] == row - 1
        and not _trails(prev)
    ):
        out.insert(0, prev)
        row = prev.start_point[0]
        prev = prev.prev_sibling
    return out


def _trails(comment: syntax.Node) -> bool:
    """Whether the comment follows code on its line: it belongs to that code, not below."""
    before = comment.prev_sibling
    return before is not None and before.end_point[0] == comment.start_point[0]


def _declaration_node(decl: Decl) -> syntax.Node:
    """What declares the var alone: its `var` declaration, or its spec in a block."""
    assert decl.decl is not None and decl.spec is not None
    return decl.decl if len(list(specs(decl.decl, "var_spec"))) == 1 else decl.spec


def _doc(decl: Decl, removed: set[str]) -> str:
    """The var's doc comment, and a comment after it on its line: they move with it. The
    first var of a `var (...)` block that goes whole takes the block's doc too, which
    would otherwise be left above nothing."""
    node = _declaration_node(decl)
    assert decl.decl is not None
    first = next(iter(specs(decl.decl, "var_spec")))
    whole = node.start_byte == first.start_byte and _goes_whole(decl, removed)
    block = _comments_above(decl.decl) if whole else []
    after = node.next_sibling
    trailing = (
        [after]
        if after is not None
        and after.type == "comment"
        and after.start_point[0] == node.end_point[0]
        else []
    )
    return "".join(syntax.text(c) + "\n" for c in [*block, *_comments_above(node), *trailing])


def _goes_whole(decl: Decl, removed: set[str]) -> bool:
    """Whether the var is declared in a `var (...)` block whose every var is `removed`."""
    assert decl.decl is not None
    return _declaration_node(decl) is decl.spec and all(
        syntax.text(n) in removed
        for spec in specs(decl.decl, "var_spec")
        for n in spec.children_by_field_name("name")
    )


def _remove_declaration(rewrite: Rewrite, decl: Decl, removed: set[str]) -> None:
    """Delete the var's declaration (its spec, in a block with others) with its doc
    comment and, for a declaration alone between blank lines, one of them. A block
    whose every var is `removed` loses its doc comment (its first var takes it, `_doc`)
    and its `var (` and `)` lines too."""
    node = _declaration_node(decl)
    source = decl.file.source
    doc = _comments_above(node)
    start = syntax.line_start(source, (doc[0] if doc else node).start_byte)
    end = syntax.line_end(source, node.end_byte)
    assert decl.decl is not None
    block = decl.decl
    if _goes_whole(decl, removed):
        lists = [c for c in block.named_children if c.type == "var_spec_list"]
        inner = lists[0] if lists else block
        opening = syntax.line_end(source, inner.start_byte)
        closing = syntax.line_start(source, inner.end_byte - 1)
        top = (_comments_above(block) or [block])[0]
        rewrite.add(decl.file, TextEdit(syntax.line_start(source, top.start_byte), opening, ""))
        rewrite.add(
            decl.file,
            TextEdit(closing, _after_blank(source, closing, syntax.line_end(source, closing)), ""),
        )
    elif node is decl.decl:
        end = _after_blank(source, start, end)
    rewrite.add(decl.file, TextEdit(start, end, ""))


def _after_blank(source: bytes, start: int, end: int) -> int:
    """`end`, past the blank line that follows when a blank line also precedes `start`."""
    blank_before = start == 0 or source[start - 2 : start] == b"\n\n"
    return end + 1 if blank_before and source[end : end + 1] == b"\n" else end


# ---------------------------------------------------------------------------- the unsafe tier

SUPPORT = "lazyinit"  # the support package's name (codemod/gosupport/lazyinit)
RUN_TEST = "codemod_inithooks_run_test.go"


@dataclass
class Registration:
    """An init() made a named lazyinit hook, and the functions that must run it first."""

    hook: Hook
    name: str  # the hook's name: "<import path> <file>:<line>"
    entries: list[tuple[GoFile, syntax.Node]]  # exported funcs and methods (and main)


def _support_path(ctx: Context) -> str:
    module = ctx.package.module
    assert module is not None
    return f"{module.path}/{ctx.pass_.options['lazyinit_dir'].strip('/')}"


def _registered(ctx: Context, hook: Hook) -> bool:
    """Whether the init() is one this tier wrote: its body registers a lazyinit hook."""
    statements = [c for c in _statements(hook.body) if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "expression_statement":
        return False
    target = calls.call_target(hook.file, statements[0].named_children[0])
    module = ctx.package.module
    return (
        target is not None and module is not None and target.key == (_support_path(ctx), "Register")
    )


def _register_problem(ctx: Context, hook: Hook) -> Registration | str:
    """The registration of an init() that only prepares its package's state, or why it
    cannot wait for the package's exported functions: other packages read the state
    directly, start-up code still uses it, or the body calls a function that would
    wait for the hook it runs in."""
    module = ctx.package.module
    if module is None:
        return "the package is in no module: the lazyinit package cannot be vendored"
    wanted = {t.name for t in hook.targets}
    used = startup.read_at_startup_besides(ctx.package, ctx.scope, wanted, [hook.where])
    for name, where in used.items():
        return f"{name} is used at start-up by {where}"
    exported = [t.name for t in hook.targets if t.name[:1].isupper()]
    read = _read_by_importers(ctx, exported) if exported and ctx.package.name != "main" else ""
    if read:
        return read
    entries, covered = _entries(ctx, wanted)
    reached = _reachable_code(ctx, hook)
    for label, (_, node) in reached.items():
        if any(node == e for _, e in entries):
            return f"the body calls {label}, which would wait for the hook it runs in"
    for t in hook.targets:
        for ref in references_outside(ctx, hook, t.decl):
            if not ref.file.is_test and _enclosing(ref.node) not in covered:
                where = f"{ref.file.path.name}:{ref.line}"
                return f"{t.name} is used at {where}, which no exported function reaches"
    if not entries:
        return (
            f"no exported function of the package reads {hook.filled}: nothing would run the hook"
        )
    name = f"{ctx.package.import_path} {hook.file.path.name}:{hook.func.start_point[0] + 1}"
    return Registration(hook, name, entries)


def _read_by_importers(ctx: Context, exported: list[str]) -> str:
    """Where an importing package of the module uses one of the `exported` vars directly
    ("" if none does): it would not run the hook first."""
    for importer in ctx.pass_.importers():
        for file in importer.files:
            if file.problem:
                return f"{importer.locate(file.path)} imports the package but could not be parsed"
            for name in exported:
                refs = qualified_references(file, ctx.package.import_path, name)
                if refs is None:
                    return f"{importer.locate(file.path)} dot-imports the package"
                if refs:
                    return f"other packages read {name} directly ({file.path.name}:{refs[0].line})"
    return ""


def references_outside(ctx: Context, hook: Hook, decl: Decl) -> list[Ref]:
    refs = uses.find(ctx.package, decl, ctx.scope).inside
    return [r for r in refs if not hook.holds(r) and r.use is not Use.DECLARE]


def _enclosing(node: syntax.Node) -> syntax.Node | None:
    """The top-level declaration holding `node`."""
    for parent in syntax.ancestors(node):
        if parent.parent is not None and parent.parent.type == "source_file":
            return parent
    return None


def _entries(
    ctx: Context, wanted: set[str]
) -> tuple[list[tuple[GoFile, syntax.Node]], set[syntax.Node]]:
    """The entry points that reach `wanted` through the package's code (exported
    functions, methods with exported names, and main in package main), and every
    function or method some entry point reaches (entry points included)."""
    entries: list[tuple[GoFile, syntax.Node]] = []
    covered: set[syntax.Node] = set()
    for file in ctx.package.non_test_files():
        if file.never_built:
            continue
        for func in syntax.top_level(file.root, "function_declaration", "method_declaration"):
            name = syntax.text(func.child_by_field_name("name") or func)
            main = ctx.package.name == "main" and name == "main"
            if not (name[:1].isupper() or main) or func.child_by_field_name("body") is None:
                continue
            reached = [(file, func), *_reachable_from(ctx, file, func).values()]
            covered |= {n for _, n in reached}
            if any(_package_idents(ctx, f, n, wanted) for f, n in reached):
                entries.append((file, func))
    return entries, covered


def _hook_fix(ctx: Context, reg: Registration, run_test: FileFix | None) -> Fix:
    """Register the body as a lazyinit hook; each entry point runs it first."""
    hook, path = reg.hook, _support_path(ctx)
    rewrite = Rewrite()
    alias = {}
    for file in dict.fromkeys([hook.file, *(f for f, _ in reg.entries)]):
        alias[file] = names.import_name(file, path, ctx.scope.decls, names.alternatives(SUPPORT))
    for file, func in reg.entries:
        body = func.child_by_field_name("body")
        assert body is not None
        rest = file.source[body.start_byte + 1 : syntax.line_end(file.source, body.start_byte)]
        inline = bool(rest.strip()) and not rest.strip().startswith(b"//")
        call = f"\n\t{alias[file]}.Do({_quote(reg.name)})" + ("\n" if inline else "")
        rewrite.add(file, TextEdit(body.start_byte + 1, body.start_byte + 1, call))
    text = _registration_body(hook, alias[hook.file] or SUPPORT, reg.name)
    rewrite.add(hook.file, TextEdit(hook.body.start_byte + 1, hook.body.end_byte - 1, text))
    changes = {
        f: (ImportChange(ImportAction.ADD, path, None if a == imports.default_name(path) else a),)
        for f, a in alias.items()
    }
    files = rewrite.file_fixes(changes) + _vendored(ctx)
    if run_test is not None:
        files.append(run_test)
    names_ = ", ".join(t.name for t in hook.targets)
    entries = _entry_names(reg)
    return Fix(
        description=f"register {hook.where} as lazyinit hook {reg.name!r}, run by {entries or 'nothing'}",
        safety=Safety.UNSAFE,
        reason=(
            f"{hook.where} runs at the first call of {entries or 'no function'} instead of before "
            f"main: code that reads {names_} directly first (importers outside this module, "
            "func values, goroutines) sees it unprepared"
        ),
        files=tuple(files),
    )


def _entry_names(reg: Registration) -> str:
    """The entry points, once each: "Lookup, Size, Point.Corner"."""
    shown = []
    for _, node in reg.entries:
        name = syntax.text(node.child_by_field_name("name") or node)
        receiver = node.child_by_field_name("receiver")
        if receiver is not None:
            types = syntax.captures("(type_identifier) @t", receiver).get("t", [])
            name = f"{syntax.text(types[0])}.{name}" if types else name
        shown.append(name)
    return ", ".join(dict.fromkeys(shown))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _registration_body(hook: Hook, support: str, name: str) -> str:
    """The init() body as a registered func: bare returns return nil."""
    head, body, offset = _body_text(hook)
    deferred = syntax.func_literal_ranges(hook.body)
    edits = [
        TextEdit(r.end_byte - offset, r.end_byte - offset, " nil")
        for r in syntax.captures("(return_statement) @r", hook.body).get("r", [])
        if not syntax.inside(r, deferred) and r.start_byte >= offset
    ]
    body = apply_edits(body.encode(), edits).decode()
    raw = [
        (n.start_byte - offset, n.end_byte - offset)
        for n in syntax.captures("(raw_string_literal) @r", hook.body).get("r", [])
    ]
    tail = "" if _terminates(hook) else "\t\treturn nil\n"
    return (
        f"{head}\n\t{support}.Register({_quote(name)}, func() error {{\n"
        f"{_indent(body, raw)}\n{tail}\t}})\n"
    )


def _vendored(ctx: Context) -> list[FileFix]:
    """The support package, written into the module (the same files from every fix)."""
    module = ctx.package.module
    assert module is not None
    folder = module.root / ctx.pass_.options["lazyinit_dir"].strip("/")
    return [FileFix(folder / n, create=t) for n, t in generated.support_package(SUPPORT).items()]


def _run_test(ctx: Context) -> FileFix | str:
    """The package's tests may read what its hooks prepare, as they could when init()
    did: a generated test file runs every hook first (and a hook that panics fails them)."""
    taken = set(ctx.scope.decls)
    context = names.free(names.alternatives("context"), taken)
    support = names.free(names.alternatives(SUPPORT), taken | {context or ""})
    if context is None or support is None:
        return (
            f"{RUN_TEST} cannot import context and {SUPPORT}: their names are package-level names"
        )
    path = _support_path(ctx)
    specs_ = [
        generated.import_spec("context", context),
        (path, None if support == imports.default_name(path) else support),
    ]
    return FileFix(
        ctx.package.dir / RUN_TEST,
        create=(
            "// Code generated by codemod init-hooks; DO NOT EDIT.\n\n"
            f"{buildtags.go_build_line(ctx.package.build_expr)}"
            f"package {ctx.package.name}\n\n{generated.import_block(specs_)}\n"
            "// The package's tests may read what its init() hooks prepare, as they could\n"
            "// before codemod made the hooks lazy: run every hook first.\n"
            "func init() {\n"
            f"\tif err := {support}.RunAll({context}.Background()); err != nil {{\n"
            "\t\tpanic(err)\n\t}\n}\n"
        ),
    )


def _validate_dir(value: object) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*", value)
    return None if ok else "must be a directory below the module root, like internal/lazyinit"


_PARSE = frozenset({("flag", "Parse"), ("github.com/spf13/pflag", "Parse")})


def _warm(ctx: Context) -> None:
    """Option warm: main starts every lazyinit hook in the background, after parsing
    its flags (a hook may read them), so first uses rarely wait."""
    if ctx.package.module is None:
        return
    for file in ctx.package.non_test_files():
        for func in syntax.top_level(file.root, "function_declaration"):
            body = func.child_by_field_name("body")
            name = func.child_by_field_name("name")
            if name is None or body is None or syntax.text(name) != "main" or file.never_built:
                continue
            if b".RunAll(" in file.source[body.start_byte : body.end_byte]:
                return  # warmed already
            ctx.pass_.report(
                file,
                name,
                "main: start the lazyinit hooks in the background after flag parsing (option warm)",
                _warm_fix(ctx, file, body),
            )


def _warm_fix(ctx: Context, file: GoFile, body: syntax.Node) -> Fix | None:
    path = _support_path(ctx)
    support = names.import_name(file, path, ctx.scope.decls, names.alternatives(SUPPORT))
    context = names.import_name(file, "context", ctx.scope.decls)
    if support is None or context is None:
        return None
    at, after = body.start_byte + 1, "the start of main"
    for statement in _statements(body):
        call = statement.named_children[0] if statement.type == "expression_statement" else None
        target = calls.call_target(file, call) if call is not None else None
        if target is not None and target.key in _PARSE:
            at, after = statement.end_byte, f"{target.shown}()"
            break
    text = f"\n\tgo {support}.RunAll({context}.Background())"
    add = [
        ImportChange(ImportAction.ADD, "context", None if context == "context" else context),
        ImportChange(
            ImportAction.ADD, path, None if support == imports.default_name(path) else support
        ),
    ]
    files = [FileFix(file.path, (TextEdit(at, at, text),), tuple(add)), *_vendored(ctx)]
    return Fix(
        description=f"start the lazyinit hooks in the background after {after}",
        safety=Safety.UNSAFE,
        reason="every lazyinit hook runs on another goroutine while main goes on: a hook's "
        "work must not race with what main does without calling its package first",
        files=tuple(files),
    )


RULE = Rule(
    id="init-hooks",
    summary="init() functions that only build the package's own tables: run them on first use.",
    docs=__doc__ or "",
    safety=Safety.SAFE,
    safety_reason="Unexported vars filled from local work: only when the work happens changes. lazyinit hooks (exported state) are unsafe.",
    run=run,
    prefilter=prefilter,
    options=(
        Option(
            "lazyinit_dir",
            "internal/lazyinit",
            "Where, from the module root, the unsafe tier vendors the lazyinit package.",
            validate=_validate_dir,
        ),
        Option(
            "warm",
            False,
            "Start `go lazyinit.RunAll(...)` in main after flag parsing (unsafe tier).",
        ),
    ),
    examples=(
        Example(
            "A table an init() fills becomes a sync.OnceValue, the body its constructor",
            """package p

import "strconv"

// squares maps "n" to n*n.
var squares map[string]int

func init() {
	squares = make(map[string]int, 1000)
	for i := 0; i < 1000; i++ {
		squares[strconv.Itoa(i)] = i * i
	}
}

func Square(s string) int { return squares[s] }
""",
            """package p

import (
	"strconv"
	"sync"
)

// squares maps "n" to n*n.
var squares = sync.OnceValue(func() (squares map[string]int) {
	squares = make(map[string]int, 1000)
	for i := 0; i < 1000; i++ {
		squares[strconv.Itoa(i)] = i * i
	}
	return
})

func Square(s string) int { return squares()[s] }
""",
        ),
        Example(
            "An exported table (unsafe tier): the init() becomes a lazyinit hook, run by the functions that read it",
            """package p

import "strings"

// Words holds the words of the text, upper-cased.
var Words []string

func init() {
	for _, w := range strings.Fields("a b c") {
		Words = append(Words, strings.ToUpper(w))
	}
}

// Count is the number of words.
func Count() int { return len(Words) }
""",
            """package p

import (
	"strings"

	"example.com/p/internal/lazyinit"
)

// Words holds the words of the text, upper-cased.
var Words []string

func init() {
	lazyinit.Register("example.com/p p.go:8", func() error {
		for _, w := range strings.Fields("a b c") {
			Words = append(Words, strings.ToUpper(w))
		}
		return nil
	})
}

// Count is the number of words.
func Count() int {
	lazyinit.Do("example.com/p p.go:8")
	return len(Words)
}
""",
        ),
        Example(
            "An init() that registers stays: it must run before main",
            """package p

import "net/http"

var routes = map[string]string{}

func init() {
	for _, r := range []string{"/a", "/b"} {
		routes[r] = r
		http.HandleFunc(r, nil)
	}
}
""",
        ),
    ),
)
