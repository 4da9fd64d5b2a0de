"""What `codemod deps` hands upstream and how it measures a module's saving, on data:
the per-module attribution of inittrace numbers, the PR text, safe fixes only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from codemod import bench, inittrace, stats, upstream, workflow
from codemod import changeset as cs
from codemod.rule import FileFix, Finding, Fix, Safety

M = "example.com/m"


def _runs(*lines: str) -> list[bench.Run]:
    return [bench.Run(1.0, inittrace.parse(text)) for text in lines]


def test_group_delta_sums_the_modules_packages_in_each_run() -> None:
    """Per run, the sum over the module's packages (one with no line adds 0), then the
    medians and the test over those sums; other packages are not counted."""
    base = _runs(
        *(
            f"init {M} @1 ms, 0.0{30 + i} ms clock, 4000 bytes, 50 allocs\n"
            f"init {M}/sub @1.1 ms, 0.010 ms clock, 1000 bytes, 10 allocs\n"
            "init example.com/other @1.2 ms, 5.0 ms clock, 9 bytes, 9 allocs\n"
            for i in range(5)
        )
    )
    head = _runs(
        *(
            f"init {M} @1 ms, 0.00{2 + i} ms clock, 1500 bytes, 20 allocs\n"
            "init example.com/other @1.2 ms, 6.0 ms clock, 9 bytes, 9 allocs\n"
            for i in range(5)
        )
    )
    delta = bench.group_delta(f"{M}@v1.0.0", [M, f"{M}/sub"], base, head)
    assert delta.name == f"{M}@v1.0.0" and delta.packages == (M, f"{M}/sub")
    assert round(delta.clock.base.median, 6) == 0.042  # 0.032 + 0.010, the middle run
    assert round(delta.clock.head.median, 6) == 0.004  # sub has no line: 0
    assert delta.clock.significant and delta.clock.delta_pct < -90
    assert (delta.allocs.base.median, delta.allocs.head.median) == (60, 20)
    assert (delta.bytes.base.median, delta.bytes.head.median) == (5000, 1500)
    assert delta.allocs.significant


def test_group_delta_of_packages_with_no_init_work_is_zero() -> None:
    base = _runs("init example.com/other @1 ms, 1.0 ms clock, 9 bytes, 9 allocs\n")
    head = _runs("init example.com/other @1 ms, 1.1 ms clock, 9 bytes, 9 allocs\n")
    delta = bench.group_delta(M, [M], base, head)
    assert delta.clock.base.median == delta.clock.head.median == 0
    assert not delta.clock.significant


def _pr(measured: upstream.Measured | None) -> upstream.PullRequest:
    return upstream.PullRequest(
        module=M,
        version="v1.0.0",
        patch="example.com_m@v1.0.0.patch",
        changes=(
            upstream.Change(
                "m.go", 12, "make word lazy with sync.OnceValue and call it at every use"
            ),
            upstream.Change(
                "sub/t.go", 3, "make table lazy with sync.OnceValue and call it at every use"
            ),
        ),
        created=("codemod_lazyinit_test.go",),
        packages=(M, f"{M}/sub"),
        tests=(".", "./sub"),
        program="example.com/app/cmd/app",
        rules=("lazy-init",),
        measured=measured,
    )


def test_pr_markdown_without_numbers_says_how_to_measure() -> None:
    text = upstream.pr_markdown(_pr(None))
    title, *rest = text.splitlines()
    assert title.startswith("# ") and M in title
    body = "\n".join(rest)
    for part in ("## What", "## Why", "## How it was verified", "## How to measure"):
        assert part in body, body
    assert "## Measured" not in body
    assert "- `m.go:12`: make word lazy" in body
    assert "- `sub/t.go:3`: make table lazy" in body
    assert "`codemod_lazyinit_test.go`" in body  # the generated test is named, and why
    assert "GODEBUG=inittrace=1" in body
    assert "`go build` and `go vet` of `example.com/app/cmd/app`" in body
    assert "`go test . ./sub`" in body
    assert "API" in body  # exported names are unchanged: the reviewer's first question
    assert text.endswith("\n") and "\n\n\n" not in text


def test_pr_markdown_with_numbers_shows_each_package_before_and_after() -> None:
    clock = stats.compare([0.030, 0.031, 0.032], [0.002, 0.002, 0.003])
    allocs = stats.compare([60, 60, 60], [20, 20, 20])
    size = stats.compare([5000, 5000, 5000], [1500, 1500, 1500])
    package = bench.PackageDelta(M, clock, 0.031, 0.002, 4000, 1500, 50, 20)
    sub = bench.PackageDelta(f"{M}/sub", None, 0.004, None, 1000, None, 10, None)
    measured = upstream.Measured(
        program="./cmd/app -version",
        runs=3,
        packages=(package, sub),
        module=bench.GroupDelta(M, (M, f"{M}/sub"), clock, size, allocs),
    )
    body = upstream.pr_markdown(_pr(measured))
    assert "## Measured" in body and "## How to measure" not in body
    assert f"| `{M}` | 0.031 | 0.002 | {clock.verdict} | 50 → 20 | 4,000 → 1,500 |" in body, body
    assert f"| `{M}/sub` | 0.004 | - | no init work after | 10 → - | 1,000 → - |" in body, body
    assert "| all of the module's packages | 0.031 | 0.002 |" in body, body
    one = upstream.pr_markdown(_pr(replace(measured, packages=(package,))))
    assert "all of the module's packages" not in one  # it would repeat the one package
    assert "3 interleaved runs" in body and "`./cmd/app -version`" in body


@dataclass
class _Patched:
    path: str
    version: str
    copy: Path
    plan: workflow.Plan
    diff: str
    packages: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.path}@{self.version}"


def _patched(tmp_path: Path, safety: Safety) -> _Patched:
    source = tmp_path / "stage" / f"{M}@v1.0.0" / "m.go"
    fix = Fix("make X lazy", safety, (FileFix(source),))
    finding = Finding("lazy-init", source, 3, 5, 3, 6, "X is built at init", fix)
    change = cs.FileChange(source, b"package m\n", b"package m // lazy\n")
    plan = workflow.Plan(cs.ChangeSet({source: change}, [finding]))
    diff = "diff --git a/m.go b/m.go\n"
    return _Patched(M, "v1.0.0", tmp_path / "deps" / f"{M}@v1.0.0", plan, diff, (".",))


def test_patches_hold_safe_fixes_only(tmp_path: Path) -> None:
    """An upstream library cannot change its API: a copy with an unsafe fix gets no
    patch, and the run says why."""
    said: list[str] = []
    out = tmp_path / "out"
    written = upstream.write_patches(
        out, [_patched(tmp_path, Safety.UNSAFE)], "./cmd/app", None, said.append
    )
    assert written == [] and not list(out.glob("*"))
    assert len(said) == 1 and f"{M}@v1.0.0" in said[0] and "unsafe" in said[0], said
    written = upstream.write_patches(
        out, [_patched(tmp_path, Safety.SAFE)], "./cmd/app", None, said.append
    )
    assert [p.name for p in written] == ["example.com_m@v1.0.0.patch", "example.com_m@v1.0.0.md"]
    assert (out / "example.com_m@v1.0.0.patch").read_text() == "diff --git a/m.go b/m.go\n"
    assert "- `m.go:3`: make X lazy" in (out / "example.com_m@v1.0.0.md").read_text()
