"""What deserves a reviewer's look first, read from a release's tables.

A record earns a place by reasons, each with a weight: new since the previous release, a body
the knowledge base lacks (discovered), a low confidence, an institution named once, a
collaboration whose parties include a discovered body.  Records a reviewer already decided on
(`review` other than machine) are left out.  `govmap review` prints the queue; the quality
report shows its top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govmap.datasets.contract import REVIEW_STATES

if TYPE_CHECKING:  # pandas loads where the tables are read: the flow's process imports this module
    import pandas as pd

__all__ = [
    "ReviewItem",
    "review_queue",
    "previous_record_ids",
    "review_counts",
    "review_summary",
    "page_link",
    "LOW_CONFIDENCE",
    "REPORT_ITEMS",
]

LOW_CONFIDENCE = 0.6  # below it a record is worth a look (README, "Reviewing": start below 0.6)
REPORT_ITEMS = 20  # records the quality report lists
_KEYS = {
    "institutions": "institution_id",
    "mentions": "mention_id",
    "collaborations": "collaboration_id",
    "criteria_ratings": "rating_id",
    "instruments": "instrument_id",
}
_WEIGHTS = {"discovered body": 3, "discovered party": 2, "low confidence": 2, "new": 1, "one mention": 1}


@dataclass(frozen=True)
class ReviewItem:
    table: str
    id: str
    doc_id: str
    source_uri: str
    page: int
    what: str  # one line: the body, or the record's parties and types
    evidence: str
    confidence: float | None
    reasons: tuple[str, ...]

    @property
    def score(self) -> int:
        return sum(_WEIGHTS[r] for r in self.reasons)


def previous_record_ids(release: Path | None) -> dict[str, set[str]] | None:
    """The record ids of `release` per table (None without one, or when it cannot be read: then
    nothing counts as new rather than everything)."""
    if release is None:
        return None
    import pyarrow.parquet as pq

    try:
        return {
            name: set(pq.read_table(Path(release) / f"{name}.parquet", columns=[key]).column(key).to_pylist())
            for name, key in _KEYS.items()
        }
    except Exception:  # an unreadable or foreign previous release only informs the queue
        return None


def _is_machine(df: pd.DataFrame) -> pd.Series:
    import pandas as pd

    return df["review"].fillna("machine").eq("machine") if "review" in df.columns else pd.Series(True, index=df.index)


def review_queue(
    frames: Mapping[str, pd.DataFrame],
    previous: Mapping[str, set[str]] | None = None,
    *,
    document: str | None = None,
    kind: str | None = None,
    min_confidence: float | None = None,
    new_only: bool = False,
) -> list[ReviewItem]:
    """Every record with a reason to look at it, most reasons first, then lowest confidence.

    `document` keeps one document (a doc_id prefix or part of its source), `kind` institutions of
    that kind and the records naming one, `min_confidence` records at least that sure (bodies have
    no confidence and stay), `new_only` records new since `previous`.
    """
    docs = frames["documents"].set_index("doc_id")["source_uri"].to_dict() if len(frames["documents"]) else {}
    inst = frames["institutions"]
    known = dict(zip(inst["institution_id"], inst["known"].astype(bool)))
    kinds = dict(zip(inst["institution_id"], inst["kind"]))
    names = dict(zip(inst["institution_id"], inst["name"]))

    def is_new(table: str, key: str) -> bool:
        return previous is not None and key not in previous.get(table, set())

    items: list[ReviewItem] = []
    mentions = frames["mentions"]
    inst_mentions = mentions[mentions["entity_type"] == "institution"].sort_values(["doc_id", "page", "char_start"])
    first = inst_mentions.drop_duplicates("entity_id").set_index("entity_id")
    for row in inst[_is_machine(inst)].itertuples(index=False):
        reasons = tuple(
            r
            for r, hit in (
                ("discovered body", not row.known),
                ("one mention", row.n_mentions == 1),
                ("new", is_new("institutions", row.institution_id)),
            )
            if hit
        )
        if not reasons or row.institution_id not in first.index:
            continue
        m = first.loc[row.institution_id]
        items.append(
            ReviewItem(
                "institutions",
                row.institution_id,
                m["doc_id"],
                docs.get(m["doc_id"], ""),
                int(m["page"]),
                f"{row.name} ({row.kind})",
                m["sentence"],
                None,
                reasons,
            )
        )
    for row in mentions[_is_machine(mentions)].itertuples(index=False):
        reasons = tuple(
            r
            for r, hit in (
                ("low confidence", row.confidence < LOW_CONFIDENCE),
                ("new", is_new("mentions", row.mention_id)),
            )
            if hit
        )
        if reasons:
            label = names.get(row.entity_id, row.entity_id)
            items.append(
                ReviewItem(
                    "mentions",
                    row.mention_id,
                    row.doc_id,
                    docs.get(row.doc_id, ""),
                    int(row.page),
                    f"{row.surface!r} -> {label} ({row.extractor})",
                    row.sentence,
                    float(row.confidence),
                    reasons,
                )
            )
    collabs = frames["collaborations"]
    for row in collabs[_is_machine(collabs)].itertuples(index=False):
        parties = list(row.parties)
        reasons = tuple(
            r
            for r, hit in (
                ("discovered party", any(not known.get(p, True) for p in parties)),
                ("low confidence", row.confidence < LOW_CONFIDENCE),
                ("new", is_new("collaborations", row.collaboration_id)),
            )
            if hit
        )
        if reasons:
            items.append(
                ReviewItem(
                    "collaborations",
                    row.collaboration_id,
                    row.doc_id,
                    docs.get(row.doc_id, ""),
                    int(row.page),
                    f"{' + '.join(parties)}: {', '.join(row.types)} ({row.status})",
                    row.evidence,
                    float(row.confidence),
                    reasons,
                )
            )
    ratings = frames["criteria_ratings"]
    for row in ratings[_is_machine(ratings)].itertuples(index=False):
        if is_new("criteria_ratings", row.rating_id):
            items.append(
                ReviewItem(
                    "criteria_ratings",
                    row.rating_id,
                    row.doc_id,
                    docs.get(row.doc_id, ""),
                    int(row.page),
                    f"{row.subject} / {row.criterion}: {row.rating!r}",
                    row.rationale or "",
                    None,
                    ("new",),
                )
            )

    def keep(item: ReviewItem) -> bool:
        if document and not (item.doc_id.startswith(document) or document in item.source_uri):
            return False
        if kind and not _has_kind(item, kind, kinds, frames):
            return False
        if min_confidence is not None and item.confidence is not None and item.confidence < min_confidence:
            return False
        return not new_only or "new" in item.reasons

    items = [i for i in items if keep(i)]
    items.sort(key=lambda i: (-i.score, 1.0 if i.confidence is None else i.confidence, i.doc_id, i.page, i.table, i.id))
    return items


def _has_kind(item: ReviewItem, kind: str, kinds: Mapping[str, str], frames: Mapping[str, pd.DataFrame]) -> bool:
    if item.table == "institutions":
        return kinds.get(item.id) == kind
    if item.table == "mentions":
        m = frames["mentions"]
        ids = m.loc[m["mention_id"] == item.id, "entity_id"]
        return bool(len(ids)) and kinds.get(ids.iloc[0]) == kind
    if item.table == "collaborations":
        c = frames["collaborations"]
        parties = c.loc[c["collaboration_id"] == item.id, "parties"]
        return bool(len(parties)) and any(kinds.get(p) == kind for p in parties.iloc[0])
    return False


def review_counts(frames: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, int]]:
    """Rows per review state, per record table."""
    out = {}
    for name in _KEYS:
        df = frames.get(name)
        if df is None or "review" not in df.columns:
            continue
        counts = df["review"].value_counts()
        out[name] = {state: int(counts.get(state, 0)) for state in REVIEW_STATES}
    return out


def page_link(source_uri: str, page: int) -> str | None:
    """A link that opens the document at the page (PDF viewers read #page=N), or None when the
    source is no file or http(s) URL."""
    if source_uri.startswith(("http://", "https://")):
        return f"{source_uri.split('#')[0]}#page={page}"
    path = Path(source_uri)
    return f"{path.as_uri()}#page={page}" if path.is_absolute() else None


def review_summary(
    frames: Mapping[str, pd.DataFrame], curation: Any, previous: Mapping[str, set[str]] | None
) -> dict[str, Any]:
    """The review section of a release (quality report and card): counts by state, the
    curation file's applied and stale decisions, the top of the queue."""
    queue = review_queue(frames, previous)
    return {
        "counts": review_counts(frames),
        "curation": curation.to_dict(),
        "queue_total": len(queue),
        "queue": [
            {**asdict(i), "reasons": list(i.reasons), "link": page_link(i.source_uri, i.page)}
            for i in queue[:REPORT_ITEMS]
        ],
    }


def release_frames(release: Path) -> dict[str, pd.DataFrame]:
    """The tables of a local release, as pandas frames."""
    import pyarrow.parquet as pq

    from govmap.datasets.contract import TABLE_NAMES

    return {name: pq.read_table(Path(release) / f"{name}.parquet").to_pandas() for name in TABLE_NAMES}


def unknown_target(entry: Mapping[str, Any], frames: Mapping[str, pd.DataFrame]) -> str | None:
    """Why a decision about to be written names nothing in the release (a typo caught at once,
    not as a stale decision on the next run), or None when its target is there."""
    op = entry["op"]
    entity_table = "institutions" if entry.get("entity", "institution") == "institution" else "instruments"
    entity_key = _KEYS[entity_table]
    entity_ids = set(frames[entity_table][entity_key])
    if op == "merge":
        missing = [x for x in (entry["keep"], entry["drop"]) if x not in entity_ids]
        return f"{entity_table}: no {', '.join(missing)} in the latest release" if missing else None
    if op in ("split", "set"):
        return None if entry["id"] in entity_ids else f"{entity_table}: no {entry['id']} in the latest release"
    if op in ("reject", "confirm", "correct"):
        table = entry["table"]
        return (
            None
            if entry["id"] in set(frames[table][_KEYS[table]])
            else f"{table}: no record {entry['id']} in the latest release"
        )
    if op == "add":
        from govmap.datasets.curate import find_words

        pages = frames["pages"]
        page = pages[(pages["doc_id"] == entry["document"]) & (pages["page"] == entry["page"])]
        if page.empty:
            return f"document {entry['document']} has no page {entry['page']} in the latest release"
        if find_words(page["text"].iloc[0], entry["evidence"]) is None:
            return f"the evidence words are not on page {entry['page']} of {entry['document']}"
    if op == "never":
        mentions = frames["mentions"]
        from govmap.text import alias_form

        form = alias_form(entry["surface"])
        hits = mentions[
            (mentions["entity_type"] == entry.get("entity", "institution"))
            & (mentions["surface"].map(alias_form) == form)
        ]
        if entry.get("document"):
            hits = hits[hits["doc_id"] == entry["document"]]
        return None if len(hits) else f"no {entry.get('entity', 'institution')} mention reads {entry['surface']!r}"
    return None
