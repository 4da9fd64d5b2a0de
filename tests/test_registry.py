"""The registry reads entry points itself (importlib.metadata costs ~20 ms of start,
issue 12) and must find exactly what importlib.metadata finds."""

from __future__ import annotations

import os
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from codemod import registry

GROUP = registry.GROUP


def found(group: str) -> list[tuple[str, str]]:
    return [(ep.name, ep.value) for ep in registry.entry_points(group)]


def expected(group: str) -> list[tuple[str, str]]:
    return [(ep.name, ep.value) for ep in metadata.entry_points(group=group)]


def distribution(site: Path, directory: str, entry_points: str | None) -> None:
    info = site / directory
    info.mkdir(parents=True)
    name = directory.partition("-")[0]
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_entry_points_are_importlib_metadata_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    distribution(
        first,
        "Third_Party-1.0.dist-info",
        f"# a comment\n\n[{GROUP}]\n  spaced  =  third.rules : RULE [extra]\n"
        "other = third.other:RULE\n[console_scripts]\nthird = third:main\n",
    )
    # The same distribution (names normalize alike), later on sys.path: not read.
    distribution(second, "third.party-2.0.dist-info", f"[{GROUP}]\nshadowed = x:RULE\n")
    distribution(second, "legacy-0.1.egg-info", f"[{GROUP}]\nlegacy = legacy_rule:RULE\n")
    distribution(second, "no_entry_points-1.dist-info", None)
    (second / "flat-1.0.egg-info").write_text("Metadata-Version: 1.0\nName: flat\n")  # a file
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))
    assert registry._plain_path()
    for group in (GROUP, "console_scripts", "pytest11"):
        assert found(group) == expected(group), group
    assert ("spaced", "third.rules : RULE [extra]") in found(GROUP)
    assert ("legacy", "legacy_rule:RULE") in found(GROUP)
    assert "shadowed" not in dict(found(GROUP))


def test_a_zip_on_sys_path_is_read_by_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "rules.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\n")
        zf.writestr("zipped-1.0.dist-info/entry_points.txt", f"[{GROUP}]\nzipped = z:RULE\n")
    monkeypatch.syspath_prepend(str(archive))
    assert not registry._plain_path()
    assert ("zipped", "z:RULE") in found(GROUP)
    assert found(GROUP) == expected(GROUP)


def test_entry_point_values_load_as_importlib_metadata_loads_them() -> None:
    assert registry.EntryPoint("j", "os.path : join [x]").load() is os.path.join
    assert registry.EntryPoint("m", "os.path").load() is os.path
    with pytest.raises(ValueError, match="'not a reference!' is not module:attribute"):
        registry.EntryPoint("bad", "not a reference!").load()


def test_a_path_object_on_sys_path_is_read_by_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution(tmp_path, "pathy-1.0.dist-info", f"[{GROUP}]\npathy = p:RULE\n")
    monkeypatch.setattr(sys, "path", [tmp_path, *sys.path])
    assert not registry._plain_path()
    assert ("pathy", "p:RULE") in found(GROUP)


def test_a_bad_byte_in_another_group_loses_no_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution(tmp_path, "latin-1.0.dist-info", None)
    text = f"[console_scripts]\ncaf\xe9 = latin:main\n[{GROUP}]\nlatin = latin_rule:RULE\n"
    (tmp_path / "latin-1.0.dist-info" / "entry_points.txt").write_bytes(text.encode("latin-1"))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert ("latin", "latin_rule:RULE") in found(GROUP)
