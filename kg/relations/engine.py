"""The relation engine: rules as data over argument frames.

A rule names a trigger (a lexicon of verbs or nouns, optionally refined by a spaCy
``DependencyMatcher`` pattern), the role each end takes in the trigger's frame, and the types
of the two ends::

    {"id": "launch", "predicate": "kg:launched", "confidence": 0.85,
     "trigger": {"lexicon": "launch", "pos": ["VERB"]},
     "subject": {"role": "agent", "type": "Organization"},
     "object": {"role": "patient", "type": "Product"}}

Voice, relative clauses, participles, coordination, appositions, negation and modality are
read once by :mod:`kg.relations.frames`; references ("the company", "it") by the resolver the
caller passes in. A rule only says which roles and which types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kg.errors import RuleFileError
from kg.namespaces import PREFIXES
from kg.relations.frames import Frame, Lexicon, frame_of

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = [
    "End",
    "FrameRule",
    "RuleSet",
    "Candidate",
    "parse_rule_file",
    "RULE_KEYS",
    "END_KEYS",
    "TRIGGER_KEYS",
]

#: The keys a rule, an end and a trigger may have; anything else is refused.
RULE_KEYS = frozenset(
    {
        "id",
        "predicate",
        "confidence",
        "trigger",
        "subject",
        "object",
        "comment",
        "symmetric",
        "qualifiers",
        "pattern",
        "dates",
        "fallback",
    }
)
END_KEYS = frozenset({"role", "type", "kind", "kind_not", "part_of", "comment"})
TRIGGER_KEYS = frozenset({"lexicon", "words", "pos", "shape", "comment"})
_HOME_WORDS = {"Organization": "organization", "Event": "event"}

ROLES = (
    "agent",
    "patient",
    "patient:of",
    "patient:poss",
    "attr",
    "subject",
    "described",
    "appos",
    "modifier",
    "home",
    "self",
)
#: Triggers that are shapes rather than words: every noun phrase head ("noun").
SHAPES = ("noun", "verb")
TYPES = ("Person", "Organization", "Product", "Market", "Event", "Date")
ENGINE_LEXICONS = ("negating", "planning", "light")


@dataclass(frozen=True)
class End:
    """One end of a rule: the roles it may fill (first found wins) and the entity type."""

    roles: tuple[str, ...]
    type: str
    kind: tuple[str, ...] = ()
    kind_not: tuple[str, ...] = ()
    part_of: bool = False  # "the Main Board of the Oslo Exchange": take the whole


@dataclass(frozen=True)
class FrameRule:
    """A relation rule over frames."""

    id: str
    predicate: str
    confidence: float
    words: frozenset[str]
    pos: tuple[str, ...]
    subject: End
    object: End
    symmetric: bool = False
    qualifiers: tuple[tuple[str, str], ...] = ()
    pattern: tuple[dict[str, Any], ...] = field(default=(), compare=False)  # dicts: unhashable
    dates: str = ""  # a predicate for the date the sentence gives, on the subject
    origin: str = ""  # the file the rule comes from
    fallback: bool = False  # only where no other rule relates the same two entities


@dataclass(frozen=True)
class Candidate:
    """A relation found in a sentence, between tokens resolved to entity keys."""

    rule: FrameRule
    subject: str
    object: str
    negated: bool
    planned: bool
    resolved: str  # the words an end was resolved from ("the company", "it"), or ""
    trigger: Token
    words: str = ""  # the trigger as written ("chief executive")
    former: bool = False


#: Resolve a token to (entity key, the reference it was resolved from or "") pairs.
Resolver = Callable[["Token"], list[tuple[str, str]]]
#: The type and kind of an entity key.
Typer = Callable[[str], tuple[str, str]]


def _words(value: Any, lexicons: dict[str, list[str]], origin: str, rule_id: str) -> set[str]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list):
        raise RuleFileError(f"{origin}: rule {rule_id}: 'lexicon' must be a name or a list")
    words: set[str] = set()
    for name in names:
        if name not in lexicons:
            raise RuleFileError(f"{origin}: rule {rule_id}: unknown lexicon {name!r}")
        words.update(w.lower() for w in lexicons[name])
    return words


def _end(value: Any, origin: str, rule_id: str, which: str) -> End:
    if not isinstance(value, dict):
        raise RuleFileError(f"{origin}: rule {rule_id}: '{which}' must be an object")
    unknown = set(value) - END_KEYS
    if unknown:
        raise RuleFileError(
            f"{origin}: rule {rule_id}: unknown key {sorted(unknown)[0]!r} in '{which}'"
        )
    roles = value.get("role")
    roles = [roles] if isinstance(roles, str) else roles
    if not roles or not all(
        isinstance(r, str) and (r in ROLES or r.startswith("prep:")) for r in roles
    ):
        raise RuleFileError(
            f"{origin}: rule {rule_id}: '{which}.role' must be one of {', '.join(ROLES)} "
            "or prep:WORD"
        )
    type_ = value.get("type")
    if type_ not in TYPES:
        raise RuleFileError(
            f"{origin}: rule {rule_id}: '{which}.type' must be one of {', '.join(TYPES)}"
        )
    return End(
        tuple(roles),
        str(type_),
        tuple(value.get("kind", ())),
        tuple(value.get("kind_not", ())),
        bool(value.get("part_of", False)),
    )


def parse_rule_file(data: Any, origin: str, lexicons: dict[str, list[str]]) -> list[FrameRule]:
    """Frame rules from one parsed rule file; every problem names the file and the rule."""
    rows = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise RuleFileError(f"{origin}: expected a list of rules under 'rules'")
    rules = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise RuleFileError(f"{origin}: rule {number} must be an object")
        rule_id = str(row.get("id", f"#{number}"))
        unknown = set(row) - RULE_KEYS
        if unknown:
            raise RuleFileError(f"{origin}: rule {rule_id}: unknown key {sorted(unknown)[0]!r}")
        for key in ("id", "predicate", "trigger", "subject", "object"):
            if key not in row:
                raise RuleFileError(f"{origin}: rule {rule_id}: missing '{key}'")
        predicate = str(row["predicate"])
        prefix = predicate.split(":", 1)[0] if ":" in predicate else ""
        if prefix not in PREFIXES:
            raise RuleFileError(
                f"{origin}: rule {rule_id}: predicate {predicate!r} needs a known prefix "
                f"({', '.join(sorted(PREFIXES))}:)"
            )
        try:
            confidence = float(row.get("confidence", 0.7))
        except (TypeError, ValueError):
            raise RuleFileError(f"{origin}: rule {rule_id}: confidence must be a number") from None
        if not 0 <= confidence <= 1:
            raise RuleFileError(f"{origin}: rule {rule_id}: confidence must be in [0, 1]")
        trigger = row["trigger"]
        if not isinstance(trigger, dict) or set(trigger) - TRIGGER_KEYS:
            raise RuleFileError(
                f"{origin}: rule {rule_id}: 'trigger' takes {', '.join(sorted(TRIGGER_KEYS))}"
            )
        words = set(str(w).lower() for w in trigger.get("words", []))
        if "lexicon" in trigger:
            words |= _words(trigger["lexicon"], lexicons, origin, rule_id)
        shape = trigger.get("shape", "")
        if shape and shape not in SHAPES:
            raise RuleFileError(
                f"{origin}: rule {rule_id}: 'trigger.shape' must be one of {', '.join(SHAPES)}"
            )
        if shape:
            words = {f"<{shape}>"}
        if not words:
            raise RuleFileError(f"{origin}: rule {rule_id}: the trigger names no words")
        pattern = row.get("pattern", [])
        if pattern and (
            not isinstance(pattern, list)
            or not pattern
            or not isinstance(pattern[0], dict)
            or pattern[0].get("RIGHT_ID") != "trigger"
        ):
            raise RuleFileError(
                f"{origin}: rule {rule_id}: 'pattern' is a DependencyMatcher pattern whose "
                "first node has RIGHT_ID 'trigger'"
            )
        qualifiers = row.get("qualifiers", {})
        rules.append(
            FrameRule(
                id=rule_id,
                predicate=predicate,
                confidence=confidence,
                words=frozenset(words),
                pos=tuple(trigger.get("pos", ("VERB",))),
                subject=_end(row["subject"], origin, rule_id, "subject"),
                object=_end(row["object"], origin, rule_id, "object"),
                symmetric=bool(row.get("symmetric", False)),
                qualifiers=tuple(sorted((str(k), str(v)) for k, v in qualifiers.items())),
                pattern=tuple(pattern),
                dates=str(row.get("dates", "")),
                origin=origin,
                fallback=bool(row.get("fallback", False)),
            )
        )
    return rules


def trigger_keys(token: Token, last_words: frozenset[str] | None = None) -> list[str]:
    """The lexicon entries a token can match: its lemma, a phrasal verb ("set up"), a
    prefixed verb ("co-found"), the word as written, and the words before it that make a
    longer term with it ("chief executive officer", "vice president"; only for a token that
    ends some term, when ``last_words`` says which do)."""
    lemma = token.lemma_.lower()
    keys = [lemma, token.lower_]
    doc = token.doc
    if last_words is None or token.lower_ in last_words or lemma in last_words:
        for start in range(max(0, token.i - 3), token.i):
            if all(t.is_alpha or t.text == "-" for t in doc[start : token.i]):
                keys.append(doc[start : token.i + 1].text.lower())
    for child in token.children:
        if child.dep_ == "prt":
            keys.append(f"{lemma} {child.lower_}")
        elif child.dep_ in ("dobj", "acomp") and child.pos_ in ("NOUN", "ADJ"):
            keys.append(f"{lemma} {child.lower_}")  # "take place", "go public"
    if token.i >= 2 and doc[token.i - 1].text == "-":
        keys.append(f"{doc[token.i - 2].lower_}-{lemma}")
    if lemma.startswith("co") and not lemma.startswith("co-"):
        keys.append(f"co-{lemma[2:]}")
    return keys


class RuleSet:
    """Frame rules indexed by trigger word, with the engine's own lexicon."""

    def __init__(
        self,
        rules: Sequence[FrameRule],
        lexicon: Lexicon,
        vocab: Any = None,
        lexicons: dict[str, list[str]] | None = None,
    ) -> None:
        self.rules = list(rules)
        self.lexicons = lexicons or {}
        self.lexicon = lexicon
        self.by_word: dict[str, list[FrameRule]] = {}
        self._rules_cache: dict[tuple[tuple[str, ...], str], dict[FrameRule, str]] = {}
        self._words: dict[str, frozenset[str]] = {}
        for rule in self.rules:
            for word in rule.words:
                self.by_word.setdefault(word, []).append(rule)
        # the last words of terms of several words: only those tokens look back for them
        self.last_words = frozenset(
            word.replace("-", " ").split()[-1]
            for word in self.by_word
            if " " in word or "-" in word
        )
        self.matcher: Any = None
        self._matched: tuple[Any, list[Any]] = (None, [])
        if vocab is not None and any(r.pattern for r in self.rules):
            from spacy.matcher import DependencyMatcher

            self.matcher = DependencyMatcher(vocab, validate=True)
            for rule in self.rules:
                if rule.pattern:
                    try:
                        self.matcher.add(rule.id, [list(rule.pattern)])
                    except ValueError as exc:
                        raise RuleFileError(
                            f"{rule.origin}: rule {rule.id}: invalid pattern: "
                            f"{str(exc).splitlines()[0]}"
                        ) from None

    def _rules_for(self, keys: tuple[str, ...], pos: str) -> dict[FrameRule, str]:
        """The rules a token's lexicon keys trigger for its part of speech, each with the
        term it matched (computed once per distinct set of keys)."""
        cached = self._rules_cache.get((keys, pos))
        if cached is not None:
            return cached
        words: dict[FrameRule, str] = {}
        for key in keys:  # the longest term a rule knows: "chief executive officer"
            for rule in self.by_word.get(key, []):
                if rule.pos and pos not in rule.pos:
                    continue  # "shares" the verb is not "share" the noun
                if len(key) > len(words.get(rule, "")):
                    words[rule] = key
        if words:
            # and the longest term of all wins: "co-founder" over "founder"
            longest = max(_term_length(key) for key in words.values())
            words = {r: k for r, k in words.items() if _term_length(k) in (0, longest)}
            if longest:  # a word some rule knows: the catch-all rules of its shape stand back
                words = {r: k for r, k in words.items() if not r.fallback}
        self._rules_cache[(keys, pos)] = words
        return words

    def words(self, lexicon: str) -> frozenset[str]:
        """The words of one lexicon (lower case), or none; made once per lexicon (the relation
        step asks for them at every sentence)."""
        found = self._words.get(lexicon)
        if found is None:
            found = self._words[lexicon] = frozenset(
                w.lower() for w in self.lexicons.get(lexicon, [])
            )
        return found

    def candidates(
        self,
        sent: Span,
        resolve: Resolver,
        typer: Typer,
        home: Sequence[str] = (),
        frames: dict[int, Frame] | None = None,
    ) -> Iterator[Candidate]:
        """Every relation the rules find in one sentence; the frames it reads are left in
        ``frames`` (token index -> frame) for the caller to reuse."""
        allowed: dict[str, set[int]] = {}
        if self.matcher is not None:
            strings = sent.doc.vocab.strings
            if self._matched[0] is not sent.doc:
                self._matched = (sent.doc, self.matcher(sent.doc))
            for match_id, tokens in self._matched[1]:
                if sent.start <= tokens[0] < sent.end:
                    allowed.setdefault(strings[match_id], set()).add(tokens[0])
        frames = {} if frames is None else frames
        for token in sent:
            keys = trigger_keys(token, self.last_words)
            if token.pos_ in ("NOUN", "PROPN") and token.dep_ != "compound":
                keys.append("<noun>")
            elif token.pos_ == "VERB":
                keys.append("<verb>")
            pos = token.pos_
            if (
                pos == "PROPN"
                and token.is_sent_start
                and token.is_title
                and token.lower_ in self.by_word
                and not resolve(token)
            ):
                pos = "NOUN"  # "Rival Acme's phone": the capital opening a sentence is no name
            words = self._rules_for(tuple(keys), pos)
            if not words:
                continue
            named: bool | None = None  # whether the token itself stands for an entity
            for rule, key in words.items():
                if rule.pos and pos not in rule.pos:
                    continue
                if rule.pattern and token.i not in allowed.get(rule.id, set()):
                    continue
                if any(e.roles == ("self",) and not e.part_of for e in (rule.subject, rule.object)):
                    if named is None:
                        named = bool(resolve(token))
                    if not named:
                        continue  # "the trigger itself" is no entity: nothing to find
                frame = frames.get(token.i)
                if frame is None:
                    frame = frames[token.i] = frame_of(token, self.lexicon)
                text = token.text
                if " " in key or "-" in key:  # the term as written: "Chief Executive"
                    text = next(
                        (
                            span.text
                            for start in range(max(sent.start, token.i - 3), token.i + 1)
                            if (span := sent.doc[start : token.i + 1]).text.lower() == key
                        ),
                        token.text,
                    )
                for candidate in _apply(rule, frame, resolve, typer, home):
                    yield replace(candidate, words=text, former=frame.former)


def _fill(
    frame: Frame, end: End, resolve: Resolver, typer: Typer, home: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Entity keys for one end: the first role that yields an entity of the right type;
    ``home`` holds what the document is about (its organization, its event)."""
    for index, role in enumerate(end.roles):
        if role == "home":
            # only when no other slot of this end names something: "X's chief" is X's, of
            # whatever type; "sensors are supplied by B" names no customer
            named = any(
                resolve(token)
                for r in end.roles[:index]
                if r != "self"
                for token in frame.roles.get(r, [])
            )
            for key in () if named else home:
                type_ = typer(key)[0]
                if type_ == end.type:
                    return [(key, f"(the document's {_HOME_WORDS.get(type_, 'subject')})")]
            continue
        found: list[tuple[str, str]] = []
        for token in frame.roles.get(role, []) if role != "self" else [frame.trigger]:
            if end.part_of:
                token = _whole(token)
            for key, resolved in resolve(token):
                type_, kind = typer(key)
                if type_ != end.type:
                    continue
                if end.kind and kind not in end.kind:
                    continue
                if end.kind_not and kind in end.kind_not:
                    continue
                if (key, resolved) not in found:
                    found.append((key, resolved))
        if found:
            return found
    return []


def _reciprocal(rule: FrameRule) -> bool:
    """Whether coordinated names alone fill a symmetric rule ("A and B teamed up", "a deal
    between A and B"): its other end is a "with" or "between" phrase, not an object."""
    return any(r in ("prep:with", "prep:between", "prep:among") for r in rule.object.roles)


def _term_length(key: str) -> int:
    """How many words a lexicon term has: "chief executive officer" 3, "co-founder" 2."""
    return 0 if key.startswith("<") else len(key.replace("-", " ").split())


def _whole(token: Token) -> Token:
    """The noun a part is "of": "the Main Board of the Oslo Exchange" -> Exchange."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for grand in child.children:
                if grand.dep_ == "pobj" and grand.pos_ == "PROPN":
                    return grand
    return token


def _apply(
    rule: FrameRule, frame: Frame, resolve: Resolver, typer: Typer, home: Sequence[str]
) -> Iterator[Candidate]:
    subjects = _fill(frame, rule.subject, resolve, typer, home)
    if rule.symmetric and not subjects and not rule.fallback and _reciprocal(rule):
        # "a partnership between A and B": each other's partners
        objects = _fill(frame, rule.object, resolve, typer, home)
        for i, (a, ra) in enumerate(objects):
            for b, rb in objects[i + 1 :]:
                yield Candidate(rule, a, b, frame.negated, frame.planned, ra or rb, frame.trigger)
        return
    if not subjects:
        return
    if rule.object.type == "Date":
        for role in rule.object.roles:
            for token in frame.roles.get(role, []):
                if token.ent_type_ == "DATE" or (token.like_num and len(token.text) == 4):
                    text = " ".join(t.text for t in token.subtree)
                    for subject, resolved in subjects:
                        yield Candidate(
                            rule,
                            subject,
                            f"date:{text}",
                            frame.negated,
                            frame.planned,
                            resolved,
                            frame.trigger,
                        )
                    return
        return
    objects = _fill(frame, rule.object, resolve, typer, home)
    for subject, s_resolved in subjects:
        for obj, o_resolved in objects:
            if subject == obj:
                continue
            yield Candidate(
                rule,
                subject,
                obj,
                frame.negated,
                frame.planned,
                s_resolved or o_resolved,
                frame.trigger,
            )
    if rule.symmetric and not objects and not rule.fallback and _reciprocal(rule):
        # "A and B signed a deal", "a deal between A and B": each other's partners
        members = subjects
        for i, (a, ra) in enumerate(members):
            for b, rb in members[i + 1 :]:
                yield Candidate(rule, a, b, frame.negated, frame.planned, ra or rb, frame.trigger)


def read_lexicons(sources: Sequence[tuple[str, Any]]) -> dict[str, list[str]]:
    """Lexicons from parsed files (``{"lexicons": {name: [words]}}``), later files extending
    earlier ones."""
    merged: dict[str, list[str]] = {}
    for origin, data in sources:
        table = data.get("lexicons") if isinstance(data, dict) else None
        if table is None:
            continue
        if not isinstance(table, dict):
            raise RuleFileError(f"{origin}: 'lexicons' must map names to lists of words")
        for name, words in table.items():
            if name == "comment":
                continue
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise RuleFileError(f"{origin}: lexicon {name!r} must be a list of words")
            merged.setdefault(str(name), []).extend(words)
    return merged


def engine_lexicon(lexicons: dict[str, list[str]]) -> Lexicon:
    """The words the engine reads modality and negation with."""
    return Lexicon(
        negating=frozenset(w.lower() for w in lexicons.get("negating", [])),
        planning=frozenset(w.lower() for w in lexicons.get("planning", [])),
        light=frozenset(w.lower() for w in lexicons.get("light", [])),
    )
