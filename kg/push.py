"""Push a graph into a SPARQL 1.1 store over HTTP, replacing one named graph there.

Two ways in, both streaming the triples in chunks so that a big graph never sits whole in
memory or in one request:

- the Graph Store HTTP Protocol (``store_url``, e.g. Oxigraph's ``/store``, Fuseki's
  ``/DATASET/data``): the first chunk is ``PUT`` (it replaces the graph), the next ones
  ``POST`` (added to it), each as N-Triples (sent as ``text/turtle``, which they are too, except
  to an Oxigraph server);
- SPARQL Update (``update_url``), for a store without the protocol: the first request is
  ``DROP SILENT GRAPH <g>; INSERT DATA { GRAPH <g> { ... } }``, the next ones ``INSERT DATA``.

The graph read is a build folder (its ``graph.ttl``: reading Turtle is several times faster
than reading the store), a store folder or an RDF file, as ``--graph`` names it elsewhere;
graph names of N-Quads and TriG are dropped, as ``kg load`` drops them. An N-Triples file is
sent as it is, cut at line ends (the store checks it); anything else is read here and sent as
N-Triples. Triples holding a blank
node go together in the last request, so that a blank node stays one node (a store reads each
request's blank nodes as new ones). The first chunk is small: an Oxigraph server answers it with
its name, and the next chunks then go through its bulk loader (``no_transaction``), about three
times faster. A push is not atomic: a failure part-way leaves the graph partly loaded, and the
next push replaces it whole.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from kg.endpoint import Credentials, Response, check_url, request
from kg.errors import EndpointError, GraphLoadError

T = TypeVar("T")

__all__ = ["DEFAULT_GRAPH_IRI", "GSP_CHUNK", "UPDATE_CHUNK", "Pushed", "push", "check_graph_iri"]

#: The named graph a push replaces unless told otherwise.
DEFAULT_GRAPH_IRI = "urn:kg:graph"
#: Triples per request through the Graph Store Protocol (about 35 MB of N-Triples).
GSP_CHUNK = 250_000
#: Triples per SPARQL Update request.
UPDATE_CHUNK = 25_000
#: Triples in the first request, whose answer tells which server it is.
FIRST_CHUNK = 1_000

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")


@dataclass(frozen=True)
class Pushed:
    """What a push did: the triples sent, in how many requests, to which graph, in seconds."""

    triples: int
    requests: int
    graph: str
    seconds: float


def check_graph_iri(iri: str) -> str:
    """``iri`` when it can name a graph: an absolute IRI, or ``default`` (the default graph).

    >>> check_graph_iri("urn:kg:graph")
    'urn:kg:graph'
    >>> check_graph_iri("my graph")
    Traceback (most recent call last):
    ...
    kg.errors.EndpointError: --graph-iri 'my graph': not an absolute IRI (urn:kg:graph) nor default

    Raises:
        EndpointError: anything else.
    """
    if iri != "default" and not _IRI.match(iri):
        raise EndpointError(f"--graph-iri {iri!r}: not an absolute IRI (urn:kg:graph) nor default")
    return iri


def push(
    source: Path,
    *,
    store_url: str | None = None,
    update_url: str | None = None,
    graph_iri: str = DEFAULT_GRAPH_IRI,
    credentials: Credentials | None = None,
    chunk: int | None = None,
    timeout: float | None = 600.0,
    progress: Callable[[int], None] | None = None,
) -> Pushed:
    """Replace the graph ``graph_iri`` of a remote store with the graph at ``source``.

    Args:
        source: a build folder, a store folder or an RDF file.
        store_url: the store's Graph Store Protocol endpoint; or else
        update_url: its SPARQL Update endpoint (exactly one of the two).
        graph_iri: the named graph replaced, or ``"default"`` for the default graph.
        credentials: sent with every request, when given.
        chunk: triples per request (default :data:`GSP_CHUNK` or :data:`UPDATE_CHUNK`).
        timeout: seconds to wait for the server's answer to one request.
        progress: called with the number of triples of each request once it is stored.

    Raises:
        EndpointError: not exactly one URL, a bad URL or graph IRI, or the server failed.
        GraphLoadError: ``source`` cannot be read.
    """
    if (store_url is None) == (update_url is None):
        raise EndpointError("give either --store-url or --update-url")
    url = check_url(store_url or update_url or "", "--store-url" if store_url else "--update-url")
    check_graph_iri(graph_iri)
    size = chunk or (GSP_CHUNK if store_url else UPDATE_CHUNK)
    started = time.perf_counter()
    triples = requests = 0
    oxigraph = False
    found, ours = _source(Path(source))
    if found.suffix.lower() == ".nt":  # sent as it is, cut at line ends: nothing to convert
        chunks = _lines(Path(source), found, size)
    else:
        chunks = _chunks(_triples(Path(source), found, ours), size)
        ours = True  # serialized here: Oxigraph's own N-Triples
    for number, (body, count) in enumerate(_prefetch(chunks)):
        if store_url:
            fast = oxigraph and ours
            answer = _gsp(url, graph_iri, body, number, oxigraph, fast, credentials, timeout)
            oxigraph = oxigraph or answer.headers.get("server", "").startswith("Oxigraph/")
        else:
            _update(url, graph_iri, body, number, credentials, timeout)
        triples += count
        requests += 1
        if progress is not None:
            progress(count)
    return Pushed(triples, requests, graph_iri, time.perf_counter() - started)


def _gsp(
    url: str,
    graph_iri: str,
    body: bytes,
    number: int,
    oxigraph: bool,
    lenient: bool,
    credentials: Credentials | None,
    timeout: float | None,
) -> Response:
    """Chunk ``number`` through the Graph Store Protocol. ``oxigraph``: the server is one (its
    bulk loader is used); ``lenient``: it need not check the IRIs again (they were checked)."""
    target = "default" if graph_iri == "default" else "graph=" + quote(graph_iri, safe="")
    if oxigraph:
        target += "&no_transaction" + ("&lenient" if lenient else "")
    # N-Triples are Turtle too, and every store reads Turtle (not every one says N-Triples).
    kind = "application/n-triples" if oxigraph else "text/turtle"
    return request(
        url + ("&" if "?" in url else "?") + target,
        method="PUT" if number == 0 else "POST",
        data=body,
        headers={"Content-Type": kind},
        credentials=credentials,
        timeout=timeout,
    )


def _update(
    url: str,
    graph_iri: str,
    body: bytes,
    number: int,
    credentials: Credentials | None,
    timeout: float | None,
) -> None:
    """Chunk ``number`` as SPARQL Update: the first one drops the graph in the same request."""
    default = graph_iri == "default"
    text = body.decode("utf-8")
    data = text if default else f"GRAPH <{graph_iri}> {{\n{text}}}\n"
    drop = ("DROP SILENT DEFAULT" if default else f"DROP SILENT GRAPH <{graph_iri}>") + " ;\n"
    update = (drop if number == 0 else "") + f"INSERT DATA {{\n{data}}}\n"
    request(
        url,
        method="POST",
        data=update.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update"},
        credentials=credentials,
        timeout=timeout,
    )


def _source(path: Path) -> tuple[Path, bool]:
    """The file or store to read: a build folder's ``graph.ttl``, else what ``--graph`` finds;
    and whether ``kg`` wrote it (then it is read without checking every IRI again)."""
    from kg.buildfolder import current_generation
    from kg.store import is_store, locate

    if path.is_dir() and not is_store(path):
        ttl = (current_generation(path) or path) / "graph.ttl"
        if ttl.is_file():
            return ttl, True
    return locate(path), False


def _triples(path: Path, found: Path, ours: bool) -> Iterator[Any]:
    """Every triple of the graph at ``path`` (``found`` there, written by ``kg`` when ``ours``),
    streamed (``pyoxigraph.Triple``)."""
    import pyoxigraph as ox

    from kg.store import RDF_FORMATS, is_store, open_oxigraph

    if is_store(found):
        store = open_oxigraph(found)
        for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield quad.triple
        return
    name = RDF_FORMATS.get(found.suffix.lower())
    if name is None:
        raise GraphLoadError(
            f"{path}: unknown RDF format (use one of {', '.join(sorted(RDF_FORMATS))})"
        )
    try:
        with found.open("rb") as stream:
            for item in ox.parse(stream, getattr(ox.RdfFormat, name), lenient=ours):
                yield item.triple if isinstance(item, ox.Quad) else item
    except (SyntaxError, ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphLoadError(f"{path}: cannot read it: {first}") from None


def _batches(items: Iterable[T], blank: Callable[[T], bool], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (the first :data:`FIRST_CHUNK`), those ``blank``
    says may hold a blank node all in the last, so that a blank node stays one node; at least
    one list, empty when there are no items."""
    blanks: list[T] = []
    batch: list[T] = []
    limit = min(size, FIRST_CHUNK)
    sent = False
    for item in items:
        if blank(item):
            blanks.append(item)
            continue
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            batch, limit, sent = [], size, True
    if batch:
        yield batch
        sent = True
    if blanks or not sent:
        yield blanks


def _chunks(triples: Iterable[Any], size: int) -> Iterator[tuple[bytes, int]]:
    """N-Triples of at most ``size`` triples each, cut as :func:`_batches` cuts them."""
    import pyoxigraph as ox

    def blank(triple: Any) -> bool:
        return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)

    for batch in _batches(triples, blank, size):
        yield _serialize(batch), len(batch)


def _lines(path: Path, found: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """The N-Triples file ``found`` in chunks of at most ``size`` lines, cut as
    :func:`_batches` cuts them: lines that may hold a blank node (that hold ``_:``) all in the
    last. The store checks the syntax."""

    def read() -> Iterator[bytes]:
        try:
            with found.open("rb") as stream:
                yield from stream
        except OSError as exc:
            raise GraphLoadError(f"{path}: cannot read it: {exc.strerror or exc}") from None

    for batch in _batches(read(), lambda line: b"_:" in line, size):
        yield _joined(batch), _statements(batch)


def _joined(lines: list[bytes]) -> bytes:
    body = b"".join(lines)
    return body if not body or body.endswith(b"\n") else body + b"\n"


def _statements(lines: list[bytes]) -> int:
    """The lines that hold a triple (not blank, not a comment)."""
    return sum(1 for line in lines if line.strip() and not line.lstrip().startswith(b"#"))


def _serialize(triples: list[Any]) -> bytes:
    import pyoxigraph as ox

    return bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


_DONE = object()


def _prefetch(chunks: Iterator[tuple[bytes, int]], depth: int = 2) -> Iterator[tuple[bytes, int]]:
    """``chunks``, made by a thread of their own while the server stores the previous one."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def make() -> None:
        try:
            for item in chunks:
                while not stop.is_set():
                    try:
                        ready.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            ready.put(exc)

    thread = threading.Thread(target=make, name="kg-push-reader", daemon=True)
    thread.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
