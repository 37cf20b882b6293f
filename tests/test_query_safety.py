"""Tests for the safe query path of kg.query and `kg query`: SERVICE, FROM, USING and LOAD are
refused before anything runs, updates only with --allow-update on a store, parameters are bound
as values, never pasted into the text; --limit, --timeout, result formats and syntax errors."""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.namespace import RDFS, XSD

from kg.cli import cli
from kg.errors import QueryError, QueryRefusedError
from kg.query import check_query, named_queries, run_query
from kg.store import STORE_DIR, open_store

SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
LEI_JUN = "https://w3id.org/kg/id/person/lei-jun"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def memory(seed_out: Path) -> Graph:
    """The seed graph in a plain rdflib Graph: queries run in rdflib's engine."""
    return Graph().parse(seed_out / "graph.ttl")


@pytest.fixture(scope="module")
def store(seed_out: Path) -> Graph:
    """The seed store, read-only: queries run in Oxigraph."""
    return open_store(seed_out / STORE_DIR)


@pytest.fixture
def store_copy(seed_out: Path, tmp_path: Path) -> Path:
    """A copy of the seed store that a test may write to."""
    copy = tmp_path / "store"
    shutil.copytree(seed_out / STORE_DIR, copy)
    return copy


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _answer(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        body = b"<http://example.org/fetched> <http://example.org/p> <http://example.org/o> .\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


class Server:
    """A local HTTP server on a free port that records every request it gets."""

    def __init__(self) -> None:
        self.handler = type("Handler", (_Recorder,), {"requests": []})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def requests(self) -> list[str]:
        return list(self.handler.requests)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    try:
        yield running
    finally:
        running.close()


def one_line_error(result: Result, status: int = 1) -> str:
    """The single ``Error: ...`` line of a failed command, checking nothing else went wrong."""
    assert result.exit_code == status, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert result.stdout == ""
    return lines[0]


def query(runner: CliRunner, graph: Path, text: str, *args: str) -> Result:
    return runner.invoke(cli, ["query", text, "--graph", str(graph), *args])


def values(term: Any) -> Any:
    """A result term compared by value: Oxigraph writes ``0.90`` as ``0.9``."""
    if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.double, XSD.integer):
        return Decimal(str(term.toPython())).normalize()
    return term


def rows(graph: Graph, name: str, **params: str) -> list[tuple[Any, ...]]:
    text = named_queries()[name].read_text(encoding="utf-8")
    result = run_query(graph, text, {k: Literal(v) for k, v in params.items()})
    return [tuple(values(t) for t in row) for row in result]  # type: ignore[union-attr]


# ------------------------------------------------------------------ what is refused

# (query, the keyword named in the refusal). The URL is the local server's in the network test.
REFUSED = [
    ("SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }", "SERVICE"),
    ("select * where { service <URL> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SeRvIcE SILENT <URL> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE{SERVICE<URL>{?s ?p ?o}}", "SERVICE"),
    ("PREFIX : <URL#> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o SERVICE ?where { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <URL> { ?s ?p ?o } } } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?r SERVICE <URL> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <URL> { ?s ?p ?o } } }", "SERVICE"),
    ("ASK { FILTER EXISTS { SERVICE <URL> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * FROM <URL> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM<URL> WHERE { ?s ?p ?o }", "FROM"),
    ("select * from named <URL> where { ?s ?p ?o }", "FROM"),
    ("CONSTRUCT { ?s ?p ?o } FROM <URL> WHERE { ?s ?p ?o }", "FROM"),
    ("DESCRIBE ?s FROM <URL> WHERE { ?s ?p ?o }", "FROM"),
    ("LOAD <URL>", "LOAD"),
    ("load silent <URL> into graph <http://example.org/g>", "LOAD"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <URL>", "LOAD"),
    ("DELETE { ?s ?p ?o } USING <URL> WHERE { ?s ?p ?o }", "USING"),
    # Oxigraph's parser needs no space after a keyword (found in review): a word holding one
    ("SELECT * WHERE { SERVICESILENT <URL> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICEsilent <URL> { ?s ?p ?o } }", "SERVICE"),
    ("ASK { FILTER(true) FILTER(trueSERVICE <URL> { ?s ?p ?o }) }", "SERVICE"),
    ("PREFIX : <URL#> SELECT * WHERE { SERVICESILENT:x { ?s ?p ?o } }", "SERVICE"),
    ("LOADSILENT <URL>", "LOAD"),
    # \u escapes: rdflib's engine expands them anywhere before parsing.
    ("SELECT * WHERE { \\u0053ERVICE <URL> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * \\u0046ROM <URL> WHERE { ?s ?p ?o }", "FROM"),
    # A "<" read as less-than, or as half of "<<": what looks like an IRI is operators, and its
    # "#" starts a comment or its "'" a string that the parser does not see as one.
    (
        'SELECT * WHERE {\n FILTER(COALESCE(?a<?b#>"""\n ,true)) SERVICE <URL> { ?x ?y ?z }\n'
        ' #"""\n}',
        "SERVICE",
    ),
    (
        "SELECT * WHERE {\n FILTER(COALESCE(?b<'''>''',true))\n SERVICE <URL> { ?x ?y ?z }\n"
        " #'''\n}",
        "SERVICE",
    ),
    (
        "SELECT * WHERE {\n FILTER(COALESCE(?a<(?b>?c) || ?d<?e#>'''\n ,true))"
        " SERVICE <URL> { ?x ?y ?z }\n #'''\n}",
        "SERVICE",
    ),
    (
        "SELECT * WHERE {\n OPTIONAL { <<?s?p'''>'''>> ?q ?r }\n SERVICE <URL> { ?x ?y ?z }\n"
        " #'''\n}",
        "SERVICE",
    ),
    # Escapes in prefixed names and IRIs: "ex:a\#" is one name, and its "#" no comment.
    (
        "PREFIX ex: <http://e/> SELECT * WHERE { OPTIONAL { ?s ex:a\\# ?o }"
        " SERVICE <URL> { ?x ?y ?z } }",
        "SERVICE",
    ),
    (
        "PREFIX ex: <http://e/> SELECT * WHERE { OPTIONAL { ?s ex:a\\''' }\n"
        " SERVICE <URL> { ?x ?y ?z }\n #'''\n}",
        "SERVICE",
    ),
    (
        "SELECT * WHERE { OPTIONAL { ?s <http://x/\\u0041#> ?o } SERVICE <URL> { ?x ?y ?z } }",
        "SERVICE",
    ),
]
REFUSED_IDS = [f"{keyword}-{i}" for i, (_, keyword) in enumerate(REFUSED)]
#: Queries that hold the words only in strings, IRIs, comments, variables, prefixed names and
#: language tags. Each is valid and runs.
NOT_REFUSED = [
    'SELECT ?s WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',
    "SELECT ?s WHERE { ?s ?p 'FROM <http://example.org/>' }",
    'SELECT ?s WHERE { ?s ?p """LOAD <http://example.org/>\nSERVICE""" }',
    "SELECT ?s WHERE { ?s ?p '''it''s from\nhere''' }",
    "SELECT ?s WHERE { ?s ?p <http://example.org/SERVICE/FROM/LOAD/USING> }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = <http://example.org/from>) }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o IN (<http://example.org/load#x>, <http://x/service>)) }",
    "SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { } FROM LOAD",
    "# FROM the seeds: LOAD nothing\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT ?service ?from ?load WHERE { ?service ?from ?load } LIMIT 1",
    "SELECT $service WHERE { $service ?p ?o } LIMIT 1",
    "PREFIX ex: <http://example.org/> SELECT ?s WHERE { ?s ex:from ex:service ; ex:load ?o }",
    "PREFIX insert: <http://example.org/> SELECT ?s WHERE { ?s insert:delete ?o }",
    'SELECT ?s WHERE { ?s ?p "x"@from }',
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o<3&&?o>1) }",
]
UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s <urn:b> ?o }",
    "delete { ?s <urn:b> ?o } insert { ?s <urn:c> ?o } where { ?s <urn:b> ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR DEFAULT",
    "CLEAR SILENT GRAPH <urn:g>",
    "DROP ALL",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "PREFIX ex: <urn:> INSERT DATA { ex:a ex:b ex:c }",
]


@pytest.mark.parametrize(("text", "keyword"), REFUSED, ids=REFUSED_IDS)
def test_check_query_refuses(text: str, keyword: str) -> None:
    text = text.replace("URL", "http://example.org/sparql")
    with pytest.raises(QueryRefusedError):
        check_query(text)
    with pytest.raises(QueryRefusedError) as refused:  # --allow-update never lets these through
        check_query(text, allow_update=True)
    assert str(refused.value).startswith(keyword)


@pytest.mark.parametrize("text", NOT_REFUSED)
def test_check_query_lets_the_words_through_elsewhere(text: str, store: Graph) -> None:
    assert check_query(text) == "query"
    run_query(store, text)  # valid SPARQL, and it runs


@pytest.mark.parametrize("text", UPDATES)
def test_updates_are_refused_unless_allowed(text: str) -> None:
    with pytest.raises(QueryRefusedError, match="is an update and updates are refused"):
        check_query(text)
    assert check_query(text, allow_update=True) == "update"


@pytest.mark.parametrize("text", UPDATES)
def test_cli_refuses_updates_without_allow_update(
    runner: CliRunner, store_copy: Path, text: str
) -> None:
    before = len(open_store(store_copy))
    error = one_line_error(query(runner, store_copy, text))
    assert "is an update and updates are refused" in error
    assert len(open_store(store_copy)) == before


@pytest.mark.parametrize(("text", "keyword"), REFUSED[:19], ids=REFUSED_IDS[:19])
def test_cli_refuses_before_reading_the_graph(
    runner: CliRunner, tmp_path: Path, text: str, keyword: str
) -> None:
    # The graph does not even exist: the refusal comes first, so nothing ran.
    text = text.replace("URL", "http://example.org/sparql")
    error = one_line_error(query(runner, tmp_path / "nothing", text))
    assert "refused" in error  # naming the keyword, or the update that comes first
    if not re.search(r"\b(INSERT|DELETE)\b", text):
        assert error.startswith(f"Error: {keyword}")


# ------------------------------------------------------------------ nothing reaches the network


def test_the_server_sees_a_real_fetch(server: Server) -> None:
    """The control: without kg's check, Oxigraph does send a SERVICE query to the server."""
    engine = ox.Store()
    engine.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    try:
        list(engine.query(f"SELECT * WHERE {{ SERVICE <{server.url}> {{ ?s ?p ?o }} }}"))
    except Exception:
        pass  # the reply is no SPARQL results document
    assert server.requests


@pytest.mark.parametrize(("text", "keyword"), REFUSED, ids=REFUSED_IDS)
def test_refused_queries_reach_no_server(
    runner: CliRunner,
    seed_out: Path,
    store: Graph,
    memory: Graph,
    server: Server,
    text: str,
    keyword: str,
) -> None:
    text = text.replace("URL", server.url)
    for graph in (seed_out, seed_out / "graph.ttl"):
        error = one_line_error(query(runner, graph, text))
        assert "refused" in error
        error = one_line_error(query(runner, graph, text, "--allow-update"))
        assert error.startswith(f"Error: {keyword}")
    for engine in (store, memory):  # Oxigraph, and rdflib's engine
        for allow_update in (False, True):
            with pytest.raises(QueryRefusedError):
                run_query(engine, text, allow_update=allow_update)
    assert server.requests == []


def test_load_stays_refused_with_allow_update(
    runner: CliRunner, store_copy: Path, server: Server
) -> None:
    before = len(open_store(store_copy))
    for text in (
        f"LOAD <{server.url}>",
        f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD <{server.url}>",
    ):
        error = one_line_error(query(runner, store_copy, text, "--allow-update"))
        assert error.startswith("Error: LOAD is refused")
    assert server.requests == []
    assert len(open_store(store_copy)) == before


def test_using_is_refused_on_a_plain_rdflib_graph(memory: Graph, server: Server) -> None:
    graph = Graph()
    graph.add((URIRef("urn:a"), URIRef("urn:b"), URIRef("urn:c")))
    text = f"DELETE {{ ?s ?p ?o }} USING <{server.url}> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(QueryRefusedError, match="USING"):
        run_query(graph, text, allow_update=True)
    assert server.requests == [] and len(graph) == 1


# ------------------------------------------------------------------ --allow-update


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    """``kg ARGS`` in a process of its own, as a shell runs it: a store opened for writing
    is closed when the command ends."""
    command = [sys.executable, "-m", "kg", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_allow_update_writes_to_a_store(runner: CliRunner, store_copy: Path) -> None:
    before = len(open_store(store_copy))
    insert = 'INSERT DATA { <urn:kg:test> rdfs:label "Inserted by a test" }'
    done = kg("query", insert, "--graph", str(store_copy), "--allow-update")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == f"updated {store_copy}\n"
    seen = query(runner, store_copy, 'SELECT ?s WHERE { ?s rdfs:label "Inserted by a test" }')
    assert seen.exit_code == 0 and "<urn:kg:test>" in seen.stdout and "(1 row)" in seen.stdout
    assert len(open_store(store_copy)) == before + 1
    delete = "DELETE WHERE { <urn:kg:test> ?p ?o }"
    assert kg("query", delete, "--graph", str(store_copy), "--allow-update").returncode == 0
    assert len(open_store(store_copy)) == before


def test_allow_update_in_process_runs_the_update(runner: CliRunner, store_copy: Path) -> None:
    result = query(runner, store_copy, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--allow-update")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == f"updated {store_copy}\n"


@pytest.mark.parametrize("where", [".", STORE_DIR])
def test_allow_update_on_a_build_folder_is_refused_with_a_hint(
    runner: CliRunner, seed_out: Path, tmp_path: Path, where: str
) -> None:
    """Issue 13: an update would leave the build's graph.ttl and page silently stale."""
    out = tmp_path / "out"
    shutil.copytree(seed_out, out, symlinks=True)
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    error = one_line_error(query(runner, out / where, insert, "--allow-update"))
    assert "a build folder's store is not updated" in error
    assert f"kg load {out / 'graph.ttl'} --store my.store, then --graph my.store" in error
    assert query(runner, out, "ASK { <urn:a> <urn:b> <urn:c> }").stdout == "false\n"
    # ... and the hint works: the store of one's own takes the update
    mine = tmp_path / "my.store"
    assert runner.invoke(cli, ["load", str(out / "graph.ttl"), "--store", str(mine)]).exit_code == 0
    assert query(runner, mine, insert, "--allow-update").exit_code == 0
    assert query(runner, mine, "ASK { <urn:a> <urn:b> <urn:c> }").stdout == "true\n"


@pytest.mark.parametrize("graph", ["graph.ttl", "ttl-only"])
def test_allow_update_needs_a_store(
    runner: CliRunner, seed_out: Path, tmp_path: Path, graph: str
) -> None:
    ttl_only = tmp_path / "ttl-only"
    ttl_only.mkdir()
    shutil.copy(seed_out / "graph.ttl", ttl_only / "graph.ttl")
    target = seed_out / graph if graph == "graph.ttl" else ttl_only
    before = (seed_out / "graph.ttl").read_bytes()
    error = one_line_error(
        query(runner, target, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--allow-update")
    )
    assert str(target) in error and "--allow-update needs a store" in error
    assert (seed_out / "graph.ttl").read_bytes() == before


def test_allow_update_still_runs_queries(runner: CliRunner, seed_out: Path) -> None:
    result = query(runner, seed_out, "founders", "--allow-update", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "Lei Jun" in result.stdout and result.stderr == ""


# ------------------------------------------------------------------ --param

HOSTILE = [
    'x" } SERVICE <URL> { ?s ?p ?o } FILTER("',
    "x' } SERVICE <URL> { ?s ?p ?o } FILTER('",
    '2017"""} SERVICE <URL> {',
    "} SERVICE <URL> { ",
    "ends with a backslash \\",
    'quote \\" and backslash',
    "two\nlines } SERVICE <URL> {",
    "\\u0022 } SERVICE <URL> { \\u0022",
    "# not a comment",
    "<URL>",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_param_is_bound_as_a_literal(
    runner: CliRunner, seed_out: Path, server: Server, value: str
) -> None:
    value = value.replace("URL", server.url)
    for name, params in (
        ("timeline", ["--param", f"year={value}"]),
        ("evidence", ["--param", f"entity={value}"]),
    ):
        result = query(runner, seed_out, name, *params, "--format", "json")
        assert result.exit_code == 0, (name, result.output)
        assert json.loads(result.stdout)["results"]["bindings"] == []
        if name == "timeline":
            assert result.stderr == ""
        else:  # an entity parameter (issue 13): one line says that it names no entity
            assert result.stderr.startswith("note: ?entity: no entity ")
            assert result.stderr.count("\n") == 1
    assert server.requests == []


def test_hostile_params_of_connections(runner: CliRunner, seed_out: Path, server: Server) -> None:
    value = f'India" }} SERVICE <{server.url}> {{ ?x ?y ?z }} FILTER("'
    result = query(runner, seed_out, "connections", "--param", "a=Lei Jun", "--param", f"b={value}")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "(0 rows)"
    assert result.stderr.startswith('note: ?b: no entity named "India" } SERVICE')
    assert result.stderr.count("\n") == 1
    assert server.requests == []


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_param_in_the_library(store: Graph, memory: Graph, value: str) -> None:
    text = "SELECT ?s WHERE { ?s rdfs:label ?name }"
    for graph in (store, memory):
        assert list(run_query(graph, text, {"name": Literal(value)})) == []


def test_a_bound_value_finds_what_it_names(store: Graph, memory: Graph) -> None:
    text = "SELECT ?s WHERE { ?s rdfs:label ?name }"
    for graph in (store, memory):
        found = [row[0] for row in run_query(graph, text, {"name": Literal("Lei Jun")})]  # type: ignore[index]
        assert found == [URIRef(LEI_JUN)]
        iri = run_query(graph, "SELECT ?name WHERE { ?s rdfs:label ?name }", {"s": URIRef(LEI_JUN)})
        assert [str(row[0]) for row in iri] == ["Lei Jun"]  # type: ignore[index]


@pytest.mark.parametrize(
    "value", ["<http://example.org/a> } SERVICE <http://example.org/>", "<http://x y>", '<a"b>']
)
def test_iri_param_that_could_end_its_brackets_is_refused(
    runner: CliRunner, seed_out: Path, value: str
) -> None:
    text = "SELECT ?name WHERE { ?s rdfs:label ?name }"
    result = query(runner, seed_out, text, "--param", f"s={value}")
    assert result.exit_code == 2 and result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        f"Error: Invalid value for '--param': {value}: not a valid IRI. Try 'kg query --help'."
    ]
    assert "does not look like a valid URI" not in result.stderr  # refused before rdflib sees it


def test_iri_param_is_refused_in_the_library(store: Graph) -> None:
    text = "SELECT ?name WHERE { ?s rdfs:label ?name }"
    with pytest.raises(QueryError, match="not a valid IRI"):
        run_query(store, text, {"s": URIRef("http://x> } SERVICE <http://example.org/> {")})
    hostile = Literal("x", datatype="http://x> } SERVICE <http://example.org/> { <")
    with pytest.raises(QueryError, match="not a valid datatype IRI"):
        run_query(store, text, {"name": hostile})


def test_binding_an_unknown_variable_is_an_error(
    runner: CliRunner, seed_out: Path, store: Graph, memory: Graph
) -> None:
    error = one_line_error(query(runner, seed_out, "timeline", "--param", "yaer=2017"))
    assert error == "Error: the query has no variable ?yaer to bind"
    text = named_queries()["timeline"].read_text(encoding="utf-8")
    for graph in (store, memory):  # the same in both engines, not silently ignored
        with pytest.raises(QueryError, match=r"no variable \?yaer"):
            run_query(graph, text, {"yaer": Literal("2017")})


def test_connections_with_params(runner: CliRunner, seed_out: Path) -> None:
    result = query(
        runner, seed_out, "connections", "--param", "a=Lei Jun", "--param", "b=India",
        "--format", "csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found = list(csv.DictReader(io.StringIO(result.stdout)))
    assert found and all((r["from"], r["to"]) == ("Lei Jun", "India") for r in found)
    assert {"Xiaomi"} <= {r["via"] for r in found}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("timeline", {"year": "2017"}),
        ("timeline", {"period": "Q3 2017"}),
        ("evidence", {"entity": "Lei Jun"}),
        ("connections", {"a": "Lei Jun", "b": "India"}),
        ("founders", {}),
    ],
)
def test_rdflib_and_oxigraph_give_the_same_rows(
    store: Graph, memory: Graph, name: str, params: dict[str, str]
) -> None:
    from_store = rows(store, name, **params)
    assert from_store
    assert sorted(map(repr, rows(memory, name, **params))) == sorted(map(repr, from_store))


def test_timeline_param_filters(store: Graph) -> None:
    every = rows(store, "timeline")
    only = rows(store, "timeline", year="2017")
    assert len(every) > len(only) > 0
    assert {str(row[0])[:4] for row in only} == {"2017"}


# ------------------------------------------------------------------ --limit and --timeout


def test_limit_prints_n_rows_and_a_note(runner: CliRunner, seed_out: Path) -> None:
    every = query(runner, seed_out, "products", "--format", "csv")
    total = len(every.stdout.splitlines()) - 1
    assert total > 3
    limited = query(runner, seed_out, "products", "--format", "csv", "--limit", "3")
    assert limited.exit_code == 0, limited.output
    assert len(limited.stdout.splitlines()) == 1 + 3
    assert limited.stderr == "(first 3 rows shown; more left out by --limit)\n"
    table = query(runner, seed_out, "products", "--limit", "2")
    assert table.stdout.splitlines()[-1] == "(2 rows)"
    enough = query(runner, seed_out, "products", "--format", "csv", "--limit", str(total))
    assert enough.stdout == every.stdout and enough.stderr == ""  # nothing left out, no note


def test_limit_zero(runner: CliRunner, seed_out: Path) -> None:
    result = query(runner, seed_out, "founders", "--format", "json", "--limit", "0")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert "more left out by --limit" in result.stderr


@pytest.mark.parametrize("graph", ["store", "graph.ttl"])
def test_timeout_stops_a_never_ending_query(seed_out: Path, graph: str) -> None:
    never = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    args = ["-m", "kg", "query", never, "--graph", str(seed_out / graph), "--timeout", "1"]
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert done.stderr == "Error: the query was stopped after 1 s (--timeout)\n"


def test_timeout_lets_a_quick_query_finish(seed_out: Path) -> None:
    args = ["-m", "kg", "query", "founders", "--graph", str(seed_out), "--timeout", "120"]
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Lei Jun" in done.stdout and done.stderr == ""


# ------------------------------------------------------------------ formats

SELECT_LEI = 'SELECT ?person ?name WHERE { ?person rdfs:label ?name FILTER(?name = "Lei Jun") }'
CONSTRUCT = f"CONSTRUCT {{ <{LEI_JUN}> ?p ?o }} WHERE {{ <{LEI_JUN}> ?p ?o }}"


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_select_formats_write_only_results_to_stdout(
    runner: CliRunner, seed_out: Path, fmt: str
) -> None:
    result = query(runner, seed_out, SELECT_LEI, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    if fmt == "table":
        assert out.splitlines()[0].split() == ["person", "name"]
        assert "Lei Jun" in out and out.endswith("(1 row)\n")
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out))) == [["person", "name"], [LEI_JUN, "Lei Jun"]]
    elif fmt == "tsv":
        assert out.splitlines() == ["?person\t?name", f'<{LEI_JUN}>\t"Lei Jun"']
    elif fmt == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == ["person", "name"]
        assert data["results"]["bindings"] == [
            {
                "person": {"type": "uri", "value": LEI_JUN},
                "name": {"type": "literal", "value": "Lei Jun"},
            }
        ]
    else:
        root = ET.fromstring(out)
        assert root.tag == f"{SPARQL_RESULTS}sparql"
        names = [v.get("name") for v in root.iter(f"{SPARQL_RESULTS}variable")]
        assert names == ["person", "name"]
        results = list(root.iter(f"{SPARQL_RESULTS}result"))
        assert len(results) == 1
        bound = {b.get("name"): b[0] for b in results[0].iter(f"{SPARQL_RESULTS}binding")}
        assert bound["person"].tag == f"{SPARQL_RESULTS}uri" and bound["person"].text == LEI_JUN
        assert bound["name"].tag == f"{SPARQL_RESULTS}literal" and bound["name"].text == "Lei Jun"


@pytest.mark.parametrize(
    ("fmt", "expected"), [("json", {"head": {}, "boolean": True}), ("table", None)]
)
def test_ask_formats(runner: CliRunner, seed_out: Path, fmt: str, expected: Any) -> None:
    result = query(runner, seed_out, f"ASK {{ <{LEI_JUN}> ?p ?o }}", "--format", fmt)
    assert result.exit_code == 0
    if expected is None:
        assert result.stdout == "true\n"
    else:
        assert json.loads(result.stdout) == expected
    xml = query(runner, seed_out, f"ASK {{ <{LEI_JUN}> ?p ?o }}", "--format", "xml")
    assert ET.fromstring(xml.stdout).find(f"{SPARQL_RESULTS}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fmt", "rdf"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_formats_parse_back(
    runner: CliRunner, seed_out: Path, memory: Graph, fmt: str, rdf: str
) -> None:
    result = query(runner, seed_out, CONSTRUCT, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    back = Graph().parse(data=result.stdout, format=rdf)
    expected = {(URIRef(LEI_JUN), p, o) for p, o in memory.predicate_objects(URIRef(LEI_JUN))}
    assert len(back) == len(expected) > 3
    assert {(s, p, values(o)) for s, p, o in back} == {(s, p, values(o)) for s, p, o in expected}
    assert (URIRef(LEI_JUN), RDFS.label, Literal("Lei Jun")) in back


def test_construct_default_format_is_turtle(runner: CliRunner, seed_out: Path) -> None:
    result = query(runner, seed_out, CONSTRUCT)
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.stdout, format="turtle")) > 3


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_select_as_a_graph_format_is_one_line_error(
    runner: CliRunner, seed_out: Path, fmt: str
) -> None:
    error = one_line_error(query(runner, seed_out, "founders", "--format", fmt))
    assert "a SELECT result is a table" in error and "csv" in error


def test_construct_as_a_table_format_is_one_line_error(runner: CliRunner, seed_out: Path) -> None:
    error = one_line_error(query(runner, seed_out, CONSTRUCT, "--format", "csv"))
    assert "a CONSTRUCT result is a graph" in error and "turtle" in error


# ------------------------------------------------------------------ malformed queries


def caret(result: Result) -> tuple[int, int, str, int]:
    """Line and column reported, the line shown, and the caret's column under it."""
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    match = re.match(r"Error: malformed query, line (\d+), column (\d+): ", result.stderr)
    assert match, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and lines[2].strip() == "^", result.stderr
    return int(match[1]), int(match[2]), lines[1][2:], lines[2].index("^") - 2 + 1


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("SELECT ?x WHERE { ?x ?y }", 1, 19),
        ("SELECT ?x WHERE {\n  ?x foo:bar ?z .\n}", 2, 6),  # under the unknown prefix
        ('SELECT ?x WHERE { ?x ?y ?z FILTER(?z = "a" }', 1, 0),
    ],
)
def test_malformed_query_with_and_without_params(
    runner: CliRunner, seed_out: Path, text: str, line: int, column: int
) -> None:
    plain = caret(query(runner, seed_out, text))
    # With --param a VALUES block goes into the text after "{": the position stays the user's.
    bound = caret(query(runner, seed_out, text, "--param", "x=a value } with { braces"))
    assert plain == bound
    got_line, got_column, shown, under = bound
    assert got_line == line and (column == 0 or got_column == column)
    assert shown == text.splitlines()[line - 1]  # the user's own line, no VALUES in it
    assert under == got_column and got_column <= len(shown) + 1


def test_malformed_query_error_inside_the_where_line_with_params(
    runner: CliRunner, seed_out: Path
) -> None:
    text = "SELECT ?x WHERE { ?x rdfs:label ?z . ?x ?y }"
    got_line, got_column, shown, under = caret(
        query(runner, seed_out, text, "--param", 'z=Lei Jun "quoted"')
    )
    assert (got_line, shown) == (1, text)
    assert text.index(".") < got_column <= len(text)
    assert under == got_column
    assert caret(query(runner, seed_out, text))[:2] == (got_line, got_column)


def test_deep_nesting_is_refused_quickly() -> None:
    """Found in review: the check grew quadratically, and Oxigraph's parser overflowed its
    stack (a segfault) near 5,000 levels."""
    deep = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }"
    with pytest.raises(QueryRefusedError, match="more than 200 levels"):
        check_query(deep)
    fine = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 50 + "true" + ")" * 50 + ") }"
    assert check_query(fine) == "query"


def test_param_goes_to_the_outer_where_without_the_keyword(store: Graph) -> None:
    """Found in review: the VALUES block went into the first WHERE, a subquery's."""
    text = "SELECT ?s ?name { ?s rdfs:label ?name . { SELECT ?s WHERE { ?s a kg:Person } } }"
    rows = run_query(store, text, {"name": Literal("Lei Jun")}).bindings
    assert [str(r[Variable("name")]) for r in rows] == ["Lei Jun"]
    template = "CONSTRUCT { ?s rdfs:label ?n } WHERE { ?s rdfs:label ?n }"
    assert len(run_query(store, template, {"n": Literal("Xiaomi")})) == 1
    with pytest.raises(QueryError, match="CONSTRUCT WHERE"):
        run_query(store, "CONSTRUCT WHERE { ?s rdfs:label ?n }", {"n": Literal("Xiaomi")})


def test_a_computed_variable_cannot_be_bound(store: Graph) -> None:
    text = 'SELECT ?s ?kind WHERE { ?s rdfs:label ?l BIND("x" AS ?kind) }'
    with pytest.raises(QueryError, match=r"\?kind is computed by the query"):
        run_query(store, text, {"kind": Literal("y")})


def test_a_query_file_that_is_not_utf8_is_one_line(
    runner: CliRunner, seed_out: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "latin1.rq"
    bad.write_bytes('SELECT ?s WHERE { ?s rdfs:label "caf\xe9" }'.encode("latin-1"))
    error = one_line_error(query(runner, seed_out, str(bad)))
    assert "cannot read it as UTF-8" in error and "latin1.rq" in error


# ------------------------------------------------------------------ size limits (issue 12)


def kg_query_file(tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``kg query FILE`` in its own process (a crash is an exit status, not a lost test run)."""
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return kg("query", str(path), *args)


def refusal(done: subprocess.CompletedProcess[str], text: str) -> str:
    """The one-line refusal of ``text``, checking it quotes at most 80 of its characters."""
    assert done.returncode == 1, (done.returncode, done.stderr[-300:])
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr[:300]
    line = done.stderr.strip()
    quoted = re.findall(r"“([^”]*)”", line)
    assert len(quoted) == 1 and len(quoted[0]) <= 80, line
    assert quoted[0].strip("…").split()[0] in text
    return line


def test_a_1mb_query_is_refused_before_parsing(seed_out: Path, tmp_path: Path) -> None:
    """Issue 12: 40,000 flat triple patterns (1.2 MB) passed the check and segfaulted Oxigraph."""
    patterns = (f"?s{i} <http://example.org/p> ?o{i} ." for i in range(40_000))
    text = "SELECT * WHERE { " + " ".join(patterns) + " }"
    assert len(text) > 1_200_000
    line = refusal(kg_query_file(tmp_path, text, "--graph", str(seed_out)), text)
    assert f"the query is {len(text):,} characters long, more than the 100,000 allowed" in line


def test_a_1mb_malformed_query_is_refused_on_one_line(seed_out: Path, tmp_path: Path) -> None:
    """Issue 12: a 1 MB malformed query took minutes to report and echoed its whole line."""
    text = "SELECT * WHERE { " + "?s ?p ?o . " * 95_000 + "?x ?y }"
    line = refusal(kg_query_file(tmp_path, text, "--graph", str(seed_out)), text)
    assert "characters long" in line


def test_a_long_malformed_query_shows_80_characters_of_its_line(
    runner: CliRunner, seed_out: Path
) -> None:
    text = "SELECT * WHERE { ?s ?p ?o FILTER(?o IN (" + "1, " * 20_000 + "2)) ?x ?y }"
    got_line, got_column, shown, under = caret(query(runner, seed_out, text))
    assert (got_line, got_column) == (1, len(text) + 1)  # Oxigraph: at the end
    assert len(shown) <= 80 and shown.startswith("…") and shown.endswith("?x ?y }")
    assert under == len(shown) + 1


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("patterns", "SELECT * WHERE { " + "?s ?p ?o . " * 501 + "}"),
        ("patterns", "SELECT * WHERE { ?s " + "kg:p ?o ; " * 501 + "kg:p ?o }"),
        ("patterns", "SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * 501 + "{ } }"),
        ("terms", "SELECT * WHERE { " + "<< " * 500 + "?s ?p ?o" + " >> ?p ?o" * 500 + " . }"),
        ("terms", "SELECT * WHERE { ?s kg:p " + "[ kg:p " * 33 + "?o" + " ]" * 33 + " }"),
        ("terms", "SELECT * WHERE { ?s kg:p " + "(" * 33 + "?o" + ")" * 33 + " }"),
        ("terms", "SELECT * WHERE { ?s kg:p " + "\\u0028" * 33 + "?o" + ")" * 33 + " }"),
        ("depth", "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 201 + "1" + ")" * 201 + ") }"),
        ("depth", "SELECT * WHERE " + "{" * 201 + "?s ?p ?o" + "}" * 201),
        ("length", "SELECT * WHERE { ?s ?p ?o } #" + "x" * 100_000),
    ],
    ids=[
        "501-patterns",
        "501-predicates",
        "501-unions",
        "500-quoted",
        "33-blank-nodes",
        "33-collections",
        "33-escaped-collections",
        "201-parentheses",
        "201-braces",
        "length",
    ],
)
def test_size_limits_refuse_every_kind(what: str, pattern: str) -> None:
    """Issue 12: nested << >> at depth 500 were not counted and parsed for minutes."""
    messages = {
        "patterns": "more than 500 triple patterns at line 1, column ",
        "terms": "nests [ ], ( ) and << >> more than 32 levels deep at line 1, column ",
        "depth": "nests brackets more than 200 levels deep at line 1, column ",
        "length": "characters long, more than the 100,000 allowed: “SELECT * WHERE",
    }
    with pytest.raises(QueryRefusedError, match=re.escape(messages[what])) as refused:
        check_query(pattern)
    assert "\n" not in str(refused.value)
    assert len(re.findall(r"“([^”]*)”", str(refused.value))[0]) <= 80


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { " + " ".join(f"?s{i} kg:p ?o{i} ." for i in range(400)) + " }",
        "SELECT * WHERE { " + "<< " * 20 + "?s ?p ?o" + " >> ?p ?o" * 20 + " . }",
        "SELECT * WHERE { ?s kg:p " + "[ kg:p " * 30 + "?o" + " ]" * 30 + " }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 150 + "1" + ")" * 150 + ") }",
        # function calls and VALUES rows are not collections; GROUP_CONCAT's ; no separator
        "SELECT (GROUP_CONCAT(STR(?o); SEPARATOR=',') AS ?all) WHERE { VALUES (?o) { "
        + "(1) " * 600
        + "} FILTER("
        + "STR(" * 40
        + "?o"
        + ")" * 40
        + ") }",
    ],
    ids=["400-patterns", "20-quoted", "30-blank-nodes", "150-parentheses", "calls-and-values"],
)
def test_size_limits_let_large_queries_through(text: str, store: Graph) -> None:
    assert check_query(text) == "query"
    run_query(store, text, limit=1)


def test_a_flat_query_that_overflowed_the_stack_runs(seed_out: Path, tmp_path: Path) -> None:
    """Issue 12: 3,000 BINDs (60 KB, within the limits) segfaulted Oxigraph in the main
    thread; queries now run on a thread with a large stack."""
    text = "SELECT ?b2999 WHERE { " + " ".join(f"BIND({i} AS ?b{i})" for i in range(3000)) + " }"
    done = kg_query_file(tmp_path, text, "--graph", str(seed_out), "--format", "csv")
    assert done.returncode == 0, (done.returncode, done.stderr[-300:])
    assert done.stdout.split() == ["b2999", "2999"]


def test_kg_query_has_a_default_timeout(runner: CliRunner) -> None:
    """Issue 12: without --timeout a cartesian query grew past 1.6 GB and kept going."""
    help_text = " ".join(runner.invoke(cli, ["query", "--help"]).stdout.split())
    assert "Stop the query after this many seconds (exit status 3); 0: no limit." in help_text
    assert "[default: 60.0" in help_text
    assert "--max-memory MB" in help_text and "[default: 2048" in help_text


def test_timeout_zero_means_no_limit(seed_out: Path) -> None:
    done = kg("query", "founders", "--graph", str(seed_out), "--timeout", "0")
    assert done.returncode == 0, done.stderr
    assert "Lei Jun" in done.stdout


def test_max_memory_stops_a_growing_query(seed_out: Path) -> None:
    """Issue 12: the memory of a query is bounded: past --max-memory the process stops, exit 3."""
    growing = "SELECT DISTINCT ?a ?c ?d ?f ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    done = kg("query", growing, "--graph", str(seed_out), "--timeout", "0", "--max-memory", "150")
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert re.fullmatch(
        r"Error: the query was stopped holding \d+ MB, more than 150 MB \(--max-memory\)\n",
        done.stderr,
    )
