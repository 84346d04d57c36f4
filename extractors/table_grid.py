"""Reading a `govmap.sources.model.Table` grid: clean cell text, the header row, the table's id, and body
rows with continuation rows merged into the row they continue.

    header_i = find_header_row(table.grid)
    header = header_cells(table.grid[header_i])
    for row in logical_rows(table, header_i):       # LogicalRow: one subject, all its lines
        row.first, row.text(1), row.lines(1), row.page

Continuation rows are rows whose first cell is blank (`""`) or merged away (`None`): a pair of
actors followed by rows each naming one more type, or a label wrapped over two grid rows.
A header row repeated mid-table (a table split over pages that the parser did not merge) is dropped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from govmap.text import slugify
from govmap.sources.model import Table

__all__ = [
    "LogicalRow",
    "clean_cell",
    "clean_title",
    "table_id_of",
    "find_header_row",
    "header_cells",
    "logical_rows",
    "row_evidence",
]

# Markdown emphasis and code marks around a cell or caption ("**Table 1.** Hosts", "`x`").
_MARKUP = re.compile(r"(\*\*|__|`)")
# A Markdown link keeps its text ("[Accord](https://...)"); an inline HTML or MDX tag
# ("<R id=...>Accord</R>", "<br/>") is markup around the words.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"</?[A-Za-z][\w.-]*(?:\s+[^<>]*)?/?>")
_EDGE_MARKUP = re.compile(r"^[*_#>\s]+|[*_\s]+$")
# How many leading rows may come before the header (a spanning super-title, a blank row).
HEADER_SEARCH_ROWS = 3


# Every reader of a table (ratings, collaborations, parties) cleans the same cells.
@functools.lru_cache(maxsize=65536)
def clean_cell(text: str | None) -> str:
    """A cell's text on one line, without Markdown emphasis; None (no cell) reads as ""."""
    if not text:
        return ""
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = _MARKUP.sub("", text)
    text = _EDGE_MARKUP.sub("", text)
    return " ".join(text.split())


def clean_title(title: str | None) -> str | None:
    """The caption without Markdown emphasis or heading marks, or None when there is none."""
    cleaned = clean_cell(title)
    return cleaned or None


def table_id_of(table: Table) -> str:
    """Stable id: the caption's slug ("table-1-potential-hosts"), else ``table-p{page}-{index}``."""
    title = clean_title(table.title)
    slug = slugify(title) if title else ""
    return slug or f"table-p{table.page}-{table.index}"


def _filled(row: list[str | None]) -> int:
    return sum(1 for c in row if clean_cell(c))


def find_header_row(grid: list[list[str | None]]) -> int | None:
    """Index of the header row: the first of the leading rows with two or more filled cells.

    A leading row with a single filled cell is a super-title spanning the table ("Assessment"),
    not the header; a grid with no such row has no header (None).
    """
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if _filled(row) >= 2:
            return i
    return None


def header_cells(row: list[str | None]) -> list[str]:
    """Cleaned header texts; a cell merged away (None) takes the text of the cell it merged into
    on its left, because a horizontally merged header labels every column it spans."""
    out: list[str] = []
    for i, cell in enumerate(row):
        if cell is None and i > 0:
            out.append(out[-1])
        else:
            out.append(clean_cell(cell))
    return out


@dataclass(frozen=True)
class LogicalRow:
    """One body row with its continuation rows: per column, the non-blank texts of every grid
    row it spans (``columns[j]``), whether column j has any real cell (not all None), and the
    grid row indices."""

    columns: tuple[tuple[str, ...], ...]
    present: tuple[bool, ...]
    indices: tuple[int, ...]
    page: int
    printed: tuple[tuple[str, ...], ...]  # each grid row's cleaned cells, for evidence

    @property
    def first(self) -> str:
        return self.text(0)

    def lines(self, j: int) -> tuple[str, ...]:
        return self.columns[j] if j < len(self.columns) else ()

    def text(self, j: int) -> str:
        return " ".join(self.lines(j))

    def has_cell(self, j: int) -> bool:
        return j < len(self.present) and self.present[j]


def _same_header(row: list[str | None], header: list[str]) -> bool:
    cells = [clean_cell(c).casefold() for c in row]
    return any(cells) and cells == [h.casefold() for h in header[: len(cells)]] and len(cells) == len(header)


def logical_rows(table: Table, header_index: int | None, *, merge_continuations: bool = True) -> list[LogicalRow]:
    """Body rows after the header, each with its continuation rows merged in.

    table: the table; header_index: its header row (None: every row is body).  Blank rows and
    repeats of the header row are dropped.  With merge_continuations, a row whose first cell is
    blank or None extends the row above; otherwise every grid row is its own logical row.
    """
    grid = table.grid
    header = header_cells(grid[header_index]) if header_index is not None else []
    width = max((len(r) for r in grid), default=0)
    start = 0 if header_index is None else header_index + 1
    groups: list[list[int]] = []
    for i in range(start, len(grid)):
        row = grid[i]
        if not _filled(row) or (header and _same_header(row, header)):
            continue
        continues = merge_continuations and groups and not clean_cell(row[0] if row else None)
        if continues:
            groups[-1].append(i)
        else:
            groups.append([i])
    out: list[LogicalRow] = []
    for group in groups:
        columns: list[tuple[str, ...]] = []
        present: list[bool] = []
        for j in range(width):
            cells = [grid[i][j] if j < len(grid[i]) else None for i in group]
            columns.append(tuple(t for t in (clean_cell(c) for c in cells) if t))
            present.append(any(c is not None for c in cells))
        printed = tuple(tuple(clean_cell(c) for c in grid[i]) for i in group)
        out.append(
            LogicalRow(
                columns=tuple(columns),
                present=tuple(present),
                indices=tuple(group),
                page=table.page_of_row(group[0]),
                printed=printed,
            )
        )
    return out


def row_evidence(row: LogicalRow) -> str:
    """The row as printed, on one line: each grid row's filled cells joined by " | ", rows by " | "."""
    return " | ".join(cell for cells in row.printed for cell in cells if cell)
