"""Analytics on the networkx view (:mod:`kg.view`): counts, centrality, paths, neighbours
and communities, as small frozen records.

Their text, JSON and CSV forms are in :mod:`kg.report`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import islice, pairwise
from statistics import median
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef

from kg.errors import AmbiguousEntityError, AnalysisError
from kg.namespaces import ENTITY_TYPES, curie
from kg.ontology import label as term_label
from kg.view import OPEN_RELATION, to_networkx

__all__ = [
    "MEASURES",
    "BETWEENNESS_SOURCES",
    "TABLE_EVIDENCE",
    "EntityRef",
    "Evidence",
    "Link",
    "Degrees",
    "Stats",
    "Ranked",
    "Step",
    "Paths",
    "Neighbor",
    "Neighborhood",
    "Member",
    "Community",
    "resolve",
    "stats",
    "rank",
    "pagerank",
    "shortest_paths",
    "neighbors",
    "communities",
    # kg.view's, for the readers of the analytics: they take the view
    "to_networkx",
    "OPEN_RELATION",
]

# ---------------------------------------------------------------------------- analytics
#
# The measures below read the view. Relations count in both directions: which end of a
# relation is its subject is a choice of the ontology (an organization has a CEO, a person
# is based in a market), not a flow of importance.

#: The measures ``rank`` knows: name -> what the score is.
MEASURES: dict[str, str] = {
    "pagerank": "PageRank over relations in both directions (damping 0.85)",
    "degree": "number of relations the entity takes part in",
    "betweenness": "share of shortest paths between other entities that pass through it",
}
#: Past this many entities, betweenness is estimated from this many sampled sources (fixed
#: seed): the exact measure takes minutes on 10,000 entities.
BETWEENNESS_SOURCES = 500
#: Sentences per relation a table shows (JSON and CSV give them all).
TABLE_EVIDENCE = 3

_EVIDENCE = """
SELECT DISTINCT ?sentence ?document WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?st kg:sentence ?sentence }
  OPTIONAL { ?st prov:wasDerivedFrom ?doc . OPTIONAL { ?doc kg:path ?path } }
  BIND(COALESCE(?path, ?doc) AS ?document)
}
"""
_DOCUMENTS = """
SELECT (COUNT(DISTINCT ?doc) AS ?documents) WHERE { ?doc a prov:Entity, schema:CreativeWork }
"""


@dataclass(frozen=True)
class EntityRef:
    """An entity as the analytics print it."""

    iri: str
    label: str
    type: str

    def as_dict(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label, "type": self.type}


@dataclass(frozen=True)
class Evidence:
    """A sentence that states a relation, and the document it is in."""

    sentence: str
    document: str


@dataclass(frozen=True)
class Link:
    """One relation, walked from ``source`` to ``target``.

    Attributes:
        source: the entity the walk comes from.
        target: the entity it reaches.
        predicate: the predicate IRI.
        label: the predicate's short name (its ``rdfs:label`` in the ontology, else its local
            name).
        forward: ``True`` when the triple is ``source predicate target``, ``False`` when it is
            ``target predicate source``.
        evidence: the sentences stating it (filled in by :func:`shortest_paths` only).
    """

    source: EntityRef
    target: EntityRef
    predicate: str
    label: str
    forward: bool
    evidence: tuple[Evidence, ...] = ()

    @property
    def arrow(self) -> str:
        """``-label->`` or ``<-label-``, read from source to target."""
        return f"-{self.label}->" if self.forward else f"<-{self.label}-"


@dataclass(frozen=True)
class Degrees:
    """The degree distribution: relations per entity."""

    min: int
    median: float
    mean: float
    max: int
    #: (bin, entities): ``0``, ``1``, ``2``, ``3-4``, ``5-8`` ... up to the largest degree.
    histogram: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Stats:
    """What :func:`stats` counts."""

    documents: int
    entities: dict[str, int]
    relations: dict[str, int]
    components: int
    largest_component: int
    isolated: int
    density: float
    degrees: Degrees

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "entities": {"total": sum(self.entities.values()), "by_type": self.entities},
            "relations": {"total": sum(self.relations.values()), "by_predicate": self.relations},
            "components": {
                "count": self.components,
                "largest": self.largest_component,
                "isolated": self.isolated,
            },
            "density": self.density,
            "degree": {
                "min": self.degrees.min,
                "median": self.degrees.median,
                "mean": self.degrees.mean,
                "max": self.degrees.max,
                "histogram": dict(self.degrees.histogram),
            },
        }


@dataclass(frozen=True)
class Ranked:
    """One entity of a ranking."""

    rank: int
    entity: EntityRef
    score: float


@dataclass(frozen=True)
class Step:
    """Two consecutive entities of a chain and every relation between them."""

    source: EntityRef
    target: EntityRef
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Paths:
    """The shortest chains between two entities.

    Attributes:
        source: where the chains start.
        target: where they end.
        chains: each chain a tuple of steps; empty when the two are not connected.
        more: more chains of the same length exist than ``limit`` let through.
    """

    source: EntityRef
    target: EntityRef
    chains: tuple[tuple[Step, ...], ...]
    more: bool = False

    @property
    def hops(self) -> int | None:
        """The length of every chain, ``None`` when there is none."""
        return len(self.chains[0]) if self.chains else None


@dataclass(frozen=True)
class Neighbor:
    """An entity near another: how many hops away, and the relations that lead to it."""

    entity: EntityRef
    depth: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Neighborhood:
    """The entities within ``depth`` hops of ``entity``, nearest first."""

    entity: EntityRef
    depth: int
    neighbors: tuple[Neighbor, ...]


@dataclass(frozen=True)
class Member:
    """An entity of a community, with its degree and PageRank in the whole graph."""

    entity: EntityRef
    degree: int
    pagerank: float


@dataclass(frozen=True)
class Community:
    """A community: its members, the most connected first."""

    number: int
    members: tuple[Member, ...]


def _ref(view: nx.MultiDiGraph, node: str) -> EntityRef:
    data = view.nodes[node]
    return EntityRef(node, str(data.get("label", node)), str(data.get("type", "")))


def _undirected(view: nx.MultiDiGraph) -> nx.Graph:
    """The view as a simple undirected graph, nodes and edges in sorted order so that results
    do not depend on the order a store returned them in; ``weight`` counts the relations
    between two entities."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(view.nodes))
    for s, o in sorted(view.edges()):
        if simple.has_edge(s, o):
            simple[s][o]["weight"] += 1
        else:
            simple.add_edge(s, o, weight=1)
    return simple


def _pagerank(
    simple: nx.Graph, *, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 1000
) -> dict[str, float]:
    """PageRank of an undirected weighted graph by power iteration.

    The same numbers as ``nx.pagerank``, which needs SciPy, a package this project does not
    depend on. An entity without relations hands its rank to every entity alike.
    """
    nodes = list(simple)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    strength = [sum(d["weight"] for d in simple[node].values()) for node in nodes]
    # what each entity receives: (giver, share of the giver's rank)
    shares = [
        [(index[u], d["weight"] / strength[index[u]]) for u, d in simple[node].items()]
        for node in nodes
    ]
    lonely = [i for i in range(n) if not strength[i]]
    rank = [1.0 / n] * n
    for _ in range(max_iter):
        base = (1.0 - alpha) / n + alpha * sum(rank[i] for i in lonely) / n
        new = [base + alpha * sum(rank[u] * share for u, share in given) for given in shares]
        done = sum(abs(a - b) for a, b in zip(new, rank, strict=True)) < tol
        rank = new
        if done:
            break
    return dict(zip(nodes, rank, strict=True))


def pagerank(view: nx.MultiDiGraph) -> dict[str, float]:
    """The PageRank of every entity of the view, relations counted in both directions (the
    score ``rank(view, by="pagerank")`` ranks by).

    >>> view = nx.MultiDiGraph([("a", "b"), ("a", "c")])
    >>> {node: round(score, 3) for node, score in pagerank(view).items()}
    {'a': 0.486, 'b': 0.257, 'c': 0.257}
    """
    return _pagerank(_undirected(view))


def _scores(view: nx.MultiDiGraph, by: str) -> dict[str, float]:
    if by == "degree":
        return {node: float(degree) for node, degree in view.degree()}
    simple = _undirected(view)
    if by == "pagerank":
        return _pagerank(simple)
    if by == "betweenness":
        sample = BETWEENNESS_SOURCES if len(simple) > BETWEENNESS_SOURCES else None
        return dict(nx.betweenness_centrality(simple, k=sample, normalized=True, seed=0))
    raise AnalysisError(f"unknown measure {by!r}; choose one of {', '.join(MEASURES)}")


def _check_type(type: str | None) -> str | None:
    if type is None:
        return None
    found = next((t for t in ENTITY_TYPES if t.lower() == type.lower()), None)
    if found is None:
        raise AnalysisError(f"unknown type {type!r}; choose one of {', '.join(ENTITY_TYPES)}")
    return found


def rank(
    view: nx.MultiDiGraph, *, by: str = "pagerank", type: str | None = None, limit: int = 10
) -> list[Ranked]:
    """The ``limit`` most central entities by the measure ``by`` (a key of :data:`MEASURES`).

    Scores are computed over the whole graph, then the entities of ``type`` kept (any type when
    ``None``). Ties go by label.

    Raises:
        AnalysisError: an unknown measure or type.

    >>> view = nx.MultiDiGraph()
    >>> view.add_nodes_from([("a", {"label": "A", "type": "Person"}), ("b", {"label": "B"})])
    >>> view.add_edge("a", "b", key="p")
    'p'
    >>> [(r.rank, r.entity.label, r.score) for r in rank(view, by="degree")]
    [(1, 'A', 1.0), (2, 'B', 1.0)]
    """
    wanted = _check_type(type)
    scores = _scores(view, by)
    refs = [_ref(view, node) for node in view.nodes]
    kept = sorted(
        (r for r in refs if wanted is None or r.type == wanted),
        key=lambda r: (-scores[r.iri], r.label.casefold(), r.iri),
    )
    return [Ranked(i, ref, scores[ref.iri]) for i, ref in enumerate(kept[:limit], start=1)]


def _histogram(degrees: list[int]) -> tuple[tuple[str, int], ...]:
    """Entities per degree bin, the bins doubling in width: ``0``, ``1``, ``2``, ``3-4`` ...

    >>> _histogram([0, 1, 1, 3, 8])
    (('0', 1), ('1', 2), ('2', 0), ('3-4', 1), ('5-8', 1))
    """
    if not degrees:
        return ()
    counts = [0] * (((max(degrees) - 1).bit_length() + 2) if max(degrees) else 1)
    for degree in degrees:
        counts[(degree - 1).bit_length() + 1 if degree else 0] += 1
    names = []
    for i in range(len(counts)):
        low, high = (i, i) if i < 2 else (2 ** (i - 2) + 1, 2 ** (i - 1))
        names.append(str(low) if low == high else f"{low}-{high}")
    return tuple(zip(names, counts, strict=True))


def stats(graph: Graph, *, view: nx.MultiDiGraph | None = None) -> Stats:
    """Counts and shape of ``graph``: documents, entities per type, relations per predicate
    (entity-to-entity relations with a statement, as in :func:`to_networkx`), weakly
    connected components, density (relations / (n·(n-1))) and the degree distribution.

    Args:
        graph: the knowledge graph.
        view: its :func:`to_networkx` view, when already made.
    """
    from kg.query import run_query

    view = to_networkx(graph) if view is None else view
    rows = list(run_query(graph, _DOCUMENTS))
    documents = int(str(rows[0][0])) if rows else 0  # type: ignore[index]
    entities = Counter(str(t) for _, t in view.nodes(data="type"))
    relations = Counter(curie(str(p)) or str(p) for *_, p in view.edges(data="predicate"))
    components = [len(c) for c in nx.weakly_connected_components(view)]
    degrees = sorted(d for _, d in view.degree())
    return Stats(
        documents=documents,
        entities={t: entities[t] for t in sorted(entities)},
        relations={p: relations[p] for p in sorted(relations)},
        components=len(components),
        largest_component=max(components, default=0),
        isolated=sum(1 for d in degrees if d == 0),
        density=nx.density(view),
        degrees=Degrees(
            min=degrees[0] if degrees else 0,
            median=float(median(degrees)) if degrees else 0.0,
            mean=sum(degrees) / len(degrees) if degrees else 0.0,
            max=degrees[-1] if degrees else 0,
            histogram=_histogram(degrees),
        ),
    )


def resolve(graph: Graph, view: nx.MultiDiGraph, name: str) -> str:
    """The entity ``name`` means: a name or alias as ``kg show`` finds it, or an entity IRI.

    Raises:
        EntityNotFoundError: nothing has that name; the message lists the closest names.
        AmbiguousEntityError: several entities have it; the message lists them with IRIs.
    """
    from kg.show import EntityNotFoundError, find_entity

    iri = name.strip().removeprefix("<").removesuffix(">")
    if iri in view:
        return iri
    found = [str(node) for node in find_entity(graph, name) if str(node) in view]
    if not found:  # an alias of something that is no entity of the view (it has no label)
        raise EntityNotFoundError(f"no entity named {name!r}")
    if len(found) == 1:
        return found[0]
    refs = [_ref(view, node) for node in found]
    choices = "; ".join(f"{r.label} ({r.type}) <{r.iri}>" for r in refs)
    raise AmbiguousEntityError(f"{name!r} names {len(found)} entities: {choices}; give its IRI")


def _labels(graph: Graph) -> Callable[[str], str]:
    """Predicate IRI -> its label in ``graph`` (a built graph holds the ontology), read once."""
    return cache(lambda predicate: term_label(predicate, graph))


def _links(
    view: nx.MultiDiGraph, labels: Callable[[str], str], source: str, target: str
) -> list[tuple[str, str, str]]:
    """The relations between two entities as (subject, predicate, object), sorted by label."""
    found = [(source, p, target) for p in view.get_edge_data(source, target, default={})]
    found += [(target, p, source) for p in view.get_edge_data(target, source, default={})]
    return sorted(found, key=lambda t: (labels(t[1]), t[0] != source, t[1]))


def _evidence(graph: Graph, s: str, p: str, o: str) -> tuple[Evidence, ...]:
    from kg.query import run_query

    bindings = {"s": URIRef(s), "p": URIRef(p), "o": URIRef(o)}
    rows = {
        (" ".join(str(row[0] or "").split()), str(row[1] or ""))  # type: ignore[index]
        for row in run_query(graph, _EVIDENCE, bindings)
    }
    return tuple(Evidence(sentence, doc) for doc, sentence in sorted((d, s) for s, d in rows))


def shortest_paths(
    graph: Graph, source: str, target: str, *, limit: int = 10, view: nx.MultiDiGraph | None = None
) -> Paths:
    """The shortest chains of relations between two entities, in either direction.

    Each step of a chain lists every relation between its two entities, with its direction
    and the sentences (and documents) that state it.

    Args:
        graph: the knowledge graph.
        source: a name, alias or IRI (see :func:`resolve`).
        target: another one.
        limit: at most this many chains (``Paths.more`` says when some were left out).
        view: the :func:`to_networkx` view of ``graph``, when already made.

    Raises:
        EntityNotFoundError: a name matches no entity.
        AmbiguousEntityError: a name matches several.
        AnalysisError: both names mean the same entity.
    """
    view = to_networkx(graph) if view is None else view
    a, b = resolve(graph, view, source), resolve(graph, view, target)
    start, end = _ref(view, a), _ref(view, b)
    if a == b:
        raise AnalysisError(f"{source!r} and {target!r} are the same entity, {start.label}")
    try:
        found = list(islice(nx.all_shortest_paths(_undirected(view), a, b), limit + 1))
    except nx.NetworkXNoPath:
        return Paths(start, end, ())
    labels = _labels(graph)
    evidence: dict[tuple[str, str, str], tuple[Evidence, ...]] = {}
    chains = []
    for nodes in sorted(found[:limit], key=lambda ns: [_ref(view, n).label for n in ns]):
        steps = []
        for u, v in pairwise(nodes):
            links = []
            for s, p, o in _links(view, labels, u, v):
                if (s, p, o) not in evidence:
                    evidence[s, p, o] = _evidence(graph, s, p, o)
                links.append(
                    Link(_ref(view, u), _ref(view, v), p, labels(p), s == u, evidence[s, p, o])
                )
            steps.append(Step(_ref(view, u), _ref(view, v), tuple(links)))
        chains.append(tuple(steps))
    return Paths(start, end, tuple(chains), more=len(found) > limit)


def neighbors(
    graph: Graph, name: str, *, depth: int = 1, view: nx.MultiDiGraph | None = None
) -> Neighborhood:
    """The entities within ``depth`` relations of ``name`` (either direction), nearest first.

    Each neighbour comes with the relations that reach it from the entities one hop nearer.

    Raises:
        EntityNotFoundError: the name matches no entity.
        AmbiguousEntityError: it matches several.
        AnalysisError: ``depth`` is below 1.
    """
    if depth < 1:
        raise AnalysisError(f"depth must be 1 or more, not {depth}")
    view = to_networkx(graph) if view is None else view
    center = resolve(graph, view, name)
    distance = nx.single_source_shortest_path_length(_undirected(view), center, cutoff=depth)
    labels = _labels(graph)
    found = []
    for node, hops in distance.items():
        if node == center:
            continue
        links = []
        for via in sorted(set(view.predecessors(node)) | set(view.successors(node))):
            if distance.get(via) == hops - 1:
                for s, p, _ in _links(view, labels, via, node):
                    link = Link(_ref(view, via), _ref(view, node), p, labels(p), s == via)
                    links.append(link)
        links.sort(key=lambda link: (link.source.label.casefold(), link.label))
        found.append(Neighbor(_ref(view, node), hops, tuple(links)))
    found.sort(key=lambda n: (n.depth, n.entity.label.casefold(), n.entity.iri))
    return Neighborhood(_ref(view, center), depth, tuple(found))


def communities(view: nx.MultiDiGraph, *, seed: int = 0) -> list[Community]:
    """Communities of entities by networkx's Louvain method, with a fixed seed.

    Every entity is in exactly one community (one without relations is a community of its
    own). Communities come largest first, members by degree, then PageRank, then label.

    >>> view = nx.MultiDiGraph()
    >>> view.add_edges_from([("a", "b"), ("c", "d")])
    [0, 0]
    >>> [[m.entity.iri for m in c.members] for c in communities(view)]
    [['a', 'b'], ['c', 'd']]
    """
    simple = _undirected(view)
    pagerank = _pagerank(simple)
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    groups = [
        sorted(
            (Member(_ref(view, n), int(view.degree(n)), pagerank[n]) for n in group),
            key=lambda m: (-m.degree, -m.pagerank, m.entity.label.casefold(), m.entity.iri),
        )
        for group in found
    ]
    groups.sort(key=lambda g: (-len(g), g[0].entity.label.casefold(), g[0].entity.iri))
    return [Community(i, tuple(g)) for i, g in enumerate(groups, start=1)]
