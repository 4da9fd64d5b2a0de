"""Blank imports of debug packages that register HTTP endpoints at start-up.

## What it finds

`import _ "net/http/pprof"`, `_ "expvar"` and `_ "golang.org/x/net/trace"` in non-test
files of any package. A library that does this exposes every program that links it.

## Why

The import links the package and runs its `init()` on every start: in a program that
links nothing else, `net/http/pprof` adds 8 packages (regexp, html, runtime/pprof,
runtime/trace, ...), about 1 MB of binary and 0.1-0.2 ms before `main`. Its `init()` also registers `/debug/pprof/*` on
`http.DefaultServeMux`, so any server on the default mux exposes profiles, command line
and traces (gosec G108). Importing the package by name still registers them; only not
linking it avoids that.

## Fixes (option `fix`)

`build-tag` (default) moves the import to a new file of the same package that builds
only with `-tags debug` (option `tag`): default builds no longer link it, and
`go build -tags debug` gives today's program back (see the examples).

`mux` registers the handlers explicitly on the program's own `*http.ServeMux`, right
after `mux := http.NewServeMux()`:

    mux := http.NewServeMux()
    mux.HandleFunc("GET /debug/pprof/", pprof.Index)
    mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
    ...

The package is still linked and still registers on `http.DefaultServeMux`: this fix makes
the endpoints visible and served on purpose, it does not make start-up cheaper.

Both fixes are unsafe: the first removes endpoints from default builds, the second adds
them to a mux that did not serve them.

## What leaves the binary

Another import can link the package too (a metrics library that imports `expvar`, say).
So before claiming that anything leaves the binary, the rule reads the package's import
graph (`go list -deps` of the host's default build; for package main, the program's).
When the package leaves, the finding
names the packages that leave with it (in a real program regexp and html are usually
linked anyway). When the package stays linked without this import, the finding says so,
names the chain of imports that pulls it in, and offers no build-tag move: it would
change nothing. Without a Go toolchain, or when
`go list` cannot load the package, the finding and the generated comment say that this
was not checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from codemod import buildtags, calls, imports, names, syntax
from codemod.edits import TextEdit
from codemod.model import GoFile, Package
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
from codemod.scope import PackageScope


@dataclass(frozen=True)
class DebugPackage:
    path: str
    alias: str  # used when the default name is taken in the file
    links: str  # what it links in a program that has nothing else (the graph unread)
    effect: str  # what its init does
    routes: tuple[tuple[str, str, str], ...]  # (method prefix or "", pattern, handler call)

    @property
    def name(self) -> str:
        return imports.default_name(self.path)

    @property
    def cost(self) -> str:
        return f"{self.links}, and {self.effect}"


DEBUG_PACKAGES = {
    p.path: p
    for p in (
        DebugPackage(
            "net/http/pprof",
            "httppprof",
            "links 8 more packages (regexp, html, runtime/pprof, runtime/trace, ...), "
            "about 1 MB of binary",
            "registers /debug/pprof/ on http.DefaultServeMux (gosec G108)",
            (
                ("GET ", "/debug/pprof/", "HandleFunc|{name}.Index"),
                ("GET ", "/debug/pprof/cmdline", "HandleFunc|{name}.Cmdline"),
                ("GET ", "/debug/pprof/profile", "HandleFunc|{name}.Profile"),
                ("GET ", "/debug/pprof/symbol", "HandleFunc|{name}.Symbol"),
                ("GET ", "/debug/pprof/trace", "HandleFunc|{name}.Trace"),
            ),
        ),
        DebugPackage(
            "expvar",
            "expvar",
            "links encoding/json (about 1.2 MB of binary)",
            "publishes cmdline and memstats and registers /debug/vars on http.DefaultServeMux",
            (("GET ", "/debug/vars", "Handle|{name}.Handler()"),),
        ),
        DebugPackage(
            "golang.org/x/net/trace",
            "nettrace",
            "links html/template",
            "registers /debug/requests and /debug/events on http.DefaultServeMux",
            (
                ("", "/debug/requests", "HandleFunc|{name}.Traces"),
                ("", "/debug/events", "HandleFunc|{name}.Events"),
            ),
        ),
    )
}

_BLANK_IMPORTS = "(import_spec name: (blank_identifier) path: (_) @path) @spec"
_NEW_MUX = """
(short_var_declaration
  left: (expression_list . (identifier) @mux .)
  right: (expression_list . [
    (call_expression function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn))
    (unary_expression operand: (composite_literal type: (qualified_type package: (package_identifier) @pkg name: (type_identifier) @fn)))
  ] .)) @stmt
(var_declaration (var_spec
  name: (identifier) @mux .
  value: (expression_list . [
    (call_expression function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn))
    (unary_expression operand: (composite_literal type: (qualified_type package: (package_identifier) @pkg name: (type_identifier) @fn)))
  ] .))) @stmt
"""
_STRINGS = "(interpreted_string_literal) @s (raw_string_literal) @s"


def prefilter(options: Mapping[str, Any]) -> Prefilter:
    """A blank import of a debug package spells its path in a non-test file (in quotes
    or backquotes: the bare path covers both)."""
    return Prefilter((tuple(path.encode() for path in DEBUG_PACKAGES),))


def run(pass_: Pass) -> None:
    package = pass_.package
    if package.is_external_test:
        return
    tag = pass_.options["tag"]
    for file in package.non_test_files():
        if file.never_built or (file.constraint is not None and file.constraint.needs(tag)):
            continue  # already gated: default builds do not see it
        for caps in syntax.matches(_BLANK_IMPORTS, file.root):
            path = syntax.string_value(caps["path"][0])
            debug = DEBUG_PACKAGES.get(path)
            if debug is None:
                continue
            spec = caps["spec"][0]
            importers = _blank_importers(package, path, tag)
            if importers[0] is not file:
                continue  # reported, and moved, with the first file's import
            message = f"blank import of {path} runs its init on every start: {debug.cost}"
            broken = [f.path.name for f in package.non_test_files() if f.problem]
            if broken:
                pass_.report(
                    file,
                    spec,
                    f"{message}; no fix: {', '.join(broken)} could not be parsed, so other "
                    "imports of the package are unknown",
                )
                continue
            named = _named_use(package, path)
            if named is not None:
                pass_.report(
                    file,
                    spec,
                    f"{message}; {named.path.name} also imports it by name, so it stays linked: "
                    "remove that use first",
                )
                continue
            reach = _reach(pass_, path)
            message = _linked_message(debug, reach) + _also(importers[1:])
            unmovable = _unmovable(file, importers[1:], pass_.options["fix"])
            if unmovable:
                pass_.report(file, spec, f"{message}; no fix: {unmovable}")
                continue
            if reach.known and reach.chain and pass_.options["fix"] != "mux":
                pass_.report(file, spec, message)  # a build tag would gate nothing
                continue
            fix = (
                _mux_fix(pass_, file, debug)
                if pass_.options["fix"] == "mux"
                else _build_tag_fix(file, spec, debug, tag, reach.known, importers[1:])
            )
            if isinstance(fix, str):
                pass_.report(file, spec, f"{message}; no fix: {fix}")
            else:
                pass_.report(file, spec, message, _remove_from(fix, importers[1:], path))


def _blank_importers(package: Package, path: str, tag: str) -> list[GoFile]:
    """The package's files that default builds compile with a blank import of `path`:
    moving one of them gates nothing while another keeps the package linked."""
    return [
        f
        for f in package.non_test_files()
        if not f.never_built
        and not (f.constraint is not None and f.constraint.needs(tag))
        and any(s.name == "_" for s in imports.find(f.root, path))
    ]


def _also(others: list[GoFile]) -> str:
    if not others:
        return ""
    return f" (also imported in {', '.join(f.path.name for f in others)})"


def _unmovable(file: GoFile, others: list[GoFile], how: str) -> str:
    """Why the imports of several files cannot move as one fix; "" when they can."""
    if not others:
        return ""
    if how == "mux":
        return "several files import it; remove the others and run again"
    for other in others:
        if other.build_expr != file.build_expr:
            return (
                f"{other.path.name} imports it under another build constraint; "
                "gate the imports by hand"
            )
    return ""


def _blank_imports(file: GoFile, path: str) -> list[imports.ImportSpec]:
    return [s for s in imports.find(file.root, path) if s.name == "_"]


def _remove_from(fix: Fix, others: list[GoFile], path: str) -> Fix:
    """`fix`, also removing the blank imports of `others`, which moved file holds once."""
    removals = tuple(
        FileFix(f.path, imports=(ImportChange(ImportAction.REMOVE, path, "_"),)) for f in others
    )
    return replace(fix, files=fix.files + removals) if removals else fix


@dataclass(frozen=True)
class Reach:
    """Whether the package links a debug package without its own import of it."""

    unknown: str = ""  # why it could not be checked; "" when the graph answers
    chain: tuple[str, ...] = ()  # the imports that still link it; empty when it leaves
    leaves: tuple[str, ...] = ()  # when it leaves: it and what only it links

    @property
    def known(self) -> bool:
        return not self.unknown


def _reach(pass_: Pass, path: str) -> Reach:
    graph = pass_.import_graph()
    if graph is None:
        return Reach("no import graph from the Go toolchain")
    if path not in graph.imports.get(graph.root, ()):
        # The graph is the host's build, which does not compile this import (its file is
        # for another GOOS, say): what that build links was not seen.
        return Reach("the host's build, whose import graph was read, does not include it")
    edge = (graph.root, path)
    chain = tuple(graph.path_to(path, without=edge) or ())
    return Reach(chain=chain, leaves=() if chain else tuple(graph.only_through(path, edge)))


def _linked_message(debug: DebugPackage, reach: Reach) -> str:
    """The finding's message, from what the import graph shows (or that it was not read)."""
    if not reach.known:
        return (
            f"blank import of {debug.path} runs its init on every start: {debug.cost}, unless "
            f"another import links it too (not checked: {reach.unknown})"
        )
    if reach.chain:
        return (
            f"blank import of {debug.path}: {debug.path} stays linked without this import "
            f"({' -> '.join(reach.chain)}), so its init still runs and it still registers "
            f"{debug.routes[0][1]} on http.DefaultServeMux: dropping this import saves nothing"
        )
    # What the program links only through this import, as its graph shows: the fixed
    # list of a bare program overstates it where regexp or encoding/json stay linked.
    count = f"{len(reach.leaves)} package{'s' if len(reach.leaves) > 1 else ''}"
    shown = ", ".join(reach.leaves[:4]) + (", ..." if len(reach.leaves) > 4 else "")
    return (
        f"blank import of {debug.path} runs its init on every start: links {count} nothing "
        f"else in the build imports ({shown}), and {debug.effect}"
    )


def _named_use(package: Package, path: str) -> GoFile | None:
    for file in package.non_test_files():
        if any(s.name != "_" for s in imports.find(file.root, path)):
            return file
    return None


def _build_tag_fix(
    file: GoFile,
    spec: syntax.Node,
    debug: DebugPackage,
    tag: str,
    proven: bool,
    others: list[GoFile],
) -> Fix:
    """`proven`: the import graph shows the package leaves default builds with this import."""
    target = file.path.parent / f"{tag}_{debug.name}.go"
    # Built where the import was (its file's name may say GOOS, its import "C" cgo), and
    # only with the tag.
    built = file.build_expr
    constraint = buildtags.Constraint.parse(built).conjoin(tag) if built else tag
    # The imports' own comments move with them: a `// #nosec G108` must keep silencing
    # gosec. Every file's doc comment, once; the first trailing comment (one line holds one).
    moved = [(file, spec), *((f, s.node) for f in others for s in _blank_imports(f, debug.path))]
    docs = dict.fromkeys(imports.doc_comment(f.source, s) for f, s in moved)
    doc = "//\n".join(d for d in docs if d)
    trailing = next((c for f, s in moved if (c := imports.trailing_comment(f.source, s))), "")
    content = (
        f"//go:build {constraint}\n\n"
        f"package {file.package}\n\n"
        f"// Moved from {', '.join(f.path.name for f in (file, *others))} by codemod "
        "debug-imports: default builds no longer\n// "
        + (
            f"link {debug.path}; build with -tags {tag} to serve its endpoints again.\n"
            if proven
            else f"import {debug.path} here (whether another import links it was not\n"
            f"// checked); build with -tags {tag} to import it here again.\n"
        )
        + (f"//\n{doc}" if doc else "")
        + f'import _ "{debug.path}"'
        + (f" {trailing}" if trailing else "")
        + "\n"
    )
    return Fix(
        description=f"move the import to {target.name}, built only with -tags {tag}",
        safety=Safety.UNSAFE,
        reason=f"default builds lose the {debug.path} endpoints"
        + ("" if proven else " unless another import links it")
        + f"; -tags {tag} restores them",
        files=(
            FileFix(file.path, imports=(ImportChange(ImportAction.REMOVE, debug.path, "_"),)),
            FileFix(target, create=content),
        ),
        verify_tags=(tag,),
    )


def _mux_fix(pass_: Pass, file: GoFile, debug: DebugPackage) -> Fix | str:
    found = _find_mux(pass_.package)
    if found is None:
        return 'the package creates no *http.ServeMux in a function (use fix = "build-tag")'
    mux_file, mux, stmt = found
    if _registers_routes(pass_.package, debug):
        return f"the package already mentions {debug.routes[0][1]}; register it by hand"
    package_level = PackageScope.of(pass_.package).decls
    name = names.import_name(mux_file, debug.path, package_level, (debug.name, debug.alias))
    if name is None:
        return f"both {debug.name} and {debug.alias} are taken in {mux_file.path.name}"
    go122 = pass_.module is not None and pass_.module.go_at_least(1, 22)
    indent = _indent(mux_file.source, stmt.start_byte)
    lines = [f"// Debug endpoints of {debug.path}, registered explicitly by codemod debug-imports."]
    for method, pattern, call in debug.routes:
        func, handler = call.format(name=name).split("|")
        pattern = f"{method}{pattern}" if go122 else pattern
        lines.append(f'{mux}.{func}("{pattern}", {handler})')
    insertion = "".join(f"{indent}{line}\n" for line in lines)
    at = syntax.line_end(mux_file.source, stmt.end_byte)
    import_name = None if name == debug.name else name
    changes: list[FileFix] = []
    remove = ImportChange(ImportAction.REMOVE, debug.path, "_")
    add = ImportChange(ImportAction.ADD, debug.path, import_name)
    if mux_file.path == file.path:  # rename in place: the spec keeps its comments
        rename = ImportChange(ImportAction.RENAME, debug.path, import_name)
        changes.append(FileFix(file.path, (TextEdit(at, at, insertion),), (rename,)))
    else:
        changes.append(FileFix(file.path, imports=(remove,)))
        changes.append(FileFix(mux_file.path, (TextEdit(at, at, insertion),), (add,)))
    return Fix(
        description=f"register the {debug.path} handlers on {mux} explicitly",
        safety=Safety.UNSAFE,
        reason=(
            f"{mux} starts serving {debug.routes[0][1]}; the package is still linked and, "
            "imported by name, still registers on http.DefaultServeMux"
        ),
        files=tuple(changes),
    )


def _find_mux(package: Package) -> tuple[GoFile, str, syntax.Node] | None:
    """The first `x := http.NewServeMux()` (or `&http.ServeMux{}`) inside a function body."""
    for file in sorted(package.non_test_files(), key=lambda f: f.path.name):
        for caps in syntax.matches(_NEW_MUX, file.root):
            pkg, fn, stmt = caps["pkg"][0], caps["fn"][0], caps["stmt"][0]
            if calls.import_of(file, syntax.text(pkg)) != "net/http" or syntax.text(fn) not in {
                "NewServeMux",
                "ServeMux",
            }:
                continue
            if any(a.type == "block" for a in syntax.ancestors(stmt)):
                return file, syntax.text(caps["mux"][0]), stmt
    return None


def _registers_routes(package: Package, debug: DebugPackage) -> bool:
    prefixes = {pattern for _, pattern, _ in debug.routes}
    for file in package.non_test_files():
        for node in syntax.captures(_STRINGS, file.root).get("s", []):
            value = syntax.string_value(node)
            if any(p in value for p in prefixes):
                return True
    return False


def _indent(source: bytes, offset: int) -> str:
    start = syntax.line_start(source, offset)
    line = source[start:offset].decode()
    return line[: len(line) - len(line.lstrip())]


RULE = Rule(
    id="debug-imports",
    summary="Blank imports of net/http/pprof, expvar, x/net/trace: gate them or register explicitly.",
    docs=__doc__ or "",
    safety=Safety.UNSAFE,
    safety_reason="Either fix changes which HTTP endpoints the program serves.",
    run=run,
    prefilter=prefilter,
    options=(
        Option(
            "fix",
            "build-tag",
            "How to fix: move behind a build tag, or register on the program's mux.",
            ("build-tag", "mux"),
        ),
        Option("tag", "debug", "The build tag that brings moved imports back."),
    ),
    examples=(
        Example(
            "net/http/pprof moves to a file built only with -tags debug",
            """package main

import (
	"net/http"
	_ "net/http/pprof"
)

func main() { _ = http.ListenAndServe("localhost:6060", nil) }
""",
            """package main

import "net/http"

func main() { _ = http.ListenAndServe("localhost:6060", nil) }
""",
            creates=(
                (
                    "debug_pprof.go",
                    """//go:build debug

package main

// Moved from p.go by codemod debug-imports: default builds no longer
// link net/http/pprof; build with -tags debug to serve its endpoints again.
import _ "net/http/pprof"
""",
                ),
            ),
        ),
        Example(
            "An import by name is used on purpose: left alone",
            """package main

import (
	"expvar"
	"fmt"
)

func main() { fmt.Println(expvar.NewInt("starts")) }
""",
            reported=False,
        ),
    ),
)
