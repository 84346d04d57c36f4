"""govmap.load / govmap.connect and the query functions, over a small release on disk."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import govmap
from govmap.datasets.query import (
    Ambiguous,
    NotFound,
    ReleaseNotFound,
    connect_release,
    describe_views,
    document_profile,
    institution_profile,
    resolve_release,
)
from govmap.datasets.contract import TABLES
from govmap.errors import GovmapError
from tests.datasets.builders import (
    DOC_BAD,
    DOC_OK,
    RELEASE_1,
    RELEASE_2,
    release_rows,
    second_release_rows,
    write_release,
)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    write_release(tmp_path, release_rows(), RELEASE_1)
    return tmp_path


def test_api_is_exported() -> None:
    assert set(govmap.__all__) >= {"load", "connect"}
    assert callable(govmap.load) and callable(govmap.connect)


def test_load_keeps_contract_types(out: Path) -> None:
    documents = govmap.load("documents", out=out)
    assert list(documents.columns) == list(TABLES["documents"].column_names)
    assert isinstance(documents["doc_id"].dtype, pd.StringDtype)
    assert str(documents["ingested_at"].dtype.tz) == "UTC"
    assert documents["n_pages"].dtype == "int32"
    assert documents["authors"].map(type).eq(list).all()
    collaborations = govmap.load("collaborations", out=out)
    assert collaborations["parties"][0] == ["harbor-aisi", "northwind-standards-office"]
    institutions = govmap.load("institutions", out=out)
    assert institutions["known"].dtype == bool


def test_load_a_named_release(out: Path) -> None:
    write_release(out, second_release_rows(), RELEASE_2)
    assert len(govmap.load("institutions", out=out)) == 3
    assert len(govmap.load("institutions", out=out, release=RELEASE_1)) == 2


def test_unknown_table_is_a_key_error(out: Path) -> None:
    with pytest.raises(KeyError, match="no table 'institution'"):
        govmap.load("institution", out=out)


def test_no_release_is_a_govmap_error(tmp_path: Path) -> None:
    with pytest.raises(ReleaseNotFound, match="no promoted release yet"):
        govmap.load("institutions", out=tmp_path)
    with pytest.raises(GovmapError):
        govmap.connect(out=tmp_path)


def test_unknown_release_id(out: Path) -> None:
    with pytest.raises(ReleaseNotFound, match="no release 'nope'"):
        resolve_release(out, "nope")


def test_connect_has_one_view_per_table(out: Path) -> None:
    con = govmap.connect(out=out)
    views = describe_views(con)
    assert list(views) == list(TABLES)
    for name, columns in views.items():
        assert [c for c, _ in columns] == list(TABLES[name].column_names)
    assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 3


@pytest.mark.parametrize(
    "key",
    [
        "harbor-aisi",  # id
        "HARBOR AI SAFETY INSTITUTE",  # name, any case
        "nso",  # acronym of the other one, checked below
    ],
)
def test_find_institution_by_id_name_acronym(out: Path, key: str) -> None:
    con = connect_release(resolve_release(out))
    profile = institution_profile(con, key)
    expected = "northwind-standards-office" if key == "nso" else "harbor-aisi"
    assert profile["institution"]["institution_id"] == expected


def test_institution_profile_content(out: Path) -> None:
    con = connect_release(resolve_release(out))
    p = institution_profile(con, "harbor-aisi")
    assert p["documents"] == [
        {
            "doc_id": DOC_OK,
            "title": "Harbor report",
            "source_uri": "reports/one.txt",
            "mentions": 1,
            "collaborations": 1,
            "ratings": 1,
        }
    ]
    (collab,) = p["collaborations"]
    assert collab["partners"] == ["Northwind Standards Office"]
    assert collab["types"] == ["information_sharing"] and collab["status"] == "announced"
    assert [r["criterion"] for r in p["ratings"]] == ["Independence"]


def test_ambiguous_and_missing_institution(tmp_path: Path) -> None:
    rows = release_rows()
    rows["institutions"][1]["aliases"].append("Harbor AI Safety Institute")  # a shared alias
    write_release(tmp_path, rows, RELEASE_1)
    con = connect_release(resolve_release(tmp_path))
    with pytest.raises(Ambiguous) as info:
        institution_profile(con, "harbor ai safety institute")
    assert {c["institution_id"] for c in info.value.candidates} == {"harbor-aisi", "northwind-standards-office"}
    with pytest.raises(NotFound):
        institution_profile(con, "nobody")


def test_document_profile(out: Path) -> None:
    con = connect_release(resolve_release(out))
    p = document_profile(con, DOC_OK[:6])
    assert p["document"]["doc_id"] == DOC_OK
    assert p["counts"] == {"pages": 2, "mentions": 3, "collaborations": 1, "criteria_ratings": 2}
    assert [i["institution_id"] for i in p["institutions"]] == ["harbor-aisi", "northwind-standards-office"]
    bad = document_profile(con, "reports/broken.pdf")
    assert bad["document"]["doc_id"] == DOC_BAD and bad["document"]["status"] == "quarantined"
    assert document_profile(con, "broken.pdf")["document"]["doc_id"] == DOC_BAD
    with pytest.raises(NotFound):
        document_profile(con, "ffffffffffff")
