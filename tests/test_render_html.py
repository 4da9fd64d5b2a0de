"""`codemod profile --format html`: one self-contained page. Its parts on made-up
profiles (escaping, source links, before/after bars, the collapsed and laid-out init
graph, the --compare file's checks), and the real report of testdata/profile/slowapp
loaded in a real headless browser (Debian's chromium): no console message, a screenshot
that is not blank."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from codemod import profile, render, render_html, render_profile
from tests.conftest import REPO
from tests.test_cli import run
from tests.test_profile import DEP, SLOWAPP, one_line_error, strict_json

SCRIPT_MESSAGE = 'builds a <script>alert("x")</script> table & more at start'

# ---------------------------------------------------------------------------- made-up profiles


def _pkg(path: str, ms: float, index: int | None, **kw: Any) -> profile.PackageProfile:
    origin = kw.pop("origin", "dependency")
    return profile.PackageProfile(
        path,
        "example.com/dep",
        "v1.0.0",
        origin,
        kw.pop("dir", None),
        ms,
        None,
        0,
        0,
        (),
        index,
        **kw,
    )


def made_profile(
    packages: list[profile.PackageProfile], edges: list[tuple[str, str]]
) -> dict[str, Any]:
    """render_profile's document for these packages (init order: init_index)."""
    attributed = sum(p.init_ms for p in packages)
    root = max((p for p in packages if p.init_index is not None), key=lambda p: p.init_index or 0)
    imports = {a: [b for x, b in edges if x == a] for a, _ in edges}
    doc = profile.Profile(
        pkg="./cmd/app",
        args=("-version",),
        ready="exit",
        runs=20,
        warmup=3,
        build_flags=(),
        env={},
        go="go1.99",
        binary_bytes=1000,
        wall_ms=9.0,
        total_init_ms=attributed,
        attributed_ms=attributed,
        packages=packages,
        modules=profile.modules(packages, attributed),
        critical_path=profile.critical_path(packages, attributed, root.path, imports),
        edges=edges,
        warnings=["only 5 runs: <noisy> & small"],
    )
    return render_profile.as_dict(doc)


def test_the_title_names_the_main_package_even_without_init_work() -> None:
    """goawk's main package runs no init: the last package initialised is a library."""
    doc = made_profile([_pkg("example.com/lib", 1.0, 0)], [])
    doc["main_package"] = "example.com/app/cmd/app"
    page = render_html.html_text(doc)
    assert "<h1>codemod profile: example.com/app/cmd/app</h1>" in page
    del doc["main_package"]  # an older document: its --pkg
    assert "<h1>codemod profile: ./cmd/app</h1>" in render_html.html_text(doc)


def with_findings(tmp_path: Path) -> dict[str, Any]:
    finding = {
        "rule": "lazy-init",
        "file": "tables.go",
        "line": 12,
        "message": SCRIPT_MESSAGE,
        "fix": "safe",
    }
    absolute = {
        "rule": "debug-imports",
        "file": str(tmp_path / "a b" / "main.go"),
        "line": 3,
        "message": "pprof",
        "fix": None,
    }
    packages = [
        _pkg(
            "example.com/dep",
            2.0,
            0,
            dir=str(tmp_path / "dep"),
            findings=[finding],
            estimated_saving_ms=1.5,
        ),
        _pkg("example.com/app", 0.5, 1, origin="main", findings=[absolute]),
    ]
    return made_profile(packages, [("example.com/app", "example.com/dep")])


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    return tags


def test_findings_are_escaped_and_link_their_files(tmp_path: Path) -> None:
    page = render_html.html_text(with_findings(tmp_path))
    tags = parse(page)
    assert "script" not in {tag for tag, _ in tags.tags}  # the message stays text
    assert SCRIPT_MESSAGE in "".join(tags.text)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; table &amp; more" in page
    assert "warning: only 5 runs: &lt;noisy&gt; &amp; small" in page
    links = {a["href"]: a for tag, a in tags.tags if tag == "a"}
    assert (tmp_path / "dep" / "tables.go").as_uri() in links  # relative: in the package dir
    assert (tmp_path / "a b" / "main.go").as_uri() in links  # %20, not a space
    text = " ".join("".join(tags.text).split())
    assert "tables.go:12" in text and "main.go:3" in text
    finding_row = (
        '<tr><td class="mono">example.com/dep</td><td class="num">2.000</td>'
        '<td class="num">1.500</td><td>lazy-init</td><td>safe</td>'
    )
    assert finding_row in page
    assert '<td class="num">-</td><td>debug-imports</td><td>-</td>' in page
    # The link shows the file's name (the package column says where); the tooltip, all.
    absolute = links[(tmp_path / "a b" / "main.go").as_uri()]
    assert absolute["title"] == str(tmp_path / "a b" / "main.go")
    assert f">{tmp_path}" not in page


def test_a_package_is_named_once_above_its_findings(tmp_path: Path) -> None:
    doc = with_findings(tmp_path)
    (dep,) = [p for p in doc["packages"] if p["path"] == "example.com/dep"]
    dep["findings"] = [*dep["findings"], {**dep["findings"][0], "line": 13}]
    page = render_html.html_text(doc)
    findings = page.partition('<table class="findings">')[2].partition("</table>")[0]
    assert findings.count('<td class="mono">example.com/dep</td>') == 1
    assert (
        '<tr><td class="mono"></td><td class="num"></td><td class="num"></td><td>lazy-init</td>'
        in findings
    )


def test_the_page_asks_nothing_of_the_network(tmp_path: Path) -> None:
    page = render_html.html_text(with_findings(tmp_path))
    tags = parse(page)
    for tag, attrs in tags.tags:
        assert "src" not in attrs, tag
        href = attrs.get("href") or ""
        assert href == "" or href.startswith(("file://", "data:", "#")), href
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\")", page)
    assert ("meta", {"http-equiv": "Content-Security-Policy"}) in [
        (t, {k: v for k, v in a.items() if k == "http-equiv"}) for t, a in tags.tags
    ]
    assert "default-src 'none'" in page and "<script" not in page


def test_no_findings_says_so() -> None:
    doc = made_profile([_pkg("a", 1.0, 0), _pkg("main", 0.1, 1, origin="main")], [("main", "a")])
    assert "No findings" in render_html.html_text(doc)


def test_compare_puts_before_and_after_side_by_side() -> None:
    now = made_profile(
        [_pkg("a", 1.0, 0), _pkg("new", 0.5, 1), _pkg("main", 0.1, 2, origin="main")],
        [("main", "a"), ("main", "new")],
    )
    was = made_profile(
        [_pkg("a", 4.0, 0), _pkg("gone", 2.0, 1), _pkg("main", 0.1, 2, origin="main")],
        [("main", "a"), ("main", "gone")],
    )
    page = render_html.html_text(now, was)
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<tr><td class="mono">([^<]+)</td><td class="bars">.*?</tr>', page)
    }
    assert "package init 6.100 ms → 1.600 ms" in page
    assert '<td class="num">1.000</td><td class="num">4.000</td>' in rows["a"]
    assert "(-3.000 ms, -75%)" in rows["a"]
    assert '<td class="num">0.000</td><td class="num">2.000</td>' in rows["gone"]
    assert "(+0.500 ms)" in rows["new"]  # no percentage of nothing
    assert rows["a"].count('class="bar"') == 2
    assert "All 4 packages with init work in either profile." in page
    assert "before (the compared profile)" in page
    module = rows["example.com/dep"]
    assert '<td class="num">1.600</td><td class="num">6.100</td>' in module


def chain_graph(count: int) -> dict[str, Any]:
    """`count` packages initialised p0 first; each imports the one before it and p0, main
    (the last) imports every tenth; p7 is by far the slowest."""
    names = [f"example.com/dep/p{i}" for i in range(count - 1)] + ["example.com/app"]
    packages = [
        _pkg(
            n,
            5.0 if i == 7 else 0.01 * (i % 13),
            i,
            origin="main" if i == count - 1 else "dependency",
        )
        for i, n in enumerate(names)
    ]
    edges = [(names[i], names[i - 1]) for i in range(1, count - 1)]
    edges += [(names[i], names[0]) for i in range(2, count - 1)]
    edges += [(names[-1], names[i]) for i in range(0, count - 1, 10)]
    return made_profile(
        packages, profile.init_edges(names, {a: [b for x, b in edges if x == a] for a in names})
    )


def test_a_big_graph_keeps_the_costliest_and_says_what_it_collapsed() -> None:
    doc = chain_graph(130)
    nodes, edges, hidden = render_html.collapse(doc, 40)
    paths = [n.path for n in nodes]
    assert len(nodes) == 40 and len(hidden) == 90 and "example.com/app" in paths
    assert "example.com/dep/p7" in paths
    ms = {p["path"]: p["init_ms"] for p in doc["packages"]}
    assert min(ms[p] for p in paths if p != "example.com/app") >= max(hidden.values())
    # the chain p128 -> p127 -> ... -> p0, main -> p120, runs through collapsed packages:
    # each kept package leads to the next kept one down the chain, and main to the first
    chain = sorted(
        (p for p in paths if p != "example.com/app"), key=lambda p: int(p.rsplit("p", 1)[1])
    )
    first = [p for p in chain if int(p.rsplit("p", 1)[1]) <= 120][-1]  # p121-p128: roots
    expected = {(b, a) for a, b in itertools.pairwise(chain)} | {("example.com/app", first)}
    assert set(edges) == expected
    page = render_html.html_text(doc)
    assert "The 40 costliest of the 130 packages with init work" in page
    assert "The 15 costliest of the 130 packages with init work (the rest" in page
    assert re.search(r'<tr><td class="mono">example.com/dep/p7</td><td class="bars">', page)
    assert "in the 90 others, collapsed" in page
    assert page.count("<g><title>") == 40


def test_layout_layers_by_longest_path_and_nothing_overlaps() -> None:
    doc = chain_graph(60)
    nodes, edges, _ = render_html.collapse(doc, 60)
    render_html.layout(nodes, edges)
    at = {n.path: n for n in nodes}
    for a, b in edges:
        assert at[a].layer < at[b].layer and at[a].y + at[a].height < at[b].y, (a, b)
        assert all(at[b].layer >= at[x].layer + 1 for x, y in edges if y == b)
    assert at["example.com/app"].layer == 0
    assert at["example.com/dep/p0"].layer == max(n.layer for n in nodes)
    boxes = sorted((n.y, n.x, n.x + n.width, n.path) for n in nodes)
    for (y1, _, right, p1), (y2, left, _, p2) in itertools.pairwise(boxes):
        assert y1 != y2 or right <= left, (p1, p2)


def test_critical_path_is_listed_and_outlined(tmp_path: Path) -> None:
    page = render_html.html_text(with_findings(tmp_path))
    assert re.search(r"<td class=\"num\">1</td><td class=\"mono\">example.com/dep</td>", page)
    assert "example.com/app &gt; example.com/dep" in page
    dep_node = re.search(r"<g><title>example.com/dep:.*?</g>", page)
    assert dep_node and 'stroke="#000"' in dep_node.group(0)


# ---------------------------------------------------------------------------- --compare


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{", "not JSON"),
        ('{"total_init_ms": NaN, "packages": [], "modules": []}', "NaN is not strict JSON"),
        ("[1]", "not a JSON object"),
        ('{"total_init_ms": 1, "modules": []}', "no list packages"),
        (
            '{"total_init_ms": 1, "packages": [{"path": "a"}], "modules": []}',
            "packages[0] has no number init_ms",
        ),
        ('{"total_init_ms": "1", "packages": [], "modules": []}', "no number total_init_ms"),
    ],
)
def test_a_bad_compare_file_is_named(tmp_path: Path, content: str, reason: str) -> None:
    bad = tmp_path / "old.json"
    bad.write_text(content)
    with pytest.raises(ValueError, match=re.escape(reason)) as caught:
        render_html.load_document(bad)
    assert str(caught.value).startswith(f"{bad}: ") and "\n" not in str(caught.value)


def test_bad_compare_is_one_line_and_exit_2_before_any_build(tmp_path: Path) -> None:
    bad = tmp_path / "old.json"
    bad.write_text("{not json")
    # --pkg ./nope would fail the build: the file is checked first
    args = ("profile", "--pkg", "./nope", "--format", "html", "-o", str(tmp_path / "r.html"))
    one_line_error(run(*args, "--compare", str(bad), cwd=tmp_path), str(bad), "not JSON")
    one_line_error(
        run(*args, "--compare", str(tmp_path / "none.json"), cwd=tmp_path),
        "none.json",
        "cannot read",
    )
    res = run("profile", "--pkg", ".", "--format", "json", "--compare", str(bad), cwd=tmp_path)
    one_line_error(res, "--compare", "only --format html")
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------------------- a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH: the HTML report is not loaded in a browser "
    "(.ci/run installs Debian's chromium when it runs as root)",
)
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]
CONSOLE = re.compile(r":CONSOLE[:(]\d+\)?\] \"(.*)\", source: ")


def browse(page: Path, tmp_path: Path, *action: str) -> tuple[str, list[str]]:
    """Load `page` in a fresh headless chromium: (stdout, console messages)."""
    profile_dir = tmp_path / f"chromium-{len(list(tmp_path.glob('chromium-*')))}"
    res = subprocess.run(
        [str(CHROMIUM), *BROWSER_FLAGS, f"--user-data-dir={profile_dir}", *action, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout, CONSOLE.findall(res.stderr)


def png_pixels(data: bytes) -> list[tuple[int, ...]]:
    """The pixels of an 8-bit RGB or RGBA PNG, non-interlaced (what chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += [body] if kind == b"IDAT" else []
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            line[i] = (line[i] + _predict(kind, left, up, corner)) & 0xFF
        rows.append(line)
        previous = line
    return [tuple(r[x : x + 3]) for r in rows for x in range(0, stride, channels)]


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    p = left + up - corner  # Paeth
    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
    return left if pa <= pb and pa <= pc else up if pb <= pc else corner


@needs_browser
def test_the_console_check_sees_errors(tmp_path: Path) -> None:
    """The check below would see a script error or a blocked request."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        '<img src="http://127.0.0.1:9/x.png"><p>x</p>'
    )
    _, messages = browse(bad, tmp_path, "--dump-dom")
    assert any("Content Security Policy" in m for m in messages), messages


@needs_browser
def test_the_real_report_loads_in_a_browser(tmp_path: Path) -> None:
    app = tmp_path / "slowapp"
    shutil.copytree(SLOWAPP, app)
    before, report = tmp_path / "before.json", tmp_path / "report.html"
    common = ("profile", "--pkg", ".", "--args", "-version", "-n", "3", "--warmup", "0")
    res = run(*common, "--format", "json", "-o", str(before), cwd=app)
    assert res.returncode == 0, res.stderr
    res = run(*common, "--format", "html", "-o", str(report), "--compare", str(before), cwd=app)
    assert res.returncode == 0, res.stderr
    assert f"wrote the html profile to {report}" in res.stderr
    dom, messages = browse(report, tmp_path, "--dump-dom")
    assert messages == []
    assert "<h1>codemod profile: example.com/slowapp</h1>" in dom
    for heading in (
        "Init time per module",
        "Init time per package",
        "Findings",
        "Init graph",
        "Critical path",
    ):
        assert f"<h2>{heading}</h2>" in dom
    assert f"<title>{DEP}: " in dom and "before (the compared profile)" in dom
    total = strict_json(before.read_text())["total_init_ms"]
    assert f"package init {render.ms(total)} ms → " in dom
    shot = tmp_path / "report.png"
    _, messages = browse(report, tmp_path, "--window-size=1280,1600", f"--screenshot={shot}")
    assert messages == []
    pixels = png_pixels(shot.read_bytes())
    assert len(pixels) == 1280 * 1600
    colours: dict[tuple[int, ...], int] = {}
    for p in pixels:
        colours[p] = colours.get(p, 0) + 1
    background = max(colours.values())
    assert len(colours) > 50 and background < 0.97 * len(pixels), (len(colours), background)
    orange = tuple(int(render_html.ORIGIN_COLOURS["dependency"][i : i + 2], 16) for i in (1, 3, 5))
    assert colours.get(orange, 0) > 500  # the dependency's bar is drawn


@needs_browser
def test_made_up_findings_stay_text_in_the_browser(tmp_path: Path) -> None:
    page = tmp_path / "findings.html"
    page.write_text(render_html.html_text(with_findings(tmp_path)))
    dom, messages = browse(page, tmp_path, "--dump-dom")
    assert messages == [] and "<script" not in dom
    assert '&lt;script&gt;alert("x")&lt;/script&gt; table &amp; more' in dom


def test_a_wide_layer_wraps_to_the_page() -> None:
    names = [f"example.com/dep/wide/package{i}" for i in range(30)] + ["example.com/app"]
    packages = [_pkg(n, 0.1 + i, i) for i, n in enumerate(names)]
    doc = made_profile(packages, [("example.com/app", n) for n in names[:-1]])
    nodes, edges, _ = render_html.collapse(doc, 40)
    render_html.layout(nodes, edges)
    assert {n.layer for n in nodes} == {0, 1} and len(edges) == 30
    right = max(n.x + n.width for n in nodes)
    assert right <= render_html.ROW_WIDTH + render_html.PAD
    assert len({n.y for n in nodes if n.layer == 1}) > 2  # 30 boxes: several rows


def test_the_readme_shows_a_picture_of_the_report() -> None:
    picture = re.search(
        r"!\[[^\]]*HTML report[^\]]*\]\(([^)]+\.png)\)", (REPO / "README.md").read_text()
    )
    assert picture, "no picture of the HTML report in the README"
    png = REPO / picture.group(1)
    assert png.stat().st_size < 200_000
    assert len(set(png_pixels(png.read_bytes()))) > 50
