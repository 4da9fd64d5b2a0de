"""`codemod profile` results: rich tables, one strict JSON document, Markdown, and the init
dependency graph as Graphviz dot or Mermaid. Every renderer but `text` returns a string."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from codemod.profile import (
    UNAVOIDABLE,
    ModuleProfile,
    PackageProfile,
    Profile,
    no_items_reason,
    without_fix,
)
from codemod.render import ms, pct

TOP = 15  # packages and modules shown in text and Markdown

_ORIGIN_COLOURS = {  # dot and Mermaid fill colours
    "main": "#9ecae1",
    "dependency": "#fdae6b",
    "std": "#e0e0e0",
    "unknown": "#ffffff",
}
_CRITICAL = "#d62728"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _saving(value: float | None) -> str:
    return "-" if value is None else ms(value)


NO_FIX_TITLE = (
    "costliest packages with no proposed fix, outside the standard library (what runs at "
    "init, and why no fix)"
)
TOP_FINDING_PACKAGES = 5  # packages shown under "top findings"
FINDINGS_PER_PACKAGE = 3  # ... with this many of their findings each


def top_findings(
    profile: Profile, count: int = TOP_FINDING_PACKAGES
) -> list[tuple[PackageProfile, list[dict[str, Any]]]]:
    """The packages with findings and the largest estimated saving (then init time), each
    with its findings, fixable ones first."""
    ranked = sorted(
        (p for p in profile.packages if p.findings),
        key=lambda p: (-(p.estimated_saving_ms or 0.0), -p.init_ms, p.path),
    )
    return [
        (p, sorted(p.findings, key=lambda f: (f["fix"] == "none", f["file"], f["line"])))
        for p in ranked[:count]
    ]


def _finding_lines(profile: Profile, code: str = "") -> list[str]:
    lines = []
    for i, (p, found) in enumerate(top_findings(profile), 1):
        lines.append(
            f"{i}. {code}{p.path}{code}  {ms(p.init_ms)} ms, estimated saving "
            f"{_saving(p.estimated_saving_ms)} ms ({p.saving_basis}), {len(found)} finding(s)"
        )
        lines += [
            f"   {Path(f['file']).name}:{f['line']} {f['rule']} [{f['fix']}] {f['message']}"
            for f in found[:FINDINGS_PER_PACKAGE]
        ]
        if len(found) > FINDINGS_PER_PACKAGE:
            lines.append(f"   ... and {len(found) - FINDINGS_PER_PACKAGE} more")
    return lines


def coverage_lines(profile: Profile) -> list[str]:
    """The two shares of the dependencies' measured init time (origin `dependency`)."""
    c = profile.coverage
    if c is None:
        return []
    return [
        f"dependency init with a proposed fix: {pct(c.fixable_share)} of {ms(c.dependency_ms)} ms "
        f"({ms(c.fixable_ms)} ms in packages where a rule proposes a fix)",
        f"dependency init explained as unavoidable: {pct(c.unavoidable_share)} "
        f"({ms(c.unavoidable_ms)} ms in packages with {UNAVOIDABLE})",
    ]


ITEMS_PER_PACKAGE = 5  # init_work items shown per package with no fix


def work_line(item: dict[str, Any]) -> str:
    """One init_work item: where, what, and its fix or why none."""
    why = item.get("why_not") or f"fix: {item['fix']['rule']}: {item['fix']['message']}"
    return f"{Path(item['file']).name}:{item['line']} {item['kind']} {item['summary']} -- {why}"


def _no_fix_lines(profile: Profile, code: str = "") -> list[str]:
    lines = []
    for i, p in enumerate(without_fix(profile.packages), 1):
        lines.append(
            f"{i}. {code}{p.path}{code}  {ms(p.init_ms)} ms, {p.origin}, "
            f"{len(p.init_work)} thing(s) at init"
        )
        lines += [f"   {work_line(w)}" for w in p.init_work[:ITEMS_PER_PACKAGE]]
        lines += [f"   {note}" for note in [no_items_reason(p)] if note]
        if len(p.init_work) > ITEMS_PER_PACKAGE:
            lines.append(f"   ... and {len(p.init_work) - ITEMS_PER_PACKAGE} more")
    return lines


def top_packages(profile: Profile, count: int = TOP) -> list[PackageProfile]:
    """The costliest packages with init work; ties in init order."""
    traced = [p for p in profile.packages if p.init_index is not None]
    return sorted(traced, key=lambda p: (-p.init_ms, p.init_index))[:count]


def _module_name(m: ModuleProfile | PackageProfile) -> str:
    name = m.module if isinstance(m, PackageProfile) else m.path
    return name if name is not None else "(unknown)"


def _share_of(profile: Profile, value: float) -> float:
    return value / profile.attributed_ms if profile.attributed_ms > 0 else 0.0


def _package_counts(m: ModuleProfile, profile: Profile) -> str:
    traced = {p.path for p in profile.packages if p.init_index is not None}
    return f"{sum(p in traced for p in m.packages)} / {len(m.packages)}"


def _headline(profile: Profile) -> list[str]:
    run = " ".join([profile.pkg, *profile.args])
    flags = f" · build flags: {' '.join(profile.build_flags)}" if profile.build_flags else ""
    return [
        f"{run} · ready: {profile.ready} · {profile.runs} runs after {profile.warmup} warm-up "
        f"· {profile.go}{flags}",
        f"package init: {ms(profile.total_init_ms)} ms (median of the runs' sums of inittrace "
        f"clock) · wall time, exec to ready: {ms(profile.wall_ms)} ms · binary: "
        f"{profile.binary_bytes:,} B",
    ]


def _critical_lines(profile: Profile, code: str = "") -> list[str]:
    """One line per step; `code` quotes package paths (Markdown's backtick)."""
    return [
        f"{i}. {code}{s.path}{code}  {ms(s.init_ms)} ms  {pct(s.share)}  "
        f"(cumulative {pct(s.cumulative_share)})  via {' > '.join(s.chain)}"
        for i, s in enumerate(profile.critical_path, 1)
    ]


# ---------------------------------------------------------------------------- text

_PACKAGE_COLUMNS = ("package", "origin", "module", "ms", "share", "bytes", "allocs")
_MODULE_COLUMNS = ("module", "version", "origin", "ms", "share", "packages with init / linked")
_EXPLAIN_COLUMNS = ("findings", "est. saving ms")


def text(profile: Profile, console: Console) -> None:
    """Headline, the top packages and modules as tables, the critical path, warnings."""
    for line in _headline(profile):
        console.print(line, markup=False)
    packages = Table(
        title=f"top packages by init time (median inittrace clock; of {ms(profile.attributed_ms)} ms)",
        title_justify="left",
    )
    for col in (*_PACKAGE_COLUMNS, *_EXPLAIN_COLUMNS):
        right = col not in ("package", "origin", "module")
        packages.add_column(col, justify="right" if right else "left", no_wrap=True)
    for p in top_packages(profile):
        packages.add_row(
            p.path,
            p.origin,
            _module_name(p),
            ms(p.init_ms),
            pct(_share_of(profile, p.init_ms)),
            _count(p.bytes),
            _count(p.allocs),
            str(len(p.findings)),
            _saving(p.estimated_saving_ms),
        )
    console.print(packages)
    mods = Table(title="top modules by init time (sum of their packages)", title_justify="left")
    for col in (*_MODULE_COLUMNS, *_EXPLAIN_COLUMNS):
        right = col not in ("module", "version", "origin")
        mods.add_column(col, justify="right" if right else "left", no_wrap=True)
    for m in profile.modules[:TOP]:
        mods.add_row(
            _module_name(m),
            m.version or "-",
            m.origin,
            ms(m.init_ms),
            pct(m.share),
            _package_counts(m, profile),
            str(m.findings),
            _saving(m.estimated_saving_ms),
        )
    console.print(mods)
    console.print("critical path (costliest packages, cumulative share):", markup=False)
    for line in _critical_lines(profile) or ["(no package init time was measured)"]:
        console.print(line, markup=False)
    console.print("top findings (by estimated saving):", markup=False)
    for line in _finding_lines(profile) or ["(the rules found nothing)"]:
        console.print(line, markup=False)
    for line in coverage_lines(profile):
        console.print(line, markup=False)
    console.print(NO_FIX_TITLE + ":", markup=False)
    for line in _no_fix_lines(profile) or ["(none)"]:
        console.print(line, markup=False)
    for w in profile.warnings:
        console.print(f"warning: {w}", markup=False)


# ---------------------------------------------------------------------------- Markdown


def markdown_text(profile: Profile) -> str:
    lines = [
        "### Start-up: `codemod profile`",
        "",
        *(f"- {line}" for line in _headline(profile)),
        "",
        "| package | origin | module | init ms | share | bytes | allocs | findings | est. saving ms |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| `{p.path}` | {p.origin} | `{_module_name(p)}` | {ms(p.init_ms)} | "
            f"{pct(_share_of(profile, p.init_ms))} | {_count(p.bytes)} | {_count(p.allocs)} | "
            f"{len(p.findings)} | {_saving(p.estimated_saving_ms)} |"
            for p in top_packages(profile)
        ),
        "",
        "| module | version | origin | init ms | share | packages with init / linked | findings | est. saving ms |",
        "|---|---|---|---:|---:|---:|---:|---:|",
        *(
            f"| `{_module_name(m)}` | {m.version or '-'} | {m.origin} | {ms(m.init_ms)} | "
            f"{pct(m.share)} | {_package_counts(m, profile)} | {m.findings} | "
            f"{_saving(m.estimated_saving_ms)} |"
            for m in profile.modules[:TOP]
        ),
        "",
        "Critical path (costliest packages, cumulative share):",
        "",
        *_critical_lines(profile, code="`"),
        "",
        "Top findings (by estimated saving):",
        "",
        *_finding_lines(profile, code="`"),
        "",
        *(f"- {line}" for line in coverage_lines(profile)),
        "",
        NO_FIX_TITLE[0].upper() + NO_FIX_TITLE[1:] + ":",
        "",
        *(_no_fix_lines(profile, code="`") or ["(none)"]),
    ]
    lines += [f"\n> warning: {w}" for w in profile.warnings]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- JSON


def as_dict(profile: Profile) -> dict[str, Any]:
    """The document README documents."""
    return {
        "pkg": profile.pkg,
        "main_package": profile.main,
        "args": list(profile.args),
        "ready": profile.ready,
        "runs": profile.runs,
        "warmup": profile.warmup,
        "build_flags": list(profile.build_flags),
        "env": profile.env,
        "go": profile.go,
        "binary_bytes": profile.binary_bytes,
        "wall_ms": profile.wall_ms,
        "total_init_ms": profile.total_init_ms,
        "attributed_init_ms": profile.attributed_ms,
        "packages": [_package_dict(p, profile) for p in profile.packages],
        "modules": [
            {
                "path": m.path,
                "version": m.version,
                "origin": m.origin,
                "dir": m.dir,
                "replace": m.replace,
                "init_ms": m.init_ms,
                "share": m.share,
                "packages": list(m.packages),
                "findings": m.findings,
                "estimated_saving_ms": m.estimated_saving_ms,
            }
            for m in profile.modules
        ],
        "critical_path": [
            {
                "path": s.path,
                "init_ms": s.init_ms,
                "share": s.share,
                "cumulative_share": s.cumulative_share,
                "chain": list(s.chain),
            }
            for s in profile.critical_path
        ],
        "init_graph": {
            "nodes": [p.path for p in _graph_nodes(profile)],
            "edges": [list(e) for e in profile.edges],
        },
        "coverage": _coverage_dict(profile),
        "without_fix": [p.path for p in without_fix(profile.packages)],
        "warnings": profile.warnings,
    }


def _coverage_dict(profile: Profile) -> dict[str, float | str] | None:
    c = profile.coverage
    if c is None:
        return None
    return {
        "dependency_init_ms": c.dependency_ms,
        "fixable_ms": c.fixable_ms,
        "fixable_share": c.fixable_share,
        "unavoidable_ms": c.unavoidable_ms,
        "unavoidable_share": c.unavoidable_share,
        "unavoidable_means": UNAVOIDABLE,
    }


def _package_dict(p: PackageProfile, profile: Profile) -> dict[str, Any]:
    return {
        "path": p.path,
        "module": p.module,
        "version": p.version,
        "origin": p.origin,
        "dir": p.dir,
        "init_ms": p.init_ms,
        "share": _share_of(profile, p.init_ms),
        "start_ms": p.start_ms,
        "bytes": p.bytes,
        "allocs": p.allocs,
        "init_index": p.init_index,
        "imports": list(p.imports),
        "findings": p.findings,
        "estimated_saving_ms": p.estimated_saving_ms,
        "saving_basis": p.saving_basis,
        "skipped": p.skipped,
        "init_work": p.init_work,
        "init_work_note": no_items_reason(p),
    }


def json_text(profile: Profile) -> str:
    """Strict JSON: a NaN or infinity is a bug, and fails here rather than in a reader."""
    return json.dumps(as_dict(profile), indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------- graphs


def _graph_nodes(profile: Profile) -> list[PackageProfile]:
    """The packages with init work, in init order."""
    traced = [p for p in profile.packages if p.init_index is not None]
    return sorted(traced, key=lambda p: p.init_index or 0)


def _node_label(p: PackageProfile, profile: Profile, newline: str) -> str:
    return f"{p.path}{newline}{ms(p.init_ms)} ms · {pct(_share_of(profile, p.init_ms))}"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_text(profile: Profile) -> str:
    """Graphviz: one box per package with init work (fill: origin; red border: on the
    critical path), an arrow from importer to imported (initialised first)."""
    critical = {s.path for s in profile.critical_path}
    lines = [
        "digraph init {",
        f"  label={_dot_quote(_headline(profile)[1])};",
        "  labelloc=t;",
        '  node [shape=box, style="filled,rounded", fontname="Helvetica"];',
    ]
    for p in _graph_nodes(profile):
        label = _dot_quote(_node_label(p, profile, "\n")).replace("\n", "\\n")
        attrs = [
            f"label={label}",
            f'fillcolor="{_ORIGIN_COLOURS[p.origin]}"',
        ]
        if p.path in critical:
            attrs += [f'color="{_CRITICAL}"', "penwidth=3"]
        lines.append(f"  {_dot_quote(p.path)} [{', '.join(attrs)}];")
    lines += [f"  {_dot_quote(a)} -> {_dot_quote(b)};" for a, b in profile.edges]
    return "\n".join([*lines, "}"]) + "\n"


def _mermaid_label(text: str) -> str:
    return '"' + text.replace("&", "#amp;").replace('"', "#quot;") + '"'


def mermaid_text(profile: Profile) -> str:
    """A Mermaid flowchart of the same graph as dot_text."""
    nodes = _graph_nodes(profile)
    ids = {p.path: f"p{i}" for i, p in enumerate(nodes)}
    lines = ["flowchart TD"]
    lines += [f"  {ids[p.path]}[{_mermaid_label(_node_label(p, profile, '<br/>'))}]" for p in nodes]
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in profile.edges if a in ids and b in ids]
    for origin, colour in _ORIGIN_COLOURS.items():
        lines.append(f"  classDef origin_{origin} fill:{colour},stroke:#555")
    lines.append(f"  classDef critical stroke:{_CRITICAL},stroke-width:3px")
    for origin in _ORIGIN_COLOURS:
        members = [ids[p.path] for p in nodes if p.origin == origin]
        if members:
            lines.append(f"  class {','.join(members)} origin_{origin}")
    critical = [ids[s.path] for s in profile.critical_path if s.path in ids]
    if critical:
        lines.append(f"  class {','.join(critical)} critical")
    return "\n".join(lines) + "\n"


def text_string(profile: Profile) -> str:
    buffer = io.StringIO()
    text(profile, Console(file=buffer, width=180, highlight=False, color_system=None))
    return buffer.getvalue()


def render(profile: Profile, fmt: str) -> str:
    """Any format, as a string (text without colour)."""
    return {
        "text": text_string,
        "json": json_text,
        "markdown": markdown_text,
        "dot": dot_text,
        "mermaid": mermaid_text,
    }[fmt](profile)
