"""Who "we", "I" and "the company" are in a document: its home organization, an interview's
speaker, a letter's signer; and what an interviewee says they use.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.extract.dates import parse_date
from kg.records import Chunk, Document, Entity, Relation
from kg.relations.context import _I, _REFERRING_NOUNS, _WE, _Context, _evidence

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _home(document: Document, keys: Iterable[str], entities: dict[str, Entity]) -> str:
    """The organization a document is written for: the most mentioned one, if named 3+ times."""
    counts: dict[str, int] = defaultdict(int)
    for key in keys:
        if entities[key].type == "Organization" and entities[key].kind not in (
            "research firm",
            "exchange",
        ):
            counts[key] += 1
    if not counts:
        return ""
    key = max(sorted(counts), key=lambda k: counts[k])
    return key if counts[key] >= 3 else ""


def _token_entities(chunk: Chunk, context: _Context) -> dict[int, str]:
    """Token index -> entity key, the innermost mention winning; sets ``token._.kg_type``."""
    doc, base = chunk.doc, chunk.base
    spans = sorted(chunk.mentions, key=lambda m: m.end - m.start, reverse=True)
    at: dict[int, str] = {}
    for mention in spans:
        key = context.linked.entity_of.get(mention)
        if key is None:
            continue
        span = doc.char_span(mention.start - base, mention.end - base, alignment_mode="expand")
        if span is not None:
            for token in span:
                at[token.i] = key
    named = set(at)
    speaker = _speaker(doc, at, context)
    for token in doc:
        if token.i not in at and speaker and token.lower_ == "we":
            at[token.i] = speaker  # "Jorge: ... we love MIUI": the speaker among the fans
        elif token.i not in at and context.home and token.lower_ in _WE:
            at[token.i] = context.home
        elif token.i not in at and token.i > 0 and doc[token.i - 1].lower_ in ("the", "this"):
            # "The phone is powered by ...", "The firm listed on ...": the one named before
            for type_, nouns in _REFERRING_NOUNS.items():
                if token.lower_ in nouns:
                    offset = chunk.base + token.idx
                    found = context.preceding(offset, type_, ()) or (
                        context.home if type_ == "Organization" else ""
                    )
                    if found:
                        at[token.i] = found
        elif token.i not in at and (speaker or context.narrator) and token.lower_ in _I:
            at[token.i] = speaker or context.narrator
        token._.kg_type = context.entity(at[token.i]).type if token.i in at else ""
        token._.kg_name = token._.kg_type if token.i in named else ""
    return at


def _speaker(doc: Doc, at: dict[int, str], context: _Context) -> str:
    """The person a line is attributed to, interview style: "Alazne: I got to know Xiaomi ..."."""
    if len(doc) > 2 and at.get(0) and context.entity(at[0]).type == "Person":
        i = 0
        while i < len(doc) and at.get(i) == at[0]:
            i += 1
        if i < len(doc) and doc[i].text == ":":
            return at[0]
    return ""


_OWN_QUESTION = re.compile(
    r"\b(?:used?|using|own|owned|have|had|bought|buy|first|favou?rite)\b", re.IGNORECASE
)


_WISH = re.compile(r"\b(?:would|wish|want|like to|plan|next)\b", re.IGNORECASE)


def _is_question(text: str) -> bool:
    """An interviewer's question line: "1. Which Xiaomi smartphones have you used?"."""
    return text.rstrip().endswith("?") and re.search(r"\byou(?:r)?\b", text, re.I) is not None


def _last_person(chunk: Chunk, context: _Context) -> str:
    """The person named last up to the end of ``chunk`` in its document."""
    end = chunk.base + len(chunk.doc.text)
    last = ""
    for start, _end, key in context.mentions:
        if start >= end:
            break
        if context.entities[key].type == "Person":
            last = key
    return last


def _signer(chunks: Sequence[Chunk], context: _Context) -> tuple[str, int]:
    """The person who signs a letter, and the index of the signature line: a line that is
    only a person's name, near the end or followed by a date line ("Lei Jun / 4.25.2018")."""
    for index, chunk in enumerate(chunks):
        text = chunk.doc.text.strip()
        end = chunk.base + len(text)
        keys = {k for s, e, k in context.mentions if chunk.base <= s and e <= end}
        if len(keys) != 1:
            continue
        entity = context.entities[next(iter(keys))]
        if entity.type != "Person" or len(text) > len(entity.name) + 3:
            continue
        after = [c.doc.text.strip() for c in chunks[index + 1 : index + 3]]
        dated = any(parse_date(line) and len(line.split()) <= 6 for line in after)
        if dated or index >= len(chunks) - 3:
            return entity.key, index
    return "", -1


_NOT_OWNED = ("product line", "chipset", "software", "app")


_LETTER_WORDS = r"(?:open\s+)?(?:letter|message|memo|note|speech|e-?mail|post)"


_LETTER_OF = re.compile(rf"^[’'‘]s\s+{_LETTER_WORDS}\b", re.IGNORECASE)


_LETTER_FROM = re.compile(rf"\b{_LETTER_WORDS}\s+(?:from|by)\s+$", re.IGNORECASE)


def _letter_author(chunk: Chunk, context: _Context) -> str:
    """ "This is Lei Jun's letter to all employees", "The following is a letter from Manu
    Kumar Jain": who "I" is in the lines that follow."""
    text, base = chunk.doc.text, chunk.base
    for start, end, key in context.mentions:
        if start < base or end > base + len(text) or context.entities[key].type != "Person":
            continue
        after, before = text[end - base :], text[: start - base]
        if _LETTER_OF.match(after) or _LETTER_FROM.search(before):
            return key
    return ""


def _answer_products(chunk: Chunk, at: dict[int, str], context: _Context) -> Iterator[Relation]:
    """Products named in the first sentence of an answer to "Which ... have you used?"."""
    person = _speaker(chunk.doc, at, context) or context.narrator
    if not person:
        return
    sent = next(iter(chunk.doc.sents))
    others = {k for t in sent if (k := at.get(t.i)) and context.entity(k).type == "Person"}
    if others - {person}:
        return
    evidence = _evidence(chunk, sent, "owns-answer", 0.7)
    for key in dict.fromkeys(at[t.i] for t in sent if t.i in at):
        entity = context.entity(key)
        if entity.type == "Product" and entity.kind not in _NOT_OWNED:
            yield Relation(person, "kg:owns", key, evidence)
