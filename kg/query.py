"""SPARQL over a built graph: resolve a query by file, name or text, run it, format the results.

This module never imports spaCy, so ``kg query`` starts fast.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import sys
import threading
import types
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from kg import guard
from kg.errors import (
    EndpointError,
    QueryError,
    QueryNotFoundError,
    QueryRefusedError,
    QuerySyntaxError,
)
from kg.guard import TOKENS, query_tokens
from kg.namespaces import PREFIXES, XSD, bind_prefixes, curie
from kg.resources import queries_dir
from kg.store import oxigraph_store
from kg.tables import json_text, table

__all__ = [
    "resolve_query",
    "named_queries",
    "run_query",
    "check_query",
    "check_limits",
    "check_prepared",
    "format_result",
    "FORMATS",
    "GRAPH_FORMATS",
    "required_params",
    "resident_bytes",
    "query_tokens",
]

_KEYWORDS = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE"
    r"|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)",  # no \b: "LOADSILENT" too
    re.IGNORECASE,
)


def resident_bytes(pid: int | None = None) -> int | None:
    """The memory a process holds (its resident set), in bytes; None where unknown.

    Read from ``/proc`` (Linux): cheap enough to check ten times a second.
    """
    import os

    try:
        with open(f"/proc/{pid or 'self'}/statm", "rb") as stream:
            pages = int(stream.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def named_queries() -> dict[str, Path]:
    """The named queries: name -> ``.rq`` file."""
    folder = queries_dir()
    return {p.stem: p for p in sorted(folder.glob("*.rq"))} if folder.is_dir() else {}


def resolve_query(query: str) -> tuple[str, str]:
    """The text of ``query`` and where it came from.

    ``query`` is a path to a file, the name of a query in ``queries/``, or SPARQL text.

    Raises:
        QueryNotFoundError: it is none of these.
    """
    named = named_queries()
    name = query[:-3] if query.endswith(".rq") else query
    if name in named:
        return named[name].read_text(encoding="utf-8"), str(named[name])
    path = Path(query)
    if "\n" not in query and _is_file(path):
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc.strerror
            raise QueryNotFoundError(f"{path}: cannot read it as UTF-8 text ({reason})") from None
    if _KEYWORDS.match(query):
        return query, "<inline>"
    raise QueryNotFoundError(_not_found(query, named))


def _not_found(query: str, named: dict[str, Path]) -> str:
    """Why ``query`` is no query, with the closest named query or SPARQL keyword.

    >>> print(_not_found("foundrs", {"founders": Path("founders.rq")}))
    no query file or named query 'foundrs'; did you mean founders? (named queries: founders)
    >>> print(_not_found("SELEC ?x WHERE {}", {}))
    'SELEC ?x WHERE {}' is no SPARQL query (did you mean SELECT?), query file or named query
    """
    words = query.split()
    name = query[:-3] if query.endswith(".rq") else query
    if len(words) > 1 or "{" in query:  # SPARQL text whose first word is no keyword
        keywords = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"]
        close = difflib.get_close_matches(words[0].upper(), keywords, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        shown = query if len(query) <= 60 else query[:59] + "…"
        return f"{shown!r} is no SPARQL query{hint}, query file or named query"
    close = difflib.get_close_matches(name.lower(), list(named), n=3, cutoff=0.6)
    listed = ", ".join(named) or "(none)"
    if close:
        return f"no query file or named query {query!r}; did you mean {' or '.join(close)}?" + (
            f" (named queries: {listed})"
        )
    return f"no query file or named query {query!r}; named queries: {listed}"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a name too long: a query written on one line
        return False


def _prepare(text: str) -> Any:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text, initNs=dict(PREFIXES))
    except ParseBaseException as exc:
        raise _explain(QuerySyntaxError(str(exc.msg), text, exc.lineno, exc.col)) from None
    except Exception as exc:  # e.g. an unknown prefix
        raise _explain(QuerySyntaxError(str(exc).splitlines()[0], text, 1, 1)) from None


#: Words of the SPARQL grammar a mistyped word is compared with ("LIMT": did you mean LIMIT?).
_GRAMMAR_WORDS = (
    "SELECT ASK CONSTRUCT DESCRIBE WHERE PREFIX BASE DISTINCT REDUCED AS FROM NAMED ORDER BY"
    " ASC DESC GROUP HAVING LIMIT OFFSET VALUES OPTIONAL UNION MINUS FILTER BIND GRAPH NOT"
    " EXISTS IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR UNDEF STR LANG LANGMATCHES"
    " DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE"
    " CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY NOW COALESCE IF REGEX"
    " REPLACE SUBSTR ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC SAMETERM"
).split()
_OPENING = {"{": "}", "(": ")", "[": "]"}
_CLOSING = {close: open_ for open_, close in _OPENING.items()}


def _at(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _explain(error: QuerySyntaxError) -> QuerySyntaxError:
    """A parser's error as one line that names the problem, where one is plain from the text:
    an undeclared prefix (which one), a string or a bracket never closed, a bracket that closes
    nothing, a mistyped keyword. Otherwise ``error`` as it is.

    >>> error = _explain(QuerySyntaxError("?", "SELECT * { ?s shema:name ?n }", 1, 1))
    >>> str(error), error.column
    ("unknown prefix 'shema:' (did you mean 'schema:'?)", 15)
    >>> str(_explain(QuerySyntaxError("?", "SELECT * { ?s ?p ?o", 1, 20)))
    "'{' is never closed"
    >>> str(_explain(QuerySyntaxError("Expected end of text", "ASK {} LIMT 3", 1, 8)))
    "unexpected 'LIMT' (did you mean LIMIT?)"
    """
    text = error.query
    tokens = [m for m in TOKENS.finditer(text) if m.lastgroup not in ("space", "comment")]
    declared = {
        token.group().split(":", 1)[0]
        for before, token in zip(tokens, tokens[1:], strict=False)
        if before.group().upper() == "PREFIX" and token.lastgroup == "pname"
    }
    known = set(PREFIXES) | declared
    for token in tokens:
        prefix = token.group().split(":", 1)[0] if token.lastgroup == "pname" else "_"
        if prefix != "_" and prefix not in known:
            close = difflib.get_close_matches(prefix, sorted(known), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}:'?"
                if close
                else f"declare it with PREFIX {prefix}: <...>; these need no declaration: "
                + ", ".join(PREFIXES)
            )
            return QuerySyntaxError(
                f"unknown prefix '{prefix}:' ({hint})", text, *_at(text, token.start())
            )
    opened: list[re.Match[str]] = []
    for token in tokens:
        mark = token.group()
        if token.lastgroup == "other" and mark in "'\"":
            return QuerySyntaxError("this string is never closed", text, *_at(text, token.start()))
        if mark in _OPENING:
            opened.append(token)
        elif mark in _CLOSING:
            if not opened or opened[-1].group() != _CLOSING[mark]:
                why = (
                    f"'{mark}' closes nothing"
                    if not opened
                    else (f"'{mark}' where '{_OPENING[opened[-1].group()]}' was expected")
                )
                return QuerySyntaxError(why, text, *_at(text, token.start()))
            opened.pop()
    if opened:
        return QuerySyntaxError(
            f"'{opened[-1].group()}' is never closed", text, *_at(text, opened[-1].start())
        )
    lines = text.splitlines()
    if 0 < error.line <= len(lines):
        word = re.match(r"[A-Za-z_]\w*", lines[error.line - 1][error.column - 1 :])
        if word and word.group().upper() not in _GRAMMAR_WORDS:
            close = difflib.get_close_matches(word.group().upper(), _GRAMMAR_WORDS, n=1)
            if close:
                message = f"unexpected '{word.group()}' (did you mean {close[0]}?)"
                return QuerySyntaxError(message, text, error.line, error.column)
    return error


def check_query(text: str, *, allow_update: bool = False) -> str:
    """:func:`kg.guard.check_query`: ``"query"`` or ``"update"``, or refused.

    >>> check_query("ASK { ?s ?p ?o }")
    'query'

    Raises:
        QueryRefusedError: the query holds SERVICE, FROM, LOAD or (unless ``allow_update``)
            an update, or it is too large.
    """
    try:
        return guard.check_query(text, allow_update=allow_update)
    except guard.Refused as exc:
        raise QueryRefusedError(str(exc)) from None


def check_limits(text: str) -> None:
    """:func:`kg.guard.check_limits`.

    Raises:
        QueryRefusedError: the query is too large to parse safely.
    """
    try:
        guard.check_limits(text)
    except guard.Refused as exc:
        raise QueryRefusedError(str(exc)) from None


def check_prepared(query: Any) -> None:
    """:func:`kg.guard.check_prepared`, for a query rdflib has already parsed.

    Raises:
        QueryRefusedError: the query holds SERVICE or FROM / FROM NAMED.
    """
    try:
        guard.check_prepared(query)
    except guard.Refused as exc:
        raise QueryRefusedError(str(exc)) from None


_IRI_UNSAFE = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _term(value: Any) -> str:
    """``value`` as a SPARQL term, escaped; an IRI that could end its brackets is refused."""
    if isinstance(value, URIRef):
        if _IRI_UNSAFE.search(str(value)):
            raise QueryError(f"not a valid IRI: <{value}>")
        return f"<{value}>"
    if isinstance(value, Literal):
        if value.datatype is not None and _IRI_UNSAFE.search(str(value.datatype)):
            raise QueryError(f"not a valid datatype IRI: <{value.datatype}>")
        return str(value.n3())
    raise QueryError(f"cannot bind {value!r}: give a string or an <IRI>")


def _check_variables(tokens: Iterable[re.Match[str]], bindings: dict[str, Any]) -> None:
    """Refuse to bind a variable the query's ``tokens`` do not have (a misspelt ``--param``).

    Raises:
        QueryError: naming the first such variable.
    """
    used = {m.group()[1:] for m in tokens if m.lastgroup == "var"}
    unknown = [name for name in bindings if name not in used]
    if unknown:
        raise QueryError(f"the query has no variable ?{unknown[0]} to bind")


def _with_values(text: str, bindings: dict[str, Any]) -> tuple[str, int, int, int]:
    """``text`` with ``bindings`` as a VALUES block at the top of its WHERE clause.

    Returns the new text, and the line, column (1-based) and length of the insertion, so that
    a syntax error's position can be given in the user's text.

    >>> _with_values('SELECT ?s WHERE { ?s ?p ?o }', {"o": Literal('a "b"')})[0]
    'SELECT ?s WHERE { VALUES (?o) { ("a \\\\"b\\\\"") } ?s ?p ?o }'
    """
    tokens = [m for m in TOKENS.finditer(text) if m.lastgroup not in ("space", "comment")]
    _check_variables(tokens, bindings)
    computed = {m.group(1) for m in re.finditer(r"\bAS\s+[?$](\w+)", text, re.IGNORECASE)}
    if set(bindings) & computed:
        name = sorted(set(bindings) & computed)[0]
        raise QueryError(f"?{name} is computed by the query (AS ?{name}): it cannot be bound")
    # The WHERE clause is the first top-level group, or the second after a CONSTRUCT template.
    depth, groups = 0, []
    for i, m in enumerate(tokens):
        if m.group() == "{":
            if depth == 0:
                groups.append(i)
            depth += 1
        elif m.group() == "}":
            depth = max(0, depth - 1)
    first_word = next((m.group().upper() for m in tokens if m.lastgroup == "word"), "")
    start = groups[0] if groups else 0
    before = [t.group().upper() for t in tokens[max(0, start - 2) : start]]
    if first_word == "CONSTRUCT" and before == ["CONSTRUCT", "WHERE"]:
        raise QueryError("--param needs CONSTRUCT { ... } WHERE { ... }, not CONSTRUCT WHERE")
    template = first_word == "CONSTRUCT" and before[-1:] == ["CONSTRUCT"]
    where = groups[1:2] if template else groups[:1]
    if not where:
        raise QueryError("--param needs a query with a WHERE clause")
    brace = tokens[where[0]]
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(_term(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }}"
    at = brace.end()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return text[:at] + block + text[at:], line, column, len(block)


#: Queries up to this length get rdflib's position of a syntax error, longer ones Oxigraph's.
_RDFLIB_POSITION_LENGTH = 10_000


def _syntax_error(exc: SyntaxError, text: str, inserted: tuple[int, int, int]) -> QuerySyntaxError:
    """The error to show for a query Oxigraph cannot parse.

    Oxigraph's parser tells the furthest point it reached, often the end of the query; rdflib's
    usually stops where the mistake is, but knows no position for an unknown prefix.
    """
    oxigraph = _explain(_oxigraph_syntax_error(exc, text, inserted))
    if len(text) > _RDFLIB_POSITION_LENGTH:  # rdflib's parser can take minutes on long ones
        return oxigraph
    try:
        _prepare(text)
    except QuerySyntaxError as rdflib:
        if (rdflib.line, rdflib.column) != (1, 1):
            return rdflib
    return oxigraph


def _oxigraph_syntax_error(
    exc: SyntaxError, text: str, inserted: tuple[int, int, int] = (0, 0, 0)
) -> QuerySyntaxError:
    message = str(exc).strip()
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not found:
        return QuerySyntaxError(message.splitlines()[0] if message else "syntax error", text, 1, 1)
    detail = " ".join(found.group(3).split())
    if len(detail) > 100:
        detail = detail[:99] + "…"
    line, column = int(found.group(1)), int(found.group(2))
    if line == inserted[0] and column > inserted[1]:  # after the VALUES block put in
        column = max(inserted[1], column - inserted[2])
    return QuerySyntaxError(detail, text, line, column)


_REQUIRES = re.compile(r"^#\s*requires:\s*(.+)$", re.MULTILINE | re.IGNORECASE)


def required_params(text: str) -> list[str]:
    """Parameters a query declares it needs, in a ``# requires: a, b`` header line (each may
    name its kind in parentheses: see :mod:`kg.params`).

    >>> required_params("# How are two things linked?\\n# requires: a (entity), b\\nSELECT ...")
    ['a', 'b']
    """
    found = _REQUIRES.search(text)
    names = re.sub(r"\([^)]*\)", " ", found.group(1)) if found else ""
    return [n for n in re.split(r"[\s,]+", names.strip()) if n]


def run_query(
    graph: Graph | Any,
    text: str,
    bindings: dict[str, Any] | None = None,
    *,
    limit: int | None = None,
    allow_update: bool = False,
) -> Result:
    """Check, parse and run a SPARQL query; the project's prefixes need no declaration.

    On an Oxigraph-backed graph (:mod:`kg.store`), or a ``pyoxigraph.Store``, the query runs
    in Oxigraph, with ``bindings`` in a VALUES block; on any other ``rdflib.Graph`` in
    rdflib's engine, with ``bindings`` as its initial bindings. Either way the result is an
    ``rdflib`` ``Result`` of rdflib terms.
    A SELECT result is evaluated here (its first ``limit`` rows when given), so evaluation
    errors surface here.

    Args:
        graph: the graph to query: an ``rdflib.Graph`` or a ``pyoxigraph.Store``.
        text: SPARQL text.
        bindings: initial values of variables (by name, without ``?``); never formatted into
            the text.
        limit: keep at most this many SELECT rows (the rest is not computed when the query
            has no ORDER BY).
        allow_update: run SPARQL Update (INSERT, DELETE ...) too; the graph must be writable.
            The result of an update is an empty ASK-less ``Result`` of type ``"UPDATE"``.

    The query runs in a thread of its own with a large stack (:data:`STACK_BYTES`).

    Raises:
        QueryRefusedError: the query holds SERVICE, FROM, LOAD or (unless allowed) an update,
            or it is too large (:func:`check_limits`).
        QuerySyntaxError: the query does not parse; carries line and column.
        QueryError: a required parameter is missing, or the engine failed on the query.
    """
    return _on_large_stack(
        lambda: _run_query(graph, text, bindings, limit=limit, allow_update=allow_update)
    )


#: The stack of the thread a query runs in. Oxigraph's parser and planner recurse once per
#: element of a flat query (a BIND, a FILTER, a UNION branch, an operator), and overflowed the
#: 8 MB main thread (a segfault) from 3,000 BINDs; 256 MB holds every query under the limits.
#: Only the pages used are ever backed by memory.
STACK_BYTES = 256 << 20

T = TypeVar("T")


def _on_large_stack(work: Callable[[], T]) -> T:
    """``work()`` run in a new thread with a :data:`STACK_BYTES` stack; its error re-raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("value", work()))
        except BaseException as exc:  # handed to the caller as it is
            outcome.append(("error", exc))

    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="kg-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _run_query(
    graph: Graph | Any,
    text: str,
    bindings: dict[str, Any] | None,
    *,
    limit: int | None,
    allow_update: bool,
) -> Result:
    bindings = bindings or {}
    original = text
    inserted = (0, 0, 0)
    kind = check_query(text, allow_update=allow_update)
    missing = [n for n in required_params(text) if n not in bindings]
    if missing:
        wanted = " ".join(f"--param {n}=VALUE" for n in missing)
        raise QueryError(f"this query needs {wanted}")
    # On Oxigraph the query goes to it straight, past oxrdflib's conversion of every term
    # (the check it would repeat is done): kg query stays within a small factor of Oxigraph.
    inner = oxigraph_store(graph)
    namespaces = {p: str(ns) for p, ns in PREFIXES.items()}
    try:
        if kind == "update":
            if bindings:
                raise QueryError("--param cannot be used with an update")
            if isinstance(graph, Graph):  # its store decides whether it may be written
                graph.update(text, initNs=namespaces if inner is not None else dict(PREFIXES))
            else:
                inner.update(text, prefixes=namespaces)
            done = Result("ASK")  # rdflib's Result knows only the four query forms
            done.type = "UPDATE"
            return done
        if inner is not None:
            # Oxigraph substitutes only projected variables (SEP-0007): bind through VALUES.
            if bindings:
                text, *where = _with_values(text, bindings)
                inserted = (where[0], where[1], where[2])
            return _from_oxigraph(inner.query(text, prefixes=namespaces), limit)
        _check_variables(TOKENS.finditer(text), bindings)
        result = graph.query(_prepare(text), initBindings=bindings)
        if result.type == "SELECT":
            rows = result.bindings if limit is None else islice(result.bindings, limit)
            result.bindings = [{k: _plain(v) for k, v in row.items()} for row in rows]
        elif result.type in ("CONSTRUCT", "DESCRIBE"):
            _ = len(result)
    except SyntaxError as exc:  # Oxigraph's parser
        raise _syntax_error(exc, original, inserted) from None
    except (QuerySyntaxError, QueryError, EndpointError):  # a remote store's error as it is
        raise
    except Exception as exc:  # the engines raise many kinds of errors while evaluating
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueryError(f"the query failed while running: {first}") from None
    return result


_XSD_STRING = str(XSD.string)


def _from_oxigraph(answer: Any, limit: int | None) -> Result:
    """Oxigraph's answer as an rdflib ``Result``; each distinct term is converted once.

    ``"x"^^xsd:string`` becomes the plain literal ``"x"`` (the same in RDF 1.1).
    """
    import pyoxigraph as ox

    named, literal, triple = ox.NamedNode, ox.Literal, ox.Triple
    cache: dict[Any, Any] = {}

    def term(value: Any) -> Any:
        found = cache.get(value)
        if found is None:
            if isinstance(value, named):
                found = URIRef(value.value)
            elif isinstance(value, literal):
                datatype = value.datatype.value
                if value.language:
                    found = Literal(value.value, lang=value.language)
                elif datatype == _XSD_STRING:
                    found = Literal(value.value)
                else:
                    found = Literal(value.value, datatype=term(value.datatype))
            elif isinstance(value, triple):
                raise QueryError("RDF-star triples in results are not supported")
            else:
                found = BNode(value.value)
            cache[value] = found
        return found

    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        result = Result("CONSTRUCT")
        result.graph = Graph()
        for t in answer:
            result.graph.add((term(t.subject), term(t.predicate), term(t.object)))
        return result
    result = Result("SELECT")
    names = [Variable(v.value) for v in answer.variables]
    result.vars = names
    rows = answer if limit is None else islice(answer, limit)
    result.bindings = [
        {name: term(value) for name, value in zip(names, row, strict=True) if value is not None}
        for row in rows
    ]
    return result


def _plain(term: Any) -> Any:
    """``"x"^^xsd:string`` as the plain literal ``"x"`` (the same in RDF 1.1), else ``term``."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _short(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        # as SPARQL writes it, so it can be pasted back into a query
        return curie(str(term), sparql=True) or f"<{term}>"
    return str(term)


def _nt(term: Any) -> str:
    return "" if term is None else str(term.n3())


def _table(result: Result) -> str:
    names = [str(v) for v in result.vars or []]
    rows = [[_short(row[i]) for i in range(len(names))] for row in result]  # type: ignore[index]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"
    return table(names, rows, max_width=80) + footer


def _tsv(result: Result) -> str:
    names = [str(v) for v in result.vars or []]
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_nt(row[i]) for i in range(len(names))) for row in result]  # type: ignore[index]
    return "\n".join(lines) + "\n"


def _serialized(fmt: str) -> Callable[[Result], str]:
    def serialize(result: Result) -> str:
        out = io.BytesIO()
        result.serialize(out, format=fmt)
        text = out.getvalue().decode("utf-8")
        if fmt == "json":  # pretty, stable output
            text = json_text(json.loads(text))
        return text if text.endswith("\n") else text + "\n"

    return serialize


#: Result formats for SELECT and ASK results.
FORMATS: dict[str, Callable[[Result], str]] = {
    "table": _table,
    "csv": _serialized("csv"),
    "tsv": _tsv,
    "json": _serialized("json"),
    "xml": _serialized("xml"),
}
#: Formats for the graphs that CONSTRUCT and DESCRIBE return: name -> rdflib serializer.
GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def format_result(result: Result, fmt: str) -> str:
    """A result as text.

    SELECT in ``fmt`` (a key of :data:`FORMATS`); ASK as ``true``/``false`` (or SPARQL JSON or
    XML); CONSTRUCT and DESCRIBE in a key of :data:`GRAPH_FORMATS` (``table`` gives Turtle,
    ``json`` JSON-LD).

    Raises:
        QueryError: ``fmt`` does not fit the kind of result.
    """
    if result.type == "UPDATE":
        return ""
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return FORMATS[fmt](result)
        if fmt in GRAPH_FORMATS:
            raise QueryError(f"an ASK result cannot be written as {fmt}")
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        name = {"table": "turtle", "json": "jsonld"}.get(fmt, fmt)
        if name not in GRAPH_FORMATS:
            raise QueryError(
                f"a {result.type} result is a graph: use --format {', '.join(GRAPH_FORMATS)}"
            )
        out = bind_prefixes(Graph())
        for s, p, o in result:  # type: ignore[misc]
            out.add((s, p, _plain(o)))
        text = str(out.serialize(format=GRAPH_FORMATS[name]))
        return text if text.endswith("\n") else text + "\n"
    if fmt not in FORMATS:
        raise QueryError(f"a SELECT result is a table: use --format {', '.join(FORMATS)}")
    return FORMATS[fmt](result)


class _CallableModule(types.ModuleType):
    """This module, callable as the Python API's ``kg.query(...)`` (:func:`kg.api.query`).

    A package cannot hold a function and a submodule of one name: importing ``kg.query`` would
    replace a function ``kg.query`` with this module. So the module itself is the function.
    """

    def __call__(self, query: str, graph: Any = "exports", params: Any = None) -> Any:
        from kg.api import query as run

        return run(query, graph, params)


sys.modules[__name__].__class__ = _CallableModule
