"""The CLI over the shared reference corpus (text and PDF versions together): the table-borne
facts must come out exactly, from both versions, as annotated in tests/eval/tables/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.flows.test_end_to_end import query, run_cli

pytestmark = pytest.mark.slow

ANNOTATIONS = Path(__file__).resolve().parents[1] / "eval" / "tables"


def gold(stem: str) -> dict:
    return json.loads(next(ANNOTATIONS.glob(f"{stem}_*.json")).read_text())


@pytest.fixture(scope="module")
def corpus_out(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory, prefect_server: str) -> Path:
    out = tmp_path_factory.mktemp("corpus-release")
    result = run_cli(
        "run", str(shared_corpus / "text"), str(shared_corpus / "pdf"), "--out", str(out), api_url=prefect_server
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def doc_ids(out: Path, stem: str) -> list[str]:
    """The text and the PDF version of one corpus document."""
    rows = query(
        out, f"SELECT doc_id FROM documents WHERE source_uri LIKE '%/{stem}_%' AND status = 'ok' ORDER BY media_type"
    )
    assert len(rows) == 2, rows
    return [r[0] for r in rows]


def test_all_ten_documents_published_and_valid(corpus_out: Path) -> None:
    assert query(corpus_out, "SELECT status, count(*) FROM documents GROUP BY status") == [("ok", 10)]
    manifest = json.loads(((corpus_out / "latest").resolve() / "manifest.json").read_text())
    assert manifest["validation_passed"] is True


def test_host_ratings_with_rationales_exact(corpus_out: Path) -> None:
    table = gold("003")["ratings"][0]
    expected = {(s, c, r, sc, table["subject_keys"][s]) for s, c, r, sc in table["cells"]}
    for doc_id in doc_ids(corpus_out, "003"):
        rows = query(
            corpus_out,
            f"""
            SELECT subject, criterion, rating, score, subject_id, rationale, table_id, scale FROM criteria_ratings
            WHERE doc_id = '{doc_id}' AND extractor LIKE 'table:%'""",
        )  # prose ratings: make eval
        assert {r[:5] for r in rows} == expected
        assert {r[6] for r in rows} == {table["table_id"]} and {r[7] for r in rows} == {table["scale"]}
        for subject, criterion, *_rest, rationale, _t, _s in rows:
            opens = table["rationale_opens"][f"{subject}|{criterion}"]
            assert rationale and rationale.split()[0] == opens, (subject, criterion, rationale)


def test_proposal_instrument_presence_matrix_exact(corpus_out: Path) -> None:
    table = gold("000")["ratings"][0]
    expected = {
        (s, c, "x" if c in table["marked"].get(s, []) else "", 1.0 if c in table["marked"].get(s, []) else 0.0)
        for s in table["subjects"]
        for c in table["criteria"]
    }
    assert len(expected) == 60
    for doc_id in doc_ids(corpus_out, "000"):
        rows = query(
            corpus_out,
            f"""
            SELECT subject, criterion, rating, score FROM criteria_ratings
            WHERE doc_id = '{doc_id}' AND scale = 'presence'""",
        )
        assert set(rows) == expected and len(rows) == 60


def test_instrument_definitions_carry_their_descriptions(corpus_out: Path) -> None:
    names = gold("000")["ratings"][0]["criteria"]
    rows = query(corpus_out, "SELECT name, description FROM instruments WHERE description IS NOT NULL")
    described = {name.lower(): description for name, description in rows}
    for name in names:
        assert name.lower() in described, name
        assert len(described[name.lower()].split()) >= 3


def test_collaboration_table_exact(corpus_out: Path) -> None:
    expected = {(tuple(c["parties"]), tuple(c["types"])) for c in gold("004")["collaborations"]}
    assert len(expected) == 17
    for doc_id in doc_ids(corpus_out, "004"):
        rows = query(
            corpus_out,
            f"""
            SELECT parties, types, status FROM collaborations
            WHERE doc_id = '{doc_id}' AND extractor = 'table:collaboration'""",
        )
        assert {(tuple(p), tuple(t)) for p, t, _ in rows} == expected
        assert {s for *_x, s in rows} == {"existing"}


def test_same_body_same_id_across_documents(corpus_out: Path) -> None:
    # The OECD is named by several reports, as text and as PDF: one row, counted in each.
    rows = query(corpus_out, "SELECT institution_id, n_documents FROM institutions WHERE acronym = 'OECD'")
    assert len(rows) == 1 and rows[0][1] >= 4
    assert os.path.islink(corpus_out / "latest")
