"""SPARQL over a built graph: resolve a query by file, name or text, run it, format the results.

This module never imports spaCy, so ``kg query`` starts fast.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.query import Result

from kg.errors import GraphLoadError, QueryError, QueryNotFoundError, QuerySyntaxError
from kg.namespaces import PREFIXES, bind_prefixes
from kg.resources import queries_dir

__all__ = [
    "load_graph",
    "resolve_query",
    "named_queries",
    "run_query",
    "format_result",
    "FORMATS",
    "RDF_SUFFIXES",
    "required_params",
]

#: RDF formats by file suffix.
RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".trig": "trig",
    ".n3": "n3",
}
#: Local names that a prefixed name can carry as they are (no "/", no final ".").
_LOCAL_NAME = re.compile(r"^[A-Za-z_][\w\-.]*(?<!\.)$")
_KEYWORDS = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE
)


def load_graph(path: Path) -> Graph:
    """Read a graph: an RDF file, or a build folder holding ``graph.ttl``.

    Raises:
        GraphLoadError: no such file, unknown format, or unparsable content.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "graph.ttl"
    if not path.is_file():
        raise GraphLoadError(f"{path}: no such graph file (run `kg build` first, or pass --graph)")
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise GraphLoadError(
            f"{path}: unknown RDF format (use one of {', '.join(sorted(RDF_SUFFIXES))})"
        )
    try:
        return bind_prefixes(Graph()).parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds of parser errors
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphLoadError(f"{path}: cannot read {fmt}: {first}") from None


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
    if _KEYWORDS.match(query):
        return query, "<inline>"
    path = Path(query)
    if "\n" not in query and path.is_file():
        return path.read_text(encoding="utf-8"), str(path)
    raise QueryNotFoundError(
        f"no query file or named query {query!r}; named queries: {', '.join(named) or '(none)'}"
    )


def _prepare(text: str) -> Any:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text, initNs=dict(PREFIXES))
    except ParseBaseException as exc:
        raise QuerySyntaxError(str(exc.msg), text, exc.lineno, exc.col) from None
    except Exception as exc:  # e.g. an unknown prefix
        raise QuerySyntaxError(str(exc).splitlines()[0], text, 1, 1) from None


_REQUIRES = re.compile(r"^#\s*requires:\s*(.+)$", re.MULTILINE | re.IGNORECASE)


def required_params(text: str) -> list[str]:
    """Parameters a query declares it needs, in a ``# requires: a, b`` header line.

    >>> required_params("# How are two things linked?\\n# requires: a, b\\nSELECT ...")
    ['a', 'b']
    """
    found = _REQUIRES.search(text)
    return [n for n in re.split(r"[\s,]+", found.group(1).strip()) if n] if found else []


def run_query(graph: Graph, text: str, bindings: dict[str, Any] | None = None) -> Result:
    """Parse and run a SPARQL query; the project's prefixes need no declaration.

    The result is fully evaluated, so evaluation errors surface here.

    Args:
        graph: the graph to query.
        text: SPARQL text.
        bindings: initial values of variables (by name, without ``?``).

    Raises:
        QuerySyntaxError: the query does not parse; carries line and column.
        QueryError: a required parameter is missing, or the engine failed on the query.
    """
    bindings = bindings or {}
    missing = [n for n in required_params(text) if n not in bindings]
    if missing:
        wanted = " ".join(f"--param {n}=VALUE" for n in missing)
        raise QueryError(f"this query needs {wanted}")
    prepared = _prepare(text)
    try:
        result = graph.query(prepared, initBindings=bindings)
        if result.type == "SELECT":
            result.bindings = list(result.bindings)
        elif result.type in ("CONSTRUCT", "DESCRIBE"):
            _ = len(result)
    except Exception as exc:  # the engine raises many kinds of errors while evaluating
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueryError(f"the query failed while running: {first}") from None
    return result


def _short(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in PREFIXES.items():
            local = text[len(str(ns)) :]
            if text.startswith(str(ns)) and _LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
        return f"<{text}>"  # as SPARQL writes it, so it can be pasted back into a query
    return str(term)


def _nt(term: Any) -> str:
    return "" if term is None else str(term.n3())


def _table(result: Result) -> str:
    names = [str(v) for v in result.vars or []]
    rows = [[_short(row[i]) for i in range(len(names))] for row in result]  # type: ignore[index]
    widths = [min(80, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def fit(text: str, width: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(fit(c, w).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


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
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
        return text

    return serialize


#: Result formats for SELECT and ASK results.
FORMATS: dict[str, Callable[[Result], str]] = {
    "table": _table,
    "csv": _serialized("csv"),
    "tsv": _tsv,
    "json": _serialized("json"),
}


def format_result(result: Result, fmt: str) -> str:
    """Results as text: SELECT in ``fmt``; ASK as ``true``/``false`` (or JSON); graphs as Turtle."""
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = bind_prefixes(Graph())
        for triple in result:
            out.add(triple)  # type: ignore[arg-type]
        return str(out.serialize(format="json-ld" if fmt == "json" else "turtle"))
    return FORMATS[fmt](result)
