"""Mentions: typed spans from spaCy's NER, the EntityRuler, and event/market rules."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.records import Document, Mention, Sentence
from kg.resources import read_json, read_lines

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "split_lines",
    "is_heading",
    "find_mentions",
    "echo_mentions",
    "known_names",
    "normalize_name",
    "LABEL_TYPES",
]

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
_SENTENCE_INSIDE = re.compile(r"[a-z][.!?]\s+[A-Z]")
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
    >>> is_heading("Jane Doe is a tech writer. Reach her at jane@example.com")
    False
    >>> is_heading("Raul: Redmi 1")
    False
    """
    return (
        len(line.split()) <= 12
        and not line.endswith(_HEADING_END)
        and not _SENTENCE_INSIDE.search(line)  # "Jane Doe is a writer. Reach her at ..."
        and not _SPEAKER.match(line)  # "Raul: Redmi 1" answers an interview question
    )


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
def _cues() -> dict[str, Any]:
    cues = dict(read_json("rules/cues.json"))
    return {k: set(v) if isinstance(v, list) else v for k, v in cues.items()}


@cache
def _currency_words() -> frozenset[str]:
    """Currency codes and symbols ("EUR", "RMB"): never names."""
    table = read_json("currencies.json")
    return frozenset(k for key in ("before", "after") for k in table.get(key, {}))


def demonym_country(word: str) -> str | None:
    """The country a demonym names: "Spanish" -> "Spain"."""
    return _demonyms().get(word)


@cache
def countries() -> frozenset[str]:
    """Country names (the values of the demonym table)."""
    return frozenset(_demonyms().values())


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


_ABBREVIATIONS = {"inc.", "corp.", "ltd.", "co.", "jr.", "sr.", "st.", "bros.", "u.s.", "u.k."}


def _tight(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without a trailing possessive or sentence period: "Lei Jun‘s", "Lei Jun."."""
    found = re.search(r"[’'‘]s?$", text[start:end])
    if found and end - start - len(found.group()) >= 2:
        end -= len(found.group())
    words = text[start:end].lower().split()
    if end - start > 2 and text[end - 1] == "." and words and words[-1] not in _ABBREVIATIONS:
        end -= 1
    return start, end


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
    start, end = _tight(document.text, base + span.start_char, base + span.end_char)
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


def _not_a_name(span: Span) -> bool:
    """A lone head noun ("Board", "Club") or only title words ("Managing Director")."""
    cues = _cues()
    if len(span) == 1 and span[0].text in cues["org_heads"]:
        return True
    return all(t.lower_ in cues["title_words"] or t.lower_ in ("of", "and") for t in span)


def _keep(text: str, source: str) -> bool:
    name = normalize_name(text)
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return False
    if name.lower() in read_lines("stoplist.txt") or _NOT_NAMES.match(name):
        return False
    if name in _currency_words():
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
        if ent.label_ == "FAC" and any(t.text in _cues()["org_heads"] for t in ent):
            type_ = "Organization"  # "the Centre Pompidou": a museum is an organization
        if type_ is None:
            continue
        meta = _parse_id(ent.ent_id_)
        source = "gazetteer" if "gaz" in meta else "pattern" if "kind" in meta else "ner"
        if source == "ner" and (split := _split_maker(ent)):
            for part, part_type in split:
                mentions.append(_mention(document, base, part, part_type, "cue", heading))
                if part_type == "Product":
                    products.append(part)
            continue
        if source == "ner" and (split := _split_possessive(ent)):
            for part, part_type in split:
                mentions.append(_mention(document, base, part, part_type, "rule", heading))
            continue
        span = _trim(ent)
        if span is None:
            continue
        if meta.get("kind") == "product line" and len(span) > 1 and span[-1].lower_ in _LINE_NOUNS:
            span = span[:-1]
        if not _keep(span.text, source):
            continue
        if source == "ner":
            if len(span) > 1 and span[-1].lower_ in _cues()["org_titles"]:
                span = span[:-1]  # "Xiaomi Founder": the name ends before the title
            if _not_a_name(span):
                continue
            if normalize_name(span.text) in _cues()["holidays"]:
                continue
            if len(span) == 1 and _common_word(span.text, document.text):
                continue  # "Smart devices ...", next to "smart" elsewhere: a common word
            cue = cue_type(span)
            if cue == "Organization" and type_ == "Market":
                cue = ""  # "Austin, Texas, listed on ...": a place stays a place
            if cue:
                type_, source = cue, "cue"
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
    speaker = _speaker_span(doc, document)
    if speaker is not None and not any(
        m.start <= base + speaker.start_char < m.end for m in mentions
    ):
        mentions.append(_mention(document, base, speaker, "Person", "cue", heading))
    for span, type_ in _uncovered_names(doc, document):
        mentions.append(_mention(document, base, span, type_, "cue", heading))
        if type_ == "Product":
            products.append(span)
    for span, name in _launch_events(doc, products):
        mentions.append(
            _mention(document, base, span, "Event", "rule", heading, _events()["kind"], name)
        )
    mentions = _subsidiaries(document, _naming_aliases(document, mentions))
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
            and org.type == "Market"
            and nxt.type == "Organization"
            and nxt.start == org.end + 1
            and nxt.text.split()[-1] in _cues()["org_heads"]
        ):  # "the China Quality Committee": a national body, one organization
            start, end = org.start, nxt.end
            out.append(
                dataclasses.replace(
                    nxt, start=start, end=end, text=document.text[start:end], canonical=""
                )
            )
            i += 2
            continue
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
        arm = re.match(
            r" (Global|International|Worldwide)\b", document.text[org.end : org.end + 15]
        )
        if org.type == "Organization" and arm and not org.heading and org.source != "rule":
            end = org.end + arm.end()
            name = f"{org.canonical or normalize_name(org.text)} {arm.group(1)}"
            out.append(
                dataclasses.replace(
                    org,
                    end=end,
                    text=document.text[org.start : end],
                    source="rule",
                    kind="subsidiary",
                    canonical=name,
                )
            )
            i += 1
            continue
        out.append(org)
        i += 1
    return out


_SPEAKER = re.compile(r"^([A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+){0,2}):\s+\S")
_SOURCE_WORDS = {("according", "to"), ("as", "per"), ("data", "from"), ("figures", "from")}
_QUOTES = {'"', "“", "”", "'", "‘", "’", "«", "»"}


def _common_word(word: str, text: str) -> bool:
    """Whether ``word`` also appears in lower case in ``text``: "Digital" next to "digital"."""
    lower = word.lower()
    return lower != word and re.search(rf"(?<!\w){re.escape(lower)}(?!\w)", text) is not None


_MAKER_NOUNS = {"module", "chip", "chipset", "processor", "soc", "platform", "modem", "sensor"}


def _split_maker(ent: Span) -> list[tuple[Span, str]]:
    """ "the Nvidia Jetson Orin module": a maker's name, then its product's, before a noun
    that says what the product is."""
    doc = ent.doc
    span = _trim(ent)
    if span is None or ent.label_ != "ORG" or len(span) < 2 or span.end >= len(doc):
        return []
    if doc[span.end].lower_ not in _MAKER_NOUNS or not all(t.pos_ == "PROPN" for t in span):
        return []
    return [(span[:1], "Organization"), (span[1:], "Product")]


def _split_possessive(ent: Span) -> list[tuple[Span, str]]:
    """ "Finland's Design Museum": the organization after the possessive, the country before."""
    doc = ent.doc
    for token in ent[:-1]:
        if token.tag_ == "POS" and token.i > ent.start:
            before, after = doc[ent.start : token.i], doc[token.i + 1 : ent.end]
            if not any(t.text in _cues()["org_heads"] for t in after):
                return []
            parts = [(after, "Organization")]
            if before.text in set(_demonyms().values()):
                parts.append((before, "Market"))
            return parts
    return []


def _org_cue(
    span: Span,
    nxt: Token | None,
    nxt2: Token | None,
    nxt3: Token | None,
    prev: Token | None,
    prev2: Token | None,
) -> str:
    """Organization (or a partner's type) from the words around a name.

    "NAME was founded", "founder and CEO of NAME", "NAME's CEO", "NAME CEO Lei Jun", a maker
    before its product ("Qualcomm Snapdragon 660").
    """
    cues = _cues()
    verbs = cues["org_verbs"]
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
        if any(word in sentence for word in cues["research_words"]):
            return "Organization"  # "according to Canalys, ... market share": a research firm
    if prev is not None and prev.lower_ == "of" and prev2 is not None:
        if prev2.lower_ in cues["org_titles"]:
            return "Organization"
    if nxt is not None and nxt.tag_ == "POS" and nxt2 is not None:
        if nxt2.lower_ in cues["org_titles"]:
            return "Organization"
    if nxt is not None and nxt.lower_ in cues["org_titles"]:
        return "Organization"
    # "Xiaomi phones", "Xiaomi’s products", "Acme's revenue": a company's things
    possessive = nxt is not None and nxt.tag_ == "POS"
    owned = nxt2 if possessive else nxt
    if (
        owned is not None
        and owned.lower_ in cues["org_possessions"]
        and owned.pos_ == "NOUN"
        and (possessive or not span[0].is_sent_start)  # "Carrier stores ..." opens a heading
    ):
        return "Organization"
    if nxt is not None and nxt.ent_type_ == "PRODUCT" and nxt.ent_iob_ == "B" and len(span) == 1:
        return "Organization"  # a maker before its product: "Qualcomm Snapdragon 660"
    return ""


def _listed_with(span: Span) -> str:
    """The type of a typed name this one is coordinated with: "Huawei, Oppo and Vivo"."""
    root = span.root
    partners = [root.head] if root.dep_ == "conj" else []
    partners += [c for c in root.children if c.dep_ == "conj"]
    for partner in partners:
        if not (span.start <= partner.i < span.end) and partner.ent_type_ in LABEL_TYPES:
            return LABEL_TYPES[partner.ent_type_]
    return ""


def cue_type(span: Span) -> str:
    """The type the words around ``span`` give it, or "".

    Organization: a head noun in the name ("Centre Pompidou", "China Quality Committee").
    Person: "NAME, who", "NAME, 37,", "NAME (on the left)", a speaker's "NAME:" at the start
    of a line, a title before ("CEO Lei Jun", "Mi Fan Fajar Yogas").
    Product: an apposition "NAME, the mobile messaging app". Event: "an event called NAME".
    """
    cues = _cues()
    doc = span.doc
    start, end = span.start, span.end
    if any(t.text in cues["org_heads"] for t in span):
        return "Organization"

    def at(i: int) -> Token | None:
        return doc[i] if 0 <= i < len(doc) else None

    nxt, nxt2, nxt3 = at(end), at(end + 1), at(end + 2)
    prev, prev2 = at(start - 1), at(start - 2)
    org = _org_cue(span, nxt, nxt2, nxt3, prev, prev2)
    if org:
        return org
    if nxt is not None and nxt.text == ":" and start == 0 and nxt2 is not None:
        return "Person" if span.text not in cues["not_speakers"] else ""
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
            if head in cues["product_nouns"]:
                return "Product"
            if head in cues["org_nouns"]:
                return "Organization"
    if nxt is not None and nxt.text == "(" and nxt2 is not None and nxt2.lower_ == "on":
        return "Person"
    if prev is not None and prev.lower_ in cues["person_titles"] and prev.ent_iob_ != "I":
        return "Person" if span.root.pos_ == "PROPN" else ""
    i = start - 1
    while i >= 0 and doc[i].text in _QUOTES:
        i -= 1
    if i >= 0 and doc[i].lower_ in cues["event_links"]:
        i -= 1
    if i >= 0 and doc[i].lower_ in cues["event_nouns"] and doc[i].pos_ == "NOUN":
        return "Event"
    return ""


def _speaker_span(doc: Doc, document: Document) -> Span | None:
    """ "Jorge: I learned about ...": the name before the colon that opens an interview line."""
    found = _SPEAKER.match(doc.text)
    if not found or found.group(1) in _cues()["not_speakers"]:
        return None
    name = found.group(1)
    if " " not in name and _common_word(name, document.text):
        return None
    return doc.char_span(0, len(name))


def _uncovered_names(doc: Doc, document: Document) -> Iterator[tuple[Span, str]]:
    """Proper names the statistical model missed, typed by a cue (see :func:`cue_type`)."""
    covered = {
        i for ent in doc.ents if ent.label_ in LABEL_TYPES for i in range(ent.start, ent.end)
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
        if not _keep(span.text, "rule") or _not_a_name(span):
            continue
        if len(span) == 1 and _common_word(span.text, document.text):
            continue
        if any(t.text in _cues()["org_heads"] for t in span):
            before = doc[span.start - 1] if span.start else None
            if before is not None and before.ent_type_ in ("GPE", "LOC") and len(span) > 1:
                yield span, "Organization"  # "the China Quality Committee": a national body
            continue  # "Smart Device Company", "Main Board": generic, unless the model says so
        cue = cue_type(span) or _listed_with(span)
        if cue:
            yield span, cue


_NAMING = re.compile(
    r"\b(?:known|nicknamed|dubbed|a\.?k\.?a\.?|called|goes by|alias)\b[^.;!?]{0,80}"
    r"\b(?:as|name|nickname|handle|moniker|called|dubbed|nicknamed|a\.?k\.?a\.?|by)[\s,:\"“‘']*$",
    re.IGNORECASE,
)


def _naming_aliases(document: Document, mentions: list[Mention]) -> list[Mention]:
    """ "Hong Jun ..., better known by his forum name, SmartStar": SmartStar is Hong Jun.

    The second name becomes a mention of the person (source ``alias``, canonical the person's
    name as written); linking then joins every other mention of that name to the person.
    """
    out: list[Mention] = []
    person: Mention | None = None
    last: Mention | None = None
    sentence = -1
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.sentence.start != sentence:
            sentence = mention.sentence.start
            # "She is better known as ...": a pronoun carries the last person on
            opening = mention.sentence.text.split(" ", 1)[0]
            person = last if opening in ("He", "She") else None
        if person is not None and mention.type != "Market" and mention.source != "gazetteer":
            between = document.text[person.end : mention.start]
            if _NAMING.search(between):
                mention = dataclasses.replace(
                    mention,
                    type="Person",
                    source="alias",
                    canonical=person.canonical or normalize_name(person.text),
                )
        if mention.type == "Person" and mention.source != "alias":
            last = mention
            person = person or mention  # the sentence's first person is the one named
        out.append(mention)
    return out


def known_names(mentions: Iterable[Mention]) -> dict[str, Mention]:
    """Names found somewhere in the corpus, as written, with a mention that typed them.

    One sense per discourse: a name the pipeline found once is the same name elsewhere, even
    where the statistical model missed it ("Kestrel Robotics was co-founded by ...").
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    sample: dict[tuple[str, str], Mention] = {}
    for m in mentions:
        name = m.text
        if m.heading or len(name) < 3 or not name[0].isupper() or "\n" in name:
            continue
        if m.source == "ner" and " " not in name:
            continue  # a lone word from the model alone is too weak to repeat
        votes[name][m.type] += 2 if m.source != "ner" else 1
        sample.setdefault((name, m.type), m)
    return {name: sample[(name, counts.most_common(1)[0][0])] for name, counts in votes.items()}


def echo_mentions(
    doc: Doc,
    document: Document,
    base: int,
    heading: bool,
    found: list[Mention],
    known: dict[str, Mention],
) -> list[Mention]:
    """Mentions of ``known`` names in a chunk that no other mention covers."""
    if not known:
        return []
    text = doc.text
    names = sorted((n for n in known if n in text), key=len, reverse=True)
    if not names:
        return []
    taken = [(m.start - base, m.end - base) for m in found]
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    out: list[Mention] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(a < end and start < b for a, b in taken):
            continue
        span = doc.char_span(start, end, alignment_mode="strict")
        if span is None:
            continue
        model = known[match.group()]
        out.append(
            _mention(document, base, span, model.type, "echo", heading, model.kind, model.canonical)
        )
        taken.append((start, end))
    return out
