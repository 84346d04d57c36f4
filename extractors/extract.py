"""`extract_document`: run the pipeline over one parsed document and collect its records."""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from govmap.extractors.extensions import INSTITUTIONS, INSTRUMENTS, PAGE_SEPARATOR, doc_text, page_at, remember_text
from govmap.extractors.records import DocMetadata, Extraction, Mention
from govmap.extractors.tokenize import tokenize
from govmap.sources.model import Document

__all__ = ["make_doc", "extract_document", "mentions_of"]

# A sentence longer than this is a run-on from a table or a noisy page; evidence is clipped.
MAX_SENTENCE_CHARS = 1000


def make_doc(nlp: Language, document: Document) -> Doc:
    """Tokenise the document's pages as one Doc, remembering where each page starts."""
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for page in document.pages:
        starts.append(offset)
        parts.append(page.text)
        offset += len(page.text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(parts)
    doc = tokenize(nlp, text)
    remember_text(doc, text)
    doc._.govmap_document = document
    doc._.govmap_page_starts = tuple(starts) or (0,)
    return doc


def extract_document(nlp: Language, document: Document) -> Extraction:
    """Every mention, collaboration, rating, discovery and the metadata of one document."""
    doc = nlp(make_doc(nlp, document))
    return Extraction(
        doc_id=document.doc_id,
        metadata=doc._.govmap_metadata or DocMetadata(),
        mentions=tuple(mentions_of(doc)),
        collaborations=tuple(doc._.govmap_collaborations or ()),
        ratings=tuple(doc._.govmap_ratings or ()),
        discoveries=tuple(doc._.govmap_discoveries or ()),
    )


def sentence_text(span: Span, sent: Span | None = None) -> str:
    """The sentence holding `span` (`sent`, else `span.sent`), on one line, clipped around the
    span when it is very long."""
    sent = span.sent if sent is None else sent
    text = doc_text(span.doc)[sent.start_char : sent.end_char]  # sent.text, without a pass over its tokens
    if len(text) > MAX_SENTENCE_CHARS:
        lo = max(sent.start_char, span.start_char - MAX_SENTENCE_CHARS // 2)
        text = doc_text(span.doc)[lo : lo + MAX_SENTENCE_CHARS]
    return " ".join(text.split())


def _sentence_starts(doc: Doc) -> list[int] | None:
    """Token indices where the doc's sentences start, or None when hooks or a missing sentence
    annotation leave finding a span's sentence to spaCy."""
    if doc.user_span_hooks or doc.user_hooks or not doc.has_annotation("SENT_START"):
        return None
    return numpy.flatnonzero(doc.to_array(SENT_START) == 1).tolist()


def _sentence_of(span: Span, starts: list[int] | None) -> Span:
    """`span.sent` from the sentence starts worked out once per doc: `span.sent` walks the tokens
    to both ends of the sentence for every mention.  Like spaCy, the sentence runs from the last
    start at or before the span's first token to the next start after it."""
    if starts is None:
        return span.sent
    doc = span.doc
    after = bisect.bisect_right(starts, span.start)
    first = starts[after - 1] if after else 0
    end = starts[after] if after < len(starts) else len(doc)
    return doc[first:end]


def mentions_of(doc: Doc) -> list[Mention]:
    """Mentions from the institution and instrument span groups, with page-relative offsets."""
    document: Document = doc._.govmap_document
    text = doc_text(doc)
    starts = _sentence_starts(doc)
    page_starts = doc._.govmap_page_starts
    out: list[Mention] = []
    for group in (INSTITUTIONS, INSTRUMENTS):
        if group not in doc.spans:
            continue
        for span in doc.spans[group]:
            page, start = page_at(page_starts, span.start_char)
            if page_at(page_starts, span.end_char - 1)[0] != page:
                continue  # a match that runs across a page break is not one mention
            surface = text[span.start_char : span.end_char]  # span.text
            extension = span._  # each read of span._ builds an object
            out.append(
                Mention(
                    doc_id=document.doc_id,
                    entity_type=span.label_,
                    key=span.kb_id_,
                    surface=surface,
                    page=page,
                    char_start=start,
                    char_end=start + len(surface),
                    sentence=sentence_text(span, _sentence_of(span, starts)),
                    extractor=extension.govmap_extractor,
                    confidence=float(extension.govmap_confidence),
                )
            )
    out.sort(key=lambda m: (m.page, m.char_start, m.char_end, m.entity_type))
    return out
