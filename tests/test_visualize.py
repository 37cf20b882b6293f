"""Tests for kg.visualize: the HTML page as text, then in a real, offline Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from kg.namespaces import KG, KGR
from kg.visualize import render_html, write_html

TINY = Path(__file__).parent / "data" / "tiny.ttl"
HOSTILE = "https://w3id.org/kg/id/hostile"
PERSON_RGB = [0x4E, 0x79, 0xA7]  # the Person colour in kg.visualize
#: Counts the canvas pixels drawn at all, or exactly of colour ``rgb``.
COUNT_PIXELS_JS = """(rgb) => {
    const canvas = document.querySelector("#graph canvas");
    if (!canvas) return 0;
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (rgb ? d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2] && d[i + 3] === 255
                : d[i + 3] !== 0) n++;
    }
    return n;
}"""


@pytest.fixture
def graph() -> Graph:
    return Graph().parse(TINY)


@pytest.fixture
def page_html(graph: Graph) -> str:
    return render_html(graph, title="tiny")


class _Tags(HTMLParser):
    """Start tags with their attributes; script and style bodies are not parsed as markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def _data(html: str, name: str) -> list[dict[str, Any]]:
    match = re.search(rf"const {name} = (.*);\n", html)
    assert match, f"{name} not found in the page"
    data: list[dict[str, Any]] = json.loads(match.group(1))
    return data


def _legend(html: str) -> list[str | None]:
    return [attrs["data-kg-type"] for _, attrs in _tags(html) if "data-kg-type" in attrs]


def test_no_remote_resources(page_html: str) -> None:
    urls = [
        value.strip().lower()
        for _, attrs in _tags(page_html)
        for name, value in attrs.items()
        if name in ("src", "href") and value
    ]
    assert not [url for url in urls if url.startswith(("http:", "https:", "//"))]
    assert "vis.Network" in page_html  # vis-network is inlined, not linked


def test_legend_lists_each_type_present(page_html: str) -> None:
    assert _legend(page_html) == ["Person", "Organization", "Product", "Market", "Event"]
    assert "Person (2)</label>" in page_html


def test_legend_omits_absent_types(graph: Graph) -> None:
    graph.remove((KGR["macworld-2007"], None, None))
    assert _legend(render_html(graph)) == ["Person", "Organization", "Product", "Market"]


def test_nodes_carry_type_colour_size_and_aliases(page_html: str) -> None:
    nodes = {node["id"]: node for node in _data(page_html, "nodeData")}
    assert len(nodes) == 6
    apple, jobs = nodes[str(KGR.apple)], nodes[str(KGR["steve-jobs"])]
    assert (apple["kgType"], jobs["kgType"]) == ("Organization", "Person")
    assert apple["color"] != jobs["color"] == nodes[HOSTILE]["color"]
    assert apple["size"] > jobs["size"]  # degree 4 against 1
    assert apple["aliases"] == ["AAPL", "Apple"]
    assert "Organization (company)" in apple["title"] and "Also: AAPL, Apple" in apple["title"]
    assert "Apple was founded by Steve Jobs in 1976." in apple["title"]


def test_edges_carry_predicate_label_and_evidence(graph: Graph) -> None:
    graph.add((KGR.apple, KG.acquired, KGR.china))  # not in the ontology: local name
    edges = {(e["from"], e["label"], e["to"]): e for e in _data(render_html(graph), "edgeData")}
    founder = edges[(str(KGR.apple), "founder", str(KGR["steve-jobs"]))]
    assert founder["title"].splitlines() == [
        "Apple Inc. — founder → Steve Jobs",
        "“Apple was founded by Steve Jobs in 1976.”",
        "seeds/apple.txt · rule founder-passive",
    ]
    assert (str(KGR.apple), "operates in", str(KGR.china)) in edges
    assert (str(KGR.apple), "acquired", str(KGR.china)) in edges


def test_evidence_text_is_in_the_page_json_escaped(page_html: str) -> None:
    assert "Apple launched the iPhone at Macworld 2007." in page_html
    assert "Apple sells phones in China \\u0026 India." in page_html


def test_hostile_text_appears_only_escaped(page_html: str) -> None:
    for raw in ("<img src=x onerror", "<script>window.__xss", "</script> about Apple"):
        assert raw not in page_html
    assert '\\u003cimg src=x onerror=\\"window.__xss=1\\"\\u003e' in page_html
    tags = [tag for tag, _ in _tags(page_html)]
    assert "img" not in tags
    assert tags.count("script") == 2
    labels = {node["id"]: node["label"] for node in _data(page_html, "nodeData")}
    assert labels[HOSTILE] == '<img src=x onerror="window.__xss=1">'


def test_title_is_escaped(graph: Graph) -> None:
    html = render_html(graph, title="<b>News</b> & more")
    assert "<title>&lt;b&gt;News&lt;/b&gt; &amp; more</title>" in html
    assert "<b>News</b>" not in html


def test_max_nodes_keeps_top_degree_and_says_so(graph: Graph, page_html: str) -> None:
    html = render_html(graph, max_nodes=2)
    assert [n["label"] for n in _data(html, "nodeData")] == ["Apple Inc.", "iPhone"]
    assert [e["label"] for e in _data(html, "edgeData")] == ["launched"]
    assert "showing 2 of 6 entities" in html
    assert "showing" not in page_html


def test_max_nodes_must_be_positive(graph: Graph) -> None:
    with pytest.raises(ValueError, match="max_nodes"):
        render_html(graph, max_nodes=0)


def test_write_html(graph: Graph, tmp_path: Path) -> None:
    out = write_html(graph, tmp_path / "graph.html", title="tiny")
    assert out == tmp_path / "graph.html"
    assert out.read_text(encoding="utf-8") == render_html(graph, title="tiny")


def test_does_not_import_spacy() -> None:
    code = "import sys, kg.visualize; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ------------------------------------------------------------------ in a browser


@dataclass
class Loaded:
    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def pixels(self, rgb: list[int] | None = None) -> int:
        count: int = self.page.evaluate(COUNT_PIXELS_JS, rgb)
        return count

    def wait_for_pixels(self, condition: str, rgb: list[int] | None = None) -> None:
        """Wait until the pixel count satisfies ``condition`` (a JS comparison, e.g. ``"> 0"``)."""
        self.page.wait_for_function(f"(rgb) => ({COUNT_PIXELS_JS})(rgb) {condition}", arg=rgb)


@pytest.fixture
def loaded(browser: Any, graph: Graph, tmp_path: Path) -> Iterator[Loaded]:
    """The tiny graph's page opened from file://, with remote requests recorded and blocked."""
    path = write_html(graph, tmp_path / "graph.html")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.set_default_timeout(10_000)
    context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    loaded = Loaded(page)
    page.on("request", lambda request: loaded.requests.append(request.url))
    page.on("console", lambda msg: loaded.errors.extend([msg.text] if msg.type == "error" else []))
    page.on("pageerror", lambda err: loaded.errors.append(str(err)))
    page.goto(path.as_uri())
    loaded.wait_for_pixels("> 0")
    yield loaded
    context.close()


def test_browser_loads_offline_without_errors(loaded: Loaded) -> None:
    assert loaded.requests == [loaded.page.url]
    assert loaded.errors == []
    assert loaded.pixels() > 1000
    assert loaded.pixels(PERSON_RGB) > 0


def test_browser_hostile_label_does_not_execute(loaded: Loaded) -> None:
    page = loaded.page
    page.click("#freeze")  # so the node stays where the mouse goes
    x, y = page.evaluate(
        """(id) => {
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("graph").getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        HOSTILE,
    )
    page.mouse.move(x, y, steps=5)
    tooltip = page.wait_for_selector(".vis-tooltip", state="visible")
    assert tooltip is not None
    text = tooltip.inner_text()
    assert '<img src=x onerror="window.__xss=1">' in text
    assert "<script>window.__xss=2</script>" in text
    assert tooltip.query_selector("img, script") is None
    assert page.evaluate("window.__xss") is None
    assert loaded.errors == []
    assert loaded.requests == [page.url]


def test_browser_search_selects_node(loaded: Loaded) -> None:
    page = loaded.page
    page.fill("#search-input", "aapl")  # an alias, any case
    page.press("#search-input", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [str(KGR.apple)]
    page.fill("#search-input", "jobs")  # part of a label
    page.press("#search-input", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [str(KGR["steve-jobs"])]
    page.fill("#search-input", "nokia")
    page.press("#search-input", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == []
    assert page.inner_text("#search-status") == "no match"


def test_browser_type_checkbox_hides_nodes(loaded: Loaded) -> None:
    page = loaded.page
    assert loaded.pixels(PERSON_RGB) > 0
    page.uncheck("input[data-kg-type=Person]")
    loaded.wait_for_pixels("=== 0", PERSON_RGB)
    assert loaded.pixels() > 0
    page.fill("#search-input", "Steve Jobs")
    page.press("#search-input", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == []
    page.check("input[data-kg-type=Person]")
    loaded.wait_for_pixels("> 0", PERSON_RGB)
