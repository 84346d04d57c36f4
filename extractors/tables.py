"""`govmap_rating_tables` and `govmap_collaboration_tables`: records read from a document's tables.

Rating matrices — options rated against criteria ("Strong"/"Mixed"/"Weak", "High"/"Low", 1–5) or
presence matrices ("x"/"✓" or blank) — give one `Rating` per (subject, criterion) cell:

* orientation: an empty first header cell means the rows are the subjects and the columns the
  criteria; a first header cell naming what the rows are ("Instrument", "Criterion", "Feature")
  means the column headers are the subjects and the rows the criteria — unless it names a kind
  of subject ("Host", "Option", "Organisation", "Proposal"), then the rows are the subjects;
* the scale is detected from the set of values (`extractors.scales.detect_scale`); a value off
  the scale keeps its text with score None;
* rationales printed elsewhere (an appendix section per subject) are attached
  (`extractors.table_rationales`).

Collaboration tables — a column of actors ("Actors", "Partners", "Parties"; cells such as
"US <> Singapore", "A – B", "A and B") and a column of types, continuation rows adding types —
give one `Collaboration` per actor group, its types mapped by `extractors.collab_types`.

Each component is ``find`` (a pure function of the parsed `Document` and a linker) then
``set_annotations`` (appends to the doc's list, keeping other components' items).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from extractors import extensions  # noqa: F401  (registers the extension attributes)
from extractors.collab_types import map_collaboration_type, split_raw_types
from extractors.grounding import MentionGrounder
from extractors.linking import Linker
from extractors.records import Collaboration, Rating
from extractors.scales import DEFAULT_MIN_SCALE_SHARE, PRESENCE, Scale, detect_scale
from extractors.table_grid import find_header_row, header_cells, logical_rows, row_evidence, table_id_of
from extractors.table_rationales import find_rationales
from sources.model import Document, Table

__all__ = [
    "RATING_EXTRACTOR",
    "PRESENCE_EXTRACTOR",
    "COLLABORATION_EXTRACTOR",
    "DEFAULT_SUBJECT_HEADERS",
    "DEFAULT_COLLABORATION_CONFIDENCE",
    "DEFAULT_AISI_MIN_MENTIONS",
    "Matrix",
    "read_matrix",
    "find_ratings",
    "find_table_collaborations",
    "is_collaboration_table",
    "split_actors",
    "RatingTables",
    "CollaborationTables",
]

log = logging.getLogger(__name__)

RATING_EXTRACTOR = "table:rating"
PRESENCE_EXTRACTOR = "table:presence"
COLLABORATION_EXTRACTOR = "table:collaboration"
# A first header cell with one of these words says the rows are the rated subjects.
DEFAULT_SUBJECT_HEADERS: tuple[str, ...] = (
    "host", "option", "candidate", "organisation", "organization", "institution", "body", "proposal",
    "country", "actor", "subject", "entity", "approach", "alternative", "forum", "model",
)
# A table lists collaborations that exist; the grid leaves little room for misreading.
DEFAULT_COLLABORATION_CONFIDENCE = 0.95
# How often a document must name AI safety institutes before bare country names in its
# collaboration tables are read as those countries' institutes.
DEFAULT_AISI_MIN_MENTIONS = 3
AISI_KIND = "ai_safety_institute"

_AISI = re.compile(r"\bAISIs?\b|\bA[Il]\s+Safety\s+Institutes?\b|\bA[Il]\s+Security\s+Institutes?\b|\bSafety\s+Institutes\b")
_ACTOR_HEADER = re.compile(
    r"\b(?:actors?|partners?|parties|party|participants?|collaborators?|countries|institutions?|organi[sz]ations?|entities|stakeholders|between)\b",
    re.I,
)
_TYPE_HEADER = re.compile(r"\b(?:types?|kinds?|nature|areas?|forms?|focus|collaborations?|cooperation|co-operation|activit(?:y|ies)|modes?)\b", re.I)
# "US <> Singapore", "UK ↔ US", "A – B", "A vs B": separators that only ever join actors.
_STRONG_SEPARATOR = re.compile(r"\s*(?:<\s*-*\s*>|<->|↔|⟷|⇔|⇄|[–—]|\s-\s|\s+vs\.?\s+|\s+x\s+)\s*")
# "A and B", "A, B and C", "A & B", "A / B": separators that also occur inside names
# ("Organisation for Economic Co-operation and Development"), tried only when every part links.
# Marks that can only mean "these two work together" in a first column.
_PAIR_MARK = re.compile(r"<\s*-*\s*>|↔|⟷|⇔|⇄")
_WEAK_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s*/\s*)\s*")
_OCR_AL = re.compile(r"(?<=[a-z])Al\b|\bAl\b")


# ---------------------------------------------------------------------------------------------
# Rating matrices


@dataclass(frozen=True)
class Matrix:
    """A rating or presence matrix read from a table: cells as (subject, criterion, printed, page)."""

    table_id: str
    scale: Scale
    subjects: tuple[str, ...]
    criteria: tuple[str, ...]
    cells: tuple[tuple[str, str, str, int], ...]


def _rows_are_subjects(corner: str, subject_headers: Sequence[str]) -> bool:
    if not corner:
        return True
    words = {w.rstrip("s") for w in re.findall(r"[a-z]+", corner.lower())}
    return any(h.rstrip("s") in words for h in subject_headers)


def read_matrix(table: Table, *, subject_headers: Sequence[str] = DEFAULT_SUBJECT_HEADERS, min_scale_share: float = DEFAULT_MIN_SCALE_SHARE) -> Matrix | None:
    """The table as a rating or presence matrix, or None when it is not one.

    A matrix has a header row, at least one value column, and body values on one scale
    (`detect_scale`); collaboration tables are never matrices.  Blank cells are kept only in
    presence matrices (blank = absent); cells merged away (None) are skipped.
    """
    grid = table.grid
    header_i = find_header_row(grid)
    if header_i is None or is_collaboration_table(table):
        return None
    header = header_cells(grid[header_i])
    rows = [r for r in logical_rows(table, header_i) if r.first]
    columns = [j for j in range(1, len(header)) if header[j]]
    if not rows or not columns:
        return None
    values = [r.text(j) if r.has_cell(j) else None for r in rows for j in columns]
    scale = detect_scale(values, min_share=min_scale_share)
    if scale is None:
        return None
    # Numbers under a numeric "header" are the page numbers of a contents list, not ratings.
    if scale.low is not None and all(re.fullmatch(r"[\d.,\s]+", header[j]) for j in columns):
        return None
    by_rows = _rows_are_subjects(header[0], subject_headers)
    cells: list[tuple[str, str, str, int]] = []
    for row in rows:
        for j in columns:
            if not row.has_cell(j):
                continue
            printed = row.text(j)
            if scale is PRESENCE:
                printed = PRESENCE.canonical(printed)
                if printed is None:  # text that is neither a mark nor blank in a presence matrix
                    continue
            elif not printed:
                continue
            subject, criterion = (row.first, header[j]) if by_rows else (header[j], row.first)
            cells.append((subject, criterion, printed, row.page))
    row_labels = tuple(dict.fromkeys(r.first for r in rows))
    col_labels = tuple(dict.fromkeys(header[j] for j in columns))
    return Matrix(
        table_id=table_id_of(table),
        scale=scale,
        subjects=row_labels if by_rows else col_labels,
        criteria=col_labels if by_rows else row_labels,
        cells=tuple(cells),
    )


def find_ratings(
    document: Document,
    *,
    linker: Linker | None = None,
    subject_headers: Sequence[str] = DEFAULT_SUBJECT_HEADERS,
    min_scale_share: float = DEFAULT_MIN_SCALE_SHARE,
    find_rationale: bool = True,
) -> list[Rating]:
    """Every (subject, criterion) rating in the document's rating and presence matrices.

    linker: turns institution subjects into keys (`subject_key`; None when absent or unlinked).
    find_rationale: look for each ordinal rating's reasons elsewhere in the document.
    """
    out: list[Rating] = []
    seen_ids: dict[str, int] = {}
    for table in document.tables:
        matrix = read_matrix(table, subject_headers=subject_headers, min_scale_share=min_scale_share)
        if matrix is None:
            continue
        table_id = matrix.table_id
        # Two tables with one caption (rare; a caption the parser repeated) still get distinct ids.
        seen_ids[table_id] = seen_ids.get(table_id, 0) + 1
        if seen_ids[table_id] > 1:
            table_id = f"{table_id}-{seen_ids[table_id]}"
        keys = {s: (linker.link(s) if linker is not None else None) for s in matrix.subjects}
        rationales = {}
        if find_rationale and matrix.scale is not PRESENCE:
            rationales = find_rationales(
                document,
                subjects=matrix.subjects,
                criteria=matrix.criteria,
                ratings={(s, c): r for s, c, r, _ in matrix.cells},
                scale=matrix.scale,
                linker=linker,
            )
        extractor = PRESENCE_EXTRACTOR if matrix.scale is PRESENCE else RATING_EXTRACTOR
        for subject, criterion, printed, page in matrix.cells:
            rationale = rationales.get((subject, criterion))
            out.append(
                Rating(
                    doc_id=document.doc_id,
                    subject=subject,
                    subject_key=keys.get(subject),
                    criterion=criterion,
                    rating=printed,
                    score=matrix.scale.score(printed),
                    scale=matrix.scale.name,
                    rationale=rationale.text if rationale else None,
                    table_id=table_id,
                    page=page,
                    extractor=extractor,
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# Collaboration tables


def _collaboration_columns(table: Table) -> tuple[int, int, int | None] | None:
    """(header row or -1, actor column, type column) of a collaboration table, or None."""
    grid = table.grid
    header_i = find_header_row(grid)
    if header_i is not None:
        header = header_cells(grid[header_i])
        actor = next((j for j, h in enumerate(header) if _ACTOR_HEADER.search(h)), None)
        if actor is not None:
            kind = next((j for j, h in enumerate(header) if j != actor and _TYPE_HEADER.search(h)), None)
            if kind is not None or len(header) == 1:
                return header_i, actor, kind
    # No telling header: a first column of "A <> B" cells still says what the table is.
    firsts = [c for c in (r[0] for r in grid if r) if c and c.strip()]
    paired = [c for c in firsts if _PAIR_MARK.search(c)]
    if firsts and len(paired) >= max(2, 0.6 * len(firsts)):
        start = header_i if header_i is not None and not _PAIR_MARK.search(grid[header_i][0] or "") else -1
        return start, 0, 1 if max(len(r) for r in grid) > 1 else None
    return None


def is_collaboration_table(table: Table) -> bool:
    """True when the table lists collaborations: an actors column (by header or by "A <> B" cells)."""
    return _collaboration_columns(table) is not None


def split_actors(cell: str, link: Callable[[str], str | None]) -> list[tuple[str, str]] | None:
    """(surface, key) of each actor named in an actors cell, or None when one cannot be linked.

    "US <> Singapore", "UK – US", "A and B", "A, B and C".  Weak separators ("and", ",", "&", "/")
    also occur inside names, so they split only when every part links and the whole does not.
    """
    text = " ".join(cell.split())
    strong = [p for p in _STRONG_SEPARATOR.split(text) if p.strip()]
    if len(strong) >= 2:
        parts = strong
    else:
        weak = [p for p in _WEAK_SEPARATOR.split(text) if p.strip()]
        if len(weak) < 2 or link(text) is not None:
            parts = [text]
        else:
            parts = weak
    out: list[tuple[str, str]] = []
    for part in parts:
        key = link(part.strip())
        if key is None:
            log.debug("collaboration table: cannot link actor %r in %r; pair skipped", part, cell)
            return None
        out.append((part.strip(), key))
    return out


def _surface_variants(surface: str) -> list[str]:
    """The surface, then repairs of table artefacts: OCR "Al" for "AI", a name broken by a space
    ("Open AI", "Deep Mind"), a leading "the"."""
    variants = [surface]
    repaired = _OCR_AL.sub("AI", surface)
    variants.append(repaired)
    words = repaired.split()
    if 2 <= len(words) <= 3:
        variants.append("".join(words))
    variants.append(re.sub(r"^the\s+", "", repaired, flags=re.I))
    return list(dict.fromkeys(v for v in variants if v))


def _party_linker(linker: Linker, kind_hint: str | None) -> Callable[[str], str | None]:
    def link(surface: str) -> str | None:
        for variant in _surface_variants(surface):
            for hint in (kind_hint, None) if kind_hint else (None,):
                key = linker.link(variant, kind_hint=hint)
                if key is not None:
                    return key
        return None

    return link


def _aisi_context(document: Document, table: Table, min_mentions: int) -> bool:
    """Whether bare country names in this table mean those countries' AI safety institutes: the
    caption or header says so, or the document is about AISIs (named `min_mentions` times)."""
    near = " ".join(filter(None, [table.title or "", *(c or "" for c in (table.grid[0] if table.rows else []))]))
    if _AISI.search(near):
        return True
    count = 0
    for page in document.pages:
        count += len(_AISI.findall(page.text))
        if count >= min_mentions:
            return True
    return False


def find_table_collaborations(
    document: Document,
    *,
    linker: Linker | None,
    kind_hint: str | None = None,
    aisi_min_mentions: int = DEFAULT_AISI_MIN_MENTIONS,
    confidence: float = DEFAULT_COLLABORATION_CONFIDENCE,
) -> list[Collaboration]:
    """One Collaboration per actor group in the document's collaboration tables.

    linker: resolves actors; without one nothing can be linked and nothing is found.
    kind_hint: the institution kind bare names stand for; None decides per table (AI safety
    institutes when the table or document is about them).  Groups with an actor that cannot be
    linked are skipped (logged at debug); a group listed twice in one table is merged.
    """
    if linker is None:
        return []
    out: list[Collaboration] = []
    for table in document.tables:
        columns = _collaboration_columns(table)
        if columns is None:
            continue
        header_i, actor_j, type_j = columns
        hint = kind_hint or (AISI_KIND if _aisi_context(document, table, aisi_min_mentions) else None)
        link = _party_linker(linker, hint)
        merged: dict[tuple[str, ...], list] = {}
        for row in logical_rows(table, header_i if header_i >= 0 else None):
            actors = row.first if actor_j == 0 else row.text(actor_j)
            if not actors:
                continue
            parties = split_actors(actors, link)
            if parties is None:
                continue
            keys = tuple(sorted({k for _, k in parties}))
            if len(keys) < 2:
                log.debug("collaboration table %s: %r names fewer than two bodies; skipped", table_id_of(table), actors)
                continue
            raw_types = [t for line in (row.lines(type_j) if type_j is not None else ()) for t in split_raw_types(line)]
            entry = merged.setdefault(keys, [[], [], [], row.page, [s for s, _ in parties]])
            entry[0].extend(t for t in raw_types if t not in entry[0])
            entry[1].extend(map_collaboration_type(t) for t in raw_types)
            entry[2].append(row_evidence(row))
        for keys, (raw_types, mapped, evidence, page, surfaces) in merged.items():
            types = tuple(sorted({t for ts in mapped for t in ts})) or ("general_partnership",)
            by_key = dict(zip((link(s) for s in surfaces), surfaces))
            out.append(
                Collaboration(
                    doc_id=document.doc_id,
                    parties=keys,
                    types=types,
                    raw_types=tuple(raw_types),
                    status="existing",
                    page=page,
                    evidence=" | ".join(evidence),
                    extractor=COLLABORATION_EXTRACTOR,
                    confidence=confidence,
                    party_surfaces=tuple(by_key.get(k, "") for k in keys),
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# Components


def _linker_of(doc: Doc) -> Linker:
    """The linker the institution ruler set, or the packaged knowledge base when it did not run."""
    if doc._.govmap_linker is not None:
        return doc._.govmap_linker
    from extractors.kb import load_kb  # the KB costs a file read; only when no ruler ran

    log.debug("no govmap_linker on the doc; linking table names with the packaged knowledge base")
    return load_kb()


@Language.factory(
    "govmap_rating_tables",
    default_config={
        "subject_headers": list(DEFAULT_SUBJECT_HEADERS),
        "min_scale_share": DEFAULT_MIN_SCALE_SHARE,
        "find_rationale": True,
    },
    assigns=["doc._.govmap_ratings"],
    requires=["doc._.govmap_linker"],  # govmap_document is set by make_doc, not a component
)
def make_rating_tables(nlp: Language, name: str, subject_headers: list[str], min_scale_share: float, find_rationale: bool) -> "RatingTables":
    return RatingTables(subject_headers=subject_headers, min_scale_share=min_scale_share, find_rationale=find_rationale)


class RatingTables:
    """Finds ratings in the document's matrices, then appends them to ``doc._.govmap_ratings``.

    subject_headers: first-header-cell words saying the rows are the subjects (default
    `DEFAULT_SUBJECT_HEADERS`).  min_scale_share: share of cells that must be on one scale
    (default 0.6).  find_rationale: attach reasons printed elsewhere (default True).
    """

    def __init__(self, *, subject_headers: Iterable[str] = DEFAULT_SUBJECT_HEADERS, min_scale_share: float = DEFAULT_MIN_SCALE_SHARE, find_rationale: bool = True) -> None:
        if not 0.0 < min_scale_share <= 1.0:
            raise ValueError(f"min_scale_share must be in (0, 1], got {min_scale_share}")
        self.subject_headers = tuple(subject_headers)
        self.min_scale_share = min_scale_share
        self.find_rationale = find_rationale

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.find(doc))
        return doc

    def find(self, doc: Doc) -> list[Rating]:
        document: Document | None = doc._.govmap_document
        if document is None:
            return []
        return find_ratings(
            document,
            linker=_linker_of(doc),
            subject_headers=self.subject_headers,
            min_scale_share=self.min_scale_share,
            find_rationale=self.find_rationale,
        )

    @staticmethod
    def set_annotations(doc: Doc, ratings: list[Rating]) -> None:
        """Append to the doc's ratings, keeping what other components put there, and mark each
        institution subject as a mention where the table prints it."""
        if doc._.govmap_ratings is None:
            doc._.govmap_ratings = []
        doc._.govmap_ratings.extend(ratings)
        seen = set()
        grounder = MentionGrounder(doc)
        for r in ratings:
            if r.subject_key and (r.page, r.subject) not in seen:
                seen.add((r.page, r.subject))
                grounder.ground(r.page, r.subject, r.subject_key, anchor=r.subject, extractor=TABLE_CELL_EXTRACTOR)
        grounder.close()


@Language.factory(
    "govmap_collaboration_tables",
    default_config={
        "kind_hint": None,
        "aisi_min_mentions": DEFAULT_AISI_MIN_MENTIONS,
        "confidence": DEFAULT_COLLABORATION_CONFIDENCE,
    },
    assigns=["doc._.govmap_collaborations"],
    requires=["doc._.govmap_linker"],  # govmap_document is set by make_doc, not a component
)
def make_collaboration_tables(nlp: Language, name: str, kind_hint: str | None, aisi_min_mentions: int, confidence: float) -> "CollaborationTables":
    return CollaborationTables(kind_hint=kind_hint, aisi_min_mentions=aisi_min_mentions, confidence=confidence)


class CollaborationTables:
    """Finds collaborations in the document's collaboration tables, then appends them to
    ``doc._.govmap_collaborations``.

    kind_hint: institution kind bare actor names stand for (default None: decided per table).
    aisi_min_mentions: AISI mentions that make a document about AI safety institutes (default 3).
    confidence: confidence of each record (default 0.95).
    """

    def __init__(self, *, kind_hint: str | None = None, aisi_min_mentions: int = DEFAULT_AISI_MIN_MENTIONS, confidence: float = DEFAULT_COLLABORATION_CONFIDENCE) -> None:
        if not 0.0 <= confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {confidence}")
        if aisi_min_mentions < 0:
            raise ValueError(f"aisi_min_mentions must be ≥ 0, got {aisi_min_mentions}")
        self.kind_hint = kind_hint
        self.aisi_min_mentions = aisi_min_mentions
        self.confidence = confidence

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.find(doc))
        return doc

    def find(self, doc: Doc) -> list[Collaboration]:
        document: Document | None = doc._.govmap_document
        if document is None:
            return []
        return find_table_collaborations(
            document,
            linker=_linker_of(doc),
            kind_hint=self.kind_hint,
            aisi_min_mentions=self.aisi_min_mentions,
            confidence=self.confidence,
        )

    @staticmethod
    def set_annotations(doc: Doc, collaborations: list[Collaboration]) -> None:
        """Append to the doc's collaborations, keeping what other components put there."""
        if doc._.govmap_collaborations is None:
            doc._.govmap_collaborations = []
        doc._.govmap_collaborations.extend(collaborations)
        grounder = MentionGrounder(doc)
        for c in collaborations:
            actors = c.evidence.split(" | ", 1)[0]
            for key, surface in zip(c.parties, c.party_surfaces):
                if surface:
                    grounder.ground(c.page, surface, key, anchor=actors, extractor=TABLE_CELL_EXTRACTOR)
        grounder.close()


TABLE_CELL_EXTRACTOR = "table:cell"

