"""Render a knowledge graph as one self-contained, offline, interactive HTML page.

The page draws the networkx view of :func:`kg.analyze.to_networkx`, the one the analytics and
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
physics off.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader
from pyvis.network import Network
from rdflib import Graph

from kg.errors import AnalysisError
from kg.link import visible
from kg.namespaces import ENTITY_TYPES
from kg.ontology import label as _predicate_label

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

__all__ = ["DEFAULT_MAX_NODES", "PHYSICS_LIMIT", "COLORS", "render_html", "write_html"]

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

_TEMPLATE = "graph.html"
_VIS_LIB = "templates/lib/vis-9.1.2"
_MIN_SIZE, _MAX_SIZE = 8.0, 40.0
#: Spacing of the computed layout, in vis-network's units (a node's radius is 8 to 40).
_SPACING = 60.0
# Settings that keep large graphs usable (see PITFALLS.md, pyvis).
_OPTIONS: dict[str, Any] = {
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 90},
        "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 50},
        "minVelocity": 1.0,
    },
    "layout": {"improvedLayout": False, "randomSeed": 7},
    "nodes": {"shape": "dot", "font": {"size": 14}, "borderWidth": 1},
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#a0a0a0", "highlight": "#404040", "hover": "#404040"},
        "font": {"size": 10, "align": "middle", "color": "#555555"},
    },
    "interaction": {"hideEdgesOnDrag": True, "hover": True, "tooltipDelay": 150},
}
# With a computed layout: nothing moves by itself, and edges are not drawn while zooming.
_FIXED_OPTIONS: dict[str, Any] = {
    "physics": {"enabled": False},
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

    The page shows the :func:`kg.analyze.to_networkx` view: nodes coloured by type (with a
    legend and a show/hide checkbox per type) and sized by PageRank, edges labelled with their
    predicate. Hovering shows an entity's type, aliases and evidence sentences; a search box
    finds an entity by any name or alias; clicking one lists its relations with their sentences
    and documents in a side panel; a button freezes the layout. It needs no network access.

    Filters apply in this order: ``focus``/``depth``, ``types``, ``min_degree``, then
    ``max_nodes``. The focused entity is always shown. Ranks and degrees come from the whole
    graph.

    Args:
        graph: a graph built by ``kg``.
        view: its :func:`kg.analyze.to_networkx` view, when already made.
        title: the page title and heading.
        focus: show only the neighbourhood of this entity (a name or alias, as ``kg show``
            finds it, or an IRI).
        depth: with ``focus``, how many relations away from it to go (either direction).
        types: show only entities of these types (any case).
        min_degree: show only entities with at least this many relations.
        max_nodes: show at most this many entities, those ranked highest by PageRank; the page
            says how many were left out. ``None`` shows them all.
        open_relations: draw open relations (``kg:relatedTo``) too.

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
    from kg.analyze import rank, to_networkx

    wanted = _check(types, depth, min_degree, max_nodes)
    view = to_networkx(graph, open_relations=open_relations) if view is None else view
    scores = {r.entity.iri: r.score for r in rank(view, by="pagerank", limit=len(view))}
    selection = _select(graph, view, scores, focus, depth, wanted, min_degree, max_nodes)
    kept = set(selection.nodes)
    top = max((scores[node] for node in kept), default=0.0) or 1.0
    nodes = [_node(view, node, scores[node], top) for node in selection.nodes]
    edges = [
        _edge(i, s, o, data)
        for i, (s, o, data) in enumerate(
            (s, o, data) for s, o, data in view.edges(data=True) if s in kept and o in kept
        )
    ]
    fixed = len(nodes) > PHYSICS_LIMIT
    if fixed:
        for node, (x, y) in zip(nodes, _layout(view, selection.nodes), strict=True):
            node["x"], node["y"] = x, y
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


def _node(view: nx.MultiDiGraph, node: str, score: float, top: float) -> dict[str, Any]:
    data = view.nodes[node]
    label = str(data.get("label", node))
    type_name = str(data.get("type", ""))
    aliases = [a for a in _split(str(data.get("aliases", "")), "|") if a != label]
    return {
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


def _edge(index: int, s: str, o: str, data: dict[str, Any]) -> dict[str, Any]:
    predicate = str(data.get("predicate", ""))
    return {
        "id": index,
        "from": s,
        "to": o,
        "label": _predicate_label(predicate),
        "predicate": predicate,
        # invisible characters of a sentence are written out (⟨U+202E⟩), never obeyed
        "evidence": [visible(s) for s in _split(str(data.get("evidence", "")), "\n")],
        "documents": _split(str(data.get("documents", "")), "|"),
        "citations": [
            [visible(sentence), document]
            for sentence, document in json.loads(str(data.get("citations") or "[]"))
        ],
        "rules": _split(str(data.get("rules", "")), "|"),
        "confidence": round(float(data.get("confidence", 0.0)), 3),
    }


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
