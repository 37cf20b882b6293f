"""Write a synthetic graph in the shape of a ``kg build`` as N-Triples, deterministic by seed.

The shape follows ``docs/graph.md`` and ``kg/graph.py``: the ontology; documents; typed
entities (one class, ``rdfs:label``, ``skos:altLabel`` aliases, ``kg:kind``, ``kg:mention``s
with ``kg:document``/``kg:start``/``kg:end``/``kg:text``); relations as a direct triple (kg:
super-properties materialized) plus one ``rdf:Statement`` per stating sentence
(``rdf:subject``/``rdf:predicate``/``rdf:object``, ``prov:wasDerivedFrom``, ``kg:sentence``,
``kg:start``/``kg:end``, ``kg:rule``, ``kg:confidence``, sometimes ``kg:date``/``kg:title``
qualifiers); prices as ``schema:Offer`` nodes; figures as ``kg:Observation`` nodes. The mix is
close to the seed build (about 50 triples per entity, 4-5 mentions per entity, 1.3 relations
per entity).

Every triple is distinct, so a store loaded from the file holds exactly ``--triples`` triples
(the last unit is cut short to hit the number). The same seed and size give the same bytes.

    python benchmarks/generate.py --triples 1000000 --out /tmp/bench/g1m.nt
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
SDO = "https://schema.org/"
KG = "https://w3id.org/kg/ontology#"
KGR = "https://w3id.org/kg/id/"

TYPES = ("Person", "Organization", "Product", "Market", "Event")
#: Relative number of entities of each type (as in the seed build, roughly).
TYPE_WEIGHTS = (19, 32, 50, 23, 7)
KINDS: dict[str, tuple[str, ...]] = {
    "Person": ("executive", "fan", "analyst", "engineer"),
    "Organization": ("company", "research firm", "stock exchange", "university", "subsidiary"),
    "Product": ("phone", "chipset", "tablet", "app", "operating system", "product line"),
    "Market": ("country", "city", "region"),
    "Event": ("launch", "conference", "listing", "award"),
}
#: Probability that an entity of a type has a kg:kind.
KIND_P = {"Person": 0.2, "Organization": 0.8, "Product": 0.7, "Market": 0.9, "Event": 0.9}

#: Relation predicates: (CURIE, subject type, object type, relative weight, rule ids).
RELATIONS: tuple[tuple[str, str, str, int, tuple[str, ...]], ...] = (
    ("schema:founder", "Organization", "Person", 2, ("founder-passive", "founder-active")),
    ("kg:coFounder", "Organization", "Person", 1, ("cofounder-apposition",)),
    ("kg:ceo", "Organization", "Person", 2, ("ceo-title", "role-org-title-person")),
    ("kg:role", "Organization", "Person", 3, ("role-org-title-person", "role-title-of-org")),
    ("schema:worksFor", "Person", "Organization", 4, ("works-for", "joined-org")),
    ("schema:alumniOf", "Person", "Organization", 1, ("alumni-of",)),
    ("kg:launched", "Organization", "Product", 8, ("launch-active", "launch-passive")),
    ("schema:manufacturer", "Product", "Organization", 2, ("maker-before-product",)),
    ("kg:launchedAt", "Product", "Event", 3, ("launched-at-event",)),
    ("kg:poweredBy", "Product", "Product", 3, ("powered-by-passive", "powered-by-active")),
    ("kg:productLine", "Product", "Product", 4, ("product-line-of", "series-member")),
    ("kg:operatesIn", "Organization", "Market", 7, ("operates-in", "operates-in-market-list")),
    ("kg:soldIn", "Product", "Market", 3, ("sold-in", "launched-in-market")),
    ("kg:partner", "Organization", "Organization", 2, ("partner-with",)),
    ("kg:supplier", "Organization", "Organization", 1, ("supplier-of",)),
    ("kg:competitor", "Organization", "Organization", 3, ("competitor-vs", "compared-to")),
    ("kg:listedOn", "Organization", "Organization", 1, ("listed-on",)),
    ("schema:parentOrganization", "Organization", "Organization", 2, ("subsidiary-of",)),
    ("kg:attended", "Person", "Event", 2, ("attended-at", "attended-event")),
    ("kg:fanOf", "Person", "Organization", 4, ("fan-of", "loves-brand")),
    ("kg:owns", "Person", "Product", 9, ("owns-device", "uses-device")),
    ("kg:basedIn", "Person", "Market", 5, ("person-based-in", "x-based-person")),
    ("kg:locatedIn", "Market", "Market", 2, ("city-in-country",)),
    ("schema:location", "Event", "Market", 2, ("event-held-in",)),
    ("schema:offers", "Product", "Offer", 2, ("price-same-sentence", "price-previous-sentence")),
)
#: kg: sub-properties whose kg: super-property is materialized (docs/graph.md).
SUPER = {"kg:supplier": "kg:partner", "kg:listedOn": "kg:partner"}
PREFIXES = {"kg": KG, "schema": SDO, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "prov": PROV}

FIRST = (
    "Lei Wei Li Ming Hugo Manu Anna Maria Sofia Elena Raj Priya Arjun Kenji Yuki Hana Omar Leila "
    "Jon Alex Sam Chen Yang Zhang Olga Ivan Pablo Lucia Marco Giulia Ahmed Fatima Noah Emma Liam "
    "Ava Lucas Mia Ethan Zoe Kofi Ama Tariq Nadia Felix Clara Oskar Ines Mateo Carmen Dev Anika"
).split()
LAST = (
    "Jun Wang Wanqiang Barra Jain Kumar Sharma Tanaka Suzuki Kim Park Lee Nguyen Tran Garcia Lopez "
    "Martinez Rossi Bianchi Muller Schmidt Novak Ivanova Petrov Silva Santos Costa Okafor Mensah "
    "Haddad Khalil Cohen Levi Smith Jones Brown Taylor Wilson Evans Walker Wright Hughes Young "
    "Hall Allen King Scott Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Lin Wu"
).split()
SYLLABLES = (
    "xia mi hua wei op po vi vo sam sung no kia mo to ro la qua com me dia tek len ovo zen fon "
    "ar ka ri to na ve sa lu mi ko ta be li qu ex an ol um ir os ze ny da ga"
).split()
ORG_SUFFIX = ("", "", "", " Inc.", " Group", " Technologies", " Labs", " Research", " Capital")
SERIES = ("Mi", "Note", "Pro", "Max", "Pad", "Band", "Play", "Lite", "Ultra", "Edge", "Neo")
PLACE_END = ("ia", "land", "stan", "a", "o", "burg", "ville", " City", "shan", "pur")
EVENT_WORDS = ("launch", "Summit", "Conference", "Expo", "Fan Festival", "Awards", "IPO")
METRICS = (
    ("market share", "%"),
    ("shipments", "units"),
    ("rank", "rank"),
    ("revenue", "USD"),
    ("users", "users"),
)
CURRENCIES = ("CNY", "USD", "INR", "EUR", "IDR")
WORDS = (
    "the company said that in its latest report the market grew strongly this year while "
    "analysts expected further growth across the region as new devices reached stores and "
    "customers responded well to the price with record sales during the quarter"
).split()
VERBS = {
    "schema:founder": "was founded by",
    "kg:coFounder": "was co-founded by",
    "kg:ceo": "is led by CEO",
    "kg:role": "appointed",
    "schema:worksFor": "works for",
    "schema:alumniOf": "graduated from",
    "kg:launched": "launched",
    "schema:manufacturer": "is made by",
    "kg:launchedAt": "was unveiled at",
    "kg:poweredBy": "is powered by",
    "kg:productLine": "belongs to the",
    "kg:operatesIn": "operates in",
    "kg:soldIn": "went on sale in",
    "kg:partner": "partnered with",
    "kg:supplier": "is supplied by",
    "kg:competitor": "competes with",
    "kg:listedOn": "listed its shares on",
    "schema:parentOrganization": "is a subsidiary of",
    "kg:attended": "attended",
    "kg:fanOf": "is a big fan of",
    "kg:owns": "uses a",
    "kg:basedIn": "lives in",
    "kg:locatedIn": "is a city in",
    "schema:location": "took place in",
    "schema:offers": "sells for",
}
TITLES = ("Vice President", "Chief Financial Officer", "Managing Director", "Community Lead")


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def iri(value: str) -> str:
    return f"<{value}>"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def plain(text: str) -> str:
    return f'"{escape(text)}"'


def typed(lexical: str, datatype: str) -> str:
    return f'"{escape(lexical)}"^^<{XSD}{datatype}>'


def slug(name: str) -> str:
    out, dash = [], False
    for ch in name.lower():
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


@dataclass
class Entity:
    iri: str
    type: str
    label: str


@dataclass
class Document:
    iri: str
    cursor: int = 0


@dataclass
class Generator:
    """Yields N-Triples lines, unit by unit (an entity, a relation, an observation)."""

    seed: int
    documents: int
    rng: random.Random = field(init=False)
    docs: list[Document] = field(default_factory=list)
    by_type: dict[str, list[Entity]] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)
    direct: set[tuple[str, str, str]] = field(default_factory=set)
    serial: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.by_type = {t: [] for t in TYPES}

    # -- names ----------------------------------------------------------------------------------

    def _word(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        return "".join(self.rng.choice(SYLLABLES) for _ in range(n)).capitalize()

    def _name(self, kind: str) -> str:
        rng = self.rng
        if kind == "Person":
            middle = f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.5 else ""
            return f"{rng.choice(FIRST)}{middle} {rng.choice(LAST)}"
        if kind == "Organization":
            return self._word(2, 3) + rng.choice(ORG_SUFFIX)
        if kind == "Product":
            brand = self._word(1, 2)
            tail = rng.choice(("", "", " Pro", " Plus", " Lite", " 5G"))
            return f"{brand} {rng.choice(SERIES)} {rng.randint(1, 20)}{tail}"
        if kind == "Market":
            return self._word(1, 2) + rng.choice(PLACE_END)
        year = rng.randint(2008, 2024)
        return f"{self._word(1, 2)} {rng.choice(EVENT_WORDS)} {year}"

    def _unique(self, kind: str) -> tuple[str, str]:
        name = self._name(kind)
        key = f"{kind.lower()}/{slug(name)}"
        n = 2
        while key in self.slugs:
            name = f"{self._name(kind)} {n}" if n > 3 else self._name(kind)
            key = f"{kind.lower()}/{slug(name)}"
            n += 1
        self.slugs.add(key)
        return name, key

    def _sentence(self, subject: str, verb: str, obj: str) -> str:
        rng = self.rng
        before = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8))).capitalize()
        after = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        return f"{before}, {subject} {verb} {obj}, {after}."

    def _span(self, doc: Document, length: int) -> tuple[int, int]:
        start = doc.cursor + self.rng.randint(1, 40)
        doc.cursor = start + length
        return start, start + length

    def _date(self) -> str:
        rng = self.rng
        year = rng.randint(2008, 2024)
        shape = rng.random()
        if shape < 0.4:
            return typed(str(year), "gYear")
        if shape < 0.8:
            return typed(f"{year}-{rng.randint(1, 12):02d}", "gYearMonth")
        return typed(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "date")

    # -- units ----------------------------------------------------------------------------------

    def header(self) -> Iterator[str]:
        """The ontology, then the documents."""
        import pyoxigraph as ox

        from kg.resources import data_text

        ontology = ox.parse(data_text("ontology.ttl").encode("utf-8"), ox.RdfFormat.TURTLE)
        yield from sorted(f"{t} .\n" for t in ontology)
        for i in range(self.documents):
            sha = hashlib.sha256(f"{self.seed}|doc|{i}".encode()).hexdigest()
            name = f"{i:03d}_{sha[:16]}.txt"
            doc = Document(f"{KGR}doc/{name}")
            self.docs.append(doc)
            d = iri(doc.iri)
            yield f"{d} <{RDF}type> <{PROV}Entity> .\n"
            yield f"{d} <{RDF}type> <{SDO}CreativeWork> .\n"
            yield f"{d} <{KG}path> {plain('corpus/' + name)} .\n"
            yield f"{d} <{KG}sha256> {plain(sha)} .\n"
            yield f"{d} <{SDO}name> {plain(name)} .\n"
            if self.rng.random() < 0.6:
                yield f"{d} <{SDO}dateCreated> {self._date_exact()} .\n"

    def _date_exact(self) -> str:
        rng = self.rng
        return typed(f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}-01", "date")

    def entity(self, kind: str | None = None) -> Iterator[str]:
        rng = self.rng
        kind = kind or rng.choices(TYPES, TYPE_WEIGHTS)[0]
        name, key = self._unique(kind)
        e = Entity(KGR + key, kind, name)
        self.by_type[kind].append(e)
        s = iri(e.iri)
        yield f"{s} <{RDF}type> <{KG}{kind}> .\n"
        yield f"{s} <{RDFS}label> {plain(name)} .\n"
        aliases: list[str] = []
        for _ in range(rng.choices((0, 1, 2, 3), (45, 35, 15, 5))[0]):
            alias = self._alias(name)
            if alias != name and alias not in aliases:
                aliases.append(alias)
                yield f"{s} <{SKOS}altLabel> {plain(alias)} .\n"
        if rng.random() < KIND_P[kind]:
            yield f"{s} <{KG}kind> {plain(rng.choice(KINDS[kind]))} .\n"
        for _ in range(min(30, int(rng.expovariate(1 / 4.2)) + 1)):
            doc = rng.choice(self.docs)
            text = rng.choice([name, *aliases])
            start, end = self._span(doc, len(text))
            m = iri(f"{KGR}mention/{doc.iri.rsplit('/', 1)[1]}/{start}-{end}")
            yield f"{s} <{KG}mention> {m} .\n"
            yield f"{m} <{RDF}type> <{KG}Mention> .\n"
            yield f"{m} <{KG}document> {iri(doc.iri)} .\n"
            yield f"{m} <{KG}start> {typed(str(start), 'integer')} .\n"
            yield f"{m} <{KG}end> {typed(str(end), 'integer')} .\n"
            yield f"{m} <{KG}text> {plain(text)} .\n"

    def _alias(self, name: str) -> str:
        rng = self.rng
        words = name.split()
        choice = rng.random()
        if choice < 0.4 and len(words) > 1:
            return words[-1] if rng.random() < 0.5 else words[0]
        if choice < 0.7:
            return name.upper() if len(name) < 12 else "".join(w[0] for w in words).upper()
        return f"{name} {rng.choice(('Corp', 'device', 'team', 'brand', 'phone'))}"

    def relation(self) -> Iterator[str]:
        rng = self.rng
        weights = [r[3] for r in RELATIONS]
        curie, stype, otype, _, rules = rng.choices(RELATIONS, weights)[0]
        if not self.by_type[stype]:
            yield from self.entity(stype)
            return
        if otype != "Offer" and not self.by_type[otype]:
            yield from self.entity(otype)
            return
        subject = rng.choice(self.by_type[stype])
        predicate = expand(curie)
        lines: list[str] = []
        if otype == "Offer":
            amount = f"{rng.randint(5, 900) * 10 - 1}.0"
            currency = rng.choice(CURRENCIES)
            node = f"{KGR}offer/{digest(subject.iri, amount, currency)}"
            obj, label = iri(node), f"{currency} {amount}"
            if (subject.iri, predicate, obj) in self.direct:
                return
            lines += [
                f"{obj} <{RDF}type> <{SDO}Offer> .\n",
                f"{obj} <{SDO}price> {typed(amount, 'decimal')} .\n",
                f"{obj} <{SDO}priceCurrency> {plain(currency)} .\n",
            ]
        else:
            target = rng.choice(self.by_type[otype])
            if target.iri == subject.iri:
                return
            obj, label = iri(target.iri), target.label
        s = iri(subject.iri)
        key = (subject.iri, predicate, obj)
        if key not in self.direct:
            self.direct.add(key)
            lines.append(f"{s} <{predicate}> {obj} .\n")
            if curie in SUPER:
                parent = expand(SUPER[curie])
                if (subject.iri, parent, obj) not in self.direct:
                    self.direct.add((subject.iri, parent, obj))
                    lines.append(f"{s} <{parent}> {obj} .\n")
        yield from lines
        # one statement per stating sentence: usually one, sometimes more
        for _ in range(rng.choices((1, 2, 3), (85, 12, 3))[0]):
            self.serial += 1
            st = iri(f"{KGR}statement/{digest(self.seed, 'st', self.serial)}")
            yield f"{st} <{RDF}type> <{RDF}Statement> .\n"
            yield f"{st} <{RDF}subject> {s} .\n"
            yield f"{st} <{RDF}predicate> <{predicate}> .\n"
            yield f"{st} <{RDF}object> {obj} .\n"
            if curie in ("kg:role", "kg:ceo") and rng.random() < 0.7:
                title = "CEO" if curie == "kg:ceo" else rng.choice(TITLES)
                yield f"{st} <{KG}title> {plain(title)} .\n"
            if rng.random() < 0.2:
                yield f"{st} <{KG}date> {self._date()} .\n"
            elif rng.random() < 0.04:
                yield f"{st} <{KG}dateText> {plain(rng.choice(('this quarter', 'last year')))} .\n"
            sentence = self._sentence(subject.label, VERBS[curie], label)
            yield from self._provenance(st, sentence, rng.choice(rules))

    def _provenance(self, node: str, sentence: str, rule: str) -> Iterator[str]:
        doc = self.rng.choice(self.docs)
        start, end = self._span(doc, len(sentence))
        confidence = f"{self.rng.choice((50, 55, 60, 65, 70, 75, 80, 85, 90, 95)) / 100:.2f}"
        yield f"{node} <{PROV}wasDerivedFrom> {iri(doc.iri)} .\n"
        yield f"{node} <{KG}sentence> {plain(sentence)} .\n"
        yield f"{node} <{KG}start> {typed(str(start), 'integer')} .\n"
        yield f"{node} <{KG}end> {typed(str(end), 'integer')} .\n"
        yield f"{node} <{KG}rule> {plain(rule)} .\n"
        yield f"{node} <{KG}confidence> {typed(confidence, 'decimal')} .\n"

    def founding(self) -> Iterator[str]:
        """A literal relation: an organization's founding date, with its statement."""
        orgs = self.by_type["Organization"]
        if not orgs:
            return
        org = self.rng.choice(orgs)
        predicate = f"{SDO}foundingDate"
        date = self._date()
        if (org.iri, predicate, date) in self.direct:
            return
        self.direct.add((org.iri, predicate, date))
        s = iri(org.iri)
        yield f"{s} <{predicate}> {date} .\n"
        self.serial += 1
        st = iri(f"{KGR}statement/{digest(self.seed, 'st', self.serial)}")
        yield f"{st} <{RDF}type> <{RDF}Statement> .\n"
        yield f"{st} <{RDF}subject> {s} .\n"
        yield f"{st} <{RDF}predicate> <{predicate}> .\n"
        yield f"{st} <{RDF}object> {date} .\n"
        sentence = self._sentence(org.label, "was founded in", date.split('"')[1])
        yield from self._provenance(st, sentence, "founded-in-date")

    def observation(self) -> Iterator[str]:
        rng = self.rng
        orgs, markets = self.by_type["Organization"], self.by_type["Market"]
        if not orgs:
            return
        about = rng.choice(orgs)
        metric, unit = rng.choice(METRICS)
        self.serial += 1
        node = iri(f"{KGR}observation/{digest(self.seed, 'obs', self.serial)}")
        value = f"{rng.randint(1, 9999) / 10:.1f}"
        yield f"{node} <{RDF}type> <{KG}Observation> .\n"
        yield f"{node} <{KG}about> {iri(about.iri)} .\n"
        yield f"{node} <{KG}metric> {plain(metric)} .\n"
        yield f"{node} <{SDO}value> {typed(value, 'decimal')} .\n"
        yield f"{node} <{KG}unit> {plain(unit)} .\n"
        if markets and rng.random() < 0.4:
            yield f"{node} <{KG}market> {iri(rng.choice(markets).iri)} .\n"
        if rng.random() < 0.35:
            year, quarter = rng.randint(2010, 2024), rng.randint(1, 4)
            yield f"{node} <{KG}period> {plain(f'Q{quarter} {year}')} .\n"
            first, last = (quarter - 1) * 3 + 1, quarter * 3
            end_day = (31, 30, 30, 31)[quarter - 1]
            yield f"{node} <{SDO}startDate> {typed(f'{year}-{first:02d}-01', 'date')} .\n"
            yield f"{node} <{SDO}endDate> {typed(f'{year}-{last:02d}-{end_day}', 'date')} .\n"
        if rng.random() < 0.2:
            yield f"{node} <{KG}source> {iri(rng.choice(orgs).iri)} .\n"
        sentence = self._sentence(about.label, f"reported {metric} of", f"{value} {unit}")
        yield from self._provenance(node, sentence, f"figure-{metric.replace(' ', '-')}")

    def units(self) -> Iterator[Iterator[str]]:
        """Entities, relations, dates and figures mixed as in the seed build, forever."""
        kinds = (self.entity, self.relation, self.founding, self.observation)
        weights = (100, 130, 3, 30)
        while True:
            yield self.rng.choices(kinds, weights)[0]()


def generate(triples: int, out: TextIO, *, seed: int = 42) -> int:
    """Write ``triples`` distinct triples to ``out`` as N-Triples; return how many."""
    gen = Generator(seed=seed, documents=max(5, triples // 2000))
    written = 0
    buffer: list[str] = []

    def lines() -> Iterator[str]:
        yield from gen.header()
        for unit in gen.units():
            yield from unit

    for line in lines():
        if written >= triples:
            break
        buffer.append(line)
        written += 1
        if len(buffer) >= 50_000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    return written


def parse_size(text: str) -> int:
    """``100k``, ``1M``, ``1_000_000`` or ``1000000`` as a number."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=1_000_000, help="e.g. 100k, 1M")
    parser.add_argument("--out", type=Path, required=True, help="the .nt file to write")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = args.out.with_name(args.out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        n = generate(args.triples, out, seed=args.seed)
    partial.replace(args.out)
    seconds = time.perf_counter() - started
    size = args.out.stat().st_size / 1e6
    print(f"wrote {args.out}: {n} triples, {size:.1f} MB in {seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
