"""Dispatch raw bytes to the parser for their media type."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from govmap.errors import UnsupportedMediaType
from sources.html import parse_html
from sources.model import Document, RawDocument
from sources.pdf import parse_pdf
from sources.settings import ParseSettings
from sources.text import parse_text

__all__ = ["parse", "PARSERS"]

PARSERS: dict[str, Callable[..., Document]] = {
    "application/pdf": parse_pdf,
    "text/plain": parse_text,
    "text/markdown": parse_text,
    "text/html": parse_html,
}


def parse(raw: RawDocument, settings: ParseSettings | Mapping[str, Any] | None = None) -> Document:
    """Parse a RawDocument with the parser for its media type.

    Raises UnsupportedMediaType for a type govmap does not read, ParseError when the bytes cannot
    be read as their type; every message is one line naming the source.
    """
    settings = ParseSettings.resolve(settings)
    parser = PARSERS.get(raw.media_type)
    if parser is None:
        raise UnsupportedMediaType(
            f"{raw.source_uri}: media type {raw.media_type!r} is not one of {', '.join(PARSERS)}; document quarantined"
        )
    return parser(raw, settings)
