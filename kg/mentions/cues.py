"""Context cues: the words around a name that settle its type ("NAME, who ...")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.mentions.lines import SPEAKER
from kg.mentions.names import LABEL_TYPES, common_word, keep
from kg.mentions.places import countries, place
from kg.mentions.words import cues

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from kg.records import Document

__all__ = ["cue_type", "listed_with", "speaker_span", "split_possessive"]

_SOURCE_WORDS = {("according", "to"), ("as", "per"), ("data", "from"), ("figures", "from")}
_PLACING = {"on", "left", "right", "center", "centre", "pictured", "second", "third", "far", "top"}
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|my|me|we|our|us)\b")
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
    if (
        prev is not None
        and prev.lower_ in ("the", "its", "their", "our")
        and nxt is not None
        and nxt.lower_ in ("name", "brand", "label")
    ):
        return "Product"  # "sold under the NAME brand"
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
        appositive = _apposition_type(doc, end)
        if appositive:
            return appositive
    if nxt is not None and nxt.text == "(" and nxt2 is not None and nxt2.lower_ in _PLACING:
        return "Person"  # a caption: "NAME (on the left)", "NAME (second from right)"
    if prev is not None and prev.lower_ in table["person_titles"] and prev.ent_iob_ != "I":
        return "Person" if span.root.pos_ == "PROPN" else ""
    if prev is not None and prev.pos_ == "NOUN" and prev.ent_iob_ == "O" and _described(prev):
        described = _noun_type(prev.lower_)
        if described:
            return described  # "the fashion retailer NAME", "the messaging app NAME"
    if prev is not None and prev.tag_ == "POS" and span.label_ != "PERSON" and _place_before(prev):
        return "Organization"  # "Ruritania's NAME": a country's company
    root = span.root
    if (
        root.dep_ == "appos"
        and root.head.pos_ == "NOUN"
        and root.head.i < start
        and prev is not None
        and prev.text in (",", "(")
        and _described(root.head)
    ):
        described = _noun_type(root.head.lemma_.lower())
        if described:
            return described  # "its own wallet, NAME,", "a retailer, NAME,"
    if root.dep_ == "nsubj" and root.head.lemma_ in ("be", "become", "remain"):
        attr = next((c for c in root.head.children if c.dep_ == "attr"), None)
        if attr is not None and attr.pos_ == "NOUN" and attr.i > end:
            described = _noun_type(attr.lemma_.lower())
            if described:
                return described  # "NAME is the country's largest carrier", "NAME is an app"
    if root.dep_ in ("dobj", "nsubjpass", "oprd") and root.head.lemma_ in table["launch_verbs"]:
        return "Product"  # "Acme launched NAME", "NAME was introduced", "renamed NAME"
    i = start - 1
    while i >= 0 and doc[i].text in _QUOTES:
        i -= 1
    if i >= 0 and doc[i].lower_ in table["event_links"]:
        i -= 1  # "a new platform called NAME", "the phone, named NAME"
        while i >= 0 and (doc[i].text in _QUOTES or doc[i].text == ","):
            i -= 1
        if i >= 0 and doc[i].pos_ == "NOUN":
            return _noun_type(doc[i].lower_)
        return ""
    if i >= 0 and doc[i].lower_ in table["event_nouns"] and doc[i].pos_ == "NOUN":
        return "Event"
    return ""


def _noun_type(noun: str) -> str:
    """The type a common noun says a name has: "app" a Product, "retailer" an Organization."""
    table = cues()
    if noun in table["product_nouns"]:
        return "Product"
    if noun in table["org_nouns"]:
        return "Organization"
    if noun in table["event_nouns"]:
        return "Event"
    return ""


def _described(noun: Token) -> bool:
    """Whether a noun right before a name opens with a determiner or a possessive:
    "the fashion retailer NAME", "Acme's messaging app NAME", not "retailer NAME said"."""
    doc = noun.doc
    for token in reversed(doc[max(0, noun.i - 4) : noun.i]):
        if token.lower_ in ("the", "a", "an", "its", "their", "his", "her", "our"):
            return True
        if token.tag_ == "POS":
            return True
        if token.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM") and token.text not in ("-",):
            return False
    return False


def _place_before(possessive: Token) -> bool:
    """Whether a place's name stands before a possessive: "Ruritania's", "New Ruritania's"."""
    doc = possessive.doc
    start = possessive.i
    while start > 0 and possessive.i - start < 3 and doc[start - 1].text[:1].isupper():
        start -= 1
    name = doc[start : possessive.i].text
    return bool(name) and place(name) is not None


def _apposition_type(doc: Doc, comma: int) -> str:
    """The type an apposition after a name gives it, by its head noun: "NAME, the mobile
    messaging app (by ...)", "NAME, an Acme-based maker", "NAME, Acme's annual conference"."""
    i = comma + 1
    if i >= len(doc):
        return ""
    first = doc[i]
    owned = any(t.tag_ == "POS" for t in doc[i : min(len(doc), i + 4)])
    if first.lower_ not in ("the", "a", "an") and not (first.text[:1].isupper() and owned):
        return ""
    head, based = "", False
    for token in doc[i : min(len(doc), i + 10)]:
        if (
            token.lower_ == "based"
            and token.i > i + 1
            and doc[token.i - 1].text == "-"
            and doc[token.i - 2].text[:1].isupper()
        ):
            based = True  # "NAME, a Ruritania-based ...": a company, unless a person's title
            # (a "phone-based service" is based on a thing, not in a place)
        if token.text == "-" or token.tag_ == "POS":
            continue
        if (
            token.lower_ == "of"
            and not head
            and token.i > i + 1
            and (doc[token.i - 1].tag_ in ("JJS", "CD") or doc[token.i - 1].lower_ == "first")
        ):
            continue  # "NAME, the smallest of Acme's models", "NAME, one of its chips"
        if (
            token.is_punct
            or token.pos_ in ("ADP", "AUX", "PRON")
            or token.tag_ in ("VBD", "VBZ", "VBP")
        ):
            break
        if token.pos_ == "NOUN":
            head = token.lower_ if token.lower_ in cues()["person_titles"] else token.lemma_.lower()
    if head in cues()["person_titles"]:
        return "Person"  # "NAME, a Ruritania-based analyst"
    return _noun_type(head) or ("Organization" if based else "")


def speaker_span(doc: Doc, document: Document) -> Span | None:
    """ "Jane: I learned about ...": the name before the colon that opens an interview line."""
    found = SPEAKER.match(doc.text)
    if not found or found.group(1) in cues()["not_speakers"]:
        return None
    name = found.group(1)
    if not keep(name, "rule"):
        return None  # "Monday: ...", a day's heading
    if " " not in name and common_word(name, document.text):
        return None
    again = len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", document.text)) > 1
    if " " not in name and not again and not _FIRST_PERSON.search(doc.text[found.end(1) :]):
        return None  # "Verdict: the phone ...": a label, unless it speaks ("Jane: I ...")
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
