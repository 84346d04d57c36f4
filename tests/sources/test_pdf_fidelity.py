"""PDF fidelity (issue 17): each cause of a lost table or damaged page text, on a PDF built here."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pypdfium2 as pdfium
import pytest

from govmap.sources.model import Document, RawDocument
from govmap.sources.pdf import parse_pdf
from govmap.sources.pdf_ruling import page_has_ruling
from govmap.sources.settings import ParseSettings
from tests.sources.conftest import draw_table, grid_lines, write_pdf

A4 = (595.27, 841.89)
ROWS = [["Quay", "Cranes", "Depth"], ["North", "4", "12 m"], ["South", "2", "9 m"], ["East", "7", "14 m"]]
COLS = [120.0, 80.0, 80.0]


def _canvas(path: Path):
    from reportlab.pdfgen import canvas

    return canvas.Canvas(str(path), pagesize=A4)


def _parse(path: Path) -> Document:
    return parse_pdf(RawDocument(path.name, path.read_bytes(), "application/pdf"))


def _rule_grid(c, xs: list[float], ys: list[float], width: float = 0.5) -> None:
    """Every row and column rule of the grid, each drawn as one line."""
    c.setLineWidth(width)
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])


def _write_cells(c, xs: list[float], ys: list[float], rows: list[list[str]], row_height: float = 18) -> None:
    c.setFont("Helvetica", 9)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c.drawString(xs[j] + 3, ys[i] - row_height + 5, text)


# --- page text ----------------------------------------------------------------------------------


def test_line_end_hyphen_marker_joins_the_word(tmp_path: Path) -> None:
    # pdfium hands "con-" at a line end as "con\ufffestructed", the line break removed.
    c = _canvas(tmp_path / "hyphens.pdf")
    c.setFont("Helvetica", 10)
    for i, line in enumerate(
        [
            "The harbour wall was con-",
            "structed in one year and is well-",
            "known to sailors as a state-of-the-",
            "art breakwater.",
        ]
    ):
        c.drawString(72, 700 - 14 * i, line)
    c.save()
    text = _parse(tmp_path / "hyphens.pdf").pages[0].text
    assert "constructed" in text and "con-structed" not in text  # a typesetter's split
    assert "well-known" in text  # a compound keeps its hyphen
    assert "state-of-the-art" in text  # a word with hyphens of its own, broken at one of them


def test_soft_hyphen_between_digits_is_printed(tmp_path: Path) -> None:
    # A font with a Unicode map (TrueType, embedded) so pdfium reports the soft hyphen as U+00AD.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    c = _canvas(tmp_path / "soft.pdf")
    c.setFont("Vera", 10)
    c.drawString(72, 700, "Berths are let for 1\u00ad12 months under regu\u00adlation 4.")
    c.save()
    assert _parse(tmp_path / "soft.pdf").pages[0].text == "Berths are let for 1-12 months under regulation 4."


def test_control_characters_are_removed(tmp_path: Path) -> None:
    # A glyph whose code is a C0 control (a font without a Unicode map) reaches pdfium's text as is.
    c = _canvas(tmp_path / "control.pdf")
    text = c.beginText(72, 700)
    text.setFont("Helvetica", 10)
    text._code.append("(Quay\\001 five is dredged\\037.) Tj")
    c.drawText(text)
    c.save()
    assert _parse(tmp_path / "control.pdf").pages[0].text == "Quay five is dredged."


def test_dates_and_chart_values_at_page_feet_are_kept(tmp_path: Path) -> None:
    # Every page ends with a data row (a date) and a chart value, at the same place: content, not
    # a running foot (no words) and not a page number (the values do not count pages).
    bodies = [
        ["Arrivals at North Quay."],
        ["Arrivals at South Quay."],
        ["Arrivals at East Quay."],
        ["Arrivals at West Quay."],
    ]
    path = write_pdf(tmp_path / "feet.pdf", [b + ["03/25/2016", ["120", "80"][n % 2]] for n, b in enumerate(bodies, 1)])
    texts = [p.text for p in _parse(path).pages]
    assert all("03/25/2016" in t for t in texts)
    assert texts[0].endswith("80") and texts[1].endswith("120")


def test_running_heads_and_page_numbers_still_go(tmp_path: Path) -> None:
    bodies = [["Harbour Review 2031", f"Body of page {w}."] for w in ("one", "two", "three")]
    path = write_pdf(tmp_path / "heads.pdf", [b + [str(n + 6)] for n, b in enumerate(bodies, 1)])
    assert [p.text for p in _parse(path).pages] == ["Body of page one.", "Body of page two.", "Body of page three."]


def test_repeated_source_note_is_kept(tmp_path: Path) -> None:
    # The same note under a table on every page is body text, not a pull quote set apart.
    note = "Source: Harbour Office survey of every quay, figures in tonnes."
    bodies = [
        [
            f"Tonnage of quay {q} rose again this year.",
            "More ships called.",
            "Fewer left.",
            note,
            f"Quay {q} is dredged in spring.",
            f"Quay {q} has two cranes.",
            f"Quay {q} closes at dusk.",
        ]
        for q in ("A", "B", "C")
    ]
    path = write_pdf(tmp_path / "notes.pdf", bodies)
    assert all(note in p.text for p in _parse(path).pages)


# --- tables -------------------------------------------------------------------------------------


def test_cells_keep_stars_and_spaced_dashes(tmp_path: Path) -> None:
    c = _canvas(tmp_path / "stars.pdf")
    rows = [["Quay", "Rating"], ["North", "*****"], ["South", "\u2013 \u2013 \u2013"], ["East", "***"]]
    draw_table(c, 72, 700, rows, [120, 120])
    c.save()
    [table] = _parse(tmp_path / "stars.pdf").tables
    assert [r[1] for r in table.grid] == ["Rating", "*****", "\u2013 \u2013 \u2013", "***"]


def _compound_grid(path: Path) -> Path:
    """The whole grid drawn as one path object (one stroke of many sub-paths)."""
    c = _canvas(path)
    xs, ys = grid_lines(72, 700, len(ROWS), COLS)
    p = c.beginPath()
    for y in ys:
        p.moveTo(xs[0], y)
        p.lineTo(xs[-1], y)
    for x in xs:
        p.moveTo(x, ys[0])
        p.lineTo(x, ys[-1])
    c.setLineWidth(0.5)
    c.drawPath(p, stroke=1, fill=0)
    _write_cells(c, xs, ys, ROWS)
    c.save()
    return path


def _segmented_grid(path: Path) -> Path:
    """Each rule drawn as separate pieces 4 pt long (shorter than a rule on its own)."""
    c = _canvas(path)
    xs, ys = grid_lines(72, 700, len(ROWS), COLS)
    c.setLineWidth(0.5)
    for y in ys:
        x = xs[0]
        while x < xs[-1]:
            c.line(x, y, min(x + 4, xs[-1]), y)
            x += 4
    for x in xs:
        y = ys[0]
        while y > ys[-1]:
            c.line(x, y, x, max(y - 4, ys[-1]))
            y -= 4
    _write_cells(c, xs, ys, ROWS)
    c.save()
    return path


def _thick_grid(path: Path) -> Path:
    """Rules stroked 5 pt wide: wider than pdfplumber's snap tolerance, so a stroke's two sides
    taken as edges would make an empty row and column beside every rule."""
    c = _canvas(path)
    xs, ys = grid_lines(72, 700, len(ROWS), COLS, row_height=24)
    _rule_grid(c, xs, ys, width=5)
    _write_cells(c, xs, ys, ROWS, row_height=24)
    c.save()
    return path


@pytest.mark.parametrize(
    "build",
    [
        _compound_grid,  # the bounds of one compound path are a single box: its inner rules count
        _segmented_grid,  # pieces shorter than a rule join into rules
        _thick_grid,  # a thick stroke is one edge along its centre line
    ],
)
def test_ruling_drawn_in_other_ways_reads_the_table(tmp_path: Path, build: Callable[[Path], Path]) -> None:
    path = build(tmp_path / "grid.pdf")
    pdf = pdfium.PdfDocument(str(path))
    try:
        assert page_has_ruling(pdf[0], ParseSettings())
    finally:
        pdf.close()
    [table] = _parse(path).tables
    assert table.grid == ROWS


def test_rotated_page_table_goes_to_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A page shown rotated: pdfplumber reads it in the rotated view, so the grid must never be
    # judged on pdfium's unrotated cells; and the file is opened by pdfplumber once.
    import pdfplumber

    from govmap.sources import pdf_tables

    c = _canvas(tmp_path / "rotated.pdf")
    draw_table(c, 72, 700, ROWS, COLS)
    c.setPageRotation(90)
    c.showPage()
    draw_table(c, 72, 700, ROWS, COLS)
    c.setPageRotation(90)
    c.save()
    opened: list[object] = []
    judged: list[object] = []
    real_open, real_kept = pdfplumber.open, pdf_tables.grid_kept
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    monkeypatch.setattr(pdf_tables, "grid_kept", lambda *a, **k: judged.append(a) or real_kept(*a, **k))
    doc = _parse(tmp_path / "rotated.pdf")
    assert len(opened) == 1 and judged == []
    assert len(doc.tables) == 1  # the second page continues the first (same header)
    assert doc.tables[0].pages == (1, 2)


def test_rotated_page_without_ruling_never_opens_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No ruled cells in pdfium's view means none a quarter turn away either: pdfplumber, which
    # would parse the whole page again, is never opened for it.
    import pdfplumber

    c = _canvas(tmp_path / "rotated-text.pdf")
    c.drawString(72, 700, "Quarterly figures for the Harbor Board, without any table.")
    c.setPageRotation(270)
    c.save()
    opened: list[object] = []
    real_open = pdfplumber.open
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    doc = _parse(tmp_path / "rotated-text.pdf")
    assert opened == [] and doc.tables == ()
    assert "Quarterly figures for the Harbor Board" in doc.pages[0].text


def _spanning_table(
    c, x: float, top: float, rows: list[list[str]], col_widths: list[float], row_height: float = 18
) -> None:
    """A ruled table where an empty cell continues the cell above it (a row span): no rule
    between them."""
    xs, ys = grid_lines(x, top, len(rows), col_widths, row_height)
    c.setLineWidth(0.5)
    for i, y in enumerate(ys):
        for j in range(len(col_widths)):
            if i in (0, len(rows)) or rows[i][j] != "":
                c.line(xs[j], y, xs[j + 1], y)
    for xx in xs:
        c.line(xx, ys[0], xx, ys[-1])
    _write_cells(c, xs, ys, rows, row_height)


def test_merged_cells_kept_layout_boxes_dropped(tmp_path: Path) -> None:
    # A table whose first column spans all eight rows and whose second spans four: nearly half
    # its grid slots are merged (None), and it is still a table (README, "Reading PDFs").
    c = _canvas(tmp_path / "merged.pdf")
    rows = [["Region", "Group", "Quay"]] + [
        ["North" if i == 0 else "", ("Inner" if i < 4 else "Outer") if i % 4 == 0 else "", f"Quay {i}"]
        for i in range(8)
    ]
    _spanning_table(c, 72, 780, rows, COLS)
    # Below it, a page layout of ruled boxes around prose: one wide box, two side by side, one
    # wide box.  A grid of 3 x 2 slots, but only one row split in two: not a table.
    c.setLineWidth(0.5)
    c.setFont("Helvetica", 9)
    for x, top, w, text in [
        (72, 500, 280, "A note on tides and locks."),
        (72, 460, 140, "Pilots board here."),
        (212, 460, 140, "Fees are due."),
        (72, 420, 280, "A note on the winter closures."),
    ]:
        c.rect(x, top - 40, w, 40)
        c.drawString(x + 4, top - 20, text)
    c.save()
    [table] = _parse(tmp_path / "merged.pdf").tables
    assert table.grid[0] == ["Region", "Group", "Quay"]
    assert [r[0] for r in table.grid] == ["Region", "North"] + [None] * 7
    assert [r[1] for r in table.grid] == ["Group", "Inner", None, None, None, "Outer", None, None, None]
    assert table.grid[3] == [None, None, "Quay 2"]


def test_cell_spaces_between_scripts(tmp_path: Path) -> None:
    # Words set apart by a gap without a space glyph.  A quarter em in Latin text: a word space
    # (pdfium marks it).  The same between a CJK character and a number: the typesetter's spacing
    # between scripts, which pdfplumber (gap under its x_tolerance) and Chinese text leave out.
    # Wider than pdfplumber's x_tolerance: a space whatever pdfium says.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = _canvas(tmp_path / "scripts.pdf")
    xs, ys = grid_lines(72, 700, 3, [120.0, 120.0])
    _rule_grid(c, xs, ys)
    for row, (first, second, font, gap) in enumerate(
        [
            ("Rate", "of", "Helvetica", 2.4),
            ("\u4e0a\u5347", "5.72", "STSong-Light", 2.4),
            ("Depth", "m", "Helvetica", 3.5),
        ]
    ):
        c.setFont(font, 9)
        c.drawString(xs[0] + 3, ys[row] - 13, first)
        c.drawString(xs[0] + 3 + c.stringWidth(first, font, 9) + gap, ys[row] - 13, second)
        c.setFont("Helvetica", 9)
        c.drawString(xs[1] + 3, ys[row] - 13, str(row))
    c.save()
    [table] = _parse(tmp_path / "scripts.pdf").tables
    assert [r[0] for r in table.grid] == ["Rate of", "\u4e0a\u53475.72", "Depth m"]


def test_rotated_label_beside_a_table_needs_no_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A label set up the margin, level with the table: pdfium reads the table, pdfplumber is
    # never opened.  Rotated text inside a table would still go to pdfplumber.
    import pdfplumber

    c = _canvas(tmp_path / "label.pdf")
    draw_table(c, 120, 700, ROWS, COLS)
    c.saveState()
    c.translate(60, 620)
    c.rotate(90)
    c.setFont("Helvetica", 9)
    c.drawString(0, 0, "HARBOUR SURVEY")
    c.restoreState()
    c.save()
    opened: list[object] = []
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: opened.append(a))
    [table] = _parse(tmp_path / "label.pdf").tables
    assert table.grid == ROWS and opened == []
