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

__all__ = ["KnownNames", "known_names", "echo_mentions"]


class KnownNames(dict[str, Mention]):
    """Names as written, each with a mention that typed it, and an index from a name's first
    word to the names, so a line is checked against the names that can occur in it only."""

    def __init__(self, names: dict[str, Mention]) -> None:
        super().__init__(names)
        self._by_word: dict[str, list[str]] = defaultdict(list)
        self._other: list[str] = []
        for name in self:
            first = _WORD.match(name)
            if first:
                self._by_word[first.group()].append(name)
            else:
                self._other.append(name)

    def within(self, text: str) -> list[str]:
        """The names that occur in ``text``, longest first.

        A name occurs at a word start (:func:`echo_mentions`), so its first word is a word of
        the text.

        >>> from kg.records import Sentence
        >>> sample = Mention("d", 0, 4, "Acme", "Organization", "ner", Sentence("d", 0, 4, "Acme"))
        >>> known = KnownNames({"Acme": sample, "Acme Labs": sample, "Orbo": sample})
        >>> known.within("Acme Labs hired a chemist.")
        ['Acme Labs', 'Acme']
        """
        found = {n for word in set(_WORD.findall(text)) for n in self._by_word.get(word, ())}
        found.update(self._other)
        return sorted((n for n in found if n in text), key=lambda n: (-len(n), n))


_WORD = re.compile(r"\w+")


def known_names(mentions: Iterable[Mention]) -> KnownNames:
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
    return KnownNames(
        {name: sample[(name, counts.most_common(1)[0][0])] for name, counts in votes.items()}
    )


def echo_mentions(
    doc: Doc,
    document: Document,
    base: int,
    heading: bool,
    found: list[Mention],
    known: KnownNames,
) -> list[Mention]:
    """Mentions of ``known`` names in a chunk that no other mention covers."""
    if not known:
        return []
    text = doc.text
    names = known.within(text)
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
