"""Package-level values that do real work at start-up, built on first use instead.

## What it finds

A package-level `var` whose initializer does work on every start and has no side effect
that must happen then:

- calls of known constructors: `regexp.MustCompile`, `regexp.MustCompilePOSIX`,
  `template.Must(template.New(...)...Parse(...))` (text/template and html/template,
  through any import alias), `strings.NewReplacer`, and the constructors you declare
  in `.codemod.toml`;
- map literals of at least `min_map_entries` entries (maps are always built at run
  time), and composite literals that contain such calls or maps.

## Why

Every one of these runs before `main`, on every start, in every program that links the
package, even for `--version` or `--help`. Fifty moderately complex regexps cost about
1.6 ms and 10,000 allocations; a 5,000-entry map about 0.3 ms. The Go team made the
same change by hand in `html` (entity maps), `hash/crc64`, `text/template` and
`cmd/go` (`internal/lazyregexp`); so did gitea, containers/storage and others.

## The fix

    // before
    var validID = regexp.MustCompile(`^[a-z]+\\[[0-9]+\\]$`)

    func ok(s string) bool { return validID.MatchString(s) }

    // after
    var validID = sync.OnceValue(func() *regexp.Regexp {
        return regexp.MustCompile(`^[a-z]+\\[[0-9]+\\]$`)
    })

    func ok(s string) bool { return validID().MatchString(s) }

Every reference in the package becomes a call, resolved by scope: parameters, locals,
range and type-switch bindings, struct fields and method names that share the name are
left alone; a value used as a key of a literal whose type codemod cannot resolve (a
struct field name or a map key?) is left eager, with the reason. Modules older than Go 1.21 get the same shape built
on `sync.Once`, from helpers generated in `codemod_oncevalue.go`: the generic
`codemodOnceValue` from Go 1.18; before, one per result type (`codemodOnceRegexp` for
`*regexp.Regexp`, whatever each file calls regexp). Either way a panicking initializer
panics at every use, as with `sync.OnceValue`. A generated test (`codemod_lazyinit_test.go`) builds every lazy value,
so a bad pattern still fails `go test` instead of the first request that needs it;
values declared in files built only on some systems or with some tags (`x_windows.go`,
`//go:build !windows`, `// +build !windows`, or cgo files, which import "C") are forced
in a test file with the same constraint (`codemod_not_windows_lazyinit_test.go`,
`codemod_cgo_lazyinit_test.go`).

Unexported vars are a safe fix: only the moment of the work changes. Exported vars
change the package's API (`pkg.Re` becomes `pkg.Re()`): that fix is unsafe; with
`--unsafe-fixes` every use is rewritten in the module, in the other modules of its
go.work and in modules that `replace` it with its directory (among the PATHs given);
a use in a file that may not be edited (excluded, generated, unparsed) refuses the fix,
and importers elsewhere break.

## What it leaves alone, and says why

Vars assigned anywhere (tests included) or whose address is taken; initializers that
read other package variables, call functions whose result can change (`os.Getenv`,
`time.Now`, your own functions), or register something (`flag.*`, `http.Handle*`,
`expvar.*`, `sql.Register`, `prometheus.MustRegister`, ...); templates parsed from
files; struct and array values (uses may need an addressable variable); blank vars;
vars read by an `init()` or by another eager initializer (no gain: they would be built
at start-up anyway); packages where a file could not be parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from codemod import buildtags, imports, syntax, typeexpr
from codemod.edits import TextEdit
from codemod.model import GoFile, Package
from codemod.rule import (
    GENERATED_HEADER,
    LINES_MARKER,
    FileFix,
    Fix,
    ImportAction,
    ImportChange,
    Option,
    Pass,
    Rule,
    Safety,
)
from codemod.scope import (
    Decl,
    Kind,
    PackageScope,
    Ref,
    Use,
    identifiers_in,
    qualified_references,
    references,
    refers_to_package,
    specs,
)

TEST_FILE = "codemod_lazyinit_test.go"

# (import path, function) -> result type; {pkg} is the file's name for the package.
CONSTRUCTORS = {
    ("regexp", "MustCompile"): "*{pkg}.Regexp",
    ("regexp", "MustCompilePOSIX"): "*{pkg}.Regexp",
    ("strings", "NewReplacer"): "*{pkg}.Replacer",
    ("text/template", "Must"): "*{pkg}.Template",
    ("html/template", "Must"): "*{pkg}.Template",
}

# Packages whose functions only compute from their arguments.
_PURE_PACKAGES = {
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
}  # fmt: only the Sprint family (below)
_IMPURE = {
    ("text/template", "ParseFiles"),
    ("text/template", "ParseGlob"),
    ("html/template", "ParseFiles"),
    ("html/template", "ParseGlob"),
}
_FILE_METHODS = {"ParseFiles", "ParseGlob"}
_REGISTRARS = {
    "flag",
    "expvar",
    "database/sql",
    "encoding/gob",
    "image",
    "github.com/prometheus/client_golang/prometheus",
}
_HTTP_REGISTRARS = {"Handle", "HandleFunc"}
# Standard-library package variables that programs change or that change under them.
_STD_VARIABLES = {
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


_CALLS = """
(call_expression function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)) @call
(type_conversion_expression type: (qualified_type package: (package_identifier) @pkg name: (type_identifier) @fn)) @call
"""
_METHOD_CALLS = "(call_expression function: (selector_expression operand: [(call_expression) (type_conversion_expression) (parenthesized_expression)] field: (field_identifier) @method))"
_SELECTORS = "(selector_expression operand: (identifier) @pkg field: (field_identifier) @name) @sel"
_IDENTS = "(identifier) @id"
_MAPS = "(composite_literal type: (map_type) body: (literal_value) @body) @map"
_FUNC_LITERALS = "(func_literal) @f"
_FORCED = re.compile(r"^\t_ = (\w+)\(\)$", re.M)


def _constructor_key(value: str) -> str | None:
    if not re.fullmatch(r"[\w./-]+\.\w+", value):
        return f'{value!r} is not an import path and function name, like "example.com/y.New"'
    return None


def _validate_constructors(value: object) -> str | None:
    if not isinstance(value, dict):
        return "must be a table"
    for key, result in value.items():
        if not isinstance(result, str) or not result:
            return f"the result type of {key!r} must be a non-empty string"
        complaint = _constructor_key(key)
        if complaint:
            return complaint
    return None


# ---------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    decl: Decl
    value: syntax.Node
    result_type: str
    what: str  # e.g. "regexp.MustCompile" or "a map literal of 392 entries"
    deps: set[str] = field(default_factory=set)  # other package vars its initializer reads
    refs: list[Ref] = field(default_factory=list)
    outside: list[Ref] = field(default_factory=list)  # uses in importing packages
    skip: str = ""

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def file(self) -> GoFile:
        return self.decl.file

    @property
    def exported(self) -> bool:
        return self.name[:1].isupper()


@dataclass
class Context:
    pass_: Pass
    package: Package
    constructors: dict[tuple[str, str], str]  # built-in plus user-declared
    min_map_entries: int
    func_purity: dict[str, str] = field(default_factory=dict)  # memo: func -> why impure
    var_immutable: dict[str, bool] = field(default_factory=dict)  # memo

    @cached_property
    def scope(self) -> PackageScope:
        # Built only for packages with candidates: most packages have none.
        return PackageScope.of(self.package)

    def import_of(self, file: GoFile, local: str) -> str | None:
        """The import path a file's package name refers to, or None."""
        for spec in imports.specs(file.root):
            if imports.local_name(spec) == local:
                return spec.path
        return None


def run(pass_: Pass) -> None:
    package = pass_.package
    if package.is_external_test or not any(
        not f.is_test and b"var" in f.source for f in package.files
    ):
        return
    constructors = dict(CONSTRUCTORS)
    for key, result in pass_.options["constructors"].items():
        path, _, func = key.rpartition(".")
        constructors[(path, func)] = result.replace(imports.default_name(path) + ".", "{pkg}.", 1)
    ctx = Context(pass_, package, constructors, pass_.options["min_map_entries"])
    candidates = [c for c in _find_candidates(ctx)]
    if not candidates:
        return
    broken = [f.path.name for f in package.broken_files]
    by_name = {c.name: c for c in candidates}
    for c in candidates:
        if c.skip:
            continue
        if broken:
            c.skip = f"{', '.join(broken)} could not be parsed, so references are unknown"
        elif c.name == "_":
            c.skip = "a blank var: nothing can refer to it"
        else:
            _check_initializer(ctx, c, by_name)
    live = [c for c in candidates if not c.skip]
    _check_uses(ctx, live)
    _drop_no_gain(ctx, [c for c in candidates if not c.skip])
    _report(ctx, candidates)


def _find_candidates(ctx: Context) -> Iterable[Candidate]:
    for file in ctx.package.non_test_files():
        if file.never_built:
            continue
        for decl_node in syntax.top_level(file.root, "var_declaration"):
            for spec in specs(decl_node, "var_spec"):
                candidate = _candidate(ctx, file, spec, decl_node)
                if candidate is not None:
                    yield candidate


def _candidate(
    ctx: Context, file: GoFile, spec: syntax.Node, decl_node: syntax.Node
) -> Candidate | None:
    names = spec.children_by_field_name("name")
    values = spec.child_by_field_name("value")
    if values is None or not names:
        return None
    heavy = [(v, _heavy(ctx, file, v)) for v in values.named_children]
    if not any(what for _, what in heavy):
        return None
    name = names[0]
    decl = Decl(syntax.text(name), Kind.VAR, file, name, spec, decl_node)
    value, what = next((v, w) for v, w in heavy if w)
    if len(names) != 1 or len(values.named_children) != 1:
        return Candidate(decl, value, "", what, skip="declares several names in one spec")
    declared = spec.child_by_field_name("type")
    result = syntax.text(declared) if declared is not None else _result_type(ctx, file, value)
    candidate = Candidate(decl, value, result or "", what)
    if not result:
        candidate.skip = f"cannot tell the type of the value; declare it: var {decl.name} T = ..."
    elif not _reference_like(ctx, result, value):
        candidate.skip = f"a value of type {result}: uses may need an addressable variable"
    return candidate


def _unparen(node: syntax.Node) -> syntax.Node:
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _call_target(ctx: Context, file: GoFile, node: syntax.Node) -> tuple[str, str, str] | None:
    """(import path, function, local package name) of a `pkg.F(...)` call, either shape."""
    node = _unparen(node)
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            return None
        pkg, name = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
    elif node.type == "type_conversion_expression":
        qualified = node.child_by_field_name("type")
        if qualified is None or qualified.type != "qualified_type":
            return None
        pkg, name = qualified.child_by_field_name("package"), qualified.child_by_field_name("name")
    else:
        return None
    if pkg is None or name is None or pkg.type not in {"identifier", "package_identifier"}:
        return None
    path = ctx.import_of(file, syntax.text(pkg))
    return (path, syntax.text(name), syntax.text(pkg)) if path else None


def _heavy(ctx: Context, file: GoFile, value: syntax.Node) -> str:
    """What makes the value costly at start-up, or "" if nothing does."""
    target = _call_target(ctx, file, value)
    if target and (target[0], target[1]) in ctx.constructors:
        return f"{imports.default_name(target[0])}.{target[1]}"
    inner = _unparen(value)
    if inner.type == "unary_expression" and inner.children[0].type == "&":
        inner = _unparen(inner.named_children[0])
    if inner.type != "composite_literal":
        return ""
    deferred = _func_literal_ranges(inner)
    for caps in syntax.matches(_CALLS, inner):
        call = caps["call"][0]
        target = _call_target(ctx, file, call)
        if target and (target[0], target[1]) in ctx.constructors and not _inside(call, deferred):
            return f"a composite literal calling {imports.default_name(target[0])}.{target[1]}"
    for caps in syntax.matches(_MAPS, inner):
        entries = sum(c.type != "comment" for c in caps["body"][0].named_children)
        if entries >= ctx.min_map_entries and not _inside(caps["map"][0], deferred):
            return f"a map literal of {entries} entries"
    return ""


def _func_literal_ranges(node: syntax.Node) -> list[tuple[int, int]]:
    return [(f.start_byte, f.end_byte) for f in syntax.captures(_FUNC_LITERALS, node).get("f", [])]


def _inside(node: syntax.Node, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= node.start_byte and node.end_byte <= end for start, end in ranges)


def _result_type(ctx: Context, file: GoFile, value: syntax.Node) -> str:
    target = _call_target(ctx, file, value)
    if target and (target[0], target[1]) in ctx.constructors:
        return ctx.constructors[(target[0], target[1])].format(pkg=target[2])
    inner = _unparen(value)
    pointer = ""
    if inner.type == "unary_expression" and inner.children[0].type == "&":
        pointer, inner = "*", _unparen(inner.named_children[0])
    if inner.type == "composite_literal":
        literal_type = inner.child_by_field_name("type")
        if literal_type is not None and literal_type.type != "implicit_length_array_type":
            return pointer + syntax.text(literal_type)
    return ""


def _reference_like(ctx: Context, result: str, value: syntax.Node) -> bool:
    """Pointer, map, slice, func, chan or interface-free named types of those."""
    if result.startswith(("*", "map[", "[]", "func", "chan")):
        return True
    seen = set()
    name = result
    while name in ctx.scope.types_by_name and name not in seen:
        seen.add(name)
        underlying = ctx.scope.types_by_name[name]
        if underlying.type in {
            "pointer_type",
            "map_type",
            "slice_type",
            "function_type",
            "channel_type",
        }:
            return True
        name = syntax.text(underlying)
    return False


# ---------------------------------------------------------------------------- checks


def _check_initializer(ctx: Context, c: Candidate, by_name: dict[str, Candidate]) -> None:
    """The initializer must compute from constants and pure functions only."""
    c.skip, c.deps = _impurity(ctx, c.file, c.value, set(by_name), c.decl.node, deferred_ok=True)


_LITERALS = {
    "interpreted_string_literal",
    "raw_string_literal",
    "int_literal",
    "float_literal",
    "rune_literal",
    "true",
    "false",
}


def _impurity(
    ctx: Context,
    file: GoFile,
    node: syntax.Node,
    lazy: set[str],
    own: syntax.Node | None,
    deferred_ok: bool,
) -> tuple[str, set[str]]:
    """Why evaluating `node` later could give another result than now ("" if it cannot),
    and the lazy values it reads. Inside func literals nothing runs at evaluation, so
    with `deferred_ok` their bodies are not held against the initializer."""
    deferred = _func_literal_ranges(node) if deferred_ok else []
    deps: set[str] = set()
    for caps in syntax.matches(_CALLS, node):
        call = caps["call"][0]
        target = _call_target(ctx, file, call)
        if target is None or _inside(call, deferred):
            continue
        path, func, local = target
        shown = f"{local}.{func}"
        if path in _REGISTRARS or (path == "net/http" and func in _HTTP_REGISTRARS):
            return f"calls {shown}, which registers at start-up and must stay eager", deps
        if (path, func) in ctx.constructors:
            continue
        if (path, func) in _IMPURE:
            return f"calls {shown}, which reads files: lazily that would happen at first use", deps
        pure = path in _PURE_PACKAGES or (
            path == "fmt" and func in {"Sprint", "Sprintf", "Sprintln"}
        )
        if not pure:
            return f"calls {shown}, whose result may differ at first use", deps
    for caps in syntax.matches(_METHOD_CALLS, node):
        method = syntax.text(caps["method"][0])
        if method in _FILE_METHODS and not _inside(caps["method"][0], deferred):
            return (
                f"calls .{method}, which reads files: lazily that would happen at first use",
                deps,
            )
    for caps in syntax.matches(_SELECTORS, node):
        sel, pkg = caps["sel"][0], caps["pkg"][0]
        parent = sel.parent
        if (
            parent is not None
            and parent.type == "call_expression"
            and parent.child_by_field_name("function") == sel
        ):
            continue
        imported = ctx.import_of(file, syntax.text(pkg))
        if imported is None or not refers_to_package(file, pkg, ctx.scope):
            continue
        if _inside(sel, deferred):
            continue
        name = syntax.text(caps["name"][0])
        std = "." not in imported.split("/")[0]
        if not std or (imported, name) in _STD_VARIABLES:
            return (
                f"reads {syntax.text(pkg)}.{name}, which may be a variable that changes before first use",
                deps,
            )
    for ident in syntax.captures(_IDENTS, node).get("id", []):
        name = syntax.text(ident)
        decl = ctx.scope.decls.get(name)
        if decl is None or decl.node == own or not refers_to_package(file, ident, ctx.scope):
            continue
        if decl.kind is Kind.FUNC:
            parent = ident.parent
            called = (
                parent is not None
                and parent.type == "call_expression"
                and parent.child_by_field_name("function") == ident
            )
            if called and not _inside(ident, deferred):
                why = _func_impurity(ctx, name, lazy)
                if why:
                    return f"calls {name}(), whose result may differ at first use ({why})", deps
        elif decl.kind is Kind.VAR:
            if name in lazy:
                deps.add(name)
            elif not _inside(ident, deferred) and not _immutable(ctx, decl, lazy):
                return f"reads package variable {name}, which may change before first use", deps
    return "", deps


def _func_impurity(ctx: Context, name: str, lazy: set[str]) -> str:
    """Why a package-level function's result may depend on when it runs ("" if pure)."""
    if name in ctx.func_purity:
        return ctx.func_purity[name]
    ctx.func_purity[name] = ""  # assume pure while deciding: recursion does not change it
    decl = ctx.scope.decls[name]
    func = decl.node.parent
    body = func.child_by_field_name("body") if func is not None else None
    why = (
        "no body"
        if body is None
        else _impurity(ctx, decl.file, body, lazy, None, deferred_ok=False)[0]
    )
    ctx.func_purity[name] = why
    return why


def _immutable(ctx: Context, decl: Decl, lazy: set[str]) -> bool:
    """A package variable that keeps its first value: never assigned, address never
    taken, of a basic type (no in-place change possible), with a pure initializer."""
    if decl.name in ctx.var_immutable:
        return ctx.var_immutable[decl.name]
    ctx.var_immutable[decl.name] = False  # a cycle is not proof
    spec = decl.spec
    exported = decl.name[:1].isupper() and ctx.package.name != "main"
    refs = references(ctx.package, decl, ctx.scope)
    value = spec.child_by_field_name("value") if spec is not None else None
    declared = spec.child_by_field_name("type") if spec is not None else None
    basic = (declared is not None and syntax.text(declared) in typeexpr.BASIC) or (
        value is not None
        and len(value.named_children) == 1
        and _basic_value(ctx, value.named_children[0])
    )
    ok = (
        not exported
        and basic
        and not _bad_use(refs)
        and (
            value is None
            or not _impurity(ctx, decl.file, value, lazy, decl.node, deferred_ok=False)[0]
        )
    )
    ctx.var_immutable[decl.name] = ok
    return ok


def _basic_value(ctx: Context, node: syntax.Node) -> bool:
    """Whether an expression's value is certainly of a basic (immutable) type."""
    node = _unparen(node)
    if node.type in _LITERALS:
        return True
    if node.type == "binary_expression":
        return all(_basic_value(ctx, c) for c in node.named_children)
    if node.type == "identifier":
        decl = ctx.scope.decls.get(syntax.text(node))
        if decl is not None and decl.kind is Kind.CONST:
            return True
        if decl is not None and decl.kind is Kind.VAR and decl.spec is not None:
            value = decl.spec.child_by_field_name("value")
            declared = decl.spec.child_by_field_name("type")
            if declared is not None:
                return syntax.text(declared) in typeexpr.BASIC
            return (
                value is not None
                and len(value.named_children) == 1
                and _basic_value(ctx, value.named_children[0])
            )
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "identifier":
            decl = ctx.scope.decls.get(syntax.text(fn))
            if decl is not None and decl.kind is Kind.FUNC and decl.node.parent is not None:
                result = decl.node.parent.child_by_field_name("result")
                return result is not None and syntax.text(result) in typeexpr.BASIC
            return syntax.text(fn) in typeexpr.BASIC  # a conversion such as string(b)
    return False


def _check_uses(ctx: Context, candidates: list[Candidate]) -> None:
    for c in candidates:
        c.refs = references(ctx.package, c.decl, ctx.scope)
        bad = _bad_use(c.refs)
        if bad:
            c.skip = bad
            continue
        if c.exported and ctx.package.name != "main":
            _check_outside(ctx, c)


def _bad_use(refs: list[Ref]) -> str:
    for ref in refs:
        where = f"{ref.file.path.name}:{ref.line}"
        if ref.use is Use.ASSIGN:
            return f"assigned at {where}"
        if ref.use is Use.ADDRESS:
            return f"its address is taken at {where}"
        if ref.use is Use.UNRESOLVED:
            name = syntax.text(ref.node)
            return f"cannot tell whether {name} at {where} is a map key or a struct field name: {ref.why}"
    return ""


def _check_outside(ctx: Context, c: Candidate) -> None:
    own = ctx.package.import_path
    for importer in ctx.pass_.importers():
        for file in importer.files:
            if file.problem:
                c.skip = f"{importer.locate(file.path)} imports the package but could not be parsed"
                return
            refs = qualified_references(file, own, c.name)
            if refs is None:
                c.skip = f"{importer.locate(file.path)} dot-imports the package"
                return
            bad = _bad_use(refs)
            if bad:
                c.skip = bad.replace(" at ", f" in package {importer.name} at ", 1)
                return
            c.outside += refs


def _drop_no_gain(ctx: Context, candidates: list[Candidate]) -> None:
    """A value read at start-up (by init or an eager initializer) gains nothing."""
    lazy = {c.name: c for c in candidates}
    funcs = {n for n, d in ctx.scope.decls.items() if d.kind is Kind.FUNC and n != "init"}
    uses = _uses_by_owner(ctx, set(lazy) | funcs)
    func_reads: dict[str, set[str]] = {}
    func_calls: dict[str, set[str]] = {}
    for name, owner, _ in uses:
        if owner[0] == "func":
            target = func_reads if name in lazy else func_calls
            target.setdefault(owner[1][0], set()).add(name)
    changed = True
    while changed:
        changed = False
        for name, owner, where in uses:
            if owner[0] == "func" or (owner[0] == "var" and set(owner[1]) & set(lazy)):
                continue  # a function body runs when called; a lazy initializer at first use
            reached = (
                {name}
                if name in lazy
                else {read for f in _reachable(name, func_calls) for read in func_reads.get(f, ())}
            )
            for read in reached & set(lazy):
                via = "" if read == name else f" (through {name})"
                lazy.pop(read).skip = f"no gain: read at start-up by {where}{via}"
                changed = True


Owner = tuple[str, tuple[str, ...]]  # ("func", (name,)) | ("init", ()) | ("var", names)


def _uses_by_owner(ctx: Context, names: set[str]) -> list[tuple[str, Owner, str]]:
    """Each package-level use of `names` outside func literals in non-test files, with the
    top-level declaration it sits in and a description of where that is."""
    out = []
    for file in ctx.package.non_test_files():
        for name, idents in identifiers_in(file, names).items():
            for ident in idents:
                owner = _owner(ident)
                if owner is None or not refers_to_package(file, ident, ctx.scope):
                    continue
                kind, owner_names, line = owner
                if kind == "init":
                    where = f"init() at {file.path.name}:{line}"
                else:
                    where = (
                        f"the initializer of {', '.join(owner_names)} at {file.path.name}:{line}"
                    )
                out.append((name, (kind, owner_names), where))
    return out


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


# ---------------------------------------------------------------------------- the fix


def _report(ctx: Context, candidates: list[Candidate]) -> None:
    helpers = _Helpers.plan(ctx, [c for c in candidates if not c.skip])
    tests = _GeneratedTests.plan(ctx, [c for c in candidates if not c.skip])
    for c in candidates:
        if c.skip:
            ctx.pass_.report(
                c.file,
                c.decl.node,
                f"{c.name}: {c.what} runs at every start; not made lazy: {c.skip}",
            )
            continue
        helper = helpers.name(c) if helpers else "sync.OnceValue"
        shared = tests.shared + ([helpers.file_fix(c)] if helpers else [])
        fix = _fix(ctx, c, helper, tests.forcing(c), shared)
        uses = len([r for r in c.refs if r.use is not Use.DECLARE])
        message = f"{c.name}: {c.what} runs at every start; build it on first use ({helper})"
        message += f", {_count(uses, 'reference')} in the package"
        if c.outside:
            packages = len({r.file.path.parent for r in c.outside})
            message += f" and {len(c.outside)} in {_count(packages, 'importing package')}"
        ctx.pass_.report(c.file, c.decl.node, message, fix)


HELPER_FILE = "codemod_oncevalue.go"
HELPER = "codemodOnceValue"
_TYPED_HELPER = re.compile(r"codemodOnce\w+")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _free_sync_name(taken: set[str]) -> str:
    return next(n for n in ("sync", "gosync", "stdsync", "syncpkg") if n not in taken)


def _sync_name(ctx: Context, file: GoFile) -> str:
    """The name `sync` can be used by in `file`: its existing import's, else "sync" unless
    a package-level name or another import of this file has taken it (then an alias).
    Imports are per file: another file's imports cannot clash."""
    for spec in imports.find(file.root, "sync"):
        if spec.name not in {"_", "."}:
            return imports.local_name(spec)
    taken = set(ctx.scope.decls) | {imports.local_name(s) for s in imports.specs(file.root)}
    return _free_sync_name(taken)


def _fix(ctx: Context, c: Candidate, helper: str, test: FileFix, shared: list[FileFix]) -> Fix:
    """The fix of one value: its edits and import, the line of `test` that forces the
    value, and the generated files (`shared`) every fix of the package rewrites."""
    sync = _sync_name(ctx, c.file) if helper == "sync.OnceValue" else ""
    multiline = b"\n" in c.file.source[c.value.start_byte : c.value.end_byte]
    prefix = f"{sync}.OnceValue" if sync else helper
    prefix += f"(func() {c.result_type} {{" + ("\n\treturn " if multiline else " return ")
    declared = c.decl.spec.child_by_field_name("type") if c.decl.spec else None
    start = c.value.start_byte
    head = (
        TextEdit(c.decl.node.end_byte, start, " = " + prefix)
        if declared is not None
        else TextEdit(start, start, prefix)
    )
    tail = "\n})" if multiline else " })"
    edits_by_file: dict[GoFile, list[TextEdit]] = {
        c.file: [head, TextEdit(c.value.end_byte, c.value.end_byte, tail)]
    }
    for ref in c.refs + c.outside:
        if ref.use is Use.READ:
            edits_by_file.setdefault(ref.file, []).append(
                TextEdit(ref.node.end_byte, ref.node.end_byte, "()")
            )
    files = [
        FileFix(
            f.path,
            tuple(e),
            (ImportChange(ImportAction.ADD, "sync", None if sync == "sync" else sync),)
            if f == c.file and sync
            else (),
        )
        for f, e in edits_by_file.items()
    ]
    files.append(FileFix(test.path, create=test.create, lines=(f"\t_ = {c.name}()\n",)))
    files += [g for g in shared if g.path != test.path]
    exported = c.exported and ctx.package.name != "main"
    return Fix(
        description=f"make {c.name} lazy with {helper} and call it at every use",
        safety=Safety.UNSAFE if exported else Safety.SAFE,
        reason=(
            f"changes the exported API: {c.name} becomes a func; uses in this module and "
            "its workspace are rewritten, importers elsewhere break"
            if exported
            else ""
        ),
        files=tuple(files),
    )


def _build_group(file: GoFile) -> str:
    """The constraint under which `file` is built, from its name's GOOS/GOARCH, its
    //go:build (or old // +build) lines and its `import "C"` (cgo files build only with
    CGO_ENABLED=1), as one expression ("" when every build has it)."""
    cgo = ("cgo",) if imports.find(file.root, imports.CGO) else ()
    if cgo and file.constraint is not None and "cgo" in file.constraint.tags:
        cgo = ()  # the //go:build line already says what cgo builds do with it
    tags = " && ".join((*buildtags.file_name_tags(file.path.name), *cgo))
    if file.constraint is None:
        return tags
    return file.constraint.conjoin(tags) if tags else file.constraint.source


def _package_group(ctx: Context) -> str:
    """The constraint every built file of the package shares ("" if they differ)."""
    groups = {_build_group(f) for f in ctx.package.non_test_files() if not f.never_built}
    return groups.pop() if len(groups) == 1 else ""


def _build_line(expr: str) -> str:
    return f"//go:build {expr}\n\n" if expr else ""


def _once_func(name: str, params: str, t: str, sync: str, any_: str) -> str:
    """A function with sync.OnceValue's semantics, for Go before 1.21."""
    return (
        f"\n// {name} returns a function that calls f once and returns its value, as\n"
        "// sync.OnceValue does from Go 1.21: if f panics, every call panics with that value.\n"
        f"func {name}{params}(f func() {t}) func() {t} {{\n"
        f"\tvar (\n\t\tonce  {sync}.Once\n\t\tvalid bool\n\t\tp     {any_}\n\t\tvalue {t}\n\t)\n"
        f"\treturn func() {t} {{\n"
        "\t\tonce.Do(func() {\n"
        "\t\t\tdefer func() {\n\t\t\t\tif !valid {\n\t\t\t\t\tp = recover()\n\t\t\t\t\tpanic(p)\n\t\t\t\t}\n\t\t\t}()\n"
        "\t\t\tvalue = f()\n\t\t\tvalid = true\n\t\t})\n"
        "\t\tif !valid {\n\t\t\tpanic(p)\n\t\t}\n"
        "\t\treturn value\n\t}\n}\n"
    )


def _words(t: typeexpr.TypeExpr) -> str:
    """A name part for a type: `*regexp.Regexp` -> Regexp, `map[string]kind` -> MapStringKind."""
    words: list[str] = []
    for m in re.finditer(r"\x00([^\x00]+)\x00|\[\]|\w+", t.text):
        word = imports.default_name(m.group(1)) if m.group(1) else m.group()
        word = "Slice" if word == "[]" else word[:1].upper() + word[1:]
        if words and words[-1].lower() == word.lower():
            words[-1] = word  # regexp.Regexp, url.URL: the type's own spelling
        else:
            words.append(word)
    return "".join(words[:5])


@dataclass
class _Helpers:
    """The functions that make values lazy before Go 1.21, in one generated file: the
    generic codemodOnceValue from Go 1.18; before, no type parameters, so one function
    per result type (codemodOnceRegexp), whatever each file calls the type's package.
    Functions an earlier run generated are kept while a var still calls them."""

    ctx: Context
    generic: bool
    sync: str  # the generated file's name for package sync
    aliases: dict[str, str] = field(default_factory=dict)  # import path -> name there
    kept: dict[typeexpr.TypeExpr, str] = field(default_factory=dict)  # type -> function
    names: dict[typeexpr.TypeExpr, str] = field(default_factory=dict)  # every type's function
    types: dict[str, typeexpr.TypeExpr] = field(default_factory=dict)  # candidate -> its type

    @classmethod
    def plan(cls, ctx: Context, live: list[Candidate]) -> _Helpers | None:
        module = ctx.package.module
        if module is None or module.go_at_least(1, 21):
            return None
        old = next((f for f in ctx.package.files if _generated(f, HELPER_FILE)), None)
        taken = {n for n, d in ctx.scope.decls.items() if d.file is not old}
        helpers = cls(ctx, module.go_at_least(1, 18), _free_sync_name(taken))
        helpers.kept = _kept_helpers(ctx, old) if old else {}
        if not helpers.generic:
            for c in live:
                t = helpers._type(c)
                if isinstance(t, str):
                    c.skip = t
                else:
                    helpers.types[c.name] = t
        paths = sorted({p for t in [*helpers.kept, *helpers.types.values()] for p in t.paths})
        used = taken | {helpers.sync}
        for path in paths:
            helpers.aliases[path] = _fresh_name(imports.default_name(path), used)
        used |= {imports.local_name(s) for f in ctx.package.files for s in imports.specs(f.root)}
        helpers.names = dict(helpers.kept)
        used |= set(helpers.kept.values())
        for t in sorted(set(helpers.types.values()) - set(helpers.kept), key=lambda t: t.text):
            helpers.names[t] = _fresh_name("codemodOnce" + _words(t), used)
        return helpers

    def _type(self, c: Candidate) -> typeexpr.TypeExpr | str:
        """The candidate's result type, or why the generated file cannot spell it."""
        t = typeexpr.read(c.result_type, typeexpr.import_names(c.file.root))
        if isinstance(t, str):
            return f"cannot write its type in {HELPER_FILE}: {t}"
        if imports.CGO in t.paths:
            return f"cannot write its type in {HELPER_FILE}: a cgo type"
        group = _package_group(self.ctx)
        for name in t.own:
            decl = self.ctx.scope.decls.get(name)
            if decl is None or decl.kind is not Kind.TYPE:
                return (
                    f"cannot write its type in {HELPER_FILE}: {name} is not a type of the package"
                )
            only = _build_group(decl.file)
            if only not in {"", group}:
                return (
                    f"its type {name} exists only in builds with {only}, but {HELPER_FILE}, "
                    f"where its helper would go, is built with {group or 'no constraint'}"
                )
        return t

    def name(self, c: Candidate) -> str:
        return HELPER if self.generic else self.names[self.types[c.name]]

    def _spec(self, path: str) -> tuple[str, str | None]:
        """(path, alias) of an import of the generated file; non-standard packages are
        always named, as their package name need not be their path's last element."""
        alias = self.aliases.get(path, self.sync if path == "sync" else "")
        plain = imports.is_std(path) and alias == imports.default_name(path)
        return path, None if plain else alias

    def _function(self, t: typeexpr.TypeExpr) -> str:
        return _once_func(self.names[t], "", t.spell(self.aliases), self.sync, "interface{}")

    @cached_property
    def template(self) -> str:
        """The file without this run's functions: those come with the fixes."""
        specs = [self._spec(p) for p in sorted({"sync", *(p for t in self.kept for p in t.paths)})]
        lines = [f'{name} "{path}"' if name else f'"{path}"' for path, name in specs]
        block = (
            f"import {lines[0]}\n"
            if len(lines) == 1
            else "import (\n" + "".join(f"\t{line}\n" for line in lines) + ")\n"
        )
        generic = _once_func(HELPER, "[T any]", "T", self.sync, "any") if self.generic else ""
        return (
            f"{GENERATED_HEADER} lazy-init; DO NOT EDIT.\n\n"
            f"{_build_line(_package_group(self.ctx))}"
            f"package {self.ctx.package.name}\n\n{block}{generic}"
            + "".join(self._function(t) for t in self.kept)  # in their order: a stable diff
            + LINES_MARKER
        )

    def file_fix(self, c: Candidate) -> FileFix:
        """The generated file as `c`'s fix needs it: its type's function and imports come
        with the fix, so a fix that is not applied leaves neither behind."""
        path = self.ctx.package.dir / HELPER_FILE
        t = None if self.generic else self.types[c.name]
        if t is None or t in self.kept:
            return FileFix(path, create=self.template)
        return FileFix(
            path,
            create=self.template,
            lines=(self._function(t),),
            imports=tuple(ImportChange(ImportAction.ADD, *self._spec(p)) for p in t.paths),
        )


def _generated(file: GoFile, name: str) -> bool:
    return file.path.name == name and file.source.startswith(GENERATED_HEADER.encode())


def _kept_helpers(ctx: Context, old: GoFile) -> dict[typeexpr.TypeExpr, str]:
    """The per-type functions of an earlier run's generated file that a var still calls."""
    found: dict[str, typeexpr.TypeExpr] = {}
    names = typeexpr.import_names(old.root)
    for func in syntax.top_level(old.root, "function_declaration"):
        name = syntax.text(func.child_by_field_name("name") or func)
        result = func.child_by_field_name("result")
        value = result.child_by_field_name("result") if result is not None else None
        if _TYPED_HELPER.fullmatch(name) and name != HELPER and value is not None:
            t = typeexpr.read(syntax.text(value), names)
            if not isinstance(t, str):
                found[name] = t
    called = set()
    for file in ctx.package.files:
        if file is not old:
            called |= set(identifiers_in(file, set(found)))
    return {t: name for name, t in found.items() if name in called}


def _fresh_name(base: str, used: set[str]) -> str:
    """`base`, or `base2`, `base3`... : the first not in `used`, which it joins."""
    name, i = base, 2
    while name in used:
        name, i = f"{base}{i}", i + 1
    used.add(name)
    return name


_GENERATED_TEST = re.compile(r"codemod_(?:([a-z0-9_]+)_)?lazyinit_test\.go")


def _slug(expr: str) -> str:
    """A file-name part for a constraint: `!windows` -> `not_windows`."""
    words = re.sub(r"!", " not ", expr).replace("&&", " and ").replace("||", " or ")
    return "_".join(re.findall(r"[a-z0-9]+", words.lower()))


@dataclass
class _TestFile:
    """One generated test file: it forces the values declared in files built under
    `expr`, and carries that constraint itself. Its name ends in `_lazyinit_test.go`,
    so the name adds no GOOS/GOARCH constraint of its own."""

    path: Path
    expr: str
    kept: list[str] = field(default_factory=list)  # values forced by an earlier run

    def template(self, package: str) -> FileFix:
        match = _GENERATED_TEST.fullmatch(self.path.name)
        slug = match.group(1) if match and match.group(1) else ""
        suffix = "".join(w.capitalize() for w in slug.split("_"))
        function = f"TestCodemodLazyInit{suffix}"
        doc = (
            f"// {function} builds every value that codemod lazy-init made lazy in the\n"
            f"// files built with {self.expr}, so that a bad pattern or template fails `go test`\n"
            "// instead of the first use in production.\n"
            if suffix
            else f"// {function} builds every value that codemod lazy-init made lazy, so that\n"
            "// a bad pattern or template fails `go test` instead of the first use in production.\n"
        )
        return FileFix(
            self.path,
            create=(
                f"{GENERATED_HEADER} lazy-init; DO NOT EDIT.\n\n"
                f"{_build_line(self.expr)}"
                f"package {package}\n\n"
                'import "testing"\n\n'
                f"{doc}"
                f"func {function}(t *testing.T) {{\n"
                + "".join(f"\t_ = {n}()\n" for n in self.kept)
                + f"{LINES_MARKER}}}\n"
            ),
        )


@dataclass
class _GeneratedTests:
    """Where each lazy value is forced: in the generated test built exactly where the
    value's file is built (so no other build sees an undefined name)."""

    files: dict[Path, _TestFile]
    own: dict[str, Path]  # candidate -> its test file
    shared: list[FileFix]  # rewritten by every fix: they hold values made lazy before
    templates: dict[Path, FileFix]

    @classmethod
    def plan(cls, ctx: Context, live: list[Candidate]) -> _GeneratedTests:
        tests = cls({}, {}, [], {})
        regenerate = []
        for file in ctx.package.files:
            if not _GENERATED_TEST.fullmatch(file.path.name) or not file.source.startswith(
                GENERATED_HEADER.encode()
            ):
                continue
            expr = file.constraint.source if file.constraint else ""
            if file.path.name == TEST_FILE:  # its constraint may be out of date
                expr = _package_group(ctx)
            tests.files.setdefault(file.path, _TestFile(file.path, expr))
            regenerate.append(file.path)
            for name in _FORCED.findall(file.source.decode()):
                decl = ctx.scope.decls.get(name)
                if decl is not None and decl.kind is Kind.VAR and not decl.file.is_test:
                    path = tests._place(ctx, decl.file)
                    if isinstance(path, Path) and name not in tests.files[path].kept:
                        tests.files[path].kept.append(name)
                        regenerate.append(path)
        for c in live:
            path = tests._place(ctx, c.file)
            if isinstance(path, str):
                c.skip = path
            else:
                tests.own[c.name] = path
        tests.templates = {p: t.template(ctx.package.name) for p, t in tests.files.items()}
        tests.shared = [tests.templates[p] for p in dict.fromkeys(regenerate)]
        return tests

    def _place(self, ctx: Context, file: GoFile) -> Path | str:
        """The test file for values declared in `file`, or why there can be none."""
        expr = _build_group(file)
        package_wide = _package_group(ctx)
        name = (
            TEST_FILE if expr in {"", package_wide} else f"codemod_{_slug(expr)}_lazyinit_test.go"
        )
        path = ctx.package.dir / name
        if path not in self.files:
            self.files[path] = _TestFile(path, package_wide if name == TEST_FILE else expr)
        other = self.files[path].expr
        if other != expr and not (
            expr and other and buildtags.equivalent(*map(buildtags.Constraint.parse, (expr, other)))
        ):
            return (
                f"its file is built with {expr or 'no constraint'}, but {name}, where its "
                f"value would be forced, is built with {other or 'no constraint'}"
            )
        return path

    def forcing(self, c: Candidate) -> FileFix:
        return self.templates[self.own[c.name]]


RULE = Rule(
    id="lazy-init",
    summary="Package-level regexps, templates, replacers and big maps: build them on first use.",
    docs=__doc__ or "",
    safety=Safety.SAFE,
    safety_reason="Unexported vars: only when the work happens changes. Exported vars change the API and are unsafe.",
    run=run,
    options=(
        Option(
            "min_map_entries", 32, "Map literals with at least this many entries are made lazy."
        ),
        Option(
            "constructors",
            {},
            'Your own constructors and their result types, e.g. "example.com/y.New" = "*y.Thing".',
            validate=_validate_constructors,
        ),
    ),
)
