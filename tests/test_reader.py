"""Relations are found per document between its own mentions, then mapped onto the corpus's
entities (issue 10 item 8): :class:`kg.relations.extract.DocumentReader`.

Reading a document needs nothing of the others: :meth:`DocumentReader.read` links the
document's mentions within it and says, for each end of what it found, which mentions (their
offsets) it stands for. :meth:`DocumentReader.finish` maps those onto the entities the whole
corpus links the mentions to. Invented names only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.link import link
from kg.parse import decode, parse_batch, pipeline_for
from kg.pipeline import BuildOptions
from kg.records import Document, Evidence, Mention, Relation, Sentence
from kg.relations.extract import DocumentReader, Found
from kg.relations.rules import load_rules

GAZETTEER = Path(__file__).resolve().parent / "data" / "invented_names.jsonl"
OPTIONS = BuildOptions(use_default_gazetteer=False, gazetteers=(GAZETTEER,))


def _document(doc_id: str, text: str) -> Document:
    return Document(doc_id, f"{doc_id}.txt", text, hashlib.sha256(text.encode()).hexdigest())


def test_a_document_is_read_between_its_own_mentions_with_nothing_of_the_corpus() -> None:
    text = "Globex makes robots in Bergen. In 2019 Globex acquired Initech."
    document = _document("one", text)
    nlp = pipeline_for(OPTIONS)
    chunks = decode(parse_batch([document], OPTIONS)[0], document).chunks(document, nlp.vocab)
    reader = DocumentReader(load_rules(OPTIONS.rules), nlp.vocab)  # no corpus, no linking
    doc_id, _date, relations, _figures, _fans, ends = reader.read(chunks)
    assert doc_id == "one"
    found = {(r.subject, r.predicate, r.object) for r in relations}
    assert ("organization/initech", "schema:parentOrganization", "organization/globex") in found
    # every end is one of the document's entities, and says which words stand for it
    for relation in relations:
        for end in (relation.subject, relation.object):
            assert isinstance(end, str) and end in ends
    type_, offsets = ends["organization/globex"]
    assert type_ == "Organization"
    assert [text[start:end] for start, end in offsets] == ["Globex", "Globex"]


def _mention(doc_id: str, start: int, text: str, type_: str) -> Mention:
    sentence = Sentence(doc_id, 0, 200, "x" * 200)
    return Mention(doc_id, start, start + len(text), text, type_, "ner", sentence)


def _relation(subject: str, predicate: str, obj: str) -> Relation:
    return Relation(subject, predicate, obj, Evidence("b", "x", 0, 10, "test", 0.8))


def test_finish_maps_each_end_onto_the_entity_the_corpus_links_its_mentions_to() -> None:
    """Document b names "NRI" alone (its own entity); the corpus joins it to "Nordic Robot
    Institute" of document a. A market named by a demonym only is the corpus's market of that
    name, if there is one; an end the corpus types otherwise is dropped."""
    mentions = [
        _mention("a", 0, "Nordic Robot Institute", "Organization"),
        _mention("a", 40, "Norway", "Market"),
        _mention("b", 0, "NRI", "Organization"),
        _mention("b", 10, "Jane Doe", "Person"),
        _mention("b", 30, "Zeta", "Organization"),
        _mention("b", 60, "Zeta", "Organization"),
    ]
    linked = link(mentions)
    assert {e.key for e in linked.entities} == {
        "organization/nordic-robot-institute",
        "market/norway",
        "person/jane-doe",
        "organization/zeta",
    }
    ends = {
        "organization/nri": ("Organization", ((0, 3),)),
        "person/jane-doe": ("Person", ((10, 18),)),
        "product/zeta": ("Product", ((30, 34), (60, 64))),  # the document read it a product
    }
    found: Found = (
        "b",
        None,
        [
            _relation("person/jane-doe", "schema:worksFor", "organization/nri"),
            _relation("organization/nri", "kg:operatesIn", "place:norway"),
            _relation("organization/nri", "kg:operatesIn", "place:ruritania"),
            _relation("organization/nri", "kg:launched", "product/zeta"),
        ],
        [],
        [],
        ends,
    )
    reader = DocumentReader(load_rules(), None)
    relations, _figures = reader.finish([found], linked)
    got = {(r.subject, r.predicate, r.object) for r in relations}
    assert got == {
        ("person/jane-doe", "schema:worksFor", "organization/nordic-robot-institute"),
        ("organization/nordic-robot-institute", "kg:operatesIn", "market/norway"),
    }


def test_what_a_document_says_reads_back_from_the_cache_as_it_was_found() -> None:
    """:mod:`kg.readings`: relations with literals and qualifiers, figures, fans and ends."""
    from kg.readings import decode_found, encode_found

    text = (
        "Globex unveiled the Zen 2 in Norway in May 2021. The Zen 2 is priced at $499. "
        "Globex planned to buy Initech. Globex had a market share of 12% in Norway in 2022."
    )
    document = _document("two", text)
    nlp = pipeline_for(OPTIONS)
    chunks = decode(parse_batch([document], OPTIONS)[0], document).chunks(document, nlp.vocab)
    found = DocumentReader(load_rules(OPTIONS.rules), nlp.vocab).read(chunks)
    relations, figures = found[2], found[3]
    assert any(not isinstance(r.object, str) for r in relations)  # a price
    assert any(r.qualifiers for r in relations)  # "planned"
    assert figures
    assert decode_found(encode_found(found, document), document) == found


def test_what_is_read_back_holds_each_repeated_word_once() -> None:
    """A big corpus holds hundreds of thousands of mentions and relations: their types,
    sources, keys and predicates, read back from a record, are one string each, not one per
    mention or relation."""
    from kg.readings import decode_echo, decode_found, encode_echo, encode_found

    text = (
        "Globex hired Ada Stone. Globex later hired Bo Lindqvist. Initech hired Cy Moreau. "
        "Initech later hired Di Okafor."
    )
    document = _document("three", text)
    nlp = pipeline_for(OPTIONS)
    record = parse_batch([document], OPTIONS)[0]
    lines = [list(found) for found in decode(record, document).mentions]
    mentions, _ = decode_echo(encode_echo(document, lines, []), document)
    every = [m for line in mentions for m in line]
    people = [m for m in every if m.type == "Person"]
    assert len(people) >= 2 and len({id(m.type) for m in people}) == 1
    assert len({id(m.source) for m in every if m.source == people[0].source}) == 1
    chunks = decode(record, document).chunks(document, nlp.vocab)
    found = DocumentReader(load_rules(OPTIONS.rules), nlp.vocab).read(chunks)
    relations = decode_found(encode_found(found, document), document)[2]
    hired = [r for r in relations if r.predicate == relations[0].predicate]
    assert len(hired) >= 2
    assert len({id(r.predicate) for r in hired}) == 1
    rule = hired[0].evidence.rule
    assert len({id(r.evidence.rule) for r in hired if r.evidence.rule == rule}) == 1
