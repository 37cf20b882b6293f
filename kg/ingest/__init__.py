"""Read source files into text: encodings, Markdown, HTML, very long lines.

``kg.corpus`` walks the sources and makes :class:`kg.records.Document` records from what
:func:`read_file` returns; a file that cannot be read raises
:class:`kg.errors.UnreadableFileError` with the reason, and the build skips it.
"""

from __future__ import annotations

from kg.ingest.read import FORMATS, SUFFIXES, ReadFile, read_file

__all__ = ["FORMATS", "SUFFIXES", "ReadFile", "read_file"]
