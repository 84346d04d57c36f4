"""Prose ratings on sentences and lists written for these tests, with a stand-in institution ruler."""

from __future__ import annotations


import pytest
import spacy
from spacy.language import Language

import govmap.extractors.prose_ratings  # noqa: F401  (registers govmap_prose_ratings)
import govmap.extractors.sentences  # noqa: F401  (registers govmap_sentences)
from govmap.extractors.prose_ratings import PROSE_TABLE_ID, ProseRatings, find_list_ratings
from govmap.extractors.rating_lexicon import NUMERIC_SCALE, ORDINAL_SCALE, PROS_CONS_SCALE, clean_subject, ordinal_score
from govmap.extractors.records import Rating
from govmap.sources.model import Document, Page
from tests.extractors.stand_ins import register_name_ruler

NAMES = {"Harbour Council": "harbour-council", "Lakeside Institute": "lakeside-institute"}


class FakeLinker:
    def link(self, surface: str, *, kind_hint: str | None = None) -> str | None:
        return NAMES.get(surface)


register_name_ruler("test_fake_rating_institutions", NAMES, FakeLinker)


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_sentences")
    nlp.add_pipe("test_fake_rating_institutions")
    nlp.add_pipe("govmap_prose_ratings")
    return nlp


def ratings(nlp: Language, text: str) -> list[Rating]:
    return list(nlp(text)._.govmap_ratings or [])


@pytest.mark.parametrize(
    ("text", "subject", "criterion", "rating", "score"),
    [
        # The guideline's own shape: the criterion first, then the subject and how it fares.
        (
            "On accountability, the shared desk model fares poorly.",
            "the shared desk model",
            "accountability",
            "poorly",
            0.25,
        ),
        # Verb, manner, criterion.
        ("The pooled fund scores well on predictability.", "The pooled fund", "predictability", "well", 0.75),
        # A negated verb turns a good manner into a low rating.
        (
            "The lottery scheme does not perform well against fairness.",
            "The lottery scheme",
            "fairness",
            "does not well",
            0.25,
        ),
        # "is weak on": an adjective and a preposition.
        ("The charter approach is weak on enforcement.", "The charter approach", "enforcement", "weak", 0.25),
        # A superlative is the top of the scale.
        ("The treaty route is the strongest on durability.", "The treaty route", "durability", "the strongest", 1.0),
        # "offers limited X": the adjective rates the noun after it.
        (
            "The voluntary register offers limited transparency.",
            "The voluntary register",
            "transparency",
            "limited",
            0.25,
        ),
        # "has a strong X", criterion cut before the clause that explains it.
        (
            "Harbour Council has a strong track record because of its staff.",
            "Harbour Council",
            "track record",
            "strong",
            0.75,
        ),
        # An intensifier does not change the level.
        (
            "The rotating chair is relatively weak on continuity.",
            "The rotating chair",
            "continuity",
            "relatively weak",
            0.25,
        ),
        # A number with its range gives a score; without one it is kept as printed.
        (
            "The Lakeside Institute scores 4 out of 5 on openness.",
            "The Lakeside Institute",
            "openness",
            "4 out of 5",
            0.8,
        ),
        # "the best option for X is Y" names the subject after the criterion.
        ("The best option for speed is the standing committee.", "the standing committee", "speed", "best", 1.0),
        # A weakness spelled out as such.
        (
            "The main weakness of the Lakeside Institute is limited reach.",
            "the Lakeside Institute",
            "reach",
            "limited",
            0.25,
        ),
    ],
)
def test_one_rating(nlp: Language, text: str, subject: str, criterion: str, rating: str, score: float | None) -> None:
    found = ratings(nlp, text)
    assert [(r.subject, r.criterion, r.rating) for r in found] == [(subject, criterion, rating)]
    assert found[0].score == pytest.approx(score)
    assert found[0].table_id == PROSE_TABLE_ID
    assert found[0].extractor == "prose:rating"


@pytest.mark.parametrize(
    "text",
    [
        # No criterion: an evaluation of nothing in particular.
        "The committee performed well.",
        # A pronoun subject names nothing a reader could list.
        "It scores poorly on legitimacy.",
        # A bare reference back ("the region") is not a subject.
        "The region has an average score of 51.2 this year.",
        # Description, not judgement.
        "The council meets twice a year in the capital.",
        # A modal inside what would be the subject: the clause began earlier.
        "Providers should have strong safeguards.",
        # A size word describes what the subject has; it does not grade it.
        "The toolkit offers a broad range of templates.",
    ],
)
def test_no_rating(nlp: Language, text: str) -> None:
    assert ratings(nlp, text) == []


def test_subject_linked_to_institution(nlp: Language) -> None:
    (r,) = ratings(nlp, "Harbour Council is weak on transparency.")
    assert r.subject_key == "harbour-council"


def test_subject_holding_a_name_is_not_that_institution(nlp: Language) -> None:
    # The fund belongs to the council; the rating is about the fund.
    (r,) = ratings(nlp, "The Harbour Council fund is weak on transparency.")
    assert r.subject_key is None


def test_rationale_takes_the_reason_that_follows(nlp: Language) -> None:
    (r,) = ratings(nlp, "The pooled fund scores poorly on speed. This is because every payment needs a vote.")
    assert r.rationale == "The pooled fund scores poorly on speed. This is because every payment needs a vote."


def test_numeric_rating_scales(nlp: Language) -> None:
    (r,) = ratings(nlp, "Westmark's overall score of 61.5 places it in the middle.")
    assert (r.subject, r.criterion, r.rating, r.score, r.scale) == (
        "Westmark",
        "overall score",
        "61.5",
        None,
        NUMERIC_SCALE,
    )


def test_two_ratings_in_one_sentence(nlp: Language) -> None:
    found = ratings(nlp, "The craft guild brings less bureaucracy but has weaker funding structures.")
    assert {(r.subject, r.criterion) for r in found} == {
        ("The craft guild", "bureaucracy"),
        ("The craft guild", "funding structures"),
    }
    assert all(r.scale == ORDINAL_SCALE for r in found)


@pytest.mark.parametrize(
    ("printed", "negated", "score"),
    [
        ("very low", False, 0.0),  # bottom of the lexicon
        ("moderately", False, 0.5),  # the middle
        ("particularly strong", False, 0.75),  # intensifier dropped
        ("excellent", False, 1.0),  # top
        ("well", True, 0.25),  # "not well" is low
        ("poorly", True, 0.75),  # "not poorly" leans high
        ("unheard-of", False, None),  # not on the scale
    ],
)
def test_ordinal_score(printed: str, negated: bool, score: float | None) -> None:
    assert ordinal_score(printed, negated=negated) == score


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("However, the shared model", "the shared model"),  # a connective is not part of the subject
        ("The review panel also", "The review panel"),  # nor a trailing adverb
        ("They", None),  # pronoun
        ("the sector should", None),  # a modal: the clause started earlier
    ],
)
def test_clean_subject(text: str, subject: str | None) -> None:
    assert clean_subject(text) == subject


def _document(text: str) -> Document:
    return Document(
        doc_id="d1", source_uri="x.txt", media_type="text/plain", sha256="0" * 64, pages=(Page(number=1, text=text),)
    )


def test_pros_and_cons_list() -> None:
    text = (
        "We compare two hosting options.\n\n"
        "Shared Desk Model\n\n"
        "Strengths:\n\n"
        "Low cost: members split the rent.\n\n"
        "Weaknesses\n\n"
        "Slow decisions: every change needs a vote.\n\n"
        "Standing Office\n\n"
        "Strengths:\n\n"
        "Continuity: the staff stay.\n"
    )
    found = find_list_ratings(_document(text), linker=None)
    assert [(r.subject, r.criterion, r.rating, r.score) for r in found] == [
        ("Shared Desk Model", "Low cost", "Strengths", 1.0),
        ("Shared Desk Model", "Slow decisions", "Weaknesses", 0.0),
        ("Standing Office", "Continuity", "Strengths", 1.0),
    ]
    assert all(r.scale == PROS_CONS_SCALE and r.extractor == "prose:rating-list" for r in found)
    assert found[0].rationale == "members split the rent."


def test_list_items_without_a_label_are_not_ratings() -> None:
    # "Term: definition" lines under a heading are a glossary, not pros and cons.
    text = "Glossary\n\nSandbox: a supervised test space.\n\nAudit: an independent check.\n"
    assert find_list_ratings(_document(text), linker=None) == []


def test_table_rows_are_left_to_the_table_components() -> None:
    text = "Options Compared\n\nStrengths:\n\nOption\tCost: low\tSpeed: high\n"
    assert find_list_ratings(_document(text), linker=None) == []


def test_invalid_setting() -> None:
    with pytest.raises(ValueError):
        ProseRatings(max_sentence_chars=0)


@pytest.mark.parametrize(
    ("text", "subject", "criterion", "score"),
    [
        # A comparison names its criterion by the adjective's noun.
        ("The standing office is a more reliable choice than a rotation.", "The standing office", "reliability", 0.75),
        # An adjective whose "more" is worse counts from the other end.
        ("The ad hoc panel remains more vulnerable to boycotts.", "The ad hoc panel", "robustness", 0.25),
        # A verb of effect on a criterion noun.
        ("We think that a joint registry would increase accountability.", "a joint registry", "accountability", 0.75),
        ("The closed ballot undermines legitimacy.", "The closed ballot", "legitimacy", 0.25),
    ],
)
def test_adjective_and_effect_ratings(nlp: Language, text: str, subject: str, criterion: str, score: float) -> None:
    found = ratings(nlp, text)
    assert [(r.subject, r.criterion) for r in found] == [(subject, criterion)]
    assert found[0].score == pytest.approx(score)


@pytest.mark.parametrize(
    "text",
    [
        # A bare adjective describes more often than it rates.
        "The portal is accessible from any browser.",
        # A verb of effect on something that is not a criterion.
        "The Harbour Council improved its website in May.",
        # A threshold is not anybody's score.
        "Members with an average score of 7 or higher join the board.",
        # "could" is a hypothetical example, not a judgement of the subject.
        "A new tool could have a very high error rate.",
    ],
)
def test_no_adjective_or_effect_rating(nlp: Language, text: str) -> None:
    assert ratings(nlp, text) == []


def test_numeric_ranks(nlp: Language) -> None:
    found = ratings(
        nlp, "Globally, Harbour Council secures the 12th position, whereas Lakeside Institute holds the 40th spot."
    )
    assert [(r.subject, r.criterion, r.rating, r.subject_key) for r in found] == [
        ("Harbour Council", "global rank", "12th", "harbour-council"),
        ("Lakeside Institute", "global rank", "40th", "lakeside-institute"),
    ]


def test_parenthesised_scores_need_a_known_name(nlp: Language) -> None:
    found = ratings(nlp, "Leaders such as Harbour Council (81.25) and Greyport (75.50) stand out.")
    # Greyport is not a body the linker knows: a number in brackets after any word is not a score.
    assert [(r.subject, r.criterion, r.rating) for r in found] == [("Harbour Council", "overall score", "81.25")]


def test_parenthesised_parts_of_an_index_are_not_subjects(nlp: Language) -> None:
    text = "Harbour Council leads in both the Lakeside Institute (90.25) and the Outreach (80.50) pillars."
    assert [r for r in ratings(nlp, text) if r.rating in {"90.25", "80.50"}] == []


def test_criterion_led_paragraph() -> None:
    text = (
        "**Openness**: The Northern charter is the most open. The Southern code sits in the middle, "
        "and the Eastern pact is not open at all.\n"
    )
    from govmap.extractors.prose_ratings import find_labelled_ratings

    found = find_labelled_ratings(_document(text))
    assert [(r.subject, r.criterion, r.rating) for r in found] == [
        ("The Northern charter", "Openness", "the most open"),
        ("The Southern code", "Openness", "in the middle"),
        ("the Eastern pact", "Openness", "not open at all"),
    ]


def test_note_with_one_subject_is_not_a_comparison() -> None:
    from govmap.extractors.prose_ratings import find_labelled_ratings

    assert find_labelled_ratings(_document("**Note**: The secretariat is in Geneva.\n")) == []


def test_registered_after_the_table_components() -> None:
    from govmap.extractors.config import DEFAULT_COMPONENTS

    names = [name for name, _ in DEFAULT_COMPONENTS]
    assert names.index("govmap_prose_ratings") > names.index("govmap_rating_tables")
    assert names.index("govmap_prose_ratings") > names.index("govmap_collaboration_tables")
