"""`codemod bench` results as a terminal table, one JSON document, or Markdown for a PR."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from codemod import render, stats
from codemod.bench import TRIMPATH, GroupDelta, ModulesResult, PackageDelta, Result, Variant

TOP = 15  # packages shown in the table and in Markdown


def _count(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _change(delta: PackageDelta, base: str = "in base", head: str = "in head") -> str:
    """The verdict; inittrace names only packages with init work, so a package missing
    from one variant's trace does none there (or is not linked at all)."""
    if delta.layout_shift and delta.clock is not None:
        return f"layout shift {delta.clock.verdict} (same code in both)"
    if delta.clock is not None:
        return delta.clock.verdict
    return f"no init work {head}" if delta.head_clock_ms is None else f"no init work {base}"


def _weight(delta: PackageDelta) -> float:
    return abs((delta.head_clock_ms or 0.0) - (delta.base_clock_ms or 0.0))


def top_packages(result: Result, count: int = TOP) -> list[PackageDelta]:
    return sorted(result.packages, key=_weight, reverse=True)[:count]


def _label(v: Variant) -> str:
    source = v.spec.ref if v.commit is None else f"{v.spec.ref} ({v.commit[:10]})"
    flags = f" {' '.join(v.spec.build_flags)}" if v.spec.build_flags else ""
    env = "".join(f" {k}={val}" for k, val in sorted(v.spec.env.items()))
    return f"{source}{flags}{env}"


def _summary_rows(result: Result) -> list[tuple[str, str, str, str]]:
    def row(name: str, cmp: stats.Comparison, unit: str = "ms") -> tuple[str, str, str, str]:
        return (
            name,
            f"{render.ms(cmp.base.median)} {unit} ±{cmp.base.spread_pct:.0f}%",
            f"{render.ms(cmp.head.median)} {unit} ±{cmp.head.spread_pct:.0f}%",
            cmp.verdict,
        )

    b, h = result.base.binary_bytes, result.head.binary_bytes
    size_change = f"{100.0 * (h - b) / b:+.1f}%" if b else "-"
    return [
        row("wall time, exec to ready", result.wall),
        row("package init (sum of clock)", result.init_total),
        ("binary size", f"{b:,} B", f"{h:,} B", size_change),
    ]


def _header(console: Console, result: Result) -> None:
    console.print(f"[bold]base[/]: {_label(result.base)}", highlight=False, markup=True)
    console.print(f"[bold]head[/]: {_label(result.head)}", highlight=False, markup=True)
    console.print(
        f"{result.pkg} {' '.join(result.args)} · ready: {result.ready} · "
        f"{len(result.base.runs)} interleaved runs each",
        markup=False,
    )
    console.print(_method(result), markup=False)


def _method(result: Result) -> str:
    """How the numbers were made, so that a reader can judge and repeat them."""
    e = result.min_effect
    return (
        f"order within pairs seeded {result.seed} · built with {TRIMPATH} · significant: "
        f"Mann-Whitney U, Benjamini-Hochberg q < {result.wall.alpha:g}, "
        f"change >= {e.absolute:g} ms and >= {e.relative_pct:g}%"
    )


def _totals(console: Console, result: Result, warnings: list[str]) -> None:
    totals = Table(title="totals (median ±95% CI)", title_justify="left")
    for col in ("", "base", "head", "change"):
        totals.add_column(col)
    for r in _summary_rows(result):
        totals.add_row(*r)
    console.print(totals)
    for w in warnings:
        console.print(f"warning: {w}", markup=False)


def text(result: Result, warnings: list[str]) -> None:
    console = render.wide()
    _header(console, result)
    table = Table(
        title="init by package (top by change; median of inittrace clock)", title_justify="left"
    )
    for col in ("package", "base ms", "head ms", "change", "bytes", "allocs"):
        table.add_column(
            col, justify="left" if col in ("package", "change") else "right", no_wrap=True
        )
    for d in top_packages(result):
        table.add_row(
            d.package,
            render.ms(d.base_clock_ms),
            render.ms(d.head_clock_ms),
            _change(d),
            f"{_count(d.base_bytes)} -> {_count(d.head_bytes)}",
            f"{_count(d.base_allocs)} -> {_count(d.head_allocs)}",
        )
    console.print(table)
    _totals(console, result, warnings)


def modules_text(measured: ModulesResult, warnings: list[str]) -> None:
    """`deps --bench`: per patched module, then the whole program's totals."""
    console = render.wide()
    result = measured.result
    _header(console, result)
    table = Table(
        title="init by patched module (per run, the sum of its packages' inittrace clock; median)",
        title_justify="left",
    )
    for col in ("module", "packages", "base ms", "head ms", "change", "bytes", "allocs"):
        table.add_column(
            col, justify="left" if col in ("module", "change") else "right", no_wrap=True
        )
    for g in measured.modules:
        table.add_row(
            g.name,
            str(len(g.packages)),
            render.ms(g.clock.base.median),
            render.ms(g.clock.head.median),
            g.clock.verdict,
            f"{_count(g.bytes.base.median)} -> {_count(g.bytes.head.median)}",
            f"{_count(g.allocs.base.median)} -> {_count(g.allocs.head.median)}",
        )
    console.print(table)
    _totals(console, result, warnings)


def markdown_changes(
    packages: Sequence[PackageDelta], group: GroupDelta | None, group_label: str
) -> list[str]:
    """A Markdown table: each package's median init before -> after, then the group's
    (the per-run sums over its packages)."""
    lines = [
        "| package | init ms before | after | change | allocs | bytes |",
        "|---|---:|---:|---|---:|---:|",
    ]
    lines += [
        f"| `{d.package}` | {render.ms(d.base_clock_ms)} | {render.ms(d.head_clock_ms)} | "
        f"{_change(d, 'before', 'after')} | {_count(d.base_allocs)} → {_count(d.head_allocs)} | "
        f"{_count(d.base_bytes)} → {_count(d.head_bytes)} |"
        for d in packages
    ]
    if group is not None:
        c, a, b = group.clock, group.allocs, group.bytes
        lines.append(
            f"| {group_label} | {render.ms(c.base.median)} | {render.ms(c.head.median)} | "
            f"{c.verdict} | {_count(a.base.median)} → {_count(a.head.median)} | "
            f"{_count(b.base.median)} → {_count(b.head.median)} |"
        )
    return lines


def markdown(result: Result, warnings: list[str]) -> None:
    render.emit(markdown_text(result, warnings))


def markdown_text(result: Result, warnings: list[str]) -> str:
    lines = [
        "### Start-up: `codemod bench`",
        "",
        f"- base: `{_label(result.base)}`",
        f"- head: `{_label(result.head)}`",
        f"- `{result.pkg} {' '.join(result.args)}`, ready: `{result.ready}`, "
        f"{len(result.base.runs)} interleaved runs each; medians with 95% CI",
        f"- {_method(result)}",
        "",
        "| | base | head | change |",
        "|---|---:|---:|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in _summary_rows(result)),
        "",
        "| package init | base ms | head ms | change | allocs |",
        "|---|---:|---:|---|---:|",
        *(
            f"| `{d.package}` | {render.ms(d.base_clock_ms)} | {render.ms(d.head_clock_ms)} | {_change(d)} | "
            f"{_count(d.base_allocs)} → {_count(d.head_allocs)} |"
            for d in top_packages(result)
        ),
    ]
    lines += [f"\n> {w}" for w in warnings]
    return "\n".join(lines) + "\n"


def _summary_dict(s: stats.Summary) -> dict[str, Any]:
    return {
        "n": s.n,
        "median": s.median,
        "ci95": [s.low, s.high],
        "min": s.minimum,
        "max": s.maximum,
    }


def _comparison_dict(c: stats.Comparison | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "base": _summary_dict(c.base),
        "head": _summary_dict(c.head),
        "delta_pct": c.delta_pct,
        "p_value": c.p_value,
        "significant": c.significant,
        "spread_too_wide": c.too_wide,
        "delta": c.delta,
        "q_value": c.q_value,
        "above_min_effect": c.large_enough,
    }


def _variant_dict(v: Variant) -> dict[str, Any]:
    return {
        "label": v.spec.label,
        "ref": v.spec.ref,
        "commit": v.commit,
        "build_flags": list(v.spec.build_flags),
        "env": dict(v.spec.env),
        "binary_bytes": v.binary_bytes,
        "runs": [
            {
                "wall_ms": r.wall_ms,
                "first": r.first,
                "init_total_ms": r.trace.total_clock_ms,
                "init": [
                    {
                        "package": rec.package,
                        "at_ms": rec.at_ms,
                        "clock_ms": rec.clock_ms,
                        "bytes": rec.bytes,
                        "allocs": rec.allocs,
                    }
                    for rec in r.trace.records
                ],
            }
            for r in v.runs
        ],
    }


def as_dict(result: Result, warnings: list[str]) -> dict[str, Any]:
    return {
        "pkg": result.pkg,
        "args": list(result.args),
        "ready": str(result.ready),
        "seed": result.seed,
        "statistics": {
            "test": "mann-whitney-u",
            "fdr": "benjamini-hochberg",
            "alpha": result.wall.alpha,
            "min_effect_ms": result.min_effect.absolute,
            "min_effect_pct": result.min_effect.relative_pct,
        },
        "build": {"trimpath": True},
        "variants": [_variant_dict(result.base), _variant_dict(result.head)],
        "totals": {
            "wall_ms": _comparison_dict(result.wall),
            "init_total_ms": _comparison_dict(result.init_total),
            "binary_bytes": {"base": result.base.binary_bytes, "head": result.head.binary_bytes},
        },
        "packages": [
            {
                "package": d.package,
                "clock_ms": _comparison_dict(d.clock),
                "median_clock_ms": {"base": d.base_clock_ms, "head": d.head_clock_ms},
                "median_bytes": {"base": d.base_bytes, "head": d.head_bytes},
                "median_allocs": {"base": d.base_allocs, "head": d.head_allocs},
                "same_code": d.same_code,
                "layout_shift": d.layout_shift,
            }
            for d in result.packages
        ],
        "warnings": warnings,
    }


def as_json(result: Result, warnings: list[str]) -> None:
    render.emit(json_text(result, warnings))


def json_text(result: Result, warnings: list[str]) -> str:
    """Strict JSON: an infinite or undefined number (a change from a median of 0) is null."""
    return json.dumps(_finite(as_dict(result, warnings)), indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
