"""sync.OnceValue before Go 1.21: the generated helpers, planned from Go strings."""

from __future__ import annotations

from pathlib import Path

from codemod import oncevalue
from codemod.model import Module
from codemod.rule import GENERATED_HEADER, LINES_MARKER
from codemod.scope import PackageScope
from codemod.testing import package


def plan(
    go: tuple[int, int], files: dict[str, str], *values: tuple[str, str]
) -> oncevalue.Helpers | str:
    pkg = package(files, module=Module(Path("/m"), "example.com/m", go))
    first = pkg.files[0]
    wanted = [oncevalue.Value(name, t, first) for name, t in values]
    return oncevalue.Helpers.plan(pkg, PackageScope.of(pkg), wanted, "some-rule")


REGEXP = 'package p\n\nimport re "regexp"\n\nvar a = re.MustCompile("a")\n'


def test_needed_only_before_go_1_21() -> None:
    for go, needed in (((1, 20), True), ((1, 21), False), ((1, 16), True)):
        assert (
            oncevalue.needed(package({"a.go": "package p\n"}, module=Module(Path("/m"), "m", go)))
            is needed
        )
    assert not oncevalue.needed(package({"a.go": "package p\n"}, module=None))


def test_from_go_1_18_one_generic_function_in_a_file_named_for_the_rule() -> None:
    helpers = plan((1, 20), {"a.go": REGEXP}, ("a", "*re.Regexp"))
    assert isinstance(helpers, oncevalue.Helpers) and helpers.generic
    assert helpers.name("a") == oncevalue.GENERIC
    fix = helpers.file_fix("a")
    assert fix.path == Path("/m") / oncevalue.FILE and not fix.lines
    assert fix.create is not None and fix.create.startswith(
        f"{GENERATED_HEADER} some-rule; DO NOT EDIT."
    )
    assert "func codemodOnceValue[T any](f func() T) func() T {" in fix.create
    assert fix.create.endswith(LINES_MARKER)


def test_before_go_1_18_one_function_per_type_spelled_with_its_own_imports() -> None:
    helpers = plan((1, 17), {"a.go": REGEXP}, ("a", "*re.Regexp"), ("b", "map[string]int"))
    assert isinstance(helpers, oncevalue.Helpers) and not helpers.generic
    assert helpers.name("a") == "codemodOnceRegexp"
    assert helpers.name("b") == "codemodOnceMapStringInt"
    fix = helpers.file_fix("a")
    # The file's import of regexp comes with the fix that needs it, under the path's name.
    assert [(c.path, c.name) for c in fix.imports] == [("regexp", None)]
    assert "func codemodOnceRegexp(f func() *regexp.Regexp) func() *regexp.Regexp {" in fix.lines[0]
    assert not helpers.file_fix("b").imports


def test_a_type_the_file_cannot_spell_is_skipped_with_the_reason() -> None:
    files = {
        "a.go": "package p\n\nvar t = T{}\n",
        "t_windows.go": "package p\n\ntype T map[string]int\n",
    }
    helpers = plan((1, 17), files, ("t", "T"), ("u", "U"))
    assert isinstance(helpers, oncevalue.Helpers)
    assert helpers.skipped == {
        "t": f"its type T exists only in builds with windows, but {oncevalue.FILE}, where its "
        "helper would go, is built with no constraint",
        "u": f"cannot write its type in {oncevalue.FILE}: U is not a type of the package",
    }


def test_sync_is_imported_under_a_free_name_or_the_file_cannot_exist() -> None:
    helpers = plan(
        (1, 20), {"a.go": "package p\n\nvar sync = 1\n" + REGEXP[9:]}, ("a", "*re.Regexp")
    )
    assert isinstance(helpers, oncevalue.Helpers) and helpers.sync == "gosync"
    taken = "package p\n\nvar sync, gosync, stdsync, syncpkg int\n"
    assert plan((1, 20), {"a.go": taken}) == (
        f"sync, gosync, stdsync and syncpkg are all package-level names: {oncevalue.FILE} cannot import sync"
    )


def test_functions_of_an_earlier_run_are_kept_while_a_value_calls_them() -> None:
    earlier = (
        f'{GENERATED_HEADER} some-rule; DO NOT EDIT.\n\npackage p\n\nimport "sync"\n'
        + oncevalue.once_func("codemodOnceInt", "", "int", "sync", "interface{}")
        + oncevalue.once_func("codemodOnceString", "", "string", "sync", "interface{}")
    )
    files = {
        "a.go": "package p\n\nvar n = codemodOnceInt(func() int { return 1 })\n",
        oncevalue.FILE: earlier,
    }
    helpers = plan((1, 17), files)
    assert isinstance(helpers, oncevalue.Helpers)
    assert list(helpers.kept.values()) == ["codemodOnceInt"]  # nothing calls the string one
    assert "func codemodOnceInt(" in helpers.template
    assert "codemodOnceString" not in helpers.template
