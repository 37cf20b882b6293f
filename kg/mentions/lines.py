"""Lines: a document read line by line, and which lines are headings or captions."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["split_lines", "is_heading", "SPEAKER"]

_HEADING_END = (".", "!", "?", ":", ";", ",", '"', "”", "…")
_SENTENCE_INSIDE = re.compile(r"[a-z][.!?]\s+[A-Z]")
#: "Jane: I bought ..." opens an interview answer: a name of up to three words, a colon.
SPEAKER = re.compile(r"^([A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+){0,2}):\s+\S")


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

    >>> is_heading("Key Partnerships"), is_heading("Acme was founded in 2010.")
    (True, False)
    >>> is_heading("Jane Doe is a tech writer. Reach her at jane@example.com")
    False
    >>> is_heading("Raul: Orbo 1")
    False
    """
    return (
        len(line.split()) <= 12
        and not line.endswith(_HEADING_END)
        and not _SENTENCE_INSIDE.search(line)  # "Jane Doe is a writer. Reach her at ..."
        and not SPEAKER.match(line)  # "Raul: Orbo 1" answers an interview question
    )
