"""The RDF graph: documents, entities, mentions, relations and their provenance.

The shape is a contract (see ``docs/graph.md``): one IRI per entity, derived from its type and
canonical name; a direct triple per relation plus an ``rdf:Statement`` carrying the document,
sentence, offsets, rule id and confidence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral

from kg.link import clean_name
from kg.namespaces import KG, KGR, PREFIXES, PROV, RDF, RDFS, SDO, SKOS, XSD, bind_prefixes
from kg.ontology import ontology
from kg.records import Document, Entity, Evidence, Literal, Observation, Relation

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
def _super_properties() -> dict[URIRef, tuple[URIRef, ...]]:
    """kg: properties and their kg: super-properties, so ``?a kg:partner ?b`` finds suppliers."""
    onto = ontology()
    result: dict[URIRef, tuple[URIRef, ...]] = {}
    for prop in set(onto.subjects(RDFS.subPropertyOf, None)):
        if isinstance(prop, URIRef):
            supers = tuple(
                s
                for s in onto.transitive_objects(prop, RDFS.subPropertyOf)
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
        graph.add((offer, SDO.price, _decimal(value.value)))
        graph.add((offer, SDO.priceCurrency, RDFLiteral(value.unit)))
        return offer
    return _literal(value)


def _decimal(value: str) -> RDFLiteral:
    """An ``xsd:decimal`` in its canonical form, as Turtle writes it and reads it back: "299"
    would come back from ``graph.ttl`` (and the store) as "299.0", another term.

    >>> str(_decimal("299")), str(_decimal("12.50")), str(_decimal("-0.5")), str(_decimal("2E3"))
    ('299.0', '12.50', '-0.5', '2000.0')
    """
    number = value if re.fullmatch(r"[+-]?\d*\.?\d+", value) else format(Decimal(value), "f")
    if "." not in number:
        number += ".0"
    return RDFLiteral(number, datatype=XSD.decimal)


def _literal(value: Literal) -> RDFLiteral:
    if value.datatype == "xsd:decimal":
        return _decimal(value.value)
    return (
        RDFLiteral(value.value, datatype=expand(value.datatype))
        if value.datatype
        else RDFLiteral(value.value)
    )


def build_graph(
    documents: Iterable[Document],
    entities: Iterable[Entity],
    relations: Iterable[Relation],
    observations: Iterable[Observation] = (),
) -> Graph:
    """The RDF graph of a build.

    Args:
        documents: the source documents.
        entities: linked entities with their mentions.
        relations: extracted relations with evidence.
        observations: reported figures with evidence.
    """
    graph = bind_prefixes(Graph())
    graph += ontology()  # the graph describes itself: labels and comments of its terms
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
        name = clean_name(entity.name)  # a label shows what it says (kg.link.clean_name)
        add((node, RDFS.label, RDFLiteral(name)))
        for alias in sorted({clean_name(a) for a in entity.aliases} - {name, ""}):
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
        digest = _hash(relation.subject, relation.predicate, obj, e.doc_id, e.start, e.rule)
        statement = KGR[f"statement/{digest}"]
        add((statement, RDF.type, RDF.Statement))
        add((statement, RDF.subject, subject))
        add((statement, RDF.predicate, predicate))
        add((statement, RDF.object, obj))
        for qualifier, value in relation.qualifiers:
            add(
                (
                    statement,
                    expand(qualifier),
                    _literal(value) if isinstance(value, Literal) else RDFLiteral(value),
                )
            )
        _provenance(graph, statement, e)
    for observation in observations:
        _observation(graph, observation)
    _keep_precise_dates(graph)
    return graph


def _keep_precise_dates(graph: Graph) -> None:
    """One founding or start date per thing: "April 2010" wins over "2010" when both are stated.

    The less precise statement keeps its evidence; only the direct triple is dropped.
    """
    for predicate in (SDO.foundingDate, SDO.startDate):
        for subject in set(graph.subjects(predicate, None)):
            values = [str(v) for v in graph.objects(subject, predicate)]
            for value in list(graph.objects(subject, predicate)):
                if any(other != str(value) and other.startswith(str(value)) for other in values):
                    graph.remove((subject, predicate, value))


def _provenance(graph: Graph, node: URIRef, e: Evidence) -> None:
    graph.add((node, PROV.wasDerivedFrom, document_iri(e.doc_id)))
    graph.add((node, KG.sentence, RDFLiteral(e.sentence)))
    graph.add((node, KG.start, RDFLiteral(e.start)))
    graph.add((node, KG.end, RDFLiteral(e.end)))
    graph.add((node, KG.rule, RDFLiteral(e.rule)))
    graph.add((node, KG.confidence, _decimal(f"{e.confidence:.2f}")))


def _observation(graph: Graph, o: Observation) -> None:
    e = o.evidence
    digest = _hash(o.subject, o.metric, o.value, o.unit, o.market, o.period, e.doc_id, e.start)
    node = KGR[f"observation/{digest}"]
    add = graph.add
    add((node, RDF.type, KG.Observation))
    add((node, KG.about, entity_iri(o.subject)))
    add((node, KG.metric, RDFLiteral(o.metric)))
    add((node, SDO.value, _decimal(o.value)))
    add((node, KG.unit, RDFLiteral(o.unit)))
    if o.market:
        add((node, KG.market, entity_iri(o.market)))
    if o.period:
        add((node, KG.period, RDFLiteral(o.period)))
    if o.period_start:
        add((node, SDO.startDate, RDFLiteral(o.period_start, datatype=XSD.date)))
        add((node, SDO.endDate, RDFLiteral(o.period_end, datatype=XSD.date)))
    if o.source:
        add((node, KG.source, entity_iri(o.source)))
    _provenance(graph, node, e)
