"""kg: build a knowledge graph of people, organizations, products, markets and events.

The pipeline runs one way: documents -> mentions -> entities -> relations -> RDF graph,
then query, export or visualize. Importing this package loads neither spaCy nor rdflib.

The Python API (:mod:`kg.api`), loaded on first use:

- ``kg.build(sources, out=None, **options)``: build a graph, as ``kg build`` does; writes the
  build folder ``out`` when given; returns the :class:`kg.pipeline.BuildResult`.
- ``kg.open_graph(path)``: a build folder, store or RDF file as an ``rdflib.Graph``.
- ``kg.query(query, graph="exports", params=None)``: a named query, a ``.rq`` file or SPARQL
  text; SELECT rows as dicts of Python values.
- ``kg.to_dataframe(rows)``: those rows as a ``pandas.DataFrame`` (extra ``kg[pandas]``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg import query as query
    from kg.api import build as build
    from kg.api import open_graph as open_graph
    from kg.api import to_dataframe as to_dataframe

__version__ = "0.1.0"
__all__ = ["__version__", "build", "open_graph", "query", "to_dataframe"]

_API = ("build", "open_graph", "to_dataframe")


def __getattr__(name: str) -> Any:
    """The API functions, imported on first use so that ``import kg`` stays cheap.

    ``kg.query`` is the module :mod:`kg.query`, which is callable as :func:`kg.api.query`.
    """
    if name in _API:
        return getattr(importlib.import_module("kg.api"), name)
    if name == "query":
        return importlib.import_module("kg.query")
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
