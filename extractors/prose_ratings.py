"""`govmap_prose_ratings`: ratings a report states in prose rather than in a matrix.

A prose rating judges a subject (an option, a body, a model, a country) on a named criterion:

* "On legitimacy, the rotating model fares poorly ..."       -> (rotating model, legitimacy, poorly)
* "The panel scores well on speed", "X performs moderately against cost"
* "X is weak on enforcement", "X is the strongest on inclusiveness"
* "X offers limited flexibility", "X has a strong track record", "X brings less A but has weaker B"
* "The main weakness of X is limited reach", "The best option for speed is X"
* "X is a more reliable choice" (criterion: reliability), "X would increase accountability"
* "X ranks 12th globally", "X scores 7.5 on openness", "X's overall score of 61.2",
  "X leads the region with a score of 61.2", "leaders such as X (81.97)" (X a known body or country)
* a pros-and-cons list: a heading naming the subject, then "Strengths:" / "Weaknesses:" (or
  benefits/challenges, advantages/disadvantages, pros/cons) followed by "Criterion: why ..." items
  (extractor ``prose:rating-list``, scale ``pros-cons``);
* a paragraph led by a criterion in bold that places two or more subjects on it:
  "**Openness**: A is the most open. B sits in the middle."

Only sentences holding an anchor word (`ANCHOR_WORDS`, or a score- or rank-shaped token) are read,
found with array operations over the tokens; each rule is a regular expression over that sentence,
tried only when the sentence holds one of its needles, and kept in `govmap.extractors.rating_lexicon` with
the ordered words that give an ordinal rating its score (scale ``prose-ordinal``; numbers are kept
as printed on ``prose-numeric``, scored only where the text gives the range: "72%", "4 out of 5").
A negated verb or adjective ("does not perform well") reads as the other side of the scale.  The
sentence, and the next one when it gives the reason ("This is because ..."), is the rationale.  A
subject that names an institution gets its key (`subject_key`), from the institution ruler's spans
or the linker; a subject that only contains a name ("the OECD's fund") gets none.

``find`` is a pure function of the Doc; ``set_annotations`` appends to ``doc._.govmap_ratings``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator

import numpy
from spacy.attrs import IDX, LOWER, SENT_START, SHAPE
from spacy.language import Language
from spacy.tokens import Doc

from govmap.extractors import extensions  # noqa: F401  (registers the extension attributes)
from govmap.extractors.extensions import INSTITUTIONS, add_records, doc_text, page_at
from govmap.extractors.gazetteer import country_names
from govmap.extractors.linking import Linker
from govmap.extractors.rating_lexicon import (
    ANCHOR_SHAPES,
    ANCHOR_WORDS,
    CLAUSE_SPLIT,
    LABELLED_CLAUSE,
    LABELLED_PARAGRAPH,
    LIST_LABEL,
    LIST_ITEM,
    NUMERIC_SCALE,
    ORDINAL_SCALE,
    PROS_CONS_SCALE,
    RULES,
    clean_criterion,
    clean_subject,
    effect_score,
    label_polarity,
    nominal_score,
    numeric_score,
    ordinal_score,
)
from govmap.extractors.records import Rating
from govmap.sources.model import Document

__all__ = [
    "PROSE_RATING_EXTRACTOR",
    "PROSE_LIST_EXTRACTOR",
    "PROSE_TABLE_ID",
    "DEFAULT_MAX_SENTENCE_CHARS",
    "find_prose_ratings",
    "find_list_ratings",
    "find_labelled_ratings",
    "ProseRatings",
]

PROSE_RATING_EXTRACTOR = "prose:rating"
PROSE_LIST_EXTRACTOR = "prose:rating-list"
PROSE_TABLE_ID = "prose"
# Sentences longer than this are table rows or run-on page text, not one judgement.
DEFAULT_MAX_SENTENCE_CHARS = 600
_REASON = re.compile(
    r"\s*(?:(?:This|That|It)\s+is\s+(?:largely\s+|mainly\s+|partly\s+)?because|Because|The\s+reason\s+is)\b"
)
_HEADING_LINE = re.compile(r"^(?:#{1,6}\s*)?(?:\d+(?:\.\d+)*\.?\s+)?([A-Z][^.:;!?\t|]{2,80})$")
_STOP_HEADING = re.compile(r"^(?:Table|Figure|Box|Source|Note)s?\b", re.I)


@dataclass(frozen=True)
class _Sentence:
    start: int  # offset into the doc text
    text: str


def _sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Doc-text offsets where each sentence starts, and where the next starts (or the text ends),
    from arrays rather than a walk over the tokens."""
    text = doc_text(doc)
    if not len(doc):
        return [], []
    array = doc.to_array([SENT_START, IDX]).astype(numpy.int64)
    starts = array[array[:, 0] == 1, 1].tolist() if doc.has_annotation("SENT_START") else []
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    return starts, [*starts[1:], len(text)]


def _candidate_sentences(doc: Doc, max_chars: int) -> Iterator[tuple[int, _Sentence, _Sentence | None]]:
    """(index, sentence, next sentence) for each sentence holding an anchor word, found with
    array operations over the tokens' lower-case forms and shapes."""
    text = doc_text(doc)
    starts, ends = _sentence_bounds(doc)
    if not starts:
        return
    strings = doc.vocab.strings
    words = numpy.array(sorted(strings[w] for w in ANCHOR_WORDS), dtype=numpy.uint64)
    shapes = numpy.array(sorted(strings[w] for w in ANCHOR_SHAPES), dtype=numpy.uint64)
    array = doc.to_array([LOWER, SHAPE, IDX])
    hit = numpy.isin(array[:, 0], words) | numpy.isin(array[:, 1], shapes)
    offsets = array[hit, 2].astype(numpy.int64)
    which = numpy.unique(numpy.searchsorted(numpy.asarray(starts, dtype=numpy.int64), offsets, side="right") - 1)
    for i in which.tolist():
        if i < 0:
            continue
        body = text[starts[i] : ends[i]]
        if len(body) > max_chars:
            continue
        nxt = _Sentence(starts[i + 1], text[starts[i + 1] : ends[i + 1]]) if i + 1 < len(starts) else None
        yield i, _Sentence(starts[i], body), nxt


def _matches(pattern: re.Pattern[str], text: str, *, retries: int = 4) -> Iterator[re.Match[str]]:
    """Matches of a rule in a sentence; a match whose subject `clean_subject` refuses ("My view is
    that the fund") is tried again from the next clause start inside it ("the fund"), a few times."""
    pos, tries = 0, 0
    while pos <= len(text):
        m = pattern.search(text, pos)
        if m is None:
            return
        yield m
        if clean_subject(m.group("subject")) is None and tries < retries:
            tries += 1
            pos = m.start("subject") + 1
        else:
            tries = 0
            pos = max(m.end(), pos + 1)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _is_known(subject: str, linker: Linker | None) -> bool:
    """Whether a subject names a body the linker knows or a country (ISO 3166 names)."""
    bare = re.sub(r"^the\s+", "", subject, flags=re.I)
    return bare in country_names() or (linker is not None and linker.link(bare) is not None)


def _subject_key(
    subject: str, start: int, end: int, spans: list[tuple[int, int, str, str]], linker: Linker | None
) -> str | None:
    """The institution key of a subject that names one: a ruler span covering the subject, else
    the linker on the subject's words.  A subject that merely contains a name ("the OECD's
    funding model") is not that institution."""
    bare = re.sub(r"^(?:the|a|an)\s+", "", subject, flags=re.I)
    for s_start, s_end, surface, key in spans:
        if s_start >= start and s_end <= end and _flat(surface).lower() == bare.lower():
            return key
    if linker is not None:
        return linker.link(bare)
    return None


def find_prose_ratings(
    doc: Doc, *, linker: Linker | None = None, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS
) -> list[Rating]:
    """Every rating stated in one sentence of the document (see the module docstring).

    linker: turns an institution subject into its key; the ruler's spans are tried first.
    """
    document: Document | None = doc._.govmap_document
    doc_id = document.doc_id if document is not None else ""
    starts = doc._.govmap_page_starts
    spans = (
        [(s.start_char, s.end_char, s.text, s.kb_id_) for s in doc.spans[INSTITUTIONS]]
        if INSTITUTIONS in doc.spans
        else []
    )
    spans.sort()
    span_starts = [s[0] for s in spans]
    out: list[Rating] = []
    for _, sentence, nxt in _candidate_sentences(doc, max_sentence_chars):
        text = sentence.text
        found: set[tuple[str, str]] = set()
        taken: set[int] = set()
        lowered = text.lower()
        for rule in RULES:
            if not rule.may_match(lowered):
                continue
            for m in _matches(rule.pattern, text):
                subject = clean_subject(m.group("subject"))
                criterion = rule.criterion(m)
                criterion = clean_criterion(criterion) if criterion else None
                # One judgement per printed criterion (or rating) in a sentence, whichever rule reads it.
                at_word = m.start("criterion") if m.groupdict().get("criterion") else m.start("rating")
                if not subject or not criterion or (subject.lower(), criterion.lower()) in found or at_word in taken:
                    continue
                if rule.known_subject and not _is_known(subject, linker):
                    continue
                taken.add(at_word)
                found.add((subject.lower(), criterion.lower()))
                printed = _flat(m.group("rating"))
                negated = bool(m.groupdict().get("neg"))
                if rule.numeric:
                    score, scale = numeric_score(printed), NUMERIC_SCALE
                elif rule.effect:
                    score, scale = effect_score(printed, negated=negated), ORDINAL_SCALE
                elif rule.nominal:
                    score, scale = nominal_score(printed, negated=negated), ORDINAL_SCALE
                else:
                    score, scale = ordinal_score(printed, negated=negated, polarity=rule.polarity(m)), ORDINAL_SCALE
                if negated:
                    printed = _flat(m.group("neg")) + " " + printed
                at = sentence.start + m.start("subject")
                lo = bisect.bisect_left(span_starts, sentence.start)
                hi = bisect.bisect_right(span_starts, sentence.start + len(text))
                key = _subject_key(subject, at, sentence.start + m.end("subject"), spans[lo:hi], linker)
                rationale = _flat(text)
                if nxt is not None and _REASON.match(nxt.text):
                    rationale += " " + _flat(nxt.text)
                out.append(
                    Rating(
                        doc_id=doc_id,
                        subject=subject,
                        subject_key=key,
                        criterion=criterion,
                        rating=printed,
                        score=score,
                        scale=scale,
                        rationale=rationale,
                        table_id=PROSE_TABLE_ID,
                        page=page_at(starts, at)[0],
                        extractor=PROSE_RATING_EXTRACTOR,
                    )
                )
    return out


def _heading_of(line: str) -> str | None:
    """The subject a short heading line names, or None when the line is not a heading."""
    m = _HEADING_LINE.match(line)
    if m is None or _STOP_HEADING.match(line):
        return None
    words = m.group(1).split()
    if not 1 <= len(words) <= 10:
        return None
    # Headings capitalise their content words; a sentence fragment does not.
    capitalised = sum(
        1
        for w in words
        if w[:1].isupper() or w.lower() in {"a", "an", "the", "of", "in", "by", "for", "and", "on", "to", "at"}
    )
    return m.group(1).strip() if capitalised == len(words) else None


def find_list_ratings(document: Document, *, linker: Linker | None = None) -> list[Rating]:
    """Ratings from pros-and-cons lists: a heading names the subject, a label line ("Strengths:",
    "CHALLENGES") gives the polarity, and each "Criterion: ..." item under it is one rating.

    A heading resets the label, so items are read only under a label that follows a heading.
    """
    out: list[Rating] = []
    subject: str | None = None
    label: str | None = None
    polarity: float | None = None
    for page in document.pages:
        lines = page.text.split("\n")
        for n, raw in enumerate(lines):
            line = raw.strip().strip("*_").strip()
            if not re.search(r"[A-Za-z]{2}", line):
                continue  # rules, bullets and page furniture
            if "\t" in raw or raw.lstrip().startswith("|"):
                subject, label, polarity = None, None, None  # a table row: tables are read elsewhere
                continue
            lab = LIST_LABEL.match(line)
            if lab is not None:
                polarity = label_polarity(lab.group("label"))
                label = lab.group("label")
                continue
            item = LIST_ITEM.match(line)
            if item is not None and polarity is None:
                # "Name: description" before any label: the heading above is a column word
                # ("Model") over a grid printed as lines, not the subject of a list.
                subject = None
                continue
            if not subject:
                item = None
            if item is not None:
                criterion = clean_criterion(item.group("criterion"))
                if criterion:
                    rest = item.group("rest") or next((x for x in lines[n + 1 : n + 4] if x.strip()), "")
                    out.append(
                        Rating(
                            doc_id=document.doc_id,
                            subject=subject,
                            subject_key=linker.link(subject) if linker is not None else None,
                            criterion=criterion,
                            rating=label.title() if label.isupper() else label,
                            score=polarity,
                            scale=PROS_CONS_SCALE,
                            rationale=_flat(rest) or None,
                            table_id=PROSE_TABLE_ID,
                            page=page.number,
                            extractor=PROSE_LIST_EXTRACTOR,
                        )
                    )
                continue
            heading = _heading_of(line)
            prev = lines[n - 1].strip() if n else ""
            if heading is not None and (not prev or prev[-1:] in ".:!?)" or not re.search(r"[A-Za-z]{2}", prev)):
                subject, label, polarity = heading, None, None
    return out


def find_labelled_ratings(document: Document, *, linker: Linker | None = None, min_subjects: int = 2) -> list[Rating]:
    """Ratings from a paragraph led by a criterion in bold that places several subjects on it:
    "**Cost**: The fund is the cheapest. The office sits in the middle, and the panel ...".

    A paragraph placing fewer than `min_subjects` named subjects is a note, not a comparison,
    and gives nothing.
    """
    out: list[Rating] = []
    for page in document.pages:
        for line in page.text.split("\n"):
            m = LABELLED_PARAGRAPH.match(line)
            if m is None:
                continue
            criterion = clean_criterion(m.group("criterion"))
            if not criterion:
                continue
            found: list[tuple[str, str, bool]] = []
            for clause in CLAUSE_SPLIT.split(m.group("body")):
                c = LABELLED_CLAUSE.match(clause.rstrip(" ."))
                subject = clean_subject(c.group("subject")) if c else None
                if c is None or not subject or any(subject == s for s, _, _ in found):
                    continue
                found.append((subject, _flat(c.group("rating")), bool(c.group("neg"))))
            if len(found) < min_subjects:
                continue
            for subject, printed, negated in found:
                out.append(
                    Rating(
                        doc_id=document.doc_id,
                        subject=subject,
                        subject_key=linker.link(re.sub(r"^the\s+", "", subject, flags=re.I))
                        if linker is not None
                        else None,
                        criterion=criterion,
                        rating=("not " if negated else "") + printed,
                        score=ordinal_score(printed, negated=negated),
                        scale=ORDINAL_SCALE,
                        rationale=_flat(line).replace("**", ""),
                        table_id=PROSE_TABLE_ID,
                        page=page.number,
                        extractor=PROSE_RATING_EXTRACTOR,
                    )
                )
    return out


@Language.factory(
    "govmap_prose_ratings",
    default_config={"max_sentence_chars": DEFAULT_MAX_SENTENCE_CHARS, "read_lists": True},
    assigns=["doc._.govmap_ratings"],
    requires=["doc._.govmap_linker"],
)
def make_prose_ratings(nlp: Language, name: str, max_sentence_chars: int, read_lists: bool) -> "ProseRatings":
    return ProseRatings(max_sentence_chars=max_sentence_chars, read_lists=read_lists)


class ProseRatings:
    """Finds ratings stated in sentences and pros-and-cons lists, then appends them to
    ``doc._.govmap_ratings``.

    max_sentence_chars: longer sentences are not read (default 600).  read_lists: also read
    pros-and-cons lists under a subject heading (default True).
    """

    def __init__(self, *, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS, read_lists: bool = True) -> None:
        if max_sentence_chars < 1:
            raise ValueError(f"max_sentence_chars must be ≥ 1, got {max_sentence_chars}")
        self.max_sentence_chars = max_sentence_chars
        self.read_lists = read_lists

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.find(doc))
        return doc

    def find(self, doc: Doc) -> list[Rating]:
        linker: Linker | None = doc._.govmap_linker
        out = find_prose_ratings(doc, linker=linker, max_sentence_chars=self.max_sentence_chars)
        document: Document | None = doc._.govmap_document
        if self.read_lists and document is not None:
            out.extend(find_list_ratings(document, linker=linker))
            out.extend(find_labelled_ratings(document, linker=linker))
        return out

    @staticmethod
    def set_annotations(doc: Doc, ratings: list[Rating]) -> None:
        """Append to the doc's ratings, keeping what other components put there."""
        add_records(doc, "govmap_ratings", ratings)
