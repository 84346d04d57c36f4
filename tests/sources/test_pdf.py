from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from govmap.errors import ParseError
from govmap.sources.model import RawDocument
from govmap.sources.pdf import parse_pdf
from govmap.sources.pdf_ruling import page_has_ruling
from govmap.sources.settings import ParseSettings
from tests.sources.conftest import write_pdf


def _raw(path: Path) -> RawDocument:
    return RawDocument(path.name, path.read_bytes(), "application/pdf")


def test_text_metadata_and_running_headers(tmp_path: Path) -> None:
    pages = [
        ["Ports of the north coast", "The first survey of Al systems in harbours."],
        ["Tides and locks are logged daily."],
        ["Pilots board at the outer buoy."],
    ]
    path = write_pdf(
        tmp_path / "ports.pdf", pages, title="North Coast Ports", author="Harbour Office", header="Harbour Review 2031"
    )
    doc = parse_pdf(_raw(path))
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.meta_title == "North Coast Ports" and doc.meta_author == "Harbour Office"
    assert doc.pages[0].text == "Ports of the north coast\nThe first survey of AI systems in harbours."
    assert doc.pages[1].text == "Tides and locks are logged daily."  # header and page number gone
    assert doc.media_type == "application/pdf" and doc.doc_id == _raw(path).doc_id


def test_placeholder_metadata_is_dropped(tmp_path: Path) -> None:
    # reportlab writes "(anonymous)" when no author is set: not an author.
    doc = parse_pdf(_raw(write_pdf(tmp_path / "a.pdf", [["Some words here."]])))
    assert doc.meta_author is None


def test_ruled_table_continued_on_next_page(table_pdf: Path) -> None:
    doc = parse_pdf(_raw(table_pdf))
    [table] = doc.tables
    assert table.title == "Table 3. Harbour authorities and their duties"
    assert table.grid[0] == ["Authority", "Duty", "Reach"]
    assert [row[0] for row in table.grid] == ["Authority", "North Quay Board", None, "Salt Lane Office", "Pier Trust"]
    assert table.grid[1] == ["North Quay Board", "Dredging", "x"]
    assert table.grid[3][2] == ""  # an empty cell, not a missing one
    assert table.pages == (1, 2) and table.row_pages == (1, 1, 1, 1, 2)
    assert table.page == 1 and table.index == 0 and doc.pages[0].tables == (table,)
    x0, top, x1, bottom = table.bbox
    assert x0 < x1 and top < bottom
    assert all(c.bbox is not None for c in table.rows[1])
    # Table text stays in the page text for mention finding.
    assert "North Quay Board" in doc.pages[0].text


def test_tables_can_be_switched_off(table_pdf: Path) -> None:
    assert parse_pdf(_raw(table_pdf), {"tables": False}).tables == ()


def test_ruling_prefilter(table_pdf: Path, tmp_path: Path) -> None:
    plain = write_pdf(tmp_path / "plain.pdf", [["No lines on this page."]])
    settings = ParseSettings()
    with_table = pdfium.PdfDocument(str(table_pdf))
    without = pdfium.PdfDocument(str(plain))
    try:
        assert page_has_ruling(with_table[0], settings)
        assert not page_has_ruling(without[0], settings)
    finally:
        with_table.close()
        without.close()


def test_image_only_pdf_needs_ocr(image_only_pdf: Path) -> None:
    with pytest.raises(ParseError, match=r"scan\.pdf page 1: no text layer; needs OCR; document quarantined"):
        parse_pdf(_raw(image_only_pdf))


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "locked.pdf", [["Secret harbour plans."]], encrypt="open-sesame")
    with pytest.raises(ParseError, match=r"locked\.pdf: encrypted PDF; needs a password"):
        parse_pdf(_raw(path))


def test_encrypted_with_empty_user_password_is_readable(tmp_path: Path) -> None:
    # Owner-password-only PDFs (printing restrictions) open without a password.
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner-only", canPrint=0)
    path = write_pdf(tmp_path / "restricted.pdf", [["Open harbour plans."]], encrypt=enc)  # type: ignore[arg-type]
    assert "Open harbour plans." in parse_pdf(_raw(path)).pages[0].text


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda good: b"", "empty file"),  # zero bytes
        (lambda good: good[: len(good) // 3], "corrupt or truncated|no text layer"),  # cut off mid-file
        (lambda good: b"%PDF-1.4\n" + b"garbage " * 50, "corrupt or truncated"),  # header, then junk
    ],
)
def test_broken_pdfs(tmp_path: Path, make, match: str) -> None:
    good = write_pdf(tmp_path / "good.pdf", [["Line one of a harbour memo."] * 30] * 3).read_bytes()
    raw = RawDocument("broken.pdf", make(good), "application/pdf")
    with pytest.raises(ParseError, match=match) as info:
        parse_pdf(raw)
    message = str(info.value)
    assert message.startswith("broken.pdf") and "\n" not in message and "quarantined" in message


def _one_page_table(path: Path, above: list[tuple[str, str]], parts: int = 1) -> Path:
    """A page with lines (font, text) above a ruled table; `parts` > 1 restarts the table right
    below itself with its header repeated, as some generators do."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tests.sources.conftest import draw_table

    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    y = height - 100
    for font, text in above:
        c.setFont(font, 10)
        c.drawString(72, y, text)
        y -= 14
    top = y - 6
    for k in range(parts):
        top = draw_table(c, 72, top, [["Port", "Depth"], [f"Harbour {k}", f"{k + 4} m"]], [150, 150]) - 8
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize(
    ("above", "title"),
    [
        (
            [("Helvetica", "Some body text before it."), ("Helvetica-Bold", "Depths of small ports")],
            "Depths of small ports",
        ),  # short bold line
        (
            [("Helvetica", "Table 7. Depths of"), ("Helvetica", "small ports")],
            "Table 7. Depths of small ports",
        ),  # wrapped "Table N" caption
        ([("Helvetica", "A plain sentence of body text sits right above the grid.")], None),  # body text is no caption
        ([], None),  # nothing above
    ],
)
def test_table_captions(tmp_path: Path, above: list[tuple[str, str]], title: str | None) -> None:
    [table] = parse_pdf(_raw(_one_page_table(tmp_path / "cap.pdf", above))).tables
    assert table.title == title


def test_table_restarted_below_with_repeated_header_is_one_table(tmp_path: Path) -> None:
    [table] = parse_pdf(_raw(_one_page_table(tmp_path / "twice.pdf", [], parts=2))).tables
    assert table.grid == [["Port", "Depth"], ["Harbour 0", "4 m"], ["Harbour 1", "5 m"]]
    assert table.pages == (1,) and table.row_pages == ()


def test_parsing_on_threads(table_pdf: Path) -> None:
    # Flows may parse on a thread pool; pdfium is not thread-safe, so parse_pdf serialises it.
    from concurrent.futures import ThreadPoolExecutor

    raw = _raw(table_pdf)
    with ThreadPoolExecutor(4) as pool:
        docs = list(pool.map(lambda _: parse_pdf(raw), range(8)))
    assert {d.tables[0].grid[1][0] for d in docs} == {"North Quay Board"}


def _boxes_pdf(path: Path) -> Path:
    """One page of stacked boxes (a side bar and highlight panels), ruled but holding no grid."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setLineWidth(0.5)
    y = height - 100
    for i, h in enumerate((60, 40, 80, 50)):
        c.rect(72, y - h, 300 + 20 * i, h)  # panels of different widths, one under the other
        c.setFont("Helvetica", 9)
        c.drawString(80, y - 15, f"Panel {i + 1} says something about fictional harbours.")
        y -= h
    c.line(60, height - 100, 60, y)  # a side bar down the panels
    c.showPage()
    c.save()
    return path


def _pdfium_tables(page: pdfium.PdfPage, settings: ParseSettings) -> list:
    """The table parts the pdfium reader finds on one page."""
    from govmap.sources.pdf_tables import read_page_tables

    parts = read_page_tables(page, page.get_textpage(), 1, settings)
    assert parts is not None  # an upright page: pdfium reads it, pdfplumber is not needed
    return parts


def test_cell_geometry_keeps_ruled_tables_and_skips_stacked_boxes(table_pdf: Path, tmp_path: Path) -> None:
    settings = ParseSettings()
    with_table = pdfium.PdfDocument(str(table_pdf))
    boxes = pdfium.PdfDocument(str(_boxes_pdf(tmp_path / "boxes.pdf")))
    try:
        assert _pdfium_tables(with_table[0], settings) and _pdfium_tables(with_table[1], settings)
        assert page_has_ruling(boxes[0], settings)  # the cheap test alone would keep the page
        assert _pdfium_tables(boxes[0], settings) == []
    finally:
        with_table.close()
        boxes.close()
    # pdfplumber, made to look at the same page, finds nothing a release would keep either
    from govmap.sources.pdf_tables import find_tables_pdfplumber

    data = (tmp_path / "boxes.pdf").read_bytes()
    assert find_tables_pdfplumber(data, [1], "boxes.pdf", settings) == {1: []}


def _drawn_in_one_path(path: Path, grid: bool) -> Path:
    """A page with a round logo (Bezier curves); below it either a 2 x 3 ruled grid drawn as ONE
    path of six boxes, with text in each box, or stacked panels and a side bar."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    c.circle(500, height - 60, 12, stroke=1, fill=1)
    p = c.beginPath()
    top = height - 150
    if grid:
        cells = [["Port", "Depth", "Pilot"], ["Harbour A", "4 m", "yes"]]
        for r, row in enumerate(cells):
            for k, text in enumerate(row):
                p.rect(72 + 120 * k, top - 20 * (r + 1), 120, 20)
                c.drawString(76 + 120 * k, top - 20 * (r + 1) + 6, text)
        c.drawPath(p, stroke=1, fill=0)
    else:
        for i, h in enumerate((60, 40, 80, 50)):
            c.rect(72, top - h, 300 + 20 * i, h)
            top -= h
        c.line(60, height - 150, 60, top)  # a side bar down the panels
    c.showPage()
    c.save()
    return path


def test_cell_geometry_reads_paths_of_many_segments(tmp_path: Path) -> None:
    # A logo made of curves does not make a page of panels a table, and a grid drawn as one path
    # of many boxes is still seen as a grid (pdfminer splits it into its boxes too).
    settings = ParseSettings()
    panels = pdfium.PdfDocument(str(_drawn_in_one_path(tmp_path / "panels.pdf", grid=False)))
    grid = pdfium.PdfDocument(str(_drawn_in_one_path(tmp_path / "grid.pdf", grid=True)))
    try:
        assert page_has_ruling(panels[0], settings) and _pdfium_tables(panels[0], settings) == []
        [part] = _pdfium_tables(grid[0], settings)
        assert [[c.text for c in row] for row in part.rows] == [["Port", "Depth", "Pilot"], ["Harbour A", "4 m", "yes"]]
    finally:
        panels.close()
        grid.close()


def test_text_layer_check_counts_only_until_there_is_enough() -> None:
    from govmap.sources.pdf import _has_text_layer

    for texts in ([], [""], [" \n\t"], ["a"], ["ab c", ""], ["", " ", "abcdef"], ["a b", "c d", "e"]):
        for min_chars in range(1, 8):
            n_words = sum(len(t.split()) for t in texts)
            plain = sum(len("".join(t.split())) for t in texts) >= min_chars and n_words > 0
            assert _has_text_layer(list(texts), min_chars) == plain
