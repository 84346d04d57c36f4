"""Media type detection from content first, then the name's extension, then a declared type."""

from __future__ import annotations

import re

from govmap.errors import UnsupportedMediaType
from govmap.media import DECLARED_MEDIA_TYPES, media_type_of_name

__all__ = ["detect_media_type"]

# The PDF spec lets the header start anywhere in the first 1024 bytes (some writers prepend junk).
_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024
# Formats people put in report folders that govmap does not read; named so the error says what it is.
_BINARY_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx/pptx?)"),
    (b"\xd0\xcf\x11\xe0", "an OLE file (doc/xls?)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF file"),
)
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)


def detect_media_type(data: bytes, name: str, declared: str | None = None) -> str:
    """The media type of `data`: one of govmap.datasets.contract.MEDIA_TYPES.

    `name` is a file name or URL path (only its extension is used); `declared` an HTTP
    Content-Type, trusted only where the content does not decide.  Raises UnsupportedMediaType
    for bytes that are a known binary format, or that are named .pdf but are not a PDF.
    """
    named = media_type_of_name(name, None)
    if _PDF_MAGIC in data[:_PDF_HEADER_WINDOW]:
        return "application/pdf"
    if not data:
        # Empty bytes decide nothing; the parser for the named type reports the empty file.
        return named or "text/plain"
    for magic, what in _BINARY_MAGICS:
        if data.startswith(magic):
            raise UnsupportedMediaType(f"{name}: is {what}, not a PDF, text or HTML document; document quarantined")
    if named == "application/pdf" or _declared(declared) == "application/pdf":
        raise UnsupportedMediaType(
            f"{name}: named or served as PDF but has no %PDF- header; not a PDF; document quarantined"
        )
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedMediaType(f"{name}: binary data (NUL bytes), not a text document; document quarantined")
    if named in ("text/html", "text/markdown"):
        return named  # Markdown may embed HTML tags; the extension says what it is
    head = data[:4096]
    if named == "text/plain":
        # A .txt that merely mentions "<body>" stays text; one that *is* a saved page is HTML.
        head = head.lstrip()[:64]
    if _HTML_SNIFF.match(head.lstrip()) if named == "text/plain" else _HTML_SNIFF.search(head):
        return "text/html"
    # A declared PDF without a header was refused above; any other declared type stands.
    return _declared(declared) or "text/plain"


def _declared(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return DECLARED_MEDIA_TYPES.get(content_type.split(";", 1)[0].strip().lower())
