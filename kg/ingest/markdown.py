"""Markdown to plain text with ``markdown-it-py``: what a reader would read aloud.

Headings stay lines of their own, paragraphs are joined into one line each (a wrapped
sentence is one sentence again), list items become lines without their markers, link text
stays and its URL goes, code blocks, images, raw HTML tags and URLs are dropped.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["markdown_text", "split_front_matter"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
#: A URL, without the punctuation that ends the sentence around it.
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)\S+?(?=[.,;:!?)\]'\"]*(?:\s|$))", re.I)
#: Blocks that end a line of text.
_BLOCK_ENDS = {"paragraph_close", "heading_close", "th_close", "td_close", "tr_close"}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def split_front_matter(text: str) -> tuple[str, str]:
    """The YAML front matter block (with its ``---`` lines) and the rest.

    >>> split_front_matter("---\\ndate: 2021-06-02\\n---\\n# Title\\n")
    ('---\\ndate: 2021-06-02\\n---\\n', '# Title\\n')
    """
    match = _FRONT_MATTER.match(text)
    return (match.group(), text[match.end() :]) if match else ("", text)


def _inline(children: list[Token]) -> str:
    parts: list[str] = []
    autolink = removed = 0
    for token in children:
        if token.type == "link_open" and token.markup == "autolink":
            autolink += 1
            removed += 1
        elif token.type == "link_close" and token.markup == "autolink":
            autolink -= 1
        elif autolink:
            continue
        elif token.type in ("text", "code_inline"):
            text, count = _URL.subn("", token.content)
            removed += count
            parts.append(text)
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
    text = re.sub(r"[ \t]+", " ", "".join(parts))
    if removed:  # "see (https://x)." -> "see."
        text = re.sub(r" ?\(\s*\)| (?=[.,;:!?)])", "", text).replace("( ", "(")
    return text.strip()


def markdown_text(source: str) -> str:
    """The text of a Markdown document, without its markup.

    Args:
        source: Markdown text (without front matter).

    Returns:
        One line per heading, paragraph, list item and table row (cells joined by tabs),
        blocks separated by a blank line.

    >>> print(markdown_text("# Orbo news\\n\\nJane Roe, [CEO](https://x), said\\nit grows.\\n\\n"
    ...                     "- one\\n- two\\n\\n```\\ncode()\\n```\\n"))
    Orbo news
    <BLANKLINE>
    Jane Roe, CEO, said it grows.
    <BLANKLINE>
    one
    <BLANKLINE>
    two
    """
    lines: list[str] = []
    row: list[str] = []
    for token in _parser().parse(source):
        if token.type == "inline":
            text = _inline(token.children or [])
            if token.map is not None and text:
                row.append(text)
        elif token.type in _BLOCK_ENDS and token.type not in ("th_close", "td_close"):
            if row:
                lines.append("\t".join(row))
                row = []
        # fence, code_block, html_block, hr, images: nothing to read
    if row:
        lines.append("\t".join(row))
    return "\n\n".join(line for line in lines if line.strip())
