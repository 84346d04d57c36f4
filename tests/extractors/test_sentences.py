"""`govmap_sentences` on text written for these tests: list items run into a line, quotes, headings."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import govmap.extractors.sentences  # noqa: F401  (registers govmap_sentences)
from govmap.extractors.sentences import SentenceSplitter


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_sentences")
    return nlp


def sentences(nlp: Language, text: str) -> list[str]:
    return [" ".join(s.text.split()) for s in nlp(text).sents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A dash item after a full stop, in the middle of a line.
        (
            "The first item ends here. - The second item starts here.",
            ["The first item ends here.", "- The second item starts here."],
        ),
        # An en dash item likewise.
        ("Budgets grew in 2024. \u2013 Staff numbers fell.", ["Budgets grew in 2024.", "\u2013 Staff numbers fell."]),
        # A bullet opens an item even without a full stop before it.
        (
            "Three areas stand out \u2022 testing of models \u2022 shared compute",
            ["Three areas stand out", "\u2022 testing of models", "\u2022 shared compute"],
        ),
        # A closing quote stays with the sentence it closes.
        (
            'They aim at "safer systems." - A second plan follows.',
            ['They aim at "safer systems."', "- A second plan follows."],
        ),
        # A footnote number after the marker.
        ("See the annex. - 14 The registry lists each body.", ["See the annex.", "- 14 The registry lists each body."]),
        # A symbol-font bullet (a private-use glyph in PDF text) opens an item like a bullet.
        (
            "Pilot schemes for harbours (FY 2024) \uf09e Training for pilots (FY 2025)",
            ["Pilot schemes for harbours (FY 2024)", "\uf09e Training for pilots (FY 2025)"],
        ),
    ],
)
def test_inline_list_items_start_sentences(nlp: Language, text: str, expected: list[str]) -> None:
    assert sentences(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A clause dash without a full stop before it is no list item.
        "The office - small as it is - runs two programmes.",
        # A hyphenated word is no list item.
        "The long-term plan covers state-of-the-art testing.",
        # An abbreviation before a dash does not end the sentence.
        "They cited the U.S. - based groups in the annex.",
    ],
)
def test_dashes_inside_a_sentence_do_not_split(nlp: Language, text: str) -> None:
    assert len(sentences(nlp, text)) == 1


def test_heading_line_is_its_own_sentence(nlp: Language) -> None:
    text = "Working With Regional Bodies\nThe office met its partners twice this year."
    assert sentences(nlp, text) == ["Working With Regional Bodies", "The office met its partners twice this year."]


def test_wrapped_prose_line_is_not_split(nlp: Language) -> None:
    text = "The office met its partners twice\nthis year and will meet again."
    assert len(sentences(nlp, text)) == 1


def test_invalid_setting() -> None:
    with pytest.raises(ValueError, match="max_heading_chars"):
        SentenceSplitter(max_heading_chars=0)
