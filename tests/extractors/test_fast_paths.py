"""The shortcuts taken for speed must give exactly what the plain spaCy / `re` calls give."""

from __future__ import annotations

import random
import re

import pytest

from extractors.extract import make_doc, mentions_of, sentence_text
from extractors.fastmatch import Alternation, finditer_word
from extractors.institutions import _URL, _url_ranges, surface_regex
from extractors.nlp import build_nlp
from extractors.tokenize import tokenize
from sources.model import Document, Page


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def _tokens(doc) -> list[tuple[str, str, str, int]]:
    return [(t.text, t.whitespace_, t.norm_, t.idx) for t in doc]


TEXT = (
    "The U.S. AI Safety Institute (US AISI) can't wait; it's 3:30 p.m. and we're done.\n\n"
    "See https://example.org/a-b or mail info@example.org :) -- e.g. Dr. Smith's \"quote\".\n"
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
    pieces = ["AI", "don't", "U.S.", "(", ")", "e.g.", "x-y", "’s", "\n", "\n\n", " ", "  ", "\t", "10%", "a.m.", ":)", "--", "Inc."]
    for _ in range(20):
        text = "".join(rng.choice(pieces) for _ in range(60))
        assert _tokens(tokenize(nlp, text)) == _tokens(nlp.make_doc(text))


@pytest.mark.parametrize("form", ["UN", "AI Safety Institute", "OECD-AI", "G7", "Japan’s AISI"])
def test_finditer_word_matches_re_finditer(form: str) -> None:
    text = f"{form} x{form} {form}s ({form}) _{form} {form.lower()} {form}1 {form}-{form}\n{form}"
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
        pages=(Page(number=1, text="Intro.\n\nThe UK AI Safety Institute partnered with the OECD. Then UNESCO met the UN."),),
    )
    doc = nlp(make_doc(nlp, document))
    mentions = mentions_of(doc)
    assert mentions
    spans = {(s.start_char, s.end_char): s for group in ("govmap_institutions", "govmap_instruments") for s in doc.spans[group]}
    for m in mentions:
        span = spans[(m.char_start, m.char_end)]
        assert m.sentence == sentence_text(span, span.sent)


def test_country_references_found_as_by_a_whole_text_scan() -> None:
    from extractors.fastmatch import finditer_before
    from extractors.institutions import _AISI_WORDS, _GOVERNMENT_WORD, InstitutionRuler

    ruler = InstitutionRuler()
    names = ["United States", "united  states", "South\nKorea", "Japan", "U.K.", "UK", "the UK", "Republic of Korea", "x"]
    tails = ["AI Safety Institute", "Al Security  Institute", "AISI", "AISIs", "government", "Government", "governments"]
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
        for pattern, anchor in ((ruler._country_aisi, _AISI_WORDS), (ruler._country_government, _GOVERNMENT_WORD)):
            expected = [(m.start(), m.end(), m.group("c")) for m in pattern.finditer(text)]
            found = [(m.start(), m.end(), m.group("c")) for m in finditer_before(pattern, anchor, text, ruler._country_words)]
            assert found == expected
            total += len(expected)
    assert total > 100  # the comparison means something

