"""The media types govmap reads: one table, from which the suffix map, the declared-type map, the
folder walk's suffixes, the parsers (in `sources`) and the contract's `media_type` vocabulary all
derive.  It imports nothing, so the contract can take its vocabulary from here without loading
`sources`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = [
    "MediaType",
    "MEDIA",
    "MEDIA_TYPES",
    "SUFFIX_MEDIA_TYPES",
    "DECLARED_MEDIA_TYPES",
    "DOCUMENT_SUFFIXES",
    "PARSERS",
    "media_type_of_name",
]


@dataclass(frozen=True)
class MediaType:
    name: str  # the contract's value of documents.media_type
    suffixes: tuple[str, ...]  # file-name extensions, lower case
    declared: tuple[str, ...]  # HTTP Content-Types that mean it
    parser: tuple[str, str]  # (module, function); loaded on first use


MEDIA: tuple[MediaType, ...] = (
    MediaType("application/pdf", (".pdf",), ("application/pdf",), ("govmap.sources.pdf", "parse_pdf")),
    MediaType("text/plain", (".txt", ".text"), ("text/plain",), ("govmap.sources.text", "parse_text")),
    # MDX: Markdown with JSX components
    MediaType(
        "text/markdown",
        (".md", ".markdown", ".mdx"),
        ("text/markdown", "text/x-markdown"),
        ("govmap.sources.text", "parse_text"),
    ),
    MediaType(
        "text/html", (".html", ".htm"), ("text/html", "application/xhtml+xml"), ("govmap.sources.html", "parse_html")
    ),
)

MEDIA_TYPES: tuple[str, ...] = tuple(m.name for m in MEDIA)
SUFFIX_MEDIA_TYPES: dict[str, str] = {s: m.name for m in MEDIA for s in m.suffixes}
DECLARED_MEDIA_TYPES: dict[str, str] = {d: m.name for m in MEDIA for d in m.declared}
DOCUMENT_SUFFIXES: frozenset[str] = frozenset(SUFFIX_MEDIA_TYPES)
# media type -> (module, function) of its parser.  A parser's module loads on first use: the PDF
# and HTML ones import pdfplumber, pypdfium2 and BeautifulSoup, which a process that only lists
# and pulls documents (the flow's own) never needs.
PARSERS: dict[str, tuple[str, str]] = {m.name: m.parser for m in MEDIA}


def media_type_of_name(name: str, default: str | None = "text/plain") -> str | None:
    """The media type a file name or URL path says by its extension (query and fragment ignored)."""
    suffix = PurePosixPath(name.split("?", 1)[0].split("#", 1)[0]).suffix.lower()
    return SUFFIX_MEDIA_TYPES.get(suffix, default)
