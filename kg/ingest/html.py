"""HTML to plain text with ``selectolax`` (the lexbor parser, an HTML5 parser).

Scripts, styles, navigation, forms, embedded objects and code blocks are dropped; headings,
paragraphs, list items, table rows and other blocks become lines of their own; whitespace
inside a block collapses as a browser shows it; link text stays and URLs go.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["html_text"]

#: Elements whose content is not prose a reader sees.
_DROP = (
    "head, script, style, noscript, template, nav, [role=navigation], [hidden], svg, math,"
    " canvas, iframe, object, embed, video, audio, form, button, select, textarea, pre"
)
#: Elements that start and end a line of text.
_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset"
    " figcaption figure footer h1 h2 h3 h4 h5 h6 header hr html li main ol p section"
    " summary table tbody thead tfoot tr ul".split()
)
_CELLS = frozenset({"td", "th"})
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
#: Stands for a <br> until a block's whitespace is collapsed (the parser turns NUL into U+FFFD,
#: so no text holds it).
_BREAK = "\x00"


def html_text(source: str) -> str:
    """The visible text of an HTML document, one block a line, blocks separated by blank lines.

    >>> print(html_text('<nav>Home</nav><h1>Orbo &amp; Co</h1><p>Jane <a href="https://x">Roe'
    ...                 '</a>\\n said so.<script>var a;</script></p>'))
    Orbo & Co
    <BLANKLINE>
    Jane Roe said so.
    """
    tree = LexborHTMLParser(source)
    for node in tree.css(_DROP):
        node.decompose()
    root = tree.root
    if root is None:
        return ""
    blocks: list[str] = []
    parts: list[str] = []

    def end_block() -> None:
        lines = [_SPACE.sub(" ", line).strip(" ") for line in "".join(parts).split(_BREAK)]
        parts.clear()
        text = "\n".join(line for line in lines if line.strip())
        if text:
            blocks.append(text)

    # an explicit stack, not recursion: documents nest elements thousands deep
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag
        if closing:
            if tag in _BLOCKS:
                end_block()
            elif tag in _CELLS:
                parts.append(" ")
            continue
        if tag == "-text":
            parts.append(node.text_content or "")
            continue
        if tag == "br":
            parts.append(_BREAK)
            continue
        if tag in _BLOCKS:
            end_block()
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    end_block()
    return "\n\n".join(block.strip("\t ") for block in blocks if block.strip())
