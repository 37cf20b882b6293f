"""kg push and kg query --endpoint against a real Oxigraph server (issue 11, item 5), and
against a tiny local HTTP server where a test needs to see the requests (authentication, errors,
queries refused before anything is sent)."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import EndpointError
from kg.push import check_graph_iri, push


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _oxigraph() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:  # a missing test dependency is a failure, never a skip
        pytest.fail("the oxigraph server is missing: pip install -e '.[test]'", pytrace=False)
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free port, its default graph the union of its graphs (as the
    README starts it); yields its base URL and stops it."""
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [
            _oxigraph(),
            "serve",
            "--location",
            str(location / "db"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"oxigraph serve did not start: {error}", pytrace=False)
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _count(base: str, graph: str | None = None) -> int:
    """Triples in ``graph`` of the server (all of them: None), asked directly over HTTP."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    request = urllib.request.Request(
        f"{base}/query?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request) as answer:
        rows = json.load(answer)["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def _local_count(seed_out: Path) -> int:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(seed_out / "store"))
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_push_then_named_queries_answer_as_locally(
    runner: CliRunner, server: str, seed_out: Path
) -> None:
    pushed = runner.invoke(
        cli, ["push", "--graph", str(seed_out), "--store-url", f"{server}/store"]
    )
    assert pushed.exit_code == 0, pushed.output
    total = _local_count(seed_out)
    assert f"pushed {total} triples into <urn:kg:graph> of {server}/store" in pushed.stdout
    assert _count(server, "urn:kg:graph") == total
    endpoint = ["--endpoint", f"{server}/query"]
    for args in (
        ["founders"],
        ["founders", "--format", "json"],
        ["connections", "--param", "a=Mr. Lei", "--param", "b=india", "--format", "csv"],
        ["SELECT ?n WHERE { ?p a kg:Person ; rdfs:label ?n } ORDER BY ?n", "--limit", "3"],
        ["ASK { ?o schema:founder ?p }"],
        ["CONSTRUCT { ?o schema:founder ?p } WHERE { ?o schema:founder ?p }", "--format", "nt"],
    ):
        local = runner.invoke(cli, ["query", *args, "--graph", str(seed_out)])
        remote = runner.invoke(cli, ["query", *args, *endpoint])
        assert local.exit_code == 0, local.output
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout, args
        assert remote.stderr == local.stderr, args  # the notes on parameters too
    founders = runner.invoke(cli, ["query", "founders", *endpoint]).stdout
    assert "Lei Jun" in founders and "(3 rows)" in founders


def test_a_second_push_replaces_the_graph(runner: CliRunner, server: str, seed_out: Path) -> None:
    total = _local_count(seed_out)
    for chunk in ("100000", "700"):  # one request, then many
        result = runner.invoke(
            cli,
            [
                "push",
                "--graph",
                str(seed_out),
                "--store-url",
                f"{server}/store",
                "--graph-iri",
                "urn:test:replaced",
                "--chunk",
                chunk,
            ],
        )
        assert result.exit_code == 0, result.output
        assert _count(server, "urn:test:replaced") == total  # no triple twice
    assert "request(s)" in result.stdout and f"sent {total:,} triples" in result.stderr


def test_push_from_a_store_folder(server: str, seed_out: Path) -> None:
    done = push(seed_out / "store", store_url=f"{server}/store", graph_iri="urn:test:store")
    assert done.triples == _local_count(seed_out) == _count(server, "urn:test:store")


def test_push_through_sparql_update(runner: CliRunner, server: str, seed_out: Path) -> None:
    total = _local_count(seed_out)
    for _ in range(2):
        result = runner.invoke(
            cli,
            [
                "push",
                "--graph",
                str(seed_out / "graph.ttl"),
                "--update-url",
                f"{server}/update",
                "--graph-iri",
                "urn:test:updated",
                "--chunk",
                "3000",
            ],
        )
        assert result.exit_code == 0, result.output
        assert _count(server, "urn:test:updated") == total
    assert f"pushed {total} triples" in result.stdout and "(4 request(s)" in result.stdout


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])  # sent as it is; read and written again
def test_a_blank_node_stays_one_node_across_chunks(
    server: str, tmp_path: Path, suffix: str
) -> None:
    graph = tmp_path / f"g{suffix}"
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .' for i in range(50)]
    lines += [f'_:b <http://example.org/q> "{i}" .' for i in range(30)]
    lines.insert(20, "# a comment line")
    graph.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = push(graph, store_url=f"{server}/store", graph_iri="urn:test:blank", chunk=7)
    assert (done.triples, done.graph) == (80, "urn:test:blank")
    assert done.requests == 9  # 8 of at most 7 lines, then the 30 with the blank node
    assert _count(server, "urn:test:blank") == 80
    query = urllib.parse.urlencode(
        {
            "query": (
                "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE"
                " { GRAPH <urn:test:blank> { ?b <http://example.org/q> ?o } }"
            )
        }
    )
    with urllib.request.urlopen(f"{server}/query?{query}") as answer:
        assert b'"value":"1"' in answer.read().replace(b" ", b"")


def test_push_to_the_default_graph(server: str, tmp_path: Path) -> None:
    graph = tmp_path / "g.ttl"
    graph.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    done = push(graph, store_url=f"{server}/store", graph_iri="default")
    assert done.triples == 1
    query = urllib.parse.urlencode({"query": "ASK { <http://example.org/a> ?p ?o }"})
    with urllib.request.urlopen(f"{server}/query?{query}") as answer:  # default graph only
        assert b"true" in answer.read()


def test_the_graph_iri_is_checked() -> None:
    assert check_graph_iri("default") == "default"
    for bad in ("no-scheme", "urn:a b", "urn:a>b"):
        with pytest.raises(EndpointError, match="not an absolute IRI"):
            check_graph_iri(bad)


class _Recorder(BaseHTTPRequestHandler):
    """Answers as a store with the password ``s3cret`` for ``ann`` would, and records each
    request: (method, path, Authorization header, Content-Type, body)."""

    seen: list[tuple[str, str, str | None, str | None, bytes]] = []
    status = 0  # when set, every request gets this status and a two-line message

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization")
        type(self).seen.append(
            (self.command, self.path, auth, self.headers.get("Content-Type"), body)
        )
        wanted = "Basic " + base64.b64encode(b"ann:s3cret").decode()
        if self.status:
            self._send(self.status, b"the store broke down\nsecond line of the trace\n")
        elif auth != wanted:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"Unauthorized")
        elif self.path.startswith("/query"):
            results = {
                "head": {"vars": ["n"]},
                "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]},
            }
            self._send(200, json.dumps(results).encode(), "application/sparql-results+json")
        else:
            self._send(204, b"")

    def _send(self, status: int, body: bytes, kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Recorder", (_Recorder,), {"seen": [], "status": 0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def _graph_file(tmp_path: Path, triples: int = 5) -> Path:
    path = tmp_path / "g.nt"
    path.write_text(
        "".join(
            f'<http://example.org/s{i}> <http://example.org/p> "o{i}" .\n' for i in range(triples)
        ),
        encoding="utf-8",
    )
    return path


def test_the_password_comes_from_the_environment_and_is_sent(
    runner: CliRunner, recorder: tuple[str, type[_Recorder]], tmp_path: Path
) -> None:
    base, handler = recorder
    graph = _graph_file(tmp_path, 1500)
    result = runner.invoke(
        cli,
        [
            "push",
            "--graph",
            str(graph),
            "--store-url",
            f"{base}/ds/data",
            "--user",
            "ann",
            "--password-env",
            "KG_TEST_PASSWORD",
        ],
        env={"KG_TEST_PASSWORD": "s3cret"},
    )
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    wanted = "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert [(m, p, a, t) for m, p, a, t, _ in handler.seen] == [
        ("PUT", "/ds/data?graph=urn%3Akg%3Agraph", wanted, "text/turtle"),
        ("POST", "/ds/data?graph=urn%3Akg%3Agraph", wanted, "text/turtle"),
    ]  # no Oxigraph-only parameters for another server
    assert sum(body.count(b"\n") for *_, body in handler.seen) == 1500

    handler.seen.clear()
    queried = runner.invoke(
        cli,
        [
            "query",
            "SELECT ?n WHERE { ?s ?p ?n }",
            "--endpoint",
            f"{base}/query",
            "--user",
            "ann",
            "--password-env",
            "KG_TEST_PASSWORD",
            "--format",
            "csv",
        ],
        env={"KG_TEST_PASSWORD": "s3cret"},
    )
    assert queried.exit_code == 0, queried.output
    assert queried.stdout.splitlines() == ["n", "7"]
    ((method, _, auth, kind, body),) = handler.seen
    assert (method, auth, kind) == ("POST", wanted, "application/x-www-form-urlencoded")
    assert b"PREFIX+kg%3A" in body  # the project's prefixes declared for the store


def test_update_requests_drop_then_insert(
    recorder: tuple[str, type[_Recorder]], tmp_path: Path
) -> None:
    from kg.endpoint import Credentials

    base, handler = recorder
    push(
        _graph_file(tmp_path, 5),
        update_url=f"{base}/update",
        graph_iri="urn:g",
        chunk=2,
        credentials=Credentials("ann", "s3cret"),
    )
    bodies = [body.decode() for *_, body in handler.seen]
    assert {kind for *_, kind, _ in handler.seen} == {"application/sparql-update"}
    assert bodies[0].startswith("DROP SILENT GRAPH <urn:g> ;\nINSERT DATA {\nGRAPH <urn:g> {")
    assert all(b.startswith("INSERT DATA {\nGRAPH <urn:g> {") for b in bodies[1:])
    assert sum(b.count('"o') for b in bodies) == 5 and len(bodies) == 3


@pytest.mark.parametrize(
    "status, args, expected",
    [
        (0, [], "the server answered 401 Unauthorized: Unauthorized (give --user and"),
        (500, [], "the server answered 500 Internal Server Error: the store broke down"),
        (404, [], "the server answered 404 Not Found: the store broke down"),
    ],
)
def test_errors_are_one_line(
    runner: CliRunner,
    recorder: tuple[str, type[_Recorder]],
    tmp_path: Path,
    status: int,
    args: list[str],
    expected: str,
) -> None:
    base, handler = recorder
    handler.status = status
    graph = _graph_file(tmp_path)
    for command in (
        ["push", "--graph", str(graph), "--store-url", f"{base}/store", *args],
        ["push", "--graph", str(graph), "--update-url", f"{base}/update", *args],
        ["query", "founders", "--endpoint", f"{base}/query", *args],
    ):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), command
        assert expected in result.stderr
        assert "second line" not in result.stderr and "Traceback" not in result.output


def test_a_store_not_running_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    for command in (
        ["push", "--graph", str(_graph_file(tmp_path)), "--store-url", f"{base}/store"],
        ["query", "founders", "--endpoint", f"{base}/query"],
    ):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: cannot reach {base}/")
        assert result.stderr.endswith(": connection refused (is the store running?)\n")
        assert result.stderr.count("\n") == 1


def test_queries_are_checked_before_anything_is_sent(
    runner: CliRunner, recorder: tuple[str, type[_Recorder]]
) -> None:
    base, handler = recorder
    endpoint = ["--endpoint", f"{base}/query"]
    refused = runner.invoke(
        cli, ["query", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }", *endpoint]
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: SERVICE (a federated query) is refused")
    update = runner.invoke(cli, ["query", "DELETE WHERE { ?s ?p ?o }", *endpoint])
    assert update.exit_code == 1 and "updates are refused" in update.stderr
    malformed = runner.invoke(cli, ["query", "SELECT * WHERE { ?s ?p ?o", *endpoint])
    assert malformed.exit_code == 2 and "'{' is never closed" in malformed.stderr
    missing = runner.invoke(cli, ["query", "connections", *endpoint])
    assert missing.exit_code == 1 and "this query needs --param a=VALUE" in missing.stderr
    not_http = runner.invoke(cli, ["query", "founders", "--endpoint", "file:///etc/passwd"])
    assert not_http.exit_code == 1 and "not an http:// or https:// URL" in not_http.stderr
    assert handler.seen == []


def test_push_options_are_checked(runner: CliRunner, tmp_path: Path) -> None:
    graph = str(_graph_file(tmp_path))
    url = "http://127.0.0.1:9/store"
    cases = [
        (["push", "--graph", graph], "give either --store-url or --update-url"),
        (["push", "--graph", graph, "--store-url", url, "--update-url", url], "either"),
        (["push", "--graph", graph, "--store-url", url, "--user", "ann"], "go together"),
        (
            [
                "push",
                "--graph",
                graph,
                "--store-url",
                url,
                "--user",
                "ann",
                "--password-env",
                "KG_TEST_UNSET_VARIABLE",
            ],
            "KG_TEST_UNSET_VARIABLE is not set",
        ),
        (["query", "founders", "--endpoint", url, "--allow-update"], "--allow-update works on"),
    ]
    for args, expected in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, args
        assert expected in result.stderr and result.stderr.count("\n") == 1
    missing = runner.invoke(cli, ["push", "--graph", str(tmp_path / "none"), "--store-url", url])
    assert missing.exit_code == 1 and "no such graph" in missing.stderr


class _DigestStore(BaseHTTPRequestHandler):
    """A store that asks for HTTP Digest (RFC 7616, MD5, qop auth), as Virtuoso's
    /sparql-graph-crud-auth does, for ``ann`` with the password ``s3cret``."""

    stored: list[tuple[str, bytes]] = []
    refused = 0

    def _answer(self) -> None:
        import hashlib

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization") or ""
        fields = dict(
            (k, v.strip('"'))
            for k, v in (p.strip().split("=", 1) for p in auth[7:].split(",") if "=" in p)
        )

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        if auth.startswith("Digest ") and fields.get("username") == "ann":
            ha1 = md5("ann:store:s3cret")
            ha2 = md5(f"{self.command}:{fields.get('uri')}")
            expected = md5(
                f"{ha1}:{fields.get('nonce')}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}"
            )
            if fields.get("response") == expected and fields.get("uri") == self.path:
                type(self).stored.append((self.command, body))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        type(self).refused += 1
        self.send_response(401)
        self.send_header(
            "WWW-Authenticate", 'Digest realm="store", nonce="n0nce", qop="auth", algorithm=MD5'
        )
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_store_asking_for_digest_gets_it(runner: CliRunner, tmp_path: Path) -> None:
    handler = type("DigestStore", (_DigestStore,), {"stored": [], "refused": 0})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql-graph-crud-auth"
        graph = str(_graph_file(tmp_path, 1200))
        args = [
            "push",
            "--graph",
            graph,
            "--store-url",
            url,
            "--user",
            "ann",
            "--password-env",
            "KG_TEST_PASSWORD",
        ]
        result = runner.invoke(cli, args, env={"KG_TEST_PASSWORD": "s3cret"})
        assert result.exit_code == 0, result.output
        assert [method for method, _ in handler.stored] == ["PUT", "POST"]
        assert sum(body.count(b"\n") for _, body in handler.stored) == 1200
        wrong = runner.invoke(cli, args, env={"KG_TEST_PASSWORD": "wrong"})
        assert wrong.exit_code == 1 and "401" in wrong.stderr and wrong.stderr.count("\n") == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
