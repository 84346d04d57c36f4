"""Plain text and Markdown: decode, split at form feeds, normalise, find tables."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

import charset_normalizer
import yaml

from govmap.errors import ParseError
from govmap.sources.model import Document, Page, RawDocument
from govmap.sources.normalize import normalize_pages
from govmap.sources.settings import ParseSettings
from govmap.sources.tables_text import text_tables

__all__ = ["FrontMatter", "decode_text", "parse_text", "read_front_matter"]

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
                raise ParseError(
                    f"{where}: invalid {encoding} after its byte-order mark; document quarantined"
                ) from exc
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
    front = read_front_matter(text)
    heading = _markdown_title(pages[0]) if raw.media_type == "text/markdown" else None
    return Document(
        doc_id=raw.doc_id,
        source_uri=raw.source_uri,
        media_type=raw.media_type,
        sha256=raw.sha256,
        pages=tuple(Page(i, text, tuple(t)) for i, (text, t) in enumerate(zip(pages, tables), start=1)),
        meta_title=front.title or heading,
        meta_author=front.author,
        meta_published=front.published,
        meta_publisher=front.publisher,
    )


@dataclass(frozen=True)
class FrontMatter:
    """What a YAML front-matter block (between "---" lines at the top) declares."""

    title: str | None = None
    author: str | None = None  # several authors joined by ", "
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    publisher: str | None = None


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
# Keys that name each field, first found wins.  "source" is often a URL: a URL is no publisher.
_TITLE_KEYS = ("title", "headline", "name")
_AUTHOR_KEYS = ("authors", "author", "creator", "creators", "by")
# A page's last edit dates it when nothing says when it was published.
_DATE_KEYS = (
    "date",
    "published",
    "published_at",
    "published_time",
    "publication_date",
    "pubdate",
    "created",
    "lastedited",
    "last_edited",
    "last_updated",
    "updated",
    "modified",
)
_PUBLISHER_KEYS = ("publisher", "organization", "organisation", "site_name", "site", "source", "publication")
_ISO_DATE = re.compile(r"^((?:19|20)\d{2})(?:-(\d{2}))?(?:-(\d{2}))?")
_URL = re.compile(r"^(?:https?://|www\.)", re.I)


def read_front_matter(text: str) -> FrontMatter:
    """The fields of a Markdown file's YAML front matter; empty when there is none or it is not YAML."""
    m = _FRONT_MATTER.match(text)
    if m is None:
        return FrontMatter()
    try:
        data = yaml.safe_load(m.group("body"))
    except yaml.YAMLError:
        return FrontMatter()
    if not isinstance(data, dict):
        return FrontMatter()
    fields = {str(k).strip().lower(): v for k, v in data.items()}

    def first(keys: tuple[str, ...]) -> Any:
        return next((fields[k] for k in keys if fields.get(k) not in (None, "", [])), None)

    return FrontMatter(
        title=_one_line(first(_TITLE_KEYS)),
        author=_authors_of(first(_AUTHOR_KEYS)),
        published=_date_of(first(_DATE_KEYS)),
        publisher=_publisher_of(first(_PUBLISHER_KEYS)),
    )


def _one_line(value: Any) -> str | None:
    if not isinstance(value, (str, int, float)):
        return None
    return " ".join(str(value).split()) or None


def _authors_of(value: Any) -> str | None:
    if isinstance(value, list):
        names = [_one_line(v.get("name") if isinstance(v, dict) else v) for v in value]
        return ", ".join(n for n in names if n) or None
    if isinstance(value, dict):
        return _one_line(value.get("name"))
    return _one_line(value)


def _date_of(value: Any) -> str | None:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = _one_line(value)
    m = _ISO_DATE.match(text or "")
    if m is None:
        return None
    return "-".join(part for part in m.groups() if part)


def _publisher_of(value: Any) -> str | None:
    text = _one_line(value.get("name") if isinstance(value, dict) else value)
    if text is None or _URL.match(text):
        return None
    return text


def _markdown_title(text: str) -> str | None:
    for line in text.split("\n"):
        if line.startswith("# "):
            return line[2:].strip() or None
    return None
