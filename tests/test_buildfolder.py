"""The build folder (kg/buildfolder.py): issue 12, item 5, no local paths in the outputs.

Documents are named by their path relative to the source root; the root itself is only in
the build folder's manifest, through which `kg show` finds the texts from any folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.atomic import locked
from kg.buildfolder import (
    MANIFEST,
    current_generation,
    generations,
    manifest_of,
    source_roots,
    write,
)
from kg.errors import OutputError
from kg.namespaces import KG
from kg.pipeline import BuildResult
from kg.store import open_oxigraph

DOCUMENTS = {
    "velmora.txt": "Velmora was founded by Idris Kettleworth in 2009.\n"
    "Idris Kettleworth is the chief executive of Velmora.\n",
    "2019/launch.txt": "Idris Kettleworth spoke at the Velmora Halo launch in Lisbon.\n",
}
FORMATS = ["html", "ttl", "nt", "jsonld", "graphml", "gexf", "neo4j"]


def kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kg", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=cwd
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(source root, build folder): a corpus built from its absolute path, then exported in
    every format into the build folder."""
    base = tmp_path_factory.mktemp("paths")
    root = base / "home" / "alice-private" / "news"
    for name, text in DOCUMENTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    out = base / "out"
    done = kg("build", str(root.resolve()), "--out", str(out), "--no-default-gazetteer")
    assert done.returncode == 0, done.stderr
    for fmt in FORMATS:
        name = "neo4j" if fmt == "neo4j" else f"graph.{fmt}"
        exported = kg(
            "export", "--graph", str(out), "--format", fmt, "--out", str(out / "x" / name)
        )
        assert exported.returncode == 0, exported.stderr
    return root, out


def test_no_absolute_path_reaches_any_output(built: tuple[Path, Path]) -> None:
    """Issue 12: neither the Turtle, the store, the page nor any export holds where the
    documents are (or where the build folder is); only the manifest records the root."""
    root, out = built
    prefix = str(out.parent.resolve())  # the folder holding both the sources and the outputs
    checked = []
    for folder, _, files in os.walk(out):  # links are not followed: each file once
        for name in files:
            path = Path(folder) / name
            if name == MANIFEST:
                assert str(root.resolve()) in path.read_text(encoding="utf-8")
                continue
            assert prefix.encode() not in path.read_bytes(), path
            checked.append(path.relative_to(out).as_posix())
    gen = current_generation(out)
    assert gen is not None
    expected = {
        f"{gen.name}/graph.ttl",
        f"{gen.name}/graph.html",
        "x/graph.gexf",
        "x/neo4j/nodes.csv",
    }
    assert expected <= set(checked)
    assert any(p.startswith(f"{gen.name}/store/") for p in checked)
    # the store's terms, whatever the database does to its files
    ask = (
        f"ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?s), {prefix!r}) || CONTAINS(STR(?o), {prefix!r})) }}"
    )
    assert open_oxigraph(out).query(ask) is not None
    assert not bool(open_oxigraph(out).query(ask))
    paths = {str(o) for o in Graph().parse(out / "graph.ttl").objects(None, KG.path)}
    assert paths == set(DOCUMENTS)  # relative to the source root given
    assert "<title>kg: news</title>" in (out / "graph.html").read_text(encoding="utf-8")


def test_show_finds_the_texts_from_another_folder_and_notes_a_moved_one(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    root, out = built
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shown = kg("show", "Idris Kettleworth", "--graph", str(out), cwd=elsewhere)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    assert "velmora.txt: " in shown.stdout and "[Idris Kettleworth]" in shown.stdout
    assert "2019/launch.txt: " in shown.stdout
    moved = root.parent / "moved"
    root.rename(moved)
    try:
        shown = kg("show", "Idris Kettleworth", "--graph", str(out), cwd=elsewhere)
    finally:
        moved.rename(root)
    assert shown.returncode == 0
    notes = shown.stderr.splitlines()
    assert len(notes) == len(DOCUMENTS), notes  # one line per document
    assert all(n.startswith("note: ") and "moved or deleted since the build" in n for n in notes)
    assert "[Idris Kettleworth]" not in shown.stdout and "velmora.txt: " in shown.stdout


def test_show_notes_a_changed_document(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, out = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    gen = current_generation(copy)
    assert gen is not None
    other = tmp_path / "news"
    shutil.copytree(root, other)
    (other / "velmora.txt").write_text("Something else entirely.\n", encoding="utf-8")
    manifest = (gen / MANIFEST).read_text(encoding="utf-8")
    (gen / MANIFEST).write_text(manifest.replace(str(root.resolve()), str(other)), "utf-8")
    shown = kg("show", "Velmora", "--graph", str(copy))
    assert shown.returncode == 0
    assert shown.stderr.splitlines() == [
        f"note: {other / 'velmora.txt'} changed since the build; its context may not match"
    ]


def test_manifest_records_the_roots(built: tuple[Path, Path]) -> None:
    root, out = built
    gen = current_generation(out)
    assert gen is not None
    manifest = manifest_of(gen)
    assert manifest is not None
    assert manifest.roots == (str(root.resolve()),) and manifest.documents == len(DOCUMENTS)
    assert manifest.outputs == ("graph.ttl", "store", "graph.html")


def test_source_roots_of_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "news").mkdir()
    roots = source_roots([tmp_path / "news", tmp_path / "a.txt", tmp_path / "news"])
    assert roots == (str(tmp_path / "news"), str(tmp_path))


def empty_build() -> BuildResult:
    graph = Graph()
    graph.add((URIRef("urn:x:a"), URIRef("urn:x:p"), URIRef("urn:x:b")))
    return BuildResult([], [], [], [], graph, ())


def test_a_build_into_a_folder_another_build_is_writing_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with locked(out, "the other build"), pytest.raises(OutputError, match="another kg process"):
        write(empty_build(), out, html=False)
    assert list(out.iterdir()) == []


def test_builds_keep_the_current_and_the_previous_generation(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(4):
        assert write(empty_build(), out, html=False) == [out / "graph.ttl", out / "store"]
    assert [g.name for g in generations(out)] == ["gen-000003", "gen-000004"]
    manifest = manifest_of(out / "current")
    assert manifest is not None and manifest.previous == "gen-000003"
    assert sorted(p.name for p in out.iterdir()) == [
        "current",
        "gen-000003",
        "gen-000004",
        "graph.ttl",
        "store",
    ]
