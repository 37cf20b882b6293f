"""Mentions and their types (kg.mentions), issue 10 item 2: each rule on an invented sentence.

Names are invented (Orbo, Zentra, Kestrel ...); places are real, since the place lists are.
Built without the default gazetteer, so that the rules, not the known names, do the typing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import PackError
from kg.mentions.names import keep
from kg.mentions.places import place
from kg.mentions.shapes import legal_form, model_number
from kg.packs import available_packs, locate_pack, pack_files
from kg.pipeline import BuildOptions, extract
from kg.records import Document

NO_DEFAULT = BuildOptions(use_default_gazetteer=False)
Names = dict[str, tuple[str, str]]


def _document(text: str) -> Document:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(id="note.txt", path="note.txt", text=text, sha256=digest)


@pytest.fixture(scope="module")
def names(pipelines: dict[tuple[Any, ...], Any]) -> Callable[..., Names]:
    """``{name: (type, kind)}`` of the entities of one short document."""

    def names(text: str, options: BuildOptions = NO_DEFAULT) -> Names:
        entities, _relations, _figures = extract([_document(text)], options)
        return {e.name: (e.type, e.kind) for e in entities}

    return names


def _type(found: Names, name: str) -> str:
    return found.get(name, ("", ""))[0]


# --- model names of every common shape are products ---------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Reviewers liked the Zentra K40 more than last year's model.", "Zentra K40"),
        ("The budget ZORB T201 sold out within a week.", "ZORB T201"),
        ("Shoppers queued for the Zentra1 outside the store.", "Zentra1"),
        ("Its new Orbo X9 Pro ships in May.", "Orbo X9 Pro"),
        ("The laptop runs on the Orbo 8 Gen 3 processor.", "Orbo 8 Gen 3"),
        ("The tablet uses the K5 Max chip.", "K5 Max"),
        ("The ORB 4070 Ti sells for less than its rival.", "ORB 4070 Ti"),
        ("Reviewers compared the Zentra S9 Ultra with the Zentra S9 FE.", "Zentra S9 FE"),
        ("Critics praised the Zentra™ S9 Lite for its battery.", "Zentra S9 Lite"),
        ("Kestrel said the X70 would replace older models.", "X70"),
        ("Kestrel bundles OrboOS 14 with every laptop.", "OrboOS 14"),
        ("The camera uses Kestrel's KX800 sensor.", "KX800"),
        ("Its successor will be the Vela Ultra, due next year.", "Vela Ultra"),
    ],
)
def test_model_names_are_products(names: Callable[..., Names], text: str, name: str) -> None:
    found = names(text)
    assert _type(found, name) == "Product", found


def test_a_known_product_name_grows_by_a_capitalized_word(
    names: Callable[..., Names], tmp_path: Path
) -> None:
    gazetteer = tmp_path / "names.jsonl"
    gazetteer.write_text(json.dumps({"type": "Product", "name": "Zentra"}) + "\n")
    options = BuildOptions(use_default_gazetteer=False, gazetteers=(gazetteer,))
    found = names("Shoppers pay with Zentra Wallet in Lyon.", options)
    assert _type(found, "Zentra Wallet") == "Product", found


def test_models_listed_after_a_found_one_are_products(names: Callable[..., Names]) -> None:
    """ "the Zen 5, Zen 5+ and Zen 5 Ultra": the model finds the first, the line finds the rest."""
    found = names("Vexa Mobile unveiled the Zen 5, Zen 5+ and Zen 5 Ultra on Monday.")
    assert {n for n, (t, _) in found.items() if t == "Product"} >= {
        "Zen 5",
        "Zen 5+",
        "Zen 5 Ultra",
    }


def test_a_lone_model_suffix_is_no_name(names: Callable[..., Names]) -> None:
    found = names("Kestrel sells the Zentra S9 Ultra. The Ultra is priced at $999.")
    assert "Ultra" not in found
    assert _type(found, "Zentra S9 Ultra") == "Product"


def test_model_number_shape() -> None:
    assert model_number("X70") and model_number("MX300X")
    assert not model_number("Q3") and not model_number("FY24") and not model_number("Zentra")


# --- never entities ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "In April, Kestrel Robotics said sales rose in the third quarter.",
        "Monday: Kestrel Robotics opens the show with a keynote.",
        "Kestrel Robotics, whose shares trade under the ticker KSTR, grew.",
        "Kestrel Robotics (Nasdaq: KSTR) grew faster than expected.",
        "The Zentra K40 has a 120 Hz screen, 12 GB of memory and a 5000 mAh battery.",
    ],
)
def test_months_weekdays_quarters_tickers_and_units_are_never_entities(
    names: Callable[..., Names], text: str
) -> None:
    found = names(text)
    for word in ("April", "Monday", "KSTR", "Hz", "GB", "mAh", "Q3"):
        assert word not in found, found


def test_calendar_and_unit_words_are_no_names() -> None:
    assert not keep("September", "ner") and not keep("Friday", "rule")
    assert not keep("GHz", "ner") and not keep("Q4 2023", "ner")


def test_a_one_word_label_before_a_colon_is_no_speaker(names: Callable[..., Names]) -> None:
    found = names("Verdict: Zentra makes the better phone this year.")
    assert "Verdict" not in found


def test_a_one_word_speaker_who_speaks_is_a_person(names: Callable[..., Names]) -> None:
    found = names("Marisol: I bought my first Zentra phone in 2019.")
    assert _type(found, "Marisol") == "Person"


# --- events ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kestrel showed its robots at Orbo Expo 2025 in Lyon.", "Orbo Expo 2025"),
        ("Kestrel unveiled the phone at its Zentra Live event in Lyon.", "Zentra Live"),
        ("Kestrel first showed the robot at its Made by Kestrel event.", "Made by Kestrel"),
        ("Since Kestrel Robotics's IPO in 2019, the shares have doubled.", "Kestrel Robotics IPO"),
        ("Sales at Kestrel doubled on Black Friday.", "Black Friday"),
        ("Orbo Unveiled, the launch event, drew a crowd in Lyon.", "Orbo Unveiled"),
    ],
)
def test_shows_keynotes_offerings_and_holidays_are_events(
    names: Callable[..., Names], text: str, name: str
) -> None:
    found = names(text)
    assert _type(found, name) == "Event", found


def test_a_greeting_is_no_event(names: Callable[..., Names]) -> None:
    assert "New Year" not in names("Happy New Year! Kestrel Robotics wishes you well.")


def test_an_event_name_holds_no_other_mention(names: Callable[..., Names]) -> None:
    found = names("Kestrel first showed the robot at its Made by Kestrel event.")
    assert "Made" not in found


# --- organizations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Shoppers bought the phone on Zorbix.com during the sale.", "Zorbix.com"),
        ("The robot is made by Kestrel Inc. in Ohio.", "Kestrel Inc"),
        ("Zentrix, a Lyon-based startup, makes drones.", "Zentrix"),
        ("The chips come from Ruritania's Orbix, which makes memory.", "Orbix"),
        ("Drones are also sold by the fashion retailer Zalvo in Lyon.", "Zalvo"),
        ("Prices rose, according to Zentara, whose survey covered shipments.", "Zentara"),
        ("Kestrel Robotics, led by Mara Quint, raised money.", "Kestrel Robotics"),
        ("In 2020 the robot maker was sold to Orbo Limited for $2 billion.", "Orbo Limited"),
        ("Shares of Orbo Cloud rose after Orbo Cloud said profits doubled.", "Orbo Cloud"),
        ("Zelvo Kenya's parent, Zelvo Africa, is listed in London.", "Zelvo Africa"),
        ("Kalvio is now the biggest mobile carrier in the region.", "Kalvio"),
    ],
)
def test_organizations_from_their_cues(names: Callable[..., Names], text: str, name: str) -> None:
    found = names(text)
    assert _type(found, name) == "Organization", found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Rivals launched their own wallet, Quickpay, in 2021.", "Quickpay"),
        (
            "It is the first phone to run Orion Nano, the smallest of Vantel's Orion models.",
            "Orion Nano",
        ),
        ("Zapcash, the phone-based payment app, has millions of users.", "Zapcash"),
    ],
)
def test_products_from_their_descriptions(
    names: Callable[..., Names], text: str, name: str
) -> None:
    """An apposition names what a name is, after it or before it; "phone-based" is no place."""
    found = names(text)
    assert _type(found, name) == "Product", found


def test_a_web_address_does_not_make_a_name_a_common_word(names: Callable[..., Names]) -> None:
    found = names(
        "Zorvik, the Danish maker of e-bikes, today announced the Zorvik 2. It is sold through"
        " zorvik.com and selected shops."
    )
    assert _type(found, "Zorvik") == "Organization", found


def test_a_repeated_name_before_a_country_names_the_local_arm(names: Callable[..., Names]) -> None:
    """The model finds "Zentel" once; where it is found again by repetition, "Zentel
    Ethiopia" is still one organization, not Zentel followed by Ethiopia."""
    found = names(
        "Zentel grew fast in Kenya. Zentel's local subsidiary, Zentel Ethiopia, switched on its"
        " network in 2022."
    )
    assert _type(found, "Zentel Ethiopia") == "Organization", found


def test_the_longest_name_wins_over_a_known_name_inside_it(
    names: Callable[..., Names], tmp_path: Path
) -> None:
    gazetteer = tmp_path / "names.jsonl"
    gazetteer.write_text(json.dumps({"type": "Organization", "name": "Zentra"}) + "\n")
    options = BuildOptions(use_default_gazetteer=False, gazetteers=(gazetteer,))
    found = names("Zentra Mobility sells phones, and Zentra Bell Labs designs them.", options)
    assert _type(found, "Zentra Mobility") == "Organization", found
    assert _type(found, "Zentra Bell Labs") == "Organization", found
    assert "Mobility" not in found


def test_a_legal_form_keeps_the_company(names: Callable[..., Names], tmp_path: Path) -> None:
    gazetteer = tmp_path / "names.jsonl"
    gazetteer.write_text(json.dumps({"type": "Organization", "name": "Zentra"}) + "\n")
    options = BuildOptions(use_default_gazetteer=False, gazetteers=(gazetteer,))
    found = names("Zentra Oyj makes phones. Zentra sells them in Lyon.", options)
    assert _type(found, "Zentra") == "Organization", found
    assert "Zentra Oyj" not in found


def test_legal_forms() -> None:
    assert legal_form("Inc.") and legal_form("Co., Ltd.") and not legal_form("Labs")


# --- products from cues ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In 2004 Kestrel launched Zolvo, a way to pay on the marketplace.", "Zolvo"),
        ("The phones were later sold under the Zentix brand.", "Zentix"),
        ("The firm showed a new platform called Quorra in March.", "Quorra"),
        ("Kestrel launched Zembla, the mobile messaging app, in 2012.", "Zembla"),
        ("Kestrel phones run Vela OS, its own software.", "Vela OS"),
    ],
)
def test_products_from_their_cues(names: Callable[..., Names], text: str, name: str) -> None:
    found = names(text)
    assert _type(found, name) == "Product", found


def test_a_person_based_somewhere_stays_a_person(names: Callable[..., Names]) -> None:
    found = names("We spoke with Maren Holt, a Lyon-based analyst who follows chips.")
    assert _type(found, "Maren Holt") == "Person", found


def test_a_language_is_no_product(names: Callable[..., Names]) -> None:
    found = names("The fans launched English and Portuguese versions of the Zentra app.")
    assert "English" not in found


# --- places ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kestrel Robotics opened a factory in Rotterdam last year.", "Rotterdam"),
        ("Kestrel Robotics builds robots in the state of Karnataka.", "Karnataka"),
        ("ROTTERDAM – Kestrel Robotics opened a factory.", "Rotterdam"),
        ("Kestrel Robotics, a Rotterdam-based maker, hires engineers.", "Rotterdam"),
        ("Kestrel Robotics sells robots to Uruguay and Paraguay.", "Uruguay"),
        ("Kestrel Robotics moved staff to its Rotterdam headquarters.", "Rotterdam"),
        ("Kestrel Robotics grew fastest in Southeast Asia.", "Southeast Asia"),
    ],
)
def test_places_from_the_place_lists(names: Callable[..., Names], text: str, name: str) -> None:
    found = names(text)
    assert _type(found, name) == "Market", found


def test_a_small_place_needs_a_place_role() -> None:
    nokia = place("Nokia")  # a town in Finland, and a company
    assert nokia is not None and nokia.kind == "city" and nokia.population < 1_000_000
    tamil_nadu = place("Tamil Nadu")
    assert tamil_nadu is not None and tamil_nadu.kind == "region"
    assert place("Kestrelton") is None


# --- packs -------------------------------------------------------------------------------


def test_the_consumer_electronics_pack_is_packaged_and_on_by_default() -> None:
    assert "consumer-electronics" in available_packs()
    assert BuildOptions().packs == ("consumer-electronics",)
    assert [p.name for p in pack_files(("consumer-electronics",), "*.jsonl")] == ["patterns.jsonl"]


def test_an_unknown_pack_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no pack 'nope'"):
        locate_pack("nope")
    assert locate_pack(tmp_path) == tmp_path


def test_pack_chip_families_type_chipsets(names: Callable[..., Names]) -> None:
    text = "The Zentra K40 is powered by the Snapdragon 888 chipset."
    assert names(text).get("Snapdragon 888", ("", ""))[1] == "chipset"
    no_pack = BuildOptions(use_default_gazetteer=False, packs=())
    assert names(text, no_pack).get("Snapdragon 888", ("", ""))[1] != "chipset"


def test_a_pack_folder_adds_its_patterns(names: Callable[..., Names], tmp_path: Path) -> None:
    pack = tmp_path / "robots"
    pack.mkdir()
    row = {"label": "PRODUCT", "pattern": [{"LOWER": "quillbot"}], "id": "kind=robot"}
    (pack / "patterns.jsonl").write_text(json.dumps(row) + "\n")
    options = BuildOptions(use_default_gazetteer=False, packs=(str(pack),))
    found = names("Kestrel sells quillbot to warehouses.", options)
    assert found.get("quillbot") == ("Product", "robot"), found


def test_cli_pack_options(tmp_path: Path) -> None:
    runner = CliRunner()
    note = tmp_path / "note.txt"
    note.write_text("Kestrel Robotics opened a factory in Rotterdam.\n", encoding="utf-8")
    out = str(tmp_path / "out")
    unknown = runner.invoke(cli, ["build", str(note), "--out", out, "--pack", "nope"])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().splitlines()[-1].startswith("Error: no pack 'nope'")
    both = runner.invoke(cli, ["build", str(note), "--out", out, "--pack", "x", "--no-pack"])
    assert both.exit_code == 2
    done = runner.invoke(cli, ["build", str(note), "--out", out, "--no-pack", "--no-html"])
    assert done.exit_code == 0, done.output


def test_trim_drops_a_leading_adjective_and_a_trailing_currency() -> None:
    """A name's span as the model may give it: "new Zentra 5", "Kestrel Labs for Rs"; a
    name ending in "of" is kept for the place after it to join."""
    from kg.mentions.names import trim
    from kg.nlp import _load_model

    nlp = _load_model(None)
    doc = nlp("The new Zentra 5 came out as Kestrel Labs for Rs 500 bought the Authority of.")
    words = [t.text for t in doc]

    def span(first: str, last: str) -> str:
        found = trim(doc[words.index(first) : words.index(last) + 1])
        return found.text if found is not None else ""

    assert span("new", "5") == "Zentra 5"
    assert span("Kestrel", "Rs") == "Kestrel Labs"
    assert span("Authority", "of") == "Authority of"
