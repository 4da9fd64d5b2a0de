"""Type expressions that mean the same in every file of a package.

A file names packages by its own import names (`*re.Regexp` where regexp is imported as
`re`), so the text of a type says nothing outside its file. With the names replaced by
import paths, two spellings of one type compare equal, and the type can be written in
another file under that file's names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from codemod import imports, syntax

# The predeclared types whose values are immutable: what a package-level value can be
# read as without anyone changing it in place.
BASIC = frozenset(
    [
        "bool",
        "byte",
        "rune",
        "string",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "float32",
        "float64",
        "complex64",
        "complex128",
    ]
)
PREDECLARED = BASIC | {"any", "comparable", "error"}
_QUALIFIERS = """
(qualified_type package: (package_identifier) @pkg)
(selector_expression operand: (identifier) @pkg)
"""
_PATH = re.compile(r"\x00([^\x00]+)\x00")


@dataclass(frozen=True)
class TypeExpr:
    """A type whose package qualifiers are import paths (`\\0regexp\\0.Regexp`)."""

    text: str
    own: tuple[str, ...] = ()  # unqualified names that are not predeclared: the package's

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_PATH.findall(self.text)))

    def spell(self, names: Mapping[str, str]) -> str:
        """The type as written in a file that imports each path under `names[path]`."""
        return _PATH.sub(lambda m: names[m.group(1)], self.text)

    def name_part(self) -> str:
        """A part of a Go name for the type, to name things per type: `*regexp.Regexp`
        -> Regexp, `map[string]kind` -> MapStringKind, `[]*url.URL` -> SliceURL."""
        words: list[str] = []
        for m in re.finditer(r"\x00([^\x00]+)\x00|\[\]|\w+", self.text):
            word = imports.default_name(m.group(1)) if m.group(1) else m.group()
            word = "Slice" if word == "[]" else word[:1].upper() + word[1:]
            if words and words[-1].lower() == word.lower():
                words[-1] = word  # regexp.Regexp, url.URL: the type's own spelling
            else:
                words.append(word)
        return "".join(words[:5])


def read(text: str, names: Mapping[str, str]) -> TypeExpr | str:
    """The type `text` written in a file with import `names` (name -> path), or why it
    cannot be read."""
    source = f"package p\n\nvar _ {text}\n".encode()
    tree = syntax.parse(source)
    spec = next(iter(syntax.captures("(var_spec type: (_) @t)", tree.root_node).get("t", [])), None)
    if spec is None or syntax.syntax_problem(tree) or syntax.text(spec) != text:
        return f"{text} does not parse as a type"
    out, at = [], spec.start_byte
    for pkg in sorted(
        syntax.captures(_QUALIFIERS, spec).get("pkg", []), key=lambda n: n.start_byte
    ):
        name = syntax.text(pkg)
        if name not in names:
            return f"{name} in {text} is not a package this file imports"
        out += [source[at : pkg.start_byte].decode(), f"\x00{names[name]}\x00"]
        at = pkg.end_byte
    out.append(source[at : spec.end_byte].decode())
    own = [
        syntax.text(n)
        for n in syntax.captures("(type_identifier) @t", spec).get("t", [])
        if n.parent is None or n.parent.type != "qualified_type"
    ]
    return TypeExpr("".join(out), tuple(dict.fromkeys(n for n in own if n not in PREDECLARED)))


def respell(text: str, source: syntax.Node, target: syntax.Node) -> str:
    """Type `text`, written in the file rooted at `source`, as the file rooted at
    `target` writes it ("" if that file does not import every package it names)."""
    t = read(text, imports.paths_by_name(source))
    if isinstance(t, str):
        return ""
    names = {path: name for name, path in imports.paths_by_name(target).items()}
    return t.spell(names) if all(p in names for p in t.paths) else ""
