"""PDF: page text through pypdfium2, tables through pdfplumber on the pages that can hold one.

pypdfium2 extracts a page's text at hundreds of pages a second; pdfplumber's layout analysis,
which its table finder needs, manages a handful.  So every page's text comes from pdfium, and
pdfplumber looks only at pages whose drawing has ruling (thin horizontal and vertical paths, or
rectangles) — the ruled tables govmap reads.  Each library opens the bytes once; pdfplumber only
when some page needs it.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Mapping

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.table import TableSettings, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from pdfplumber.utils import filter_edges
from pdfplumber.utils.exceptions import PdfminerException

from govmap.errors import ParseError
from sources.model import BBox, Cell, Document, Page, RawDocument, Table
from sources.normalize import normalize_cell, normalize_pages
from sources.settings import ParseSettings

__all__ = ["parse_pdf", "page_has_ruling", "ruled_cells_make_table", "PdfTablePart"]

log = logging.getLogger(__name__)

# pdfplumber/pdfminer raise these on damaged content streams; a page whose tables cannot be read
# keeps its pdfium text, so they are logged rather than quarantining the document.
_TABLE_ERRORS = (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError, IndexError)
# PDFium is not thread-safe (pypdfium2 docs, "Thread incompatibility"); flows may parse on a
# thread pool, so every pdfium call in this process goes through one lock.  It is held only for
# the fast text pass; pdfplumber (pure Python) runs outside it.
_PDFIUM_LOCK = threading.Lock()
_PLACEHOLDER_META = frozenset({"", "(anonymous)", "(unspecified)", "anonymous", "unknown", "untitled", "none"})
_TABLE_CAPTION = re.compile(r"^(?:Table|TABLE)\s+[0-9A-Z][\w.-]*")
# pdfplumber writes "(cid:127)" for a glyph its font has no Unicode for (here, bullets).
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
_BOLD = re.compile(r"Bold|Black|Heavy|Semibold|Demi", re.IGNORECASE)
# A ruling line is a path this thin (points) and at least this long.
_RULE_THICKNESS = 3.0
_RULE_MIN_LENGTH = 5.0


@dataclass
class PdfTablePart:
    """One table as pdfplumber found it on one page, before parts continued across pages merge."""

    page: int
    bbox: BBox
    rows: list[list[Cell]]
    title: str | None
    first_on_page: bool = False
    last_on_page: bool = False
    row_pages: list[int] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    end_bbox: BBox | None = None  # bbox of the last part merged in (where the table now ends)


def parse_pdf(raw: RawDocument, settings: ParseSettings | Mapping[str, Any] | None = None) -> Document:
    """PDF bytes -> Document: normalised text per page, ruled tables, /Title and /Author.

    Raises ParseError for an empty, corrupt, truncated or password-protected file, and for a PDF
    without a text layer (scanned pages need OCR, which govmap does not do).
    """
    settings = ParseSettings.resolve(settings)
    where = raw.source_uri
    if not raw.data:
        raise ParseError(f"{where}: empty file (0 bytes); nothing to parse; document quarantined")
    with _PDFIUM_LOCK:
        texts, candidates, meta = _read_text(raw.data, where, settings)
    n_words = sum(len(t.split()) for t in texts)
    if sum(len("".join(t.split())) for t in texts) < settings.min_text_chars or n_words == 0:
        if len(texts) == 1:
            raise ParseError(f"{where} page 1: no text layer; needs OCR; document quarantined")
        raise ParseError(f"{where}: no text layer on any of {len(texts)} pages; needs OCR; document quarantined")
    page_texts = normalize_pages(texts, settings)
    tables = _merge_parts(_find_tables(raw.data, candidates, where, settings), settings) if candidates else []
    by_page: dict[int, list[Table]] = {}
    for t in tables:
        by_page.setdefault(t.page, []).append(t)
    return Document(
        doc_id=raw.doc_id,
        source_uri=raw.source_uri,
        media_type=raw.media_type,
        sha256=raw.sha256,
        pages=tuple(Page(i, text, tuple(by_page.get(i, ()))) for i, text in enumerate(page_texts, start=1)),
        meta_title=_meta(meta.get("Title")),
        meta_author=_meta(meta.get("Author")),
    )


def _meta(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return None if value.lower() in _PLACEHOLDER_META else value


def _open_error(where: str, exc: pdfium.PdfiumError) -> ParseError:
    message = str(exc)
    if "password" in message.lower():
        return ParseError(f"{where}: encrypted PDF; needs a password; document quarantined")
    return ParseError(f"{where}: corrupt or truncated PDF ({message}); document quarantined")


def _read_text(data: bytes, where: str, settings: ParseSettings) -> tuple[list[str], list[int], dict[str, str]]:
    """Every page's raw text, the 0-based pages worth a table search, and the metadata."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(where, exc) from exc
    texts: list[str] = []
    candidates: list[int] = []
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise ParseError(f"{where}: PDF has no pages; document quarantined")
        for i in range(n_pages):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:
                raise ParseError(f"{where} page {i + 1}: unreadable page ({exc}); document quarantined") from exc
            try:
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range())
                textpage.close()
                if settings.tables and page_has_ruling(page, settings) and ruled_cells_make_table(page, settings):
                    candidates.append(i)
            except pdfium.PdfiumError as exc:
                raise ParseError(f"{where} page {i + 1}: unreadable page ({exc}); document quarantined") from exc
            finally:
                page.close()
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    return texts, candidates, meta


def page_has_ruling(page: pdfium.PdfPage, settings: ParseSettings) -> bool:
    """Whether a pdfium page draws a grid that could be a ruled table of at least
    `table_min_rows` x `table_min_cols` cells: that many + 1 horizontal edges each crossed by
    that many + 1 vertical edges.

    Looks only at path objects' bounds (lines, and the four sides of anything else), with no
    layout analysis, so it costs about a millisecond a page.  Loose boxes (highlights, panels,
    a frame around a paragraph) do not cross one another and so do not count.
    """
    width, height = page.get_size()
    tol = settings.table_intersection_tolerance + settings.table_snap_tolerance
    horizontal: list[tuple[float, float, float]] = []  # (x0, x1, y)
    vertical: list[tuple[float, float, float]] = []  # (y0, y1, x)
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= _RULE_THICKNESS and w >= _RULE_MIN_LENGTH:
            horizontal.append((left, right, (top + bottom) / 2))
        elif w <= _RULE_THICKNESS and h >= _RULE_MIN_LENGTH:
            vertical.append((bottom, top, (left + right) / 2))
        elif w >= _RULE_MIN_LENGTH and h >= _RULE_MIN_LENGTH and not (w > 0.9 * width and h > 0.9 * height):
            # A box (cell border or fill) rules along its four sides; a page-sized background does not.
            horizontal += [(left, right, bottom), (left, right, top)]
            vertical += [(bottom, top, left), (bottom, top, right)]
    need_h, need_v = settings.table_min_rows + 1, settings.table_min_cols + 1
    if len(horizontal) < need_h or len(vertical) < need_v:
        return False
    # Word and others draw each cell's border as its own segment; join collinear pieces first,
    # as pdfplumber's join_tolerance does, so a row border spans the whole table.
    horizontal = _join_collinear(horizontal, tol)
    vertical = _join_collinear(vertical, tol)
    ruled_rows: set[int] = set()
    for x0, x1, y in horizontal:
        crossings = {round(x / tol) for y0, y1, x in vertical
                     if x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol}
        if len(crossings) >= need_v:
            ruled_rows.add(round(y / tol))
            if len(ruled_rows) >= need_h:
                return True
    return False


def _path_edges(page: pdfium.PdfPage) -> list[dict[str, Any]] | None:
    """The edges pdfplumber's table finder would take from the page's drawing, in its (top-down)
    coordinates: the four sides of each path's bounds, as pdfplumber takes a rectangle's (a line's
    two sides lie within a stroke width and snap into one); a path of more segments (several
    boxes in one path, an icon) gives its axis-parallel segments, see `_segment_edges`.  None
    when a path sits inside a form, whose transform its bounds would hide."""
    height = page.get_size()[1]
    edges: list[dict[str, Any]] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        if obj.level > 0:
            return None
        if pdfium_c.FPDFPath_CountSegments(obj.raw) > 5:
            edges += _segment_edges(obj, height)
            continue
        left, bottom, right, top = obj.get_bounds()
        t, b = height - top, height - bottom
        w, h = right - left, b - t
        edges += [
            {"x0": left, "x1": right, "top": t, "bottom": t, "width": w, "height": 0, "orientation": "h", "object_type": "rect_edge"},
            {"x0": left, "x1": right, "top": b, "bottom": b, "width": w, "height": 0, "orientation": "h", "object_type": "rect_edge"},
            {"x0": left, "x1": left, "top": t, "bottom": b, "width": 0, "height": h, "orientation": "v", "object_type": "rect_edge"},
            {"x0": right, "x1": right, "top": t, "bottom": b, "width": 0, "height": h, "orientation": "v", "object_type": "rect_edge"},
        ]
    return edges


def _segment_edges(obj: Any, height: float) -> list[dict[str, Any]]:
    """The edges pdfplumber takes from a many-segment path, in its (top-down) coordinates: pdfminer
    splits the path at each move into subpaths, and an edge joins each point a segment ends on to
    the next (a Bezier's control points are skipped; a close goes back to the subpath's start).
    Only horizontal and vertical edges reach the table finder; within 0.01 pt counts as either,
    as pdfium keeps points in single precision where pdfminer compares them exactly."""
    matrix = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    beziers = 0
    for k in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, k)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = matrix.on_point(x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
            beziers = 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            beziers += 1
            if beziers % 3 == 0:  # the curve's end point; the two before it steer the curve
                subpaths[-1].append(point)
        else:
            subpaths[-1].append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpaths[-1].append(subpaths[-1][0])
    edges: list[dict[str, Any]] = []
    for points in subpaths:
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            x0, x1, t, b = min(xa, xb), max(xa, xb), height - max(ya, yb), height - min(ya, yb)
            if abs(ya - yb) <= 0.01 and x1 - x0 > 0.01:
                edges.append({"x0": x0, "x1": x1, "top": t, "bottom": t, "width": x1 - x0, "height": 0, "orientation": "h", "object_type": "curve_edge"})
            elif abs(xa - xb) <= 0.01 and b - t > 0.01:
                edges.append({"x0": x0, "x1": x0, "top": t, "bottom": b, "width": 0, "height": b - t, "orientation": "v", "object_type": "curve_edge"})
    return edges


def ruled_cells_make_table(page: pdfium.PdfPage, settings: ParseSettings) -> bool:
    """Whether pdfplumber's own cell finder (merge edges, intersections, cells, tables), run on the
    ruling pdfium sees, gives a table `_part` could keep: at least `table_min_rows` rows and
    `table_min_cols` columns, and no more empty slots than `table_max_none_ratio`.  Costs
    milliseconds where pdfplumber's layout analysis of the page costs most of a second; pages of
    stacked boxes (side bars, highlights, panels) make one-column or ragged "tables" and are
    skipped here.  True when the drawing cannot be read this way."""
    edges = _path_edges(page)
    if edges is None:
        return True
    ts = TableSettings.resolve(_table_settings(settings))
    edges = filter_edges(edges, min_length=ts.edge_min_length_prefilter)
    edges = merge_edges(edges, ts.snap_x_tolerance, ts.snap_y_tolerance, ts.join_x_tolerance, ts.join_y_tolerance)
    edges = filter_edges(edges, min_length=ts.edge_min_length)
    cells = intersections_to_cells(edges_to_intersections(edges, ts.intersection_x_tolerance, ts.intersection_y_tolerance))
    return any(_grid_kept(group, settings) for group in cells_to_tables(cells))


def _grid_kept(cells: list[tuple[float, float, float, float]], settings: ParseSettings) -> bool:
    """`_part`'s tests that need no text, on one table's cells: pdfplumber's rows are the cells'
    distinct tops, each row with a slot (a cell or None) per distinct left edge."""
    rows, cols = len({c[1] for c in cells}), len({c[0] for c in cells})
    if rows < settings.table_min_rows or cols < settings.table_min_cols:
        return False
    slots_filled = len({(c[0], c[1]) for c in cells})
    return rows * cols - slots_filled <= settings.table_max_none_ratio * rows * cols


def _join_collinear(edges: list[tuple[float, float, float]], tol: float) -> list[tuple[float, float, float]]:
    """Edges (start, end, position) on the same line that touch or overlap, joined into one."""
    joined: list[tuple[float, float, float]] = []
    for start, end, pos in sorted(edges, key=lambda e: (round(e[2] / tol), e[0])):
        if joined:
            s0, e0, p0 = joined[-1]
            if abs(pos - p0) <= tol and start <= e0 + tol:
                joined[-1] = (s0, max(e0, end), p0)
                continue
        joined.append((start, end, pos))
    return joined


def _table_settings(settings: ParseSettings) -> dict[str, Any]:
    return {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": settings.table_snap_tolerance,
        "join_tolerance": settings.table_join_tolerance,
        "intersection_tolerance": settings.table_intersection_tolerance,
    }


def _find_tables(data: bytes, candidates: list[int], where: str, settings: ParseSettings) -> list[PdfTablePart]:
    """Table parts on the candidate pages (0-based), in reading order."""
    parts: list[PdfTablePart] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except _TABLE_ERRORS as exc:
        log.warning("%s: pdfplumber cannot open the file (%s); tables skipped, text kept", where, exc)
        return parts
    try:
        _find_parts(pdf, candidates, where, settings, parts)
    finally:
        # pdfplumber's close walks the pages again and can raise on a corrupt file; the tables
        # found so far stand, and text never depended on them.
        try:
            pdf.close()
        except _TABLE_ERRORS as exc:
            log.warning("%s: pdfplumber failed closing the file (%s); tables found are kept", where, exc)
    return parts


def _find_parts(pdf: Any, candidates: list[int], where: str, settings: ParseSettings, parts: list[PdfTablePart]) -> None:
    """Append the table parts of each candidate page (0-based) to `parts`, in reading order."""
    for i in candidates:
        try:
            page = pdf.pages[i]
        except _TABLE_ERRORS as exc:
            log.warning("%s page %d: pdfplumber cannot read the page (%s); its tables skipped", where, i + 1, exc)
            continue
        try:
            found = page.find_tables(_table_settings(settings))
            page_parts = [p for t in found if (p := _part(page, t, settings)) is not None]
        except _TABLE_ERRORS as exc:
            log.warning("%s page %d: table finder failed (%s); its tables skipped", where, i + 1, exc)
            page_parts = []
        finally:
            page.close()
        page_parts.sort(key=lambda p: (p.bbox[1], p.bbox[0]))
        if page_parts:
            page_parts[0].first_on_page = True
            page_parts[-1].last_on_page = True
        parts.extend(page_parts)


def _part(page: Any, table: Any, settings: ParseSettings) -> PdfTablePart | None:
    texts = table.extract()
    if len(texts) < settings.table_min_rows or max((len(r) for r in texts), default=0) < settings.table_min_cols:
        return None
    rows: list[list[Cell]] = []
    for row_texts, row in zip(texts, table.rows):
        rows.append([
            Cell(normalize_cell(_UNMAPPED_GLYPH.sub("", text) if text else text), tuple(bbox) if bbox is not None else None)  # type: ignore[arg-type]
            for text, bbox in zip(row_texts, row.cells)
        ])
    cells = [c for row in rows for c in row]
    if all(c.text in (None, "") for c in cells):
        return None  # a ruled frame with nothing in it
    if sum(c.text is None for c in cells) > settings.table_max_none_ratio * len(cells):
        return None  # boxes around prose, not a grid of cells
    bbox = tuple(float(v) for v in table.bbox)
    return PdfTablePart(
        page=page.page_number,
        bbox=bbox,  # type: ignore[arg-type]
        rows=rows,
        title=_caption(page, bbox, settings),  # type: ignore[arg-type]
    )


def _caption(page: Any, bbox: BBox, settings: ParseSettings) -> str | None:
    """The caption just above a table: lines starting "Table N" (possibly wrapped), else the
    nearest line if it is short and bold; None when the nearest line is body text."""
    x0, top, x1, _ = bbox
    if top <= 1:
        return None
    region = page.crop((0, max(0.0, top - settings.caption_max_gap), page.width, top), strict=False)
    lines = [ln for ln in region.extract_text_lines(return_chars=True) if ln["text"].strip()]
    lines.sort(key=lambda ln: -ln["bottom"])  # nearest first
    for k, line in enumerate(lines[:3]):
        if _TABLE_CAPTION.match(line["text"].strip()):
            wrapped = reversed(lines[: k + 1])
            return normalize_cell(" ".join(ln["text"] for ln in wrapped))
    if lines:
        nearest = lines[0]
        text = nearest["text"].strip()
        bold = all(_BOLD.search(ch.get("fontname", "")) for ch in nearest["chars"] if ch["text"].strip())
        if bold and len(text.split()) <= settings.caption_max_words:
            return normalize_cell(text)
    return None


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


def _merge_parts(parts: list[PdfTablePart], settings: ParseSettings) -> list[Table]:
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
                prev.bbox = (min(prev.bbox[0], part.bbox[0]), prev.bbox[1], max(prev.bbox[2], part.bbox[2]), part.bbox[3])
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
