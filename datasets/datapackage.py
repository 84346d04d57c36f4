"""A Frictionless Data Package (v2) descriptor of a release, derived from the data contract.

One resource per table: path, format, bytes and hash come from the release manifest (computed
from the files as written); the Table Schema — field types, constraints, primary and foreign
keys — comes from `govmap.datasets.contract`, the way frictionless-py's SQL mapper derives a database
table from a schema: required -> ``required``, vocabulary -> ``enum``, bounds ->
``minimum``/``maximum``, description -> ``description``.  Nothing is written twice.

The descriptor lists Parquet files; validating the *data* with frictionless needs its parquet
plugin's optional dependency (fastparquet), which govmap does not install.  The data itself is
validated by the release's expectation suites.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from govmap.datasets.contract import CONTRACT_VERSION, TABLES, Column, Table

__all__ = ["DATAPACKAGE", "PROFILE", "field_type", "field_descriptor", "schema_descriptor", "to_datapackage"]

DATAPACKAGE = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"


def field_type(arrow_type: pa.DataType) -> str:
    """The Table Schema type of an Arrow type; raises TypeError for a type the contract never uses."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return "array"
    raise TypeError(f"no Table Schema type for Arrow type {arrow_type}")


def _pattern(pattern: str) -> str:
    # Table Schema patterns are implicitly anchored (XML Schema style); the contract's carry ^...$.
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern[1:-1]
    return pattern


def _bound(value: float, kind: str) -> int | float:
    return int(value) if kind == "integer" else float(value)


def _constraints(column: Column, kind: str) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.is_list:
        return constraints  # item constraints go into arrayItem
    if column.vocabulary is not None:
        constraints["enum"] = list(column.vocabulary)
    if column.bounds is not None:
        constraints["minimum"] = _bound(column.bounds[0], kind)
        constraints["maximum"] = _bound(column.bounds[1], kind)
    if column.pattern is not None:
        constraints["pattern"] = _pattern(column.pattern)
    return constraints


def field_descriptor(column: Column) -> dict[str, Any]:
    """The Table Schema field of a contract column."""
    kind = field_type(column.arrow_type)
    field: dict[str, Any] = {"name": column.name, "type": kind, "description": column.description}
    if kind == "datetime" and getattr(column.arrow_type, "tz", None):
        field["description"] += f" Timezone {column.arrow_type.tz}."
    if column.vocabulary is not None and not column.is_list:
        field["categories"] = list(column.vocabulary)
    constraints = _constraints(column, kind)
    if constraints:
        field["constraints"] = constraints
    if column.is_list:
        item_kind = field_type(column.arrow_type.value_type)
        item: dict[str, Any] = {"type": item_kind}
        item_constraints: dict[str, Any] = {}
        if column.vocabulary is not None:
            item_constraints["enum"] = list(column.vocabulary)
        if column.pattern is not None:
            item_constraints["pattern"] = _pattern(column.pattern)
        if item_constraints:
            item["constraints"] = item_constraints
        field["arrayItem"] = item
        if column.references is not None:
            ref_table, ref_column = column.references
            # Table Schema foreign keys cannot reach inside arrays: said in words instead.
            field["description"] += f" Every element is a {ref_table}.{ref_column}."
    return field


def _foreign_keys(table: Table) -> list[dict[str, Any]]:
    keys: list[tuple[str, str, str]] = list(table.foreign_keys)
    for column in table.columns:
        if column.references is not None and not column.is_list:
            key = (column.name, *column.references)
            if key not in keys:
                keys.append(key)  # type: ignore[arg-type]
    return [
        {"fields": [column], "reference": {"resource": ref_table, "fields": [ref_column]}}
        for column, ref_table, ref_column in keys
    ]


def schema_descriptor(table: Table) -> dict[str, Any]:
    """The Table Schema of a contract table."""
    schema: dict[str, Any] = {
        "fields": [field_descriptor(c) for c in table.columns],
        "primaryKey": list(table.primary_key),
        # Parquet has real nulls; "" is a value (an empty cell of a presence matrix), not a missing one.
        "missingValues": [],
    }
    foreign_keys = _foreign_keys(table)
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def to_datapackage(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The Data Package descriptor (``datapackage.json``) of the release `manifest` describes."""
    resources = []
    for name, tbl in TABLES.items():
        entry = manifest["tables"][name]
        resources.append(
            {
                "name": name,
                "type": "table",
                "path": entry.get("path", f"{name}.parquet"),
                "format": "parquet",
                "mediatype": PARQUET_MEDIA_TYPE,
                "bytes": int(entry["bytes"]),
                "hash": f"sha256:{entry['sha256']}",
                "description": f"{tbl.description} {int(entry['rows'])} rows in this release.",
                "schema": schema_descriptor(tbl),
            }
        )
    release_id = manifest["release_id"]
    return {
        "$schema": PROFILE,
        "name": "govmap",
        "title": "govmap: institutions, instruments, collaborations and ratings in AI-governance reports",
        "description": (
            "Machine-extracted records of the institutions, governance instruments, collaborations and "
            "criteria ratings stated in reports on AI governance; every record points back to the page "
            "text that supports it. The source documents keep their own licences."
        ),
        "id": f"govmap-{release_id}",
        "created": manifest.get("created_at"),
        "keywords": ["AI governance", "institutions", "collaborations", "policy"],
        "contributors": [{"title": "govmap pipeline", "roles": ["creator"]}],
        "govmap": {
            "release_id": release_id,
            "pipeline_version": manifest.get("pipeline_version"),
            "contract_version": manifest.get("contract_version", CONTRACT_VERSION),
            "validation_passed": manifest.get("validation_passed"),
        },
        "resources": resources,
    }
