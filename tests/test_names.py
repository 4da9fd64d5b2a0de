"""Free names for new declarations and imports."""

from __future__ import annotations

from codemod import names
from codemod.testing import package


def test_fresh_counts_up_and_takes_the_name() -> None:
    used = {"x", "x2"}
    assert names.fresh("x", used) == "x3"
    assert names.fresh("y", used) == "y"
    assert used == {"x", "x2", "x3", "y"}


def test_alternatives_and_free() -> None:
    assert names.alternatives("sync") == ("sync", "gosync", "stdsync", "syncpkg")
    assert names.alternatives("gopkg.in/yaml.v3") == ("yaml", "goyaml", "stdyaml", "yamlpkg")
    assert names.free(("a", "b"), {"a"}) == "b"
    assert names.free(("a", "b"), {"a", "b"}) is None


IMPORTS = package(
    {
        "a.go": 'package p\n\nimport (\n\t_ "sync"\n\tsync "example.com/sync"\n)\n',
        "b.go": 'package p\n\nimport gosync "sync"\n',
        "c.go": "package p\n",
    }
)


def test_import_name_keeps_an_existing_named_import() -> None:
    assert names.import_name(IMPORTS.files[1], "sync", set()) == "gosync"


def test_import_name_avoids_the_files_other_imports_and_package_level_names() -> None:
    a, _, c = IMPORTS.files
    # a.go: the blank import gives no name, and example.com/sync takes "sync"
    assert names.import_name(a, "sync", set()) == "gosync"
    assert names.import_name(c, "sync", set()) == "sync"  # b.go's imports are b.go's
    assert names.import_name(c, "sync", {"sync", "gosync"}) == "stdsync"
    assert names.import_name(c, "sync", set(names.alternatives("sync"))) is None
    assert names.import_name(a, "net/http/pprof", set(), ("pprof", "httppprof")) == "pprof"


def test_imported_names_are_every_files() -> None:
    assert names.imported_names(IMPORTS) == {"sync", "gosync"}  # a blank import takes none


def test_listed_names_every_alternative_as_a_reason_does() -> None:
    assert names.listed("example.com/x/sync") == "sync, gosync, stdsync and syncpkg"
