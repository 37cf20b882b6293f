"""The Python API, at the package top: ``kg.build``, ``kg.open_graph``, ``kg.query`` and
``kg.to_dataframe``.

Each is a thin layer over the library the CLI uses (:func:`kg.pipeline.build` and
:func:`kg.buildfolder.write`, :func:`kg.store.open_graph`, :func:`kg.query.run_query`), so
Python and ``kg`` give the same graph and the same answers, with the same safety checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas
    from rdflib import Graph

    from kg.pipeline import BuildResult

__all__ = ["build", "open_graph", "query", "to_dataframe", "Rows"]

#: Options of :func:`build` that say how the outputs are written, not how the graph is built.
_WRITE_OPTIONS = ("html", "max_nodes", "cache")
#: Options that name files or packs, given as one value or a list of them.
_SEVERAL = ("gazetteers", "patterns", "rules", "packs")


def build(
    sources: str | PathLike[str] | Iterable[str | PathLike[str]],
    out: str | PathLike[str] | None = None,
    **options: Any,
) -> BuildResult:
    """Build the knowledge graph of ``sources``, as ``kg build`` does.

    Args:
        sources: a file or folder of ``.txt``, ``.md`` and ``.html`` documents, or several.
        out: a build folder to write (``graph.ttl``, the store and ``graph.html``, as a new
            generation of the folder); nothing is written when ``None``.
        **options: the fields of :class:`kg.pipeline.BuildOptions` (``model``, ``gazetteers``,
            ``use_default_gazetteer``, ``patterns``, ``rules``, ``packs``, ``batch_size``,
            ``jobs``, ``strict``), and for the outputs ``html`` (write the page, default
            ``True``), ``max_nodes`` (the most entities the page shows; ``None``: all) and
            ``cache`` (with ``out``, reuse the records of unchanged documents kept in
            ``out/cache.sqlite``, as ``kg build`` does; default ``True``).

    Returns:
        The :class:`kg.pipeline.BuildResult`: documents, entities, relations, figures, the
        ``rdflib`` graph, and the sources skipped.

    Raises:
        TypeError: an unknown option.
        kg.errors.SourceError: nothing could be read (or, ``strict``, something was skipped).
        kg.errors.ModelNotFoundError: no spaCy model could be loaded.
        kg.errors.OutputError: ``out`` cannot be written.

    >>> import tempfile, kg
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "note.txt").write_text("Ada Quill founded Brightwater Labs.", "utf-8")
    >>> result = kg.build(folder, out=folder / "out", html=False)
    >>> len(result.documents), (folder / "out" / "graph.ttl").is_file()
    (1, True)
    >>> import shutil; shutil.rmtree(folder)
    """
    from kg.pipeline import BuildOptions
    from kg.pipeline import build as run_build

    known = {f.name for f in fields(BuildOptions)}
    unknown = sorted(set(options) - known - set(_WRITE_OPTIONS))
    if unknown:
        raise TypeError(f"build() got an unexpected keyword argument {unknown[0]!r}")
    html = bool(options.pop("html", True))
    cache = bool(options.pop("cache", True)) and out is not None
    page = {"max_nodes": options.pop("max_nodes")} if "max_nodes" in options else {}
    for name in _SEVERAL:
        if name in options:
            value = options[name]
            values = [value] if isinstance(value, str | PathLike) else list(value)
            options[name] = tuple(str(v) if name == "packs" else Path(v) for v in values)
    paths = [sources] if isinstance(sources, str | PathLike) else list(sources)
    from kg.cache import CACHE_FILE

    records = Path(out) / CACHE_FILE if cache and out is not None else None
    result = run_build([Path(s) for s in paths], BuildOptions(**options), cache=records)
    if out is not None:
        from kg.buildfolder import write

        write(result, Path(out), html=html, page=page)
    return result


def open_graph(path: str | PathLike[str]) -> Graph:
    """The graph at ``path`` as an ``rdflib.Graph``: a build folder (its store), a store
    folder, or an RDF file (``.ttl``, ``.nt``, ``.jsonld`` ...).

    A store is opened read-only; its ``query`` refuses SERVICE, FROM and LOAD as ``kg query``
    does.

    Raises:
        kg.errors.GraphLoadError: nothing readable at ``path``.

    >>> import kg
    >>> graph = kg.open_graph("tests/data/tiny.ttl")
    >>> len(graph) > 0
    True
    """
    from kg.store import open_graph as open_path

    return open_path(Path(path))


class Rows(list[dict[str, Any]]):
    """The rows of a SELECT result, each a dict of variable name -> Python value, and the
    result's ``columns`` in the query's order (known even when no row comes back)."""

    def __init__(self, rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> None:
        super().__init__(rows)
        self.columns = tuple(columns)


def query(
    query: str,
    graph: str | PathLike[str] | Graph | Any = "exports",
    params: Mapping[str, Any] | None = None,
) -> Rows | bool | Graph:
    """Run a named query (see ``kg queries``), a ``.rq`` file or SPARQL text on ``graph``.

    The project's prefixes (``kg``, ``kgr``, ``schema``, ``rdfs`` ...) need no declaration;
    SERVICE, FROM, LOAD and updates are refused, as in ``kg query``.

    Args:
        query: a query name, a path to a ``.rq`` file, or SPARQL text.
        graph: a path (a build folder, a store, an RDF file; default ``exports``) or an
            ``rdflib.Graph``.
        params: values of the query's variables, by name: a string (written ``<...>``, an IRI),
            a number, a date, or an ``rdflib`` term. They are bound, never pasted into the text.

    Returns:
        SELECT: the rows (:class:`Rows`), each value a Python value: ``str`` for IRIs and text,
        ``int``, ``Decimal``, ``float``, ``bool``, ``datetime.date``; a year or a month
        (``xsd:gYear``, ``xsd:gYearMonth``) as its text; ``None`` where a variable is unbound.
        ASK: a ``bool``. CONSTRUCT and DESCRIBE: an ``rdflib.Graph``.

    Raises:
        kg.errors.QueryNotFoundError: no such named query or file, and not SPARQL either.
        kg.errors.QuerySyntaxError: the query does not parse.
        kg.errors.QueryRefusedError: the query reaches outside the graph, or is an update.
        kg.errors.QueryError: a required parameter is missing, or the query failed.
        kg.errors.GraphLoadError: nothing readable at the ``graph`` path.

    >>> import kg
    >>> rows = kg.query(
    ...     "SELECT ?name ?kind WHERE { ?e a kg:Product ; rdfs:label ?name ; kg:kind ?kind }",
    ...     graph="tests/data/tiny.ttl",
    ... )
    >>> rows, rows.columns
    ([{'name': 'iPhone', 'kind': 'phone'}], ('name', 'kind'))
    >>> kg.query("ASK { ?p schema:founder ?who }", graph=kg.open_graph("tests/data/tiny.ttl"))
    True
    """
    from rdflib import Graph as RDFGraph
    from rdflib import Variable

    from kg.query import resolve_query, run_query

    text, _origin = resolve_query(query)
    target: Any = graph
    if isinstance(graph, str | PathLike):
        from kg.store import open_oxigraph

        target = open_oxigraph(Path(graph))
    bindings = {name.lstrip("?$"): _term(value) for name, value in (params or {}).items()}
    result = run_query(target, text, bindings)
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph if result.graph is not None else RDFGraph()
    columns = [str(v) for v in result.vars or []]
    return Rows(
        ({c: _python(row.get(Variable(c))) for c in columns} for row in result.bindings),
        columns,
    )


def to_dataframe(rows: Iterable[Mapping[str, Any]]) -> pandas.DataFrame:
    """The rows of :func:`query` as a ``pandas.DataFrame``, a column per variable.

    Needs pandas (``pip install 'kg[pandas]'``).

    Raises:
        ImportError: pandas is not installed.

    >>> import kg
    >>> frame = kg.to_dataframe(kg.query(
    ...     "SELECT ?name ?kind WHERE { ?e rdfs:label ?name ; kg:kind ?kind } ORDER BY ?name",
    ...     graph="tests/data/tiny.ttl",
    ... ))
    >>> frame.columns.tolist(), frame.iloc[0].tolist()
    (['name', 'kind'], ['Apple Inc.', 'company'])
    """
    try:
        import pandas
    except ImportError:
        raise ImportError("kg.to_dataframe needs pandas: pip install 'kg[pandas]'") from None
    columns = getattr(rows, "columns", None)
    return pandas.DataFrame.from_records(
        [dict(row) for row in rows], columns=list(columns) if columns is not None else None
    )


def _term(value: Any) -> Any:
    """A parameter as an rdflib term: ``"<...>"`` an IRI, other values a literal."""
    from rdflib import Literal, URIRef
    from rdflib.term import Node

    if isinstance(value, Node):
        return value
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    return Literal(value)


def _python(term: Any) -> Any:
    """An rdflib term as a Python value (see :func:`query`)."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    if term is None:
        return None
    if not isinstance(term, Literal):
        return str(term)
    if term.datatype in (XSD.gYear, XSD.gYearMonth):
        return str(term)
    value = term.toPython()
    return str(value) if isinstance(value, Literal) else value
