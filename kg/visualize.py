"""Render a knowledge graph as one self-contained, offline, interactive HTML page.

The page draws the networkx view of :func:`kg.view.to_networkx`, the one the analytics and
the GraphML/GEXF/Neo4j exports read, so all of them agree: a node per entity (coloured by type,
sized by PageRank), an edge per stated relation (labelled with its predicate; its evidence
sentences, documents and rules are the edge's attributes).

pyvis renders it, from our own template (``kg/data/templates/graph.html``): vis-network is
inlined, nothing is loaded from the network, the template escapes everything, and the page
builds tooltips and the side panel as text-only DOM nodes, because labels and sentences come
from documents and are untrusted.

Up to :data:`PHYSICS_LIMIT` entities, vis-network lays the graph out itself (forceAtlas2Based,
a bounded number of stabilization iterations, about a second). Past that, its physics costs
about 15 ms per 1,000 entities per iteration in Chromium, so the layout is computed here (a
force-directed layout with numpy, a few seconds for 10,000 entities) and the page opens with
physics off, its relations drawn light and labelled only for the selected entity: thousands of
edge labels cost Chromium seconds a frame.

Beside the view, the page carries what the graph reports about each entity (prices, dates,
figures, read here by SPARQL) for the side panel.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader
from pyvis.network import Network
from rdflib import Graph

from kg.errors import AnalysisError
from kg.link import visible
from kg.namespaces import ENTITY_TYPES, RDFS, SDO, local_name
from kg.ontology import label as _predicate_label

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

__all__ = [
    "DEFAULT_MAX_NODES",
    "PHYSICS_LIMIT",
    "COLORS",
    "LABEL_PX",
    "page_title",
    "title_for",
    "render_html",
    "write_html",
]

#: The most entities a page shows unless told otherwise: past this many, the highest ranked
#: are kept and the page says how many were left out.
DEFAULT_MAX_NODES = 10_000
#: Past this many entities, the layout is computed in Python and the page opens with physics
#: off; up to it, vis-network's physics lays the graph out in the browser.
PHYSICS_LIMIT = 1_000
#: One fixed colour per entity type, so pages built from different graphs read alike.
COLORS: dict[str, str] = {
    "Person": "#4e79a7",
    "Organization": "#f28e2b",
    "Product": "#59a14f",
    "Market": "#b07aa1",
    "Event": "#e15759",
}

#: The smallest size, in screen pixels, of an entity's label when the page opens: the page fits
#: the connected core into view, or zooms no further out than this allows.
LABEL_PX = 11

_TEMPLATE = "graph.html"
_NODE_FONT, _EDGE_FONT = 16, 13
_VIS_LIB = "templates/lib/vis-9.1.2"
_MIN_SIZE, _MAX_SIZE = 8.0, 40.0
#: Spacing of the computed layout, in vis-network's units (a node's radius is 8 to 40): wide
#: enough for labels at the opening scale.
_SPACING = 110.0
# Settings that keep large graphs usable (see PITFALLS.md, pyvis).
_OPTIONS: dict[str, Any] = {
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -50,
            "springLength": 70,
            "centralGravity": 0.02,
        },
        # the page fits the view itself once the layout is done (to the core, labels readable)
        "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 50, "fit": False},
        "minVelocity": 1.0,
    },
    "layout": {"improvedLayout": False, "randomSeed": 7},
    "nodes": {"shape": "dot", "font": {"size": _NODE_FONT}, "borderWidth": 1},
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#a0a0a0", "highlight": "#404040", "hover": "#404040"},
        "font": {"size": _EDGE_FONT, "align": "middle", "color": "#555555"},
    },
    "interaction": {"hideEdgesOnDrag": True, "hover": True, "tooltipDelay": 150},
}
# With a computed layout: nothing moves by itself, edges are not drawn while zooming, and
# thousands of them are drawn light so that the entities stay readable.
_FIXED_OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
    "edges": {"color": {"color": "#d4d4d4"}},
    "interaction": {"hideEdgesOnZoom": True},
}


@dataclass(frozen=True)
class _Selection:
    """The entities a page shows, and how it came to show them (for the page's note)."""

    nodes: list[str]
    total: int
    filters: list[str]
    capped: int  # entities that passed the filters but were left out by max_nodes


def render_html(
    graph: Graph,
    *,
    view: nx.MultiDiGraph | None = None,
    title: str = "kg",
    focus: str | None = None,
    depth: int = 1,
    types: Iterable[str] | None = None,
    min_degree: int = 0,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    open_relations: bool = False,
) -> str:
    """Render the entities and relations of ``graph`` as an interactive HTML page.

    The page shows the :func:`kg.view.to_networkx` view (open relations included): nodes
    coloured by type and sized by PageRank, edges labelled with their predicate. It opens
    fitted to the connected core, labels at least :data:`LABEL_PX` pixels; entities with no
    relation shown wait behind a "show N unconnected" button. Checkboxes per entity type and
    per relation type (open relations off unless ``open_relations``) and a minimum confidence
    filter what is shown; a double-click shows all of an entity's relations and neighbours.
    Hovering shows an entity's type, aliases and evidence sentences; a search box finds an
    entity by any name or alias; clicking one shows in a side panel its prices, dates and
    figures, and one item per related entity with the relations and each sentence stating them
    once, with its document; a button freezes the layout. It needs no network access.

    Filters apply in this order: ``focus``/``depth``, ``types``, ``min_degree``, then
    ``max_nodes``. The focused entity is always shown. Ranks and degrees come from the whole
    graph, without open relations (as the analytics count them).

    Args:
        graph: a graph built by ``kg``.
        view: its :func:`kg.view.to_networkx` view, when already made.
        title: the page title and heading.
        focus: show only the neighbourhood of this entity (a name or alias, as ``kg show``
            finds it, or an IRI).
        depth: with ``focus``, how many relations away from it to go (either direction).
        types: show only entities of these types (any case).
        min_degree: show only entities with at least this many relations.
        max_nodes: show at most this many entities, those ranked highest by PageRank; the page
            says how many were left out. ``None`` shows them all.
        open_relations: show open relations (``kg:relatedTo``) at open; they are on the page
            either way, their checkbox off without it.

    Returns:
        The HTML page.

    Raises:
        AnalysisError: an unknown type, or ``depth``, ``min_degree`` or ``max_nodes`` out of
            range.
        kg.show.EntityNotFoundError: ``focus`` names no entity (the message lists the closest).
        kg.errors.AmbiguousEntityError: ``focus`` names several.

    >>> from rdflib import Graph
    >>> page = render_html(Graph(), title="empty")
    >>> page.startswith("<!DOCTYPE html>") and "<title>empty</title>" in page
    True
    """
    from kg.analyze import rank
    from kg.view import OPEN_RELATION, to_networkx

    wanted = _check(types, depth, min_degree, max_nodes)
    view = to_networkx(graph, open_relations=True) if view is None else view
    # Ranks, degrees and the filters read the typed relations; open ones are on the page, off
    # unless asked for.
    typed = _without(view, {OPEN_RELATION})
    scores = {r.entity.iri: r.score for r in rank(typed, by="pagerank", limit=len(typed))}
    selection = _select(graph, typed, scores, focus, depth, wanted, min_degree, max_nodes)
    kept = set(selection.nodes)
    drawn = typed if not open_relations else view  # the relations shown at open
    core, unconnected = _core(drawn, selection.nodes)
    top = max((scores[node] for node in kept), default=0.0) or 1.0
    facts, dates = _facts(graph, kept)
    nodes = [_node(typed, node, scores[node], top, facts.get(node, [])) for node in selection.nodes]
    edges = [
        _edge(i, s, o, data, dates.get((s, str(data.get("predicate", "")), o), []))
        for i, (s, o, data) in enumerate(
            (s, o, data) for s, o, data in view.edges(data=True) if s in kept and o in kept
        )
    ]
    fixed = len(nodes) > PHYSICS_LIMIT
    if fixed:
        for node, (x, y) in zip(nodes, _layout(drawn, selection.nodes), strict=True):
            node["x"], node["y"] = x, y
    # Hidden at open: entities with no relation drawn (behind "show N unconnected"), kept out
    # of the physics so they do not push the core apart; open relations unless asked for.
    all_unconnected = len(unconnected) == len(nodes)
    for node in nodes:
        if node["id"] in unconnected and not all_unconnected:
            node["hidden"] = True
            node["physics"] = False
    for edge in edges:
        if edge["predicate"] == OPEN_RELATION and not open_relations:
            edge["hidden"] = True
    options = _merge(_OPTIONS, _FIXED_OPTIONS) if fixed else _OPTIONS

    net = Network(directed=True, cdn_resources="in_line", heading=title)
    # Filled directly: add_node/add_edge are quadratic.
    net.nodes = nodes
    net.edges = edges
    net.set_options(json.dumps(options))
    # What set_template_dir does, but with our loader: pyvis's Environment does not autoescape.
    net.path = _TEMPLATE
    counts = {name: sum(n["kgType"] == name for n in nodes) for name in ENTITY_TYPES}
    net.templateEnv = _environment(
        legend=[
            {"type": name, "color": COLORS[name], "count": counts[name]}
            for name in ENTITY_TYPES
            if counts[name]
        ],
        relations=_relation_legend(edges, open_relations, OPEN_RELATION),
        core=core,
        unconnected=len(unconnected),
        show_unconnected=all_unconnected,
        label_px=LABEL_PX,
        edge_labels=not fixed,
        node_font=_NODE_FONT,
        shown=len(nodes),
        total=selection.total,
        filters=selection.filters,
        capped=selection.capped,
        max_nodes=max_nodes,
        fixed=fixed,
        physics_limit=PHYSICS_LIMIT,
    )
    page: str = net.generate_html()
    return page


def write_html(graph: Graph, path: str | PathLike[str], **kwargs: Any) -> Path:
    """Render ``graph`` with :func:`render_html` and write the page to ``path`` (UTF-8).

    Args:
        graph: a graph built by ``kg``.
        path: the file to write.
        **kwargs: passed on to :func:`render_html` (``title``, ``focus``, ``max_nodes`` ...).

    Returns:
        The path written.
    """
    out = Path(path)
    out.write_text(render_html(graph, **kwargs), encoding="utf-8")
    return out


def page_title(roots: Iterable[str | PathLike[str]] = (), fallback: str = "") -> str:
    """The title of every page of a graph, whatever command writes it: ``kg: `` and the names
    of the folders the documents were read from (never where they are), else ``fallback``.

    >>> page_title(["/home/someone/news"]), page_title(["/a/news", "/b/blogs"])
    ('kg: news', 'kg: news, blogs')
    >>> page_title([], "tiny"), page_title()
    ('kg: tiny', 'kg')
    """
    names = [Path(root).name or "documents" for root in roots]
    names = [name for i, name in enumerate(names) if name not in names[:i]]
    named = ", ".join(names) or fallback
    return f"kg: {named}" if named else "kg"


def title_for(path: str | PathLike[str]) -> str:
    """The :func:`page_title` of the graph at ``path`` (a build folder, a store or an RDF
    file): the source folders its build recorded, else the graph's own name (``tiny`` for
    ``tiny.ttl``)."""
    from kg.buildfolder import manifest_of
    from kg.errors import KGError
    from kg.store import locate

    given = Path(path)
    try:
        found = locate(given)
    except KGError:
        found = given
    manifest = manifest_of(found)
    fallback = given.resolve().stem if given.name in ("", ".", "..") else given.stem
    return page_title(manifest.roots if manifest else (), fallback)


# ---------------------------------------------------------------------------- selection


def _check(
    types: Iterable[str] | None, depth: int, min_degree: int, max_nodes: int | None
) -> list[str] | None:
    """The canonical type names asked for; raises on arguments out of range."""
    if depth < 1:
        raise AnalysisError(f"depth must be 1 or more, not {depth}")
    if min_degree < 0:
        raise AnalysisError(f"min_degree must be 0 or more, not {min_degree}")
    if max_nodes is not None and max_nodes < 1:
        raise AnalysisError(f"max_nodes must be 1 or more, not {max_nodes}")
    if types is None:
        return None
    wanted = []
    for name in types:
        found = next((t for t in ENTITY_TYPES if t.lower() == name.strip().lower()), None)
        if found is None:
            raise AnalysisError(
                f"unknown type {name.strip()!r}; choose from {', '.join(ENTITY_TYPES)}"
            )
        if found not in wanted:
            wanted.append(found)
    if not wanted:
        raise AnalysisError(f"no type given; choose from {', '.join(ENTITY_TYPES)}")
    return wanted


def _select(
    graph: Graph,
    view: nx.MultiDiGraph,
    scores: dict[str, float],
    focus: str | None,
    depth: int,
    types: list[str] | None,
    min_degree: int,
    max_nodes: int | None,
) -> _Selection:
    import networkx as nx

    from kg.analyze import resolve

    candidates: Iterable[str] = view.nodes
    filters: list[str] = []
    center = None
    if focus is not None:
        center = resolve(graph, view, focus)
        near = nx.single_source_shortest_path_length(
            view.to_undirected(as_view=True), center, cutoff=depth
        )
        candidates = list(near)
        hops = f"{depth} relation{'s' if depth != 1 else ''}"
        filters.append(f"within {hops} of {view.nodes[center]['label']}")
    if types is not None:
        candidates = [n for n in candidates if n == center or view.nodes[n]["type"] in types]
        filters.append("types " + ", ".join(types))
    if min_degree:
        candidates = [n for n in candidates if n == center or view.degree(n) >= min_degree]
        filters.append(f"at least {min_degree} relation{'s' if min_degree != 1 else ''}")
    ranked = sorted(
        candidates,
        key=lambda n: (n != center, -scores[n], str(view.nodes[n]["label"]).casefold(), n),
    )
    kept = ranked if max_nodes is None else ranked[:max_nodes]
    return _Selection(kept, len(view), filters, len(ranked) - len(kept))


# ---------------------------------------------------------------------------- page data


def _split(joined: str, separator: str) -> list[str]:
    return [item for item in joined.split(separator) if item]


def _node(
    view: nx.MultiDiGraph, node: str, score: float, top: float, facts: list[dict[str, str]]
) -> dict[str, Any]:
    data = view.nodes[node]
    label = str(data.get("label", node))
    type_name = str(data.get("type", ""))
    aliases = [a for a in _split(str(data.get("aliases", "")), "|") if a != label]
    made: dict[str, Any] = {
        "id": node,
        "label": label,
        "kgType": type_name,
        "kind": str(data.get("kind", "")),
        "aliases": aliases,
        "names": sorted({_fold(name) for name in (label, *aliases)}),
        "degree": int(view.degree(node)),
        "rank": round(score, 6),
        "color": COLORS.get(type_name, "#999999"),
        "size": round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt(score / top), 1),
    }
    if facts:
        made["facts"] = facts
    return made


def _edge(index: int, s: str, o: str, data: dict[str, Any], dates: list[str]) -> dict[str, Any]:
    predicate = str(data.get("predicate", ""))
    return {
        "id": index,
        "from": s,
        "to": o,
        "label": _predicate_label(predicate),
        "predicate": predicate,
        # invisible characters of a sentence are written out (⟨U+202E⟩), never obeyed
        "evidence": [_visible(s) for s in _split(str(data.get("evidence", "")), "\n")],
        "documents": _split(str(data.get("documents", "")), "|"),
        "citations": [
            [_visible(sentence), document]
            for sentence, document in json.loads(str(data.get("citations") or "[]"))
        ],
        "rules": _split(str(data.get("rules", "")), "|"),
        "confidence": round(float(data.get("confidence", 0.0)), 3),
        "dates": dates,
    }


def _without(view: nx.MultiDiGraph, predicates: set[str]) -> nx.MultiDiGraph:
    """The view without the relations of ``predicates`` (a read-only view of it)."""
    import networkx as nx

    if not any(key in predicates for _, _, key in view.edges(keys=True)):
        return view
    kept: nx.MultiDiGraph = nx.subgraph_view(
        view, filter_edge=lambda s, o, key: key not in predicates
    )
    return kept


def _core(drawn: nx.MultiDiGraph, nodes: list[str]) -> tuple[list[str], set[str]]:
    """The connected core of the page, the entities the view is fitted to at open: the
    largest group of ``nodes`` linked by relations drawn (ties: the one holding the highest
    ranked; ``nodes`` is in rank order), in rank order; and the entities with no relation
    drawn."""
    import networkx as nx

    order = {node: i for i, node in enumerate(nodes)}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from((s, o) for s, o in drawn.edges() if s in order and o in order and s != o)
    unconnected = {node for node in nodes if simple.degree(node) == 0}
    groups = [g for g in nx.connected_components(simple) if len(g) > 1]
    if not groups:
        return [], unconnected
    best = max(groups, key=lambda g: (len(g), -min(order[n] for n in g)))
    return sorted(best, key=order.__getitem__), unconnected


def _relation_legend(
    edges: list[dict[str, Any]], open_relations: bool, open_predicate: str
) -> list[dict[str, Any]]:
    """A checkbox per relation type on the page: label, count, and whether shown at open."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for edge in edges:
        counts[edge["predicate"]] = counts.get(edge["predicate"], 0) + 1
        labels[edge["predicate"]] = edge["label"]
    return [
        {
            "predicate": predicate,
            "label": labels[predicate],
            "count": counts[predicate],
            "checked": open_relations or predicate != open_predicate,
        }
        for predicate in sorted(counts, key=lambda p: (-counts[p], labels[p].casefold(), p))
    ]


# ---------------------------------------------------------------------------- facts

_DOCUMENT = """OPTIONAL { ?source prov:wasDerivedFrom ?doc . OPTIONAL { ?doc kg:path ?path } }
  BIND(COALESCE(?path, ?doc) AS ?document)"""
_PRICES = (
    """SELECT ?entity ?price ?currency ?sentence ?document WHERE {
  ?entity schema:offers ?offer . ?offer schema:price ?price .
  OPTIONAL { ?offer schema:priceCurrency ?currency }
  OPTIONAL { ?source rdf:subject ?entity ; rdf:predicate schema:offers ; rdf:object ?offer ;
                     kg:sentence ?sentence . }
  """
    + _DOCUMENT
    + "\n}"
)
#: An entity's own dates, as the panel words them.
_OWN_DATES = {
    str(SDO.foundingDate): "founded",
    str(SDO.startDate): "starts",
    str(SDO.endDate): "ends",
}
_DATES = (
    """SELECT ?entity ?p ?date ?sentence ?document WHERE {
  VALUES ?p { schema:foundingDate schema:startDate schema:endDate }
  ?entity ?p ?date ; rdfs:label ?label .
  OPTIONAL { ?source rdf:subject ?entity ; rdf:predicate ?p ; rdf:object ?date ;
                     kg:sentence ?sentence . }
  """
    + _DOCUMENT
    + "\n}"
)
_DATED = """SELECT DISTINCT ?s ?p ?o ?date WHERE {
  ?source a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:date ?date .
}"""
_FIGURES = (
    """SELECT ?entity ?metric ?value ?unit ?period ?market ?by ?sentence ?document WHERE {
  ?source a kg:Observation ; kg:about ?entity ; kg:metric ?metric ; schema:value ?value .
  OPTIONAL { ?source kg:unit ?unit }
  OPTIONAL { ?source kg:period ?period }
  OPTIONAL { ?source kg:market ?m . OPTIONAL { ?m rdfs:label ?marketLabel } }
  BIND(COALESCE(?marketLabel, ?m) AS ?market)
  OPTIONAL { ?source kg:source ?b . OPTIONAL { ?b rdfs:label ?byLabel } }
  BIND(COALESCE(?byLabel, ?b) AS ?by)
  OPTIONAL { ?source kg:sentence ?sentence }
  """
    + _DOCUMENT
    + "\n}"
)


def _number(text: str) -> str:
    """A number as people read it: ``100000000000`` -> ``100,000,000,000``, ``6.30`` ->
    ``6.3``; anything else as it is.

    >>> _number("100000000000"), _number("6.30"), _number("1999"), _number("n/a")
    ('100,000,000,000', '6.3', '1,999', 'n/a')
    """
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _fact(kind: str, text: str, sentence: Any, document: Any) -> dict[str, str]:
    return {
        "kind": kind,
        "text": text,
        "sentence": visible(" ".join(str(sentence or "").split())),
        "document": str(document or ""),
    }


def _facts(
    graph: Graph, kept: set[str]
) -> tuple[dict[str, list[dict[str, str]]], dict[tuple[str, str, str], list[str]]]:
    """What the graph reports about each entity of ``kept`` beyond its relations: prices
    (``schema:offers``), dates (founding, start and end dates, and the dates of the
    relations it takes part in) and figures (``kg:Observation``), each with the sentence
    and document that state it; and the dates stated for each relation (subject, predicate,
    object)."""
    from kg.query import run_query

    found: dict[str, dict[tuple[str, str, str], dict[str, str]]] = {}

    def add(entity: str, fact: dict[str, str]) -> None:
        if entity in kept:
            key = (fact["kind"], fact["text"], fact["sentence"])
            found.setdefault(entity, {}).setdefault(key, fact)

    dates: dict[tuple[str, str, str], set[str]] = {}
    labels = _labels(graph)
    for row in run_query(graph, _PRICES):
        entity, price, currency, sentence, document = (row[i] for i in range(5))  # type: ignore[index]
        text = f"{_number(str(price))} {currency or ''}".strip()
        add(str(entity), _fact("price", text, sentence, document))
    for row in run_query(graph, _DATES):
        entity, p, date, sentence, document = (row[i] for i in range(5))  # type: ignore[index]
        what = _OWN_DATES.get(str(p), _predicate_label(str(p)))
        add(str(entity), _fact("date", f"{date}: {what}", sentence, document))
    # the dates of its relations: one line per date (the sentences are with the relations)
    timeline: dict[tuple[str, str], list[str]] = {}
    for row in run_query(graph, _DATED):
        s, p, o, date = (str(row[i]) for i in range(4))  # type: ignore[index]
        dates.setdefault((s, p, o), set()).add(date)
        predicate = _predicate_label(p)
        for entity, what in (
            (s, f"{predicate} {labels.get(o, _local(o))}"),
            (o, f"{labels.get(s, _local(s))} {predicate}"),
        ):
            seen = timeline.setdefault((entity, date), [])
            if what not in seen:
                seen.append(what)
    for (entity, date), happened in timeline.items():
        add(entity, _fact("date", f"{date}: {'; '.join(sorted(happened))}", None, None))
    for row in run_query(graph, _FIGURES):
        cells = [row[i] for i in range(9)]  # type: ignore[index]
        entity, metric, value, unit, period, market, by, sentence, document = cells
        amount = _number(str(value))
        if unit is not None:
            amount += str(unit) if str(unit) == "%" else f" {unit}"
        parts = [f"{metric}: {amount}"]
        for word, term in (("in", market), ("for", period), ("per", by)):
            if term is not None:
                parts.append(f"{word} {_local(str(term))}")
        add(str(entity), _fact("figure", " ".join(parts), sentence, document))
    facts = {
        entity: sorted(facts.values(), key=lambda f: (f["kind"], f["text"], f["sentence"]))
        for entity, facts in found.items()
    }
    return facts, {key: sorted(value) for key, value in dates.items()}


def _labels(graph: Graph) -> dict[str, str]:
    return {str(s): str(label) for s, label in graph.subject_objects(RDFS.label)}


def _local(iri: str) -> str:
    """An IRI's last segment, or a literal as it is."""
    return (local_name(iri) or iri) if iri.startswith(("http:", "https:")) else iri


@lru_cache(maxsize=65_536)
def _visible(sentence: str) -> str:
    """:func:`kg.link.visible`, once per sentence: the evidence and the citations repeat them."""
    return visible(sentence)


def _fold(name: str) -> str:
    """The search key of a name, as :func:`kg.link.fold` (the page folds queries alike)."""
    from kg.link import fold

    return fold(name)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        merged[key] = _merge(old, value) if isinstance(old, dict) else value
    return merged


def _environment(**page: Any) -> Environment:
    env = Environment(loader=PackageLoader("kg", "data/templates"), autoescape=True)
    vis_js, vis_css = _vis_assets()
    env.globals.update(page, vis_js=vis_js, vis_css=vis_css)
    return env


@cache
def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis").joinpath(_VIS_LIB)
    return (
        lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"),
        lib.joinpath("vis-network.css").read_text(encoding="utf-8"),
    )


# ---------------------------------------------------------------------------- layout


def _layout(
    view: nx.MultiDiGraph, nodes: list[str], *, iterations: int = 300
) -> list[tuple[float, float]]:
    """Positions for ``nodes``: a force-directed layout computed with numpy, for pages too big
    for the browser's physics.

    ForceAtlas2's forces (edges pull linearly, entities repel in proportion to their degree + 1,
    gravity pulls toward the centre), but repulsion falls off as 1/d² so that the local structure
    sets the spacing, and it is summed on a grid by FFT (particle-mesh), exactly only between
    entities that share a grid cell: each iteration is O(n log n), 300 iterations take about
    4 s for 10,000 entities and 30,000 relations. The cooling schedule caps each step. The seed
    is fixed, so a graph always gets the same layout.
    """
    import networkx as nx
    import numpy as np

    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[s], index[o]) for s, o in view.edges() if s in index and o in index]
    src = np.array([p[0] for p in pairs], dtype=np.intp)
    dst = np.array([p[1] for p in pairs], dtype=np.intp)
    pos = _forces(len(nodes), src, dst, iterations=iterations)
    # Components that drifted far out (isolated entities, small groups) are brought back to the
    # rim, each moved as a whole so that its shape is kept.
    simple = nx.Graph()
    simple.add_nodes_from(range(len(nodes)))
    simple.add_edges_from(pairs)
    radius = np.sqrt((pos * pos).sum(axis=1))
    rim = float(np.quantile(radius, 0.9)) * 1.1 if len(nodes) else 0.0
    for component in nx.connected_components(simple):
        members = np.fromiter(component, dtype=np.intp)
        centre = pos[members].mean(axis=0)
        far = float(np.hypot(*centre))
        if far > rim > 0:
            pos[members] += centre * ((rim + 0.1 * (far - rim)) / far - 1.0)
    return [(round(float(x), 1), round(float(y), 1)) for x, y in pos]


def _forces(
    n: int, src: np.ndarray, dst: np.ndarray, *, iterations: int, seed: int = 0
) -> np.ndarray:
    """The force simulation of :func:`_layout`: an (n, 2) array of positions."""
    import numpy as np

    rng = np.random.default_rng(seed)
    mass = 1.0 + np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    spread = math.sqrt(max(n, 1)) * 10.0
    pos = rng.uniform(-spread, spread, (n, 2))
    if n < 2:
        return pos * 0.0
    cells = int(min(256, max(32, 2 ** math.ceil(math.log2(2 * math.sqrt(n))))))
    size = 2 * cells  # zero-padded, so that the FFT's convolution does not wrap around
    offsets = np.arange(size, dtype=float)
    offsets = np.where(offsets < cells, offsets, offsets - size)
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    cube = (dx * dx + dy * dy) ** 1.5
    cube[0, 0] = 1.0  # the cell itself: dx = dy = 0, no force
    kernel_x, kernel_y = np.fft.rfft2(dx / cube), np.fft.rfft2(dy / cube)
    repulsion, gravity = 100.0, 1.0
    for step in range(iterations):
        low = pos.min(axis=0)
        span = float((pos.max(axis=0) - low).max()) or 1.0
        width = span * 1.0001 / cells
        cell = np.minimum(((pos - low) / width).astype(np.intp), cells - 1)
        flat = cell[:, 0] * size + cell[:, 1]
        density = np.fft.rfft2(
            np.bincount(flat, weights=mass, minlength=size * size).reshape(size, size)
        )
        field_x = np.fft.irfft2(density * kernel_x, s=(size, size)).ravel()[flat]
        field_y = np.fft.irfft2(density * kernel_y, s=(size, size)).ravel()[flat]
        force = (repulsion / width**2) * mass[:, None] * np.column_stack((field_x, field_y))
        # Entities in the same cell, which the grid does not see apart: exactly, each with the
        # next few in cell order.
        order = np.argsort(flat, kind="stable")
        for offset in range(1, 7):
            a, b = order[:-offset], order[offset:]
            same = flat[a] == flat[b]
            if not same.any():
                break
            a, b = a[same], b[same]
            diff = pos[a] - pos[b]
            dist3 = ((diff * diff).sum(axis=1) + 1e-9) ** 1.5
            push = (repulsion * mass[a] * mass[b] / dist3)[:, None] * diff
            np.add.at(force, a, push)
            np.add.at(force, b, -push)
        diff = pos[src] - pos[dst]
        for axis in (0, 1):
            pull = np.bincount(src, weights=diff[:, axis], minlength=n)
            force[:, axis] -= pull - np.bincount(dst, weights=diff[:, axis], minlength=n)
        force -= (gravity * mass / spread)[:, None] * pos
        move = force / mass[:, None]
        length = np.sqrt((move * move).sum(axis=1)) + 1e-9
        limit = span * (0.1 * (1.0 - step / iterations) + 0.001)
        pos += move * (np.minimum(length, limit) / length)[:, None]
    # Scaled so that nine in ten entities fit in a disc giving each about _SPACING².
    pos -= np.median(pos, axis=0)
    reach = float(np.quantile(np.sqrt((pos * pos).sum(axis=1)), 0.9)) or 1.0
    result: np.ndarray = pos * (0.9 * math.sqrt(n / math.pi) * _SPACING / reach)
    return result
