"""`govmap_institution_ruler`: mentions of institutions, known (KB) and discovered.

The component composes steps that each live in a module of their own and keep nothing between
documents: `find_institutions(doc)` gathers KB names (`govmap.extractors.kb_mentions`), country-qualified
references (`govmap.extractors.country_refs`), references only the document's context resolves
(`govmap.extractors.context_refs`) and bodies the KB lacks (`govmap.extractors.body_discovery`) into one
`InstitutionFindings`; `set_annotations(doc, findings)` writes the ``govmap_institutions`` span
group, the document's discoveries and its linker.  Everything a document yields travels in its
findings and its Doc, never on the component, so threads may share one pipeline.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from govmap.extractors.body_discovery import discover_bodies
from govmap.extractors.context_refs import (
    DEFAULT_HEADS,
    EXTRACTOR_HEAD,
    HeadReferences,
    document_country,
    resolved_in_context,
    unqualified_matches,
)
from govmap.extractors.country_refs import country_references
from govmap.extractors.extensions import INSTITUTIONS, add_records, doc_text
from govmap.extractors.kb import DocLinker, KnowledgeBase, load_kb
from govmap.extractors.kb_mentions import EXTRACTOR_KB, kb_candidates, kb_matcher, polities
from govmap.extractors.mentions import Match, char_span, text_without_links
from govmap.extractors.model_ner import model_candidates
from govmap.extractors.records import Discovery

__all__ = ["InstitutionFindings", "InstitutionRuler"]


@dataclass(frozen=True)
class InstitutionFindings:
    """One document's institution mentions, the discovered bodies behind the new ones, and the
    acronyms it defines for bodies (acronym as printed -> key, in the order defined)."""

    matches: tuple[Match, ...]
    discoveries: tuple[Discovery, ...]
    acronyms: tuple[tuple[str, str], ...] = ()


@Language.factory(
    "govmap_institution_ruler",
    default_config={"kb_overlay": None, "discover": True, "min_head_mentions": 2, "heads": list(DEFAULT_HEADS)},
    assigns=["doc.spans", "doc._.govmap_linker", "doc._.govmap_discoveries"],
    requires=["token.is_sent_start"],
)
def make_institution_ruler(
    nlp: Language, name: str, kb_overlay: str | None, discover: bool, min_head_mentions: int, heads: list[str]
) -> "InstitutionRuler":
    return InstitutionRuler(
        kb=load_kb(kb_overlay), discover=discover, min_head_mentions=min_head_mentions, heads=tuple(heads)
    )


class InstitutionRuler:
    """Marks institutions in a Doc and sets the document's linker.

    kb: the knowledge base (default: the packaged one).
    discover: also find bodies the KB lacks (acronym definitions, org names, affiliations).
    min_head_mentions: how often a body must be named before "the <Head>" may refer to it.
    heads: head words that may stand alone for the document's dominant body ("the Network").
    """

    def __init__(
        self,
        *,
        kb: KnowledgeBase | None = None,
        discover: bool = True,
        min_head_mentions: int = 2,
        heads: tuple[str, ...] = DEFAULT_HEADS,
    ) -> None:
        self.kb = kb or load_kb()
        self.discover = discover
        self.min_head_mentions = min_head_mentions
        self.head_references = HeadReferences(self.kb, heads, min_head_mentions)
        self.country_references = country_references(self.kb)
        # Compiled now, with the pipeline, not at the first document: a pool's workers fork from a
        # process that built the pipeline, so they share the seconds of regex compilation.
        kb_matcher(self.kb)
        polities(self.kb)

    def __call__(self, doc: Doc) -> Doc:
        set_annotations(doc, self.kb, self.find(doc))
        return doc

    def find(self, doc: Doc) -> InstitutionFindings:
        """Candidate mentions, the discoveries behind the new ones, the acronyms defined."""
        # Names inside URLs and e-mail addresses are not mentions ("cset.georgetown.edu/...CSET-...").
        text = text_without_links(doc)
        known, pending = kb_candidates(self.kb, text)
        matches = known + self.country_references.find(text)
        country, share = document_country(self.kb, matches)
        matches += resolved_in_context(self.kb, pending, matches, country)
        matches += unqualified_matches(self.kb, text, matches, country)
        discoveries: tuple[Discovery, ...] = ()
        acronyms: tuple[tuple[str, str], ...] = ()
        if self.discover:
            found = discover_bodies(
                self.kb, text, matches, model_candidates(doc), country, share, self.min_head_mentions
            )
            matches += found.matches
            discoveries, acronyms = found.discoveries, found.acronyms
        matches += self.head_references.find(text, matches)
        return InstitutionFindings(tuple(split_at_pages(doc, matches)), discoveries, acronyms)


def split_at_pages(doc: Doc, matches: list[Match]) -> list[Match]:
    """A name broken by a page break ("US" | "government") is kept as one mention on the page
    where it begins: the match is cut at the page boundary."""
    starts = [s for s in (doc._.govmap_page_starts or ()) if s > 0]
    if not starts:
        return matches
    out = []
    text = doc_text(doc)
    for m in matches:
        i = bisect.bisect_right(starts, m.start)
        cut = starts[i] if i < len(starts) and starts[i] < m.end else None
        if cut is not None:
            end = m.start + len(text[m.start : cut].rstrip())
            if end <= m.start:
                continue
            m = Match(m.start, end, m.key, m.extractor, m.confidence)
        out.append(m)
    return out


def _compound_parties(doc: Doc, spans: list[Span], kept: list[Span]) -> list[Span]:
    """Known bodies joined by a hyphen at the start of a longer name name parties of it
    ("China-BRICS ... Center" names BRICS): kept as mentions of their own, nested."""
    kept_ids = {(s.start, s.end) for s in kept}
    text = doc_text(doc)
    out: list[Span] = []
    for s in spans:
        if s._.govmap_extractor != EXTRACTOR_KB or (s.start, s.end) in kept_ids:
            continue
        for c in kept:
            if c.start <= s.start and s.end < c.end and c.kb_id_ != s.kb_id_:
                before = text[c.start_char : s.start_char]
                after = text[s.end_char : s.end_char + 1]
                if after in "-‐–" and after and re.fullmatch(r"(?:[\w.]+[-‐–])*", before):
                    out.append(s)
                elif re.fullmatch(r"(?:[\w.]+[-‐–])+", before):
                    out.append(s)
                break
    return out


def set_annotations(doc: Doc, kb: KnowledgeBase, findings: InstitutionFindings) -> None:
    """Write the span group (longest match wins), the discoveries and the document's linker."""
    text = doc_text(doc)
    spans: list[Span] = []
    for m in findings.matches:
        span = char_span(doc, m, "institution", text)
        if span is None or not span.text.strip():
            continue
        span._.govmap_extractor = m.extractor
        span._.govmap_confidence = m.confidence
        spans.append(span)
    kept = filter_spans(spans)
    kept = sorted(kept + _compound_parties(doc, spans, kept), key=lambda s: (s.start, s.end))
    group = list(doc.spans[INSTITUTIONS]) if INSTITUTIONS in doc.spans else []
    doc.spans[INSTITUTIONS] = group + kept
    add_records(doc, "govmap_discoveries", findings.discoveries)
    linker = DocLinker(kb)
    for d in findings.discoveries:
        linker.add_discovery(d.key, d.name, d.acronym, d.aliases)
    for acronym, key in findings.acronyms:
        if acronym:
            linker.discovered_exact.setdefault(acronym, key)
    for m in findings.matches:
        if m.extractor == EXTRACTOR_HEAD:
            linker.heads.setdefault(text[m.start : m.end].lower(), m.key)
    doc._.govmap_linker = linker
