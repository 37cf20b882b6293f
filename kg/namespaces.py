"""Every namespace and prefix the project uses, in one place."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "KG",
    "KGR",
    "SDO",
    "PROV",
    "SKOS",
    "RDF",
    "RDFS",
    "OWL",
    "XSD",
    "PREFIXES",
    "bind_prefixes",
    "ENTITY_TYPES",
]

#: The ontology: classes and properties.
KG = Namespace("https://w3id.org/kg/ontology#")
#: Resources: entities, documents, mentions, statements, offers.
KGR = Namespace("https://w3id.org/kg/id/")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "kg": KG,
    "kgr": KGR,
    "schema": SDO,
    "prov": PROV,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

#: The five entity classes, by their local name in :data:`KG`.
ENTITY_TYPES: tuple[str, ...] = ("Person", "Organization", "Product", "Market", "Event")


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, to put before a query.

    >>> "PREFIX kg: <https://w3id.org/kg/ontology#>" in sparql_prologue()
    True
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
