"""PDF: page text and ruled tables through pypdfium2; pdfplumber only where pdfium cannot stand in.

pypdfium2 extracts a page's text at hundreds of pages a second; pdfplumber's layout analysis
manages a handful.  So every page's text comes from pdfium, `pdf_ruling` finds the pages whose
drawing holds a ruled grid (the tables govmap reads), and `pdf_tables` reads those grids' cells
from pdfium's characters with pdfplumber's own table algorithms.  pdfplumber opens the file only
when a page has a grid pdfium's objects cannot describe the way pdfminer would.
"""

from __future__ import annotations

import threading
from typing import Any, Mapping

import pypdfium2 as pdfium

from govmap.errors import ParseError
from govmap.sources.model import Document, Page, RawDocument, Table
from govmap.sources.normalize import normalize_pages
from govmap.sources.pdf_ruling import page_has_ruling, path_objects
from govmap.sources.pdf_tables import PdfTablePart, find_tables_pdfplumber, merge_parts, read_page_tables
from govmap.sources.settings import ParseSettings

__all__ = ["parse_pdf"]

# PDFium is not thread-safe (pypdfium2 docs, "Thread incompatibility"); flows may parse on a
# thread pool, so every pdfium call in this process goes through one lock.  pdfplumber (pure
# Python) runs outside it.
_PDFIUM_LOCK = threading.Lock()
_PLACEHOLDER_META = frozenset({"", "(anonymous)", "(unspecified)", "anonymous", "unknown", "untitled", "none"})


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
        texts, parts, for_pdfplumber, meta = _read(raw.data, where, settings)
    if not _has_text_layer(texts, settings.min_text_chars):
        if len(texts) == 1:
            raise ParseError(f"{where} page 1: no text layer; needs OCR; document quarantined")
        raise ParseError(f"{where}: no text layer on any of {len(texts)} pages; needs OCR; document quarantined")
    page_texts = normalize_pages(texts, settings)
    if for_pdfplumber:
        parts.update(find_tables_pdfplumber(raw.data, for_pdfplumber, where, settings))
    tables = merge_parts([p for number in sorted(parts) for p in parts[number]], settings)
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


def _has_text_layer(texts: list[str], min_chars: int) -> bool:
    """Whether the pages hold at least `min_chars` (> 0) non-blank characters, and so a word.
    Counts page by page and stops when there are enough: most documents pass on their first page."""
    found = 0
    for text in texts:
        found += len("".join(text.split()))
        if found >= min_chars:
            return True
    return False


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


def _read(
    data: bytes, where: str, settings: ParseSettings
) -> tuple[list[str], dict[int, list[PdfTablePart]], list[int], dict[str, str]]:
    """Every page's raw text, the table parts pdfium read (per 1-based page), the pages with a
    grid only pdfplumber can read, and the metadata."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(where, exc) from exc
    texts: list[str] = []
    parts: dict[int, list[PdfTablePart]] = {}
    for_pdfplumber: list[int] = []
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
                try:
                    texts.append(textpage.get_text_range())
                    found = _page_tables(page, textpage, i + 1, settings) if settings.tables else []
                    if found is None:
                        for_pdfplumber.append(i + 1)
                    elif found:
                        parts[i + 1] = found
                finally:
                    textpage.close()
            except pdfium.PdfiumError as exc:
                raise ParseError(f"{where} page {i + 1}: unreadable page ({exc}); document quarantined") from exc
            finally:
                page.close()
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    return texts, parts, for_pdfplumber, meta


def _page_tables(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, number: int, settings: ParseSettings
) -> list[PdfTablePart] | None:
    """The table parts pdfium reads on one page ([] without a ruled grid); None when only
    pdfplumber can read its grid."""
    paths = path_objects(page)  # walked once, for the cheap test and for the cells
    if not page_has_ruling(page, settings, paths):
        return []
    return read_page_tables(page, textpage, number, settings, paths)
