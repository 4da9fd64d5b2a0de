"""Package-level values that do real work at start-up, built on first use instead.

## What it finds

A package-level `var` whose initializer does work on every start and has no side effect
that must happen then:

- calls of known constructors: `regexp.MustCompile`, `regexp.MustCompilePOSIX`,
  `template.Must(template.New(...)...Parse(...))` (text/template and html/template,
  through any import alias), `strings.NewReplacer`, and the constructors you declare
  in `.codemod.toml`;
- map literals of at least `min_map_entries` entries (maps are always built at run
  time), and composite literals that contain such calls or maps;
- the same work through the package's own code: calls through a func-valued var bound
  to a constructor and never assigned (`var match = regexp.MustCompile`), and calls of
  the package's functions that reach one or run a loop (`expression(a, optional(b))`,
  `buildTable()`). Values built from one another are decided together: all lazy, each
  initializer calling the others, or those that must stay eager say which var holds them;
- chain links: a var that does no work of its own but reads values being made lazy
  (`var all = []*regexp.Regexp{reA, reB}`, `first = all[0]`, `byName = map[...]{...}`)
  is made lazy with them, in the same pass, and its finding names the chain ("chain reA,
  reB -> all -> first"): eager, it would build them at start-up anyway. A link that
  must stay eager (exported, so part of the API; impure, reading `os.Getenv` or a
  mutable var; of a type codemod cannot spell) is not reported itself, and the values
  it reads say why they stay eager ("no gain: read at start-up by the initializer of
  Patterns ..., which stays eager: it is exported ...").

It also reports, without a fix, vars an `init()` fills in a loop (`var DefaultList =
NewList()` with `for ... { DefaultList.AddRule(r) }`): deferring them means moving the
loop, not rewriting an initializer.

## Why

Every one of these runs before `main`, on every start, in every program that links the
package, even for `--version` or `--help`. Fifty moderately complex regexps cost about
1.6 ms and 10,000 allocations; a 5,000-entry map about 0.3 ms. The Go team made the
same change by hand in `html` (entity maps), `hash/crc64`, `text/template` and
`cmd/go` (`internal/lazyregexp`); so did gitea, containers/storage and others.

## The fix

The value becomes a `sync.OnceValue` (see the examples below) and every reference in
the package a call, resolved by scope: parameters, locals, range and type-switch
bindings, struct fields and method names that share the name are left alone; a value
used as a key of a literal whose type codemod cannot resolve (a struct field name or a
map key?) is left eager, with the reason. Modules older than Go 1.21 get the same shape
built on `sync.Once`, from helpers generated in `codemod_oncevalue.go`: the generic
`codemodOnceValue` from Go 1.18; before, one per result type (`codemodOnceRegexp` for
`*regexp.Regexp`, whatever each file calls regexp). Either way a panicking initializer
panics at every use, as with `sync.OnceValue`. A generated test (`codemod_lazyinit_test.go`) builds every lazy value,
so a bad pattern still fails `go test` instead of the first request that needs it;
values declared in files built only on some systems or with some tags (`x_windows.go`,
`//go:build !windows`, `// +build !windows`, or cgo files, which import "C") are forced
in a test file with the same constraint (`codemod_not_windows_lazyinit_test.go`,
`codemod_cgo_lazyinit_test.go`).

Unexported vars are a safe fix: only the moment of the work changes. Exported vars
change the package's API (`pkg.Re` becomes `pkg.Re()`): that fix is unsafe, and so is
the fix of a value built from one (applied alone, it would read the exported var at
first use); with
`--unsafe-fixes` every use is rewritten in the module, in the other modules of its
go.work and in modules that `replace` it with its directory (among the PATHs given);
a use in a file that may not be edited (excluded, generated, unparsed) refuses the fix,
and importers elsewhere break.

## What it leaves alone, and says why

Vars assigned anywhere (tests included) or whose address is taken; initializers that
read other package variables, call functions whose result can change (`os.Getenv`,
`time.Now`, your own functions that read a package var, do I/O or call anything
unknown), or register something (`flag.*`, `http.Handle*`,
`expvar.*`, `sql.Register`, `prometheus.MustRegister`, ...); templates parsed from
files; struct and array values (uses may need an addressable variable); blank vars;
vars read by an `init()` or by another eager initializer (no gain: they would be built
at start-up anyway); a value whose initializer calls, through the package's code, a
method that reads the value itself (a call through an interface, which Go's
initialization order does not follow: eager it reads a half-built value, lazy it would
wait for itself forever); packages where a file could not be parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
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
from codemod.model import GoFile, Package
from codemod.purity import Purity
from codemod.rewrite import Rewrite
from codemod.rule import (
    GENERATED_HEADER,
    LINES_MARKER,
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
    VarSpec,
    mentions,
    package_vars,
    refers_to_package,
    spelled_words,
)

TEST_FILE = "codemod_lazyinit_test.go"
_GENERATED_TEST = re.compile(r"codemod_(?:([a-z0-9_]+)_)?lazyinit_test\.go")
_FORCED = re.compile(r"^\t_ = (\w+)\(\)$", re.M)

# (import path, function) -> result type; {pkg} is the file's name for the package.
CONSTRUCTORS = {
    ("regexp", "MustCompile"): "*{pkg}.Regexp",
    ("regexp", "MustCompilePOSIX"): "*{pkg}.Regexp",
    ("strings", "NewReplacer"): "*{pkg}.Replacer",
    ("text/template", "Must"): "*{pkg}.Template",
    ("html/template", "Must"): "*{pkg}.Template",
}
_OWN_CALLS = "(call_expression function: (identifier) @f)"
_MAPS = "(composite_literal type: (map_type) body: (literal_value) @body) @map"


def _validate_constructors(value: object) -> str | None:
    if not isinstance(value, dict):
        return "must be a table"
    for key, result in value.items():
        if not isinstance(result, str) or not result:
            return f"the result type of {key!r} must be a non-empty string"
        if not re.fullmatch(r"[\w./-]+\.\w+", key):
            return f'{key!r} is not an import path and function name, like "example.com/y.New"'
    return None


# ---------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    decl: Decl
    value: syntax.Node
    result_type: str
    what: str  # e.g. "regexp.MustCompile" or "a map literal of 392 entries"
    refs: list[Ref] = field(default_factory=list)
    outside: list[Ref] = field(default_factory=list)  # uses in importing packages
    skip: str = ""
    deps: set[str] = field(default_factory=set)  # the candidates its initializer reads
    link: bool = False  # no work of its own: lazy only because what it reads is

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

    @cached_property
    def scope(self) -> PackageScope:
        # Built only for packages with candidates: most packages have none.
        return PackageScope.of(self.package)

    @cached_property
    def purity(self) -> Purity:
        return Purity(self.package, self.scope, fine=self.constructors)

    def constructor(self, file: GoFile, node: syntax.Node) -> calls.CallTarget | None:
        target = calls.call_target(file, node)
        return target if target and target.key in self.constructors else None


def prefilter(options: Mapping[str, Any]) -> Prefilter:
    """What a finding needs in the package's non-test files: `var`, and a constructor's
    name (called, or bound to a func-valued var), `map` (a map literal), `for` (a loop
    in a function an initializer calls) or `func init()` (a var an init() loop fills),
    as `run` itself tests for `var` and `func init()`."""
    names = {name for _, name in CONSTRUCTORS}
    names |= {key.rpartition(".")[2] for key in options.get("constructors", {})}
    wanted = (*sorted(n.encode() for n in names), b"map", b"for", b"func init()")
    return Prefilter(((b"var",), wanted), any_file=partial(_may_report, _work(frozenset(names))))


# A call of a plain name (an own function or a func-valued var), not `func(` or `var (`;
# the name is its group.
_OWN_CALL = rb"(?<![\w.\x80-\xff])(?!(?:func|var)\b)([\w\x80-\xff]+)\s*\("
# What an init() needs to fill a var in a loop (see startup.filled_by_init): a loop, or
# a call of a package function (that may loop).
_INIT_WORK = re.compile(rb"\bfor\b|" + _OWN_CALL)


@cache
def _work(names: frozenset[str]) -> re.Pattern[bytes]:
    """What an initializer needs to be costly (see `_heavy`): a constructor's name, a
    map literal, or a call of a plain name."""
    return re.compile(b"|".join([_constructors(names).pattern, b"map", _OWN_CALL]))


def _may_report(work: re.Pattern[bytes], source: bytes) -> bool:
    """Whether a file may hold what `run` reports, on bytes: a var an init() fills, or a
    costly package-level var (see `_may_fill` and `_may_declare`)."""
    return _may_fill(source) or _may_declare(work, source)


def _may_fill(source: bytes) -> bool:
    """Whether a file may have a `func init()` that fills a var: one with a loop or a
    call; a file whose brackets do not balance may have anything."""
    if b"init" not in source:
        return False
    code = syntax.package_code(source)
    return code is None or any(_INIT_WORK.search(t, t.find(b")") + 1) for t in code[1])


def _may_declare(work: re.Pattern[bytes], source: bytes) -> bool:
    """Whether a file may declare a costly var: a package-level var declaration with an
    initializer showing `work`; a file whose brackets do not balance may hold anything."""
    if b"var" not in source:
        return False
    code = syntax.package_code(source)
    return code is None or any(b"=" in t and work.search(t) for t in code[0])


_CALLED = re.compile(_OWN_CALL)


@cache
def _constructors(names: frozenset[str]) -> re.Pattern[bytes]:
    """Any of the constructors' names, spelled anywhere."""
    return re.compile(b"|".join(re.escape(n.encode()) for n in sorted(names)))


def _may_declare_in(ctx: Context, source: bytes) -> bool:
    """`_may_declare`, sharper with the package at hand: a call of a plain name counts
    only when some file of the package may declare that name (`len(` or `byte(` do
    not), a map literal only when the declaration has as many `:` as a reported
    literal has entries (each entry has one)."""
    if b"var" not in source:
        return False
    code = syntax.package_code(source)
    if code is None:
        return True
    constructors = _constructors(frozenset(name for _, name in ctx.constructors))
    for t in code[0]:
        if b"=" not in t:
            continue
        if constructors.search(t) or (b"map" in t and t.count(b":") >= ctx.min_map_entries):
            return True
        called = {m.decode(errors="replace") for m in _CALLED.findall(t)}
        if called and ctx.scope.declared_among(called):
            return True
    return False


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
    if any(_may_fill(f.source) for f in package.non_test_files()):
        _report_filled(ctx, {c.name for c in candidates})
    if not candidates:
        return
    candidates += _find_links(ctx, candidates)
    lazy = {c.name for c in candidates}
    deps: dict[str, set[str]] = {}  # the candidates each one's initializer reads
    for c in candidates:
        if c.skip:
            continue
        broken = [f.path.name for f in package.files if mentions(f, c.name) and f.problem]
        if broken:  # a file that does not spell the name cannot refer to it
            c.skip = f"{', '.join(broken)} could not be parsed, so references are unknown"
        elif c.name == "_":
            c.skip = "a blank var: nothing can refer to it"
        else:  # the initializer must compute from constants and pure functions only
            c.skip, read = ctx.purity.impurity(c.file, c.value, lazy, c.decl.node, True)
            c.deps |= read
            deps.setdefault(c.name, set()).update(read)
    _check_uses(ctx, [c for c in candidates if not c.skip])
    eager = {c.name: c.skip for c in candidates if c.skip}
    deps = {name: read for name, read in deps.items() if name not in eager}
    eager.update(startup.waits_for_itself(package, ctx.scope, [n for n in deps if n not in eager]))
    eager = startup.settle(package, ctx.scope, deps, eager)
    links = {c.name: c.skip or eager.get(c.name, "") for c in candidates if c.link}
    for c in candidates:
        c.skip = _held_by_link(c.skip or eager.get(c.name, ""), links)
    _report(ctx, [c for c in candidates if not (c.link and c.skip)])


_INITIALIZER_OF = re.compile(r"the initializer of (\w+) at [^ ,;)]+")


def _held_by_link(why: str, links: dict[str, str], seen: frozenset[str] = frozenset()) -> str:
    """`why` a value stays eager, with why the link of its chain that reads it at
    start-up stays eager too, and so on down the chain (links are not reported: they
    cost nothing themselves)."""
    m = _INITIALIZER_OF.search(why) if why.startswith("no gain") else None
    link = m.group(1) if m else ""
    if not links.get(link) or link in seen:
        return why
    return f"{why}, which stays eager: {_held_by_link(links[link], links, seen | {link})}"


# ---------------------------------------------------------------------------- chain links


def _find_links(ctx: Context, candidates: list[Candidate]) -> list[Candidate]:
    """The vars whose initializer does no costly work but reads values being made lazy
    (`var all = []*regexp.Regexp{reA, reB}`), to a fixed point (links read links). Eager,
    they would build those values at start-up anyway; lazy, they cost nothing there."""
    first = frozenset(c.name for c in candidates)
    taken = set(first)
    types = {c.name: (c.result_type, c.file) for c in candidates if c.result_type}
    files = [f for f in ctx.package.non_test_files() if not f.never_built]
    specs: dict[GoFile, list[VarSpec]] = {}  # a file's, parsed once its vars' text names one taken

    def may_read(file: GoFile) -> bool:
        words = _var_words(file.source)
        return file in specs or words is None or not words.isdisjoint(taken)

    found: dict[str, Candidate] = {}
    changed = True
    while changed:
        changed = False
        for var in (var for file in files if may_read(file) for var in _specs(file, first, specs)):
            names = [syntax.text(n) for n in var.names]
            read = set().union(*(_reads(ctx, var.file, v, taken) for v in var.values))
            if not read or names[0] in found:
                continue
            link = _link(ctx, var, sorted(read), types)
            for name in names:
                found[name] = link
            taken.update(names)
            if link.result_type:
                types[link.name] = (link.result_type, link.file)
            changed = True
    return list({id(c): c for c in found.values()}.values())


def _specs(
    file: GoFile, taken: frozenset[str], known: dict[GoFile, list[VarSpec]]
) -> list[VarSpec]:
    """The file's var specs with a value that declare none of `taken`, kept in `known`."""
    if file not in known:
        known[file] = [
            var
            for var in package_vars(file)
            if var.values and not any(syntax.text(n) in taken for n in var.names)
        ]
    return known[file]


def _var_words(source: bytes) -> set[str] | None:
    """The words of a file's package-level var declarations, on bytes (None: unknown)."""
    code = syntax.package_code(source)
    return spelled_words(code[0]) if code is not None else None


def _reads(ctx: Context, file: GoFile, value: syntax.Node, names: set[str]) -> set[str]:
    """Which of the package vars `names` evaluating `value` reads directly (func literals
    run later, if at all)."""
    deferred = syntax.func_literal_ranges(value)
    return {
        syntax.text(ident)
        for ident in syntax.captures("(identifier) @id", value).get("id", [])
        if syntax.text(ident) in names
        and not syntax.inside(ident, deferred)
        and refers_to_package(file, ident, ctx.scope)
    }


def _link(
    ctx: Context, var: VarSpec, read: list[str], types: dict[str, tuple[str, GoFile]]
) -> Candidate:
    """A chain link: lazy with what it reads, or why not (it is then left unreported, and
    the values it reads say why they stay eager)."""
    decl, value = var.decl_of(0), var.values[0]
    what = f"built from {', '.join(read)}"
    link = Candidate(decl, value, "", what, link=True)
    if len(var.names) != 1 or len(var.values) != 1:
        link.skip = "it declares several names in one spec"
    elif link.exported and ctx.package.name != "main":
        link.skip = (
            f"it is exported: a lazy {link.name} would change the package's API for a "
            "value that costs nothing itself"
        )
    else:
        link.result_type = (
            syntax.text(var.type)
            if var.type is not None
            else _result_type(ctx, var.file, value) or _read_type(ctx, var.file, value, types)
        )
        if not link.result_type:
            link.skip = f"cannot tell its type; declare it: var {link.name} T = ..."
        elif not ctx.scope.reference_like(link.result_type):
            link.skip = f"a value of type {link.result_type}: uses may need an addressable variable"
    return link


def _read_type(
    ctx: Context, file: GoFile, value: syntax.Node, types: dict[str, tuple[str, GoFile]]
) -> str:
    """The type of a link that is a lazy value (`reA`), an element of one (`all[0]`,
    `byName["a"]`) or an `append` to a value of known type, as `file` spells it ("" if
    unknown)."""
    node = calls.unparen(value)
    if node.type == "identifier":
        known = types.get(syntax.text(node))
        return typeexpr.respell(known[0], known[1].root, file.root) if known else ""
    if node.type == "index_expression":
        operand = node.child_by_field_name("operand")
        return _element_type(_read_type(ctx, file, operand, types)) if operand else ""
    function = node.child_by_field_name("function") if node.type == "call_expression" else None
    arguments = node.child_by_field_name("arguments")
    if function is None or syntax.text(function) != "append" or arguments is None:
        return ""
    if not arguments.named_children or function.type != "identifier":
        return ""
    first = arguments.named_children[0]
    return _result_type(ctx, file, first) or _read_type(ctx, file, first, types)


def _element_type(type_text: str) -> str:
    """`[]T` -> T, `map[K]V` -> V ("" for anything else)."""
    if type_text.startswith("[]"):
        return type_text[2:]
    if not type_text.startswith("map["):
        return ""
    depth = 0
    for i, ch in enumerate(type_text):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "]" and depth == 0:
            return type_text[i + 1 :]
    return ""


def _chain(c: Candidate, by_name: dict[str, Candidate]) -> str:
    """The chain a link closes, from the values with work of their own to it, by level:
    "reA, reB -> all -> first"."""
    level: dict[str, int] = {}

    def depth(name: str, seen: frozenset[str]) -> int:
        if name not in level:
            reads = [d for d in by_name[name].deps if d in by_name and d not in seen]
            level[name] = 1 + max((depth(d, seen | {d}) for d in reads), default=-1)
        return level[name]

    members, todo = {c.name}, [c.name]
    while todo:
        for d in by_name[todo.pop()].deps:
            if d in by_name and d not in members:
                members.add(d)
                todo.append(d)
    by_level: dict[int, list[str]] = {}
    for name in members:
        by_level.setdefault(depth(name, frozenset({name})), []).append(name)
    return " -> ".join(", ".join(sorted(by_level[n])) for n in sorted(by_level))


def _report_filled(ctx: Context, reported: set[str]) -> None:
    """Vars an init() fills in a loop (not otherwise `reported`): found, and left eager
    with the reason, since only moving the loop (init-hooks territory) would defer them."""
    for name, how in startup.filled_by_init(ctx.package, ctx.scope).items():
        decl = ctx.scope.decls[name]
        if name in reported or decl.file.is_test:
            continue
        why = "init() fills it: the loop would have to move into the value's constructor"
        if decl.name[:1].isupper() and ctx.package.name != "main":
            read = _read_in(ctx, decl)
            exported = f"read by other packages ({read})" if read else "other packages may read it"
            why = f"it is exported and {exported}, and {why}"
        ctx.pass_.report(
            decl.file, decl.node, f"{name}: {how} at every start; not made lazy: {why}"
        )


def _read_in(ctx: Context, decl: Decl) -> str:
    """Where an importing package of the module reads `decl` ("dir/x.go:3 in module
    m"; "" if none does)."""
    outside = uses.find(ctx.package, decl, ctx.scope, ctx.pass_.importers).outside
    for importer in ctx.pass_.importers() if outside else []:
        if outside[0].file in importer.files:
            return importer.locate(outside[0].file.path, outside[0].line)
    return ""


def _find_candidates(ctx: Context) -> Iterable[Candidate]:
    """The costly package vars, looked for only in files whose text may declare one: the
    others are not parsed for it."""
    for file in ctx.package.non_test_files():
        if not file.never_built and _may_declare_in(ctx, file.source):
            for var in package_vars(file):
                candidate = _candidate(ctx, var) if var.values else None
                if candidate is not None:
                    yield candidate


def _candidate(ctx: Context, var: VarSpec) -> Candidate | None:
    file = var.file
    heavy = [(v, _heavy(ctx, file, v)) for v in var.values]
    if not any(what for _, what in heavy):
        return None
    decl = var.decl_of(0)
    value, what = next((v, w) for v, w in heavy if w)
    if len(var.names) != 1 or len(var.values) != 1:
        return Candidate(decl, value, "", what, skip="declares several names in one spec")
    result = (
        syntax.text(var.type)
        if var.type is not None
        else _result_type(ctx, file, value) or _read_type(ctx, file, value, {})
    )
    candidate = Candidate(decl, value, result or "", what)
    if not result:
        candidate.skip = f"cannot tell the type of the value; declare it: var {decl.name} T = ..."
    elif not ctx.scope.reference_like(result):
        candidate.skip = f"a value of type {result}: uses may need an addressable variable"
    return candidate


def _literal(value: syntax.Node) -> tuple[str, syntax.Node]:
    """`&T{...}` -> ("*", `T{...}`); anything else -> ("", itself), unparenthesized."""
    inner = calls.unparen(value)
    if inner.type == "unary_expression" and inner.children[0].type == "&":
        return "*", calls.unparen(inner.named_children[0])
    return "", inner


def _heavy(ctx: Context, file: GoFile, value: syntax.Node) -> str:
    """What makes the value costly at start-up, or "" if nothing does."""
    target = ctx.constructor(file, value)
    if target:
        return f"{imports.default_name(target.path)}.{target.name}"
    inner = _literal(value)[1]
    if inner.type not in {"composite_literal", "call_expression"}:
        return ""
    own = syntax.captures(_OWN_CALLS, inner)  # the package's code: known to the scope
    work = ctx.purity.cost(file, inner, ctx.constructors) if own else ""
    if inner.type == "call_expression":
        return work
    deferred = syntax.func_literal_ranges(inner)
    for call, target in calls.imported_calls(file, inner):
        if target.key in ctx.constructors and not syntax.inside(call, deferred):
            return f"a composite literal calling {imports.default_name(target.path)}.{target.name}"
    if work:
        return f"a composite literal calling {work}"
    for caps in syntax.matches(_MAPS, inner):
        entries = sum(c.type != "comment" for c in caps["body"][0].named_children)
        if entries >= ctx.min_map_entries and not syntax.inside(caps["map"][0], deferred):
            return f"a map literal of {entries} entries"
    return ""


def _result_type(ctx: Context, file: GoFile, value: syntax.Node) -> str:
    target = ctx.constructor(file, value)
    if target:
        return ctx.constructors[target.key].format(pkg=target.local)
    function = calls.unparen(value).child_by_field_name("function")
    if function is not None and function.type == "identifier":
        return _own_result_type(ctx, file, syntax.text(function))
    pointer, inner = _literal(value)
    if inner.type == "composite_literal":
        literal_type = inner.child_by_field_name("type")
        if literal_type is not None and literal_type.type != "implicit_length_array_type":
            return pointer + syntax.text(literal_type)
    return ""


def _own_result_type(ctx: Context, file: GoFile, name: str) -> str:
    """The type of `name(...)` in `file`: the constructor's, for a func-valued var bound
    to one; a package function's single declared result, as `file` spells it ("" if
    unknown: no single result, a generic function, a package `file` does not import)."""
    alias = ctx.purity.func_alias(name)
    decl = ctx.scope.decls.get(name)
    if alias is not None and alias.key in ctx.constructors:
        local = {p: n for n, p in imports.paths_by_name(file.root).items()}.get(alias.path)
        return ctx.constructors[alias.key].format(pkg=local) if local else ""
    func = decl.node.parent if decl is not None and decl.kind is Kind.FUNC else None
    result = func.child_by_field_name("result") if func is not None else None
    if decl is None or result is None or result.type == "parameter_list":
        return ""
    if func is not None and func.child_by_field_name("type_parameters") is not None:
        return ""  # a generic function's result may name its type parameters
    return typeexpr.respell(syntax.text(result), decl.file.root, file.root)


def _check_uses(ctx: Context, candidates: list[Candidate]) -> None:
    """Every use must be a read that can become a call; exported values of a library
    are followed into its importers."""
    for c in candidates:
        exported = c.exported and ctx.package.name != "main"
        importers = ctx.pass_.importers if exported else None
        found = uses.find(ctx.package, c.decl, ctx.scope, importers)
        c.refs, c.outside, c.skip = found.inside, found.outside, found.blocked


# ---------------------------------------------------------------------------- the fix


def _report(ctx: Context, candidates: list[Candidate]) -> None:
    helpers = _helpers(ctx, [c for c in candidates if not c.skip])
    tests = _GeneratedTests.plan(ctx, [c for c in candidates if not c.skip])
    live = {c.name: c for c in candidates if not c.skip}
    for c in candidates:
        sync = "" if c.skip or helpers else names.import_name(c.file, "sync", ctx.scope.decls)
        if sync is None:
            c.skip = f"{names.listed('sync')} are all taken in {c.file.path.name}"
        if c.skip:
            ctx.pass_.report(
                c.file,
                c.decl.node,
                f"{c.name}: {c.what} runs at every start; not made lazy: {c.skip}",
            )
            continue
        helper = helpers.name(c.name) if helpers else "sync.OnceValue"
        shared = tests.shared + ([helpers.file_fix(c.name)] if helpers else [])
        fix = _fix(ctx, c, sync or "", helper, tests.forcing(c), shared)
        count = len([r for r in c.refs if r.use is not Use.DECLARE])
        if c.link:
            are = "is" if "," not in c.what else "are"
            message = (
                f"{c.name}: {c.what}, which {are} made lazy: build it on first use too ({helper})"
            )
        else:
            message = f"{c.name}: {c.what} runs at every start; build it on first use ({helper})"
        message += f", {_count(count, 'reference')} in the package"
        if c.outside:
            packages = len({r.file.path.parent for r in c.outside})
            message += f" and {len(c.outside)} in {_count(packages, 'importing package')}"
        if c.link:
            message += f"; chain {_chain(c, live)}"
        ctx.pass_.report(c.file, c.decl.node, message, fix)


def _helpers(ctx: Context, live: list[Candidate]) -> oncevalue.Helpers | None:
    """Before Go 1.21, the generated functions that stand in for sync.OnceValue."""
    if not oncevalue.needed(ctx.package):
        return None
    values = [oncevalue.Value(c.name, c.result_type, c.file) for c in live]
    helpers = oncevalue.Helpers.plan(ctx.package, ctx.scope, values, "lazy-init")
    for c in live:
        c.skip = helpers if isinstance(helpers, str) else helpers.skipped.get(c.name, "")
    return None if isinstance(helpers, str) else helpers


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _fix(
    ctx: Context, c: Candidate, sync: str, helper: str, test: FileFix, shared: list[FileFix]
) -> Fix:
    """The fix of one value: its edits and import (`sync`: the file's name for package
    sync, "" with a generated helper), the line of `test` that forces the value, and
    the generated files (`shared`) every fix of the package rewrites."""
    multiline = b"\n" in c.file.source[c.value.start_byte : c.value.end_byte]
    prefix = f"{sync}.OnceValue" if sync else helper
    prefix += f"(func() {c.result_type} {{" + ("\n\treturn " if multiline else " return ")
    declared = c.decl.spec.child_by_field_name("type") if c.decl.spec else None
    rewrite = Rewrite()
    tail = "\n})" if multiline else " })"
    if declared is not None:  # the type moves into the func: `var x T = v` -> `var x = ...`
        rewrite.wrap(c.file, c.value, " = " + prefix, tail, c.decl.node.end_byte)
    else:
        rewrite.wrap(c.file, c.value, prefix, tail)
    rewrite.reads_to_calls(c.refs + c.outside)
    add_sync = ImportChange(ImportAction.ADD, "sync", None if sync == "sync" else sync)
    files = rewrite.file_fixes({c.file: (add_sync,)} if sync else {})
    files.append(FileFix(test.path, create=test.create, lines=(f"\t_ = {c.name}()\n",)))
    files += [g for g in shared if g.path != test.path]
    return Fix(
        description=f"make {c.name} lazy with {helper} and call it at every use",
        safety=Safety.UNSAFE if _unsafe(ctx, c) else Safety.SAFE,
        reason=_unsafe(ctx, c),
        files=tuple(files),
    )


def _unsafe(ctx: Context, c: Candidate) -> str:
    """Why the fix of `c` is unsafe ("" if it is safe): it changes the exported API, or
    it reads an exported value only an unsafe fix makes lazy."""
    if ctx.package.name == "main":
        return ""
    if c.exported:
        return (
            f"changes the exported API: {c.name} becomes a func; uses in this module and "
            "its workspace are rewritten, importers elsewhere break"
        )
    exported = sorted(d for d in c.deps if d[:1].isupper())
    if exported:
        return (
            f"reads {exported[0]}, which only an unsafe fix makes lazy: applied alone, this "
            f"fix would read {exported[0]} at first use, after other packages may have changed it"
        )
    return ""


def _test_file(package: str, path: Path, expr: str, kept: list[str]) -> FileFix:
    """The generated test that forces the values declared in files built under `expr`,
    with that constraint. Its name ends in `_lazyinit_test.go`, so the name adds no
    GOOS/GOARCH constraint of its own."""
    match = _GENERATED_TEST.fullmatch(path.name)
    slug = match.group(1) if match and match.group(1) else ""
    suffix = "".join(w.capitalize() for w in slug.split("_"))
    function = f"TestCodemodLazyInit{suffix}"
    doc = (
        f"// {function} builds every value that codemod lazy-init made lazy in the\n"
        f"// files built with {expr}, so that a bad pattern or template fails `go test`\n"
        "// instead of the first use in production.\n"
        if suffix
        else f"// {function} builds every value that codemod lazy-init made lazy, so that\n"
        "// a bad pattern or template fails `go test` instead of the first use in production.\n"
    )
    return FileFix(
        path,
        create=(
            f"{GENERATED_HEADER} lazy-init; DO NOT EDIT.\n\n"
            f"{buildtags.go_build_line(expr)}"
            f"package {package}\n\n"
            'import "testing"\n\n'
            f"{doc}"
            f"func {function}(t *testing.T) {{\n"
            + "".join(f"\t_ = {n}()\n" for n in kept)
            + f"{LINES_MARKER}}}\n"
        ),
    )


@dataclass
class _GeneratedTests:
    """Where each lazy value is forced: in the generated test built exactly where the
    value's file is built (so no other build sees an undefined name)."""

    own: dict[str, Path]  # candidate -> its test file
    shared: list[FileFix]  # rewritten by every fix: they hold values made lazy before
    templates: dict[Path, FileFix]

    @classmethod
    def plan(cls, ctx: Context, live: list[Candidate]) -> _GeneratedTests:
        placement = generated.Placement(
            ctx.package, TEST_FILE, "codemod_{slug}_lazyinit_test.go", "its value would be forced"
        )
        kept: dict[Path, list[str]] = {}  # values forced by an earlier run
        regenerate = []
        for file in ctx.package.files:
            if not generated.by_codemod(file, _GENERATED_TEST):
                continue
            placement.register(file)
            regenerate.append(file.path)
            for name in _FORCED.findall(file.source.decode()):
                decl = ctx.scope.decls.get(name)
                if decl is not None and decl.kind is Kind.VAR and not decl.file.is_test:
                    path = placement.place(decl.file)
                    if isinstance(path, Path) and name not in kept.setdefault(path, []):
                        kept[path].append(name)
                        regenerate.append(path)
        tests = cls({}, [], {})
        for c in live:
            path = placement.place(c.file)
            if isinstance(path, str):
                c.skip = path
            else:
                tests.own[c.name] = path
        tests.templates = {
            p: _test_file(ctx.package.name, p, expr, kept.get(p, []))
            for p, expr in placement.exprs.items()
        }
        tests.shared = [tests.templates[p] for p in dict.fromkeys(regenerate)]
        return tests

    def forcing(self, c: Candidate) -> FileFix:
        return self.templates[self.own[c.name]]


RULE = Rule(
    id="lazy-init",
    summary="Package-level regexps, templates, replacers and big maps: build them on first use.",
    docs=__doc__ or "",
    safety=Safety.SAFE,
    safety_reason="Unexported vars: only when the work happens changes. Exported vars change the API and are unsafe.",
    run=run,
    prefilter=prefilter,
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
    examples=(
        Example(
            "A regexp compiled at every start becomes a sync.OnceValue, and each use a call",
            """package p

import "regexp"

var validID = regexp.MustCompile(`^[a-z]+\\[[0-9]+\\]$`)

func Valid(s string) bool { return validID.MatchString(s) }
""",
            """package p

import (
	"regexp"
	"sync"
)

var validID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]+\\[[0-9]+\\]$`) })

func Valid(s string) bool { return validID().MatchString(s) }
""",
        ),
        Example(
            "A template in a var block, through an import alias; the local that shadows it is left alone",
            """package p

import (
	htmpl "html/template"
	"io"
)

var (
	page    = htmpl.Must(htmpl.New("page").Parse(`<p>{{.}}</p>`))
	verbose = false
)

func Render(w io.Writer, v string) error { return page.Execute(w, v) }

func Other(page string) string { return page }
""",
            """package p

import (
	htmpl "html/template"
	"io"
	"sync"
)

var (
	page    = sync.OnceValue(func() *htmpl.Template { return htmpl.Must(htmpl.New("page").Parse(`<p>{{.}}</p>`)) })
	verbose = false
)

func Render(w io.Writer, v string) error { return page().Execute(w, v) }

func Other(page string) string { return page }
""",
        ),
        Example(
            "Before Go 1.21 the same shape is built on sync.Once, by a generated helper",
            """package p

import "strings"

var unescape = strings.NewReplacer("&lt;", "<", "&gt;", ">")

func Unescape(s string) string { return unescape.Replace(s) }
""",
            """package p

import "strings"

var unescape = codemodOnceValue(func() *strings.Replacer { return strings.NewReplacer("&lt;", "<", "&gt;", ">") })

func Unescape(s string) string { return unescape().Replace(s) }
""",
            go="1.20",
        ),
        Example(
            "A value assigned elsewhere stays eager: reported, with the reason, and no fix",
            """package p

import "regexp"

var pattern = regexp.MustCompile(`a+`)

func Strict() { pattern = regexp.MustCompile(`^a+$`) }
""",
        ),
        Example(
            "A value an init() reads stays eager: it would be built at start-up anyway",
            """package p

import "regexp"

var word = regexp.MustCompile(`\\w+`)

var words []string

func init() { words = word.FindAllString("built at start-up", -1) }
""",
        ),
        Example(
            "A small map is not worth it (option min_map_entries, default 32)",
            """package p

var codes = map[string]int{"ok": 200, "not found": 404}
""",
            reported=False,
        ),
    ),
)
