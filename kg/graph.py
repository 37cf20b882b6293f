"""The RDF graph: documents, entities, mentions, relations and their provenance.

The shape is a contract (see ``docs/graph.md``): one IRI per entity, derived from its type and
canonical name; a direct triple per relation plus an ``rdf:Statement`` carrying the document,
sentence, offsets, rule id and confidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral

from kg.namespaces import KG, KGR, PREFIXES, PROV, RDF, RDFS, SDO, SKOS, XSD, bind_prefixes
from kg.records import Document, Entity, Literal, Relation
from kg.resources import data_text

__all__ = ["build_graph", "expand", "entity_iri", "document_iri", "ontology"]


def expand(curie: str) -> URIRef:
    """The IRI of a CURIE with one of the project's prefixes.

    >>> str(expand("schema:founder"))
    'https://schema.org/founder'
    """
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}")
    return PREFIXES[prefix][local]


def entity_iri(key: str) -> URIRef:
    """The IRI of an entity key such as ``person/lei-jun``."""
    return KGR[key]


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document id."""
    return KGR[f"doc/{doc_id}"]


@cache
def ontology() -> Graph:
    """The ontology shipped with the package (classes, properties, labels, comments)."""
    return bind_prefixes(Graph()).parse(data=data_text("ontology.ttl"), format="turtle")


@cache
def _super_properties() -> dict[URIRef, tuple[URIRef, ...]]:
    """kg: properties and their kg: super-properties, so ``?a kg:partner ?b`` finds suppliers."""
    onto = ontology()
    result: dict[URIRef, tuple[URIRef, ...]] = {}
    for prop in set(onto.subjects(RDFS.subPropertyOf, None)):
        if isinstance(prop, URIRef):
            supers = tuple(
                s for s in onto.transitive_objects(prop, RDFS.subPropertyOf)
                if isinstance(s, URIRef) and s != prop and str(s).startswith(str(KG))
            )
            if supers:
                result[prop] = supers
    return result


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _object(graph: Graph, relation: Relation) -> URIRef | RDFLiteral:
    value = relation.object
    if isinstance(value, str):
        return entity_iri(value)
    if value.unit and relation.predicate == "schema:offers":
        offer = KGR[f"offer/{_hash(relation.subject, value.value, value.unit)}"]
        graph.add((offer, RDF.type, SDO.Offer))
        graph.add((offer, SDO.price, RDFLiteral(value.value, datatype=XSD.decimal)))
        graph.add((offer, SDO.priceCurrency, RDFLiteral(value.unit)))
        return offer
    return _literal(value)


def _literal(value: Literal) -> RDFLiteral:
    return RDFLiteral(value.value, datatype=expand(value.datatype)) if value.datatype else RDFLiteral(value.value)


def build_graph(
    documents: Iterable[Document], entities: Iterable[Entity], relations: Iterable[Relation]
) -> Graph:
    """The RDF graph of a build.

    Args:
        documents: the source documents.
        entities: linked entities with their mentions.
        relations: extracted relations with evidence.
    """
    graph = bind_prefixes(Graph())
    add = graph.add
    for document in documents:
        node = document_iri(document.id)
        add((node, RDF.type, PROV.Entity))
        add((node, RDF.type, SDO.CreativeWork))
        add((node, KG.path, RDFLiteral(document.path)))
        add((node, KG.sha256, RDFLiteral(document.sha256)))
        add((node, SDO.name, RDFLiteral(document.path.rsplit("/", 1)[-1])))
        if document.date:
            add((node, SDO.dateCreated, RDFLiteral(document.date.isoformat(), datatype=XSD.date)))
    for entity in entities:
        node = entity_iri(entity.key)
        add((node, RDF.type, KG[entity.type]))
        add((node, RDFS.label, RDFLiteral(entity.name)))
        for alias in entity.aliases:
            add((node, SKOS.altLabel, RDFLiteral(alias)))
        if entity.kind:
            add((node, KG.kind, RDFLiteral(entity.kind)))
        for mention in entity.mentions:
            m = KGR[f"mention/{mention.doc_id}/{mention.start}-{mention.end}"]
            add((node, KG.mention, m))
            add((m, RDF.type, KG.Mention))
            add((m, KG.document, document_iri(mention.doc_id)))
            add((m, KG.start, RDFLiteral(mention.start)))
            add((m, KG.end, RDFLiteral(mention.end)))
            add((m, KG.text, RDFLiteral(mention.text)))
    supers = _super_properties()
    for relation in relations:
        subject, predicate = entity_iri(relation.subject), expand(relation.predicate)
        obj = _object(graph, relation)
        add((subject, predicate, obj))
        for parent in supers.get(predicate, ()):
            add((subject, parent, obj))
        e = relation.evidence
        statement = KGR[f"statement/{_hash(relation.subject, relation.predicate, obj, e.doc_id, e.start, e.rule)}"]
        add((statement, RDF.type, RDF.Statement))
        add((statement, RDF.subject, subject))
        add((statement, RDF.predicate, predicate))
        add((statement, RDF.object, obj))
        add((statement, PROV.wasDerivedFrom, document_iri(e.doc_id)))
        add((statement, KG.sentence, RDFLiteral(e.sentence)))
        add((statement, KG.start, RDFLiteral(e.start)))
        add((statement, KG.end, RDFLiteral(e.end)))
        add((statement, KG.rule, RDFLiteral(e.rule)))
        add((statement, KG.confidence, RDFLiteral(f"{e.confidence:.2f}", datatype=XSD.decimal)))
        for qualifier, value in relation.qualifiers:
            add((statement, expand(qualifier), RDFLiteral(value)))
    return graph


