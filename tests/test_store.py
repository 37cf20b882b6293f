"""Tests for kg.store: the on-disk Oxigraph store that `kg build` writes and `kg load` fills, and
the three kinds of `--graph` (build folder, store folder, RDF file)."""

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
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.cli import PHASE_LABELS, cli
from kg.errors import GraphLoadError, QueryRefusedError
from kg.store import (
    STORE_DIR,
    is_oxigraph,
    is_store,
    load_files,
    memory_graph,
    open_graph,
    open_store,
    write_graph,
    write_store,
)

EX = "http://example.org/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
Triple = tuple[Any, Any, Any]

ACME = "Acme Corp was founded by Jane Doe in 2015.\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def normalised(triples: Any) -> set[Triple]:
    """Triples comparable across parsers and stores.

    ``"x"^^xsd:string`` is the plain literal ``"x"`` in RDF 1.1, and Oxigraph keeps numbers by
    value, so ``0.90`` comes back as ``0.9``: literals of numeric types compare by value.
    """
    out = set()
    for s, p, o in triples:
        if isinstance(o, Literal):
            if o.datatype == XSD.string:
                o = Literal(str(o))
            elif o.datatype in (XSD.decimal, XSD.integer, XSD.double, XSD.float):
                o = (str(o.datatype), Decimal(str(o.toPython())))
        out.add((s, p, o))
    return out


def one_line_error(result: Result) -> str:
    """The single ``Error: ...`` line of a failed command (a progress bar label aside)."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip() and ln != "Loading"]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert result.stdout == ""
    return lines[0]


def csv_rows(text: str) -> list[tuple[str, ...]]:
    return sorted(tuple(row) for row in csv.reader(io.StringIO(text)))


def store_triples(path: Path) -> set[Triple]:
    return normalised(open_store(path))


def ls(folder: Path) -> list[str]:
    """The names in ``folder``, hidden ones (a staging store left behind) included."""
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ kg build writes a store


def test_build_writes_a_store_with_every_triple_of_graph_ttl(seed_out: Path) -> None:
    store = seed_out / STORE_DIR
    assert is_store(store)
    from_file = Graph().parse(seed_out / "graph.ttl")
    reopened = open_store(store)
    assert is_oxigraph(reopened)
    assert len(reopened) == len(from_file) > 5000
    assert normalised(reopened) == normalised(from_file)


#: Literals N-Triples must escape or carry tags and types, a long one, an IRI with non-ASCII
#: letters.
AWKWARD: list[Triple] = [
    (URIRef(f"{EX}é/a"), URIRef(f"{EX}says"), Literal('a "quoted" \\ back\nslash\r\tend')),
    (URIRef(f"{EX}é/a"), URIRef(f"{EX}says"), Literal("Straße", lang="de")),
    (URIRef(f"{EX}é/a"), URIRef(f"{EX}count"), Literal(7)),
    (URIRef(f"{EX}é/a"), URIRef(f"{EX}long"), Literal("word " * 40_000)),  # longer than a read
    (URIRef(f"{EX}é/a"), URIRef(f"{EX}price"), Literal("12.50", datatype=XSD.decimal)),
    (URIRef(f"{EX}b"), URIRef(f"{EX}link"), URIRef(f"{EX}é/a")),
    (URIRef(f"{EX}b"), URIRef(f"{EX}link"), URIRef(f"{EX}é/a")),  # twice: kept once
]


def test_write_graph_keeps_every_term_in_the_store_and_the_turtle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Turtle, merged from sorted chunks, holds the store's graph, every term unchanged,
    sorted, each subject once; the chunks' files are gone."""
    import kg.store

    monkeypatch.setattr(kg.store, "CHUNK_QUADS", 2)  # several chunks, each sorted on its own
    ttl = tmp_path / "graph.ttl"
    assert write_graph(iter(AWKWARD), tmp_path / "store", ttl) == len(set(AWKWARD))
    stored = normalised(open_store(tmp_path / "store"))
    assert stored == normalised(AWKWARD)
    assert normalised(Graph().parse(ttl, format="turtle")) == stored
    text = ttl.read_text(encoding="utf-8")
    assert text.count("<http://example.org/b>") == 1  # one block a subject
    assert text.index("<http://example.org/b>") < text.index("<http://example.org/é/a>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "store"]
    again = tmp_path / "again"
    again.mkdir()
    write_graph(reversed(AWKWARD), again / "store", again / "graph.ttl")
    assert (again / "graph.ttl").read_bytes() == ttl.read_bytes()  # whatever the order


def test_write_graph_of_a_bad_iri_raises_and_leaves_no_thread_nor_file(tmp_path: Path) -> None:
    bad = [*AWKWARD, (URIRef(f"{EX}a b"), URIRef(f"{EX}p"), Literal("x"))]
    before = threading.active_count()
    with pytest.raises(SyntaxError, match="Invalid IRI"):
        write_graph(iter(bad), tmp_path / "store", tmp_path / "graph.ttl")
    assert threading.active_count() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".kg-sorting-")]


def test_store_is_read_only_unless_opened_writable(seed_out: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(seed_out / STORE_DIR, copy)
    before = store_triples(copy)
    graph = open_store(copy)
    with pytest.raises(QueryRefusedError, match="read-only"):
        graph.update(f"INSERT DATA {{ <{EX}a> <{EX}p> <{EX}b> }}")
    del graph
    assert store_triples(copy) == before


def test_open_store_refuses_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a store", encoding="utf-8")
    with pytest.raises(GraphLoadError, match="not a store"):
        open_store(tmp_path)


def test_graph_option_accepts_build_folder_store_and_rdf_files(
    runner: CliRunner, seed_out: Path, tmp_path: Path
) -> None:
    ttl_only = tmp_path / "ttl-only"  # a build folder without its store: graph.ttl is read
    ttl_only.mkdir()
    shutil.copy(seed_out / "graph.ttl", ttl_only / "graph.ttl")
    nt = tmp_path / "graph.nt"
    Graph().parse(seed_out / "graph.ttl").serialize(nt, format="nt", encoding="utf-8")
    answers = {}
    for graph in (seed_out, seed_out / STORE_DIR, seed_out / "graph.ttl", nt, ttl_only):
        result = runner.invoke(cli, ["query", "founders", "--graph", str(graph), "--format", "csv"])
        assert result.exit_code == 0, (graph, result.output)
        answers[graph] = csv_rows(result.stdout)
    first = answers[seed_out]
    assert ("organization", "founder", "role", "founded") in first
    assert any(row[:3] == ("Xiaomi", "Lei Jun", "founder") for row in first)
    assert all(rows == first for rows in answers.values()), answers


def test_open_graph_kinds(seed_out: Path, tmp_path: Path) -> None:
    for path in (seed_out, seed_out / STORE_DIR, seed_out / "graph.ttl"):
        graph = open_graph(path)
        assert is_oxigraph(graph)
        assert len(graph) == len(open_graph(seed_out))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(GraphLoadError, match="neither a store nor a build folder"):
        open_graph(empty)
    with pytest.raises(GraphLoadError, match="no such graph"):
        open_graph(tmp_path / "missing.ttl")


def test_rebuild_replaces_the_store(
    runner: CliRunner, seed_out: Path, tmp_path: Path, pipelines: Any
) -> None:
    out = tmp_path / "out"
    shutil.copytree(seed_out, out, symlinks=True)  # links copied as links, as `cp -r` does
    acme = tmp_path / "acme.txt"
    acme.write_text(ACME, encoding="utf-8")
    result = runner.invoke(cli, ["build", str(acme), "--out", str(out), "--no-html"])
    assert result.exit_code == 0, result.output
    new = normalised(Graph().parse(out / "graph.ttl"))
    assert store_triples(out / STORE_DIR) == new  # nothing left of the seed graph ...
    labels = {str(o) for _, p, o in new if str(p).endswith("rdf-schema#label")}
    assert "Jane Doe" in labels and "Lei Jun" not in labels
    # ... no staging folder; the previous build kept; no page in a build without one
    assert ls(out) == ["cache.sqlite", "current", "gen-000001", "gen-000002", "graph.ttl", "store"]


def test_write_store_replaces_an_older_store(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.nt"
    first.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n<{EX}a> <{EX}q> 1 .\n", encoding="utf-8")
    second.write_text(f'<{EX}c> <{EX}p> "c" .\n', encoding="utf-8")
    target = tmp_path / "build" / "store"
    assert write_store(first, target) == target
    assert len(store_triples(target)) == 2
    write_store(second, target)
    assert store_triples(target) == {(URIRef(f"{EX}c"), URIRef(f"{EX}p"), Literal("c"))}
    assert ls(tmp_path / "build") == ["store"]


def test_write_store_into_an_empty_folder(tmp_path: Path) -> None:
    source = tmp_path / "g.ttl"
    source.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    target = tmp_path / "store"
    target.mkdir()
    write_store(source, target)
    assert len(store_triples(target)) == 1


def test_write_store_refuses_to_replace_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    source = tmp_path / "g.ttl"
    source.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    target = tmp_path / "precious"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(GraphLoadError, match="not a store"):
        write_store(source, target)
    assert ls(target) == ["notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert ls(tmp_path) == ["g.ttl", "precious"]


def test_write_store_of_a_malformed_file_keeps_the_older_store(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    bad.write_text(f"<{EX}a> <{EX}p> .\n", encoding="utf-8")
    target = tmp_path / "store"
    write_store(good, target)
    with pytest.raises(GraphLoadError, match="bad.ttl"):
        write_store(bad, target)
    assert len(store_triples(target)) == 1
    assert ls(tmp_path) == ["bad.ttl", "good.ttl", "store"]


def test_build_refuses_to_replace_a_store_folder_that_is_not_a_store(
    runner: CliRunner, tmp_path: Path, pipelines: Any
) -> None:
    acme = tmp_path / "acme.txt"
    acme.write_text(ACME, encoding="utf-8")
    out = tmp_path / "out"
    (out / STORE_DIR).mkdir(parents=True)
    (out / STORE_DIR / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(cli, ["build", str(acme), "--out", str(out), "--no-html"])
    progress = tuple(f"{label} ..." for label in PHASE_LABELS.values())
    lines = [
        ln
        for ln in result.stderr.splitlines()
        if not ln.startswith("Reading ") and ln not in progress
    ]
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "not a store" in lines[0]
    assert ls(out / STORE_DIR) == ["notes.txt"]


def test_concurrent_readers(seed_out: Path) -> None:
    store = seed_out / STORE_DIR
    held = open_store(store)  # this process keeps the store open, read-only, throughout
    assert len(held) > 5000
    command = [sys.executable, "-m", "kg", "query", "founders", "--graph", str(store)]
    readers = [
        subprocess.Popen(
            [*command, "--format", "csv"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [reader.communicate(timeout=120) for reader in readers]
    for reader, (stdout, stderr) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0, stderr
        assert "Lei Jun" in stdout
    assert outputs[0][0] == outputs[1][0]
    assert len(held) == len(open_store(store))  # still readable here too


# ------------------------------------------------------------------ kg load

TURTLE = f"""@prefix ex: <{EX}> .
ex:a ex:p ex:b ;
    ex:name "A" ;
    ex:size 3 .
"""
N_TRIPLES = f'<{EX}c> <{EX}p> <{EX}d> .\n<{EX}c> <{EX}name> "C"@en .\n'
N_QUADS = (
    f'<{EX}e> <{EX}p> "in a named graph" <{EX}graph1> .\n'
    f"<{EX}f> <{EX}p> <{EX}g> .\n"
    f'<{EX}h> <{EX}p> "in another" <{EX}graph2> .\n'
)
TRIG = f"""@prefix ex: <{EX}> .
ex:graph3 {{ ex:i ex:p "in graph3" . }}
{{ ex:j ex:p ex:k . }}
"""
JSON_LD = json.dumps(
    {
        "@context": {"ex": EX, "name": {"@id": f"{EX}name"}},
        "@graph": [
            {"@id": "ex:l", "name": "L", "ex:p": {"@id": "ex:m"}},
            {"@id": "ex:n", "name": "N"},
        ],
    }
)
RDF_XML = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">
  <rdf:Description rdf:about="{EX}o">
    <ex:name>O</ex:name>
    <ex:p rdf:resource="{EX}q"/>
  </rdf:Description>
</rdf:RDF>
"""


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


EXPECTED = {
    "data.ttl": {
        (ex("a"), ex("p"), ex("b")),
        (ex("a"), ex("name"), Literal("A")),
        (ex("a"), ex("size"), (str(XSD.integer), Decimal(3))),
    },
    "data.nt": {(ex("c"), ex("p"), ex("d")), (ex("c"), ex("name"), Literal("C", lang="en"))},
    "data.nq": {
        (ex("e"), ex("p"), Literal("in a named graph")),
        (ex("f"), ex("p"), ex("g")),
        (ex("h"), ex("p"), Literal("in another")),
    },
    "data.trig": {(ex("i"), ex("p"), Literal("in graph3")), (ex("j"), ex("p"), ex("k"))},
    "data.jsonld": {
        (ex("l"), ex("name"), Literal("L")),
        (ex("l"), ex("p"), ex("m")),
        (ex("n"), ex("name"), Literal("N")),
    },
    "data.rdf": {(ex("o"), ex("name"), Literal("O")), (ex("o"), ex("p"), ex("q"))},
}
CONTENT = {
    "data.ttl": TURTLE,
    "data.nt": N_TRIPLES,
    "data.nq": N_QUADS,
    "data.trig": TRIG,
    "data.jsonld": JSON_LD,
    "data.rdf": RDF_XML,
}
LOADED = re.compile(r"^(?P<store>.+): (?P<n>\d+) triples \((?P<files>\d+) file\(s\) in [\d.]+ s\)$")


@pytest.fixture
def rdf_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "rdf"
    folder.mkdir()
    files = {}
    for name, text in CONTENT.items():
        files[name] = folder / name
        files[name].write_text(text, encoding="utf-8")
    return files


def load(runner: CliRunner, store: Path, *files: Path) -> Result:
    return runner.invoke(cli, ["load", *map(str, files), "--store", str(store)])


def loaded_count(result: Result, store: Path, files: int) -> int:
    assert result.exit_code == 0, result.output
    match = LOADED.match(result.stdout.rstrip("\n"))
    assert match and result.stdout.count("\n") == 1, result.stdout
    assert match["store"] == str(store) and int(match["files"]) == files
    return int(match["n"])


@pytest.mark.parametrize("name", sorted(CONTENT))
def test_load_each_format(
    runner: CliRunner, rdf_files: dict[str, Path], tmp_path: Path, name: str
) -> None:
    store = tmp_path / "store"
    result = load(runner, store, rdf_files[name])
    assert loaded_count(result, store, 1) == len(EXPECTED[name])
    # Graph names of N-Quads, TriG and JSON-LD are dropped: all of it is in the default graph,
    # which is what queries read.
    assert store_triples(store) == EXPECTED[name]
    query = ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", str(store)]
    counted = runner.invoke(cli, [*query, "--format", "csv"])
    assert counted.stdout.splitlines() == ["n", str(len(EXPECTED[name]))]


@pytest.mark.parametrize("name", ["data.nq", "data.trig", "data.jsonld"])
def test_graph_option_on_a_quads_file_reads_every_graph(
    rdf_files: dict[str, Path], name: str
) -> None:
    assert normalised(memory_graph(rdf_files[name])) == EXPECTED[name]


def test_load_several_files_and_add_to_an_existing_store(
    runner: CliRunner, rdf_files: dict[str, Path], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    first = load(runner, store, rdf_files["data.ttl"], rdf_files["data.nq"])
    assert loaded_count(first, store, 2) == 6
    second = load(runner, store, rdf_files["data.rdf"], rdf_files["data.jsonld"])
    assert loaded_count(second, store, 2) == 11  # the store's size, earlier triples included
    expected = set().union(*(EXPECTED[n] for n in ("data.ttl", "data.nq", "data.rdf")))
    assert store_triples(store) == expected | EXPECTED["data.jsonld"]
    again = load(runner, store, rdf_files["data.ttl"])  # the same triples again add nothing
    assert loaded_count(again, store, 1) == 11


def test_load_into_a_build_folder_store_then_query(
    runner: CliRunner, seed_out: Path, rdf_files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(seed_out, out)
    before = len(open_store(out / STORE_DIR))
    result = load(runner, out / STORE_DIR, rdf_files["data.ttl"])
    assert loaded_count(result, out / STORE_DIR, 1) == before + 3
    asked = runner.invoke(cli, ["query", f"ASK {{ <{EX}a> <{EX}p> <{EX}b> }}", "--graph", str(out)])
    assert (asked.exit_code, asked.stdout) == (0, "true\n")


def test_exported_jsonld_loads_back(runner: CliRunner, seed_out: Path, tmp_path: Path) -> None:
    exported = tmp_path / "graph.jsonld"
    args = ["export", "--graph", str(seed_out), "--format", "jsonld", "--out", str(exported)]
    assert runner.invoke(cli, args).exit_code == 0
    store = tmp_path / "store"
    source = Graph().parse(seed_out / "graph.ttl")
    assert loaded_count(load(runner, store, exported), store, 1) == len(source)
    assert store_triples(store) == normalised(source)


def test_load_progress_goes_to_stderr(
    runner: CliRunner, rdf_files: dict[str, Path], tmp_path: Path
) -> None:
    result = load(runner, tmp_path / "store", *rdf_files.values())
    assert loaded_count(result, tmp_path / "store", len(rdf_files)) > 0
    assert "Loading" in result.stderr and "Loading" not in result.stdout


def test_load_files_reports_every_byte_read(rdf_files: dict[str, Path], tmp_path: Path) -> None:
    read: list[int] = []
    size = load_files(list(rdf_files.values()), tmp_path / "store", progress=read.append)
    assert size == sum(len(triples) for triples in EXPECTED.values())
    assert sum(read) == sum(path.stat().st_size for path in rdf_files.values())


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("bad.ttl", f'@prefix ex: <{EX}> .\nex:x ex:p ex:y .\nex:x ex:p "open .\n', "line 3"),
        ("bad.nt", f"<{EX}x> <{EX}p> <{EX}y> .\n<{EX}x> <{EX}p> .\n", "line 2"),
        ("bad.nq", f"<{EX}x> <{EX}p> <{EX}y> <{EX}g> <{EX}h> .\n", "line 1"),
        (
            "bad.jsonld",
            '{"@context": {"ex": "http://example.org/"},\n "@id": "ex:x", "ex:p": ',
            "line 2",
        ),
        (
            "bad.rdf",
            f'<rdf:RDF xmlns:rdf="{RDF_NS}"><rdf:Description rdf:about="x"></rdf:Descr',
            "",
        ),
    ],
)
def test_load_malformed_file_is_one_line_and_keeps_the_store(
    runner: CliRunner,
    rdf_files: dict[str, Path],
    tmp_path: Path,
    name: str,
    text: str,
    where: str,
) -> None:
    store = tmp_path / "store"
    assert loaded_count(load(runner, store, rdf_files["data.ttl"]), store, 1) == 3
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    error = one_line_error(load(runner, store, bad))
    assert error.startswith(f"Error: {bad}: cannot read ")
    assert where in error  # the position (Oxigraph's RDF/XML parser gives none)
    assert store_triples(store) >= EXPECTED["data.ttl"]  # the store opens, earlier triples kept


def test_load_a_malformed_file_after_good_ones_names_it(
    runner: CliRunner, rdf_files: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text(f"<{EX}x> <{EX}p> <{EX}y> .\n<{EX}x> <{EX}p> .\n", encoding="utf-8")
    store = tmp_path / "store"
    load(runner, store, rdf_files["data.ttl"])
    error = one_line_error(load(runner, store, rdf_files["data.rdf"], bad))
    assert f"{bad}: cannot read n-triples" in error and "line 2" in error
    # all or nothing (issue 12): the store is as before the failed load, nothing left beside it
    assert store_triples(store) == EXPECTED["data.ttl"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_load_unknown_suffix(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n", encoding="utf-8")
    error = one_line_error(load(runner, tmp_path / "store", notes))
    assert str(notes) in error and "unknown RDF format" in error and ".ttl" in error
    assert not (tmp_path / "store").exists()


def test_load_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    error = one_line_error(load(runner, tmp_path / "store", missing))
    assert f"{missing}: no such file" in error
    assert not (tmp_path / "store").exists()


def test_load_into_a_folder_that_is_not_a_store(
    runner: CliRunner, rdf_files: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    error = one_line_error(load(runner, folder, rdf_files["data.ttl"]))
    assert str(folder) in error and "not a store" in error
    assert ls(folder) == ["notes.txt"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b'{"@context": {"ex": "http://example.org/"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def context_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server serving a JSON-LD context; yields its URL and the paths requested."""
    handler = type("Handler", (_Recorder,), {"requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld", handler.requests
    finally:
        server.shutdown()
        server.server_close()


def test_load_never_fetches_a_remote_jsonld_context(
    runner: CliRunner, tmp_path: Path, context_server: tuple[str, list[str]]
) -> None:
    url, requests = context_server
    remote = tmp_path / "remote.jsonld"
    remote.write_text(json.dumps({"@context": url, "@id": "ex:x", "ex:p": "y"}), encoding="utf-8")
    error = one_line_error(load(runner, tmp_path / "store", remote))
    assert str(remote) in error
    assert requests == []


def test_write_graph_beside_a_missing_folder_raises_and_leaves_no_thread(tmp_path: Path) -> None:
    before = threading.active_count()
    with pytest.raises(FileNotFoundError):
        write_graph(iter(AWKWARD), tmp_path / "store", tmp_path / "missing" / "graph.ttl")
    assert threading.active_count() == before
