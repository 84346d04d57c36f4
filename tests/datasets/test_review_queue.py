"""The review queue: reasons, order, filters, links; and the quality report's review section."""

from __future__ import annotations

import copy

from govmap.datasets.curate import CurationReport, StaleDecision
from govmap.datasets.review_queue import page_link, review_queue, review_summary
from govmap.expectations.report import render_html
from govmap.expectations.validate import ValidationReport
from tests.expectations.conftest import DOC_OK, frames_from_rows, release_rows


def _frames(**changes):
    rows = copy.deepcopy(release_rows())
    for table, edit in changes.items():
        edit(rows[table])
    return frames_from_rows(rows)


def test_discovered_bodies_and_low_confidence_records_come_first() -> None:
    def low(rows):
        rows[0]["confidence"] = 0.3

    frames = _frames(mentions=low)
    items = review_queue(frames)
    assert items, "a release with a discovered body has something to review"
    scores = [i.score for i in items]
    assert scores == sorted(scores, reverse=True)
    assert any("low confidence" in i.reasons and i.table == "mentions" for i in items)
    discovered = set(frames["institutions"].loc[~frames["institutions"]["known"], "institution_id"])
    assert {i.id for i in items if "discovered body" in i.reasons} <= discovered


def test_new_means_not_in_the_previous_release_and_reviewed_records_leave_the_queue() -> None:
    frames = _frames()
    previous = {
        name: set() for name in ("institutions", "mentions", "collaborations", "criteria_ratings", "instruments")
    }
    everything = review_queue(frames, previous, new_only=True)
    assert {i.table for i in everything} >= {"mentions", "criteria_ratings"}
    same = {
        "mentions": set(frames["mentions"]["mention_id"]),
        "criteria_ratings": set(frames["criteria_ratings"]["rating_id"]),
        "institutions": set(frames["institutions"]["institution_id"]),
        "collaborations": set(frames["collaborations"]["collaboration_id"]),
        "instruments": set(),
    }
    assert review_queue(frames, same, new_only=True) == []

    def confirmed(rows):
        for r in rows:
            r["review"] = "confirmed"

    assert not [i for i in review_queue(_frames(mentions=confirmed), previous) if i.table == "mentions"]


def test_filters_by_document_and_confidence() -> None:
    frames = _frames()
    assert review_queue(frames, document="ffff") == []
    assert all(i.doc_id == DOC_OK for i in review_queue(frames, document=DOC_OK[:6]))
    kept = review_queue(frames, min_confidence=0.99)
    assert all(i.confidence is None or i.confidence >= 0.99 for i in kept)


def test_page_links_open_the_document_at_its_page() -> None:
    assert page_link("/data/reports/a.pdf", 3) == "file:///data/reports/a.pdf#page=3"
    assert page_link("https://example.org/a.pdf#top", 2) == "https://example.org/a.pdf#page=2"
    assert page_link("reports/a.pdf", 2) is None  # a relative path names no file for a browser


def test_the_report_shows_counts_stale_decisions_and_escaped_records() -> None:
    frames = _frames()
    curation = CurationReport(
        "cur.yaml",
        "a" * 64,
        ("#1 confirm mentions m-1",),
        (StaleDecision(2, "#2 never '<b>Annex</b>' is no institution", "no mention has this surface form"),),
    )
    review = review_summary(frames, curation, None)
    assert review["counts"]["mentions"]["machine"] == len(frames["mentions"])
    html = render_html(
        ValidationReport(passed=True, tables=()), release_id="r", quarantined=[], row_counts={}, review=review
    )
    assert "<h2 id=review>Review</h2>" in html and "1 decisions applied, 1 stale" in html
    assert "&lt;b&gt;Annex&lt;/b&gt;" in html and "<b>Annex" not in html
    assert "To review first" in html
