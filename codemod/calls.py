"""Which function a call targets, and which import a file's package name refers to.

Without type information a call `pkg.F(x)` can only be tied to a function through the
file's imports: `pkg` names an import of the file, and its path with `F` is the target.
tree-sitter-go may read `pkg.F(x)` as a conversion to the type `pkg.F`
(`type_conversion_expression`); both shapes are the same call here.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from codemod import imports, syntax
from codemod.model import GoFile

_CALLS = """
(call_expression function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)) @call
(type_conversion_expression type: (qualified_type package: (package_identifier) @pkg name: (type_identifier) @fn)) @call
"""
_paths: weakref.WeakKeyDictionary[GoFile, dict[str, str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class CallTarget:
    path: str  # the import path of the called function's package
    name: str  # the function (or the type of a conversion)
    local: str  # the calling file's name for the package

    @property
    def key(self) -> tuple[str, str]:
        """(import path, function): how tables of known functions are keyed."""
        return self.path, self.name

    @property
    def shown(self) -> str:
        """The call as the file spells it: `re.MustCompile`."""
        return f"{self.local}.{self.name}"


def import_of(file: GoFile, local: str) -> str | None:
    """The import path `local` names in `file` (None: no import of the file is called
    that). One map per file, memoised: rules ask this for every call."""
    if file not in _paths:
        _paths[file] = imports.paths_by_name(file.root)
    return _paths[file].get(local)


def unparen(node: syntax.Node) -> syntax.Node:
    """`((x))` -> `x`."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def call_target(file: GoFile, node: syntax.Node) -> CallTarget | None:
    """The imported function that `node`, a `pkg.F(...)` call in either shape (in
    parentheses or not), calls; None for any other expression."""
    node = unparen(node)
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
    path = import_of(file, syntax.text(pkg))
    return CallTarget(path, syntax.text(name), syntax.text(pkg)) if path else None


def imported_calls(file: GoFile, node: syntax.Node) -> Iterator[tuple[syntax.Node, CallTarget]]:
    """Every call of an imported function inside `node`, with its target."""
    for caps in syntax.matches(_CALLS, node):
        call = caps["call"][0]
        target = call_target(file, call)
        if target is not None:
            yield call, target
