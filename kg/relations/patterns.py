"""Pattern rules: spaCy ``Matcher`` and ``DependencyMatcher`` patterns with a subject and an
object anchor, as users write them in rule files (``matcher``: ``token`` or ``dependency``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.errors import RuleFileError
from kg.namespaces import PREFIXES
from kg.records import Chunk, Relation
from kg.relations.context import _PRONOUNS, _Context, _evidence, _is_large_place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Rule", "register_extensions"]


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


class _Engine:
    def __init__(self, vocab: Any, rules: Sequence[Rule]) -> None:
        from spacy.matcher import DependencyMatcher, Matcher

        self.rules = {r.id: r for r in rules}
        # one token matcher per pair of end types, run only where both types are named
        self.token: dict[tuple[str, str], Any] = {}
        self.dependency = DependencyMatcher(vocab, validate=True)
        for rule in rules:
            try:
                if rule.matcher == "token":
                    pair = (rule.subject, rule.object)
                    if pair not in self.token:
                        self.token[pair] = Matcher(vocab, validate=True)
                    self.token[pair].add(rule.id, [list(rule.pattern)])
                else:
                    self.dependency.add(rule.id, [list(rule.pattern)])
            except ValueError as exc:
                raise RuleFileError(
                    f"rule {rule.id}: invalid pattern: {str(exc).splitlines()[0]}"
                ) from None
        self.vocab = vocab
        self._cached: tuple[Any, list[tuple[int, list[int]]]] = (None, [])
        # the words each token rule cannot match without: a matcher none of whose rules can
        # match a sentence is not run on it
        self.needs: dict[tuple[str, str], list[list[tuple[str, frozenset[str]]]]] = {}
        self.dependency_needs: list[list[tuple[str, frozenset[str]]]] = []
        for rule in rules:
            if rule.matcher == "token":
                pair = (rule.subject, rule.object)
                self.needs.setdefault(pair, []).append(_required_words(rule.pattern))
            else:  # every node of a dependency pattern is required
                nodes = [node.get("RIGHT_ATTRS", {}) for node in rule.pattern]
                self.dependency_needs.append(_required_words(nodes))

    def matches(self, sent: Span) -> Iterator[tuple[Rule, Token, Token]]:
        """(rule, subject token, object token) for every match in a sentence."""
        strings = self.vocab.strings
        types = {t._.kg_type for t in sent} - {""}
        found: list[Any] = []
        words: dict[str, set[str]] = {}
        for (subject, object_), matcher in self.token.items():
            if (not subject or subject in types) and (not object_ or object_ in types):
                if not words:
                    words = {attr: {getattr(t, name) for t in sent} for attr, name in _ATTRS}
                needs = self.needs[(subject, object_)]
                if any(all(words[a] & wanted for a, wanted in need) for need in needs):
                    found += matcher(sent, with_alignments=True)
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
            words = {attr: {getattr(t, name) for t in doc} for attr, name in _ATTRS}
            if any(all(words[a] & wanted for a, wanted in need) for need in self.dependency_needs):
                self._cached = (doc, self.dependency(doc))
            else:  # no rule can match: the matcher is not run
                self._cached = (doc, [])
        return self._cached[1]


#: Token attributes of literal pattern constraints, and the Token attribute of each.
_ATTRS = (("LOWER", "lower_"), ("LEMMA", "lemma_"), ("TEXT", "text"), ("ORTH", "orth_"))


def _required_words(pattern: Sequence[dict[str, Any]]) -> list[tuple[str, frozenset[str]]]:
    """For each token of ``pattern`` that must be there (no ``OP``, or ``+``) and is given
    as words (``{"LOWER": "by"}``, ``{"LEMMA": {"IN": [...]}}``): the attribute and the
    words. A sentence with no token of one of them cannot match.

    >>> _required_words([{"LOWER": "by"}, {"LEMMA": {"IN": ["make"]}, "OP": "?"}])
    [('LOWER', frozenset({'by'}))]
    """
    needs = []
    for token in pattern:
        if token.get("OP", "") not in ("", "+"):
            continue
        for attr, _name in _ATTRS:
            value = token.get(attr)
            if isinstance(value, str):
                needs.append((attr, frozenset([value])))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                needs.append((attr, frozenset(map(str, value["IN"]))))
    return needs


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
    ends = sum(
        1 for t in sent if (t.i in at and at.get(t.i - 1) != at[t.i]) or t.lower_ in _PRONOUNS
    )
    if ends < 2:
        return  # a rule needs two names (or pronouns) in the sentence: no match is possible
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
