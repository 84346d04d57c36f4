from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govmap.expectations.validate import ValidationReport, validate_release
from govmap.errors import ContractError, ValidationFailed

Rows = dict[str, list[dict[str, Any]]]
Frames = dict[str, pd.DataFrame]


def test_minimal_release_passes(release_frames: Frames) -> None:
    report = validate_release(release_frames)
    assert report.failures == ()
    assert report.passed
    assert [t.table for t in report.tables] == list(release_frames)
    assert report.table("mentions").rows == 3


def _set(table: str, index: int, **values: Any) -> Callable[[Rows], None]:
    def mutate(rows: Rows) -> None:
        rows[table][index].update(values)

    return mutate


def _duplicate(table: str, index: int) -> Callable[[Rows], None]:
    def mutate(rows: Rows) -> None:
        rows[table].append(dict(rows[table][index]))

    return mutate


# Each case breaks one thing; (table, slug, column) is exactly the set of checks that must fail.
ROW_CASES = [
    # An unknown value in a closed vocabulary.
    pytest.param(
        _set("institutions", 0, kind="think_tank"), {("institutions", "in-vocabulary", "kind")}, id="unknown-kind"
    ),
    # The same, inside a list column: only the exploded elements show it.
    pytest.param(
        _set("collaborations", 0, types=["joint_research", "gossip"]),
        {("collaborations", "in-vocabulary", "types")},
        id="unknown-type-in-list",
    ),
    # A duplicated id (the duplicate row is otherwise consistent, so only uniqueness breaks).
    pytest.param(_duplicate("criteria_ratings", 1), {("criteria_ratings", "unique", "rating_id")}, id="duplicate-id"),
    # Normalised scores live in [0, 1].
    pytest.param(
        _set("criteria_ratings", 0, score=1.5), {("criteria_ratings", "between", "score")}, id="score-above-one"
    ),
    # A mention whose end runs past its page's text.
    pytest.param(
        _set("mentions", 2, char_end=10_000), {("mentions", "offset-in-page", "char_end")}, id="offset-past-page"
    ),
    # A mention on a page that does not exist.
    pytest.param(_set("mentions", 2, page=9), {("mentions", "offset-in-page", "char_end")}, id="missing-page"),
    # Offsets inside the page but the surface does not match the text there.
    pytest.param(
        _set("mentions", 0, surface="Harbour AI Safety Institute"),
        {("mentions", "surface-matches-text", "surface")},
        id="surface-mismatch",
    ),
    # Parties out of order.
    pytest.param(
        _set("collaborations", 0, parties=["northwind-standards-office", "harbor-aisi"]),
        {("collaborations", "parties-sorted", "parties")},
        id="parties-unsorted",
    ),
    # A collaboration of one.
    pytest.param(
        _set("collaborations", 0, parties=["harbor-aisi"]),
        {("collaborations", "parties-count", "parties")},
        id="single-party",
    ),
    # The same party twice is neither sorted-unique nor two parties.
    pytest.param(
        _set("collaborations", 0, parties=["harbor-aisi", "harbor-aisi"]),
        {("collaborations", "parties-sorted", "parties"), ("collaborations", "parties-count", "parties")},
        id="repeated-party",
    ),
    # A party that is not a published institution.
    pytest.param(
        _set("collaborations", 0, parties=["harbor-aisi", "zeta-lab"]),
        {("collaborations", "reference-exists", "parties")},
        id="dangling-party",
    ),
    # A rating subject pointing at no institution.
    pytest.param(
        _set("criteria_ratings", 0, subject_id="nobody"),
        {("criteria_ratings", "reference-exists", "subject_id")},
        id="dangling-subject-id",
    ),
    # An institution id used as an instrument: entity_id is checked against the right table.
    pytest.param(
        _set("mentions", 2, entity_id="harbor-aisi"),
        {("mentions", "reference-exists", "entity_id")},
        id="entity-id-wrong-table",
    ),
    # A row of a document that is not in documents.
    pytest.param(
        _set("pages", 1, doc_id="0123456789abcdef"),
        {("pages", "reference-exists", "doc_id"), ("mentions", "offset-in-page", "char_end")},
        id="dangling-doc-id",
    ),
    # A doc_id that is not 16 hex digits.
    pytest.param(
        _set("criteria_ratings", 0, doc_id="ABC"),
        {("criteria_ratings", "pattern", "doc_id"), ("criteria_ratings", "reference-exists", "doc_id")},
        id="bad-doc-id-pattern",
    ),
    # More documents than mentions is impossible.
    pytest.param(
        _set("instruments", 0, n_documents=2),
        {("instruments", "counts-consistent", "n_mentions")},
        id="documents-exceed-mentions",
    ),
    # A published entity nobody mentions.
    pytest.param(
        _set("institutions", 1, n_documents=0, n_mentions=0),
        {("institutions", "has-documents", "n_documents")},
        id="unmentioned-entity",
    ),
    # A quarantined document must say why.
    pytest.param(
        _set("documents", 1, error=None),
        {("documents", "error-when-quarantined", "error")},
        id="quarantined-without-error",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), ROW_CASES)
def test_one_broken_thing_fails_exactly_its_check(
    make_frames: Callable[[Callable[[Rows], None]], Frames],
    mutate: Callable[[Rows], None],
    expected: set[tuple[str, str, str]],
) -> None:
    report = validate_release(make_frames(mutate))
    assert not report.passed
    assert {(t, c.slug, c.column) for t, c in report.failures} == expected
    for _, check in report.failures:
        assert check.unexpected_count >= 1
        assert check.examples


def test_null_in_required_column(release_frames: Frames) -> None:
    # The Arrow writer refuses nulls in required columns, so break the frame as a reader got it.
    release_frames["mentions"].loc[1, "sentence"] = None
    report = validate_release(release_frames)
    assert {(t, c.slug, c.column) for t, c in report.failures} == {("mentions", "not-null", "sentence")}
    ((_, check),) = report.failures
    assert check.unexpected_count == 1
    assert check.examples == ("mention_id=m-2: null",)


def test_null_list_cell_is_not_null_failure(release_frames: Frames) -> None:
    release_frames["institutions"].at[0, "aliases"] = None
    report = validate_release(release_frames)
    assert {(t, c.slug, c.column) for t, c in report.failures} == {("institutions", "not-null", "aliases")}


def test_list_cells_as_python_lists_or_arrays(release_frames: Frames) -> None:
    # Readers may hand list cells as numpy arrays (pyarrow) or lists (other engines).
    collaborations = release_frames["collaborations"]
    collaborations["types"] = [list(v) + ["gossip"] for v in collaborations["types"]]
    collaborations["parties"] = [np.asarray(v) for v in collaborations["parties"]]
    report = validate_release(release_frames)
    ((table, check),) = report.failures
    assert (table, check.slug, check.column) == ("collaborations", "in-vocabulary", "types")
    assert check.examples == ("collaboration_id=c-1: 'gossip'",)


def test_reordered_columns_fail_columns_match(release_frames: Frames) -> None:
    df = release_frames["pages"]
    release_frames["pages"] = df[["page", "doc_id", "text"]]
    report = validate_release(release_frames)
    assert {(t, c.slug) for t, c in report.failures} == {("pages", "columns-match")}


def test_missing_column_is_reported_not_raised(release_frames: Frames) -> None:
    release_frames["collaborations"] = release_frames["collaborations"].drop(columns=["parties"])
    report = validate_release(release_frames)
    failed = {(t, c.slug, c.column) for t, c in report.failures}
    assert ("collaborations", "columns-match", None) in failed
    assert ("collaborations", "parties-sorted", "parties") in failed
    assert all(t == "collaborations" for t, _ in report.failures)


def test_missing_table_raises(release_frames: Frames) -> None:
    del release_frames["pages"]
    with pytest.raises(ContractError):
        validate_release(release_frames)


def test_report_json_round_trip_and_raise(make_frames: Callable[[Callable[[Rows], None]], Frames]) -> None:
    report = validate_release(make_frames(_set("criteria_ratings", 0, score=1.5)))
    assert ValidationReport.from_json(report.to_json()) == report
    with pytest.raises(ValidationFailed, match="criteria_ratings.score between"):
        report.raise_for_failure()


def test_passing_report_does_not_raise(release_frames: Frames) -> None:
    validate_release(release_frames).raise_for_failure()
