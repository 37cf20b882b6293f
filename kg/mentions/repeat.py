"""Repeat: a name found once in the corpus is found again where the model missed it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.mentions.find import make_mention
from kg.records import Document, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["known_names", "echo_mentions"]


def known_names(mentions: Iterable[Mention]) -> dict[str, Mention]:
    """Names found somewhere in the corpus, as written, with a mention that typed them.

    One sense per discourse: a name the pipeline found once is the same name elsewhere, even
    where the statistical model missed it ("Orbo Robotics was co-founded by ...").
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
            make_mention(
                document, base, span, model.type, "echo", heading, model.kind, model.canonical
            )
        )
        taken.append((start, end))
    return out
