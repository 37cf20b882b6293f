"""Exports of a graph, as a small registry: format name -> writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph

__all__ = ["EXPORTERS", "SUFFIXES", "export"]

Writer = Callable[[Graph, Path], None]


def _rdf(fmt: str) -> Writer:
    def write(graph: Graph, out: Path) -> None:
        kwargs: dict[str, Any] = {}
        if fmt == "json-ld":
            from kg.namespaces import PREFIXES

            kwargs["context"] = {p: str(ns) for p, ns in PREFIXES.items()}
        graph.serialize(destination=out, format=fmt, encoding="utf-8", **kwargs)

    return write


def _graphml(graph: Graph, out: Path) -> None:
    import networkx as nx

    from kg.analyze import to_networkx

    nx.write_graphml(to_networkx(graph), out)


def _html(graph: Graph, out: Path) -> None:
    from kg.visualize import write_html

    write_html(graph, out, title=out.stem)


#: Writers by format name.
EXPORTERS: dict[str, Writer] = {
    "html": _html,
    "ttl": _rdf("turtle"),
    "nt": _rdf("nt"),
    "jsonld": _rdf("json-ld"),
    "graphml": _graphml,
}
#: The default file suffix of each format.
SUFFIXES = {"html": ".html", "ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "graphml": ".graphml"}


def export(graph: Graph, fmt: str, out: Path) -> Path:
    """Write ``graph`` to ``out`` in format ``fmt`` (a key of :data:`EXPORTERS`)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    EXPORTERS[fmt](graph, out)
    return out
