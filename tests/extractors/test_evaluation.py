"""Extraction quality on the reference corpus, scored against the guideline annotations in
`tests/eval/gold/` (made from ANNOTATION.md alone, never from the rules' output).

These are regression floors at the level the pipeline reaches today, so a change that loses
ground fails here; the issue targets themselves are reported by `make eval` per split.
"""

import json

import pytest

from tests.eval.institutions import UNSEEN, evaluate_folder, load_annotations

# Issue #4: institution precision and recall >= 0.90 (macro) and no document below 0.80, on the
# project's own unseen samples (written for this project, annotated by hand).
MACRO, FLOOR = 0.90, 0.80
# Reference reports against the guideline annotations: micro precision and recall, text and PDF.
REFERENCE_FLOORS = {"institutions": (0.88, 0.90), "table_collabs": (0.90, 0.85), "table_cells": (0.95, 0.70)}


def _check(scores, n):
    scores = [s for s in scores if s.entity_type == "institution"]
    assert len(scores) == n
    assert sum(s.precision for s in scores) / n >= MACRO
    assert sum(s.recall for s in scores) / n >= MACRO
    low = [(s.document, s.precision, s.recall) for s in scores if min(s.precision, s.recall) < FLOOR]
    assert not low


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["text", "pdf"])
def test_reference_corpus_against_the_guideline_annotations(shared_corpus, tmp_path, corpus):
    from tests.eval.run import build, corpus_paths
    from tests.eval.score import PR, Release, load_gold, score_document

    release = Release(build(corpus, corpus_paths(corpus), tmp_path, workers=2))
    scores = []
    for gold in load_gold():
        if gold.get("corpus") != "text":
            continue
        name = gold["document"] if corpus == "text" else gold["document"].rsplit(".", 1)[0] + ".pdf"
        scores.append(score_document(release, {**gold, "document": name}))
    assert len(scores) == 5 and all(scores)
    for attr, (p_floor, r_floor) in REFERENCE_FLOORS.items():
        total = PR()
        for s in scores:
            total.add(getattr(s, attr))
        assert total.precision >= p_floor and total.recall >= r_floor, (
            attr,
            json.dumps([total.precision, total.recall]),
        )


@pytest.mark.slow
def test_unseen_institution_targets():
    paths = sorted(UNSEEN.glob("*.txt"))
    _check(evaluate_folder(paths, load_annotations()), len(paths))
