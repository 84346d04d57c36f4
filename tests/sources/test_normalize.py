"""Each repair as a table of cases, with sentences written for these tests."""

from __future__ import annotations

import pytest

from govmap.sources.normalize import (
    REPAIRS,
    TEXT_REPAIRS,
    drop_control_chars,
    drop_noise_lines,
    drop_repeated_paragraphs,
    fix_ligatures,
    join_hyphenated_words,
    join_marked_hyphens,
    normalize_cell,
    normalize_newlines,
    normalize_pages,
    normalize_spaces,
    remove_soft_hyphens,
    strip_running_lines,
    tidy_whitespace,
)
from govmap.sources.settings import ParseSettings


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("the \ufb01rst \ufb02ow", "the first flow"),  # fi and fl ligatures
        ("e\ufb00ort and e\ufb03cient", "effort and efficient"),  # ff and ffi
        ("ba\ufb04e", "baffle"),  # ffl
        ("x\u00b2 stays", "x\u00b2 stays"),  # not full NFKC: superscripts keep their meaning
    ],
)
def test_fix_ligatures(given: str, expected: str) -> None:
    assert fix_ligatures(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("regu\u00adlation", "regulation"),  # inline soft hyphen is invisible
        ("regu\u00ad\nlation of ports", "regulation\nof ports"),  # at a line end the word is rejoined
        ("no soft hyphen", "no soft hyphen"),  # untouched
        ("for 1\u00ad12 months", "for 1-12 months"),  # between digits it is a printed range
        ("code 40\u00ad\n12 here", "code 40-\n12 here"),  # a range broken at a line end stays a range
    ],
)
def test_remove_soft_hyphens(given: str, expected: str) -> None:
    assert remove_soft_hyphens(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("harb\ufffe\r\nour rules", "harbour\nrules"),  # pdfium's line-end hyphen marker, a split word
        ("well\ufffe\r\nkept quays", "well-kept\nquays"),  # the same marker on a real compound
        # pdfium often removes the line break and leaves only the marker inside the word
        ("were con\ufffestructed here", "were constructed here"),  # a typesetter's split joins
        ("a tempera\ufffeture of", "a temperature of"),  # another, mid-sentence
        ("a well\ufffeknown quay", "a well-known quay"),  # a compound keeps its hyphen
        ("state-of-the\ufffeart cranes", "state-of-the-art cranes"),  # broken at a later hyphen
        ("state\ufffeof-the-art cranes", "state-of-the-art cranes"),  # broken at the first one
        ("hy\ufffepercapnie aiguë", "hypercapnie aiguë"),  # letters beyond ASCII join too
        ("non\ufffeEU ports", "non-EU ports"),  # a capital after it: a name, not a split
        ("Covid\ufffe19 rules", "Covid-19 rules"),  # a digit after it: the hyphen is printed
    ],
)
def test_pdfium_line_end_hyphen_marker(given: str, expected: str) -> None:
    [marked] = join_marked_hyphens([given], ParseSettings())
    assert join_hyphenated_words(normalize_newlines(marked)) == expected


def test_join_marked_hyphens_uses_the_documents_compounds() -> None:
    # "centre-village" is printed with a real hyphen on page 1, so the marker on page 2 keeps it;
    # "6-" before a word is a number's hyphen, not a compound's.
    pages = [
        "The centre-village road.",
        "A new centre\ufffevillage square, 6-phospho\ufffefructose and con\ufffestruct.",
    ]
    out = join_marked_hyphens(pages, ParseSettings())
    assert out[1] == "A new centre-village square, 6-phosphofructose and construct."
    assert out[0] == pages[0]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("good gover-\nnance of ports", "good governance\nof ports"),  # typesetter's split
        ("Gover-\nnance matters", "Governance\nmatters"),  # capitalised first half still a split word
        ("a long-\nterm plan", "a long-term\nplan"),  # a real compound keeps its hyphen
        ("the UK-\nFrance deal", "the UK-\nFrance deal"),  # uppercase continuation: a name, not a split
        ("see item 4-\n5 below", "see item 4-\n5 below"),  # numbers are ranges, not words
    ],
)
def test_join_hyphenated_words(given: str, expected: str) -> None:
    assert join_hyphenated_words(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("intro\n. . . . .\nbody", "intro\n\nbody"),  # spaced leader dots
        ("intro\n..........\nbody", "intro\n\nbody"),  # packed leader dots
        ("intro\n______\nbody", "intro\n\nbody"),  # underscores rule
        ("intro\n• • •\nbody", "intro\n\nbody"),  # bullet ornament
        ("intro\n $\\bullet \\bullet \\bullet$\nbody", "intro\n\nbody"),  # LaTeX bullets left by a converter
        ("Wait...\nbody", "Wait...\nbody"),  # an ellipsis after words is text
        ("- one item", "- one item"),  # a list item is text
        ("| a | b |\n|---|---|", "| a | b |\n|---|---|"),  # a Markdown table separator is structure
    ],
)
def test_drop_noise_lines(given: str, expected: str) -> None:
    assert drop_noise_lines(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("tide\x01 table\x7f", "tide table"),  # glyphs without Unicode come out as C0 codes
        ("tide\x02 table", "tide table"),  # 0x02 too: pdf_tables reads pdfium's hyphen code as "-" itself
        ("a\tb\nc", "a\tb\nc"),  # tabs (cell separators) and newlines are not noise
    ],
)
def test_drop_control_chars(given: str, expected: str) -> None:
    assert drop_control_chars(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a\u00a0b", "a b"),  # no-break space
        ("a\u200bb", "ab"),  # zero-width space
        ("\ufeffstart", "start"),  # stray BOM
    ],
)
def test_normalize_spaces(given: str, expected: str) -> None:
    assert normalize_spaces(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("a  \nb\t\n", "a\nb\t"),  # trailing spaces go, a trailing TAB (empty cell) stays
        ("a\n\n\n\nb", "a\n\nb"),  # runs of blank lines shrink
        ("\tx\ty", "\tx\ty"),  # a leading TAB is an empty first cell
    ],
)
def test_tidy_whitespace(given: str, expected: str) -> None:
    assert tidy_whitespace(given) == expected


_BODIES = ["Quays and cranes.\nSilt.", "Tides and locks.\nFog.", "Ferries and fees.\nIce.", "Pilots and buoys.\nGulls."]


def _pages_with_header(n: int) -> list[str]:
    return [f"Harbour Review 2031\n{_BODIES[i - 1]}\n{i}" for i in range(1, n + 1)]


def test_strip_running_lines_removes_headers_and_page_numbers() -> None:
    out = strip_running_lines(_pages_with_header(4), ParseSettings())
    assert all("Harbour Review" not in page for page in out)
    assert out[1] == "Tides and locks.\nFog."


def test_strip_running_lines_header_with_changing_page_number() -> None:
    pages = [f"Harbour Review | page {i}\nUnique body {chr(65 + i)}." for i in range(1, 5)]
    out = strip_running_lines(pages, ParseSettings())
    assert out == [f"Unique body {chr(65 + i)}." for i in range(1, 5)]


def test_strip_running_lines_leaves_single_page_alone() -> None:
    page = "Harbour Review 2031\n7"
    assert strip_running_lines([page], ParseSettings()) == [page]


def test_strip_running_lines_keeps_rare_top_lines() -> None:
    # A heading at the top of one page out of five is not a running header.
    pages = ["Chapter one\nText a."] + [f"Text {i}." for i in range(4)]
    assert strip_running_lines(pages, ParseSettings())[0].startswith("Chapter one")


def test_strip_running_lines_keeps_dates_and_numbers_at_page_edges() -> None:
    # A report whose every page ends in a data row of dates and amounts, and a chart whose axis
    # values sit at the bottom: they recur at the same place but have no words and do not count
    # pages, so they stay.
    pages = [f"{body}\n03/25/2016\n{v}" for body, v in zip(_BODIES, [120, 80, 120, 80])]
    assert strip_running_lines(pages, ParseSettings()) == pages


def test_strip_running_lines_page_numbers_must_count_pages() -> None:
    # "14, 15, 16" at the foot of pages 1-3 are page numbers (printed page = index + 13); a lone
    # number at the foot of one page that is not in that sequence is a value.
    pages = [f"Body {c}.\n{n}" for c, n in zip("ABC", (14, 15, 16))] + ["Total count.\n42"]
    out = strip_running_lines(pages, ParseSettings())
    assert out == ["Body A.", "Body B.", "Body C.", "Total count.\n42"]


def test_strip_running_lines_roman_page_numbers() -> None:
    pages = [f"Preface {c}.\n{n}" for c, n in zip("ABC", ("i", "ii", "iii"))]
    assert strip_running_lines(pages, ParseSettings()) == ["Preface A.", "Preface B.", "Preface C."]


def test_strip_running_lines_roman_numbers_as_printed() -> None:
    # A non-breaking space before a dash (the spaces repair runs later) and a page count after
    # the numeral: the number is the numeral printed first, and such a line never fails the parse.
    pages = [f"Preface {c}.\n{n}" for c, n in zip("ABC", ("\xa0- i -", "ii of 20", "iii of 20"))]
    assert strip_running_lines(pages, ParseSettings()) == ["Preface A.", "Preface B.", "Preface C."]


def test_strip_running_lines_needs_the_same_side() -> None:
    # The same line at the top of two pages and the bottom of two others is not a running head
    # (four pages: it would take three at one side).
    pages = [
        "Harbour notes\nA.\nB.\nC.\nD.",
        "Harbour notes\nE.\nF.\nG.\nH.",
        "I.\nJ.\nK.\nL.\nHarbour notes",
        "M.\nN.\nO.\nP.\nHarbour notes",
    ]
    assert strip_running_lines(pages, ParseSettings()) == pages


def test_drop_repeated_paragraphs_keeps_first_occurrence() -> None:
    quote = "Every port should publish its tide tables to every ship in advance."
    pages = [f"Intro.\n\n{quote}\n\nMore.", f"Later.\n\n{quote}\n\nEnd."]
    out = drop_repeated_paragraphs(pages, ParseSettings())
    assert out[0].count(quote) == 1
    assert quote not in out[1] and out[1] == "Later.\n\nEnd."


def test_drop_repeated_paragraphs_keeps_short_repeats() -> None:
    # Short lines ("See Annex B.") legitimately recur; only long ones are pull quotes.
    pages = ["See Annex B.\n\nText one.", "See Annex B.\n\nText two."]
    assert drop_repeated_paragraphs(pages, ParseSettings()) == pages


def test_repairs_order_is_declared_once() -> None:
    names = [r.name for r in REPAIRS]
    assert names.index("newlines") < names.index("running_lines") < names.index("hyphenated_words")
    assert names[-1] == "pull_quotes"
    assert len(TEXT_REPAIRS) == sum(1 for r in REPAIRS if r.text_fn is not None)


def test_normalize_pages_end_to_end() -> None:
    pages = [
        "Harbour Review\r\nThe \ufb01rst gover-\r\nnance rule on Al systems.\r\n1",
        "Harbour Review\r\nSecond page.\r\n2",
        "Harbour Review\r\nThird page.\r\n3",
    ]
    out = normalize_pages(pages, ParseSettings())
    assert out[0] == "The first governance\nrule on AI systems."
    assert out[1:] == ["Second page.", "Third page."]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("International Harbour\nCouncil", "International Harbour Council"),  # wrapped cell is one cell
        ("coordi-\nnation body", "coordination body"),  # split word rejoined inside a cell
        ("", ""),  # empty cell stays empty
        (None, None),  # no cell stays no cell
        ("*****", "*****"),  # a printed value ("not rated"), not a decorative line
        ("– – –", "– – –"),  # the same, spaced dashes
        ("Quay\x01 5", "Quay 5"),  # control characters go
    ],
)
def test_normalize_cell(given: str | None, expected: str | None) -> None:
    assert normalize_cell(given) == expected


def test_pdf_lines_repeated_in_the_same_wrap_are_kept() -> None:
    # PDF text has no blank lines: a run of lines printed again in the same wrap is body text set
    # in the same measure (a source note, a restated requirement), not a pull quote set apart.
    quote = "Every port should publish its tide\ntables to every ship in advance."
    pages = [f"Intro line.\n{quote}\nMore body.", f"Other body.\n{quote}\nEnd line here."]
    assert drop_repeated_paragraphs(pages, ParseSettings()) == pages


def test_pdf_line_recurring_mid_sentence_is_kept() -> None:
    # The same printed line inside two different sentences is not a pull quote.
    line = "harbour masters and river pilots agree on the"
    pages = [f"In winter the\n{line}\nrules.", f"In summer the\n{line}\nfees."]
    assert drop_repeated_paragraphs(pages, ParseSettings()) == pages


# --- shortcuts: a repair that returns early on text with nothing to repair ----------------------

# Pieces that make the repairs act (ligatures, odd spaces, soft hyphens, "Al" in every context
# fix_ai_ocr knows, hyphens at line ends, trailing spaces, blank lines) and pieces that look
# close but must be left alone.
_PIECES = [
    "Al",
    "Also",
    "Open",
    " Al",
    "Al-driven",
    "-Jazeera",
    "(Al)",
    "AlSI",
    "/ML",
    "Gen",
    "model",
    "gover-",
    "nance",
    "long-",
    " \n",
    "\n",
    "\n\n\n",
    " ",
    "\t",
    "\u00ad",
    "\ufb01",
    "\ufb03",
    "\u00a0",
    "\u200b",
    "\u2009",
    "x.",
]


def _texts() -> list[str]:
    """Every string of one to three pieces."""
    import itertools

    return ["".join(p) for n in (1, 2, 3) for p in itertools.product(_PIECES, repeat=n)]


def test_character_repairs_skip_only_text_without_their_characters() -> None:
    from govmap.sources import normalize as n

    for text in _texts():
        assert fix_ligatures(text) == text.translate(n._LIGATURE_TABLE)
        assert normalize_spaces(text) == text.translate(n._SPACE_TABLE)
        assert remove_soft_hyphens(text) == n._SOFT_HYPHEN_BREAK.sub(r"\1\2\n", text).replace("\u00ad", "")


def test_pattern_repairs_skip_only_text_none_of_their_patterns_matches() -> None:
    from govmap.sources import misread_ai as m
    from govmap.sources import normalize as n

    ai_patterns = (m._GLUED_AL, m._AL_SUFFIX, m._OPEN_AL, m._AL_ACRONYM, m._AL_WORD)
    for text in _texts():
        if any(p.search(text) for p in ai_patterns):
            assert m._AL_CANDIDATE.search(text), text
        if n._HYPHEN_BREAK.search(text):
            assert n._HYPHEN_AT_LINE_END.search(text), text


def test_tidy_whitespace_line_by_line_is_the_trailing_space_regex() -> None:
    import re

    from govmap.sources import normalize as n

    for text in _texts():
        plain = n._MANY_BLANK_LINES.sub("\n\n", re.sub(r"[ ]+$", "", text, flags=re.MULTILINE)).strip("\n")
        assert tidy_whitespace(text) == plain, repr(text)


def test_running_line_zones_read_from_both_ends() -> None:
    import itertools

    from govmap.sources import normalize as n

    for lines in itertools.product(["", " ", "\t", "a", "b c"], repeat=6):
        filled = [i for i, line in enumerate(lines) if line.strip()]
        for zone in range(5):
            plain = sorted(set(filled[:zone] + filled[-zone:])) if zone else []
            head, tail = n._zones(list(lines), zone)
            assert sorted(set(head + tail)) == plain, (lines, zone)
