"""`Alternation` must find exactly what the one big regex finds, in the same order."""

from __future__ import annotations

import random
import re

import pytest

from govmap.extractors.fastmatch import Alternation, alternations
from govmap.extractors.kb_mentions import KBMatcher, surface_regex
from govmap.extractors.instruments import InstrumentRuler, plural_regex
from govmap.extractors.kb import load_kb


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]


def _alternations() -> list[Alternation]:
    kb = load_kb()
    return KBMatcher(kb)._patterns + InstrumentRuler(kb=kb)._patterns


HANDWRITTEN = (
    "The UK AI Safety Institute met the U.S. AI Safety Institute and the Al Safety Institute of Japan. "
    "the united nations general assembly and the UN General Assembly, UNGA-backed; UNESCOs and xUN. "
    "An audit, two audits, model evaluations and third-party auditing; OECD-AI, OECD AI Policy Observatory1. "
    "\u212aorea and \u017fafety (a Kelvin sign and a long s, folded by IGNORECASE); policies / policy.\n\n"
    "European\nCommission, European Commission’s and the G7 and G-7 Hiroshima Process."
)


def _random_text(forms: list[str], seed: int, n: int = 400) -> str:
    """KB forms in random case, glued or spaced, between filler words: many near-misses."""
    rng = random.Random(seed)
    fillers = ["the", "and", "x", "of", "AI", "Al", "-", "’s", "1", "\n", "(", ")", "s", "U.S.", "ies"]
    parts = []
    for _ in range(n):
        form = rng.choice(forms)
        form = rng.choice([form, form.lower(), form.upper(), form.title()])
        parts.append(form)
        parts.append(rng.choice(["", " ", "  ", "\n"]) + rng.choice(fillers) + rng.choice(["", " "]))
    return "".join(parts)


def test_same_matches_as_one_regex_on_written_text() -> None:
    for alt in _alternations():
        assert _spans(alt.finditer(HANDWRITTEN)) == _spans(alt.full.finditer(HANDWRITTEN))


def test_written_text_has_matches_to_compare() -> None:
    # the comparison above is only worth something if the rulers find names in the text
    assert sum(len(list(alt.finditer(HANDWRITTEN))) for alt in _alternations()) >= 10


@pytest.mark.parametrize("seed", range(4))
def test_same_matches_as_one_regex_on_random_kb_text(seed: int) -> None:
    kb = load_kb()
    forms = sorted(
        {f for i in kb.institutions.values() for f in i.surfaces}
        | {f for i in kb.instruments.values() for f in i.surfaces}
    )
    text = _random_text(forms, seed)
    for alt in _alternations():
        found = _spans(alt.finditer(text))
        assert found == _spans(alt.full.finditer(text))


def test_priority_order_kept_within_a_first_character() -> None:
    forms = ["UN General Assembly", "UN", "UNESCO"]
    alt = Alternation([(f, surface_regex(f)) for f in forms])
    assert [m.group(0) for m in alt.finditer("UN General Assembly, UNESCO and UN.")] == [
        "UN General Assembly",
        "UNESCO",
        "UN",
    ]


def test_ignorecase_plural_forms() -> None:
    forms = sorted(["audit", "model evaluation", "safety case"], key=lambda s: (-len(s), s))
    alt = Alternation([(f, plural_regex(f)) for f in forms], re.IGNORECASE)
    text = "Audits, MODEL EVALUATIONS and a Safety Case; reaudit is no audit."
    assert _spans(alt.finditer(text)) == _spans(alt.full.finditer(text))
    assert [m.group(0) for m in alt.finditer(text)] == ["Audits", "MODEL EVALUATIONS", "Safety Case", "audit"]


def test_folded_non_ascii_first_letter_still_found() -> None:
    # U+212A KELVIN SIGN matches "k" under IGNORECASE: the whole alternation decides there
    alt = Alternation([("korea institute", surface_regex("korea institute"))], re.IGNORECASE)
    assert [m.group(0) for m in alt.finditer("the \u212aorea Institute")] == ["\u212aorea Institute"]


def test_form_not_opening_with_a_letter_or_digit_falls_back_to_one_regex() -> None:
    forms = ["'t Hooft Institute", "Hooft"]
    alt = Alternation([(f, re.escape(f)) for f in forms])
    text = "the 't Hooft Institute and Hooft"
    assert (
        _spans(alt.finditer(text))
        == _spans(alt.full.finditer(text))
        == [(4, 22, "'t Hooft Institute"), (27, 32, "Hooft")]
    )


def test_leading_tests_read_from_the_regex_source() -> None:
    from govmap.extractors.fastmatch import _leading_tests

    space = r"\s+"
    assert _leading_tests(surface_regex("AI Safety Institute")) == ["A", "[Il]", space, *"Safety", space, *"Inst"]
    assert _leading_tests(surface_regex("OpenAI Forum")) == [*"Open", "A", "[Il]", space, *"Forum"]
    assert _leading_tests(surface_regex("U.S. AISI")) == ["U"]
    # whitespace is a test only between words, and only as surface_regex writes it
    assert _leading_tests(r"(?<![\w])\s+ab") == []
    assert _leading_tests(r"(?<![\w])ab\s+?c") == ["a", "b"]
    assert _leading_tests(r"(?<![\w])ab\s*c") == ["a", "b"]
    # a plural's last letter varies ("duty"/"duties"): the scan stops before it
    assert _leading_tests(plural_regex("duty")) == ["d", "u", "t"]
    # an optional letter is no test; an alternation at the top opens no fixed way
    assert _leading_tests(r"(?<![\w])ab?c") == ["a"]
    assert _leading_tests(r"(?<![\w])abc|xyz") == []
    assert _leading_tests(r"(?<![\w])(?:abc|xyz)") == []
    assert _leading_tests("abc") == []


def test_lower_casing_keeps_word_characters_and_offsets() -> None:
    # The lower-cased scans rely on it: every character that lowers to one character lowers to a
    # word character exactly when it is one (U+0130 lowers to two, and the scans check lengths).
    import sys

    chars = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if len(c.lower()) == 1)
    lowered = chars.lower()
    assert len(lowered) == len(chars)
    assert [m.start() for m in re.finditer(r"\w", lowered)] == [m.start() for m in re.finditer(r"\w", chars)]
    # and whitespace stays whitespace (`lowered_for_scan` callers search for "such\s+as")
    assert [m.start() for m in re.finditer(r"\s", lowered)] == [m.start() for m in re.finditer(r"\s", chars)]


@pytest.mark.parametrize("odd", ["\u0131", "\u017f", "\u212a", "\u0130"])
def test_letters_ignorecase_folds_onto_ascii_are_found(odd: str) -> None:
    # dotless i, long s, Kelvin sign fold onto i, s, k; U+0130 (dotted capital I) lowers to two
    # characters, so that text is scanned the old way
    forms = sorted(
        ["institute for safety", "safety institute", "korea safety institute", "AI Safety Institute"],
        key=lambda s: (-len(s), s),
    )
    alt = Alternation([(f, surface_regex(f)) for f in forms], re.IGNORECASE)
    text = (
        f"the {odd}nstitute for {odd}afety, {odd}orea Safety Institute and A{odd} Safety {odd}nstitute; "
        f"{odd}afety Institute, the Safety Institute"
    )
    assert _spans(alt.finditer(text)) == _spans(alt.full.finditer(text))
    assert len(_spans(alt.full.finditer(text))) >= 2


def test_knowledge_base_alternations_keep_the_shortcut() -> None:
    # One form opening with a non-ASCII letter once turned the whole case-insensitive scan into
    # a single IGNORECASE regex tried at every position: 80 s on a 50-page report.  Such forms
    # get a small alternation of their own; every large one keeps the per-character shortcut.
    for alternation in _alternations():
        assert alternation.dispatches or len(alternation._sources) <= 50


def test_alternations_split_off_forms_without_the_shortcut() -> None:
    forms = ["Ørsted Institute", "Open Policy Institute", "OPI", "(ISC) Council"]
    split = alternations(forms, surface_regex, re.IGNORECASE)
    assert [a.dispatches for a in split] == [True, False]
    text = "The ørsted institute, the OPEN POLICY INSTITUTE (OPI) and the (ISC) Council met."
    found = sorted(m.group(0) for a in split for m in a.finditer(text))
    assert found == ["(ISC) Council", "OPEN POLICY INSTITUTE", "OPI", "ørsted institute"]
