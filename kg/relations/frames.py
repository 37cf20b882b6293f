"""Argument frames: who did what to whom, read off the dependency parse once for every rule.

A frame is a trigger word (a verb or a noun) with its arguments by semantic role, whatever
the surface: ``agent`` (the doer), ``patient`` (what is done to), ``prep:WORD`` (the object
of a preposition), ``attr`` (what a copula says the subject is). The steps that every rule
needs live here and nowhere else:

- voice: "B was bought by A" and "A bought B" give the same agent and patient;
- relative clauses and participles: "B, which A bought", "the B that A made", "B, made by A",
  "a firm making B" fill the role of the relative pronoun with the noun the clause modifies;
- control and conjoined verbs: "A plans to buy B", "A bought B and sold C" share the subject;
- coordination: every conjunct of an argument fills the role ("A and B bought C, D and E");
- nouns as triggers: "A's purchase of B", "the purchase of B by A", "a deal with B",
  "A signed a deal with B", "A is a supplier to B", "A, a supplier to B";
- negation and modality: "A did not buy B", "A denied it would buy B" are negated;
  "A plans to buy B", "A will buy B" are planned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["Frame", "frame_of", "expand", "grammatical_subject", "prep_objects", "Lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """The words the engine itself needs to read modality and negation."""

    negating: frozenset[str] = frozenset()  # verbs that deny what they govern: deny, refuse
    planning: frozenset[str] = frozenset()  # verbs that make it a plan: plan, expect, aim
    light: frozenset[str] = frozenset()  # verbs whose object noun carries the meaning: sign
    modal: frozenset[str] = frozenset({"will", "would", "could", "may", "might", "shall"})


@dataclass
class Frame:
    """A trigger token and the tokens that fill each role.

    Attributes:
        trigger: the verb or noun.
        roles: role name -> head tokens of the arguments (conjuncts included).
        negated: the sentence says it did not (or will not) happen.
        planned: the sentence says it is planned, expected or would happen.
    """

    trigger: Token
    roles: dict[str, list[Token]] = field(default_factory=dict)
    negated: bool = False
    planned: bool = False
    former: bool = False

    def add(self, role: str, token: Token | None) -> None:
        if token is None:
            return
        found = self.roles.setdefault(role, [])
        for member in expand(token):
            if member not in found:
                found.append(member)


_SUBJECTS = {"nsubj", "csubj"}
_PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
_OBJECTS = {"dobj", "dative", "obj"}
_RELATIVE = {"which", "who", "that", "whom", "whose"}
#: Verbs that end a role: "A resigned as chief executive".
_ENDING = {"resign", "retire", "step", "leave", "quit", "depart", "stand"}
_LISTING = {"include", "be", "comprise", "count", "number", "encompass"}
#: Modifiers that put a role or a relation in the past: "the former chief executive".
FORMER = {"former", "ex", "erstwhile", "onetime", "one-time", "previous", "then", "late"}


def expand(token: Token) -> list[Token]:
    """``token`` and its conjuncts: "A, B and C" -> [A, B, C].

    Appositions are not conjuncts ("A, a maker of B"), so only ``conj`` arcs are followed.
    """
    out = [token]
    stack = [token]
    while stack:
        current = stack.pop()
        for child in current.children:
            if child.dep_ == "conj" and child not in out:
                out.append(child)
                stack.append(child)
    return out


def _child(token: Token, deps: set[str] | frozenset[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _is_passive(verb: Token) -> bool:
    if any(c.dep_ in _PASSIVE_SUBJECTS or c.dep_ == "auxpass" for c in verb.children):
        return True
    # a participle with no subject of its own: "B, made by A", "made in C"
    return verb.tag_ == "VBN" and not any(
        c.dep_ in _SUBJECTS or c.dep_ == "aux" for c in verb.children
    )


def grammatical_subject(verb: Token) -> tuple[Token | None, bool]:
    """The subject of ``verb`` and whether it is a passive subject, inherited through
    conjoined verbs, control verbs and relative clauses."""
    subject = _child(verb, _SUBJECTS)
    if subject is not None:
        return _relative_head(subject), False
    subject = _child(verb, _PASSIVE_SUBJECTS)
    if subject is not None:
        return _relative_head(subject), True
    head = verb.head
    if verb.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        inherited, _ = grammatical_subject(head)
        return inherited, _is_passive(verb)
    if verb.dep_ == "pcomp" and head.pos_ == "ADP" and head.head.pos_ in ("VERB", "AUX"):
        inherited, passive = grammatical_subject(head.head)  # "A grew by buying B"
        return (None, False) if passive else (inherited, False)
    if verb.dep_ in ("xcomp", "advcl") and head.pos_ in ("VERB", "AUX") and head.i != verb.i:
        perfect = any(c.dep_ == "aux" and c.lower_ == "having" for c in verb.children)
        if verb.dep_ == "advcl" and verb.tag_ not in ("VBG", "VB") and not perfect:
            return None, False
        if perfect:  # "A, having bought B, grew"
            inherited, passive = grammatical_subject(head)
            return (inherited, False) if not passive else (None, False)
        inherited, passive = grammatical_subject(head)
        if verb.dep_ == "xcomp":
            # "A is expected to buy B": A does it; "B is expected to be bought": B undergoes it
            return inherited, any(c.dep_ == "auxpass" for c in verb.children)
        return inherited, _is_passive(verb) and verb.tag_ == "VBN"
    if verb.dep_ == "acomp" and verb.tag_ == "VBN" and head.pos_ in ("VERB", "AUX"):
        inherited, _ = grammatical_subject(head)  # "B is majority-owned by A"
        return inherited, True
    if verb.dep_ in ("acl", "relcl", "amod") and head.pos_ in ("NOUN", "PROPN", "PRON"):
        # "the phone unveiled by A" (patient), "a firm making chips" (agent),
        # "the chip that A designed" (no subject pronoun: the object is the head)
        if verb.tag_ == "VBN":
            return head, True
        if verb.tag_ == "VBG":
            return head, False
    return None, False


def _relative_head(token: Token) -> Token:
    """A relative pronoun stands for the noun its clause modifies: "B, which A bought"."""
    if token.lower_ in _RELATIVE and token.tag_ in ("WDT", "WP", "WP$"):
        clause = token.head
        if clause.dep_ in ("relcl", "acl") and clause.head.i != clause.i:
            return clause.head
    return token


def prep_objects(token: Token) -> Iterator[tuple[str, Token]]:
    """(preposition, object) pairs under ``token``: "in C", "together with D", "by A",
    "in C and in D"."""
    preps = []
    for child in token.children:
        preps.append(child)
        if child.dep_ in ("prep", "agent", "dative"):
            preps += [c for c in expand(child)[1:] if c.pos_ == "ADP"]
    for child in preps:
        if child.dep_ in ("prep", "agent", "dative", "conj") and child.pos_ == "ADP":
            word = child.lower_
            obj = _child(child, {"pobj"})
            if obj is None:  # "together with": with is a prep under the adverb
                inner = _child(child, {"prep"})
                if inner is not None:
                    obj, word = _child(inner, {"pobj"}), f"{word} {inner.lower_}"
            if obj is not None:
                yield word, obj
        elif child.dep_ == "advmod" and child.lower_ in ("together", "along", "jointly"):
            for word, obj in prep_objects(child):
                yield word, obj


def _stem(word: str) -> str:
    """A crude base form, for when the lemmatizer stumbles ("hopes" -> "hop"): the word
    without a final -s, -es, -ed or -ing."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("e" if suffix in ("ing", "ed", "es") else "")
    return word


def _polarity(trigger: Token, lexicon: Lexicon) -> tuple[bool, bool]:
    """Whether the trigger is negated, and whether it is only planned: its own negation and
    modal verbs, then the verbs it hangs from ("denied it would", "plans to", "bid to")."""
    negated = planned = False
    token = trigger
    for _ in range(6):
        for child in token.children:
            if child.dep_ == "neg" or child.lower_ in ("never", "no"):
                negated = True
            if child.dep_ == "aux" and child.lower_ in lexicon.modal:
                planned = True
        lemma = token.lemma_.lower()
        if token.i != trigger.i:
            forms = {lemma, token.lower_, _stem(token.lower_)}
            if forms & lexicon.negating:
                negated = True
            if forms & lexicon.planning:
                planned = True
        if token.dep_ not in ("xcomp", "ccomp", "acl", "advcl", "pobj", "prep", "dobj", "conj"):
            break
        if token.head.i == token.i:
            break
        if token.dep_ == "conj":  # "A bought B and sold C": the first verb's modality
            token = token.head
            continue
        token = token.head
    return negated, planned


def frame_of(trigger: Token, lexicon: Lexicon) -> Frame:
    """The frame of a verb or a noun trigger.

    Verbs: agent and patient by voice, ``prep:*`` from the verb and from its object
    ("opened a plant in C"). Nouns: agent from a possessive, a ``by`` phrase, the subject of a
    light verb ("A signed a deal"), or the subject a copula or an apposition gives
    ("A is a supplier to B", "A, a supplier to B"); patient from ``of``.
    """
    frame = Frame(trigger)
    frame.negated, frame.planned = _polarity(trigger, lexicon)
    if trigger.pos_ in ("VERB", "AUX"):
        _verb_roles(trigger, frame)
    else:
        _noun_roles(trigger, frame, lexicon)
    return frame


def _misparsed_to(obj: Token) -> bool:
    """A second object of a verb that opens with "to" tagged as an infinitive marker: the
    name after it is the object of "to" ("sold B to C")."""
    first = obj.left_edge
    return obj.pos_ == "PROPN" and first.lower_ == "to" and first.pos_ == "PART"


def _verb_roles(verb: Token, frame: Frame) -> None:
    subject, passive = grammatical_subject(verb)
    if subject is not None:
        frame.add("patient" if passive else "agent", subject)
    for child in verb.children:
        if child.dep_ in _OBJECTS and _misparsed_to(child):
            frame.add("prep:to", child)  # "sold B to C" with "to C" parsed as an infinitive
        elif child.dep_ in _OBJECTS:
            frame.add("patient", _relative_head(child))
        elif child.dep_ == "attr":
            frame.add("attr", child)
        elif child.dep_ == "oprd":
            frame.add("attr", child)
    if verb.dep_ == "relcl" and "patient" not in frame.roles and not passive:
        # "the chip A designed": the clause's missing object is the noun it modifies
        if subject is not None and subject.i != verb.head.i:
            frame.add("patient", verb.head)
    for word, obj in prep_objects(verb):
        if word == "by" and passive:
            frame.add("agent", obj)
        elif word == "with" and any(
            c.lower_ == "as" and (c.head.i == obj.i or c.i == obj.right_edge.i + 1)
            for c in [*obj.children, *verb.children]
        ):
            frame.add("prep:with as", obj)  # "set up a board with A as chairman": not a partner
        else:
            frame.add(f"prep:{word}", obj)
    for patient in frame.roles.get("patient", []):
        for child in patient.children:
            if child.dep_ == "poss":
                frame.add("patient:poss", child)  # "built its devices", "Acme's phones"
        for word, obj in prep_objects(patient):
            if word == "of":
                frame.add("patient:of", obj)  # "bought 10% of B", "a stake of B"
            elif word != "by":
                frame.add(f"prep:{word}", obj)
    for child in verb.children:
        if child.dep_ in ("npadvmod", "compound") and child.pos_ == "PROPN":
            frame.add("prep:in", child)  # "the Quebec-based firm"
    particle = _child(verb, {"prt"})
    if particle is not None:
        frame.roles.setdefault("particle", []).append(particle)


def _noun_roles(noun: Token, frame: Frame, lexicon: Lexicon) -> None:
    for child in noun.children:
        if child.dep_ == "poss":
            frame.add("agent", child)
        elif child.dep_ in ("compound", "nmod") and child.pos_ == "PROPN":
            frame.add("modifier", child)  # "the Acme chief executive", "named A chief"
        elif child.dep_ == "appos":
            frame.add("appos", child)  # "Acme's chief executive, A"
        elif child.dep_ == "amod" and child.lower_ in FORMER:
            frame.former = True
    top = noun
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head  # "a partner and supplier to B": the first conjunct's place
    # conjoined nouns share their possessor and their "of": "A's chair and chief executive",
    # "founder and chief executive of B"
    members = [noun, *(m for m in expand(top) if m.i != noun.i)] if noun.pos_ == "NOUN" else [noun]
    for member in members:
        if member.pos_ != "NOUN" and member.i != noun.i:
            continue
        for child in member.children:
            if child.dep_ == "poss" and member.i != noun.i and "agent" not in frame.roles:
                frame.add("agent", child)
        for word, obj in prep_objects(member):
            if member.i != noun.i and word not in ("of", "at", "for"):
                continue
            if member.i != noun.i and (
                ("patient" if word == "of" else f"prep:{word}") in frame.roles
            ):
                continue
            if word == "by":
                frame.add("agent", obj)
            elif word == "of":
                frame.add("patient", obj)
            else:
                frame.add(f"prep:{word}", obj)
    if (
        noun.pos_ == top.pos_ == "PROPN"
        and top.i != noun.i
        and "agent" not in frame.roles
        and not any(c.dep_ == "det" for c in noun.children)  # "A's B and the C": C is not
        and sum(t.dep_ == "cc" for t in noun.doc[top.i : noun.i]) <= 1  # one list
    ):
        for child in top.children:
            if child.dep_ == "poss":
                frame.add("agent", child)  # "Ruritania's A and B": B is Ruritania's too
    head = top.head
    if top.dep_ in ("compound", "amod") and head.pos_ == "PROPN":
        frame.add("subject", head)  # "chief executive A", "supplier B", "rival B"
    elif top.dep_ == "appos":
        frame.add("subject", head)  # "A, a supplier to B"
        frame.add("described", head)
    elif top.dep_ in ("attr", "oprd"):
        # "A is a supplier to B", "A became chief executive", "A was named chief"
        direct = _child(head, _OBJECTS)
        subject, _ = grammatical_subject(head)
        frame.add("subject", direct if direct is not None and top.dep_ == "oprd" else subject)
        frame.add("described", direct if direct is not None and top.dep_ == "oprd" else subject)
    elif top.dep_ == "dobj" and head.lemma_.lower() in lexicon.light:
        subject, passive = grammatical_subject(head)
        if not passive:
            frame.add("subject", subject)  # "A signed a deal with B"
        for word, obj in prep_objects(head):
            frame.add(f"prep:{word}", obj)  # the verb's preposition: "signed a deal with B"
    elif top.dep_ == "pobj" and head.head.pos_ in ("VERB", "AUX"):
        # "A serves as a supplier to B", "A went on sale in C", "A invested for a stake in B",
        # "B named A as its president", "A resigned as chief executive"
        subject, passive = grammatical_subject(head.head)
        direct = _child(head.head, _OBJECTS)
        if head.lower_ == "as" and direct is not None:
            subject, passive = direct, False
        frame.add("patient" if passive and head.lower_ != "as" else "subject", subject)
        if head.lower_ == "as" and head.head.lemma_.lower() in _ENDING:
            frame.former = True
        for word, obj in prep_objects(head.head):
            if obj.i != top.i:
                frame.add(f"prep:{word}", obj)
    elif top.dep_ in ("nsubj", "nsubjpass") and head.lemma_ in _LISTING:
        for child in head.children:
            if child.dep_ in ("attr", "dobj"):
                frame.add("subject", child)  # "its customers include A and B"
        for word, obj in prep_objects(head):
            frame.add(f"prep:{word}", obj)  # "its head office is in C"
