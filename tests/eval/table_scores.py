"""Evaluation of table extraction (ratings and table collaborations) against hand annotations.

    python -m tests.eval.table_scores             # shared corpus, text and PDF, full pipeline
    python -m tests.eval.table_scores --fast      # table components only, packaged KB linker

Annotations (tests/eval/tables/<document stem>.json) hold, per rating table, its id, scale,
extractor, subjects' keys and either ``cells`` ([subject, criterion, rating, score]) or, for
presence matrices, ``subjects``, ``criteria`` and the criteria ``marked`` for each subject; plus
``rationale_opens`` (the first word of each rationale); and the document's collaborations
(parties, types, raw types).  A record counts as correct only when every annotated field matches.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from govmap.extractors.records import Collaboration, Rating
from tests import ROOT, SHARED_CORPUS

__all__ = [
    "TableScores",
    "DEFAULT_ANNOTATIONS",
    "load_table_annotations",
    "expected_ratings",
    "expected_collaborations",
    "rating_key",
    "collaboration_key",
    "precision_recall",
    "score_tables",
    "evaluate_corpus",
    "main",
]

DEFAULT_ANNOTATIONS = ROOT / "tests" / "eval" / "tables"
DEFAULT_CORPUS = SHARED_CORPUS
log = logging.getLogger(__name__)

RatingKey = tuple
CollaborationKey = tuple


@dataclass(frozen=True)
class TableScores:
    """Precision and recall of ratings and of table collaborations for one document."""

    document: str
    rating_precision: float
    rating_recall: float
    collaboration_precision: float
    collaboration_recall: float
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]

    @property
    def exact(self) -> bool:
        return (
            min(self.rating_precision, self.rating_recall, self.collaboration_precision, self.collaboration_recall)
            == 1.0
        )


def load_table_annotations(folder: Path = DEFAULT_ANNOTATIONS) -> dict[str, dict]:
    """Annotations by document stem."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


def expected_ratings(annotation: Mapping) -> set[RatingKey]:
    """The rating keys (see `rating_key`) an annotation expects."""
    out: set[RatingKey] = set()
    for table in annotation.get("ratings", []):
        keys = table.get("subject_keys", {})
        opens = table.get("rationale_opens", {})
        if "cells" in table:
            cells = [tuple(c) for c in table["cells"]]
        else:
            marked = table["marked"]
            cells = [
                (s, c, "x" if c in marked.get(s, ()) else "", 1.0 if c in marked.get(s, ()) else 0.0)
                for s in table["subjects"]
                for c in table["criteria"]
            ]
        for subject, criterion, rating, score in cells:
            out.add(
                (
                    table["table_id"],
                    subject,
                    keys.get(subject),
                    criterion,
                    rating,
                    None if score is None else round(float(score), 4),
                    table["scale"],
                    table["extractor"],
                    opens.get(f"{subject}|{criterion}"),
                )
            )
    return out


def rating_key(rating: Rating, *, with_rationale: bool = True) -> RatingKey:
    """A rating as the tuple annotations are compared on; the rationale as its first word."""
    opens = rating.rationale.split()[0] if with_rationale and rating.rationale else None
    return (
        rating.table_id,
        rating.subject,
        rating.subject_key,
        rating.criterion,
        rating.rating,
        None if rating.score is None else round(float(rating.score), 4),
        rating.scale,
        rating.extractor,
        opens,
    )


def expected_collaborations(annotation: Mapping) -> set[CollaborationKey]:
    return {
        (
            tuple(sorted(c["parties"])),
            tuple(sorted(c["types"])),
            tuple(sorted(c["raw_types"])),
            c.get("status", "existing"),
        )
        for c in annotation.get("collaborations", [])
    }


def collaboration_key(collaboration: Collaboration) -> CollaborationKey:
    return (collaboration.parties, collaboration.types, tuple(sorted(collaboration.raw_types)), collaboration.status)


def precision_recall(found: set, gold: set) -> tuple[float, float]:
    """Precision and recall of a found set against the gold set (1.0 where either is empty)."""
    tp = len(found & gold)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(gold) if gold else 1.0
    return precision, recall


def score_tables(
    document: str, annotation: Mapping, ratings: Iterable[Rating], collaborations: Iterable[Collaboration]
) -> TableScores:
    """Score a document's table records against its annotation.

    Only records of the table extractors ("table:...") count; prose collaborations are another
    component's and scored elsewhere.  A subject key is compared only where the annotation gives
    one, and a rationale only where it gives its first word.
    """
    gold_r = expected_ratings(annotation)
    annotated_keys = {(t["table_id"], s) for t in annotation.get("ratings", []) for s in t.get("subject_keys", {})}
    annotated_opens = {
        (t["table_id"], *k.split("|")) for t in annotation.get("ratings", []) for k in t.get("rationale_opens", {})
    }
    found_r: set[RatingKey] = set()
    for r in ratings:
        if not r.extractor.startswith("table:"):
            continue
        key = list(rating_key(r))
        if (r.table_id, r.subject) not in annotated_keys:
            key[2] = None
        if (r.table_id, r.subject, r.criterion) not in annotated_opens:
            key[8] = None
        found_r.add(tuple(key))
    gold_c = expected_collaborations(annotation)
    found_c = {collaboration_key(c) for c in collaborations if c.extractor.startswith("table:")}
    rp, rr = precision_recall(found_r, gold_r)
    cp, cr = precision_recall(found_c, gold_c)
    fp = tuple(sorted(map(repr, (found_r - gold_r) | (found_c - gold_c))))
    fn = tuple(sorted(map(repr, (gold_r - found_r) | (gold_c - found_c))))
    return TableScores(document, rp, rr, cp, cr, fp, fn)


def _extract(path: Path, *, fast: bool, nlp=None) -> tuple[list[Rating], list[Collaboration]]:
    from govmap.sources import RawDocument, parse

    media_type = "application/pdf" if path.suffix == ".pdf" else "text/plain"
    document = parse(RawDocument(str(path), path.read_bytes(), media_type))
    if fast:
        from govmap.extractors.kb import load_kb
        from govmap.extractors.tables import find_ratings, find_table_collaborations

        kb = load_kb()
        return find_ratings(document, linker=kb), find_table_collaborations(document, linker=kb)
    from govmap.extractors.extract import extract_document

    extraction = extract_document(nlp, document)
    return list(extraction.ratings), list(extraction.collaborations)


def evaluate_corpus(
    *,
    annotations: Path = DEFAULT_ANNOTATIONS,
    corpus: Path = DEFAULT_CORPUS,
    formats: Sequence[str] = ("text", "pdf"),
    fast: bool = False,
) -> list[tuple[str, TableScores]]:
    """(format, scores) for every annotated document found in the corpus, text and PDF."""
    nlp = None
    if not fast:
        from govmap.extractors.nlp import build_nlp

        nlp = build_nlp()
    out: list[tuple[str, TableScores]] = []
    for stem, annotation in load_table_annotations(annotations).items():
        for fmt in formats:
            suffix = ".txt" if fmt == "text" else ".pdf"
            path = corpus / fmt / f"{stem}{suffix}"
            if not path.exists():
                log.warning("%s: not in the corpus; skipped", path)
                continue
            ratings, collaborations = _extract(path, fast=fast, nlp=nlp)
            out.append((fmt, score_tables(stem, annotation, ratings, collaborations)))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="table components only, with the packaged KB as linker")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list false positives and negatives")
    args = parser.parse_args(argv)
    exact = True
    for fmt, s in evaluate_corpus(corpus=args.corpus, fast=args.fast):
        print(
            f"{s.document} {fmt:4}  ratings P={s.rating_precision:.3f} R={s.rating_recall:.3f}  "
            f"collaborations P={s.collaboration_precision:.3f} R={s.collaboration_recall:.3f}"
        )
        if args.verbose:
            for item in s.false_positives:
                print("   FP", item)
            for item in s.false_negatives:
                print("   FN", item)
        exact = exact and s.exact
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
