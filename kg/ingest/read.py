"""One source file to text: read its bytes, decode them, convert its markup, cut long lines."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import UnreadableFileError
from kg.ingest.decode import decode
from kg.ingest.segment import split_long_lines

__all__ = ["FORMATS", "SUFFIXES", "ReadFile", "read_file"]


def _plain(text: str) -> tuple[str, str]:
    return text, text


def _markdown(text: str) -> tuple[str, str]:
    from kg.ingest.markdown import markdown_text, split_front_matter

    front, body = split_front_matter(text)
    converted = markdown_text(body)
    return converted, front + converted


def _html(text: str) -> tuple[str, str]:
    from kg.ingest.html import html_text

    converted = html_text(text)
    return converted, converted


#: Suffix -> converter: decoded file text -> (document text, text to find its date in).
FORMATS: dict[str, Callable[[str], tuple[str, str]]] = {
    ".txt": _plain,
    ".md": _markdown,
    ".markdown": _markdown,
    ".html": _html,
    ".htm": _html,
}
SUFFIXES = tuple(FORMATS)


@dataclass(frozen=True)
class ReadFile:
    """A file read as a document.

    Attributes:
        text: the document's text: the file's text, or for Markdown and HTML the text they
            show, without markup; offsets of mentions and evidence point into it.
        sha256: hex digest of the file's bytes.
        date_text: where to look for the document's date (Markdown keeps its front matter).
    """

    text: str
    sha256: str
    date_text: str


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def read_file(path: Path) -> ReadFile:
    """Read the document in ``path``, as its suffix says (see :data:`FORMATS`).

    Raises:
        UnreadableFileError: the file cannot be opened, is empty, binary, or holds no text;
            the message is the reason, without the path.
    """
    convert = FORMATS.get(path.suffix.lower())
    if convert is None:
        raise UnreadableFileError(f"not a {', '.join(SUFFIXES)} file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"cannot read it: {_os_reason(exc)}") from None
    if not data:
        raise UnreadableFileError("empty file")
    text = decode(data)
    text, date_text = convert(text.replace("\r\n", "\n") if convert is not _plain else text)
    if not re.search(r"[^\W\d_]", text):  # not one letter
        raise UnreadableFileError("no text in it" if data.strip() else "empty file")
    return ReadFile(split_long_lines(text), hashlib.sha256(data).hexdigest(), date_text)
