"""Read source documents: ``.txt`` and ``.md`` files, folders recursively."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import SourceError
from kg.extract.dates import document_date
from kg.records import Document

__all__ = ["read_documents", "SUFFIXES"]

SUFFIXES = (".txt", ".md")


def _doc_id(relative: str) -> str:
    """A stable, IRI-safe id from a relative path.

    >>> _doc_id("news/2018 Mi 6X.txt")
    'news/2018_Mi_6X.txt'
    """
    return re.sub(r"[^A-Za-z0-9._/-]+", "_", relative).strip("_")


def _files(source: Path) -> Iterator[tuple[Path, str]]:
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.suffix.lower() in SUFFIXES:
                yield path, path.relative_to(source).as_posix()
    elif source.is_file():
        if source.suffix.lower() not in SUFFIXES:
            raise SourceError(f"{source}: not a .txt or .md file")
        yield source, source.name
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


def read_documents(sources: Iterable[Path]) -> list[Document]:
    """Read every document under ``sources``.

    Args:
        sources: files or folders; folders are searched recursively for ``.txt``/``.md``.

    Returns:
        The documents, in a stable order, with unique ids.

    Raises:
        SourceError: a source is missing, a file is not UTF-8, or nothing was found.
    """
    documents: list[Document] = []
    seen: set[str] = set()
    for source in sources:
        for path, relative in _files(Path(source)):
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
                ) from None
            doc_id = _doc_id(relative)
            while doc_id in seen:
                doc_id = f"{doc_id}_{hashlib.sha256(data).hexdigest()[:6]}"
            seen.add(doc_id)
            documents.append(
                Document(
                    id=doc_id,
                    path=relative,  # never where the root is: no local path in the outputs
                    text=text,
                    sha256=hashlib.sha256(data).hexdigest(),
                    date=document_date(text, _sidecar(path)),
                )
            )
    if not documents:
        names = ", ".join(str(s) for s in sources) or "(none)"
        raise SourceError(f"no .txt or .md documents found in {names}")
    return documents
