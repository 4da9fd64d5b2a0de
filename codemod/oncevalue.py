"""`sync.OnceValue` for modules older than Go 1.21, from functions codemod generates.

A rule that makes a package-level value lazy writes `sync.OnceValue(func() T {...})`.
Before Go 1.21 there is no `sync.OnceValue`, so the package gets one generated file,
`codemod_oncevalue.go`, with functions of the same semantics built on `sync.Once`: the
generic `codemodOnceValue` from Go 1.18; before, no type parameters, so one function
per result type (`codemodOnceRegexp` for `*regexp.Regexp`), whatever each file calls the
type's package. Functions an earlier run generated are kept while a value still calls
them, so a second run does not take away what the first one's code needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from codemod import buildtags, generated, imports, names, syntax, typeexpr
from codemod.model import GoFile, Package
from codemod.rule import GENERATED_HEADER, LINES_MARKER, FileFix, ImportAction, ImportChange
from codemod.scope import Kind, PackageScope, identifiers_in

FILE = "codemod_oncevalue.go"
GENERIC = "codemodOnceValue"
_TYPED = re.compile(r"codemodOnce\w+")


def needed(package: Package) -> bool:
    """Whether the package's module is older than Go 1.21 (unknown: assume not)."""
    module = package.module
    return module is not None and not module.go_at_least(1, 21)


def once_func(name: str, params: str, t: str, sync: str, any_: str) -> str:
    """A function with sync.OnceValue's semantics: if f panics, every call panics."""
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


@dataclass(frozen=True)
class Value:
    """A package-level value to make lazy: its name, result type as `file` spells it."""

    name: str
    result_type: str
    file: GoFile


@dataclass
class Helpers:
    """The generated file of one package, planned for the values that need it."""

    package: Package
    scope: PackageScope
    generator: str  # the rule, named in the file's header
    generic: bool
    sync: str  # the generated file's name for package sync
    skipped: dict[str, str] = field(default_factory=dict)  # value -> why no helper fits it
    aliases: dict[str, str] = field(default_factory=dict)  # import path -> name there
    kept: dict[typeexpr.TypeExpr, str] = field(default_factory=dict)  # type -> function
    names: dict[typeexpr.TypeExpr, str] = field(default_factory=dict)  # every type's function
    types: dict[str, typeexpr.TypeExpr] = field(default_factory=dict)  # value -> its type

    @classmethod
    def plan(
        cls, package: Package, scope: PackageScope, values: list[Value], generator: str
    ) -> Helpers | str:
        """The helpers for `values`, or why the file cannot exist (every name it could
        import sync by is a package-level name). Values whose type the file cannot
        spell are in `skipped`."""
        module = package.module
        old = next((f for f in package.files if generated.by_codemod(f, FILE)), None)
        taken = {n for n, d in scope.decls.items() if d.file is not old}
        sync = names.free(names.alternatives("sync"), taken)
        if sync is None:
            return f"{names.listed('sync')} are all package-level names: {FILE} cannot import sync"
        helpers = cls(
            package, scope, generator, module is not None and module.go_at_least(1, 18), sync
        )
        helpers.kept = _kept(package, old) if old else {}
        if not helpers.generic:
            for value in values:
                t = helpers._type(value)
                if isinstance(t, str):
                    helpers.skipped[value.name] = t
                else:
                    helpers.types[value.name] = t
        paths = sorted({p for t in [*helpers.kept, *helpers.types.values()] for p in t.paths})
        used = taken | {helpers.sync}
        for path in paths:
            helpers.aliases[path] = names.fresh(imports.default_name(path), used)
        used |= names.imported_names(package)
        helpers.names = dict(helpers.kept)
        used |= set(helpers.kept.values())
        for t in sorted(set(helpers.types.values()) - set(helpers.kept), key=lambda t: t.text):
            helpers.names[t] = names.fresh("codemodOnce" + t.name_part(), used)
        return helpers

    def _type(self, value: Value) -> typeexpr.TypeExpr | str:
        """The value's result type, or why the generated file cannot spell it."""
        t = typeexpr.read(value.result_type, imports.paths_by_name(value.file.root))
        if isinstance(t, str):
            return f"cannot write its type in {FILE}: {t}"
        if imports.CGO in t.paths:
            return f"cannot write its type in {FILE}: a cgo type"
        group = self.package.build_expr
        for name in t.own:
            decl = self.scope.decls.get(name)
            if decl is None or decl.kind is not Kind.TYPE:
                return f"cannot write its type in {FILE}: {name} is not a type of the package"
            only = decl.file.build_expr
            if only not in {"", group}:
                return (
                    f"its type {name} exists only in builds with {only}, but {FILE}, "
                    f"where its helper would go, is built with {group or 'no constraint'}"
                )
        return t

    def name(self, value: str) -> str:
        """The function that makes `value` lazy."""
        return GENERIC if self.generic else self.names[self.types[value]]

    def _spec(self, path: str) -> tuple[str, str | None]:
        return generated.import_spec(
            path, self.aliases.get(path, self.sync if path == "sync" else "")
        )

    def _function(self, t: typeexpr.TypeExpr) -> str:
        return once_func(self.names[t], "", t.spell(self.aliases), self.sync, "interface{}")

    @cached_property
    def template(self) -> str:
        """The file without this run's functions: those come with the fixes."""
        paths = sorted({"sync", *(p for t in self.kept for p in t.paths)})
        block = generated.import_block([self._spec(p) for p in paths])
        generic = once_func(GENERIC, "[T any]", "T", self.sync, "any") if self.generic else ""
        return (
            f"{GENERATED_HEADER} {self.generator}; DO NOT EDIT.\n\n"
            f"{buildtags.go_build_line(self.package.build_expr)}"
            f"package {self.package.name}\n\n{block}{generic}"
            + "".join(self._function(t) for t in self.kept)  # in their order: a stable diff
            + LINES_MARKER
        )

    def file_fix(self, value: str) -> FileFix:
        """The generated file as the fix of `value` needs it: its type's function and
        imports come with the fix, so a fix that is not applied leaves neither behind."""
        path = self.package.dir / FILE
        t = None if self.generic else self.types[value]
        if t is None or t in self.kept:
            return FileFix(path, create=self.template)
        return FileFix(
            path,
            create=self.template,
            lines=(self._function(t),),
            imports=tuple(ImportChange(ImportAction.ADD, *self._spec(p)) for p in t.paths),
        )


def _kept(package: Package, old: GoFile) -> dict[typeexpr.TypeExpr, str]:
    """The per-type functions of an earlier run's generated file that a value still calls."""
    found: dict[str, typeexpr.TypeExpr] = {}
    paths = imports.paths_by_name(old.root)
    for func in syntax.top_level(old.root, "function_declaration"):
        name = syntax.text(func.child_by_field_name("name") or func)
        result = func.child_by_field_name("result")
        value = result.child_by_field_name("result") if result is not None else None
        if _TYPED.fullmatch(name) and name != GENERIC and value is not None:
            t = typeexpr.read(syntax.text(value), paths)
            if not isinstance(t, str):
                found[name] = t
    called = {n for f in package.files if f is not old for n in identifiers_in(f, set(found))}
    return {t: name for name, t in found.items() if name in called}
