"""The build folder: each build is a new generation, switched in with one atomic rename.

::

    exports/
      current -> gen-000007             the build readers see: the one entry a build switches
      graph.ttl -> current/graph.ttl    links at the documented paths, made once
      store -> current/store
      graph.html -> current/graph.html
      gen-000007/                       graph.ttl, store/, graph.html, manifest.json
      gen-000006/                       the build before, kept for readers still on it

A build writes a new generation folder, invisible until it is complete, then replaces the
relative link ``current`` (``os.replace`` of a new link over the old one). A path through
``current`` (or through the links) therefore reaches the Turtle, the store and the page of
one build, the old one or the new one, never a mix; ``kg`` resolves the link once when it
opens a graph (:func:`current_generation`), so it keeps reading one build throughout. The
build holds a lock on the folder while it writes; it removes what killed builds left
(unfinished generations, temporary files, the ``.store-*`` folders of older versions of
``kg``) and every generation but the current and the previous one.

``manifest.json`` records where the documents were read (absolute source roots). It stays in
the build folder: the graph, the store and the page name documents by their path relative to
their source root only, and ``kg show`` finds the text again through the manifest
(:class:`Sources`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.atomic import (
    fsync_dir,
    locked,
    remove_leftovers,
    swap_dir,
    temp_name,
    write_text,
)
from kg.errors import OutputError

if TYPE_CHECKING:
    from kg.pipeline import BuildResult

__all__ = [
    "CURRENT",
    "MANIFEST",
    "LINKS",
    "Manifest",
    "Sources",
    "current_generation",
    "generations",
    "manifest_of",
    "source_roots",
    "sources_for",
    "write",
    "PHASES",
]

#: The phases of :func:`write`, in order, as ``on_phase`` names them when each starts.
PHASES = ("store", "page")

#: The link naming the current generation.
CURRENT = "current"
#: The generation's record of the build (source roots, counts), as JSON.
MANIFEST = "manifest.json"
#: The documented paths, each a link through ``current``.
LINKS = ("graph.ttl", "store", "graph.html")

_GENERATION = re.compile(r"gen-(\d{6,})")


@dataclass(frozen=True)
class Manifest:
    """What a generation records about its build.

    Attributes:
        generation: the generation's folder name (``gen-000007``).
        previous: the generation it replaced, if any.
        created: when it was written (ISO 8601, UTC).
        roots: the absolute source roots: documents' paths are relative to one of them.
        documents: the number of documents read.
        outputs: the files of the generation (``graph.ttl``, ``store``, ``graph.html``).
        triples: the number of triples of the graph.
    """

    generation: str
    previous: str | None
    created: str
    roots: tuple[str, ...]
    documents: int
    outputs: tuple[str, ...]
    triples: int = 0

    def to_json(self) -> str:
        """The manifest as JSON text."""
        data = {
            "generation": self.generation,
            "previous": self.previous,
            "created": self.created,
            "roots": list(self.roots),
            "documents": self.documents,
            "outputs": list(self.outputs),
            "triples": self.triples,
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def current_generation(out: Path) -> Path | None:
    """The generation folder ``out/current`` points to (links resolved), if there is one."""
    link = Path(out) / CURRENT
    if not link.is_symlink():
        return None
    target = Path(os.path.realpath(link))
    return target if target.is_dir() else None


def generations(out: Path) -> list[Path]:
    """The generation folders in ``out``, oldest first."""
    if not Path(out).is_dir():
        return []
    found = [p for p in Path(out).iterdir() if _GENERATION.fullmatch(p.name) and p.is_dir()]
    return sorted(found, key=lambda p: int(p.name[4:]))


def manifest_of(folder: Path) -> Manifest | None:
    """The manifest of the generation ``folder`` (or of the one holding the file or store
    ``folder``), None when there is none or it cannot be read."""
    folder = Path(folder)
    for candidate in (folder, folder.parent):
        path = candidate / MANIFEST
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                return Manifest(
                    generation=str(data["generation"]),
                    previous=data.get("previous"),
                    created=str(data.get("created", "")),
                    roots=tuple(str(r) for r in data.get("roots", [])),
                    documents=int(data.get("documents", 0)),
                    outputs=tuple(str(o) for o in data.get("outputs", [])),
                    triples=int(data.get("triples", 0)),
                )
            except (OSError, ValueError, KeyError, TypeError):
                return None
    return None


def source_roots(sources: Iterable[Path]) -> tuple[str, ...]:
    """The absolute folders the documents' paths are relative to: a folder given is its own
    root, a file given is relative to its folder.

    >>> source_roots([Path("/data/news")])
    ('/data/news',)
    """
    roots: list[str] = []
    for source in map(Path, sources):
        root = source.absolute() if not source.is_file() else source.absolute().parent
        text = os.path.normpath(root)
        if text not in roots:
            roots.append(text)
    return tuple(roots)


def write(
    result: BuildResult,
    out: Path,
    *,
    html: bool = True,
    page: Mapping[str, Any] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write a build into the build folder ``out`` as a new generation and switch to it.

    Args:
        result: the build; ``result.sources`` gives the source roots for the manifest.
        out: the build folder (created when missing).
        html: write the page too.
        page: options of :func:`kg.visualize.render_html` for the page (``max_nodes``).
        on_phase: called with the name of each phase (:data:`PHASES`) as it starts.

    Returns:
        The documented paths written: ``out/graph.ttl``, ``out/store`` and ``out/graph.html``.

    Raises:
        OutputError: another build is writing ``out``, or an entry at a documented path is
            in the way (a folder that is not a store, ...).
        GraphLoadError: the store cannot be written.
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the build folder: {exc.strerror}") from None
    with locked(out, str(out)):
        _check_links(out)
        previous = current_generation(out)
        try:
            gen = _next_generation(out)
            _clean(out, keep={previous.name} if previous else set())
            gen.mkdir()
            outputs, triples = _write_generation(
                result, gen, html=html, page=page or {}, on_phase=on_phase or (lambda _: None)
            )
            manifest = Manifest(
                generation=gen.name,
                previous=previous.name if previous else None,
                created=datetime.now(UTC).isoformat(timespec="seconds"),
                roots=source_roots(result.sources),
                documents=len(result.documents),
                outputs=tuple(outputs),
                triples=triples,
            )
            write_text(gen / MANIFEST, manifest.to_json())
            fsync_dir(gen)
            _switch(out, gen.name)
            _link_documented_paths(out, outputs)
            _clean(out, keep={gen.name, previous.name} if previous else {gen.name})
        except OSError as exc:  # a full disk, no permission, no symbolic links here ...
            where = exc.filename if exc.filename is not None else out
            raise OutputError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return [out / name for name in LINKS if name in outputs]


def _check_links(out: Path) -> None:
    """Refuse to replace, at a documented path, anything a build did not make."""
    from kg.store import is_store

    for name in LINKS:
        entry = out / name
        if entry.is_symlink() or not entry.exists():
            continue
        if name == "store" and entry.is_dir() and not (is_store(entry) or not any(entry.iterdir())):
            raise OutputError(f"{entry}: exists and is not a store; not replacing it")
        if name != "store" and entry.is_dir():
            raise OutputError(f"{entry}: is a folder; not replacing it")


def _next_generation(out: Path) -> Path:
    """The next generation's folder: numbered past every one there, unfinished ones
    included, so the build after a killed one never takes its name."""
    numbers = [int(g.name[4:]) for g in generations(out)]
    return out / f"gen-{max(numbers, default=0) + 1:06d}"


def _write_generation(
    result: BuildResult,
    gen: Path,
    *,
    html: bool,
    page: Mapping[str, Any],
    on_phase: Callable[[str], None],
) -> tuple[list[str], int]:
    """Write the store, the Turtle and the page into the (not yet visible) folder ``gen``;
    return the outputs and the number of triples."""
    from kg.store import STORE_DIR, drop_logs, open_store, write_graph

    on_phase("store")
    triples = write_graph(result.triples(), gen / STORE_DIR, gen / "graph.ttl")
    drop_logs(gen / STORE_DIR)
    outputs = ["graph.ttl", STORE_DIR]
    if html:
        from kg.visualize import page_title, write_html

        on_phase("page")
        title = page_title(source_roots(result.sources))
        graph = open_store(gen / STORE_DIR)  # the store just written, as kg export reads it
        write_html(graph, gen / "graph.html", title=title, **page)
        outputs.append("graph.html")
    for name in ("graph.ttl", "graph.html"):
        if (gen / name).is_file():
            with open(gen / name, "rb") as stream:
                os.fsync(stream.fileno())
    return outputs, triples


def _switch(out: Path, generation: str) -> None:
    """Point ``out/current`` at ``generation``: one rename of a new link over the old."""
    link = temp_name(out / CURRENT)
    os.symlink(generation, link, target_is_directory=True)
    swap_dir(link, out / CURRENT)


def _link_documented_paths(out: Path, outputs: list[str]) -> None:
    """Make ``graph.ttl``, ``store`` and ``graph.html`` links through ``current``.

    Made once; a build folder written by an older ``kg`` (real files there) is converted,
    each entry replaced in one step. A build without a page removes the page's link.
    """
    for name in LINKS:
        entry = out / name
        wanted = f"{CURRENT}/{name}"
        if name not in outputs:
            if entry.is_symlink():
                entry.unlink()
            continue
        if entry.is_symlink() and os.readlink(entry) == wanted:
            continue
        link = temp_name(entry)
        os.symlink(wanted, link, target_is_directory=name == "store")
        swap_dir(link, entry)


def _clean(out: Path, *, keep: set[str]) -> None:
    """Remove generations not in ``keep`` and what killed writers left."""
    remove_leftovers(out)
    for gen in generations(out):
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)
    for entry in out.iterdir():  # staging folders of kg before generations
        if re.fullmatch(r"\.store-(old-)?[A-Za-z0-9_]+", entry.name) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


@dataclass
class Sources:
    """Finds a document's text again from its recorded path, in the build's source roots.

    Attributes:
        roots: the absolute source roots (from the manifest; empty for a graph without one).
        notes: one line per document that moved or changed since the build, for the user.
    """

    roots: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)

    def text(self, path: str, sha256: str | None = None) -> str | None:
        """The text of the document recorded as ``path`` (relative to a source root), None
        when it cannot be found; a note says why."""
        if path not in self._texts:
            self._texts[path] = self._read(path, sha256)
        return self._texts[path]

    def _read(self, path: str, sha256: str | None) -> str | None:
        # read as the build read it (decoded, Markdown and HTML as their text): the offsets
        # point into that text
        from kg.errors import KGError
        from kg.ingest import read_file

        bases = [Path(r) for r in self.roots] or [Path.cwd()]
        changed: tuple[Path, str] | None = None
        for base in bases:
            file = base / path
            try:
                read = read_file(file)
            except (OSError, KGError):
                continue
            if sha256 is None or read.sha256 == sha256:
                return read.text
            changed = changed or (file, read.text)
        if changed is not None:
            self.notes.append(
                f"note: {changed[0]} changed since the build; its context may not match"
            )
            return changed[1]
        if not self.roots:
            self.notes.append(
                f"note: {path} is not in this folder, and the graph records no source folder"
                " (give the build folder as --graph); showing offsets only"
            )
            return None
        where = " or ".join(self.roots)
        self.notes.append(
            f"note: {path} is no longer in {where} (moved or deleted since the build?);"
            " showing offsets only"
        )
        return None


def sources_for(found: Path | None) -> Sources:
    """The :class:`Sources` of the build that wrote the store or file ``found``."""
    manifest = manifest_of(found) if found is not None else None
    return Sources(roots=manifest.roots if manifest else ())
