"""Frozen records that extraction produces for one document, before cross-document resolution.

Entities are referred to by *keys* until `govmap.extractors.resolve` turns them into the contract's ids:
a knowledge-base id as it stands in the KB (``"uk-aisi"``), or a discovered key
``"new:<slug>"`` made by `discovered_key` from a name or acronym the document defines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govmap.text import slugify

__all__ = [
    "Mention",
    "Collaboration",
    "Rating",
    "Discovery",
    "DocMetadata",
    "Extraction",
    "discovered_key",
    "is_discovered",
]


def discovered_key(name: str) -> str:
    """Key of an entity the knowledge base does not know, from its name or acronym."""
    return "new:" + slugify(name)


def is_discovered(key: str) -> bool:
    return key.startswith("new:")


@dataclass(frozen=True)
class Mention:
    """A span of a page's normalised text that names an institution or instrument."""

    doc_id: str
    entity_type: str  # "institution" | "instrument"
    key: str
    surface: str
    page: int
    char_start: int
    char_end: int
    sentence: str
    extractor: str
    confidence: float


@dataclass(frozen=True)
class Collaboration:
    """A collaboration a document states; ``parties`` are entity keys, two or more, distinct."""

    doc_id: str
    parties: tuple[str, ...]
    types: tuple[str, ...]
    raw_types: tuple[str, ...]
    status: str
    page: int
    evidence: str
    extractor: str
    confidence: float
    party_surfaces: tuple[str, ...] = ()  # as printed, same order as parties


@dataclass(frozen=True)
class Rating:
    """One (subject, criterion) cell of a rating or presence matrix."""

    doc_id: str
    subject: str
    subject_key: str | None
    criterion: str
    rating: str
    score: float | None
    scale: str
    rationale: str | None
    table_id: str
    page: int
    extractor: str


@dataclass(frozen=True)
class Discovery:
    """An entity a document defines or names that may be missing from the knowledge base.

    Institutions: from acronym definitions, organisation-name patterns, affiliations.
    Instruments: from a document's own table or list of instruments with descriptions.
    """

    entity_type: str  # "institution" | "instrument"
    key: str
    name: str
    acronym: str | None = None
    kind: str | None = None  # institution kind or instrument category
    description: str | None = None
    aliases: tuple[str, ...] = ()
    country: str | None = None
    extractor: str = ""


@dataclass(frozen=True)
class DocMetadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    published: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD


@dataclass(frozen=True)
class Extraction:
    """Everything extraction found in one document."""

    doc_id: str
    metadata: DocMetadata = field(default_factory=DocMetadata)
    mentions: tuple[Mention, ...] = ()
    collaborations: tuple[Collaboration, ...] = ()
    ratings: tuple[Rating, ...] = ()
    discoveries: tuple[Discovery, ...] = ()
