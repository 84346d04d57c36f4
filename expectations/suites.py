"""Expectation suites derived from the data contract, plus the frames they are checked against.

One suite per table, built by `suite_for(table)`.  Most expectations come mechanically from the
`Column` constraints in `datasets/contract.py`; the few rules that span columns or tables are
written by hand in `_HAND_WRITTEN`, each with the reason it exists.

GX validates one pandas frame per batch and cannot look inside list cells or across tables, so
every expectation carries ``meta["frame"]`` naming the frame it runs on:

- ``rows``               the table as published, one row per record;
- ``elements:<column>``  a list column exploded to one row per element (key columns kept);
- ``offsets``            mentions joined to their page's text (see `_offset_frame`);
- ``parties``            collaborations' parties checked for order and count.

`derive_frames` builds exactly those frames, so the suite and its inputs are defined side by side.
Cross-table membership (``references``) is a plain `ExpectColumnValuesToBeInSet` whose value set is
a suite parameter (``{"$PARAMETER": "ids__documents__doc_id"}``) filled in at validation time by
`reference_parameters`; the suite itself stays a pure function of the contract.

great_expectations is imported inside functions: importing it costs seconds.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from govmap.datasets.contract import TABLES, Column, Table

if TYPE_CHECKING:
    import great_expectations as gx

__all__ = [
    "ROWS",
    "SLUGS",
    "elements_frame",
    "reference_parameter",
    "suite_for",
    "derive_frames",
    "reference_parameters",
    "import_gx",
]

ROWS = "rows"

# Stable check slugs: the report, the JSON and downstream tooling key on these.
SLUGS = {
    "columns-match": "Columns are exactly the contract's, in order",
    "not-null": "Required column has no missing values",
    "in-vocabulary": "Value belongs to the column's closed vocabulary",
    "between": "Value within the column's bounds",
    "unique": "Value (or key) appears once",
    "pattern": "Value matches the column's pattern",
    "reference-exists": "Value refers to an existing row of another table",
    "offset-in-page": "Mention offsets lie inside their page's text",
    "surface-matches-text": "Mention surface equals the page text at its offsets",
    "parties-sorted": "Collaboration parties sorted and without repeats",
    "parties-count": "Collaboration has two or more parties",
    "counts-consistent": "n_mentions is at least n_documents",
    "has-documents": "Entity is mentioned in at least one document",
    "error-when-quarantined": "A quarantined document says why",
}


def import_gx() -> Any:
    """great_expectations, imported with analytics off (the import alone costs seconds)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    # GX sets this module's logger to INFO, which prints a line about a temporary docs folder
    # on every validation; hand the level back to the logging configuration.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.NOTSET)
    return gx


def elements_frame(column: str) -> str:
    """Name of the frame holding the exploded elements of list column `column`."""
    return f"elements:{column}"


def reference_parameter(table: str, column: str) -> str:
    """Suite-parameter name for the set of existing values of `table.column`."""
    return f"ids__{table}__{column}"


def _meta(slug: str, column: str | None, frame: str = ROWS) -> dict[str, Any]:
    return {"slug": slug, "column": column, "frame": frame}


def _column_expectations(gx: Any, col: Column) -> list[Any]:
    """The checks one `Column` declaration implies, in a fixed order."""
    E = gx.expectations
    out: list[Any] = []
    if col.required:
        out.append(E.ExpectColumnValuesToNotBeNull(column=col.name, meta=_meta("not-null", col.name)))
    # GX cannot look inside list cells: list-typed checks run on the exploded elements.
    frame = elements_frame(col.name) if col.is_list else ROWS
    if col.vocabulary is not None:
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column=col.name, value_set=list(col.vocabulary), meta=_meta("in-vocabulary", col.name, frame)
            )
        )
    if col.bounds is not None:
        low, high = col.bounds
        out.append(
            E.ExpectColumnValuesToBeBetween(
                column=col.name, min_value=low, max_value=high, meta=_meta("between", col.name, frame)
            )
        )
    if col.unique:
        out.append(E.ExpectColumnValuesToBeUnique(column=col.name, meta=_meta("unique", col.name, frame)))
    if col.pattern is not None:
        out.append(
            E.ExpectColumnValuesToMatchRegex(column=col.name, regex=col.pattern, meta=_meta("pattern", col.name, frame))
        )
    if col.references is not None:
        out.append(
            E.ExpectColumnValuesToBeInSet(
                column=col.name,
                value_set={"$PARAMETER": reference_parameter(*col.references)},
                meta=_meta("reference-exists", col.name, frame),
            )
        )
    return out


def _contract_expectations(gx: Any, table: Table) -> list[Any]:
    E = gx.expectations
    out: list[Any] = [
        E.ExpectTableColumnsToMatchOrderedList(column_list=list(table.column_names), meta=_meta("columns-match", None))
    ]
    for col in table.columns:
        out.extend(_column_expectations(gx, col))
    if len(table.primary_key) > 1:
        # Single-column keys are declared unique on the column; compound keys only here.
        out.append(
            E.ExpectCompoundColumnsToBeUnique(
                column_list=list(table.primary_key), meta=_meta("unique", ",".join(table.primary_key))
            )
        )
    return out


# --- hand-written rules: only what spans columns or tables ----------------------------------


def _documents_rules(gx: Any) -> list[Any]:
    from great_expectations.expectations.row_conditions import Column as C

    E = gx.expectations
    return [
        # Reviewers triage quarantined documents by their one-line reason; a blank one is useless.
        E.ExpectColumnValuesToNotBeNull(
            column="error", row_condition=C("status") == "quarantined", meta=_meta("error-when-quarantined", "error")
        ),
    ]


def _entity_rules(gx: Any) -> list[Any]:
    E = gx.expectations
    return [
        # Every document that names an entity contributes at least one mention to it.
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="n_mentions", column_B="n_documents", or_equal=True, meta=_meta("counts-consistent", "n_mentions")
        ),
        # A canonical entity is only published because some document mentions it.
        E.ExpectColumnValuesToBeBetween(column="n_documents", min_value=1, meta=_meta("has-documents", "n_documents")),
    ]


def _mentions_rules(gx: Any) -> list[Any]:
    from great_expectations.expectations.row_conditions import Column as C

    E = gx.expectations
    return [
        # entity_id points into institutions or instruments depending on entity_type, so the
        # contract cannot declare it as one reference; check each half against its own table.
        E.ExpectColumnValuesToBeInSet(
            column="entity_id",
            value_set={"$PARAMETER": reference_parameter("institutions", "institution_id")},
            row_condition=C("entity_type") == "institution",
            meta=_meta("reference-exists", "entity_id"),
        ),
        E.ExpectColumnValuesToBeInSet(
            column="entity_id",
            value_set={"$PARAMETER": reference_parameter("instruments", "instrument_id")},
            row_condition=C("entity_type") == "instrument",
            meta=_meta("reference-exists", "entity_id"),
        ),
        # Offsets are the evidence: a reader slices pages.text with them and must land on the
        # words.  The join with pages happens in `_offset_frame`; a row there holds a problem
        # description or null, so GX reports the failing rows with a readable reason.
        E.ExpectColumnValuesToBeNull(column="offset_problem", meta=_meta("offset-in-page", "char_end", "offsets")),
        E.ExpectColumnValuesToBeNull(
            column="surface_problem", meta=_meta("surface-matches-text", "surface", "offsets")
        ),
    ]


def _collaborations_rules(gx: Any) -> list[Any]:
    E = gx.expectations
    return [
        # Sorted, repeat-free parties make a collaboration's parties a set with one spelling,
        # so the same pair stated twice compares equal and analysts can group by it.
        E.ExpectColumnValuesToBeNull(column="sorted_problem", meta=_meta("parties-sorted", "parties", "parties")),
        # A collaboration needs someone to collaborate with.
        E.ExpectColumnValuesToBeNull(column="count_problem", meta=_meta("parties-count", "parties", "parties")),
    ]


_HAND_WRITTEN: dict[str, Callable[[Any], list[Any]]] = {
    "documents": _documents_rules,
    "institutions": _entity_rules,
    "instruments": _entity_rules,
    "mentions": _mentions_rules,
    "collaborations": _collaborations_rules,
}


@cache
def suite_for(table: Table) -> "gx.ExpectationSuite":
    """The expectation suite of a contract table: the contract's checks plus cross-column rules.

    Every expectation's ``meta`` holds ``slug``, ``column``, ``frame`` (see the module doc) and
    ``check``, its position in the suite.
    The suite is cached per table; treat it as read-only.
    """
    gx = import_gx()
    expectations = _contract_expectations(gx, table)
    rules = _HAND_WRITTEN.get(table.name)
    if rules is not None:
        expectations.extend(rules(gx))
    for index, expectation in enumerate(expectations):
        # GX hands results back in its own order and unsaved expectations have no id.
        expectation.meta["check"] = index
    return gx.ExpectationSuite(name=table.name, expectations=expectations)


# --- frames -----------------------------------------------------------------------------------


def _key_columns(table: Table, df: pd.DataFrame) -> list[str]:
    return [c for c in table.primary_key if c in df.columns]


def _as_list(value: Any) -> list[Any]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return list(value)


def _offset_frame(mentions: pd.DataFrame, pages: pd.DataFrame) -> pd.DataFrame:
    """mention_id, offset_problem, surface_problem: null where the mention sits in its page."""
    text_of = {(d, int(p)): t for d, p, t in zip(pages["doc_id"], pages["page"], pages["text"], strict=True)}
    offset_problems: list[str | None] = []
    surface_problems: list[str | None] = []
    for doc_id, page, start, end, surface in zip(
        mentions["doc_id"],
        mentions["page"],
        mentions["char_start"],
        mentions["char_end"],
        mentions["surface"],
        strict=True,
    ):
        text = text_of.get((doc_id, int(page))) if pd.notna(page) else None
        if text is None:
            offset_problems.append(f"no page {page} of document {doc_id} in pages")
            surface_problems.append(None)
            continue
        if pd.isna(start) or pd.isna(end) or not 0 <= int(start) < int(end) <= len(text):
            offset_problems.append(f"[{start}, {end}) outside page {page} of {doc_id} ({len(text)} chars)")
            surface_problems.append(None)
            continue
        offset_problems.append(None)
        found = text[int(start) : int(end)]
        surface_problems.append(None if found == surface else f"surface {surface!r} but text has {found!r}")
    return pd.DataFrame(
        {
            "mention_id": mentions["mention_id"].to_numpy(),
            "offset_problem": pd.array(offset_problems, dtype=object),
            "surface_problem": pd.array(surface_problems, dtype=object),
        }
    )


def _parties_frame(collaborations: pd.DataFrame) -> pd.DataFrame:
    """collaboration_id, sorted_problem, count_problem: null where parties are well formed."""
    sorted_problems: list[str | None] = []
    count_problems: list[str | None] = []
    for cell in collaborations["parties"]:
        parties = _as_list(cell)
        ok = all(a < b for a, b in zip(parties, parties[1:]))  # strictly ascending: sorted, no repeats
        sorted_problems.append(None if ok else f"parties {parties} not sorted or repeated")
        distinct = len(set(parties))
        count_problems.append(None if distinct >= 2 else f"{distinct} distinct part{'y' if distinct == 1 else 'ies'}")
    return pd.DataFrame(
        {
            "collaboration_id": collaborations["collaboration_id"].to_numpy(),
            "sorted_problem": pd.array(sorted_problems, dtype=object),
            "count_problem": pd.array(count_problems, dtype=object),
        }
    )


def _elements(table: Table, df: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per element of list column `column`, with the table's key columns kept.

    Empty lists and null cells explode to a null element, which GX's column-map checks skip;
    the row-level not-null check already reports null cells.
    """
    keys = _key_columns(table, df)
    frame = df[[*keys, column]].copy()
    frame[column] = frame[column].map(_as_list)
    return frame.explode(column, ignore_index=True)


def derive_frames(table: Table, frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every frame `suite_for(table)` refers to, built from the release's `frames`.

    Raises KeyError naming a column the derivation needs but the input lacks; the caller reports
    the affected checks as failed rather than crashing the run.
    """
    df = frames[table.name]
    out: dict[str, pd.DataFrame] = {ROWS: df}
    for col in table.columns:
        if col.is_list and (col.vocabulary or col.bounds or col.unique or col.pattern or col.references):
            out[elements_frame(col.name)] = _elements(table, df, col.name)
    if table.name == "mentions":
        out["offsets"] = _offset_frame(df, frames["pages"])
    if table.name == "collaborations":
        out["parties"] = _parties_frame(df)
    return out


def reference_parameters(frames: Mapping[str, pd.DataFrame]) -> dict[str, list[Any]]:
    """Suite parameters: the existing values of every referenced (table, column)."""
    targets = {(c.references) for t in TABLES.values() for c in t.columns if c.references}
    # mentions.entity_id refers to either entity table (see `_mentions_rules`).
    targets |= {("institutions", "institution_id"), ("instruments", "instrument_id")}
    params: dict[str, list[Any]] = {}
    for table_name, column in sorted(targets):
        df = frames.get(table_name)
        values = df[column].dropna().unique().tolist() if df is not None and column in df.columns else []
        params[reference_parameter(table_name, column)] = values
    return params
