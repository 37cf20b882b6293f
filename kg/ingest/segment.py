"""Very long lines cut where a sentence or a clause ends, so that no line reaches spaCy's
``max_length`` (and the parser's memory stays bounded)."""

from __future__ import annotations

import re

__all__ = ["LINE_LIMIT", "split_long_lines"]

#: Longest line handed on, in characters: far below spaCy's ``max_length`` (1,000,000), and
#: short enough that a batch of lines stays small (64 lines of 10,000 characters took 2.4 GB);
#: news paragraphs are shorter (the longest line of the seeds and the dev corpus: 722).
LINE_LIMIT = 2_000

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’)\]]*\s")
_CLAUSE_END = re.compile(r"[;:,—–)][\"'”’]*\s")
_SPACE = re.compile(r"\s")


def _cut(window: str, limit: int) -> int:
    """Index of the whitespace where a line starting with ``window`` is cut: after the last
    sentence end within ``limit`` characters, else the last clause end, else the last space;
    -1 when none."""
    for pattern in (_SENTENCE_END, _CLAUSE_END, _SPACE):
        last = -1
        for match in pattern.finditer(window):
            last = match.end() - 1
        if last > limit // 4:
            return last
    return -1


def split_long_lines(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` with every line longer than ``limit`` cut into shorter ones.

    A line is cut by turning the whitespace after a sentence end (else a clause end, else any
    space) into a newline, so every offset into the text stays as it was; only a run of more
    than ``limit`` characters without any whitespace gets a newline inserted.

    >>> split_long_lines("Orbo grew. Jane Roe, its chief, left; Ann stayed.", limit=30)
    'Orbo grew.\\nJane Roe, its chief, left;\\nAnn stayed.'
    >>> split_long_lines("x" * 7, limit=3)
    'xxx\\nxxx\\nx'
    """
    if len(text) <= limit or max(map(len, text.split("\n"))) <= limit:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        start = 0  # a moving start, not slicing the rest: a 30 MB line is cut 15,000 times
        while len(line) - start > limit:
            cut = _cut(line[start : start + limit + 1], limit)
            if cut < 0:
                out.append(line[start : start + limit])
                start += limit
            else:
                out.append(line[start : start + cut])
                start += cut + 1
        out.append(line[start:])
    return "\n".join(out)
