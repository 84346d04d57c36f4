"""Small releases on disk for tests, written with the release functions (no Prefect, no GX)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from govmap.datasets.contract import TABLES
from govmap.datasets.parquet import to_arrow
from govmap.datasets.release import build_manifest, commit_release, promote, stage_release
from tests.expectations.conftest import DOC_BAD, DOC_OK, QUARANTINE_ERROR, release_rows

__all__ = [
    "DOC_BAD",
    "DOC_OK",
    "QUARANTINE_ERROR",
    "RELEASE_1",
    "RELEASE_2",
    "release_rows",
    "second_release_rows",
    "write_release",
]

Rows = dict[str, list[dict[str, Any]]]

RELEASE_1 = "20250101T000000Z-aaaaaaaa"
RELEASE_2 = "20250201T000000Z-bbbbbbbb"


def write_release(out: Path, rows: Rows, release_id: str, *, promote_it: bool = True, docs: bool = False) -> Path:
    """Write `rows` as release `release_id` under `out`: committed, promoted unless told not to,
    with README.md and datapackage.json when `docs`."""
    staged = stage_release(out, release_id)
    for name, tbl in TABLES.items():
        pq.write_table(to_arrow(tbl, rows[name]), staged.table_path(name), compression="zstd")
    inputs = [
        {"doc_id": d["doc_id"], "source_uri": d["source_uri"], "sha256": d["sha256"], "status": d["status"]}
        for d in rows["documents"]
    ]
    manifest = build_manifest(
        staged, pipeline_version="0.1.0", fingerprint="f" * 64, inputs=inputs, validation_passed=True
    )
    if docs:
        from govmap.datasets.card import write_release_docs

        write_release_docs(staged.path, manifest, to_arrow(TABLES["documents"], rows["documents"]).to_pandas())
    final = commit_release(staged, manifest)
    if promote_it:
        promote(out, release_id)
    return final


def second_release_rows() -> Rows:
    """The first release changed: an institution added and one changed, the instrument gone,
    a rating changed, a mention swapped."""
    rows = copy.deepcopy(release_rows())
    rows["institutions"][0]["n_mentions"] = 2
    rows["institutions"].append(
        {
            "institution_id": "eastgate-lab",
            "name": "Eastgate Lab",
            "acronym": "EGL",
            "aliases": ["Eastgate Lab", "EGL"],
            "kind": "research_organization",
            "country": "DE",
            "known": False,
            "n_documents": 1,
            "n_mentions": 1,
            "review": "machine",
        }
    )
    rows["instruments"] = []
    rows["criteria_ratings"][0]["rating"] = "mixed"
    rows["criteria_ratings"][0]["score"] = 0.5
    rows["mentions"] = [m for m in rows["mentions"] if m["entity_type"] != "instrument"]
    rows["mentions"].append(dict(rows["mentions"][0], mention_id="m-4"))
    return rows
