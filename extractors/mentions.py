"""What the institution and instrument rulers share about mentions: the `Match` record, the
`Ranges` of text already claimed, the text with links blanked, and a match's tokens."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from govmap.extractors.extensions import doc_text

__all__ = ["Match", "Ranges", "char_span", "text_without_links"]


@dataclass(frozen=True)
class Match:
    """A candidate mention: doc-text character range, entity key, which rule, confidence."""

    start: int
    end: int
    key: str
    extractor: str
    confidence: float


_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\s*/?>")
# A URL or address never takes in the brackets around it: in a Markdown link
# "[Centre for Future Generations](https://…)" the link text is a name, only the target is blanked.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s()\[\]<>]+|[^\s()\[\]<>]+@[^\s()\[\]<>]+\.\w+"
    r"|[^\s()\[\]<>]+\.(?:org|com|net|edu|gov|int|eu|uk)/[^\s()\[\]<>]*"
)
# Every URL or e-mail address holds one of these.
_URL_HINT = re.compile(r"[@/]|www\.")
_SPACE_CHAR = re.compile(r"\s")


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with the given ranges replaced by spaces (offsets unchanged)."""
    chars = list(text)
    for a, b in ranges:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


_WITHOUT_LINKS_KEY = ("govmap", "text_without_links")


def text_without_links(doc: Doc) -> str:
    """The doc's text with URLs, e-mail addresses and markup tags blanked (offsets unchanged):
    names inside them are not mentions.  Worked out once per Doc, for both rulers: the URL
    pattern costs a pass over the whole text."""
    text = doc.user_data.get(_WITHOUT_LINKS_KEY)
    if text is None:
        raw = doc_text(doc)
        links = _url_ranges(raw) + [(m.start(), m.end()) for m in _MARKUP.finditer(raw)]
        text = doc.user_data[_WITHOUT_LINKS_KEY] = _blank(raw, links) if links else raw
    return text


def _url_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `_URL` match in `text`, in order.  A match never spans whitespace,
    so only the whitespace-free runs holding a hint are searched: `_URL`'s opening "\\S+" makes
    a scan of the whole text try every run once per character."""
    out: list[tuple[int, int]] = []
    run_end = 0
    for hint in _URL_HINT.finditer(text):
        if hint.start() < run_end:
            continue  # a run already searched
        run_start = hint.start()
        while run_start > run_end and not text[run_start - 1].isspace():
            run_start -= 1
        space = _SPACE_CHAR.search(text, hint.end())
        run_end = space.start() if space else len(text)
        out.extend((m.start(), m.end()) for m in _URL.finditer(text, run_start, run_end))
    return out


def char_span(doc: Doc, m: Match, label: str, text: str) -> Span | None:
    """The tokens of a match: contracted to whole tokens unless that loses letters of the name
    (tokens glued to markup or footnote numbers, "AI</u"), then expanded.  `text` is the doc's text
    (`doc_text`), passed in to keep the call cheap."""
    wanted = sum(ch.isalnum() for ch in text[m.start : m.end])
    span = doc.char_span(m.start, m.end, label=label, kb_id=m.key, alignment_mode="contract")
    if span is None or sum(ch.isalnum() for ch in span.text) < wanted:
        span = doc.char_span(m.start, m.end, label=label, kb_id=m.key, alignment_mode="expand")
    return span


class Ranges:
    """Character ranges already claimed (mentions, spans), tested for overlap or cover without a
    pass over all of them: kept sorted, a range ending after `s` starts after `s` minus the longest."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._ranges = sorted(ranges)
        self._longest = max((b - a for a, b in self._ranges), default=0)

    def add(self, start: int, end: int) -> None:
        bisect.insort(self._ranges, (start, end))
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some range (a, b) has a < end and start < b."""
        lo = bisect.bisect_left(self._ranges, (start - self._longest,))
        hi = bisect.bisect_left(self._ranges, (end,))
        return any(start < b for _, b in self._ranges[lo:hi])

    def covers(self, start: int, end: int) -> bool:
        """Whether some range (a, b) holds [start, end): a <= start and end <= b."""
        lo = bisect.bisect_left(self._ranges, (start - self._longest,))
        hi = bisect.bisect_right(self._ranges, (start, float("inf")))
        return any(end <= b for _, b in self._ranges[lo:hi])
