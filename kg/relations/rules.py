"""Loading the relation rules of a build: frame rules and lexicons (core, packs, user files)
and pattern rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import RuleFileError
from kg.packs import DEFAULT_PACKS, pack_files
from kg.relations.engine import (
    FrameRule,
    parse_rule_file,
    read_lexicons,
)
from kg.relations.patterns import Rule, _rule
from kg.resources import read_json

if TYPE_CHECKING:
    pass

__all__ = ["Rules", "load_rules"]


@dataclass(frozen=True)
class Rules:
    """Every relation rule of a build: pattern rules, frame rules and their lexicons."""

    patterns: tuple[Rule, ...]
    frames: tuple[FrameRule, ...]
    lexicons: dict[str, list[str]]


_CORE_FRAME_FILES = ("relations/lexicons.json", "relations/rules.json")


def load_rules(paths: Sequence[Path] = (), packs: Sequence[str | Path] = DEFAULT_PACKS) -> Rules:
    """The package's relation rules, then the packs' (``relations.json`` in each pack), then
    those in user files.

    A user file holds frame rules (with a ``trigger``), pattern rules (with a ``pattern`` and
    a ``matcher``), lexicons (``{"lexicons": {name: [words]}}``, extending the package's), or
    any of these together.
    """
    sources: list[tuple[str, Any]] = [("rules/relations.json", read_json("rules/relations.json"))]
    frame_sources: list[tuple[str, Any]] = [(name, read_json(name)) for name in _CORE_FRAME_FILES]
    frame_sources += [(str(path), read_json(path)) for path in pack_files(packs, "relations.json")]
    for path in paths:
        data = read_json(path)
        rows = data.get("rules", []) if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise RuleFileError(f"{path}: expected a list of rules under 'rules'")
        if any(isinstance(row, dict) and "trigger" in row for row in rows) or (
            isinstance(data, dict) and "lexicons" in data
        ):
            frame_sources.append((str(path), data))
        else:
            sources.append((str(path), data))
    rules: list[Rule] = []
    for origin, data in sources:
        rows = data.get("rules") if isinstance(data, dict) else data
        if not isinstance(rows, list):
            raise RuleFileError(f"{origin}: expected a list of rules under 'rules'")
        rules.extend(_rule(row, origin) for row in rows)
    lexicons = read_lexicons(frame_sources)
    frames: list[FrameRule] = []
    for origin, data in frame_sources:
        if isinstance(data, dict) and "rules" not in data:
            continue
        frames.extend(parse_rule_file(data, origin, lexicons))
    ids = [r.id for r in rules] + [r.id for r in frames]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleFileError(f"duplicate rule ids: {', '.join(duplicates)}")
    return Rules(tuple(rules), tuple(frames), lexicons)
