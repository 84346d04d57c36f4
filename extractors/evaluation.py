"""Evaluation of institution and instrument extraction against hand annotations.

    python -m govmap.extractors.evaluation            # shared corpus text + PDF, and tests/eval/unseen

Each annotation file (tests/eval/annotations/<name>.json) lists the canonical ids a document
names; a document is matched by its file stem.  Scores are per document, on the set of entity ids
(after corpus-wide resolution), for precision and recall; text and PDF versions separately.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from govmap.extractors.kb import load_kb
from govmap.extractors.resolve import resolve, summarize
from govmap.sources.model import Document, Page

__all__ = ["Score", "load_annotations", "document_from_path", "evaluate_folder", "main"]

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "tests" / "eval" / "annotations"
UNSEEN = ROOT / "tests" / "eval" / "unseen"
SHARED = ROOT.parent / "shared" / "corpus"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Score:
    document: str
    entity_type: str
    precision: float
    recall: float
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]


def load_annotations(folder: Path = ANNOTATIONS) -> dict[str, dict]:
    """Annotations by document stem."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def document_from_path(path: Path) -> Document:
    """Parse a file with `govmap.sources.parse`, or for plain text fall back to a one-page Document."""
    try:
        from govmap.sources import iter_sources, parse, pull

        ref = next(iter(iter_sources([str(path)], None)))
        return parse(pull(ref, None), None)
    except ImportError:  # sources not available: text only
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        return Document(sha[:16], path.as_uri(), "text/plain", sha, (Page(1, data.decode("utf-8")),))


def _score(pred: set[str], gold: set[str]) -> tuple[float, float]:
    tp = len(pred & gold)
    return (tp / len(pred) if pred else 1.0), (tp / len(gold) if gold else 1.0)


def evaluate_folder(paths: Iterable[Path], annotations: dict[str, dict], nlp=None) -> list[Score]:
    """Extract every document, resolve them together, score those with annotations."""
    from govmap.extractors.extract import extract_document
    from govmap.extractors.nlp import NlpConfig, build_nlp

    if nlp is None:
        nlp = build_nlp(NlpConfig(components=(
            ("govmap_sentences", "govmap.extractors.sentences"),
            ("govmap_institution_ruler", "govmap.extractors.institutions"),
            ("govmap_instrument_ruler", "govmap.extractors.instruments"),
        )))
    kb = load_kb()
    extractions = {}
    for path in sorted(paths):
        extractions[path.stem] = extract_document(nlp, document_from_path(path))
    resolution = resolve((summarize(e) for e in extractions.values()), kb)
    scores: list[Score] = []
    for stem, ex in extractions.items():
        ann = annotations.get(stem)
        if ann is None:
            continue
        for etype, field in (("institution", "institutions"), ("instrument", "instruments")):
            if field not in ann:
                continue
            kmap = resolution.key_map if etype == "institution" else resolution.instrument_key_map
            pred = {kmap.get(m.key, m.key) for m in ex.mentions if m.entity_type == etype}
            gold = set(ann[field])
            p, r = _score(pred, gold)
            scores.append(Score(stem, etype, p, r, tuple(sorted(pred - gold)), tuple(sorted(gold - pred))))
    return scores


def _report(title: str, scores: list[Score], verbose: bool) -> None:
    print(f"\n## {title}")
    for etype in ("institution", "instrument"):
        rows = [s for s in scores if s.entity_type == etype]
        if not rows:
            continue
        print(f"{etype:<12} {'document':<28} {'P':>5} {'R':>5}")
        for s in rows:
            print(f"{'':<12} {s.document:<28} {s.precision:5.2f} {s.recall:5.2f}")
            if verbose:
                print(f"{'':<14}FP: {', '.join(s.false_positives)}\n{'':<14}FN: {', '.join(s.false_negatives)}")
        print(f"{'':<12} {'macro':<28} {sum(s.precision for s in rows)/len(rows):5.2f} {sum(s.recall for s in rows)/len(rows):5.2f}")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="precision and recall of institutions and instruments per document")
    ap.add_argument("-v", "--verbose", action="store_true", help="list false positives and negatives")
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF versions")
    args = ap.parse_args(argv)
    annotations = load_annotations()
    if (SHARED / "text").is_dir():
        _report("shared corpus, text", evaluate_folder((SHARED / "text").glob("*.txt"), annotations), args.verbose)
        if not args.no_pdf and (SHARED / "pdf").is_dir():
            _report("shared corpus, PDF", evaluate_folder((SHARED / "pdf").glob("*.pdf"), annotations), args.verbose)
    else:
        print(f"shared corpus not found at {SHARED}; skipped")
    _report("unseen documents, text", evaluate_folder(UNSEEN.glob("*.txt"), annotations), args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
