"""The graph contract as SHACL (issue 12, item 8): shapes in the package, `kg validate`, and
every build of the seeds, the development corpus and the test fixtures conforms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.cli import cli
from kg.namespaces import KG, KGR, RDF, RDFS, XSD
from kg.pipeline import BuildResult, build
from kg.validate import format_report, shapes, validate_graph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "other"
DEVCORPUS = ROOT.parent / "shared" / "devcorpus"


def test_shapes_are_package_data() -> None:
    graph = shapes()
    targets = set(graph.objects(None, SH.targetClass))
    assert {KG.Person, KG.Mention, KG.Observation, RDF.Statement} <= targets
    assert all(graph.value(s, SH.message) for s in graph.subjects(SH.path, None))


def test_kg_validate_on_the_seed_build(seed_out: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--graph", str(seed_out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("conforms: ") and result.stdout.endswith(" no violation\n")


@pytest.mark.parametrize("corpus", [FIXTURES, DEVCORPUS], ids=["fixtures", "devcorpus"])
def test_builds_conform(corpus: Path, pipelines: Any) -> None:
    if not corpus.is_dir():
        pytest.skip(
            f"{corpus} is not on this machine (the development corpus lives beside the repo)"
        )
    report = validate_graph(build([corpus]).graph)
    assert report.conforms, format_report(report, limit=None)


# ------------------------------------------------------------------ violations, readably


def _first(graph: Graph, cls: URIRef) -> Any:
    return sorted(graph.subjects(RDF.type, cls))[0]


def _two_classes(g: Graph) -> str:
    person = _first(g, KG.Person)
    g.add((person, RDF.type, KG.Product))
    return (
        f"kgr:{str(person)[len(str(KGR)) :]}: an entity has exactly one of the classes kg:Person,"
        " kg:Organization, kg:Product, kg:Market, kg:Event (here also kg:Product)"
    )


def _hidden_label(g: Graph) -> str:
    person = _first(g, KG.Person)
    g.set((person, RDFS.label, Literal("Jane\u202e Roe")))
    return (
        f"kgr:{str(person)[len(str(KGR)) :]}  rdfs:label: an entity has exactly one label: a plain"
        ' string without control or invisible characters (value "Jane\\u202e Roe")'
    )


def _bad_confidence(g: Graph) -> str:
    statement = _first(g, RDF.Statement)
    g.set((statement, KG.confidence, Literal("1.5", datatype=XSD.decimal)))
    return (
        f"kgr:{str(statement)[len(str(KGR)) :]}  kg:confidence: evidence has one confidence,"
        ' a decimal in [0, 1] (value "1.5")'
    )


def _short_sentence(g: Graph) -> str:
    statement = _first(g, RDF.Statement)
    start, end = (int(g.value(statement, p)) for p in (KG.start, KG.end))  # type: ignore[arg-type]
    g.set((statement, KG.sentence, Literal("Cut.")))
    return (
        f"kgr:{str(statement)[len(str(KGR)) :]}: the quoted sentence is as long as its offsets say"
        f" (4 characters, offsets {start}-{end})"
    )


def _wrong_range(g: Graph) -> str:
    org, market = _first(g, KG.Organization), _first(g, KG.Market)
    g.add((org, KG.launched, market))
    short = str(market)[len(str(KGR)) :]
    return (
        f"kgr:{str(org)[len(str(KGR)) :]}: kg:launched links it to kgr:{short}, which must be a"
        f" kg:Product (value kgr:{short})"
    )


def _no_label(g: Graph) -> str:
    org = _first(g, KG.Organization)
    g.remove((org, RDFS.label, None))
    return (
        f"kgr:{str(org)[len(str(KGR)) :]}  rdfs:label: an entity has exactly one label: a plain"
        " string without control or invisible characters"
    )


@pytest.mark.parametrize(
    "break_it",
    [_two_classes, _hidden_label, _bad_confidence, _short_sentence, _wrong_range, _no_label],
)
def test_a_broken_graph_is_reported_one_line_each(
    seed_build: BuildResult, tmp_path: Path, break_it: Callable[[Graph], str]
) -> None:
    graph = Graph()
    for triple in seed_build.graph:
        graph.add(triple)
    line = break_it(graph)
    broken = tmp_path / "broken.ttl"
    graph.serialize(broken, format="turtle")
    result = CliRunner().invoke(cli, ["validate", "--graph", str(broken)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [line, f"1 violation in {len(graph)} triples"]
