"""The pdfium table reader gives pdfplumber's tables, and falls back to pdfplumber where it must."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from govmap.sources.model import RawDocument
from govmap.sources.pdf import parse_pdf
from govmap.sources.pdf_ruling import page_has_ruling
from govmap.sources.pdf_tables import find_tables_pdfplumber, merge_parts, read_page_tables
from govmap.sources.settings import ParseSettings
from tests.sources.conftest import draw_table

SETTINGS = ParseSettings.resolve(None)


def _raw(path: Path) -> RawDocument:
    return RawDocument(path.name, path.read_bytes(), "application/pdf")


def _grids(tables) -> list[tuple[str | None, list[list[str | None]]]]:
    return [(t.title, t.grid) for t in tables]


def _pdfplumber_tables(path: Path):
    """What pdfplumber alone reads on every page with ruling, merged the same way."""
    pdf = pdfium.PdfDocument(path)
    try:
        pages = [i + 1 for i in range(len(pdf)) if page_has_ruling(pdf[i], SETTINGS)]
    finally:
        pdf.close()
    found = find_tables_pdfplumber(path.read_bytes(), pages, path.name, SETTINGS)
    return merge_parts([p for n in sorted(found) for p in found[n]], SETTINGS)


def _needs_pdfplumber(path: Path) -> bool:
    """Whether the pdfium reader hands the first page to pdfplumber."""
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        return read_page_tables(page, page.get_textpage(), 1, SETTINGS) is None
    finally:
        pdf.close()


def _mixed_tables_pdf(path: Path) -> Path:
    """Two captioned tables in other fonts and sizes, cells wrapped over two lines, a bold
    header, numbers and punctuation."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    _, height = letter
    c.setFont("Times-Bold", 11)
    c.drawString(60, height - 70, "Table 2. Ferry crossings rated by the island councils")
    top = height - 80
    xs = [60, 180, 350, 440]
    rows = [
        ["Crossing", "Council view", "Rating"],
        ["Gull Sound", "Cheap; slow in (winter) fog", "3/5"],
        ["Rook Narrows", "Needs a second vessel", "High"],
        ["Tern Race", "Closed 12-14 May", "n/a"],
    ]
    row_height = 30
    c.setLineWidth(0.6)
    for i in range(len(rows) + 1):
        c.line(xs[0], top - i * row_height, xs[-1], top - i * row_height)
    for x in xs:
        c.line(x, top, x, top - len(rows) * row_height)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c.setFont("Times-Bold" if i == 0 else "Times-Roman", 10)
            words = text.split()
            if len(words) > 3:  # wrap onto a second line inside the cell
                c.drawString(xs[j] + 4, top - i * row_height - 12, " ".join(words[:3]))
                c.drawString(xs[j] + 4, top - i * row_height - 24, " ".join(words[3:]))
            else:
                c.drawString(xs[j] + 4, top - i * row_height - 12, text)
    body_y = top - len(rows) * row_height - 30
    c.setFont("Helvetica", 9)
    c.drawString(60, body_y, "Body text between the two tables, long enough to be a sentence of prose.")
    c.setFont("Courier-Bold", 9)
    c.drawString(60, body_y - 30, "Pier fees")
    draw_table(
        c,
        60,
        body_y - 36,
        [["Pier", "Fee (EUR)", "Since"], ["East", "1,200", "2029"], ["West", "950.50", "2031"]],
        [100, 100, 80],
    )
    c.showPage()
    c.save()
    return path


def test_pdfium_reader_gives_pdfplumbers_tables(tmp_path: Path, table_pdf: Path) -> None:
    for path in (table_pdf, _mixed_tables_pdf(tmp_path / "mixed.pdf")):
        tables = parse_pdf(_raw(path)).tables
        assert tables and _grids(tables) == _grids(_pdfplumber_tables(path))
        assert [(t.pages, t.row_pages) for t in tables] == [(t.pages, t.row_pages) for t in _pdfplumber_tables(path)]
    mixed = parse_pdf(_raw(tmp_path / "mixed.pdf")).tables
    assert mixed[0].title == "Table 2. Ferry crossings rated by the island councils"
    assert mixed[0].grid[1] == ["Gull Sound", "Cheap; slow in (winter) fog", "3/5"]
    assert mixed[1].title == "Pier fees" and mixed[1].grid[2] == ["West", "950.50", "2031"]


def _spaced_words_pdf(path: Path, gap: float) -> Path:
    """A ruled table whose cell words are placed one by one, `gap` points apart, with no space
    glyph between them (as some layout programs write text)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    top = height - 100
    draw_table(c, 72, top, [["Office", "Duty"], ["", ""], ["Quay office", "Tolls"]], [200, 100])
    c.setFont("Helvetica", 10)
    x = 75
    for word in ("Harbour", "master"):
        c.drawString(x, top - 18 - 13, word)
        x += c.stringWidth(word, "Helvetica", 10) + gap
    c.drawString(275, top - 18 - 13, "Pilots")
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize(("gap", "cell"), [(2.6, "Harbour master"), (1.7, "Harbour master"), (0.4, "Harbourmaster")])
def test_words_placed_apart_without_space_glyphs(tmp_path: Path, gap: float, cell: str) -> None:
    # A word-sized gap (a quarter of the font size, or a condensed font's sixth) is a space even
    # though pdfplumber, whose 3-point tolerance it is under, would glue the words; a
    # kerning-sized gap is not.
    [table] = parse_pdf(_raw(_spaced_words_pdf(tmp_path / "spaced.pdf", gap))).tables
    assert table.grid[1] == [cell, "Pilots"]


def test_table_inside_a_scaled_form_is_read_where_the_form_puts_it(tmp_path: Path) -> None:
    # The grid's paths live in a form XObject drawn moved and shrunk: pdfium gives their bounds
    # in the form's space, so the reader must apply the form's transform as pdfminer does.
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    c.beginForm("grid")
    draw_table(c, 0, 100, [["Port", "Depth"], ["Harbour A", "4 m"], ["Harbour B", "6 m"]], [150, 100])
    c.endForm()
    c.saveState()
    c.translate(90, height - 320)
    c.scale(0.8, 0.8)
    c.doForm("grid")
    c.restoreState()
    c.setFont("Helvetica", 10)
    c.drawString(72, height - 80, "A survey of invented ports comes first on this page.")
    c.showPage()
    c.save()
    assert not _needs_pdfplumber(path)
    [table] = parse_pdf(_raw(path)).tables
    assert table.grid == [["Port", "Depth"], ["Harbour A", "4 m"], ["Harbour B", "6 m"]]
    assert _grids([table]) == _grids(_pdfplumber_tables(path))
    [plumber] = _pdfplumber_tables(path)
    assert table.bbox == pytest.approx(plumber.bbox, abs=0.01)


def test_rotated_page_is_read_by_pdfplumber(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "rotated.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    c.setPageRotation(90)
    draw_table(c, 72, height - 100, [["Port", "Depth"], ["Harbour A", "4 m"], ["Harbour B", "6 m"]], [150, 100])
    c.setFont("Helvetica", 10)
    c.drawString(72, height - 200, "Prose under the grid on a page shown turned.")
    c.showPage()
    c.save()
    assert _needs_pdfplumber(path)
    tables = parse_pdf(_raw(path)).tables
    assert len(tables) == 1 and _grids(tables) == _grids(_pdfplumber_tables(path))


# --- shortcuts: the same answers as pdfplumber's plain calls, on less input ------------------------


def _page_groups_and_chars(path: Path):
    """The first page's kept cell groups and all its characters, as the pdfium reader takes them."""
    from govmap.sources.pdf_ruling import grid_kept, ruled_cell_groups
    from govmap.sources.pdf_tables import _page_chars

    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        groups = [g for g in ruled_cell_groups(page, SETTINGS) if grid_kept(g, SETTINGS)]
        chars = _page_chars(page.get_textpage(), page.get_size()[1], [(-1e9, 1e9)])
    finally:
        pdf.close()
    return groups, chars


def test_table_reads_the_same_from_only_the_characters_inside_it(tmp_path: Path, table_pdf: Path) -> None:
    from pdfplumber.table import Table as PlumberTable

    from govmap.sources.pdf_tables import _CharPage, _cell_table, _char, _extract

    for path in (table_pdf, _mixed_tables_pdf(tmp_path / "mixed.pdf")):
        groups, chars = _page_groups_and_chars(path)
        assert groups
        for cells in groups:
            x0, top, x1, bottom = PlumberTable(_CharPage([]), cells).bbox
            # Characters whose middle falls on the table's edges: pdfplumber keeps those on the
            # top and left edges, not those on the bottom and right ones.
            edge_chars = [
                _char("L", x0 - 1, x0 + 1, top + 4, top + 8, -1),
                _char("R", x1 - 1, x1 + 1, top + 4, top + 8, -1),
                _char("T", x0 + 4, x0 + 8, top - 1, top + 1, -1),
                _char("B", x0 + 4, x0 + 8, bottom - 1, bottom + 1, -1),
            ]
            page_chars = chars + edge_chars
            full = PlumberTable(_CharPage(page_chars), cells).extract()
            assert _cell_table(cells, page_chars).extract() == full
            assert _extract(PlumberTable(_CharPage(page_chars), cells)) == full
            assert _extract(_cell_table(cells, page_chars)) == full
            assert any("L" in (t or "") for row in full for t in row)


def test_table_text_reads_as_pdfplumbers_own_extract(tmp_path: Path, table_pdf: Path) -> None:
    import pdfplumber

    from govmap.sources.pdf_ruling import table_settings
    from govmap.sources.pdf_tables import _extract

    slots = 0
    for path in (table_pdf, _mixed_tables_pdf(tmp_path / "mixed.pdf")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.find_tables(table_settings(SETTINGS)):
                    texts = table.extract()
                    assert _extract(table) == texts
                    slots += sum(t is None for row in texts for t in row)
    assert slots  # a merged cell leaves an empty slot


def test_caption_crop_takes_the_characters_pdfplumber_takes() -> None:
    from pdfplumber.utils import crop_to_bbox

    from govmap.sources.pdf_tables import _char, _crop

    region = (0.0, 50.0, 300.0, 80.0)
    edges = [40.0, 49.0, 50.0, 51.0, 65.0, 79.0, 80.0, 81.0, 90.0]
    chars = [
        _char("x", x0, x1, top, bottom, 0)
        for top in edges
        for bottom in edges
        if bottom >= top
        for x0, x1 in [
            (-5.0, -1.0),
            (-1.0, 0.0),
            (0.0, 0.0),
            (10.0, 12.0),
            (299.0, 301.0),
            (300.0, 300.0),
            (301.0, 305.0),
        ]
    ]
    cropped = _crop(chars, region)
    assert cropped == crop_to_bbox(chars, region)
    assert 0 < len(cropped) < len(chars)


def _lattice_edges(rng, n: int) -> list[dict]:
    """Horizontal and vertical rules on a coarse lattice, some missing or cut short, some
    crossing, some duplicated: grids with merged cells, loose boxes and stray lines."""

    def h(x0, x1, y):
        return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0, "orientation": "h"}

    def v(y0, y1, x):
        return {"x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0, "orientation": "v"}

    edges = []
    for _ in range(n):
        a, b = sorted(rng.sample(range(0, 120, 10), 2))
        at = rng.randrange(0, 120, 10) + rng.choice([0, 0, 0, 0.5])
        edges.append(h(a, b, at) if rng.random() < 0.5 else v(a, b, at))
    return edges + rng.sample(edges, n // 4)


def test_cell_finder_finds_pdfplumbers_cells() -> None:
    import random

    from pdfplumber.table import edges_to_intersections, intersections_to_cells

    from govmap.sources.pdf_ruling import _intersections_to_cells

    rng = random.Random(7)
    found = 0
    for trial in range(300):
        intersections = edges_to_intersections(_lattice_edges(rng, 4 + trial % 30), 3, 3)
        cells = intersections_to_cells(intersections)
        assert _intersections_to_cells(intersections) == cells
        found += len(cells)
    assert found > 1000
