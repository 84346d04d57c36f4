"""Sources: pull documents (files, folders, http(s) URLs) and parse them into normalised pages
of text and tables.

    refs = iter_sources(["reports/", "https://example.org/brief.pdf"], settings)
    for ref in refs:
        raw = pull(ref, settings)          # RawDocument: bytes, media type, sha256
        doc = parse(raw, settings)         # Document: pages of normalised text + tables

Every failure is a `govmap.errors.SourceError` with a one-line message.
"""

from __future__ import annotations

from sources.detect import detect_media_type
from sources.html import parse_html
from sources.model import BBox, Cell, Document, Page, RawDocument, Table, doc_id_of
from sources.normalize import REPAIRS, TEXT_REPAIRS, normalize_pages, normalize_text
from sources.parse import parse
from sources.pdf import parse_pdf
from sources.pull import SourceRef, iter_sources, pull
from sources.settings import PARSER_VERSION, ParseSettings
from sources.text import parse_text

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
