"""Relations between entities, read by rules kept as data.

Three kinds of rules, all with an id, a predicate and a confidence:

- token and dependency patterns (``rules/relations.json``, plus user files), run with spaCy's
  ``Matcher`` and ``DependencyMatcher`` on each sentence;
- role titles (``rules/roles.json``): a title between a person and an organization;
- prices: an amount of money next to a product (``kg.extract.quantities``);

plus relations that come from names and events themselves (a subsidiary named after its
parent and a market, a launch event named after its product).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import RuleFileError
from kg.extract.dates import DateValue, parse_date, relative_dates, relative_phrase
from kg.extract.observations import find_observations
from kg.extract.quantities import find_money
from kg.link import Linked, fold
from kg.namespaces import PREFIXES
from kg.records import Document, Entity, Evidence, Literal, Mention, Observation, Relation
from kg.relations.engine import (
    Candidate,
    FrameRule,
    RuleSet,
    engine_lexicon,
    parse_rule_file,
    read_lexicons,
)
from kg.relations.frames import expand, frame_of, prep_objects
from kg.relations.references import References, reference_of
from kg.resources import read_json

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Rule", "Chunk", "load_rules", "extract_relations", "register_extensions"]

_PRONOUNS = {"it", "he", "she", "they", "this", "which", "its", "his", "her"}
_WE = {"we", "our", "us", "ours"}
_I = {"i", "my", "me", "mine"}
_PRICE_WORDS = {
    "price",
    "priced",
    "prices",
    "pricing",
    "costs",
    "cost",
    "available",
    "retail",
    "retails",
    "sells",
    "sold",
}
#: An amount followed by these is a price class, not a product's price ("the RMB 3,000 category",
#: "a 1000-yuan smartphone").
_NOT_PRICE_AFTER = {
    "category",
    "segment",
    "range",
    "class",
    "tier",
    "market",
    "smartphone",
    "smartphones",
    "phone",
    "phones",
    "devices",
    "models",
}


@dataclass(frozen=True)
class Rule:
    """A pattern rule: what it matches and what it produces."""

    id: str
    predicate: str
    confidence: float
    subject: str
    object: str
    matcher: str
    pattern: tuple[Any, ...]
    anchors: tuple[tuple[str, int], ...] = ()  # token rules: anchor name -> pattern index
    subject_kind: tuple[str, ...] = ()
    object_kind: tuple[str, ...] = ()
    object_kind_not: tuple[str, ...] = ()
    subject_kind_not: tuple[str, ...] = ()
    object_is_head: bool = False
    sentence_words: tuple[str, ...] = ()  # the rule fires only if the sentence has one of these


@dataclass
class Chunk:
    """One parsed piece of a document (a line), and where it starts."""

    doc: Doc
    document: Document
    base: int
    heading: bool = False
    mentions: list[Mention] = field(default_factory=list)


def register_extensions() -> None:
    """Register the token attributes the rules match on (idempotent)."""
    from spacy.tokens import Token

    if not Token.has_extension("kg_type"):
        Token.set_extension("kg_type", default="")  # the entity's type, names and pronouns
    if not Token.has_extension("kg_name"):
        Token.set_extension("kg_name", default="")  # the entity's type, names only


def _rule(row: dict[str, Any], origin: str) -> Rule:
    try:
        rule_id, predicate = str(row["id"]), str(row["predicate"])
        confidence = float(row.get("confidence", 0.5))
        pattern = row["pattern"]
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleFileError(
            f"{origin}: rule {row.get('id', '?')}: missing or bad field {exc}"
        ) from None
    if not 0 <= confidence <= 1:
        raise RuleFileError(f"{origin}: rule {rule_id}: confidence must be in [0, 1]")
    prefix = predicate.split(":", 1)[0] if ":" in predicate else ""
    if prefix not in PREFIXES:
        raise RuleFileError(
            f"{origin}: rule {rule_id}: predicate {predicate!r} needs a known prefix "
            f"({', '.join(sorted(PREFIXES))}:)"
        )
    matcher = row.get("matcher", "token")
    anchors: list[tuple[str, int]] = []
    if matcher == "token":
        cleaned = []
        for index, token in enumerate(pattern):
            token = dict(token)
            anchor = token.pop("anchor", None)
            if anchor:
                anchors.append((str(anchor), index))
            cleaned.append(token)
        pattern = cleaned
    elif matcher == "dependency":
        ids = {node.get("RIGHT_ID") for node in pattern}
        anchors = [(name, 0) for name in ("subject", "object") if name in ids]
    else:
        raise RuleFileError(f"{origin}: rule {rule_id}: matcher must be 'token' or 'dependency'")
    if {name for name, _ in anchors} != {"subject", "object"}:
        raise RuleFileError(
            f"{origin}: rule {rule_id}: the pattern needs a subject and an object anchor"
        )
    return Rule(
        id=rule_id,
        predicate=predicate,
        confidence=confidence,
        subject=str(row.get("subject", "")),
        object=str(row.get("object", "")),
        matcher=matcher,
        pattern=tuple(pattern),
        anchors=tuple(anchors),
        subject_kind=tuple(row.get("subject_kind", ())),
        object_kind=tuple(row.get("object_kind", ())),
        object_kind_not=tuple(row.get("object_kind_not", ())),
        subject_kind_not=tuple(row.get("subject_kind_not", ())),
        sentence_words=tuple(str(w).lower() for w in row.get("sentence_words", ())),
        object_is_head=bool(row.get("object_is_head", False)),
    )


@dataclass(frozen=True)
class Rules:
    """Every relation rule of a build: pattern rules, frame rules and their lexicons."""

    patterns: tuple[Rule, ...]
    frames: tuple[FrameRule, ...]
    lexicons: dict[str, list[str]]


_CORE_FRAME_FILES = ("relations/lexicons.json", "relations/rules.json")
_PACK_FRAME_FILES = ("packs/consumer-electronics/relations.json",)


def load_rules(paths: Sequence[Path] = ()) -> Rules:
    """The package's relation rules followed by those in user files.

    A user file holds frame rules (with a ``trigger``), pattern rules (with a ``pattern`` and
    a ``matcher``), lexicons (``{"lexicons": {name: [words]}}``, extending the package's), or
    any of these together.
    """
    sources: list[tuple[str, Any]] = [("rules/relations.json", read_json("rules/relations.json"))]
    frame_sources: list[tuple[str, Any]] = [
        (name, read_json(name)) for name in (*_CORE_FRAME_FILES, *_PACK_FRAME_FILES)
    ]
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


@cache
def _roles() -> dict[str, Any]:
    return dict(read_json("rules/roles.json"))


# ----------------------------------------------------------------------------- context


@dataclass
class _Context:
    """What the rules need to know about the entities of one document."""

    linked: Linked
    entities: dict[str, Entity]
    home: str  # the organization a document speaks for as "we", or ""
    mentions: list[tuple[int, int, str]]  # (start, end, entity key) in the document, sorted
    narrator: str = ""  # who "I" is outside a speaker's line: an interviewee, a letter's signer

    def entity(self, key: str) -> Entity:
        return self.entities[key]

    def preceding(self, offset: int, type_: str, kinds: tuple[str, ...], avoid: str = "") -> str:
        """The nearest entity of ``type_`` mentioned before ``offset`` (within 600 characters)."""
        best = ""
        for _start, end, key in self.mentions:
            if end > offset:
                break
            if offset - end > 600 or key == avoid:
                continue
            entity = self.entities[key]
            if entity.type == type_ and (not kinds or entity.kind in kinds):
                best = key
        return best


def _home(document: Document, keys: Iterable[str], entities: dict[str, Entity]) -> str:
    """The organization a document is written for: the most mentioned one, if named 3+ times."""
    counts: dict[str, int] = defaultdict(int)
    for key in keys:
        if entities[key].type == "Organization" and entities[key].kind not in (
            "research firm",
            "exchange",
        ):
            counts[key] += 1
    if not counts:
        return ""
    key = max(sorted(counts), key=lambda k: counts[k])
    return key if counts[key] >= 3 else ""


def _token_entities(chunk: Chunk, context: _Context) -> dict[int, str]:
    """Token index -> entity key, the innermost mention winning; sets ``token._.kg_type``."""
    doc, base = chunk.doc, chunk.base
    spans = sorted(chunk.mentions, key=lambda m: m.end - m.start, reverse=True)
    at: dict[int, str] = {}
    for mention in spans:
        key = context.linked.entity_of.get(mention)
        if key is None:
            continue
        span = doc.char_span(mention.start - base, mention.end - base, alignment_mode="expand")
        if span is not None:
            for token in span:
                at[token.i] = key
    named = set(at)
    speaker = _speaker(doc, at, context)
    for token in doc:
        if token.i not in at and speaker and token.lower_ == "we":
            at[token.i] = speaker  # "Jorge: ... we love MIUI": the speaker among the fans
        elif token.i not in at and context.home and token.lower_ in _WE:
            at[token.i] = context.home
        elif token.i not in at and token.i > 0 and doc[token.i - 1].lower_ in ("the", "this"):
            # "The phone is powered by ...", "The firm listed on ...": the one named before
            for type_, nouns in _REFERRING_NOUNS.items():
                if token.lower_ in nouns:
                    offset = chunk.base + token.idx
                    found = context.preceding(offset, type_, ()) or (
                        context.home if type_ == "Organization" else ""
                    )
                    if found:
                        at[token.i] = found
        elif token.i not in at and (speaker or context.narrator) and token.lower_ in _I:
            at[token.i] = speaker or context.narrator
        token._.kg_type = context.entity(at[token.i]).type if token.i in at else ""
        token._.kg_name = token._.kg_type if token.i in named else ""
    return at


def _speaker(doc: Doc, at: dict[int, str], context: _Context) -> str:
    """The person a line is attributed to, interview style: "Alazne: I got to know Xiaomi ..."."""
    if len(doc) > 2 and at.get(0) and context.entity(at[0]).type == "Person":
        i = 0
        while i < len(doc) and at.get(i) == at[0]:
            i += 1
        if i < len(doc) and doc[i].text == ":":
            return at[0]
    return ""


# ------------------------------------------------------------------------------ rules


class _Engine:
    def __init__(self, vocab: Any, rules: Sequence[Rule]) -> None:
        from spacy.matcher import DependencyMatcher, Matcher

        self.rules = {r.id: r for r in rules}
        self.token = Matcher(vocab, validate=True)
        self.dependency = DependencyMatcher(vocab, validate=True)
        for rule in rules:
            try:
                if rule.matcher == "token":
                    self.token.add(rule.id, [list(rule.pattern)])
                else:
                    self.dependency.add(rule.id, [list(rule.pattern)])
            except ValueError as exc:
                raise RuleFileError(
                    f"rule {rule.id}: invalid pattern: {str(exc).splitlines()[0]}"
                ) from None
        self.vocab = vocab
        self._cached: tuple[Any, list[tuple[int, list[int]]]] = (None, [])

    def matches(self, sent: Span) -> Iterator[tuple[Rule, Token, Token]]:
        """(rule, subject token, object token) for every match in a sentence."""
        strings = self.vocab.strings
        found: Any = self.token(sent, with_alignments=True)
        for match_id, start, _end, alignments in found:
            rule = self.rules[strings[match_id]]
            anchors = dict(rule.anchors)
            tokens: dict[str, Token] = {}
            for offset, index in enumerate(alignments):
                for name, wanted in anchors.items():
                    if index == wanted and name not in tokens:
                        tokens[name] = sent[start + offset]
            if "subject" in tokens and "object" in tokens:
                yield rule, tokens["subject"], tokens["object"]
        doc = sent.doc
        if doc.has_annotation("DEP"):
            for match_id, token_ids in self._dependency_matches(doc):
                if not all(sent.start <= i < sent.end for i in token_ids):
                    continue
                rule = self.rules[strings[match_id]]
                names = [node["RIGHT_ID"] for node in rule.pattern]
                chosen = dict(zip(names, token_ids, strict=True))
                yield rule, doc[chosen["subject"]], doc[chosen["object"]]

    def _dependency_matches(self, doc: Doc) -> list[tuple[int, list[int]]]:
        """Dependency matches of a whole doc, computed once per doc (the matcher needs it whole)."""
        if self._cached[0] is not doc:
            self._cached = (doc, self.dependency(doc))
        return self._cached[1]


def _evidence(chunk: Chunk, sent: Span, rule_id: str, confidence: float) -> Evidence:
    start, end = chunk.base + sent.start_char, chunk.base + sent.end_char
    return Evidence(
        chunk.document.id, chunk.document.text[start:end], start, end, rule_id, confidence
    )


#: Nouns that, after "the", refer back to the last thing of a type: "The phone is powered by".
_REFERRING_NOUNS = {
    "Product": ("phone", "smartphone", "device", "handset", "robot", "lamp", "model", "product"),
    "Organization": ("company", "firm", "group", "startup", "maker", "manufacturer"),
}


def _resolve(
    token: Token,
    at: dict[int, str],
    context: _Context,
    chunk: Chunk,
    type_: str,
    kinds: tuple[str, ...],
) -> str:
    key = at.get(token.i, "")
    if key:
        return key
    if token.lower_ in _PRONOUNS:
        return context.preceding(chunk.base + token.idx, type_, kinds)
    return ""


def _pattern_relations(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context, engine: _Engine
) -> Iterator[Relation]:
    for rule, subj_token, obj_token in engine.matches(sent):
        subject = _resolve(subj_token, at, context, chunk, rule.subject, rule.subject_kind)
        obj = _resolve(obj_token, at, context, chunk, rule.object, rule.object_kind)
        if not subject or not obj or subject == obj:
            continue
        s, o = context.entity(subject), context.entity(obj)
        if (rule.subject and s.type != rule.subject) or (rule.object and o.type != rule.object):
            continue
        if (rule.subject_kind and s.kind not in rule.subject_kind) or (
            rule.object_kind and o.kind not in rule.object_kind
        ):
            continue
        if (o.kind and o.kind in rule.object_kind_not) or (
            s.kind and s.kind in rule.subject_kind_not
        ):
            continue
        if rule.sentence_words and not any(t.lower_ in rule.sentence_words for t in sent):
            continue
        if rule.predicate == "kg:listedOn" and _part_of_next(obj_token, at, context):
            continue  # "the Main Board of the Hong Kong Stock Exchange": the exchange
        if rule.predicate == "kg:locatedIn" and _is_large_place(s):
            continue  # "China, India": a list of countries, not a place in another
        if rule.object_is_head:
            # "Android smartphones": the product is a modifier, not what was launched.
            nxt = obj_token.i + 1
            while nxt < len(obj_token.doc) and at.get(nxt) == obj:
                nxt += 1
            if nxt < len(obj_token.doc) and obj_token.doc[nxt].pos_ == "NOUN":
                continue
        evidence = _evidence(chunk, sent, rule.id, rule.confidence)
        yield Relation(subject, rule.predicate, obj, evidence)
        for member in _list_members(obj_token, at, sent):
            m = context.entity(member)
            if member in (subject, obj) or m.type != o.type:
                continue
            if rule.object_kind and m.kind not in rule.object_kind:
                continue
            yield Relation(subject, rule.predicate, member, evidence)


def _part_of_next(token: Token, at: dict[int, str], context: _Context) -> bool:
    """Whether the organization at ``token`` is followed by "of (the) <organization>"."""
    doc, key = token.doc, at.get(token.i, "")
    i = token.i
    while i < len(doc) and at.get(i) == key:
        i += 1
    if i < len(doc) and doc[i].lower_ == "of":
        i += 1
        while i < len(doc) and doc[i].lower_ == "the":
            i += 1
        return i < len(doc) and bool(at.get(i)) and context.entity(at[i]).type == "Organization"
    return False


_CONTINENT_WORDS = ("asia", "europe", "america", "africa", "oceania", "middle east")


def _is_large_place(entity: Entity) -> bool:
    """A country or a region of the world: never inside another market in a list."""
    from kg.extract.ner import countries

    name = entity.name.lower()
    return (
        entity.kind in ("country", "region")
        or entity.name in countries()
        or any(word in name for word in _CONTINENT_WORDS)
    )


_LIST_JOINS = {",", "and", "or", "&", "as", "well", "plus"}


def _list_members(token: Token, at: dict[int, str], sent: Span) -> Iterator[str]:
    """The entities listed after the one at ``token``: "Mi Browser, Mi Video and Mi Music".

    A list needs a conjunction ("and", "or", "as well as") or three members: "Beijing,
    China-based" is a place and its country, not a list."""
    key = at.get(token.i, "")
    i = token.i
    while i < sent.end and at.get(i) == key:
        i += 1
    members: list[str] = []
    conjoined = False
    while i < sent.end:
        j = i
        while j < sent.end and sent.doc[j].lower_ in _LIST_JOINS and j - i < 3:
            conjoined = conjoined or sent.doc[j].lower_ in ("and", "or", "&", "well", "plus")
            j += 1
        if j == i or j >= sent.end or not at.get(j):
            break
        key = at[j]
        members.append(key)
        i = j
        while i < sent.end and at.get(i) == key:
            i += 1
    if conjoined or len(members) >= 2:
        yield from members


def _find_titles(sent: Span, at: dict[int, str], roles: dict[str, Any]) -> list[tuple[int, int]]:
    """Token spans of role titles in a sentence, longest first, with title-case modifiers of
    generic titles ("Community Management Lead")."""
    titles: dict[str, str] = roles["titles"]
    doc = sent.doc
    found: list[tuple[int, int]] = []
    i = sent.start
    while i < sent.end:
        for n in range(min(5, sent.end - i), 0, -1):
            words = doc[i : i + n].text.lower()
            if words in titles and not at.get(i):
                start = i
                if words in roles["generic"]:
                    while (
                        start - 1 >= sent.start
                        and doc[start - 1].is_title
                        and not at.get(start - 1)
                    ):
                        start -= 1
                found.append((start, i + n))
                i += n - 1
                break
        i += 1
    return found


#: Words between a person and the title that follows: "Priya Raman is the CEO of ...",
#: "Ingrid Solberg, who serves as chief executive".
_BEFORE_TITLE = {
    "the",
    "a",
    "an",
    "is",
    "was",
    "as",
    "who",
    "serves",
    "served",
    "its",
    "their",
    "elected",
    "named",
    "appointed",
    "promoted",
    "became",
    "becomes",
    "remains",
    "remained",
    "to",
    "also",
}


def _role_relations(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """A title between a person and an organization.

    "Lei Jun, founder and CEO of Xiaomi" (person-title-org), "Xiaomi Founder and CEO Lei Jun",
    "our founder and CEO Lei Jun" (org-title-person), "Li Wanqiang, our co-founder", "Lei Jun,
    Xiaomi's founder and CEO" (person-org-title). Titles joined by "and" or a comma share the
    person; each title takes the organization after it ("of X"), else the next one's, else the
    one before the chain.
    """
    roles = _roles()
    doc = sent.doc
    found = _find_titles(sent, at, roles)
    if not found:
        return

    def typed(index: int, type_: str) -> str:
        key = at.get(index, "") if sent.start <= index < sent.end else ""
        return key if key and context.entity(key).type == type_ else ""

    def org_after(end: int) -> str:
        k = end
        if k < sent.end and doc[k].lower_ in roles["org_prepositions"]:
            k += 1
            while k < sent.end and doc[k].lower_ == "the":
                k += 1
            return typed(k, "Organization")
        return ""

    chains: list[list[tuple[int, int]]] = [[found[0]]]
    for prev, cur in zip(found, found[1:], strict=False):
        gap = doc[prev[1] : cur[0]]
        joined = len(gap) <= 4 and all(
            t.lower_ in roles["connectors"] or t.lower_ in roles["org_prepositions"] or at.get(t.i)
            for t in gap
        )
        if joined:
            chains[-1].append(cur)
        else:
            chains.append([cur])
    for chain in chains:
        first_start, last_end = chain[0][0], chain[-1][1]
        # an organization right before the chain: "Xiaomi Founder", "Xiaomi's founder"
        j = first_start - 1
        if j >= sent.start and doc[j].tag_ == "POS":
            j -= 1
        org_before = typed(j, "Organization")
        if not org_before and j >= sent.start and doc[j].lower_ in ("its", "their"):
            # "Daniel Okafor is its chief technology officer": the company named before
            offset = chunk.base + doc[j].idx
            org_before = context.preceding(offset, "Organization", ())
        if org_before:
            while j - 1 >= sent.start and at.get(j - 1) == org_before:
                j -= 1
            j -= 1
        # the person after the chain, else before it (past commas and a parenthesis)
        person = typed(last_end, "Person")
        rule_id = "role-org-title-person"
        if not person:
            while j >= sent.start and (doc[j].is_punct or doc[j].lower_ in _BEFORE_TITLE):
                if doc[j].text == ")":
                    while j > sent.start and doc[j].text != "(":
                        j -= 1
                j -= 1
            person = typed(j, "Person")
            rule_id = "role-person-org-title" if org_before else "role-person-title-org"
        if not person:
            continue
        for index, (start, end) in enumerate(chain):
            org = (
                org_after(end)
                or next((o for _, e in chain[index + 1 :] if (o := org_after(e))), "")
                or org_before
            )
            if not org:
                continue
            title = doc[start:end].text
            predicate = _title_predicate(title, roles["titles"])
            evidence = _evidence(chunk, sent, rule_id, roles["confidence"][rule_id])
            yield Relation(org, predicate, person, evidence, (("kg:title", title),))
            if predicate == "kg:role":  # a manager or a lead works there; a founder may not
                yield Relation(
                    person, "schema:worksFor", org, replace(evidence, rule="role-works-for")
                )


def _title_predicate(title: str, titles: dict[str, str]) -> str:
    """The predicate of the longest known title that ends ``title``.

    >>> _title_predicate("Community Management Lead", {"lead": "kg:role", "ceo": "kg:ceo"})
    'kg:role'
    """
    words = title.lower().split()
    for n in range(len(words)):
        predicate = titles.get(" ".join(words[n:]))
        if predicate:
            return predicate
    return "kg:role"


def _price_relations(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """An amount with no scale word, in a sentence about price, next to a product."""
    text = sent.text
    amounts = [m for m in find_money(text) if not m.scaled]
    words = {t.lower_ for t in sent}
    if not amounts or not (words & _PRICE_WORDS or {"at", "for"} & words):
        return
    base = chunk.base + sent.start_char
    opening_market = _price_market(sent, at, context, -1)
    for money in amounts:
        tail = text[money.end :].split()
        if tail and tail[0].strip(",.").lower() in _NOT_PRICE_AFTER:
            continue
        # the nearest product named before the amount in the sentence
        product, rule_id, confidence = "", "price-same-sentence", 0.85
        for token in sent:
            if token.idx - sent.start_char >= money.start:
                break
            key = at.get(token.i, "")
            if key and context.entity(key).type == "Product":
                product = key
        if product and context.entity(product).kind == "chipset":
            product = ""
        if not product and len(amounts) == 1 and words & _PRICE_WORDS:
            product = context.preceding(base, "Product", ("phone", "product", "device", ""))
            rule_id, confidence = "price-previous-sentence", 0.6
        if product:
            value = Literal(money.value, "xsd:decimal", money.currency)
            evidence = _evidence(chunk, sent, rule_id, confidence)
            yield Relation(product, "schema:offers", value, evidence)
            market = _price_market(sent, at, context, money.end) or opening_market
            if market:
                yield Relation(
                    product, "kg:soldIn", market, replace(evidence, rule="price-in-market")
                )


def _price_market(sent: Span, at: dict[int, str], context: _Context, after: int) -> str:
    """The market a price is stated for: "$999 in the United States" (right after the amount
    ending at ``after``, an offset in the sentence), or with ``after`` -1 a sentence that
    opens with "In the United States, ..."."""
    tokens = [t for t in sent if t.idx - sent.start_char >= after] if after >= 0 else list(sent)
    if len(tokens) < 2 or tokens[0].lower_ != "in":
        return ""
    for token in tokens[1:4]:
        key = at.get(token.i, "")
        if key:
            return key if context.entity(key).type == "Market" else ""
        if token.lower_ != "the":
            return ""
    return ""


def _name_relations(entities: Sequence[Entity]) -> Iterator[Relation]:
    """Relations stated by names: "Xiaomi India" is Xiaomi's, in India; "Mi 6X launch"."""
    by_name = {fold(e.name): e for e in entities}
    lines = [e for e in entities if e.type == "Product" and e.kind == "product line"]

    for entity in entities:
        if not entity.mentions:
            continue
        first = entity.mentions[0]
        sentence = first.sentence
        words = entity.name.split()
        if entity.type == "Organization" and len(words) > 1:
            parent = by_name.get(fold(" ".join(words[:-1])))
            market = by_name.get(fold(words[-1]))
            if parent and parent.type == "Organization" and words[-1] in _ARM_WORDS:
                s = sentence
                evidence = Evidence(first.doc_id, s.text, s.start, s.end, "subsidiary-name", 0.8)
                yield Relation(entity.key, "schema:parentOrganization", parent.key, evidence)
            if parent and market and parent.type == "Organization" and market.type == "Market":
                evidence = Evidence(
                    first.doc_id,
                    sentence.text,
                    sentence.start,
                    sentence.end,
                    "subsidiary-name",
                    0.85,
                )
                yield Relation(entity.key, "schema:parentOrganization", parent.key, evidence)
                yield Relation(entity.key, "kg:operatesIn", market.key, evidence)
        if entity.type == "Product" and entity.kind != "product line":
            yield from _line_by_name(entity, lines)

        if entity.type == "Event" and entity.kind == "launch" and words[-1] == "launch":
            product = by_name.get(fold(" ".join(words[:-1])))
            if product and product.type == "Product":
                for mention in entity.mentions:
                    s = mention.sentence
                    evidence = Evidence(
                        mention.doc_id, s.text, s.start, s.end, "launch-event-name", 0.9
                    )
                    yield Relation(product.key, "kg:launchedAt", entity.key, evidence)


_ARM_WORDS = {"Global", "International", "Worldwide"}


def _line_by_name(product: Entity, lines: Sequence[Entity]) -> Iterator[Relation]:
    """ "Redmi Note 4" is in the Redmi line, "Mi MIX 2" in the Mi MIX series: a model named
    after its line. The evidence is a sentence naming both, else the model's first mention."""
    for line in lines:
        stem = re.sub(r"\s+(?:series|line|family|range)$", "", line.name, flags=re.IGNORECASE)
        namesake = stem != line.name and product.name == stem  # "Mi MIX" of the Mi MIX series
        if line.key == product.key or not (product.name.startswith(stem + " ") or namesake):
            continue
        together = [
            m for m in product.mentions if any(lm.sentence == m.sentence for lm in line.mentions)
        ]
        mention = (together or list(product.mentions))[0]
        s = mention.sentence
        evidence = Evidence(
            mention.doc_id, s.text, s.start, s.end, "product-line-name", 0.9 if together else 0.75
        )
        yield Relation(product.key, "kg:productLine", line.key, evidence)


def _event_locations(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """Where an event took place: "the Mi 6X launch event in Wuhan", "launch in Vietnam"."""
    doc = sent.doc
    for token in sent:
        event = ""
        # the event span is the longest mention; tokens map to the innermost: look it up by offset
        for mention in chunk.mentions:
            if mention.type == "Event" and mention.end - chunk.base == token.idx + len(token):
                event = context.linked.entity_of.get(mention, "")
        if not event:
            continue
        k = token.i + 1
        if k < sent.end and doc[k].lower_ in ("in", "at"):
            k += 1
            market = at.get(k, "")
            if market and context.entity(market).type == "Market":
                yield Relation(
                    event, "schema:location", market, _evidence(chunk, sent, "event-in-place", 0.85)
                )


def _derived(relations: Sequence[Relation], entities: dict[str, Entity]) -> Iterator[Relation]:
    """A product launched at an event held in a country is sold there ("the Redmi 5A launch
    in Vietnam"); the evidence is the sentence that places the event."""
    places: dict[str, list[Relation]] = defaultdict(list)
    for r in relations:
        if r.predicate == "schema:location" and isinstance(r.object, str):
            places[r.subject].append(r)
    for r in relations:
        if r.predicate != "kg:launchedAt" or not isinstance(r.object, str):
            continue
        for placed in places.get(r.object, []):
            market = entities.get(str(placed.object))
            if market is not None and _is_large_place(market):
                evidence = replace(placed.evidence, rule="sold-in-launch-place", confidence=0.75)
                yield Relation(r.subject, "kg:soldIn", market.key, evidence)


_PEOPLE_NOUNS = {"fan", "fans", "user", "users", "customer", "customers", "student", "students"}
_LIST_OPENERS = {":", "including", "are", "were", "namely"}


def _demonym_people(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """ "Indonesian Mi Fan Fajar Yogas", "The five Spanish Mi Fans are: Alazne, ...": the
    demonym says where the person is from."""
    from kg.extract.ner import demonym_country

    by_name = {e.name: e for e in context.entities.values() if e.type == "Market"}
    doc = sent.doc
    for token in sent:
        country = demonym_country(token.text)
        market = by_name.get(country or "")
        if market is None or token.i in at:
            continue
        people: list[str] = []
        window = doc[token.i + 1 : min(sent.end, token.i + 5)]
        rest = doc[window.start : sent.end]
        if any(t.lower_ in _PEOPLE_NOUNS for t in window) and any(
            t.lower_ in _LIST_OPENERS for t in rest[:8]
        ):  # "The five Spanish Mi Fans are: Alazne, ...": everyone listed
            people += [
                at[t.i] for t in rest if t.i in at and context.entity(at[t.i]).type == "Person"
            ]
        else:  # "Indonesian Mi Fan Fajar Yogas"
            direct = next((at[t.i] for t in window if t.i in at), "")
            if direct and context.entity(direct).type == "Person":
                people.append(direct)
        evidence = _evidence(chunk, sent, "based-in-demonym", 0.7)
        for person in dict.fromkeys(people):
            yield Relation(person, "kg:basedIn", market.key, evidence)


_COMPETITION_WORDS = ("compet", "rival")


def _competitor_lists(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """ "fierce competition ... with lots of vendors, such as Apple, Huawei, ... Xiaomi": the
    company a document is about competes with every other organization in the list."""
    text = sent.text.lower()
    if not context.home or not any(word in text for word in _COMPETITION_WORDS):
        return
    doc = sent.doc
    for token in sent:
        opener = (
            token.lower_ == "such" and token.i + 1 < sent.end and doc[token.i + 1].lower_ == "as"
        )
        if not (opener or token.lower_ in ("including", "like")):
            continue
        start = token.i + (2 if opener else 1)
        if start >= sent.end or start not in at:
            continue
        listed = [at[start], *_list_members(doc[start], at, sent)]
        orgs = [k for k in listed if context.entity(k).type == "Organization"]
        if len(orgs) < 2:
            continue
        evidence = _evidence(chunk, sent, "competitor-list", 0.75)
        for other in orgs:
            if other != context.home:
                yield Relation(context.home, "kg:competitor", other, evidence)


_MARKET_LIST_CUES = re.compile(
    r"\b(?:our|its|key|target|major|core|main)\s+(?:\w+\s+)?markets?\b|growth engines?\b",
    re.IGNORECASE,
)


def _market_lists(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context
) -> Iterator[Relation]:
    """ "India, Southeast Asia and parts of Europe became key growth engines", "all our markets
    have shown strong growth": the markets a company counts as its own."""
    if not _MARKET_LIST_CUES.search(sent.text):
        return
    orgs = [at[t.i] for t in sent if t.i in at and context.entity(at[t.i]).type == "Organization"]
    company = orgs[0] if len(set(orgs)) == 1 else "" if orgs else context.home
    if not company:
        return
    evidence = _evidence(chunk, sent, "operates-in-market-list", 0.7)
    markets = [at[t.i] for t in sent if t.i in at and context.entity(at[t.i]).type == "Market"]
    for market in dict.fromkeys(markets):
        yield Relation(company, "kg:operatesIn", market, evidence)


def _brands(entities: Sequence[Entity], relations: Sequence[Relation]) -> dict[str, str]:
    """Brand words and their organizations: the first word shared by the names of products an
    organization makes or launched, or an organization's own name ("Mi" -> Xiaomi)."""
    by_key = {e.key: e for e in entities}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        if e.type == "Organization" and " " not in e.name:
            votes[e.name][e.key] += 10
    for r in relations:
        if r.predicate in ("kg:launched", "schema:manufacturer") and isinstance(r.object, str):
            org, product = (
                (r.subject, r.object)
                if r.predicate == "kg:launched"
                else (
                    r.object,
                    r.subject,
                )
            )
            if org in by_key and product in by_key and " " in by_key[product].name:
                votes[by_key[product].name.split()[0]][org] += 1
    return {word: counts.most_common(1)[0][0] for word, counts in votes.items()}


_FAN_WORDS = {"fan", "fans"}
_FAN_LINKS = {",", "is", "was", "are", "were", "a", "an", "the", "one", "of", "among", "and"}


def _without_apposition(span: Span) -> list[Token]:
    """The tokens of ``span`` without a leading ", a Shanghai native and manager ...," block."""
    tokens = list(span)
    if tokens and tokens[0].text == ",":
        closing = next((i for i, t in enumerate(tokens[1:], 1) if t.text == ","), None)
        if closing is not None:
            return tokens[closing + 1 :]
    return tokens


def _brand_fans(
    chunk: Chunk, sent: Span, at: dict[int, str], context: _Context, brands: dict[str, str]
) -> Iterator[Relation]:
    """ "Indonesian Mi Fan Fajar Yogas", "Alex, loyal Mi Fan", "one of Xiaomi's first Mi Fans":
    a brand's fan is a fan of the company behind the brand."""
    doc = sent.doc
    for token in sent:
        if token.lower_ not in _FAN_WORDS or token.i == sent.start:
            continue
        brand = doc[token.i - 1]
        org = brands.get(brand.text) or at.get(brand.i, "")
        if not org or context.entity(org).type != "Organization":
            continue
        people = [
            (abs(t.i - token.i), at[t.i])
            for t in doc[max(sent.start, token.i - 24) : min(sent.end, token.i + 4)]
            if t.i in at
            and context.entity(at[t.i]).type == "Person"
            and all(  # "Lei Jun thanks Mi Fans": other words between say something else
                w.i in at or w.lower_ in _FAN_LINKS or w.pos_ == "ADJ" or w.tag_ == "POS"
                for w in _without_apposition(doc[min(t.i, token.i) + 1 : max(t.i, token.i) - 1])
            )
        ]
        if people:
            person = min(people)[1]
            yield Relation(person, "kg:fanOf", org, _evidence(chunk, sent, "fan-of-brand", 0.7))


def _dedupe(relations: Iterable[Relation]) -> list[Relation]:
    best: dict[tuple[str, str, str, str, int], Relation] = {}
    for relation in relations:
        obj = relation.object if isinstance(relation.object, str) else repr(relation.object)
        key = (
            relation.subject,
            relation.predicate,
            obj,
            relation.evidence.doc_id,
            relation.evidence.start,
        )
        if key not in best or relation.evidence.confidence > best[key].evidence.confidence:
            best[key] = relation
    return sorted(
        best.values(),
        key=lambda r: (r.evidence.doc_id, r.evidence.start, r.subject, r.predicate, str(r.object)),
    )


_FOUNDING_RULES = {"founder-passive", "founder-active", "cofounder-active", "cofounder-passive"}


def _sentence_dates(text: str, anchor: date | None) -> list[DateValue]:
    """Absolute dates in a sentence; else its relative dates resolved against the document's
    date ("last December"); quarters are left to the figures."""
    found = parse_date(text)
    if not found and anchor is not None:
        found = [d for d in relative_dates(text, anchor) if d.datatype.startswith("xsd:")]
    return found


def _dated(
    relations: list[Relation], entities: Sequence[Entity], anchors: dict[str, date | None]
) -> Iterator[Relation]:
    """Dates stated with the facts: a relation whose sentence names exactly one date gets it
    as ``kg:date`` (relative dates resolved against the document's date; unresolvable ones
    kept as written in ``kg:dateText``); founders give founding dates; events the date of
    their sentence."""
    for relation in relations:
        anchor = anchors.get(relation.evidence.doc_id)
        dates = _sentence_dates(relation.evidence.sentence, anchor)
        if len(dates) != 1 or not isinstance(relation.object, str):
            phrase = relative_phrase(relation.evidence.sentence) if not dates else ""
            if phrase and anchor is None and isinstance(relation.object, str):
                qualifiers = (*relation.qualifiers, ("kg:dateText", phrase))
                relation = replace(relation, qualifiers=qualifiers)
            yield relation
            continue
        value = Literal(dates[0].value, dates[0].datatype)
        yield replace(relation, qualifiers=(*relation.qualifiers, ("kg:date", value)))
        if relation.evidence.rule in _FOUNDING_RULES:
            e = relation.evidence
            yield Relation(
                relation.subject, "schema:foundingDate", value, replace(e, rule="founding-date")
            )
    for entity in entities:
        if entity.type != "Event":
            continue
        for mention in entity.mentions:
            own = parse_date(entity.name)
            dates = own or _sentence_dates(mention.sentence.text, anchors.get(mention.doc_id))
            if len(dates) == 1:
                s = mention.sentence
                rule = "event-date-name" if own else "event-date-sentence"
                evidence = Evidence(
                    mention.doc_id, s.text, s.start, s.end, rule, 0.9 if own else 0.75
                )
                yield Relation(
                    entity.key,
                    "schema:startDate",
                    Literal(dates[0].value, dates[0].datatype),
                    evidence,
                )


def extract_relations(
    chunks: Sequence[Chunk], linked: Linked, rules: Rules
) -> tuple[list[Relation], list[Observation]]:
    """Every relation and reported figure the rules find in the parsed chunks.

    Args:
        chunks: parsed chunks with their mentions (see :func:`kg.pipeline.extract`).
        linked: the linking result, mapping mentions to entities.
        rules: pattern rules from :func:`load_rules`.
    """
    register_extensions()
    entities = {e.key: e for e in linked.entities}
    relations: list[Relation] = list(_name_relations(linked.entities))
    observations: list[Observation] = []
    engine = _Engine(chunks[0].doc.vocab, rules.patterns) if chunks else None
    frame_rules = (
        RuleSet(
            rules.frames, engine_lexicon(rules.lexicons), chunks[0].doc.vocab, rules.lexicons
        )
        if chunks
        else None
    )
    components = _components(chunks, linked, rules.lexicons)
    places = {fold(e.name): e.key for e in linked.entities if e.type == "Market"}
    referring = {
        word: type_
        for type_, name in (
            ("Organization", "org_reference"),
            ("Product", "product_reference"),
            ("Product", "component_noun"),
        )
        for word in rules.lexicons.get(name, [])
    }
    by_document: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_document[chunk.document.id].append(chunk)
    parsed: list[tuple[Chunk, dict[int, str], _Context]] = []
    for doc_chunks in by_document.values():
        document = doc_chunks[0].document
        spans = sorted(
            (m.start, m.end, linked.entity_of[m])
            for c in doc_chunks
            for m in c.mentions
            if m in linked.entity_of
        )
        context = _Context(
            linked, entities, _home(document, (k for _, _, k in spans), entities), spans
        )
        refs = References({k: e.type for k, e in entities.items()}, context.home)
        signer, signed_at = _signer(doc_chunks, context)
        author = ""
        question, interviewee = "", ""
        # an interview asks several questions; one rhetorical question is not an interview
        interview = sum(_is_question(c.doc.text) for c in doc_chunks) >= 2
        for index, chunk in enumerate(doc_chunks):
            if interview and _is_question(chunk.doc.text):
                if not question:  # an interview starts: of the person named last before it
                    interviewee = _last_person(chunk, context)
                question = chunk.doc.text
                continue
            if chunk.heading:
                question = ""  # a heading ends an interview
            author = _letter_author(chunk, context) or author
            fallback = signer if index < signed_at else ""
            context.narrator = interviewee if question else author or fallback
            at = _token_entities(chunk, context)
            parsed.append((chunk, at, context))
            typer = _typer(entities, components)
            if question and _OWN_QUESTION.search(question) and not _WISH.search(question):
                relations.extend(_answer_products(chunk, at, context))
            for sent in chunk.doc.sents:
                assert engine is not None
                _remember(chunk, sent, at, refs, referring)
                relations.extend(_pattern_relations(chunk, sent, at, context, engine))
                assert frame_rules is not None
                relations.extend(
                    _frame_relations(
                        chunk, sent, at, refs, referring, frame_rules, typer, places
                    )
                )
                relations.extend(_role_relations(chunk, sent, at, context))
                relations.extend(_price_relations(chunk, sent, at, context))
                relations.extend(_event_locations(chunk, sent, at, context))
                relations.extend(_demonym_people(chunk, sent, at, context))
                relations.extend(_competitor_lists(chunk, sent, at, context))
                relations.extend(_market_lists(chunk, sent, at, context))
                keys = _sentence_entities(sent, at)
                observations.extend(
                    find_observations(sent, chunk.base, document.id, keys, entities, document.date)
                )
    brands = _brands(linked.entities, relations)
    for chunk, at, context in parsed:
        for sent in chunk.doc.sents:
            relations.extend(_brand_fans(chunk, sent, at, context, brands))
    relations.extend(_derived(relations, entities))
    anchors = {c.document.id: c.document.date for c in chunks}
    return _dedupe(_dated(_dedupe(relations), linked.entities, anchors)), observations


_OWN_QUESTION = re.compile(
    r"\b(?:used?|using|own|owned|have|had|bought|buy|first|favou?rite)\b", re.IGNORECASE
)


_WISH = re.compile(r"\b(?:would|wish|want|like to|plan|next)\b", re.IGNORECASE)


def _is_question(text: str) -> bool:
    """An interviewer's question line: "1. Which Xiaomi smartphones have you used?"."""
    return text.rstrip().endswith("?") and re.search(r"\byou(?:r)?\b", text, re.I) is not None


def _last_person(chunk: Chunk, context: _Context) -> str:
    """The person named last up to the end of ``chunk`` in its document."""
    end = chunk.base + len(chunk.doc.text)
    last = ""
    for start, _end, key in context.mentions:
        if start >= end:
            break
        if context.entities[key].type == "Person":
            last = key
    return last


def _signer(chunks: Sequence[Chunk], context: _Context) -> tuple[str, int]:
    """The person who signs a letter, and the index of the signature line: a line that is
    only a person's name, near the end or followed by a date line ("Lei Jun / 4.25.2018")."""
    for index, chunk in enumerate(chunks):
        text = chunk.doc.text.strip()
        end = chunk.base + len(text)
        keys = {k for s, e, k in context.mentions if chunk.base <= s and e <= end}
        if len(keys) != 1:
            continue
        entity = context.entities[next(iter(keys))]
        if entity.type != "Person" or len(text) > len(entity.name) + 3:
            continue
        after = [c.doc.text.strip() for c in chunks[index + 1 : index + 3]]
        dated = any(parse_date(line) and len(line.split()) <= 6 for line in after)
        if dated or index >= len(chunks) - 3:
            return entity.key, index
    return "", -1


_NOT_OWNED = ("product line", "chipset", "software", "app")


_LETTER_WORDS = r"(?:open\s+)?(?:letter|message|memo|note|speech|e-?mail|post)"
_LETTER_OF = re.compile(rf"^[’'‘]s\s+{_LETTER_WORDS}\b", re.IGNORECASE)
_LETTER_FROM = re.compile(rf"\b{_LETTER_WORDS}\s+(?:from|by)\s+$", re.IGNORECASE)


def _letter_author(chunk: Chunk, context: _Context) -> str:
    """ "This is Lei Jun's letter to all employees", "The following is a letter from Manu
    Kumar Jain": who "I" is in the lines that follow."""
    text, base = chunk.doc.text, chunk.base
    for start, end, key in context.mentions:
        if start < base or end > base + len(text) or context.entities[key].type != "Person":
            continue
        after, before = text[end - base :], text[: start - base]
        if _LETTER_OF.match(after) or _LETTER_FROM.search(before):
            return key
    return ""


def _answer_products(chunk: Chunk, at: dict[int, str], context: _Context) -> Iterator[Relation]:
    """Products named in the first sentence of an answer to "Which ... have you used?"."""
    person = _speaker(chunk.doc, at, context) or context.narrator
    if not person:
        return
    sent = next(iter(chunk.doc.sents))
    others = {k for t in sent if (k := at.get(t.i)) and context.entity(k).type == "Person"}
    if others - {person}:
        return
    evidence = _evidence(chunk, sent, "owns-answer", 0.7)
    for key in dict.fromkeys(at[t.i] for t in sent if t.i in at):
        entity = context.entity(key)
        if entity.type == "Product" and entity.kind not in _NOT_OWNED:
            yield Relation(person, "kg:owns", key, evidence)


def _sentence_entities(sent: Span, at: dict[int, str]) -> list[tuple[int, str]]:
    """(offset in the sentence, entity key) of each entity in a sentence, once per mention."""
    keys: list[tuple[int, str]] = []
    previous = ""
    for token in sent:
        key = at.get(token.i, "")
        if key and key != previous:
            keys.append((token.idx - sent.start_char, key))
        previous = key
    return keys


def _components(
    chunks: Sequence[Chunk], linked: Linked, lexicons: dict[str, list[str]]
) -> set[str]:
    """Products that are components: a chipset by kind, or named as one somewhere in the
    corpus: before a component noun ("the Quark 9 chip"), in apposition with one ("Quark 9,
    a processor from ..."), or as what a component noun is ("the modem is the Quark 9")."""
    nouns = {w.lower() for w in lexicons.get("component_noun", [])}
    found = {e.key for e in linked.entities if e.kind in ("chipset", "component")}

    def component(token: Token) -> bool:
        return token.lower_ in nouns and token.tag_ in ("NN", "NNP")

    for chunk in chunks:
        doc = chunk.doc
        for mention in chunk.mentions:
            if mention.type != "Product":
                continue
            span = doc.char_span(
                mention.start - chunk.base, mention.end - chunk.base, alignment_mode="expand"
            )
            if span is None:
                continue
            root = span.root
            linked_nouns = [c for c in root.children if c.dep_ == "appos"]
            if root.dep_ == "appos":
                linked_nouns.append(root.head)
            if root.dep_ == "compound" or (span.end < len(doc) and doc[span.end].i == root.head.i):
                linked_nouns.append(root.head)  # "the Quark 9 chip"
            if root.dep_ == "attr" and root.head.lemma_ == "be":
                linked_nouns += [c for c in root.head.children if c.dep_ == "nsubj"]
            if any(component(t) for t in linked_nouns):
                key = linked.entity_of.get(mention)
                if key:
                    found.add(key)
    return found


def _typer(entities: dict[str, Entity], components: set[str]) -> Any:
    from kg.extract.ner import countries

    def typer(key: str) -> tuple[str, str]:
        entity = entities[key]
        if key in components:
            return entity.type, "component" if entity.kind != "chipset" else "chipset"
        if entity.type == "Market" and not entity.kind and _is_large_place(entity):
            return entity.type, "country" if entity.name in countries() else "region"
        return entity.type, entity.kind

    return typer


def _remember(
    chunk: Chunk, sent: Span, at: dict[int, str], refs: References, referring: dict[str, str]
) -> None:
    """Add the sentence's named mentions to what later references resolve against, and its
    subject pronouns as mentions of what they resolve to ("It ... . Its first phone")."""
    sentence_start = chunk.base + sent.start_char
    found: list[tuple[int, int, str, bool]] = []
    previous = ""
    for token in sent:
        start = chunk.base + token.idx
        key = at.get(token.i, "")
        if key and key != previous and token._.kg_name:
            head = token
            while head.head.i in at and at[head.head.i] == key and head.head.i != head.i:
                head = head.head
            found.append((start, start + len(token), key, head.dep_ in ("nsubj", "nsubjpass")))
        elif not key and token.dep_ in ("nsubj", "nsubjpass"):
            reference = reference_of(token, referring)
            if reference is not None:
                resolved = refs.resolve(reference, start, sentence_start=sentence_start)
                if resolved:
                    found.append((start, start + len(token), resolved, True))
        previous = key
    for entry in found:
        refs.add(*entry)


_GENERIC_HEADS = {"Product", "Organization"}


def _frame_relations(
    chunk: Chunk,
    sent: Span,
    at: dict[int, str],
    refs: References,
    referring: dict[str, str],
    rules: RuleSet,
    typer: Any,
    places: dict[str, str],
) -> Iterator[Relation]:
    """Relations the frame rules find in one sentence, and open relations between entities
    no typed rule connects."""
    partitive = set(rules.words("partitive"))
    org_parts = set(rules.words("org_part"))

    def resolve(token: Token) -> list[tuple[str, str]]:
        key = at.get(token.i, "")
        if key:
            found = [(key, "" if token._.kg_name else token.text)]
            if typer(key)[0] == "Market":  # "in Espoo, Finland": the city and its country
                found += [
                    (at[c.i], "") for c in token.children if c.dep_ == "appos" and c.i in at
                ]
            return found
        found = []
        if (token.lower_ in referring or token.lower_ in partitive) and token.tag_ not in (
            "NNS",
            "NNPS",
        ):
            # "the Quark 9 chip": a generic head named by its modifiers
            for child in token.children:
                if child.dep_ in ("compound", "nmod") and child.i in at:
                    found.append((at[child.i], ""))
                    break
        for child in token.children:
            if child.dep_ == "appos" and child.i in at:
                found.append((at[child.i], ""))
        if found:
            return found
        if token.tag_ in ("NNS", "NNPS"):  # "apps including A, B and C"
            listed = [
                member
                for child in token.children
                if child.lower_ in ("including", "like", "as")
                for grand in child.children
                if grand.dep_ in ("pobj", "dobj")
                for member in expand(grand)
            ]
            found = [pair for member in listed for pair in resolve(member)]
            if found:
                return found
        if token.dep_ == "attr" and token.head.lemma_ == "be":  # "A is a Y-based writer"
            subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.i in at:
                return [(at[subject.i], "")]
        if token.lower_ in partitive:  # "a version of the Quark 9", "the Quark family"
            for word, obj in prep_objects(token):
                if word == "of":
                    return resolve(obj)
        if token.lower_ in org_parts:  # "Acme's chip business", "Acme's new plant"
            for child in token.children:
                if child.dep_ == "poss":
                    owners = resolve(child)
                    if owners:
                        return owners
        if token.lower_ in ("whose", "which", "who", "that") and token.head.i != token.i:
            clause = token.head
            while clause.dep_ not in ("relcl", "acl") and clause.head.i != clause.i:
                clause = clause.head
            if clause.dep_ in ("relcl", "acl") and clause.head.i in at:
                return [(at[clause.head.i], "")]  # "A, whose chips ...": the noun it modifies
        reference = reference_of(token, referring)
        if reference is not None:
            clause = token
            while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
                clause = clause.head
            left, right = clause.left_edge, clause.right_edge
            key = refs.resolve(
                reference,
                chunk.base + token.idx,
                sentence_start=chunk.base + sent.start_char,
                clause=(chunk.base + left.idx, chunk.base + right.idx + len(right)),
            )
            if key:
                return [(key, reference.text)]
        # "A, the family of models built by B": the noun an apposition describes
        up = token
        while up.dep_ == "pobj" and up.head.lower_ == "of" and up.head.head.i != up.head.i:
            up = up.head.head
        if up.dep_ == "appos" and up.head.i in at:
            return [(at[up.head.i], "")]
        return []

    seen: set[tuple[str, str]] = set()
    yield from _demonym_relations(chunk, sent, at, referring, resolve, typer, places)
    for candidate in rules.candidates(sent, resolve, typer, refs.home):
        if candidate.negated:
            continue
        seen.add((candidate.subject, candidate.object))
        seen.add((candidate.object, candidate.subject))
        yield from _candidate_relations(chunk, sent, candidate)
    for token in sent:
        if token.pos_ != "VERB":
            continue
        frame = frame_of(token, rules.lexicon)
        if frame.negated:
            continue
        agents = [k for t in frame.roles.get("agent", []) for k, r in resolve(t) if not r]
        others = [
            (role, k)
            for role, tokens in frame.roles.items()
            if role == "patient" or role.startswith("prep:")
            for t in tokens
            for k, r in resolve(t)
            if not r
        ]
        for agent in agents:
            for role, other in others:
                if agent == other or (agent, other) in seen:
                    continue
                seen.add((agent, other))
                label = token.lemma_.lower() + (f" {role[5:]}" if role.startswith("prep:") else "")
                evidence = _evidence(chunk, sent, "open-verb", 0.4)
                yield Relation(agent, "kg:relatedTo", other, evidence, (("kg:verb", label),))


def _demonym_relations(
    chunk: Chunk,
    sent: Span,
    at: dict[int, str],
    nouns: dict[str, str],
    resolve: Any,
    typer: Any,
    places: dict[str, str],
) -> Iterator[Relation]:
    """ "a Dutch maker", "Pegatron, another Taiwanese firm", "the Kenyan operator": a
    nationality on a company says where it operates, on a person where they are based."""
    from kg.extract.ner import demonym_country

    people = {"fan", "user", "customer", "student", "founder", "engineer", "writer", "executive"}
    for token in sent:
        if token.dep_ != "amod" or token.pos_ not in ("ADJ", "PROPN"):
            continue
        country = demonym_country(token.text)
        market = places.get(fold(country)) if country else None
        head = token.head
        if not market or not (head.i in at or head.lower_ in nouns or head.lemma_ in people):
            continue  # "a Dutch maker", "Spanish fans"; not "a Spanish term"
        for key, resolved in resolve(token.head):
            type_ = typer(key)[0]
            if type_ not in ("Organization", "Person") or resolved:
                continue
            predicate = "kg:operatesIn" if type_ == "Organization" else "kg:basedIn"
            evidence = _evidence(chunk, sent, "demonym", 0.7)
            yield Relation(key, predicate, market, evidence)


def _candidate_relations(chunk: Chunk, sent: Span, candidate: Candidate) -> Iterator[Relation]:
    rule = candidate.rule
    confidence = rule.confidence * (0.8 if candidate.resolved else 1.0)
    qualifiers: list[tuple[str, str | Literal]] = [
        (name, candidate.words if value == "$trigger" else value) for name, value in rule.qualifiers
    ]
    if candidate.former:
        qualifiers.append(("kg:status", "former"))
    if candidate.planned:
        qualifiers.append(("kg:modality", "planned"))
        confidence *= 0.8
    if candidate.resolved:
        qualifiers.append(("kg:resolvedFrom", candidate.resolved))
    evidence = _evidence(chunk, sent, rule.id, round(confidence, 2))
    if candidate.object.startswith("date:"):
        dates = parse_date(candidate.object[5:])
        if len(dates) == 1:
            value = Literal(dates[0].value, dates[0].datatype)
            yield Relation(candidate.subject, rule.predicate, value, evidence, tuple(qualifiers))
        return
    yield Relation(candidate.subject, rule.predicate, candidate.object, evidence, tuple(qualifiers))
    if rule.dates and not candidate.planned:
        dates = _sentence_dates(sent.text, chunk.document.date)
        if len(dates) == 1:
            value = Literal(dates[0].value, dates[0].datatype)
            yield Relation(
                candidate.subject, rule.dates, value, replace(evidence, rule=f"{rule.id}-date")
            )
