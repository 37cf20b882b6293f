"""Read source documents: ``.txt``, ``.md`` and ``.html`` files, folders recursively; what
cannot be read is skipped with a reason (see :mod:`kg.ingest`)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import SourceError, UnreadableFileError
from kg.extract.dates import document_date
from kg.ingest import SUFFIXES, read_file
from kg.records import Document, Skipped

__all__ = ["read_documents", "SUFFIXES"]


def _doc_id(relative: str) -> str:
    """A stable, IRI-safe id from a relative path.

    >>> _doc_id("news/2018 Mi 6X.txt")
    'news/2018_Mi_6X.txt'
    """
    return re.sub(r"[^A-Za-z0-9._/-]+", "_", relative).strip("_")


def _folder_files(folder: Path, skip: Callable[[Skipped], None]) -> list[Path]:
    """Files of ``folder`` and its subfolders with a document suffix, in path order; a
    subfolder that cannot be listed is skipped (symbolic links followed once)."""
    found: list[Path] = []
    seen: set[str] = set()

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        skip(Skipped(where.as_posix(), f"cannot read the folder: {_reason(exc)}"))

    for top, dirs, names in os.walk(folder, onerror=unreadable, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        for name in names:
            path = Path(top, name)
            if path.suffix.lower() in SUFFIXES and path.is_file():  # no pipe, no socket
                found.append(path)
    return sorted(found)


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _files(source: Path, skip: Callable[[Skipped], None]) -> Iterator[tuple[Path, str]]:
    if source.is_dir():
        for path in _folder_files(source, skip):
            yield path, path.relative_to(source).as_posix()
    elif source.is_file():
        yield source, source.name
    elif source.exists():
        skip(Skipped(source.as_posix(), "not a regular file"))
    else:
        raise SourceError(f"{source}: no such file or folder")


def _sidecar(path: Path) -> dict[str, object]:
    """Metadata beside a document: ``story.txt.json`` or ``story.meta.json`` (``{"date": ...}``).

    Raises:
        SourceError: the sidecar is not a JSON object.
    """
    for candidate in (path.with_name(path.name + ".json"), path.with_suffix(".meta.json")):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise SourceError(f"{candidate}: cannot read metadata: {exc}") from None
            if not isinstance(data, dict):
                raise SourceError(f"{candidate}: metadata must be a JSON object")
            return data
    return {}


def read_documents(
    sources: Iterable[Path],
    *,
    strict: bool = False,
    on_skip: Callable[[Skipped], None] | None = None,
) -> list[Document]:
    """Read every document under ``sources``.

    A file or folder that cannot be read (no permission, empty, binary, no text) is skipped:
    ``on_skip`` hears of it, and the other documents are read.

    Args:
        sources: files or folders; folders are searched recursively for the suffixes in
            :data:`kg.ingest.SUFFIXES` (``.txt``, ``.md``, ``.html`` ...).
        strict: raise on the first file or folder that would be skipped.
        on_skip: called with each skipped file or folder and the reason.

    Returns:
        The documents, in a stable order, with unique ids.

    Raises:
        SourceError: a source is missing, a metadata sidecar is malformed, nothing could be
            read, or (``strict``) something would be skipped.
    """
    documents: list[Document] = []
    seen: set[str] = set()
    skipped = 0

    def skip(item: Skipped) -> None:
        nonlocal skipped
        if strict:
            raise SourceError(f"{item.path}: {item.reason} (--strict)")
        skipped += 1
        if on_skip:
            on_skip(item)

    sources = list(sources)
    for source in sources:
        for path, relative in _files(Path(source), skip):
            try:
                read = read_file(path)
            except UnreadableFileError as exc:
                skip(Skipped(path.as_posix(), str(exc)))
                continue
            metadata = _sidecar(path)  # a malformed sidecar the user wrote stops the build
            doc_id = _doc_id(relative)
            while doc_id in seen:
                doc_id = f"{doc_id}_{read.sha256[:6]}"
            seen.add(doc_id)
            documents.append(
                Document(
                    id=doc_id,
                    path=relative,  # never where the root is: no local path in the outputs
                    text=read.text,
                    sha256=read.sha256,
                    date=document_date(read.date_text, metadata),
                )
            )
    if not documents:
        names = ", ".join(str(s) for s in sources) or "(none)"
        kinds = ", ".join(SUFFIXES)
        more = f" ({skipped} skipped)" if skipped else ""
        raise SourceError(f"nothing to build: no readable {kinds} document in {names}{more}")
    return documents
