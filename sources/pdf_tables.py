"""Ruled tables on PDF pages: cell text, captions, and parts continued across pages merged.

On a page whose drawing holds a ruled grid, the cells come from `pdf_ruling.ruled_cell_groups`
and their text from pdfium's characters, put through pdfplumber's `Table.extract` (step for
step, in `_extract`) and line grouping.  That gives pdfplumber's tables without pdfminer's
layout analysis of the page, which costs most of a second where this costs milliseconds.  Pages pdfium's objects cannot describe the
way pdfminer would (rotated pages or text, a media box not at the origin) go to pdfplumber itself.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils import crop_to_bbox, extract_text
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE, chars_to_textmap
from pdfplumber.utils.exceptions import PdfminerException

from govmap.sources import pdfium_calls
from govmap.sources.model import BBox, Cell, Table
from govmap.sources.normalize import normalize_cell
from govmap.sources.pdf_ruling import CellBox, PathObject, grid_kept, is_table_grid, ruled_cell_groups, table_settings
from govmap.sources.settings import ParseSettings

__all__ = ["PdfTablePart", "read_page_tables", "find_tables_pdfplumber", "merge_parts"]

log = logging.getLogger(__name__)

# pdfplumber/pdfminer raise these on damaged content streams; a page whose tables cannot be read
# keeps its pdfium text, so they are logged rather than quarantining the document.
TABLE_ERRORS = (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError, IndexError)
_TABLE_CAPTION = re.compile(r"^(?:Table|TABLE)\s+[0-9A-Z][\w.-]*")
# pdfplumber writes "(cid:127)" for a glyph its font has no Unicode for (here, bullets).
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
_BOLD = re.compile(r"Bold|Black|Heavy|Semibold|Demi", re.IGNORECASE)
# pdfium reports a hyphen at a line end as 0x02 (and in page text as U+FFFE); the glyph is "-".
_PDFIUM_CODES = {0x02: "-", 0xFFFE: "-"}
# pdfium inserts a space wherever it sees a gap; pdfminer has only the PDF's own space glyphs,
# which pdfium drops when it has put its own there.  A gap this wide (in ems) is a space glyph's
# width: pdfium's space there stands for a real one.  Narrower gaps (tracking, kerning) are not.
# Condensed fonts space words by about a sixth of an em (0.17 em is common), where pdfplumber's
# fixed x_tolerance of 3 points reads one word; kerning and tracking stay under a tenth.
_WORD_GAP_EM = 0.15
# Between a CJK character and its neighbour a gap is the typesetter's spacing between scripts,
# not a word space (CJK text has none): pdfium's space there counts only past pdfplumber's
# x_tolerance, as pdfplumber reads it.
_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
# Characters whose tops are this close (points) share a line, as pdfplumber reads them.
_SAME_LINE = DEFAULT_Y_TOLERANCE
_FONT_NAME_BYTES = 256
# Characters with a baseline this far (points) outside a table or its caption band are not read:
# no glyph box reaches further from its baseline than its font size, and type this big is a title.
_BAND_MARGIN = 72.0


@dataclass
class PdfTablePart:
    """One table as found on one page, before parts continued across pages merge."""

    page: int
    bbox: BBox
    rows: list[list[Cell]]
    title: str | None
    first_on_page: bool = False
    last_on_page: bool = False
    row_pages: list[int] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    end_bbox: BBox | None = None  # bbox of the last part merged in (where the table now ends)


@dataclass(frozen=True)
class _CharPage:
    """What pdfplumber's `Table.extract` reads from its page: the characters."""

    chars: list[dict[str, Any]]


# --- pdfium ------------------------------------------------------------------------------------


def read_page_tables(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage,
    number: int,
    settings: ParseSettings,
    paths: list[PathObject] | None = None,
) -> list[PdfTablePart] | None:
    """The table parts on one pdfium page (1-based `number`), top to bottom; None when the page
    needs pdfplumber (see the module docstring).  `paths`: the page's `path_objects`, if known."""
    groups = ruled_cell_groups(page, settings, paths)
    if not groups:
        return []  # no ruled cells, in this view or turned a quarter: nothing for pdfplumber either
    if page.get_rotation() % 360:
        return None  # judged in pdfplumber's rotated view, where rows and columns trade places
    groups = [g for g in groups if grid_kept(g, settings)]
    if not groups:
        return []
    if _box_offset(page):
        return None  # the grid is the same wherever it is measured from; its place is not
    width, height = page.get_size()
    # The tables' boxes in pdfium's bottom-up coordinates (x0, low, x1, high).
    boxes = [
        (min(c[0] for c in g), height - max(c[3] for c in g), max(c[2] for c in g), height - min(c[1] for c in g))
        for g in groups
    ]
    # Only characters near a table matter (its cells, the caption band above it); reading the
    # rest of the page through pdfium's per-character calls would cost most of the time here.
    bands = [(low - _BAND_MARGIN, high + settings.caption_max_gap + _BAND_MARGIN) for _, low, _, high in boxes]
    chars = _page_chars(textpage, height, bands, boxes)
    if chars is None:
        return None
    fontname = _FontNames(textpage)
    parts = [
        p for g in groups if (p := _part(number, _cell_table(g, chars), chars, width, settings, fontname)) is not None
    ]
    return _in_page_order(parts)


def _cell_table(cells: list[CellBox], chars: list[dict[str, Any]]) -> PlumberTable:
    """pdfplumber's Table of `cells`, on a page holding only the characters it can read.

    `_extract` (as `Table.extract`) looks through its page's characters once per row, keeping
    those whose middle lies in the row; every row lies in the table, so a character whose middle
    is outside the table is never kept, and dropping those first (the same test) saves a pass
    over the bands' characters for every row."""
    x0, top, x1, bottom = PlumberTable(_CharPage([]), cells).bbox
    inside = [
        ch for ch in chars if x0 <= (ch["x0"] + ch["x1"]) / 2 < x1 and top <= (ch["top"] + ch["bottom"]) / 2 < bottom
    ]
    return PlumberTable(_CharPage(inside), cells)


def _box_offset(page: pdfium.PdfPage) -> bool:
    """Whether the media box leaves the origin or a crop box trims it: pdfplumber then measures
    from another corner than pdfium's page size does."""
    media = page.get_mediabox()
    return media[0] != 0 or media[1] != 0 or tuple(page.get_cropbox()) != tuple(media)


def _page_chars(
    textpage: pdfium.PdfTextPage,
    height: float,
    bands: list[tuple[float, float]],
    boxes: list[tuple[float, float, float, float]] | None = None,
) -> list[dict[str, Any]] | None:
    """pdfium's characters as pdfminer would give them to pdfplumber, in top-down coordinates.

    A character starts at its origin, ends at the right of pdfium's loose box (its advance) and
    spans one font size up from the font's descent.  pdfium splits a ligature into its letters,
    all at the glyph's origin, with boxes cut from the glyph's outline: they become one character
    again, boxed like the other characters of its text object, as pdfminer keeps it.  pdfium's
    own line breaks are left out; its inserted spaces are kept where they stand for a real gap
    (see `_WORD_GAP_EM` and `_CJK`).  Only characters whose baseline lies in one of `bands` ((low, high) in
    pdfium's bottom-up y) are read.  None when any of them is rotated or skewed inside one of
    `boxes` ((x0, low, x1, high), the tables; all of the page if None): pdfplumber reads rotated
    text in its own direction.  Rotated text beside the tables (a label up the margin) is left out.

    The loop runs for every character of the page, so it calls pdfium through `pdfium_calls`
    and asks only what each character needs."""
    raw, tp = textpage.raw, pdfium_calls.handle(textpage.raw)
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    sizes: dict[int | None, float | None] = {}  # text object -> font size on the page (None: not upright)
    depths: dict[int | None, float] = {}  # text object -> how far a whole glyph's box drops below its baseline
    glyphs: list[_Glyph] = []
    depth: float | None = None  # that of the last glyph known whole
    space_before = False
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        pdfium_calls.char_origin(tp, i, ox_ref, oy_ref)
        y = oy.value
        for low, high in bands:
            if low <= y <= high:
                break
        else:  # in no band
            space_before = False
            continue
        code = pdfium_calls.char_unicode(tp, i)
        if code in (0x0D, 0x0A):  # a line break, pdfium's own or the PDF's: not a glyph either way
            continue
        # pdfium generates only spaces and line breaks, so only a space needs asking.
        if code == 0x20 and pdfium_calls.char_is_generated(tp, i) == 1:
            space_before = True
            continue
        pdfium_calls.char_loose_box(tp, i, rect_ref)
        origin = (ox.value, y)
        text = _PDFIUM_CODES.get(code) or chr(code)
        if glyphs and glyphs[-1].origin == origin:  # the next letter of a ligature
            g = glyphs[-1]
            g.text += text
            g.right = max(g.right, rect.right)
            if not g.ligature:
                g.ligature = True
                g.below = depths.get(g.obj, depth if depth is not None else g.below)
            continue
        if glyphs and not glyphs[-1].ligature:
            depth = glyphs[-1].below
            depths.setdefault(glyphs[-1].obj, depth)
        obj = pdfium_calls.char_text_object(tp, i)
        if obj not in sizes:
            pdfium_c.FPDFText_GetMatrix(raw, i, matrix)
            upright = not (abs(matrix.b) > 1e-6 or abs(matrix.c) > 1e-6 or matrix.a * matrix.d <= 0)
            sizes[obj] = pdfium_c.FPDFText_GetFontSize(raw, i) * abs(matrix.d) if upright else None
        if sizes[obj] is None:  # rotated or skewed text
            if boxes is None or any(x0 <= ox.value <= x1 and low <= y <= high for x0, low, x1, high in boxes):
                return None
            continue
        glyphs.append(_Glyph(i, text, origin, rect.right, rect.bottom - oy.value, sizes[obj], obj, space_before))
        space_before = False
    chars: list[dict[str, Any]] = []
    for g in glyphs:
        x, y = g.origin
        # pdfminer's box: from the font's descent up one font size (pdfium's loose box reaches
        # the font's ascent instead, which can be half a size higher).
        bottom = height - (y + g.below)
        top = bottom - g.size
        if g.space_before and chars and abs(chars[-1]["top"] - top) <= _SAME_LINE:
            gap = x - chars[-1]["x1"]
            cjk = _CJK.match(g.text) or _CJK.match(chars[-1]["text"])
            if gap > DEFAULT_X_TOLERANCE or (gap >= _WORD_GAP_EM * g.size and not cjk):
                chars.append(_char(" ", chars[-1]["x1"], x, top, bottom, g.index))
        chars.append(_char(g.text, x, max(x, g.right), top, bottom, g.index))
    return chars


@dataclass(slots=True)
class _Glyph:
    """One glyph as pdfium's text page reports it, before it becomes a pdfplumber char."""

    index: int
    text: str
    origin: tuple[float, float]
    right: float
    below: float  # bottom of the box, less the baseline
    size: float  # font size on the page
    obj: int | None  # the text object it belongs to
    space_before: bool  # pdfium put a space of its own before it
    ligature: bool = False


def _char(text: str, x0: float, x1: float, top: float, bottom: float, index: int) -> dict[str, Any]:
    return {
        "text": text,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "upright": True,
        "index": index,
    }


class _FontNames:
    """Font names of pdfium characters, read only for the few a caption test looks at."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self._raw = textpage.raw
        self._buffer = ctypes.create_string_buffer(_FONT_NAME_BYTES)
        self._flags = ctypes.c_int()

    def __call__(self, char: dict[str, Any]) -> str:
        n = pdfium_c.FPDFText_GetFontInfo(self._raw, char["index"], self._buffer, _FONT_NAME_BYTES, self._flags)
        return self._buffer.value.decode("utf-8", "replace") if n else ""


# --- pdfplumber, for the pages pdfium's objects cannot stand in for ----------------------------


def find_tables_pdfplumber(
    data: bytes, pages: list[int], where: str, settings: ParseSettings
) -> dict[int, list[PdfTablePart]]:
    """Table parts of the given pages (1-based) read by pdfplumber, per page."""
    found: dict[int, list[PdfTablePart]] = {}
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except TABLE_ERRORS as exc:
        log.warning("%s: pdfplumber cannot open the file (%s); tables skipped, text kept", where, exc)
        return found
    try:
        for number in pages:
            found[number] = _plumber_page_parts(pdf, number, where, settings)
    finally:
        # pdfplumber's close walks the pages again and can raise on a corrupt file; the tables
        # found so far stand, and text never depended on them.
        try:
            pdf.close()
        except TABLE_ERRORS as exc:
            log.warning("%s: pdfplumber failed closing the file (%s); tables found are kept", where, exc)
    return found


def _plumber_page_parts(pdf: Any, number: int, where: str, settings: ParseSettings) -> list[PdfTablePart]:
    try:
        page = pdf.pages[number - 1]
    except TABLE_ERRORS as exc:
        log.warning("%s page %d: pdfplumber cannot read the page (%s); its tables skipped", where, number, exc)
        return []
    try:
        found = page.find_tables(table_settings(settings))
        chars = page.chars
        return _in_page_order(
            [p for t in found if (p := _part(number, t, chars, page.width, settings, _plumber_font)) is not None]
        )
    except TABLE_ERRORS as exc:
        log.warning("%s page %d: table finder failed (%s); its tables skipped", where, number, exc)
        return []
    finally:
        page.close()


def _plumber_font(char: dict[str, Any]) -> str:
    return char.get("fontname", "")


# --- one table, either way ---------------------------------------------------------------------


def _in_page_order(parts: list[PdfTablePart]) -> list[PdfTablePart]:
    parts.sort(key=lambda p: (p.bbox[1], p.bbox[0]))
    if parts:
        parts[0].first_on_page = True
        parts[-1].last_on_page = True
    return parts


def _part(
    number: int,
    table: PlumberTable,
    chars: list[dict[str, Any]],
    page_width: float,
    settings: ParseSettings,
    fontname: Callable[[dict[str, Any]], str],
) -> PdfTablePart | None:
    texts = _extract(table)
    if not is_table_grid([sum(t is not None for t in row) for row in texts], max(map(len, texts), default=0), settings):
        return None  # too small, or boxes around prose rather than a grid of cells
    rows: list[list[Cell]] = []
    for row_texts, row in zip(texts, table.rows):
        rows.append(
            [
                Cell(
                    normalize_cell(_UNMAPPED_GLYPH.sub("", text) if text else text),
                    tuple(bbox) if bbox is not None else None,
                )  # type: ignore[arg-type]
                for text, bbox in zip(row_texts, row.cells)
            ]
        )
    cells = [c for row in rows for c in row]
    if all(c.text in (None, "") for c in cells):
        return None  # a ruled frame with nothing in it
    bbox = tuple(float(v) for v in table.bbox)
    return PdfTablePart(
        page=number,
        bbox=bbox,
        rows=rows,  # type: ignore[arg-type]
        title=_caption(chars, bbox, page_width, settings, fontname),
    )  # type: ignore[arg-type]


def _extract(table: PlumberTable) -> list[list[str | None]]:
    """pdfplumber's `Table.extract()`, step for step, with each character's middle worked out
    once: pdfplumber computes it again, in a function call, for every row and every cell it
    tests the character against, which costs more than reading the cells' text.

    A row's characters are those whose middle lies in the row's box (left and top edges
    included, right and bottom not), a cell's those of its row in the cell's box; a cell with
    none reads "", a slot without a cell None."""
    chars = table.page.chars
    middles = [((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2) for ch in chars]
    rows: list[list[str | None]] = []
    for row in table.rows:
        x0, top, x1, bottom = row.bbox
        in_row = [(ch, mid) for ch, mid in zip(chars, middles) if x0 <= mid[0] < x1 and top <= mid[1] < bottom]
        rows.append([None if cell is None else _cell_text(cell, in_row) for cell in row.cells])
    return rows


def _cell_text(cell: CellBox, in_row: list[tuple[dict[str, Any], tuple[float, float]]]) -> str:
    x0, top, x1, bottom = cell
    in_cell = [ch for ch, (h, v) in in_row if x0 <= h < x1 and top <= v < bottom]
    return extract_text(in_cell) if in_cell else ""


def _caption(
    chars: list[dict[str, Any]],
    bbox: BBox,
    page_width: float,
    settings: ParseSettings,
    fontname: Callable[[dict[str, Any]], str],
) -> str | None:
    """The caption just above a table: lines starting "Table N" (possibly wrapped), else the
    nearest line if it is short and bold; None when the nearest line is body text."""
    x0, top, x1, _ = bbox
    if top <= 1:
        return None
    # As pdfplumber's non-strict crop of the band above the table: characters touching it, clipped.
    region = (0.0, max(0.0, top - settings.caption_max_gap), page_width, top)
    clipped = _crop(chars, region)
    if not clipped:
        return None
    textmap = chars_to_textmap(
        clipped, layout_bbox=region, layout_width=region[2] - region[0], layout_height=region[3] - region[1]
    )
    lines = [ln for ln in textmap.extract_text_lines(strip=True, return_chars=True) if ln["text"].strip()]
    lines.sort(key=lambda ln: -ln["bottom"])  # nearest first
    for k, line in enumerate(lines[:3]):
        if _TABLE_CAPTION.match(line["text"].strip()):
            wrapped = reversed(lines[: k + 1])
            return normalize_cell(" ".join(ln["text"] for ln in wrapped))
    if lines:
        nearest = lines[0]
        text = nearest["text"].strip()
        bold = all(_BOLD.search(fontname(ch)) for ch in nearest["chars"] if ch["text"].strip())
        if bold and len(text.split()) <= settings.caption_max_words:
            return normalize_cell(text)
    return None


def _crop(chars: list[dict[str, Any]], region: BBox) -> list[dict[str, Any]]:
    """pdfplumber's non-strict crop (`crop_to_bbox`: the characters touching `region`, clipped to
    it), after a cheap first cut to those reaching into the region's height, the only ones that
    can touch it: the crop's own test costs many times more a character."""
    _, top, _, bottom = region
    return crop_to_bbox([ch for ch in chars if ch["bottom"] >= top and ch["top"] <= bottom], region)


# --- parts continued across pages --------------------------------------------------------------


def _header(part: PdfTablePart | dict) -> list[str | None]:
    rows = part.rows if isinstance(part, PdfTablePart) else part["rows"]
    return [c.text for c in rows[0]]


def _continues(prev: PdfTablePart, part: PdfTablePart, settings: ParseSettings) -> bool:
    """Whether `part` goes on with `prev`: same width and a repeated header row, no caption of its
    own, and either at the top of the next page or right below on the same page."""
    if part.title is not None or len(part.rows) < 2:
        return False
    if len(part.rows[0]) != len(prev.rows[0]) or _header(part) != _header(prev):
        return False
    last_page = prev.pages[-1] if prev.pages else prev.page
    if part.page == last_page + 1:
        return part.first_on_page and prev.last_on_page
    if part.page == last_page:
        end = prev.end_bbox or prev.bbox
        return 0 <= part.bbox[1] - end[3] <= settings.table_merge_max_gap
    return False


def merge_parts(parts: list[PdfTablePart], settings: ParseSettings) -> list[Table]:
    """Join parts continued over a page break (or restarted right below) into one table each,
    dropping each repeated header row, and number the tables in reading order."""
    merged: list[PdfTablePart] = []
    for part in parts:
        prev = merged[-1] if merged else None
        if prev is not None and _continues(prev, part, settings):
            prev.rows.extend(part.rows[1:])
            prev.row_pages.extend([part.page] * (len(part.rows) - 1))
            if part.page not in prev.pages:
                prev.pages.append(part.page)
            prev.last_on_page = part.last_on_page
            if part.page == prev.page:  # restarted right below: the table's box grows
                prev.bbox = (
                    min(prev.bbox[0], part.bbox[0]),
                    prev.bbox[1],
                    max(prev.bbox[2], part.bbox[2]),
                    part.bbox[3],
                )
            prev.end_bbox = part.bbox
            continue
        part.row_pages = [part.page] * len(part.rows)
        part.pages = [part.page]
        merged.append(part)
    return [
        Table(
            page=p.page,
            index=index,
            rows=tuple(tuple(row) for row in p.rows),
            title=p.title,
            bbox=p.bbox,
            pages=tuple(p.pages),
            row_pages=tuple(p.row_pages) if len(p.pages) > 1 else (),
        )
        for index, p in enumerate(merged)
    ]
