"""Tests for the Python API at the package top (issue 13, item 6): ``kg.build``,
``kg.open_graph``, ``kg.query`` and ``kg.to_dataframe``. Their doctests run with the suite
(``--doctest-modules`` on ``kg/api.py``); these check what the examples do not."""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas
import pytest
from rdflib import Graph, URIRef, Variable

import kg
import kg.api
from kg.errors import QueryError, QueryNotFoundError, QueryRefusedError
from kg.query import resolve_query, run_query
from kg.store import open_oxigraph

TINY = Path(__file__).parent / "data" / "tiny.ttl"


def test_import_kg_loads_neither_spacy_nor_rdflib() -> None:
    code = (
        "import sys, kg; kg.__all__;"
        " print(sorted(m.split('.')[0] for m in sys.modules"
        " if m.split('.')[0] in ('spacy', 'rdflib', 'networkx', 'pandas', 'pyoxigraph')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["build", "open_graph", "query", "to_dataframe"])
def test_each_function_is_at_the_top_with_a_doctest(name: str) -> None:
    assert name in kg.__all__
    assert ">>> " in (getattr(kg.api, name).__doc__ or "")
    assert callable(getattr(kg, name))


def test_kg_query_is_still_the_module_too() -> None:
    """``kg.query`` is the module :mod:`kg.query`, callable: ``kg.query.run_query`` works."""
    assert kg.query.run_query is run_query
    from kg import query

    assert query("ASK { ?s ?p ?o }", graph=TINY) is True


def test_build_writes_only_when_asked(tmp_path: Path, pipelines: Any) -> None:
    source = tmp_path / "news"
    source.mkdir()
    (source / "a.txt").write_text(
        "Mira Vale is the chief executive of Orrin Dynamics.\n", encoding="utf-8"
    )
    result = kg.build(source)
    assert len(result.documents) == 1 and len(result.graph) > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news"]
    out = tmp_path / "out"
    again = kg.build([str(source)], out=out, html=False, packs=[])
    assert (out / "graph.ttl").is_file() and (out / "store").is_dir()
    assert not (out / "graph.html").exists()
    assert len(kg.open_graph(out)) == len(again.graph)


def test_build_refuses_an_unknown_option(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="'colour'"):
        kg.build(tmp_path, colour="red")


def test_query_gives_python_values(seed_out: Path) -> None:
    """The named query's rows are the engine's rows, each term as a Python value."""
    rows = kg.query("figures", graph=seed_out)
    text, _ = resolve_query("figures")
    result = run_query(open_oxigraph(seed_out), text)
    assert rows.columns == tuple(str(v) for v in result.vars or [])
    assert len(rows) == len(result.bindings) > 0
    for row, raw in zip(rows, result.bindings, strict=True):
        for column in rows.columns:
            term = raw.get(Variable(column))
            value = row[column]
            if term is None:
                assert value is None
            else:
                assert not isinstance(value, URIRef) and str(term) in (str(value), value)
    kinds = {type(v) for row in rows for v in row.values()}
    assert kinds <= {str, int, float, Decimal, bool, datetime.date, type(None)}
    assert kinds & {int, float, Decimal}


def test_query_takes_a_file_params_and_a_graph(tmp_path: Path) -> None:
    file = tmp_path / "made.rq"
    file.write_text("SELECT ?product WHERE { ?org kg:launched ?product }", encoding="utf-8")
    rows = kg.query(str(file), graph=TINY, params={"org": "<https://w3id.org/kg/id/apple>"})
    assert rows == [{"product": "https://w3id.org/kg/id/iphone"}]
    graph = Graph().parse(TINY)  # a plain rdflib graph: rdflib's engine
    assert kg.query(str(file), graph=graph) == rows
    built = kg.query("CONSTRUCT { ?s kg:launched ?o } WHERE { ?s kg:launched ?o }", graph=TINY)
    assert isinstance(built, Graph) and len(built) == 1


def test_query_keeps_the_safety_checks_and_errors() -> None:
    with pytest.raises(QueryRefusedError):
        kg.query("SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }", graph=TINY)
    with pytest.raises(QueryRefusedError):
        kg.query("DELETE WHERE { ?s ?p ?o }", graph=TINY)
    with pytest.raises(QueryNotFoundError):
        kg.query("no_such_query", graph=TINY)
    with pytest.raises(QueryError):
        kg.query("SELECT ?x WHERE { ?x ?p ?o }", graph=TINY, params={"nothere": 1})


def test_to_dataframe_keeps_columns_even_without_rows() -> None:
    rows = kg.query("SELECT ?name ?kind WHERE { ?e rdfs:label ?name ; kg:kind ?kind }", graph=TINY)
    frame = kg.to_dataframe(rows)
    assert isinstance(frame, pandas.DataFrame)
    assert frame.columns.tolist() == ["name", "kind"] and len(frame) == len(rows) == 2
    empty = kg.to_dataframe(kg.query("SELECT ?a ?b WHERE { ?a kg:none ?b }", graph=TINY))
    assert empty.columns.tolist() == ["a", "b"] and len(empty) == 0


def test_to_dataframe_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'kg\[pandas\]'"):
        kg.to_dataframe([{"a": 1}])
