"""Every namespace and prefix the project uses, in one place."""

from __future__ import annotations

import re

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
    "curie",
    "local_name",
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


#: A local name SPARQL reads as it is in a prefixed name: no "/", no final ".".
_PLAIN_LOCAL = re.compile(r"^[A-Za-z_][\w\-.]*(?<!\.)$")


def curie(iri: str, *, sparql: bool = False) -> str | None:
    """``iri`` written with the project's prefixes (``prefix:local``); ``None`` when no prefix
    fits.

    With ``sparql``, only when the local part can stand in a SPARQL query as it is (an entity
    IRI's ``person/lei-jun`` cannot).

    >>> curie("https://schema.org/founder"), curie("https://w3id.org/kg/id/person/jo")
    ('schema:founder', 'kgr:person/jo')
    >>> curie("https://w3id.org/kg/id/person/jo", sparql=True) is None
    True
    >>> curie("https://example.org/x") is None
    True
    """
    for prefix, ns in PREFIXES.items():
        base = str(ns)
        if iri.startswith(base) and len(iri) > len(base):
            local = iri[len(base) :]
            if sparql and not _PLAIN_LOCAL.match(local):
                return None
            return f"{prefix}:{local}"
    return None


def local_name(iri: str) -> str:
    """The part of ``iri`` after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/kg/ontology#launchedAt"), local_name("https://schema.org/founder")
    ('launchedAt', 'founder')
    """
    return re.split(r"[#/]", iri.rstrip("#/"))[-1]
