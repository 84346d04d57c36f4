"""The shortcuts taken for speed must give exactly what the plain spaCy / `re` calls give."""

from __future__ import annotations

import random
import re

import pytest

from govmap.extractors.extract import make_doc, mentions_of, sentence_text
from govmap.extractors.fastmatch import Alternation, finditer_word
from govmap.extractors.kb_mentions import surface_regex
from govmap.extractors.mentions import _URL, _url_ranges
from govmap.extractors.nlp import build_nlp
from govmap.extractors.tokenize import tokenize
from govmap.sources.model import Document, Page


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _tokens(doc) -> list[tuple[str, str, str, int]]:
    return [(t.text, t.whitespace_, t.norm_, t.idx) for t in doc]


TEXT = (
    "The U.S. AI Safety Institute (US AISI) can't wait; it's 3:30 p.m. and we're done.\n\n"
    'See https://example.org/a-b or mail info@example.org :) -- e.g. Dr. Smith\'s "quote".\n'
    "Co-operation, non-state actors' views, 10km, $5, (a) item; U.K.'s Office.\n"
)


def test_tokenize_gives_the_tokens_make_doc_gives(nlp) -> None:
    plain = _tokens(nlp.make_doc(TEXT))
    assert _tokens(tokenize(nlp, TEXT)) == plain
    # a second document reusing the chunks now cached
    assert _tokens(tokenize(nlp, TEXT + TEXT)) == _tokens(nlp.make_doc(TEXT + TEXT))
    assert _tokens(tokenize(nlp, TEXT)) == plain


def test_tokenize_on_random_chunks(nlp) -> None:
    rng = random.Random(7)
    pieces = [
        "AI",
        "don't",
        "U.S.",
        "(",
        ")",
        "e.g.",
        "x-y",
        "’s",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\t",
        "10%",
        "a.m.",
        ":)",
        "--",
        "Inc.",
    ]
    for _ in range(20):
        text = "".join(rng.choice(pieces) for _ in range(60))
        assert _tokens(tokenize(nlp, text)) == _tokens(nlp.make_doc(text))


def test_tokenize_words_of_letters_offered_together(nlp) -> None:
    # letters only, in one call: non-ASCII letters, a ligature, and letter words that are
    # special cases ("cannot", "gonna" split; "Im") among plain ones
    text = "naïve café Straße ǅemal İstanbul ﬁnance cannot gonna Im id ll em words ΑΙ\nOK (naïve) cannot's"
    assert _tokens(tokenize(nlp, text)) == _tokens(nlp.make_doc(text))
    assert _tokens(tokenize(nlp, text + " " + text)) == _tokens(nlp.make_doc(text + " " + text))


@pytest.mark.parametrize("form", ["UN", "AI Safety Institute", "OECD-AI", "G7", "Japan’s AISI"])
def test_finditer_word_matches_re_finditer(form: str) -> None:
    text = f"{form} x{form} {form}s ({form}) _{form} {form.lower()} {form}1 {form}-{form}\n{form} é{form} \u0663{form} ²{form} ·{form}"
    source = surface_regex(form)
    expected = [(m.start(), m.end(), m.group(0)) for m in re.finditer(source, text)]
    assert [(m.start(), m.end(), m.group(0)) for m in finditer_word(source, text)] == expected
    assert expected  # the comparison means something


def test_alternation_second_character_shortcut() -> None:
    # "AI" also matches OCR "Al"; a one-letter first word has no fixed second character
    forms = ["AI Safety Institute", "AI Office", "Alan Turing Institute", "A Lab", "Ai2", "X"]
    for flags in (0, re.IGNORECASE):
        alt = Alternation([(f, surface_regex(f)) for f in forms], flags)
        text = "the Al Safety Institute, AI Office, alan turing institute, A  Lab, Ai2, X, Aé, A\u212a, X"
        assert [m.group(0) for m in alt.finditer(text)] == [m.group(0) for m in alt.full.finditer(text)]


def test_url_ranges_match_the_url_pattern() -> None:
    rng = random.Random(3)
    pieces = ["a", ".", "@", "/", "www.", "http://", "https://", " ", "\n", "org", ".com/", "x1", "-", "\u00a0"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert _url_ranges(text) == [(m.start(), m.end()) for m in _URL.finditer(text)]


def test_mention_sentences_are_the_spacy_sentences(nlp) -> None:
    document = Document(
        doc_id="d1",
        source_uri="memory://d1",
        media_type="text/plain",
        sha256="0" * 64,
        pages=(
            Page(
                number=1, text="Intro.\n\nThe UK AI Safety Institute partnered with the OECD. Then UNESCO met the UN."
            ),
        ),
    )
    doc = nlp(make_doc(nlp, document))
    mentions = mentions_of(doc)
    assert mentions
    spans = {
        (s.start_char, s.end_char): s
        for group in ("govmap_institutions", "govmap_instruments")
        for s in doc.spans[group]
    }
    for m in mentions:
        span = spans[(m.char_start, m.char_end)]
        assert m.sentence == sentence_text(span, span.sent)


def test_country_references_found_as_by_a_whole_text_scan() -> None:
    from govmap.extractors.fastmatch import finditer_before
    from govmap.extractors.country_refs import AISI_WORDS, GOVERNMENT_WORD, CountryReferences
    from govmap.extractors.kb import load_kb

    refs = CountryReferences(load_kb())
    names = [
        "United States",
        "united  states",
        "South\nKorea",
        "Japan",
        "U.K.",
        "UK",
        "the UK",
        "Republic of Korea",
        "x",
    ]
    tails = [
        "AI Safety Institute",
        "Al Security  Institute",
        "AISI",
        "AISIs",
        "government",
        "Government",
        "governments",
    ]
    rng = random.Random(5)
    total = 0
    for _ in range(200):
        parts = []
        for _ in range(12):
            parts.append(rng.choice(names) + rng.choice(["", "'s", "’s", "."]))
            parts.append(rng.choice([" ", "  ", "\n", ", ", " and "]))
            parts.append(rng.choice(tails + [""]))
            parts.append(rng.choice([" ", "\n\n", ". ", "-"]))
        text = "".join(parts)
        for pattern, anchor in ((refs.country_aisi, AISI_WORDS), (refs.country_government, GOVERNMENT_WORD)):
            expected = [(m.start(), m.end(), m.group("c")) for m in pattern.finditer(text)]
            found = [
                (m.start(), m.end(), m.group("c")) for m in finditer_before(pattern, anchor, text, refs.country_words)
            ]
            assert found == expected
            total += len(expected)
    assert total > 100  # the comparison means something


# Letters IGNORECASE folds onto ASCII ones (dotless i, long s, Kelvin sign, dotted capital I):
# texts holding them take the plain scans, or must give the same through the lower-cased one.
ODD_LETTERS = ["\u0131", "\u017f", "\u212a", "\u0130"]


def test_list_intros_found_as_by_a_whole_text_scan() -> None:
    from govmap.extractors.discovery import _LIST_INTRO, _list_intros

    nouns = ["bodies", "Institutions", "LABS", "networks", "funders", "Laboratories", "xnetworks", "bodies_"]
    seps = [" ", "  ", "\n", " (", "(", ", ", ",", " ( ", " , ", "-", ""]
    intros = ["such as", "Such\nas", "including", "e.g.", "e.g.,", "E.G.", "like", "unlike", "notably", "NOTABLY"]
    rng = random.Random(11)
    total = 0
    for n in range(300):
        parts = []
        for _ in range(10):
            parts += [rng.choice(nouns), rng.choice(seps), rng.choice(intros), rng.choice([" ", "  ", "\n", ""])]
            parts.append(rng.choice(["the X", "Y and Z", "", "bodies"]) + rng.choice([" ", ". ", "; "]))
        text = "".join(parts)
        if n % 10 == 0:  # a letter IGNORECASE folds: "ınstitutions", "ſuch as"
            text = text.replace("i", rng.choice(ODD_LETTERS), 1).replace("s", "\u017f", 1)
        expected = [(m.start(), m.end(), m.group(1)) for m in _LIST_INTRO.finditer(text)]
        assert [(m.start(), m.end(), m.group(1)) for m in _list_intros(text)] == expected
        total += len(expected)
    assert total > 300  # the comparison means something


def test_lowered_for_scan_finds_what_ignorecase_finds() -> None:
    from govmap.extractors.fastmatch import lowered_for_scan

    words = re.compile(r"such\s+as|including|like|e\.g\.")
    rng = random.Random(2)
    pieces = [
        "such",
        "SUCH",
        " ",
        "\n",
        "\u00a0",
        "as",
        "As",
        "inclu",
        "ding",
        "li",
        "ke",
        "\u212a",
        "e.g.",
        "E.G.",
        "é",
        "\u0131",
    ]
    checked = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(12))
        lowered = lowered_for_scan(text)
        if lowered is None:
            continue
        expected = [m.span() for m in re.finditer(words.pattern, text, re.IGNORECASE)]
        assert [m.span() for m in words.finditer(lowered)] == expected
        checked += bool(expected)
    assert checked > 100


def test_plain_lines_as_the_markdown_pattern_gives() -> None:
    from govmap.extractors.metadata import _MARKDOWN_MARKS, _plain

    rng = random.Random(4)
    pieces = ["#", "##", "*", "**", "_", "__", " ", "\t", "word", "Title", "x", "-", "é", "1"]
    for _ in range(3000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert _plain(line) == _MARKDOWN_MARKS.sub("", line).strip()


def _acronym_matches_as_by_a_whole_text_scan(
    pattern: re.Pattern[str], anchor: re.Pattern[str], runs: int, parts: list[list[str]], rounds: int, seed: int
) -> int:
    """`finditer_before(pattern, anchor, text, runs)` against `pattern.finditer(text)` on texts of
    six random "acronym, link, name, end" phrases drawn from `parts`; the matches found."""
    from govmap.extractors.fastmatch import finditer_before

    rng = random.Random(seed)
    total = 0
    for _ in range(rounds):
        text = " ".join("".join(rng.choice(part) for part in parts) for _ in range(6))
        expected = [(m.start(), m.end(), m.group(1), m.group(2)) for m in pattern.finditer(text)]
        assert [
            (m.start(), m.end(), m.group(1), m.group(2)) for m in finditer_before(pattern, anchor, text, runs)
        ] == expected
        total += len(expected)
    return total


def test_stands_for_found_as_by_a_whole_text_scan() -> None:
    from govmap.extractors.discovery import _STANDS, _STANDS_FOR

    acronyms = ["CERN", "W3C", "C4", "GPAI", "Ab", "x", "AIs"]
    links = [
        " stands for ",
        ", which stands for ",
        " , that stood for ",
        "\nstands  for the ",
        " withstands for ",
        ",stands for ",
    ]
    names = ["European Organization for Nuclear Research", "World Wide Web Consortium", "the Thing", "lower case"]
    parts = [acronyms, links, names, [".", ",", "", "\n"]]
    assert _acronym_matches_as_by_a_whole_text_scan(_STANDS_FOR, _STANDS, 3, parts, rounds=300, seed=8) > 300


def test_head_references_found_as_by_a_whole_text_scan() -> None:
    from govmap.extractors.fastmatch import finditer_before
    from govmap.extractors.context_refs import HeadReferences
    from govmap.extractors.kb import load_kb

    heads = HeadReferences(load_kb())
    rng = random.Random(9)
    pieces = [
        "the",
        "The",
        "THE",
        "bathe",
        "(the",
        " ",
        "  ",
        "\n",
        "Network",
        "Networks",
        "Network-wide",
        "Forum",
        "of",
        "for",
        "Panel",
        ".",
        "-",
    ]
    total = 0
    for _ in range(500):
        text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(30))
        for _head, (pattern, anchor) in heads.patterns.items():
            expected = [m.span(1) for m in pattern.finditer(text)]
            assert [m.span(1) for m in finditer_before(pattern, anchor, text, 1)] == expected
            total += len(expected)
    assert total > 100


def _line_break_as_first_written(splitter, text: str, idx: int, word: str) -> bool:
    """`SentenceSplitter._line_break_ends_sentence`, reading what follows from a slice."""
    from govmap.extractors.sentences import _BLANK_LINE, _END, _LIST_OPENER, _looks_like_heading

    newline_at = idx + word.index("\n")
    line = text[text.rfind("\n", 0, newline_at) + 1 : newline_at].strip()
    after = text[newline_at : newline_at + 2000]
    if not line or _BLANK_LINE.match(after):
        return True
    if line[-1] in _END or line.endswith(('."', ".\u201d")):
        return True
    next_line = after[1:].split("\n", 1)[0]
    if _LIST_OPENER.match(next_line) or "\t" in line or "\t" in next_line or line.startswith(("#", "|", "**")):
        return True
    return len(line) <= splitter.max_heading_chars and next_line[:1].isupper() and _looks_like_heading(line)


def _starts_reading_every_token(splitter, doc) -> set[int]:
    """`SentenceSplitter.find_starts` as first written: every token read through spaCy."""
    from govmap.extractors.sentences import _ABBREVIATIONS, _BULLETS, _END, _QUOTES

    text, tokens, n = doc.text, list(doc), len(doc)

    def first_non_space(i: int) -> int:
        while i < n - 1 and tokens[i].is_space:
            i += 1
        return i

    def opens(i: int) -> bool:
        while i < n and tokens[i].is_space:
            i += 1
        if i >= n:
            return False
        t = tokens[i].text
        if t in {"-", "\u2013", "\u2022", "\u25aa", "\u25e6", "*"} and tokens[i].whitespace_:
            return True
        return t[:1].isupper() or t[:1].isdigit() or t[:1] in '"“‘(['

    starts: set[int] = set()
    for i in range(n - 1):
        word, space = tokens[i].text, tokens[i].whitespace_
        if tokens[i].is_space or "\n" in space:
            if "\n" in word and _line_break_as_first_written(splitter, text, tokens[i].idx, word):
                starts.add(first_non_space(i + 1))
            continue
        if tokens[i + 1].text in _BULLETS and space and i + 2 < n:
            starts.add(i + 1)
            continue
        if word in _END or word.endswith("."):
            if word.endswith(".") and word.rstrip(".").lower() in _ABBREVIATIONS:
                continue
            if tokens[i + 1].text in _QUOTES and not space and tokens[i + 1].whitespace_ and i + 2 < n:
                if opens(i + 2):
                    starts.add(first_non_space(i + 2))
                continue
            if opens(i + 1):
                starts.add(first_non_space(i + 1))
    return {s for s in starts if 0 < s < n}


def test_sentence_starts_as_reading_every_token(nlp) -> None:
    splitter = nlp.get_pipe("govmap_sentences")
    rng = random.Random(6)
    pieces = [
        "The",
        "UK",
        "said",
        "e.g.",
        "Dr.",
        "U.S.",
        "end.",
        "it",
        "2024.",
        "x",
        "\u2022",
        "\u25aa",
        "-",
        "*",
        '"',
        "\u201d",
        "\u2019",
        "'",
        ".",
        "!",
        "?",
        ":",
        ";",
        "(a)",
        "1.",
        "#",
        "|",
        "\t",
        "Heading",
        "Line",
        "\u00e9t\u00e9.",
    ]
    # past the 2,000 characters a line break looks ahead
    pieces += ["x" * 2100, " " * 2100, "\t" * 1999]
    seps = [" ", " ", " ", "", "\n", "\n\n", "  \n", "\n \n", " \t"]
    found = 0
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 60)))
        doc = nlp.make_doc(text)
        expected = _starts_reading_every_token(splitter, doc)
        assert splitter.find_starts(doc) == expected
        found += len(expected)
    assert found > 1000


def test_country_patterns_never_match_where_their_quick_checks_fail() -> None:
    from govmap.extractors import cues
    from govmap.extractors.prose import _COORDINATED_NAME, _COUNTRY_SUBJECT, _PLURAL_AISI, _PLURAL_HEAD_WORDS

    heads = cues.AISI_PLURAL_HEADS.removeprefix("(?:").removesuffix(")").split("|")
    assert all(any(w in head for w in _PLURAL_HEAD_WORDS) for head in heads)
    rng = random.Random(12)
    pieces = [
        "The",
        "the",
        "UK",
        "U.S.",
        "EU",
        "Japan",
        "South Korea",
        "and",
        "&",
        ",",
        " ",
        "between",
        "- ",
        "AISIs",
        "AI Safety Institutes",
        "ai safety institutes",
        "Safety Institutes",
        "agree",
        "to",
        "x",
        "And",
    ]
    total = 0
    for _ in range(5000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(2, 12)))
        for pattern, needs_head in ((_COUNTRY_SUBJECT, False), (_PLURAL_AISI, True)):
            if pattern.search(text):
                total += 1
                assert _COORDINATED_NAME.search(text)
                assert not needs_head or any(w in text for w in _PLURAL_HEAD_WORDS)
    assert total > 50


def test_acronym_before_its_name_found_as_by_a_whole_text_scan() -> None:
    from govmap.extractors.discovery import _DEF_BEFORE, _DEF_BEFORE_BRACKET

    acronyms = ["CERN", "W3C", "OECD", "AIs", "x", "GPAI-2", "(UN", "Ab"]
    gaps = [" (", "(", "  ( ", " ( the ", "(The ", " (\n", " ((", " (e.g. "]
    names = [
        "European Organization for Nuclear Research",
        "World Wide Web Consortium",
        "Tiny",
        "lower case name",
        "Name (nested) Here",
        "A" * 130,
    ]
    parts = [acronyms, gaps, names, [")", " )", "", ").", "\n)"]]
    assert (
        _acronym_matches_as_by_a_whole_text_scan(_DEF_BEFORE, _DEF_BEFORE_BRACKET, 1, parts, rounds=400, seed=13) > 300
    )


def test_country_lists_found_as_by_a_whole_text_scan() -> None:
    from govmap.extractors.country_refs import CountryReferences
    from govmap.extractors.kb import load_kb

    refs = CountryReferences(load_kb())
    names = [
        "United States",
        "united  states",
        "the UK",
        "UK",
        "U.K.",
        "Japan",
        "JAPAN",
        "South\nKorea",
        "France",
        "x",
        "(Canada",
        "Canada.",
        "\u212aenya",
        "Ru\u017f\u017fia",
        "India",
    ]
    seps = [", ", ",", " , the ", " and ", " & ", " AND the ", ", and ", " ", "; ", " of "]
    tails = [" AISIs", " AI Safety Institutes", "  Al Security\nInstitutes", " AISI", " AISIs.", "AISIs", " AISIsx", ""]
    rng = random.Random(14)
    total = 0
    for _ in range(400):
        parts = []
        for _ in range(8):
            parts += [rng.choice(names) + rng.choice(seps) for _ in range(rng.randint(1, 4))]
            parts += [rng.choice(names), rng.choice(tails), rng.choice([" ", ". ", "\n", " ("])]
        text = "".join(parts)
        expected = [(m.start(), m.end(), m.group("list")) for m in refs.country_list_aisis.finditer(text)]
        assert [(m.start(), m.end(), m.group("list")) for m in refs.country_lists(text)] == expected
        total += len(expected)
    assert total > 200


def test_org_names_as_when_every_run_is_read(monkeypatch) -> None:
    from govmap.extractors import discovery

    rng = random.Random(15)
    pieces = [
        "Simon",
        "Institute",
        "Institute's",
        "Institutes",
        "for",
        "of",
        "the",
        "and",
        "Centre.",
        "CENTRE",
        "Ministry",
        "Foundation,",
        "Council;",
        "U.S.",
        "AI",
        "Research",
        "Network",
        "Global",
        "Longterm",
        "Governance",
        "x",
        "Making",
    ]
    texts = [
        " ".join(rng.choice(pieces) + rng.choice(["", "", "\n", ".", ","]) for _ in range(rng.randint(1, 40)))
        for _ in range(400)
    ]
    fast = [discovery.find_org_names(t) for t in texts]
    monkeypatch.setattr(discovery, "_may_name_an_org", lambda run: True)
    assert [discovery.find_org_names(t) for t in texts] == fast
    assert sum(map(len, fast)) > 100


def test_grounder_grounds_as_one_grounder_per_name(nlp) -> None:
    from govmap.extractors.grounding import MentionGrounder

    def ground_one(doc, *request) -> bool:
        grounder = MentionGrounder(doc)
        added = grounder.ground(*request[:3], anchor=request[3], extractor="test", confidence=0.5)
        grounder.close()
        return added

    pages = (
        "The OECD and the US met Japan. US <> Singapore\nUK | Japan | US",
        "Japan and the UK; Singapore, US, OECD.",
    )
    document = Document(
        doc_id="d2",
        source_uri="memory://d2",
        media_type="text/plain",
        sha256="0" * 64,
        pages=tuple(Page(number=i + 1, text=t) for i, t in enumerate(pages)),
    )
    requests = [
        (1, "US", "us-aisi", "US <> Singapore"),
        (1, "Singapore", "sg-aisi", "US <> Singapore"),
        (1, "US", "us-aisi", None),
        (2, "Japan", "japan-gov", None),
        (2, "Japan", "japan-gov", None),
        (1, "UK", "uk-aisi", "UK | Japan"),
        (3, "US", "us-aisi", None),
        (2, "OECD", "other", None),
        (1, "Korea", "kr", None),
        (2, "US", "us-aisi", "x"),
    ]

    def spans(doc):
        return [
            (s.start, s.end, s.kb_id_, s._.govmap_extractor, s._.govmap_confidence)
            for s in doc.spans["govmap_institutions"]
        ]

    one_by_one, grouped = (nlp(make_doc(nlp, document)) for _ in range(2))
    singles = [ground_one(one_by_one, *request) for request in requests]
    grounder = MentionGrounder(grouped)
    together = [grounder.ground(p, s, k, anchor=a, extractor="test", confidence=0.5) for p, s, k, a in requests]
    grounder.close()
    assert together == singles
    assert spans(grouped) == spans(one_by_one)
    assert sum(singles) >= 3  # the comparison means something
