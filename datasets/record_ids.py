"""Record ids that survive unrelated changes, so a reviewer's decision keeps finding its record.

An id hashes what identifies the statement in its document and nothing about the rest of the
run: the document's content id, the page, where or what it states (offsets of a mention, the
normalised evidence words and party names of a collaboration, the table cell of a rating).  So
adding another document, a new pipeline version that finds the same statement, or a reviewer's
merge of two institutions leaves every id as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["stable_id", "normalised_words", "mention_id", "collaboration_id", "rating_id", "added_id"]


def stable_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def normalised_words(text: str) -> str:
    """`text` case-folded with its whitespace collapsed: a line break moved by a parser, or a
    capital changed, is the same statement."""
    return " ".join(text.casefold().split())


def mention_id(doc_id: str, entity_type: str, page: int, char_start: int, char_end: int) -> str:
    return stable_id(doc_id, entity_type, page, char_start, char_end)


def collaboration_id(doc_id: str, page: int, evidence: str, parties: Iterable[str]) -> str:
    """`parties` as the document names them (surfaces, or extraction keys where no surface is
    known), never the resolved institution ids: those change with a merge or another document."""
    return stable_id(
        "collaboration", doc_id, page, normalised_words(evidence), sorted({normalised_words(p) for p in parties})
    )


def rating_id(doc_id: str, table_id: str, subject: str, criterion: str) -> str:
    return stable_id(doc_id, table_id, subject, criterion)


def added_id(table: str, doc_id: str, page: int, evidence: str, what: Iterable[str]) -> str:
    """Id of a record a reviewer added: its own namespace, so it never equals a machine id."""
    return stable_id("added", table, doc_id, page, normalised_words(evidence), sorted(what))
