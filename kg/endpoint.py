"""A remote SPARQL 1.1 store over HTTP: its query endpoint as a graph :mod:`kg.query` can run
queries on, and the one HTTP request function ``kg push`` uses too.

:class:`Endpoint` answers ``query(text, prefixes=...)`` as a ``pyoxigraph.Store`` does, so
:func:`kg.query.run_query` runs on it with the same checks, parameters and result formats as on
a local store. The query is parsed here first (by Oxigraph, on an empty store), so a malformed
one gets the same line-and-column error as locally and never reaches the network; the project's
prefixes are declared in the text sent, since the store does not know them.

Only ``http`` and ``https`` URLs are accepted. Errors are one line (:class:`EndpointError`).
This module does not import spaCy or rdflib.
"""

from __future__ import annotations

import base64
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from kg.errors import EndpointError

__all__ = ["Credentials", "Response", "Endpoint", "request", "check_url", "shown_url"]


@dataclass(frozen=True)
class Credentials:
    """A user name and password: HTTP Basic authentication, Digest when the server asks."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Response:
    """A successful answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


#: Query parameters whose values messages do not show (QLever takes its token in the URL).
_SECRET = re.compile(r"(?i)(^|&)((?:access[-_]?)?token|password|key)=[^&]*")


def shown_url(url: str) -> str:
    """``url`` as messages show it: without a user name or password, nor the value of a token
    in its query string.

    >>> shown_url("http://me:secret@example.org:3030/ds/data?graph=x")
    'http://example.org:3030/ds/data?graph=x'
    >>> shown_url("http://localhost:7001/?access-token=abc&graph=x")
    'http://localhost:7001/?access-token=***&graph=x'
    """
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    query = _SECRET.sub(r"\1\2=***", parts.query)
    return urlunsplit(parts._replace(netloc=host, query=query))


def check_url(url: str, option: str = "URL") -> str:
    """``url`` when it is an ``http(s)://host...`` URL.

    >>> check_url("file:///etc/passwd", "--endpoint")
    Traceback (most recent call last):
    ...
    kg.errors.EndpointError: --endpoint file:///etc/passwd: not an http:// or https:// URL

    Raises:
        EndpointError: another scheme, or no host.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{option} {shown_url(url)}: not an http:// or https:// URL")
    return url


def _opener(url: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    """An opener that answers a Digest challenge (Basic is sent with the first request)."""
    if credentials is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    parts = urlsplit(url)
    passwords.add_password(
        None, f"{parts.scheme}://{parts.netloc}/", credentials.user, credentials.password
    )
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))


def _basic(credentials: Credentials) -> str:
    token = f"{credentials.user}:{credentials.password}".encode()
    return "Basic " + base64.b64encode(token).decode("ascii")


def _first_line(body: bytes) -> str:
    """The first line of a server's error text that says something, at most 200 characters."""
    text = body.decode("utf-8", "replace")
    if "<" in text and ">" in text:  # an HTML page: its text, without the markup
        text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]*>", "\n", text, flags=re.S | re.I)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= 200 else line[:199] + "…"
    return ""


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the store running?)"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "no answer in time"
    text = str(getattr(reason, "strerror", None) or reason).strip()
    return text.splitlines()[0] if text else type(reason).__name__


def request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    credentials: Credentials | None = None,
    timeout: float | None = None,
) -> Response:
    """Send one HTTP request and return the answer; a status of 400 or more is an error.

    With ``credentials``, HTTP Basic authentication is sent with the first request (and Digest
    answered when the server asks for it).

    Raises:
        EndpointError: the server cannot be reached, or answered with an error status: one
            line with the status and the first line of the server's message.
    """
    check_url(url)
    headers = dict(headers or {})
    if credentials is not None:
        headers.setdefault("Authorization", _basic(credentials))
    prepared = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with _opener(url, credentials).open(prepared, timeout=timeout) as answer:
            return Response(
                answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
            )
    except urllib.error.HTTPError as exc:
        try:
            detail = _first_line(exc.read(4096))
        except (OSError, ValueError):
            detail = ""
        hint = ""
        if exc.code in (401, 403):
            hint = (
                " (give --user and --password-env)"
                if credentials is None
                else " (check --user and the password in --password-env)"
            )
        said = f": {detail}" if detail else ""
        raise EndpointError(
            f"{method} {shown_url(url)}: the server answered {exc.code} {exc.reason}{said}{hint}"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise EndpointError(f"cannot reach {shown_url(url)}: {_reason(exc)}") from None
    except ValueError as exc:  # urllib on a URL it cannot use
        raise EndpointError(f"{shown_url(url)}: {exc}") from None


#: The media types asked for: a table or a boolean, and a graph.
_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


class Endpoint:
    """A remote store's SPARQL query endpoint (``http://localhost:7878/query`` for Oxigraph).

    ``kg.query.run_query(Endpoint(url), text)`` runs ``text`` there, with the checks it makes
    locally. Queries go out as form-encoded POST requests (SPARQL 1.1 Protocol).

    Args:
        url: the query endpoint.
        credentials: sent with every request, when given.
        timeout: seconds to wait for the server (None: no limit).
    """

    def __init__(
        self, url: str, *, credentials: Credentials | None = None, timeout: float | None = None
    ) -> None:
        self.url = check_url(url, "--endpoint")
        self.credentials = credentials
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Endpoint({shown_url(self.url)!r})"

    def update(self, text: str, *, prefixes: dict[str, str] | None = None) -> None:
        """Refused: ``kg query`` never changes a remote store (``kg push`` replaces a graph).

        Raises:
            QueryRefusedError: always.
        """
        from kg.errors import QueryRefusedError

        raise QueryRefusedError("updates are refused on a remote store: kg push replaces a graph")

    def query(self, text: str, *, prefixes: dict[str, str] | None = None) -> Any:
        """Run ``text`` on the endpoint; the answer as ``pyoxigraph.Store.query`` gives it.

        Raises:
            SyntaxError: Oxigraph cannot parse ``text`` (as on a local store).
            EndpointError: the endpoint failed or answered something unreadable.
        """
        import pyoxigraph as ox

        # Parsed here (a SyntaxError as on a local store) and never evaluated: the answer of an
        # empty store is dropped at once, in this thread (pyoxigraph's results stay in theirs).
        graph = isinstance(ox.Store().query(text, prefixes=prefixes), ox.QueryTriples)
        declared = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        answer = request(
            self.url,
            method="POST",
            data=urlencode({"query": declared + text}).encode("utf-8"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": _GRAPH_ACCEPT if graph else _RESULTS_ACCEPT,
            },
            credentials=self.credentials,
            timeout=self.timeout,
        )
        media = answer.headers.get("content-type", "")
        try:
            if graph:
                found = ox.RdfFormat.from_media_type(media)
                if found is None:
                    raise ValueError(f"a graph in an unknown format ({media or 'no type'})")
                triples = ox.Store()
                triples.load(answer.body, found, base_iri=None)
                return triples.query("CONSTRUCT WHERE { ?s ?p ?o }")
            results = ox.QueryResultsFormat.from_media_type(media)
            if results is None:
                raise ValueError(f"results in an unknown format ({media or 'no type'})")
            return ox.parse_query_results(answer.body, format=results)
        except (SyntaxError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
            raise EndpointError(
                f"{shown_url(self.url)}: cannot read the server's answer: {first}"
            ) from None
