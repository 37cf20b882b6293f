"""Tests for kg.cli: every command through click's CliRunner, on the real pipeline."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import networkx as nx
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal
from test_visualize import _tags

from kg.cli import PHASE_LABELS, cli
from kg.namespaces import KG, RDF, RDFS
from kg.query import named_queries

ACME = (
    "Acme Corp was founded by Jane Doe in 2015.\n\n"
    "Acme Corp launched the Zorblax Q7 in Kenya in March 2016.\n"
)
ENTITY_CLASSES = [KG[t] for t in ("Person", "Organization", "Product", "Market", "Event")]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    """A one-document corpus."""
    path = tmp_path / "acme.txt"
    path.write_text(ACME, encoding="utf-8")
    return path


def one_line_error(result: Result) -> str:
    """The single ``Error: ...`` line of a failed command, checking nothing else went wrong."""
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    # The build's progress (the bar's label "Reading N documents", a line per phase) is the
    # only other thing allowed.
    phases = tuple(f"{label} ..." for label in PHASE_LABELS.values())
    lines = [ln for ln in lines if not ln.startswith("Reading ") and ln not in phases]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert result.stdout == ""
    return lines[0]


def entity_types(graph: Graph) -> dict[str, set[str]]:
    """Entity label -> the local names of its classes."""
    found: dict[str, set[str]] = {}
    for cls in ENTITY_CLASSES:
        for node in graph.subjects(RDF.type, cls):
            found.setdefault(str(graph.value(node, RDFS.label)), set()).add(cls.split("#")[-1])
    return found


# ------------------------------------------------------------------ kg build


def test_build_file_no_html_with_gazetteer(runner: CliRunner, acme: Path, tmp_path: Path) -> None:
    gazetteer = tmp_path / "gaz.jsonl"
    gazetteer.write_text(
        '{"type": "Product", "name": "Zorblax Q7", "kind": "hoverboard"}\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    args = ["build", str(acme), "--out", str(out), "--no-html", "--gazetteer", str(gazetteer)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "cache.sqlite",
        "current",
        "gen-000001",
        "graph.ttl",
        "store",
    ]
    assert sorted(p.name for p in (out / "current").iterdir()) == [
        "graph.ttl",
        "manifest.json",
        "store",
    ]
    assert "documents: 1\n" in result.stdout
    assert re.search(r"^triples: \d+$", result.stdout, re.MULTILINE)
    assert f"wrote {out / 'graph.ttl'} and {out / 'store'} in" in result.stdout
    graph = Graph().parse(out / "graph.ttl")
    types = entity_types(graph)
    assert types["Acme Corp"] == {"Organization"}
    assert types["Jane Doe"] == {"Person"}
    assert types["Zorblax Q7"] == {"Product"}  # the gazetteer decides the type ...
    kinds = {
        str(graph.value(s, KG.kind))
        for s in graph.subjects(RDF.type, KG.Product)
        if str(graph.value(s, RDFS.label)) == "Zorblax Q7"
    }
    assert kinds == {"hoverboard"}  # ... and the kind


def test_build_progress_starts_after_the_model_and_labels_each_phase(
    runner: CliRunner, acme: Path, tmp_path: Path
) -> None:
    """Issue 13: the bar (here its plain lines, off a terminal) starts once the model is
    loaded, so its estimate counts reading only; it ends at 100%, and each later phase,
    writing included, has a line of its own."""
    result = runner.invoke(cli, ["build", str(acme), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    reading = [i for i, line in enumerate(lines) if line.startswith("Reading 1 document: ")]
    assert reading and lines[: reading[0]] == ["Loading the spaCy model and rules ..."]
    assert lines[reading[0]].startswith("Reading 1 document: 0 of ")
    assert "(100%)" in lines[reading[-1]]
    assert lines[reading[-1] + 1 :] == [
        "Linking entities, finding relations and figures ...",
        "Writing the graph into the store and graph.ttl ...",
        "Writing graph.html ...",
    ]


def test_build_reports_phases_and_progress_in_order(acme: Path, tmp_path: Path) -> None:
    """The library side of the above: ``on_phase`` names each phase as it starts, and the
    characters read are counted only between ``read`` and ``relations``."""
    from kg.buildfolder import write
    from kg.pipeline import build

    events: list[str] = []
    done: list[int] = []

    def progress(n: int) -> None:
        done.append(n)
        if events[-1] != "progress":
            events.append("progress")

    result = build([acme], progress=progress, on_phase=events.append)
    write(result, tmp_path / "out", on_phase=events.append)
    assert events == ["model", "read", "progress", "relations", "store", "page"]
    assert sum(done) == len(ACME)


def test_build_and_stats_count_relations_alike(
    runner: CliRunner, acme: Path, tmp_path: Path
) -> None:
    """Issue 13: ``kg build`` counts statements (a fact as one sentence states it) and
    relations (distinct links between two entities); ``kg stats`` counts the same relations."""
    out = tmp_path / "out"
    built = runner.invoke(cli, ["build", str(acme), "--out", str(out), "--no-html"])
    assert built.exit_code == 0, built.output
    statements = re.search(
        r"^statements: (\d+) \(a fact as one sentence states it\)$", built.stdout, re.MULTILINE
    )
    relations = re.search(
        r"^relations: (\d+) \(distinct links between two entities", built.stdout, re.MULTILINE
    )
    assert statements and relations, built.stdout
    assert int(statements[1]) > int(relations[1]) > 0  # a founding date is no relation
    stats = runner.invoke(cli, ["stats", "--graph", str(out)])
    assert stats.exit_code == 0, stats.output
    assert f"\nrelations: {relations[1]}\n" in stats.stdout


def test_build_writes_html_by_default(seed_out: Path) -> None:
    names = ["cache.sqlite", "current", "gen-000001", "graph.html", "graph.ttl", "store"]
    assert sorted(p.name for p in seed_out.iterdir()) == names
    assert "vis.Network" in (seed_out / "graph.html").read_text(encoding="utf-8")


def test_build_bad_gazetteer_is_one_line(runner: CliRunner, acme: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "Product", "name": "Ok"}\n{not json\n', encoding="utf-8")
    result = runner.invoke(
        cli, ["build", str(acme), "--out", str(tmp_path / "o"), "--gazetteer", str(bad)]
    )
    error = one_line_error(result)
    assert result.exit_code == 1
    assert f"{bad}:2" in error  # the file and the line
    assert not (tmp_path / "o").exists()


def test_build_gazetteer_without_type_is_one_line(
    runner: CliRunner, acme: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name": "Zorblax Q7"}\n', encoding="utf-8")
    result = runner.invoke(
        cli, ["build", str(acme), "--out", str(tmp_path / "o"), "--gazetteer", str(bad)]
    )
    error = one_line_error(result)
    assert str(bad) in error and "type" in error


def test_build_missing_source(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(cli, ["build", str(missing), "--out", str(tmp_path / "o")])
    error = one_line_error(result)
    assert str(missing) in error and "no such file" in error


def test_build_empty_folder(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = runner.invoke(cli, ["build", str(empty), "--out", str(tmp_path / "o")])
    error = one_line_error(result)
    assert str(empty) in error and ".txt" in error


def test_build_without_sources_and_no_seeds_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert "seeds" in result.stderr and "Traceback" not in result.output


def test_build_unknown_model(runner: CliRunner, acme: Path, tmp_path: Path) -> None:
    args = ["build", str(acme), "--out", str(tmp_path / "o"), "--model", "does_not_exist"]
    result = runner.invoke(cli, args)
    error = one_line_error(result)
    assert result.exit_code == 1
    assert "does_not_exist" in error
    assert "pip install en-core-web-sm" in error  # how to fix it


# ------------------------------------------------------------------ kg query


def test_query_founders_table(runner: CliRunner, seed_graph_file: Path) -> None:
    result = runner.invoke(cli, ["query", "founders", "--graph", str(seed_graph_file)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["organization", "founder", "role", "founded"]
    assert set(lines[1]) == {"-", " "}
    assert any(re.match(r"Xiaomi +Lei Jun +founder\b", ln) for ln in lines[2:-1])
    assert re.fullmatch(r"\(\d+ rows?\)", lines[-1])


def test_query_graph_may_be_a_build_folder(runner: CliRunner, seed_out: Path) -> None:
    result = runner.invoke(cli, ["query", "founders", "--graph", str(seed_out)])
    assert result.exit_code == 0, result.output
    assert "Lei Jun" in result.stdout


def test_query_json_is_w3c_sparql_results(runner: CliRunner, seed_graph_file: Path) -> None:
    args = ["query", "founders", "--graph", str(seed_graph_file), "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["organization", "founder", "role", "founded"]
    bindings = data["results"]["bindings"]
    assert bindings
    for row in bindings:
        assert set(row) <= set(data["head"]["vars"])
        for term in row.values():
            assert term["type"] in ("uri", "literal", "bnode")
            assert isinstance(term["value"], str)
    rows = {
        (b["organization"]["value"], b["founder"]["value"], b["role"]["value"]) for b in bindings
    }
    assert ("Xiaomi", "Lei Jun", "founder") in rows
    dates = [b["founded"] for b in bindings if "founded" in b]
    assert dates and all(
        d["datatype"].startswith("http://www.w3.org/2001/XMLSchema#") for d in dates
    )


def test_query_csv(runner: CliRunner, seed_graph_file: Path) -> None:
    args = ["query", "founders", "--graph", str(seed_graph_file), "--format", "csv"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["organization", "founder", "role", "founded"]
    assert ["Xiaomi", "Lei Jun", "founder"] in [r[:3] for r in rows[1:]]


def test_query_tsv(runner: CliRunner, seed_graph_file: Path) -> None:
    args = ["query", "founders", "--graph", str(seed_graph_file), "--format", "tsv"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["?organization", "?founder", "?role", "?founded"]
    rows = [ln.split("\t") for ln in lines[1:]]
    assert all(len(r) == 4 for r in rows)
    assert ['"Xiaomi"', '"Lei Jun"', '"founder"'] in [r[:3] for r in rows]


def test_query_inline_select(runner: CliRunner, seed_graph_file: Path) -> None:
    sparql = (
        'SELECT ?who WHERE { ?org rdfs:label "Xiaomi" ; schema:founder ?p . ?p rdfs:label ?who }'
    )
    result = runner.invoke(
        cli, ["query", sparql, "--graph", str(seed_graph_file), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "Lei Jun" in result.stdout.splitlines()[1:]


def test_query_inline_ask(runner: CliRunner, seed_graph_file: Path) -> None:
    yes = runner.invoke(
        cli, ["query", 'ASK { ?x rdfs:label "Lei Jun" }', "--graph", str(seed_graph_file)]
    )
    no = runner.invoke(
        cli, ["query", 'ASK { ?x rdfs:label "Nobody" }', "--graph", str(seed_graph_file)]
    )
    assert (yes.exit_code, yes.stdout, no.exit_code, no.stdout) == (0, "true\n", 0, "false\n")


def test_query_from_file(runner: CliRunner, seed_graph_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "people.sparql"
    path.write_text(
        "# every person\nSELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["query", str(path), "--graph", str(seed_graph_file), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    names = result.stdout.splitlines()
    assert names[0] == "name"
    assert {"Lei Jun", "Li Wanqiang"} <= set(names[1:])
    assert names[1:] == sorted(names[1:])


def test_query_named_with_rq_suffix(runner: CliRunner, seed_graph_file: Path) -> None:
    result = runner.invoke(cli, ["query", "founders.rq", "--graph", str(seed_graph_file)])
    assert result.exit_code == 0, result.output
    assert "Lei Jun" in result.stdout


def test_query_unknown_name_lists_names(runner: CliRunner, seed_graph_file: Path) -> None:
    result = runner.invoke(cli, ["query", "no_such_query", "--graph", str(seed_graph_file)])
    error = one_line_error(result)
    assert result.exit_code == 1
    assert "no_such_query" in error
    for name in named_queries():
        assert re.search(rf"\b{name}\b", error), name


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("SELECT ?x WHERE { ?x ?y }}", 1),
        ("SELECT ?x\nWHERE ?x ?y ?z }", 2),  # the brace is missing on line 2
        ('SELECT ?x WHERE {\n  ?x rdfs:label "a" FILTER( }\n}', 2),
    ],
)
def test_query_malformed_shows_line_column_and_caret(
    runner: CliRunner, seed_graph_file: Path, text: str, line: int
) -> None:
    result = runner.invoke(cli, ["query", text, "--graph", str(seed_graph_file)])
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.output
    match = re.search(r"line (\d+), column (\d+)", result.stderr)
    assert match, result.stderr
    assert int(match.group(1)) == line
    col = int(match.group(2))
    lines = result.stderr.splitlines()
    caret = next(ln for ln in lines if ln.strip() == "^")
    shown = lines[lines.index(caret) - 1]
    # The offending line is shown, and the caret stands under the column, both indented alike.
    assert shown.strip() == text.splitlines()[line - 1].strip()
    indent = len(shown) - len(text.splitlines()[line - 1])
    assert caret.index("^") == indent + col - 1


def test_query_malformed_file_reports_its_line(
    runner: CliRunner, seed_graph_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# comment\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    result = runner.invoke(cli, ["query", str(path), "--graph", str(seed_graph_file)])
    assert result.exit_code == 2
    match = re.search(r"line (\d+), column (\d+)", result.stderr)
    assert match and int(match.group(1)) in (3, 4), result.stderr


@pytest.mark.parametrize("graph_kind", ["store", "turtle"])  # Oxigraph's parser, rdflib's
@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("SELECT * WHERE { ?s foo:bar ?o }", "unknown prefix 'foo:' (declare it with PREFIX", 21),
        (
            "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:a ?o ; shema:name ?n }",
            "unknown prefix 'shema:' (did you mean 'schema:'?)",
            31,
        ),
        ("SELECT * WHERE { ?s ?p ?o", "'{' is never closed", 16),
        ('SELECT * WHERE { ?s rdfs:label "Acme }', "this string is never closed", 32),
        ("SELECT * WHERE { ?s ?p ?o ) }", "')' where '}' was expected", 27),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "unexpected 'LIMT' (did you mean LIMIT?)", 29),
    ],
)
def test_query_errors_name_the_problem(
    runner: CliRunner, seed_out: Path, graph_kind: str, text: str, message: str, column: int
) -> None:
    """Issue 13: a malformed query's error line names the problem (which prefix is unknown,
    which bracket is open), not the parser's list of expected characters."""
    graph = seed_out if graph_kind == "store" else seed_out / "graph.ttl"
    result = runner.invoke(cli, ["query", text, "--graph", str(graph)])
    assert result.exit_code == 2
    first, shown, caret = result.stderr.splitlines()
    line = text.count("\n") + 1  # the problem is on the last line
    assert first.startswith(f"Error: malformed query, line {line}, column {column}: {message}")
    assert "expected one of" not in first and "\\u{" not in first
    assert len(caret) - 2 == column  # under the problem


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("foundrs", "no query file or named query 'foundrs'; did you mean founders?"),
        ("Timline", "did you mean timeline?"),
        ("SELEC * WHERE { ?s ?p ?o }", "is no SPARQL query (did you mean SELECT?)"),
    ],
)
def test_query_mistyped_name_gets_did_you_mean(
    runner: CliRunner, seed_graph_file: Path, query: str, expected: str
) -> None:
    result = runner.invoke(cli, ["query", query, "--graph", str(seed_graph_file)])
    assert result.exit_code == 1
    assert expected in one_line_error(result)


def test_query_param_binds_year(runner: CliRunner, seed_graph_file: Path) -> None:
    graph = str(seed_graph_file)
    every = runner.invoke(cli, ["query", "timeline", "--graph", graph, "--format", "json"])
    only = runner.invoke(
        cli, ["query", "timeline", "--graph", graph, "--format", "json", "--param", "year=2017"]
    )
    assert every.exit_code == only.exit_code == 0, only.output
    all_years = {b["date"]["value"][:4] for b in json.loads(every.stdout)["results"]["bindings"]}
    years = [b["date"]["value"][:4] for b in json.loads(only.stdout)["results"]["bindings"]]
    assert len(all_years) > 1 and "2017" in all_years
    assert years and set(years) == {"2017"}


def test_query_param_needs_name_and_value(runner: CliRunner, seed_graph_file: Path) -> None:
    result = runner.invoke(
        cli, ["query", "timeline", "--graph", str(seed_graph_file), "--param", "2017"]
    )
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.stderr and "Traceback" not in result.output


def test_query_connections_without_params(runner: CliRunner, seed_graph_file: Path) -> None:
    result = runner.invoke(cli, ["query", "connections", "--graph", str(seed_graph_file)])
    error = one_line_error(result)
    assert result.exit_code == 1
    assert "--param a=" in error and "--param b=" in error


def test_query_connections_with_params(runner: CliRunner, seed_graph_file: Path) -> None:
    args = ["query", "connections", "--graph", str(seed_graph_file), "--format", "csv"]
    result = runner.invoke(cli, [*args, "--param", "a=Lei Jun", "--param", "b=India"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {(r["from"], r["to"]) for r in rows} == {("Lei Jun", "India")}
    assert "Xiaomi" in {r["via"] for r in rows}


def test_query_missing_graph(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.ttl"
    result = runner.invoke(cli, ["query", "founders", "--graph", str(missing)])
    error = one_line_error(result)
    assert result.exit_code == 1
    assert str(missing) in error and "kg build" in error


def test_query_unreadable_graph(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <urn:x#> .\nx:a x:b \n\n x:c x:d x:e .\n", encoding="utf-8")
    result = runner.invoke(cli, ["query", "founders", "--graph", str(broken)])
    error = one_line_error(result)
    assert str(broken) in error and "turtle" in error


def test_query_graph_from_environment(runner: CliRunner, seed_graph_file: Path) -> None:
    result = runner.invoke(cli, ["query", "founders"], env={"KG_GRAPH": str(seed_graph_file)})
    assert result.exit_code == 0, result.output
    assert "Lei Jun" in result.stdout


# ------------------------------------------------------------------ kg queries


def test_queries_lists_every_named_query(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0, result.output
    listed = {ln.split()[0]: ln for ln in result.stdout.splitlines() if ln.strip()}
    named = named_queries()
    assert set(listed) == set(named) and len(named) >= 18
    for name, path in named.items():
        header = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        assert header[:40] in listed[name]


# ------------------------------------------------------------------ kg export


@pytest.mark.parametrize(
    ("fmt", "rdf_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_export_rdf_round_trips(
    runner: CliRunner, seed_graph_file: Path, tmp_path: Path, fmt: str, rdf_format: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    args = ["export", "--graph", str(seed_graph_file), "--format", fmt, "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\n"
    source = Graph().parse(seed_graph_file)
    back = Graph().parse(out, format=rdf_format)
    assert len(back) == len(source) > 1000
    assert set(back.subjects(RDFS.label, None)) == set(source.subjects(RDFS.label, None))


def test_export_graphml(runner: CliRunner, seed_graph_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.graphml"
    args = ["export", "--graph", str(seed_graph_file), "--format", "graphml", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    view = nx.read_graphml(out)
    source = Graph().parse(seed_graph_file)
    entities = {str(s) for cls in ENTITY_CLASSES for s in source.subjects(RDF.type, cls)}
    assert set(view.nodes) == entities
    labels = {data["label"]: node for node, data in view.nodes(data=True)}
    founders = [
        data
        for _, _, data in view.edges(labels["Xiaomi"], data=True)
        if data["predicate"] == "https://schema.org/founder"
    ]
    assert founders and all(data["evidence"] for data in founders)


def test_export_html_is_offline(runner: CliRunner, seed_graph_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    args = ["export", "--graph", str(seed_graph_file), "--format", "html", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    urls = [
        value.strip().lower()
        for _, attrs in _tags(html)
        for name, value in attrs.items()
        if name in ("src", "href") and value
    ]
    assert not [url for url in urls if url.startswith(("http:", "https:", "//"))]
    assert "vis.Network" in html and "Lei Jun" in html


def test_export_default_path(
    runner: CliRunner, seed_graph_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export", "--graph", str(seed_graph_file), "--format", "nt"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {Path('exports') / 'graph.nt'}\n"
    assert len(Graph().parse(tmp_path / "exports" / "graph.nt", format="nt")) > 1000


def test_export_missing_graph(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["export", "--graph", str(tmp_path / "none.ttl"), "--out", str(tmp_path / "x.ttl")]
    )
    error = one_line_error(result)
    assert "none.ttl" in error
    assert not (tmp_path / "x.ttl").exists()


def test_version_and_help(runner: CliRunner) -> None:
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and re.search(r"kg, version \d+\.\d+", version.stdout)
    short = runner.invoke(cli, ["-h"])
    assert short.exit_code == 0 and "Usage:" in short.stdout


def test_kg_alone_prints_the_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, [])
    assert "Usage: kg [OPTIONS] COMMAND" in result.output and "Error" not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["query"], "Error: Missing argument 'QUERY'. Try 'kg query --help'."),
        (["qurey", "founders"], "Error: No such command 'qurey'. Did you mean 'query'?"),
        (["query", "founders", "--limt", "3"], "Error: No such option '--limt'."),
        (["--bogus"], "Error: No such option '--bogus'. Try 'kg --help'."),
        (["query", "founders", "--format", "xx"], "Error: Invalid value for '--format'"),
        (["build", "--pack", "a", "--no-pack"], "Error: --pack and --no-pack exclude each other."),
        (["export", "--depth", "2"], "Error: --depth needs --focus. Try 'kg export --help'."),
    ],
)
def test_usage_errors_are_one_line(runner: CliRunner, args: list[str], expected: str) -> None:
    """Issue 13: a usage error is one line (click prints four: usage, hint, blank, error)."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(expected), result.stderr
    assert re.search(r" Try 'kg( \w+)? --help'\.$", result.stderr.rstrip("\n")), result.stderr


def test_library_errors_map_to_exit_status_in_the_group(runner: CliRunner) -> None:
    """Issue 13: one place (the click group) turns a ``KGError`` raised by any command into
    one ``Error:`` line and its exit status; a command has no ``except KGError`` of its own."""
    from kg.cli import EXIT_STATUS, KGGroup
    from kg.errors import GraphLoadError, KGError, QuerySyntaxError

    group = KGGroup()
    raised: dict[str, KGError] = {
        "load": GraphLoadError("g.ttl: no such file"),
        "parse": QuerySyntaxError("Expected SelectQuery", "SELECT ?x WHERE { ?x }", 1, 21),
    }
    for name, error in raised.items():

        def fail(error: KGError = error) -> None:
            raise error

        group.add_command(click.Command(name, callback=fail))
    load = runner.invoke(group, ["load"])
    assert (load.exit_code, load.stderr) == (1, "Error: g.ttl: no such file\n")
    parse = runner.invoke(group, ["parse"])
    assert parse.exit_code == EXIT_STATUS[QuerySyntaxError] == 2
    assert parse.stderr.splitlines() == [
        "Error: malformed query, line 1, column 21: Expected SelectQuery",
        "  SELECT ?x WHERE { ?x }",
        "                      ^",
    ]
    source = (Path(__file__).parent.parent / "kg" / "cli.py").read_text(encoding="utf-8")
    assert source.count("except KGError") == 1  # the group's


# ------------------------------------------------------------------ start-up cost


def test_reading_modules_do_not_import_spacy() -> None:
    code = (
        "import sys, kg.query, kg.cli, kg.export, kg.graph; "
        "assert 'spacy' not in sys.modules, sorted(m for m in sys.modules if 'spacy' in m)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_kg_query_does_not_import_spacy(seed_graph_file: Path) -> None:
    args = ["-X", "importtime", "-m", "kg", "query", "founders", "--graph", str(seed_graph_file)]
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Lei Jun" in done.stdout
    imported = re.findall(r"^import time:.*\|\s+(\S+)$", done.stderr, re.MULTILINE)
    assert "rdflib" in imported  # the import log is really there
    assert not [m for m in imported if m == "spacy" or m.startswith("spacy.")]


def test_build_iris_transliterate_accents_the_same_in_every_build(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Issue 13: "Zoë Núñez" is ``person/zoe-nunez`` (not ``zo-n-ez``), build after build."""
    source = tmp_path / "news.txt"
    source.write_text("Zoë Núñez founded Brixo Labs in 2019.\n", encoding="utf-8")
    out = tmp_path / "out"
    iris = []
    for _ in range(2):
        result = runner.invoke(cli, ["build", str(source), "--out", str(out), "--no-html"])
        assert result.exit_code == 0, result.output
        graph = Graph().parse(out / "graph.ttl")
        iris.append({str(s) for s in graph.subjects(RDFS.label, Literal("Zoë Núñez"))})
    assert iris[0] == iris[1] == {"https://w3id.org/kg/id/person/zoe-nunez"}


# ------------------------------------------------------------------ kg serve


def test_serve_ctrl_c_stops_with_one_line(seed_out: Path) -> None:
    """Issue 13: Ctrl-C in a terminal (SIGINT to the whole process group, workers included),
    with queries running, ends ``kg serve`` with one line and no worker traceback."""
    import os
    import signal
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--graph", str(seed_out), "--port", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    assert process.stderr is not None
    banner = process.stderr.readline()
    found = re.search(r"at (http://[\d.]+:\d+/) ", banner)
    assert found, banner + process.stderr.read()
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    url = f"{found.group(1)}sparql?query={urllib.parse.quote(endless)}"

    def ask() -> None:
        try:
            urllib.request.urlopen(url, timeout=30).read()
        except (urllib.error.URLError, ConnectionError):
            pass  # the server stopped under it

    clients = [threading.Thread(target=ask) for _ in range(4)]
    for client in clients:
        client.start()
    time.sleep(1.0)  # the queries reach their workers (the slow lane too)
    os.killpg(process.pid, signal.SIGINT)
    try:  # the end of stderr: when no worker is left holding it
        _, rest = process.communicate(timeout=30)
        for _ in range(50):  # the forkserver and resource tracker end just after the server
            leftover = _running_in_group(process.pid)
            if not leftover:
                break
            time.sleep(0.1)
    finally:
        if _running_in_group(process.pid):
            os.killpg(process.pid, signal.SIGKILL)  # a worker left over would run for ever
    for client in clients:
        client.join()
    assert rest == f"Stopped serving {seed_out}\n"
    assert process.returncode == 0
    assert not leftover


def _running_in_group(group: int) -> list[str]:
    """The command lines of the live (not zombie) processes of a process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[2]) == group:
                found.append((stat.parent / "cmdline").read_text().replace("\0", " "))
        except (OSError, IndexError, ValueError):
            continue
    return found
