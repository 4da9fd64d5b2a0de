"""Import editing on Go source: add, remove and rename imports, gofmt-clean.

Works on the text of a whole file and returns new text, re-parsing between steps: import
changes are applied after a fix's other edits, so removing an import can see whether
the rewritten file still uses it. Conventions follow golang.org/x/tools/go/ast/astutil:
standard-library imports go in the group that has them, a lone import becomes a group
when a second one arrives, and a group left with one plain import loses its parentheses.

cgo: the comment right above `import "C"` is C code, the preamble, and cgo reads the
declaration's comment only while `"C"` is its one import. So the `"C"` import is never
added to, renamed, removed or regrouped, and an edit that would turn another comment
into a preamble is refused (`ImportEditError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codemod import syntax

_SPECS = """
(import_declaration
  [(import_spec) @spec
   (import_spec_list (import_spec) @spec)]) @decl
"""
_QUALIFIED_USES = """
(selector_expression operand: (identifier) @name)
(qualified_type package: (package_identifier) @name)
(generic_type type: (qualified_type package: (package_identifier) @name))
"""


CGO = "C"


class ImportEditError(ValueError):
    """An import edit that cannot be made without changing what the file means."""


@dataclass(frozen=True)
class ImportSpec:
    path: str
    name: str | None  # explicit name ("_", ".", alias) or None
    node: syntax.Node
    decl: syntax.Node

    @property
    def grouped(self) -> bool:
        return self.node.parent is not None and self.node.parent.type == "import_spec_list"


def default_name(path: str) -> str:
    """The name an import is usually referred to by: the last element minus a major version."""
    parts = path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    return re.sub(r"^go-|[-.]", "", last) or last


def is_std(path: str) -> bool:
    return "." not in path.split("/")[0]


def import_decls(root: syntax.Node) -> list[syntax.Node]:
    """Top-level import declarations; they precede all other declarations."""
    return [c for c in root.children if c.type == "import_declaration"]


def specs(root: syntax.Node) -> list[ImportSpec]:
    out = []
    found = [caps for decl in import_decls(root) for caps in syntax.matches(_SPECS, decl)]
    for caps in found:
        spec, decl = caps["spec"][0], caps["decl"][0]
        name = spec.child_by_field_name("name")
        path = spec.child_by_field_name("path")
        out.append(
            ImportSpec(
                syntax.string_value(path) if path else "",
                syntax.text(name) if name else None,
                spec,
                decl,
            )
        )
    return sorted(out, key=lambda s: s.node.start_byte)


def is_cgo(decl: syntax.Node, root: syntax.Node) -> bool:
    """Whether an import declaration holds the `import "C"` of cgo."""
    return any(s.path == CGO for s in specs(root) if s.decl == decl)


def find(root: syntax.Node, path: str) -> list[ImportSpec]:
    return [s for s in specs(root) if s.path == path]


def local_name(spec: ImportSpec) -> str:
    return spec.name or default_name(spec.path)


def paths_by_name(root: syntax.Node) -> dict[str, str]:
    """A file's names for its imports -> their paths: what `name.X` in the file refers
    to. Blank and dot imports give no name."""
    return {local_name(s): s.path for s in specs(root) if s.name not in {"_", "."}}


def uses_name(root: syntax.Node, name: str) -> bool:
    """Whether `name.X` appears anywhere (a package-qualified use)."""
    found = syntax.captures(_QUALIFIED_USES, root).get("name", [])
    return any(syntax.text(n) == name for n in found)


# ---------------------------------------------------------------------------- editing


def _format_spec(path: str, name: str | None) -> str:
    return f'{name} "{path}"' if name else f'"{path}"'


def _spec_line(spec: ImportSpec) -> str:
    return _format_spec(spec.path, spec.name)


def add(source: bytes, path: str, name: str | None = None) -> bytes:
    tree = syntax.parse(source)
    existing = specs(tree.root_node)
    if any(s.path == path and s.name == name for s in existing):
        return source
    line = _format_spec(path, name)
    decls = [d for d in import_decls(tree.root_node) if not is_cgo(d, tree.root_node)]
    groups = [d for d in decls if d.named_child_count and _is_group(d)]
    if groups:
        return _insert_into_group(source, groups[0], path, line)
    singles = decls
    if not singles and import_decls(tree.root_node):  # only cgo's: a declaration of its own
        at = import_decls(tree.root_node)[-1].end_byte
        return source[:at] + f"\n\nimport {line}".encode() + source[at:]
    if singles:
        decl = singles[0]
        old = next(s for s in existing if s.decl == decl)
        lines = sorted([_spec_line(old), line], key=lambda ln: _sort_key(ln))
        if is_std(old.path) != is_std(path):  # keep std and others in separate runs
            lines = [_spec_line(old), "", line] if is_std(old.path) else [line, "", _spec_line(old)]
        body = "".join(f"\t{ln}\n" if ln else "\n" for ln in lines)
        comment = trailing_comment(source, old.node)
        if comment:  # keep the comment on its spec
            body = body.replace(f"\t{_spec_line(old)}\n", f"\t{_spec_line(old)} {comment}\n")
            end = source.index(comment.encode(), old.node.end_byte) + len(comment.encode())
        else:
            end = decl.end_byte
        return source[: decl.start_byte] + f"import (\n{body})".encode() + source[end:]
    clause = syntax.package_clause(tree.root_node)
    if clause is None:
        raise ValueError("no package clause")
    at = syntax.line_end(source, clause.end_byte)
    return source[:at] + f"\nimport {line}\n".encode() + source[at:]


def _sort_key(line: str) -> str:
    return line.split('"')[1] if '"' in line else line


def _is_group(decl: syntax.Node) -> bool:
    return any(c.type == "import_spec_list" for c in decl.children)


_TRAILING = re.compile(r"[ \t]*((?:/\*.*?\*/[ \t]*)*(?://.*?)?)\s*$")


def trailing_comment(source: bytes, node: syntax.Node) -> str:
    """The comments after `node` to the end of its line (`// x`, `/* x */`, or both)."""
    rest = source[node.end_byte : syntax.line_end(source, node.end_byte)].decode()
    m = _TRAILING.match(rest)
    return m.group(1).strip() if m else ""


def _insert_into_group(source: bytes, decl: syntax.Node, path: str, line: str) -> bytes:
    """Insert in sorted position into the run (blank-line separated) of the same kind."""
    spec_list = next(c for c in decl.children if c.type == "import_spec_list")
    members = [c for c in spec_list.named_children if c.type == "import_spec"]
    runs: list[list[syntax.Node]] = []
    for spec in members:
        if runs and spec.start_point[0] - runs[-1][-1].end_point[0] <= 1:
            runs[-1].append(spec)
        else:
            runs.append([spec])

    def path_of(n: syntax.Node) -> str:
        p = n.child_by_field_name("path")
        return syntax.string_value(p) if p else ""

    same_kind = [r for r in runs if all(is_std(path_of(n)) == is_std(path) for n in r)]
    if not same_kind:
        if not runs:  # `import ()`
            close = spec_list.end_byte - 1
            return source[:close] + f"\n\t{line}\n".encode() + source[close:]
        # A new run: std first, others last.
        if is_std(path):
            at = syntax.line_start(source, runs[0][0].start_byte)
            return source[:at] + f"\t{line}\n\n".encode() + source[at:]
        at = syntax.line_end(source, runs[-1][-1].end_byte)
        return source[:at] + f"\n\t{line}\n".encode() + source[at:]
    run = same_kind[0] if is_std(path) else same_kind[-1]
    for spec in run:
        if path_of(spec) > path:
            at = syntax.line_start(source, spec.start_byte)
            return source[:at] + f"\t{line}\n".encode() + source[at:]
    at = syntax.line_end(source, run[-1].end_byte)
    return source[:at] + f"\t{line}\n".encode() + source[at:]


_LINKNAME = re.compile(rb"^//go:linkname\s", re.M)


def remove(source: bytes, path: str, name: str | None = None, only_if_unused: bool = True) -> bytes:
    """Drop the import of `path` (with that name, if given) unless the file still uses it
    (`_ "unsafe"` is used while a `//go:linkname` directive is left)."""
    tree = syntax.parse(source)
    for spec in find(tree.root_node, path) if path != CGO else []:
        if name is not None and spec.name != name:
            continue
        still_used = spec.name == "." or uses_name(tree.root_node, local_name(spec))
        if spec.name == "_":  # a blank import is used only for what it enables
            still_used = path == "unsafe" and _LINKNAME.search(source) is not None
        if only_if_unused and still_used:
            continue
        return remove(_delete_spec(source, tree.root_node, spec), path, name, only_if_unused)
    return source


def _delete_spec(source: bytes, root: syntax.Node, spec: ImportSpec) -> bytes:
    siblings = [s for s in specs(root) if s.decl == spec.decl]
    if not spec.grouped or len(siblings) == 1:
        # The declaration's doc comment goes with it, as a grouped spec's does: left
        # behind it would document whatever follows.
        return _delete_lines(source, doc_start(source, spec.decl), spec.decl.end_byte)
    cgo = any(s.path == CGO for s in siblings)
    if cgo and len(siblings) == 2 and doc_comment(source, spec.decl):
        raise ImportEditError(
            f'removing "{spec.path}" would leave "C" alone under the comment above its '
            "import declaration, which cgo would then read as the cgo preamble"
        )
    start, end = (
        syntax.line_start(source, spec.node.start_byte),
        syntax.line_end(source, spec.node.end_byte),
    )
    rest_of_line = source[spec.node.end_byte : end].strip()
    only_spec_on_line = (
        source[start : spec.node.start_byte].strip() == b""
        and (not rest_of_line or bool(trailing_comment(source, spec.node)))
        and not any(
            s.node.start_byte != spec.node.start_byte
            and syntax.line_start(source, s.node.start_byte) == start
            for s in siblings
        )
    )
    if not only_spec_on_line:
        return source[: spec.node.start_byte] + source[spec.node.end_byte :]
    start = doc_start(source, spec.node)  # the doc comment goes with it, as in astutil
    # Dropping a whole run member may leave two blank lines or a blank line at an edge.
    out = source[:start] + source[end:]
    out = _tidy_group(out, spec.decl.start_byte)
    remaining = [
        s for s in specs(syntax.parse(out).root_node) if s.decl.start_byte == spec.decl.start_byte
    ]
    if len(remaining) == 1 and not cgo:
        out = _collapse(out, remaining[0])
    return out


def doc_start(source: bytes, node: syntax.Node) -> int:
    """Where the comment lines right above `node` (its doc comment) begin; the start of
    its own line when there are none."""
    start = syntax.line_start(source, node.start_byte)
    while start > 0:
        above = syntax.line_start(source, start - 1)
        if not source[above:start].strip().startswith(b"//"):
            break
        start = above
    return start


def doc_comment(source: bytes, node: syntax.Node) -> str:
    """The doc comment of `node`, unindented ("" if none)."""
    text = source[doc_start(source, node) : syntax.line_start(source, node.start_byte)].decode()
    return "".join(line.lstrip() for line in text.splitlines(keepends=True))


def _tidy_group(source: bytes, decl_start: int) -> bytes:
    """Remove blank lines left at the start or end of a group, and doubled blank lines."""
    close = source.find(b")", decl_start)
    head, body, tail = source[:decl_start], source[decl_start:close], source[close:]
    body = re.sub(rb"\(\n(?:[ \t]*\n)+", b"(\n", body)
    body = re.sub(rb"\n(?:[ \t]*\n)+$", b"\n", body)
    body = re.sub(rb"\n(?:[ \t]*\n){2,}", b"\n\n", body)
    return head + body + tail


def _collapse(source: bytes, spec: ImportSpec) -> bytes:
    """`import (\\n\\t"x"\\n)` -> `import "x"`, only when the group holds no comments."""
    decl_text = source[spec.decl.start_byte : spec.decl.end_byte]
    if b"//" in decl_text or b"/*" in decl_text:
        return source
    return (
        source[: spec.decl.start_byte]
        + f"import {_spec_line(spec)}".encode()
        + source[spec.decl.end_byte :]
    )


def _delete_lines(source: bytes, start: int, end: int) -> bytes:
    """Delete whole lines [start, end), and one blank line after them if one remains doubled."""
    start, end = syntax.line_start(source, start), syntax.line_end(source, end)
    before_blank = source[:start].endswith(b"\n\n") or start == 0
    if before_blank and source[end:].startswith(b"\n"):
        end += 1
    return source[:start] + source[end:]


def rename(source: bytes, path: str, new_name: str | None, old_name: str | None = "*") -> bytes:
    """Give the import of `path` a new name (None: the default name)."""
    tree = syntax.parse(source)
    for spec in find(tree.root_node, path) if path != CGO else []:
        if old_name != "*" and spec.name != old_name:
            continue
        path_node = spec.node.child_by_field_name("path")
        assert path_node is not None
        prefix = f"{new_name} " if new_name else ""
        return source[: spec.node.start_byte] + prefix.encode() + source[path_node.start_byte :]
    return source
