"""Parse settings: one frozen dataclass with named defaults, resolved from None, a dict or itself.

    >>> settings = ParseSettings.resolve({"max_bytes": 10 * 1024 * 1024})
    >>> settings.http_timeout
    30.0

Every entry point of ``sources`` takes ``settings`` as None, a dict or a ``ParseSettings``.
Settings that change parsed output join ``cache_key()``; settings that only change how bytes are
fetched (timeouts, redirects) do not, so a new timeout never invalidates parsed documents.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping

__all__ = [
    "ParseSettings",
    "PARSER_VERSION",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_HTTP_TIMEOUT",
    "DEFAULT_HTTP_DEADLINE",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_DOCUMENT_SECONDS",
    "DEFAULT_DOCUMENT_MEMORY_MB",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MAX_MENTIONS",
]

# Bump when parsing or normalisation changes output for the same bytes and settings.
PARSER_VERSION = "3"

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_HTTP_TIMEOUT = 30.0  # per connect and per read
# A URL's whole pull (connect, redirects, every read): a server trickling bytes never holds a run.
DEFAULT_HTTP_DEADLINE = 120.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = "govmap/0.1 (document ingestion; +https://example.org/govmap)"
# A page is worth running pdfplumber's table finder on only if it has ruling: this many thin
# horizontal and vertical path objects each, or this many rectangles (cell borders/fills).
DEFAULT_TABLE_MIN_RULES = 2
DEFAULT_TABLE_MIN_RECTS = 3
# pdfplumber's own defaults (pdfplumber/table.py DEFAULT_SNAP_TOLERANCE etc.).
DEFAULT_TABLE_SNAP_TOLERANCE = 3.0
DEFAULT_TABLE_JOIN_TOLERANCE = 3.0
DEFAULT_TABLE_INTERSECTION_TOLERANCE = 3.0
# A one-row or one-column "table" is a ruled box around a paragraph, not a table.
DEFAULT_TABLE_MIN_ROWS = 2
DEFAULT_TABLE_MIN_COLS = 2
# A caption sits right above its table: at most this many points above the top rule.
DEFAULT_CAPTION_MAX_GAP = 48.0
DEFAULT_CAPTION_MAX_WORDS = 16
# Two table parts on one page with no text between and less than this gap are one table.
DEFAULT_TABLE_MERGE_MAX_GAP = 36.0
# Running headers/footers: lines among the first/last `header_zone_lines` of a page that recur
# on at least `header_min_ratio` of pages (and on at least `header_min_pages` pages).
DEFAULT_HEADER_ZONE_LINES = 3
DEFAULT_HEADER_MIN_RATIO = 0.5
DEFAULT_HEADER_MIN_PAGES = 3
# A pull quote is a paragraph of at least this many words printed verbatim more than once.
DEFAULT_PULLQUOTE_MIN_WORDS = 8
# Fewer non-space characters than this over a whole PDF means there is no text layer.
DEFAULT_MIN_TEXT_CHARS = 1
# Budgets per document: what one document may cost before it is quarantined and the run goes on.
# A 300-page report parses and extracts in seconds; minutes mean a pathological input.
DEFAULT_DOCUMENT_SECONDS = 120.0
# Memory a worker may grow by while one document is parsed and extracted (address space).
DEFAULT_DOCUMENT_MEMORY_MB = 2048
# Output: pages, characters of text and mentions of one document (a long book, ten times over).
DEFAULT_MAX_PAGES = 5_000
DEFAULT_MAX_CHARS = 10_000_000
DEFAULT_MAX_MENTIONS = 200_000


def _uncached(**kwargs: Any) -> Any:
    """A field that changes no document's parsed output, so it stays out of the cache key: how
    documents are found and fetched, and the budgets (a budget changes nothing of a document
    within it, and one quarantined for going over is tried again by the next run, see
    govmap.flows.documents)."""
    return field(metadata={"cache": False}, **kwargs)


@dataclass(frozen=True)
class ParseSettings:
    """Every tunable of pulling and parsing, with named defaults."""

    max_bytes: int = DEFAULT_MAX_BYTES
    http_timeout: float = _uncached(default=DEFAULT_HTTP_TIMEOUT)
    http_deadline: float = _uncached(default=DEFAULT_HTTP_DEADLINE)
    max_redirects: int = _uncached(default=DEFAULT_MAX_REDIRECTS)
    user_agent: str = _uncached(default=DEFAULT_USER_AGENT)
    # Hosts a URL source and each of its redirects may name ("example.org", "*.example.org");
    # empty: any host.
    allowed_hosts: tuple[str, ...] = _uncached(default=())
    # Read files a folder source links to outside the folder (symlinks); off, such links are skipped.
    follow_symlinks: bool = _uncached(default=False)
    tables: bool = True
    table_min_rules: int = DEFAULT_TABLE_MIN_RULES
    table_min_rects: int = DEFAULT_TABLE_MIN_RECTS
    table_snap_tolerance: float = DEFAULT_TABLE_SNAP_TOLERANCE
    table_join_tolerance: float = DEFAULT_TABLE_JOIN_TOLERANCE
    table_intersection_tolerance: float = DEFAULT_TABLE_INTERSECTION_TOLERANCE
    table_min_rows: int = DEFAULT_TABLE_MIN_ROWS
    table_min_cols: int = DEFAULT_TABLE_MIN_COLS
    table_merge_max_gap: float = DEFAULT_TABLE_MERGE_MAX_GAP
    caption_max_gap: float = DEFAULT_CAPTION_MAX_GAP
    caption_max_words: int = DEFAULT_CAPTION_MAX_WORDS
    header_zone_lines: int = DEFAULT_HEADER_ZONE_LINES
    header_min_ratio: float = DEFAULT_HEADER_MIN_RATIO
    header_min_pages: int = DEFAULT_HEADER_MIN_PAGES
    pullquote_min_words: int = DEFAULT_PULLQUOTE_MIN_WORDS
    min_text_chars: int = DEFAULT_MIN_TEXT_CHARS
    document_seconds: float = _uncached(default=DEFAULT_DOCUMENT_SECONDS)
    document_memory_mb: int = _uncached(default=DEFAULT_DOCUMENT_MEMORY_MB)
    max_pages: int = _uncached(default=DEFAULT_MAX_PAGES)
    max_chars: int = _uncached(default=DEFAULT_MAX_CHARS)
    max_mentions: int = _uncached(default=DEFAULT_MAX_MENTIONS)

    def __post_init__(self) -> None:
        if isinstance(self.allowed_hosts, list):  # from JSON or YAML
            object.__setattr__(self, "allowed_hosts", tuple(self.allowed_hosts))
        positive = (
            "max_bytes",
            "http_timeout",
            "http_deadline",
            "table_min_rows",
            "table_min_cols",
            "caption_max_words",
            "pullquote_min_words",
            "header_min_pages",
            "min_text_chars",
            "document_seconds",
            "document_memory_mb",
            "max_pages",
            "max_chars",
            "max_mentions",
        )
        non_negative = (
            "max_redirects",
            "table_min_rules",
            "table_min_rects",
            "table_snap_tolerance",
            "table_join_tolerance",
            "table_intersection_tolerance",
            "table_merge_max_gap",
            "caption_max_gap",
            "header_zone_lines",
        )
        for f in fields(self):
            value = getattr(self, f.name)
            expected = type(f.default) if not isinstance(f.default, float) else (int, float)
            if isinstance(value, bool) and expected is not bool:
                raise ValueError(f"ParseSettings.{f.name} must be a number, not {value!r}")
            if not isinstance(value, expected):
                raise ValueError(f"ParseSettings.{f.name} must be {f.type}, not {value!r}")
        if not all(isinstance(h, str) and h for h in self.allowed_hosts):
            raise ValueError(f"ParseSettings.allowed_hosts must be host names, not {self.allowed_hosts!r}")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"ParseSettings.{name} must be > 0, not {getattr(self, name)!r}")
        for name in non_negative:
            if getattr(self, name) < 0:
                raise ValueError(f"ParseSettings.{name} must be >= 0, not {getattr(self, name)!r}")
        if not 0 < self.header_min_ratio <= 1:
            raise ValueError(f"ParseSettings.header_min_ratio must be in (0, 1], not {self.header_min_ratio!r}")

    @classmethod
    def resolve(cls, settings: "ParseSettings | Mapping[str, Any] | None" = None) -> "ParseSettings":
        """One ParseSettings from None (defaults), a dict of overrides, or an instance.

        Raises ValueError naming an unknown or invalid setting.
        """
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, Mapping):
            known = {f.name for f in fields(cls)}
            unknown = sorted(set(settings) - known)
            if unknown:
                raise ValueError(f"ParseSettings has no setting {unknown[0]!r}; known: {', '.join(sorted(known))}")
            return cls(**settings)
        raise ValueError(f"settings must be None, a dict or ParseSettings, not {type(settings).__name__}")

    def cache_key(self) -> str:
        """A short stable hash of the settings that change parsed output, plus the parser version."""
        parsed = {f.name: getattr(self, f.name) for f in fields(self) if f.metadata.get("cache", True)}
        blob = json.dumps({"parser": PARSER_VERSION, **parsed}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
