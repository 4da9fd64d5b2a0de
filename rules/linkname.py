"""`//go:linkname` pulls checked against the linker of the Go that builds them.

## What it finds

A "pull" is `//go:linkname local importpath.name` on a body-less func (or a var): the
package borrows another package's symbol. Since Go 1.23 the linker refuses a pull of a
standard-library symbol unless the defining package pushes it (a one-argument
`//go:linkname name` on the definition, or a two-argument one on a definition under
another name), and refuses the symbols of its `blockedLinknames` list to all but the
packages listed. The rule reads both from the installed toolchain's own sources
($GOROOT/src, and cmd/link/internal/loader/loader.go for the list), for the GOOS and
GOARCH it builds, and reports:

- each pull that will not link, with the linker's message (`link: main: invalid
  reference to runtime.fastexprand`, or `relocation target ... not defined` for a
  symbol this Go does not have) and the rule that refuses it;
- each pull that links only because the runtime keeps a push for old code, when a
  public API does the same (`runtime.nanotime`, `runtime.fastrand`...).

Files not built for the toolchain's GOOS/GOARCH are not audited. Symbols outside the
standard library are not checked by the linker, nor here.

## Why

A refused pull fails `go build` with the Go that refuses it: the upgrade breaks the
program (or its dependency) at link time. `-ldflags=-checklinkname=0` silences the
check, not the risk: the symbol is an internal the runtime may change. A pull the
runtime still pushes "for the hall of shame" keeps working, but ties the code to
`import _ "unsafe"` and to a promise Go makes only to old code.

## The fix

Where a public API gives what the pull gave, the body-less declaration gets a body that
calls it, so every caller stays as it is, and the directive goes (and `import _
"unsafe"` with it, when no directive is left in the file):

- `runtime.fastrand` -> `rand.Uint32()`, `runtime.fastrand64` -> `rand.Uint64()` of
  math/rand/v2 (Go 1.22 modules and later): safe, both read the runtime's own generator
  (`runtime.rand`), unseeded, goroutine-safe;
- `runtime.fastrandn(n)` -> `rand.Uint32N(n)`: unsafe, it panics for n == 0 where
  fastrandn returned 0, and draws without fastrandn's slight bias;
- `runtime.fastexprand(mean)` -> an exponential draw from `rand.ExpFloat64()`, capped as
  the runtime caps it: unsafe, the same distribution, not the runtime's 26-bit
  approximation;
- `runtime.nanotime()` -> nanoseconds of `time.Since` a package-level `time.Now()`:
  unsafe, the monotonic clock counts from the package's initialization instead of the
  runtime's origin, so differences are the same but absolute values are not (code that
  compares them with other nanotime values, or takes 0 for "unset", may change); a call
  costs the same (time.Since of a monotonic time reads the runtime's clock).

A stub: a refused pull whose allowed sibling does the same is pointed at it
(`runtime.nanotime1` -> `runtime.nanotime`, which only adds the playground's fake
clock); unsafe, it still reaches into the runtime, and offered only when this Go's
linker allows the sibling. Every fix is built before it is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from codemod import imports, names, syntax
from codemod.edits import TextEdit
from codemod.linknames import Toolchain, Verdict
from codemod.model import GoFile
from codemod.rule import (
    Example,
    FileFix,
    Fix,
    ImportAction,
    ImportChange,
    Pass,
    Prefilter,
    Rule,
    Safety,
)
from codemod.scope import PackageScope

_DIRECTIVE = re.compile(r"//go:linkname[ \t]+(\S+)[ \t]+(\S+)[ \t]*")
_UNSAFE = "unsafe"


@dataclass(frozen=True)
class Replacement:
    """A public API that gives what a pull gave: the body the declaration gets."""

    params: tuple[str, ...]  # the parameter types the pull must declare
    result: str
    package: str  # what the body imports
    body: str  # {pkg}: its name in the file; {p0}: the first parameter; {origin}
    public: str  # how the finding names the API
    safety: Safety
    reason: str = ""  # why unsafe
    go: tuple[int, int] = (1, 22)  # the module's go line must be at least this


_RAND = "math/rand/v2"
REPLACEMENTS = {
    "runtime.fastrand": Replacement(
        (), "uint32", _RAND, "return {pkg}.Uint32()", "math/rand/v2's Uint32", Safety.SAFE
    ),
    "runtime.fastrand64": Replacement(
        (), "uint64", _RAND, "return {pkg}.Uint64()", "math/rand/v2's Uint64", Safety.SAFE
    ),
    "runtime.fastrandn": Replacement(
        ("uint32",),
        "uint32",
        _RAND,
        "return {pkg}.Uint32N({p0})",
        "math/rand/v2's Uint32N",
        Safety.UNSAFE,
        "rand.Uint32N panics for n == 0, where fastrandn returned 0",
    ),
    "runtime.fastexprand": Replacement(
        ("int",),
        "int32",
        _RAND,
        "if {p0} == 0 {{\n\t\treturn 0\n\t}}\n"
        "\treturn int32(min({pkg}.ExpFloat64(), 18)*float64(min({p0}, 0x7000000))) + 1",
        "math/rand/v2's ExpFloat64",
        Safety.UNSAFE,
        "draws the same exponential distribution from math/rand/v2, not the runtime's "
        "26-bit approximation of it",
    ),
    "runtime.nanotime": Replacement(
        (),
        "int64",
        "time",
        "return int64({pkg}.Since({origin}))",
        "time.Since",
        Safety.UNSAFE,
        "the clock counts from the package's initialization, not the runtime's origin: "
        "differences are the same, absolute values are not",
        go=(1, 0),
    ),
}
REPLACEMENTS["runtime.nanotime1"] = REPLACEMENTS["runtime.nanotime"]


@dataclass(frozen=True)
class Stub:
    """A refused pull served by a pull of an allowed sibling (when this Go allows it)."""

    sibling: str
    params: tuple[str, ...]  # the refused pull's parameter types ({unsafe}: the file's name)
    result: str
    declare: str  # the sibling's parameters and result
    call: str  # the body: {sibling}, {p0}, {p1}
    reason: str


_SAME = "the same function, still a runtime internal (pushed only for old code)"
_OTHER = (
    "runtime.memhash gives other hash values than {0} for the same seed (consistent "
    "within the program; do not store them); still a runtime internal"
)


def _memhash(size: int, reason: str) -> Stub:
    return Stub(
        "runtime.memhash",
        ("{unsafe}.Pointer", "uintptr"),
        "uintptr",
        "(p {unsafe}.Pointer, h, s uintptr) uintptr",
        f"return {{sibling}}({{p0}}, {{p1}}, {size})",
        reason,
    )


STUBS = {
    "runtime.memhash8": _memhash(1, _SAME),
    "runtime.memhash16": _memhash(2, _SAME),
    "runtime.memhash128": _memhash(16, _SAME),
    "runtime.memhash32": _memhash(4, _OTHER.format("runtime.memhash32")),
    "runtime.memhash64": _memhash(8, _OTHER.format("runtime.memhash64")),
}


@dataclass(frozen=True)
class Pull:
    file: GoFile
    directive: syntax.Node  # the comment
    local: str
    target: str
    decl: syntax.Node  # the body-less function_declaration, or the var_spec


def prefilter(options: Mapping[str, Any]) -> Prefilter:
    """A pull is a `//go:linkname` directive, in any of the package's files."""
    return Prefilter(((b"go:linkname",),), tests=True)


def run(pass_: Pass) -> None:
    package = pass_.package
    files = [f for f in package.files if b"go:linkname" in f.source and not f.problem]
    if not files:
        return
    toolchain = pass_.linknames()
    if toolchain is None or package.dir.resolve().is_relative_to(toolchain.src.resolve()):
        return  # nothing to check against; or the standard library's own, which may pull
    puller = "main" if package.name == "main" else package.import_path
    scope: PackageScope | None = None
    for file in files:
        if not toolchain.builds(file.path, file.source):
            continue
        for pull in pulls(file):
            verdict = toolchain.verdict(pull.target, puller)
            replacement = REPLACEMENTS.get(pull.target)
            if verdict.links and replacement is None:
                continue
            scope = scope or PackageScope.of(package)
            fix = _replace(pass_, pull, replacement, scope) if replacement else None
            if fix is None and not verdict.links:
                fix = _stub(pull, toolchain, puller, scope)
            message = _message(pull, verdict, toolchain, replacement)
            if isinstance(fix, str):
                message, fix = f"{message}; not replaced: {fix}", None
            pass_.report(file, pull.decl, message, fix)


def pulls(file: GoFile) -> list[Pull]:
    """The file's two-argument `//go:linkname` directives whose local name is a top-level
    body-less func or a var of the file: what the package pulls from elsewhere."""
    declared: dict[str, syntax.Node] = {}
    for node in syntax.top_level(file.root, "function_declaration", "var_declaration"):
        if node.type == "function_declaration":
            name = node.child_by_field_name("name")
            if name is not None and node.child_by_field_name("body") is None:
                declared.setdefault(syntax.text(name), node)
            continue
        for spec in syntax.captures("(var_spec) @s", node).get("s", []):
            for name in spec.children_by_field_name("name"):
                declared.setdefault(syntax.text(name), spec)
    out = []
    for comment in syntax.captures("(comment) @c", file.root).get("c", []):
        m = _DIRECTIVE.fullmatch(syntax.text(comment))
        if m and "." in m.group(2) and m.group(1) in declared:
            out.append(Pull(file, comment, m.group(1), m.group(2), declared[m.group(1)]))
    return out


def _message(
    pull: Pull, verdict: Verdict, toolchain: Toolchain, replacement: Replacement | None
) -> str:
    head = f"{pull.local}: the //go:linkname pull of {pull.target}"
    if not verdict.links:
        rule = (
            ", and since Go 1.23 the linker lets code outside the standard library pull a "
            "standard-library symbol only if its definition is pushed"
            if "push marker" in verdict.why
            else ""
        )
        instead = (
            f"; {replacement.public} gives the same without reaching into the runtime"
            if replacement
            else ""
        )
        return (
            f"{head} does not link with {toolchain.version} for {toolchain.target} "
            f"({verdict.error}): {verdict.why}{rule}{instead}"
        )
    assert replacement is not None
    kept = " only because the runtime keeps it for old code" if "pushed" in verdict.why else ""
    return (
        f"{head} links with {toolchain.version}{kept} ({verdict.why}); {replacement.public} "
        "gives the same without reaching into the runtime"
    )


def _signature(decl: syntax.Node) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """A body-less func's (parameter names, parameter types, result), one per parameter;
    None for a var or a shape a replacement cannot take (unnamed or variadic params)."""
    if decl.type != "function_declaration":
        return None
    params = decl.child_by_field_name("parameters")
    result = decl.child_by_field_name("result")
    if params is None:
        return None
    names_, types = [], []
    for p in params.named_children:
        if p.type != "parameter_declaration":
            return None
        kind = p.child_by_field_name("type")
        named = p.children_by_field_name("name")
        if kind is None or not named:
            return None
        for n in named:
            names_.append(syntax.text(n))
            types.append(syntax.text(kind))
    return tuple(names_), tuple(types), syntax.text(result) if result is not None else ""


def _replace(pass_: Pass, pull: Pull, replacement: Replacement, scope: PackageScope) -> Fix | str:
    """The declaration gets a body calling the public API; the directive goes. Or why
    not."""
    signature = _signature(pull.decl)
    module = pass_.package.module
    if signature is None or signature[1:] != (replacement.params, replacement.result):
        wanted = f"func {pull.local}({', '.join(replacement.params)}) {replacement.result}"
        return f"its declaration is not {wanted}"
    if module is None or not module.go_at_least(*replacement.go):
        go = ".".join(map(str, replacement.go))
        return f"{replacement.package} needs go {go} in go.mod"
    file = pull.file
    taken = set(scope.decls) | names.imported_names(pass_.package)
    pkg = names.import_name(file, replacement.package, scope.decls)
    if pkg is None:
        return f"{names.listed(replacement.package)} are all taken in {file.path.name}"
    lower = pull.local[:1].lower() + pull.local[1:]  # no new API for an exported pull
    origin = names.fresh(f"{lower}Origin", taken) if "{origin}" in replacement.body else ""
    body = replacement.body.format(pkg=pkg, p0=(signature[0] or ("",))[0], origin=origin)
    text = f"{syntax.text(pull.decl)} {{\n\t{body}\n}}"
    if origin:
        text += (
            f"\n\n// {origin} is where {pull.local}'s clock starts: the package's initialization."
            f"\nvar {origin} = {pkg}.Now()"
        )
    edits = [_delete_line(file, pull.directive), _edit(pull.decl, text)]
    alias = None if pkg == imports.default_name(replacement.package) else pkg
    changes = [
        ImportChange(ImportAction.ADD, replacement.package, alias),
        ImportChange(ImportAction.REMOVE, _UNSAFE, "_"),  # once no directive is left
    ]
    return Fix(
        description=f"give {pull.local} a body calling {replacement.public} instead of pulling {pull.target}",
        safety=replacement.safety,
        reason=replacement.reason,
        files=(FileFix(file.path, edits=tuple(edits), imports=tuple(changes)),),
    )


def _stub(pull: Pull, toolchain: Toolchain, puller: str, scope: PackageScope) -> Fix | None:
    """A refused pull gets a body calling a pull of an allowed sibling that does the same."""
    stub = STUBS.get(pull.target)
    signature = _signature(pull.decl)
    if stub is None or signature is None or not toolchain.verdict(stub.sibling, puller).links:
        return None
    unsafe = next((n for n, p in imports.paths_by_name(pull.file.root).items() if p == _UNSAFE), "")
    params = tuple(t.format(unsafe=unsafe) for t in stub.params)
    if not unsafe or unsafe == "_" or signature[1:] != (params, stub.result):
        return None
    local = pull.local[:1].upper() + pull.local[1:]
    sibling = names.fresh(f"{stub.sibling.rsplit('.', 1)[1]}For{local}", set(scope.decls))
    call = stub.call.format(sibling=sibling, p0=signature[0][0], p1=signature[0][1])
    text = (
        f"//go:linkname {sibling} {stub.sibling}\n"
        f"func {sibling}{stub.declare.format(unsafe=unsafe)}\n\n"
        f"{syntax.text(pull.decl)} {{\n\t{call}\n}}"
    )
    return Fix(
        description=f"serve {pull.local} by pulling {stub.sibling}, which {toolchain.version} allows",
        safety=Safety.UNSAFE,
        reason=stub.reason,
        files=(
            FileFix(
                pull.file.path,
                edits=(_delete_line(pull.file, pull.directive), _edit(pull.decl, text)),
            ),
        ),
    )


def _edit(node: syntax.Node, text: str) -> TextEdit:
    return TextEdit(node.start_byte, node.end_byte, text)


def _delete_line(file: GoFile, node: syntax.Node) -> TextEdit:
    start = syntax.line_start(file.source, node.start_byte)
    end = syntax.line_end(file.source, node.end_byte)
    end = end + 1 if file.source[end : end + 1] == b"\n" else end
    return TextEdit(start, end, "")


RULE = Rule(
    id="linkname",
    summary="//go:linkname pulls the toolchain's linker refuses, or that a public API replaces.",
    docs=__doc__ or "",
    safety=Safety.UNSAFE,
    safety_reason="runtime.fastrand and fastrand64 -> math/rand/v2 are safe; the other replacements and stubs change values or still reach into the runtime.",
    run=run,
    prefilter=prefilter,
    examples=(
        Example(
            "runtime.fastrand still links, for old code; math/rand/v2 reads the same generator",
            """package p

import _ "unsafe"

//go:linkname fastrand runtime.fastrand
func fastrand() uint32

func Pick(n uint32) uint32 { return fastrand() % n }
""",
            """package p

import "math/rand/v2"

func fastrand() uint32 {
	return rand.Uint32()
}

func Pick(n uint32) uint32 { return fastrand() % n }
""",
        ),
        Example(
            "runtime.fastexprand is not pushed: the link fails; an exponential draw replaces it",
            """package p

import _ "unsafe"

//go:linkname fastexprand runtime.fastexprand
func fastexprand(mean int) int32

func Next(rate int) int32 { return fastexprand(rate) }
""",
            """package p

import "math/rand/v2"

func fastexprand(mean int) int32 {
	if mean == 0 {
		return 0
	}
	return int32(min(rand.ExpFloat64(), 18)*float64(min(mean, 0x7000000))) + 1
}

func Next(rate int) int32 { return fastexprand(rate) }
""",
        ),
        Example(
            "runtime.memmove is pushed, and no public API replaces it: nothing to say",
            """package p

import "unsafe"

//go:linkname memmove runtime.memmove
func memmove(to, from unsafe.Pointer, n uintptr)
""",
            reported=False,
        ),
    ),
)
