"""Tests for kg.export: every format read back gives the entities and relations of the source
(issue 6, item 4), hostile text included, and `kg export` fails in one line."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner, Result
from rdflib import BNode, Graph, Literal

from kg.analyze import communities, pagerank
from kg.cli import cli
from kg.errors import ExportError
from kg.export import (
    EXPORTERS,
    NEO4J_NODE_HEADER,
    NEO4J_RELATIONSHIP_HEADER,
    export,
    local_name,
    relationship_type,
)
from kg.namespaces import KG, KGR, PREFIXES, PROV, RDF, RDFS, SKOS, XSD, bind_prefixes
from kg.store import open_graph
from kg.view import to_networkx
from kg.visualize import COLORS

TINY = Path(__file__).parent / "data" / "tiny.ttl"
GEXF_NS = "http://www.gexf.net/1.2draft"
NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float}

# Quotes, commas, a newline, a tab, markup, an ampersand and the array delimiter: everything
# a CSV or XML writer must escape, and a browser must not run.
HOSTILE_SENTENCE = (
    'Jo "The Quote" O\'Neil said, <script>alert("x")</script> & left;\nthen\tcame back, twice.'
)
HOSTILE_LABEL = 'Jo "The Quote", <b>O\'Neil</b>'
HOSTILE_ALIASES = ("<script>alert(1)</script>", "Jo, Jr.")
HOSTILE_PATH = 'notes/a "b", c & <d>.txt'


def hostile_graph() -> Graph:
    """One entity pair, one relation and its statement, in the shape of docs/graph.md, built by
    hand into a plain rdflib graph (not an Oxigraph store)."""
    g = bind_prefixes(Graph())
    jo, acme = KGR["person/jo"], KGR["organization/acme"]
    doc, statement = KGR["doc/notes"], KGR["statement/0000000000000001"]
    g.add((jo, RDF.type, KG.Person))
    g.add((jo, RDFS.label, Literal(HOSTILE_LABEL)))
    for alias in HOSTILE_ALIASES:
        g.add((jo, SKOS.altLabel, Literal(alias)))
    g.add((acme, RDF.type, KG.Organization))
    g.add((acme, RDFS.label, Literal("Acme, Inc.")))
    g.add((acme, KG.kind, Literal("company")))
    g.add((jo, KG.fanOf, acme))
    g.add((doc, KG.path, Literal(HOSTILE_PATH)))
    for p, o in [
        (RDF.type, RDF.Statement),
        (RDF.subject, jo),
        (RDF.predicate, KG.fanOf),
        (RDF.object, acme),
        (KG.sentence, Literal(HOSTILE_SENTENCE)),
        (KG.start, Literal(0)),
        (KG.end, Literal(len(HOSTILE_SENTENCE))),
        (KG.rule, Literal("person-fan-of")),
        (KG.confidence, Literal(Decimal("0.55"))),
        (PROV.wasDerivedFrom, doc),
    ]:
        g.add((statement, p, o))
    return g


@pytest.fixture(scope="module", params=["tiny", "seeds", "hostile"])
def source(request: pytest.FixtureRequest) -> tuple[Graph, Graph]:
    """(graph to export, the same graph read independently by rdflib, to compare with).

    ``tiny`` and ``seeds`` are Oxigraph-backed, as every graph the CLI reads; ``hostile`` is a
    plain rdflib graph.
    """
    if request.param == "tiny":
        return open_graph(TINY), Graph().parse(TINY)
    if request.param == "seeds":
        seed_out: Path = request.getfixturevalue("seed_out")
        return open_graph(seed_out), Graph().parse(seed_out / "graph.ttl")
    graph = hostile_graph()
    return graph, graph


def written(graph: Graph, fmt: str, tmp_path: Path) -> list[Path]:
    out = tmp_path / EXPORTERS[fmt].default_name
    files = export(graph, fmt, out)
    assert files and all(f.is_file() and f.stat().st_size > 0 for f in files)
    return files


def canonical(triples: Any) -> set[tuple[Any, Any, Any]]:
    """Triples comparable across writers, parsers and the store.

    ``"x"^^xsd:string`` is the plain ``"x"`` in RDF 1.1, and Oxigraph keeps numbers by value
    (``0.90`` comes back ``0.9``): numeric literals compare by value.
    """
    out = set()
    for s, p, o in triples:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        elif isinstance(o, Literal) and o.datatype in NUMERIC:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=o.datatype)
        out.add((s, p, o))
    return out


# ------------------------------------------------------------------ RDF


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_rdf_round_trip_gives_the_same_triples(
    source: tuple[Graph, Graph], fmt: str, rdf_format: str, tmp_path: Path
) -> None:
    graph, reference = source
    (path,) = written(graph, fmt, tmp_path)
    back = Graph().parse(path, format=rdf_format)
    # Without blank nodes, equal triple sets are isomorphic graphs.
    assert not any(isinstance(term, BNode) for triple in reference for term in triple)
    assert len(back) == len(reference) > 10
    assert canonical(back) == canonical(reference)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_rdf_exports_write_plain_strings(
    source: tuple[Graph, Graph], fmt: str, tmp_path: Path
) -> None:
    """The store hands back every plain literal as ``xsd:string``; the files write it plain."""
    (path,) = written(source[0], fmt, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "XMLSchema#string" not in text and "xsd:string" not in text


def test_turtle_declares_the_prefixes_and_writes_entity_iris_in_full(tmp_path: Path) -> None:
    (path,) = written(open_graph(TINY), "ttl", tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "@prefix kg: <https://w3id.org/kg/ontology#> ." in text
    assert "kgr:" not in text
    assert re.search(r"^<https://w3id\.org/kg/id/apple> ", text, re.MULTILINE)
    assert re.search(r"\ba kg:Organization\b", text)


def test_jsonld_has_the_context_and_compacts_with_it(tmp_path: Path) -> None:
    (path,) = written(open_graph(TINY), "jsonld", tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["@context"] == {p: str(ns) for p, ns in PREFIXES.items()}
    nodes = {node["@id"]: node for node in document["@graph"]}
    apple = nodes["kgr:apple"]
    assert apple["@type"] == "kg:Organization"
    assert apple["rdfs:label"] == "Apple Inc."
    assert sorted(apple["skos:altLabel"]) == ["AAPL", "Apple"]
    assert apple["schema:founder"] == {"@id": "kgr:steve-jobs"}
    assert nodes["kgr:st1"]["kg:confidence"] == {"@type": "xsd:decimal", "@value": "0.9"}
    full = [key for node in nodes.values() for key in node if key.startswith("http")]
    assert not full, full


# ------------------------------------------------------------------ GraphML and GEXF


def view_nodes(view: nx.DiGraph) -> dict[str, tuple[str, str, str, str]]:
    return {
        node: (data["label"], data["type"], data["kind"], data["aliases"])
        for node, data in view.nodes(data=True)
    }


def view_edges(view: nx.DiGraph) -> list[tuple[Any, ...]]:
    fields = ("predicate", "evidence", "documents", "rules", "confidence")
    return sorted((s, o, *(data[f] for f in fields)) for s, o, data in view.edges(data=True))


READERS: dict[str, Callable[[Path], nx.DiGraph]] = {
    "graphml": nx.read_graphml,
    "gexf": nx.read_gexf,
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_networkx_round_trip_gives_the_view(
    source: tuple[Graph, Graph], fmt: str, tmp_path: Path
) -> None:
    graph, reference = source
    view = to_networkx(graph)
    (path,) = written(graph, fmt, tmp_path)
    back = READERS[fmt](path)
    assert back.is_directed()  # a DiGraph when no pair has two relations
    assert view_nodes(back) == view_nodes(view)
    assert view_edges(back) == view_edges(view)
    assert all(isinstance(d["confidence"], float) for *_, d in back.edges(data=True))
    # ... and the view is the source's entities and stated relations.
    classes = {KG[t] for t in ("Person", "Organization", "Product", "Market", "Event")}
    entities = {str(s) for s, o in reference.subject_objects(RDF.type) if o in classes}
    assert set(back.nodes) == entities
    stated = {  # open relations (kg:relatedTo) stay out of the view
        (str(reference.value(st, RDF.subject)), str(reference.value(st, RDF.object)))
        for st in reference.subjects(RDF.type, RDF.Statement)
        if reference.value(st, RDF.predicate) != KG.relatedTo
    }
    between_entities = {(s, o) for s, o in stated if s in entities and o in entities}
    assert {(s, o) for s, o in back.edges()} == between_entities


def test_graphml_edge_ids_are_unique(tmp_path: Path) -> None:
    """GraphML writes a multigraph's edge key as its id: predicates would repeat."""
    (path,) = written(open_graph(TINY), "graphml", tmp_path)
    ids = [e.get("id") for e in ET.parse(path).iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == 5 and len(set(ids)) == 5


def test_gexf_is_gexf_1_2_with_labels_and_typed_attributes(
    source: tuple[Graph, Graph], tmp_path: Path
) -> None:
    graph, _ = source
    view = to_networkx(graph)
    (path,) = written(graph, "gexf", tmp_path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{GEXF_NS}}}gexf" and root.get("version") == "1.2"
    (element,) = root.findall(f"{{{GEXF_NS}}}graph")
    assert element.get("defaultedgetype") == "directed"
    types = {
        (attrs.get("class"), a.get("title")): a.get("type")
        for attrs in element.findall(f"{{{GEXF_NS}}}attributes")
        for a in attrs.findall(f"{{{GEXF_NS}}}attribute")
    }
    assert types[("edge", "confidence")] == "double"
    for name in ("type", "kind", "aliases"):
        assert types[("node", name)] == "string"
    for name in ("predicate", "evidence", "documents", "rules"):
        assert types[("edge", name)] == "string"
    nodes = element.findall(f"{{{GEXF_NS}}}nodes/{{{GEXF_NS}}}node")
    assert {n.get("id"): n.get("label") for n in nodes} == {
        node: data["label"] for node, data in view.nodes(data=True)
    }
    edges = element.findall(f"{{{GEXF_NS}}}edges/{{{GEXF_NS}}}edge")
    assert len({e.get("id") for e in edges}) == len(edges) == view.number_of_edges()
    assert sorted((e.get("source"), e.get("target"), e.get("label")) for e in edges) == sorted(
        (s, o, local_name(d["predicate"])) for s, o, d in view.edges(data=True)
    )


def test_gexf_labels_edges_with_the_predicate_name(tmp_path: Path) -> None:
    (path,) = written(open_graph(TINY), "gexf", tmp_path)
    back = nx.read_gexf(path)
    labels = {
        (back.nodes[s]["label"], d["label"], back.nodes[o]["label"])
        for s, o, d in back.edges(data=True)
    }
    assert ("Apple Inc.", "founder", "Steve Jobs") in labels
    assert ("iPhone", "launchedAt", "Macworld 2007") in labels


def drawing(view: nx.MultiDiGraph) -> dict[str, tuple[tuple[int, ...], float, int]]:
    """What the exports should carry for each entity: its type's colour, its PageRank and its
    community, computed here from the view."""
    scores = pagerank(view)
    number = {m.entity.iri: c.number for c in communities(view) for m in c.members}
    return {
        node: (
            tuple(int(COLORS[data["type"]][i : i + 2], 16) for i in (1, 3, 5)),
            scores[node],
            number[node],
        )
        for node, data in view.nodes(data=True)
    }


def test_gexf_opens_drawn_colours_sizes_positions_and_attributes_survive(
    source: tuple[Graph, Graph], tmp_path: Path
) -> None:
    """Issue 13, item 5: Gephi opens the GEXF coloured by type, sized by PageRank, laid out."""
    graph, _ = source
    view = to_networkx(graph)
    expected = drawing(view)
    (path,) = written(graph, "gexf", tmp_path)
    assert "networkx_key" not in path.read_text(encoding="utf-8")
    back = nx.read_gexf(path)
    top = max(score for _, score, _ in expected.values())
    for node, (rgb, score, community) in expected.items():
        data = back.nodes[node]
        viz = data["viz"]
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == rgb
        assert data["pagerank"] == pytest.approx(score, abs=1e-6)
        assert data["community"] == community
        assert 8.0 <= viz["size"] <= 40.0
        assert viz["size"] == pytest.approx(8.0 + 32.0 * (score / top) ** 0.5, abs=0.06)
        assert set(viz["position"]) >= {"x", "y"}
    # the most central entity is drawn largest, and entities do not sit on one point
    biggest = max(back.nodes, key=lambda n: back.nodes[n]["viz"]["size"])
    assert expected[biggest][1] == top
    points = {(d["viz"]["position"]["x"], d["viz"]["position"]["y"]) for d in back.nodes.values()}
    assert len(points) == back.number_of_nodes() or back.number_of_nodes() < 2
    assert {d["label"] for *_, d in back.edges(data=True)} == {
        local_name(d["predicate"]) for *_, d in view.edges(data=True)
    }


def test_graphml_carries_edge_labels_and_the_same_attributes(
    source: tuple[Graph, Graph], tmp_path: Path
) -> None:
    """Issue 13, item 5: GraphML has each edge's label, PageRank, community, colour, size and
    position of each node, and no ``networkx_key``."""
    graph, _ = source
    view = to_networkx(graph)
    expected = drawing(view)
    (path,) = written(graph, "graphml", tmp_path)
    assert "networkx_key" not in path.read_text(encoding="utf-8")
    back = nx.read_graphml(path)
    gexf = nx.read_gexf(written(graph, "gexf", tmp_path)[0])
    for node, (rgb, score, community) in expected.items():
        data = back.nodes[node]
        assert data["color"] == "#" + "".join(f"{c:02x}" for c in rgb)
        assert data["pagerank"] == pytest.approx(score, abs=1e-6)
        assert data["community"] == community
        viz = gexf.nodes[node]["viz"]  # the same drawing in both files
        assert (data["size"], data["x"], data["y"]) == (
            viz["size"],
            viz["position"]["x"],
            viz["position"]["y"],
        )
    labels = sorted((s, o, d["label"]) for s, o, d in back.edges(data=True))
    assert labels == sorted((s, o, local_name(d["predicate"])) for s, o, d in view.edges(data=True))
    assert all("networkx_key" not in d for *_, d in back.edges(data=True))


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_characters_xml_cannot_hold_become_replacement_characters(fmt: str, tmp_path: Path) -> None:
    graph = hostile_graph()
    jo = KGR["person/jo"]
    graph.set((jo, RDFS.label, Literal("Jo\x0bBell\x00")))
    (path,) = written(graph, fmt, tmp_path)
    back = READERS[fmt](path)
    assert back.nodes[str(jo)]["label"] == "Jo\ufffdBell\ufffd"


# ------------------------------------------------------------------ Neo4j CSV


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def array(field: str) -> list[str]:
    return field.split(";") if field else []


def listed(joined: str) -> list[str]:
    return joined.split("|") if joined else []


def test_neo4j_csvs_give_the_view(source: tuple[Graph, Graph], tmp_path: Path) -> None:
    graph, _ = source
    view = to_networkx(graph)
    nodes_csv, relationships_csv = written(graph, "neo4j", tmp_path)
    assert (nodes_csv.name, relationships_csv.name) == ("nodes.csv", "relationships.csv")
    header, *rows = read_csv(nodes_csv)
    assert (
        tuple(header)
        == NEO4J_NODE_HEADER
        == ("id:ID", "label", ":LABEL", "kind", "aliases:string[]")
    )
    assert {r[0]: (r[1], r[2], r[3], array(r[4])) for r in rows} == {
        n: (d["label"], d["type"], d["kind"], listed(d["aliases"]))
        for n, d in view.nodes(data=True)
    }
    assert len(rows) == view.number_of_nodes()
    header, *rows = read_csv(relationships_csv)
    assert tuple(header) == NEO4J_RELATIONSHIP_HEADER
    assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert header[4:] == ["evidence", "documents:string[]", "rules:string[]", "confidence:float"]
    back = {(r[0], r[3], r[1]): (r[2], r[4], array(r[5]), array(r[6]), float(r[7])) for r in rows}
    assert back == {
        (s, d["predicate"], o): (
            relationship_type(d["predicate"]),
            d["evidence"],
            listed(d["documents"]),
            listed(d["rules"]),
            d["confidence"],
        )
        for s, o, d in view.edges(data=True)
    }
    assert len(rows) == view.number_of_edges()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", r[2]) for r in rows)


def test_neo4j_relationship_types(tmp_path: Path) -> None:
    _, relationships_csv = written(open_graph(TINY), "neo4j", tmp_path)
    types = {local_name(r[3]): r[2] for r in read_csv(relationships_csv)[1:]}
    assert types == {
        "founder": "FOUNDER",
        "launched": "LAUNCHED",
        "launchedAt": "LAUNCHED_AT",
        "operatesIn": "OPERATES_IN",
        "fanOf": "FAN_OF",
    }


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://w3id.org/kg/ontology#coFounder", "CO_FOUNDER"),
        ("https://schema.org/isBasedOn", "IS_BASED_ON"),
        ("https://w3id.org/kg/ontology#worksFor", "WORKS_FOR"),
        ("http://example.org/HTTPServer", "HTTP_SERVER"),
        ("http://example.org/has-part_2", "HAS_PART_2"),
        ("http://example.org/vocab/", "VOCAB"),
    ],
)
def test_relationship_type(iri: str, expected: str) -> None:
    assert relationship_type(iri) == expected


def test_hostile_text_survives_csv_and_gexf_exactly(tmp_path: Path) -> None:
    graph = hostile_graph()
    jo, acme = str(KGR["person/jo"]), str(KGR["organization/acme"])
    nodes_csv, relationships_csv = written(graph, "neo4j", tmp_path)
    nodes = {r[0]: r for r in read_csv(nodes_csv)[1:]}
    assert nodes[jo][1:4] == [HOSTILE_LABEL, "Person", ""]
    assert sorted(array(nodes[jo][4])) == sorted(HOSTILE_ALIASES)
    assert nodes[acme][1:4] == ["Acme, Inc.", "Organization", "company"]
    (row,) = read_csv(relationships_csv)[1:]
    assert row == [
        jo,
        acme,
        "FAN_OF",
        str(KG.fanOf),
        HOSTILE_SENTENCE,
        HOSTILE_PATH,
        "person-fan-of",
        "0.55",
    ]
    # Quoted, quotes doubled: the raw file holds the sentence in RFC 4180 form.
    raw = relationships_csv.read_text(encoding="utf-8")
    assert '"' + HOSTILE_SENTENCE.replace('"', '""') + '"' in raw

    (gexf,) = written(graph, "gexf", tmp_path)
    back = nx.read_gexf(gexf)
    assert back.nodes[jo]["label"] == HOSTILE_LABEL
    assert sorted(back.nodes[jo]["aliases"].split("|")) == sorted(HOSTILE_ALIASES)
    (edge,) = back.edges(data=True)
    assert edge[2]["evidence"] == HOSTILE_SENTENCE
    assert edge[2]["documents"] == HOSTILE_PATH
    assert "<script>" not in gexf.read_text(encoding="utf-8")


def test_an_array_delimiter_in_an_alias_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    graph = hostile_graph()
    graph.add((KGR["person/jo"], SKOS.altLabel, Literal("Jo; the fan")))
    written(graph, "neo4j", tmp_path)
    assert "1 alias(es) or path(s) hold ';'" in caplog.text and "Jo; the fan" in caplog.text


# ------------------------------------------------------------------ errors


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format 'dot'"):
        export(hostile_graph(), "dot", tmp_path / "g.dot")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "gexf", "neo4j"])
def test_unwritable_out(fmt: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "sub" / "out"
    with pytest.raises(ExportError) as raised:
        export(hostile_graph(), fmt, out)
    assert str(raised.value) == f"{out}: cannot write: {blocker} is not a folder"


# ------------------------------------------------------------------ kg export


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_export(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["export", "--graph", str(TINY), *args])


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_cli_formats_are_the_registry(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--help"])
    assert f"[{'|'.join(EXPORTERS)}]" in result.stdout
    assert {"html", "ttl", "nt", "jsonld", "graphml", "gexf", "neo4j"} == set(EXPORTERS)


def test_cli_gexf(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    result = run_export(runner, "--format", "gexf", "--out", str(out))
    assert (result.exit_code, result.stdout) == (0, f"wrote {out}\n"), result.output
    assert nx.read_gexf(out).number_of_edges() == 5


def test_cli_neo4j_writes_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "neo4j"
    result = run_export(runner, "--format", "neo4j", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out / 'nodes.csv'}, {out / 'relationships.csv'}\n"
    assert sorted(p.name for p in out.iterdir()) == ["nodes.csv", "relationships.csv"]


def test_cli_neo4j_default_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_export(runner, "--format", "neo4j")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "exports" / "neo4j" / "nodes.csv").is_file()
    assert (tmp_path / "exports" / "neo4j" / "relationships.csv").is_file()


def test_cli_unwritable_out_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    error = one_line_error(run_export(runner, "--format", "ttl", "--out", str(blocker / "g.ttl")))
    assert error == f"Error: {blocker / 'g.ttl'}: cannot write: {blocker} is not a folder"


def test_cli_file_format_into_a_folder_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    error = one_line_error(run_export(runner, "--format", "gexf", "--out", str(tmp_path)))
    assert error == f"Error: {tmp_path}: is a folder (give a file name for the gexf export)"


def test_cli_neo4j_onto_a_file_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "nodes.csv"
    blocker.write_text("x", encoding="utf-8")
    error = one_line_error(run_export(runner, "--format", "neo4j", "--out", str(blocker)))
    assert error == f"Error: {blocker}: not a folder (the neo4j export writes a folder of files)"
    assert blocker.read_text(encoding="utf-8") == "x"
