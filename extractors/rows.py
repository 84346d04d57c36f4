"""A document's contract rows: its pages and records, with entity ids resolved across the corpus.

The rows the release's four per-document tables hold (`govmap.datasets.contract.TABLES`); record
ids come from `govmap.datasets.record_ids`, so a reviewer's decision keeps naming its record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govmap.datasets import record_ids
from govmap.datasets.contract import REVIEW_STATES
from govmap.extractors.records import Extraction
from govmap.extractors.resolve import Resolution

__all__ = ["MACHINE", "record_rows"]

MACHINE = REVIEW_STATES[0]  # the review state of a record no decision touched


def record_rows(
    doc_id: str, pages: Sequence[str], extraction: Extraction | None, resolution: Resolution
) -> dict[str, list[dict[str, Any]]]:
    """The pages, mentions, collaborations and criteria_ratings rows of one document: its records
    with their ids resolved (`resolve`), as the contract's columns."""
    key_map = resolution.key_map
    out: dict[str, list[dict[str, Any]]] = {"pages": [], "mentions": [], "collaborations": [], "criteria_ratings": []}
    out["pages"] = [{"doc_id": doc_id, "page": i, "text": text} for i, text in enumerate(pages, start=1)]
    ex = extraction
    if ex is None:
        return out
    seen: set[str] = set()
    seen_statements: set[tuple] = set()  # two extraction keys of one body state one collaboration
    for m in ex.mentions:
        entity_map = resolution.instrument_key_map if m.entity_type == "instrument" else key_map
        entity_id = entity_map.get(m.key)
        if entity_id is None:
            continue
        mention_id = record_ids.mention_id(doc_id, m.entity_type, m.page, m.char_start, m.char_end)
        if mention_id in seen:
            continue
        seen.add(mention_id)
        out["mentions"].append(
            {
                "mention_id": mention_id,
                "doc_id": doc_id,
                "entity_type": m.entity_type,
                "entity_id": entity_id,
                "surface": m.surface,
                "page": m.page,
                "char_start": m.char_start,
                "char_end": m.char_end,
                "sentence": m.sentence,
                "extractor": m.extractor,
                "confidence": m.confidence,
                "review": MACHINE,
            }
        )
    for c in ex.collaborations:
        parties = sorted({key_map[k] for k in c.parties if k in key_map})
        if len(parties) < 2:  # two names of one body, or a party resolution dropped
            continue
        if (tuple(parties), c.page, c.evidence) in seen_statements:
            continue
        seen_statements.add((tuple(parties), c.page, c.evidence))
        named = [s or k for k, s in zip(c.parties, c.party_surfaces)] if c.party_surfaces else list(c.parties)
        collaboration_id = record_ids.collaboration_id(doc_id, c.page, c.evidence, named)
        if collaboration_id in seen:
            continue
        seen.add(collaboration_id)
        out["collaborations"].append(
            {
                "collaboration_id": collaboration_id,
                "doc_id": doc_id,
                "parties": parties,
                "types": sorted(set(c.types)),
                "raw_types": list(c.raw_types),
                "status": c.status,
                "page": c.page,
                "evidence": c.evidence,
                "extractor": c.extractor,
                "confidence": c.confidence,
                "review": MACHINE,
            }
        )
    for r in ex.ratings:
        rating_id = record_ids.rating_id(doc_id, r.table_id, r.subject, r.criterion)
        if rating_id in seen:
            continue
        seen.add(rating_id)
        out["criteria_ratings"].append(
            {
                "rating_id": rating_id,
                "doc_id": doc_id,
                "subject": r.subject,
                "subject_id": key_map.get(r.subject_key) if r.subject_key else None,
                "criterion": r.criterion,
                "rating": r.rating,
                "score": r.score,
                "scale": r.scale,
                "rationale": r.rationale,
                "table_id": r.table_id,
                "page": r.page,
                "extractor": r.extractor,
                "review": MACHINE,
            }
        )
    return out
