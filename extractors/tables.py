"""`govmap_rating_tables` and `govmap_collaboration_tables`: records read from a document's tables.

Rating matrices — options rated against criteria ("Strong"/"Mixed"/"Weak", "High"/"Low", 1–5) or
presence matrices ("x"/"✓" or blank) — give one `Rating` per (subject, criterion) cell:

* orientation: an empty first header cell means the rows are the subjects and the columns the
  criteria; a first header cell naming what the rows are ("Instrument", "Criterion", "Feature")
  means the column headers are the subjects and the rows the criteria — unless it names a kind
  of subject ("Host", "Option", "Organisation", "Proposal"), then the rows are the subjects;
* the scale is detected from the set of values (`govmap.extractors.scales.detect_scale`); a value off
  the scale keeps its text with score None;
* rationales printed elsewhere (an appendix section per subject) are attached
  (`govmap.extractors.table_rationales`).

Collaboration tables — a column of actors ("Actors", "Partners", "Parties"; cells such as
"US <> Singapore", "A – B", "A and B") and a column of types, continuation rows adding types —
give one `Collaboration` per actor group, its types mapped by `govmap.extractors.collab_types`.

Each component is ``find`` (a pure function of the parsed `Document` and a linker) then
``set_annotations`` (appends to the doc's list, keeping other components' items).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from govmap.extractors import extensions  # noqa: F401  (registers the extension attributes)
from govmap.extractors.extensions import add_records
from govmap.extractors.collab_types import map_collaboration_type, split_raw_types
from govmap.extractors.grounding import MentionGrounder
from govmap.extractors.linking import Linker
from govmap.extractors.records import Collaboration, Rating
from govmap.extractors.scales import (
    DEFAULT_MIN_SCALE_SHARE,
    NOT_APPLICABLE,
    PRESENCE,
    Scale,
    detect_line_scale,
    detect_scale,
    is_number,
    normalize_rating,
    read_judgement,
)
from govmap.extractors.table_grid import (
    LogicalRow,
    find_header_row,
    header_cells,
    logical_rows,
    row_evidence,
    table_id_of,
)
from govmap.extractors.table_rationales import find_rationales
from govmap.sources.misread_ai import AI_PRINTED, repair_name
from govmap.sources.model import Document, Table

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
    "host",
    "option",
    "candidate",
    "organisation",
    "organization",
    "institution",
    "body",
    "proposal",
    "country",
    "actor",
    "subject",
    "entity",
    "approach",
    "alternative",
    "forum",
    "model",
)
# A table lists collaborations that exist; the grid leaves little room for misreading.
DEFAULT_COLLABORATION_CONFIDENCE = 0.95
# How often a document must name AI safety institutes before bare country names in its
# collaboration tables are read as those countries' institutes.
DEFAULT_AISI_MIN_MENTIONS = 3
AISI_KIND = "ai_safety_institute"

_AISI = re.compile(
    rf"\bAISIs?\b|\b{AI_PRINTED}\s+Safety\s+Institutes?\b|\b{AI_PRINTED}\s+Security\s+Institutes?\b|\bSafety\s+Institutes\b"
)
_ACTOR_HEADER = re.compile(
    r"\b(?:actors?|partners?|parties|party|participants?|collaborators?|countries|institutions?|organi[sz]ations?|entities|stakeholders|between)\b",
    re.I,
)
_TYPE_HEADER = re.compile(
    r"\b(?:types?|kinds?|nature|areas?|forms?|focus|collaborations?|cooperation|co-operation|activit(?:y|ies)|modes?)\b",
    re.I,
)
# "US <> Singapore", "UK ↔ US", "A – B", "A vs B": separators that only ever join actors.
_STRONG_SEPARATOR = re.compile(r"\s*(?:<\s*-*\s*>|<->|↔|⟷|⇔|⇄|[–—]|\s-\s|\s+vs\.?\s+|\s+x\s+)\s*")
# "A and B", "A, B and C", "A & B", "A / B": separators that also occur inside names
# ("Organisation for Economic Co-operation and Development"), tried only when every part links.
# Marks that can only mean "these two work together" in a first column.
_PAIR_MARK = re.compile(r"<\s*-*\s*>|↔|⟷|⇔|⇄")
_WEAK_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s*/\s*)\s*")


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
    # Per cell (same order as `cells`), for matrices whose criteria each have their own scale;
    # empty when every cell is on `scale`.
    cell_scales: tuple[Scale, ...] = ()
    # Reasons printed beside a judgement in the same row ("Evidence", "Rationale" column).
    row_rationales: tuple[tuple[tuple[str, str], str], ...] = ()

    def scale_of(self, i: int) -> Scale:
        return self.cell_scales[i] if self.cell_scales else self.scale

    def score_of(self, i: int) -> float | None:
        """Score of cell i on its scale: a qualifier or a compound ("Low-Medium") allowed on line scales."""
        scale = self.scale_of(i)
        if self.cell_scales and scale.low is None:
            return read_judgement(scale, self.cells[i][2])
        return scale.score(self.cells[i][2])


def _rows_are_subjects(corner: str, subject_headers: Sequence[str]) -> bool:
    if not corner:
        return True
    words = {w.rstrip("s") for w in re.findall(r"[a-z]+", corner.lower())}
    return any(h.rstrip("s") in words for h in subject_headers)


def read_matrix(
    table: Table,
    *,
    subject_headers: Sequence[str] = DEFAULT_SUBJECT_HEADERS,
    min_scale_share: float = DEFAULT_MIN_SCALE_SHARE,
) -> Matrix | None:
    """The table as a rating or presence matrix, or None when it is not one.

    A matrix has a header row, at least one value column, and body values on one scale
    (`detect_scale`); collaboration tables are never matrices.  Blank cells are kept only in
    presence matrices (blank = absent); cells merged away (None) are skipped.
    """
    grid = table.grid
    header_i = find_header_row(grid)
    if header_i is None:
        return None
    header = header_cells(grid[header_i])
    rows = [r for r in logical_rows(table, header_i) if r.first]
    columns = [j for j in range(1, len(header)) if header[j]]
    if not rows or not columns:
        return None
    if is_collaboration_table(table):
        # A table of collaborations may still judge each one in a column of its own ("Binding?"):
        # only such columns are read, never the actors or their types.
        matrix = _read_judgement_lines(
            table, header, rows, subject_headers=subject_headers, min_scale_share=min_scale_share
        )
        return matrix if matrix is not None and _judged_by_column(matrix, header) else None
    values = [r.text(j) if r.has_cell(j) else None for r in rows for j in columns]
    scale = detect_scale(values, min_share=min_scale_share)
    if scale is None:
        return _read_judgement_lines(
            table, header, rows, subject_headers=subject_headers, min_scale_share=min_scale_share
        )
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


# A column that gives the reasons for the one judgement in its row.
_RATIONALE_HEADER = re.compile(
    r"\b(?:rationale|evidence|justification|reasons?|reasoning|explanation|why|basis|comments?|notes?)\b", re.I
)
# A first header cell saying the rows are what the subjects are judged on.
_CRITERION_CORNER = re.compile(
    r"\b(?:dimensions?|criteri(?:on|a)|features?|indicators?|aspects?|factors?|attributes?|characteristics?|"
    r"questions?|metrics?|measures?|categor(?:y|ies)|provisions?|elements?|issues?)\b",
    re.I,
)
# A table whose caption or header says its numbers are scores or an index (a rank alone orders
# anything: staff, budgets).
_SCORING = re.compile(r"scor|rating|index|grade|points|percentile", re.I)


def _numeric_line(values: list[str]) -> Scale | None:
    """A line of numbers (a leading number may carry a note: "60 (from 172)"), on a scale named by
    its range: "0-1", "1-5", "1-10" or "0-100" when every value is inside it, else "numeric"."""
    filled = [v for v in values if normalize_rating(v) and normalize_rating(v) not in NOT_APPLICABLE]
    nums = []
    for v in filled:
        m = re.match(r"^\s*[~≈]?\s*(-?\d+(?:[.,]\d+)*)\s*(?:%|\(.*\))?\s*$", v)
        if m is None:
            return None
        try:
            nums.append(float(m.group(1).replace(",", "")))
        except ValueError:
            return None
    if len(nums) < 2:
        return None
    for low, high in ((0.0, 1.0), (1.0, 5.0), (1.0, 10.0), (0.0, 100.0)):
        if all(low <= n <= high for n in nums):
            return Scale(name=f"{low:g}-{high:g}", low=None, high=None)
    return Scale(name="numeric")


def _on_line(scale: Scale, text: str) -> bool:
    if not text:
        return False
    if scale.low is None and scale.values:
        return read_judgement(scale, text) is not None
    return bool(_LEADING_NUMBER.match(text)) or read_judgement(scale, text) is not None


_LEADING_NUMBER = re.compile(r"^\s*[~≈]?\s*-?\d")


def _subject_column(header: list[str], rows: list[LogicalRow]) -> int:
    """Column 0, unless it holds only numbers (a rank) beside a column of names."""
    firsts = [r.text(0) for r in rows if r.text(0)]
    if firsts and all(is_number(v) for v in firsts) and len(header) > 2:
        seconds = [r.text(1) for r in rows if r.text(1)]
        if seconds and sum(not _LEADING_NUMBER.match(v) for v in seconds) >= 0.8 * len(seconds):
            return 1
    return 0


def _judged_by_column(matrix: Matrix, header: list[str]) -> bool:
    return all(c in header for c in matrix.criteria)


def _read_judgement_lines(
    table: Table, header: list[str], rows: list[LogicalRow], *, subject_headers: Sequence[str], min_scale_share: float
) -> Matrix | None:
    """A comparison table read one criterion at a time: the columns (or rows) whose values are
    judgements (`detect_line_scale`; numbers when the table says they are scores) become criteria,
    the others (free text) are left out.  Orientation follows the lines that hold judgements:
    judged columns mean the rows are the subjects, judged rows that the columns are."""
    scoring = bool(_SCORING.search(" ".join([table.title or "", *header])))
    subject_j = _subject_column(header, rows)
    columns = [j for j in range(len(header)) if j != subject_j and header[j]]
    if not rows or not columns:
        return None

    def line_scale(values: list[str]) -> Scale | None:
        found = detect_line_scale(values, min_share=min_scale_share)
        if found is None and scoring:
            found = _numeric_line(values)
        return found

    by_column = {j: line_scale([r.text(j) for r in rows if r.has_cell(j)]) for j in columns}
    by_column = {j: sc for j, sc in by_column.items() if sc is not None}
    by_row = {}
    if subject_j == 0 and len(columns) >= 2:
        for i, r in enumerate(rows):
            sc = line_scale([r.text(j) for j in columns if r.has_cell(j)])
            if sc is not None:
                by_row[i] = sc
    # Orientation by the judgements each reading finds (free-text cells in a judged line do not count).
    column_cells = sum(sum(1 for r in rows if _on_line(sc, r.text(j))) for j, sc in by_column.items())
    row_cells = sum(sum(1 for j in columns if _on_line(sc, rows[i].text(j))) for i, sc in by_row.items())
    if not column_cells and not row_cells:
        return None
    cells: list[tuple[str, str, str, int]] = []
    scales: list[Scale] = []
    rows_are_subjects = column_cells > row_cells or (
        column_cells == row_cells and not _CRITERION_CORNER.search(header[0] or "")
    )
    if rows_are_subjects:
        for r in rows:
            subject = r.text(subject_j)
            if not subject:
                continue
            for j, sc in by_column.items():
                if r.has_cell(j) and r.text(j):
                    cells.append((subject, header[j], r.text(j), r.page))
                    scales.append(sc)
        subjects = tuple(dict.fromkeys(c[0] for c in cells))
        criteria = tuple(dict.fromkeys(header[j] for j in by_column))
    else:
        for i, sc in by_row.items():
            r = rows[i]
            for j in columns:
                if r.has_cell(j) and r.text(j):
                    cells.append((header[j], r.first, r.text(j), r.page))
                    scales.append(sc)
        subjects = tuple(dict.fromkeys(header[j] for j in columns))
        criteria = tuple(dict.fromkeys(rows[i].first for i in by_row))
    if not cells:
        return None
    names = [sc.name for sc in scales]
    dominant = max(scales, key=lambda sc: names.count(sc.name))
    reasons: list[tuple[tuple[str, str], str]] = []
    reason_j = next((j for j in columns if j not in by_column and _RATIONALE_HEADER.search(header[j])), None)
    if rows_are_subjects and len(by_column) == 1 and reason_j is not None:
        [judged] = by_column
        for r in rows:
            if r.text(subject_j) and r.text(judged) and r.text(reason_j):
                reasons.append(((r.text(subject_j), header[judged]), r.text(reason_j)))
    return Matrix(
        table_id=table_id_of(table),
        scale=dominant,
        subjects=subjects,
        criteria=criteria,
        cells=tuple(cells),
        cell_scales=tuple(scales),
        row_rationales=tuple(reasons),
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
    previous: tuple[Table, str] | None = None  # the last matrix's table (with its header) and id
    for table in document.tables:
        continued = _continuation(previous[0], table) if previous is not None else None
        matrix = read_matrix(continued or table, subject_headers=subject_headers, min_scale_share=min_scale_share)
        if matrix is None:
            previous = None
            continue
        if continued is not None and previous is not None:
            table_id = previous[1]
        else:
            table_id = matrix.table_id
            # Two tables with one caption (rare; a caption the parser repeated) still get distinct ids.
            seen_ids[table_id] = seen_ids.get(table_id, 0) + 1
            if seen_ids[table_id] > 1:
                table_id = f"{table_id}-{seen_ids[table_id]}"
        previous = (continued or table, table_id)
        keys = {s: (linker.link(s) if linker is not None else None) for s in matrix.subjects}
        rationales = {}
        # Reasons are printed for words ("Mixed: ..."), not for a table of numbers.
        numbers_only = bool(matrix.cell_scales) and not matrix.scale.values
        if find_rationale and matrix.scale is not PRESENCE and not numbers_only:
            rationales = find_rationales(
                document,
                subjects=matrix.subjects,
                criteria=matrix.criteria,
                ratings={(s, c): r for s, c, r, _ in matrix.cells},
                scale=matrix.scale,
                linker=linker,
            )
        extractor = PRESENCE_EXTRACTOR if matrix.scale is PRESENCE else RATING_EXTRACTOR
        beside = dict(matrix.row_rationales)
        for i, (subject, criterion, printed, page) in enumerate(matrix.cells):
            rationale = rationales.get((subject, criterion))
            out.append(
                Rating(
                    doc_id=document.doc_id,
                    subject=subject,
                    subject_key=keys.get(subject),
                    criterion=criterion,
                    rating=printed,
                    score=matrix.score_of(i),
                    scale=matrix.scale_of(i).name,
                    rationale=rationale.text if rationale else beside.get((subject, criterion)),
                    table_id=table_id,
                    page=page,
                    extractor=extractor,
                )
            )
    return out


def _continuation(previous: Table, table: Table) -> Table | None:
    """`table` as the rest of `previous` (a matrix split over pages that the parser kept apart),
    with the previous header row put back on top; None when it is a table of its own.

    A continuation starts on the same or the next page, has the same width and no caption, and its
    first row is a body row: numbers where the header has words, as in the rows above it.
    """
    last_page = max(previous.pages or (previous.page,))
    if table.title or not table.rows or table.page not in (last_page, last_page + 1):
        return None
    grid, before = table.grid, previous.grid
    width = len(before[0]) if before else 0
    if len(grid[0]) != width:
        return None
    header_i = find_header_row(before)
    if header_i is None or header_i + 1 >= len(before):
        return None
    header, body, first = before[header_i], before[-1], grid[0]
    kinds = lambda row: [is_number(c) for c in row]  # noqa: E731
    if kinds(first) != kinds(body) or not any(kinds(first)) or kinds(header) == kinds(first):
        return None
    return Table(
        page=table.page,
        index=table.index,
        rows=(previous.rows[header_i], *table.rows),
        title=previous.title,
        bbox=table.bbox,
        pages=table.pages,
        row_pages=(table.page_of_row(0), *(table.page_of_row(i) for i in range(len(table.rows))))
        if table.row_pages
        else (),
    )


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
    repaired = repair_name(surface)
    variants.append(repaired)
    words = repaired.split()
    if 2 <= len(words) <= 3:
        variants.append("".join(words))
    variants.append(re.sub(r"^the\s+", "", repaired, flags=re.I))
    return list(dict.fromkeys(v for v in variants if v))


# A bare country name among a table's parties is the country acting as a state ("Freedonia |
# member: Yes"): tried after the name as written.  Not in a table whose hint says bare countries
# stand for bodies of another kind (their AI safety institutes): a country without one there is
# no party of that table.
STATE_KIND = "government_body"


def _party_linker(linker: Linker, kind_hint: str | None) -> Callable[[str], str | None]:
    hints = (kind_hint, None) if kind_hint else (None, STATE_KIND)

    def link(surface: str) -> str | None:
        for variant in _surface_variants(surface):
            for hint in hints:
                key = linker.link(variant, kind_hint=hint)
                if key is not None:
                    return key
        return None

    return link


def _aisi_table(table: Table) -> bool:
    """Whether the table's caption or header names AI safety institutes."""
    near = " ".join(filter(None, [table.title or "", *(c or "" for c in (table.grid[0] if table.rows else []))]))
    return _AISI.search(near) is not None


def _about_aisis(document: Document, min_mentions: int) -> bool:
    """Whether the document names AI safety institutes at least `min_mentions` times."""
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
    # Read from the pages once, at the first table that needs it.
    about_aisis = functools.cache(lambda: _about_aisis(document, aisi_min_mentions))
    for table in document.tables:
        columns = _collaboration_columns(table)
        if columns is None:
            plain = _party_linker(linker, kind_hint)
            out.extend(_membership_collaborations(document, table, plain, confidence))
            out.extend(_party_column_collaborations(document, table, plain, confidence))
            continue
        header_i, actor_j, type_j = columns
        # Bare country names mean those countries' AI safety institutes when the table or the
        # document is about them.
        hint = kind_hint or (AISI_KIND if _aisi_table(table) or about_aisis() else None)
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


# A column naming the parties of each row: members of a body, partners of a project, co-issuers.
_PARTY_COLUMN = re.compile(
    r"\b(?:members?|membership|partners?|partner\s+organi[sz]ations?|parties|participants?|signator(?:y|ies)|"
    r"co-?hosts?|co-?organi[sz]ers?|issuers?|issued\s+by|lead(?:\s+agenc(?:y|ies)|\s+organi[sz]ations?)?|"
    r"responsible(?:\s+\w+)?|coordinating\s+\w+|implementing\s+\w+)\b",
    re.I,
)
_MEMBERS_COLUMN = re.compile(r"\bmembers?(?:hip)?\b", re.I)
_GUIDANCE = re.compile(r"\b(?:guidelines?|principles?|standards?|codes?)\b", re.I)
# Between parties listed in one cell.
_PARTY_SEPARATOR = re.compile(r"\s*(?:;|,|\band\b|&|/|\n|\s+\+\s+)\s*")
# Share of a cell's parts that must name known bodies: the rest may be a note ("and others").
MIN_LINKED_SHARE = 0.6


def _linked_parts(cell: str, link: Callable[[str], str | None]) -> list[tuple[str, str]] | None:
    """(surface, key) of the bodies a cell lists, or None when too few of its parts are bodies."""
    text = " ".join(cell.split())
    whole = link(text)
    if whole is not None:
        return [(text, whole)]
    parts = [p.strip(" .") for p in _PARTY_SEPARATOR.split(text) if p.strip(" .")]
    linked = [(p, k) for p in parts if (k := link(p)) is not None]
    if not parts or len(linked) < MIN_LINKED_SHARE * len(parts):
        return None
    return linked


def _collaboration(
    document: Document,
    parties: list[tuple[str, str]],
    types: tuple[str, ...],
    raw: tuple[str, ...],
    page: int,
    evidence: str,
    confidence: float,
) -> Collaboration | None:
    by_key = dict((k, s) for s, k in reversed(parties))
    keys = tuple(sorted(by_key))
    if len(keys) < 2:
        return None
    return Collaboration(
        doc_id=document.doc_id,
        parties=keys,
        types=types,
        raw_types=raw,
        status="existing",
        page=page,
        evidence=evidence,
        extractor=COLLABORATION_EXTRACTOR,
        confidence=confidence,
        party_surfaces=tuple(by_key[k] for k in keys),
    )


def _membership_collaborations(
    document: Document, table: Table, link: Callable[[str], str | None], confidence: float
) -> list[Collaboration]:
    """A yes/no or presence matrix whose columns are bodies ("EFTA", "OECD") and whose rows are
    members: each row's marked columns are bodies it belongs to, one record per row."""
    grid = table.grid
    header_i = find_header_row(grid)
    if header_i is None:
        return []
    # Cheap test first: bodies as column heads are what make a membership matrix.
    heads = [h for h in header_cells(grid[header_i])[1:] if h]
    if not heads or sum(link(h) is not None for h in heads) < 0.5 * len(heads):
        return []
    matrix = read_matrix(table)
    if matrix is None or not matrix.criteria:
        return []
    criterion_keys = {c: link(c) for c in matrix.criteria}
    if sum(k is not None for k in criterion_keys.values()) < max(1, 0.5 * len(matrix.criteria)):
        return []
    rows: dict[str, list] = {}
    for i, (subject, criterion, printed, page) in enumerate(matrix.cells):
        key = criterion_keys.get(criterion)
        if key is None or matrix.score_of(i) != 1.0:
            continue
        entry = rows.setdefault(subject, [[], page, []])
        entry[0].append((criterion, key))
        entry[2].append(f"{criterion}: {printed}")
    out = []
    for subject, (marked, page, printed) in rows.items():
        subject_key = link(subject)
        if subject_key is None:
            continue
        c = _collaboration(
            document,
            [(subject, subject_key), *marked],
            ("institutional_integration",),
            ("membership",),
            page,
            " | ".join([subject, *printed]),
            confidence,
        )
        if c is not None:
            out.append(c)
    return out


def _party_column_collaborations(
    document: Document, table: Table, link: Callable[[str], str | None], confidence: float
) -> list[Collaboration]:
    """Rows whose parties column ("Members", "Partners", "Issuer", "Lead agencies") names two or
    more known bodies: one record per row.  Members also join the body the row is about."""
    grid = table.grid
    header_i = find_header_row(grid)
    if header_i is None:
        return []
    header = header_cells(grid[header_i])
    party_j = next((j for j, h in enumerate(header) if _PARTY_COLUMN.search(h)), None)
    if party_j is None:
        return []
    members = bool(_MEMBERS_COLUMN.search(header[party_j]))
    if members:
        types, raw = ("institutional_integration",), ("membership",)
    elif _GUIDANCE.search(" ".join([table.title or "", *header])):
        types, raw = ("standards_guidelines",), (header[party_j],)
    else:
        types, raw = ("general_partnership",), (header[party_j],)
    out = []
    for row in logical_rows(table, header_i):
        cell = "; ".join(row.lines(party_j))
        if not cell:
            continue
        parties = _linked_parts(cell, link)
        if parties is None:
            continue
        if members and party_j != 0 and row.first and (key := link(row.first)) is not None:
            parties = [(row.first, key), *parties]
        elif len({k for _, k in parties}) < 2:
            continue
        c = _collaboration(document, parties, types, raw, row.page, row_evidence(row), confidence)
        if c is not None:
            out.append(c)
    return out


# ---------------------------------------------------------------------------------------------
# Components


def _linker_of(doc: Doc) -> Linker:
    """The linker the institution ruler set, or the packaged knowledge base when it did not run."""
    if doc._.govmap_linker is not None:
        return doc._.govmap_linker
    from govmap.extractors.kb import load_kb  # the KB costs a file read; only when no ruler ran

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
def make_rating_tables(
    nlp: Language, name: str, subject_headers: list[str], min_scale_share: float, find_rationale: bool
) -> "RatingTables":
    return RatingTables(subject_headers=subject_headers, min_scale_share=min_scale_share, find_rationale=find_rationale)


class RatingTables:
    """Finds ratings in the document's matrices, then appends them to ``doc._.govmap_ratings``.

    subject_headers: first-header-cell words saying the rows are the subjects (default
    `DEFAULT_SUBJECT_HEADERS`).  min_scale_share: share of cells that must be on one scale
    (default 0.6).  find_rationale: attach reasons printed elsewhere (default True).
    """

    def __init__(
        self,
        *,
        subject_headers: Iterable[str] = DEFAULT_SUBJECT_HEADERS,
        min_scale_share: float = DEFAULT_MIN_SCALE_SHARE,
        find_rationale: bool = True,
    ) -> None:
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
        add_records(doc, "govmap_ratings", ratings)
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
def make_collaboration_tables(
    nlp: Language, name: str, kind_hint: str | None, aisi_min_mentions: int, confidence: float
) -> "CollaborationTables":
    return CollaborationTables(kind_hint=kind_hint, aisi_min_mentions=aisi_min_mentions, confidence=confidence)


class CollaborationTables:
    """Finds collaborations in the document's collaboration tables, then appends them to
    ``doc._.govmap_collaborations``.

    kind_hint: institution kind bare actor names stand for (default None: decided per table).
    aisi_min_mentions: AISI mentions that make a document about AI safety institutes (default 3).
    confidence: confidence of each record (default 0.95).
    """

    def __init__(
        self,
        *,
        kind_hint: str | None = None,
        aisi_min_mentions: int = DEFAULT_AISI_MIN_MENTIONS,
        confidence: float = DEFAULT_COLLABORATION_CONFIDENCE,
    ) -> None:
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
        add_records(doc, "govmap_collaborations", collaborations)
        grounder = MentionGrounder(doc)
        for c in collaborations:
            actors = c.evidence.split(" | ", 1)[0]
            for key, surface in zip(c.parties, c.party_surfaces):
                if surface:
                    grounder.ground(c.page, surface, key, anchor=actors, extractor=TABLE_CELL_EXTRACTOR)
        grounder.close()


TABLE_CELL_EXTRACTOR = "table:cell"
