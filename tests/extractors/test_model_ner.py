"""The optional trained-model path (`--spacy-model`), with a tiny NER model the test trains."""

from __future__ import annotations

import pytest
import spacy

from govmap.extractors.model_ner import ModelNotAvailable, _chunks, check_model
from govmap.extractors.nlp import NlpConfig, build_nlp
from govmap.sources.model import Document, Page
from tests.tiny_model import train_tiny_ner


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A blank English pipeline with an NER trained on our own sentences, saved to disk."""
    return str(train_tiny_ner(tmp_path_factory.mktemp("model") / "tiny-ner"))


def _doc(nlp, text: str):
    from govmap.extractors.extract import extract_document

    document = Document(
        doc_id="d" * 16,
        source_uri="mem://test.txt",
        media_type="text/plain",
        sha256="0" * 64,
        pages=(Page(number=1, text=text),),
    )
    return extract_document(nlp, document)


TEXT = (
    "Quillfeather signed a memorandum with the regulator last spring. Later, a spokesperson for "
    "Quillfeather declined to comment on the audit. The OECD welcomed the step."
)


def _institution_names(extraction) -> dict[str, str]:
    return {m.surface: m.extractor for m in extraction.mentions if m.entity_type == "institution"}


def test_without_a_model_the_rules_miss_a_headless_name():
    names = _institution_names(_doc(build_nlp(), TEXT))
    assert "Quillfeather" not in names
    assert "OECD" in names


def test_the_model_adds_an_organisation_the_rules_cannot_find(tiny_model):
    nlp = build_nlp(NlpConfig(spacy_model=tiny_model))
    assert nlp.pipe_names.index("govmap_model_ner") < nlp.pipe_names.index("govmap_institution_ruler")
    extraction = _doc(nlp, TEXT)
    names = _institution_names(extraction)
    assert names.get("Quillfeather") == "discovery.model_ner"
    assert "Later" not in names  # the model tags "Later" once: not enough on its own
    # the knowledge base still links what it knows, however the candidate was found
    assert "OECD" in names and names["OECD"].startswith("institution_ruler")
    found = [m for m in extraction.mentions if m.surface == "Quillfeather"]
    assert len(found) == 2 and len({m.key for m in found}) == 1


def test_a_name_the_model_tags_once_is_not_trusted(tiny_model):
    nlp = build_nlp(NlpConfig(spacy_model=tiny_model))
    names = _institution_names(_doc(nlp, "Researchers at Solvane published a new evaluation of frontier models."))
    assert "Solvane" not in names


def test_model_choice_and_retraining_change_the_cache_key(tiny_model, tmp_path):
    assert NlpConfig().cache_key() != NlpConfig(spacy_model=tiny_model).cache_key()
    copy = tmp_path / "retrained"
    spacy.load(tiny_model).to_disk(copy)
    before = NlpConfig(spacy_model=str(copy)).cache_key()
    weights = copy / "ner" / "model"
    weights.write_bytes(weights.read_bytes() + b"\0")
    assert NlpConfig(spacy_model=str(copy)).cache_key() != before


def test_a_missing_model_is_one_clear_line(tmp_path, tiny_model):
    for fails in (
        lambda: build_nlp(NlpConfig(spacy_model=str(tmp_path / "no-such-model"))),
        lambda: check_model(str(tmp_path / "no-such-model")),
        lambda: check_model("no_such_spacy_package"),
    ):
        with pytest.raises(ModelNotAvailable) as err:
            fails()
        message = str(err.value)
        assert "\n" not in message and "--spacy-model" in message
    check_model(tiny_model)  # a saved pipeline folder passes the check without being loaded


def test_a_pipeline_without_ner_is_refused(tmp_path):
    path = tmp_path / "no-ner"
    spacy.blank("en").to_disk(path)
    with pytest.raises(ModelNotAvailable, match="no 'ner' component"):
        build_nlp(NlpConfig(spacy_model=str(path)))


def test_chunks_cover_the_text_at_page_breaks():
    pages = ["a" * 30, "b" * 30, "c" * 100]
    text = "\n\n".join(pages)
    starts = [0, 32, 64]
    chunks = _chunks(text, starts, limit=70)
    assert all(len(c) <= 70 for _, c in chunks)
    assert "".join(c for _, c in chunks).replace("\n", "") == text.replace("\n", "")
    assert all(text[o : o + len(c)] == c for o, c in chunks)
