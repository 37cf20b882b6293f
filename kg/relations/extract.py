"""The relation step of a build: per document, the frame rules, the pattern rules and the
steps of the other modules over each sentence, then dates and duplicates.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from kg.extract.dates import parse_date
from kg.extract.observations import find_observations
from kg.link import Linked, fold, link, name_key, name_types
from kg.mentions.places import demonym_country
from kg.records import Chunk, Entity, Literal, Mention, Observation, Relation
from kg.relations.context import PLACE, _Context, _evidence, _is_large_place
from kg.relations.dating import _dated, _sentence_dates
from kg.relations.discourse import (
    _OWN_QUESTION,
    _WISH,
    _answer_products,
    _home,
    _is_question,
    _last_person,
    _letter_author,
    _signer,
    _token_entities,
)
from kg.relations.engine import (
    Candidate,
    RuleSet,
    engine_lexicon,
)
from kg.relations.frames import Frame, expand, frame_of, grammatical_subject, prep_objects
from kg.relations.lists import (
    _competitor_lists,
    _demonym_people,
    _derived,
    _event_locations,
    _market_lists,
)
from kg.relations.names import FanCandidate, _brand_fans, _brands, _fan_candidates, _name_relations
from kg.relations.patterns import _Engine, _pattern_relations, register_extensions
from kg.relations.prices import _price_relations
from kg.relations.references import References, reference_of
from kg.relations.rules import Rules
from kg.relations.titles import _role_relations

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["DocumentReader", "check_rules", "component_mentions", "extract_relations"]


def check_rules(rules: Rules, vocab: Any) -> None:
    """Compile ``rules`` as :func:`extract_relations` does, to find a bad pattern before a
    build reads anything.

    Raises:
        RuleFileError: a pattern spaCy's matchers refuse.
    """
    _Engine(vocab, rules.patterns)
    RuleSet(rules.frames, engine_lexicon(rules.lexicons), vocab, rules.lexicons)


#: Qualifiers a duplicate statement hands to the one kept.
_CARRIED = {"kg:modality", "kg:status", "kg:resolvedFrom"}


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    best: dict[tuple[str, str, str, str, int], Relation] = {}
    for relation in relations:
        obj = relation.object if isinstance(relation.object, str) else repr(relation.object)
        key = (
            relation.subject,
            relation.predicate,
            obj,
            relation.evidence.doc_id,
            relation.evidence.start,
        )
        kept = best.get(key)
        if kept is None:
            best[key] = relation
            continue
        newer = relation.evidence.confidence > kept.evidence.confidence
        winner, loser = (relation, kept) if newer else (kept, relation)
        # what a frame read about the fact (planned, former, resolved) stays with it
        extra = tuple(
            q for q in loser.qualifiers if q[0] in _CARRIED and q not in winner.qualifiers
        )
        best[key] = replace(winner, qualifiers=winner.qualifiers + extra) if extra else winner
    return sorted(
        best.values(),
        key=lambda r: (r.evidence.doc_id, r.evidence.start, r.subject, r.predicate, str(r.object)),
    )


def extract_relations(
    documents: Iterable[Sequence[Chunk]],
    linked: Linked,
    rules: Rules,
    components: Iterable[Mention] = (),
) -> tuple[list[Relation], list[Observation]]:
    """Every relation and reported figure the rules find in the parsed chunks, on the
    entities of ``linked``.

    Args:
        documents: the parsed chunks with their mentions, one sequence per document (see
            :func:`kg.pipeline.extract`); read once, one document at a time, so they can be
            made as they are asked for.
        linked: the corpus's linking, to map what each document says onto its entities.
        rules: pattern rules from :func:`load_rules`.
        components: the mentions :func:`component_mentions` found in every chunk.
    """
    names = {name_key(m) for m in components}
    types = name_types(m for e in linked.entities for m in e.mentions)
    reader: DocumentReader | None = None
    found: list[Found] = []
    for doc_chunks in documents:
        if doc_chunks:
            reader = reader or DocumentReader(rules, doc_chunks[0].doc.vocab, names, types)
            found.append(reader.read(doc_chunks))
    return (reader or DocumentReader(rules, None, names, types)).finish(found, linked)


#: Which mentions of a document an entity key of :meth:`DocumentReader.read` stands for: the
#: key -> its type and its mentions' offsets (start, end).
Ends = dict[str, tuple[str, tuple[tuple[int, int], ...]]]

#: What :meth:`DocumentReader.read` finds in one document: its id and date, its relations,
#: its figures and its possible brand fans, between the document's own entities, and the
#: mentions each of those stands for.
Found = tuple[str, "date | None", list[Relation], list[Observation], list[FanCandidate], Ends]


class DocumentReader:
    """The relation step, one document at a time, before the corpus is linked: :meth:`read`
    links a document's mentions within it and finds its relations between them (in any
    process: it needs nothing of the other documents); :meth:`finish` maps what each document
    gave onto the corpus's entities, through the mentions each end stands for.

    Args:
        rules: the rules of :func:`load_rules`.
        vocab: the vocabulary the documents' parses are read into (``None``: no documents).
        components: the names (:func:`kg.link.name_key`) of the products named as a
            component anywhere in the corpus (:func:`component_mentions`): a component
            everywhere.
        types: the type the corpus gives each name (:func:`kg.link.name_types`): a name the
            model typed otherwise in one document is read as the corpus types it.

    Raises:
        RuleFileError: a pattern spaCy's matchers refuse.
    """

    def __init__(
        self,
        rules: Rules,
        vocab: Any,
        components: Iterable[str] = (),
        types: dict[str, str] | None = None,
    ) -> None:
        register_extensions()
        self.components = frozenset(components)
        self.types = types or {}
        self.referring = {
            word: type_
            for type_, name in (
                ("Organization", "org_reference"),
                ("Product", "product_reference"),
                ("Product", "component_noun"),
                ("Event", "event_reference"),
            )
            for word in rules.lexicons.get(name, [])
        }
        if vocab is not None:
            self.engine = _Engine(vocab, rules.patterns)
            lexicon = engine_lexicon(rules.lexicons)
            self.frame_rules = RuleSet(rules.frames, lexicon, vocab, rules.lexicons)

    def read(self, doc_chunks: Sequence[Chunk]) -> Found:
        """The relations, figures and possible fans of one document's chunks, between the
        entities its own mentions make (linked within the document)."""
        for chunk in doc_chunks:  # each name as the corpus types it (offsets unchanged)
            chunk.mentions = [self._retyped(m) for m in chunk.mentions]
        linked = link(m for chunk in doc_chunks for m in chunk.mentions)
        entities = {e.key: e for e in linked.entities}
        typer = _typer(
            entities,
            {
                e.key
                for e in linked.entities
                if e.kind in ("chipset", "component")
                or any(name_key(m) in self.components for m in e.mentions)
            },
        )
        relations: list[Relation] = []
        observations: list[Observation] = []
        fans: list[FanCandidate] = []
        document = doc_chunks[0].document
        spans = sorted(
            (m.start, m.end, linked.entity_of[m])
            for c in doc_chunks
            for m in c.mentions
            if m in linked.entity_of
        )
        context = _Context(
            linked, entities, _home(document, (k for _, _, k in spans), entities), spans
        )
        refs = References(
            {k: e.type for k, e in entities.items()},
            _subject_home(doc_chunks, linked, entities) or context.home,
            names={k: e.name for k, e in entities.items()},
            kinds={k: e.kind for k, e in entities.items() if e.kind},
            event=_event_home(doc_chunks, linked, entities),
        )
        signer, signed_at = _signer(doc_chunks, context)
        author = ""
        question, interviewee = "", ""
        # an interview asks several questions; one rhetorical question is not an interview
        interview = sum(_is_question(c.doc.text) for c in doc_chunks) >= 2
        for index, chunk in enumerate(doc_chunks):
            if interview and _is_question(chunk.doc.text):
                if not question:  # an interview starts: of the person named last before it
                    interviewee = _last_person(chunk, context)
                question = chunk.doc.text
                continue
            if chunk.heading:
                question = ""  # a heading ends an interview
            author = _letter_author(chunk, context) or author
            fallback = signer if index < signed_at else ""
            context.narrator = interviewee if question else author or fallback
            at = _token_entities(chunk, context)
            if question and _OWN_QUESTION.search(question) and not _WISH.search(question):
                relations.extend(_answer_products(chunk, at, context))
            for sent in chunk.doc.sents:
                _remember(chunk, sent, at, refs, self.referring)
                found = list(_pattern_relations(chunk, sent, at, context, self.engine))
                relations.extend(found)
                relations.extend(
                    _frame_relations(
                        chunk,
                        sent,
                        at,
                        refs,
                        self.referring,
                        self.frame_rules,
                        typer,
                        context.place,
                        {(r.subject, str(r.object)) for r in found},
                    )
                )
                relations.extend(_role_relations(chunk, sent, at, context))
                relations.extend(_price_relations(chunk, sent, at, context))
                relations.extend(_event_locations(chunk, sent, at, context))
                relations.extend(_demonym_people(chunk, sent, at, context))
                relations.extend(_competitor_lists(chunk, sent, at, context))
                relations.extend(_market_lists(chunk, sent, at, context))
                keys = _sentence_entities(sent, at)
                observations.extend(
                    find_observations(sent, chunk.base, document.id, keys, entities, document.date)
                )
                fans.extend(_fan_candidates(chunk, sent, at, context))
        ends = {
            e.key: (e.type, tuple((m.start, m.end) for m in e.mentions)) for e in linked.entities
        }
        return document.id, document.date, relations, observations, fans, ends

    def _retyped(self, mention: Mention) -> Mention:
        """``mention`` with the type the corpus gives its name."""
        type_ = self.types.get(name_key(mention)) or mention.type
        return mention if type_ == mention.type else replace(mention, type=type_)

    def finish(
        self, found: Iterable[Found], linked: Linked
    ) -> tuple[list[Relation], list[Observation]]:
        """All relations and figures, from what :meth:`read` gave for each document, in the
        documents' order, on the corpus's entities (``linked``): each end is the entity its
        mentions were linked to (what an end the corpus typed otherwise says is dropped); then
        brand fans, relations derived from others, dates, one of each."""
        entities = {e.key: e for e in linked.entities}
        places = {fold(e.name): e.key for e in linked.entities if e.type == "Market"}
        spans = {(m.doc_id, m.start, m.end): key for m, key in linked.entity_of.items()}
        relations: list[Relation] = list(_name_relations(linked.entities))
        observations: list[Observation] = []
        fans: list[FanCandidate] = []
        anchors: dict[str, date | None] = {}
        for doc_id, anchor, doc_relations, doc_observations, doc_fans, ends in found:
            anchors[doc_id] = anchor
            onto = _onto(doc_id, ends, spans, entities, places)
            for relation in doc_relations:
                subject = onto(relation.subject)
                obj = onto(relation.object) if isinstance(relation.object, str) else relation.object
                if subject and obj:
                    relations.append(replace(relation, subject=subject, object=obj))
            for observation in doc_observations:
                subject = onto(observation.subject)
                if subject:
                    observations.append(
                        replace(
                            observation,
                            subject=subject,
                            market=onto(observation.market),
                            source=onto(observation.source),
                        )
                    )
            for brand, named, person, evidence in doc_fans:
                if onto(person):
                    fans.append((brand, onto(named), onto(person), evidence))
        relations.extend(_brand_fans(fans, _brands(linked.entities, relations), entities))
        relations.extend(_derived(relations, entities))
        relations = [r for r in relations if r.evidence.rule != "launch-by-person"]
        dated = _dated(_no_extra_roles(_dedupe(relations)), linked.entities, anchors)
        return _dedupe(dated), observations


def _onto(
    doc_id: str,
    ends: Ends,
    spans: dict[tuple[str, int, int], str],
    entities: dict[str, Entity],
    places: dict[str, str],
) -> Callable[[str], str]:
    """Map a document's entity keys onto the corpus's: the entity most of its mentions were
    linked to (``spans``: (document, start, end) -> entity key), if the corpus gave it the
    same type ("" otherwise); a :data:`PLACE` key to the market of that name."""
    keys: dict[str, str] = {}
    for key, (type_, offsets) in ends.items():
        votes = Counter(
            spans[(doc_id, start, end)] for start, end in offsets if (doc_id, start, end) in spans
        )
        if votes:
            best = max(votes, key=lambda k: votes[k])  # the first of the most voted
            if entities[best].type == type_:
                keys[key] = best

    def onto(key: str) -> str:
        if key.startswith(PLACE):
            return places.get(key[len(PLACE) :], "")
        return keys.get(key, "")

    return onto


def _sentence_entities(sent: Span, at: dict[int, str]) -> list[tuple[int, str]]:
    """(offset in the sentence, entity key) of each entity in a sentence, once per mention."""
    keys: list[tuple[int, str]] = []
    previous = ""
    for token in sent:
        key = at.get(token.i, "")
        if key and key != previous:
            keys.append((token.idx - sent.start_char, key))
        previous = key
    return keys


def _subject_home(chunks: Sequence[Chunk], linked: Linked, entities: dict[str, Entity]) -> str:
    """The organization a document is about: the one most often the subject of its sentences
    (twice at least; the earliest wins a tie), for titles and descriptions with no other
    antecedent ("X, the chief financial officer, said")."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for chunk in chunks:
        for mention in chunk.mentions:
            key = linked.entity_of.get(mention)
            if not key or entities[key].type != "Organization":
                continue
            span = chunk.doc.char_span(
                mention.start - chunk.base, mention.end - chunk.base, alignment_mode="expand"
            )
            if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
                counts[key] += 1
                first.setdefault(key, mention.start)
    if not counts:
        return ""
    key = min(counts, key=lambda k: (-counts[k], first[k]))
    return key if counts[key] >= 2 else ""


_YEARS = re.compile(r"\b(?:19|20)\d\d\b")


def _same_year(sentence: str, event: str) -> bool:
    """Whether a sentence is about the time of an event: it names no year, or only the
    year in the event's name."""
    years = set(_YEARS.findall(sentence))
    return not years or years <= set(_YEARS.findall(event))


def _event_home(chunks: Sequence[Chunk], linked: Linked, entities: dict[str, Entity]) -> str:
    """The event a document reports on: named in three sentences at least, and in more than
    any other event ("the show", a keynote or a launch with no event named is at it)."""
    sentences: dict[str, set[int]] = defaultdict(set)
    for chunk in chunks:
        for mention in chunk.mentions:
            key = linked.entity_of.get(mention)
            if key and entities[key].type == "Event":
                sentences[key].add(mention.sentence.start)
    ranked = sorted(sentences, key=lambda k: (-len(sentences[k]), k))
    if not ranked or len(sentences[ranked[0]]) < 3:
        return ""
    if len(ranked) > 1 and len(sentences[ranked[1]]) == len(sentences[ranked[0]]):
        return ""
    return ranked[0]


def component_mentions(chunk: Chunk, lexicons: dict[str, list[str]]) -> list[Mention]:
    """The product mentions of ``chunk`` named as a component: before a component noun ("the
    Quark 9 chip"), in apposition with one ("Quark 9, a processor from ..."), or as what a
    component noun is ("the modem is the Quark 9"). A product so named anywhere in the corpus
    is a component everywhere (:func:`extract_relations`)."""
    nouns = _component_nouns(lexicons)

    def component(token: Token) -> bool:
        return token.lower_ in nouns and token.tag_ in ("NN", "NNP")

    doc = chunk.doc
    found = []
    for mention in chunk.mentions:
        if mention.type != "Product":
            continue
        span = doc.char_span(
            mention.start - chunk.base, mention.end - chunk.base, alignment_mode="expand"
        )
        if span is None:
            continue
        root = span.root
        linked_nouns = [c for c in root.children if c.dep_ == "appos"]
        if root.dep_ == "appos":
            linked_nouns.append(root.head)
        if root.dep_ == "compound" or (span.end < len(doc) and doc[span.end].i == root.head.i):
            linked_nouns.append(root.head)  # "the Quark 9 chip"
        if root.dep_ == "attr" and root.head.lemma_ == "be":
            linked_nouns += [c for c in root.head.children if c.dep_ == "nsubj"]
        following = doc[span.end + 1 : span.end + 8]  # "Quark 9, a processor ...", misparsed
        linked_nouns += [
            t for t in following if _misattached_apposition(t, {span.end - 1: ""}) is not None
        ][:1]
        if any(component(t) for t in linked_nouns):
            found.append(mention)
    return found


_NOUNS: dict[tuple[str, ...], frozenset[str]] = {}


def _component_nouns(lexicons: dict[str, list[str]]) -> frozenset[str]:
    words = tuple(lexicons.get("component_noun", []))
    if words not in _NOUNS:
        _NOUNS[words] = frozenset(w.lower() for w in words)
    return _NOUNS[words]


def _typer(entities: dict[str, Entity], components: set[str]) -> Any:
    from kg.mentions.places import countries

    def typer(key: str) -> tuple[str, str]:
        entity = entities[key]
        if key in components:
            return entity.type, "component" if entity.kind != "chipset" else "chipset"
        if entity.type == "Market" and not entity.kind and _is_large_place(entity):
            return entity.type, "country" if entity.name in countries() else "region"
        return entity.type, entity.kind

    return typer


def _remember(
    chunk: Chunk, sent: Span, at: dict[int, str], refs: References, referring: dict[str, str]
) -> None:
    """Add the sentence's named mentions to what later references resolve against, and its
    subject pronouns as mentions of what they resolve to ("It ... . Its first phone")."""
    sentence_start = chunk.base + sent.start_char
    refs.sentence(sentence_start)
    previous = ""
    for token in sent:  # in order: "A said it would": "it" sees A
        start = chunk.base + token.idx
        key = at.get(token.i, "")
        if key and key != previous and token._.kg_name:
            head = token
            while head.head.i in at and at[head.head.i] == key and head.head.i != head.i:
                head = head.head
            refs.add(start, start + len(token), key, head.dep_ in ("nsubj", "nsubjpass"))
        elif not key and token.dep_ in ("nsubj", "nsubjpass"):
            reference = reference_of(token, referring)
            if reference is not None:
                # a pronoun may take a name before it in its sentence; a description ("the
                # company") looks back past it, as in a second clause it is rarely that name
                own = (-1, -1) if reference.pronoun else (sentence_start, start)
                resolved = refs.resolve(reference, start, sentence_start=sentence_start, clause=own)
                if resolved:
                    refs.add(start, start + len(token), resolved, True)
        previous = key
    lists: dict[int, list[str]] = defaultdict(list)  # "A, B and C": by the first conjunct
    for token in sent:
        key = at.get(token.i, "")
        if not key or (token.head.i in at and at[token.head.i] == key and token.head.i != token.i):
            continue  # not the head of its name
        top = token
        while top.dep_ == "conj" and top.head.i != top.i:
            top = top.head
        if key not in lists[top.i]:
            lists[top.i].append(key)
    for first, keys in sorted(lists.items()):
        if len(keys) >= 2:
            refs.lists.append((chunk.base + sent.doc[first].idx, keys))


def _frame_relations(
    chunk: Chunk,
    sent: Span,
    at: dict[int, str],
    refs: References,
    referring: dict[str, str],
    rules: RuleSet,
    typer: Any,
    place: Callable[[str], str],
    related: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
) -> Iterator[Relation]:
    """Relations the frame rules find in one sentence, and open relations between entities
    no typed rule connects."""
    partitive = rules.words("partitive")
    # nouns that stand for the company they belong to: "its chip business", "its shares"
    org_parts = rules.words("org_part") | rules.words("org_stock")
    place_parts = rules.words("place_part")
    market_nouns = rules.words("market_noun")

    def resolve_once(token: Token) -> list[tuple[str, str]]:
        key = at.get(token.i, "")
        appositions = [(at[c.i], "") for c in token.children if c.dep_ == "appos" and c.i in at]
        if key:
            found = [(key, "" if token._.kg_name else token.text)]
            if typer(key)[0] == "Market":  # "in Espoo, Finland": the city and its country
                found += appositions
            return found
        if appositions:  # "its first Android phone, the Zen 6": the apposition names it
            return appositions
        found = []
        if token.pos_ == "NOUN" and token.tag_ not in ("NNS", "NNPS"):
            # "the Quark 9 chip", "the Zen 2 smart lamp": a common noun named by the product
            # before it ("the Acme kiosk" is not Acme, unless the noun is a company word, or
            # a part of one: "its Nimbus division" is Nimbus)
            generic = (
                token.lower_ in referring or token.lower_ in partitive or token.lower_ in org_parts
            )
            for child in token.children:
                if child.dep_ in ("compound", "nmod") and child.i in at:
                    if generic or typer(at[child.i])[0] == "Product":
                        found.append((at[child.i], ""))
                    break
        if found:
            return found
        if token.tag_ in ("NNS", "NNPS"):  # "apps including A, B and C"
            listed = [
                member
                for child in token.children
                if child.lower_ in ("including", "like", "as")
                for grand in child.children
                if grand.dep_ in ("pobj", "dobj")
                for member in expand(grand)
            ]
            found = [pair for member in listed for pair in resolve(member)]
            if found:
                return found
        plural = _plural_reference(token, referring)
        if plural is not None:  # "the three models", "both companies"
            type_, count = plural
            return [(key, token.text) for key in refs.group(type_, chunk.base + token.idx, count)]
        if token.dep_ == "attr" and token.head.lemma_ == "be":  # "A is a Y-based writer"
            subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.i in at:
                return [(at[subject.i], "")]
        if token.pos_ == "NUM" or token.lower_ in ("million", "billion", "percent", "%"):
            for child in token.children:  # "edging past B's 22 million": B's figure is B
                if child.dep_ == "poss":
                    return resolve(child)
        if token.lower_ in place_parts and token.tag_ == "NN":  # "the state of Ruritania"
            for word, obj in prep_objects(token):
                if word == "of":
                    return resolve(obj)
        if token.lower_ in market_nouns and token.pos_ == "NOUN":
            # "Ruritania's phone market", "the Ruritanian market": the place it is in
            for child in token.children:
                if child.dep_ in ("poss", "compound", "nmod", "amod"):
                    found = [(k, r) for k, r in resolve(child) if typer(k)[0] == "Market"]
                    country = demonym_country(child.text) if child.dep_ == "amod" else None
                    if country:
                        found.append((place(country), ""))
                    if found:
                        return found
        if token.lower_ in partitive:  # "a version of the Quark 9", "the Quark family"
            for word, obj in prep_objects(token):
                if word == "of":
                    return resolve(obj)
        if token.lower_ in org_parts:  # "Acme's chip business", "the shares of Acme"
            owners_of = [c for c in token.children if c.dep_ == "poss"]
            owners_of += [obj for word, obj in prep_objects(token) if word == "of"]
            for child in owners_of:
                owners = resolve(child)
                if owners:
                    return owners
        if token.lower_ in ("whose", "which", "who", "that") and token.head.i != token.i:
            clause = token.head
            while clause.dep_ not in ("relcl", "acl") and clause.head.i != clause.i:
                clause = clause.head
            if clause.dep_ in ("relcl", "acl") and clause.head.i in at:
                return [(at[clause.head.i], "")]  # "A, whose chips ...": the noun it modifies
        reference = reference_of(token, referring)
        # "A, the family of models built by B": the noun an apposition describes (but "A,
        # the head of the Lyon-based group": a description of its own is not A)
        up = token
        while up.dep_ == "pobj" and up.head.lower_ == "of" and up.head.head.i != up.head.i:
            if reference is not None and not reference.pronoun:
                break
            up = up.head.head
        if (up.dep_ == "appos" or _appositive_conjunct(up)) and up.head.i in at:
            return [(at[up.head.i], "")]
        named = _misattached_apposition(up, at)
        if named is not None:
            return [(at[named], "")]
        if reference is not None:
            clause = token
            while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
                clause = clause.head
            left, right = clause.left_edge, clause.right_edge
            # not the subject of its own clause: "A said B would buy it" is not A buying A;
            # a possessive may be: "A raised its prices"
            # and a participle's subject is its clause's: "A sold more, overtaking the rival"
            own = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            if own is None and clause.pos_ == "VERB" and clause.dep_ in ("advcl", "xcomp", "conj"):
                own, _ = grammatical_subject(clause)
            avoid = (
                at.get(own.i, "")
                if own is not None and own.i != token.i and token.dep_ != "poss"
                else ""
            )
            found = []
            for type_ in reference.types:  # "it" may be a company or a product: the rule picks
                key = refs.resolve(
                    replace(reference, types=(type_,)),
                    chunk.base + token.idx,
                    avoid=avoid,
                    sentence_start=chunk.base + sent.start_char,
                    clause=(chunk.base + left.idx, chunk.base + right.idx + len(right)),
                )
                if key:
                    found.append((key, reference.text))
            if found:
                return found
        return []

    memo: dict[int, list[tuple[str, str]]] = {}

    def resolve(token: Token) -> list[tuple[str, str]]:
        """What a token stands for: each token of the sentence is read once."""
        found = memo.get(token.i)
        if found is None:
            found = memo[token.i] = resolve_once(token)
        return found

    seen: set[tuple[str, str]] = set(related) | {(o, s) for s, o in related}
    yield from _demonym_relations(chunk, sent, at, referring, resolve, typer, place)
    yield from _ticker_listings(chunk, sent, at, typer)
    frames: dict[int, Frame] = {}
    homes = tuple(k for k in (refs.home, refs.event) if k)
    candidates = [c for c in rules.candidates(sent, resolve, typer, homes, frames) if not c.negated]
    typed = {(c.subject, c.object) for c in candidates if not c.rule.fallback}
    typed |= {(o, s) for s, o in typed}
    for candidate in candidates:
        if candidate.resolved == "(the document's event)" and not _same_year(
            sent.text, refs.names.get(refs.event, "")
        ):
            continue  # "In 2011 we announced X", in a report on a later launch event
        pair = (candidate.subject, candidate.object)
        if candidate.rule.fallback and pair in typed:
            continue  # "A competes with B" is not also a partnership
        seen.add(pair)
        seen.add((candidate.object, candidate.subject))
        yield from _candidate_relations(chunk, sent, candidate)
    for token in sent:
        if token.pos_ != "VERB":
            continue
        frame = frames.get(token.i) or frame_of(token, rules.lexicon)
        if frame.negated:
            continue
        agents = [k for t in frame.roles.get("agent", []) for k, r in resolve(t) if not r]
        others = [
            (role, k)
            for role, tokens in frame.roles.items()
            if role == "patient" or role.startswith("prep:")
            for t in tokens
            for k, r in resolve(t)
            if not r
        ]
        for agent in agents:
            for role, other in others:
                if agent == other or (agent, other) in seen:
                    continue
                seen.add((agent, other))
                label = token.lemma_.lower() + (f" {role[5:]}" if role.startswith("prep:") else "")
                evidence = _evidence(chunk, sent, "open-verb", 0.4)
                yield Relation(agent, "kg:relatedTo", other, evidence, (("kg:verb", label),))


def _ticker_listings(
    chunk: Chunk, sent: Span, at: dict[int, str], typer: Any
) -> Iterator[Relation]:
    """ "Acme (Oslo Exchange: ACME)": a company with its exchange and ticker in brackets is
    listed there."""
    doc = sent.doc
    for token in sent:
        if token.text != "(" or token.i == sent.start:
            continue
        company = at.get(token.i - 1, "")
        exchange = at.get(token.i + 1, "")
        if not company or not exchange or company == exchange:
            continue
        end = token.i + 1
        while end < sent.end and at.get(end) == exchange:
            end += 1
        if end + 1 >= sent.end or doc[end].text != ":" or not doc[end + 1].text.isupper():
            continue
        if typer(company)[0] == typer(exchange)[0] == "Organization":
            evidence = _evidence(chunk, sent, "listed-ticker", 0.85)
            yield Relation(company, "kg:listedOn", exchange, evidence)


def _no_extra_roles(relations: list[Relation]) -> list[Relation]:
    """A chief executive's other ties to the company say nothing more: no ``schema:worksFor``
    or ``kg:role`` beside a ``kg:ceo`` (it is an employee relation itself)."""
    chiefs = {(r.object, r.subject) for r in relations if r.predicate == "kg:ceo"}
    return [
        r
        for r in relations
        if not (r.predicate == "schema:worksFor" and (r.subject, r.object) in chiefs)
        and not (r.predicate == "kg:role" and (r.object, r.subject) in chiefs)
    ]


def _appositive_conjunct(token: Token) -> bool:
    """ "A, the Oslo-based maker, ..." parsed as a conjunct of A: a common noun with a
    determiner, after a comma, with no "and"/"or" between it and its head."""
    head = token.head
    if token.dep_ != "conj" or token.pos_ != "NOUN" or head.i >= token.i:
        return False
    between = token.doc[head.i + 1 : token.i]
    return (
        any(t.text == "," for t in between)
        and not any(t.dep_ == "cc" or t.lower_ in ("and", "or") for t in between)
        and any(c.dep_ in ("det", "poss") for c in token.children)
    )


_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "both": 2}


def _plural_reference(token: Token, referring: dict[str, str]) -> tuple[str, int] | None:
    """(type, count) of a plural description that refers back: "the three models", "these
    phones", "both companies" (count 0 when no number is given); None for anything else."""
    if token.tag_ != "NNS" or token.lemma_.lower() not in referring:
        return None
    words = [c.lower_ for c in token.children if c.dep_ in ("det", "nummod", "predet")]
    if not any(w in ("the", "these", "those", "both") for w in words):
        return None
    if any(c.dep_ in ("compound", "prep", "relcl", "acl") for c in token.children):
        return None  # "the Zen phones", "the models of 2020", "the phones it sold"
    count = next((_COUNTS[w] for w in words if w in _COUNTS), 0)
    return referring[token.lemma_.lower()], count


def _misattached_apposition(token: Token, at: dict[int, str]) -> int | None:
    """ "they run on the Zen 9, a processor made by B" with "processor" parsed as the verb's
    object (or an apposition of another noun): a common noun whose phrase opens with "a"/"the"
    right after a comma that follows a name describes that name. The index of the name's last
    token, or None."""
    if token.pos_ != "NOUN" or token.dep_ in ("conj", "poss"):
        return None  # a possessor is inside the description: "A, the group's unit"
    first = token.left_edge
    if first.lower_ not in ("a", "an", "the") or first.i < 2:
        return None
    comma, name = token.doc[first.i - 1], first.i - 2
    if comma.text != "," or name not in at or token.head.i == name:
        return None
    return name


def _demonym_relations(
    chunk: Chunk,
    sent: Span,
    at: dict[int, str],
    nouns: dict[str, str],
    resolve: Any,
    typer: Any,
    place: Callable[[str], str],
) -> Iterator[Relation]:
    """ "a Dutch maker", "Pegatron, another Taiwanese firm", "the Kenyan operator": a
    nationality on a company says where it operates, on a person where they are based."""

    people = {"fan", "user", "customer", "student", "founder", "engineer", "writer", "executive"}
    for token in sent:
        if token.dep_ != "amod" or token.pos_ not in ("ADJ", "PROPN"):
            continue
        country = demonym_country(token.text)
        head = token.head
        if not country or not (head.i in at or head.lower_ in nouns or head.lemma_ in people):
            continue  # "a Dutch maker", "Spanish fans"; not "a Spanish term"
        for key, resolved in resolve(token.head):
            type_ = typer(key)[0]
            if type_ not in ("Organization", "Person") or resolved:
                continue
            predicate = "kg:operatesIn" if type_ == "Organization" else "kg:basedIn"
            evidence = _evidence(chunk, sent, "demonym", 0.7)
            yield Relation(key, predicate, place(country), evidence)


def _candidate_relations(chunk: Chunk, sent: Span, candidate: Candidate) -> Iterator[Relation]:
    rule = candidate.rule
    confidence = rule.confidence * (0.8 if candidate.resolved else 1.0)
    qualifiers: list[tuple[str, str | Literal]] = [
        (name, candidate.words if value == "$trigger" else value) for name, value in rule.qualifiers
    ]
    if candidate.former:
        qualifiers.append(("kg:status", "former"))
    if candidate.planned:
        qualifiers.append(("kg:modality", "planned"))
        confidence *= 0.8
    if candidate.resolved:
        qualifiers.append(("kg:resolvedFrom", candidate.resolved))
    evidence = _evidence(chunk, sent, rule.id, round(confidence, 2))
    if candidate.object.startswith("date:"):
        dates = parse_date(candidate.object[5:])
        if len(dates) == 1:
            value = Literal(dates[0].value, dates[0].datatype)
            yield Relation(candidate.subject, rule.predicate, value, evidence, tuple(qualifiers))
        return
    yield Relation(candidate.subject, rule.predicate, candidate.object, evidence, tuple(qualifiers))
    if rule.dates and not candidate.planned:
        dates = _sentence_dates(sent.text, chunk.document.date)
        if len(dates) == 1:
            value = Literal(dates[0].value, dates[0].datatype)
            yield Relation(
                candidate.subject, rule.dates, value, replace(evidence, rule=f"{rule.id}-date")
            )
