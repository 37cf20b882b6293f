"""What pass 2 made of one document, kept in the cache for the next build (:mod:`kg.cache`).

Pass 2 reads each document in two stages, and what each stage made of a document depends on
the document's record and on a little of the corpus only:

- ``echo``: the names found again in it (:func:`kg.mentions.echo_mentions`) and its products
  named as components. It depends on the corpus's known names that occur in its lines.
- ``read``: its relations, figures and possible fans, between its own mentions
  (:meth:`kg.relations.extract.DocumentReader.read`). It depends on its mentions, on the type
  the corpus gives each of their names, and on which of them the corpus calls a component.

Each is kept with a digest of what it depends on (:func:`echo_digest`, :func:`read_digest`);
a rebuild takes it while the digest is unchanged, so a document the change did not touch is
neither parsed, nor decoded, nor read again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from sys import intern
from typing import TYPE_CHECKING, Any

from kg.link import name_key
from kg.mentions.lines import split_lines
from kg.parse import mention_of, mention_row, pack, unpack
from kg.records import Document, Evidence, Literal, Mention, Observation, Relation, Sentence

if TYPE_CHECKING:
    from kg.mentions.repeat import KnownNames
    from kg.relations.extract import Found

__all__ = [
    "echo_digest",
    "read_digest",
    "encode_echo",
    "decode_echo",
    "encode_found",
    "decode_found",
]


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


def echo_digest(document: Document, known: KnownNames) -> str:
    """What the names found again in ``document`` depend on: the known names in its lines,
    with the type, kind and canonical name each is found again with."""
    names = sorted({name for _, line in split_lines(document.text) for name in known.within(line)})
    return _digest([[n, known[n].type, known[n].kind, known[n].canonical] for n in names])


def read_digest(
    mentions: Sequence[Sequence[Mention]], types: dict[str, str], components: set[str]
) -> str:
    """What reading a document depends on beyond its record: its mentions, the type the corpus
    gives each of their names, and whether the corpus calls it a component."""
    rows = []
    for chunk in mentions:
        for m in chunk:
            key = name_key(m)
            rows.append([mention_row(m, ""), types.get(key, ""), key in components])
    return _digest(rows)


def encode_echo(
    document: Document, mentions: Sequence[Sequence[Mention]], components: Iterable[Mention]
) -> bytes:
    """A document's mentions after the echo stage, each line's, and those named as components."""
    where = {m: (line, i) for line, chunk in enumerate(mentions) for i, m in enumerate(chunk)}
    rows = [[mention_row(m, document.text) for m in chunk] for chunk in mentions]
    return pack({"mentions": rows, "components": [where[m] for m in components]})


def decode_echo(data: bytes, document: Document) -> tuple[list[list[Mention]], list[Mention]]:
    """The mentions of each line and the component mentions of :func:`encode_echo`."""
    raw = unpack(data)
    sentences: dict[tuple[int, int], Sentence] = {}
    mentions = [
        [mention_of(row, document, sentences) for row in chunk] for chunk in raw["mentions"]
    ]
    return mentions, [mentions[line][i] for line, i in raw["components"]]


def _value(value: str | Literal) -> list[Any]:
    if isinstance(value, Literal):
        return ["l", value.value, value.datatype, value.unit]
    return ["k", value]


def _value_of(row: list[Any]) -> str | Literal:
    return Literal(row[1], row[2], row[3]) if row[0] == "l" else intern(row[1])


def _evidence(evidence: Evidence, text: str) -> list[Any]:
    sentence = text[evidence.start : evidence.end]
    own = None if sentence == evidence.sentence else evidence.sentence
    return [evidence.start, evidence.end, evidence.rule, evidence.confidence, own]


def _evidence_of(row: list[Any], document: Document) -> Evidence:
    start, end, rule, confidence, own = row
    sentence = document.text[start:end] if own is None else own
    return Evidence(document.id, sentence, start, end, intern(rule), confidence)


def encode_found(found: Found, document: Document) -> bytes:
    """What :meth:`kg.relations.extract.DocumentReader.read` found in ``document``."""
    _doc_id, _date, relations, observations, fans, ends = found
    text = document.text
    data = {
        "relations": [
            [
                r.subject,
                r.predicate,
                _value(r.object),
                _evidence(r.evidence, text),
                [[name, _value(value)] for name, value in r.qualifiers],
            ]
            for r in relations
        ],
        "observations": [
            [
                o.subject,
                o.metric,
                o.value,
                o.unit,
                _evidence(o.evidence, text),
                o.market,
                o.period,
                o.period_start,
                o.period_end,
                o.source,
            ]
            for o in observations
        ],
        "fans": [[b, n, p, _evidence(e, text)] for b, n, p, e in fans],
        "ends": [
            [key, type_, [list(o) for o in offsets]] for key, (type_, offsets) in ends.items()
        ],
    }
    return pack(data)


def decode_found(data: bytes, document: Document) -> Found:
    """The :data:`~kg.relations.extract.Found` of :func:`encode_found`."""
    raw = unpack(data)
    relations = [
        Relation(  # keys, predicates and rules come back many times: each once in memory
            intern(subject),
            intern(predicate),
            _value_of(obj),
            _evidence_of(evidence, document),
            tuple((intern(name), _value_of(value)) for name, value in qualifiers),
        )
        for subject, predicate, obj, evidence, qualifiers in raw["relations"]
    ]
    observations = [
        Observation(
            intern(subject),
            intern(metric),
            value,
            intern(unit),
            _evidence_of(evidence, document),
            intern(market),
            period,
            start,
            end,
            intern(source),
        )
        for subject, metric, value, unit, evidence, market, period, start, end, source in raw[
            "observations"
        ]
    ]
    fans = [(b, n, p, _evidence_of(e, document)) for b, n, p, e in raw["fans"]]
    ends = {
        key: (type_, tuple((start, end) for start, end in offsets))
        for key, type_, offsets in raw["ends"]
    }
    return document.id, document.date, relations, observations, fans, ends
