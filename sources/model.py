"""Records every source connector and parser produces: one geometry vocabulary, frozen records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["BBox", "Cell", "Table", "Page", "RawDocument", "Document", "doc_id_of"]

# (x0, top, x1, bottom) in PDF points, origin top-left — pdfplumber's T_bbox.  Text, Markdown
# and HTML tables have no geometry and carry None.
BBox = tuple[float, float, float, float]


def doc_id_of(sha256: str) -> str:
    """A document's id: the first 16 hex digits of the sha256 of its bytes."""
    return sha256[:16]


@dataclass(frozen=True)
class Cell:
    """One table cell. ``text is None`` means no cell here (merged away); ``""`` an empty cell."""

    text: str | None
    bbox: BBox | None = None


@dataclass(frozen=True)
class Table:
    """A table as a grid of cells, on the page it starts on.

    ``title`` is the caption printed just above the table ("Table 1. Potential Hosts ..."),
    or None.  ``index`` numbers the document's tables from 0 in reading order.  A table that
    continues over a page break is one Table whose rows come from both pages (``pages`` lists
    them), with the repeated header row dropped.
    """

    page: int
    index: int
    rows: tuple[tuple[Cell, ...], ...]
    title: str | None = None
    bbox: BBox | None = None
    pages: tuple[int, ...] = ()
    row_pages: tuple[int, ...] = ()  # page of each row (same length as rows), empty = all on `page`

    @property
    def grid(self) -> list[list[str | None]]:
        """Cell texts as a list of rows."""
        return [[c.text for c in row] for row in self.rows]

    def page_of_row(self, i: int) -> int:
        return self.row_pages[i] if self.row_pages else self.page


@dataclass(frozen=True)
class Page:
    """One page: its normalised text (the reference for every offset) and its tables."""

    number: int  # 1-based
    text: str
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class RawDocument:
    """Bytes pulled from a source, with what is known about them before parsing."""

    source_uri: str
    data: bytes
    media_type: str  # one of govmap.datasets.contract.MEDIA_TYPES
    sha256: str = field(default="")

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def doc_id(self) -> str:
        return doc_id_of(self.sha256)


@dataclass(frozen=True)
class Document:
    """A parsed document: normalised pages plus metadata the file itself declares."""

    doc_id: str
    source_uri: str
    media_type: str
    sha256: str
    pages: tuple[Page, ...]
    meta_title: str | None = None  # e.g. PDF /Title or HTML <title>; a hint for metadata extraction
    meta_author: str | None = None
    # Declared by the file (Markdown front matter, HTML meta tags): publication date as printed
    # there, and the publishing organisation or site.
    meta_published: str | None = None
    meta_publisher: str | None = None

    @property
    def n_chars(self) -> int:
        return sum(len(p.text) for p in self.pages)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for p in self.pages for t in p.tables)
