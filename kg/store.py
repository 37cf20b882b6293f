"""The persistent store: an on-disk Oxigraph database behind an ``rdflib.Graph``.

Graphs live in the *default graph* of an Oxigraph store (``oxrdflib``), opened with a fixed
identifier: a ``Graph(store="Oxigraph")`` without one writes into a random named graph and a
reopened store looks empty (oxigraph/oxrdflib#77). Stores are opened read-only for queries, so
any number of processes can read one at a time while nobody writes.

A store is a folder holding a RocksDB database (a ``CURRENT`` file). A *build folder* is the
output of ``kg build``: ``graph.ttl``, ``graph.html`` and the store in ``store/``, each a link
into the build's generation (see :mod:`kg.buildfolder`).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.atomic import interrupted, locked, recover_dir, remove_leftovers, swap_dir, temp_name
from kg.buildfolder import current_generation
from kg.errors import GraphLoadError

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "STORE_DIR",
    "RDF_FORMATS",
    "is_store",
    "open_graph",
    "open_store",
    "memory_graph",
    "open_oxigraph",
    "locate",
    "write_store",
    "load",
    "load_files",
    "write_graph",
    "drop_logs",
    "is_oxigraph",
    "oxigraph_store",
]

#: The store's folder inside a build folder.
STORE_DIR = "store"

#: RDF formats by file suffix: name in pyoxigraph's ``RdfFormat``.
RDF_FORMATS = {
    ".ttl": "TURTLE",
    ".nt": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
    ".rdf": "RDF_XML",
    ".xml": "RDF_XML",
    ".owl": "RDF_XML",
    ".n3": "N3",
}


def is_store(path: Path) -> bool:
    """Whether ``path`` is a store folder (it holds a RocksDB ``CURRENT`` file)."""
    return (Path(path) / "CURRENT").is_file()


def oxigraph_store(graph: Any) -> Any:
    """The ``pyoxigraph.Store`` behind ``graph`` (or ``graph`` itself, if it is one, or a
    remote :class:`kg.endpoint.Endpoint`); None when rdflib's own store holds it."""
    import pyoxigraph as ox

    if isinstance(graph, ox.Store):
        return graph
    remote = sys.modules.get("kg.endpoint")  # not imported: no graph can be remote
    if remote is not None and isinstance(graph, remote.Endpoint):
        return graph  # it answers query() as a pyoxigraph.Store does
    store = sys.modules.get("oxrdflib.store")  # not imported: no graph can be on Oxigraph
    if store is not None and isinstance(graph.store, store.OxigraphStore):
        return graph.store._inner  # oxrdflib (pinned) keeps its store there
    return None


def is_oxigraph(graph: Graph) -> bool:
    """Whether ``graph`` is backed by an Oxigraph store (queries then run in Oxigraph)."""
    return oxigraph_store(graph) is not None


def _rdf_format(path: Path) -> Any:
    import pyoxigraph as ox

    name = RDF_FORMATS.get(path.suffix.lower())
    if name is None:
        raise GraphLoadError(
            f"{path}: unknown RDF format (use one of {', '.join(sorted(RDF_FORMATS))})"
        )
    return getattr(ox.RdfFormat, name)


def _graph(inner: Any, *, writable: bool = True) -> Graph:
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.namespaces import bind_prefixes

    store = _safe_store_class()(store=inner, allow_update=writable)
    return bind_prefixes(Graph(store=store, identifier=DATASET_DEFAULT_GRAPH_ID))


@cache
def _safe_store_class() -> type:
    """``oxrdflib``'s store with the safety check (:mod:`kg.guard`) in front of every query.

    So a notebook calling ``graph.query(...)`` directly is as safe as ``kg query``: SERVICE,
    FROM and LOAD never run, and updates only on a store opened writable. Defined on first use,
    to keep oxrdflib's import off the start of commands that never open a store.
    """
    from oxrdflib import OxigraphStore
    from rdflib.plugins.sparql.sparql import Query

    from kg import guard
    from kg.errors import QueryRefusedError

    class SafeOxigraphStore(OxigraphStore):
        def __init__(self, *, store: Any, allow_update: bool) -> None:
            super().__init__(store=store)
            self.allow_update = allow_update

        def query(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                if isinstance(query, Query):
                    guard.check_prepared(query)  # rdflib's own engine then runs it
                else:
                    guard.check_query(str(query))
            except guard.Refused as exc:
                raise QueryRefusedError(str(exc)) from None
            return super().query(query, *args, **kwargs)

        def update(self, update: Any, *args: Any, **kwargs: Any) -> Any:
            if not self.allow_update:
                raise QueryRefusedError("this store is open read-only: updates are refused")
            if not isinstance(update, str):
                raise NotImplementedError("pass SPARQL Update as text")
            try:
                guard.check_query(update, allow_update=True)
            except guard.Refused as exc:
                raise QueryRefusedError(str(exc)) from None
            return super().update(update, *args, **kwargs)

    return SafeOxigraphStore


def _open_inner(path: Path, *, writable: bool = False) -> Any:
    import pyoxigraph as ox

    if not is_store(path):
        raise _missing(path, "not a store (create one with `kg build` or `kg load`)")
    try:
        return ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:  # RocksDB: a lock, or files changed by a writer
        raise GraphLoadError(f"{path}: cannot open the store: {_first_line(exc)}") from None


def _memory_inner(path: Path) -> Any:
    import pyoxigraph as ox

    fmt = _rdf_format(path)
    inner = ox.Store()
    try:
        with path.open("rb") as stream:
            if fmt.supports_datasets:  # N-Quads, TriG, JSON-LD
                inner.extend(_to_default_graph(ox.parse(stream, fmt)))
            else:
                inner.load(stream, fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise GraphLoadError(f"{path}: cannot read {_name(fmt)}: {_first_line(exc)}") from None
    return inner


def open_store(path: Path, *, writable: bool = False) -> Graph:
    """Open the store at ``path`` as an ``rdflib.Graph``: read-only unless ``writable``.

    Only one process may hold a store open for writing, and nobody else may read it then.

    Raises:
        GraphLoadError: ``path`` is not a store, or the database cannot be opened.
    """
    return _graph(_open_inner(Path(path), writable=writable), writable=writable)


def memory_graph(path: Path) -> Graph:
    """Read an RDF file into an in-memory Oxigraph store, as an ``rdflib.Graph``.

    Raises:
        GraphLoadError: unknown format, or unparsable content.
    """
    return _graph(_memory_inner(Path(path)))


def open_oxigraph(path: Path) -> Any:
    """The ``pyoxigraph.Store`` at ``path`` (as :func:`open_graph` finds it), without rdflib.

    :func:`kg.query.run_query` takes it as it takes a graph; ``kg query`` uses it to start
    fast. A store is opened read-only; an RDF file is read into memory.

    Raises:
        GraphLoadError: nothing readable at ``path``.
    """
    found = locate(Path(path))
    return _open_inner(found) if is_store(found) else _memory_inner(found)


def open_graph(path: Path) -> Graph:
    """The graph at ``path``: a store folder, a build folder, or an RDF file.

    A build folder is read from its store when it has one, else from its ``graph.ttl``.

    Raises:
        GraphLoadError: nothing readable at ``path``.
    """
    found = locate(Path(path))
    return open_store(found) if is_store(found) else memory_graph(found)


def locate(path: Path) -> Path:
    """The store folder or RDF file that ``path`` names, links resolved.

    A build folder is read through its ``current`` link (:mod:`kg.buildfolder`), so the
    store and Turtle found belong to one build, and a reader keeps that build's files even
    when a new build is switched in while it reads.
    """
    if path.is_dir():
        folder = current_generation(path) or path
        for candidate in (folder, folder / STORE_DIR):
            if is_store(candidate):
                return Path(os.path.realpath(candidate))
        if (folder / "graph.ttl").is_file():
            return Path(os.path.realpath(folder / "graph.ttl"))
        raise GraphLoadError(
            f"{path}: neither a store nor a build folder (run `kg build` first, or pass --graph)"
        )
    if not path.is_file():
        raise _missing(path, "no such graph (run `kg build` first, or pass --graph)")
    return Path(os.path.realpath(path))


def _missing(path: Path, reason: str) -> GraphLoadError:
    """The error for a store or graph that is not at ``path``: ``reason``, unless a load
    was killed while swapping the store there (where that takes two renames)."""
    old = interrupted(path)
    if old is not None:
        return GraphLoadError(
            f"{path}: a `kg load` was interrupted; its previous state is in {old.name}, which"
            f" the next `kg load --store {path}` puts back"
        )
    return GraphLoadError(f"{path}: {reason}")


def write_store(source: Path, target: Path) -> Path:
    """Write the RDF file ``source`` into a new store at ``target``, replacing an older one.

    The store is built beside ``target`` and then swapped in (:func:`kg.atomic.swap_dir`), so
    a reader never sees a half-written store.

    Raises:
        GraphLoadError: ``target`` exists and is not a store, or ``source`` cannot be read.
        OutputError: another process is writing the store.
    """
    target = Path(target)
    if target.exists() and not (is_store(target) or _empty_dir(target)):
        raise GraphLoadError(f"{target}: exists and is not a store; not replacing it")
    return _replace_store(target, str(target), lambda staging: load_files([source], staging))[0]


def load(
    files: Sequence[Path],
    store: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add the RDF ``files`` to the store at ``store`` (created when missing), all or nothing.

    The load runs on a copy of the store (hard links to its files, so it is cheap), which is
    then swapped in whole: a reader sees the store before or after the load, and a load that
    fails or is killed leaves the store as it was. Leftovers of a killed load are removed, or
    put back, by the next one. A build folder's ``store`` link is followed: the store of its
    current build grows.

    Args:
        files: the RDF files, as :func:`load_files` takes them.
        store: the store folder.
        progress: called with the number of bytes read, as the files are read.

    Returns:
        The number of triples in the store after the load.

    Raises:
        GraphLoadError: as :func:`load_files`.
        OutputError: another process is loading into the same folder.
    """
    import pyoxigraph as ox

    target = Path(os.path.realpath(store))
    for path in map(Path, files):
        if not path.is_file():
            raise GraphLoadError(f"{path}: no such file")
        _rdf_format(path)

    def fill(staging: Path) -> int:
        if is_store(target):
            try:
                ox.Store.read_only(str(target)).backup(str(staging))
            except (OSError, RuntimeError) as exc:
                raise GraphLoadError(
                    f"{store}: cannot copy the store: {_first_line(exc)}"
                ) from None
        return load_files(files, staging, progress=progress)

    if target.exists() and not (is_store(target) or _empty_dir(target)):
        raise GraphLoadError(f"{store}: exists and is not a store")
    return _replace_store(target, str(store), fill)[1]


def _replace_store(target: Path, what: str, fill: Callable[[Path], int]) -> tuple[Path, int]:
    """Fill a new store beside ``target`` with ``fill(staging)``, then swap it in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target.parent, what):
        recover_dir(target)  # a swap a killed process left half done (not on Linux)
        remove_leftovers(target.parent, target.name)
        staging = temp_name(target)
        try:
            size = fill(staging)
            drop_logs(staging)
            swap_dir(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target, size


def drop_logs(store: Path) -> None:
    """Remove the database's diagnostic logs (``LOG``, ``LOG.old.*``) from a closed store.

    They are not needed to open it, and they name the folder it was written in.
    """
    for log in Path(store).glob("LOG*"):
        log.unlink(missing_ok=True)


def _empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


class _Counting:
    """A binary stream that reports how many bytes have been read from it."""

    def __init__(self, stream: IO[bytes], progress: Callable[[int], None]) -> None:
        self._stream = stream
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._progress(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        n = self._stream.readinto(buffer)  # type: ignore[attr-defined]
        self._progress(n or 0)
        return int(n or 0)


def _to_default_graph(quads: Iterable[Any]) -> Iterator[Any]:
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    for q in quads:
        yield ox.Quad(q.subject, q.predicate, q.object, default)


def load_files(
    files: Sequence[Path],
    store: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream RDF files into the store at ``store`` (created when missing); return its size.

    Formats go by suffix (:data:`RDF_FORMATS`). Everything lands in the default graph: the
    graph names of N-Quads and TriG are dropped. Nothing is fetched: a JSON-LD ``@context``
    must be inline.

    Args:
        files: the RDF files, read in order.
        store: the store folder.
        progress: called with the number of bytes read, as the files are read.

    Raises:
        GraphLoadError: a file is missing or malformed (with the file name and position), or
            ``store`` exists and is not a store.
    """
    import pyoxigraph as ox

    store = Path(store)
    formats = []
    for path in map(Path, files):
        if not path.is_file():
            raise GraphLoadError(f"{path}: no such file")
        formats.append(_rdf_format(path))
    if store.exists() and not (is_store(store) or _empty_dir(store)):
        raise GraphLoadError(f"{store}: exists and is not a store")
    try:
        inner = ox.Store(str(store))
    except (OSError, RuntimeError) as exc:
        raise GraphLoadError(f"{store}: cannot open the store: {_first_line(exc)}") from None
    report = progress or (lambda n: None)
    for path, fmt in zip(map(Path, files), formats, strict=True):
        with path.open("rb") as raw:
            if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
                _load_lines(inner, raw, fmt, path, report)
                continue
            stream: Any = _Counting(raw, report)
            try:
                if fmt.supports_datasets:  # TriG, JSON-LD
                    inner.bulk_extend(_to_default_graph(ox.parse(stream, fmt)))
                else:
                    inner.bulk_load(stream, fmt)
            except (SyntaxError, ValueError, OSError) as exc:
                raise GraphLoadError(
                    f"{path}: cannot read {_name(fmt)}: {_first_line(exc)}"
                ) from None
    inner.flush()
    size = len(inner)
    del inner
    return size


#: Triples :func:`write_graph` loads into the store, and sorts for the Turtle, at a time: the
#: bulk loader holds about 1.5 KB a triple while it loads a chunk (measured on an 831k-triple
#: graph: 50,000 a chunk peaked 46 MiB above 20,000, for no less time).
CHUNK_QUADS = 20_000

#: Literals :func:`write_graph` keeps written for the next time they come (then it starts
#: afresh: memory stays flat on any graph).
MEMO_TERMS = 20_000

#: What N-Triples escapes in a literal.
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def write_graph(
    triples: Iterable[tuple[Any, Any, Any]], store: Path, turtle: Path | None = None
) -> int:
    """Bulk load rdflib ``triples`` into a new store at ``store``; with ``turtle``, write the
    graph there too, as Turtle with the project's prefixes. Return the store's size.

    The triples go as N-Triples text, a chunk at a time, to a thread that loads them (Oxigraph
    parses and writes without Python's lock, so loading runs beside the making of the next
    chunk). For the Turtle, each chunk is also sorted into a file beside ``turtle``; the files
    are merged at the end, so the Turtle comes sorted (subjects, then predicates, then objects,
    as N-Triples text sorts), each triple once, with no more than a chunk in memory whatever
    the graph's size, and without reading the store back (whose every term is a random read).
    """
    import pyoxigraph as ox
    from rdflib import Literal as RDFLiteral
    from rdflib import URIRef

    written: dict[Any, str] = {}  # the same literals come back all the time: write each once

    def text(node: Any) -> str:
        if type(node) is URIRef:  # quicker made again than found (rdflib compares in Python)
            return f"<{node}>"
        found = written.get(node)
        if found is None:
            if len(written) > MEMO_TERMS:  # one-off literals (sentences) would pile up
                written.clear()
            if isinstance(node, URIRef):
                found = f"<{node}>"
            elif isinstance(node, RDFLiteral):
                found = f'"{str(node).translate(_ESCAPES)}"'
                if node.language:
                    found += f"@{node.language}"
                elif node.datatype:
                    found += f"^^<{node.datatype}>"
            else:
                found = f"_:{node}"
            written[node] = found
        return found

    disk: _Loader | None = None
    runs: _Runs | None = None
    lines = (f"{text(s)} {text(p)} {text(o)} .\n" for s, p, o in triples)
    try:
        runs = _Runs(turtle.parent) if turtle is not None else None
        disk = _Loader(ox.Store(str(store)))
        while batch := list(islice(lines, CHUNK_QUADS)):
            disk.put("".join(batch).encode())
            if runs is not None:
                runs.add(batch)
        if runs is not None and turtle is not None:  # while the thread loads the last chunks
            merged = io.BufferedReader(_Lines(runs.merged()))
            ordered = ox.parse(merged, ox.RdfFormat.N_TRIPLES)
            ox.serialize(ordered, str(turtle), ox.RdfFormat.TURTLE, prefixes=_prefixes())
        inner = disk.close()
    finally:  # on an error too, the thread ends and the files go
        if disk is not None:
            disk.close(drop=True)
        if runs is not None:
            runs.remove()
    inner.flush()
    size = len(inner)
    del inner
    return size


class _Runs:
    """Sorted runs of N-Triples lines, each in a file of a folder of its own, read back merged:
    all the lines, sorted, each once."""

    def __init__(self, near: Path) -> None:
        import tempfile

        self._folder = Path(tempfile.mkdtemp(prefix=".kg-sorting-", dir=near))
        self._files: list[Path] = []

    def add(self, lines: Iterable[str]) -> None:
        path = self._folder / f"{len(self._files):06d}.nt"
        with path.open("w", encoding="utf-8", newline="\n") as stream:
            stream.writelines(sorted(set(lines)))
        self._files.append(path)

    def merged(self) -> Iterator[str]:
        import heapq
        from contextlib import ExitStack

        with ExitStack() as stack:
            streams = [
                stack.enter_context(p.open(encoding="utf-8", newline="\n")) for p in self._files
            ]
            last = None
            for line in heapq.merge(*streams):
                if line != last:
                    yield line
                    last = line

    def remove(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


class _Lines(io.RawIOBase):
    """The UTF-8 bytes of ``lines``, read a block of lines at a time."""

    def __init__(self, lines: Iterable[str], block: int = 4096) -> None:
        super().__init__()
        self._lines = iter(lines)
        self._block = block
        self._rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._rest:
            self._rest = memoryview("".join(islice(self._lines, self._block)).encode())
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


class _Loader:
    """A thread that bulk loads the N-Triples chunks it is given into ``store``, in order."""

    def __init__(self, store: Any) -> None:
        import queue
        import threading

        self.store: Any = store
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._drop = False
        self._thread = threading.Thread(target=self._load, name="kg-store-loader", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        import pyoxigraph as ox

        while (chunk := self._chunks.get()) is not None:
            if self._error is None and not self._drop:
                try:
                    self.store.bulk_load(chunk, ox.RdfFormat.N_TRIPLES)
                except BaseException as exc:  # raised again in the caller's thread
                    self._error = exc

    def put(self, chunk: bytes) -> None:
        """Load ``chunk`` after those given before (raises what loading one before raised)."""
        if self._error is not None:
            self.close()
        self._chunks.put(chunk)

    def close(self, *, drop: bool = False) -> Any:
        """Wait for the chunks given, end the thread and return the store; raise what loading
        a chunk raised. ``drop``: skip the chunks not loaded yet, raise nothing, keep nothing.
        Closing again does nothing (returns None)."""
        if self._thread.is_alive():
            self._drop = drop
            self._chunks.put(None)
            self._thread.join()
        store, self.store = self.store, None
        if drop or store is None:
            return None
        if self._error is not None:
            raise self._error
        return store


def _prefixes() -> dict[str, str]:
    from kg.namespaces import PREFIXES

    return {name: str(namespace) for name, namespace in PREFIXES.items()}


#: Lines of N-Triples or N-Quads loaded at a time: the bulk loader holds a whole batch in
#: memory, so a 1M-triple file in one go peaks near 1 GB and in chunks near 400 MB.
CHUNK_LINES = 250_000


def _load_lines(
    inner: Any, raw: IO[bytes], fmt: Any, path: Path, report: Callable[[int], None]
) -> None:
    """Load a line-based file in chunks of :data:`CHUNK_LINES` lines (each line a statement)."""
    import pyoxigraph as ox

    first = 1
    while True:
        lines = list(islice(raw, CHUNK_LINES))
        if not lines:
            return
        chunk = b"".join(lines)
        report(len(chunk))
        try:
            if fmt == ox.RdfFormat.N_QUADS:
                inner.bulk_extend(_to_default_graph(ox.parse(chunk, fmt)))
            else:
                inner.bulk_load(chunk, fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            where = _shift_lines(_first_line(exc), first - 1)
            raise GraphLoadError(f"{path}: cannot read {_name(fmt)}: {where}") from None
        first += len(lines)


def _shift_lines(message: str, offset: int) -> str:
    """A parser message about a chunk, with its line numbers in the whole file.

    >>> _shift_lines("Parser error at line 2 column 13: bad (line 2)", 500)
    'Parser error at line 502 column 13: bad (line 502)'
    """
    return re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + offset}", message)


def _name(fmt: Any) -> str:
    return str(fmt.name).lower().replace("_", "-")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
