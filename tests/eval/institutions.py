"""Institution and instrument ids per document against the hand annotations in
`tests/eval/annotations/` (the project's own unseen samples in `tests/eval/unseen/`).

Each annotation file lists the canonical ids a document names; a document is matched by its file
stem.  Scores are per document, on the set of entity ids after corpus-wide resolution.  Used by
`tests/extractors/test_evaluation.py`; the reference corpus is scored by `tests/eval/score.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from govmap.extractors.kb import load_kb
from govmap.extractors.resolve import resolve, summarize
from tests.eval.table_scores import load_table_annotations, precision_recall

__all__ = ["ANNOTATIONS", "UNSEEN", "Score", "load_annotations", "evaluate_folder"]

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "annotations"
UNSEEN = HERE / "unseen"


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
    return load_table_annotations(folder)


def evaluate_folder(paths: Iterable[Path], annotations: dict[str, dict]) -> list[Score]:
    """Parse and extract every document, resolve them together, score those with annotations."""
    from govmap.extractors.extract import extract_document
    from govmap.extractors.config import DEFAULT_COMPONENTS, KB_COMPONENTS
    from govmap.extractors.nlp import NlpConfig, build_nlp
    from govmap.sources import iter_sources, parse, pull

    # Sentences and the two KB rulers: all that institution and instrument mentions need.
    wanted = {"govmap_sentences", *KB_COMPONENTS}
    nlp = build_nlp(NlpConfig(components=tuple(c for c in DEFAULT_COMPONENTS if c[0] in wanted)))
    extractions = {}
    for path in sorted(paths):
        ref = next(iter(iter_sources([str(path)], None)))
        extractions[path.stem] = extract_document(nlp, parse(pull(ref, None), None))
    resolution = resolve((summarize(e) for e in extractions.values()), load_kb())
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
            p, r = precision_recall(pred, gold)
            scores.append(Score(stem, etype, p, r, tuple(sorted(pred - gold)), tuple(sorted(gold - pred))))
    return scores
