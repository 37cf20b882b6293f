"""The corpus generator of the scale benchmarks (issue 11): deterministic, the size asked, names
multiplied with the corpus."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import corpus  # noqa: E402

CAPITALIZED = re.compile(r"(?<!\w)[A-Z][a-z]{2,}")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("doc-*.txt"))}


def _capitalized(folder: Path) -> set[str]:
    return {w for text in _files(folder).values() for w in CAPITALIZED.findall(text.decode())}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    corpus.generate(tmp_path / "a", 6_000, seed=7)
    # another process with another hash seed: no set order leaks into the output
    env = dict(os.environ, PYTHONHASHSEED="123")
    script = BENCHMARKS / "corpus.py"
    command = [sys.executable, str(script), "--words", "6k", "--seed", "7", "--out"]
    subprocess.run([*command, str(tmp_path / "b")], check=True, env=env, capture_output=True)
    corpus.generate(tmp_path / "c", 6_000, seed=8)
    first = _files(tmp_path / "a")
    assert len(first) == 15
    assert _files(tmp_path / "b") == first
    assert _files(tmp_path / "c") != first


def test_about_the_words_asked(tmp_path: Path) -> None:
    files, words = corpus.generate(tmp_path, 20_000)
    texts = [b.decode("utf-8") for b in _files(tmp_path).values()]
    assert files == len(texts) == 50  # 400 words a file
    assert sum(len(t.split()) for t in texts) == words
    assert abs(words - 20_000) <= 600
    assert all(150 <= len(t.split()) <= 700 for t in texts)
    assert all("\n\n" in t for t in texts)  # paragraphs


def test_names_multiply_with_the_corpus(tmp_path: Path) -> None:
    sources = {
        w
        for path in sorted(corpus.SEEDS.glob("*.txt")) + sorted(corpus.DEVCORPUS.glob("*.txt"))
        for w in CAPITALIZED.findall(path.read_text(encoding="utf-8"))
    }
    corpus.generate(tmp_path / "small", 4_000)
    corpus.generate(tmp_path / "big", 40_000)
    small = _capitalized(tmp_path / "small") - sources
    big = _capitalized(tmp_path / "big") - sources
    assert len(small) >= 30  # names substituted by invented ones (from the seeds alone: 46)
    assert len(big) >= 3 * len(small)  # more text, more names


def test_a_stamped_folder_is_reused(tmp_path: Path) -> None:
    first = corpus.ensure_corpus(tmp_path, 3_000, quiet=True)
    stamp = (tmp_path / corpus.STAMP).stat().st_mtime_ns
    (tmp_path / "doc-000001.txt").write_text("changed\n", encoding="utf-8")
    assert corpus.ensure_corpus(tmp_path, 3_000, quiet=True) == first
    assert (tmp_path / "doc-000001.txt").read_text(encoding="utf-8") == "changed\n"
    assert (tmp_path / corpus.STAMP).stat().st_mtime_ns == stamp
    corpus.ensure_corpus(tmp_path, 4_000, quiet=True)  # another size: generated again
    assert len(_files(tmp_path)) == 10


def test_never_into_the_repository() -> None:
    with pytest.raises(SystemExit, match="inside the repository"):
        corpus.generate(corpus.REPO / "exports" / "corpus", 1_000)
