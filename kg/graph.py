"""The RDF graph: documents, entities, mentions, relations and their provenance.

The shape is a contract (see ``docs/graph.md``): one IRI per entity, derived from its type and
canonical name; a direct triple per relation plus an ``rdf:Statement`` carrying the document,
sentence, offsets, rule id and confidence.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral

from kg import namespaces
from kg.link import clean_name
from kg.namespaces import KGR, PREFIXES, XSD, bind_prefixes
from kg.ontology import ontology
from kg.records import Document, Entity, Evidence, Literal, Observation, Relation

#: One triple of the graph.
Triple = tuple[URIRef, URIRef, URIRef | RDFLiteral]


class _Terms:
    """A namespace whose terms are made once each (rdflib makes, and checks, a new
    ``URIRef`` at every attribute: a big graph asks for the same few hundred thousands of
    times)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace
        self._made: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)  # from now on a plain attribute
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._made.get(name)
        if term is None:
            term = self._made[name] = URIRef(self._namespace[name])
        return term


KG, PROV, RDF, RDFS, SDO, SKOS = (
    _Terms(n)
    for n in (
        namespaces.KG,
        namespaces.PROV,
        namespaces.RDF,
        namespaces.RDFS,
        namespaces.SDO,
        namespaces.SKOS,
    )
)

__all__ = ["build_graph", "graph_triples", "expand", "entity_iri", "document_iri", "ontology"]


@lru_cache(maxsize=4096)
def expand(curie: str) -> URIRef:
    """The IRI of a CURIE with one of the project's prefixes.

    >>> str(expand("schema:founder"))
    'https://schema.org/founder'
    """
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}")
    return PREFIXES[prefix][local]


@lru_cache(maxsize=1 << 16)
def entity_iri(key: str) -> URIRef:
    """The IRI of an entity key such as ``person/lei-jun``."""
    return KGR[key]


@lru_cache(maxsize=1 << 12)
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
                if isinstance(s, URIRef) and s != prop and str(s).startswith(str(namespaces.KG))
            )
            if supers:
                result[prop] = supers
    return result


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _object(relation: Relation) -> tuple[URIRef | RDFLiteral, list[Triple]]:
    """The object of ``relation``'s direct triple, and the triples that describe it (a price
    is an ``schema:Offer`` node)."""
    value = relation.object
    if isinstance(value, str):
        return entity_iri(value), []
    if value.unit and relation.predicate == "schema:offers":
        offer = KGR[f"offer/{_hash(relation.subject, value.value, value.unit)}"]
        return offer, [
            (offer, RDF.type, SDO.Offer),
            (offer, SDO.price, _decimal(value.value)),
            (offer, SDO.priceCurrency, RDFLiteral(value.unit)),
        ]
    return _literal(value), []


#: A plain literal (a string or an integer), made once per value: a big graph writes the same
#: offsets, rule ids, kinds and sentences many times.
_plain = lru_cache(maxsize=1 << 16)(RDFLiteral)


@lru_cache(maxsize=1 << 12)
def _decimal(value: str) -> RDFLiteral:
    """An ``xsd:decimal`` as rdflib's Turtle writer writes it and reads it back (``kg export``):
    "299" would come back as "299.0", another term. The store, and ``graph.ttl`` written from
    it, keep Oxigraph's canonical form of the same value ("299").

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
    relations: Sequence[Relation],
    observations: Iterable[Observation] = (),
) -> Graph:
    """The RDF graph of a build, in memory (:func:`graph_triples` gives the same triples
    one at a time).

    Args:
        documents: the source documents.
        entities: linked entities with their mentions.
        relations: extracted relations with evidence.
        observations: reported figures with evidence.
    """
    graph = bind_prefixes(Graph())
    add = graph.add
    for triple in graph_triples(documents, entities, relations, observations):
        add(triple)
    return graph


#: The predicates of dates of which a thing has one: "April 2010" wins over "2010" when
#: both are stated (the less precise statement keeps its evidence; only its direct triple
#: is left out).
_ONE_DATE = (SDO.foundingDate, SDO.startDate)


def graph_triples(
    documents: Iterable[Document],
    entities: Iterable[Entity],
    relations: Sequence[Relation],
    observations: Iterable[Observation] = (),
) -> Iterator[Triple]:
    """The triples of the graph of a build, one at a time, some more than once (a graph or a
    store keeps one of each). See :func:`build_graph`."""
    # the graph describes itself: labels and comments of its terms
    yield from ontology()  # type: ignore[misc]
    for document in documents:
        node = document_iri(document.id)
        yield node, RDF.type, PROV.Entity
        yield node, RDF.type, SDO.CreativeWork
        yield node, KG.path, RDFLiteral(document.path)
        yield node, KG.sha256, RDFLiteral(document.sha256)
        yield node, SDO.name, RDFLiteral(document.path.rsplit("/", 1)[-1])
        if document.date:
            yield node, SDO.dateCreated, RDFLiteral(document.date.isoformat(), datatype=XSD.date)
    for entity in entities:
        node = entity_iri(entity.key)
        yield node, RDF.type, KG[entity.type]
        name = clean_name(entity.name)  # a label shows what it says (kg.link.clean_name)
        yield node, RDFS.label, _plain(name)
        for alias in sorted({clean_name(a) for a in entity.aliases} - {name, ""}):
            yield node, SKOS.altLabel, _plain(alias)
        if entity.kind:
            yield node, KG.kind, _plain(entity.kind)
        for mention in entity.mentions:
            m = KGR[f"mention/{mention.doc_id}/{mention.start}-{mention.end}"]
            yield node, KG.mention, m
            yield m, RDF.type, KG.Mention
            yield m, KG.document, document_iri(mention.doc_id)
            yield m, KG.start, _plain(mention.start)
            yield m, KG.end, _plain(mention.end)
            yield m, KG.text, _plain(mention.text)
    dates: dict[tuple[str, URIRef], set[str]] = defaultdict(set)
    for relation in relations:
        predicate = expand(relation.predicate)
        if predicate in _ONE_DATE:
            dates[(relation.subject, predicate)].add(str(_object(relation)[0]))
    supers = _super_properties()
    for relation in relations:
        subject, predicate = entity_iri(relation.subject), expand(relation.predicate)
        obj, described = _object(relation)
        yield from described
        stated = dates.get((relation.subject, predicate), ())
        if not any(other != str(obj) and other.startswith(str(obj)) for other in stated):
            yield subject, predicate, obj
        for parent in supers.get(predicate, ()):
            yield subject, parent, obj
        e = relation.evidence
        digest = _hash(relation.subject, relation.predicate, obj, e.doc_id, e.start, e.rule)
        statement = KGR[f"statement/{digest}"]
        yield statement, RDF.type, RDF.Statement
        yield statement, RDF.subject, subject
        yield statement, RDF.predicate, predicate
        yield statement, RDF.object, obj
        for qualifier, value in relation.qualifiers:
            literal = _literal(value) if isinstance(value, Literal) else _plain(value)
            yield statement, expand(qualifier), literal
        yield from _provenance(statement, e)
    for observation in observations:
        yield from _observation(observation)


def _provenance(node: URIRef, e: Evidence) -> Iterator[Triple]:
    yield node, PROV.wasDerivedFrom, document_iri(e.doc_id)
    yield node, KG.sentence, _plain(e.sentence)
    yield node, KG.start, _plain(e.start)
    yield node, KG.end, _plain(e.end)
    yield node, KG.rule, _plain(e.rule)
    yield node, KG.confidence, _decimal(f"{e.confidence:.2f}")


def _observation(o: Observation) -> Iterator[Triple]:
    e = o.evidence
    digest = _hash(o.subject, o.metric, o.value, o.unit, o.market, o.period, e.doc_id, e.start)
    node = KGR[f"observation/{digest}"]
    yield node, RDF.type, KG.Observation
    yield node, KG.about, entity_iri(o.subject)
    yield node, KG.metric, _plain(o.metric)
    yield node, SDO.value, _decimal(o.value)
    yield node, KG.unit, _plain(o.unit)
    if o.market:
        yield node, KG.market, entity_iri(o.market)
    if o.period:
        yield node, KG.period, RDFLiteral(o.period)
    if o.period_start:
        yield node, SDO.startDate, RDFLiteral(o.period_start, datatype=XSD.date)
        yield node, SDO.endDate, RDFLiteral(o.period_end, datatype=XSD.date)
    if o.source:
        yield node, KG.source, entity_iri(o.source)
    yield from _provenance(node, e)
