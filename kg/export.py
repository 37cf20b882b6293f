"""Exports of a graph, as a small registry: format name -> exporter.

The RDF formats (Turtle, N-Triples, JSON-LD) carry every triple. GraphML, GEXF and the Neo4j
CSV pair carry the networkx view of :func:`kg.view.to_networkx` (the entities, and the
entity-to-entity relations that have evidence), so they agree with each other, with the page
and with SPARQL.
"""

from __future__ import annotations

import csv
import logging
import math
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.atomic import TMP_TAG, fsync_dir, remove_leftovers, replace_file, temp_name
from kg.errors import ExportError
from kg.namespaces import local_name

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

__all__ = [
    "Exporter",
    "EXPORTERS",
    "NEO4J_NODES",
    "NEO4J_RELATIONSHIPS",
    "NEO4J_NODE_HEADER",
    "NEO4J_RELATIONSHIP_HEADER",
    "ARRAY_DELIMITER",
    "default_path",
    "export",
    "local_name",
    "relationship_type",
]

log = logging.getLogger(__name__)

#: The file names the ``neo4j`` format writes into its folder.
NEO4J_NODES = "nodes.csv"
NEO4J_RELATIONSHIPS = "relationships.csv"
#: Headers in ``neo4j-admin database import`` form: ``name:type``, ``:ID``, ``:LABEL`` ...
NEO4J_NODE_HEADER = ("id:ID", "label", ":LABEL", "kind", "aliases:string[]")
NEO4J_RELATIONSHIP_HEADER = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "predicate",
    "evidence",
    "documents:string[]",
    "rules:string[]",
    "confidence:float",
)
#: Separates the elements of a ``string[]`` field: neo4j-admin's default ``--array-delimiter``.
ARRAY_DELIMITER = ";"
# The view joins aliases, documents and rules with "|" (see kg.view.to_networkx).
_VIEW_DELIMITER = "|"
# The colour of an entity of no known type.
_OTHER_COLOR = "#999999"
# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Exporter:
    """One export format.

    Args:
        write: writes the graph at the path and returns the files it wrote.
        default_name: the file (or folder) name written inside ``exports/`` by default.
        folder: whether the path is a folder rather than a file.
        options: the keyword options ``write`` takes besides the graph and the path.
    """

    write: Callable[..., list[Path]]
    default_name: str
    folder: bool = False
    options: tuple[str, ...] = ()


def relationship_type(predicate: str) -> str:
    """The Neo4j relationship type of a predicate IRI: its local name in upper snake case.

    Words split where the case changes, other characters become ``_``; the namespace is
    dropped (the ``predicate`` property keeps the whole IRI).

    >>> relationship_type("https://schema.org/founder")
    'FOUNDER'
    >>> relationship_type("https://w3id.org/kg/ontology#launchedAt")
    'LAUNCHED_AT'
    >>> relationship_type("https://schema.org/parentOrganization")
    'PARENT_ORGANIZATION'
    >>> relationship_type("https://w3id.org/kg/ontology#ceo")
    'CEO'
    """
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", local_name(predicate))
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    return re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").upper() or "RELATED_TO"


# ------------------------------------------------------------------ RDF


def _rdf(name: str) -> Callable[[Graph, Path], list[Path]]:
    """A writer through Oxigraph's serializer (``name`` in ``pyoxigraph.RdfFormat``).

    Oxigraph writes ``"x"^^xsd:string`` as the plain ``"x"`` (the same literal in RDF 1.1),
    streams straight from a store, and is far faster than rdflib's serializers.
    """

    def write(graph: Graph, out: Path) -> list[Path]:
        import pyoxigraph as ox

        from kg.namespaces import PREFIXES
        from kg.store import oxigraph_store

        fmt = getattr(ox.RdfFormat, name)
        # Entity IRIs hold "/", which a prefixed name must escape ("kgr:person\/lei-jun"):
        # written in full, as in graph.ttl.
        prefixes = {p: str(ns) for p, ns in PREFIXES.items() if p != "kgr"}
        with out.open("wb") as stream:
            store = oxigraph_store(graph)
            if store is not None:
                store.dump(stream, fmt, from_graph=_ox_term(graph.identifier), prefixes=prefixes)
            else:
                ox.serialize(_ox_triples(graph), stream, fmt, prefixes=prefixes)
        return [out]

    return write


def _ox_term(term: Any) -> Any:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    if term == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    raise ExportError(f"cannot write the RDF term {term!r}")


def _ox_triples(graph: Graph) -> Iterator[Any]:
    import pyoxigraph as ox

    for s, p, o in graph:
        yield ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o))


def _jsonld(graph: Graph, out: Path) -> list[Path]:
    """JSON-LD compacted with an inline ``@context`` of the project's prefixes."""
    from kg.namespaces import PREFIXES

    context = {p: str(ns) for p, ns in PREFIXES.items()}
    graph.serialize(destination=out, format="json-ld", encoding="utf-8", context=context)
    return [out]


# ------------------------------------------------------------------ the networkx view


def _xml_safe(value: Any) -> Any:
    """``value`` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _xml_view(graph: Graph) -> nx.MultiDiGraph:
    """The view, ready to open: XML-safe strings, and what a graph tool needs to draw it.

    Each entity gets its ``pagerank`` (relations in both directions, as ``kg rank``), its
    ``community`` (as ``kg communities``, 1 the largest), and the page's drawing of it: its
    type's ``color`` (``#rrggbb``), a ``size`` by PageRank (8 to 40), and a position ``x``,
    ``y`` from the page's force-directed layout (y up, as graph tools draw it). Each relation
    is labelled with its predicate's local name and keyed ``e0``, ``e1`` ... (the edge id,
    unique as GraphML and GEXF want it).
    """
    import networkx as nx

    from kg.analyze import communities, pagerank
    from kg.view import to_networkx
    from kg.visualize import _MAX_SIZE, _MIN_SIZE, COLORS, _layout

    view = to_networkx(graph)
    scores = pagerank(view)
    top = max(scores.values(), default=0.0) or 1.0
    community = {m.entity.iri: c.number for c in communities(view) for m in c.members}
    nodes = list(view.nodes)
    positions = dict(zip(nodes, _layout(view, nodes), strict=True))
    safe = nx.MultiDiGraph()
    for node, data in view.nodes(data=True):
        x, y = positions[node]
        safe.add_node(
            node,
            **{k: _xml_safe(v) for k, v in data.items()},
            pagerank=round(scores[node], 6),
            community=community[node],
            color=COLORS.get(str(data.get("type")), _OTHER_COLOR),
            size=round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(scores[node] / top), 1),
            x=float(x),
            y=-float(y) + 0.0,  # the page's y grows downwards
        )
    for i, (s, o, data) in enumerate(view.edges(data=True)):
        attrs = {k: _xml_safe(v) for k, v in data.items()}
        safe.add_edge(s, o, key=f"e{i}", label=local_name(data["predicate"]), **attrs)
    return safe


def _graphml(graph: Graph, out: Path) -> list[Path]:
    """GraphML: the attributes of :func:`_xml_view` as ``data`` of each node and edge (an
    edge's ``label`` is its predicate's local name); edges are ``e0``, ``e1`` ..."""
    import networkx as nx

    nx.write_graphml(_xml_view(graph), out)
    return [out]


def _gexf(graph: Graph, out: Path) -> list[Path]:
    """GEXF 1.2 for Gephi: node label = the entity's name, edge label = the predicate's local
    name, attributes typed (``string``, ``double`` for confidence and PageRank, ``long`` for
    the community); each entity's colour, size and position as ``viz:color``, ``viz:size``
    and ``viz:position``, so Gephi opens it drawn as the page is."""
    from networkx.readwrite.gexf import GEXFWriter

    class Writer(GEXFWriter):  # type: ignore[misc]
        """networkx's writer, without the ``networkx_key`` attribute it adds to every edge of
        a multigraph (the key is already the edge's id)."""

        def add_attributes(self, kind: str, element: Any, data: Any, default: Any) -> Any:
            if kind == "edge":
                data = {k: v for k, v in data.items() if k != "key"}
            return super().add_attributes(kind, element, data, default)

    view = _xml_view(graph)
    for _, data in view.nodes(data=True):
        color = data.pop("color")
        red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        data["viz"] = {
            "color": {"r": red, "g": green, "b": blue, "a": 1.0},
            "size": data.pop("size"),
            "position": {"x": data.pop("x"), "y": data.pop("y"), "z": 0.0},
        }
    for *_, key, data in view.edges(keys=True, data=True):
        data["id"] = key
    writer = Writer(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(view)
    with out.open("wb") as stream:
        writer.write(stream)
    return [out]


def _array(joined: str, clashes: list[str]) -> str:
    """A view list (``a|b``) as a Neo4j array field (``a;b``); elements holding ``;`` noted."""
    items = [item for item in joined.split(_VIEW_DELIMITER) if item]
    clashes.extend(item for item in items if ARRAY_DELIMITER in item)
    return ARRAY_DELIMITER.join(items)


def _neo4j(graph: Graph, out: Path) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import``.

    RFC 4180 CSV (fields holding commas, quotes or line breaks are quoted, quotes doubled),
    UTF-8 without a BOM; the IRI is each node's ``:ID`` and ``id`` property.
    """
    from kg.view import to_networkx

    view = to_networkx(graph)
    out.mkdir(parents=True, exist_ok=True)
    clashes: list[str] = []
    nodes, relationships = out / NEO4J_NODES, out / NEO4J_RELATIONSHIPS
    with nodes.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(NEO4J_NODE_HEADER)
        for node, data in sorted(view.nodes(data=True), key=lambda item: str(item[0])):
            aliases = _array(data["aliases"], clashes)
            writer.writerow([node, data["label"], data["type"], data["kind"], aliases])
    edges = sorted(view.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))
    with relationships.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(NEO4J_RELATIONSHIP_HEADER)
        for s, o, data in edges:
            writer.writerow(
                [
                    s,
                    o,
                    relationship_type(data["predicate"]),
                    data["predicate"],
                    data["evidence"],
                    _array(data["documents"], clashes),
                    _array(data["rules"], clashes),
                    repr(float(data["confidence"])),
                ]
            )
    if clashes:
        log.warning(
            "%d alias(es) or path(s) hold %r, neo4j-admin's array delimiter, and will be split "
            "on import (first: %r)",
            len(clashes),
            ARRAY_DELIMITER,
            clashes[0],
        )
    return [nodes, relationships]


def _html(graph: Graph, out: Path, *, title: str | None = None, **options: Any) -> list[Path]:
    from kg.visualize import write_html

    write_html(graph, out, title=title or out.stem, **options)
    return [out]


#: Exporters by format name.
EXPORTERS: dict[str, Exporter] = {
    "html": Exporter(
        _html,
        "graph.html",
        options=("focus", "depth", "types", "min_degree", "max_nodes", "open_relations", "title"),
    ),
    "ttl": Exporter(_rdf("TURTLE"), "graph.ttl"),
    "nt": Exporter(_rdf("N_TRIPLES"), "graph.nt"),
    "jsonld": Exporter(_jsonld, "graph.jsonld"),
    "graphml": Exporter(_graphml, "graph.graphml"),
    "gexf": Exporter(_gexf, "graph.gexf"),
    "neo4j": Exporter(_neo4j, "neo4j", folder=True),
}


def default_path(fmt: str, folder: Path) -> Path:
    """Where format ``fmt`` is written inside ``folder`` when no path is given.

    >>> default_path("neo4j", Path("exports")).as_posix()
    'exports/neo4j'
    """
    return Path(folder) / EXPORTERS[fmt].default_name


def _replace_files(out: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Write a folder's files into a temporary folder beside ``out``, then rename each into
    ``out``: a reader sees each file whole, and other files in ``out`` stay."""
    temp = temp_name(out)
    try:
        written = write(temp)
        out.mkdir(parents=True, exist_ok=True)
        placed = []
        for path in written:
            target = out / path.relative_to(temp)
            os.replace(path, target)
            placed.append(target)
        fsync_dir(out)
        return placed
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def export(graph: Graph, fmt: str, out: Path, **options: Any) -> list[Path]:
    """Write ``graph`` at ``out`` in format ``fmt`` (a key of :data:`EXPORTERS`).

    Each file is written under a temporary name beside it and renamed into place, so a
    reader sees the old file or the whole new one (a build folder's ``graph.html`` link is
    replaced by the file).

    Args:
        graph: the graph.
        fmt: the format name.
        out: the file to write; for ``neo4j``, the folder that receives ``nodes.csv`` and
            ``relationships.csv`` (created when missing). Parent folders are created.
        **options: the format's options (``Exporter.options``): for ``html``, those of
            :func:`kg.visualize.render_html` (``focus``, ``depth``, ``types``, ``min_degree``,
            ``max_nodes``).

    Returns:
        The files written.

    Raises:
        ExportError: unknown format, or ``out`` cannot be written (a folder where a file is
            expected or the reverse, no permission, a full disk ...).
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise ExportError(f"unknown export format {fmt!r} (use one of {', '.join(EXPORTERS)})")
    unknown = sorted(set(options) - set(exporter.options))
    if unknown:
        raise ExportError(f"the {fmt} export takes no option {unknown[0]!r}")
    out = Path(out)
    if exporter.folder and out.exists() and not out.is_dir():
        raise ExportError(f"{out}: not a folder (the {fmt} export writes a folder of files)")
    if not exporter.folder and out.is_dir():
        raise ExportError(f"{out}: is a folder (give a file name for the {fmt} export)")
    blocker = next((p for p in out.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise ExportError(f"{out}: cannot write: {blocker} is not a folder")
    if "title" in exporter.options:
        options.setdefault("title", out.stem)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out.parent, out.name)  # of an export to ``out`` that was killed
        if exporter.folder:
            return _replace_files(out, lambda temp: exporter.write(graph, temp, **options))
        replace_file(out, lambda temp: exporter.write(graph, temp, **options))
        return [out]
    except OSError as exc:
        named = exc.filename is not None and TMP_TAG not in str(exc.filename)
        where = exc.filename if named else out
        raise ExportError(f"{where}: cannot write: {exc.strerror or exc}") from None
