"""Small releases on disk for tests, written with the release functions (no Prefect, no GX)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from datasets.contract import TABLES
from datasets.parquet import to_arrow
from datasets.release import build_manifest, commit_release, promote, stage_release
from tests.expectations.conftest import DOC_BAD, DOC_OK, QUARANTINE_ERROR, release_rows

__all__ = ["DOC_BAD", "DOC_OK", "QUARANTINE_ERROR", "release_rows", "write_release", "second_release_rows"]

Rows = dict[str, list[dict[str, Any]]]


def write_release(out: Path, rows: Rows, release_id: str, *, promote_it: bool = True,
                  extra_files: bool = False) -> Path:
    """Write `rows` as release `release_id` under `out` (committed, and promoted unless told not to)."""
    staged = stage_release(out, release_id)
    for name, tbl in TABLES.items():
        pq.write_table(to_arrow(tbl, rows[name]), staged.table_path(name), compression="zstd")
    inputs = [{"doc_id": d["doc_id"], "source_uri": d["source_uri"], "sha256": d["sha256"], "status": d["status"]}
              for d in rows["documents"]]
    manifest = build_manifest(staged, pipeline_version="0.1.0", fingerprint="f" * 64, inputs=inputs,
                              validation_passed=True)
    if extra_files:
        from datasets.card import write_card
        from datasets.datapackage import DATAPACKAGE, to_datapackage
        import json

        (staged.path / DATAPACKAGE).write_text(json.dumps(to_datapackage(manifest), indent=2), encoding="utf-8")
        import pandas as pd  # noqa: F401

        write_card(staged.path, manifest, to_arrow(TABLES["documents"], rows["documents"]).to_pandas())
    final = commit_release(staged, manifest)
    if promote_it:
        promote(out, release_id)
    return final


def second_release_rows() -> Rows:
    """The first release's rows, changed: one institution gone, one new, a rating changed, a mention added."""
    rows = copy.deepcopy(release_rows())
    rows["institutions"][0]["n_mentions"] = 2  # changed
    rows["institutions"].append({
        "institution_id": "eastgate-lab", "name": "Eastgate Lab", "acronym": "EGL", "aliases": ["Eastgate Lab", "EGL"],
        "kind": "research_organization", "country": "DE", "known": False, "n_documents": 1, "n_mentions": 1,
    })
    rows["instruments"] = []  # removed
    rows["criteria_ratings"][0]["rating"] = "mixed"
    rows["criteria_ratings"][0]["score"] = 0.5
    m = dict(rows["mentions"][0], mention_id="m-4")
    rows["mentions"] = [x for x in rows["mentions"] if x["entity_type"] != "instrument"] + [m]
    return rows


RELEASE_1 = "20250101T000000Z-aaaaaaaa"
RELEASE_2 = "20250201T000000Z-bbbbbbbb"
_ = dt
