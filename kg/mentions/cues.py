"""Context cues: the words around a name that settle its type ("NAME, who ...")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.mentions.lines import SPEAKER
from kg.mentions.names import LABEL_TYPES, common_word, keep
from kg.mentions.places import countries
from kg.mentions.words import cues

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from kg.records import Document

__all__ = ["cue_type", "listed_with", "speaker_span", "split_possessive"]

_SOURCE_WORDS = {("according", "to"), ("as", "per"), ("data", "from"), ("figures", "from")}
_QUOTES = {'"', "“", "”", "'", "‘", "’", "«", "»"}


def _org_cue(
    span: Span,
    nxt: Token | None,
    nxt2: Token | None,
    nxt3: Token | None,
    prev: Token | None,
    prev2: Token | None,
) -> str:
    """Organization from the words around a name.

    "NAME was founded", "founder and CEO of NAME", "NAME's CEO", "NAME CEO Jane Doe", a maker
    before its product ("Acme Orbo 5").
    """
    table = cues()
    verbs = table["org_verbs"]
    if nxt is not None and nxt.lower_ in ("was", "is", "has", "had", "were", "are"):
        after = nxt3 if nxt2 is not None and nxt2.lower_ == "been" else nxt2
        if after is not None and after.lower_ in verbs:
            return "Organization"
    if nxt is not None and nxt.text == "," and nxt2 is not None and nxt2.lower_ in verbs:
        return "Organization"
    back = [t.lower_ for t in span.doc[max(0, span.start - 3) : span.start] if t.lower_ != "the"]
    if back[-2:] in (["listed", "on"], ["traded", "on"], ["trades", "on"], ["ipo", "on"]):
        return "Organization"  # "listed on the Nasdaq": an exchange
    if prev is not None and prev2 is not None and (prev2.lower_, prev.lower_) in _SOURCE_WORDS:
        sentence = span.sent.text.lower()
        if any(word in sentence for word in table["research_words"]):
            return "Organization"  # "according to NAME, ... market share": a research firm
    if prev is not None and prev.lower_ == "of" and prev2 is not None:
        if prev2.lower_ in table["org_titles"]:
            return "Organization"
    if nxt is not None and nxt.tag_ == "POS" and nxt2 is not None:
        if nxt2.lower_ in table["org_titles"]:
            return "Organization"
    if nxt is not None and nxt.lower_ in table["org_titles"]:
        return "Organization"
    # "Acme phones", "Acme’s products", "Acme's revenue": a company's things
    possessive = nxt is not None and nxt.tag_ == "POS"
    owned = nxt2 if possessive else nxt
    if (
        owned is not None
        and owned.lower_ in table["org_possessions"]
        and owned.pos_ == "NOUN"
        and (possessive or not span[0].is_sent_start)  # "Carrier stores ..." opens a heading
    ):
        return "Organization"
    if nxt is not None and nxt.ent_type_ == "PRODUCT" and nxt.ent_iob_ == "B" and len(span) == 1:
        return "Organization"  # a maker before its product: "Acme Orbo 5"
    return ""


def listed_with(span: Span) -> str:
    """The type of a typed name this one is coordinated with: "Acme, Globex and Initech"."""
    root = span.root
    partners = [root.head] if root.dep_ == "conj" else []
    partners += [c for c in root.children if c.dep_ == "conj"]
    for partner in partners:
        if not (span.start <= partner.i < span.end) and partner.ent_type_ in LABEL_TYPES:
            return LABEL_TYPES[partner.ent_type_]
    return ""


def cue_type(span: Span) -> str:
    """The type the words around ``span`` give it, or "".

    Organization: a head noun in the name ("Orbo Museum", "Ruritania Quality Committee").
    Person: "NAME, who", "NAME, 37,", "NAME (on the left)", a speaker's "NAME:" at the start
    of a line, a title before ("CEO Jane Doe").
    Product: an apposition "NAME, the mobile messaging app". Event: "an event called NAME".
    """
    table = cues()
    doc = span.doc
    start, end = span.start, span.end
    if any(t.text in table["org_heads"] for t in span):
        return "Organization"

    def at(i: int) -> Token | None:
        return doc[i] if 0 <= i < len(doc) else None

    nxt, nxt2, nxt3 = at(end), at(end + 1), at(end + 2)
    prev, prev2 = at(start - 1), at(start - 2)
    org = _org_cue(span, nxt, nxt2, nxt3, prev, prev2)
    if org:
        return org
    if nxt is not None and nxt.text == ":" and start == 0 and nxt2 is not None:
        # one word before a colon is a speaker only if it comes back (see speaker_span)
        return "Person" if len(span) > 1 and span.text not in table["not_speakers"] else ""
    if nxt is not None and nxt.text == "," and nxt2 is not None:
        if nxt2.lower_ == "who":
            return "Person"
        if nxt2.like_num and nxt3 is not None and nxt3.text == ",":
            return "Person"
        if nxt2.lower_ in ("the", "a", "an"):
            # the apposition's head noun: "the mobile messaging app (by ...)", "the maker (of ...)"
            head = ""
            for token in doc[end + 2 : min(len(doc), end + 10)]:
                if (
                    token.is_punct
                    or token.pos_ in ("ADP", "AUX", "PRON")
                    or token.tag_ in ("VBD", "VBZ", "VBP")
                ):
                    break
                if token.pos_ == "NOUN":
                    head = token.lower_
            if head in table["product_nouns"]:
                return "Product"
            if head in table["org_nouns"]:
                return "Organization"
    if nxt is not None and nxt.text == "(" and nxt2 is not None and nxt2.lower_ == "on":
        return "Person"
    if prev is not None and prev.lower_ in table["person_titles"] and prev.ent_iob_ != "I":
        return "Person" if span.root.pos_ == "PROPN" else ""
    i = start - 1
    while i >= 0 and doc[i].text in _QUOTES:
        i -= 1
    if i >= 0 and doc[i].lower_ in table["event_links"]:
        i -= 1
    if i >= 0 and doc[i].lower_ in table["event_nouns"] and doc[i].pos_ == "NOUN":
        return "Event"
    return ""


def speaker_span(doc: Doc, document: Document) -> Span | None:
    """ "Jane: I learned about ...": the name before the colon that opens an interview line."""
    found = SPEAKER.match(doc.text)
    if not found or found.group(1) in cues()["not_speakers"]:
        return None
    name = found.group(1)
    if not keep(name, "rule"):
        return None  # "Monday: ...", a day's heading
    if " " not in name and (
        common_word(name, document.text)
        or len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", document.text)) < 2
    ):
        return None  # "Verdict: ...": a one-word label that never comes back is no speaker
    return doc.char_span(0, len(name))


def split_possessive(ent: Span) -> list[tuple[Span, str]]:
    """ "Ruritania's Design Museum": the organization after the possessive, the country before."""
    doc = ent.doc
    for token in ent[:-1]:
        if token.tag_ == "POS" and token.i > ent.start:
            before, after = doc[ent.start : token.i], doc[token.i + 1 : ent.end]
            if not any(t.text in cues()["org_heads"] for t in after):
                return []
            parts = [(after, "Organization")]
            if before.text in countries():
                parts.append((before, "Market"))
            return parts
    return []
