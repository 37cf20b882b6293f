"""Packs: domain knowledge as data, in folders a build can switch on and off.

A pack is a folder: a packaged one under ``kg/data/packs/NAME/`` (named by ``NAME``) or any
folder given by its path. What a pack may hold, each file optional:

- ``patterns.jsonl``: spaCy EntityRuler patterns (brand words, product shapes);
- ``gazetteer.jsonl``: known names, in the gazetteer format;
- ``cues.json``: word lists added to those of ``kg/data/rules/cues.json``;
- other files that later steps read by pattern (``lexicons/*.json``, ``rules/*.json``).

>>> "consumer-electronics" in available_packs()
True
>>> [p.name for p in pack_files(("consumer-electronics",), "patterns.jsonl")]
['patterns.jsonl']
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path

from kg.errors import PackError

__all__ = ["DEFAULT_PACKS", "available_packs", "locate_pack", "pack_files"]

#: The packs a build uses unless told otherwise.
DEFAULT_PACKS: tuple[str, ...] = ("consumer-electronics",)


def _packaged() -> Path:
    return Path(str(files("kg").joinpath("data", "packs")))


def available_packs() -> list[str]:
    """The names of the packaged packs, sorted."""
    return list(_packaged_names())


@cache
def _packaged_names() -> tuple[str, ...]:
    # the package's own folders do not change while it runs: listed once per process
    root = _packaged()
    return tuple(
        sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    )


@cache
def _packaged_files(name: str, pattern: str) -> tuple[Path, ...]:
    return tuple(sorted(p for p in (_packaged() / name).glob(pattern) if p.is_file()))


def locate_pack(pack: str | Path) -> Path:
    """The folder of a pack: a packaged pack's name, or the path of a pack folder.

    Raises:
        PackError: no packaged pack has that name and no folder has that path.

    >>> locate_pack("consumer-electronics").name
    'consumer-electronics'
    """
    name = str(pack)
    if isinstance(pack, str) and "/" not in name and name in available_packs():
        return _packaged() / name
    folder = Path(pack)
    if folder.is_dir():
        return folder
    known = ", ".join(available_packs()) or "none"
    raise PackError(f"no pack {name!r} (packaged packs: {known}; or give a pack folder)")


def pack_files(packs: Sequence[str | Path], pattern: str) -> list[Path]:
    """The files matching ``pattern`` (a glob, relative to a pack folder) in each pack, in
    the order the packs are given, sorted within a pack.

    Raises:
        PackError: a pack cannot be found (see :func:`locate_pack`).
    """
    found: list[Path] = []
    for pack in packs:
        folder = locate_pack(pack)
        if folder == _packaged() / str(pack):
            found.extend(_packaged_files(str(pack), pattern))
        else:
            found.extend(sorted(p for p in folder.glob(pattern) if p.is_file()))
    return found
