"""Generate a company-news corpus of any size from the seeds and the development corpus.

Sentences of the source texts (``seeds/*.txt`` and, when present, ``../shared/devcorpus/*.txt``
beside the repository, read at run time) are recombined into files of about 400 words: runs of
consecutive sentences of one source make paragraphs, a heading line opens most files and now
and then a paragraph. Names are substituted so that entities multiply as in a real corpus:
capitalized runs of the sources are found without a model (a run whose words the sources also
write in lower case is no name; months, places, demonyms and acronyms stay) and typed cheaply
(a digit: a product; a company suffix: an organization; a title or "said" beside it: a
person; else an organization). In each file every source name gets an invented one, drawn
from a pool per type that grows with the corpus (about ``words ** 0.75``) with a Zipf-like
frequency, so a few names recur in many files and most are rare; within a file the same
source name keeps its invented name (a person's surname alone too).

The same ``--words`` and ``--seed`` give the same bytes. A folder that already holds this
size and seed (its stamp file, ``.corpus.json``, says so) is left as it is.

    python benchmarks/corpus.py --words 250k --out /tmp/bench/c250k
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import parse_size  # noqa: E402

__all__ = [
    "FILE_WORDS",
    "STAMP",
    "Source",
    "count_words",
    "ensure_corpus",
    "file_name",
    "generate",
    "load_sources",
]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DEVCORPUS = REPO.parent / "shared" / "devcorpus"
#: The stamp file of a generated folder: size, seed, sources and generator version.
STAMP = ".corpus.json"
#: Bump when the output of the same size and seed changes.
VERSION = 1
#: Mean words per file.
FILE_WORDS = 400

# ---------------------------------------------------------------------- words that are no names

MONTHS = (
    "January February March April May June July August September October November December"
).split()
#: Abbreviated months: no name beside a number or before a period ("25 Apr", "Feb. 21"),
#: a name elsewhere (a given name "Jan", a surname "Jun").
SHORT_MONTHS = frozenset("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split())
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
PLACES = (
    "Africa America Americas Asia Europe Oceania Antarctica Arctic Atlantic Pacific "
    "Argentina Australia Austria Bangladesh Belgium Brazil Canada Chile China Colombia Denmark "
    "Egypt Ethiopia Finland France Germany Ghana Greece Hungary India Indonesia Iran Iraq "
    "Ireland Israel Italy Japan Kenya Korea Malaysia Mexico Morocco Netherlands Nigeria Norway "
    "Pakistan Peru Philippines Poland Portugal Romania Russia Rwanda Singapore Spain Sweden "
    "Switzerland Taiwan Tanzania Thailand Turkey Uganda Ukraine Vietnam Britain England "
    "Scotland Wales Beijing Shanghai Shenzhen Guangzhou Hong Kong Tokyo Seoul Delhi Mumbai "
    "Bangalore Bengaluru Nairobi Lagos Cairo London Paris Berlin Munich Amsterdam Madrid "
    "Barcelona Rome Milan Stockholm Helsinki Oslo Copenhagen Dublin Zurich Geneva Moscow "
    "Dubai Sydney Melbourne Toronto Vancouver Chicago Boston Seattle Austin Texas California "
    "Washington York Francisco Silicon Valley Las Vegas Angeles Jakarta Manila Hanoi Bangkok "
    "Kuala Lumpur Taipei Hsinchu Wuhan Hangzhou Chengdu Nanjing Xiamen Kyiv Warsaw Prague "
    "Vienna Brussels Lisbon Athens Istanbul Riyadh Johannesburg Cape Town Kampala Kigali "
    "Europe Asia-Pacific Latin Middle East West North South Southeast Northeast Mainland "
    "Western Eastern Northern Southern Central Greater United States Kingdom Union Nations "
    "Emirates Arabia San Santa Jose Diego Abu Dhabi Sri Lanka Zealand Republic"
).split()
DEMONYMS = (
    "American Americans African Asian Australian Brazilian British Canadian Chinese Dutch "
    "Egyptian European Finnish French German Indian Indonesian Irish Israeli Italian Japanese "
    "Kenyan Korean Malaysian Mexican Nigerian Norwegian Pakistani Polish Russian Singaporean "
    "Spanish Swedish Swiss Taiwanese Thai Turkish Ukrainian Vietnamese English Western "
    "Eastern Nordic Scandinavian Latin Arab Arabic Hindi Mandarin Cantonese Swahili"
).split()
#: Capitalized words that open or join clauses, titles and honorifics: never part of a name.
FUNCTION = (
    "A An The This That These Those It Its We Our Us I You Your He She His Her They Their "
    "In On At For And But Or Nor As By With From To Of Into Over Under After Before Since "
    "When While If Then Than So Yet Also Still Even Only Just Not No Yes All Both Each Every "
    "Some Many Most More Less Other Another Such What Which Who Whom Whose Why How Where "
    "Here There Today Yesterday Tomorrow Now Meanwhile However Moreover Although Though "
    "According Mr Ms Mrs Dr Prof Sir Madam Chief Executive Officer President Chairman "
    "Chairwoman Founder Director Vice Senior General Manager Head Minister Analyst "
    "Q1 Q2 Q3 Q4 Inc Corp Ltd Co Plc LLC Rs Rp Board Committee Council Commission "
    "Government Parliament Congress Senate Court Department Ministry"
).split()
#: Last words that make a run a company's name ("Acme Technologies"); kept after substitution.
ORG_SUFFIXES = frozenset(
    (
        "Inc Corp Corporation Ltd Limited Company Co Group Holdings Holding Technologies "
        "Technology Tech Electronics Systems Labs Laboratories Bank Motors Semiconductor "
        "Semiconductors Mobile Telecom Telecommunications Communications Networks Capital "
        "Partners Research Ventures Foundation University Institute Industries Solutions "
        "Software Devices Media Pharma Energy Airlines Automotive Robotics Insights Analytics "
        "Securities Exchange Association Alliance Consortium Studios Games Plc AG SE SA"
    ).split()
)
#: Last words of product names ("Orbo 7 Pro"), not of company names.
PRODUCT_TIERS = frozenset("Pro Ultra Max Plus Lite Mini Note Fold Flip Edge Air SE".split())
#: Common given names: a run opening with one is a person ("Jane Doe"), alone a given name.
GIVEN = frozenset(
    (
        "Aaron Adam Alan Albert Alex Alexander Alice Amanda Amy Andrew Angela Anna Anne Anthony "
        "Arthur Barbara Ben Benjamin Bill Bob Brian Carl Carlos Carol Catherine Charles Chris "
        "Christine Christopher Claire Daniel David Deborah Dennis Diana Diego Donald Edward "
        "Elizabeth Emily Emma Eric Eva Frank Fred Gary George Grace Greg Hannah Harry Helen "
        "Henry Ian Jack Jacob James Jane Jason Jean Jeff Jennifer Jessica Jim Joe John Jonathan "
        "Jorge Jose Joseph Juan Julia Karen Kate Kevin Laura Linda Lisa Luis Manuel Maria Mark "
        "Martin Mary Matt Matthew Michael Michelle Mike Nancy Nick Olivia Pablo Patrick Paul "
        "Peter Philip Rachel Raul Richard Robert Ryan Sam Sarah Scott Sean Simon Sophie Stephen "
        "Steve Steven Susan Thomas Tim Tom Tony Victor Walter William Ahmed Ali Amit Anil "
        "Deepak Fatima Hassan Mohamed Mohammed Priya Rahul Raj Ravi Sanjay Sunil Wei Ming Hui "
        "Yan Ling Hiroshi Takeshi Yuki Akira Jin Kenji Olga Ivan Dmitri Grace Joy Kofi Kwame "
        "Amina Wanjiru"
    ).split()
)
NO_NAME = frozenset(MONTHS + DAYS + PLACES + DEMONYMS + FUNCTION)

#: Words before a person's name ("chief executive X", "said X").
PERSON_BEFORE = re.compile(
    r"(?:\b(?:ceo|cfo|cto|coo|founder|co-founder|cofounder|chairman|chairwoman|chair|president|"
    r"executive|officer|director|analyst|minister|spokesperson|spokesman|spokeswoman|manager|"
    r"engineer|professor|head|mr\.?|ms\.?|mrs\.?|dr\.?|said|says|told|according to|by)"
    r"[\s,]*)$",
    re.IGNORECASE,
)
#: Words after a person's name ("X said", "X, who", "X, the chief ...").
PERSON_AFTER = re.compile(
    r"^(?:[’']s\b.{0,20}\b(?:said|told)|,? (?:said|says|told|added|explained|wrote|noted)\b|"
    r", who\b|, (?:the |its |our )?(?:chief|founder|co-founder|ceo|chairman|president|head))",
    re.IGNORECASE,
)

RUN = re.compile(r"(?<![\w&+])[A-Z][\w&+]*(?: [A-Z0-9][\w&+]*)*")
ADDRESS = re.compile(r"\S*(?:\w\.[a-z]{2,}\b|@|://)\S*")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
ABBREVIATIONS = frozenset(
    "mr ms mrs dr prof st no vs inc corp co ltd jr sr u.s e.g i.e approx est fig jan feb mar "
    "apr jun jul aug sep sept oct nov dec".split()
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
YEAR = re.compile(r"(?:19|20)\d\d")


# ---------------------------------------------------------------------- reading the sources


@dataclass(frozen=True)
class Slot:
    """A name in a source sentence: its kind, the key that keeps it one entity in a file,
    and a company suffix or product tier to keep ("Corporation", "Pro")."""

    kind: str  # "person", "surname", "given", "org", "product"
    key: str
    suffix: str = ""


Part = str | Slot


@dataclass
class Source:
    """The material: sentences of each source text as parts (text and name slots), and
    heading lines; ``digest`` fingerprints the texts read."""

    documents: list[list[list[Part]]]
    headings: list[list[Part]]
    digest: str


def _sentences(line: str) -> list[str]:
    """A line cut into sentences, not after an abbreviation ("Mr.", "Feb.", "Inc.")."""
    pieces: list[str] = []
    start = 0
    for match in SENTENCE_END.finditer(line):
        before = line[start : match.start()].rstrip('"”’)')
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        if last.rstrip(".").lower() in ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)+", last):
            continue
        pieces.append(line[start : match.start()].strip() + line[match.start() : match.end()])
        start = match.end()
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


def _is_heading(line: str) -> bool:
    return len(line.split()) <= 12 and not line.rstrip().endswith((".", "!", "?", ":", ";", ","))


class _Namer:
    """Finds and types the names of the source texts (built from all of them first)."""

    def __init__(self, texts: Sequence[str]) -> None:
        lower: set[str] = set()
        for text in texts:
            text = ADDRESS.sub(" ", text)  # "acme.com" does not make "Acme" a common word
            lower.update(w for w in WORD.findall(text) if w.islower())
        self.lower = frozenset(lower)
        self.people: set[str] = set()
        for text in texts:
            for line in text.splitlines():
                for start, end, tokens in self._runs(line, 0):
                    name = " ".join(tokens)
                    if 2 <= len(tokens) <= 3 and all(t.isalpha() for t in tokens):
                        if PERSON_BEFORE.search(line[max(0, start - 40) : start]) or (
                            PERSON_AFTER.match(line[end : end + 40])
                        ):
                            self.people.add(name)
        self.surnames = frozenset(p.split()[-1] for p in self.people)
        self.given = GIVEN | {p.split()[0] for p in self.people}

    def _name_word(self, token: str) -> bool:
        return (
            token not in NO_NAME
            and not (len(token) <= 4 and sum(c.isupper() for c in token) >= 2)  # IoT, TVs
            and token.lower() not in self.lower
            and not (token.isupper() and token.isalpha())  # acronyms: AI, CEO, IDC
            and not YEAR.fullmatch(token)
        )

    def _runs(self, sentence: str, first: int) -> Iterator[tuple[int, int, list[str]]]:
        """(start, end, tokens) of each name run; ``first`` is where the sentence's first word
        starts (a capital there proves nothing)."""
        for match in RUN.finditer(sentence):
            if sentence[match.end() : match.end() + 1] in ("-", "’", "'") and (
                sentence[match.end() + 1 : match.end() + 2] not in ("s", "")
            ):
                continue  # "Acme-based", "Wi-Fi": a word, not a name
            tokens = match.group().split(" ")
            offsets = []
            at = match.start()
            for token in tokens:
                offsets.append(at)
                at += len(token) + 1
            current: list[int] = []
            for index, token in enumerate(tokens):
                name = self._name_word(token) and not (
                    offsets[index] == first and token.lower() in self.lower
                )
                if token in SHORT_MONTHS and (
                    (index and tokens[index - 1][0].isdigit())
                    or (index + 1 < len(tokens) and tokens[index + 1][0].isdigit())
                    or (index + 1 == len(tokens) and sentence[match.end() : match.end() + 1] == ".")
                ):
                    name = False
                if token[0].isdigit():
                    name = bool(current) and not YEAR.fullmatch(token)
                elif not name and current and (token in ORG_SUFFIXES or token in PRODUCT_TIERS):
                    name = True
                if name:
                    current.append(index)
                    continue
                if current:
                    yield self._span(tokens, offsets, current)
                current = []
            if current:
                yield self._span(tokens, offsets, current)

    @staticmethod
    def _span(
        tokens: list[str], offsets: list[int], indices: list[int]
    ) -> tuple[int, int, list[str]]:
        words = [tokens[i] for i in indices]
        start = offsets[indices[0]]
        return start, offsets[indices[-1]] + len(words[-1]), words

    def parts(self, sentence: str) -> list[Part]:
        """The sentence as text and name slots."""
        lead = len(sentence) - len(sentence.lstrip("\"“‘'( "))
        parts: list[Part] = []
        done = 0
        for start, end, tokens in self._runs(sentence, lead):
            slot = self._slot(tokens)
            if slot is None:
                continue
            parts.append(sentence[done:start])
            parts.append(slot)
            done = end
        parts.append(sentence[done:])
        return [p for p in parts if p != ""]

    def _slot(self, tokens: list[str]) -> Slot | None:
        name = " ".join(tokens)
        if tokens[0][0].isdigit():
            return None
        if any(any(c.isdigit() for c in t) for t in tokens[1:]) or (
            len(tokens) > 1 and tokens[-1] in PRODUCT_TIERS
        ):
            return Slot("product", name)
        if len(tokens) > 1 and tokens[-1] in ORG_SUFFIXES:
            return Slot("org", " ".join(tokens[:-1]), tokens[-1])
        if name in self.people:
            return Slot("person", name)
        if 2 <= len(tokens) <= 3 and tokens[0] in self.given and name.replace(" ", "").isalpha():
            return Slot("person", name)
        if len(tokens) == 1 and name in self.surnames:
            return Slot("surname", name)
        if len(tokens) == 1 and name in self.given:
            return Slot("given", name)
        if len(tokens) == 1 and (tokens[0] in ORG_SUFFIXES or tokens[0] in PRODUCT_TIERS):
            return None
        return Slot("org", name)


def _source_files(with_devcorpus: bool) -> tuple[list[Path], str]:
    files = sorted(SEEDS.glob("*.txt"))
    note = ""
    if with_devcorpus:
        dev = sorted(DEVCORPUS.glob("*.txt"))
        if dev:
            files += dev
        else:
            note = f"no development corpus at {DEVCORPUS}: the seeds only"
    if not files:
        raise SystemExit(f"no source texts: {SEEDS}/*.txt is empty")
    return files, note


def _digest(files: Sequence[Path]) -> str:
    """A fingerprint of the source texts (names and bytes)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def load_sources(with_devcorpus: bool = True) -> Source:
    """The sentences and headings of the source texts, with their names as slots."""
    files, _ = _source_files(with_devcorpus)
    texts = [f.read_text(encoding="utf-8-sig").replace("\r\n", "\n") for f in files]
    namer = _Namer(texts)
    documents: list[list[list[Part]]] = []
    headings: list[list[Part]] = []
    for text in texts:
        sentences: list[list[Part]] = []
        for raw in text.splitlines():
            line = " ".join(raw.split())
            if not any(c.isalpha() for c in line):
                continue
            if _is_heading(line):
                headings.append(namer.parts(line))
                continue
            for sentence in _sentences(line):
                if 4 <= len(sentence.split()) <= 70:
                    parts = namer.parts(sentence)
                    sentences.append(parts)
        if sentences:
            documents.append(sentences)
    return Source(documents, headings, _digest(files))


# ---------------------------------------------------------------------- invented names

FIRST = (
    "Ada Adrian Aiko Alana Amara Anders Anika Arjun Asha Aurelio Bea Bilal Bruno Camila Chen "
    "Chiara Dalia Damon Darius Elif Elena Emeka Esra Ewan Farah Felix Freya Goran Hana Hiro "
    "Idris Ilse Imani Ines Ivo Jalen Jana Jun Kai Kamala Kenji Kira Lars Leila Lena Luca Lucia "
    "Malik Mara Marek Mateo Mei Mila Milan Nadia Naveen Nia Nikos Nora Omar Oren Oskar Pia "
    "Priya Quinn Rafael Rania Ravi Rosa Sade Samir Sana Sergei Sofia Soren Tariq Tessa Theo "
    "Tomas Uma Vera Viktor Wen Xia Yara Yusuf Zane Zara Zoe"
).split()
LAST = (
    "Abara Achterberg Adeyemi Alvarado Amsel Arkwright Balogun Bergstrom Brandt Castellan "
    "Cerny Dahlberg Delacroix Demir Ekwueme Falk Farrow Fenwick Galvan Grunewald Halloran "
    "Haddad Holmqvist Ibarra Ishikawa Jovanovic Kagame Kaltenbach Karimi Kovacs Lindqvist "
    "Lowry Maddox Marchetti Mbeki Moreau Nakagawa Navarro Nyberg Okafor Olander Ortega Paredes "
    "Petrov Quayle Rahimi Rasmussen Renner Rossi Saarinen Salazar Sandoval Sato Serrano "
    "Sorensen Strand Takeda Tamura Thorne Toivonen Umarov Valdez Varga Vasquez Wainwright "
    "Wexler Whitlock Yamada Yilmaz Zeller Zhou Zielinski"
).split()
ONSETS = "b br c ch d dr f g gr k kl l m n p pr qu r s sk st t tr v w z".split()
VOWELS = "a e i o u ai ea io ou y".split()
CODAS = ("", "", "", "n", "r", "x", "l", "s", "m", "nd", "rk", "lt", "v", "th")
TIERS = ("", "", "", "", "Pro", "Ultra", "Lite", "Max", "Plus", "Mini")
#: Pool size per type, as a share of ``POOL_SCALE * words ** POOL_EXPONENT``.
POOL_SHARES = {"person": 0.35, "org": 0.35, "product": 0.30}
POOL_SCALE = 1.0
POOL_EXPONENT = 0.75
#: Zipf exponent of name frequencies: the name of rank r is drawn with weight r ** -ZIPF.
ZIPF = 1.0


def _word(rng: random.Random, syllables: int) -> str:
    text = "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + (rng.choice(CODAS) if i == syllables - 1 else "")
        for i in range(syllables)
    )
    return text.capitalize()


def _pool(kind: str, size: int, seed: int) -> list[str]:
    """``size`` distinct invented names of a kind; a bigger pool starts with the same names."""
    rng = random.Random(f"{seed}:{kind}")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < size:
        if kind == "person":
            last = rng.choice(LAST) if rng.random() < 0.4 else _word(rng, rng.choice((2, 2, 3)))
            name = f"{rng.choice(FIRST)} {last}"
        elif kind == "org":
            name = _word(rng, rng.choice((2, 2, 3)))
        else:
            series = _word(rng, 2)
            code = (
                str(rng.randint(1, 99))
                if rng.random() < 0.6
                else (rng.choice("ACGKMNRSTXZ") + str(rng.randint(2, 90)))
            )
            tier = rng.choice(TIERS)
            name = " ".join(filter(None, (series, code, tier)))
        if name not in seen and name not in NO_NAME:
            seen.add(name)
            names.append(name)
    return names


class _Names:
    """Pools of invented names with Zipf-like draws."""

    def __init__(self, words: int, seed: int, rng: random.Random) -> None:
        total = POOL_SCALE * max(words, 1000) ** POOL_EXPONENT
        self.rng = rng
        self.pools: dict[str, list[str]] = {}
        self.weights: dict[str, list[float]] = {}
        for kind, share in POOL_SHARES.items():
            size = max(20, round(share * total))
            self.pools[kind] = _pool(kind, size, seed)
            self.weights[kind] = list(accumulate((r + 1) ** -ZIPF for r in range(size)))

    def draw(self, kind: str) -> str:
        weights = self.weights[kind]
        index = bisect(weights, self.rng.random() * weights[-1])
        return self.pools[kind][min(index, len(weights) - 1)]


# ---------------------------------------------------------------------- writing files


def _render(parts: list[Part], names: _Names, mapping: dict[tuple[str, str], str]) -> str:
    """A sentence with its names replaced: the same source name, the same invented one within
    a file (``mapping``), and a surname alone gives the surname of the person it named."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part.kind in ("surname", "given"):
            person = mapping.get((part.kind, part.key))
            if person is None:
                person = mapping[(part.kind, part.key)] = names.draw("person")
            first, last = person.split(" ", 1)
            out.append(last if part.kind == "surname" else first)
        else:
            name = mapping.get((part.kind, part.key))
            if name is None:
                name = mapping[(part.kind, part.key)] = names.draw(part.kind)
                if part.kind == "person":  # the surname or given name alone: the same person
                    mapping.setdefault(("surname", part.key.rsplit(" ", 1)[-1]), name)
                    mapping.setdefault(("given", part.key.split(" ", 1)[0]), name)
            out.append(f"{name} {part.suffix}" if part.suffix else name)
    return "".join(out)


def count_words(text: str) -> int:
    return len(text.split())


def _documents(source: Source, words: int, seed: int) -> Iterator[str]:
    """The texts of the files, about ``words`` words in all."""
    rng = random.Random(seed)
    names = _Names(words, seed, rng)
    files = max(1, round(words / FILE_WORDS))
    budgets = [rng.uniform(0.6, 1.4) for _ in range(files)]
    scale = words / sum(budgets)
    sizes = [len(d) for d in source.documents]
    cumulative = list(accumulate(sizes))
    written = 0
    for number, budget in enumerate(budgets, 1):
        target = round(budget * scale) if number < files else max(words - written, 40)
        mapping: dict[tuple[str, str], str] = {}
        blocks: list[str] = []
        count = 0
        if source.headings and rng.random() < 0.75:
            blocks.append(_render(rng.choice(source.headings), names, mapping))
            count += count_words(blocks[-1])
        used: set[tuple[int, int]] = set()  # no passage twice in a file
        body = False
        doc = pos = -1
        while count < target:
            if doc < 0 or pos >= sizes[doc] or (doc, pos) in used or rng.random() < 0.35:
                for _ in range(20):
                    doc = bisect(cumulative, rng.randrange(cumulative[-1]))
                    pos = rng.randrange(sizes[doc])
                    if (doc, pos) not in used:
                        break
            if body and source.headings and rng.random() < 0.08:
                blocks.append(_render(rng.choice(source.headings), names, mapping))
                count += count_words(blocks[-1])
            sentences: list[str] = []
            for _ in range(rng.randint(1, 5)):
                if pos >= sizes[doc] or (sentences and (doc, pos) in used):
                    break
                sentence = _render(source.documents[doc][pos], names, mapping)
                length = count_words(sentence)
                if body and count + length / 2 > target:  # the file is as long as it gets
                    target = count
                    break
                sentences.append(sentence)
                used.add((doc, pos))
                count += length
                body = True
                pos += 1
            if sentences:
                blocks.append(" ".join(sentences))
        written += count
        yield "\n\n".join(blocks) + "\n"


def file_name(number: int) -> str:
    return f"doc-{number:06d}.txt"


def generate(
    out: Path, words: int, seed: int = 42, *, with_devcorpus: bool = True
) -> tuple[int, int]:
    """Write the corpus into ``out`` (its ``doc-*.txt`` files replaced); (files, words)."""
    _check_outside_repo(out)
    source = load_sources(with_devcorpus)
    out.mkdir(parents=True, exist_ok=True)
    (out / STAMP).unlink(missing_ok=True)
    for old in out.glob("doc-*.txt"):
        old.unlink()
    files = total = 0
    for files, text in enumerate(_documents(source, words, seed), 1):
        (out / file_name(files)).write_text(text, encoding="utf-8")
        total += count_words(text)
    stamp = _stamp(words, seed, source.digest) | {"files": files, "written_words": total}
    (out / STAMP).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return files, total


def _stamp(words: int, seed: int, digest: str) -> dict[str, object]:
    return {"words": words, "seed": seed, "sources": digest, "version": VERSION}


def _check_outside_repo(out: Path) -> None:
    resolved = out.resolve()
    if resolved == REPO or REPO in resolved.parents:
        raise SystemExit(f"{out}: inside the repository; write the corpus elsewhere (/tmp/bench)")


def read_stamp(out: Path) -> dict[str, object] | None:
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def ensure_corpus(
    out: Path, words: int, seed: int = 42, *, with_devcorpus: bool = True, quiet: bool = False
) -> tuple[int, int]:
    """The corpus of this size and seed in ``out``, generated unless its stamp matches;
    (files, words). A missing development corpus is noted on stderr, and so is the
    generation unless ``quiet``."""
    _check_outside_repo(out)
    files, note = _source_files(with_devcorpus)
    if note:
        print(f"note: {note}", file=sys.stderr)
    digest = _digest(files)
    stamp = read_stamp(out)
    if stamp and all(stamp.get(k) == v for k, v in _stamp(words, seed, digest).items()):
        return int(str(stamp["files"])), int(str(stamp["written_words"]))
    started = time.perf_counter()
    result = generate(out, words, seed, with_devcorpus=with_devcorpus)
    if not quiet:
        seconds = time.perf_counter() - started
        print(
            f"generated {out}: {result[0]:,} files, {result[1]:,} words in {seconds:.1f} s",
            file=sys.stderr,
        )
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=parse_size, required=True, help="e.g. 250k, 1M, 10M")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--no-devcorpus", action="store_true", help="the seeds only, not ../shared/devcorpus"
    )
    args = parser.parse_args(argv)
    if args.words < 1:
        parser.error("--words must be at least 1")
    before = read_stamp(args.out)
    started = time.perf_counter()
    files, words = ensure_corpus(
        args.out, args.words, args.seed, with_devcorpus=not args.no_devcorpus, quiet=True
    )
    seconds = time.perf_counter() - started
    if before == read_stamp(args.out):
        print(f"{args.out} already holds this corpus: {files:,} files, {words:,} words")
    else:
        print(f"wrote {args.out}: {files:,} files, {words:,} words in {seconds:.1f} s")


if __name__ == "__main__":
    main()
