"""Tree-sitter parsing and queries for Go: the only module that knows tree-sitter's API.

Offsets are byte offsets into the UTF-8 source, as tree-sitter reports them; every
edit in the project uses the same unit, so nothing is ever re-encoded halfway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import tree_sitter
import tree_sitter_go

Node = tree_sitter.Node
Tree = tree_sitter.Tree

LANGUAGE = tree_sitter.Language(tree_sitter_go.language())


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(LANGUAGE)


def parse(source: bytes) -> Tree:
    return _parser().parse(source)


@cache
def query(pattern: str) -> tree_sitter.Query:
    """Compile a query once per process; patterns are module-level constants."""
    return tree_sitter.Query(LANGUAGE, pattern)


def captures(pattern: str, node: Node) -> dict[str, list[Node]]:
    """Captured nodes by name, each list in source order (the cursor does not promise it)."""
    found = tree_sitter.QueryCursor(query(pattern)).captures(node)
    return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in found.items()}


def matches(pattern: str, node: Node) -> list[dict[str, list[Node]]]:
    return [caps for _, caps in tree_sitter.QueryCursor(query(pattern)).matches(node)]


def text(node: Node) -> str:
    return node.text.decode("utf-8", errors="replace") if node.text is not None else ""


@dataclass(frozen=True)
class SyntaxProblem:
    line: int  # 1-based
    column: int  # 1-based, in bytes
    reason: str


_ERRORS = "(ERROR) @error (MISSING) @missing"


def syntax_problem(tree: Tree) -> SyntaxProblem | None:
    """The first ERROR or MISSING node, or None when the file parsed cleanly."""
    if not tree.root_node.has_error:
        return None
    found = captures(_ERRORS, tree.root_node)
    nodes = sorted(
        [(n, "syntax error") for n in found.get("error", [])]
        + [(n, f"missing {n.type!r}") for n in found.get("missing", [])],
        key=lambda pair: pair[0].start_byte,
    )
    if not nodes:  # has_error without a capturable node: report the root.
        return SyntaxProblem(1, 1, "syntax error")
    node, reason = nodes[0]
    # An ERROR node can wrap a whole file; the innermost erroneous node says where it broke.
    while reason == "syntax error":
        inner = next((c for c in node.children if c.has_error), None)
        if inner is None:
            break
        node = inner
        if node.is_missing:
            reason = f"missing {node.type!r}"
    if reason == "syntax error":
        snippet = text(node).splitlines()[0][:40] if text(node) else ""
        if snippet:
            reason = f"syntax error near {snippet!r}"
    row, col = node.start_point
    return SyntaxProblem(row + 1, col + 1, reason)


def top_level(root: Node, *types: str) -> list[Node]:
    """Top-level declarations of the given types: a look at the root's children, which
    is far cheaper than a query over the whole tree."""
    return [c for c in root.children if c.type in types]


def package_clause(root: Node) -> Node | None:
    """The package clause, found among the first top-level nodes (no whole-tree query)."""
    for child in root.children:
        if child.type == "package_clause":
            return child
        if child.type not in {"comment", "ERROR"}:
            return None
    return None


# Blanks and comments before the package clause, and the clause itself (a comment may
# sit between `package` and the name; a name with a non-ASCII letter is left to the parser).
_LEADING = re.compile(rb"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_CLAUSE = re.compile(rb"package(?:\s|/\*.*?\*/)+([A-Za-z_][A-Za-z0-9_]*)(?![\w\x80-\xff])", re.S)


def clause_on_bytes(source: bytes) -> tuple[int, str] | None:
    """The package clause's offset and the package's name, read on bytes as the Go
    scanner reads them (past blanks and comments), so that a file can be grouped into
    its package without a parse; None when the text is anything less plain."""
    start = _LEADING.match(source)
    offset = start.end() if start else 0
    m = _CLAUSE.match(source, offset)
    return (offset, m.group(1).decode()) if m else None


def string_value(node: Node) -> str:
    """The value of a Go string literal node (interpreted or raw); escapes are kept."""
    raw = text(node)
    return raw[1:-1] if len(raw) >= 2 else raw


def ancestors(node: Node) -> Iterator[Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def line_end(source: bytes, offset: int) -> int:
    """Offset just past the newline that ends the line holding `offset`."""
    end = source.find(b"\n", offset)
    return len(source) if end < 0 else end + 1


def func_literal_ranges(node: Node) -> list[tuple[int, int]]:
    """The byte ranges of the func literals in `node`: code there does not run when
    `node` is evaluated."""
    return [(f.start_byte, f.end_byte) for f in captures("(func_literal) @f", node).get("f", [])]


def inside(node: Node, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= node.start_byte and node.end_byte <= end for start, end in ranges)


# Byte-level Go: what a prefilter, or a lookup, may ask of a file without parsing it.
# First the text without strings and comments: each comment blanked (whitespace, as the
# Go scanner sees it), each string emptied to `""` (not an operator: a line ending in
# one ends its statement); the braces left give the depth.
_LEXEMES = re.compile(
    rb"//[^\n]*|/\*.*?\*/|\"[^\"\\\n]*(?:\\.[^\"\\\n]*)*\"|`[^`]*`|'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
    re.S,
)
_BRACES = re.compile(rb"[{}]")
# The keywords that start a package-level declaration, outside braces (`func` only at a
# line start, where gofmt puts a declaration and never a func literal that continues an
# initializer; `func init()` anywhere).
_KEYWORDS = re.compile(rb"\b(?:var|const|type|import)\b|\bfunc\s+init\s*\(\s*\)|^func\b", re.M)
# The last byte of a line after which a line starting with `func` still continues an
# expression (no semicolon is inserted there): a func literal, not a declaration.
_CONTINUES = frozenset(b"=,(+-*/&|^<>!:[{%.")
# Where a package-level name is declared: after `func`/`type`/`var`/`const`, a block's
# `(`, a `;` or a line start, maybe after other names of the same list (`var a, b`).
_DECLARED = re.compile(
    rb"(?:^|;|\b(?:func|type|var|const)\b|(?:\b(?:type|var|const)\b|^)[ \t\r]*\()[ \t\r]*"
    rb"(?!(?:func|type|var|const)\b)((?:[\w\x80-\xff]+\s*,\s*)*[\w\x80-\xff]+)",
    re.M,
)
_FUNC_NAME = re.compile(rb"\bfunc\s+([\w\x80-\xff]+)")
_METHOD_NAME = re.compile(rb"\)\s*([\w\x80-\xff]+)\s*\(")  # `func (r T) name(`
_VAR, _INIT, _OTHER = 0, 1, 2  # what a package-level declaration is, to `outline`


@dataclass(frozen=True)
class Declared:
    """What a Go file may declare at package level, read on bytes: supersets."""

    names: frozenset[str]  # every name: functions, methods, vars, consts, types
    funcs: frozenset[str]  # the functions' (not methods')


@dataclass(frozen=True)
class Outline:
    """A Go file's package-level code, read on bytes, without strings and comments."""

    vars: list[bytes]  # each `var` declaration (a `var (` block whole), to the next one
    inits: list[bytes]  # each `func init()`, likewise
    top: bytes  # the code outside braces (pieces on lines of their own)


def _literal_func(code: bytes, offset: int) -> bool:
    """Whether the `func` at `offset` (a line start) continues an expression: the code
    before it, past blanks, ends in an operator."""
    i = offset - 1
    while i >= 0 and code[i] in b" \t\r\n":
        i -= 1
    return i >= 0 and code[i] in _CONTINUES


def _blank(lexeme: re.Match[bytes]) -> bytes:
    return b" " if lexeme.group()[0] == 0x2F else b'""'  # a comment (`/`), or a string


@lru_cache(maxsize=4096)  # a prefilter, then its rule, then a scope read the same texts
def outline(source: bytes) -> Outline | None:
    """The file's package-level code, found on bytes (see `Outline`); None when the
    braces do not balance, so that nothing can be said. Never less than the
    declarations: a declaration's code runs to the next one."""
    code = _LEXEMES.sub(_blank, source)
    spans: list[tuple[int, int]] = []  # the code outside braces
    depth, last = 0, 0
    for m in _BRACES.finditer(code):
        if m.group() == b"{":
            if depth == 0:
                spans.append((last, m.start()))
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return None
            last = m.end()
    if depth:
        return None
    spans.append((last, len(code)))
    starts: list[tuple[int, int]] = []  # where each package-level declaration starts
    for a, b in spans:
        for m in _KEYWORDS.finditer(code, a, b):
            token = m.group()
            if token == b"func":
                if not _literal_func(code, m.start()):
                    starts.append((m.start(), _OTHER))
            elif token.startswith(b"func"):  # func init()
                starts.append((m.start(), _INIT))
            else:
                starts.append((m.start(), _VAR if token == b"var" else _OTHER))
    found: tuple[list[bytes], list[bytes]] = ([], [])
    ends = [begin for begin, _ in starts[1:]] + [len(code)]  # to the next declaration
    for (begin, kind), end in zip(starts, ends[: len(starts)], strict=True):
        if kind != _OTHER:
            found[kind].append(code[begin:end])
    return Outline(*found, b"\n".join(code[a:b] for a, b in spans))


@lru_cache(maxsize=4096)
def declared(source: bytes) -> Declared | None:
    """The names a Go file may declare at package level, and more: the words in
    declaring position outside braces, strings and comments (a function body declares
    nothing there), so that a lookup of one name parses only the files that may declare
    it. None when the braces do not balance."""
    found = outline(source)
    if found is None:
        return None
    listed = [n for m in _DECLARED.finditer(found.top) for n in m.group(1).split(b",")]
    funcs = _FUNC_NAME.findall(found.top)
    names = {*listed, *funcs, *_METHOD_NAME.findall(found.top)}
    return Declared(
        frozenset(n.strip().decode(errors="replace") for n in names),
        frozenset(n.decode(errors="replace") for n in funcs),
    )


def package_code(source: bytes) -> tuple[list[bytes], list[bytes]] | None:
    """The code of every package-level `var` declaration of a Go file (a `var (` block
    whole) and of every `func init()`, without strings and comments (see `outline`)."""
    found = outline(source)
    return (found.vars, found.inits) if found is not None else None
