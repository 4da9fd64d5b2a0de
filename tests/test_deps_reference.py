"""Issue 14's done-when check: `deps --unsafe-fixes` on a program that uses a module in
the shape of github.com/docker/distribution/reference v2.7.1+incompatible (written from
scratch in testdata/deps/reference-module: ~20 regexps compiled at init through
`var match = regexp.MustCompile` and helpers) cuts that package's init allocation by at
least 80%, with the program's output byte for byte the same. The module is served from
a `file://` proxy as a pre-modules version (no go.mod in its zip), as the real one is."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from codemod import gotool, inittrace
from tests.conftest import TESTDATA
from tests.test_cli import go, init_repo, run
from tests.test_deps import _publish, _write

MODULE = TESTDATA / "deps" / "reference-module"
PATH, VERSION = "example.com/distribution", "v2.7.1+incompatible"
PACKAGE = PATH + "/reference"

MAIN = """package main

import (
	"fmt"

	"example.com/distribution/reference"
)

func main() {
	for _, s := range []string{
		"alpine:3.19",
		"index.docker.io/team/app:v1",
		"localhost:5000/tools/lint@sha256:0123456789abcdef0123456789abcdef",
		"Upper/app",
		"a:b:c",
	} {
		r, err := reference.ParseNormalizedNamed(s)
		fmt.Printf("%s -> %q %q %q %q (%s) %v\\n", s, r.Domain, r.Path, r.Tag, r.Digest, reference.Familiar(r), err)
	}
	fmt.Println(reference.ValidTag("v1.2"), reference.IsShortID("a1b2c3"))
}
"""


def _sources() -> dict[str, str]:
    return {
        p.relative_to(MODULE).as_posix(): p.read_text() for p in MODULE.rglob("*") if p.is_file()
    }


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The program in a git repository, the module in a private module cache fetched
    from a local proxy, then GOPROXY=off."""
    proxy = tmp_path / "proxy"
    _publish(proxy, PATH, VERSION, _sources(), zip_gomod=False)
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "modcache"))
    monkeypatch.setenv("GOPROXY", proxy.as_uri())
    monkeypatch.setenv("GOSUMDB", "off")
    root = tmp_path / "app"
    gomod = f"module example.com/app\n\ngo 1.22\n\nrequire {PATH} {VERSION}\n"
    _write(root, {"go.mod": gomod, "cmd/app/main.go": MAIN})
    go("mod", "tidy", cwd=root)
    monkeypatch.setenv("GOPROXY", "off")
    init_repo(root)
    yield root
    gotool.run(["clean", "-modcache"], cwd=root)  # its files are read-only


def _run(app: Path, env: dict[str, str]) -> tuple[str, inittrace.InitRecord]:
    """The program's stdout and its reference package's inittrace record, built with env."""
    binary = app.parent / "app.bin"
    built = gotool.build_binary(app, "./cmd/app", binary, env=env)
    assert built.ok, built.stderr
    ran = subprocess.run(
        [binary], capture_output=True, text=True, env={"GODEBUG": "inittrace=1"}, check=True
    )
    return ran.stdout, inittrace.parse(ran.stderr).by_package()[PACKAGE]


def test_deps_unsafe_fixes_cut_the_reference_grammar_init_by_80_percent(app: Path) -> None:
    out_before, before = _run(app, {})
    assert before.allocs > 1000, before  # the grammar really is compiled at init
    res = run("deps", "--pkg", "./cmd/app", "--rule", "lazy-init", "--unsafe-fixes", cwd=app)
    assert res.returncode == 0, res.stderr
    assert f"patched {PATH}@{VERSION}" in res.stderr, res.stderr
    copy = app / ".codemod/deps" / f"{PATH}@{VERSION}" / "reference"
    # no go line (pre-modules): sync.OnceValue's generics are not allowed, a helper is used
    assert "ReferenceRegexp = codemodOnceRegexp(func()" in (copy / "regexp.go").read_text()
    out_after, after = _run(app, {"GOWORK": str(app / ".codemod/deps/go.work")})
    assert out_after == out_before
    assert after.bytes <= before.bytes * 0.2, (before, after)
