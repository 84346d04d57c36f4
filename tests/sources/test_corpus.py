"""The shared corpus: the tables downstream depends on, in both the PDF and the text versions,
and every real published PDF parsed or cleanly quarantined.  Slow: run with --slow."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from govmap.errors import SourceError
from govmap.sources import Document, Table, iter_sources, parse, pull

pytestmark = pytest.mark.slow

VERSIONS = ("pdf", "text")


def _doc(corpus: Path, version: str, stem: str) -> Document:
    [path] = sorted((corpus / version).glob(f"{stem}_*"))
    return parse(pull(next(iter_sources([str(path)]))))


def _filled(table: Table) -> list[list[str]]:
    # Text marks a continuation row's first cell empty (""), the PDF as merged away (None).
    return [[c or "" for c in row] for row in table.grid]


def _by_title(doc: Document, prefix: str) -> Table:
    [table] = [t for t in doc.tables if t.title and t.title.startswith(prefix)]
    return table


def _by_header(doc: Document, first_cell: str) -> Table:
    [table] = [t for t in doc.tables if t.grid[0][0] == first_cell]
    return table


@pytest.mark.parametrize("version", VERSIONS)
def test_000_instrument_tables(shared_corpus: Path, version: str) -> None:
    doc = _doc(shared_corpus, version, "000")
    t1 = _by_title(doc, "Table 1.")
    assert t1.grid[0] == ["Instrument", "Description"]
    assert len(t1.rows) == 11  # header + 10 instruments, across a page break in the PDF
    assert all(len(row) == 2 and row[0] and row[1] for row in t1.grid)
    t2 = _by_title(doc, "Table 2.")
    assert t2.grid[0][0] == "Instrument" and len(t2.grid[0]) == 7
    assert len(t2.rows) == 11
    assert [row[0] for row in t2.grid[1:]] == [row[0] for row in t1.grid[1:]]
    marks = {c for row in t2.grid[1:] for c in row[1:]}
    assert marks == {"x", ""}  # a presence matrix: marks or empty cells, never missing ones
    if version == "pdf":
        assert t1.pages == (2, 3) and t1.row_pages[-1] == 3
        assert t1.grid[3][1].count("\n") == 0  # wrapped cell text is one cell, joined with a space


@pytest.mark.parametrize("version", VERSIONS)
def test_003_potential_hosts(shared_corpus: Path, version: str) -> None:
    doc = _doc(shared_corpus, version, "003")
    table = _by_title(doc, "Table 1. Potential Hosts for an Advanced AI Safety Report")
    assert table.grid[0] == ["", "Competent", "Independent", "Robust", "Globally Inclusive"]
    assert len(table.rows) == 4
    assert [row[0] for row in table.grid[1:]][1] == "OECD"
    assert all(len(row) == 5 and all(row[1:]) for row in table.grid[1:])


@pytest.mark.parametrize("version", VERSIONS)
def test_004_actors_appendix(shared_corpus: Path, version: str) -> None:
    doc = _doc(shared_corpus, version, "004")
    table = _by_header(doc, "Actors")
    grid = _filled(table)
    assert grid[0] == ["Actors", "Type of collaboration"]
    assert grid.count(["Actors", "Type of collaboration"]) == 1  # repeated headers dropped
    assert grid[1][0] == "US <> Singapore"
    assert grid[2][0] == "" and grid[3][0] == ""  # two continuation rows name more types
    assert all(row[1] for row in grid[1:])
    assert len(table.rows) == 28
    if version == "pdf":
        assert table.pages == (21, 22) and len(table.row_pages) == len(table.rows)


def test_pdf_and_text_tables_agree(shared_corpus: Path) -> None:
    for stem in ("000", "003", "004"):
        pdf, text = _doc(shared_corpus, "pdf", stem), _doc(shared_corpus, "text", stem)
        text_grids = [_filled(t) for t in text.tables]
        for table in pdf.tables:
            if table.title or table.grid[0][0] == "Actors":
                assert _filled(table) in text_grids, (stem, table.index)


@pytest.mark.parametrize("version", VERSIONS)
def test_corpus_documents_parse(shared_corpus: Path, version: str) -> None:
    for ref in iter_sources([str(shared_corpus / version)]):
        doc = parse(pull(ref))
        assert doc.n_chars > 1000
        # No blank lines at either end (a leading TAB may be an empty first cell, so it stays).
        assert all(p.text == p.text.strip("\n") for p in doc.pages)


def test_running_headers_and_page_numbers_removed(shared_corpus: Path) -> None:
    doc = _doc(shared_corpus, "pdf", "004")
    firsts = [p.text.split("\n", 1)[0] for p in doc.pages[1:]]
    lasts = [p.text.rsplit("\n", 1)[-1] for p in doc.pages]
    assert max(firsts.count(line) for line in firsts) <= 2
    assert not any(line.strip().isdigit() for line in lasts)


def test_real_reports_parse_or_quarantine(shared_corpus: Path) -> None:
    real = shared_corpus / "real"
    refs = list(iter_sources([str(real)])) if real.is_dir() else []
    if not refs:
        pytest.skip(f"no real reports in {real}")
    started = time.perf_counter()
    pages = 0
    for ref in refs:
        try:
            doc = parse(pull(ref))
        except SourceError as exc:
            assert "\n" not in str(exc)
            continue
        pages += len(doc.pages)
        for table in doc.tables:
            assert len({len(row) for row in table.rows}) == 1  # grids are rectangular
            assert not table.row_pages or len(table.row_pages) == len(table.rows)
    elapsed = time.perf_counter() - started
    # About 25 s for ~1250 pages on a laptop core; the bound only catches a return to
    # running the table finder on every page (which takes minutes).
    assert elapsed < 120, f"{len(refs)} reports, {pages} pages took {elapsed:.0f} s"
