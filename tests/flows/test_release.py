"""publish_release as a plain function: a passing release is promoted, a failing one is written
with its quality report but never becomes `latest`."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from govmap.datasets.release import LATEST, input_fingerprint, latest_release, list_releases
from govmap.extractors.records import DocMetadata, Extraction, Mention
from govmap.flows.documents import DocumentResult, DocumentRow, quarantine
from govmap.flows.release import publish_release

PAGE = "The Frontier Review Board (FRB) met the OECD in spring."


def result(*, char_end: int = 25, sha: str = "a" * 64) -> DocumentResult:
    doc_id = sha[:16]
    row = DocumentRow(
        doc_id=doc_id,
        source_uri="memo.txt",
        media_type="text/plain",
        title="Memo",
        authors=(),
        publisher=None,
        published="2025",
        n_pages=1,
        n_chars=len(PAGE),
        sha256=sha,
        status="ok",
        error=None,
        ingested_at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
        pipeline_version="test",
    )
    mention = Mention(
        doc_id, "institution", "oecd", "OECD", 1, PAGE.index("OECD"), PAGE.index("OECD") + 4, PAGE, "kb:test", 1.0
    )
    frb = Mention(
        doc_id,
        "institution",
        "new:frontier-review-board",
        "Frontier Review Board",
        1,
        4,
        char_end,
        PAGE,
        "discovery:test",
        0.8,
    )
    return DocumentResult(row=row, pages=(PAGE,), extraction=Extraction(doc_id, DocMetadata(), (frb, mention)))


def publish(out: Path, results: list[DocumentResult], tag: str):
    fingerprint = input_fingerprint([r.row.sha256 for r in results], pipeline_version="test", extra=tag)
    return publish_release(lambda: iter(results), out, fingerprint=fingerprint, pipeline_version="test")


@pytest.mark.slow  # great-expectations validation costs a few seconds
def test_failing_release_is_written_but_not_promoted(tmp_path: Path) -> None:
    good = publish(tmp_path, [result()], "good")
    assert good.promoted and latest_release(tmp_path) == good.path
    before = os.readlink(tmp_path / LATEST)

    # A mention whose end lies past the page text: offsets must stay inside `pages.text`.
    bad = publish(tmp_path, [result(char_end=len(PAGE) + 40, sha="b" * 64)], "bad")
    assert not bad.promoted and not bad.validation_passed
    assert os.readlink(tmp_path / LATEST) == before
    assert [p.name for p in list_releases(tmp_path)] == sorted([good.release_id, bad.release_id])
    report = json.loads(bad.report_json.read_text())
    assert report["passed"] is False
    assert "offset-in-page" in bad.summary
    assert "FAILED" in bad.report_html.read_text().upper()
    assert json.loads((bad.path / "manifest.json").read_text())["validation_passed"] is False


@pytest.mark.slow  # great-expectations validation costs a few seconds
@pytest.mark.parametrize("prepared", [True, False])
def test_figures_drawn_beside_validation_reach_the_report(tmp_path: Path, prepared: bool) -> None:
    # The network figure is drawn in a separate process while the release validates; whether
    # that process was started early (`prepare_publish`, as a run does) or at publish time, the
    # figure lands in quality/ and inline in the report.
    from dataclasses import replace

    from govmap.extractors.records import Collaboration
    from govmap.flows.release import prepare_publish

    base = result()
    collaboration = Collaboration(
        base.row.doc_id,
        ("new:frontier-review-board", "oecd"),
        ("joint_research",),
        ("met",),
        "existing",
        1,
        PAGE,
        "prose:test",
        0.9,
        ("Frontier Review Board", "OECD"),
    )
    with_collaboration = replace(base, extraction=replace(base.extraction, collaborations=(collaboration,)))
    if prepared:
        prepare_publish()
    outcome = publish(tmp_path, [with_collaboration], f"figures-{prepared}")
    assert outcome.promoted
    quality = outcome.path / "quality"
    assert (quality / "collaboration_network.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert (quality / "collaboration_network.png").read_bytes()[:4] == b"\x89PNG"
    html = outcome.report_html.read_text()
    assert "<svg" in html and "Frontier Review Board" in html


@pytest.mark.slow  # great-expectations validation costs a few seconds
def test_a_bad_row_is_set_aside_and_the_rest_promoted(tmp_path: Path) -> None:
    # One document among others carries a mention whose end lies past its page: once the whole
    # release waited for a code fix; now that mention is set aside and the rest is published.
    import pyarrow.parquet as pq

    good, bad = result(), result(char_end=len(PAGE) + 40, sha="b" * 64)
    fingerprint = input_fingerprint(["a" * 64, "b" * 64], pipeline_version="test", extra="rows")
    outcome = publish_release(
        lambda: iter([good, bad]), tmp_path, fingerprint=fingerprint, pipeline_version="test", max_rejected=0.5
    )
    assert outcome.promoted and latest_release(tmp_path) == outcome.path
    assert outcome.rejected_rows == 1 and outcome.rows["mentions"] == 3
    assert outcome.summary.startswith("validation PASSED with 1 rejected row")
    rejected = pq.read_table(outcome.path / "quality" / "rejected.parquet").to_pylist()
    assert [(r["table"], r["check"]) for r in rejected] == [("mentions", "offset-in-page")]
    assert "outside page 1" in rejected[0]["reason"]
    mentions = pq.read_table(outcome.path / "mentions.parquet").to_pylist()
    assert all(m["char_end"] <= len(PAGE) for m in mentions)
    report = json.loads(outcome.report_json.read_text())
    assert report["passed"] is True and report["rejected"]["count"] == 1
    assert "Rejected rows (1)" in outcome.report_html.read_text()

    # The default limit (1 % of any table) is far below one mention in four: not promoted.
    second = publish_release(
        lambda: iter([good, bad]), tmp_path, fingerprint=fingerprint + "x", pipeline_version="test"
    )
    assert not second.promoted and latest_release(tmp_path) == outcome.path
    assert "more than 1%" in second.summary


def test_credentials_and_tokens_are_not_published(tmp_path: Path) -> None:
    """The pull uses the URI as given; documents.parquet, manifest.json, the card and the report
    never hold its password or token."""
    import pyarrow.parquet as pq
    from dataclasses import replace

    uri = "http://alice:s3cr3t@host.example/doc.md?token=abc123"
    ok = result()
    ok = replace(ok, row=replace(ok.row, source_uri=uri))
    failed = quarantine(
        uri.replace("doc.md", "gone.md"), f"{uri.replace('doc.md', 'gone.md')}: HTTP 404; document quarantined"
    )
    outcome = publish(tmp_path, [ok, failed], "secrets")
    published = [p for p in outcome.path.rglob("*") if p.is_file()]
    for path in published:
        data = path.read_bytes()
        assert b"s3cr3t" not in data and b"abc123" not in data and b"alice" not in data, path
    documents = pq.read_table(outcome.path / "documents.parquet").to_pylist()
    assert {d["source_uri"] for d in documents} == {
        "http://host.example/doc.md?token=REDACTED",
        "http://host.example/gone.md?token=REDACTED",
    }


@pytest.mark.slow  # great-expectations validation costs a few seconds
def test_a_kb_overlay_body_reaches_the_release_and_its_manifest(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    overlay = tmp_path / "kb"
    overlay.mkdir()
    body = {
        "id": "frontier-review-board",
        "name": "Frontier Review Board",
        "acronym": "FRB",
        "aliases": [],
        "kind": "government_body",
        "country": None,
    }
    (overlay / "institutions.jsonl").write_text(json.dumps(body) + "\n")
    base = result()
    frb = replace(base.extraction.mentions[0], key="frontier-review-board", extractor="kb:test")
    linked = replace(base, extraction=replace(base.extraction, mentions=(frb, base.extraction.mentions[1])))
    fingerprint = input_fingerprint(["a" * 64], pipeline_version="test", extra="overlay")
    outcome = publish_release(
        lambda: iter([linked]),
        tmp_path / "out",
        fingerprint=fingerprint,
        pipeline_version="test",
        kb_overlay=str(overlay),
    )
    assert outcome.promoted
    rows = pq.read_table(outcome.path / "institutions.parquet").to_pylist()
    (row,) = [r for r in rows if r["institution_id"] == "frontier-review-board"]
    assert row["name"] == "Frontier Review Board" and row["kind"] == "government_body"
    kb = json.loads((outcome.path / "manifest.json").read_text())["knowledge_base"]
    assert kb["overlay_sha256"] and "+overlay." in kb["version"]
