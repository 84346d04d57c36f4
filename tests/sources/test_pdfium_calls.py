"""`pdfium_calls` asks pdfium the same questions as pypdfium2's declared functions and gets the
same answers, on a page with every kind of object the PDF reader walks."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from govmap.sources import pdfium_calls
from govmap.sources.pdf_ruling import path_objects
from tests.sources.conftest import draw_table


def _address(typed_handle) -> int | None:
    return ctypes.cast(typed_handle, ctypes.c_void_p).value


@pytest.fixture
def drawn_pdf(tmp_path: Path) -> Path:
    """One page: a ruled table, lines of text with real spaces, words set apart with no space
    glyph (pdfium inserts one), a curved many-segment path, and a grid inside a form."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "drawn.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    draw_table(c, 72, height - 100, [["Port", "Depth"], ["Harbour A", "4 m"], ["Harbour B", "6 m"]], [150, 100])
    c.setFont("Helvetica", 10)
    for k, line in enumerate(["The survey of invented ports goes on here.", "A second line of the same survey."]):
        c.drawString(72, height - 200 - 14 * k, line)
    x = 72.0
    for word in ("Pilot", "station", "closed"):
        c.drawString(x, height - 250, word)
        x += c.stringWidth(word, "Helvetica", 10) + 4
    p = c.beginPath()
    p.moveTo(300, 300)
    p.curveTo(320, 340, 360, 340, 380, 300)
    p.lineTo(380, 260)
    p.lineTo(300, 260)
    p.close()
    c.drawPath(p)
    c.beginForm("grid")
    draw_table(c, 0, 100, [["Quay", "Toll"], ["North", "2"]], [80, 60])
    c.endForm()
    c.saveState()
    c.translate(300, 100)
    c.scale(0.5, 0.5)
    c.doForm("grid")
    c.restoreState()
    c.showPage()
    c.save()
    return path


def test_character_getters_answer_as_pypdfium2(drawn_pdf: Path) -> None:
    pdf = pdfium.PdfDocument(drawn_pdf)
    try:
        textpage = pdf[0].get_textpage()
        raw, tp = textpage.raw, pdfium_calls.handle(textpage.raw)
        n = pdfium_c.FPDFText_CountChars(raw)
        assert n > 100
        for i in range(n):
            ox, oy, fx, fy = (ctypes.c_double() for _ in range(4))
            assert pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy)
            assert pdfium_calls.char_origin(tp, i, ctypes.byref(fx), ctypes.byref(fy))
            assert (fx.value, fy.value) == (ox.value, oy.value)
            assert pdfium_calls.char_unicode(tp, i) == pdfium_c.FPDFText_GetUnicode(raw, i)
            assert pdfium_calls.char_is_generated(tp, i) == pdfium_c.FPDFText_IsGenerated(raw, i)
            box, fast_box = pdfium_c.FS_RECTF(), pdfium_c.FS_RECTF()
            assert pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
            assert pdfium_calls.char_loose_box(tp, i, ctypes.byref(fast_box))
            assert (fast_box.left, fast_box.bottom, fast_box.right, fast_box.top) == (
                box.left,
                box.bottom,
                box.right,
                box.top,
            )
            assert pdfium_calls.char_text_object(tp, i) == _address(pdfium_c.FPDFText_GetTextObject(raw, i))
    finally:
        pdf.close()


def test_pdfium_generates_only_spaces_and_line_breaks(drawn_pdf: Path) -> None:
    # `_page_chars` asks whether a character is generated only when it is a space: line breaks
    # are skipped either way, and pdfium inserts nothing else.
    pdf = pdfium.PdfDocument(drawn_pdf)
    try:
        textpage = pdf[0].get_textpage()
        raw = textpage.raw
        generated = {
            pdfium_c.FPDFText_GetUnicode(raw, i)
            for i in range(pdfium_c.FPDFText_CountChars(raw))
            if pdfium_c.FPDFText_IsGenerated(raw, i) == 1
        }
    finally:
        pdf.close()
    assert 0x20 in generated and 0x0A in generated  # the page has both kinds
    assert generated <= {0x20, 0x0D, 0x0A}


def _check_objects(count: int, typed_get, fast_get) -> list[int]:
    """Compare the two ways of reading a page's (or form's) objects; returns their kinds."""
    kinds = []
    for i in range(count):
        typed, fast = typed_get(i), fast_get(i)
        assert fast.value == _address(typed)
        kind = pdfium_calls.object_type(fast)
        assert kind == pdfium_c.FPDFPageObj_GetType(typed)
        kinds.append(kind)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            kinds += _check_objects(
                pdfium_c.FPDFFormObj_CountObjects(typed),
                lambda k, form=typed: pdfium_c.FPDFFormObj_GetObject(form, k),
                lambda k, form=fast: pdfium_calls.form_object(form, k),
            )
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _check_segments(typed, fast)
    return kinds


def _check_segments(typed, fast) -> None:
    for k in range(pdfium_c.FPDFPath_CountSegments(typed)):
        segment, fast_segment = pdfium_c.FPDFPath_GetPathSegment(typed, k), pdfium_calls.path_segment(fast, k)
        assert fast_segment.value == _address(segment)
        assert pdfium_calls.segment_type(fast_segment) == pdfium_c.FPDFPathSegment_GetType(segment)
        assert bool(pdfium_calls.segment_closes(fast_segment)) == bool(pdfium_c.FPDFPathSegment_GetClose(segment))
        x, y, fx, fy = (ctypes.c_float() for _ in range(4))
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        pdfium_calls.segment_point(fast_segment, ctypes.byref(fx), ctypes.byref(fy))
        assert (fx.value, fy.value) == (x.value, y.value)


def test_object_getters_answer_as_pypdfium2(drawn_pdf: Path) -> None:
    pdf = pdfium.PdfDocument(drawn_pdf)
    try:
        page = pdf[0]
        kinds = _check_objects(
            pdfium_c.FPDFPage_CountObjects(page.raw),
            lambda i: pdfium_c.FPDFPage_GetObject(page.raw, i),
            lambda i: pdfium_calls.page_object(pdfium_calls.handle(page.raw), i),
        )
        assert {pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM} <= set(kinds)
    finally:
        pdf.close()


def test_path_walk_finds_the_paths_pypdfium2_finds(drawn_pdf: Path) -> None:
    pdf = pdfium.PdfDocument(drawn_pdf)
    try:
        page = pdf[0]
        walked = [_address(obj) for obj, _ in path_objects(page)]
        listed = [_address(obj.raw) for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])]
        in_forms = [form for _, form in path_objects(page) if form is not None]
    finally:
        pdf.close()
    assert walked == listed and len(walked) > 10
    assert in_forms and all(m[0] == pytest.approx(0.5) for m in in_forms)  # the form's scale
