"""Find: the mentions of one parsed chunk, from spaCy's entities typed by evidence."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.mentions.aliases import naming_aliases
from kg.mentions.compounds import join_subsidiaries
from kg.mentions.cues import cue_type, listed_with, speaker_span, split_possessive
from kg.mentions.events import launch_events, named_events, offering_events
from kg.mentions.names import (
    LABEL_TYPES,
    common_word,
    keep,
    normalize_name,
    not_a_name,
    parse_id,
    ticker,
    tight,
    trim,
)
from kg.mentions.places import demonym_markets, place, place_type
from kg.mentions.shapes import (
    MODEL_SUFFIXES,
    company_words,
    extend_corporate,
    extend_version,
    legal_form,
    model_number,
    split_maker,
    strip_line_noun,
)
from kg.mentions.words import cues, currency_words, events
from kg.records import Document, Mention, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["find_mentions", "make_mention"]

#: spaCy labels of words that name none of our types: "English", "Spanish", "May 2024".
_NOT_OURS = {"NORP", "LANGUAGE", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
_GREETINGS = {"happy", "merry"}
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _sentence(document: Document, base: int, span: Span) -> Sentence:
    sent = span.sent
    start, end = base + sent.start_char, base + sent.end_char
    return Sentence(document.id, start, end, document.text[start:end])


def make_mention(
    document: Document,
    base: int,
    span: Span,
    type_: str,
    source: str,
    heading: bool,
    kind: str = "",
    canonical: str = "",
) -> Mention:
    """A :class:`Mention` of ``span``, a span of the chunk that starts at offset ``base``."""
    start, end = tight(document.text, base + span.start_char, base + span.end_char)
    return Mention(
        doc_id=document.id,
        start=start,
        end=end,
        text=document.text[start:end],
        type=type_,
        source=source,
        sentence=_sentence(document, base, span),
        kind=kind,
        canonical=canonical,
        heading=heading,
    )


def find_mentions(doc: Doc, document: Document, base: int, heading: bool) -> list[Mention]:
    """Every mention in one parsed chunk of ``document`` that starts at offset ``base``.

    Args:
        doc: the chunk parsed by the pipeline of :func:`kg.nlp.load_pipeline`.
        document: the document the chunk comes from.
        base: character offset of the chunk in the document.
        heading: whether the chunk is a heading line.
    """
    table = cues()
    mentions: list[Mention] = []
    products: list[Span] = []
    taken_to = 0  # tokens before this index belong to a longer name already found
    for ent in doc.ents:
        if ent.start < taken_to:
            continue
        type_ = LABEL_TYPES.get(ent.label_)
        if type_ is None and ent.label_ == "FAC" and any(t.text in table["org_heads"] for t in ent):
            type_ = "Organization"  # "the Orbo Museum": a museum is an organization
        if (
            not ent.ent_id_
            and type_ != "Organization"
            and len(ent) > 1
            and ent[-1].lower_ in company_words()
        ):
            type_ = "Organization"  # "Orbo Limited", "Orbo Cloud": a company's name, any label
        if type_ is None:
            continue
        meta = parse_id(ent.ent_id_)
        source = "gazetteer" if "gaz" in meta else "pattern" if "kind" in meta else "ner"
        if source == "ner" and (split := split_maker(ent)):
            for part, part_type in split:
                mentions.append(make_mention(document, base, part, part_type, "cue", heading))
                if part_type == "Product":
                    products.append(part)
            continue
        if source == "ner" and (split := split_possessive(ent)):
            for part, part_type in split:
                mentions.append(make_mention(document, base, part, part_type, "rule", heading))
            continue
        span = trim(ent, inner=source == "ner")
        if span is not None and source == "ner" and len(span) > 1 and span[-1].text == "IPO":
            span = span[:-1]  # "Acme IPO": the offering is an event of its own
        if span is None:
            continue
        if meta.get("kind") == "product line":
            span = strip_line_noun(span)
        if not keep(span.text, source) or ticker(span) or span[0].text in currency_words():
            continue  # "RMB 100" is an amount
        if len(span) == 1 and span[0].lower_ in MODEL_SUFFIXES:
            continue  # "the Ultra": a model named by its suffix alone is no name
        if type_ == "Event" and span.start > 0 and doc[span.start - 1].lower_ in _GREETINGS:
            continue  # "Happy New Year!": a greeting
        kind, canonical = meta.get("kind", ""), meta.get("gaz", "")
        if type_ == "Organization" and (longer := extend_corporate(span)) != span:
            # "Acme Labs", not "Acme" + "Labs"; "Acme Oyj" is Acme
            if not legal_form(longer[span.end - span.start :].text):
                source, canonical = "rule", ""
            elif not canonical:
                canonical = normalize_name(span.text)
            span = longer
        elif type_ == "Product" and (longer := extend_version(span)) != span:
            span, source, canonical = longer, "rule", ""  # "OrboOS 14"
        taken_to = max(taken_to, span.end)
        if source == "pattern" and type_ == "Product" and cue_type(span) == "Event":
            type_, source, kind = "Event", "cue", ""  # "Orbo Unpacked, the launch event"
        if source == "ner":
            if len(span) > 1 and span[-1].lower_ in table["org_titles"]:
                span = span[:-1]  # "Acme Founder": the name ends before the title
            if not_a_name(span):
                continue
            if len(span) == 1 and common_word(span.text, document.text):
                continue  # "Smart devices ...", next to "smart" elsewhere: a common word
            name = normalize_name(span.text)
            if name in table["holidays"]:
                type_, kind = "Event", "holiday"
            placed = (
                "" if any(t.text in table["org_heads"] for t in span) else (place_type(span, name))
            )
            cue = placed or cue_type(span)
            if not cue and not place(name) and (len(span) > 1 or type_ != "Person"):
                cue = listed_with(span)  # "Acme, Globex and Initech"
                cue = "" if cue == "Market" else cue  # a place is on the place lists
            if cue and cue != "Market" and type_ == "Market" and place(name):
                cue = ""  # "Springfield, Ohio, listed on ...": a place stays a place
            if not cue and len(span) == 1 and model_number(span.text):
                cue = "Product"  # "the P20": a model number, whatever the model guessed
            if not cue and len(span) > 1 and span[-1].lower_ in MODEL_SUFFIXES:
                cue = "Product"  # "the Orbo Ultra": a name and a model's suffix
            if not cue and len(span) > 1 and span[-1].like_num and _YEAR.match(span[-1].text):
                if type_ != "Product" and all(t.pos_ == "PROPN" for t in span[:-1]):
                    cue = "Event"  # "Orbo Expo 2024": a name and a year name an event
            if cue:
                type_, source = cue, "cue"
            if type_ == "Market" and name.isupper() and len(name) > 3 and not canonical:
                canonical = name.title()  # a dateline: "SPRINGFIELD –"
        if type_ == "Person" and any(ch.isdigit() for ch in span.text):
            continue
        mentions.append(make_mention(document, base, span, type_, source, heading, kind, canonical))
        if type_ == "Product":
            products.append(span)
    speaker = speaker_span(doc, document)
    if speaker is not None:
        at = base + speaker.start_char
        mentions = [
            dataclasses.replace(m, type="Person", source="cue")
            if m.start == at and m.source == "ner"
            else m
            for m in mentions
        ]
        if not any(m.start <= at < m.end for m in mentions):
            mentions.append(make_mention(document, base, speaker, "Person", "cue", heading))
    for span, type_ in _uncovered_names(doc, document):
        title = span.text.title() if type_ == "Market" and span.text.isupper() else ""
        mentions.append(make_mention(document, base, span, type_, "cue", heading, "", title))
        if type_ == "Product":
            products.append(span)
    for span in sibling_models(doc, base, products, mentions):
        mentions.append(make_mention(document, base, span, "Product", "rule", heading, "product"))
        products.append(span)
    for span, name in launch_events(doc, products):
        mentions.append(
            make_mention(document, base, span, "Event", "rule", heading, events()["kind"], name)
        )
    mentions = _events(doc, document, base, heading, mentions)
    mentions = join_subsidiaries(document, naming_aliases(document, mentions))
    taken = {(m.start, m.end) for m in mentions}
    for span, country in demonym_markets(doc):
        if (base + span.start_char, base + span.end_char) not in taken:
            mentions.append(
                make_mention(document, base, span, "Market", "rule", heading, "country", country)
            )
    return mentions


_NUMBER = re.compile(r"^\d{1,4}[A-Za-z]{0,2}\+?$")


def sibling_models(
    doc: Doc, base: int, products: list[Span], mentions: list[Mention]
) -> Iterator[Span]:
    """Models of a product's line the model missed: "the Zen 5, Zen 5+ and Zen 5 Ultra",
    where only "Zen 5" was found, gives the other two. A sibling is the line's word, a model
    number and any model suffixes ("+", "Ultra", "Pro Max"), anywhere in the chunk."""
    lines = {
        span[0].text
        for span in products
        if len(span) >= 2 and span[0].text[:1].isupper() and _NUMBER.match(span[1].text)
    }
    if not lines:
        return
    taken = {i for span in products for i in range(span.start, span.end)}
    for mention in mentions:
        span = doc.char_span(mention.start - base, mention.end - base, alignment_mode="expand")
        taken.update(range(span.start, span.end) if span is not None else ())
    for token in doc:
        if token.text not in lines or token.i in taken or token.i + 1 >= len(doc):
            continue
        if not _NUMBER.match(doc[token.i + 1].text):
            continue
        end = token.i + 2
        while end < len(doc) and (doc[end].lower_ in MODEL_SUFFIXES or doc[end].text == "+"):
            end += 1
        if any(i in taken for i in range(token.i, end)):
            continue
        taken.update(range(token.i, end))
        yield doc[token.i : end]


def _uncovered_names(doc: Doc, document: Document) -> Iterator[tuple[Span, str]]:
    """Proper names the statistical model missed, typed by a cue (see :func:`cue_type`)."""
    covered = {
        i
        for ent in doc.ents
        if ent.label_ in LABEL_TYPES or ent.label_ in _NOT_OURS
        for i in range(ent.start, ent.end)
    }
    i = 0
    while i < len(doc):
        token = doc[i]
        if i in covered or token.pos_ != "PROPN" or not token.text[0].isupper():
            i += 1
            continue
        j = i
        while (
            j < len(doc)
            and j not in covered
            and doc[j].pos_ == "PROPN"
            and doc[j].text[0].isupper()
        ):
            j += 1
        span = doc[i:j]
        i = j
        if not keep(span.text, "rule") or not_a_name(span) or ticker(span):
            continue
        if len(span) == 1 and common_word(span.text, document.text):
            continue
        if any(t.text in cues()["org_heads"] for t in span):
            before = doc[span.start - 1] if span.start else None
            if before is not None and before.ent_type_ in ("GPE", "LOC") and len(span) > 1:
                yield span, "Organization"  # "the Ruritania Quality Committee": a national body
            continue  # "Smart Device Company", "Main Board": generic, unless the model says so
        cue = place_type(span, normalize_name(span.text)) or cue_type(span) or listed_with(span)
        if not cue and len(span) == 1 and model_number(span.text) and span.start > 0:
            before = doc[span.start - 1]
            if before.lower_ in ("the", "its", "their", "a", "an") or before.tag_ == "POS":
                cue = "Product"  # "the X70", "Acme's X70"
        if not cue and len(span) > 1 and span[-1].lower_ in MODEL_SUFFIXES:
            cue = "Product"  # "the Vela Ultra"
        if cue:
            yield span, cue


def _events(
    doc: Doc, document: Document, base: int, heading: bool, mentions: list[Mention]
) -> list[Mention]:
    """Named events and share offerings; a name inside an event's name is no mention of its
    own ("Made by Orbo" holds no Orbo), but the company of an offering is."""
    found: list[Mention] = []
    events_at = [(m.start, m.end) for m in mentions if m.type == "Event"]
    for span in named_events(doc):
        start, end = base + span.start_char, base + span.end_char
        if keep(span.text, "rule") and not any(a <= start and end <= b for a, b in events_at):
            found.append(make_mention(document, base, span, "Event", "rule", heading))
    for start, end, name in offering_events(document.text, mentions):
        offering = doc.char_span(start - base, end - base, alignment_mode="expand")
        if offering is not None:
            found.append(
                make_mention(document, base, offering, "Event", "rule", heading, "ipo", name)
            )
    named = [(m.start, m.end) for m in found if m.kind != "ipo"]
    kept = [
        m
        for m in mentions
        if m.type == "Event"
        and m.source == "rule"
        or not any(a <= m.start and m.end <= b for a, b in named)
    ]
    taken = {(m.start, m.end) for m in kept}
    return kept + [m for m in found if (m.start, m.end) not in taken]
