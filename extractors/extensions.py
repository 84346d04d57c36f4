"""govmap's spaCy extension attributes, registered once at import time.

Components communicate through these and through two span groups:
``doc.spans["govmap_institutions"]`` and ``doc.spans["govmap_instruments"]``, whose spans carry the
entity key in ``span.kb_id_`` and the entity type in ``span.label_``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from spacy.tokens import Doc, Span

__all__ = [
    "INSTITUTIONS",
    "INSTRUMENTS",
    "PAGE_SEPARATOR",
    "add_records",
    "doc_text",
    "page_at",
    "page_of",
    "register",
    "remember_text",
]

INSTITUTIONS = "govmap_institutions"
INSTRUMENTS = "govmap_instruments"
# Pages are joined with a blank line so no sentence or span runs across a page break.
PAGE_SEPARATOR = "\n\n"


_TEXT_KEY = ("govmap", "text")


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per Doc: spaCy rebuilds it from every token on each access, which
    costs a pass over the whole document each time a component reads it.  Tokens never change
    the text they cover, so the first copy stays right."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def remember_text(doc: Doc, text: str) -> None:
    """Give `doc_text` the text the Doc was tokenised from (the tokens rebuild exactly it)."""
    doc.user_data[_TEXT_KEY] = text


def add_records(doc: Doc, attr: str, records: Iterable) -> None:
    """Append `records` to the list extension `attr` ("govmap_ratings", "govmap_discoveries"),
    keeping what earlier components put there."""
    if getattr(doc._, attr) is None:
        setattr(doc._, attr, [])
    getattr(doc._, attr).extend(records)


def page_of(doc: Doc, char: int) -> tuple[int, int]:
    """(1-based page, offset within that page) of a character offset into the doc text."""
    return page_at(doc._.govmap_page_starts, char)


def page_at(starts: tuple[int, ...], char: int) -> tuple[int, int]:
    """`page_of` from the doc's page starts, for a caller looking up many offsets: each read of
    ``doc._`` builds an object."""
    i = bisect.bisect_right(starts, char) - 1
    return i + 1, char - starts[i]


def _span_page(span: Span) -> int:
    return page_of(span.doc, span.start_char)[0]


def register() -> None:
    """Register every extension (idempotent: spaCy keeps them process-wide)."""
    doc_attrs = {
        "govmap_document": None,  # the sources.Document the Doc was made from
        "govmap_page_starts": (0,),  # doc-text offset where each page starts
        "govmap_linker": None,  # govmap.extractors.linking.Linker set by the institution ruler
        "govmap_collaborations": None,  # list[Collaboration]
        "govmap_ratings": None,  # list[Rating]
        "govmap_discoveries": None,  # list[Discovery]
        "govmap_metadata": None,  # DocMetadata
    }
    for name, default in doc_attrs.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    span_attrs = {"govmap_extractor": "", "govmap_confidence": 1.0}
    for name, default in span_attrs.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    if not Span.has_extension("govmap_page"):
        Span.set_extension("govmap_page", getter=_span_page)


register()
