"""`govmap_institution_ruler`: mentions of institutions, known (KB) and discovered.

Steps, each testable apart: `match(doc)` finds candidate ranges from KB names (`KBMatcher`),
country-qualified references ("Japan's AISI", "the UK and U.S. AISIs", "US government") and the
discovery rules (`extractors.discovery`); `set_annotations(doc, matches)` writes the
``govmap_institutions`` span group, the document's discoveries and its linker.

Case rules: acronyms and one-word names are matched case-sensitively ("WHO" is not "who"),
longer names case-insensitively; "AI" also matches OCR "Al"; a plural ("AISIs") is a generic
reference and never matches a singular name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors import discovery as disc
from extractors.extensions import INSTITUTIONS
from extractors.kb import DocLinker, KnowledgeBase, load_kb, normalize_surface
from extractors.records import Discovery, discovered_key

__all__ = ["InstitutionRuler", "KBMatcher", "Match", "surface_regex"]

EXTRACTOR_KB = "institution_ruler.kb"
EXTRACTOR_COUNTRY = "institution_ruler.country"
EXTRACTOR_HEAD = "institution_ruler.head"
# Bare heads that stand for the document's dominant body of that head ("the Network").
DEFAULT_HEADS = ("Network", "Institute", "Council", "Commission", "Organisation", "Organization", "Panel",
                 "Office", "Consortium", "Forum", "Partnership", "Agency", "Endowment", "Initiative", "Alliance")


@dataclass(frozen=True)
class Match:
    """A candidate mention: doc-text character range, entity key, which rule, confidence."""

    start: int
    end: int
    key: str
    extractor: str
    confidence: float


def surface_regex(form: str) -> str:
    """Regex source for one surface form: flexible whitespace and hyphens, "AI" or OCR "Al",
    straight or curly apostrophes, no letter or digit on either side (so no plurals)."""
    parts = []
    for word in form.split():
        w = re.escape(word)
        w = w.replace("AI", "A[Il]").replace("'", "['’]").replace("’", "['’]")
        w = w.replace(r"\-", r"[-‐–]?\s?")
        parts.append(w)
    # a footnote number glued to a name ("EuCAIF1") still ends it
    end = r"(?:(?![\w])|(?=\d{1,2}(?![\w])))" if form[-1:].isalpha() else r"(?![\w])"
    return r"(?<![\w])" + r"\s+".join(parts) + end


def _case_sensitive(form: str) -> bool:
    """Short names are proper names only when capitalised ("Scale AI", not "scale AI")."""
    return len(form.split()) < 3 or form.isupper()


_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\s*/?>")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S+\.(?:org|com|net|edu|gov|int|eu|uk)/\S*")


class KBMatcher:
    """Finds every KB surface form in a text: two alternations (case-sensitive and not), longest
    form first so the regex engine prefers "UN General Assembly" over "UN"."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        sensitive: dict[str, None] = {}
        insensitive: dict[str, None] = {}
        for inst in kb.institutions.values():
            for form in inst.surfaces:
                forms = {form}
                for a, b in (("US ", "U.S. "), ("UK ", "U.K. ")):
                    if form.startswith(a):
                        forms.add(b + form[len(a):])
                for f in forms:
                    (sensitive if _case_sensitive(f) else insensitive)[f] = None
        self._patterns = [
            re.compile("|".join(surface_regex(f) for f in sorted(group, key=lambda s: (-len(s), s))), flags)
            for group, flags in ((sensitive, 0), (insensitive, re.IGNORECASE))
            if group
        ]

    def finditer(self, text: str):
        """(start, end, surface) of every KB form in `text`, overlapping alternatives included."""
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                yield m.start(), m.end(), m.group(0)


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with the given ranges replaced by spaces (offsets unchanged)."""
    chars = list(text)
    for a, b in ranges:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _char_span(doc: Doc, m: Match, label: str) -> Span | None:
    """The tokens of a match: contracted to whole tokens unless that loses letters of the name
    (tokens glued to markup or footnote numbers, "AI</u"), then expanded."""
    wanted = sum(ch.isalnum() for ch in doc.text[m.start : m.end])
    span = doc.char_span(m.start, m.end, label=label, kb_id=m.key, alignment_mode="contract")
    if span is None or sum(ch.isalnum() for ch in span.text) < wanted:
        span = doc.char_span(m.start, m.end, label=label, kb_id=m.key, alignment_mode="expand")
    return span


@Language.factory(
    "govmap_institution_ruler",
    default_config={"kb_path": None, "discover": True, "min_head_mentions": 2, "heads": list(DEFAULT_HEADS)},
    assigns=["doc.spans", "doc._.govmap_linker", "doc._.govmap_discoveries"],
    requires=["token.is_sent_start"],
)
def make_institution_ruler(nlp: Language, name: str, kb_path: str | None, discover: bool, min_head_mentions: int, heads: list[str]) -> "InstitutionRuler":
    return InstitutionRuler(kb=load_kb(kb_path), discover=discover, min_head_mentions=min_head_mentions, heads=tuple(heads))


class InstitutionRuler:
    """Marks institutions in a Doc and sets the document's linker.

    kb: the knowledge base (default: the packaged one).
    discover: also find bodies the KB lacks (acronym definitions, org names, affiliations).
    min_head_mentions: how often a body must be named before "the <Head>" may refer to it.
    heads: head words that may stand alone for the document's dominant body ("the Network").
    """

    def __init__(self, *, kb: KnowledgeBase | None = None, discover: bool = True, min_head_mentions: int = 2,
                 heads: tuple[str, ...] = DEFAULT_HEADS) -> None:
        if min_head_mentions < 1:
            raise ValueError(f"min_head_mentions must be ≥ 1, got {min_head_mentions}")
        self.kb = kb or load_kb()
        self.discover = discover
        self.min_head_mentions = min_head_mentions
        self.heads = heads
        self._matcher = KBMatcher(self.kb)
        names = sorted(self.kb.countries, key=len, reverse=True)
        country = r"(?:" + "|".join(surface_regex(n).replace(r"(?<![\w])", "").replace(r"(?![\w])", "") for n in names) + r")"
        self._country_aisi = re.compile(
            rf"(?<![\w.])(?P<c>{country})(?:['’]s)?\s+(?:A[Il]\s+(?:Safety|Security)\s+Institute|A[Il]SI)(?![\w])",
            re.IGNORECASE,
        )
        self._country_list_aisis = re.compile(
            rf"(?<![\w.])(?P<list>{country}(?:\s*,\s*(?:the\s+)?{country})*\s*,?\s+(?:and|&)\s+(?:the\s+)?{country})"
            rf"\s+(?:A[Il]SIs|A[Il]\s+(?:Safety|Security)\s+Institutes)(?![\w])",
            re.IGNORECASE,
        )
        self._country_name = re.compile(country, re.IGNORECASE)
        self._country_government = re.compile(rf"(?<![\w.])(?P<c>{country})(?:['’]s)?\s+[Gg]overnment(?![\w])")

    def __call__(self, doc: Doc) -> Doc:
        matches, discoveries = self.match(doc)
        self.set_annotations(doc, matches, discoveries)
        return doc

    # -- finding -------------------------------------------------------------------------------

    def match(self, doc: Doc) -> tuple[list[Match], list[Discovery]]:
        """Candidate mentions and the discoveries behind the new ones."""
        text = doc.text
        # Names inside URLs and e-mail addresses are not mentions ("cset.georgetown.edu/...CSET-...").
        urls = [(m.start(), m.end()) for pat in (_URL, _MARKUP) for m in pat.finditer(text)]
        if urls:
            text = _blank(text, urls)
        matches = self._kb_matches(text) + self._country_matches(text)
        discoveries: list[Discovery] = []
        if self.discover:
            new, discoveries = self._discovered(text, matches)
            matches += new
        matches += self._head_matches(text, matches)
        return matches, discoveries

    def _kb_matches(self, text: str) -> list[Match]:
        out: list[Match] = []
        for start, end, surface in self._matcher.finditer(text):
            key = self.kb.link(surface)
            if key:
                out.append(Match(start, end, key, EXTRACTOR_KB, 0.95))
        # An ambiguous acronym ("ESG", "SI") only counts where the document also names the body
        # another way (its full name or an alias).
        named = {m.key for m in out if not self._is_ambiguous_acronym(text[m.start : m.end], m.key)}
        return [m for m in out if m.key in named or not self._is_ambiguous_acronym(text[m.start : m.end], m.key)]

    def _is_ambiguous_acronym(self, surface: str, key: str) -> bool:
        inst = self.kb.institutions.get(key)
        return bool(inst and inst.ambiguous_acronym and inst.acronym and surface.replace(".", "") == inst.acronym.replace(".", ""))

    def _country_matches(self, text: str) -> list[Match]:
        out: list[Match] = []
        for m in self._country_aisi.finditer(text):
            key = self.kb.link(m.group("c"), kind_hint="ai_safety_institute")
            if key:
                out.append(Match(m.start(), m.end(), key, EXTRACTOR_COUNTRY, 0.9))
        for m in self._country_list_aisis.finditer(text):
            for c in self._country_name.finditer(m.group("list")):
                key = self.kb.link(c.group(0), kind_hint="ai_safety_institute")
                if key:
                    s = m.start("list") + c.start()
                    out.append(Match(s, s + len(c.group(0)), key, EXTRACTOR_COUNTRY, 0.8))
        for m in self._country_government.finditer(text):
            key = self.kb.link(m.group("c"), kind_hint="government_body")
            if key:
                out.append(Match(m.start(), m.end(), key, EXTRACTOR_COUNTRY, 0.9))
        return out

    def _discovered(self, text: str, known: list[Match]) -> tuple[list[Match], list[Discovery]]:
        taken = sorted((m.start, m.end) for m in known)

        def overlaps(s: int, e: int) -> bool:
            return any(a < e and s < b for a, b in taken)

        found: dict[str, Discovery] = {}
        new: list[Match] = []
        acronyms: dict[str, str] = {}
        for c in disc.find_acronym_definitions(text):
            head = disc.head_word(c.name)
            if head in disc.INSTRUMENT_HEADS or head in disc.EVENT_HEADS or self.kb.country_of(c.name):
                continue
            known_key = self.kb.link(c.name) or (self.kb.link(c.acronym) if c.acronym else None)
            if known_key:
                # the KB knows it: the definition only adds an alias for this document
                acronyms.setdefault(c.acronym or "", known_key)
                continue
            if head not in disc.ORG_HEADS or disc.is_generic_name(c.name) or (c.acronym and c.acronym.endswith("s") and c.name.endswith("s")):
                continue  # "Artificial Intelligence (AI)", "AI Safety Institutes (AISIs)": not a body
            key = discovered_key(c.name)
            found.setdefault(key, Discovery("institution", key, c.name, c.acronym, disc.guess_kind(c.name), extractor="acronym_definition"))
            if c.acronym:
                acronyms.setdefault(c.acronym, key)
            if not overlaps(c.start, c.end):
                new.append(Match(c.start, c.end, key, "discovery.acronym_definition", 0.85))
                taken.append((c.start, c.end))
        for rule, cands, conf in (("affiliation", disc.find_affiliations(text), 0.7), ("org_pattern", disc.find_org_names(text), 0.75)):
            for c in cands:
                if overlaps(c.start, c.end) or self.kb.country_of(c.name):
                    continue
                head = disc.head_word(c.name)
                if head in disc.INSTRUMENT_HEADS or head in disc.EVENT_HEADS:
                    continue
                if rule == "affiliation" and head is None and len(c.name.split()) < 2:
                    continue
                key = self.kb.link(c.name) or discovered_key(c.name)
                if key.startswith("new:"):
                    found.setdefault(key, Discovery("institution", key, c.name, None, disc.guess_kind(c.name), extractor=rule))
                new.append(Match(c.start, c.end, key, "discovery." + rule, conf))
                taken.append((c.start, c.end))
        # later uses of a defined acronym, anywhere in the document
        for acronym, key in acronyms.items():
            if not acronym or not key.startswith("new:"):
                continue
            for m in re.finditer(surface_regex(acronym), text):
                if not overlaps(m.start(), m.end()):
                    new.append(Match(m.start(), m.end(), key, "discovery.acronym", 0.8))
        # names discovered once are marked wherever else they occur
        for d in list(found.values()):
            for m in re.finditer(surface_regex(d.name), text):
                if not overlaps(m.start(), m.end()):
                    new.append(Match(m.start(), m.end(), d.key, "discovery.repeat", 0.75))
                    taken.append((m.start(), m.end()))
        self._doc_acronyms = acronyms
        return new, sorted(found.values(), key=lambda d: d.key)

    def _head_matches(self, text: str, matches: list[Match]) -> list[Match]:
        counts = Counter(m.key for m in matches)
        out: list[Match] = []
        for head in self.heads:
            scored = sorted(
                ((n, key) for key, n in counts.items() if head.lower() in normalize_surface(self._name_of(key, matches, text)).split()),
                reverse=True,
            )
            if not scored or scored[0][0] < self.min_head_mentions or (len(scored) > 1 and scored[1][0] * 2 > scored[0][0]):
                continue
            key = scored[0][1]
            for m in re.finditer(rf"\b[Tt]he\s+({head})(?![\w-])(?!\s+(?:of|for|on)\s)", text):
                out.append(Match(m.start(1), m.end(1), key, EXTRACTOR_HEAD, 0.6))
        return out

    def _name_of(self, key: str, matches: list[Match], text: str) -> str:
        inst = self.kb.institutions.get(key)
        if inst:
            return " ".join(inst.surfaces)
        return " ".join(text[m.start : m.end] for m in matches if m.key == key)

    # -- writing -------------------------------------------------------------------------------

    def set_annotations(self, doc: Doc, matches: list[Match], discoveries: list[Discovery]) -> None:
        """Write the span group (longest match wins), the discoveries and the document's linker."""
        spans: list[Span] = []
        for m in matches:
            span = _char_span(doc, m, "institution")
            if span is None or not span.text.strip():
                continue
            span._.govmap_extractor = m.extractor
            span._.govmap_confidence = m.confidence
            spans.append(span)
        kept = sorted(filter_spans(spans), key=lambda s: (s.start, s.end))
        group = list(doc.spans[INSTITUTIONS]) if INSTITUTIONS in doc.spans else []
        doc.spans[INSTITUTIONS] = group + kept
        existing = list(doc._.govmap_discoveries or [])
        doc._.govmap_discoveries = existing + list(discoveries)
        linker = DocLinker(self.kb)
        for d in discoveries:
            linker.add_discovery(d.key, d.name, d.acronym, d.aliases)
        for acronym, key in getattr(self, "_doc_acronyms", {}).items():
            if acronym:
                linker.discovered_exact.setdefault(acronym, key)
        for m in matches:
            if m.extractor == EXTRACTOR_HEAD:
                linker.heads.setdefault(doc.text[m.start : m.end].lower(), m.key)
        doc._.govmap_linker = linker
