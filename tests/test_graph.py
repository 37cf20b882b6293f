"""The graph contract (kg.graph), checked on the graph built from seeds/.

One IRI per entity derived from its type and canonical name, one class and one label each; a
direct triple per relation plus an rdf:Statement carrying document, sentence, offsets, rule and
confidence; documents with path and hash; mentions with offsets; a self-describing ontology.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from anyascii import anyascii
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.graph import ontology
from kg.namespaces import KG, KGR, OWL, PROV, RDF, RDFS, SDO
from kg.pipeline import BuildResult, build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TYPES = ("Person", "Organization", "Product", "Market", "Event")
CLASSES = {KG[t] for t in TYPES}


@pytest.fixture(scope="module")
def graph(seed_build: BuildResult) -> Graph:
    return seed_build.graph


def entities(graph: Graph) -> set[Node]:
    return {s for cls in CLASSES for s in graph.subjects(RDF.type, cls)}


def labels(graph: Graph) -> dict[str, str]:
    """Entity IRI -> label."""
    return {str(e): str(graph.value(e, RDFS.label)) for e in entities(graph)}


def document_text(graph: Graph, document: Node) -> str:
    """The text of a document node, read from its ``kg:path`` (relative to ``seeds/``)."""
    return (SEEDS / str(graph.value(document, KG.path))).read_text(encoding="utf-8")


def one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


# ------------------------------------------------------------------ entities


def test_entities_exist_for_each_type(graph: Graph) -> None:
    for cls in CLASSES:
        assert len(set(graph.subjects(RDF.type, cls))) >= 3, cls


def test_each_entity_has_one_class_and_one_label(graph: Graph) -> None:
    for entity in entities(graph):
        assert isinstance(entity, URIRef) and str(entity).startswith(str(KGR))
        classes = set(graph.objects(entity, RDF.type))
        assert len(classes & CLASSES) == 1, (entity, classes)
        label = one(graph, entity, RDFS.label)
        assert isinstance(label, Literal) and str(label).strip() == str(label) != ""


def test_entity_iri_is_type_and_canonical_name(graph: Graph) -> None:
    for entity in entities(graph):
        (cls,) = set(graph.objects(entity, RDF.type)) & CLASSES
        name = str(graph.value(entity, RDFS.label))
        slug = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")
        assert str(entity) == f"{KGR}{cls.split('#')[-1].lower()}/{slug}", name


def test_entity_iri_transliterates_non_ascii_letters(graph: Graph) -> None:
    """Issue 13: a name's accented letters keep their meaning in its IRI (no ``garc-a``)."""
    iri = KGR["person/alex-garcia-iskenderun"]
    assert graph.value(iri, RDFS.label) == Literal("Alex García Iskenderun")


def test_well_known_entities(graph: Graph) -> None:
    assert graph.value(KGR["person/lei-jun"], RDFS.label) == Literal("Lei Jun")
    assert (KGR["person/lei-jun"], RDF.type, KG.Person) in graph
    assert (KGR["organization/xiaomi"], RDF.type, KG.Organization) in graph
    assert (KGR["product/mi-6x"], RDF.type, KG.Product) in graph
    assert (KGR["market/india"], RDF.type, KG.Market) in graph
    assert (KGR["event/mi-6x-launch"], RDF.type, KG.Event) in graph


def test_iris_are_stable_between_builds(seed_build: BuildResult, seed_graph_file: Path) -> None:
    """The in-process build and the one `kg build` wrote name everything alike."""
    written = Graph().parse(seed_graph_file)
    assert labels(written) == labels(seed_build.graph)
    for cls in (RDF.Statement, KG.Observation, KG.Mention, PROV.Entity):
        assert set(written.subjects(RDF.type, cls)) == set(seed_build.graph.subjects(RDF.type, cls))
    assert len(written) == len(seed_build.graph)


def iris(graph: Graph) -> set[URIRef]:
    return {term for triple in graph for term in triple if isinstance(term, URIRef)}


def test_iris_do_not_depend_on_where_or_how_the_corpus_is_built(tmp_path: Path) -> None:
    """One seed document in two folders, built in process and by `python -m kg build` in another
    process with another hash seed: the same IRIs for everything, and the same kg:path,
    relative to the source root (issue 12)."""
    source = SEEDS / "004_7671d1161a444a52.txt"
    folders = [tmp_path / "a" / "news", tmp_path / "b" / "c" / "news"]
    for folder in folders:
        folder.mkdir(parents=True)
        shutil.copy(source, folder / source.name)
    first = build([folders[0]]).graph
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kg", "build", str(folders[1]), "--out", str(out), "--no-html"]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    second = Graph().parse(out / "graph.ttl")
    assert labels(first) == labels(second) and len(labels(first)) >= 5
    assert {str(KGR["person/lei-jun"]), str(KGR["organization/xiaomi"])} <= set(labels(first))
    assert iris(first) == iris(second)
    assert len(first) == len(second)
    paths = [{str(o) for o in g.objects(None, KG.path)} for g in (first, second)]
    assert paths == [{source.name}, {source.name}]


# ------------------------------------------------------------------ statements


def statements(graph: Graph) -> list[Node]:
    found = list(graph.subjects(RDF.type, RDF.Statement))
    assert len(found) > 30
    return found


def test_statements_carry_full_provenance(graph: Graph) -> None:
    documents = set(graph.subjects(RDF.type, PROV.Entity))
    for st in statements(graph):
        one(graph, st, RDF.subject)
        one(graph, st, RDF.predicate)
        one(graph, st, RDF.object)
        assert one(graph, st, PROV.wasDerivedFrom) in documents
        sentence = one(graph, st, KG.sentence)
        start, end = int(one(graph, st, KG.start)), int(one(graph, st, KG.end))  # type: ignore[arg-type]
        assert 0 <= start < end and end - start == len(str(sentence))
        assert str(one(graph, st, KG.rule))
        confidence = one(graph, st, KG.confidence)
        assert isinstance(confidence, Literal)
        assert 0 <= Decimal(str(confidence)) <= 1


def test_statement_offsets_slice_the_document_exactly(graph: Graph) -> None:
    texts: dict[Node, str] = {}
    nodes = statements(graph) + list(graph.subjects(RDF.type, KG.Observation))
    for node in nodes:
        doc = graph.value(node, PROV.wasDerivedFrom)
        assert doc is not None
        text = texts.setdefault(doc, document_text(graph, doc))
        start, end = int(graph.value(node, KG.start)), int(graph.value(node, KG.end))  # type: ignore[arg-type]
        assert text[start:end] == str(graph.value(node, KG.sentence)), node


def test_statement_subjects_are_entities(graph: Graph) -> None:
    known = entities(graph)
    for st in statements(graph):
        assert graph.value(st, RDF.subject) in known, st
        obj = graph.value(st, RDF.object)
        if isinstance(obj, URIRef) and not str(obj).startswith(str(KGR["offer/"])):
            assert obj in known, (st, obj)


def test_each_statement_has_its_direct_triple(graph: Graph) -> None:
    """Every statement's triple is in the graph, except a founding or start date that a more
    precise date of the same thing replaced (kg.graph._keep_precise_dates)."""
    dates = (SDO.foundingDate, SDO.startDate)
    for st in statements(graph):
        triple = (
            graph.value(st, RDF.subject),
            graph.value(st, RDF.predicate),
            graph.value(st, RDF.object),
        )
        if triple in graph:
            continue
        s, p, o = triple
        assert p in dates, triple
        kept = [str(v) for v in graph.objects(s, p)]
        assert any(v != str(o) and v.startswith(str(o)) for v in kept), triple


def test_every_relation_triple_has_a_statement(graph: Graph) -> None:
    """No entity-to-entity edge without evidence (ontology super-properties aside)."""
    known = entities(graph)
    stated = {
        (graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object))
        for st in statements(graph)
    }
    onto = ontology()
    for s, p, o in graph:
        if s in known and o in known and p != RDF.type:
            subs = set(onto.transitive_subjects(RDFS.subPropertyOf, p)) - {p}
            assert (s, p, o) in stated or any((s, q, o) in stated for q in subs), (s, p, o)


# ------------------------------------------------------------------ documents and mentions


def test_documents(graph: Graph, seed_build: BuildResult) -> None:
    documents = set(graph.subjects(RDF.type, PROV.Entity))
    assert len(documents) == len(list(SEEDS.glob("*.txt"))) == len(seed_build.documents)
    for doc in documents:
        assert (doc, RDF.type, SDO.CreativeWork) in graph
        path = str(one(graph, doc, KG.path))
        assert path == Path(path).name  # relative to the source root: no folder (issue 12)
        file = SEEDS / path
        digest = str(one(graph, doc, KG.sha256))
        assert digest == hashlib.sha256(file.read_bytes()).hexdigest()


def test_mentions_slice_their_document(graph: Graph) -> None:
    texts: dict[Node, str] = {}
    count = 0
    for entity in entities(graph):
        mentions = list(graph.objects(entity, KG.mention))
        assert mentions, entity
        for mention in mentions:
            assert (mention, RDF.type, KG.Mention) in graph
            doc = one(graph, mention, KG.document)
            text = texts.setdefault(doc, document_text(graph, doc))
            start, end = int(one(graph, mention, KG.start)), int(one(graph, mention, KG.end))  # type: ignore[arg-type]
            assert text[start:end] == str(one(graph, mention, KG.text)), mention
            count += 1
    assert count > 300


def test_a_mention_belongs_to_one_entity(graph: Graph) -> None:
    owners: dict[Node, Node] = {}
    for entity, mention in graph.subject_objects(KG.mention):
        assert owners.setdefault(mention, entity) == entity, mention


# ------------------------------------------------------------------ ontology


def test_ontology_terms_have_label_and_comment() -> None:
    onto = Graph().parse(ROOT / "kg" / "data" / "ontology.ttl")
    terms = {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
        for s in onto.subjects(RDF.type, kind)
        if str(s).startswith(str(KG))
    }
    assert CLASSES <= terms and KG.partner in terms and len(terms) > 20
    for term in terms:
        assert onto.value(term, RDFS.label), term
        assert onto.value(term, RDFS.comment), term


def test_graph_uses_only_defined_kg_terms(graph: Graph) -> None:
    onto = ontology()
    defined = {s for s in onto.subjects() if str(s).startswith(str(KG))}
    used = {p for p in graph.predicates() if str(p).startswith(str(KG))}
    used |= {c for c in graph.objects(None, RDF.type) if str(c).startswith(str(KG))}
    assert used - defined == set()


def test_partner_finds_sub_properties(graph: Graph) -> None:
    """kg:partner answers for its sub-properties (supplier, listed on ...) with no reasoner.

    The seeds say Xiaomi "was listed on the Main Board of the Hong Kong Stock Exchange on
    July 9, 2018" (seeds/003).
    """
    rows = graph.query(
        'SELECT ?name WHERE { ?org rdfs:label "Xiaomi" ; kg:partner ?p . ?p rdfs:label ?name }',
        initNs={"kg": KG, "rdfs": RDFS},
    )
    partners = {str(row[0]) for row in rows}  # type: ignore[index]
    assert "Hong Kong Stock Exchange" in partners, partners
    for sub in set(ontology().subjects(RDFS.subPropertyOf, KG.partner)):
        for s, o in graph.subject_objects(sub):
            assert (s, KG.partner, o) in graph, (s, sub, o)


# ------------------------------------------------------------------ what is not an entity


def heading_lines() -> set[str]:
    """Lines of the seeds that are headings: a few words, no closing punctuation."""
    signatures = {"Lei Jun"}  # a letter's closing line names its author
    found = set()
    for path in SEEDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip().rstrip(":").strip()
            if 2 <= len(text.split()) <= 8 and not re.search(r"[.!?,”\"]$", text):
                found.add(text)
    assert {"Value Proposition", "Key Partnerships", "Company Background"} <= found
    return found - signatures


def test_no_heading_is_an_entity(graph: Graph) -> None:
    names = {label.lower(): label for label in labels(graph).values()}
    offending = sorted(h for h in heading_lines() if h.lower() in names)
    assert offending == []
    assert "value proposition" not in names and "key partnerships" not in names
