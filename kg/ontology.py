"""The ontology shipped with the package, and the one reader of its labels.

Every part that names a class or a property to a reader (the page, the analytics) asks
:func:`label`, so each says "launched at" where the ontology does.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef

from kg.namespaces import RDFS, bind_prefixes, local_name
from kg.resources import data_text

__all__ = ["ontology", "label"]


@cache
def ontology() -> Graph:
    """The ontology shipped with the package (classes, properties, labels, comments)."""
    return bind_prefixes(Graph()).parse(data=data_text("ontology.ttl"), format="turtle")


def label(iri: str, source: Graph | None = None) -> str:
    """The ``rdfs:label`` of a class or property, else its local name.

    Args:
        iri: the term.
        source: the graph to read the label in: a built graph holds the ontology, and a graph
            from elsewhere may hold none (its terms go by their local names). ``None``: the
            packaged ontology.

    >>> label("https://w3id.org/kg/ontology#launchedAt")
    'launched at'
    >>> label("https://w3id.org/kg/ontology#launchedAt", Graph())
    'launchedAt'
    """
    if source is None:
        return _packaged(iri)
    found = source.value(URIRef(iri), RDFS.label)
    return str(found) if found is not None else (local_name(iri) or iri)


@cache
def _packaged(iri: str) -> str:
    return label(iri, ontology())
