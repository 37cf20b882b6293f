"""References inside a document (kg/relations/references.py): "the company", "it", "she".

First the resolver on its own (:class:`References` over hand-made mentions, and
:func:`reference_of` over hand-built spaCy docs, no model), then through the real build on
invented sentences (``invented`` fixture, tests/conftest.py) whose relations need a reference
resolved. Sentences resolved wrongly today are ``xfail(strict=True)`` with what comes out.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy
from spacy.tokens import Doc

from kg.records import Relation
from kg.relations.references import WINDOW, Reference, References, reference_of

Invented = Callable[..., list[Relation]]
Triple = tuple[str, str, str]

ACME, GLOBEX, INITECH = "organization/acme", "organization/globex", "organization/initech"
ZEN, JANE = "product/zen-2", "person/jane-doe"
TYPES = {
    ACME: "Organization",
    GLOBEX: "Organization",
    INITECH: "Organization",
    ZEN: "Product",
    JANE: "Person",
}
COMPANY = Reference("the company", ("Organization",), generic=True)
MAKER = Reference("the maker", ("Organization",))
IT = Reference("it", ("Organization", "Product"), pronoun=True)
SHE = Reference("she", ("Person",), pronoun=True)


def gap(reason: str) -> pytest.MarkDecorator:
    """A reference resolved wrongly today (issue 10): the test documents the gap."""
    return pytest.mark.xfail(strict=True, reason=reason)


def _refs(*mentions: tuple[int, int, str, bool], home: str = "") -> References:
    refs = References(TYPES, home)
    for mention in mentions:
        refs.add(*mention)
    return refs


# --- the resolver on its own ------------------------------------------------------------------

# "Acme sued Globex in May. The company ..." : offsets of an invented two-sentence text
SUED = ((0, 4, ACME, True), (10, 16, GLOBEX, False))


def test_subject_of_an_earlier_sentence_wins_over_a_later_mention() -> None:
    assert _refs(*SUED).resolve(COMPANY, 30, sentence_start=26) == ACME


def test_without_a_subject_the_nearest_mention_wins() -> None:
    refs = _refs((0, 4, ACME, False), (10, 16, GLOBEX, False))
    assert refs.resolve(COMPANY, 30, sentence_start=26) == GLOBEX


def test_the_subject_of_the_nearest_sentence_wins() -> None:
    refs = _refs(*SUED, (30, 37, INITECH, True))
    assert refs.resolve(COMPANY, 50, sentence_start=45) == INITECH


def test_type_decides_between_candidates() -> None:
    refs = _refs((0, 8, JANE, True), (15, 19, ACME, False), (25, 30, ZEN, False))
    assert refs.resolve(SHE, 40, sentence_start=35) == JANE
    assert refs.resolve(COMPANY, 40, sentence_start=35) == ACME
    assert refs.resolve(Reference("the phone", ("Product",)), 40, sentence_start=35) == ZEN


def test_it_takes_an_organization_before_a_product_and_a_product_when_alone() -> None:
    assert (
        _refs((0, 4, ACME, True), (15, 20, ZEN, False)).resolve(IT, 30, sentence_start=25) == ACME
    )
    assert _refs((0, 5, ZEN, True)).resolve(IT, 30, sentence_start=25) == ZEN


def test_a_pronoun_takes_the_subject_before_it_in_its_own_sentence() -> None:
    # "Acme bought Globex after its ...": "its" is Acme's, not the nearer Globex's
    refs = _refs((0, 4, ACME, True), (12, 18, GLOBEX, False))
    assert refs.resolve(IT, 25, sentence_start=0) == ACME


def test_a_description_skips_names_in_its_own_clause() -> None:
    # "Initech grew. Globex bought the company." : not Globex, whose clause it is in
    refs = _refs((0, 7, INITECH, True), (14, 20, GLOBEX, True))
    assert refs.resolve(COMPANY, 28, sentence_start=14, clause=(14, 40)) == INITECH


def test_a_description_takes_a_name_before_it_outside_its_clause() -> None:
    # "Globex said the company would ...": the clause starts at "the company"
    refs = _refs((0, 6, GLOBEX, True))
    assert refs.resolve(COMPANY, 12, sentence_start=0, clause=(12, 40)) == GLOBEX


def test_nothing_after_the_reference_and_nothing_avoided() -> None:
    refs = _refs((40, 44, ACME, True))
    assert refs.resolve(COMPANY, 30, sentence_start=25) == ""
    assert _refs(*SUED).resolve(COMPANY, 30, avoid=ACME, sentence_start=26) == GLOBEX


def test_mentions_beyond_the_window_are_forgotten() -> None:
    refs = _refs((0, 4, ACME, True))
    assert refs.resolve(COMPANY, WINDOW, sentence_start=WINDOW - 5) == ACME
    assert refs.resolve(COMPANY, WINDOW + 10, sentence_start=WINDOW + 5) == ""


def test_only_a_generic_description_falls_back_to_the_documents_organization() -> None:
    refs = _refs(home=ACME)
    assert refs.resolve(COMPANY, 30, sentence_start=25) == ACME
    assert refs.resolve(MAKER, 30, sentence_start=25) == ""
    assert refs.resolve(IT, 30, sentence_start=25) == ""
    assert refs.resolve(SHE, 30, sentence_start=25) == ""


def test_a_description_of_an_event_falls_back_to_the_event_the_document_reports_on() -> None:
    refs = References({**TYPES, "event/fair": "Event"}, event="event/fair")
    show = Reference("the show", ("Event",))
    assert refs.resolve(show, 5000, sentence_start=4990) == "event/fair"
    assert refs.resolve(Reference("it", ("Event",), pronoun=True), 5000) == ""


# --- what a token refers with -----------------------------------------------------------------

NOUNS = {"company": "Organization", "firm": "Organization", "maker": "Organization"}
NOUNS |= {"phone": "Product"}


def _doc(rows: list[tuple[str, str, str, str, int]]) -> Doc:
    """A parsed doc by hand: (word, pos, tag, dep, head index) per token."""
    words, pos, tags, deps, heads = zip(*rows, strict=True)
    return Doc(
        spacy.blank("en").vocab,
        words=list(words),
        pos=list(pos),
        tags=list(tags),
        deps=list(deps),
        heads=list(heads),
    )


def test_a_plural_description_takes_a_list_of_names_of_its_size() -> None:
    """ "Acme sued Globex and Initech. The two companies ...": the list, when its size fits."""
    refs = _refs(*SUED, (21, 28, INITECH, False))
    refs.sentence(0)
    refs.lists.append((10, [GLOBEX, INITECH]))
    refs.sentence(30)
    assert refs.group("Organization", 34, 2) == [GLOBEX, INITECH]
    assert refs.group("Organization", 34, 0) == [GLOBEX, INITECH]
    assert refs.group("Organization", 34, 3) == [ACME, GLOBEX, INITECH]  # the sentence's names
    assert refs.group("Organization", 34, 4) == []
    assert refs.group("Product", 34) == []


def test_reference_of_a_pronoun() -> None:
    doc = _doc([("It", "PRON", "PRP", "nsubj", 1), ("grew", "VERB", "VBD", "ROOT", 1)])
    assert reference_of(doc[0], NOUNS) == Reference("It", IT.types, pronoun=True)
    doc = _doc([("She", "PRON", "PRP", "nsubj", 1), ("spoke", "VERB", "VBD", "ROOT", 1)])
    assert reference_of(doc[0], NOUNS) == Reference("She", ("Person",), pronoun=True)


def test_reference_of_a_definite_description() -> None:
    doc = _doc(
        [
            ("The", "DET", "DT", "det", 3),
            ("Bergen-based", "ADJ", "JJ", "amod", 3),
            ("phone", "NOUN", "NN", "compound", 3),
            ("maker", "NOUN", "NN", "nsubj", 4),
            ("grew", "VERB", "VBD", "ROOT", 4),
        ]
    )
    assert reference_of(doc[3], NOUNS) == Reference(
        "The Bergen-based phone maker", ("Organization",), kind="phone maker"
    )
    doc = _doc(
        [("the", "DET", "DT", "det", 1), ("firm", "NOUN", "NN", "nsubj", 2)]
        + [("grew", "VERB", "VBD", "ROOT", 2)]
    )
    assert reference_of(doc[1], NOUNS) == Reference("the firm", ("Organization",), generic=True)
    doc = _doc(
        [("its", "PRON", "PRP$", "poss", 1), ("phone", "NOUN", "NN", "nsubj", 2)]
        + [("sold", "VERB", "VBD", "ROOT", 2)]
    )
    assert reference_of(doc[1], NOUNS) == Reference("its phone", ("Product",))


@pytest.mark.parametrize(
    "rows",
    [
        [("a", "DET", "DT", "det", 1), ("company", "NOUN", "NN", "nsubj", 2)],
        [("the", "DET", "DT", "det", 1), ("companies", "NOUN", "NNS", "nsubj", 2)],
        [("the", "DET", "DT", "det", 1), ("robot", "NOUN", "NN", "nsubj", 2)],
        [("Acme", "PROPN", "NNP", "compound", 1), ("Robotics", "PROPN", "NNP", "nsubj", 2)],
    ],
    ids=["indefinite", "plural", "not-a-referring-noun", "a-name"],
)
def test_no_reference(rows: list[tuple[str, str, str, str, int]]) -> None:
    doc = _doc([*rows, ("grew", "VERB", "VBD", "ROOT", 2)])
    assert reference_of(doc[1], NOUNS) is None


# --- through the build ------------------------------------------------------------------------


def _resolved(relations: list[Relation], triple: Triple) -> Relation:
    found = [r for r in relations if (r.subject, r.predicate, str(r.object)) == triple]
    assert found, (
        f"no {triple} in {sorted((r.subject, r.predicate, str(r.object)) for r in relations)}"
    )
    return found[0]


def _resolved_from(relation: Relation) -> str:
    return next((str(v) for k, v in relation.qualifiers if k == "kg:resolvedFrom"), "")


PARENT_OF_INITECH = "schema:parentOrganization"


@pytest.mark.parametrize(
    ("text", "triple", "words"),
    [
        (
            "Acme Robotics makes robots. The company acquired Initech in 2019.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            "company",
        ),
        (
            "Acme Robotics makes robots. The firm acquired Initech in 2019.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            "firm",
        ),
        (
            "Jane Doe founded Acme Robotics in 2015. The company was later acquired by Globex.",
            ("Acme Robotics", PARENT_OF_INITECH, "Globex"),
            "company",
        ),
        (
            "Acme Robotics makes robots. The Bergen-based maker acquired Initech.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            "Bergen-based maker",
        ),
        (
            "Acme Robotics unveiled the Zen 2. The phone uses the Orbit 700.",
            ("Zen 2", "kg:poweredBy", "Orbit 700"),
            "phone",
        ),
    ],
    ids=["the-company", "the-firm", "passive", "based-maker", "the-phone"],
)
def test_description_resolves_to_the_earlier_entity_of_its_type(
    text: str, triple: Triple, words: str, invented: Invented
) -> None:
    relation = _resolved(invented(text), triple)
    assert words in _resolved_from(relation)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Acme Robotics sued Globex in May. The company later acquired Initech.",
            "Acme Robotics",
        ),
        pytest.param(
            "Globex was sued by Acme Robotics in May. The firm later acquired Initech.",
            "Globex",
        ),
        (
            "Acme Robotics makes robots. Globex was sued in May. The company acquired Initech.",
            "Globex",
        ),
    ],
    ids=["active", "passive", "nearest-subject"],
)
def test_description_prefers_the_subject_over_a_later_mention(
    text: str, expected: str, invented: Invented
) -> None:
    parents = {
        r.object
        for r in invented(text)
        if r.predicate == PARENT_OF_INITECH and r.subject == "Initech"
    }
    assert parents == {expected}


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        pytest.param(
            "Initech makes robots. Globex acquired the firm in 2019.",
            ("Initech", PARENT_OF_INITECH, "Globex"),
        ),
        pytest.param(
            "Acme Robotics makes robots. The company said Globex would acquire the firm.",
            ("Acme Robotics", PARENT_OF_INITECH, "Globex"),
        ),
        (
            "Globex said the company would acquire Acme Robotics.",
            ("Acme Robotics", PARENT_OF_INITECH, "Globex"),
        ),
    ],
    ids=["object-of-the-clause", "reported-clause", "outside-its-clause"],
)
def test_description_never_stands_for_a_name_in_its_own_clause(
    text: str, triple: Triple, invented: Invented
) -> None:
    relation = _resolved(invented(text), triple)
    assert _resolved_from(relation)


@pytest.mark.parametrize(
    ("text", "triple", "words"),
    [
        (
            "Acme Robotics makes robots. It acquired Initech in 2019.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            "It",
        ),
        (
            # the product is nearer, but only an organization acquires
            "Acme Robotics unveiled the Zen 2 in May. It also acquired Initech.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            "It",
        ),
        (
            "The Zen 2 sold well in May. It features the Orbit 700.",
            ("Zen 2", "kg:poweredBy", "Orbit 700"),
            "It",
        ),
        (
            "Acme Robotics makes robots. Its chief executive, Jane Doe, spoke.",
            ("Acme Robotics", "kg:ceo", "Jane Doe"),
            "Its",
        ),
        (
            "Acme Robotics makes robots. Its rival, Globex, is larger.",
            ("Acme Robotics", "kg:competitor", "Globex"),
            "Its",
        ),
        pytest.param(
            "Acme Robotics unveiled the Zen 2 in May. It uses the Orbit 700.",
            ("Zen 2", "kg:poweredBy", "Orbit 700"),
            "It",
        ),
        pytest.param(
            "Acme Robotics makes robots. Globex acquired it in 2019.",
            ("Acme Robotics", PARENT_OF_INITECH, "Globex"),
            "it",
        ),
        (  # "it" takes the name before it in its sentence, and "its" then follows "it"
            "Globex sells robots. Initech said it would bring the app to its own Zen 2.",
            ("Initech", "kg:launched", "Zen 2"),
            "its",
        ),
    ],
    ids=[
        "it-org",
        "it-org-not-nearer-product",
        "it-product",
        "its-title",
        "its-rival",
        "it-product-after-org",
        "it-object",
        "it-then-its-in-one-sentence",
    ],
)
def test_it_and_its_resolve_by_what_the_rule_needs(
    text: str, triple: Triple, words: str, invented: Invented
) -> None:
    assert _resolved_from(_resolved(invented(text), triple)) == words


@pytest.mark.parametrize(
    ("text", "triple", "words"),
    [
        (
            "Jane Doe spoke in May. She joined Globex in 2019.",
            ("Jane Doe", "schema:worksFor", "Globex"),
            "She",
        ),
        (
            "John Smith studied in Oslo. He joined Globex in 2019.",
            ("John Smith", "schema:worksFor", "Globex"),
            "He",
        ),
        (
            "Jane Doe studied in Oslo. She founded Acme Robotics in 2015.",
            ("Acme Robotics", "schema:founder", "Jane Doe"),
            "She",
        ),
        (
            # the organization in between is no candidate for "she"
            "Acme Robotics hired Jane Doe. She later joined Globex.",
            ("Jane Doe", "schema:worksFor", "Globex"),
            "She",
        ),
    ],
    ids=["she", "he", "she-founded", "skips-the-organization"],
)
def test_he_and_she_resolve_to_a_person(
    text: str, triple: Triple, words: str, invented: Invented
) -> None:
    assert _resolved_from(_resolved(invented(text), triple)) == words


def test_she_never_stands_for_an_organization(invented: Invented) -> None:
    got = invented("Acme Robotics makes robots. She founded it with John Smith.")
    assert not [r for r in got if r.predicate == "schema:founder"]


def test_resolved_relation_keeps_its_sentence_and_costs_confidence(invented: Invented) -> None:
    named = _resolved(
        invented("Acme Robotics makes robots. Acme Robotics acquired Initech."),
        ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
    )
    resolved = _resolved(
        invented("Acme Robotics makes robots. It acquired Initech."),
        ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
    )
    assert _resolved_from(named) == ""
    assert _resolved_from(resolved) == "It"
    assert resolved.evidence.sentence == "It acquired Initech."
    assert resolved.evidence.confidence < named.evidence.confidence


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        pytest.param(
            "Acme Robotics makes robots. The company was founded by Jane Doe in 2015.",
            ("Acme Robotics", "schema:founder", "Jane Doe"),
        ),
        pytest.param(
            "The Zen 2 is fast. It is powered by the Orbit 700.",
            ("Zen 2", "kg:poweredBy", "Orbit 700"),
        ),
    ],
    ids=["token-rule-description", "token-rule-pronoun"],
)
def test_every_resolved_relation_says_so(text: str, triple: Triple, invented: Invented) -> None:
    assert _resolved_from(_resolved(invented(text), triple))


# --- chronicle lines with no subject ----------------------------------------------------------

#: Three mentions make Acme Robotics the organization the document is about.
HOME = "Acme Robotics makes robots. Acme Robotics is growing. Acme Robotics hired staff.\n"


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        (
            HOME + "In 2007, opened a factory in Norway.",
            ("Acme Robotics", "kg:operatesIn", "Norway"),
        ),
        pytest.param(
            HOME + "In 2009, acquired Initech.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            marks=gap(
                "only sites ('opened a factory in') take the document's organization on a "
                "line with no subject: nothing comes out"
            ),
        ),
        pytest.param(
            HOME + "2009: acquired Initech.",
            ("Initech", PARENT_OF_INITECH, "Acme Robotics"),
            marks=gap("a timeline line 'YEAR: verb object' gives nothing"),
        ),
        pytest.param(
            "Acme Robotics was founded in Bergen in 1990.\nIn 2007, opened a factory in Norway.",
            ("Acme Robotics", "kg:operatesIn", "Norway"),
            marks=gap(
                "a company history that names its company once has no document "
                "organization (three mentions needed): nothing comes out"
            ),
        ),
    ],
    ids=["opened-in", "acquired", "timeline", "named-once"],
)
def test_chronicle_line_without_a_subject_is_the_documents_organization(
    text: str, triple: Triple, invented: Invented
) -> None:
    relation = _resolved(invented(text), triple)
    assert _resolved_from(relation) == "(the document's organization)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Vexa Mobile unveiled the Zen 5, Zen 5+ and Zen 5 Ultra, its first flagship phones,"
            " and said Zen AI was the reason to buy. The three phones were shown at the Lyon"
            " Tech Summit.",
            {"Zen 5", "Zen 5+", "Zen 5 Ultra"},
        ),
        (
            "Vexa Mobile unveiled the Zen 5 and the Zen 6 on Monday. The three phones were"
            " shown at the Lyon Tech Summit.",
            set(),
        ),
    ],
    ids=["list-of-three", "count-does-not-fit"],
)
def test_a_plural_description_stands_for_the_names_listed_before(
    text: str, expected: set[str], invented: Invented
) -> None:
    launched_at = {r.subject for r in invented(text) if r.predicate == "kg:launchedAt"}
    assert launched_at == expected
