"""A minimal valid release as pandas frames, and one GX import per session."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pandas as pd
import pytest

from govmap.datasets.contract import TABLES
from govmap.datasets.parquet import to_arrow

# Our own sample text: two pages of an invented report.
PAGE_1 = "The Harbor AI Safety Institute and the Northwind Standards Office agreed to share test results."
PAGE_2 = "Both bodies back a shared incident register."


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SHA_OK = _sha(b"report one")
SHA_BAD = _sha(b"report two")
DOC_OK = SHA_OK[:16]
DOC_BAD = SHA_BAD[:16]
QUARANTINE_ERROR = "broken.pdf page 1: no text layer; document quarantined"


def _span(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def release_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows of a small release that satisfies every check, keyed by table name."""
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    doc = {
        "source_uri": "reports/one.txt",
        "media_type": "text/plain",
        "title": "Harbor report",
        "authors": ["A. Writer"],
        "publisher": "Harbor Press",
        "published": "2025-01",
        "n_pages": 2,
        "n_chars": len(PAGE_1) + len(PAGE_2),
        "status": "ok",
        "error": None,
        "ingested_at": when,
        "pipeline_version": "0.1.0",
    }
    documents = [
        {**doc, "doc_id": DOC_OK, "sha256": SHA_OK},
        {
            **doc,
            "doc_id": DOC_BAD,
            "sha256": SHA_BAD,
            "source_uri": "reports/broken.pdf",
            "media_type": "application/pdf",
            "title": None,
            "authors": [],
            "publisher": None,
            "published": None,
            "n_pages": 0,
            "n_chars": 0,
            "status": "quarantined",
            "error": QUARANTINE_ERROR,
        },
    ]
    pages = [
        {"doc_id": DOC_OK, "page": 1, "text": PAGE_1},
        {"doc_id": DOC_OK, "page": 2, "text": PAGE_2},
    ]
    institutions = [
        {
            "institution_id": "harbor-aisi",
            "name": "Harbor AI Safety Institute",
            "acronym": None,
            "aliases": ["Harbor AI Safety Institute"],
            "kind": "ai_safety_institute",
            "country": "GB",
            "known": False,
            "n_documents": 1,
            "n_mentions": 1,
        },
        {
            "institution_id": "northwind-standards-office",
            "name": "Northwind Standards Office",
            "acronym": "NSO",
            "aliases": ["Northwind Standards Office"],
            "kind": "standards_body",
            "country": None,
            "known": True,
            "n_documents": 1,
            "n_mentions": 1,
        },
    ]
    instruments = [
        {
            "instrument_id": "incident-register",
            "name": "Incident register",
            "category": "coordination_mechanism",
            "description": None,
            "aliases": ["incident register"],
            "n_documents": 1,
            "n_mentions": 1,
        },
    ]
    mention_specs = [
        ("m-1", "institution", "harbor-aisi", 1, PAGE_1, "Harbor AI Safety Institute"),
        ("m-2", "institution", "northwind-standards-office", 1, PAGE_1, "Northwind Standards Office"),
        ("m-3", "instrument", "incident-register", 2, PAGE_2, "incident register"),
    ]
    mentions = []
    for mention_id, entity_type, entity_id, page, text, surface in mention_specs:
        start, end = _span(text, surface)
        mentions.append(
            {
                "mention_id": mention_id,
                "doc_id": DOC_OK,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "surface": surface,
                "page": page,
                "char_start": start,
                "char_end": end,
                "sentence": text,
                "extractor": "govmap_institution_ruler",
                "confidence": 0.9,
            }
        )
    collaborations = [
        {
            "collaboration_id": "c-1",
            "doc_id": DOC_OK,
            "parties": ["harbor-aisi", "northwind-standards-office"],
            "types": ["information_sharing"],
            "raw_types": ["share test results"],
            "status": "announced",
            "page": 1,
            "evidence": PAGE_1,
            "extractor": "govmap_collaboration_prose",
            "confidence": 0.8,
        },
    ]
    criteria_ratings = [
        {
            "rating_id": "r-1",
            "doc_id": DOC_OK,
            "subject": "Harbor AI Safety Institute",
            "subject_id": "harbor-aisi",
            "criterion": "Independence",
            "rating": "strong",
            "score": 1.0,
            "scale": "strong-mixed-weak",
            "rationale": None,
            "table_id": "t-1",
            "page": 2,
            "extractor": "govmap_rating_tables",
        },
        {
            "rating_id": "r-2",
            "doc_id": DOC_OK,
            "subject": "Shared register",
            "subject_id": None,
            "criterion": "Reach",
            "rating": "",
            "score": None,
            "scale": "presence",
            "rationale": None,
            "table_id": "t-1",
            "page": 2,
            "extractor": "govmap_rating_tables",
        },
    ]
    rows = {
        "documents": documents,
        "pages": pages,
        "institutions": institutions,
        "instruments": instruments,
        "mentions": mentions,
        "collaborations": collaborations,
        "criteria_ratings": criteria_ratings,
    }
    for name, table_rows in rows.items():  # records no reviewer touched (contract 1.1's review columns)
        if "review" in TABLES[name].column_names:
            for row in table_rows:
                row.setdefault("review", "machine")
    return rows


def frames_from_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    """Frames as a reader of the release sees them: through the contract's Arrow schema."""
    return {name: to_arrow(TABLES[name], rows[name]).to_pandas() for name in TABLES}


@pytest.fixture(scope="session")
def gx_imported() -> Any:
    """Pay great_expectations' multi-second import once per session."""
    from govmap.expectations.suites import import_gx

    return import_gx()


@pytest.fixture
def release_frames(gx_imported: Any) -> dict[str, pd.DataFrame]:
    """A minimal valid release (fresh per test, so tests may break it freely)."""
    return frames_from_rows(release_rows())


@pytest.fixture
def make_frames(
    gx_imported: Any,
) -> Callable[[Callable[[dict[str, list[dict[str, Any]]]], None]], dict[str, pd.DataFrame]]:
    """Frames of the minimal release after `mutate(rows)` changed its rows in place."""

    def make(mutate: Callable[[dict[str, list[dict[str, Any]]]], None]) -> dict[str, pd.DataFrame]:
        rows = release_rows()
        mutate(rows)
        return frames_from_rows(rows)

    return make
