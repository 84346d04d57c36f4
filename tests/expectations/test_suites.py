from __future__ import annotations

from typing import Any

import pytest

from govmap.datasets.contract import TABLES, Table, to_arrow_schema
from govmap.expectations.suites import ROWS, SLUGS, elements_frame, suite_for


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_suite_columns_equal_contract_and_arrow(table: Table, gx_imported: Any) -> None:
    # One definition: the suite's column list, the contract and the Arrow schema must agree.
    suite = suite_for(table)
    (columns_match,) = [e for e in suite.expectations if e.meta["slug"] == "columns-match"]
    assert list(columns_match.column_list) == list(table.column_names) == to_arrow_schema(table).names


@pytest.mark.parametrize("table", list(TABLES.values()), ids=list(TABLES))
def test_every_contract_constraint_has_an_expectation(table: Table, gx_imported: Any) -> None:
    found = {(e.meta["slug"], e.meta["column"], e.meta["frame"]) for e in suite_for(table).expectations}
    for col in table.columns:
        frame = elements_frame(col.name) if col.is_list else ROWS
        assert (("not-null", col.name, ROWS) in found) == col.required
        if col.vocabulary:
            assert ("in-vocabulary", col.name, frame) in found
        if col.bounds:
            assert ("between", col.name, frame) in found
        if col.unique:
            assert ("unique", col.name, frame) in found
        if col.pattern:
            assert ("pattern", col.name, frame) in found
        if col.references:
            assert ("reference-exists", col.name, frame) in found


def test_list_vocabulary_checks_run_on_exploded_elements(gx_imported: Any) -> None:
    # GX cannot look inside list cells, so collaboration types are checked element by element.
    (types,) = [
        e
        for e in suite_for(TABLES["collaborations"]).expectations
        if e.meta["slug"] == "in-vocabulary" and e.meta["column"] == "types"
    ]
    assert types.meta["frame"] == "elements:types"


def test_every_slug_is_described(gx_imported: Any) -> None:
    for table in TABLES.values():
        for e in suite_for(table).expectations:
            assert e.meta["slug"] in SLUGS
