"""The one "AI" printed as "Al" rule, in running text and in names, with sentences written for these tests."""

from __future__ import annotations

import re

import pytest

from govmap.sources.misread_ai import AI_PRINTED, fix_ai_ocr, repair_name


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("OpenAl released a model.", "OpenAI released a model."),  # glued company name
        ("GenAl tools spread.", "GenAI tools spread."),  # glued abbreviation
        ("The Al Safety Institute met.", "The AI Safety Institute met."),  # capitalised AI name
        ("New Al systems appeared.", "New AI systems appeared."),  # technical noun follows
        ("Rules on Al governance vary.", "Rules on AI governance vary."),  # technical noun follows
        ("They fear generative Al.", "They fear generative AI."),  # trigger word before
        ("It is about the Al Act.", "It is about the AI Act."),  # the Act
        ("Uses of Al, broadly.", "Uses of AI, broadly."),  # 'of' before, punctuation after
        ("Al-driven ships sail.", "AI-driven ships sail."),  # lowercase hyphenated suffix
        ("Some Al developers agree.", "Some AI developers agree."),  # noun follows
        ("Al Gore spoke on climate.", "Al Gore spoke on climate."),  # personal name
        ("Al-Jazeera reported it.", "Al-Jazeera reported it."),  # name with capitalised suffix
        ("Minister Al Mansoori said so.", "Minister Al Mansoori said so."),  # surname follows
        ("A speech of Al Gore.", "A speech of Al Gore."),  # trigger before, but a name follows
        ("Al said hello.", "Al said hello."),  # a person doing something
        ("Five AlSIs joined.", "Five AISIs joined."),  # acronym misread
        ("They talk with Al\ndevelopers daily.", "They talk with AI\ndevelopers daily."),  # noun after a line wrap
        ("Deals with Open Al grew.", "Deals with Open AI grew."),  # the company, spaced
        ("Al\n\nsystems", "Al\n\nsystems"),  # a blank line separates paragraphs, not words
    ],
)
def test_fix_ai_ocr(given: str, expected: str) -> None:
    assert fix_ai_ocr(given) == expected


def test_repair_name():
    assert repair_name("OpenAl and the Al Safety Institute") == "OpenAI and the AI Safety Institute"
    assert repair_name("Also All") == "Also All"


def test_ai_printed_finds_ai_as_printed_or_misread():
    assert [m.group(0) for m in re.finditer(AI_PRINTED, "AI, Al, AL, Ai")] == ["AI", "Al"]
