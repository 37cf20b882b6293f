"""Tests for kg.visualize: the HTML page as text, its options through ``kg export``, then the
page in a real, offline Chromium (issue 6)."""

from __future__ import annotations

import json
import math
import random
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF

from kg.analyze import rank
from kg.cli import cli
from kg.errors import AnalysisError
from kg.link import fold
from kg.namespaces import KG, KGR, SDO
from kg.show import EntityNotFoundError
from kg.view import to_networkx
from kg.visualize import (
    COLORS,
    DEFAULT_MAX_NODES,
    LABEL_PX,
    PHYSICS_LIMIT,
    page_title,
    render_html,
    title_for,
    write_html,
)

TINY = Path(__file__).parent / "data" / "tiny.ttl"
HOSTILE = "https://w3id.org/kg/id/hostile"
HOSTILE_LABEL = '<img src=x onerror="window.__xss=1">'
APPLE, JOBS, IPHONE = str(KGR.apple), str(KGR["steve-jobs"]), str(KGR.iphone)
CHINA, MACWORLD = str(KGR.china), str(KGR["macworld-2007"])
PERSON_RGB = [0x4E, 0x79, 0xA7]  # the Person colour in kg.visualize
PROV = Namespace("http://www.w3.org/ns/prov#")
LONELY = str(KGR["lonely-widgets"])
RELATED_TO = str(KG.relatedTo)
#: The tiny graph and more (issue 13): an entity with no relation, a second relation stated by
#: the founder sentence, an open relation, a price, dates and a reported figure.
RICH = """
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix kgr: <https://w3id.org/kg/id/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kgr:lonely-widgets a kg:Organization ; rdfs:label "Lonely Widgets" .
kgr:apple kg:ceo kgr:steve-jobs ; schema:foundingDate "1976"^^xsd:gYear .
kgr:steve-jobs kg:relatedTo kgr:china .
kgr:iphone schema:offers kgr:offer-1 .
kgr:offer-1 a schema:Offer ; schema:price 499 ; schema:priceCurrency "USD" .
kgr:st6 a rdf:Statement ; rdf:subject kgr:apple ; rdf:predicate kg:ceo ; rdf:object kgr:steve-jobs ;
    kg:sentence "Apple was founded by Steve Jobs in 1976." ; kg:rule "ceo-title" ;
    kg:confidence 0.85 ; prov:wasDerivedFrom kgr:doc-apple .
kgr:st7 a rdf:Statement ; rdf:subject kgr:steve-jobs ; rdf:predicate kg:relatedTo ;
    rdf:object kgr:china ; kg:sentence "Steve Jobs toured China." ; kg:verb "tour" ;
    kg:rule "open" ; kg:confidence 0.4 ; prov:wasDerivedFrom kgr:doc-apple .
kgr:st8 a rdf:Statement ; rdf:subject kgr:iphone ; rdf:predicate schema:offers ;
    rdf:object kgr:offer-1 ; kg:sentence "The iPhone sold for $499." ; kg:rule "price" ;
    kg:confidence 0.8 ; prov:wasDerivedFrom kgr:doc-apple .
kgr:st9 a rdf:Statement ; rdf:subject kgr:apple ; rdf:predicate schema:foundingDate ;
    rdf:object "1976"^^xsd:gYear ; kg:sentence "Apple was founded by Steve Jobs in 1976." ;
    kg:rule "founded-in" ; kg:confidence 0.9 ; prov:wasDerivedFrom kgr:doc-apple .
kgr:st2 kg:date "2007-01-09"^^xsd:date .
kgr:obs-1 a kg:Observation ; kg:about kgr:apple ; kg:metric "revenue" ;
    schema:value 24000000000 ; kg:unit "USD" ; kg:period "2007" ;
    kg:sentence "Apple reported revenue of 24 billion dollars for 2007." ;
    prov:wasDerivedFrom kgr:doc-apple .
"""
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
def rich() -> Graph:
    return Graph().parse(TINY).parse(data=RICH, format="turtle")


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


def _options(html: str) -> dict[str, Any]:
    match = re.search(r"const options = JSON.parse\((.*)\);\n", html)
    assert match, "options not found in the page"
    options: dict[str, Any] = json.loads(json.loads(match.group(1)))
    return options


def _ids(html: str) -> set[str]:
    return {node["id"] for node in _data(html, "nodeData")}


def _note(html: str) -> str:
    match = re.search(r'<p id="note" class="note">(.*?)</p>', html, re.S)
    return " ".join(match.group(1).split()) if match else ""


def _legend(html: str) -> list[str | None]:
    return [attrs["data-kg-type"] for _, attrs in _tags(html) if "data-kg-type" in attrs]


def _remote_urls(html: str) -> list[str]:
    urls = [
        value.strip().lower()
        for _, attrs in _tags(html)
        for name, value in attrs.items()
        if name in ("src", "href") and value
    ]
    return [url for url in urls if url.startswith(("http:", "https:", "//"))]


def _synthetic_view(n: int, m: int, seed: int = 1) -> nx.MultiDiGraph:
    """A view in the shape of ``to_networkx``: ``n`` entities in groups of 40, ``m`` relations,
    nine in ten of them within a group."""
    rng = random.Random(seed)
    types = list(COLORS)
    view = nx.MultiDiGraph()
    for i in range(n):
        view.add_node(f"urn:e{i}", label=f"Entity {i}", type=types[i % 5], kind="", aliases="")
    pairs: set[tuple[int, int]] = set()  # counted here: number_of_edges() walks the graph
    while len(pairs) < m:
        a = rng.randrange(n)
        b = rng.randrange(n) if rng.random() < 0.1 else min(n - 1, a // 40 * 40 + rng.randrange(40))
        if a != b and (a, b) not in pairs:
            pairs.add((a, b))
            view.add_edge(f"urn:e{a}", f"urn:e{b}", key="urn:p", predicate="urn:p", evidence="S.")
    return view


# ------------------------------------------------------------------ the page as text


def test_no_remote_resources(page_html: str) -> None:
    assert _remote_urls(page_html) == []
    assert "vis.Network" in page_html  # vis-network is inlined, not linked
    assert "<link" not in page_html and "@import" not in page_html


def test_page_is_the_networkx_view(graph: Graph, page_html: str) -> None:
    """Issue 6: the page draws what to_networkx says, as the analytics and exports do."""
    view = to_networkx(graph)
    nodes = {node["id"]: node for node in _data(page_html, "nodeData")}
    assert set(nodes) == set(view.nodes)
    for node, data in view.nodes(data=True):
        assert nodes[node]["label"] == data["label"]
        assert nodes[node]["kgType"] == data["type"]
        assert nodes[node]["kind"] == data["kind"]
        assert nodes[node]["aliases"] == [a for a in data["aliases"].split("|") if a]
        assert nodes[node]["degree"] == view.degree(node)
    edges = {(e["from"], e["predicate"], e["to"]): e for e in _data(page_html, "edgeData")}
    assert set(edges) == {(s, p, o) for s, o, p in view.edges(keys=True)}
    for s, o, data in view.edges(data=True):
        edge = edges[(s, data["predicate"], o)]
        assert edge["evidence"] == data["evidence"].split("\n")
        assert edge["documents"] == data["documents"].split("|")
        assert edge["rules"] == data["rules"].split("|")
        assert edge["confidence"] == data["confidence"]
    scores = {r.entity.iri: r.score for r in rank(view, limit=len(view))}
    assert [n["id"] for n in _data(page_html, "nodeData")] == sorted(
        scores, key=lambda n: (-scores[n], view.nodes[n]["label"].casefold())
    )


def test_page_reads_no_rdf_of_its_own(graph: Graph) -> None:
    """Given a view, the page shows exactly it: nothing comes from walking the RDF."""
    view = to_networkx(graph)
    view.nodes[APPLE]["label"] = "Apple (from the view)"
    view.remove_node(CHINA)
    html = render_html(graph, view=view)
    labels = {node["id"]: node["label"] for node in _data(html, "nodeData")}
    assert labels[APPLE] == "Apple (from the view)" and CHINA not in labels
    assert render_html(Graph(), view=view) == html


def test_legend_lists_each_type_present(page_html: str) -> None:
    assert _legend(page_html) == ["Person", "Organization", "Product", "Market", "Event"]
    assert "Person (2)</label>" in page_html


def test_legend_omits_absent_types(graph: Graph) -> None:
    graph.remove((KGR["macworld-2007"], None, None))
    assert _legend(render_html(graph)) == ["Person", "Organization", "Product", "Market"]


def test_nodes_coloured_by_type_and_sized_by_pagerank(page_html: str) -> None:
    nodes = {node["id"]: node for node in _data(page_html, "nodeData")}
    assert len(nodes) == 6
    apple, jobs = nodes[APPLE], nodes[JOBS]
    assert (apple["kgType"], jobs["kgType"]) == ("Organization", "Person")
    assert apple["color"] == COLORS["Organization"]
    assert jobs["color"] == nodes[HOSTILE]["color"] == COLORS["Person"]
    assert apple["size"] == 40.0  # the highest rank gets the largest dot
    by_rank = sorted(nodes.values(), key=lambda n: -n["rank"])
    assert [n["size"] for n in by_rank] == sorted((n["size"] for n in by_rank), reverse=True)
    assert min(n["size"] for n in by_rank) >= 8.0
    assert apple["aliases"] == ["AAPL", "Apple"]
    assert apple["names"] == ["aapl", "apple", "apple inc."]  # folded, as kg show finds names


def test_edges_carry_predicate_label_and_evidence(graph: Graph) -> None:
    # A predicate the ontology does not label shows its local name.
    graph.add((KGR.apple, KG.acquired, KGR.china))
    statement = KGR["st-acquired"]
    for p, o in [
        (RDF.type, RDF.Statement),
        (RDF.subject, KGR.apple),
        (RDF.predicate, KG.acquired),
        (RDF.object, KGR.china),
        (KG.sentence, Literal("Apple bought China.")),
        (PROV.wasDerivedFrom, KGR["doc-apple"]),
    ]:
        graph.add((statement, p, o))
    edges = {(e["from"], e["label"], e["to"]): e for e in _data(render_html(graph), "edgeData")}
    founder = edges[(APPLE, "founder", JOBS)]
    assert founder["evidence"] == ["Apple was founded by Steve Jobs in 1976."]
    assert founder["documents"] == ["seeds/apple.txt"]
    assert founder["rules"] == ["founder-passive"]
    assert founder["confidence"] == 0.9
    assert (APPLE, "operates in", CHINA) in edges
    assert edges[(APPLE, "acquired", CHINA)]["evidence"] == ["Apple bought China."]


def test_each_sentence_keeps_its_document(graph: Graph) -> None:
    """Two statements of one relation in two documents: the panel pairs each sentence with
    the document that states it (``citations``), not two loose lists."""
    statement = KGR["st-founder-2"]
    for p, o in [
        (RDF.type, RDF.Statement),
        (RDF.subject, KGR.apple),
        (RDF.predicate, SDO.founder),
        (RDF.object, KGR["steve-jobs"]),
        (KG.sentence, Literal("Jobs started Apple in a garage.")),
        (PROV.wasDerivedFrom, KGR["doc-garage"]),
    ]:
        graph.add((statement, p, o))
    edges = {(e["from"], e["label"], e["to"]): e for e in _data(render_html(graph), "edgeData")}
    founder = edges[(APPLE, "founder", JOBS)]
    assert founder["citations"] == [
        ["Apple was founded by Steve Jobs in 1976.", "seeds/apple.txt"],
        ["Jobs started Apple in a garage.", str(KGR["doc-garage"])],
    ]


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
    assert labels[HOSTILE] == HOSTILE_LABEL


def test_title_is_escaped(graph: Graph) -> None:
    html = render_html(graph, title="<b>News</b> & more")
    assert "<title>&lt;b&gt;News&lt;/b&gt; &amp; more</title>" in html
    assert "<b>News</b>" not in html


def test_physics_settles_in_bounded_time(page_html: str) -> None:
    options = _options(page_html)
    assert options["physics"]["solver"] == "forceAtlas2Based"
    assert options["physics"]["stabilization"]["iterations"] <= 300
    assert options["layout"]["improvedLayout"] is False
    assert options["edges"]["smooth"] is False
    assert options["interaction"]["hideEdgesOnDrag"] is True
    assert "Freeze layout</button>" in page_html
    assert _note(page_html) == ""  # everything shown, nothing to say


def test_max_nodes_keeps_top_ranked_and_says_so(graph: Graph) -> None:
    html = render_html(graph, max_nodes=2)
    assert [n["label"] for n in _data(html, "nodeData")] == ["Apple Inc.", "iPhone"]
    assert [e["label"] for e in _data(html, "edgeData")] == ["launched"]
    assert _note(html) == (
        "showing 2 of 6 entities: the 2 ranked highest by PageRank (max nodes 2), 4 more left out."
    )
    assert (
        _ids(render_html(graph, max_nodes=None))
        == _ids(render_html(graph))
        == _ids(render_html(graph, max_nodes=6))
    )


def test_focus_depth(graph: Graph) -> None:
    assert _ids(render_html(graph, focus="Steve Jobs")) == {JOBS, APPLE}
    two = render_html(graph, focus="steve jobs", depth=2)
    assert _ids(two) == {JOBS, APPLE, IPHONE, CHINA, HOSTILE}
    assert _note(two) == "showing 5 of 6 entities: within 2 relations of Steve Jobs."
    # any alias, any case; relations followed in either direction
    assert _ids(render_html(graph, focus="aapl")) == {APPLE, JOBS, IPHONE, CHINA, HOSTILE}
    assert _ids(render_html(graph, focus=MACWORLD, depth=3)) == {
        MACWORLD,
        IPHONE,
        APPLE,
        JOBS,
        CHINA,
        HOSTILE,
    }


def test_focus_unknown_name_lists_the_closest(graph: Graph) -> None:
    with pytest.raises(EntityNotFoundError, match="no entity named 'Steve Jbos'; closest: Steve"):
        render_html(graph, focus="Steve Jbos")


def test_types_and_min_degree(graph: Graph) -> None:
    people = render_html(graph, types=["person"])
    assert _ids(people) == {JOBS, HOSTILE}
    assert _legend(people) == ["Person"]
    assert _data(people, "edgeData") == []
    assert _note(people) == "showing 2 of 6 entities: types Person."
    assert _ids(render_html(graph, types=["Person", "Product"])) == {JOBS, HOSTILE, IPHONE}
    assert _ids(render_html(graph, min_degree=2)) == {APPLE, IPHONE}
    # the focus is always shown, whatever its type or degree
    assert _ids(render_html(graph, focus="Steve Jobs", types=["Organization"])) == {JOBS, APPLE}
    both = render_html(graph, focus="iPhone", depth=2, types=["Person"], min_degree=1)
    assert _ids(both) == {IPHONE, JOBS, HOSTILE}
    assert _note(both) == (
        "showing 3 of 6 entities: within 2 relations of iPhone; types Person; at least 1 relation."
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"types": ["Persn"]}, "unknown type 'Persn'; choose from Person, Organization"),
        ({"types": []}, "no type given"),
        ({"depth": 0, "focus": "Apple"}, "depth must be 1 or more"),
        ({"min_degree": -1}, "min_degree must be 0 or more"),
        ({"max_nodes": 0}, "max_nodes must be 1 or more"),
    ],
)
def test_bad_options(graph: Graph, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AnalysisError, match=re.escape(message)):
        render_html(graph, **kwargs)


def test_write_html(graph: Graph, tmp_path: Path) -> None:
    out = write_html(graph, tmp_path / "graph.html", title="tiny", max_nodes=3)
    assert out == tmp_path / "graph.html"
    assert out.read_text(encoding="utf-8") == render_html(graph, title="tiny", max_nodes=3)


def test_does_not_import_spacy() -> None:
    code = "import sys, kg.visualize; sys.exit('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_big_page_gets_a_computed_layout() -> None:
    """Past PHYSICS_LIMIT entities the layout comes with the page and physics is off."""
    view = _synthetic_view(PHYSICS_LIMIT + 200, 3 * PHYSICS_LIMIT)
    html = render_html(Graph(), view=view)
    assert render_html(Graph(), view=view) == html  # the same layout every time
    assert _options(html)["physics"]["enabled"] is False
    assert _remote_urls(html) == []
    assert "Resume layout</button>" in html
    assert "Layout computed before opening" in _note(html)
    nodes = _data(html, "nodeData")
    pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in pos.values())
    assert len(set(pos.values())) == len(pos)
    # related entities end up nearer each other than entities at random
    near = [math.dist(pos[s], pos[o]) for s, o in view.edges()]
    rng = random.Random(0)
    ids = list(pos)
    far = [math.dist(pos[rng.choice(ids)], pos[rng.choice(ids)]) for _ in range(2000)]
    assert statistics.median(near) < 0.25 * statistics.median(far)
    small = render_html(Graph(), view=view, max_nodes=PHYSICS_LIMIT)
    assert _options(small)["physics"].get("enabled", True) is True
    assert "x" not in _data(small, "nodeData")[0]


def test_default_max_nodes_caps_a_big_graph() -> None:
    view = _synthetic_view(DEFAULT_MAX_NODES + 5, 10)
    html = render_html(Graph(), view=view)
    assert len(_data(html, "nodeData")) == DEFAULT_MAX_NODES
    assert _note(html).startswith(
        f"showing {DEFAULT_MAX_NODES:,} of {DEFAULT_MAX_NODES + 5:,} entities: the"
        f" {DEFAULT_MAX_NODES:,} ranked highest by PageRank (max nodes {DEFAULT_MAX_NODES:,}),"
        " 5 more left out."
    )


def test_unconnected_entities_are_hidden_and_kept_out_of_the_physics(rich: Graph) -> None:
    """Issue 13: entities with no relation are hidden at open, behind "show N unconnected"."""
    html = render_html(rich)
    nodes = {node["id"]: node for node in _data(html, "nodeData")}
    assert nodes[LONELY]["hidden"] is True and nodes[LONELY]["physics"] is False
    assert not any(node.get("hidden") for iri, node in nodes.items() if iri != LONELY)
    assert re.search(r'<button id="unconnected"[^>]*>show 1 unconnected</button>', html)
    # the core, fitted at open: the connected entities, highest ranked first
    core = json.loads(re.search(r"const coreIds = (.*);\n", html).group(1))  # type: ignore[union-attr]
    assert core[0] == APPLE and set(core) == set(nodes) - {LONELY}
    # nothing connected at all: nothing is hidden
    alone = render_html(rich, types=["Organization"])
    assert not any(node.get("hidden") for node in _data(alone, "nodeData"))
    assert "show 0 unconnected" not in alone and "hide 2 unconnected" in alone
    none = render_html(rich, focus="Apple")
    assert re.search(r'<button id="unconnected"[^>]* disabled>show 0 unconnected</button>', none)


def test_open_relations_are_on_the_page_and_off_by_default(rich: Graph) -> None:
    html = render_html(rich)
    edges = {(e["from"], e["predicate"], e["to"]): e for e in _data(html, "edgeData")}
    assert edges[(JOBS, RELATED_TO, CHINA)]["hidden"] is True
    assert "hidden" not in edges[(APPLE, str(KG.ceo), JOBS)]
    boxes = {
        attrs["data-kg-predicate"]: "checked" in attrs
        for _, attrs in _tags(html)
        if "data-kg-predicate" in attrs
    }
    assert boxes[RELATED_TO] is False and boxes[str(KG.ceo)] is True
    assert len(boxes) == 7
    # ranks and degrees leave open relations out, as the analytics do
    assert {n["id"]: n["degree"] for n in _data(html, "nodeData")}[JOBS] == 2
    shown = render_html(rich, open_relations=True)
    assert (
        "hidden"
        not in {(e["from"], e["predicate"]): e for e in _data(shown, "edgeData")}[
            (JOBS, RELATED_TO)
        ]
    )
    # a graph without open relations has no checkbox for them
    assert 'data-kg-predicate="' + RELATED_TO not in render_html(Graph().parse(TINY))


def test_nodes_carry_prices_dates_and_figures(rich: Graph) -> None:
    nodes = {node["id"]: node for node in _data(render_html(rich), "nodeData")}
    facts = {
        iri: [(f["kind"], f["text"]) for f in node.get("facts", [])] for iri, node in nodes.items()
    }
    assert facts[IPHONE] == [
        ("date", "2007-01-09: Apple Inc. launched"),
        ("price", "499 USD"),
    ]
    assert facts[APPLE] == [
        ("date", "1976: founded"),
        ("date", "2007-01-09: launched iPhone"),
        ("figure", "revenue: 24,000,000,000 USD for 2007"),
    ]
    price = nodes[IPHONE]["facts"][1]
    assert (price["sentence"], price["document"]) == (
        "The iPhone sold for $499.",
        "seeds/apple.txt",
    )
    assert JOBS not in facts or facts[JOBS] == []
    launched = next(e for e in _data(render_html(rich), "edgeData") if e["label"] == "launched")
    assert launched["dates"] == ["2007-01-09"]


def test_page_title_rule() -> None:
    """Issue 13: one title rule, whatever command writes the page."""
    assert page_title(["/data/news"]) == "kg: news"
    assert page_title(["/data/news", "/x/blogs", "/y/news"]) == "kg: news, blogs"
    assert page_title([], "tiny") == "kg: tiny" and page_title() == "kg"
    assert title_for(TINY) == "kg: tiny"


def test_build_and_export_give_the_page_one_title(seed_out: Path, tmp_path: Path) -> None:
    """``kg build`` and ``kg export`` used to title the seed page "kg: seeds" and "graph"."""
    built = (seed_out / "graph.html").read_text(encoding="utf-8")
    assert "<title>kg: seeds</title>" in built
    result, html = _export(tmp_path, graph=seed_out)
    assert result.exit_code == 0, result.output
    assert "<title>kg: seeds</title>" in html and "<h1>kg: seeds</h1>" in html
    result, html = _export(tmp_path)
    assert "<title>kg: tiny</title>" in html


def test_export_open_relations_shows_them_at_open(seed_out: Path, tmp_path: Path) -> None:
    result, html = _export(tmp_path, "--open-relations", graph=seed_out)
    assert result.exit_code == 0, result.output
    boxes = {
        a["data-kg-predicate"]: "checked" in a for _, a in _tags(html) if "data-kg-predicate" in a
    }
    assert boxes[RELATED_TO] is True
    assert not any(e.get("hidden") for e in _data(html, "edgeData"))
    result, html = _export(tmp_path, graph=seed_out)
    boxes = {
        a["data-kg-predicate"]: "checked" in a for _, a in _tags(html) if "data-kg-predicate" in a
    }
    assert boxes[RELATED_TO] is False and sum(boxes.values()) == len(boxes) - 1


def test_readme_shows_the_screenshots_and_the_one_command_that_makes_them() -> None:
    """Issue 13: the seed page and the serve page, regenerated by one command."""
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "python benchmarks/screenshots.py" in readme
    assert (root / "benchmarks" / "screenshots.py").is_file()
    for name in ("graph.png", "serve.png"):
        assert f"](docs/{name})" in readme
        png = (root / "docs" / name).read_bytes()
        assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 1_000_000


# ------------------------------------------------------------------ kg export / kg build options


def _export(tmp_path: Path, *args: str, graph: Path = TINY) -> tuple[Any, str]:
    out = tmp_path / "page.html"
    command = ["export", "--graph", str(graph), "--format", "html", "--out", str(out), *args]
    result = CliRunner().invoke(cli, command)
    html = out.read_text(encoding="utf-8") if out.exists() else ""
    return result, html


def _one_line_error(result: Any) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return str(lines[0])


def test_export_focus_depth(tmp_path: Path) -> None:
    result, html = _export(tmp_path, "--focus", "AAPL", "--depth", "1")
    assert result.exit_code == 0, result.output
    assert _ids(html) == {APPLE, JOBS, IPHONE, CHINA, HOSTILE}
    result, html = _export(tmp_path, "--focus", "Mr. Steve Jobs")  # honorifics do not matter
    assert result.exit_code == 0, result.output
    assert _ids(html) == {JOBS, APPLE}
    assert _note(html) == "showing 2 of 6 entities: within 1 relation of Steve Jobs."


def test_export_types_min_degree_max_nodes(tmp_path: Path) -> None:
    result, html = _export(tmp_path, "--types", "person,Product")
    assert result.exit_code == 0, result.output
    assert _ids(html) == {JOBS, HOSTILE, IPHONE}
    result, html = _export(tmp_path, "--min-degree", "2")
    assert _ids(html) == {APPLE, IPHONE}
    result, html = _export(tmp_path, "--max-nodes", "3")
    assert len(_ids(html)) == 3
    assert "showing 3 of 6 entities" in _note(html) and "3 more left out" in _note(html)
    result, html = _export(tmp_path, "--max-nodes", "0")  # 0: no cap
    assert len(_ids(html)) == 6 and _note(html) == ""


def test_export_unknown_focus_is_one_line(tmp_path: Path) -> None:
    result, html = _export(tmp_path, "--focus", "Steve Jbos")
    assert result.exit_code == 1 and html == ""
    assert _one_line_error(result) == "Error: no entity named 'Steve Jbos'; closest: Steve Jobs"


def test_export_bad_type_is_one_line(tmp_path: Path) -> None:
    result, html = _export(tmp_path, "--types", "Person,Compnay")
    assert result.exit_code == 1 and html == ""
    assert _one_line_error(result) == (
        "Error: unknown type 'Compnay'; choose from Person, Organization, Product, Market, Event"
    )


def test_export_page_options_need_html(tmp_path: Path) -> None:
    args = ["export", "--graph", str(TINY), "--format", "ttl", "--out", str(tmp_path / "g.ttl")]
    result = CliRunner().invoke(cli, [*args, "--max-nodes", "3", "--types", "Person"])
    assert result.exit_code == 2
    assert "Error: --types, --max-nodes: only for --format html" in result.stderr
    result, _ = _export(tmp_path, "--depth", "2")
    assert result.exit_code == 2 and "Error: --depth needs --focus" in result.stderr


def test_help_states_the_default_cap() -> None:
    for command in ("export", "build"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert f"[default: {DEFAULT_MAX_NODES}]" in " ".join(result.stdout.split())


def test_build_max_nodes(tmp_path: Path, pipelines: Any) -> None:
    corpus = tmp_path / "acme.txt"
    corpus.write_text(
        "Acme Corp was founded by Jane Doe in 2015.\n\n"
        "Acme Corp launched the Zorblax Q7 in Kenya in March 2016.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(corpus), "--out", str(out), "--max-nodes", "1"])
    assert result.exit_code == 0, result.output
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert [n["label"] for n in _data(html, "nodeData")] == ["Acme Corp"]
    assert re.fullmatch(r"showing 1 of \d entities: .* more left out\.", _note(html))


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

    def search(self, query: str) -> list[str]:
        self.page.fill("#search-input", query)
        self.page.press("#search-input", "Enter")
        selected: list[str] = self.page.evaluate("network.getSelectedNodes()")
        return selected


def _open(browser: Any, path: Path) -> Iterator[Loaded]:
    """``path`` opened from file://, with every other request recorded and blocked."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.set_default_timeout(15_000)
    context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    loaded = Loaded(page)
    page.on("request", lambda request: loaded.requests.append(request.url))
    page.on("console", lambda msg: loaded.errors.extend([msg.text] if msg.type == "error" else []))
    page.on("pageerror", lambda err: loaded.errors.append(str(err)))
    page.goto(path.as_uri())
    page.wait_for_function("document.body.dataset.layout === 'settled'")
    loaded.wait_for_pixels("> 0")
    yield loaded
    context.close()


@pytest.fixture
def loaded(browser: Any, graph: Graph, tmp_path: Path) -> Iterator[Loaded]:
    """The tiny graph's page."""
    yield from _open(browser, write_html(graph, tmp_path / "graph.html"))


@pytest.fixture
def seed_page(browser: Any, seed_out: Path) -> Iterator[Loaded]:
    """The page ``kg build`` wrote for the seeds."""
    yield from _open(browser, seed_out / "graph.html")


def test_browser_loads_offline_without_errors(loaded: Loaded) -> None:
    assert loaded.requests == [loaded.page.url]
    assert loaded.errors == []
    assert loaded.pixels() > 1000
    assert loaded.pixels(PERSON_RGB) > 0


def test_browser_seed_page_renders_offline(seed_page: Loaded) -> None:
    page = seed_page.page
    assert seed_page.requests == [page.url]  # the file itself, and nothing else
    assert seed_page.errors == []
    assert seed_page.pixels() > 20_000
    assert page.evaluate("nodeData.length") == page.evaluate("nodes.length") > 100
    assert page.evaluate("network.physics.options.enabled") is True
    assert _remote_urls(page.content()) == []


def test_browser_seed_search_by_alias_shows_relations(seed_page: Loaded) -> None:
    page = seed_page.page
    lei = "https://w3id.org/kg/id/person/lei-jun"
    assert seed_page.search("LEI JUN") == [lei]
    assert seed_page.search("Mr. Lei") == [lei]  # an honorific and an alias
    assert page.inner_text("#panel h2") == "Lei Jun"
    relations = page.query_selector_all("#relations li")
    assert len(relations) >= 5
    xiaomi = [li for li in relations if li.query_selector("button.entity").inner_text() == "Xiaomi"]
    assert xiaomi, [li.inner_text() for li in relations]
    sentence = xiaomi[0].query_selector("blockquote")
    assert sentence is not None and "Lei Jun" in sentence.inner_text()
    source = xiaomi[0].query_selector(".source")
    assert source is not None and re.fullmatch(r"\d{3}_\w+\.txt", source.inner_text())
    # following a relation from the panel selects the entity at its other end
    xiaomi[0].query_selector("button.entity").click()
    assert page.evaluate("network.getSelectedNodes()") == [
        "https://w3id.org/kg/id/organization/xiaomi"
    ]
    assert page.inner_text("#panel h2") == "Xiaomi"
    assert seed_page.errors == []


def test_browser_seed_type_checkbox(seed_page: Loaded) -> None:
    page = seed_page.page
    visible_people = "nodes.get({ filter: (n) => n.kgType === 'Person' && !n.hidden }).length"
    assert page.evaluate(visible_people) > 10
    assert seed_page.pixels(PERSON_RGB) > 0
    page.uncheck("input[data-kg-type=Person]")
    assert page.evaluate(visible_people) == 0
    seed_page.wait_for_pixels("=== 0", PERSON_RGB)
    assert seed_page.search("Lei Jun") == []
    assert page.inner_text("#search-status") == "no match shown (Person hidden)"
    page.check("input[data-kg-type=Person]")
    seed_page.wait_for_pixels("> 0", PERSON_RGB)


def test_browser_hostile_label_does_not_execute(loaded: Loaded) -> None:
    page = loaded.page
    page.click("#freeze")  # so the node stays where the mouse goes
    assert page.evaluate("network.physics.options.enabled") is False
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
    assert HOSTILE_LABEL in text
    assert "<script>window.__xss=2</script>" in text
    assert "A fan wrote <script>window.__xss=3</script> about Apple." in text
    assert tooltip.query_selector("img, script") is None
    # the panel shows the same text, as text
    page.mouse.click(x, y)
    assert page.inner_text("#panel h2") == HOSTILE_LABEL
    assert "<script>window.__xss=3</script>" in page.inner_text("#panel")
    assert loaded.search("aapl") == [APPLE]
    assert HOSTILE_LABEL in page.inner_text("#relations")
    assert page.query_selector("#panel img, #panel script, header img") is None
    assert page.evaluate("window.__xss") is None
    assert loaded.errors == []
    assert loaded.requests == [page.url]


def test_browser_tooltip_shows_type_aliases_evidence(loaded: Loaded) -> None:
    text = loaded.page.evaluate("(id) => nodeTitle(byId.get(id))", APPLE)
    assert text.splitlines()[:4] == [
        "Apple Inc.",
        "Organization (company)",
        "Also: AAPL, Apple",
        "4 relations",
    ]
    assert "“Apple was founded by Steve Jobs in 1976.”" in text
    assert "… and 1 more" in text  # three sentences, then a count
    edge = loaded.page.evaluate(
        "edgeTitle(edgeData.find((e) => e.label === 'founder'))"
    ).splitlines()
    assert edge == [
        "Apple Inc. — founder → Steve Jobs",
        "“Apple was founded by Steve Jobs in 1976.”",
        "seeds/apple.txt · rule founder-passive",
    ]


def test_browser_search_selects_node(loaded: Loaded) -> None:
    page = loaded.page
    assert loaded.search("aapl") == [APPLE]  # an alias, any case
    assert page.inner_text("#panel h2") == "Apple Inc."
    assert loaded.search("jobs") == [JOBS]  # part of a label
    assert loaded.search("nokia") == []
    assert page.inner_text("#search-status") == "no match"
    assert "Click an entity" in page.inner_text("#panel")


def test_browser_fold_is_kg_fold(loaded: Loaded) -> None:
    names = ["Mr. Lei", "Dr. Mi-MIX 2", "  Prof  Lee_Jun ", "Sir", "mrs. Xiaomi", "LEI JUN"]
    assert loaded.page.evaluate("(names) => names.map(fold)", names) == [fold(n) for n in names]


def test_browser_type_checkbox_hides_nodes(loaded: Loaded) -> None:
    page = loaded.page
    assert loaded.pixels(PERSON_RGB) > 0
    page.uncheck("input[data-kg-type=Person]")
    loaded.wait_for_pixels("=== 0", PERSON_RGB)
    assert loaded.pixels() > 0
    assert loaded.search("Steve Jobs") == []
    page.check("input[data-kg-type=Person]")
    loaded.wait_for_pixels("> 0", PERSON_RGB)
    assert loaded.search("Steve Jobs") == [JOBS]


def test_browser_freeze_toggles_physics(loaded: Loaded) -> None:
    page = loaded.page
    page.click("#freeze")
    assert page.evaluate("network.physics.options.enabled") is False
    assert page.get_attribute("#freeze", "aria-pressed") == "true"
    assert page.inner_text("#freeze") == "Resume layout"
    page.click("#freeze")
    assert page.evaluate("network.physics.options.enabled") is True
    assert page.inner_text("#freeze") == "Freeze layout"


def test_browser_big_page_opens_with_its_layout(browser: Any, tmp_path: Path) -> None:
    view = _synthetic_view(PHYSICS_LIMIT + 200, 3 * PHYSICS_LIMIT)
    path = write_html(Graph(), tmp_path / "big.html", view=view)
    for loaded in _open(browser, path):
        page = loaded.page
        assert loaded.errors == [] and loaded.requests == [page.url]
        assert page.evaluate("network.physics.options.enabled") is False
        assert loaded.pixels() > 20_000
        # nodes stay where the layout put them
        first = page.evaluate("nodeData[0]")
        got = page.evaluate("(id) => network.getPositions([id])[id]", first["id"])
        assert abs(got["x"] - first["x"]) <= 1 and abs(got["y"] - first["y"]) <= 1
        assert loaded.search("Entity 7") == ["urn:e7"]


# ------------------------------------------------------------------ in a browser: issue 13

#: The opening view: the scale, a label's size on screen, and how many of the core are in view.
OPENING_JS = """() => {
    const box = document.getElementById("graph").getBoundingClientRect();
    const positions = network.getPositions(coreIds);
    const inView = coreIds.filter((id) => {
        const p = network.canvasToDOM(positions[id]);
        return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
    });
    const centre = network.getViewPosition();
    const top = positions[coreIds[0]];
    return { scale: network.getScale(), labelPx: network.getScale() * options.nodes.font.size,
             core: coreIds.length, inView: inView.length,
             offTop: Math.hypot(centre.x - top.x, centre.y - top.y) };
}"""
SHOWN_JS = "(id) => !nodes.get(id).hidden"
VISIBLE_EDGES_JS = "() => edges.get({ filter: (e) => !e.hidden }).map((e) => e.label).sort()"


@pytest.fixture
def rich_page(browser: Any, rich: Graph, tmp_path: Path) -> Iterator[Loaded]:
    """The page of the tiny graph and more (``RICH``)."""
    yield from _open(browser, write_html(rich, tmp_path / "graph.html"))


def _dom_point(page: Any, iri: str) -> tuple[float, float]:
    x, y = page.evaluate(
        """(id) => {
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById("graph").getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        iri,
    )
    return float(x), float(y)


def test_browser_opens_fitted_to_the_core_with_readable_labels(rich_page: Loaded) -> None:
    page = rich_page.page
    opening = page.evaluate(OPENING_JS)
    assert opening["labelPx"] >= LABEL_PX
    assert opening["inView"] == opening["core"] == 6
    assert rich_page.errors == [] and rich_page.requests == [page.url]


def test_browser_show_unconnected_toggle(rich_page: Loaded) -> None:
    page = rich_page.page
    assert page.evaluate(SHOWN_JS, LONELY) is False
    assert page.inner_text("#unconnected") == "show 1 unconnected"
    assert rich_page.search("Lonely Widgets") == [LONELY]  # found: shown on its own
    assert page.evaluate(SHOWN_JS, LONELY) is True
    page.reload()
    page.wait_for_function("document.body.dataset.layout === 'settled'")
    page.click("#unconnected")
    assert page.evaluate(SHOWN_JS, LONELY) is True
    assert page.inner_text("#unconnected") == "hide 1 unconnected"
    assert page.get_attribute("#unconnected", "aria-pressed") == "true"
    # placed under the graph, not on it
    lowest = page.evaluate(
        "() => Math.max(...Object.values(network.getPositions(coreIds)).map((p) => p.y))"
    )
    assert page.evaluate("(id) => network.getPositions([id])[id].y", LONELY) > lowest
    page.click("#unconnected")
    assert page.evaluate(SHOWN_JS, LONELY) is False
    assert rich_page.errors == []


def test_browser_relation_type_and_confidence_filters(rich_page: Loaded) -> None:
    page = rich_page.page
    every = ["CEO", "founder", "launched", "launched at", "operates in"]
    assert page.evaluate(VISIBLE_EDGES_JS) == sorted([*every, "fan of"])  # related to: off
    assert page.inner_text("#relation-summary") == "6 of 7 shown"
    page.click("#relation-filter summary")
    page.check(f"input[data-kg-predicate='{RELATED_TO}']")
    assert "related to" in page.evaluate(VISIBLE_EDGES_JS)
    page.uncheck(f"input[data-kg-predicate='{RELATED_TO}']")
    # without founder and CEO, Steve Jobs has no relation shown: he goes with the unconnected
    page.uncheck(f"input[data-kg-predicate='{SDO.founder}']")
    page.uncheck(f"input[data-kg-predicate='{KG.ceo}']")
    assert page.evaluate(VISIBLE_EDGES_JS) == ["fan of", "launched", "launched at", "operates in"]
    assert page.evaluate(SHOWN_JS, JOBS) is False
    assert page.inner_text("#unconnected") == "show 2 unconnected"
    page.check(f"input[data-kg-predicate='{SDO.founder}']")
    page.check(f"input[data-kg-predicate='{KG.ceo}']")
    # minimum confidence 0.75: launched (0.8), founder (0.9), CEO (0.85) stay
    page.fill("#min-confidence", "0.75")
    assert page.inner_text("#min-confidence-value") == "0.75"
    assert page.evaluate(VISIBLE_EDGES_JS) == ["CEO", "founder", "launched"]
    assert page.evaluate(SHOWN_JS, CHINA) is False and page.evaluate(SHOWN_JS, HOSTILE) is False
    page.fill("#min-confidence", "0")
    assert len(page.evaluate(VISIBLE_EDGES_JS)) == 6
    assert rich_page.errors == []


def test_browser_double_click_expands_neighbours(rich_page: Loaded) -> None:
    page = rich_page.page
    page.click("#freeze")
    page.uncheck("input[data-kg-type=Person]")
    assert page.evaluate(SHOWN_JS, JOBS) is False
    assert page.evaluate(SHOWN_JS, HOSTILE) is False
    page.mouse.dblclick(*_dom_point(page, APPLE))
    # all of Apple's relations and neighbours, whatever the filters
    assert page.evaluate(SHOWN_JS, JOBS) is True and page.evaluate(SHOWN_JS, HOSTILE) is True
    assert "CEO" in page.evaluate(VISIBLE_EDGES_JS)
    assert page.inner_text("#panel h2") == "Apple Inc."
    page.mouse.dblclick(*_dom_point(page, APPLE))  # again: undone
    assert page.evaluate(SHOWN_JS, JOBS) is False
    assert rich_page.errors == []


def test_browser_panel_groups_relations_and_shows_facts(rich_page: Loaded) -> None:
    page = rich_page.page
    assert rich_page.search("Apple") == [APPLE]
    items = page.query_selector_all("#relations li")
    targets = [li.query_selector("button.entity").inner_text() for li in items]
    assert sorted(targets) == sorted(["Steve Jobs", "iPhone", "China", HOSTILE_LABEL])
    jobs = items[targets.index("Steve Jobs")]
    assert jobs.query_selector(".predicate").inner_text().strip() == "→ CEO · → founder"
    sentences = [q.inner_text() for q in jobs.query_selector_all("blockquote")]
    assert sentences == ["Apple was founded by Steve Jobs in 1976."]  # once, for both relations
    assert jobs.query_selector(".supports").inner_text() == "CEO, founder"
    relations = page.inner_text("#relations")
    assert relations.count("Apple was founded by Steve Jobs in 1976.") == 1
    assert "(2007-01-09)" in items[targets.index("iPhone")].inner_text()
    assert page.inner_text("#facts-date").splitlines()[:2] == [
        "1976: founded",
        "Apple was founded by Steve Jobs in 1976.",
    ]
    assert "2007-01-09: launched iPhone" in page.inner_text("#facts-date")
    assert page.inner_text("#facts-figure").splitlines() == [
        "revenue: 24,000,000,000 USD for 2007",
        "Apple reported revenue of 24 billion dollars for 2007.",
        "seeds/apple.txt",
    ]
    assert rich_page.search("iPhone") == [IPHONE]
    assert page.inner_text("#facts-price").splitlines()[:2] == [
        "499 USD",
        "The iPhone sold for $499.",
    ]
    assert rich_page.errors == []


def test_browser_click_clears_the_search_status(loaded: Loaded) -> None:
    """Issue 13: the search's status stayed after a click chose another entity."""
    page = loaded.page
    page.click("#freeze")
    assert loaded.search("nokia") == []
    assert page.inner_text("#search-status") == "no match"
    page.mouse.click(*_dom_point(page, APPLE))
    assert page.inner_text("#panel h2") == "Apple Inc."
    assert page.inner_text("#search-status") == ""


def test_browser_seed_page_reads_well_at_open(seed_page: Loaded, seed_out: Path) -> None:
    page = seed_page.page
    opening = page.evaluate(OPENING_JS)
    assert opening["labelPx"] >= LABEL_PX
    assert opening["core"] > 50 and opening["inView"] >= 0.9 * opening["core"]
    html = (seed_out / "graph.html").read_text(encoding="utf-8")
    unconnected = [n["id"] for n in _data(html, "nodeData") if n.get("hidden")]
    assert len(unconnected) > 10
    assert page.inner_text("#unconnected") == f"show {len(unconnected)} unconnected"
    assert not any(page.evaluate(SHOWN_JS, iri) for iri in unconnected)
    # open relations are on the page, off
    assert page.is_checked(f"input[data-kg-predicate='{RELATED_TO}']") is False
    assert "related to" not in page.evaluate(VISIBLE_EDGES_JS)
    # prices and figures in the panel
    assert seed_page.search("Mi 6X") != []
    assert re.fullmatch(r"[\d,]+ CNY", page.inner_text("#facts-price").splitlines()[0])
    assert seed_page.errors == [] and seed_page.requests == [page.url]


def test_browser_10k_page_reads_well_at_open(browser: Any, tmp_path: Path) -> None:
    """Issue 13 at 10,000 entities and 30,000 relations (and 50 with none)."""
    view = _synthetic_view(10_000, 30_000)
    lonely = [f"urn:lonely{i}" for i in range(50)]
    for iri in lonely:
        view.add_node(iri, label=f"Lonely {iri[10:]}", type="Market", kind="", aliases="")
    path = write_html(Graph(), tmp_path / "big.html", view=view, max_nodes=None)
    for loaded in _open(browser, path):
        page = loaded.page
        assert loaded.errors == [] and loaded.requests == [page.url]
        assert page.evaluate("nodeData.length") == 10_050
        opening = page.evaluate(OPENING_JS)
        assert opening["labelPx"] >= LABEL_PX
        # too many to fit at that size: the view is on the highest ranked of the core
        assert opening["inView"] < opening["core"] and opening["offTop"] < 1
        hidden = page.evaluate("nodes.get({ filter: (n) => n.hidden }).map((n) => n.id)")
        assert set(lonely) <= set(hidden)
        assert page.inner_text("#unconnected") == f"show {len(hidden)} unconnected"
        # edge labels only for the selected entity's relations (thousands cost seconds a frame)
        assert page.evaluate("edges.get({ filter: (e) => e.label }).length") == 0
        top = page.evaluate("coreIds[0]")
        assert loaded.search(page.evaluate("byId.get(coreIds[0]).label")) == [top]
        degree = page.evaluate("(id) => linksOf.get(id).length", top)
        assert page.evaluate("edges.get({ filter: (e) => e.label }).length") == degree > 0
        page.fill("#min-confidence", "0.5")  # the synthetic relations have none: all hidden
        assert page.evaluate("nodes.get({ filter: (n) => !n.hidden }).length") == 0
        assert "Click an entity" in page.inner_text("#panel")  # the selected one went too
        page.click("#unconnected")
        assert page.evaluate("nodes.get({ filter: (n) => !n.hidden }).length") == 10_050
        assert loaded.errors == []
