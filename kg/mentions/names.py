"""Names: what a span must look like to name an entity, and its canonical spelling."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.mentions.words import cues, currency_words
from kg.resources import read_lines

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = [
    "LABEL_TYPES",
    "normalize_name",
    "parse_id",
    "trim",
    "tight",
    "keep",
    "not_a_name",
    "common_word",
    "ticker",
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
_NOT_NAMES = re.compile(
    r"^(?:No\.?\s?\d+|#\d+|[QH][1-4](?:\s\d{4})?|FY\s?\d+|(?:fiscal|first|second|third|fourth)"
    r"(?:\s\w+)?\squarter)$",
    re.IGNORECASE,
)
#: Months, weekdays and units are never names ("April", "Monday", "120 Hz", "12 GB").
_CALENDAR = re.compile(
    r"^(?:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?|January|February|March|April"
    r"|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday)(?:\s+\d{1,4})?$"
)
_UNITS = re.compile(
    r"^(?:[KMGTP]i?B|[kKMGT]?Hz|[kMG]?bps|[KMG]bit|mAh|k?Wh|[kKmM]?W|nm|mm|cm|MP|fps|dpi|ppi"
    r"|in|mph|km|kg|g|mg|lb|lbs|V|mA|dB)$"
)
_CAMEL = re.compile(r"^[a-z]{1,2}[A-Z][A-Za-z]*(?<![a-z]s)$")  # not a plural: "iOrbos"
_MARKS = {"™", "®", "©", "℠"}
_ABBREVIATIONS = {"inc.", "corp.", "ltd.", "co.", "jr.", "sr.", "st.", "bros.", "u.s.", "u.k."}


def normalize_name(text: str) -> str:
    """The canonical spelling of a surface form: no leading article or trailing possessive,
    straight quotes, single spaces.

    >>> normalize_name("the  Jane Doe‘s"), normalize_name("Orbo™ X2")
    ('Jane Doe', 'Orbo X2')
    """
    text = re.sub(r"[™®©℠]", "", text)
    text = re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip(" .,;:!?\"'()")
    words = text.split(" ")
    while len(words) > 1 and words[0].lower() in _LEADING:
        words = words[1:]
    text = " ".join(words)
    return _POSSESSIVE.sub("", text).strip() if len(text) > 2 else text


def parse_id(ent_id: str) -> dict[str, str]:
    """An EntityRuler pattern id's fields.

    >>> parse_id("gaz=IDC|kind=research firm")
    {'gaz': 'IDC', 'kind': 'research firm'}
    """
    return dict(part.split("=", 1) for part in ent_id.split("|") if "=" in part)


def trim(span: Span, inner: bool = True) -> Span | None:
    """Drop leading articles/possessive determiners, trademark signs and, when ``inner``,
    everything from an inner possessive or punctuation on (a pattern's span keeps them:
    "Singles' Day")."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in _LEADING
        or (  # "new Zen 5", "latest Orbo X": a lower-case adjective is no part of a name
            doc[start].tag_ in ("JJ", "JJR", "JJS")
            and doc[start].is_lower
            and start + 1 < end
            and doc[start + 1].text[:1].isupper()
        )
    ):
        start += 1
    for i in range(start, end if inner else start):
        if doc[i].tag_ == "POS" or (i > start and doc[i].is_punct and doc[i].text not in "-&."):
            end = i
            break
    while end > start and (
        doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].text in _MARKS
    ):
        end -= 1
    if end - start > 1 and doc[end - 1].text in currency_words():
        end -= 1  # "Acme Labs for Rs": neither the currency nor the word before it
        while end - start > 1 and doc[end - 1].is_lower and doc[end - 1].pos_ in ("ADP", "CCONJ"):
            end -= 1
    return doc[start:end] if end > start else None


def tight(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets without a trailing possessive or sentence period: "Jane Doe‘s", "Jane Doe.".

    >>> tight("Jane Doe's car", 0, 10), tight("Acme Inc.", 0, 9)
    ((0, 8), (0, 9))
    """
    while end > start + 1 and text[end - 1] in "™®©℠":
        end -= 1  # "Orbo™"
    found = re.search(r"[’'‘]s?$", text[start:end])
    if found and end - start - len(found.group()) >= 2:
        end -= len(found.group())
    words = text[start:end].lower().split()
    if end - start > 2 and text[end - 1] == "." and words and words[-1] not in _ABBREVIATIONS:
        end -= 1
    return start, end


def not_a_name(span: Span) -> bool:
    """A lone head noun ("Board", "Club") or only title words ("Managing Director")."""
    table = cues()
    if len(span) == 1 and span[0].text in table["org_heads"]:
        return True
    return all(t.lower_ in table["title_words"] or t.lower_ in ("of", "and") for t in span)


def keep(text: str, source: str) -> bool:
    """Whether ``text`` can name an entity: not a stop word, number, period or currency.

    >>> keep("Q3 2024", "ner"), keep("EUR", "ner"), keep("Orbo", "ner")
    (False, False, True)
    >>> keep("April", "ner"), keep("Monday", "rule"), keep("GHz", "ner"), keep("May 2021", "ner")
    (False, False, False, False)
    """
    name = normalize_name(text)
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return False
    if name.lower() in read_lines("stoplist.txt") or _NOT_NAMES.match(name):
        return False
    if _CALENDAR.match(name) or _UNITS.match(name):
        return False
    if name in currency_words():
        return False
    # Statistical NER on lower-case words is noise ("tandem"), unless the name is written
    # in camel case ("eOrbo", "iZentra").
    return not (source == "ner" and name[0].islower() and not _CAMEL.match(name))


def ticker(span: Span) -> bool:
    """A stock ticker: "under the ticker ACME", "(Nasdaq: ACME)", "NYSE:ACME"."""
    text = span.text
    if not (1 <= len(text) <= 6 and text.replace(".", "").isalpha() and text.isupper()):
        return False
    doc = span.doc
    before = [t.lower_ for t in doc[max(0, span.start - 2) : span.start]]
    if before and before[-1] in ("ticker", "symbol", "tickers", "symbols"):
        return True
    return (
        len(before) == 2
        and before[-1] == ":"
        and doc[span.start - 2].text.isupper() | doc[span.start - 2].is_title
        and span.start >= 3
        and doc[span.start - 3].text == "("
    )


def common_word(word: str, text: str) -> bool:
    """Whether ``word`` also appears in lower case in ``text``: "Digital" next to "digital".

    A web address is no word: "orbo.com" leaves "Orbo" a name.

    >>> common_word("Digital", "Digital Week: all digital"), common_word("Orbo", "an orb")
    (True, False)
    >>> common_word("Orbo", "Orbo sells through orbo.com and www.orbo.de")
    False
    """
    lower = word.lower()
    pattern = rf"(?<![\w./@-]){re.escape(lower)}(?![\w@]|\.\w)"
    return lower != word and re.search(pattern, text) is not None
