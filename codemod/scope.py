"""Package scope and name resolution without type information.

Answers the one question a rewrite of package-level names needs: does this identifier
refer to the package-level declaration, or to something that shadows it (a parameter,
result, receiver, a local from `:=`/`var`/`const`, a range or type-switch binding, a
`select` receive)? Struct fields, method names, labels and other packages' names are
different node kinds in tree-sitter-go (`field_identifier`, `label_name`, selector
fields), so they never come up as identifiers at all; keys of keyed composite literals
do, and are classified by the literal's type (`key_kind`): a field name, an expression,
or, when the type cannot be resolved without type information, unknown.
"""

from __future__ import annotations

import enum
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from codemod import imports, syntax
from codemod.model import GoFile, Package

_FUNCS = {"function_declaration", "method_declaration", "func_literal"}


class Kind(enum.Enum):
    VAR = "var"
    CONST = "const"
    FUNC = "func"
    TYPE = "type"


_TOP_LEVEL = {
    "var_declaration": Kind.VAR,
    "const_declaration": Kind.CONST,
    "function_declaration": Kind.FUNC,
    "type_declaration": Kind.TYPE,
}


@dataclass(frozen=True)
class Decl:
    name: str
    kind: Kind
    file: GoFile
    node: syntax.Node  # the name's identifier
    spec: syntax.Node | None = None  # var_spec / const_spec / type_spec
    decl: syntax.Node | None = None  # the enclosing declaration


class Use(enum.Enum):
    READ = "read"
    ASSIGN = "assign"  # left of `=`/`op=`, `++`/`--`
    ADDRESS = "address"  # `&x`, also `&x.f` and `&x[i]`
    DECLARE = "declare"  # the declaration itself
    UNRESOLVED = "unresolved"  # a literal key that may be a struct field name (see `why`)


@dataclass(frozen=True)
class Ref:
    file: GoFile
    node: syntax.Node  # identifier, or for qualified refs the whole selector_expression
    use: Use
    why: str = ""  # for UNRESOLVED: why the key cannot be classified

    @property
    def line(self) -> int:
        return self.node.start_point[0] + 1


class PackageScope:
    """The package-level declarations of a package's files, by name.

    A name is looked up in the files that may declare it (`syntax.declared`, on
    bytes), so a lookup parses only those: a rule that asks about a few names of a big
    package does not parse all of it. The answer is the eager one: when files declare a
    name more than once (build-tagged twins), the last file's declaration. Iterating
    `decls` parses every file. In a file that does not parse, a declaration the parser
    recovers from garbled text may be missed (such a package gets no fix anyway).
    """

    def __init__(self, files: Iterable[GoFile]) -> None:
        self._files = list(files)
        self._indexed: dict[int, _FileScope] = {}  # by position in _files
        self._names: dict[str, tuple[Decl | None, syntax.Node | None]] = {}
        self._may_declare: dict[str, list[int]] | None = None  # name -> files, on first lookup
        self._func_names: set[str] = set()  # the names files may declare a function by
        self._unknown: list[int] = []  # files whose text says nothing (unbalanced braces)
        self._exact = False  # every file indexed: the index is the files' own, not the text's
        self.decls: Mapping[str, Decl] = _Names(self, 0)
        self.types_by_name: Mapping[str, syntax.Node] = _Names(self, 1)  # name -> type node

    @classmethod
    def of(cls, package: Package) -> PackageScope:
        return cls(package.files)

    def reference_like(self, type_text: str) -> bool:
        """Whether values of the type are references (pointer, map, slice, func, chan,
        or a package type whose underlying type is one): a copy shares what it points
        to, so uses need no addressable variable."""
        if type_text.startswith(("*", "map[", "[]", "func", "chan")):
            return True
        seen = set()
        name = type_text
        while name in self.types_by_name and name not in seen:
            seen.add(name)
            underlying = self.types_by_name[name]
            if underlying.type in _REFERENCE_TYPES:
                return True
            name = syntax.text(underlying)
        return False

    def function(self, name: str) -> Decl | None:
        """The package function `name` (as `decls` has it), or None: looked up only
        when some file's text may declare a function by that name."""
        decl = self.decls.get(name) if self._may_be_function(name) else None
        return decl if decl is not None and decl.kind is Kind.FUNC else None

    def functions(self, name: str) -> list[Decl]:
        """Every file's function declaration of `name`, in file order (build-tagged twins)."""
        if not self._may_be_function(name):
            return []
        return [d for d in self.declarations(name) if d.kind is Kind.FUNC]

    def function_names(self, words: set[str]) -> set[str]:
        """Those of `words` some file's text may declare a function by: the package's
        functions among them, and maybe more (a set operation, no lookup)."""
        self._index()
        return set(words) if self._unknown else words & self._func_names

    def declared_among(self, words: set[str]) -> set[str]:
        """Those of `words` some file's text may declare at package level (a set
        operation, no lookup): a superset of the package's names among them."""
        index = self._index()
        return set(words) if self._unknown else {w for w in words if w in index}

    def _may_be_function(self, name: str) -> bool:
        return bool(self.function_names({name}))

    def methods(self, name: str) -> list[tuple[GoFile, syntax.Node]]:
        """The method declarations named `name`, of any receiver, in file order."""
        found = []
        for i in self._declaring(name):
            found += [(self._files[i], node) for node in self._file(i).methods.get(name, [])]
        return found

    def declarations(self, name: str) -> list[Decl]:
        """Every file's declaration of `name`, in file order (build-tagged twins)."""
        found = [self._file(i).decls.get(name) for i in self._declaring(name)]
        return [decl for decl in found if decl is not None]

    def _lookup(self, name: str) -> tuple[Decl | None, syntax.Node | None]:
        """The declaration of `name` and, for a type, its type node."""
        if name not in self._names:
            decl, type_node = None, None
            for i in self._declaring(name):  # in file order: the last declaration wins
                decl = self._file(i).decls.get(name, decl)
                type_node = self._file(i).types.get(name, type_node)
            self._names[name] = (decl, type_node)
        return self._names[name]

    def _file(self, i: int) -> _FileScope:
        """The declarations of file `i`, read (parsing it) on first use."""
        if i not in self._indexed:
            self._indexed[i] = _FileScope.of(self._files[i])
        return self._indexed[i]

    def _declaring(self, name: str) -> list[int]:
        """The files that may declare `name` (by position), from their text."""
        found = self._index().get(name, [])
        return sorted(found + self._unknown) if self._unknown else found

    def _index(self) -> dict[str, list[int]]:
        """Name -> the files whose text may declare it, read once (see `_everything`)."""
        if self._may_declare is None:
            self._may_declare, self._unknown = {}, []
            for i, file in enumerate(self._files):
                declared = syntax.declared(file.source)
                if declared is None:
                    self._unknown.append(i)
                    continue
                for word in declared.names:
                    self._may_declare.setdefault(word, []).append(i)
                self._func_names |= declared.funcs
        return self._may_declare

    def _everything(self) -> list[_FileScope]:
        """Every file's declarations; from then on the files' own index, exact, answers
        which files declare a name, in place of the one read on bytes."""
        if not self._exact:
            exact: dict[str, list[int]] = {}
            self._func_names = set()
            for i in range(len(self._files)):
                found = self._file(i)
                for name in {*found.decls, *found.methods}:
                    exact.setdefault(name, []).append(i)
                self._func_names |= {n for n, d in found.decls.items() if d.kind is Kind.FUNC}
            self._may_declare, self._unknown, self._names = exact, [], {}
            self._exact = True
        return [self._file(i) for i in range(len(self._files))]


class _Names(Mapping[str, Any]):
    """`decls` (part 0) or `types_by_name` (part 1) of a scope: a lookup indexes only
    the files that may declare the name; iterating indexes every file."""

    def __init__(self, scope: PackageScope, part: int) -> None:
        self._scope, self._part = scope, part

    def __getitem__(self, name: str) -> Any:
        found = self._scope._lookup(name)[self._part]
        if found is None:
            raise KeyError(name)
        return found

    def _merged(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for found in self._scope._everything():
            merged.update(found.decls if self._part == 0 else found.types)
        return merged

    def __iter__(self) -> Iterator[str]:
        return iter(self._merged())

    def __len__(self) -> int:
        return len(self._merged())


@dataclass
class _FileScope:
    """One file's package-level declarations (decls), the type node of each of its
    named types (types) and its method declarations by name (methods)."""

    decls: dict[str, Decl] = field(default_factory=dict)
    types: dict[str, syntax.Node] = field(default_factory=dict)
    methods: dict[str, list[syntax.Node]] = field(default_factory=dict)

    @classmethod
    def of(cls, file: GoFile) -> _FileScope:
        found = cls()
        for node in syntax.top_level(file.root, "method_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                found.methods.setdefault(syntax.text(name), []).append(node)
        for node in syntax.top_level(file.root, *_TOP_LEVEL):
            kind = _TOP_LEVEL[node.type]
            if kind is Kind.FUNC:
                name = node.child_by_field_name("name")
                if name is not None:
                    found.decls[syntax.text(name)] = Decl(syntax.text(name), Kind.FUNC, file, name)
                continue
            spec_types = {
                Kind.VAR: ("var_spec",),
                Kind.CONST: ("const_spec",),
                Kind.TYPE: _TYPE_SPECS,
            }
            for spec in specs(node, *spec_types[kind]):
                if kind is Kind.TYPE:
                    name = spec.child_by_field_name("name")
                    if name is not None:
                        found.decls[syntax.text(name)] = Decl(
                            syntax.text(name), Kind.TYPE, file, name, spec, node
                        )
                        type_node = spec.child_by_field_name("type")
                        if type_node is not None:
                            found.types[syntax.text(name)] = type_node
                    continue
                for name in spec.children_by_field_name("name"):  # var and const specs
                    if name.type != "identifier":
                        continue  # the commas of `a, b`, which the grammar files as names
                    found.decls[syntax.text(name)] = Decl(
                        syntax.text(name), kind, file, name, spec, node
                    )
        return found


_TYPE_SPECS = ("type_spec", "type_alias")
_REFERENCE_TYPES = {"pointer_type", "map_type", "slice_type", "function_type", "channel_type"}


def specs(decl: syntax.Node, *spec_types: str) -> Iterator[syntax.Node]:
    for child in decl.named_children:
        if child.type in spec_types:
            yield child
        elif child.type.endswith("_spec_list"):
            yield from (c for c in child.named_children if c.type in spec_types)


@dataclass(frozen=True)
class VarSpec:
    """One `names [type] = values` of a package-level `var`, alone or in a `var ( ... )`
    block: what a rule about package initializers looks at."""

    file: GoFile
    spec: syntax.Node  # the var_spec
    decl: syntax.Node  # its var_declaration
    names: tuple[syntax.Node, ...]
    values: tuple[syntax.Node, ...]  # empty without `= ...`
    type: syntax.Node | None  # the declared type, if any

    def decl_of(self, index: int = 0) -> Decl:
        """The declaration of the `index`th name."""
        name = self.names[index]
        return Decl(syntax.text(name), Kind.VAR, self.file, name, self.spec, self.decl)


def package_vars(file: GoFile) -> Iterator[VarSpec]:
    """Every package-level var spec of the file, in source order."""
    for decl in syntax.top_level(file.root, "var_declaration"):
        for spec in specs(decl, "var_spec"):
            values = spec.child_by_field_name("value")
            yield VarSpec(
                file,
                spec,
                decl,
                tuple(spec.children_by_field_name("name")),
                tuple(values.named_children) if values is not None else (),
                spec.child_by_field_name("type"),
            )


# ---------------------------------------------------------------------------- resolution


# An identifier, as bytes (Go letters, and any non-ASCII byte: a superset).
WORD = re.compile(rb"[A-Za-z_\x80-\xff][\w\x80-\xff]*")


def spelled_words(texts: Iterable[bytes]) -> set[str]:
    """The words (identifiers, keywords) the texts spell, each once."""
    return {w.decode(errors="replace") for w in {w for t in texts for w in WORD.findall(t)}}


@lru_cache(maxsize=1024)
def _spelled(name: str) -> re.Pattern[bytes]:
    # The name first, then the bytes around it: a literal start the regex engine finds fast.
    word = re.escape(name.encode())
    return re.compile(word + rb"(?![\w\x80-\xff])(?<![\w\x80-\xff]" + word + rb")")


def mentions(file: GoFile, name: str) -> bool:
    """Whether the file's text spells `name` as a word, on bytes: a file that does not
    cannot refer to it, and need not be parsed to know."""
    return _spelled(name).search(file.source) is not None


def identifiers_named(file: GoFile, name: str) -> list[syntax.Node]:
    """The identifiers spelled `name`: a byte search, then the node at each hit.

    Far cheaper than visiting every identifier of the file; hits inside strings and
    comments, and selector fields, are other node types and drop out.
    """
    return _nodes_at(file, (m.span() for m in _spelled(name).finditer(file.source)))


def identifiers_in(
    file: GoFile, names: set[str], within: Iterable[tuple[int, int]] | None = None
) -> dict[str, list[syntax.Node]]:
    """`identifiers_named` for many names in one pass over the text, or over the byte
    ranges `within` (in order)."""
    if not names:
        return {}
    ranges = [(0, len(file.source))] if within is None else within
    if len(names) > 8:  # every word, kept if wanted: one pass whatever the number of names
        wanted = {n.encode() for n in names}
        found = (m for a, b in ranges for m in WORD.finditer(file.source, a, b))
        spans = [m.span() for m in found if m.group() in wanted]
    else:  # a search for each name, which the regex engine runs fast
        hits = (
            m for n in names for a, b in ranges for m in _spelled(n).finditer(file.source, a, b)
        )
        spans = sorted(m.span() for m in hits)
    out: dict[str, list[syntax.Node]] = {}
    for node in _nodes_at(file, spans):
        out.setdefault(syntax.text(node), []).append(node)
    return out


def _nodes_at(file: GoFile, spans: Iterable[tuple[int, int]]) -> list[syntax.Node]:
    out = []
    for start, end in spans:
        node = file.root.descendant_for_byte_range(start, end)
        if node is not None and node.type == "identifier" and node.start_byte == start:
            out.append(node)
    return out


_LOCAL_DECLARATIONS = """
(short_var_declaration left: (expression_list (identifier) @n))
(parameter_declaration name: (identifier) @n)
(variadic_parameter_declaration name: (identifier) @n)
(type_parameter_declaration name: (identifier) @n)
(range_clause left: (expression_list (identifier) @n))
(receive_statement left: (expression_list (identifier) @n))
(type_switch_statement alias: (expression_list (identifier) @n))
(statement_list (var_declaration (var_spec name: (identifier) @n)))
(statement_list (var_declaration (var_spec_list (var_spec name: (identifier) @n))))
(statement_list (const_declaration (const_spec name: (identifier) @n)))
(statement_list (type_declaration (type_spec name: (type_identifier) @n)))
(statement_list (type_declaration (type_alias name: (type_identifier) @n)))
"""
_local_names: weakref.WeakKeyDictionary[GoFile, frozenset[str]] = weakref.WeakKeyDictionary()


def local_names(file: GoFile) -> frozenset[str]:
    """Every name the file declares inside a function: one query per file, memoised."""
    if file not in _local_names:
        found = syntax.captures(_LOCAL_DECLARATIONS, file.root).get("n", [])
        _local_names[file] = frozenset(syntax.text(n) for n in found)
    return _local_names[file]


def refers_to_package(file: GoFile, node: syntax.Node, scope: PackageScope | None = None) -> bool:
    """`is_package_level`, answered at once for names the file never declares locally."""
    if syntax.text(node) not in local_names(file):
        return not _declares_locally(node) and not _is_struct_key(node, scope)
    return is_package_level(node, scope)


def is_package_level(node: syntax.Node, scope: PackageScope | None = None) -> bool:
    """Whether identifier `node` refers to a package-level name (not a local one).

    False also for identifiers that declare something (parameters, `:=` left sides...)
    and for field names in keyed literals of struct type.
    """
    name = syntax.text(node)
    if _declares_locally(node) or _is_struct_key(node, scope):
        return False
    child = node
    for parent in syntax.ancestors(node):
        if parent.type == "source_file":
            return True
        if parent.type in _FUNCS and _params_declare(parent, name):
            return False
        if parent.type == "statement_list" and _earlier_statements_declare(parent, child, name):
            return False
        if parent.type in {"if_statement", "expression_switch_statement", "type_switch_statement"}:
            init = parent.child_by_field_name("initializer")
            if init is not None and init != child and name in _declared_by(init):
                return False
            alias = parent.child_by_field_name("alias")
            if (
                alias is not None
                and child != alias
                and child.type == "type_case"
                and name in _names(alias)
            ):
                return False
        if parent.type == "for_statement":
            clause = next(
                (c for c in parent.named_children if c.type in {"range_clause", "for_clause"}), None
            )
            if clause is not None and child != clause and name in _declared_by(clause):
                return False
            if clause is not None and clause.type == "for_clause" and child == clause:
                init = clause.child_by_field_name("initializer")
                if init is not None and not _contains(init, node) and name in _declared_by(init):
                    return False
        if parent.type == "communication_case":
            comm = parent.child_by_field_name("communication")
            if comm is not None and child != comm and name in _declared_by(comm):
                return False
        child = parent
    return True


def _contains(outer: syntax.Node, inner: syntax.Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _names(node: syntax.Node) -> set[str]:
    return {syntax.text(c) for c in node.named_children if c.type == "identifier"}


def _declared_by(stmt: syntax.Node) -> set[str]:
    """Names a statement declares in its enclosing scope."""
    if stmt.type == "short_var_declaration":
        left = stmt.child_by_field_name("left")
        return _names(left) if left else set()
    if stmt.type in {"range_clause", "receive_statement"}:
        left = stmt.child_by_field_name("left")
        is_define = any(c.type == ":=" for c in stmt.children)
        return _names(left) if left is not None and is_define else set()
    if stmt.type == "for_clause":
        init = stmt.child_by_field_name("initializer")
        return _declared_by(init) if init is not None else set()
    if stmt.type in {"var_declaration", "const_declaration"}:
        spec = "var_spec" if stmt.type == "var_declaration" else "const_spec"
        return {syntax.text(n) for s in specs(stmt, spec) for n in s.children_by_field_name("name")}
    if stmt.type == "type_declaration":
        return {
            syntax.text(name)
            for s in specs(stmt, *_TYPE_SPECS)
            if (name := s.child_by_field_name("name")) is not None
        }
    return set()


def _earlier_statements_declare(statements: syntax.Node, child: syntax.Node, name: str) -> bool:
    for stmt in statements.named_children:
        if stmt.start_byte >= child.start_byte:
            return False
        if name in _declared_by(stmt):
            return True
    return False


def _params_declare(func: syntax.Node, name: str) -> bool:
    for field_name in ("receiver", "parameters", "result", "type_parameters"):
        params = func.child_by_field_name(field_name)
        if params is None:
            continue
        for decl in params.named_children:
            if any(syntax.text(n) == name for n in decl.children_by_field_name("name")):
                return True
    return False


def _declares_locally(node: syntax.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type in {
        "parameter_declaration",
        "variadic_parameter_declaration",
        "type_parameter_declaration",
    }:
        return True
    if parent.type in {"var_spec", "const_spec"}:
        return any(n == node for n in parent.children_by_field_name("name"))
    if parent.type == "expression_list" and parent.parent is not None:
        stmt = parent.parent
        if stmt.type == "short_var_declaration" and stmt.child_by_field_name("left") == parent:
            return True
        if (
            stmt.type in {"range_clause", "receive_statement"}
            and stmt.child_by_field_name("left") == parent
        ):
            return any(c.type == ":=" for c in stmt.children)
        if stmt.type == "type_switch_statement" and stmt.child_by_field_name("alias") == parent:
            return True
    return False


class KeyKind(enum.Enum):
    FIELD = "field"  # a struct field name: not a reference
    EXPR = "expr"  # a map key or array index: an expression
    UNKNOWN = "unknown"  # cannot tell without type information


def _is_struct_key(node: syntax.Node, scope: PackageScope | None) -> bool:
    key = key_kind(node, scope)
    return key is not None and key[0] is KeyKind.FIELD


def key_kind(node: syntax.Node, scope: PackageScope | None) -> tuple[KeyKind, str] | None:
    """`T{name: v}`: a field name when T is a struct, an expression when T is a map,
    slice or array; None when `node` is no such key. With UNKNOWN comes the reason."""
    element = node.parent
    if element is None or element.type != "literal_element":
        return None
    keyed = element.parent
    if keyed is None or keyed.type != "keyed_element" or keyed.named_children[0] != element:
        return None
    underlying, _, why = _literal_underlying(keyed.parent, scope)
    if underlying is None:
        return KeyKind.UNKNOWN, why
    if underlying.type in _INDEXED_TYPES:
        return KeyKind.EXPR, ""
    if underlying.type == "struct_type":
        return KeyKind.FIELD, ""
    if underlying.type == "qualified_type":
        # Another package's struct can only be keyed by its exported fields.
        if not syntax.text(node)[:1].isupper():
            return KeyKind.EXPR, ""
        return KeyKind.UNKNOWN, f"{syntax.text(underlying)} is declared in another package"
    return KeyKind.UNKNOWN, f"the literal's type is {syntax.text(underlying)}"


_INDEXED_TYPES = {"map_type", "slice_type", "array_type", "implicit_length_array_type"}


Resolved = tuple[syntax.Node | None, dict[str, syntax.Node], str]  # type, bindings, why not


def _literal_underlying(body: syntax.Node | None, scope: PackageScope | None) -> Resolved:
    """The underlying type of the literal whose `literal_value` is `body`, or None with
    the reason. An elided inner literal (`map[K]T{k: {...}}`) takes the key, value or
    element type of the enclosing literal's type."""
    parent = body.parent if body is not None else None
    if parent is not None and parent.type == "composite_literal":
        return _underlying(parent.child_by_field_name("type"), scope, {})
    if parent is None or parent.type != "literal_element" or parent.parent is None:
        return None, {}, "the literal's type cannot be found"
    container = parent.parent
    if container.type == "keyed_element":
        position = "key" if container.named_children[0] == parent else "value"
        outer_body = container.parent
    else:
        position, outer_body = "element", container
    outer, bindings, why = _literal_underlying(outer_body, scope)
    if outer is None or outer.type not in _INDEXED_TYPES:
        return None, {}, why or "the type of an elided literal cannot be found"
    inner = outer.child_by_field_name("element" if outer.type != "map_type" else position)
    if inner is not None and inner.type == "pointer_type" and inner.named_children:
        inner = inner.named_children[0]  # `[]*T{{...}}` stands for `&T{...}`
    return _underlying(inner, scope, bindings)


def _underlying(
    type_node: syntax.Node | None, scope: PackageScope | None, bindings: dict[str, syntax.Node]
) -> Resolved:
    """Follow named types, aliases and generic instantiations declared in the package to
    a type literal (with the type arguments its parameters are bound to), or to a type
    of another package (a `qualified_type`). `bindings` hold the enclosing generic
    type's parameters."""
    seen: set[str] = set()
    node = type_node
    while node is not None:
        if node.type == "parenthesized_type" and node.named_children:
            node = node.named_children[0]
        elif node.type == "generic_type":
            base = node.child_by_field_name("type")
            if base is None or base.type != "type_identifier":
                node = base  # another package's generic type
                continue
            args = node.child_by_field_name("type_arguments")
            arg_nodes = [
                a.named_children[0] if a.type == "type_elem" and a.named_children else a
                for a in (args.named_children if args is not None else [])
            ]
            arg_nodes = [bindings.get(syntax.text(a), a) for a in arg_nodes]  # `nested[T]`
            node, bindings = _named_type(base, scope, seen, arg_nodes)
            if node is None:
                return None, {}, f"{syntax.text(base)} is not a type declared in the package"
        elif node.type == "type_identifier":
            name = syntax.text(node)
            if name in bindings:
                node, bindings = bindings[name], {}
                continue
            if name in seen or not is_package_level(node, scope):
                return None, {}, f"{name} is a type parameter or a local type"
            node, bindings = _named_type(node, scope, seen, [])
            if node is None:
                return None, {}, f"{name} is not a type declared in the package"
        else:
            return node, bindings, ""
    return None, {}, "the literal's type cannot be found"


def _named_type(
    name: syntax.Node, scope: PackageScope | None, seen: set[str], args: list[syntax.Node]
) -> tuple[syntax.Node | None, dict[str, syntax.Node]]:
    """The type a package-level type name stands for, and its type parameters bound to
    `args`."""
    text = syntax.text(name)
    decl = scope.decls.get(text) if scope is not None else None
    if decl is None or decl.kind is not Kind.TYPE or decl.spec is None:
        return None, {}
    seen.add(text)
    params = decl.spec.child_by_field_name("type_parameters")
    names = [
        syntax.text(n)
        for p in (params.named_children if params is not None else [])
        for n in p.children_by_field_name("name")
    ]
    return decl.spec.child_by_field_name("type"), dict(zip(names, args, strict=False))


def classify(node: syntax.Node) -> Use:
    """How an identifier (or qualified selector) that names a variable is used."""
    target = node
    # &x, &x.f, &x[i]: the address of the variable or of part of it.
    while (
        target.parent is not None
        and target.parent.type in {"selector_expression", "index_expression"}
        and target.parent.named_children[0] == target
    ):
        target = target.parent
    parent = target.parent
    if parent is not None and parent.type == "unary_expression" and parent.children[0].type == "&":
        return Use.ADDRESS
    if parent is not None and parent.type == "parenthesized_expression":
        return classify(parent)
    if target == node and parent is not None:
        if parent.type == "inc_statement" or parent.type == "dec_statement":
            return Use.ASSIGN
        if parent.type == "expression_list" and parent.parent is not None:
            stmt = parent.parent
            if stmt.type == "assignment_statement" and stmt.child_by_field_name("left") == parent:
                return Use.ASSIGN
            if stmt.type == "range_clause" and stmt.child_by_field_name("left") == parent:
                return Use.ASSIGN  # `for x = range` assigns
    return Use.READ


def references(package: Package, decl: Decl, scope: PackageScope) -> list[Ref]:
    """Every identifier in the package's files that refers to the package-level `decl`."""
    refs = []
    for file in package.files:
        for node in identifiers_named(file, decl.name):
            if node == decl.node:
                refs.append(Ref(file, node, Use.DECLARE))
            elif refers_to_package(file, node, scope):
                key = key_kind(node, scope)
                if key is not None and key[0] is KeyKind.UNKNOWN:
                    refs.append(Ref(file, node, Use.UNRESOLVED, key[1]))
                else:
                    refs.append(Ref(file, node, classify(node)))
    return refs


_QUALIFIED = "(selector_expression operand: (identifier) @pkg field: (field_identifier) @name) @sel"


def qualified_references(file: GoFile, import_path: str, name: str) -> list[Ref] | None:
    """Uses of `pkg.name` in a file importing `import_path`; None if it dot-imports it."""
    if any(s.name == "." for s in imports.find(file.root, import_path)):
        return None
    names = {n for n, path in imports.paths_by_name(file.root).items() if path == import_path}
    refs: list[Ref] = []
    if not names or name.encode() not in file.source:  # no use, so no query of the file
        return refs
    for caps in syntax.matches(_QUALIFIED, file.root):
        pkg, sel = caps["pkg"][0], caps["sel"][0]
        if (
            syntax.text(caps["name"][0]) == name
            and syntax.text(pkg) in names
            and refers_to_package(file, pkg)
        ):
            refs.append(Ref(file, sel, classify(sel)))
    return refs
