"""`codemod profile --format html`: one self-contained page (inline CSS and SVG, no script,
no request to anything: its Content-Security-Policy forbids it) made from the profile's
JSON document, so that a saved `--format json` output can be compared with it
(`--compare`), package by package and module by module.

Sections: the headline, init time per module and per package as bars (before/after with a
comparison), the rules' findings with links to the source files, the coverage shares and
what runs at init in the costliest packages with no fix, the init graph as SVG
(laid out here: layers by longest path from the main package, the costliest packages
only, the rest collapsed), and the critical path. Every text from the document is escaped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePath
from typing import Any

from codemod.graphs import init_edges
from codemod.render import ms, pct

BARS = 15  # packages in the bar chart (as many as the text and Markdown tables)
GRAPH_NODES = 40  # packages drawn in the init graph; the rest are collapsed
ROW_WIDTH = 1150  # px: a wider graph layer wraps onto more rows (fits a 1280 px window)

ORIGIN_COLOURS = {  # bars and the graph's origin stripe
    "main": "#3182bd",
    "dependency": "#e6550d",
    "std": "#969696",
    "unknown": "#636363",
}
BEFORE_COLOUR = "#c6dbef"

Doc = Mapping[str, Any]


# ---------------------------------------------------------------------------- input


def load_document(path: Path) -> dict[str, Any]:
    """A saved `codemod profile --format json` output, checked for what the comparison
    reads; ValueError with one line naming the file otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValueError(f"{path}: cannot read: {reason}") from None
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON: {' '.join(str(exc).split())}") from None
    problem = _shape_problem(doc)
    if problem:
        raise ValueError(f"{path}: not a `codemod profile --format json` document: {problem}")
    return dict(doc)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not strict JSON")


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shape_problem(doc: object) -> str | None:
    if not isinstance(doc, dict):
        return "not a JSON object"
    if not _number(doc.get("total_init_ms")):
        return "no number total_init_ms"
    for key, path_types in (("packages", (str,)), ("modules", (str, type(None)))):
        items = doc.get(key)
        if not isinstance(items, list):
            return f"no list {key}"
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("path"), path_types):
                return f"{key}[{i}] has no path"
            if not _number(item.get("init_ms")):
                return f"{key}[{i}] has no number init_ms"
    return None


# ---------------------------------------------------------------------------- page


def html_text(doc: Doc, before: Doc | None = None) -> str:
    """The whole page for `doc` (render_profile.as_dict's document), compared with `before`
    (an earlier one) when given."""
    title = f"codemod profile: {doc.get('main_package') or doc['pkg']}"
    body = [
        f"<h1>{escape(title)}</h1>",
        _headline(doc, before),
        _warnings(doc),
        _section("Init time per module", _module_bars(doc, before)),
        _section("Init time per package", _package_bars(doc, before)),
        _section("Findings", _findings(doc)),
        _section("No fix: what runs at init, and why", _no_fix(doc)),
        _section("Init graph", _graph(doc)),
        _section("Critical path", _critical_path(doc)),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
table { border-collapse: collapse; }
th, td { padding: 2px 8px; text-align: left; vertical-align: top; }
thead th { border-bottom: 1px solid #999; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #f6f6f6; }
td.bars { width: 420px; min-width: 200px; }
.bar { height: 10px; margin: 1px 0; border-radius: 2px; }
.before { background: #c6dbef; }
.legend span { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.note { color: #555; }
.warn { color: #a63603; }
.faster { color: #238b45; } .slower { color: #cb181d; }
.graph { overflow: auto; border: 1px solid #ddd; }
table.findings { width: 100%; }
table.findings td.mono { white-space: nowrap; }
td.message { min-width: 360px; }
"""


def _section(title: str, content: str) -> str:
    return f"<h2>{escape(title)}</h2>\n{content}"


def _headline(doc: Doc, before: Doc | None) -> str:
    run = " ".join([doc["pkg"], *doc.get("args", ())])
    flags = " ".join(doc.get("build_flags", ()))
    lines = [
        f"<code>{escape(run)}</code> · ready: {escape(str(doc.get('ready')))} · "
        f"{doc.get('runs')} runs after {doc.get('warmup')} warm-up · {escape(str(doc.get('go')))}"
        + (f" · build flags: <code>{escape(flags)}</code>" if flags else ""),
        f"package init: <b>{ms(doc['total_init_ms'])} ms</b> (median of the runs' sums of "
        f"inittrace clock) · wall time, exec to ready: {ms(doc.get('wall_ms', 0.0))} ms · "
        f"binary: {doc.get('binary_bytes', 0):,} B",
    ]
    if before is not None:
        was, now = before["total_init_ms"], doc["total_init_ms"]
        lines.append(
            f"compared with <code>{escape(str(before.get('pkg', '?')))}</code> "
            f"({escape(str(before.get('go', '?')))}, {before.get('runs', '?')} runs): package "
            f"init {ms(was)} ms → {ms(now)} ms {_change(was, now)}"
        )
    return "<p>" + "<br>\n".join(lines) + "</p>"


def _change(was: float, now: float) -> str:
    """The difference, signed, in ms and percent, coloured."""
    delta = now - was
    cls = "slower" if delta > 0 else "faster" if delta < 0 else "note"
    pct = f", {100 * delta / was:+.0f}%" if was > 0 else ""
    return f'<span class="{cls}">({delta:+.3f} ms{pct})</span>'


def _warnings(doc: Doc) -> str:
    return "".join(f'<p class="warn">warning: {escape(w)}</p>\n' for w in doc.get("warnings", ()))


# ---------------------------------------------------------------------------- bars


@dataclass(frozen=True)
class Bar:
    label: str
    origin: str
    now: float
    was: float | None  # the compared document's value; None without a comparison


def _module_bars(doc: Doc, before: Doc | None) -> str:
    rows = _bars(doc["modules"], before["modules"] if before else None, len(doc["modules"]))
    return _bar_table(rows, "module", before is not None, "")


def _package_bars(doc: Doc, before: Doc | None) -> str:
    traced = _traced(doc)
    was = _traced(before) if before else None
    count = len({p["path"] for p in traced} | {p["path"] for p in was or ()})
    rows = _bars(traced, was, BARS)
    what = "in either profile " if before else ""
    note = (
        f"The {len(rows)} costliest of the {count} packages with init work {what}(the rest "
        "are in the JSON document)."
        if len(rows) < count
        else f"All {count} packages with init work {what}".rstrip() + "."
    )
    return _bar_table(rows, "package", before is not None, note)


def _traced(doc: Doc) -> list[Doc]:
    """The packages with init work (an earlier document may lack init_index: its time)."""
    return [
        p
        for p in doc["packages"]
        if p.get("init_index") is not None or ("init_index" not in p and p["init_ms"] > 0)
    ]


def _bars(items: Sequence[Doc], was: Sequence[Doc] | None, count: int) -> list[Bar]:
    """The costliest `count` entries, by path, in either document."""
    now = {_name(i["path"]): i for i in items}
    old = {_name(i["path"]): i for i in was or ()}
    names = sorted(
        now.keys() | old.keys(),
        key=lambda n: (-max(_ms_of(now.get(n)), _ms_of(old.get(n))), n),
    )
    return [
        Bar(
            name,
            str((now.get(name) or old.get(name) or {}).get("origin", "unknown")),
            _ms_of(now.get(name)),
            _ms_of(old.get(name)) if was is not None else None,
        )
        for name in names[:count]
    ]


def _name(path: str | None) -> str:
    return path if path is not None else "(unknown)"


def _ms_of(item: Doc | None) -> float:
    return float(item["init_ms"]) if item else 0.0


def _bar_table(rows: Sequence[Bar], what: str, compare: bool, note: str) -> str:
    top = max([b.now for b in rows] + [b.was or 0.0 for b in rows] + [1e-9])
    head = f"<th>{what}</th><th></th><th>ms</th>" + (
        "<th>before</th><th>change</th>" if compare else ""
    )
    body = [_bar_row(b, top, compare) for b in rows]
    legend = _legend(compare)
    return (
        (f'<p class="note">{escape(note)}</p>\n' if note else "")
        + f"{legend}<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>"
    )


def _bar_row(bar: Bar, top: float, compare: bool) -> str:
    colour = ORIGIN_COLOURS.get(bar.origin, ORIGIN_COLOURS["unknown"])
    bars = _bar_div(bar.now, top, colour, f"{bar.label}: {ms(bar.now)} ms")
    cells = f'<td class="num">{ms(bar.now)}</td>'
    if compare:
        was = bar.was or 0.0
        bars = _bar_div(was, top, BEFORE_COLOUR, f"before: {ms(was)} ms") + bars
        cells += f'<td class="num">{ms(was)}</td><td class="num">{_change(was, bar.now)}</td>'
    return f'<tr><td class="mono">{escape(bar.label)}</td><td class="bars">{bars}</td>{cells}</tr>'


def _bar_div(value: float, top: float, colour: str, tip: str) -> str:
    width = max(0.0, min(100.0, 100 * value / top))
    return (
        f'<div class="bar" title="{escape(tip)}" '
        f'style="width:{width:.2f}%;background:{colour}"></div>'
    )


def _legend(compare: bool) -> str:
    keys = [(colour, origin) for origin, colour in ORIGIN_COLOURS.items()]
    if compare:
        keys.append((BEFORE_COLOUR, "before (the compared profile)"))
    spans = "".join(
        f'<span><i class="swatch" style="background:{c}"></i>{escape(t)}</span>' for c, t in keys
    )
    return f'<p class="legend">{spans}</p>\n'


# ---------------------------------------------------------------------------- findings


def _findings(doc: Doc) -> str:
    """One row per finding, grouped by package, costliest first: the package, its init
    time and estimated saving on its first row only (the saving is the package's)."""
    rows = []
    for p in sorted(doc["packages"], key=lambda p: (-p["init_ms"], p["path"])):
        for i, f in enumerate(p.get("findings") or ()):
            rows.append(_finding_row(p, f, first=i == 0))
    if not rows:
        return '<p class="note">No findings in this profile.</p>'
    head = (
        "<th>package</th><th>init ms</th><th>est. saving ms</th><th>rule</th><th>fix</th>"
        "<th>where</th><th>message</th>"
    )
    return (
        f'<table class="findings">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


def _finding_row(package: Doc, finding: Doc, first: bool = True) -> str:
    saving = package.get("estimated_saving_ms")
    saved = ms(saving) if isinstance(saving, (int, float)) else "-"
    cells = [
        f'<td class="mono">{escape(package["path"]) if first else ""}</td>',
        f'<td class="num">{ms(package["init_ms"]) if first else ""}</td>',
        f'<td class="num">{saved if first else ""}</td>',
        f"<td>{escape(str(finding.get('rule', '')))}</td>",
        f"<td>{escape(str(finding.get('fix') or '-'))}</td>",
        f'<td class="mono">{_source_link(package.get("dir"), finding)}</td>',
        f'<td class="message">{escape(str(finding.get("message", "")))}</td>',
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _source_link(directory: str | None, finding: Doc) -> str:
    """`file.go:line` (the package column says where the file is), linked to the file,
    its whole path in the tooltip (file:// URLs have no line anchors, so the line is
    text); a relative file is under the package's directory."""
    file, line = str(finding.get("file", "")), finding.get("line")
    path = PurePath(file)
    if not path.is_absolute() and directory:
        path = PurePath(directory) / path
    shown = path.name if path.name else file
    where = f"{shown}:{line}" if line is not None else shown
    if not file or not path.is_absolute():
        return escape(where)
    uri = escape(Path(path).as_uri())
    return f'<a href="{uri}" title="{escape(str(path))}">{escape(where)}</a>'


# ---------------------------------------------------------------------------- no fix


def _no_fix(doc: Doc) -> str:
    """The two coverage shares, then the costliest packages with no proposed fix
    (`without_fix`), each with what runs at its init and why it has no fix."""
    parts = []
    c = doc.get("coverage")
    if isinstance(c, dict):
        parts.append(
            f"<p>dependency init with a proposed fix: <b>{pct(c['fixable_share'])}</b> of "
            f"{ms(c['dependency_init_ms'])} ms ({ms(c['fixable_ms'])} ms)<br>\n"
            f"dependency init explained as unavoidable: <b>{pct(c['unavoidable_share'])}</b> "
            f"({ms(c['unavoidable_ms'])} ms in packages with "
            f"{escape(str(c.get('unavoidable_means', '')))})</p>"
        )
    info = {p["path"]: p for p in doc["packages"]}
    rows = []
    for path in doc.get("without_fix") or ():
        p = info.get(path)
        for i, w in enumerate((p or {}).get("init_work") or ()):
            rows.append(_work_row(p or {}, w, first=i == 0))
        if p and p.get("init_work_note"):
            rows.append(_work_row(p, {"why_not": p["init_work_note"]}, first=True))
    if not rows:
        return "\n".join([*parts, '<p class="note">No package without a fix does init work.</p>'])
    head = "<th>package</th><th>init ms</th><th>kind</th><th>where</th><th>what</th><th>why no fix</th>"
    return "\n".join(
        [
            *parts,
            f'<table class="findings">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows)
            + "\n</tbody></table>",
        ]
    )


def _work_row(package: Doc, item: Doc, first: bool) -> str:
    fix = item.get("fix")
    why = item.get("why_not") or (f"fix: {fix.get('rule')}: {fix.get('message')}" if fix else "")
    cells = [
        f'<td class="mono">{escape(str(package.get("path", ""))) if first else ""}</td>',
        f'<td class="num">{ms(package.get("init_ms", 0.0)) if first else ""}</td>',
        f"<td>{escape(str(item.get('kind', '')))}</td>",
        f'<td class="mono">{_source_link(package.get("dir"), item)}</td>',
        f'<td class="mono">{escape(str(item.get("summary", "")))}</td>',
        f'<td class="message">{escape(str(why))}</td>',
    ]
    return "<tr>" + "".join(cells) + "</tr>"


# ---------------------------------------------------------------------------- critical path


def _critical_path(doc: Doc) -> str:
    steps = doc.get("critical_path") or []
    if not steps:
        return '<p class="note">No package init time was measured.</p>'
    rows = [
        f'<tr><td class="num">{i}</td><td class="mono">{escape(s["path"])}</td>'
        f'<td class="num">{ms(s["init_ms"])}</td><td class="num">{pct(s["share"])}</td>'
        f'<td class="num">{pct(s["cumulative_share"])}</td>'
        f'<td class="mono">{escape(" > ".join(s.get("chain", ())))}</td></tr>'
        for i, s in enumerate(steps, 1)
    ]
    return (
        '<p class="note">The costliest packages, costliest first, until they make up 80% of '
        "the init time; each with the import chain that links it.</p>\n"
        "<table>\n<thead><tr><th>#</th><th>package</th><th>ms</th><th>share</th>"
        "<th>cumulative</th><th>linked through</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>"
    )


# ---------------------------------------------------------------------------- graph


@dataclass
class Node:
    path: str
    init_ms: float
    share: float
    origin: str
    critical: bool
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0


FONT_W, LINE_H, GAP_X, GAP_Y, PAD = 6.6, 13.0, 14.0, 46.0, 12.0
LABEL_CHARS = 36


def _graph(doc: Doc, limit: int = GRAPH_NODES) -> str:
    order = list(doc["init_graph"]["nodes"])
    if not order:
        return '<p class="note">No package did init work.</p>'
    nodes, edges, hidden = collapse(doc, limit)
    layout(nodes, edges)
    note = (
        f"The {len(nodes)} costliest of the {len(order)} packages with init work "
        f"({ms(sum(hidden.values()))} ms in the {len(hidden)} others, collapsed: an arrow "
        "may go through them)."
        if hidden
        else f"All {len(order)} packages with init work."
    )
    legend = (
        '<p class="legend"><span>an arrow goes from importer to imported, initialised first</span>'
        "<span>fill: init time (darker is slower); height: init time</span>"
        "<span>left stripe: origin</span><span>black outline: on the critical path</span></p>"
    )
    return f'<p class="note">{escape(note)}</p>\n{legend}\n<div class="graph">{_svg(nodes, edges)}</div>'


def collapse(doc: Doc, limit: int) -> tuple[list[Node], list[tuple[str, str]], dict[str, float]]:
    """The costliest `limit` packages of the init graph (the main package, initialised
    last, always among them), in init order; the edges among them, through the collapsed
    packages, transitively reduced; and the collapsed packages with their time."""
    order = list(doc["init_graph"]["nodes"])
    info = {p["path"]: p for p in doc["packages"]}
    ranked = sorted(order[:-1], key=lambda n: (-info[n]["init_ms"], order.index(n)))
    kept = set(ranked[: max(0, limit - 1)]) | {order[-1]}
    successors: dict[str, list[str]] = {n: [] for n in order}
    for a, b in doc["init_graph"]["edges"]:
        successors[a].append(b)
    shown = [n for n in order if n in kept]
    critical = {s["path"] for s in doc.get("critical_path") or ()}
    nodes = [
        Node(n, info[n]["init_ms"], info[n].get("share", 0.0), info[n]["origin"], n in critical)
        for n in shown
    ]
    hidden = {n: info[n]["init_ms"] for n in order if n not in kept}
    return nodes, init_edges(shown, successors), hidden


def layout(nodes: Sequence[Node], edges: Sequence[tuple[str, str]]) -> None:
    """Layers by the longest path from the roots (importers above what they import), each
    layer ordered by the barycentre of its neighbours, wrapped at ROW_WIDTH."""
    by_path = {n.path: n for n in nodes}
    importers: dict[str, list[str]] = {n.path: [] for n in nodes}
    for a, b in edges:
        importers[b].append(a)
    for n in reversed(nodes):  # importers are initialised after what they import
        n.layer = max((by_path[a].layer + 1 for a in importers[n.path]), default=0)
    top = max((n.init_ms for n in nodes), default=0.0) or 1.0
    for n in nodes:
        n.width = max(len(line) for line in _node_lines(n)) * FONT_W + 2 * PAD
        n.height = 2 * LINE_H + 8 + 20 * math.sqrt(n.init_ms / top)
    rows = _rows(_ordered_layers(nodes, edges))
    widest = max(sum(n.width for n in row) + GAP_X * (len(row) - 1) for row in rows)
    y = PAD
    for row in rows:
        tallest = max(n.height for n in row)
        x = PAD + (widest - sum(n.width for n in row) - GAP_X * (len(row) - 1)) / 2
        for n in row:
            n.x, n.y = x, y + (tallest - n.height) / 2
            x += n.width + GAP_X
        y += tallest + GAP_Y


def _ordered_layers(nodes: Sequence[Node], edges: Sequence[tuple[str, str]]) -> list[list[Node]]:
    layers: list[list[Node]] = [[] for _ in range(1 + max(n.layer for n in nodes))]
    for n in nodes:
        layers[n.layer].append(n)
    neighbours: dict[str, list[str]] = {n.path: [] for n in nodes}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    for _ in range(4):  # a few sweeps of the barycentre heuristic against crossings
        position = {n.path: i for layer in layers for i, n in enumerate(layer)}
        for layer in layers:
            current = {n.path: i for i, n in enumerate(layer)}
            layer.sort(key=lambda n: _barycentre(n, neighbours, position, current))
    return layers


def _barycentre(
    node: Node,
    neighbours: Mapping[str, list[str]],
    position: Mapping[str, int],
    own: Mapping[str, int],
) -> tuple[float, int]:
    near = [position[m] for m in neighbours[node.path]]
    return (sum(near) / len(near) if near else own[node.path], own[node.path])


def _rows(layers: Sequence[Sequence[Node]]) -> list[list[Node]]:
    """Each layer as rows no wider than ROW_WIDTH (a node wider than that alone)."""
    rows: list[list[Node]] = []
    for layer in layers:
        row: list[Node] = []
        for n in layer:
            if row and sum(m.width + GAP_X for m in row) + n.width > ROW_WIDTH:
                rows.append(row)
                row = []
            row.append(n)
        rows.append(row)
    return rows


def _svg(nodes: Sequence[Node], edges: Sequence[tuple[str, str]]) -> str:
    by_path = {n.path: n for n in nodes}
    width = max(n.x + n.width for n in nodes) + PAD
    height = max(n.y + n.height for n in nodes) + PAD
    top = max((n.init_ms for n in nodes), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="ui-monospace, monospace" '
        'font-size="11" role="img" aria-label="init graph">',
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#888"/></marker></defs>',
    ]
    for a, b in edges:
        parts.append(_edge(by_path[a], by_path[b]))
    for n in nodes:
        parts.append(_node(n, top))
    return "\n".join([*parts, "</svg>"])


def _edge(src: Node, dst: Node) -> str:
    x1, y1 = src.x + src.width / 2, src.y + src.height
    x2, y2 = dst.x + dst.width / 2, dst.y
    bend = max(20.0, (y2 - y1) / 2)
    return (
        f'<path d="M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} '
        f'{x2:.1f},{y2:.1f}" fill="none" stroke="#aaa" stroke-width="1" marker-end="url(#arrow)"/>'
    )


def _node(n: Node, top: float) -> str:
    heat = math.sqrt(n.init_ms / top)
    fill = _heat_colour(heat)
    ink = "#fff" if heat > 0.6 else "#222"
    label, numbers = _node_lines(n)
    stroke = 'stroke="#000" stroke-width="2.5"' if n.critical else 'stroke="#999" stroke-width="1"'
    cx, cy = n.x + n.width / 2, n.y + n.height / 2
    stripe = ORIGIN_COLOURS.get(n.origin, ORIGIN_COLOURS["unknown"])
    return (
        f"<g><title>{escape(n.path)}: {ms(n.init_ms)} ms, {pct(n.share)} ({escape(n.origin)})</title>"
        f'<rect x="{n.x:.1f}" y="{n.y:.1f}" width="{n.width:.1f}" height="{n.height:.1f}" rx="4" '
        f'fill="{fill}" {stroke}/>'
        f'<rect x="{n.x + 1.5:.1f}" y="{n.y + 1.5:.1f}" width="5" height="{n.height - 3:.1f}" '
        f'fill="{stripe}"/>'
        f'<text x="{cx:.1f}" y="{cy - 2:.1f}" text-anchor="middle" fill="{ink}">{escape(label)}</text>'
        f'<text x="{cx:.1f}" y="{cy + LINE_H - 2:.1f}" text-anchor="middle" fill="{ink}">'
        f"{escape(numbers)}</text></g>"
    )


def _node_lines(n: Node) -> tuple[str, str]:
    """The path (its end, when long: the full path is the node's tooltip) and the time."""
    label = n.path if len(n.path) <= LABEL_CHARS else "…" + n.path[-(LABEL_CHARS - 1) :]
    return label, f"{ms(n.init_ms)} ms · {pct(n.share)}"


def _heat_colour(heat: float) -> str:
    """From pale yellow (no time) to dark red (the slowest package)."""
    low, high = (255, 247, 188), (189, 0, 38)
    rgb = [round(a + (b - a) * max(0.0, min(1.0, heat))) for a, b in zip(low, high, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in rgb)
