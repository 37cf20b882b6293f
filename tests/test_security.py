"""Untrusted text in documents never becomes markup in the HTML page (pyvis XSS, PITFALLS.md).

The hostile corpus is built with the real pipeline through ``kg build``; its folder and file
names are hostile too, since the page shows the build's sources and each document's path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FOLDER = "<img src=x onerror=alert(2)>"  # a folder name may hold markup too
FILE = "<svg onload=alert(3)>.txt"
#: How the payloads read in the page's JSON data: inert text.
ESCAPED = (
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\u003cimg src=x onerror=alert(1)\\u003e",
    "\\u003cimg src=x onerror=alert(2)\\u003e",
    "\\u003csvg onload=alert(3)\\u003e",
)
HOSTILE_TEXT = f"""Acme Corp was founded by Jane Doe {SCRIPT} in 2015.

Acme Corp CEO Jane Doe said {IMG} at the launch.

Acme Corp launched the Zorblax Q7 in Kenya {IMG}.

{SCRIPT}
"""


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kg build`` of the hostile corpus."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / FOLDER  # its name is the page's title
    (corpus / FOLDER).mkdir(parents=True)  # and, inside, part of the document's path
    (corpus / FOLDER / FILE).write_text(HOSTILE_TEXT, encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(hostile_out: Path) -> dict[str, Path]:
    """The page ``kg build`` wrote, and the one ``kg export --format html`` writes."""
    exported = hostile_out / "exported.html"
    args = ["export", "--graph", str(hostile_out), "--format", "html", "--out", str(exported)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return {"build": hostile_out / "graph.html", "export": exported}


class _Markup(HTMLParser):
    """Start tags with attributes, and the bodies of script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def test_hostile_text_reaches_the_graph(hostile_out: Path) -> None:
    """The corpus does put markup into the graph, so the page tests below test something."""
    ttl = (hostile_out / "graph.ttl").read_text(encoding="utf-8")
    assert SCRIPT in ttl and IMG in ttl and FOLDER in ttl


@pytest.mark.parametrize("which", ["build", "export"])
def test_page_has_no_hostile_markup(pages: dict[str, Path], which: str) -> None:
    html = pages[which].read_text(encoding="utf-8")
    markup = parse(html)
    for tag, attrs in markup.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed"), (tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
    assert len(markup.scripts) == 2  # vis-network, and the page's own code
    for body in markup.scripts:
        # The payloads may appear only as escaped text in data, never as code.
        for escaped in ESCAPED:
            body = body.replace(escaped, "")
        assert not re.search(r"alert\([123]\)", body)
    for raw in (SCRIPT, IMG, FOLDER, "<svg onload"):
        assert raw not in html
    # The text is still there, escaped: in the page's JSON data ...
    for escaped in ESCAPED:
        assert escaped in html
    # ... and, for the folder name, in the HTML title.
    if which == "build":
        assert "&lt;img src=x onerror=alert(2)&gt;" in html


# ------------------------------------------------------------------ in a browser


HOVER_TARGETS_JS = """() => {
    const box = document.getElementById("graph").getBoundingClientRect();
    const at = (p) => { const d = network.canvasToDOM(p); return [box.left + d.x, box.top + d.y]; };
    const pos = network.getPositions();
    const targets = nodeData.map((n) => ["node", n.id, ...at(pos[n.id])]);
    for (const e of edgeData) {
        const a = pos[e.from], b = pos[e.to];
        targets.push(["edge", e.id, ...at({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 })]);
    }
    return targets;
}"""


@pytest.fixture
def opened(browser: Any, pages: dict[str, Path]) -> Iterator[tuple[Any, list[str]]]:  # noqa: F811
    """The built page in Chromium, offline; yields the page and the dialogs it opened."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.set_default_timeout(10_000)
    context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(pages["build"].as_uri())
    page.wait_for_function("typeof network !== 'undefined' && nodeData.length > 0")
    yield page, dialogs
    context.close()


def test_browser_runs_no_hostile_code(opened: tuple[Any, list[str]]) -> None:
    page, dialogs = opened
    page.click("#freeze")
    page.evaluate("network.fit({ animation: false })")
    page.wait_for_timeout(300)
    tooltips: list[str] = []
    for kind, _id, x, y in page.evaluate(HOVER_TARGETS_JS):
        page.mouse.move(x, y, steps=3)
        try:
            tooltip = page.wait_for_selector(".vis-tooltip", state="visible", timeout=1_500)
        except Exception:  # an edge hidden under a node shows no tooltip of its own
            assert kind == "edge"
            continue
        assert tooltip is not None
        assert tooltip.query_selector("img, script, svg") is None
        tooltips.append(tooltip.inner_text())
        page.mouse.move(1, 1)
    assert any(SCRIPT in text for text in tooltips), tooltips  # shown as text
    assert any(IMG in text for text in tooltips), tooltips
    assert page.query_selector("#graph img, #graph svg, body > img") is None
    assert dialogs == []
