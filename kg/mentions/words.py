"""Word lists that mention finding reads: context cues, launch-event words, currencies."""

from __future__ import annotations

from functools import cache
from typing import Any

from kg.resources import read_json

__all__ = ["cues", "events", "currency_words"]


@cache
def cues() -> dict[str, Any]:
    """``kg/data/rules/cues.json``, each word list as a set."""
    table = dict(read_json("rules/cues.json"))
    return {k: set(v) if isinstance(v, list) else v for k, v in table.items()}


@cache
def events() -> dict[str, Any]:
    """``kg/data/rules/events.json``: the words that make a product mention a launch event."""
    return dict(read_json("rules/events.json"))


@cache
def currency_words() -> frozenset[str]:
    """Currency codes and symbols ("EUR", "RMB"): never names."""
    table = read_json("currencies.json")
    return frozenset(k for key in ("before", "after") for k in table.get(key, {}))
