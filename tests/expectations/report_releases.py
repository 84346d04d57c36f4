"""Releases published the way the pipeline publishes them (`govmap.flows.release.publish_release`), from
per-document results of our own invented documents, so the quality report under test is the one
a real run writes: validation, diff against the promoted release, figures and all.

- `first_results`: one memo naming two bodies that collaborate.
- `second_results`: that memo, a second one (a third body, two more collaborations and a rating
  table of three subjects by four criteria) and an unreadable PDF that is quarantined.
- `broken_results`: the second set with two faults validation must catch: a body whose kind is
  outside the vocabulary, and a mention whose offsets run past its page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from govmap.datasets.release import input_fingerprint
from govmap.extractors.records import Collaboration, Discovery, Extraction, Mention, Rating, discovered_key
from govmap.flows.documents import DocumentResult, DocumentRow
from govmap.flows.release import PublishOutcome, publish_release
from tests.expectations.conftest import QUARANTINE_ERROR

__all__ = [
    "BAD_KIND",
    "CRITERIA",
    "QUARANTINE_ERROR",
    "SUBJECTS",
    "broken_results",
    "first_results",
    "publish",
    "second_results",
]

WHEN = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)

# Our own invented text.
MEMO_1 = (
    "The Harbor AI Safety Institute and the Northwind Standards Office agreed to share test "
    "results before each release."
)
MEMO_2_P1 = (
    "Eastgate Lab will run joint research on evaluation methods with the Harbor AI Safety "
    "Institute, and the Northwind Standards Office plans shared guidelines with Eastgate Lab."
)
MEMO_2_P2 = "Table 1 rates each body on independence, reach, funding and transparency."

HARBOR = ("Harbor AI Safety Institute", "ai_safety_institute")
NORTHWIND = ("Northwind Standards Office", "standards_body")
EASTGATE = ("Eastgate Lab", "research_organization")
SUBJECTS = (HARBOR[0], NORTHWIND[0], EASTGATE[0])
CRITERIA = ("Independence", "Reach", "Funding", "Transparency")
# strong / mixed / weak as 1.0 / 0.5 / 0.0; one cell left blank in the table.
GRID = (("strong", "mixed", "weak", "strong"), ("mixed", "strong", "mixed", ""), ("weak", "weak", "strong", "mixed"))
SCORES = {"strong": 1.0, "mixed": 0.5, "weak": 0.0, "": None}
BAD_KIND = "space_agency"  # not one of the contract's institution kinds


def _row(
    name: str, *, media_type: str = "text/plain", pages: tuple[str, ...] = (), error: str | None = None
) -> DocumentRow:
    sha = hashlib.sha256(name.encode()).hexdigest()
    return DocumentRow(
        doc_id=sha[:16],
        source_uri=name,
        media_type=media_type,
        title=None if error else name.split(".")[0].title(),
        authors=(),
        publisher=None,
        published=None if error else "2025",
        n_pages=len(pages),
        n_chars=sum(len(p) for p in pages),
        sha256=sha,
        status="quarantined" if error else "ok",
        error=error,
        ingested_at=WHEN,
        pipeline_version="test",
    )


def _mentions(doc_id: str, page: int, text: str, names: tuple[str, ...]) -> list[Mention]:
    out = []
    for name in names:
        start = text.index(name)
        out.append(
            Mention(
                doc_id,
                "institution",
                discovered_key(name),
                name,
                page,
                start,
                start + len(name),
                text,
                "discovery:test",
                0.9,
            )
        )
    return out


def _discoveries(*bodies: tuple[str, str]) -> tuple[Discovery, ...]:
    return tuple(
        Discovery("institution", discovered_key(name), name, kind=kind, extractor="discovery:test")
        for name, kind in bodies
    )


def _memo_1() -> DocumentResult:
    row = _row("memo-one.txt", pages=(MEMO_1,))
    collaboration = Collaboration(
        row.doc_id,
        (discovered_key(HARBOR[0]), discovered_key(NORTHWIND[0])),
        ("resource_sharing",),
        ("share test results",),
        "announced",
        1,
        MEMO_1,
        "prose:test",
        0.8,
    )
    extraction = Extraction(
        row.doc_id,
        mentions=tuple(_mentions(row.doc_id, 1, MEMO_1, (HARBOR[0], NORTHWIND[0]))),
        collaborations=(collaboration,),
        discoveries=_discoveries(HARBOR, NORTHWIND),
    )
    return DocumentResult(row=row, pages=(MEMO_1,), extraction=extraction)


def _memo_2(*, eastgate_kind: str = EASTGATE[1], overrun: int = 0) -> DocumentResult:
    row = _row("memo-two.txt", pages=(MEMO_2_P1, MEMO_2_P2))
    mentions = _mentions(row.doc_id, 1, MEMO_2_P1, (EASTGATE[0], HARBOR[0], NORTHWIND[0]))
    if overrun:  # offsets past the end of the page: the offset-in-page check must catch it
        last = mentions[-1]
        mentions[-1] = Mention(
            last.doc_id,
            last.entity_type,
            last.key,
            last.surface,
            last.page,
            len(MEMO_2_P1) - 5,
            len(MEMO_2_P1) + overrun,
            last.sentence,
            last.extractor,
            last.confidence,
        )
    key = discovered_key
    collaborations = (
        Collaboration(
            row.doc_id,
            (key(EASTGATE[0]), key(HARBOR[0])),
            ("joint_research",),
            ("joint research",),
            "planned",
            1,
            MEMO_2_P1,
            "prose:test",
            0.8,
        ),
        Collaboration(
            row.doc_id,
            (key(NORTHWIND[0]), key(EASTGATE[0])),
            ("standards_guidelines",),
            ("shared guidelines",),
            "planned",
            1,
            MEMO_2_P1,
            "prose:test",
            0.7,
        ),
    )
    ratings = tuple(
        Rating(
            row.doc_id,
            subject,
            key(subject),
            criterion,
            rating,
            SCORES[rating],
            "strong-mixed-weak",
            None,
            "table-1",
            2,
            "tables:test",
        )
        for subject, cells in zip(SUBJECTS, GRID, strict=True)
        for criterion, rating in zip(CRITERIA, cells, strict=True)
    )
    extraction = Extraction(
        row.doc_id,
        mentions=tuple(mentions),
        collaborations=collaborations,
        ratings=ratings,
        discoveries=_discoveries(HARBOR, NORTHWIND, (EASTGATE[0], eastgate_kind)),
    )
    return DocumentResult(row=row, pages=(MEMO_2_P1, MEMO_2_P2), extraction=extraction)


def _unreadable() -> DocumentResult:
    return DocumentResult(row=_row("broken.pdf", media_type="application/pdf", error=QUARANTINE_ERROR))


def first_results() -> list[DocumentResult]:
    return [_memo_1()]


def second_results() -> list[DocumentResult]:
    return [_memo_1(), _memo_2(), _unreadable()]


def broken_results() -> list[DocumentResult]:
    return [_memo_1(), _memo_2(eastgate_kind=BAD_KIND, overrun=40), _unreadable()]


def publish(out: Path, results: list[DocumentResult], tag: str) -> PublishOutcome:
    """Publish `results` under `out` as the pipeline's release step does."""
    fingerprint = input_fingerprint([r.row.sha256 for r in results], pipeline_version="test", extra=tag)
    return publish_release(lambda: iter(results), out, fingerprint=fingerprint, pipeline_version="test")
