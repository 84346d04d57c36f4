"""Release diffs by primary key."""

from __future__ import annotations

from pathlib import Path

import pytest

from govmap.datasets.diff import default_pair, diff_releases, previous_release
from govmap.datasets.query import ReleaseNotFound
from tests.datasets.builders import RELEASE_1, RELEASE_2, release_rows, second_release_rows, write_release


@pytest.fixture
def out(tmp_path: Path) -> Path:
    write_release(tmp_path, release_rows(), RELEASE_1)
    write_release(tmp_path, second_release_rows(), RELEASE_2)
    return tmp_path


def test_default_pair_is_previous_and_latest(out: Path) -> None:
    old, new = default_pair(out)
    assert (old.name, new.name) == (RELEASE_1, RELEASE_2)


def test_diff_counts_by_primary_key(out: Path) -> None:
    d = diff_releases(*default_pair(out))
    by = {t.table: t for t in d.tables}
    assert (by["institutions"].added, by["institutions"].removed, by["institutions"].changed) == (1, 0, 1)
    assert by["institutions"].added_keys == ["eastgate-lab"] and by["institutions"].changed_keys == ["harbor-aisi"]
    assert (by["instruments"].removed, by["instruments"].removed_keys) == (1, ["incident-register"])
    assert (by["mentions"].added, by["mentions"].removed, by["mentions"].changed) == (1, 1, 0)
    assert (by["criteria_ratings"].changed, by["criteria_ratings"].changed_keys) == (1, ["r-1"])
    assert by["documents"].unchanged and by["pages"].unchanged and by["collaborations"].unchanged
    assert [i["institution_id"] for i in d.institutions_appeared] == ["eastgate-lab"]
    assert d.institutions_vanished == []
    assert not d.unchanged


def test_same_release_is_unchanged(out: Path) -> None:
    d = diff_releases(*default_pair(out, RELEASE_1, RELEASE_1))
    assert d.unchanged  # null scores compare equal: a null is not a change


def test_reverse_diff_names_vanished_institutions(out: Path) -> None:
    d = diff_releases(*default_pair(out, RELEASE_2, RELEASE_1))
    assert [i["institution_id"] for i in d.institutions_vanished] == ["eastgate-lab"]


def test_no_previous_release(tmp_path: Path) -> None:
    write_release(tmp_path, release_rows(), RELEASE_1)
    assert previous_release(tmp_path, tmp_path / "releases" / RELEASE_1) is None
    with pytest.raises(ReleaseNotFound, match="no release before"):
        default_pair(tmp_path)
