"""Files codemod generates in a package, one per build constraint.

A generated file that names declarations of the package (forces lazy values, registers
hooks) must be built exactly where those declarations are: a file built in more builds
sees undefined names, one built in fewer misses them. So what comes from a file built
only on some systems, with some tags or with cgo goes to a generated file with the same
constraint, named for it (`codemod_not_windows_lazyinit_test.go`), and what every build
of the package has goes to the package's default file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from codemod import buildtags, imports
from codemod.model import GoFile, Package
from codemod.rule import GENERATED_HEADER, LINES_MARKER, FileFix


def by_codemod(file: GoFile, name: str | re.Pattern[str]) -> bool:
    """Whether `file` is one codemod generated under `name` (or a name the pattern
    matches): such a file is rewritten whole, not edited."""
    named = file.path.name == name if isinstance(name, str) else name.fullmatch(file.path.name)
    return bool(named) and file.source.startswith(GENERATED_HEADER.encode())


class Placement:
    """Which generated file of `package` receives what comes from a given file.

    `default` is the file for declarations every build of the package has; `pattern`
    (with `{slug}`) names the file for one constraint; `purpose` says, in a reason,
    what the file would do ("its value would be forced")."""

    def __init__(self, package: Package, default: str, pattern: str, purpose: str) -> None:
        self.package = package
        self.default = default
        self.pattern = pattern
        self.purpose = purpose
        self.exprs: dict[Path, str] = {}  # generated file -> the constraint it is built with

    def register(self, file: GoFile) -> None:
        """An existing generated file keeps its constraint; the default file is always
        built as the package is (its recorded constraint may be out of date)."""
        if file.path.name == self.default:
            expr = self.package.build_expr
        else:
            expr = file.constraint.source if file.constraint else ""
        self.exprs.setdefault(file.path, expr)

    def place(self, file: GoFile) -> Path | str:
        """The generated file for what comes from `file`, built exactly where `file` is,
        or why there can be none (another constraint already holds its name)."""
        expr = file.build_expr
        package_wide = self.package.build_expr
        if expr in {"", package_wide}:
            name = self.default
        else:
            name = self.pattern.format(slug=buildtags.slug(expr))
        path = self.package.dir / name
        other = self.exprs.setdefault(path, package_wide if name == self.default else expr)
        if other != expr and not (
            expr and other and buildtags.equivalent(*map(buildtags.Constraint.parse, (expr, other)))
        ):
            return (
                f"its file is built with {expr or 'no constraint'}, but {name}, where "
                f"{self.purpose}, is built with {other or 'no constraint'}"
            )
        return path


def import_spec(path: str, name: str) -> tuple[str, str | None]:
    """(path, alias) of an import of a generated file that calls `path` `name`; other
    than standard packages always named, as their package name need not be their path's
    last element."""
    plain = imports.is_std(path) and name == imports.default_name(path)
    return path, None if plain else name


def import_block(specs: list[tuple[str, str | None]]) -> str:
    """The import declaration of a generated file, as gofmt prints it."""
    lines = [f'{name} "{path}"' if name else f'"{path}"' for path, name in specs]
    if len(lines) == 1:
        return f"import {lines[0]}\n"
    return "import (\n" + "".join(f"\t{line}\n" for line in lines) + ")\n"


_FORCED = re.compile(r"^\t_ = (\w+)\(\)$", re.M)


class ForceTests:
    """The generated tests that call every value a rule made lazy, one file per build
    constraint (see `Placement`): a value that panics when built fails `go test`
    instead of its first use in production. Names an earlier run forced are kept while
    they still name a var or func of the package, so a second run changes nothing.

    `slug` names the files (`codemod_{slug}_test.go`, `codemod_<constraint>_{slug}_test.go`),
    `function` the test (`TestCodemod<Function>`) and `generator` the rule in the header;
    `declared` says whether a name is still a var or func of the package."""

    def __init__(
        self,
        package: Package,
        declared: Callable[[str], bool],
        generator: str,
        slug: str,
        function: str,
    ) -> None:
        self.package = package
        self.generator = generator
        self.slug = slug
        self.function = function
        self.placement = Placement(
            package,
            f"codemod_{slug}_test.go",
            "codemod_{slug}_" + slug + "_test.go",
            "its value would be forced",
        )
        self.kept: dict[Path, list[str]] = {}
        self.regenerate: list[Path] = []
        pattern = re.compile(rf"codemod_(?:[a-z0-9_]+_)?{slug}_test\.go")
        for file in package.files:
            if not by_codemod(file, pattern):
                continue
            self.placement.register(file)
            self.regenerate.append(file.path)
            for name in _FORCED.findall(file.source.decode()):
                if declared(name):
                    path = self.placement.place(file)
                    if isinstance(path, Path) and name not in self.kept.setdefault(path, []):
                        self.kept[path].append(name)

    def place(self, file: GoFile) -> Path | str:
        """The test file that forces values declared in `file`, or why there is none."""
        return self.placement.place(file)

    def template(self, path: Path) -> FileFix:
        """The test file at `path`, with the values an earlier run forced; every fix
        adds its own line (`\\t_ = name()\\n`)."""
        expr = self.placement.exprs[path]
        slug = path.name.removeprefix("codemod_").removesuffix(f"{self.slug}_test.go")
        suffix = "".join(w.capitalize() for w in slug.strip("_").split("_") if w)
        function = f"TestCodemod{self.function}{suffix}"
        built = f" in the files built with {expr}" if suffix else ""
        return FileFix(
            path,
            create=(
                f"{GENERATED_HEADER} {self.generator}; DO NOT EDIT.\n\n"
                f"{buildtags.go_build_line(expr)}"
                f"package {self.package.name}\n\n"
                'import "testing"\n\n'
                f"// {function} builds every value that codemod made lazy{built},\n"
                "// so that one that panics fails `go test` instead of its first use in production.\n"
                f"func {function}(t *testing.T) {{\n"
                + "".join(f"\t_ = {n}()\n" for n in self.kept.get(path, []))
                + f"{LINES_MARKER}}}\n"
            ),
        )

    def shared(self) -> list[FileFix]:
        """The files every fix rewrites: those an earlier run generated."""
        return [self.template(p) for p in dict.fromkeys(self.regenerate)]


def support_package(name: str) -> dict[str, str]:
    """The Go support package `name` that codemod ships (codemod/gosupport/<name>), as
    file name -> content: what a rule vendors into a module. Its files carry the
    generated header, so a later run may write them again."""
    folder = resources.files("codemod").joinpath("gosupport", name)
    return {f.name: f.read_text() for f in sorted(folder.iterdir(), key=lambda f: f.name)}
