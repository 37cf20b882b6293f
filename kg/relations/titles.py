"""Role titles between a person and an organization written as a chain of words ("A, founder
and chief executive of B", "B Founder and CEO A"), with titles as data (``rules/roles.json``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.records import Chunk, Relation
from kg.relations.context import _Context, _evidence
from kg.resources import read_json

if TYPE_CHECKING:
    from spacy.tokens import Span


@cache
def _roles() -> dict[str, Any]:
    """The titles table, with every beginning of every title (``prefixes``), to skip words no
    title starts with."""
    roles = dict(read_json("rules/roles.json"))
    roles["prefixes"] = frozenset(
        title[:k] for title in roles["titles"] for k in range(1, len(title) + 1)
    )
    return roles


def _find_titles(sent: Span, at: dict[int, str], roles: dict[str, Any]) -> list[tuple[int, int]]:
    """Token spans of role titles in a sentence, longest first, with title-case modifiers of
    generic titles ("Community Management Lead")."""
    titles: dict[str, str] = roles["titles"]
    prefixes: frozenset[str] = roles["prefixes"]
    doc = sent.doc
    found: list[tuple[int, int]] = []
    i = sent.start
    while i < sent.end:
        if doc[i].lower_ not in prefixes:  # no title starts with this word
            i += 1
            continue
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
