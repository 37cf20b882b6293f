"""The cache of pass-1 records: an SQLite file in the build folder.

A record (:mod:`kg.parse`) is a pure function of a document's bytes and of the build's
settings, so it is kept under the file's sha256 and a :func:`fingerprint` of everything else
that shapes it: the ``kg`` code and data, the spaCy version, the model, the gazetteers,
patterns, rules and packs. A rebuild parses only the documents whose key is not there; rows
no build used last time are dropped, so the file holds one corpus's records.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sqlite3
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KGError

if TYPE_CHECKING:
    from kg.pipeline import BuildOptions

__all__ = ["CACHE_FILE", "RecordCache", "file_digest", "fingerprint"]

#: The cache's file name in a build folder.
CACHE_FILE = "cache.sqlite"


def fingerprint(options: BuildOptions) -> str:
    """A digest of everything besides a document's bytes that its record depends on."""
    from spacy.about import __version__ as spacy_version

    from kg.nlp import MODEL_NAMES
    from kg.packs import locate_pack

    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(repr(part).encode() + b"\0")

    add(_package_digest(), spacy_version, options.use_default_gazetteer, options.batch_size)
    for name in (options.model,) if options.model else MODEL_NAMES:
        add(name, _model_version(name))
    for group in (options.gazetteers, options.patterns, options.rules):
        add([(str(p), file_digest(p)) for p in group])
    for pack in options.packs:
        folder = locate_pack(pack)  # a packaged one is in the package's digest
        add(pack, "" if folder.is_relative_to(_package()) else _folder_digest(folder))
    return digest.hexdigest()


def _package() -> Path:
    import kg

    return Path(kg.__file__).parent


@cache
def _package_digest() -> str:
    """A digest of the ``kg`` package's code and data, made once per process (the files do
    not change under a running build; a process that cannot read them later still can)."""
    return _folder_digest(_package())


def _folder_digest(folder: Path) -> str:
    """A digest of the files under ``folder`` (what cannot be read counts as empty)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(".pyc"):
                path = Path(root, name)
                relative = path.relative_to(folder).as_posix()
                digest.update(f"{relative}\0{file_digest(path)}\0".encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """The sha256 of the file at ``path``; empty when it cannot be read (the build itself
    says what is wrong with it)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _model_version(name: str) -> str:
    """The installed version of model package ``name``, or a digest of a model folder's
    ``meta.json`` and ``config.cfg``; empty when there is no such model."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        folder = Path(name)
        return "".join(file_digest(folder / f) for f in ("meta.json", "config.cfg"))


class RecordCache:
    """Records by document sha256, for one fingerprint, in SQLite (``path``) or in memory
    (``path=None``, a build without a cache: the records still leave the process's ``Doc``
    objects behind).

    Raises:
        KGError: the file cannot be opened or created.
    """

    def __init__(self, path: Path | None, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self._memory: dict[str, bytes] = {}
        self._db: sqlite3.Connection | None = None
        # one statement at a time: a pool's feeder thread reads records while this one reads
        self._lock = threading.Lock()
        if path is not None:
            self._db = self._open(path)

    def _open(self, path: Path) -> sqlite3.Connection:
        for attempt in (1, 2):
            try:
                # check_same_thread: a pool's feeder thread reads records while this one waits
                db = sqlite3.connect(
                    path, timeout=60, isolation_level=None, check_same_thread=False
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS records (fingerprint TEXT NOT NULL, sha256 TEXT"
                    " NOT NULL, record BLOB NOT NULL, PRIMARY KEY (fingerprint, sha256))"
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS readings (fingerprint TEXT NOT NULL, sha256 TEXT"
                    " NOT NULL, stage TEXT NOT NULL, digest TEXT NOT NULL, data BLOB NOT NULL,"
                    " PRIMARY KEY (fingerprint, sha256, stage))"
                )
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # a crash loses records, never the file
                return db
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or not path.is_file():
                    raise KGError(f"cannot use the cache {path}: {exc}") from None
                try:
                    path.unlink()  # not a cache of ours (damaged): start a new one
                except OSError as error:
                    raise KGError(f"cannot use the cache {path}: {error.strerror}") from None
        raise AssertionError("unreachable")

    def get(self, sha256: str) -> bytes | None:
        """The record of the document with ``sha256``, if there is one."""
        if self._db is None:
            return self._memory.get(sha256)
        with self._lock:
            row = self._db.execute(
                "SELECT record FROM records WHERE fingerprint = ? AND sha256 = ?",
                (self.fingerprint, sha256),
            ).fetchone()
        return bytes(row[0]) if row else None

    def has(self, sha256: str) -> bool:
        """Whether the record of ``sha256`` is there and readable by this version."""
        from kg.parse import is_record

        record = self.get(sha256)
        return record is not None and is_record(record)

    def put(self, sha256: str, record: bytes) -> None:
        """Keep ``record`` as the record of ``sha256``."""
        if self._db is None:
            self._memory[sha256] = record
            return
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                (self.fingerprint, sha256, record),
            )

    def reading(self, sha256: str, stage: str, digest: str) -> bytes | None:
        """What pass 2 made of the document with ``sha256`` at ``stage`` (:mod:`kg.readings`),
        if it was made from what ``digest`` names (else it is out of date: None)."""
        if self._db is None:
            return None  # a build without a cache has no earlier build to take from
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM readings WHERE fingerprint = ? AND sha256 = ? AND stage = ?"
                " AND digest = ?",
                (self.fingerprint, sha256, stage, digest),
            ).fetchone()
        return bytes(row[0]) if row else None

    def keep_reading(self, sha256: str, stage: str, digest: str, data: bytes) -> None:
        """Keep ``data``, made at ``stage`` from what ``digest`` names, for the next build."""
        if self._db is not None:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO readings VALUES (?, ?, ?, ?, ?)",
                    (self.fingerprint, sha256, stage, digest, data),
                )

    def keep_only(self, sha256s: Iterable[str]) -> None:
        """Drop every record (and reading) but those of ``sha256s`` under this fingerprint."""
        if self._db is None:
            return
        kept = set(sha256s)
        for table in ("records", "readings"):
            rows = self._db.execute(f"SELECT DISTINCT fingerprint, sha256 FROM {table}").fetchall()
            stale = [row for row in rows if row[0] != self.fingerprint or row[1] not in kept]
            if stale:
                self._db.executemany(
                    f"DELETE FROM {table} WHERE fingerprint = ? AND sha256 = ?", stale
                )

    def close(self) -> None:
        """Close the file (the records in memory are dropped)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self._memory.clear()
