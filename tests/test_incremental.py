"""Pass 1 in several processes and from the cache: the graph is the same, byte for byte.

Every build here runs the real pipeline on a corpus of invented news; ``graph.ttl`` of each is
compared with that of a plain build (one process, no cache) of the same files.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cache import CACHE_FILE, RecordCache, fingerprint
from kg.cli import cli
from kg.parse import BATCH_DOCUMENTS, decode, parse_batch
from kg.pipeline import BuildOptions
from kg.records import Document

FIRMS = [
    "Orbo Robotics",
    "Quillfeather Labs",
    "Tarnwick Motors",
    "Velloria Foods",
    "Brassmere Bank",
]
PEOPLE = ["Mara Quill", "Tobias Renn", "Ilse Varga", "Jonah Pike", "Selma Orrin"]
PLACES = ["Kenya", "Peru", "Norway", "Vietnam", "Chile"]


def _news(i: int) -> str:
    firm, person, place = FIRMS[i % 5], PEOPLE[(i * 2) % 5], PLACES[(i * 3) % 5]
    other = FIRMS[(i + 1) % 5]
    return (
        f"{firm} opens an office in {place}\n\n"
        f"{firm} was founded by {person} in {2001 + i}. "
        f"The company launched the Zentra X{i} phone in {place} in March {2015 + i % 5}. "
        f"{person}, the chief executive of {firm}, said {other} is its largest competitor.\n"
        f"{other} acquired a stake in {firm} last year.\n"
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More documents than one batch, so two processes share the work."""
    folder = tmp_path_factory.mktemp("news")
    for i in range(BATCH_DOCUMENTS + 4):
        (folder / f"news-{i:02d}.txt").write_text(_news(i), encoding="utf-8")
    return folder


def _build(sources: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["build", str(sources), "--out", str(out), "--no-html", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _graph(out: Path) -> bytes:
    return (out / "graph.ttl").read_bytes()


@pytest.fixture(scope="module")
def plain(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The graph of one process without a cache."""
    out = tmp_path_factory.mktemp("plain")
    stdout = _build(corpus, out, "--jobs", "1", "--no-cache")
    assert "cache:" not in stdout
    assert not (out / CACHE_FILE).exists()
    return _graph(out)


def test_two_processes_write_the_same_graph(corpus: Path, plain: bytes, tmp_path: Path) -> None:
    _build(corpus, tmp_path, "--jobs", "2", "--no-cache")
    assert _graph(tmp_path) == plain
    assert b"Tarnwick Motors" in plain and b"kg:launched" in plain


def test_a_rebuild_reuses_every_record(corpus: Path, plain: bytes, tmp_path: Path) -> None:
    count = BATCH_DOCUMENTS + 4
    assert f"cache: 0 of {count} documents reused, {count} parsed" in _build(corpus, tmp_path)
    assert _graph(tmp_path) == plain
    assert f"cache: {count} of {count} documents reused, 0 parsed" in _build(corpus, tmp_path)
    assert _graph(tmp_path) == plain


def test_a_changed_corpus_equals_a_full_build(corpus: Path, tmp_path: Path) -> None:
    """One document changed, one removed, one added: only two are parsed, and the graph is
    the full build's, with no trace of the removed document or the changed sentence."""
    files = tmp_path / "files"
    shutil.copytree(corpus, files)
    cached = tmp_path / "cached"
    _build(files, cached)
    changed = files / "news-03.txt"
    changed.write_text(changed.read_text("utf-8").replace("Zentra X3", "Zentra Z9"), "utf-8")
    (files / "news-05.txt").unlink()
    (files / "news-99.txt").write_text(_news(99).replace("Zentra", "Corvid"), "utf-8")
    count = BATCH_DOCUMENTS + 4
    stdout = _build(files, cached)
    assert f"cache: {count - 2} of {count} documents reused, 2 parsed" in stdout
    full = tmp_path / "full"
    _build(files, full, "--no-cache")
    assert _graph(cached) == _graph(full)
    assert b"Zentra X3" not in _graph(cached) and b"Zentra Z9" in _graph(cached)
    assert b"news-05" not in _graph(cached) and b"Corvid X99" in _graph(cached)
    with sqlite3.connect(cached / CACHE_FILE) as db:  # the removed and the old version dropped
        assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == count


def test_a_rebuild_reads_again_only_what_the_change_touches(corpus: Path, tmp_path: Path) -> None:
    """A new sentence with new names in one document: only that document is parsed and read
    again (the others' mentions, and what the corpus says of their names, are unchanged), and
    the graph is the full build's."""
    files = tmp_path / "files"
    shutil.copytree(corpus, files)
    cached = tmp_path / "cached"
    count = BATCH_DOCUMENTS + 4
    assert f"{count} parsed, {count} read" in _build(files, cached)
    assert "0 parsed, 0 read" in _build(files, cached)
    changed = files / "news-03.txt"
    added = "Quorvane Labs hired Ilsa Brandt as its chief executive in May.\n"
    changed.write_text(changed.read_text("utf-8") + added, "utf-8")
    assert f"{count - 1} of {count} documents reused, 1 parsed, 1 read" in _build(files, cached)
    full = tmp_path / "full"
    _build(files, full, "--no-cache")
    assert _graph(cached) == _graph(full)
    assert b"Quorvane Labs" in _graph(cached)


def test_other_settings_parse_again(corpus: Path, tmp_path: Path) -> None:
    _build(corpus, tmp_path)
    stdout = _build(corpus, tmp_path, "--no-default-gazetteer")
    assert re.search(r"cache: 0 of \d+ documents reused", stdout)
    assert fingerprint(BuildOptions()) != fingerprint(BuildOptions(use_default_gazetteer=False))
    assert fingerprint(BuildOptions()) == fingerprint(BuildOptions(jobs=2))


def test_no_cache_leaves_the_cache_as_it_was(corpus: Path, tmp_path: Path) -> None:
    _build(corpus, tmp_path)
    before = (tmp_path / CACHE_FILE).read_bytes()
    _build(corpus, tmp_path, "--no-cache")
    assert (tmp_path / CACHE_FILE).read_bytes() == before


def test_a_damaged_cache_is_started_afresh(corpus: Path, plain: bytes, tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    count = BATCH_DOCUMENTS + 4
    assert f"cache: 0 of {count} documents reused" in _build(corpus, tmp_path)
    assert _graph(tmp_path) == plain
    assert f"cache: {count} of {count} documents reused" in _build(corpus, tmp_path)


def test_a_record_reads_back_as_written(tmp_path: Path) -> None:
    """The record keeps the parse and the mentions, not the document's text or id: the same
    text under another path has the same record."""
    text = _news(1)
    one = Document("one", "one.txt", text, "a" * 64)
    other = Document("other", "sub/other.txt", text, "a" * 64)
    record = parse_batch([one])[0]
    assert parse_batch([other])[0] == record
    assert text.encode() not in record
    parsed = decode(record, other)
    names = [m.text for chunk in parsed.mentions for m in chunk]
    assert "Quillfeather Labs" in names and "Ilse Varga" in names
    assert all(
        m.doc_id == "other" and m.sentence.doc_id == "other" for c in parsed.mentions for m in c
    )
    cache = RecordCache(tmp_path / "c.sqlite", "f1")
    cache.put(one.sha256, record)
    assert cache.has(one.sha256) and cache.get(one.sha256) == record
    assert not RecordCache(tmp_path / "c.sqlite", "f2").has(one.sha256)  # other settings


def test_warm_vocab_makes_lasting_lexemes_once_and_no_more_than_its_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The corpus's frequent words outlive a memory zone (a document read in one would make
    them again); rare words still leave with it, and a second call warms nothing."""
    import kg.parse
    from kg.parse import pipeline_for, warm_vocab

    monkeypatch.setattr(kg.parse, "WARM_WORDS", 3)
    vocab = pipeline_for().vocab
    monkeypatch.setattr(kg.parse, "_WARMED", set())
    text = "Quillon Vetrask Brakkor, Quillon Vetrask Brakkor Quillon Vetrask Brakkor, Zembra"
    documents = [Document(f"d{i}", f"d{i}.txt", text, "0" * 64) for i in range(2)]
    assert warm_vocab(vocab, documents) == 3  # the three most frequent words
    assert warm_vocab(vocab, documents) == 0
    with vocab.memory_zone():
        vocab["Zembra"]
        vocab["Quillon"]
    assert "Quillon" in vocab.strings and "Brakkor" in vocab.strings
    assert "Zembra" not in vocab.strings
    monkeypatch.setattr(kg.parse, "WARM_WORDS", 1000)
    with vocab.memory_zone():
        record = parse_batch(documents[:1])[0]
    assert "Zembra" not in vocab.strings
    assert warm_vocab(vocab, documents, lambda d: record) > 0  # the parses' strings: once too
    assert "Zembra" in vocab.strings
    assert warm_vocab(vocab, documents, lambda d: record) == 0
