"""The analytics on the networkx view (kg/view.py, kg/analyze.py, kg/report.py) and their
commands: ``kg stats``, ``kg rank``, ``kg path``, ``kg neighbors`` and ``kg communities``
(issue 6, item 2)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg import cli as kg_cli
from kg.analyze import (
    MEASURES,
    communities,
    neighbors,
    rank,
    shortest_paths,
    stats,
)
from kg.cli import cli
from kg.errors import AmbiguousEntityError, AnalysisError
from kg.namespaces import ENTITY_TYPES, KG, KGR, SDO
from kg.query import run_query
from kg.report import FORMATS
from kg.show import EntityNotFoundError
from kg.store import open_graph
from kg.view import to_networkx

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
XIAOMI = str(KGR["organization/xiaomi"])
LEI_JUN = str(KGR["person/lei-jun"])
INDIA = str(KGR["market/india"])


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def seed_graph(seed_out: Path) -> Graph:
    return open_graph(seed_out)


@pytest.fixture(scope="module")
def seed_view(seed_graph: Graph) -> nx.MultiDiGraph:
    return to_networkx(seed_graph)


def _kg(runner: CliRunner, graph: Path, *args: str) -> Result:
    return runner.invoke(cli, [*args, "--graph", str(graph)])


def _json(runner: CliRunner, graph: Path, *args: str) -> Any:
    result = _kg(runner, graph, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _csv(runner: CliRunner, graph: Path, *args: str) -> list[dict[str, str]]:
    result = _kg(runner, graph, *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


# ------------------------------------------------------------------ hand-built graphs


def _toy(
    entities: dict[str, tuple[str, list[str]]],
    relations: list[tuple[str, str, str]],
) -> Graph:
    """A graph shaped like a build: ``entities`` maps ``type/slug`` keys to (label, aliases);
    each relation ``(subject key, kg: predicate, object key)`` gets a statement with a sentence
    in the document ``toy.txt``."""
    graph = Graph()
    doc = KGR["doc/toy.txt"]
    graph.add((doc, RDF.type, PROV.Entity))
    graph.add((doc, RDF.type, SDO.CreativeWork))
    graph.add((doc, KG.path, Literal("toy.txt")))
    for key, (label, aliases) in entities.items():
        iri = KGR[key]
        graph.add((iri, RDF.type, KG[key.split("/")[0].capitalize()]))
        graph.add((iri, RDFS.label, Literal(label)))
        for alias in aliases:
            graph.add((iri, SKOS.altLabel, Literal(alias)))
    for i, (s, p, o) in enumerate(relations):
        statement = KGR[f"statement/{i}"]
        graph.add((KGR[s], KG[p], KGR[o]))
        graph.add((statement, RDF.type, RDF.Statement))
        graph.add((statement, RDF.subject, KGR[s]))
        graph.add((statement, RDF.predicate, KG[p]))
        graph.add((statement, RDF.object, KGR[o]))
        graph.add((statement, KG.sentence, Literal(f"{s} {p} {o}.")))
        graph.add((statement, PROV.wasDerivedFrom, doc))
    return graph


#: Two components (a - b - d, a - c - d, and e - f) and one entity without relations.
TOY_ENTITIES = {
    "person/a": ("Ann", ["Annie"]),
    "organization/b": ("Bolt", []),
    "organization/c": ("Crane", []),
    "market/d": ("Dune", []),
    "person/e": ("Eve", []),
    "organization/f": ("Fox", []),
    "product/g": ("Gadget", []),
}
TOY_RELATIONS = [
    ("organization/b", "ceo", "person/a"),
    ("person/a", "fanOf", "organization/c"),
    ("organization/b", "operatesIn", "market/d"),
    ("organization/c", "operatesIn", "market/d"),
    ("organization/f", "ceo", "person/e"),
]


@pytest.fixture
def toy() -> Graph:
    return _toy(TOY_ENTITIES, TOY_RELATIONS)


@pytest.fixture
def toy_file(toy: Graph, tmp_path: Path) -> Path:
    path = tmp_path / "toy.ttl"
    toy.serialize(path, format="turtle")
    return path


@pytest.fixture
def empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "empty.ttl"
    path.write_text("", encoding="utf-8")
    return path


# ------------------------------------------------------------------ kg stats


def _sparql_counts(graph: Graph, text: str) -> dict[str, int]:
    return {str(row[0]): int(str(row[1])) for row in run_query(graph, text)}  # type: ignore[index]


def test_stats_agree_with_sparql(runner: CliRunner, seed_out: Path, seed_graph: Graph) -> None:
    found = _json(runner, seed_out, "stats")
    by_class = _sparql_counts(
        seed_graph,
        """SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {
             VALUES ?class { kg:Person kg:Organization kg:Product kg:Market kg:Event }
             ?e a ?class ; rdfs:label ?label } GROUP BY ?class""",
    )
    assert found["entities"]["by_type"] == {
        iri.rpartition("#")[2]: n for iri, n in sorted(by_class.items())
    }
    assert found["entities"]["total"] == sum(by_class.values()) > 100
    by_predicate = _sparql_counts(
        seed_graph,
        """SELECT ?p (COUNT(*) AS ?n) WHERE {
             { SELECT DISTINCT ?s ?p ?o WHERE {
                 ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                 FILTER(?p != kg:relatedTo)  # open relations stay out of the view
                 ?s ?p ?o ; rdfs:label ?sl . ?o rdfs:label ?ol .
                 ?s a ?sc . ?o a ?oc .
                 FILTER(?sc IN (kg:Person, kg:Organization, kg:Product, kg:Market, kg:Event))
                 FILTER(?oc IN (kg:Person, kg:Organization, kg:Product, kg:Market, kg:Event)) } }
           } GROUP BY ?p""",
    )
    curies = {
        iri.replace(str(KG), "kg:").replace(str(SDO), "schema:"): n
        for iri, n in by_predicate.items()
    }
    assert found["relations"]["by_predicate"] == dict(sorted(curies.items()))
    assert found["relations"]["total"] == sum(by_predicate.values())
    assert found["documents"] == len(list(SEEDS.glob("*.txt"))) == 5
    entities, relations = found["entities"]["total"], found["relations"]["total"]
    assert found["density"] == pytest.approx(relations / (entities * (entities - 1)), abs=1e-6)
    degree = found["degree"]
    assert sum(degree["histogram"].values()) == entities
    assert degree["histogram"]["0"] == found["components"]["isolated"] == 41
    assert degree["max"] == 47  # Xiaomi's relations, as `kg rank --by degree` says
    assert degree["mean"] == pytest.approx(2 * relations / entities, abs=1e-6)
    # every component but the isolated entities and the largest one has 2 to 86 entities
    assert found["components"]["count"] > found["components"]["isolated"]
    assert found["components"]["largest"] < entities


def test_stats_table_and_csv(runner: CliRunner, seed_out: Path) -> None:
    result = _kg(runner, seed_out, "stats")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "documents: 5"
    assert "  kg:operatesIn                11" in lines
    assert any(line.startswith("components: 44 (largest 89 entities") for line in lines)
    assert "degree: min 0, median 1, mean 1.94, max 47" in lines
    rows = _csv(runner, seed_out, "stats")
    table = {(r["section"], r["name"]): r["value"] for r in rows}
    assert table["documents", ""] == "5"
    assert table["entities", "Person"] == "19"
    assert table["degree histogram", "33-64"] == "1"


def test_stats_of_hand_built_graphs(toy: Graph) -> None:
    found = stats(toy)
    assert found.documents == 1
    assert found.entities == {"Market": 1, "Organization": 3, "Person": 2, "Product": 1}
    assert found.relations == {"kg:ceo": 2, "kg:fanOf": 1, "kg:operatesIn": 2}
    assert (found.components, found.largest_component, found.isolated) == (3, 4, 1)
    assert found.density == pytest.approx(5 / (7 * 6))
    assert (found.degrees.min, found.degrees.median, found.degrees.max) == (0, 2, 2)
    assert found.degrees.histogram == (("0", 1), ("1", 2), ("2", 4))
    empty = stats(Graph())
    assert (empty.documents, empty.entities, empty.relations, empty.components) == (0, {}, {}, 0)
    assert (empty.density, empty.degrees.max, empty.degrees.histogram) == (0.0, 0, ())


def test_stats_of_an_empty_graph(runner: CliRunner, empty_file: Path) -> None:
    result = _kg(runner, empty_file, "stats")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == ["documents: 0", "entities: 0", "relations: 0"]
    assert _json(runner, empty_file, "stats")["degree"]["histogram"] == {}


# ------------------------------------------------------------------ kg rank


def test_xiaomi_ranks_first_by_every_measure(runner: CliRunner, seed_out: Path) -> None:
    for by in MEASURES:
        ranked = _json(runner, seed_out, "rank", "--by", by, "-n", "3")
        assert [r["rank"] for r in ranked] == [1, 2, 3]
        assert ranked[0]["iri"] == XIAOMI and ranked[0]["type"] == "Organization", by
        assert ranked[0]["score"] > ranked[1]["score"] >= ranked[2]["score"]


def test_rank_by_degree_counts_relations(
    runner: CliRunner, seed_out: Path, seed_graph: Graph
) -> None:
    result = _kg(runner, seed_out, "rank", "--by", "degree", "-n", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "rank  entity    type          degree",
        "----  --------  ------------  ------",
        "1     Xiaomi    Organization  47",
    ]
    # 47: the stated entity-to-entity relations Xiaomi takes part in, counted by SPARQL
    rows = run_query(
        seed_graph,
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             FILTER(?p != kg:relatedTo)
             ?s ?p ?o ; rdfs:label ?sl . ?o rdfs:label ?ol .
             FILTER(?s = ?x || ?o = ?x) }""",
        {"x": URIRef(XIAOMI)},
    )
    assert len(rows) == 47


def test_rank_by_type(runner: CliRunner, seed_out: Path) -> None:
    rows = _csv(runner, seed_out, "rank", "--type", "person", "-n", "4")
    assert len(rows) == 4 and {r["type"] for r in rows} == {"Person"}
    assert rows[0]["label"] == "Hong Jun"  # the most central person: a fan with 12 relations
    assert [float(r["score"]) for r in rows] == sorted(
        (float(r["score"]) for r in rows), reverse=True
    )
    result = _kg(runner, seed_out, "rank", "--type", "Planet")
    assert result.exit_code == 2 and "Planet" in result.stderr


def test_pagerank_is_networkx_pagerank(seed_view: nx.MultiDiGraph) -> None:
    import scipy  # noqa: F401  (a test extra: nx.pagerank needs SciPy, kg does not)

    weighted = nx.Graph()  # an edge per related pair, weighted by its relations
    weighted.add_nodes_from(seed_view)
    for s, o in seed_view.edges():
        weight = weighted.get_edge_data(s, o, {"weight": 0})["weight"]
        weighted.add_edge(s, o, weight=weight + 1)
    expected = nx.pagerank(weighted, tol=1e-12, max_iter=1000)
    found = {r.entity.iri: r.score for r in rank(seed_view, limit=len(seed_view))}
    assert found.keys() == expected.keys()
    assert max(abs(found[n] - expected[n]) for n in found) < 1e-8
    assert sum(found.values()) == pytest.approx(1.0)
    # a relation of an entity to itself, and an entity without relations
    small = nx.MultiDiGraph([("a", "b", "p"), ("b", "b", "p"), ("b", "c", "q"), ("c", "b", "q")])
    small.add_node("d")
    weights = {("a", "b"): 1, ("b", "b"): 1, ("b", "c"): 2}
    simple = nx.Graph([(s, o, {"weight": w}) for (s, o), w in weights.items()])
    simple.add_node("d")
    expected = nx.pagerank(simple, tol=1e-12, max_iter=1000)
    found = {r.entity.iri: r.score for r in rank(small, limit=4)}
    assert max(abs(found[n] - expected[n]) for n in "abcd") < 1e-8


def test_rank_of_hand_built_graphs(toy: Graph) -> None:
    view = to_networkx(toy)
    top = rank(view, by="betweenness", limit=3)
    # Ann, Bolt, Crane and Dune make a square: each lies on one of the two shortest paths
    # between the two others, half of the pairs' paths; normalized by (n-1)(n-2)/2 = 15
    assert [(r.entity.label, r.score) for r in top] == [
        ("Ann", pytest.approx(0.5 / 15)),
        ("Bolt", pytest.approx(0.5 / 15)),
        ("Crane", pytest.approx(0.5 / 15)),
    ]
    assert [r.entity.label for r in rank(view, by="degree", limit=7)][-1] == "Gadget"
    assert rank(nx.MultiDiGraph()) == []
    with pytest.raises(AnalysisError, match="unknown measure 'fame'"):
        rank(view, by="fame")
    with pytest.raises(AnalysisError, match="unknown type 'Planet'"):
        rank(view, type="Planet")


# ------------------------------------------------------------------ kg path


def test_path_from_lei_jun_to_india(runner: CliRunner, seed_out: Path) -> None:
    result = _kg(runner, seed_out, "path", "Lei Jun", "India")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "1 shortest chain of 2 hops between Lei Jun and India"
    assert lines[1] == "1. Lei Jun · Xiaomi · India"
    assert "   Lei Jun <-CEO- Xiaomi" in lines and "   Lei Jun <-founder- Xiaomi" in lines
    hop = lines.index("   Xiaomi -operates in-> India")
    assert lines[hop + 1].startswith("     “") and "India" in lines[hop + 1]
    # the document relative to seeds/, the source root (issue 12)
    assert re.search(r" \(\d{3}_[0-9a-f]{16}\.txt\)$", lines[hop + 1]), lines[hop + 1]


def test_path_evidence_is_the_statements(
    runner: CliRunner, seed_out: Path, seed_graph: Graph
) -> None:
    found = _json(runner, seed_out, "path", "mr. lei", "INDIA")  # an honorific, any case
    assert (found["from"]["iri"], found["to"]["iri"], found["hops"]) == (LEI_JUN, INDIA, 2)
    [chain] = found["chains"]
    assert [e["label"] for e in chain["entities"]] == ["Lei Jun", "Xiaomi", "India"]
    first, second = chain["steps"]
    assert {(r["label"], r["direction"]) for r in first["relations"]} == {
        ("CEO", "backward"),
        ("founder", "backward"),
    }
    [operates] = second["relations"]
    assert (operates["subject"], operates["object"], operates["direction"]) == (
        XIAOMI,
        INDIA,
        "forward",
    )
    rows = run_query(
        seed_graph,
        """SELECT ?sentence ?path WHERE { ?st rdf:subject ?s ; rdf:predicate kg:operatesIn ;
             rdf:object ?o ; kg:sentence ?sentence ; prov:wasDerivedFrom/kg:path ?path }""",
        {"s": URIRef(XIAOMI), "o": URIRef(INDIA)},
    )
    expected = {(" ".join(str(r[0]).split()), str(r[1])) for r in rows}  # type: ignore[index]
    assert {(e["sentence"], e["document"]) for e in operates["evidence"]} == expected
    assert len(expected) > 3  # more than a table shows
    table = _kg(runner, seed_out, "path", "Lei Jun", "India").stdout
    assert f"… {len(expected) - 3} more (--format json lists every sentence)" in table


def test_path_csv_has_a_row_per_sentence(runner: CliRunner, seed_out: Path) -> None:
    rows = _csv(runner, seed_out, "path", "Lei Jun", "India")
    assert {(r["chain"], r["step"]) for r in rows} == {("1", "1"), ("1", "2")}
    assert {r["label"] for r in rows if r["step"] == "2"} == {"operates in"}
    assert all(r["sentence"] and re.fullmatch(r"\d{3}_\w+\.txt", r["document"]) for r in rows)


def test_path_directions_and_every_shortest_chain(
    runner: CliRunner, toy: Graph, toy_file: Path
) -> None:
    found = shortest_paths(toy, "annie", "Dune")  # by alias, any case
    assert found.hops == 2 and not found.more
    assert [[s.target.label for s in chain] for chain in found.chains] == [
        ["Bolt", "Dune"],
        ["Crane", "Dune"],
    ]
    arrows = [f"{s.source.label} {s.links[0].arrow} {s.target.label}" for s in found.chains[0]]
    # no ontology in this graph: the predicate's local name is its label
    assert arrows == ["Ann <-ceo- Bolt", "Bolt -operatesIn-> Dune"]
    [link] = found.chains[0][0].links
    assert link.evidence[0].sentence == "organization/b ceo person/a."
    assert link.evidence[0].document == "toy.txt"
    capped = CliRunner().invoke(cli, ["path", "Ann", "Dune", "-n", "1", "--graph", str(toy_file)])
    assert capped.exit_code == 0, capped.output
    assert capped.stdout.startswith("1+ shortest chain of 2 hops between Ann and Dune\n")
    assert "more left out by --limit" in capped.stderr


def test_path_when_there_is_none(runner: CliRunner, toy: Graph, toy_file: Path) -> None:
    assert shortest_paths(toy, "Ann", "Eve").chains == ()
    result = _kg(runner, toy_file, "path", "Ann", "Gadget")
    assert result.exit_code == 0, result.output
    assert result.stdout == "no path between Ann and Gadget: they are not connected\n"
    result = _kg(runner, toy_file, "path", "Ann", "Eve", "--format", "json")
    assert json.loads(result.stdout)["chains"] == [] and json.loads(result.stdout)["hops"] is None
    assert result.stderr == "no path between Ann and Eve\n"


def test_path_errors(runner: CliRunner, seed_out: Path) -> None:
    result = _kg(runner, seed_out, "path", "Xiomi", "India")
    assert result.exit_code == 1
    assert result.stderr == "Error: no entity named 'Xiomi'; closest: Xiaomi\n"
    result = _kg(runner, seed_out, "path", "Lei", "lei jun")
    assert result.exit_code == 1
    assert result.stderr == "Error: 'Lei' and 'lei jun' are the same entity, Lei Jun\n"


def test_ambiguous_names_list_the_candidates(tmp_path: Path) -> None:
    graph = _toy(
        {"product/mi": ("Mi", []), "organization/mi": ("Mi", ["Mi Inc"]), "market/x": ("X", [])},
        [("organization/mi", "operatesIn", "market/x"), ("product/mi", "soldIn", "market/x")],
    )
    with pytest.raises(AmbiguousEntityError) as error:
        neighbors(graph, "mi")
    assert str(error.value) == (
        f"'mi' names 2 entities: Mi (Organization) <{KGR['organization/mi']}>;"
        f" Mi (Product) <{KGR['product/mi']}>; give its IRI"
    )
    path = tmp_path / "mi.ttl"
    graph.serialize(path, format="turtle")
    result = CliRunner().invoke(cli, ["path", "mi", "X", "--graph", str(path)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: 'mi' names 2 entities: Mi (Organization) <")
    by_iri = neighbors(graph, f"<{KGR['product/mi']}>")
    assert [(n.entity.label, n.links[0].label) for n in by_iri.neighbors] == [("X", "soldIn")]
    assert neighbors(graph, "mi inc").entity.type == "Organization"


def test_odd_graphs_are_errors_not_tracebacks(tmp_path: Path) -> None:
    """Found in review: a confidence that is no number, and a name only an altLabel carries."""
    graph = _toy(
        {"person/a": ("Alice", []), "organization/b": ("Bobco", [])},
        [("organization/b", "founder", "person/a")],
    )
    graph.add((KGR["statement/0"], KG.confidence, Literal("high")))
    lone = KGR["organization/c"]  # an alias, no label: not an entity of the view
    graph.add((lone, RDF.type, KG.Organization))
    graph.add((lone, SKOS.altLabel, Literal("Carlco")))
    path = tmp_path / "odd.ttl"
    graph.serialize(path, format="turtle")
    edge = (str(KGR["organization/b"]), str(KGR["person/a"]), str(KG.founder))
    assert to_networkx(graph).edges[edge]["confidence"] == 0.0
    assert CliRunner().invoke(cli, ["stats", "--graph", str(path)]).exit_code == 0
    for args in (["path", "Alice", "Carlco"], ["neighbors", "Carlco"]):
        result = CliRunner().invoke(cli, [*args, "--graph", str(path)])
        assert result.exit_code == 1 and result.stderr.startswith("Error: no entity named")
        assert "Traceback" not in result.output


# ------------------------------------------------------------------ kg neighbors


def test_neighbors_by_alias(runner: CliRunner, seed_out: Path, seed_view: nx.MultiDiGraph) -> None:
    result = _kg(runner, seed_out, "neighbors", "Lei", "--depth", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    direct = set(seed_view.predecessors(LEI_JUN)) | set(seed_view.successors(LEI_JUN))
    assert lines[0] == f"Lei Jun (Person): {len(direct)} entities within 1 hop"
    assert re.search(r"^1 +Lei Jun +<-CEO- +Xiaomi +Organization$", result.stdout, re.MULTILINE)
    found = _json(runner, seed_out, "neighbors", "Lei")
    assert {n["iri"] for n in found["neighbors"]} == direct
    xiaomi = next(n for n in found["neighbors"] if n["iri"] == XIAOMI)
    assert {(r["label"], r["direction"]) for r in xiaomi["relations"]} == {
        ("CEO", "backward"),
        ("founder", "backward"),
    }


def test_neighbors_at_depth_two(
    runner: CliRunner, seed_out: Path, seed_view: nx.MultiDiGraph
) -> None:
    found = _json(runner, seed_out, "neighbors", "Lei Jun", "--depth", "2")
    expected = nx.single_source_shortest_path_length(seed_view.to_undirected(), LEI_JUN, 2)
    assert {n["iri"]: n["depth"] for n in found["neighbors"]} == {
        n: d for n, d in expected.items() if n != LEI_JUN
    }
    assert [n["depth"] for n in found["neighbors"]] == sorted(
        n["depth"] for n in found["neighbors"]
    )
    for neighbor in found["neighbors"]:
        assert neighbor["relations"], neighbor
        for relation in neighbor["relations"]:
            assert expected[relation["from"]] == neighbor["depth"] - 1
    rows = _csv(runner, seed_out, "neighbors", "Lei Jun", "--depth", "2")
    assert len(rows) == sum(len(n["relations"]) for n in found["neighbors"])


def test_neighbors_of_hand_built_graphs(toy: Graph) -> None:
    found = neighbors(toy, "Ann", depth=2)
    assert [(n.entity.label, n.depth) for n in found.neighbors] == [
        ("Bolt", 1),
        ("Crane", 1),
        ("Dune", 2),
    ]
    dune = found.neighbors[2]
    assert [(link.source.label, link.arrow) for link in dune.links] == [
        ("Bolt", "-operatesIn->"),
        ("Crane", "-operatesIn->"),
    ]
    assert neighbors(toy, "Gadget").neighbors == ()
    with pytest.raises(EntityNotFoundError, match="closest: Ann"):
        neighbors(toy, "Anm")
    with pytest.raises(AnalysisError, match="depth"):
        neighbors(toy, "Ann", depth=0)


def test_neighbors_of_a_lone_entity(runner: CliRunner, toy_file: Path) -> None:
    result = _kg(runner, toy_file, "neighbors", "gadget", "--depth", "3")
    assert (result.exit_code, result.stdout) == (0, "Gadget (Product): 0 entities within 3 hops\n")
    result = _kg(runner, toy_file, "neighbors", "Nobody")
    assert (result.exit_code, result.stderr) == (1, "Error: no entity named 'Nobody'\n")


# ------------------------------------------------------------------ kg communities


def test_communities_cover_every_entity_once(
    runner: CliRunner, seed_out: Path, seed_graph_file: Path, seed_view: nx.MultiDiGraph
) -> None:
    found = _json(runner, seed_out, "communities")
    members = [m["iri"] for c in found for m in c["members"]]
    assert len(members) == len(set(members)) == seed_view.number_of_nodes()
    assert set(members) == set(seed_view.nodes)
    assert [c["size"] for c in found] == [len(c["members"]) for c in found]
    assert [c["size"] for c in found] == sorted((c["size"] for c in found), reverse=True)
    assert found[0]["members"][0]["label"] == "Xiaomi"
    # a community never spans two components
    component = {n: i for i, c in enumerate(nx.weakly_connected_components(seed_view)) for n in c}
    assert all(len({component[m["iri"]] for m in c["members"]}) == 1 for c in found)
    # the same communities from the Turtle file as from the store: the seed is fixed
    assert _json(runner, seed_graph_file, "communities") == found


def test_communities_table(runner: CliRunner, seed_out: Path) -> None:
    result = _kg(runner, seed_out, "communities", "--top", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["community", "size", "top", "members", "(relations)"]
    assert lines[2].split()[:4] == ["1", "22", "Xiaomi", "(47),"]
    assert lines[2].endswith(" and 20 more")
    assert lines[-1] == (
        "+ 41 entities without relations, a community each (--format json lists every member)"
    )


def test_communities_of_hand_built_graphs(toy: Graph) -> None:
    found = communities(to_networkx(toy))
    assert [[m.entity.label for m in c.members] for c in found] == [
        ["Ann", "Bolt", "Crane", "Dune"],
        ["Eve", "Fox"],
        ["Gadget"],
    ]
    assert communities(nx.MultiDiGraph()) == []


def test_empty_graph(runner: CliRunner, empty_file: Path) -> None:
    for command in ("rank", "communities"):
        result = _kg(runner, empty_file, command)
        assert (result.exit_code, result.stdout) == (0, "no entities\n"), command
        assert _json(runner, empty_file, command) == []


# ------------------------------------------------------------------ the commands


def test_cli_choices_are_the_librarys() -> None:
    assert kg_cli.ANALYSIS_FORMATS == list(FORMATS)
    assert kg_cli.ANALYSIS_MEASURES == list(MEASURES)
    assert kg_cli.ANALYSIS_TYPES == list(ENTITY_TYPES)


def test_machine_formats_write_stdout_only(runner: CliRunner, seed_out: Path) -> None:
    for args in (["stats"], ["rank"], ["path", "Lei", "India"], ["neighbors", "Lei"]):
        for fmt in ("json", "csv"):
            result = _kg(runner, seed_out, *args, "--format", fmt)
            assert result.exit_code == 0 and result.stderr == "", (args, fmt, result.stderr)
            if fmt == "json":
                json.loads(result.stdout)
            else:
                assert len(list(csv.reader(io.StringIO(result.stdout)))) > 1


def test_analytics_do_not_import_spacy(seed_out: Path) -> None:
    code = f"""
import sys
from click.testing import CliRunner
from kg.cli import cli
for args in (["stats"], ["rank"], ["path", "Lei", "India"], ["neighbors", "Lei"],
             ["communities"]):
    result = CliRunner().invoke(cli, [*args, "--graph", {str(seed_out)!r}])
    assert result.exit_code == 0, result.output
sys.exit("spacy" in sys.modules)
"""
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
