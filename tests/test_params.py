"""Tests for kg.params: declared parameters, entity parameters resolved from any name or alias
(issue 13 item 2), suggestions, and `kg query --param` resolving through the same function."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.cli import cli
from kg.params import Catalog, QueryParam, annotate, query_params, resolve_params, suggest
from kg.query import named_queries, required_params, run_query
from kg.store import open_graph, open_oxigraph

WORKBENCH = Path(__file__).resolve().parent / "data" / "workbench.ttl"
KGR = "https://w3id.org/kg/id/"
ONE = "# requires: who (entity)\nSELECT ?x WHERE { ?x rdfs:label ?who }"


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def graph(request: pytest.FixtureRequest) -> Any:
    """The invented graph as an rdflib Graph and as a bare pyoxigraph Store."""
    return open_graph(WORKBENCH) if request.param == "rdflib" else open_oxigraph(WORKBENCH)


def test_query_params_reads_kinds_and_optional_ones() -> None:
    text = "# requires: a (entity), b\n# optional: year (year), open (flag), odd (colour)\nASK {}"
    assert query_params(text) == [
        QueryParam("a", True, "entity"),
        QueryParam("b", True, "text"),
        QueryParam("year", False, "year"),
        QueryParam("open", False, "flag"),
        QueryParam("odd", False, "text"),
    ]
    assert required_params(text) == ["a", "b"]


def test_every_parameter_a_named_query_uses_is_declared() -> None:
    """The page shows an input for each declared parameter: optional ones must be declared."""
    declared = {
        name: {p.name: p for p in query_params(p.read_text())}
        for name, p in named_queries().items()
    }
    assert declared["connections"]["a"] == QueryParam("a", True, "entity")
    assert declared["evidence"]["entity"] == QueryParam("entity", False, "entity")
    assert {p.kind for p in declared["timeline"].values()} == {"year", "period", "flag"}
    for name, path in named_queries().items():
        text = path.read_text()
        # a variable only tested with BOUND and never matched is a parameter
        for var in {v for v in __import__("re").findall(r"BOUND\(\?(\w+)\)", text)}:
            if text.count(f"?{var}") == text.count(f"BOUND(?{var})"):
                assert var in declared[name], f"{name}: ?{var} is not declared"


@pytest.mark.parametrize(
    ("value", "label", "note"),
    [
        ("Jane Roe", "Jane Roe", None),  # the canonical name: no note
        ("jane roe", "Jane Roe", '?who: "jane roe" is Jane Roe (Person)'),
        ("Ms. Roe", "Jane Roe", '?who: "Ms. Roe" is Jane Roe (Person)'),
        ("mrs roe", "Jane Roe", '?who: "mrs roe" is Jane Roe (Person)'),  # honorific folded
        ("orbo labs group", "Orbo Labs", '?who: "orbo labs group" is Orbo Labs (Organization)'),
        ("Núñez", "Ana Núñez", '?who: "Núñez" is Ana Núñez (Person)'),
    ],
)
def test_an_alias_resolves_to_the_canonical_name(
    graph: Any, value: str, label: str, note: str | None
) -> None:
    bindings, notes = resolve_params(graph, ONE, {"who": Literal(value)})
    assert bindings == {"who": Literal(label)}
    assert notes == ([note] if note else [])
    rows = run_query(graph, ONE, bindings).bindings
    assert len(rows) == 1  # the query now finds the entity


def test_an_iri_resolves_to_the_canonical_name(graph: Any) -> None:
    bindings, notes = resolve_params(graph, ONE, {"who": URIRef(KGR + "person/jane-roe")})
    assert bindings == {"who": Literal("Jane Roe")} and notes == []
    bindings, notes = resolve_params(graph, ONE, {"who": URIRef(KGR + "person/nobody")})
    assert notes == [f"?who: no entity <{KGR}person/nobody>"]


def test_nothing_matches_gives_a_note_with_the_closest(graph: Any) -> None:
    bindings, notes = resolve_params(graph, ONE, {"who": Literal("Jane Rue")})
    assert bindings == {"who": Literal("Jane Rue")}  # kept: the query finds nothing
    assert notes == ['?who: no entity named "Jane Rue"; closest: Jane Roe']
    _, notes = resolve_params(graph, ONE, {"who": Literal("Zzyzx")})
    assert notes == ['?who: no entity named "Zzyzx"']


def test_an_alias_of_two_entities_takes_the_first_and_says_so(graph: Any) -> None:
    bindings, notes = resolve_params(graph, ONE, {"who": Literal("ol")})
    assert bindings == {"who": Literal("Orbo Labs")}
    assert notes == [
        '?who: "ol" names Orbo Labs (Organization), Velvet Pad (Product); using Orbo Labs'
    ]


def test_only_entity_parameters_are_resolved(graph: Any) -> None:
    text = (
        "# requires: who (entity)\n# optional: year (year)\nSELECT ?x WHERE { ?x rdfs:label ?who }"
    )
    given = {"who": Literal("roe"), "year": Literal("orbo")}
    bindings, _ = resolve_params(graph, text, given)
    assert bindings == {"who": Literal("Jane Roe"), "year": Literal("orbo")}
    undeclared = "SELECT ?x WHERE { ?x rdfs:label ?who }"
    assert resolve_params(graph, undeclared, {"who": Literal("roe")}) == (
        {"who": Literal("roe")},
        [],
    )


def test_suggestions_by_name_or_alias(graph: Any) -> None:
    catalog = Catalog(graph)
    found = [s.to_json() for s in suggest(catalog, "entity", "roe")]
    assert found[0] == {
        "value": "Jane Roe",
        "iri": KGR + "person/jane-roe",
        "label": "Jane Roe",
        "type": "Person",
        "alias": "Roe",
    }
    assert [s.value for s in suggest(catalog, "entity", "orb")] == ["Orbo Labs", "Orbo Summit 2031"]
    assert [s.value for s in suggest(catalog, "entity", "pad")] == ["Velvet Pad"]  # a later word
    assert suggest(catalog, "entity", "") == []
    assert [s.value for s in suggest(catalog, "year", "")] == ["2031"]
    assert [s.value for s in suggest(catalog, "period", "q")] == ["Q2 2031"]
    assert [s.value for s in suggest(catalog, "flag", "")] == ["1"]


def test_annotate_marks_entity_iris_and_labels(graph: Any) -> None:
    catalog = Catalog(graph)
    terms = [
        {"type": "uri", "value": KGR + "person/ana-nunez"},
        {"type": "uri", "value": "https://w3id.org/kg/ontology#ceo"},
        {"type": "literal", "value": "Freedonia"},
        {"type": "literal", "value": "Freedonia", "xml:lang": "en"},
        {"type": "literal", "value": "Roe"},  # an alias, not a label: not marked
    ]
    marks = annotate(catalog, terms)
    assert marks["iris"] == {
        KGR + "person/ana-nunez": {
            "iri": KGR + "person/ana-nunez",
            "label": "Ana Núñez",
            "type": "Person",
        }
    }
    assert list(marks["labels"]) == ["Freedonia"]


def test_catalog_read_lets_go_of_the_graph() -> None:
    catalog = Catalog(open_oxigraph(WORKBENCH))
    catalog.read()
    assert catalog.graph is None
    assert catalog.exact("Orbo")[0][0].label == "Orbo Labs"


# ------------------------------------------------------------------ kg query --param


def _query(*args: str) -> Any:
    return CliRunner().invoke(cli, ["query", *args, "--graph", str(WORKBENCH), "--format", "csv"])


def test_kg_query_param_accepts_an_alias() -> None:
    """Issue 13: `--param a="Mr. Lei"` silently gave 0 rows; it now finds the entity."""
    result = _query("connections", "--param", "a=ms. roe", "--param", "b=freedonia")
    assert result.exit_code == 0, result.output
    assert "Jane Roe,CEO,Orbo Labs,operates in,Freedonia" in result.stdout
    assert result.stderr.splitlines() == [
        'note: ?a: "ms. roe" is Jane Roe (Person)',
        'note: ?b: "freedonia" is Freedonia (Market)',
    ]


def test_kg_query_param_says_when_nothing_matches() -> None:
    result = _query("evidence", "--param", "entity=Jane Rue")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().count("\n") == 0  # the header only
    assert result.stderr == 'note: ?entity: no entity named "Jane Rue"; closest: Jane Roe\n'


def test_kg_query_param_keeps_canonical_names_quiet() -> None:
    result = _query("evidence", "--param", "entity=Ana Núñez")
    assert result.exit_code == 0 and result.stderr == ""
    assert "Orbo Summit 2031" in result.stdout


def test_resolution_does_not_touch_an_rdflib_graph_in_memory() -> None:
    graph = Graph().parse(WORKBENCH)
    before = len(graph)
    resolve_params(graph, ONE, {"who": Literal("roe")})
    assert len(graph) == before


def test_a_note_is_one_line_whatever_the_value(graph: Any) -> None:
    value = "two\nlines \u202e" + "x" * 100
    _, notes = resolve_params(graph, ONE, {"who": Literal(value)})
    assert len(notes) == 1 and "\n" not in notes[0] and "\u202e" not in notes[0]
    assert notes[0].startswith('?who: no entity named "two lines ⟨U+202E⟩xxx') and "…" in notes[0]
