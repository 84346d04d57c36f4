"""Every curation operation applied to a small corpus, as publishing applies it: after
resolution, before validation; stale decisions reported, never dropped."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from govmap.datasets.curate import CurationRun
from govmap.datasets.curation import EMPTY, load_curation
from govmap.extractors.kb import load_kb
from govmap.extractors.records import Collaboration, DocMetadata, Extraction, Mention, Rating
from govmap.extractors.resolve import resolve
from govmap.flows.documents import DocumentResult, DocumentRow
from govmap.extractors.rows import record_rows

# Invented bodies: two names of one council the knowledge base does not know, and the OECD.
PAGE_A = (
    "The Northwind Safety Council signed an agreement with the OECD on testing. "
    "The Northwind Council will host the Harbour Lab next year. See Annex for details."
)
PAGE_B = "Officials of the Northwind Council met the OECD again; the Ferry Institute joined them."
WHO = "    by: ana\n    at: 2026-01-31\n    why: read the page\n"


def _mention(
    doc_id: str, page: str, key: str, surface: str, *, etype: str = "institution", at: int = 0, confidence: float = 0.9
) -> Mention:
    start = page.index(surface, at)
    return Mention(doc_id, etype, key, surface, 1, start, start + len(surface), page, "test", confidence)


def document(
    sha: str,
    page: str,
    mentions: list[tuple[str, str]],
    collaborations=(),
    ratings=(),
    instruments: list[tuple[str, str]] = (),
) -> DocumentResult:
    doc_id = sha[:16]
    row = DocumentRow(
        doc_id=doc_id,
        source_uri=f"/docs/{doc_id}.txt",
        media_type="text/plain",
        title=None,
        authors=(),
        publisher=None,
        published=None,
        n_pages=1,
        n_chars=len(page),
        sha256=sha,
        status="ok",
        error=None,
        ingested_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        pipeline_version="test",
    )
    found = [_mention(doc_id, page, k, s) for k, s in mentions]
    found += [_mention(doc_id, page, k, s, etype="instrument") for k, s in instruments]
    collabs = tuple(
        Collaboration(
            doc_id,
            tuple(keys),
            ("general_partnership",),
            ("partnership",),
            "existing",
            1,
            evidence,
            "prose:test",
            0.5,
            tuple(surfaces),
        )
        for keys, surfaces, evidence in collaborations
    )
    rates = tuple(
        Rating(doc_id, subject, key, "Reach", "strong", 1.0, "strong-weak", None, "t1", 1, "table:test")
        for subject, key in ratings
    )
    return DocumentResult(
        row=row, pages=(page,), extraction=Extraction(doc_id, DocMetadata(), tuple(found), collabs, rates)
    )


DOC_A = document(
    "a" * 64,
    PAGE_A,
    [
        ("new:northwind-safety-council", "Northwind Safety Council"),
        ("oecd", "OECD"),
        ("new:northwind-council", "Northwind Council"),
        ("new:harbour-lab", "Harbour Lab"),
        ("new:annex", "Annex"),
    ],
    collaborations=[
        (("new:northwind-safety-council", "oecd"), ("Northwind Safety Council", "OECD"), PAGE_A.split(". ")[0] + "."),
        (
            ("new:northwind-council", "new:harbour-lab"),
            ("Northwind Council", "Harbour Lab"),
            "The Northwind Council will host the Harbour Lab next year.",
        ),
    ],
    ratings=[("Northwind Council", "new:northwind-council")],
    instruments=[("mou", "agreement")],
)
DOC_B = document(
    "b" * 64,
    PAGE_B,
    [("new:northwind-council", "Northwind Council"), ("oecd", "OECD"), ("new:ferry-institute", "Ferry Institute")],
    collaborations=[(("new:northwind-council", "oecd"), ("Northwind Council", "OECD"), PAGE_B)],
)


def publish(
    tmp_path: Path, results: list[DocumentResult], decisions: str = ""
) -> tuple[dict[str, list[dict[str, Any]]], Any]:
    """The rows a release would hold, as `publish_release` makes them, and the curation report."""
    curation = EMPTY
    if decisions:
        path = tmp_path / "curation.yaml"
        path.write_text("decisions:\n" + decisions, encoding="utf-8")
        curation = load_curation(path)
    run = CurationRun(curation, resolve([r.extraction for r in results], load_kb()))
    tables: dict[str, list[dict[str, Any]]] = {
        "pages": [],
        "mentions": [],
        "collaborations": [],
        "criteria_ratings": [],
    }
    for r in results:
        for name, rows in run.document(
            r.row.doc_id, record_rows(r.row.doc_id, r.pages, r.extraction, run.resolution), r.pages
        ).items():
            tables[name] += rows
    tables["institutions"], tables["instruments"] = run.entity_rows()
    return tables, run.report()


def ids(rows: list[dict[str, Any]], key: str = "institution_id") -> set[str]:
    return {r[key] for r in rows}


def by_id(rows: list[dict[str, Any]], value: str, key: str = "institution_id") -> dict[str, Any]:
    return next(r for r in rows if r[key] == value)


def test_without_decisions_every_record_is_machine(tmp_path: Path) -> None:
    tables, report = publish(tmp_path, [DOC_A, DOC_B])
    assert {
        r["review"] for name in ("institutions", "mentions", "collaborations", "criteria_ratings") for r in tables[name]
    } == {"machine"}
    assert report.applied == () and report.stale == ()
    assert {"northwind-council", "northwind-safety-council", "oecd"} <= ids(tables["institutions"])


def test_merge_keeps_the_kept_id_unites_aliases_and_recounts(tmp_path: Path) -> None:
    before, _ = publish(tmp_path, [DOC_A, DOC_B])
    tables, report = publish(
        tmp_path,
        [DOC_A, DOC_B],
        f"  - op: merge\n    keep: northwind-council\n    drop: northwind-safety-council\n{WHO}",
    )
    assert "northwind-safety-council" not in ids(tables["institutions"])
    kept = by_id(tables["institutions"], "northwind-council")
    assert {"Northwind Council", "Northwind Safety Council"} <= set(kept["aliases"])
    assert kept["review"] == "corrected" and kept["reviewed_by"] == "ana" and kept["review_note"] == "read the page"
    assert kept["n_mentions"] == 3 and kept["n_documents"] == 2
    assert {m["entity_id"] for m in tables["mentions"] if m["surface"] == "Northwind Safety Council"} == {
        "northwind-council"
    }
    signed = next(c for c in tables["collaborations"] if "signed" in c["evidence"])
    assert signed["parties"] == ["northwind-council", "oecd"]
    # the record ids do not move with a merge, so decisions on them keep applying
    assert ids(tables["collaborations"], "collaboration_id") == ids(before["collaborations"], "collaboration_id")
    assert len(report.applied) == 1 and not report.stale


def test_a_merge_applies_to_a_document_added_later(tmp_path: Path) -> None:
    merge = f"  - op: merge\n    keep: northwind-council\n    drop: northwind-safety-council\n{WHO}"
    later_page = "The Northwind Safety Council published its first report."
    later = document("c" * 64, later_page, [("new:northwind-safety-council", "Northwind Safety Council")])
    tables, report = publish(tmp_path, [DOC_A, DOC_B, later], merge)
    new_mentions = [m for m in tables["mentions"] if m["doc_id"] == "c" * 16]
    assert [m["entity_id"] for m in new_mentions] == ["northwind-council"]
    assert by_id(tables["institutions"], "northwind-council")["n_documents"] == 3
    assert not report.stale


def test_split_moves_an_alias_and_its_records_to_a_body_of_its_own(tmp_path: Path) -> None:
    merged = f"  - op: merge\n    keep: northwind-council\n    drop: northwind-safety-council\n{WHO}"
    split = f"  - op: split\n    id: northwind-council\n    alias: Northwind Safety Council\n    new_id: nsc\n{WHO}"
    tables, report = publish(tmp_path, [DOC_A, DOC_B], merged + split)
    nsc = by_id(tables["institutions"], "nsc")
    assert nsc["name"] == "Northwind Safety Council" and nsc["n_mentions"] == 1 and nsc["known"] is False
    assert "Northwind Safety Council" not in by_id(tables["institutions"], "northwind-council")["aliases"]
    assert {m["entity_id"] for m in tables["mentions"] if m["surface"] == "Northwind Safety Council"} == {"nsc"}
    assert len(report.applied) == 2


def test_set_changes_name_kind_country_acronym(tmp_path: Path) -> None:
    decision = (
        f"  - op: set\n    id: ferry-institute\n    values: {{name: Ferry Institute of Testing, kind: research_organization, "
        f"country: NO, acronym: FIT}}\n{WHO}"
    )
    tables, _ = publish(tmp_path, [DOC_A, DOC_B], decision)
    row = by_id(tables["institutions"], "ferry-institute")
    assert (row["name"], row["kind"], row["country"], row["acronym"], row["review"]) == (
        "Ferry Institute of Testing",
        "research_organization",
        "NO",
        "FIT",
        "corrected",
    )


def test_never_an_institution_everywhere(tmp_path: Path) -> None:
    tables, report = publish(tmp_path, [DOC_A, DOC_B], f"  - op: never\n    surface: Annex\n{WHO}")
    assert "annex" not in ids(tables["institutions"])
    assert not [m for m in tables["mentions"] if m["surface"] == "Annex"]
    assert len(report.applied) == 1


def test_never_in_one_document_takes_the_body_out_of_its_collaborations(tmp_path: Path) -> None:
    decision = f"  - op: never\n    surface: Northwind Council\n    document: {'b' * 16}\n{WHO}"
    tables, report = publish(tmp_path, [DOC_A, DOC_B], decision)
    assert [m["doc_id"] for m in tables["mentions"] if m["surface"] == "Northwind Council"] == ["a" * 16]
    assert not [c for c in tables["collaborations"] if c["doc_id"] == "b" * 16]  # one party left: no collaboration
    council = by_id(tables["institutions"], "northwind-council")
    assert council["n_documents"] == 1 and council["n_mentions"] == 1
    assert len(report.applied) == 1


def _one(tables: dict[str, list[dict[str, Any]]], table: str, key: str, **match: Any) -> str:
    return next(r[key] for r in tables[table] if all(r[k] == v for k, v in match.items()))


@pytest.mark.parametrize(
    ("table", "key", "match"),
    [
        ("mentions", "mention_id", {"surface": "Harbour Lab"}),
        ("collaborations", "collaboration_id", {"doc_id": "b" * 16}),
        ("criteria_ratings", "rating_id", {"subject": "Northwind Council"}),
    ],
)
def test_reject_and_confirm_one_record(tmp_path: Path, table: str, key: str, match: dict[str, Any]) -> None:
    before, _ = publish(tmp_path, [DOC_A, DOC_B])
    record = _one(before, table, key, **match)
    tables, report = publish(tmp_path, [DOC_A, DOC_B], f"  - op: reject\n    table: {table}\n    id: '{record}'\n{WHO}")
    assert record not in ids(tables[table], key) and len(tables[table]) == len(before[table]) - 1
    tables, _ = publish(tmp_path, [DOC_A, DOC_B], f"  - op: confirm\n    table: {table}\n    id: '{record}'\n{WHO}")
    assert by_id(tables[table], record, key)["review"] == "confirmed"


def test_correct_a_collaboration_a_rating_and_a_mention(tmp_path: Path) -> None:
    before, _ = publish(tmp_path, [DOC_A, DOC_B])
    collab = _one(before, "collaborations", "collaboration_id", doc_id="b" * 16)
    rating = _one(before, "criteria_ratings", "rating_id", subject="Northwind Council")
    mention = _one(before, "mentions", "mention_id", surface="Ferry Institute")
    decisions = (
        f"  - op: correct\n    table: collaborations\n    id: '{collab}'\n    values: {{parties: [ferry-institute, oecd], "
        f"types: [funding], status: planned}}\n{WHO}"
        f"  - op: correct\n    table: ratings\n    id: '{rating}'\n    values: {{score: 0.5}}\n{WHO}"
        f"  - op: correct\n    table: mentions\n    id: '{mention}'\n    values: {{entity_id: northwind-council}}\n{WHO}"
    )
    tables, report = publish(tmp_path, [DOC_A, DOC_B], decisions)
    c = by_id(tables["collaborations"], collab, "collaboration_id")
    assert (c["parties"], c["types"], c["status"], c["review"]) == (
        ["ferry-institute", "oecd"],
        ["funding"],
        "planned",
        "corrected",
    )
    assert by_id(tables["criteria_ratings"], rating, "rating_id")["score"] == 0.5
    assert by_id(tables["mentions"], mention, "mention_id")["entity_id"] == "northwind-council"
    assert len(report.applied) == 3 and not report.stale


def test_add_records_the_pipeline_missed(tmp_path: Path) -> None:
    doc_b = "b" * 16
    decisions = (
        f"  - op: add\n    table: mentions\n    document: {doc_b}\n    page: 1\n    evidence: officials of the\n"
        f"      northwind council\n    values: {{entity_id: northwind-council, surface: Northwind Council}}\n{WHO}"
        f"  - op: add\n    table: collaborations\n    document: {doc_b}\n    page: 1\n"
        f"    evidence: the Ferry Institute joined them\n    values: {{parties: [ferry-institute, oecd], "
        f"types: [joint_research], status: existing}}\n{WHO}"
        f"  - op: add\n    table: ratings\n    document: {doc_b}\n    page: 1\n    evidence: met the OECD again\n"
        f"    values: {{subject: OECD, subject_id: oecd, criterion: Reach, rating: high, score: 1.0}}\n{WHO}"
    )
    tables, report = publish(tmp_path, [DOC_A, DOC_B], decisions)
    added = [
        r for name in ("mentions", "collaborations", "criteria_ratings") for r in tables[name] if r["review"] == "added"
    ]
    assert len(added) == 3 and not report.stale
    mention = next(r for r in added if "mention_id" in r)
    assert PAGE_B[mention["char_start"] : mention["char_end"]] == "Northwind Council"  # offsets index the page text
    assert mention["extractor"] == "review" and mention["confidence"] == 1.0
    collab = next(r for r in added if "collaboration_id" in r)
    assert collab["evidence"] == "the Ferry Institute joined them" and collab["parties"] == ["ferry-institute", "oecd"]


def test_instruments_take_the_same_operations(tmp_path: Path) -> None:
    decisions = (
        f"  - op: set\n    entity: instrument\n    id: mou\n    values: {{category: legal_instrument}}\n{WHO}"
        f"  - op: split\n    entity: instrument\n    id: mou\n    alias: agreement\n    new_id: testing-agreement\n{WHO}"
        f"  - op: merge\n    entity: instrument\n    keep: mou\n    drop: testing-agreement\n{WHO}"
        f"  - op: never\n    entity: instrument\n    surface: agreement\n{WHO}"
    )
    tables, report = publish(tmp_path, [DOC_A, DOC_B], decisions)
    assert not [m for m in tables["mentions"] if m["entity_type"] == "instrument"]
    assert "testing-agreement" not in ids(tables["instruments"], "instrument_id")
    assert "mou" not in ids(tables["instruments"], "instrument_id")  # its only mention was rejected
    assert len(report.applied) == 4 and not report.stale


def test_stale_decisions_are_reported_with_their_reason(tmp_path: Path) -> None:
    decisions = (
        f"  - op: merge\n    keep: northwind-council\n    drop: gone-body\n{WHO}"
        f"  - op: reject\n    table: collaborations\n    id: '0000000000000000'\n{WHO}"
        f"  - op: never\n    surface: Nowhere Board\n{WHO}"
        f"  - op: split\n    id: oecd\n    alias: Organisation of Nothing\n{WHO}"
        f"  - op: add\n    table: mentions\n    document: {'c' * 16}\n    page: 1\n    evidence: x\n"
        f"    values: {{entity_id: oecd}}\n{WHO}"
        f"  - op: add\n    table: mentions\n    document: {'b' * 16}\n    page: 1\n    evidence: words not on the page\n"
        f"    values: {{entity_id: oecd}}\n{WHO}"
        f"  - op: correct\n    table: collaborations\n    id: '{'1' * 16}'\n    values: {{status: planned}}\n{WHO}"
    )
    tables, report = publish(tmp_path, [DOC_A, DOC_B], decisions)
    reasons = {s.number: s.reason for s in report.stale}
    assert sorted(reasons) == [1, 2, 3, 4, 5, 6, 7] and report.applied == ()
    assert "gone-body not in this release" in reasons[1]
    assert reasons[2] == "no such record in this release"
    assert reasons[3] == "no mention has this surface form"
    assert "has no alias" in reasons[4]
    assert "not in this release" in reasons[5]
    assert "not on page 1" in reasons[6]
    assert report.to_dict()["decisions"] == 7
    baseline, _ = publish(tmp_path, [DOC_A, DOC_B])
    assert {k: len(v) for k, v in tables.items()} == {k: len(v) for k, v in baseline.items()}


def test_record_ids_survive_another_document_and_another_pipeline_version(tmp_path: Path) -> None:
    alone, _ = publish(tmp_path, [DOC_A])
    other = replace(DOC_A, row=replace(DOC_A.row, pipeline_version="9.9.9+other"))
    with_more, _ = publish(
        tmp_path,
        [
            DOC_B,
            other,
            document(
                "d" * 64,
                "The Ferry Institute and the OECD.",
                [("new:ferry-institute", "Ferry Institute"), ("oecd", "OECD")],
            ),
        ],
    )
    for table, key in (
        ("mentions", "mention_id"),
        ("collaborations", "collaboration_id"),
        ("criteria_ratings", "rating_id"),
    ):
        assert ids(alone[table], key) <= ids(with_more[table], key), table
