"""`govmap run --spacy-model`: a trained model's names reach the published tables."""

from __future__ import annotations

import pytest

from tests.flows.test_end_to_end import query, run_cli
from tests.tiny_model import train_tiny_ner

pytestmark = pytest.mark.slow

# Our own brief: one name only a model can find (no organisation head word), one the KB knows.
BRIEF = """Compute reporting pilot

Quillfeather signed a memorandum with the regulator last spring to share evaluation results.
The OECD welcomed the pilot. A spokesperson for Quillfeather declined to comment on the audit.
"""


def test_a_trained_model_adds_institutions_to_the_release(tmp_path, prefect_server):
    model = train_tiny_ner(tmp_path / "tiny-ner")
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "brief.md").write_text(BRIEF)

    plain_out = tmp_path / "plain"
    result = run_cli("run", str(corpus), "--out", str(plain_out), api_url=prefect_server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(plain_out, "SELECT count(*) FROM institutions WHERE name = 'Quillfeather'") == [(0,)]

    out = tmp_path / "model"
    result = run_cli("run", str(corpus), "--out", str(out), "--spacy-model", str(model), api_url=prefect_server)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = query(
        out,
        "SELECT m.extractor, count(*) FROM mentions m JOIN institutions i ON m.entity_id = i.institution_id "
        "WHERE i.name = 'Quillfeather' GROUP BY m.extractor",
    )
    assert rows and {r[0] for r in rows} == {"discovery.model_ner"} and sum(r[1] for r in rows) == 2
    assert query(out, "SELECT count(*) FROM institutions WHERE acronym = 'OECD'") == [(1,)]

    # the model is part of what a release was built from: unchanged inputs and model, nothing to do
    again = run_cli("run", str(corpus), "--out", str(out), "--spacy-model", str(model), api_url=prefect_server)
    assert again.returncode == 0 and "nothing changed" in again.stdout


def test_a_missing_model_fails_before_any_work(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "brief.md").write_text(BRIEF)
    result = run_cli("run", str(corpus), "--out", str(tmp_path / "out"), "--spacy-model", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "--spacy-model" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "releases").exists()
