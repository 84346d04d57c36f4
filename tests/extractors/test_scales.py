"""Rating scales: detection from a matrix's values and scores in [0, 1]."""

from __future__ import annotations

import pytest

from govmap.extractors.scales import NUMERIC_SCALES, ORDINAL_SCALES, PRESENCE, detect_scale, normalize_rating


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # the common three-level verdict, with an out-of-scale value that must not break detection
        (["Strong", "Mixed", "Weak", "Uncertain", "Strong"], "strong-mixed-weak"),
        # case and a trailing full stop are print artefacts, not different values
        (["HIGH", "medium.", "Low", "high"], "high-medium-low"),
        (["Yes", "Partial", "No", "yes"], "yes-partial-no"),
        # "moderate" is a value of its own scale, so that scale wins the tie over a synonym
        (["Strong", "Moderate", "Weak"], "strong-moderate-weak"),
        # integers 1-5 are the usual numeric scale
        (["1", "3", "5", "4"], "numeric-1-5"),
        # marks and blanks: a presence matrix; blanks are absences, not missing values
        (["x", "", "X", None, ""], "presence"),
        (["✓", "", "✓"], "presence"),
        # description tables: long text is never a rating
        (["Proposal focuses on advancing capabilities", "Mechanism relies on exclusive control"], None),
        # a single recognisable cell among free text is no scale
        (["Strong", "Joint Research Projects", "Model Access and Testing"], None),
        # nothing filled in at all
        (["", None], None),
    ],
)
def test_detect_scale(values, expected):
    scale = detect_scale(values)
    assert (scale.name if scale else None) == expected


@pytest.mark.parametrize(
    ("scale_name", "rating", "score"),
    [
        ("strong-mixed-weak", "Strong", 1.0),
        ("strong-mixed-weak", "Mixed", 0.5),
        ("strong-mixed-weak", "Weak", 0.0),
        # printed but off the scale: kept by the caller, scored None
        ("strong-mixed-weak", "Uncertain", None),
        # synonym of the middle value
        ("high-medium-low", "Moderate", 0.5),
        ("yes-partial-no", "Partially", 0.5),
        # (v - 1) / 4
        ("numeric-1-5", "2", 0.25),
        ("numeric-1-5", "5", 1.0),
        # out of range is off the scale
        ("numeric-1-5", "7", None),
    ],
)
def test_scale_score(scale_name, rating, score):
    scale = {s.name: s for s in (*ORDINAL_SCALES, *NUMERIC_SCALES)}[scale_name]
    assert scale.score(rating) == score


@pytest.mark.parametrize(
    ("printed", "rating", "score"),
    [
        ("x", "x", 1.0),
        ("✓", "x", 1.0),
        ("", "", 0.0),
        # an explicit "no" mark is an absence
        ("✗", "", 0.0),
        # free text is not a presence value
        ("maybe later", None, None),
    ],
)
def test_presence(printed, rating, score):
    assert PRESENCE.canonical(printed) == rating
    assert PRESENCE.score(printed) == score


def test_normalize_rating_strips_markup_and_stop():
    assert normalize_rating(" **Strong.** ") == "strong"
    assert normalize_rating(None) == ""


def test_scale_names_are_unique():
    names = [s.name for s in (*ORDINAL_SCALES, *NUMERIC_SCALES, PRESENCE)]
    assert len(names) == len(set(names))


# --- judgement lines: one criterion's values, each with its own scale ---------------------------

from govmap.extractors.scales import detect_line_scale, read_judgement  # noqa: E402


@pytest.mark.parametrize(
    "values, expected",
    [
        # yes/no with qualifiers in brackets: the word before the bracket is the judgement
        (["Yes", "No (only advisory)", "Yes (since 2020)", "No"], "yes-partial-no"),
        # compounds and a word outside the scale: three of four on the scale is enough
        (["Low-Medium", "Very High", "High", "Unclear"], "very-high-to-very-low"),
        # a qualifier after a semicolon; "limited" is the low end
        (["High; audited yearly", "Limited; voluntary", "Medium"], "very-high-to-very-low"),
        # strong/moderate/weak with a remark
        (["Strong (binding)", "Moderate", "Weak"], "strong-moderate-weak"),
        # letter grades
        (["A", "B+", "D"], "grade-a-f"),
        # fractions out of a small maximum
        (["3/5", "4/5", "1/5"], "fraction"),
        # ticks and crosses
        (["✓", "✗", "✓"], "yes-partial-no"),
        # not applicable cells leave the share alone
        (["Yes", "N/A", "No", "n/a"], "yes-partial-no"),
    ],
)
def test_detect_line_scale(values, expected):
    scale = detect_line_scale(values)
    assert scale is not None and scale.name == expected


@pytest.mark.parametrize(
    "values",
    [
        # free text that merely opens with a scale word is no judgement ("High-risk" is a category)
        ["High-risk systems", "Low-risk systems", "General purpose"],
        # counts of documents, not ratings out of a maximum
        ["12/40", "31/40", "7/40"],
        # a paragraph of reasons that opens with a rating word is prose
        [
            "Strong. The body has run such reports for decades and could do so again with ease.",
            "Weak. It has no mandate for this and its members would need to agree to a new one first.",
        ],
        # one judgement alone says nothing about a line
        ["Yes", "Operational since 2021", "Building capacity"],
    ],
)
def test_detect_line_scale_refuses_free_text(values):
    assert detect_line_scale(values) is None


@pytest.mark.parametrize(
    "scale_values, printed, score",
    [
        (["Low", "High"], "Low-Medium", 0.375),  # the mean of both ends on the five-step scale
        (["Yes", "No"], "Yes (in part)", 1.0),  # the qualifier does not change the judgement
        (["A", "C"], "C", 0.6),  # grades run from F (0) to A (1)
        (["2/5", "3/5"], "2/5", 0.4),  # a fraction is its own score
    ],
)
def test_read_judgement_scores(scale_values, printed, score):
    scale = detect_line_scale(scale_values)
    assert read_judgement(scale, printed) == pytest.approx(score)
