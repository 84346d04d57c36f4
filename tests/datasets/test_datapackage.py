"""The Data Package descriptor: valid for frictionless, derived from the contract, true to the data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import frictionless
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from govmap.datasets.contract import TABLES
from govmap.datasets.datapackage import DATAPACKAGE, PROFILE, field_type, to_datapackage
from govmap.datasets.release import read_manifest
from tests.datasets.builders import RELEASE_1, release_rows, write_release


@pytest.fixture
def release(tmp_path: Path) -> Path:
    return write_release(tmp_path, release_rows(), RELEASE_1, docs=True)


def _inline(descriptor: dict[str, Any], release: Path) -> dict[str, Any]:
    """The descriptor with each resource's Parquet rows inlined.

    frictionless' parquet reader goes through pandas (list cells become numpy arrays, float nulls
    NaN, and bytes are not counted), so the data is handed over as Python rows read by pyarrow.
    """
    descriptor = copy.deepcopy(descriptor)
    for res in descriptor["resources"]:
        table = pq.read_table(release / res.pop("path"))
        for key in ("bytes", "hash", "format", "mediatype"):
            res.pop(key)
        res["data"] = [table.column_names] + [list(r.values()) for r in table.to_pylist()]
    return descriptor


def test_descriptor_written_and_metadata_valid(release: Path) -> None:
    descriptor = json.loads((release / DATAPACKAGE).read_text(encoding="utf-8"))
    assert descriptor["$schema"] == PROFILE
    assert list(frictionless.Package.metadata_validate(descriptor)) == []
    package = frictionless.Package(str(release / DATAPACKAGE))
    assert [r.name for r in package.resources] == list(TABLES)


def test_resources_match_manifest(release: Path) -> None:
    manifest = read_manifest(release)
    descriptor = to_datapackage(manifest)
    for res in descriptor["resources"]:
        entry = manifest["tables"][res["name"]]
        assert res["path"] == f"{res['name']}.parquet"
        assert res["format"] == "parquet"
        assert res["bytes"] == (release / res["path"]).stat().st_size == entry["bytes"]
        assert res["hash"] == f"sha256:{entry['sha256']}"


def test_schema_derived_from_contract(release: Path) -> None:
    descriptor = to_datapackage(read_manifest(release))
    by_name = {r["name"]: r["schema"] for r in descriptor["resources"]}
    for name, tbl in TABLES.items():
        schema = by_name[name]
        assert [f["name"] for f in schema["fields"]] == list(tbl.column_names)
        assert schema["primaryKey"] == list(tbl.primary_key)
        for f, c in zip(schema["fields"], tbl.columns, strict=True):
            assert f["type"] == field_type(c.arrow_type)
            assert f.get("constraints", {}).get("required", False) == c.required
    institutions = {f["name"]: f for f in by_name["institutions"]["fields"]}
    assert institutions["kind"]["constraints"]["enum"][0] == "intergovernmental_organization"
    assert institutions["institution_id"]["constraints"]["unique"] is True
    assert institutions["known"]["type"] == "boolean"
    collaborations = {f["name"]: f for f in by_name["collaborations"]["fields"]}
    assert collaborations["types"]["type"] == "array"
    assert "general_partnership" in collaborations["types"]["arrayItem"]["constraints"]["enum"]
    assert collaborations["confidence"]["constraints"] == {"required": True, "minimum": 0.0, "maximum": 1.0}
    ratings = by_name["criteria_ratings"]
    assert {
        "fields": ["subject_id"],
        "reference": {"resource": "institutions", "fields": ["institution_id"]},
    } in ratings["foreignKeys"]
    assert {"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}} in ratings[
        "foreignKeys"
    ]
    documents = {f["name"]: f for f in by_name["documents"]["fields"]}
    assert documents["ingested_at"]["type"] == "datetime"
    assert documents["doc_id"]["constraints"]["pattern"] == "[0-9a-f]{16}"


def test_release_data_validates_against_descriptor(release: Path) -> None:
    descriptor = to_datapackage(read_manifest(release))
    report = frictionless.Package(_inline(descriptor, release)).validate()
    assert report.valid, report.flatten(["resourceName", "type", "fieldName", "note"])


@pytest.mark.parametrize(
    ("table", "column", "value", "error"),
    [
        ("institutions", "kind", "think_tank", "constraint-error"),  # outside the vocabulary
        ("collaborations", "confidence", 1.5, "constraint-error"),  # above the bound
        ("criteria_ratings", "subject_id", "nobody", "foreign-key"),  # refers to no institution
        ("collaborations", "types", ["gossip"], "constraint-error"),  # list element outside vocabulary
    ],
)
def test_descriptor_catches_bad_data(release: Path, table: str, column: str, value: Any, error: str) -> None:
    descriptor = _inline(to_datapackage(read_manifest(release)), release)
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    res["data"][1][res["data"][0].index(column)] = value
    report = frictionless.Package(descriptor).validate()
    assert not report.valid
    assert error in {e[0] for e in report.flatten(["type"])}


@pytest.mark.parametrize(
    ("arrow_type", "expected"),
    [
        (pa.string(), "string"),
        (pa.int32(), "integer"),
        (pa.int64(), "integer"),
        (pa.float32(), "number"),
        (pa.bool_(), "boolean"),
        (pa.timestamp("us", tz="UTC"), "datetime"),
        (pa.list_(pa.string()), "array"),
    ],
)
def test_field_types(arrow_type: pa.DataType, expected: str) -> None:
    assert field_type(arrow_type) == expected


def test_unknown_arrow_type_is_refused() -> None:
    with pytest.raises(TypeError):
        field_type(pa.binary())
