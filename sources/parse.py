"""Dispatch raw bytes to the parser for their media type."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping

from govmap.errors import UnsupportedMediaType
from govmap.media import PARSERS
from govmap.sources.model import Document, RawDocument
from govmap.sources.settings import ParseSettings

__all__ = ["parse", "parser_for", "PARSERS"]


def parser_for(media_type: str) -> Callable[..., Document] | None:
    """The parse function for `media_type`, or None for a type govmap does not read."""
    spec = PARSERS.get(media_type)
    return None if spec is None else getattr(importlib.import_module(spec[0]), spec[1])


def parse(raw: RawDocument, settings: ParseSettings | Mapping[str, Any] | None = None) -> Document:
    """Parse a RawDocument with the parser for its media type.

    Raises UnsupportedMediaType for a type govmap does not read, ParseError when the bytes cannot
    be read as their type; every message is one line naming the source.
    """
    settings = ParseSettings.resolve(settings)
    parser = parser_for(raw.media_type)
    if parser is None:
        raise UnsupportedMediaType(
            f"{raw.source_uri}: media type {raw.media_type!r} is not one of {', '.join(PARSERS)}; document quarantined"
        )
    return parser(raw, settings)
