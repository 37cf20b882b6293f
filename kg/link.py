"""Entity linking: group mentions into one entity per real thing.

Rules, in order: a gazetteer or rule canonical name wins; otherwise mentions with the same
normalized name (case, hyphens, articles, possessives, curly quotes, honorifics) are one entity;
a one-word person name that is part of exactly one longer person name joins it ("Lei" and
"Mr. Lei" join "Lei Jun"); the type is chosen by a weighted vote across mentions; names found
only by the statistical model, and only in headings or once as a sentence's first word, are
dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from kg.mentions.names import normalize_name
from kg.mentions.places import place
from kg.mentions.shapes import corporate_words
from kg.records import Entity, Mention

__all__ = [
    "link",
    "Linked",
    "slug",
    "fold",
    "initials",
    "clean_name",
    "visible",
    "INVISIBLE",
    "name_key",
    "name_types",
]

_HONORIFICS = {"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "prof", "prof.", "sir"}
_MARKET_SUFFIXES = (" city", " province", " state", " region", " prefecture")
#: How much a mention's source weighs in the type vote. A "cue" is the statistical model's
#: name typed by the words around it ("NAME, who ..."): a strong type, but not a strong name.
_SOURCE_WEIGHT = {
    "gazetteer": 8.0,
    "alias": 100.0,  # a name the text introduces as a person's takes the person's type
    "rule": 4.0,
    "pattern": 4.0,
    "cue": 4.0,
    "ner": 1.0,
    "echo": 0.01,  # a known name repeated where the model missed it: no type evidence
}
#: Generic words after a name that do not make it another thing: "Redmi Phones" is Redmi,
#: "Mi Home Stores" is Mi Home, "POCOPhone" is POCO (singular "Mi Home app" stays apart).
_CATEGORY_SUFFIXES = ("phones", "smartphones", "stores", "devices", "phone")


@dataclass(frozen=True)
class Linked:
    """The result of linking: entities, and the entity key of every kept mention."""

    entities: list[Entity]
    entity_of: dict[Mention, str]


#: Characters that show nothing but can change what a name looks like: bidi controls
#: (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), zero-width characters (U+200B-U+200D,
#: U+2060, U+FEFF), soft hyphens and the other format characters (Unicode category Cf), and the
#: blank Hangul fillers and combining grapheme joiner.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e0fff]"
)
_FORMAT_OR_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@lru_cache(maxsize=1 << 16)  # names repeat all through a corpus
def clean_name(text: str) -> str:
    r"""A name as it looks: invisible characters (bidi controls, zero-width characters) removed,
    control characters and line separators turned into spaces, spaces collapsed.

    Only names and labels are cleaned; evidence sentences keep every character.

    >>> clean_name("Jane\u202e Roe"), clean_name("Or\u200bbo\tLabs"), clean_name("\u2067\u200d")
    ('Jane Roe', 'Orbo Labs', '')
    """
    text = _FORMAT_OR_CONTROL.sub(" ", INVISIBLE.sub("", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def visible(text: str) -> str:
    r"""``text`` with each invisible or control character written out as ``⟨U+XXXX⟩``, for
    showing an evidence sentence as it is without letting it reorder or hide anything.

    >>> visible("Jane \u202eeoR\u202c said\tit.")
    'Jane ⟨U+202E⟩eoR⟨U+202C⟩ said\tit.'
    """
    return "".join(
        f"⟨U+{ord(ch):04X}⟩"
        if (INVISIBLE.match(ch) or _FORMAT_OR_CONTROL.match(ch) or unicodedata.category(ch) == "Cf")
        and ch not in "\t\n"
        else ch
        for ch in text
    )


def slug(text: str) -> str:
    """An IRI-safe, lower-case form of a name: letters and digits outside ASCII are
    transliterated (``anyascii``: a fixed table, so a name gets the same slug in every build),
    other symbols dropped, then every run of characters outside ``a-z0-9`` becomes one ``-``.

    >>> slug("Redmi Note 5A"), slug("Lei Jun"), slug("Xiaomi’s Mi 1S"), slug("Orbo X2+")
    ('redmi-note-5a', 'lei-jun', 'xiaomi-s-mi-1s', 'orbo-x2-plus')
    >>> slug("Alex García Iskenderun"), slug("Jürgen Straße"), slug("小米"), slug("Orbo™ Ørsted")
    ('alex-garcia-iskenderun', 'jurgen-strasse', 'xiaomi', 'orbo-orsted')
    """
    text = re.sub(r"(?<=\w)\+(?!\w)", " plus", text)  # "X2+" is not "X2"
    text = "".join(
        ch if ch.isascii() else anyascii(ch) if unicodedata.category(ch)[0] in "LMN" else " "
        for ch in text
    )
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    r"""The comparison key of a name: case, hyphens and honorifics do not matter.

    >>> fold("Mi-MIX"), fold("Mr. Lei"), fold("Jane\u202e Roe")
    ('mi mix', 'lei', 'jane roe')
    """
    words = re.sub(r"[-_]+", " ", clean_name(name).lower()).split()
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def name_key(mention: Mention) -> str:
    """What linking groups a mention by: its name, folded ("Acme Robotics" -> "acme robotics")."""
    return fold(_name(mention))


def name_types(mentions: Iterable[Mention]) -> dict[str, str]:
    """The type each name (:func:`name_key`) gets from all its mentions, as linking votes it:
    what the corpus says a name is, for a document whose own mentions of it say less."""
    votes: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for mention in mentions:
        votes[name_key(mention)].append((mention.type, _weight(mention)))
    return {name: _vote(values) for name, values in votes.items() if name}


def _name(mention: Mention) -> str:
    return _name_of(mention.text, mention.type, mention.canonical)


@lru_cache(maxsize=1 << 16)
def _name_of(text: str, type_: str, canonical: str) -> str:
    """The name a mention gives (once per distinct text, type and canonical name: names
    repeat all through a corpus)."""
    if canonical:
        return clean_name(canonical)
    name = normalize_name(clean_name(text))
    if type_ == "Market":
        for suffix in _MARKET_SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix) + 1:
                name = name[: -len(suffix)]
    words = name.split(" ")
    if len(words) > 1 and words[0].lower() in _HONORIFICS:
        name = " ".join(words[1:])
    return name


def _weight(mention: Mention) -> float:
    weight = _SOURCE_WEIGHT.get(mention.source, 1.0)
    if mention.type == "Market" and mention.source == "ner" and place(_name(mention)) is None:
        weight /= 4  # the model's place that no place list knows: "Acme's" tagged a country
    return weight / 2 if mention.heading else weight


def _vote(values: Iterable[tuple[str, float]]) -> str:
    totals: dict[str, float] = defaultdict(float)
    for value, weight in values:
        if value:
            totals[value] += weight
    return max(sorted(totals), key=lambda v: totals[v]) if totals else ""


def _canonical(group: list[Mention], type_: str) -> str:
    """A gazetteer or rule name; else a person's fullest name; else the most frequent form."""
    fixed = [m.canonical for m in group if m.canonical]
    if fixed:
        return Counter(fixed).most_common(1)[0][0]
    counts = Counter(_name(m) for m in group)
    if type_ == "Person":
        return max(sorted(counts), key=lambda n: (len(n.split()), counts[n]))
    return max(
        sorted(counts),
        key=lambda n: (
            not n.lower().endswith(_CATEGORY_SUFFIXES),  # "Acme", not "Acme Stores"
            counts[n],
            len(n),
            sum(ch.isupper() for ch in n),
        ),
    )


def _unreliable(group: list[Mention]) -> bool:
    """Seen only in headings, or once as a capitalized first word, and only by the statistical
    model: "Handset sales contribute ..." does not name an organization."""
    if any(m.source not in ("ner", "cue", "echo") for m in group):
        return False
    if all(m.heading for m in group):
        return True
    only = group[0]
    return (
        len(group) == 1
        and only.source == "ner"  # a cue ("Jorge: I bought ...") is evidence enough
        and only.start == only.sentence.start
        and " " not in only.text
    )


def _merge_named_aliases(groups: dict[str, list[Mention]]) -> None:
    """A name introduced as another's ("better known as SmartStar") joins it everywhere."""
    for key in list(groups):
        if key not in groups:
            continue
        aliases = {
            fold(normalize_name(clean_name(m.text))) for m in groups[key] if m.source == "alias"
        }
        for alias in sorted(aliases - {key}):
            # a known name (gazetteer, pattern) is never someone's alias
            if alias in groups and all(m.source in ("ner", "cue") for m in groups[alias]):
                groups[key].extend(groups.pop(alias))


_MINOR_WORDS = {"of", "the", "and", "for", "de", "&"}


def initials(name: str) -> str:
    """The acronym a name would have.

    >>> initials("Hong Kong Stock Exchange"), initials("Bank of China")
    ('HKSE', 'BC')
    """
    return "".join(w[0] for w in name.split() if w.lower() not in _MINOR_WORDS and w[0].isalpha())


def _merge_acronyms(groups: dict[str, list[Mention]]) -> None:
    """ "HKSE" joins "Hong Kong Stock Exchange": an all-capitals name that is the initials of
    exactly one longer organization or event name, or written in brackets right after it."""
    surface = {key: _name(group[0]) for key, group in groups.items()}
    # the names an acronym may join, by their initials and by where their mentions end
    by_initials: dict[str, set[str]] = defaultdict(set)
    ends: dict[tuple[str, int], list[tuple[str, Mention]]] = defaultdict(list)
    for other, group in groups.items():
        if " " in other and group[0].type in ("Organization", "Event"):
            by_initials[initials(surface[other]).upper()].add(other)
            for m in group:
                ends[(m.doc_id, m.end)].append((other, m))
    for key in list(groups):
        if key not in groups:
            continue
        name = surface[key]
        if not (2 <= len(name) <= 6 and name.isalpha() and name.isupper()):
            continue
        # by initials alone only a name of the same type: "IDC" the firm is not an event
        # whose initials happen to spell it
        kind = groups[key][0].type
        owners = {o for o in by_initials.get(name, ()) if o in groups and groups[o][0].type == kind}
        for short in groups[key]:  # "Hong Kong Exchanges and Clearing (HKEX)"
            for gap in (1, 2):
                for other, long in ends.get((short.doc_id, short.start - gap), ()):
                    if long.sentence == short.sentence:
                        owners.add(other)
        owners.discard(key)
        if len(owners) == 1:
            owner = owners.pop()
            moved = groups.pop(key)
            groups[owner].extend(moved)
            for m in moved:
                ends[(m.doc_id, m.end)].append((owner, m))


def _merge_category_suffixes(groups: dict[str, list[Mention]]) -> None:
    """ "Redmi Phones" joins "Redmi", "POCOPhone" joins "POCO", when the stem is a name too."""
    for key in list(groups):
        for suffix in _CATEGORY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                stem = key[: -len(suffix)].rstrip()
                joined = not key[: -len(suffix)].endswith(" ")
                if joined != (suffix == "phone"):
                    continue  # "POCOPhone" joins POCO; "Orbo Phone" is a product of its own
                if stem in groups and stem != key:
                    groups[stem].extend(groups.pop(key))
                    break


def _merge_brandless_products(groups: dict[str, list[Mention]], types: dict[str, str]) -> None:
    """ "Picker 3" joins "Kestrel Picker 3": a model named without its brand, when only one
    longer product name ends with it (and the short name has a model number)."""
    products = [key for key in groups if types[key] == "Product"]
    by_tail: dict[str, list[str]] = defaultdict(list)  # "picker 3" -> ["kestrel picker 3"]
    for other in products:
        for i, ch in enumerate(other):
            if ch == " ":
                by_tail[other[i + 1 :]].append(other)
    for key in products:
        if not any(ch.isdigit() for ch in key):
            continue
        owners = [other for other in by_tail.get(key, ()) if other in groups]
        if len(owners) == 1 and key in groups:
            groups[owners[0]].extend(groups.pop(key))


def _merge_short_org_names(groups: dict[str, list[Mention]], types: dict[str, str]) -> None:
    """Join a one-word name to the one organization named by it plus words that end company
    names ("Acme" joins "Acme Labs", see :func:`kg.mentions.shapes.corporate_words`)."""
    words = corporate_words()
    by_first: dict[str, list[str]] = defaultdict(list)  # "acme" -> ["acme labs", ...]
    for other in groups:
        if types.get(other) == "Organization" and " " in other:
            by_first[other.split(" ", 1)[0]].append(other)
    for key in [k for k in groups if " " not in k and types.get(k) != "Market"]:
        owners = [
            other
            for other in by_first.get(key, ())
            if all(w in words for w in other[len(key) + 1 :].split())
        ]
        known = any(m.source == "gazetteer" for m in groups.get(key, ()))
        if len(owners) == 1 and owners[0] in groups and key in groups and not known:
            groups[owners[0]].extend(groups.pop(key))  # a known name stays its own


def _merge_short_person_names(groups: dict[str, list[Mention]], types: dict[str, str]) -> None:
    """Join a one-word person name to the one longer person name that contains it."""
    people = [key for key in groups if types[key] == "Person"]
    by_word: dict[str, list[str]] = defaultdict(list)  # "lei" -> ["lei jun"]
    for other in people:
        if " " in other:
            for word in dict.fromkeys(other.split(" ")):
                by_word[word].append(other)
    for key in people:
        if " " in key:
            continue
        owners = by_word.get(key, [])
        if len(owners) == 1:
            groups[owners[0]].extend(groups.pop(key))


def link(mentions: Iterable[Mention]) -> Linked:
    """Group mentions into entities.

    Args:
        mentions: every mention of the corpus.

    Returns:
        The entities (sorted by key) and a map from each kept mention to its entity key.

    >>> from kg.records import Sentence
    >>> s = Sentence("d", 0, 30, "Lei Jun met Mr. Lei and Lei.")
    >>> ms = [Mention("d", a, b, t, "Person", "ner", s) for a, b, t in
    ...       [(0, 7, "Lei Jun"), (12, 19, "Mr. Lei"), (24, 27, "Lei")]]
    >>> linked = link(ms)
    >>> [(e.key, e.name, e.aliases) for e in linked.entities]
    [('person/lei-jun', 'Lei Jun', ('Lei', 'Mr. Lei'))]
    """
    groups: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        key = name_key(mention)
        if key:  # a "name" of invisible characters only names nothing
            groups[key].append(mention)
    _merge_named_aliases(groups)
    _merge_acronyms(groups)
    _merge_category_suffixes(groups)
    types = {key: _vote((m.type, _weight(m)) for m in group) for key, group in groups.items()}
    _merge_short_person_names(groups, types)
    _merge_brandless_products(groups, types)
    _merge_short_org_names(groups, types)

    by_key: dict[str, list[Mention]] = defaultdict(list)
    for group in groups.values():
        if _unreliable(group):
            continue
        type_ = _vote((m.type, _weight(m)) for m in group)
        by_key[f"{type_.lower()}/{slug(_canonical(group, type_))}:{type_}"].extend(group)

    entities: list[Entity] = []
    entity_of: dict[Mention, str] = {}
    for composite, group in sorted(by_key.items()):
        key, type_ = composite.rsplit(":", 1)
        name = _canonical(group, type_)
        surfaces = {normalize_name(clean_name(m.text)) for m in group} | {_name(m) for m in group}
        aliases = tuple(sorted(s for s in surfaces if s and s != name))
        kind = _vote((m.kind, _weight(m)) for m in group if m.type == type_)
        ordered = tuple(sorted(set(group), key=lambda m: (m.doc_id, m.start, m.end)))
        entities.append(
            Entity(key=key, type=type_, name=name, aliases=aliases, kind=kind, mentions=ordered)
        )
        for mention in ordered:
            entity_of[mention] = key
    return Linked(entities, entity_of)
