import pytest

from extractors.evaluation import UNSEEN, evaluate_folder, load_annotations

# Issue #4: institution precision and recall >= 0.90 (macro) and no document below 0.80, text and PDF.
MACRO, FLOOR = 0.90, 0.80


def _check(scores, n):
    scores = [s for s in scores if s.entity_type == "institution"]
    assert len(scores) == n
    assert sum(s.precision for s in scores) / n >= MACRO
    assert sum(s.recall for s in scores) / n >= MACRO
    low = [(s.document, s.precision, s.recall) for s in scores if min(s.precision, s.recall) < FLOOR]
    assert not low


@pytest.mark.slow
def test_shared_corpus_institution_targets(shared_corpus):
    _check(evaluate_folder((shared_corpus / "text").glob("*.txt"), load_annotations()), 5)


@pytest.mark.slow
def test_shared_corpus_pdf_institution_targets(shared_corpus):
    pdfs = sorted((shared_corpus / "pdf").glob("*.pdf"))
    if not pdfs:
        pytest.skip("no PDF versions in the shared corpus")
    _check(evaluate_folder(pdfs, load_annotations()), 5)


@pytest.mark.slow
def test_unseen_institution_targets():
    paths = sorted(UNSEEN.glob("*.txt"))
    _check(evaluate_folder(paths, load_annotations()), len(paths))
