"""Property-based tests of the query check (issue 12): on random and adversarial SPARQL-ish
text, :func:`kg.query.check_query` never crashes, and never lets SERVICE, FROM, LOAD or an
update through, however the keyword is written (case, escapes, comments, spacing, prefixes)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import QueryRefusedError
from kg.query import check_query

SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request: where a leaked query would go."""
    handler = type("Handler", (_Recorder,), {"seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", handler.seen
    finally:
        httpd.shutdown()
        httpd.server_close()


IRI = "<http://127.0.0.1:9/x>"
PIECES = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "PREFIX",
    "BASE",
    "GRAPH",
    "OPTIONAL",
    "UNION",
    "FILTER",
    "BIND",
    "AS",
    "VALUES",
    "SILENT",
    "NAMED",
    "INTO",
    "DEFAULT",
    "ALL",
    "SERVICE",
    "FROM",
    "LOAD",
    "USING",
    "INSERT",
    "DELETE",
    "DATA",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
    "TO",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<<",
    ">>",
    "{|",
    "|}",
    ".",
    ";",
    ",",
    "*",
    "<",
    ">",
    "=",
    "a",
    "?s",
    "?p",
    "?o",
    "$x",
    "kg:p",
    ":x",
    "service:",
    "from:x",
    "<http://example.org/>",
    IRI,
    '"',
    "'",
    '"""',
    "'''",
    '"SERVICE"',
    "'FROM'",
    "#",
    "# LOAD\n",
    "\n",
    "\\u0053ERVICE",
    "\\u0046ROM",
    "\\u004cOAD",
    "\\u0028",
    "\\",
    "@en",
    "^^",
    "1",
    "1.5e3",
    "true",
    "+",
    "&&",
    "!",
    "\u202e",
    "\u0000",
    "ï",
    "\ufeff",
]
junk = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=0, max_size=60
).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["", " ", "\n", "\t"]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True)))
)


#: Junk, and junk inside the frame of a query, so that some of it parses.
framed = st.one_of(
    junk,
    junk.map(lambda j: f"SELECT * WHERE {{ {j} }}"),
    junk.map(lambda j: f"ASK {{ ?s ?p ?o {j} }}"),
    st.tuples(junk, junk).map(lambda j: f"SELECT * {j[0]} WHERE {{ {j[1]} }}"),
)


@SETTINGS
@given(framed)
def test_the_check_never_crashes(text: str) -> None:
    for allow_update in (False, True):
        try:
            kind = check_query(text, allow_update=allow_update)
        except QueryRefusedError as refused:
            assert str(refused) and "\n" not in str(refused)
        else:
            assert kind in ("query", "update")
            assert allow_update or kind == "query"


def _obfuscate(draw: Any, keyword: str) -> str:
    """``keyword`` as a parser still reads it: any letter case, one letter as a \\u escape."""
    letters = [c.upper() if draw(st.booleans()) else c.lower() for c in keyword]
    if draw(st.booleans()):
        i = draw(st.integers(0, len(letters) - 1))
        letters[i] = f"\\u{ord(letters[i]):04X}"
    return "".join(letters)


SPACES = st.sampled_from([" ", "\n", "\t", " # a comment with SERVICE in it\n", "  "])
DECOYS = st.sampled_from(
    [
        "",
        'FILTER(?o != "SERVICE <x>")',
        "?service ?from ?load .",
        "# LOAD <http://x/>\n",
        "<http://example.org/FROM> ?p ?o .",
    ]
)
OUTSIDE = [
    "SELECT * WHERE {{ {decoy} {SERVICE}{sp}{silent}{iri} {{ ?s ?p ?o }} }}",
    "SELECT * {FROM}{sp}{iri} WHERE {{ {decoy} ?s ?p ?o }}",
    "SELECT * {FROM}{sp}NAMED{sp}{iri} WHERE {{ {decoy} GRAPH ?g {{ ?s ?p ?o }} }}",
    "ASK {FROM}{sp}{iri} {{ {decoy} }}",
    "{LOAD}{sp}{silent}{iri}",
    "{LOAD}{sp}{iri}{sp}INTO GRAPH <http://example.org/g>",
    "DELETE {{ ?s ?p ?o }} {USING}{sp}{iri} WHERE {{ {decoy} ?s ?p ?o }}",
    "PREFIX x: <http://example.org/> SELECT * WHERE {{ {decoy} {SERVICE}{sp}{iri} {{ }} }}",
]
UPDATES = [
    "{INSERT}{sp}DATA {{ <http://e/a> <http://e/b> <http://e/c> }}",
    "{DELETE}{sp}WHERE {{ {decoy} ?s ?p ?o }}",
    "{DELETE}{sp}DATA {{ <http://e/a> <http://e/b> <http://e/c> }}",
    "{CLEAR}{sp}ALL",
    "{DROP}{sp}SILENT DEFAULT",
    "{CREATE}{sp}GRAPH <http://e/g>",
    "{ADD}{sp}DEFAULT TO <http://e/g>",
    "{MOVE}{sp}DEFAULT TO <http://e/g>",
    "{COPY}{sp}DEFAULT TO <http://e/g>",
    "{WITH}{sp}<http://e/g> {DELETE} {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "PREFIX x: <http://e/> {INSERT} {{ ?s x:p 1 }} WHERE {{ {decoy} ?s ?p ?o }}",
]
KEYWORDS = [
    "SERVICE",
    "FROM",
    "LOAD",
    "USING",
    "INSERT",
    "DELETE",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
]


@st.composite
def written(draw: Any, templates: list[str]) -> str:
    template = draw(st.sampled_from(templates))
    words = {k: _obfuscate(draw, k) for k in KEYWORDS}
    silent = draw(st.sampled_from(["", "SILENT ", "silent\n"]))
    return template.format(**words, sp=draw(SPACES), silent=silent, iri=IRI, decoy=draw(DECOYS))


@SETTINGS
@given(written(OUTSIDE))
def test_what_reaches_outside_is_always_refused(text: str) -> None:
    for allow_update in (False, True):
        with pytest.raises(QueryRefusedError):
            check_query(text, allow_update=allow_update)


@SETTINGS
@given(written(UPDATES))
def test_updates_are_always_refused(text: str) -> None:
    with pytest.raises(QueryRefusedError, match="update"):
        check_query(text)


@SETTINGS
@given(text=framed)
def test_what_passes_parses_to_no_refused_form(text: str, listener: tuple[str, list[str]]) -> None:
    """Whatever the check lets through is no update for rdflib's parser, and run on Oxigraph
    (an empty store) it makes no request, even to a local server."""
    from rdflib.plugins.sparql.parser import parseUpdate

    url, seen = listener
    text = text.replace(IRI, f"<{url}>")
    try:
        check_query(text)
    except QueryRefusedError:
        return
    try:
        update = parseUpdate(text)
    except Exception:  # not an update: what it should be
        pass
    else:
        assert not update.request, text
    try:
        answer = ox.Store().query(text)
        if isinstance(answer, ox.QuerySolutions | ox.QueryTriples):
            for _ in zip(range(10), answer, strict=False):
                pass
    except (SyntaxError, ValueError, OSError, RuntimeError):
        pass
    assert seen == [], text
