"""The networkx view of a knowledge graph, derived from the RDF in one place.

The page (:mod:`kg.visualize`), the analytics (:mod:`kg.analyze`) and the GraphML, GEXF and
Neo4j exports (:mod:`kg.export`) all read this one view, made by two SPARQL queries, so they
agree with what SPARQL answers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.namespaces import ENTITY_TYPES, KG

__all__ = ["to_networkx", "OPEN_RELATION"]

_ENTITIES = """
SELECT ?entity ?class ?label ?kind
       (GROUP_CONCAT(DISTINCT STR(?alias); separator="\\u001f") AS ?aliases)
WHERE {
  VALUES ?class { kg:Person kg:Organization kg:Product kg:Market kg:Event }
  ?entity a ?class ; rdfs:label ?label .
  OPTIONAL { ?entity kg:kind ?kind }
  OPTIONAL { ?entity skos:altLabel ?alias }
}
GROUP BY ?entity ?class ?label ?kind
"""
# Stated relations only: a super-property added for querying (kg:partner for a kg:supplier)
# has no statement of its own and would draw a second, evidence-less edge.
_RELATIONS = """
SELECT ?s ?p ?o ?sentence ?document ?rule ?confidence WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?s ?p ?o .
  OPTIONAL { ?st kg:sentence ?sentence }
  OPTIONAL { ?st prov:wasDerivedFrom ?doc . OPTIONAL { ?doc kg:path ?path } }
  BIND(COALESCE(?path, ?doc) AS ?document)
  OPTIONAL { ?st kg:rule ?rule }
  OPTIONAL { ?st kg:confidence ?confidence }
}
"""


#: The predicate of open relations, left out of the view unless asked for.
OPEN_RELATION = str(KG.relatedTo)


def _text(term: Any) -> str:
    return "" if term is None else str(term)


def _confidence(term: Any) -> float:
    """A confidence as a float; 0.0 when missing or not a number."""
    try:
        return float(str(term)) if term is not None else 0.0
    except ValueError:
        return 0.0


def to_networkx(graph: Graph, *, open_relations: bool = False) -> nx.MultiDiGraph:
    """Entities as nodes, entity-to-entity relations as edges.

    Only relations with a statement (evidence) become edges, one per (subject, predicate,
    object), keyed by the predicate IRI. Open relations (``kg:relatedTo``: a verb no typed
    rule covers) only with ``open_relations``.

    Node attributes: ``label``, ``type``, ``kind``, ``aliases`` (joined with ``|``).
    Edge attributes: ``predicate`` (IRI), ``evidence`` (sentences joined with ``\\n``),
    ``documents``, ``rules`` (joined with ``|``), ``confidence`` (the highest) and
    ``citations`` (JSON: a ``[sentence, document]`` pair per statement, so each sentence keeps
    its document). Values are strings and floats so the graph writes to GraphML and GEXF as
    it is.
    """
    from kg.query import run_query

    view = nx.MultiDiGraph()
    names = {t: t for t in ENTITY_TYPES}
    for row in run_query(graph, _ENTITIES):
        entity, cls, label, kind, aliases = (row[i] for i in range(5))  # type: ignore[index]
        view.add_node(
            str(entity),
            label=str(label),
            type=names.get(str(cls).rpartition("#")[2], str(cls)),
            kind=_text(kind),
            aliases="|".join(sorted(a for a in _text(aliases).split("\x1f") if a)),
        )
    found: dict[tuple[str, str, str], list[tuple[str, str, str, float]]] = defaultdict(list)
    for row in run_query(graph, _RELATIONS):
        s, p, o, sentence, document, rule, confidence = (row[i] for i in range(7))  # type: ignore[index]
        key = (str(s), str(p), str(o))
        if key[1] == OPEN_RELATION and not open_relations:
            continue
        if key[0] in view and key[2] in view:
            found[key].append(
                (_text(sentence), _text(document), _text(rule), _confidence(confidence))
            )
    for (s, p, o), evidence in sorted(found.items()):
        view.add_edge(
            s,
            o,
            key=p,
            predicate=p,
            evidence="\n".join(sorted({e[0] for e in evidence if e[0]})),
            documents="|".join(sorted({e[1] for e in evidence if e[1]})),
            rules="|".join(sorted({e[2] for e in evidence if e[2]})),
            confidence=max(e[3] for e in evidence),
            # which document says which sentence: a JSON list of [sentence, document] pairs
            citations=json.dumps(
                sorted({(e[0], e[1]) for e in evidence if e[0]}), ensure_ascii=False
            ),
        )
    return view
