"""Plain text and Markdown: decode, split at form feeds, normalise, find tables."""

from __future__ import annotations

import codecs
from typing import Any, Mapping

import charset_normalizer

from govmap.errors import ParseError
from sources.model import Document, Page, RawDocument
from sources.normalize import normalize_pages
from sources.settings import ParseSettings
from sources.tables_text import text_tables

__all__ = ["decode_text", "parse_text"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters (or U+FFFD) above which decoded "text" is really binary or garbage.
_MAX_JUNK_RATIO = 0.02
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def decode_text(data: bytes, where: str) -> str:
    """Bytes -> str: a BOM or valid UTF-8 first, else the encoding charset-normalizer detects.

    Raises ParseError when no encoding gives readable text.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), where, encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(f"{where}: invalid {encoding} after its byte-order mark; document quarantined") from exc
    try:
        return _checked(data.decode("utf-8"), where, "utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ParseError(f"{where}: not text in any encoding charset-normalizer knows; document quarantined")
    return _checked(str(best), where, best.encoding)


def _checked(text: str, where: str, encoding: str) -> str:
    junk = sum(1 for ch in text if (ch < " " and ch not in _ALLOWED_CONTROLS) or ch == "\ufffd")
    if text and junk / len(text) > _MAX_JUNK_RATIO:
        raise ParseError(
            f"{where}: {junk} control or replacement characters after decoding as {encoding}; "
            "not readable text; document quarantined"
        )
    return text


def parse_text(raw: RawDocument, settings: ParseSettings | Mapping[str, Any] | None = None) -> Document:
    """Plain text or Markdown -> Document: one page, or one per form-feed-separated part.

    Markdown pipe tables and TAB-separated blocks become Tables.  Raises ParseError for an
    empty file, undecodable bytes or text that is only whitespace.
    """
    settings = ParseSettings.resolve(settings)
    where = raw.source_uri
    if not raw.data:
        raise ParseError(f"{where}: empty file (0 bytes); nothing to parse; document quarantined")
    text = decode_text(raw.data, where)
    pages = normalize_pages(text.split("\f"), settings)
    if not any(p.strip() for p in pages):
        raise ParseError(f"{where}: only whitespace after decoding; nothing to parse; document quarantined")
    tables = text_tables(pages)
    return Document(
        doc_id=raw.doc_id,
        source_uri=raw.source_uri,
        media_type=raw.media_type,
        sha256=raw.sha256,
        pages=tuple(Page(i, text, tuple(t)) for i, (text, t) in enumerate(zip(pages, tables), start=1)),
        meta_title=_markdown_title(pages[0]) if raw.media_type == "text/markdown" else None,
    )


def _markdown_title(text: str) -> str | None:
    for line in text.split("\n"):
        if line.startswith("# "):
            return line[2:].strip() or None
    return None
