"""Sources: pull documents (files, folders, http(s) URLs) and parse them into normalised pages
of text and tables.

    refs = iter_sources(["reports/", "https://example.org/brief.pdf"], settings)
    for ref in refs:
        raw = pull(ref, settings)          # RawDocument: bytes, media type, sha256
        doc = parse(raw, settings)         # Document: pages of normalised text + tables

Every failure is a `govmap.errors.SourceError` with a one-line message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govmap.sources.detect import detect_media_type
from govmap.sources.model import BBox, Cell, Document, Page, RawDocument, Table, doc_id_of
from govmap.sources.normalize import REPAIRS, TEXT_REPAIRS, normalize_pages, normalize_text
from govmap.media import PARSERS
from govmap.sources.parse import parse, parser_for
from govmap.sources.pull import SourceRef, iter_sources, pull
from govmap.sources.settings import PARSER_VERSION, ParseSettings

if TYPE_CHECKING:
    from govmap.sources.html import parse_html
    from govmap.sources.pdf import parse_pdf
    from govmap.sources.text import parse_text

_LAZY_PARSERS = {function: media for media, (_, function) in PARSERS.items()}  # any of its types: one parser


def __getattr__(name: str) -> Any:
    """`parse_html`, `parse_pdf` and `parse_text`, loaded on first use (see `govmap.media.PARSERS`)."""
    if name in _LAZY_PARSERS:
        return parser_for(_LAZY_PARSERS[name])
    raise AttributeError(f"module 'sources' has no attribute {name!r}")


__all__ = [
    "BBox",
    "Cell",
    "Document",
    "Page",
    "PARSER_VERSION",
    "ParseSettings",
    "RawDocument",
    "REPAIRS",
    "SourceRef",
    "Table",
    "TEXT_REPAIRS",
    "detect_media_type",
    "doc_id_of",
    "iter_sources",
    "normalize_pages",
    "normalize_text",
    "parse",
    "parse_html",
    "parse_pdf",
    "parse_text",
    "pull",
]
