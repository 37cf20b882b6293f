"""Real-world input (issue 12, item 4): encodings, Markdown, HTML, very long lines, and files
or folders that cannot be read, which are skipped with a reason instead of stopping the build.

Sentences and names are invented.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.corpus import read_documents
from kg.errors import SourceError, UnreadableFileError
from kg.ingest import read_file
from kg.ingest.decode import decode
from kg.ingest.segment import LINE_LIMIT, split_long_lines
from kg.namespaces import KG, PROV, RDF, RDFS
from kg.pipeline import build
from kg.records import Skipped

SENTENCE = "Ana García joined Orbo Labs in Madrid, and the Orbo Pad costs 300 €."


def texts(folder: Path) -> dict[str, str]:
    return {Path(d.path).name: d.text for d in read_documents([folder])}


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"]
)
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "story.txt").write_bytes((SENTENCE + "\n").encode(encoding))
    assert texts(tmp_path) == {"story.txt": SENTENCE + "\n"}


def test_latin1_text_keeps_its_accents(tmp_path: Path) -> None:
    text = "Zoë Müller, née Håkansson, leads Brightwave Systems in Besançon.\n"
    (tmp_path / "story.txt").write_bytes(text.encode("latin-1"))
    assert texts(tmp_path)["story.txt"] == text


def test_one_file_in_another_encoding_does_not_stop_the_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tom Finch founded Brightwave Systems.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(SENTENCE.encode("cp1252"))
    assert sorted(texts(tmp_path)) == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file (a PNG image), not text"),
        (bytes(range(256)) * 8, "binary file (it holds zero bytes), not text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary file (a PDF file), not text"),
        (
            b"\x01\x02\x03\x04\x05\x06abc\x07\x08",
            "binary file (mostly control characters), not text",
        ),
        (b" \n\t\n", "empty file"),
        (b"12 34 -- 56\n", "no text in it"),
    ],
)
def test_binary_and_empty_files_are_refused_with_a_reason(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError) as caught:
        read_file(path)
    assert str(caught.value) == reason


def test_utf16_without_a_byte_order_mark() -> None:
    assert decode("Jane Roe leads Orbo Labs.".encode("utf-16-le")) == "Jane Roe leads Orbo Labs."


# ------------------------------------------------------------------ Markdown

MARKDOWN = """---
date: 2021-03-04
---
# Orbo Labs opens in Oslo

[Jane Roe](https://orbo.example/team/jane) leads **Orbo Labs**, the company said
in a statement (see <https://orbo.example/news> or https://orbo.example/press).

- Ivan Petrov joined as chief technology officer.
- The `Orbo Pad` ships in May.

```python
client = KestrelClient("https://api.example")
```

    FakeCorp.connect()

![Logo of Brightwave](logo.png)

## Next steps
"""


def test_markdown_is_read_as_its_text(tmp_path: Path) -> None:
    (tmp_path / "news.md").write_text(MARKDOWN, encoding="utf-8")
    (document,) = read_documents([tmp_path])
    assert document.text.split("\n\n") == [
        "Orbo Labs opens in Oslo",
        "Jane Roe leads Orbo Labs, the company said in a statement (see or).",
        "Ivan Petrov joined as chief technology officer.",
        "The Orbo Pad ships in May.",
        "Next steps",
    ]
    assert str(document.date) == "2021-03-04"  # front matter still dates the document


def test_markdown_link_text_names_a_person_and_code_names_nothing(
    tmp_path: Path, pipelines: Any
) -> None:
    (tmp_path / "news.md").write_text(MARKDOWN, encoding="utf-8")
    result = build([tmp_path])
    names = {e.name for e in result.entities}
    assert "Jane Roe" in names
    assert not {n for n in names if "Kestrel" in n or "FakeCorp" in n or "Brightwave" in n}
    for relation in result.relations:
        assert not re.search(r"^#|^- |\]\(|https?://", relation.evidence.sentence)
    assert_offsets_quote_the_document(result.graph, {d.id: d.text for d in result.documents})


# ------------------------------------------------------------------ HTML

HTML = """<!DOCTYPE html>
<html><head><title>Orbo | News</title>
<style>.Kestrel { color: red }</style>
<script>var FakeCorp = "Nordvik Energy";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About Brightwave Systems</a></nav>
<header><h1>Orbo Labs opens in Oslo</h1></header>
<article>
<p><a href="https://orbo.example/jane">Jane Roe</a> leads Orbo Labs,
   the company said&nbsp;on Monday.</p>
<p>Ivan Petrov joined as chief technology officer.<br>He starts in May.</p>
<pre><code>KestrelClient.connect()</code></pre>
</article>
<div role="navigation">Next: Nordvik Energy news</div>
<noscript>Enable Mi Scripts</noscript>
</body></html>
"""


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_is_read_as_its_visible_text(tmp_path: Path, suffix: str) -> None:
    (tmp_path / f"news{suffix}").write_text(HTML, encoding="utf-8")
    (document,) = read_documents([tmp_path])
    assert document.text.split("\n\n") == [
        "Orbo Labs opens in Oslo",
        "Jane Roe leads Orbo Labs, the company said\xa0on Monday.",
        "Ivan Petrov joined as chief technology officer.\nHe starts in May.",
    ]


def test_html_builds_without_scripts_styles_or_navigation(tmp_path: Path, pipelines: Any) -> None:
    (tmp_path / "news.html").write_text(HTML, encoding="utf-8")
    result = build([tmp_path])
    names = {e.name for e in result.entities}
    assert "Jane Roe" in names
    assert not {n for n in names if re.search("Kestrel|FakeCorp|Nordvik|Brightwave|Scripts", n)}
    assert_offsets_quote_the_document(result.graph, {d.id: d.text for d in result.documents})


def assert_offsets_quote_the_document(graph: Graph, texts: dict[str, str]) -> None:
    """Every statement and mention points at exactly the text it quotes, in the converted text."""
    by_node = {str(node).rsplit("/doc/", 1)[-1]: text for node, text in _doc_nodes(graph, texts)}
    checked = 0
    for node in graph.subjects(RDF.type, RDF.Statement):
        doc = str(graph.value(node, PROV.wasDerivedFrom)).rsplit("/doc/", 1)[-1]
        start, end = int(graph.value(node, KG.start)), int(graph.value(node, KG.end))  # type: ignore[arg-type]
        assert by_node[doc][start:end] == str(graph.value(node, KG.sentence))
        checked += 1
    for node in graph.subjects(RDF.type, KG.Mention):
        doc = str(graph.value(node, KG.document)).rsplit("/doc/", 1)[-1]
        start, end = int(graph.value(node, KG.start)), int(graph.value(node, KG.end))  # type: ignore[arg-type]
        assert by_node[doc][start:end] == str(graph.value(node, KG.text))
        checked += 1
    assert checked


def _doc_nodes(graph: Graph, texts: dict[str, str]) -> Iterator[tuple[Any, str]]:
    for node in graph.subjects(RDF.type, PROV.Entity):
        yield node, texts[str(node).rsplit("/doc/", 1)[-1]]


# ------------------------------------------------------------------ very long lines


def test_long_lines_are_cut_at_sentence_ends_without_moving_any_offset() -> None:
    sentences = [
        f"Jane Roe met Ivan Petrov {i} times, then left; Orbo Labs grew." for i in range(60000)
    ]
    text = " ".join(sentences)  # about 3.8 MB, one line
    cut = split_long_lines(text)
    assert len(cut) == len(text)
    assert all(len(line) <= LINE_LIMIT for line in cut.split("\n"))
    assert all(a == b or (a == " " and b == "\n") for a, b in zip(text, cut, strict=True))
    assert all(line.endswith("grew.") for line in cut.split("\n"))


def test_a_line_longer_than_spacy_allows_builds(tmp_path: Path, pipelines: Any) -> None:
    """Issue 12: a line past spaCy's max_length (1,000,000) stopped the build with E088."""
    padding = " " * 1_100_000  # blank, so the test parses two sentences, not a megabyte
    (tmp_path / "long.txt").write_text(
        f"Jane Roe is the chief executive of Orbo Labs.{padding}Ivan Petrov founded Kestrel"
        " Dynamics in 2015.\n",
        encoding="utf-8",
    )
    result = build([tmp_path])
    assert {"Jane Roe", "Ivan Petrov", "Orbo Labs"} <= {e.name for e in result.entities}
    assert_offsets_quote_the_document(result.graph, {d.id: d.text for d in result.documents})


# ------------------------------------------------------------------ skipped files and folders


@contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block as user nobody when the tests run as root, who reads any file."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def messy() -> Iterator[Path]:
    """A folder as users have them: a good file, an unreadable one, an unreadable subfolder,
    an empty file and a binary one with a text suffix. Outside pytest's private tmp folders,
    so that nobody can reach it."""
    root = Path(tempfile.mkdtemp(prefix="kg-messy-"))
    root.chmod(0o777)
    (root / "good.txt").write_text("Jane Roe is the chief executive of Orbo Labs.\n")
    (root / "locked.txt").write_text("Ivan Petrov founded Kestrel Dynamics.\n")
    (root / "sealed").mkdir()
    (root / "sealed" / "inside.txt").write_text("Tom Finch founded Brightwave Systems.\n")
    (root / "empty.md").write_bytes(b"")
    (root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (root / "notes.json").write_text("{}")  # not a document: ignored without a word
    for path in root.rglob("*"):
        path.chmod(0o777 if path.is_dir() else 0o666)
    (root / "locked.txt").chmod(0)
    (root / "sealed").chmod(0)
    try:
        yield root
    finally:
        (root / "sealed").chmod(0o755)
        shutil.rmtree(root)


EXPECTED_SKIPS = {
    "empty.md": "empty file",
    "locked.txt": "cannot read it: permission denied",
    "photo.txt": "binary file (a PNG image), not text",
    "sealed": "cannot read the folder: permission denied",
}


def test_what_cannot_be_read_is_skipped_with_a_reason(messy: Path) -> None:
    skipped: list[Skipped] = []
    with unprivileged():
        documents = read_documents([messy], on_skip=skipped.append)
    assert [Path(d.path).name for d in documents] == ["good.txt"]
    assert {Path(s.path).name: s.reason for s in skipped} == EXPECTED_SKIPS


def test_strict_reading_stops_at_the_first_skip(messy: Path) -> None:
    with unprivileged(), pytest.raises(SourceError, match=r"\(--strict\)$"):
        read_documents([messy], strict=True)


def import_what_a_build_imports(tmp_path: Path) -> None:
    """Build once as ourselves: user nobody may not read the installed packages, so every
    module a build imports on first use is imported before the unprivileged build."""
    (tmp_path / "warm.txt").write_text("Jane Roe is the chief executive of Orbo Labs.\n")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_build_warns_once_per_skip_and_lists_them(
    messy: Path, tmp_path: Path, pipelines: Any
) -> None:
    import_what_a_build_imports(tmp_path)
    out = messy / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    with unprivileged():
        result = CliRunner().invoke(cli, ["build", str(messy), "--out", str(out), "--no-html"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert sorted(warnings) == sorted(
        f"warning: skipped {(messy / name).as_posix()}: {reason}"
        for name, reason in EXPECTED_SKIPS.items()
    )
    assert "Traceback" not in result.output
    listed = result.stdout.split("skipped: 4\n", 1)[1].splitlines()[:4]
    assert sorted(listed) == sorted(
        f"  {(messy / name).as_posix()}: {reason}" for name, reason in EXPECTED_SKIPS.items()
    )
    assert "documents: 1" in result.stdout


def test_build_with_strict_fails_on_a_skip(messy: Path, tmp_path: Path, pipelines: Any) -> None:
    import_what_a_build_imports(tmp_path)
    with unprivileged():
        result = CliRunner().invoke(cli, ["build", str(messy), "--strict", "--no-html"])
    assert result.exit_code == 1
    assert re.fullmatch(r"Error: \S+: .+ \(--strict\)\n", result.stderr), result.stderr


def test_nothing_readable_is_exit_1_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)))
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: nothing to build: no readable .txt, .md, .markdown, .html, .htm document"
        f" in {tmp_path} (2 skipped)"
    )
    assert not (tmp_path / "o").exists()


def test_a_named_file_of_another_kind_is_skipped(tmp_path: Path, pipelines: Any) -> None:
    (tmp_path / "good.txt").write_text("Jane Roe is the chief executive of Orbo Labs.\n")
    (tmp_path / "deck.pdf").write_bytes(b"%PDF-1.4\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["build", str(tmp_path / "good.txt"), str(tmp_path / "deck.pdf"), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert f"warning: skipped {tmp_path.as_posix()}/deck.pdf: not a .txt, .md" in result.stderr


def test_progress_off_a_terminal_is_plain_lines(tmp_path: Path, pipelines: Any) -> None:
    (tmp_path / "a.txt").write_text("Jane Roe is the chief executive of Orbo Labs.\n" * 50)
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path), "--out", str(tmp_path / "o"), "--no-html"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Reading")]
    assert lines[0] == "Reading 1 document: 0 of 2,300 characters (0%), 0 s"
    assert re.fullmatch(r"Reading 1 document: 2,300 of 2,300 characters \(100%\), \d+ s", lines[-1])
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", result.stderr)


def test_show_quotes_the_converted_text(tmp_path: Path, pipelines: Any) -> None:
    """kg show reads a Markdown or cp1252 document as the build did, so its offsets fit."""
    (tmp_path / "news.md").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "old.txt").write_bytes(b"Jane Roe met Ana Garc\xeda of Orbo Labs.\n")
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(tmp_path), "--out", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["show", "Jane Roe", "--graph", str(out)])
    assert result.exit_code == 0, result.output
    contexts = re.findall(r"^ +\d+-\d+ +(.*)$", result.stdout, re.M)
    assert (
        "…Orbo Labs opens in Oslo [Jane Roe] leads Orbo Labs, the company said in a statement"
        " (see or).…" in contexts
    )
    assert "…[Jane Roe] met Ana García of Orbo Labs.…" in contexts


def test_labels_of_an_html_build(tmp_path: Path, pipelines: Any) -> None:
    """The graph of an HTML document holds no markup in its labels."""
    (tmp_path / "news.html").write_text(HTML, encoding="utf-8")
    graph = build([tmp_path]).graph
    labels = [str(v) for v in graph.objects(None, RDFS.label)]
    assert labels and not [v for v in labels if "<" in v or "&" in v and ";" in v]


def test_a_pipe_is_never_opened(tmp_path: Path) -> None:
    """Reading a named pipe would wait forever: named, it is skipped; in a folder, ignored."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text("Jane Roe is the chief executive of Orbo Labs.\n")
    assert [Path(d.path).name for d in read_documents([tmp_path])] == ["good.txt"]
    skipped: list[Skipped] = []
    with pytest.raises(SourceError):
        read_documents([tmp_path / "pipe.txt"], on_skip=skipped.append)
    assert [s.reason for s in skipped] == ["not a regular file"]
