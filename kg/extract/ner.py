"""Mentions: typed spans from spaCy's NER, the EntityRuler, and event/market rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.records import Document, Mention, Sentence
from kg.resources import read_json, read_lines

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["split_lines", "is_heading", "find_mentions", "normalize_name", "LABEL_TYPES"]

#: spaCy labels that name one of our entity types.
LABEL_TYPES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "PRODUCT": "Product",
    "GPE": "Market",
    "LOC": "Market",
    "EVENT": "Event",
}

_LEADING = {"the", "a", "an", "our", "its", "their", "his", "her", "this", "that", "these"}
_POSSESSIVE = re.compile(r"[’'‘]s?$")
_HEADING_END = (".", "!", "?", ":", ";", ",", '"', "”", "…")
_NOT_NAMES = re.compile(r"^(?:No\.?\s?\d+|#\d+|[QH][1-4](?:\s\d{4})?|FY\s?\d+)$", re.IGNORECASE)
#: Generic nouns after a product line: "Redmi smartphones" names the line "Redmi".
_LINE_NOUNS = {"smartphones", "smartphone", "phones", "phone", "line", "brand", "devices"}


def split_lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-blank lines of ``text`` with their start offsets, stripped of outer whitespace.

    >>> list(split_lines("Title\\n\\n  Body text.  \\n"))
    [(0, 'Title'), (9, 'Body text.')]
    """
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped and any(ch.isalpha() for ch in stripped):
            yield match.start() + (len(line) - len(line.lstrip())), stripped


def is_heading(line: str) -> bool:
    """Whether a line reads as a heading or caption: short, with no closing punctuation.

    >>> is_heading("Key Partnerships"), is_heading("Xiaomi was founded in 2010.")
    (True, False)
    """
    return len(line.split()) <= 12 and not line.endswith(_HEADING_END)


def normalize_name(text: str) -> str:
    """The canonical spelling of a surface form: no leading article or trailing possessive,
    straight quotes, single spaces.

    >>> normalize_name("the  Lei Jun‘s")
    'Lei Jun'
    """
    text = re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip(" .,;:!?\"'()")
    words = text.split(" ")
    while len(words) > 1 and words[0].lower() in _LEADING:
        words = words[1:]
    text = " ".join(words)
    return _POSSESSIVE.sub("", text).strip() if len(text) > 2 else text


@cache
def _events() -> dict[str, Any]:
    return dict(read_json("rules/events.json"))


@cache
def _demonyms() -> dict[str, str]:
    return dict(read_json("demonyms.json"))


def _parse_id(ent_id: str) -> dict[str, str]:
    """``"gaz=IDC|kind=research firm"`` -> ``{"gaz": "IDC", "kind": "research firm"}``."""
    return dict(part.split("=", 1) for part in ent_id.split("|") if "=" in part)


def _trim(span: Span) -> Span | None:
    """Drop leading articles/possessive determiners and everything from an inner possessive on."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].lower_ in _LEADING:
        start += 1
    for i in range(start, end):
        if doc[i].tag_ == "POS" or (i > start and doc[i].is_punct and doc[i].text not in "-&."):
            end = i
            break
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


def _sentence(document: Document, base: int, span: Span) -> Sentence:
    sent = span.sent
    start, end = base + sent.start_char, base + sent.end_char
    return Sentence(document.id, start, end, document.text[start:end])


def _mention(
    document: Document,
    base: int,
    span: Span,
    type_: str,
    source: str,
    heading: bool,
    kind: str = "",
    canonical: str = "",
) -> Mention:
    start, end = base + span.start_char, base + span.end_char
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


def _keep(text: str, source: str) -> bool:
    name = normalize_name(text)
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return False
    if name.lower() in read_lines("stoplist.txt") or _NOT_NAMES.match(name):
        return False
    # Statistical NER on lower-case words is noise ("tandem", "apps showcase").
    return not (source == "ner" and name[0].islower())


def _launch_events(doc: Doc, products: list[Span]) -> Iterator[tuple[Span, str]]:
    """Launch events around product mentions, with their canonical names."""
    cfg = _events()
    ent_tokens = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    for product in products:
        name = f"{normalize_name(product.text)} {cfg['suffix']}"
        after = product.end
        if after < len(doc) and doc[after].lower_ in cfg["after_product"]:
            end = after + 1
            if end < len(doc) and doc[end].lower_ in cfg["event_nouns"]:
                end += 1
            yield doc[product.start : end], name
            continue
        # "the launch (event) of our latest smartphone Mi 6X"
        for i in range(product.start - 1, max(-1, product.start - cfg["max_gap"] - 4), -1):
            if (
                i in ent_tokens
                or doc[i].is_sent_start
                and doc[i].lower_ not in cfg["before_product"]
            ):
                break
            if doc[i].lower_ in cfg["before_product"]:
                j = i + 1
                if j < product.start and doc[j].lower_ in cfg["event_nouns"]:
                    j += 1
                if (
                    j < product.start
                    and doc[j].lower_ == "of"
                    and product.start - j - 1 <= cfg["max_gap"]
                ):
                    yield doc[i : product.end], name
                break


def _demonym_markets(doc: Doc) -> Iterator[tuple[Span, str]]:
    """ "the Indian market", "Chinese smartphone market": the demonym names a market."""
    demonyms = _demonyms()
    for token in doc:
        country = demonyms.get(token.text)
        if country is None:
            continue
        for nxt in doc[token.i + 1 : token.i + 4]:
            if nxt.lower_ in ("market", "markets"):
                yield doc[token.i : token.i + 1], country
                break
            if nxt.pos_ not in ("NOUN", "PROPN", "ADJ"):
                break


def find_mentions(doc: Doc, document: Document, base: int, heading: bool) -> list[Mention]:
    """Every mention in one parsed chunk of ``document`` that starts at offset ``base``.

    Args:
        doc: the chunk parsed by the pipeline of :func:`kg.nlp.load_pipeline`.
        document: the document the chunk comes from.
        base: character offset of the chunk in the document.
        heading: whether the chunk is a heading line.
    """
    mentions: list[Mention] = []
    products: list[Span] = []
    for ent in doc.ents:
        type_ = LABEL_TYPES.get(ent.label_)
        span = _trim(ent) if type_ else None
        if type_ is None or span is None:
            continue
        meta = _parse_id(ent.ent_id_)
        if meta.get("kind") == "product line" and len(span) > 1 and span[-1].lower_ in _LINE_NOUNS:
            span = span[:-1]
        source = "gazetteer" if "gaz" in meta else "pattern" if "kind" in meta else "ner"
        if not _keep(span.text, source):
            continue
        if type_ == "Person" and any(ch.isdigit() for ch in span.text):
            continue
        mentions.append(
            _mention(
                document,
                base,
                span,
                type_,
                source,
                heading,
                meta.get("kind", ""),
                meta.get("gaz", ""),
            )
        )
        if type_ == "Product":
            products.append(span)
    for span, name in _launch_events(doc, products):
        mentions.append(
            _mention(document, base, span, "Event", "rule", heading, _events()["kind"], name)
        )
    mentions = _subsidiaries(document, mentions)
    taken = {(m.start, m.end) for m in mentions}
    for span, country in _demonym_markets(doc):
        if (base + span.start_char, base + span.end_char) not in taken:
            mentions.append(
                _mention(document, base, span, "Market", "rule", heading, "country", country)
            )
    return mentions


def _subsidiaries(document: Document, mentions: list[Mention]) -> list[Mention]:
    """An organization name right before a country or region names its local arm.

    "Xiaomi India shipped 9.2 million units": one Organization "Xiaomi India" (kind
    ``subsidiary``), instead of Xiaomi followed by India.
    """
    countries = set(_demonyms().values())
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    out: list[Mention] = []
    i = 0
    while i < len(ordered):
        org = ordered[i]
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        if (
            nxt is not None
            and org.type == "Organization"
            and nxt.type == "Market"
            and nxt.start == org.end + 1
            and document.text[org.end] == " "
            and (nxt.kind in ("country", "region") or nxt.text in countries)
            and not org.heading
        ):
            start, end = org.start, nxt.end
            out.append(
                Mention(
                    doc_id=org.doc_id,
                    start=start,
                    end=end,
                    text=document.text[start:end],
                    type="Organization",
                    source="rule",
                    sentence=org.sentence,
                    kind="subsidiary",
                    canonical=f"{org.canonical or normalize_name(org.text)} "
                    f"{nxt.canonical or normalize_name(nxt.text)}",
                    heading=org.heading,
                )
            )
            i += 2
            continue
        out.append(org)
        i += 1
    return out
