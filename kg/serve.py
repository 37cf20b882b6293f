"""A read-only SPARQL 1.1 Protocol endpoint over a graph, with a small query page.

Queries run in worker processes, each holding the graph open read-only, in two lanes. Every
query starts in the fast lane; one still running after the fast lane's budget (half a second)
is handed over, as it runs, to the slow lane, whose few workers run at a lower CPU priority
until the timeout, and a fresh worker takes its place in the fast lane; when the slow lane is
full, the query waits for it and runs again there. So slow queries can hold only the slow
lane, and cheap ones keep flowing. A query past the timeout or the memory
ceiling is stopped by killing its worker (Oxigraph cannot be interrupted from Python). Every
query passes :func:`kg.query.check_query` first, so SERVICE, FROM, LOAD, updates and queries
past the size limits are refused (403) before anything runs.

Routes: ``/sparql`` (GET ``?query=``, POST form-encoded or ``application/sparql-query``, with
a ``Content-Length`` or chunked; ``param.NAME=VALUE`` binds ``?NAME`` as ``kg query --param``
does, an entity parameter resolved from any name or alias by :func:`kg.params.resolve_params`),
``/`` (the page), ``/queries`` (the named queries and their parameters, JSON), ``/suggest``
(values for a parameter: entities by name or alias, years, periods; JSON) and ``/graph`` (the
build's graph page).

The server itself keeps a :class:`kg.params.Catalog` of the graph (names, aliases, years,
periods), read once when first needed and again after a new build is switched in: it resolves
parameters, answers ``/suggest`` and marks the entities of the page's results without taking
a worker.
"""

from __future__ import annotations

import io
import json
import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.params import Catalog

__all__ = ["ServeOptions", "SparqlServer", "make_server", "negotiate", "MEDIA_TYPES"]

#: Result formats by media type, for SELECT/ASK results and for graphs (CONSTRUCT/DESCRIBE).
MEDIA_TYPES: dict[str, dict[str, str]] = {
    "table": {
        "application/sparql-results+json": "json",
        "application/json": "json",
        "application/sparql-results+xml": "xml",
        "application/xml": "xml",
        "text/xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
    },
    "graph": {
        "text/turtle": "turtle",
        "application/x-turtle": "turtle",
        "application/n-triples": "nt",
        "text/plain": "nt",
        "application/ld+json": "jsonld",
        "application/json": "jsonld",
    },
}
_CONTENT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples; charset=utf-8",
    "jsonld": "application/ld+json",
}
_DEFAULT = {"table": "json", "graph": "turtle"}
_MAX_BODY = 1 << 20
#: Seconds a client has to send a request's line and headers, then its body (a deadline for
#: the whole, not for a quiet spell: a client sending a byte a second is cut off too), and to
#: take the answer.
HEADER_SECONDS, BODY_SECONDS, SEND_SECONDS = 10.0, 30.0, 30.0
#: After refusing a body too large, how long and how much of it is read and dropped so that
#: the client, still sending, reads the 413 rather than a connection reset.
_DRAIN_SECONDS, _DRAIN_BYTES = 5.0, 64 << 20
#: Connections the kernel holds for the server while every thread is busy accepting.
LISTEN_BACKLOG = 1024
#: The CPU priority (nice value) of the slow lane's workers where Linux's SCHED_IDLE (CPU time
#: only when no one else wants it) is missing.
SLOW_NICE = 19
#: Seconds a cheap query takes at most: past them a query holds its fast worker for the rest
#: of the budget only while no more than half the fast lane is held so.
LINGER = 0.05
#: Workers started ahead, to take the place of a fast worker gone to the slow lane (or
#: killed) at once, or to run a query in the slow lane.
SPARES = 2
#: Queries remembered as slow (the latest): the next time, one goes straight to the slow lane
#: (or is refused at once when it is busy) without spending the fast lane's budget.
KNOWN_SLOW = 1000


@dataclass(frozen=True)
class ServeOptions:
    """How the endpoint runs.

    Args:
        graph: a build folder, a store folder or an RDF file.
        host: the address to bind; 127.0.0.1 keeps it to this machine.
        port: the TCP port (0 picks a free one).
        timeout: seconds a query may run in all before its worker is killed (503).
        workers: the fast lane's workers: queries run at once there.
        slow_workers: the slow lane's workers; a query past ``budget`` when they are all busy
            is stopped (503).
        budget: seconds a query may run in the fast lane before it moves to the slow lane.
        backlog: queries that may wait for a fast worker, and for the slow lane; beyond
            that, 503 at once.
        max_rows: the result-size cap: rows (or triples) returned at most; a cut result
            carries the header ``KG-Truncated``.
        max_memory: megabytes a worker may hold; past that its query is stopped (503).
            0: no limit.
        cors: an origin allowed to call the endpoint from a browser, or None (no CORS).
    """

    graph: Path
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    workers: int = 2
    slow_workers: int = 1
    budget: float = 0.5
    backlog: int = 256
    max_rows: int = 10_000
    max_memory: int = 2048
    cors: str | None = None


def negotiate(kind: str, accept: str | None, wanted: str | None = None) -> str | None:
    """The result format for a result of ``kind`` (``table`` or ``graph``), or None (406).

    ``wanted`` (the ``format`` parameter: a short name or a media type) wins over ``accept``.

    >>> negotiate("table", "text/csv;q=0.5, application/sparql-results+xml")
    'xml'
    >>> negotiate("graph", "*/*"), negotiate("table", None), negotiate("table", "image/png")
    ('turtle', 'json', None)
    """
    types = MEDIA_TYPES[kind]
    if wanted:
        wanted = wanted.strip().lower()
        if wanted in types:
            return types[wanted]
        if wanted in types.values():
            return wanted
        return {"table": "json", "graph": "jsonld"}[kind] if wanted == "json" else None
    if not accept:
        return _DEFAULT[kind]
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media.lower()))
    for _, _, media in sorted(ranked):
        if media in types:
            return types[media]
        if media in ("*/*", "application/*", "text/*"):
            return _DEFAULT[kind]
    return None


# --- the worker process --------------------------------------------------------------------


def _worker(graph_path: str, max_rows: int, conn: Connection) -> None:
    """Hold the graph open and answer ``(query, accept, wanted)`` jobs until the pipe closes.

    A build folder is reopened when a new build has been switched in since the last job.
    Ctrl-C (SIGINT, sent to the whole process group by a terminal) is ignored: the server
    stops its workers itself, and a worker has nothing to say about it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from kg.store import locate, open_graph

    try:
        found = locate(Path(graph_path))
        graph = open_graph(found)
    except KGError as exc:
        found, graph, greeting = None, None, ("error", str(exc))
    else:
        greeting = ("ready", "")
    try:
        conn.send(greeting)
    except OSError:  # the server stopped while this worker was starting: nothing to say
        return
    if graph is None:
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server closed the pipe or is gone: stop
            return
        try:
            latest = locate(Path(graph_path))
            if latest != found:
                graph, found = open_graph(latest), latest
        except KGError:
            pass  # keep answering from the build already open
        try:
            answer = _answer(graph, max_rows, *job)
        except Exception as exc:  # a bug must cost one request, not the worker
            answer = _text(500, f"internal error: {type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except OSError:  # the server stopped waiting (a timeout) or is gone
            return


def _answer(
    graph: Any,
    max_rows: int,
    text: str,
    accept: str | None,
    wanted: str | None,
    bindings: dict[str, Any],
) -> tuple[int, str, bytes, bool]:
    """Run one query: (status, content type, body, truncated)."""
    from rdflib import Graph

    from kg.errors import QueryError, QueryRefusedError, QuerySyntaxError
    from kg.query import format_result, run_query

    try:
        result = run_query(graph, text, bindings, limit=max_rows + 1)
    except QueryRefusedError as exc:
        return 403, "text/plain; charset=utf-8", f"{exc}\n".encode(), False
    except QuerySyntaxError as exc:
        body = f"malformed query, {exc.pointer()}\n".encode()
        return 400, "text/plain; charset=utf-8", body, False
    except QueryError as exc:
        return 400, "text/plain; charset=utf-8", f"{exc}\n".encode(), False
    kind = "graph" if result.type in ("CONSTRUCT", "DESCRIBE") else "table"
    fmt = negotiate(kind, accept, wanted)
    if fmt is None:
        offered = ", ".join(MEDIA_TYPES[kind])
        message = f"cannot give a {result.type} result as {wanted or accept}; offered: {offered}"
        return _text(406, message)
    truncated = False
    if result.type == "SELECT" and len(result.bindings) > max_rows:
        result.bindings = result.bindings[:max_rows]
        truncated = True
    elif kind == "graph" and len(result) > max_rows:
        kept = Graph()
        for i, triple in enumerate(result):
            if i == max_rows:
                break
            kept.add(triple)  # type: ignore[arg-type]
        result.graph = kept
        truncated = True
    body = format_result(result, fmt).encode("utf-8")
    return 200, _CONTENT_TYPES[fmt], body, truncated


class _Worker:
    """A worker process and our end of its pipe."""

    def __init__(self, context: Any, graph: Path, max_rows: int) -> None:
        self._closing = threading.Lock()
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker, args=(str(graph), max_rows, child), daemon=True
        )
        self.process.start()
        child.close()
        kind, message = self.conn.recv()
        if kind != "ready":
            self.stop()
            raise KGError(message)

    def stop(self) -> None:
        """Kill the process and close our end of the pipe; safe to call again, from any thread
        (a request retiring a worker and the server closing may both)."""
        self.process.kill()
        self.process.join(5)
        with self._closing:
            if not self.conn.closed:
                self.conn.close()


_Answer = tuple[int, str, bytes, bool]


class _Pool:
    """The two lanes of workers handed out to request threads (see the module's docstring)."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        # Workers are forked from a server process that has imported what they need: a new
        # worker is ready in milliseconds, so one can be replaced for every slow query.
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"  # no forkserver on Windows
        )
        preload = ["kg.cli", "kg.serve", "kg.query", "kg.store", "oxrdflib"]
        if "forkserver" in methods:
            self._context.set_forkserver_preload([*preload, "rdflib.plugins.sparql.parser"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._spares: queue.Queue[_Worker] = queue.Queue()
        self._waiting = 0
        self._slow = 0
        self._lingering = 0
        self._slow_waiting = 0
        self._slow_free = threading.Condition()
        self._known_slow: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self.closed = False
        try:
            for _ in range(options.workers):
                self._idle.put(self._start())
            for _ in range(SPARES):
                self._spares.put(self._start())
        except KGError:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.options.graph, self.options.max_rows)
        with self._lock:
            if not self.closed:
                self._all.append(worker)
                return worker
        worker.stop()  # started while the server stopped: it would outlive it
        raise KGError("the server is stopping")

    def _add(self) -> None:
        """Give the fast lane a worker in place of one gone: a spare at once, if there is one,
        and a new spare in its place."""
        try:
            self._idle.put(self._spares.get_nowait())
        except queue.Empty:
            threading.Thread(target=self._spawn, args=(self._idle,), daemon=True).start()
        else:
            threading.Thread(target=self._spawn, args=(self._spares,), daemon=True).start()

    def _spawn(self, into: queue.Queue[_Worker]) -> None:
        try:
            worker = self._start()
        except (KGError, OSError, EOFError) as exc:  # e.g. the graph was deleted while serving
            if not self.closed:  # else the server is stopping: its workers are going
                logging.getLogger(__name__).error("cannot start a worker: %s", exc)
            return
        into.put(worker)

    def _spare(self) -> _Worker:
        """A spare worker for the slow lane, or a new one; a new spare is started.

        Raises:
            KGError: no worker can be started.
        """
        try:
            worker = self._spares.get_nowait()
        except queue.Empty:
            return self._start()
        threading.Thread(target=self._spawn, args=(self._spares,), daemon=True).start()
        return worker

    def _retire(self, worker: _Worker, *, replace: bool) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        if replace:
            self._add()

    def _await(self, worker: _Worker, seconds: float) -> _Answer | str:
        """The worker's answer, or why there is none: ``"time"`` or ``"memory"``.

        Raises:
            OSError, EOFError: the worker died.
        """
        from kg.query import resident_bytes

        ceiling = self.options.max_memory << 20
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "time"
            if worker.conn.poll(min(0.1, left)):
                answer: _Answer = worker.conn.recv()
                return answer
            held = resident_bytes(worker.process.pid) if ceiling else None
            if held is not None and held > ceiling:
                return "memory"

    def _take(self, deadline: float) -> _Worker | _Answer:
        """An idle fast worker, waiting until ``deadline``; or the 503 to answer."""
        with self._lock:
            if self._idle.empty() and self._waiting >= self.options.backlog:
                return _text(503, "the endpoint is overloaded: too many queries waiting")
            self._waiting += 1
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            timeout = self.options.timeout
            return _text(503, f"the endpoint is overloaded: no worker free within {timeout:g} s")
        finally:
            with self._lock:
                self._waiting -= 1

    def _slow_slot(self, deadline: float) -> bool:
        """Wait until ``deadline`` for a place in the slow lane; whether one was had."""
        with self._slow_free:
            if self._slow >= self.options.slow_workers and self._slow_waiting >= (
                self.options.backlog
            ):
                return False
            self._slow_waiting += 1
            try:
                while self._slow >= self.options.slow_workers:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._slow_free.wait(left)
                self._slow += 1
                return True
            finally:
                self._slow_waiting -= 1

    def _leave_slow_lane(self) -> None:
        with self._slow_free:
            self._slow -= 1
            self._slow_free.notify()

    def run(
        self, text: str, accept: str | None, wanted: str | None, bindings: dict[str, Any]
    ) -> _Answer:
        """Run one query: in the fast lane, then (past the budget) in the slow lane."""
        options = self.options
        deadline = time.monotonic() + options.timeout
        budget = min(options.budget, options.timeout)
        job = (text, accept, wanted, bindings)
        key = _fingerprint(text)
        with self._lock:
            known = key in self._known_slow
        if known and budget < options.timeout:  # it was slow before: straight to the slow lane
            return self._run_slow(job, deadline, budget, key)
        worker = self._take(deadline)
        if not isinstance(worker, _Worker):
            return worker
        try:
            started, used = time.monotonic(), _cpu_seconds(worker.process.pid)
            worker.conn.send(job)
            outcome = self._await(worker, min(LINGER, budget))
            stays = heavy = False
            try:
                while outcome == "time" and time.monotonic() - started < budget:
                    # A query that has had more CPU time than a cheap one may stay for the
                    # budget while no more than half the fast lane holds such queries; else
                    # it moves on now. (CPU time, not time: on a busy machine a cheap query
                    # waits for the CPU too.)
                    heavy = _cpu_seconds(worker.process.pid) - used >= LINGER
                    if heavy and not stays:
                        with self._lock:
                            stays = self._lingering < max(1, options.workers // 2)
                            self._lingering += stays
                        if not stays:
                            break
                    left = budget - (time.monotonic() - started)
                    outcome = self._await(worker, min(LINGER, left))
            finally:
                if stays:
                    with self._lock:
                        self._lingering -= 1
            slow = heavy or time.monotonic() - started >= budget
        except (OSError, EOFError):  # the worker died
            self._retire(worker, replace=True)
            return _text(503, "the query's worker process died; try again")
        if not isinstance(outcome, str):
            self._idle.put(worker)
            return outcome
        if outcome == "memory" or budget >= options.timeout:
            self._retire(worker, replace=True)
            return self._stopped(outcome)
        if slow:  # next time, straight to the slow lane
            with self._lock:
                self._known_slow[key] = None
                self._known_slow.move_to_end(key)
                if len(self._known_slow) > KNOWN_SLOW:
                    self._known_slow.popitem(last=False)
        with self._slow_free:
            moved = self._slow < options.slow_workers
            self._slow += moved
        if not moved:  # the fast lane is freed now; the query runs again when it may
            self._retire(worker, replace=True)
            return self._run_slow(job, deadline, budget, key)
        self._hand_over(worker, replace=True)
        return self._finish_slow(worker, deadline, key)

    def _run_slow(self, job: tuple[Any, ...], deadline: float, budget: float, key: str) -> _Answer:
        """Run ``job`` from its start in the slow lane, once a place there is free."""
        if not self._slow_slot(deadline):
            return _text(
                503,
                f"the query runs past {budget:g} s and the slow lane stayed busy"
                f" ({self.options.slow_workers} slow queries at once); try again later",
            )
        try:  # a worker of its own, not one of the fast lane's
            worker = self._spare()
        except KGError:
            self._leave_slow_lane()
            return _text(503, "no worker process could be started; try again")
        self._hand_over(worker, replace=False)  # first: the query's thread inherits it
        try:
            worker.conn.send(job)
        except OSError:
            self._leave_slow_lane()
            self._retire(worker, replace=False)
            return _text(503, "the query's worker process died; try again")
        return self._finish_slow(worker, deadline, key)

    def _finish_slow(self, worker: _Worker, deadline: float, key: str) -> _Answer:
        """The answer of ``worker``, running a query in the slow lane, by ``deadline``; a
        query that turns out malformed is no longer taken for a slow one."""
        try:
            outcome = self._await(worker, deadline - time.monotonic())
        except (OSError, EOFError):  # the worker died
            outcome = _text(503, "the query's worker process died; try again")
        finally:
            self._leave_slow_lane()
            self._retire(worker, replace=False)  # its lower priority stays: not reused
        if isinstance(outcome, str):
            return self._stopped(outcome)
        if outcome[0] == 400:
            with self._lock:
                self._known_slow.pop(key, None)
        return outcome

    def _stopped(self, reason: str) -> _Answer:
        if reason == "memory":
            return _text(
                503,
                f"the query was stopped holding more than {self.options.max_memory} MB"
                " (the server's --max-memory)",
            )
        timeout = self.options.timeout
        return _text(503, f"the query was stopped after {timeout:g} s (the server's --timeout)")

    def _hand_over(self, worker: _Worker, *, replace: bool) -> None:
        """Put ``worker`` in the slow lane: CPU time only when no one else wants it."""
        pid = worker.process.pid
        try:  # every thread: Linux keeps a priority per thread, and the query runs in its own
            threads = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            threads = [pid] if pid else []
        for thread in threads:
            try:
                if hasattr(os, "SCHED_IDLE"):  # the CPU only when nobody else wants it
                    os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
                else:
                    os.setpriority(os.PRIO_PROCESS, thread, SLOW_NICE)
            except OSError:  # gone already: the answer or the error is in the pipe
                pass
        if replace:
            self._add()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()


def _cpu_seconds(pid: int | None) -> float:
    """The CPU time a process has had (user and system), from ``/proc``; 0 where unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            fields = stream.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _fingerprint(text: str) -> str:
    """``text`` without its comments and with its spacing made one: the key of a query."""
    from kg.query import query_tokens

    return " ".join(query_tokens(text))


def _text(status: int, message: str) -> tuple[int, str, bytes, bool]:
    return status, "text/plain; charset=utf-8", f"{message}\n".encode(), False


# --- HTTP ----------------------------------------------------------------------------------


class _Catalogs:
    """The server's :class:`kg.params.Catalog` of the graph, read when first needed and again
    when a new build has been switched in; the store is closed once it is read."""

    def __init__(self, graph: Path) -> None:
        self.graph = graph
        self._lock = threading.Lock()
        self._found: Path | None = None
        self._catalog: Catalog | None = None

    def get(self) -> Catalog:
        """The catalog of the build now served.

        Raises:
            KGError: the graph cannot be read.
        """
        from kg.params import Catalog
        from kg.store import locate, open_oxigraph

        with self._lock:
            found = locate(self.graph)
            if self._catalog is None or found != self._found:
                catalog = Catalog(open_oxigraph(found))
                catalog.read()
                self._catalog, self._found = catalog, found
            return self._catalog


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: one thread per request, queries in :class:`_Pool` workers."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG  # socketserver's 5 reset connections in a burst

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.catalogs = _Catalogs(options.graph)
        self.pool = _Pool(options)
        try:
            super().__init__((options.host, options.port), _Handler)
        except OSError:
            self.pool.close()
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request cut short because the server is stopping is no error to report."""
        if not self.pool.closed:
            super().handle_error(request, client_address)


def make_server(options: ServeOptions) -> SparqlServer:
    """A server bound to ``options.host``/``port`` with its workers started (not yet serving).

    Raises:
        KGError: the graph cannot be opened.
        OSError: the address cannot be bound.
    """
    return SparqlServer(options)


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]", ""}


def _is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


_PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)
#: The graph page is a build's own offline page: inline scripts and styles, nothing fetched.
_GRAPH_PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


class _DeadlineReader(io.RawIOBase):
    """A socket's reading end that gives up at a deadline, however the bytes trickle in."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the client took too long to send its request")
            self.connection.settimeout(left)
        return self.connection.recv_into(buffer)


class _BodyError(Exception):
    """A request body that cannot be read: the status and message to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-sparql"
    protocol_version = "HTTP/1.1"
    timeout = None  # the deadlines of _DeadlineReader instead

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        self.raw_requestline = b""
        self._reader.deadline = time.monotonic() + HEADER_SECONDS
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
                self.close_connection = True
                self._error(414, "the request line is too long")
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self.connection.settimeout(SEND_SECONDS)
            method = getattr(self, f"do_{self.command}", None)
            if method is None:
                self._error(501, f"unsupported method {self.command!r}")
                return
            method()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True
            if self.raw_requestline and getattr(self, "request_version", None):
                try:
                    self._error(408, "the request took too long to arrive")
                except OSError:
                    pass

    def handle_expect_100(self) -> bool:
        """Refuse a body too large before the client sends it (``Expect: 100-continue``)."""
        length = self.headers.get("Content-Length", "0")
        if length.strip().isdigit() and int(length) > _MAX_BODY:
            self.close_connection = True
            self._error(413, f"the request body must hold at most {_MAX_BODY} bytes")
            return False
        return super().handle_expect_100()

    def _refusal(self) -> str | None:
        """Why this request comes from where it must not, or None.

        A web page the user visits may send requests here (a form POST needs no CORS) or,
        through DNS rebinding, read the answers: so a loopback server answers only to loopback
        host names, and a browser request only from its own page or the ``--cors`` origin.
        """
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
        bound = self.server.options.host.lower()
        if _is_loopback(bound) and name not in _LOOPBACK_NAMES | {bound, f"[{bound}]"}:
            return f"Host {host!r} refused: this endpoint answers to localhost only"
        origin = self.headers.get("Origin")
        if origin is not None and origin not in (f"http://{host}", self.server.options.cors):
            return f"Origin {origin!r} refused (kg serve --cors ORIGIN allows one)"
        return None

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        refusal = self._refusal()
        if refusal is not None:
            self.close_connection = True
            self._error(403, refusal)
            return False
        return True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet: the CLI says where it listens; errors go back to the client

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        cors = self.server.options.cors
        if cors:
            self.send_header("Access-Control-Allow-Origin", cors)
            self.send_header("Vary", "Origin")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", f"{message}\n".encode(), headers)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path == "/favicon.ico":
            self._send(204, "image/x-icon", b"")
        elif url.path == "/":
            page = _page(_graph_page(self.server.options.graph) is not None)
            self._send(
                200, "text/html; charset=utf-8", page, {"Content-Security-Policy": _PAGE_CSP}
            )
        elif url.path == "/queries":
            self._send(200, "application/json", _named_queries())
        elif url.path == "/suggest":
            self._suggest(parse_qs(url.query, keep_blank_values=True))
        elif url.path == "/graph":
            self._graph_page()
        elif url.path == "/sparql":
            self._sparql(parse_qs(url.query, keep_blank_values=True), None)
        else:
            self._error(404, f"no such page: {url.path} (the endpoint is /sparql)")

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(404, f"no such endpoint: {url.path} (use /sparql)")
            return
        self._reader.deadline = time.monotonic() + BODY_SECONDS
        try:
            raw = self._body()
        except _BodyError as exc:
            self._refuse_body(exc.status, str(exc))
            return
        except TimeoutError:
            self._refuse_body(408, f"the request body did not arrive within {BODY_SECONDS:g} s")
            return
        finally:
            self._reader.deadline = None
            self.connection.settimeout(SEND_SECONDS)
        body = raw.decode("utf-8", errors="replace")
        media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
            self._sparql(params, None)
        elif media == "application/sparql-query":
            self._sparql(params, body)
        elif media == "application/sparql-update":
            self._error(403, "updates are refused: this endpoint is read-only")
        else:
            self._error(
                415,
                "POST a query as application/sparql-query or application/x-www-form-urlencoded",
            )

    def _body(self) -> bytes:
        """The request body, by its ``Content-Length`` or chunked.

        Raises:
            _BodyError: no way to read it, or too large.
            TimeoutError: it did not arrive in time.
        """
        coding = self.headers.get("Transfer-Encoding")
        length = self.headers.get("Content-Length")
        too_large = _BodyError(413, f"the request body must hold at most {_MAX_BODY} bytes")
        if coding is not None:
            if length is not None:
                raise _BodyError(400, "give Content-Length or Transfer-Encoding, not both")
            if [c.strip().lower() for c in coding.split(",")] != ["chunked"]:
                raise _BodyError(501, f"Transfer-Encoding {coding!r} is not supported (chunked is)")
            return self._chunked(too_large)
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise _BodyError(400, f"Content-Length {length!r} is not a number of bytes")
        if int(length) > _MAX_BODY:
            raise too_large
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            raise _BodyError(400, "the request body ended before its Content-Length")
        return body

    def _chunked(self, too_large: _BodyError) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _BodyError(400, "malformed chunked body: a chunk size expected") from None
            if size == 0:
                break
            if size < 0 or len(body) + size > _MAX_BODY:
                raise too_large
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(1024).strip():
                raise _BodyError(400, "malformed chunked body: a chunk is cut short")
            body += chunk
        while self.rfile.readline(1024).strip():  # trailer fields, ignored
            pass
        return bytes(body)

    def _refuse_body(self, status: int, message: str) -> None:
        """Answer ``status`` and close, reading and dropping what the client still sends (up
        to a limit), so that it reads the answer rather than a connection reset."""
        self.close_connection = True
        self._error(status, message, {"Connection": "close"})
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            deadline, drained = time.monotonic() + _DRAIN_SECONDS, 0
            while drained < _DRAIN_BYTES:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.connection.settimeout(left)
                chunk = self.connection.recv(1 << 16)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass

    def do_OPTIONS(self) -> None:  # noqa: N802
        if not self.server.options.cors:
            self._error(405, "CORS is off (start the server with --cors ORIGIN)")
            return
        self._send(
            204,
            "text/plain",
            b"",
            {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600",
            },
        )

    def do_PUT(self) -> None:  # noqa: N802
        self._error(405, "this endpoint is read-only", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    def _sparql(self, params: dict[str, list[str]], text: str | None) -> None:
        if "update" in params:
            self._error(403, "updates are refused: this endpoint is read-only")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._error(403, "default-graph-uri and named-graph-uri are refused (no FROM)")
            return
        if text is None:
            queries = params.get("query", [])
            if len(queries) != 1 or not queries[0].strip():
                self._error(400, "give one query: ?query=... (SPARQL 1.1 Protocol)")
                return
            text = queries[0]
        from kg.errors import QueryRefusedError
        from kg.query import check_query

        try:  # here, before a worker is taken: what is refused costs no worker
            check_query(text)
        except QueryRefusedError as exc:
            self._error(403, str(exc))
            return
        wanted = next(iter(params.get("format") or params.get("output") or []), None)
        bindings = {
            name[len("param.") :]: _term(values[0])
            for name, values in params.items()
            if name.startswith("param.") and values
        }
        annotate = (params.get("annotate") or [""])[0] == "1"
        try:
            catalog = (
                self.server.catalogs.get() if annotate or _names_entity(text, bindings) else None
            )
        except KGError as exc:
            self._error(503, f"cannot read the graph's names: {exc}")
            return
        notes: list[str] = []
        if catalog is not None:
            from kg.params import resolve_params

            bindings, notes = resolve_params(None, text, bindings, catalog=catalog)
        status, content_type, body, truncated = self.server.pool.run(
            text, self.headers.get("Accept"), wanted, bindings
        )
        headers = {"KG-Truncated": str(self.server.options.max_rows)} if truncated else {}
        if status == 503:
            headers["Retry-After"] = "1"
        if notes:  # percent-encoded where not ASCII: a header is Latin-1
            headers["KG-Note"] = quote(" | ".join(notes), safe=" !\"#$&'()*+,/:;<=>?@[]^_`{|}~")
        if (
            annotate
            and catalog is not None
            and status == 200
            and content_type == _CONTENT_TYPES["json"]
        ):
            body = _annotated(body, catalog, notes)
        self._send(status, content_type, body, headers)

    def _suggest(self, params: dict[str, list[str]]) -> None:
        from kg.params import KINDS, suggest

        kind = (params.get("kind") or ["entity"])[0]
        if kind not in KINDS:
            self._error(400, f"no parameter kind {kind!r} (kinds: {', '.join(KINDS)})")
            return
        try:
            limit = max(1, min(50, int((params.get("limit") or ["10"])[0])))
        except ValueError:
            self._error(400, "limit must be a number")
            return
        try:
            catalog = self.server.catalogs.get()
        except KGError as exc:
            self._error(503, f"cannot read the graph's names: {exc}")
            return
        found = suggest(catalog, kind, (params.get("q") or [""])[0], limit=limit)
        body = json.dumps([s.to_json() for s in found], ensure_ascii=False).encode("utf-8")
        self._send(200, "application/json", body)

    def _graph_page(self) -> None:
        page = _graph_page(self.server.options.graph)
        if page is None:
            self._error(404, "no graph page: kg serve --graph names no build folder with one")
            return
        try:
            body = page.read_bytes()
        except OSError as exc:
            self._error(404, f"cannot read the graph page: {exc.strerror}")
            return
        self._send(
            200, "text/html; charset=utf-8", body, {"Content-Security-Policy": _GRAPH_PAGE_CSP}
        )


def _term(value: str) -> Any:
    """A ``param.NAME`` value as an RDF term: ``<...>`` is an IRI, anything else a string."""
    from rdflib import Literal, URIRef

    value = value.strip()
    return URIRef(value[1:-1]) if value.startswith("<") and value.endswith(">") else Literal(value)


def _named_queries() -> bytes:
    from kg.params import query_params
    from kg.query import named_queries, required_params

    rows = []
    for name, path in named_queries().items():
        text = path.read_text(encoding="utf-8")
        header = [ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")]
        title = header[0] if header else ""
        params = [
            {"name": p.name, "required": p.required, "kind": p.kind} for p in query_params(text)
        ]
        rows.append(
            {
                "name": name,
                "title": title,
                "text": text,
                "requires": required_params(text),
                "params": params,
            }
        )
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def _names_entity(text: str, bindings: dict[str, Any]) -> bool:
    """Whether ``bindings`` give a value to an entity parameter of ``text``."""
    from kg.params import query_params

    return any(p.kind == "entity" and p.name in bindings for p in query_params(text))


def _annotated(body: bytes, catalog: Catalog, notes: list[str]) -> bytes:
    """SPARQL JSON results with a ``kg`` member for the page: the parameter notes, and the
    entity each value names (an entity's IRI, or a literal that is an entity's label)."""
    from kg.params import annotate

    results = json.loads(body)
    values = [
        term for row in results.get("results", {}).get("bindings", []) for term in row.values()
    ]
    results["kg"] = {"notes": notes, "entities": annotate(catalog, values)}
    return json.dumps(results, ensure_ascii=False).encode("utf-8")


def _graph_page(graph: Path) -> Path | None:
    """The graph page of the build served, when there is one."""
    from kg.buildfolder import manifest_of
    from kg.store import locate

    try:
        found = locate(Path(graph))
    except KGError:
        return None
    manifest = manifest_of(found)
    if manifest is None or "graph.html" not in manifest.outputs:
        return None
    page = found.parent / "graph.html"  # the generation folder holds the store and the page
    return page if page.is_file() else None


def _page(has_graph_page: bool) -> bytes:
    """The page, told whether to link to the graph page."""
    from kg.resources import data_text

    settings = json.dumps({"graphPage": has_graph_page})
    return data_text("templates/serve.html").replace("{/*SETTINGS*/}", settings).encode("utf-8")
