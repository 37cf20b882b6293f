"""Render a knowledge graph as one self-contained, offline, interactive HTML page.

The page is made with pyvis, but from our own template (``kg/data/templates/graph.html``):
vis-network is inlined, nothing is loaded from a CDN, the template escapes everything, and the
page turns every tooltip into a text-only DOM element, because labels and evidence sentences
come from documents and are untrusted.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from pyvis.network import Network
from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.namespaces import ENTITY_TYPES, KG, PROV, RDF, RDFS, SKOS

__all__ = ["render_html", "write_html"]

_TEMPLATE = "graph.html"
_VIS_LIB = "templates/lib/vis-9.1.2"
#: One fixed colour per entity type, so pages built from different graphs read alike.
_COLORS: dict[str, str] = {
    "Person": "#4e79a7",
    "Organization": "#f28e2b",
    "Product": "#59a14f",
    "Market": "#b07aa1",
    "Event": "#e15759",
}
#: Evidence sentences shown per tooltip; the rest are counted.
_MAX_EVIDENCE = 3
# Settings that keep large graphs usable (see PITFALLS.md, pyvis).
_OPTIONS: dict[str, Any] = {
    "physics": {
        "solver": "forceAtlas2Based",
        "stabilization": {"enabled": True, "iterations": 200},
    },
    "layout": {"improvedLayout": False},
    "nodes": {"shape": "dot", "font": {"size": 14}},
    "edges": {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#a0a0a0", "highlight": "#404040"},
        "font": {"size": 10, "align": "middle"},
    },
    "interaction": {"hideEdgesOnDrag": True, "hover": True, "tooltipDelay": 150},
}


@dataclass(frozen=True)
class _Evidence:
    sentence: str
    path: str
    rule: str


_Triple = tuple[URIRef, URIRef, URIRef]


def render_html(graph: Graph, *, title: str = "kg", max_nodes: int | None = None) -> str:
    """Render the entities and relations of ``graph`` as an interactive HTML page.

    Nodes are the entities (coloured by type, sized by degree), edges the entity-to-entity
    relations, labelled with the predicate's ``rdfs:label`` from the ontology. Tooltips show
    aliases and evidence sentences with their document and rule. The page has a legend with
    a show/hide checkbox per type, a search box (label or alias) and a "Freeze layout" button,
    and needs no network access.

    Args:
        graph: a graph built by ``kg``.
        title: the page title and heading.
        max_nodes: keep only this many entities, those with the highest degree; the page
            then says how many it shows out of how many.

    Returns:
        The HTML page.

    Raises:
        ValueError: if ``max_nodes`` is less than 1.

    >>> from rdflib import Graph
    >>> page = render_html(Graph(), title="empty")
    >>> page.startswith("<!DOCTYPE html>") and "<title>empty</title>" in page
    True
    """
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    types = _entity_types(graph)
    relations = _relations(graph, types)
    degree: Counter[URIRef] = Counter()
    for s, _, o in relations:
        degree[s] += 1
        degree[o] += 1
    labels = {entity: _label(graph, entity) for entity in types}
    ranked = sorted(types, key=lambda e: (-degree[e], labels[e], str(e)))
    shown = set(ranked[:max_nodes] if max_nodes is not None else ranked)
    relations = {t: ev for t, ev in sorted(relations.items()) if t[0] in shown and t[2] in shown}

    node_evidence: defaultdict[URIRef, list[_Evidence]] = defaultdict(list)
    for (s, _, o), evidence in relations.items():
        node_evidence[s].extend(evidence)
        node_evidence[o].extend(evidence)

    net = Network(directed=True, cdn_resources="in_line", heading=title)
    # Filled directly: add_node/add_edge are quadratic.
    net.nodes = [
        _node(graph, entity, types[entity], labels[entity], degree[entity], node_evidence[entity])
        for entity in ranked
        if entity in shown
    ]
    net.edges = [_edge(triple, labels, evidence) for triple, evidence in relations.items()]
    net.set_options(json.dumps(_OPTIONS))
    # What set_template_dir does, but with our loader: pyvis's Environment does not autoescape.
    net.path = _TEMPLATE
    net.templateEnv = _environment(
        legend=[
            {"type": name, "color": _COLORS[name], "count": count}
            for name in ENTITY_TYPES
            if (count := sum(types[e] == name for e in shown))
        ],
        shown=len(shown),
        total=len(types),
    )
    page: str = net.generate_html()
    return page


def write_html(graph: Graph, path: str | PathLike[str], **kwargs: Any) -> Path:
    """Render ``graph`` with :func:`render_html` and write the page to ``path`` (UTF-8).

    Args:
        graph: a graph built by ``kg``.
        path: the file to write.
        **kwargs: passed on to :func:`render_html` (``title``, ``max_nodes``).

    Returns:
        The path written.
    """
    out = Path(path)
    out.write_text(render_html(graph, **kwargs), encoding="utf-8")
    return out


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


@cache
def _ontology() -> Graph:
    source = resources.files("kg").joinpath("data/ontology.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=source, format="turtle")


def _entity_types(graph: Graph) -> dict[URIRef, str]:
    types: dict[URIRef, str] = {}
    for name in ENTITY_TYPES:
        for entity in graph.subjects(RDF.type, KG[name]):
            if isinstance(entity, URIRef):
                types[entity] = name
    return types


def _relations(graph: Graph, types: dict[URIRef, str]) -> dict[_Triple, list[_Evidence]]:
    relations: dict[_Triple, list[_Evidence]] = {}
    for s in types:
        for p, o in graph.predicate_objects(s):
            if isinstance(p, URIRef) and isinstance(o, URIRef) and o in types:
                relations[(s, p, o)] = []
    for statement, subject in graph.subject_objects(RDF.subject):
        key = (subject, graph.value(statement, RDF.predicate), graph.value(statement, RDF.object))
        if key in relations:
            relations[key].append(_evidence(graph, statement))
    for evidence in relations.values():
        evidence.sort(key=lambda ev: (ev.path, ev.sentence))
    return relations


def _evidence(graph: Graph, statement: Node) -> _Evidence:
    document = graph.value(statement, PROV.wasDerivedFrom)
    return _Evidence(
        sentence=_text(graph.value(statement, KG.sentence)),
        path=_text(graph.value(document, KG.path)) if document is not None else "",
        rule=_text(graph.value(statement, KG.rule)),
    )


def _node(
    graph: Graph,
    entity: URIRef,
    type_name: str,
    label: str,
    degree: int,
    evidence: list[_Evidence],
) -> dict[str, Any]:
    aliases = sorted({str(alias) for alias in graph.objects(entity, SKOS.altLabel)} - {label})
    kind = _text(graph.value(entity, KG.kind))
    lines = [label, f"{type_name} ({kind})" if kind else type_name]
    if aliases:
        lines.append("Also: " + ", ".join(aliases))
    sentences = list(dict.fromkeys(ev.sentence for ev in evidence if ev.sentence))
    lines += _capped(f"“{sentence}”" for sentence in sentences)
    return {
        "id": str(entity),
        "label": label,
        "title": "\n".join(lines),
        "color": _COLORS[type_name],
        "size": round(10 + 5 * math.sqrt(degree), 1),
        "kgType": type_name,
        "aliases": aliases,
    }


def _edge(triple: _Triple, labels: dict[URIRef, str], evidence: list[_Evidence]) -> dict[str, Any]:
    s, p, o = triple
    predicate = _predicate_label(p)
    lines = [f"{labels[s]} — {predicate} → {labels[o]}"]
    lines += _capped(_cite(ev) for ev in evidence)
    return {"from": str(s), "to": str(o), "label": predicate, "title": "\n".join(lines)}


def _cite(evidence: _Evidence) -> str:
    source = [evidence.path] if evidence.path else []
    if evidence.rule:
        source.append(f"rule {evidence.rule}")
    return f"“{evidence.sentence}”\n" + " · ".join(source)


def _capped(lines: Iterable[str]) -> list[str]:
    items = list(lines)
    more = len(items) - _MAX_EVIDENCE
    return items[:_MAX_EVIDENCE] + ([f"… and {more} more"] if more > 0 else [])


def _label(graph: Graph, entity: URIRef) -> str:
    return _text(graph.value(entity, RDFS.label)) or _local_name(entity)


def _predicate_label(predicate: URIRef) -> str:
    return _text(_ontology().value(predicate, RDFS.label)) or _local_name(predicate)


def _local_name(iri: URIRef) -> str:
    return re.split(r"[/#]", str(iri))[-1] or str(iri)


def _text(value: Node | None) -> str:
    return "" if value is None else str(value)
