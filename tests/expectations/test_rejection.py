"""Row checks set rows aside; release checks stop the release (`govmap.expectations.rejection`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from govmap.expectations import reject_rows, validate_release
from govmap.expectations.rejection import check_max_rejected
from tests.expectations.conftest import DOC_OK
from tests.expectations.test_validate import ROW_CASES, _duplicate

Frames = dict[str, pd.DataFrame]
Rows = dict[str, list[dict[str, Any]]]

# Every case of one broken row, except the duplicated key: that one is a release check.
ROW_ONLY = [case for case in ROW_CASES if case.id != "duplicate-id"]


@pytest.mark.slow  # two validations per case, seventeen cases
@pytest.mark.parametrize(("mutate", "expected"), ROW_ONLY)
def test_rows_failing_a_row_check_are_set_aside_and_the_rest_passes(
    make_frames: Callable[[Callable[[Rows], None]], Frames],
    mutate: Callable[[Rows], None],
    expected: set[tuple[str, str, str]],
) -> None:
    frames = make_frames(mutate)
    report = validate_release(frames)
    assert not report.passed and report.release_failures == ()
    rejection = reject_rows(frames, report.row_failures)
    # A row failing two checks is set aside once, under the first.
    direct = {
        row
        for row in zip(rejection.rejected["table"], rejection.rejected["check"], rejection.rejected["column"])
        if row[1] != "depends-on-rejected"
    }
    assert direct and direct <= expected
    assert rejection.rejected["reason"].str.len().min() > 0
    assert validate_release(rejection.frames).passed  # what is left holds every check


def test_a_repeated_key_is_a_release_failure(make_frames: Callable[[Callable[[Rows], None]], Frames]) -> None:
    report = validate_release(make_frames(_duplicate("criteria_ratings", 1)))
    assert [(t, c.slug) for t, c in report.release_failures] == [("criteria_ratings", "unique")]
    assert report.row_failures == ()


def test_dependents_go_with_the_row_they_depend_on(release_frames: Frames) -> None:
    # An institution set aside takes the mention naming it, the collaboration it is a party to
    # and the rating of it; a document set aside takes everything it holds.
    from govmap.expectations.validate import RowFailure

    institution = RowFailure(
        "institutions", "has-documents", "n_documents", (("institution_id", "harbor-aisi"),), "why"
    )
    rejection = reject_rows(release_frames, [institution])
    gone = set(zip(rejection.rejected["table"], rejection.rejected["key"]))
    assert gone == {
        ("institutions", "institution_id=harbor-aisi"),
        ("mentions", "mention_id=m-1"),
        ("collaborations", "collaboration_id=c-1"),
        ("criteria_ratings", "rating_id=r-1"),
    }
    assert list(rejection.frames["mentions"]["mention_id"]) == ["m-2", "m-3"]
    assert rejection.per_table() == {"collaborations": 1, "criteria_ratings": 1, "institutions": 1, "mentions": 1}

    document = RowFailure("documents", "not-null", "title", (("doc_id", DOC_OK),), "why")
    rejection = reject_rows(release_frames, [document])
    assert {t: len(df) for t, df in rejection.frames.items() if t not in ("institutions", "instruments")} == {
        "documents": 1,
        "pages": 0,
        "mentions": 0,
        "collaborations": 0,
        "criteria_ratings": 0,
    }
    assert set(rejection.rejected["check"]) == {"not-null", "depends-on-rejected"}


def test_share_over_the_limit_is_reported(release_frames: Frames) -> None:
    from govmap.expectations.validate import RowFailure

    mention = RowFailure("mentions", "offset-in-page", "char_end", (("mention_id", "m-3"),), "why")
    rejection = reject_rows(release_frames, [mention])
    assert rejection.over(0.5) == {}
    assert rejection.over(0.01) == {"mentions": (1, 3)}


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_max_rejected_must_be_a_fraction(value: float) -> None:
    with pytest.raises(ValueError, match="max_rejected"):
        check_max_rejected(value)
