"""Tests for kg.serve: a real server process queried by SPARQLWrapper, plain HTTP and Chromium."""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper

from kg.serve import negotiate

FOUNDERS = """SELECT ?founder WHERE {
  ?org rdfs:label "Xiaomi" ; schema:founder ?f . ?f rdfs:label ?founder }"""
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"


def start_server(graph: Path, *args: str) -> Server:
    """``kg serve`` in its own process on a free port; waits until it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--graph", str(graph), "--port", "0", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"at (http://[\d.]+:\d+/) ", line)
    if not found:
        process.kill()
        pytest.fail(f"kg serve did not start: {line}{process.stderr.read()}")
    return Server(process, found.group(1))


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        raise


@pytest.fixture(scope="module")
def server(seed_out: Path) -> Iterator[Server]:
    running = start_server(seed_out, "--timeout", "2", "--max-rows", "50")
    yield running
    stop_server(running)


@dataclass
class Reply:
    status: int
    headers: Any
    body: str


def request(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str = ""
) -> Reply:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method or None)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Reply(response.status, response.headers, response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read().decode("utf-8"))


def get(server: Server, query: str, accept: str = "", **params: str) -> Reply:
    query_string = urllib.parse.urlencode({"query": query, **params})
    headers = {"Accept": accept} if accept else {}
    return request(f"{server.endpoint}?{query_string}", headers=headers)


# ------------------------------------------------------------------ SPARQLWrapper


def test_sparqlwrapper_select_json(server: Server) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(FOUNDERS)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    founders = {b["founder"]["value"] for b in answer["results"]["bindings"]}
    assert "Lei Jun" in founders
    assert answer["head"]["vars"] == ["founder"]


def test_sparqlwrapper_select_xml_and_csv(server: Server) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setQuery(FOUNDERS)
    client.setReturnFormat(XML)
    document = client.query().convert()
    values = [n.firstChild.data for n in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert "Lei Jun" in values
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode("utf-8"))))  # type: ignore[union-attr]
    assert rows[0] == ["founder"] and ["Lei Jun"] in rows


def test_sparqlwrapper_post_ask_and_construct(server: Server) -> None:
    client = SPARQLWrapper(server.endpoint)
    client.setMethod(POST)
    client.setQuery('ASK { ?x rdfs:label "Lei Jun" }')
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client.setRequestMethod(POSTDIRECTLY)  # the body is application/sparql-query
    client.setQuery("CONSTRUCT { ?x rdfs:label ?l } WHERE { ?x rdfs:label ?l ; a kg:Person }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    labels = {str(o) for o in graph.objects()}
    assert "Lei Jun" in labels and len(graph) >= 10


# ------------------------------------------------------------------ plain HTTP


def test_get_and_post_forms_agree(server: Server) -> None:
    by_get = get(server, FOUNDERS, "application/sparql-results+json")
    form = urllib.parse.urlencode({"query": FOUNDERS}).encode()
    by_form = request(
        server.endpoint,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    direct = request(
        server.endpoint,
        data=FOUNDERS.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert by_get.status == by_form.status == direct.status == 200
    assert by_get.headers["Content-Type"] == "application/sparql-results+json"
    assert json.loads(by_get.body) == json.loads(by_form.body) == json.loads(direct.body)


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/html;q=0.9, text/csv;q=0.1", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_content_negotiation(server: Server, accept: str, content_type: str) -> None:
    reply = get(server, FOUNDERS, accept)
    assert reply.status == 200
    assert reply.headers["Content-Type"].split(";")[0] == content_type
    assert "Lei Jun" in reply.body


def test_xml_results_parse(server: Server) -> None:
    reply = get(server, FOUNDERS, "application/sparql-results+xml")
    root = ET.fromstring(reply.body)
    assert root.tag == f"{RESULTS_NS}sparql"
    assert "Lei Jun" in [e.text for e in root.iter(f"{RESULTS_NS}literal")]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_graph_content_negotiation(server: Server, accept: str, fmt: str) -> None:
    query = 'CONSTRUCT { ?x rdfs:label ?l } WHERE { ?x rdfs:label ?l FILTER(?l = "Xiaomi") }'
    reply = get(server, query, accept)
    assert reply.status == 200 and reply.headers["Content-Type"].startswith(accept)
    graph = Graph().parse(data=reply.body, format=fmt)
    assert {str(o) for o in graph.objects()} == {"Xiaomi"}


def test_describe_is_capped_too(server: Server) -> None:
    reply = get(server, 'DESCRIBE ?x WHERE { ?x rdfs:label "Xiaomi" }', "application/n-triples")
    assert reply.status == 200 and reply.headers["KG-Truncated"] == "50"
    assert len(Graph().parse(data=reply.body, format="nt")) == 50


def test_format_parameter_wins(server: Server) -> None:
    reply = get(server, FOUNDERS, "application/sparql-results+json", format="csv")
    assert reply.headers["Content-Type"].startswith("text/csv")


def test_unacceptable_format_is_406(server: Server) -> None:
    reply = get(server, FOUNDERS, "image/png")
    assert reply.status == 406 and "text/csv" in reply.body


def test_malformed_query_is_400_with_position(server: Server) -> None:
    reply = get(server, "SELECT ?x WHERE {\n  ?x ?y }")
    assert reply.status == 400
    assert re.search(r"line 2, column \d+", reply.body) and "^" in reply.body


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "LOAD <http://127.0.0.1:9/g.ttl>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR DEFAULT",
    ],
)
def test_refused_forms_are_403(server: Server, query: str) -> None:
    reply = get(server, query)
    assert reply.status == 403, reply.body
    assert "refused" in reply.body


def test_update_requests_are_403(server: Server) -> None:
    form = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    by_form = request(
        server.endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    direct = request(
        server.endpoint,
        data=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert by_form.status == direct.status == 403
    assert get(server, 'ASK { ?x rdfs:label "Xiaomi" }', format="json").body.count("true") == 1


def test_dataset_parameters_are_403(server: Server) -> None:
    reply = get(server, FOUNDERS, **{"default-graph-uri": "http://127.0.0.1:9/g"})
    assert reply.status == 403


def test_refused_service_reaches_no_one(server: Server) -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    listener = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=listener.serve_forever, daemon=True)
    thread.start()
    try:
        port = listener.server_address[1]
        for query in (
            f"SELECT * WHERE {{ service<http://127.0.0.1:{port}/s>{{?s ?p ?o}} }}",
            f"PREFIX : <http://127.0.0.1:{port}/>\nSELECT * WHERE {{ SERVICE:s {{ ?s ?p ?o }} }}",
        ):
            assert get(server, query).status == 403
        assert hits == []
    finally:
        listener.shutdown()
        listener.server_close()


def test_param_binding_over_http(server: Server) -> None:
    query = "SELECT ?org WHERE { ?f rdfs:label ?who . ?o schema:founder ?f ; rdfs:label ?org }"
    hit = get(server, query, format="json", **{"param.who": "Lei Jun"})
    miss = get(server, query, format="json", **{"param.who": 'x" } SERVICE <http://e/> { "'})
    assert [b["org"]["value"] for b in json.loads(hit.body)["results"]["bindings"]] == ["Xiaomi"]
    assert miss.status == 200 and json.loads(miss.body)["results"]["bindings"] == []


def test_result_size_is_capped(server: Server) -> None:
    reply = get(server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "text/csv")
    assert reply.status == 200
    assert reply.headers["KG-Truncated"] == "50"
    assert len(list(csv.reader(io.StringIO(reply.body)))) == 1 + 50


def test_small_results_are_not_marked_truncated(server: Server) -> None:
    assert get(server, FOUNDERS).headers["KG-Truncated"] is None


def test_errors_and_methods(server: Server) -> None:
    assert request(server.url + "nowhere").status == 404
    assert request(server.endpoint).status == 400  # no query
    assert request(server.endpoint, data=b"x", method="PUT").status == 405
    wrong = request(server.endpoint, data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong.status == 415


def test_no_cors_by_default(server: Server) -> None:
    reply = get(server, FOUNDERS)
    assert reply.headers["Access-Control-Allow-Origin"] is None
    assert request(server.endpoint, method="OPTIONS").status == 405


def test_binds_loopback_by_default(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_timeout_kills_the_query_and_the_server_goes_on(server: Server) -> None:
    started = time.monotonic()
    reply = get(server, ENDLESS)
    assert reply.status == 503 and "stopped after 2 s" in reply.body
    assert time.monotonic() - started < 15
    for _ in range(3):  # the killed worker is replaced; the other one answers meanwhile
        assert get(server, FOUNDERS).status == 200


def test_several_queries_at_once(server: Server) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: get(server, FOUNDERS), range(12)))
    assert [r.status for r in replies] == [200] * 12
    assert len({r.body for r in replies}) == 1


def test_busy_server_says_503_overloaded(seed_out: Path) -> None:
    busy = start_server(
        seed_out,
        *("--workers", "1", "--queue", "0", "--timeout", "3", "--budget", "3"),
        *("--cors", "https://x.example"),
    )
    try:
        assert get(busy, FOUNDERS).headers["Access-Control-Allow-Origin"] == ("https://x.example")
        preflight = request(busy.endpoint, method="OPTIONS")
        assert preflight.status == 204
        assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
        with ThreadPoolExecutor(max_workers=2) as pool:
            slow = pool.submit(get, busy, ENDLESS)
            time.sleep(0.5)
            second = pool.submit(get, busy, FOUNDERS)
            replies = [slow.result(), second.result()]
        assert [r.status for r in replies] == [503, 503]
        assert "stopped" in replies[0].body and "overloaded" in replies[1].body
    finally:
        stop_server(busy)


def test_a_bad_graph_is_a_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--graph", str(tmp_path / "none.ttl")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "none.ttl" in result.stderr


def test_a_taken_port_is_a_one_line_error(seed_out: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kg", "serve", "--graph", str(seed_out), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}")


def test_negotiate() -> None:
    assert negotiate("table", "application/json") == "json"
    assert negotiate("graph", "application/json") == "jsonld"
    assert negotiate("table", "text/csv;q=0, text/tab-separated-values") == "tsv"
    assert negotiate("graph", "text/csv") is None
    assert negotiate("table", None, "xml") == "xml"
    assert negotiate("table", None, "text/csv") == "csv"
    assert negotiate("table", None, "png") is None


# ------------------------------------------------------------------ the page


def test_page_has_no_remote_assets_and_a_strict_policy(server: Server) -> None:
    reply = request(server.url)
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in reply.headers["Content-Security-Policy"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", reply.body)
    named = json.loads(request(server.url + "queries").body)
    assert {"founders", "connections"} <= {q["name"] for q in named}
    assert next(q for q in named if q["name"] == "connections")["requires"] == ["a", "b"]


def test_page_runs_a_named_query_and_draws_a_neighbourhood(browser: Any, server: Server) -> None:
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url)
        page.wait_for_selector("#named option:nth-child(12)", state="attached")
        page.select_option("#named", "founders")
        page.click("#run")
        page.wait_for_selector("#results table")
        assert "Lei Jun" in page.inner_text("#results")
        page.fill("#query", 'SELECT ?who WHERE { ?who rdfs:label "Lei Jun" }')
        page.click("#run")
        page.click("#results a.entity:text('Lei Jun')")  # the name, not the IRI's slug
        page.wait_for_selector("#graph circle:nth-of-type(4)", state="attached")
        assert page.inner_text("#entity-title") == "Lei Jun"
        page.fill("#query", "SELECT ?x WHERE { ?x ?y }")
        page.click("#run")
        page.wait_for_selector("#status.error")
        assert "malformed query" in page.inner_text("#status")
    finally:
        page.close()
    assert errors == [] or all("400" in e for e in errors), errors
    assert all(url.startswith(server.url) for url in requests), requests


def test_other_hosts_and_origins_are_refused(server: Server) -> None:
    """A page elsewhere must not drive the endpoint (form POST, DNS rebinding)."""
    query = urllib.parse.urlencode({"query": FOUNDERS})
    evil_host = request(f"{server.endpoint}?{query}", headers={"Host": "evil.example"})
    assert evil_host.status == 403 and "Host" in evil_host.body
    form = urllib.parse.urlencode({"query": FOUNDERS}).encode()
    cross_site = request(
        server.endpoint,
        data=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://evil.example",
        },
    )
    assert cross_site.status == 403 and "Origin" in cross_site.body
    same_origin = request(
        server.endpoint,
        data=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": server.url.rstrip("/"),
        },
    )
    assert same_origin.status == 200
    assert request(f"{server.endpoint}?{query}", headers={"Host": "localhost"}).status == 200


# ------------------------------------------------------------------ under load (issue 12)

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def default_server(seed_out: Path) -> Iterator[Server]:
    """``kg serve`` with its default options, but for a shorter --timeout."""
    running = start_server(seed_out, "--timeout", "6")
    yield running
    stop_server(running)


def test_cheap_queries_flow_while_slow_ones_run(default_server: Server) -> None:
    """Issue 12: two slow queries took both workers and the next cheap one waited 9.9 s."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        slow = [pool.submit(get, default_server, SLOW + f" # {i}") for i in range(3)]
        time.sleep(1)  # past the fast lane's budget: the slow ones have moved or been stopped
        cheap = [get(default_server, FOUNDERS) for _ in range(10)]
        still_running = [not s.done() for s in slow]
        replies = [s.result() for s in slow]
    assert [r.status for r in cheap] == [200] * 10
    assert any(still_running)  # the cheap ones were answered while a slow one ran
    assert sorted(r.status for r in replies) == [503, 503, 503]
    # One runs in the slow lane until the timeout; the others wait for it, in vain.
    bodies = [r.body for r in replies]
    assert all("the slow lane stayed busy" in b or "stopped after 6 s" in b for b in bodies)
    assert any("stopped after 6 s" in b for b in bodies), bodies


def test_a_burst_of_connections_waits_in_the_backlog(default_server: Server) -> None:
    """Issue 12: the listen backlog was 5; a burst found the door shut. With the server
    stopped, 200 connections must still be taken by the kernel, and answered once it runs."""
    host, port = urllib.parse.urlsplit(default_server.url).netloc.split(":")
    request_bytes = (
        f"GET /sparql?{urllib.parse.urlencode({'query': FOUNDERS})} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nConnection: close\r\n\r\n"
    ).encode()
    default_server.process.send_signal(19)  # SIGSTOP
    sockets = []
    try:
        for _ in range(200):
            sock = socket.create_connection((host, int(port)), timeout=2)
            sock.sendall(request_bytes)
            sockets.append(sock)
    finally:
        default_server.process.send_signal(18)  # SIGCONT
    statuses = []
    for sock in sockets:
        sock.settimeout(60)
        with sock, sock.makefile("rb") as answer:
            statuses.append(answer.readline().split()[1])
    assert statuses == [b"200"] * 200


def test_413_is_read_by_a_client_sending_a_large_body(default_server: Server) -> None:
    """Issue 12: the server closed without reading a large body, so the client got a reset."""
    body = b"query=" + b"x" * (8 << 20)
    reply = request(
        default_server.endpoint,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 413 and "at most 1048576 bytes" in reply.body
    # With Expect: 100-continue the refusal comes before the body is sent.
    host, port = urllib.parse.urlsplit(default_server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 9000000\r\n\r\n"
        )
        assert sock.makefile("rb").readline().startswith(b"HTTP/1.1 413 ")


def test_chunked_bodies_are_read(default_server: Server) -> None:
    """Issue 12: a chunked body was not read at all; now it is, and capped like any other."""
    host, port = urllib.parse.urlsplit(default_server.url).netloc.split(":")

    def post(chunks: Iterator[bytes], coding: str = "chunked") -> tuple[int, str]:
        import http.client

        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            connection.putrequest("POST", "/sparql")
            connection.putheader("Content-Type", "application/sparql-query")
            connection.putheader("Accept", "text/csv")
            connection.putheader("Transfer-Encoding", coding)
            connection.endheaders()
            for chunk in chunks:
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
            answer = connection.getresponse()
            return answer.status, answer.read().decode()
        finally:
            connection.close()

    words = FOUNDERS.encode().split(b" ")
    status, body = post(iter([w + b" " for w in words]))
    assert status == 200 and "Lei Jun" in body
    status, body = post(iter([b"#" + b"x" * (1 << 16)] * 20))
    assert status == 413
    status, body = post(iter([FOUNDERS.encode()]), coding="gzip, chunked")
    assert status == 501 and "not supported" in body


def test_requests_must_arrive_before_a_deadline(default_server: Server) -> None:
    """Issue 12: a client sending a byte now and then held a thread for good (a timeout per
    read, none for the whole); headers have 10 s, a body 30 s."""
    host, port = urllib.parse.urlsplit(default_server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: localhost\r\n")
        answer = b""
        for _ in range(60):  # a header byte every half second, for up to 30 s
            try:
                sock.sendall(b"X")
            except OSError:
                break
            time.sleep(0.5)
        sock.settimeout(5)
        try:
            answer = sock.recv(4096)
        except OSError:
            pass
    assert answer.startswith(b"HTTP/1.1 408 "), answer


def test_a_query_past_the_size_limits_is_403_without_a_worker(default_server: Server) -> None:
    big = "SELECT * WHERE { " + "<< " * 500 + "?s ?p ?o" + " >> ?p ?o" * 500 + " . }"
    reply = request(
        default_server.endpoint,
        data=big.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert reply.status == 403 and "more than 32 levels deep" in reply.body
    assert reply.body.count("\n") == 1


def test_the_server_stops_a_query_past_its_memory_ceiling(seed_out: Path) -> None:
    small = start_server(seed_out, "--max-memory", "120", "--timeout", "60")
    try:
        # ORDER BY keeps every row before the first answer: memory grows until the ceiling,
        # however fast the machine (a DISTINCT could reach the row cap first and answer 200)
        growing = (
            "SELECT ?a ?c ?d ?f ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?d ?f ?g"
        )
        reply = get(small, growing)
        assert reply.status == 503
        assert "stopped holding more than 120 MB" in reply.body
        assert get(small, FOUNDERS).status == 200
    finally:
        stop_server(small)
