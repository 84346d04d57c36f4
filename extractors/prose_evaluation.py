"""Score prose collaborations against hand annotations (tests/eval/prose/*.json).

An annotation file names one document (``document``: the corpus file stem, or a sample written for
the project) and its collaborations: ``parties`` (knowledge-base ids; a list in place of an id
accepts any of its ids, for a country whose institute or government is meant), ``types``,
``status`` and ``page``.  No sentence text is stored.

A predicted collaboration is a true positive when an unmatched annotation of the same document has
the same party set and shares at least one type; matching is one-to-one, same page first.  Status
accuracy is over true positives.

    .venv/bin/python -m govmap.extractors.prose_evaluation            # shared corpus + own sample
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from govmap.extractors.records import Collaboration

__all__ = ["GoldCollaboration", "Scores", "load_gold", "score", "evaluate_corpus"]

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD_DIR = ROOT / "tests" / "eval" / "prose"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
PROSE_COMPONENTS = (
    ("govmap_sentences", "govmap.extractors.sentences"),
    ("govmap_institution_ruler", "govmap.extractors.institutions"),
    ("govmap_prose_collaborations", "govmap.extractors.prose"),
)


@dataclass(frozen=True)
class GoldCollaboration:
    document: str
    parties: tuple[frozenset[str], ...]  # each party: the ids accepted for it
    types: frozenset[str]
    status: str
    page: int

    def matches(self, parties: Sequence[str], types: Iterable[str]) -> bool:
        """Same party set (each predicted key fills a distinct annotated party) and a shared type."""
        if len(parties) != len(self.parties) or not self.types & set(types):
            return False
        return _assign(list(parties), list(self.parties))


def _assign(keys: list[str], slots: list[frozenset[str]]) -> bool:
    if not keys:
        return True
    head, rest = keys[0], keys[1:]
    return any(head in slot and _assign(rest, slots[:i] + slots[i + 1 :]) for i, slot in enumerate(slots))


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    status_correct: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def status_accuracy(self) -> float:
        return self.status_correct / self.tp if self.tp else 0.0

    def __add__(self, other: "Scores") -> "Scores":
        return Scores(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.status_correct + other.status_correct)

    def summary(self) -> str:
        return (
            f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} status_acc={self.status_accuracy:.3f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


def load_gold(path: Path) -> tuple[str, list[GoldCollaboration]]:
    """The document stem and annotated collaborations of one annotation file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    stem = data["document"]
    items = [
        GoldCollaboration(
            document=stem,
            parties=tuple(frozenset([p] if isinstance(p, str) else p) for p in item["parties"]),
            types=frozenset(item["types"]),
            status=item["status"],
            page=int(item["page"]),
        )
        for item in data["collaborations"]
    ]
    return stem, items


def score(gold: Sequence[GoldCollaboration], predicted: Sequence[Collaboration]) -> tuple[Scores, list[tuple[str, object]]]:
    """Scores of one document's predictions, and the errors ("fp", prediction) / ("fn", annotation)."""
    unmatched = list(gold)
    tp = correct = 0
    errors: list[tuple[str, object]] = []
    for pred in sorted(predicted, key=lambda c: c.page):
        candidates = [g for g in unmatched if g.matches(pred.parties, pred.types)]
        if not candidates:
            errors.append(("fp", pred))
            continue
        best = min(candidates, key=lambda g: (abs(g.page - pred.page), g.status != pred.status))
        unmatched.remove(best)
        tp += 1
        correct += best.status == pred.status
        if best.status != pred.status:
            errors.append(("status", (pred, best)))
    errors += [("fn", g) for g in unmatched]
    return Scores(tp, len(predicted) - tp, len(unmatched), correct), errors


def evaluate_corpus(*, gold_dir: Path = DEFAULT_GOLD_DIR, corpus: Path = DEFAULT_CORPUS, verbose: bool = False) -> Scores:
    """Run the real pipeline (sentences, institution ruler, prose) over every annotated document."""
    from govmap.extractors.extract import extract_document
    from govmap.extractors.nlp import NlpConfig, build_nlp
    from govmap.sources import parse
    from govmap.sources.model import RawDocument

    nlp = build_nlp(NlpConfig(components=PROSE_COMPONENTS))
    total = Scores(0, 0, 0, 0)
    for path in sorted(gold_dir.glob("*.json")):
        stem, gold = load_gold(path)
        source = _source_of(stem, gold_dir, corpus)
        if source is None:
            logger.warning("%s: source document not found; skipped", stem)
            continue
        media = {".pdf": "application/pdf", ".md": "text/markdown"}.get(source.suffix, "text/plain")
        document = parse(RawDocument(source_uri=str(source), data=source.read_bytes(), media_type=media))
        extraction = extract_document(nlp, document)
        predicted = [c for c in extraction.collaborations if c.extractor.startswith("prose:")]
        doc_scores, errors = score(gold, predicted)
        total = total + doc_scores
        print(f"{stem}: {doc_scores.summary()}")
        if verbose:
            for kind, item in errors:
                print(f"   {kind}: {_describe(item)}")
    print(f"ALL: {total.summary()}")
    return total


def _source_of(stem: str, gold_dir: Path, corpus: Path) -> Path | None:
    for candidate in (gold_dir / f"{stem}.md", corpus / "pdf" / f"{stem}.pdf", corpus / "text" / f"{stem}.txt"):
        if candidate.is_file():
            return candidate
    return None


def _describe(item: object) -> str:
    if isinstance(item, Collaboration):
        return f"p{item.page} {item.parties} {item.types} {item.status} [{item.extractor}] :: {item.evidence[:160]}"
    if isinstance(item, GoldCollaboration):
        return f"p{item.page} {[sorted(p) for p in item.parties]} {sorted(item.types)} {item.status}"
    pred, gold = item  # type: ignore[misc]
    return f"p{pred.page} {pred.parties} predicted {pred.status}, annotated {gold.status}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD_DIR)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    evaluate_corpus(gold_dir=args.gold, corpus=args.corpus, verbose=args.verbose)


if __name__ == "__main__":
    main()
