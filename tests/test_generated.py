"""Generated files per build constraint: built exactly where what they name is built."""

from __future__ import annotations

import re
from pathlib import Path

from codemod import generated
from codemod.rule import GENERATED_HEADER
from codemod.testing import package

DEFAULT, PATTERN = "codemod_x.go", "codemod_{slug}_x.go"


def placement(files: dict[str, str]) -> generated.Placement:
    return generated.Placement(package(files), DEFAULT, PATTERN, "its name would be used")


def test_each_constraint_gets_its_file_and_every_build_the_default() -> None:
    place = placement(
        {
            "a.go": "package p\n",
            "b_windows.go": "package p\n",
            "c.go": "//go:build !windows\n\npackage p\n",
            "d.go": 'package p\n\n// #include <stdio.h>\nimport "C"\n',
        }
    )
    a, b, c, d = place.package.files
    assert [place.place(f) for f in (a, b, c, d)] == [
        Path("/m/codemod_x.go"),
        Path("/m/codemod_windows_x.go"),
        Path("/m/codemod_not_windows_x.go"),
        Path("/m/codemod_cgo_x.go"),
    ]
    assert place.exprs[Path("/m/codemod_not_windows_x.go")] == "!windows"


def test_a_package_built_under_one_constraint_uses_the_default_file_with_it() -> None:
    place = placement({"a.go": "//go:build linux\n\npackage p\n", "b_linux.go": "package p\n"})
    assert place.package.build_expr == "linux"
    assert [place.place(f) for f in place.package.files] == [Path("/m/codemod_x.go")] * 2
    assert place.exprs == {Path("/m/codemod_x.go"): "linux"}


def test_two_constraints_with_one_name_the_second_is_refused_unless_equivalent() -> None:
    place = placement(
        {
            "any.go": "package p\n",
            "x.go": "//go:build a || b && c\n\npackage p\n",
            "y.go": "//go:build (a || b) && c\n\npackage p\n",
            "z.go": "//go:build (a || (b && c))\n\npackage p\n",
        }
    )
    _, x, y, z = place.package.files
    assert place.place(x) == Path("/m/codemod_a_or_b_and_c_x.go")
    assert place.place(z) == Path("/m/codemod_a_or_b_and_c_x.go")  # the same builds
    assert place.place(y) == (
        "its file is built with (a || b) && c, but codemod_a_or_b_and_c_x.go, where its "
        "name would be used, is built with a || b && c"
    )


def test_an_earlier_runs_files_keep_their_constraint_but_the_default_follows_the_package() -> None:
    header = GENERATED_HEADER + " x; DO NOT EDIT.\n\n"
    place = placement(
        {
            "a.go": "package p\n",
            "codemod_x.go": header + "//go:build linux\n\npackage p\n",
            "codemod_plan9_x.go": header + "//go:build plan9\n\npackage p\n",
        }
    )
    a, default, plan9 = place.package.files
    assert generated.by_codemod(default, DEFAULT) and not generated.by_codemod(a, DEFAULT)
    assert generated.by_codemod(plan9, re.compile(r"codemod_\w+_x\.go"))
    place.register(default)
    place.register(plan9)
    assert place.exprs == {default.path: "", plan9.path: "plan9"}


def test_imports_of_generated_files() -> None:
    assert generated.import_spec("sync", "sync") == ("sync", None)
    assert generated.import_spec("sync", "gosync") == ("sync", "gosync")
    assert generated.import_spec("gopkg.in/yaml.v3", "yaml") == ("gopkg.in/yaml.v3", "yaml")
    assert generated.import_block([("sync", None)]) == 'import "sync"\n'
    assert generated.import_block([("sync", None), ("example.com/y", "y")]) == (
        'import (\n\t"sync"\n\ty "example.com/y"\n)\n'
    )
