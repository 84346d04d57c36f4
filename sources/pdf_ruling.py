"""Ruled grids on a PDF page, read from pdfium's drawing without layout analysis.

Two questions, both answered from path objects alone: does a page draw a grid that could be a
table (`page_has_ruling`, about a millisecond), and what are its cells (`ruled_cell_groups`,
pdfplumber's own cell finder fed the edges pdfplumber would take from the same drawing; its
slowest step done step for step in `_intersections_to_cells`).
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableSettings, cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges, obj_to_bbox

from govmap.sources import pdfium_calls
from govmap.sources.settings import ParseSettings

__all__ = [
    "CellBox",
    "PathObject",
    "path_objects",
    "page_has_ruling",
    "ruled_cell_groups",
    "grid_kept",
    "is_table_grid",
    "table_settings",
]

# A cell as pdfplumber gives it: (x0, top, x1, bottom) in points from the page's top left.
CellBox = tuple[float, float, float, float]
# A point (x, top), as pdfplumber keys the intersections of edges.
Point = tuple[float, float]
# An affine transform (a, b, c, d, e, f), as PDF writes one.
Matrix = tuple[float, float, float, float, float, float]
# A path object (pypdfium2's handle) and the transform from its form's space to the page's
# (None for a path on the page itself).
PathObject = tuple[Any, Matrix | None]
# A ruling line is a path this thin (points) and at least this long.
_RULE_THICKNESS = 3.0
_RULE_MIN_LENGTH = 5.0
# Pieces of a rule shorter than this are dots (pdfplumber's edge_min_length_prefilter).
_RULE_MIN_PIECE = TableSettings().edge_min_length_prefilter
# A path of more segments than a box (m, 3 l, close) may draw several rules; `page_has_ruling`
# walks its segments up to `_MAX_SEGMENTS_WALKED` (a grid of 50 x 20 cells), past which it is a
# drawing.
_MANY_SEGMENTS = 5
_MAX_SEGMENTS_WALKED = 5000


def page_has_ruling(page: pdfium.PdfPage, settings: ParseSettings, paths: list[PathObject] | None = None) -> bool:
    """Whether a pdfium page draws a grid that could be a ruled table of at least
    `table_min_rows` x `table_min_cols` cells: that many + 1 horizontal edges each crossed by
    that many + 1 vertical edges.

    Looks only at path objects' bounds (lines, and the four sides of anything else), with no
    layout analysis, so it costs about a millisecond a page.  Loose boxes (highlights, panels,
    a frame around a paragraph) do not cross one another and so do not count.  Only when that
    finds no grid are the segments of box-sized paths of many segments walked: one compound path
    can draw a whole grid, whose bounds are a single box.  `paths` are the page's `path_objects`
    if the caller has them already.
    """
    width, height = page.get_size()
    horizontal: list[tuple[float, float, float]] = []  # (x0, x1, y)
    vertical: list[tuple[float, float, float]] = []  # (y0, y1, x)
    compound: list[PathObject] = []
    for obj, form in path_objects(page) if paths is None else paths:
        left, bottom, right, top = _bounds(obj, form)
        w, h = right - left, top - bottom
        # A rule of any length counts: some generators draw a table's inner rules as short
        # pieces, one per cell, which join into rules in `_has_grid`.
        if h <= _RULE_THICKNESS and w > max(h, _RULE_MIN_PIECE):
            horizontal.append((left, right, (top + bottom) / 2))
        elif w <= _RULE_THICKNESS and h > max(w, _RULE_MIN_PIECE):
            vertical.append((bottom, top, (left + right) / 2))
        elif w >= _RULE_MIN_LENGTH and h >= _RULE_MIN_LENGTH and not (w > 0.9 * width and h > 0.9 * height):
            # A box (cell border or fill) rules along its four sides; a page-sized background does not.
            horizontal += [(left, right, bottom), (left, right, top)]
            vertical += [(bottom, top, left), (bottom, top, right)]
            if _MANY_SEGMENTS < pdfium_c.FPDFPath_CountSegments(obj) <= _MAX_SEGMENTS_WALKED:
                compound.append((obj, form))
    if _has_grid(horizontal, vertical, settings):
        return True
    if not compound:
        return False
    for obj, form in compound:
        for e in _segment_edges(obj, form, height):
            if e["orientation"] == "h":
                horizontal.append((e["x0"], e["x1"], height - e["top"]))
            else:
                vertical.append((height - e["bottom"], height - e["top"], e["x0"]))
    return _has_grid(horizontal, vertical, settings)


def _has_grid(
    horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]], settings: ParseSettings
) -> bool:
    """Whether enough horizontal rules, joined, are each crossed by enough vertical ones."""
    tol = settings.table_intersection_tolerance + settings.table_snap_tolerance
    need_h, need_v = settings.table_min_rows + 1, settings.table_min_cols + 1
    if len(horizontal) < need_h or len(vertical) < need_v:
        return False
    # Word and others draw each cell's border as its own segment; join collinear pieces first,
    # as pdfplumber's join_tolerance does, so a row border spans the whole table.
    rows = [e for e in _join_collinear(horizontal, tol) if e[1] - e[0] >= _RULE_MIN_LENGTH]
    cols = [e for e in _join_collinear(vertical, tol) if e[1] - e[0] >= _RULE_MIN_LENGTH]
    ruled_rows: set[int] = set()
    for x0, x1, y in rows:
        crossings = {round(x / tol) for y0, y1, x in cols if x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol}
        if len(crossings) >= need_v:
            ruled_rows.add(round(y / tol))
            if len(ruled_rows) >= need_h:
                return True
    return False


def _path_edges(page: pdfium.PdfPage, paths: list[PathObject]) -> list[dict[str, Any]]:
    """The edges pdfplumber's table finder would take from the page's drawing, in its (top-down)
    coordinates: every path's axis-parallel segments, see `_segment_edges`.  A line is its centre
    line whatever its stroke width, as pdfminer gives it (pdfium's bounds of a stroked path
    include the stroke: a thick rule's two sides would be two edges, an extra row); a rectangle
    its four sides.  Paths inside forms count where the form puts them on the page, as pdfminer
    places them."""
    height = page.get_size()[1]
    edges: list[dict[str, Any]] = []
    for obj, form in paths:
        edges += _segment_edges(obj, form, height)
    return edges


def path_objects(page: pdfium.PdfPage) -> list[PathObject]:
    """Every path object on the page and inside its forms, with the transform from its form's
    space to the page's.  Walks pdfium's C API directly: pypdfium2's object wrappers cost more
    than all the work done with them here."""
    page_handle = pdfium_calls.handle(page.raw)
    return list(_walk(pdfium_c.FPDFPage_CountObjects(page.raw), partial(pdfium_calls.page_object, page_handle), None))


def _walk(count: int, get: Callable[[int], pdfium_calls.Handle], form: Matrix | None) -> Iterator[PathObject]:
    # Most objects are text, and every one is asked its type: through `pdfium_calls`, which
    # costs half as much.  Only paths and forms become pypdfium2's typed handles.
    for i in range(count):
        obj = get(i)
        kind = pdfium_calls.object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield pdfium_calls.typed(obj, pdfium_c.FPDF_PAGEOBJECT), form
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            inner = _matrix(pdfium_calls.typed(obj, pdfium_c.FPDF_PAGEOBJECT))
            yield from _walk(
                pdfium_c.FPDFFormObj_CountObjects(pdfium_calls.typed(obj, pdfium_c.FPDF_PAGEOBJECT)),
                partial(pdfium_calls.form_object, obj),
                inner if form is None else _compose(inner, form),
            )


def _matrix(obj: Any) -> Matrix:
    """An object's own transform (a form's: from its space to where it is drawn)."""
    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(first: Matrix, then: Matrix) -> Matrix:
    """The transform applying `first`, then `then` (PDF's row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = then
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bounds(obj: Any, form: Matrix | None) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of an object on the page."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    box = (left.value, bottom.value, right.value, top.value)
    if form is None:
        return box
    corners = [_apply(form, x, y) for x in (box[0], box[2]) for y in (box[1], box[3])]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _segment_edges(obj: Any, form: Matrix | None, height: float) -> list[dict[str, Any]]:
    """The edges pdfplumber takes from a many-segment path, in its (top-down) coordinates: pdfminer
    splits the path at each move into subpaths, and an edge joins each point a segment ends on to
    the next (a Bezier's control points are skipped; a close goes back to the subpath's start).
    Only horizontal and vertical edges reach the table finder; within 0.01 pt counts as either,
    as pdfium keeps points in single precision where pdfminer compares them exactly."""
    matrix = _matrix(obj) if form is None else _compose(_matrix(obj), form)
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    path = pdfium_calls.handle(obj)  # four calls a segment, through `pdfium_calls` (see there)
    subpaths: list[list[tuple[float, float]]] = []
    beziers = 0
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_calls.path_segment(path, k)
        kind = pdfium_calls.segment_type(segment)
        pdfium_calls.segment_point(segment, x_ref, y_ref)
        point = _apply(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
            beziers = 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            beziers += 1
            if beziers % 3 == 0:  # the curve's end point; the two before it steer the curve
                subpaths[-1].append(point)
        else:
            subpaths[-1].append(point)
        if pdfium_calls.segment_closes(segment):
            subpaths[-1].append(subpaths[-1][0])
    edges: list[dict[str, Any]] = []
    for points in subpaths:
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            x0, x1, t, b = min(xa, xb), max(xa, xb), height - max(ya, yb), height - min(ya, yb)
            if abs(ya - yb) <= 0.01 and x1 - x0 > 0.01:
                edges.append(
                    {
                        "x0": x0,
                        "x1": x1,
                        "top": t,
                        "bottom": t,
                        "width": x1 - x0,
                        "height": 0,
                        "orientation": "h",
                        "object_type": "curve_edge",
                    }
                )
            elif abs(xa - xb) <= 0.01 and b - t > 0.01:
                edges.append(
                    {
                        "x0": x0,
                        "x1": x0,
                        "top": t,
                        "bottom": b,
                        "width": 0,
                        "height": b - t,
                        "orientation": "v",
                        "object_type": "curve_edge",
                    }
                )
    return edges


def ruled_cell_groups(
    page: pdfium.PdfPage, settings: ParseSettings, paths: list[PathObject] | None = None
) -> list[list[CellBox]]:
    """The cells of each ruled table on a pdfium page, as pdfplumber's table finder ("lines"
    strategy) would group them: the same edge filters, snapping, joining, intersections and cell
    grouping, run on the edges pdfium's drawing gives.  `paths` as for `page_has_ruling`."""
    edges = _path_edges(page, path_objects(page) if paths is None else paths)
    ts = TableSettings.resolve(table_settings(settings))
    edges = filter_edges(edges, min_length=ts.edge_min_length_prefilter)
    edges = merge_edges(edges, ts.snap_x_tolerance, ts.snap_y_tolerance, ts.join_x_tolerance, ts.join_y_tolerance)
    edges = filter_edges(edges, min_length=ts.edge_min_length)
    cells = _intersections_to_cells(
        edges_to_intersections(edges, ts.intersection_x_tolerance, ts.intersection_y_tolerance)
    )
    return cells_to_tables(cells)


def _intersections_to_cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[CellBox]:
    """pdfplumber's `intersections_to_cells`, step for step, with each point's edges made a set
    once: pdfplumber builds both sets again (and evaluates type hints) on every one of the many
    tests whether two points share an edge, which costs it four times as long.

    Each point, in sorted order, is the top left corner of at most one cell: it tries the points
    below it and to its right that it shares an edge with, nearest first, and takes the first
    pair whose opposite corner is an intersection sharing an edge with both."""
    vertical = {p: set(map(obj_to_bbox, e["v"])) for p, e in intersections.items()}
    horizontal = {p: set(map(obj_to_bbox, e["h"])) for p, e in intersections.items()}

    def connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]):
            return True
        return p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2])

    points = sorted(intersections)
    cells: list[CellBox] = []
    for i, pt in enumerate(points):
        rest = points[i + 1 :]
        below = [p for p in rest if p[0] == pt[0]]
        right = [p for p in rest if p[1] == pt[1]]
        cell = _smallest_cell(pt, below, right, intersections, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(
    pt: Point,
    below: list[Point],
    right: list[Point],
    intersections: dict[Point, Any],
    connects: Callable[[Point, Point], bool],
) -> CellBox | None:
    for below_pt in below:
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            if not connects(pt, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def grid_kept(cells: list[CellBox], settings: ParseSettings) -> bool:
    """The table reader's tests that need no text, on one table's cells: pdfplumber's rows are the
    cells' distinct tops, each row with a slot (a cell or None) per distinct left edge.  See
    `is_table_grid`."""
    cols = len({c[0] for c in cells})
    per_row = Counter(c[1] for c in cells)
    return is_table_grid([per_row[top] for top in sorted(per_row)], cols, settings)


def is_table_grid(cells_per_row: list[int], n_cols: int, settings: ParseSettings) -> bool:
    """Whether a grid with this many cells in each row (merged slots not counted) and `n_cols`
    columns is a table: at least `table_min_rows` of its rows are split into at least
    `table_min_cols` cells, or its first row is (a header over rows that span it: "No
    results").  Row and column spans leave most rows split (a real table with merged cells is
    kept, None in its merged slots); boxes around prose stacked in one column, side by side at
    most below a first full-width box, are not."""
    if len(cells_per_row) < settings.table_min_rows or n_cols < settings.table_min_cols:
        return False
    split = [n >= settings.table_min_cols for n in cells_per_row]
    return split[0] or sum(split) >= settings.table_min_rows


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


def table_settings(settings: ParseSettings) -> dict[str, Any]:
    """pdfplumber table settings for ruled tables ("lines" both ways) with govmap's tolerances."""
    return {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": settings.table_snap_tolerance,
        "join_tolerance": settings.table_join_tolerance,
        "intersection_tolerance": settings.table_intersection_tolerance,
    }
