"""The networkx view of a knowledge graph, derived from the RDF in one place."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
from rdflib import Graph, URIRef

from kg.namespaces import ENTITY_TYPES, KG, PROV, RDF, RDFS, SKOS

__all__ = ["to_networkx"]


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities as nodes, entity-to-entity relations as edges.

    Only relations with a statement (evidence) become edges.

    Node attributes: ``label``, ``type``, ``kind``, ``aliases`` (joined with ``|``).
    Edge attributes: ``predicate`` (IRI), ``evidence`` (sentences joined with ``\\n``),
    ``documents``, ``rules`` and ``confidence`` (the highest). Values are strings and floats so
    the graph writes to GraphML and GEXF as it is.
    """
    view = nx.MultiDiGraph()
    types = {KG[t]: t for t in ENTITY_TYPES}
    for node, cls in graph.subject_objects(RDF.type):
        if cls in types and isinstance(node, URIRef):
            aliases = sorted(str(a) for a in graph.objects(node, SKOS.altLabel))
            view.add_node(
                str(node),
                label=str(graph.value(node, RDFS.label) or node),
                type=types[cls],  # type: ignore[index]
                kind=str(graph.value(node, KG.kind) or ""),
                aliases="|".join(aliases),
            )
    evidence: dict[tuple[str, str, str], list[tuple[str, str, str, float]]] = defaultdict(list)
    for statement in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(statement, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        doc = graph.value(statement, PROV.wasDerivedFrom)
        path = graph.value(doc, KG.path) if doc is not None else None
        evidence[(str(s), str(p), str(o))].append(
            (
                str(graph.value(statement, KG.sentence) or ""),
                str(path or doc or ""),
                str(graph.value(statement, KG.rule) or ""),
                float(graph.value(statement, KG.confidence) or 0),  # type: ignore[arg-type]
            )
        )
    for s, p, o in graph:
        key = (str(s), str(p), str(o))
        found = evidence.get(key, [])
        # stated relations only: super-properties added for querying (kg:partner for a
        # kg:supplier) would draw a second, evidence-less edge
        if key[0] in view and key[2] in view and found:
            view.add_edge(
                key[0],
                key[2],
                key=key[1],
                predicate=key[1],
                evidence="\n".join(sorted({e[0] for e in found})),
                documents="|".join(sorted({e[1] for e in found})),
                rules="|".join(sorted({e[2] for e in found})),
                confidence=max((e[3] for e in found), default=0.0),
            )
    return view
