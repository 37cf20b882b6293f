"""References inside a document: what "it", "the company" or "the Seoul-based maker" stands for.

A reference resolves to an earlier entity of the type its words ask for: pronouns by
person and number ("he" -> a Person, "it"/"its" -> an Organization or a Product), definite
descriptions by their head noun ("the firm" -> an Organization, "the handset" -> a Product;
the nouns are a lexicon). Among the candidates the most salient wins: the subject of an
earlier sentence before any other mention, then the nearest. Relative pronouns never get
here: the frame already put the noun their clause modifies in their place.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Reference", "References", "reference_of"]

#: pronoun -> the types it may stand for, in order of preference.
PRONOUNS: dict[str, tuple[str, ...]] = {
    "it": ("Organization", "Product"),
    "its": ("Organization", "Product"),
    "itself": ("Organization", "Product"),
    "he": ("Person",),
    "him": ("Person",),
    "his": ("Person",),
    "she": ("Person",),
    "her": ("Person",),
    "they": ("Organization",),
    "their": ("Organization",),
    "them": ("Organization",),
}

#: Descriptions that fit any company, and so may stand for the one a document is about.
GENERIC = {"company", "firm", "group", "business", "corporation", "conglomerate"}

#: The window, in characters, in which a reference looks back.
WINDOW = 800


@dataclass(frozen=True)
class Reference:
    """A referring expression: its words and the types it may stand for."""

    text: str
    types: tuple[str, ...]
    pronoun: bool = False
    generic: bool = False  # "the company", "the firm": may stand for the document's subject
    hint: str = ""  # a name word in the description: "the Pro model" wants a name with "Pro"
    kind: str = ""  # "the research firm": an entity of that kind comes first


def reference_of(token: Token, nouns: dict[str, str]) -> Reference | None:
    """The reference a token makes, if any: a pronoun, or a definite noun phrase whose head
    is a referring noun ("the company", "this handset", "the Seoul-based maker").

    Args:
        token: the head token of an argument.
        nouns: referring noun -> entity type (a lexicon).
    """
    lower = token.lower_
    if lower in PRONOUNS and token.pos_ == "PRON":
        return Reference(token.text, PRONOUNS[lower], pronoun=True)
    if token.pos_ == "NOUN" and lower in nouns and token.tag_ in ("NN", "NNP"):
        determiners = [c for c in token.children if c.dep_ in ("det", "poss")]
        if any(d.lower_ in ("the", "this", "that") for d in determiners) or any(
            d.dep_ == "poss" and d.lower_ in ("its", "their") for d in determiners
        ):
            start = min([token.i, *(c.i for c in token.lefts)])
            hint = next(
                (
                    c.text
                    for c in token.lefts
                    if c.pos_ == "PROPN" and c.dep_ in ("compound", "amod")
                ),
                "",
            )
            modifiers = [c.lower_ for c in token.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]
            return Reference(
                token.doc[start : token.i + 1].text,
                (nouns[lower],),
                generic=lower in GENERIC and not hint,
                hint=hint,
                kind=" ".join([*modifiers, lower]) if modifiers else "",
            )
    return None


@dataclass
class References:
    """The mentions of one document, to resolve references against.

    Attributes:
        mentions: (start offset, end offset, entity key, is a sentence subject), sorted.
        types: entity key -> type.
        home: the organization the document is about, for descriptions with no antecedent.
    """

    types: dict[str, str]
    home: str = ""
    mentions: list[tuple[int, int, str, bool]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # entity key -> name, for hints
    kinds: dict[str, str] = field(default_factory=dict)  # entity key -> kind ("research firm")
    sentences: list[int] = field(default_factory=list)  # sentence start offsets
    lists: list[tuple[int, list[str]]] = field(default_factory=list)  # coordinated names
    _starts: list[int] = field(default_factory=list, repr=False)

    def sentence(self, start: int) -> None:
        """Record that a sentence starts at offset ``start``; sentences come in order."""
        if not self.sentences or self.sentences[-1] < start:
            self.sentences.append(start)

    def group(self, type_: str, offset: int, count: int = 0) -> list[str]:
        """What a plural description at ``offset`` stands for ("the three models", "both
        companies"): the entities of ``type_`` named in the nearest sentence (its own, before
        it, or one of the two before) that names two or more; with a ``count``, exactly that
        many, else nothing."""
        here = bisect_left(self.sentences, offset + 1) - 1
        earliest = self.sentences[max(0, here - 2)] if self.sentences else 0
        for at, keys in reversed(self.lists):  # a list of names first: "A, B and C"
            if at < earliest:
                break
            kept = [k for k in keys if self.types.get(k) == type_]
            if at < offset and len(kept) >= 2 and (not count or count == len(kept)):
                return kept
        for index in range(here, max(-1, here - 3), -1):
            start = self.sentences[index] if index >= 0 else 0
            stop = self.sentences[index + 1] if index + 1 < len(self.sentences) else offset
            named: list[str] = []
            for begin, _end, key, _subject in self.mentions[bisect_left(self._starts, start) :]:
                if begin >= min(stop, offset):
                    break
                if self.types.get(key) == type_ and key not in named:
                    named.append(key)
            if len(named) >= 2:
                return named if not count or count == len(named) else []
        return []

    def add(self, start: int, end: int, key: str, subject: bool) -> None:
        """Record a named mention; mentions are added in document order."""
        self.mentions.append((start, end, key, subject))
        self._starts.append(start)

    def resolve(
        self,
        reference: Reference,
        offset: int,
        avoid: str = "",
        sentence_start: int = -1,
        clause: tuple[int, int] = (-1, -1),
    ) -> str:
        """The entity ``reference`` at ``offset`` stands for, or "".

        A pronoun takes the subject before it in its own sentence, else the nearest name
        before it there; a description ("the firm") does the same outside its own clause
        (``clause``: offsets), else looks back. Then
        the subject of the nearest earlier sentence wins over other mentions, and the
        nearest mention over the document's organization.
        """
        end = bisect_left(self._starts, offset)
        if reference.kind:  # "the research firm": the nearest one of that kind, if any
            for i in range(end - 1, -1, -1):
                start, stop, key, _subject = self.mentions[i]
                if offset - stop > WINDOW:
                    break
                if stop <= offset and key != avoid and self.kinds.get(key) == reference.kind:
                    if not clause[0] <= start < clause[1]:
                        return key
        for type_ in reference.types:
            same, same_subject, best, best_subject = "", "", "", ""
            for i in range(end - 1, -1, -1):
                start, stop, key, subject = self.mentions[i]
                if offset - stop > WINDOW:
                    break
                if stop > offset or key == avoid or self.types.get(key) != type_:
                    continue
                if reference.hint and reference.hint not in self.names.get(key, "").split():
                    continue  # "the Pro model": a name with "Pro" in it
                if start >= sentence_start >= 0:
                    if reference.pronoun:
                        same = same or key
                        same_subject = same_subject or (key if subject else "")
                    elif not clause[0] <= start < clause[1]:
                        same = same or key
                        same_subject = same_subject or (key if subject else "")
                    continue
                best = best or key
                if subject:
                    best_subject = key
                    break
            found = same_subject or same or best_subject or best
            if found:
                return found
            if type_ == "Organization" and self.home and reference.generic:
                return self.home  # "the company" with nothing before it: the document's
        return ""
