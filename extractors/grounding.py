"""Ground a linked name as a mention where the document prints it.

Tables and some prose rules name bodies in ways the rulers cannot read on their own (a bare
"US" in a collaboration table stands for the US AI Safety Institute; "the UK and Japan" for
their governments).  Marking those words as mentions keeps every published collaboration
party and rating subject backed by evidence in `mentions`.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from govmap.extractors.extensions import INSTITUTIONS, doc_text

__all__ = ["MentionGrounder", "DEFAULT_GROUNDED_CONFIDENCE"]

DEFAULT_GROUNDED_CONFIDENCE = 0.9


class MentionGrounder:
    """Grounds a run of names in one document: its mentions are read once and written back
    once, by `close` (each read or write copies every span, and a table grounds a name per row)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._group: list[Span] | None = None  # the mentions, read when first needed
        self._added = False

    def ground(
        self,
        page: int,
        surface: str,
        key: str,
        *,
        anchor: str | None,
        extractor: str,
        confidence: float = DEFAULT_GROUNDED_CONFIDENCE,
    ) -> bool:
        """Mark `surface` on `page` as an institution mention of `key`; the span is written by `close`.

        `anchor` (e.g. the whole actor cell, "A <> B") narrows the search to where the record
        was found, so an earlier, unrelated use of the same word is not taken; None searches
        the whole page.  Nothing is added when a ruler already marked the words or the text is
        not on the page.  Returns whether a span was added.
        """
        doc = self.doc
        starts = doc._.govmap_page_starts
        if not 1 <= page <= len(starts):
            return False
        page_start = starts[page - 1]
        full = doc_text(doc)
        page_end = starts[page] if page < len(starts) else len(full)
        text = full[page_start:page_end]
        lo, hi = 0, len(text)
        if anchor is not None:
            lo = text.find(anchor)
            if lo < 0:
                return False
            hi = lo + len(anchor)
        for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text[lo:hi]):
            start = page_start + lo + m.start()
            span = doc.char_span(start, start + len(surface), label="institution", kb_id=key)
            if span is None:
                continue
            group = self._mentions()
            overlapping = [s for s in group if s.start < span.end and span.start < s.end]
            if overlapping:
                if any(s.kb_id_ == key for s in overlapping):
                    return False  # already a mention of this body
                continue
            span._.govmap_extractor = extractor
            span._.govmap_confidence = confidence
            group.append(span)
            self._added = True
            return True
        return False

    def close(self) -> None:
        """Write the grounded spans to the document's mentions."""
        if self._added:
            self.doc.spans[INSTITUTIONS] = self._group
            self._added = False

    def _mentions(self) -> list[Span]:
        if self._group is None:
            doc = self.doc
            self._group = list(doc.spans[INSTITUTIONS]) if INSTITUTIONS in doc.spans else []
        return self._group
