"""`doc_text`: the Doc's text, read once."""

from __future__ import annotations

import spacy

from govmap.extractors.extensions import doc_text, remember_text


def test_doc_text_is_the_docs_text() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("The UK AI Safety Institute.\n\nPage two  with  spaces ")
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)  # built once, then reused


def test_remembered_text_is_used() -> None:
    nlp = spacy.blank("en")
    text = "One page.\n\nAnother page."
    doc = nlp.make_doc(text)
    remember_text(doc, text)
    assert doc_text(doc) is text
