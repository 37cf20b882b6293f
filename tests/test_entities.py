"""Mention finding (kg/mentions/) and linking (kg/link.py), one rule at a time.

Each test runs the real build (:func:`kg.pipeline.extract`, real spaCy model, no default
gazetteer) on a few sentences about invented companies and people, and checks the entities
that come out. The pipeline is loaded once per module.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from kg.corpus import read_documents
from kg.graph import build_graph, entity_iri
from kg.link import link
from kg.namespaces import ENTITY_TYPES, KG, SDO
from kg.pipeline import BuildOptions, extract
from kg.records import Document, Entity, Mention, Observation, Relation, Sentence

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NO_DEFAULT = BuildOptions(use_default_gazetteer=False)

Names = dict[str, tuple[str, tuple[str, ...]]]
Run = Callable[..., tuple[list[Entity], list[Relation]]]


def _document(text: str, doc_id: str = "note.txt") -> Document:
    return Document(
        id=doc_id,
        path=doc_id,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


@pytest.fixture(scope="module")
def run(pipelines: dict[tuple[Any, ...], Any]) -> Run:
    """Entities and relations of one short document."""

    def run(text: str, options: BuildOptions = NO_DEFAULT) -> tuple[list[Entity], list[Relation]]:
        entities, relations, _figures = extract([_document(text)], options)
        return entities, relations

    return run


@pytest.fixture(scope="module")
def names(run: Run) -> Callable[..., Names]:
    """``{name: (type, aliases)}`` of the entities of one short document."""

    def names(text: str, options: BuildOptions = NO_DEFAULT) -> Names:
        entities, _relations = run(text, options)
        return {e.name: (e.type, e.aliases) for e in entities}

    return names


# --- people -------------------------------------------------------------------------------


def test_short_person_names_join_the_full_name(run: Run) -> None:
    entities, _ = run(
        "Jane Doe founded Acme Robotics in 2015. Later, Doe said the company would grow. "
        "We met Ms. Doe in Oslo."
    )
    people = [e for e in entities if e.type == "Person"]
    assert [p.name for p in people] == ["Jane Doe"]
    assert "Doe" in people[0].aliases
    assert len(people[0].mentions) >= 2
    assert not {"Doe", "Ms. Doe"} & {e.name for e in entities}


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Yesterday Priya Raman‘s team shipped the robot.", "Priya Raman"),
        ("The robots of Jane Doe’s company are popular in Norway.", "Jane Doe"),
        # U+2018 as an apostrophe, as in the seeds' "This is Lei Jun‘s letter".
        ("This is Jane Doe‘s letter to all employees at our year-end gala.", "Jane Doe"),
    ],
    ids=["left-quote-as-apostrophe", "right-quote", "left-quote-after-is"],
)
def test_curly_quote_possessive_is_not_part_of_the_name(
    names: Callable[..., Names], text: str, person: str
) -> None:
    found = names(text)
    assert found.get(person, ("",))[0] == "Person", found
    assert not [n for n in found if "‘" in n or "’" in n or n == person.split()[0]], found


def test_naming_alias_in_the_same_sentence(names: Callable[..., Names]) -> None:
    found = names(
        "Hong Wei, better known by his forum name, StarFox, joined Acme Robotics in 2012. "
        "StarFox wrote many posts."
    )
    assert found["Hong Wei"] == ("Person", ("StarFox",))
    assert "StarFox" not in found


def test_naming_alias_in_the_next_sentence(names: Callable[..., Names]) -> None:
    found = names(
        "Maria Lopez is a designer from Warsaw. She is better known among fans as GlowQueen. "
        "GlowQueen posts daily."
    )
    assert found["Maria Lopez"] == ("Person", ("GlowQueen",))
    assert "GlowQueen" not in found


# --- category suffixes and brandless models ----------------------------------------------


def test_category_suffix_joins_the_name(names: Callable[..., Names]) -> None:
    found = names(
        "Acme is based in Pune. Acme was founded in 2010. Buyers say Acme Phones are cheap."
    )
    assert found["Acme"] == ("Organization", ("Acme Phones",))
    assert "Acme Phones" not in found


def test_category_suffix_form_is_never_the_canonical_name(names: Callable[..., Names]) -> None:
    """ "Acme Stores" is Acme (kg/link.py: "Mi Home Stores" is Mi Home), even when the two
    forms are equally frequent."""
    found = names("Acme is based in Pune. Buyers love Acme Stores.")
    assert found.get("Acme") == ("Organization", ("Acme Stores",)), found


def test_category_suffix_stays_when_the_stem_is_no_name(names: Callable[..., Names]) -> None:
    found = names("Acme Phones are cheap in India. Many people buy them.")
    assert "Acme Phones" in found
    assert "Acme" not in found


def test_only_category_suffixes_join_their_stem() -> None:
    """ "Acme Phones" and "POCOPhone" join their stems; "Acme App" and "Zeno Phone" name
    other things."""
    surfaces = [
        ("Acme", "Organization"),
        ("Acme", "Organization"),
        ("Acme Phones", "Organization"),
        ("Acme App", "Product"),
        ("POCO", "Product"),
        ("POCO", "Product"),
        ("POCOPhone", "Product"),
        ("Zeno", "Product"),
        ("Zeno Phone", "Product"),
    ]
    text = "; ".join(s for s, _ in surfaces)
    sentence = Sentence("d", 0, len(text), text)
    mentions, start = [], 0
    for surface, type_ in surfaces:
        end = start + len(surface)
        mentions.append(Mention("d", start, end, surface, type_, "pattern", sentence))
        start = end + 2
    found = {e.name: e.aliases for e in link(mentions).entities}
    assert found == {
        "Acme": ("Acme Phones",),
        "Acme App": (),
        "POCO": ("POCOPhone",),
        "Zeno": (),
        "Zeno Phone": (),  # "Zeno Phone" is a product of its own, as "Zeno App" would be
    }


def test_brandless_model_joins_the_branded_name(names: Callable[..., Names]) -> None:
    found = names(
        "Kestrel Robotics sells the Kestrel Picker 3 in Mexico. "
        "Customers like the Picker 3 because it is fast."
    )
    assert found["Kestrel Picker 3"] == ("Product", ("Picker 3",))
    assert "Picker 3" not in found


def test_brandless_model_with_two_possible_brands_stays_apart(
    names: Callable[..., Names],
) -> None:
    found = names(
        "Kestrel Robotics sells the Kestrel Picker 3 in Mexico. Zentek Mobile sells the Zentek "
        "Picker 3 in Canada. Buyers compare the Picker 3 with other robots."
    )
    for name in ("Kestrel Picker 3", "Zentek Picker 3", "Picker 3"):
        assert found[name] == ("Product", ()), found


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        (
            "Zentek launched the Zen 1 in 2019. A year later Zentek launched the Zen 1S in India.",
            "Zen 1",
            "Zen 1S",
        ),
        ("Orbix launched the Nova X in 2020 and the Nova X 2 in 2021.", "Nova X", "Nova X 2"),
        (
            "Samsung launched the Galaxy S21 in 2021 and the Galaxy S21 Ultra a month later.",
            "Galaxy S21",
            "Galaxy S21 Ultra",
        ),
        (
            "Nordvik Mobile launched the Aurora X2 and the Aurora X2 Pro in Oslo.",
            "Aurora X2",
            "Aurora X2 Pro",
        ),
    ],
    ids=["zen-1s", "nova-x-2", "galaxy-s21-ultra", "aurora-x2-pro"],
)
def test_model_variants_stay_apart(
    names: Callable[..., Names], text: str, short: str, long: str
) -> None:
    found = names(text)
    assert found.get(short) == ("Product", ()), found
    assert found.get(long) == ("Product", ()), found


def test_local_arm_is_its_own_organization_with_a_parent(run: Run) -> None:
    text = (
        "Zentek Mobile was founded in 2012. Zentek Mobile sells phones in India. "
        "Zentek Mobile India shipped 9 million units in 2021."
    )
    entities, relations = run(text)
    found = {e.name: e for e in entities}
    assert found["Zentek Mobile"].type == "Organization"
    assert found["Zentek Mobile India"].type == "Organization"
    assert found["Zentek Mobile India"].kind == "subsidiary"
    assert "Zentek Mobile India" not in found["Zentek Mobile"].aliases
    arm, parent = found["Zentek Mobile India"].key, found["Zentek Mobile"].key
    graph = build_graph([_document(text)], entities, relations)
    assert (entity_iri(arm), SDO.parentOrganization, entity_iri(parent)) in graph


# --- what is never an entity --------------------------------------------------------------


def test_headings_are_never_entities(names: Callable[..., Names]) -> None:
    found = names(
        "Value Proposition\n"
        "Zentek Mobile sells affordable phones in Norway.\n"
        "Key Partnerships\n"
        "Zentek Mobile works with Kestrel Robotics.\n"
    )
    assert {"Zentek Mobile", "Kestrel Robotics", "Norway"} <= set(found)
    assert not [n for n in found if "Proposition" in n or "Partnerships" in n], found


def test_metric_words_and_quantities_are_never_entities(names: Callable[..., Names]) -> None:
    found = names(
        "Zentek Mobile earned RMB 12 billion in Q3 2017. Its AIoT platform connects devices. "
        "Revenue reached $16 bn, or EUR 14 bn."
    )
    assert "Zentek Mobile" in found
    forbidden = {"RMB", "AIoT", "Q3", "Q3 2017", "$16 bn", "16", "EUR", "EUR 14 bn"}
    assert not forbidden & set(found), found


# --- markets ------------------------------------------------------------------------------


def test_demonym_before_market_names_the_country(names: Callable[..., Names]) -> None:
    found = names("Zentek Mobile is the leader in the Indian market.")
    assert found["India"] == ("Market", ("Indian",))
    assert "Indian" not in found


def test_demonym_alone_names_no_market(names: Callable[..., Names]) -> None:
    found = names("Spanish fans love Zentek phones. Zentek Mobile sells phones in Norway.")
    assert "Norway" in found
    assert "Spain" not in found
    assert "Spanish" not in found


# --- context cues -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "type_"),
    [
        (
            "The Centre Pompidou added the Zentek phone to its design collection in 2019.",
            "Centre Pompidou",
            "Organization",
        ),
        ("Zentek phones are displayed at the Centre Pompidou.", "Centre Pompidou", "Organization"),
        ("The fans are Alazne, 17, a science student; Izadi, 20, a student.", "Izadi", "Person"),
        (
            "Jorge: I bought my first phone in 2016.\nJorge: It still works after six years.",
            "Jorge",
            "Person",
        ),
        ("Jorge: I bought my first phone in 2016.", "Jorge", "Person"),
        (
            "Zentek launched MiTalk, the mobile messaging app by Zentek, in 2010.",
            "MiTalk",
            "Product",
        ),
        (
            "Zentek launched ZenChat, the mobile messaging app by Zentek, in 2010.",
            "ZenChat",
            "Product",
        ),
        ("Fans gathered at an event called “Mi Pop” in Madrid.", "Mi Pop", "Event"),
        ("Lumen fans gathered at an event called “Glow Night” in Warsaw.", "Glow Night", "Event"),
        (
            "According to Canalys, Zentek Mobile held a 4.1% market share in Norway.",
            "Canalys",
            "Organization",
        ),
        ("Kestrel Robotics listed on the Nasdaq on June 2, 2021.", "Nasdaq", "Organization"),
        (
            "Nordvik Mobile, the Norwegian smartphone maker, unveiled a phone in Oslo.",
            "Nordvik Mobile",
            "Organization",
        ),
    ],
    ids=[
        "org-head-subject",
        "org-head-after-at",
        "person-age",
        "speaker-lines",
        "speaker-one-line",
        "product-apposition",
        "product-apposition-invented",
        "event-called",
        "event-called-invented",
        "research-firm",
        "exchange",
        "org-apposition",
    ],
)
def test_context_cue_gives_the_type(
    names: Callable[..., Names], text: str, name: str, type_: str
) -> None:
    found = names(text)
    assert found.get(name, ("",))[0] == type_, found


def test_place_before_listed_on_stays_a_market(names: Callable[..., Names]) -> None:
    found = names(
        "Kestrel Robotics, a warehouse automation company based in Austin, Texas, listed on the "
        "Nasdaq in 2021."
    )
    assert found["Texas"][0] == "Market"
    assert found["Austin"][0] == "Market"
    assert found["Kestrel Robotics"][0] == "Organization"
    assert found["Nasdaq"][0] == "Organization"


def test_national_body_is_one_organization(names: Callable[..., Names]) -> None:
    found = names("Zentek Mobile passed the tests of the China Quality Committee in 2015.")
    assert found["China Quality Committee"] == ("Organization", ())
    assert "China" not in found
    assert "Quality Committee" not in found


# --- model-name shapes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Reviewers compared the phone with the Galaxy S21 Ultra last week.", "Galaxy S21 Ultra"),
        ("Reviewers compared the phone with the P50 Pro last week.", "P50 Pro"),
        (
            "Reviewers compared the phone with the iPhone 12 Pro Max last week.",
            "iPhone 12 Pro Max",
        ),
        ("The phone runs on the Kirin 9000 chipset.", "Kirin 9000"),
        ("The phone runs on the Snapdragon 888 chipset.", "Snapdragon 888"),
        ("The phone runs on the Exynos 1080 chipset.", "Exynos 1080"),
        ("Nordvik Mobile unveiled the Aurora X2 Pro in Oslo.", "Aurora X2 Pro"),
    ],
)
def test_model_name_shapes_are_products(names: Callable[..., Names], text: str, name: str) -> None:
    found = names(text)
    assert found.get(name, ("",))[0] == "Product", found


# --- gazetteers ---------------------------------------------------------------------------


def test_user_gazetteer_alias_merges_two_names(names: Callable[..., Names], tmp_path: Path) -> None:
    text = "Maria Lopez designs lamps in Warsaw. Every fan on the forum follows GlowQueen closely."
    assert {"Maria Lopez", "GlowQueen"} <= set(names(text))
    gazetteer = tmp_path / "people.jsonl"
    row = {"type": "Person", "name": "Maria Lopez", "aliases": ["GlowQueen"]}
    gazetteer.write_text(json.dumps(row) + "\n", encoding="utf-8")
    options = BuildOptions(use_default_gazetteer=False, gazetteers=(gazetteer,))
    found = names(text, options)
    assert found["Maria Lopez"] == ("Person", ("GlowQueen",))
    assert "GlowQueen" not in found


@pytest.fixture(scope="module")
def seeds_without_gazetteer(
    pipelines: dict[tuple[Any, ...], Any],
) -> tuple[list[Document], list[Entity], list[Relation], list[Observation]]:
    documents = read_documents([SEEDS])
    entities, relations, figures = extract(documents, NO_DEFAULT)
    return documents, entities, relations, figures


def test_seeds_build_without_the_default_gazetteer(
    seeds_without_gazetteer: tuple[list[Document], list[Entity], list[Relation], list[Any]],
) -> None:
    documents, entities, relations, figures = seeds_without_gazetteer
    assert {e.type for e in entities} == set(ENTITY_TYPES)
    texts = {d.id: d.text for d in documents}
    for entity in entities:
        assert entity.mentions, entity
        for m in entity.mentions:
            assert texts[m.doc_id][m.start : m.end] == m.text
    keys = {e.key for e in entities}
    assert len(keys) == len(entities)
    assert relations
    for relation in relations:
        assert relation.subject in keys
        assert not isinstance(relation.object, str) or relation.object in keys
    graph = build_graph(documents, entities, relations, figures)
    typed = {s for t in ENTITY_TYPES for s in graph.subjects(RDF.type, KG[t])}
    assert typed == {entity_iri(k) for k in keys}


def test_seed_headings_are_not_entities(
    seeds_without_gazetteer: tuple[list[Document], list[Entity], list[Relation], list[Any]],
) -> None:
    _documents, entities, _relations, _figures = seeds_without_gazetteer
    labels = {e.name for e in entities} | {a for e in entities for a in e.aliases}
    assert not {"Value Proposition", "Key Partnerships"} & labels


# --- stable identifiers -------------------------------------------------------------------


def test_same_text_gives_the_same_entity_keys(run: Run) -> None:
    text = (
        "Kestrel Robotics was co-founded by Priya Raman in 2017. Priya Raman is the CEO of "
        "Kestrel Robotics. The Kestrel Picker 3 is sold in Mexico."
    )
    first, relations = run(text)
    second, _ = run(text)
    assert [e.key for e in first] == [e.key for e in second]
    keys = {e.key for e in first}
    assert {"organization/kestrel-robotics", "person/priya-raman", "market/mexico"} <= keys
    subjects = {
        s
        for s in build_graph([_document(text)], first, relations).subjects()
        if isinstance(s, URIRef)
    }
    assert {entity_iri(k) for k in keys} <= subjects


def _mentions(surfaces: list[tuple[str, str, str]], gap: str = "; ") -> list[Mention]:
    """Mentions of (surface, type, source) in one sentence, ``gap`` between each."""
    text = gap.join(s for s, _, _ in surfaces)
    sentence = Sentence("d", 0, len(text), text)
    mentions, start = [], 0
    for surface, type_, source in surfaces:
        end = start + len(surface)
        mentions.append(Mention("d", start, end, surface, type_, source, sentence))
        start = end + len(gap)
    return mentions


def _linked(surfaces: list[tuple[str, str, str]]) -> dict[str, str]:
    return {e.name: e.type for e in link(_mentions(surfaces)).entities}


def test_the_models_places_that_no_place_list_knows_weigh_little() -> None:
    """The model tags "Zentrix's" as a country five times, a cue once calls it a company:
    a company. "Lyon", on the place lists, stays a place whatever the votes."""
    found = _linked(
        [("Zentrix", "Market", "ner")] * 5
        + [("Zentrix", "Organization", "cue")]
        + [("Lyon", "Market", "ner")] * 3
        + [("Lyon", "Organization", "ner")]
    )
    assert found == {"Zentrix": "Organization", "Lyon": "Market"}


def test_an_acronym_joins_by_initials_only_a_name_of_its_own_type() -> None:
    """ "NRF" the research firm is not the event "Nordic Robot Fair" whose initials spell
    it; "RFI" joins "Robot Futures Institute", a firm as it is."""
    surfaces = [
        ("NRF", "Organization", "pattern"),
        ("Nordic Robot Fair", "Event", "ner"),
        ("RFI", "Organization", "ner"),
        ("Robot Futures Institute", "Organization", "ner"),
    ]
    mentions = _mentions(surfaces, " ... ")  # far apart: no "Name (ACRONYM)"
    found = {e.name: (e.type, e.aliases) for e in link(mentions).entities}
    assert found == {
        "NRF": ("Organization", ()),
        "Nordic Robot Fair": ("Event", ()),
        "Robot Futures Institute": ("Organization", ("RFI",)),
    }
