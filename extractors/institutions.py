"""`govmap_institution_ruler`: mentions of institutions, known (KB) and discovered.

Steps, each testable apart: `match(doc)` finds candidate ranges from KB names (`KBMatcher`),
country-qualified references ("Japan's AISI", "the UK and U.S. AISIs", "US government") and the
discovery rules (`govmap.extractors.discovery`); `set_annotations(doc, matches)` writes the
``govmap_institutions`` span group, the document's discoveries and its linker.

Case rules: acronyms and one-word names are matched case-sensitively ("WHO" is not "who"),
longer names case-insensitively; "AI" also matches OCR "Al"; a plural ("AISIs") is a generic
reference and never matches a singular name.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from govmap.extractors import discovery as disc
from govmap.extractors.extensions import INSTITUTIONS, doc_text
from govmap.extractors.fastmatch import WORD_START, Alternation, finditer_before, finditer_in_windows, finditer_word
from govmap.extractors.kb import DocLinker, KnowledgeBase, load_kb, normalize_surface
from govmap.extractors.records import Discovery, discovered_key
from govmap.extractors.model_ner import model_candidates
from govmap.sources.misread_ai import AI_PRINTED

__all__ = ["InstitutionRuler", "KBMatcher", "Match", "surface_regex", "text_without_links"]

EXTRACTOR_KB = "institution_ruler.kb"
EXTRACTOR_COUNTRY = "institution_ruler.country"
EXTRACTOR_HEAD = "institution_ruler.head"
EXTRACTOR_CONTEXT = "institution_ruler.context"
# A document is about a country when that many of its mentions of country-rooted bodies, and
# that share of them, are of that country's bodies.
MIN_COUNTRY_MENTIONS = 3
MIN_COUNTRY_SHARE = 0.4
# A document's principal body (whose organs bare "the Secretariat" names) is named this often, and
# twice as often as any other.
MIN_PRINCIPAL_MENTIONS = 3
# Shares of a document's country-rooted mentions that make a body named without a country the
# document country's: a government body, any other national kind.
GOVERNMENT_COUNTRY_SHARE = 0.5
OTHER_COUNTRY_SHARE = 0.7
# Heads of councils and committees that, in a report about one country, are that state's organs
# ("Integrated Innovation Strategy Promotion Council").
_STATE_ORGAN_HEADS = frozenset({"council", "committee", "board", "commission", "office", "taskforce"})
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


_APOSTROPHE = re.compile(r"\\?['’]")


def surface_regex(form: str) -> str:
    """Regex source for one surface form: flexible whitespace and hyphens, "AI" or OCR "Al",
    straight or curly apostrophes, no letter or digit on either side (so no plurals)."""
    parts = []
    for word in form.split():
        w = re.escape(word)
        # One pass over both apostrophes: replacing one then the other would rewrite the
        # character class the first replacement wrote ("['’]" -> "['['’]]").
        w = _APOSTROPHE.sub("['’]", w.replace("AI", AI_PRINTED))
        w = w.replace(r"\-", r"[-‐–]?\s?")
        parts.append(w)
    # a footnote number glued to a name ("EuCAIF1") still ends it
    end = r"(?:(?![\w])|(?=\d{1,2}(?![\w])))" if form[-1:].isalpha() else r"(?![\w])"
    return r"(?<![\w])" + r"\s+".join(parts) + end


def _case_sensitive(form: str) -> bool:
    """Short names are proper names only when capitalised ("Scale AI", not "scale AI")."""
    return len(form.split()) < 3 or form.isupper()


# Words every country-qualified reference to an AI safety institute (or, plural, to several)
# contains: a text without them needs no scan with the long country alternations.
_AISI_WORDS = re.compile(rf"{AI_PRINTED}(?:SI|\s+(?:Safety|Security)\s+Institute)", re.IGNORECASE)
_AISI_PLURAL_WORDS = re.compile(rf"{AI_PRINTED}(?:SIs|\s+(?:Safety|Security)\s+Institutes)", re.IGNORECASE)
_GOVERNMENT_WORD = re.compile(r"[Gg]overnment")
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\s*/?>")
# A URL or address never takes in the brackets around it: in a Markdown link
# "[Centre for Future Generations](https://…)" the link text is a name, only the target is blanked.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s()\[\]<>]+|[^\s()\[\]<>]+@[^\s()\[\]<>]+\.\w+"
    r"|[^\s()\[\]<>]+\.(?:org|com|net|edu|gov|int|eu|uk)/[^\s()\[\]<>]*"
)


# After a polity's name, the words of an instrument's name ("EU AI Act", "EU General Data
# Protection Regulation"): the polity is part of the instrument's name there.
_INSTRUMENT_AFTER = re.compile(
    r"(?:['’]s)?(?:\s+[A-Z][\w-]*){0,5}?\s+(?:Act|Regulation|Directive|Strategy|Treaty|Convention|Declaration|Charter)\b"
)
# "the AI Safety Institute", "the AISI": a singular, capitalised reference with no country before it
# (those the country patterns take, and a longer match wins).
_UNQUALIFIED_AISI = re.compile(rf"\b[Tt]he\s+({AI_PRINTED}\s+(?:Safety|Security)\s+Institute|{AI_PRINTED}SI)(?![\w’'-])")
# "the Government" (capitalised, not "the Government of X"), "the Federal Government".
_THE_GOVERNMENT = re.compile(r"\b[Tt]he\s+((?:Federal\s+|National\s+|Central\s+)?Government)(?![\w’'-])(?!\s+of\b)")


# Kinds of body that, named without a country, belong to the country the document is about.
_NATIONAL_KINDS = frozenset({"government_body", "research_organization", "company", "funder", "civil_society", "standards_body", "other",
                             "scientific_assessment_body", "ai_safety_institute"})
_INTERNATIONAL_WORDS = re.compile(r"\b(?:International|Global|World|United Nations|UN|Intergovernmental|Inter-American|Regional|Asia|Africa|African|Pacific|Latin|Europe|European)\b")


# The heads that name an organ of a body ("Executive Council", "Secretariat", "Working Party").
_ORGAN_HEADS = (r"(?:Council|Committee|Secretariat|Board|Working[ \t]+Group|Working[ \t]+Party|Expert[ \t]+Group|"
                r"Group[ \t]+of[ \t]+Experts|Steering[ \t]+Group|Assembly|Panel|Bureau|Directorate|Task[ \t]*[Ff]orce|Subcommittee)")
# What names an organ after its parent's name: capitalised words ending in an organ's head.
_ORGAN_AFTER = re.compile(rf"(?:['’]s)?[ \t]+(?:[A-Z][\w\-]*[ \t]+){{0,4}}?{_ORGAN_HEADS}(?![\w\-])")
# "the Executive Council", "the Secretariat": capitalised, not "the Council of ..." (a full name).
_BARE_ORGAN = re.compile(rf"\b[Tt]he[ \t]+((?:[A-Z][a-z\-]+[ \t]+){{0,2}}{_ORGAN_HEADS})(?![\w\-])(?![ \t]+(?:of|for|on)[ \t])")
# A parent of these kinds passes its kind on to its organs (a UN council is intergovernmental).
_ORGAN_KINDS = frozenset({"intergovernmental_organization", "government_body", "standards_body"})


class KBMatcher:
    """Finds every KB surface form in a text: two alternations (case-sensitive and not), longest
    form first so the regex engine prefers "UN General Assembly" over "UN", each searched through
    `Alternation`, which tries at a position only the forms that start with its character."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        sensitive: dict[str, None] = {}
        insensitive: dict[str, None] = {}
        for inst in kb.institutions.values():
            for form in (*inst.surfaces, *inst.local_aliases):
                forms = {form}
                for a, b in (("US ", "U.S. "), ("UK ", "U.K. ")):
                    if form.startswith(a):
                        forms.add(b + form[len(a):])
                for f in forms:
                    (sensitive if _case_sensitive(f) else insensitive)[f] = None
        self._patterns = [
            Alternation([(f, surface_regex(f)) for f in sorted(group, key=lambda s: (-len(s), s))], flags)
            for group, flags in ((sensitive, 0), (insensitive, re.IGNORECASE))
            if group
        ]

    def finditer(self, text: str):
        """(start, end, surface) of every KB form in `text`, overlapping alternatives included."""
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                yield m.start(), m.end(), m.group(0)


@functools.lru_cache(maxsize=4)
def _kb_matcher(kb: KnowledgeBase) -> KBMatcher:
    """One `KBMatcher` per knowledge base and process: compiling its alternations takes seconds,
    and a process builds a pipeline more than once (tests, a rebuilt worker)."""
    return KBMatcher(kb)


# Head words writers swap for one another in the same body's name.
_HEAD_VARIANTS = ({"institute", "institution", "initiative"}, {"centre", "center"}, {"organisation", "organization"},
                  {"programme", "program"}, {"laboratory", "lab"})


def _near_word(a: str, b: str) -> bool:
    """A misspelling ("governanse"/"governance") or a swapped variant of a head ("Institute"/"Initiative")."""
    if any(a in g and b in g for g in _HEAD_VARIANTS):
        return True
    return min(len(a), len(b)) >= 5 and a[:2] == b[:2] and SequenceMatcher(None, a, b).ratio() >= 0.8


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with the given ranges replaced by spaces (offsets unchanged)."""
    chars = list(text)
    for a, b in ranges:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


_WITHOUT_LINKS_KEY = ("govmap", "text_without_links")


def text_without_links(doc: Doc) -> str:
    """The doc's text with URLs, e-mail addresses and markup tags blanked (offsets unchanged):
    names inside them are not mentions.  Worked out once per Doc, for both rulers: the URL
    pattern costs a pass over the whole text."""
    text = doc.user_data.get(_WITHOUT_LINKS_KEY)
    if text is None:
        raw = doc_text(doc)
        links = _url_ranges(raw) + [(m.start(), m.end()) for m in _MARKUP.finditer(raw)]
        text = doc.user_data[_WITHOUT_LINKS_KEY] = _blank(raw, links) if links else raw
    return text


# Every URL or e-mail address holds one of these.
_URL_HINT = re.compile(r"[@/]|www\.")
_SPACE_CHAR = re.compile(r"\s")


def _url_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `_URL` match in `text`, in order.  A match never spans whitespace,
    so only the whitespace-free runs holding a hint are searched: `_URL`'s opening "\\S+" makes
    a scan of the whole text try every run once per character."""
    out: list[tuple[int, int]] = []
    run_end = 0
    for hint in _URL_HINT.finditer(text):
        if hint.start() < run_end:
            continue  # a run already searched
        run_start = hint.start()
        while run_start > run_end and not text[run_start - 1].isspace():
            run_start -= 1
        space = _SPACE_CHAR.search(text, hint.end())
        run_end = space.start() if space else len(text)
        out.extend((m.start(), m.end()) for m in _URL.finditer(text, run_start, run_end))
    return out


def _char_span(doc: Doc, m: Match, label: str, text: str) -> Span | None:
    """The tokens of a match: contracted to whole tokens unless that loses letters of the name
    (tokens glued to markup or footnote numbers, "AI</u"), then expanded.  `text` is the doc's text
    (`doc_text`), passed in to keep the call cheap."""
    wanted = sum(ch.isalnum() for ch in text[m.start : m.end])
    span = doc.char_span(m.start, m.end, label=label, kb_id=m.key, alignment_mode="contract")
    if span is None or sum(ch.isalnum() for ch in span.text) < wanted:
        span = doc.char_span(m.start, m.end, label=label, kb_id=m.key, alignment_mode="expand")
    return span


class Ranges:
    """Character ranges already claimed (mentions, spans), tested for overlap or cover without a
    pass over all of them: kept sorted, a range ending after `s` starts after `s` minus the longest."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._ranges = sorted(ranges)
        self._longest = max((b - a for a, b in self._ranges), default=0)

    def add(self, start: int, end: int) -> None:
        bisect.insort(self._ranges, (start, end))
        self._longest = max(self._longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some range (a, b) has a < end and start < b."""
        lo = bisect.bisect_left(self._ranges, (start - self._longest,))
        hi = bisect.bisect_left(self._ranges, (end,))
        return any(start < b for _, b in self._ranges[lo:hi])

    def covers(self, start: int, end: int) -> bool:
        """Whether some range (a, b) holds [start, end): a <= start and end <= b."""
        lo = bisect.bisect_left(self._ranges, (start - self._longest,))
        hi = bisect.bisect_right(self._ranges, (start, float("inf")))
        return any(end <= b for _, b in self._ranges[lo:hi])


@Language.factory(
    "govmap_institution_ruler",
    default_config={"kb_overlay": None, "discover": True, "min_head_mentions": 2, "heads": list(DEFAULT_HEADS)},
    assigns=["doc.spans", "doc._.govmap_linker", "doc._.govmap_discoveries"],
    requires=["token.is_sent_start"],
)
def make_institution_ruler(nlp: Language, name: str, kb_overlay: str | None, discover: bool, min_head_mentions: int, heads: list[str]) -> "InstitutionRuler":
    return InstitutionRuler(kb=load_kb(kb_overlay), discover=discover, min_head_mentions=min_head_mentions, heads=tuple(heads))


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
        # "the <Head>" (a reference to the document's dominant body), and the head word alone.
        # WORD_START before "the" is the word boundary "\b" would be.
        self._head_patterns = {
            head: (re.compile(WORD_START + rf"[Tt]he\s+({head})(?![\w-])(?!\s+(?:of|for|on)\s)"), re.compile(head))
            for head in heads
        }
        self._matcher = _kb_matcher(self.kb)
        # Bodies that are polities (named by a country name of the KB, as the EU is "EU"): their
        # name qualifies instruments ("EU AI Act") without naming the body.
        self._polities = frozenset(k for k, i in self.kb.institutions.items()
                                   if i.acronym and i.country and self.kb.country_of(i.acronym) == i.country)
        names = sorted(self.kb.countries, key=len, reverse=True)
        # Country names are normalised (words of letters and digits), so a country matches as
        # that many whitespace-separated runs, the possessive glued to the last.
        self._country_words = max((len(n.split()) for n in names), default=1)
        country = r"(?:" + "|".join(surface_regex(n).replace(r"(?<![\w])", "").replace(r"(?![\w])", "") for n in names) + r")"
        self._country_aisi = re.compile(
            rf"(?<![\w.])(?P<c>{country})(?:['’]s)?\s+(?:{AI_PRINTED}\s+(?:Safety|Security)\s+Institute|{AI_PRINTED}SI)(?![\w])",
            re.IGNORECASE,
        )
        self._country_list_aisis = re.compile(
            rf"(?<![\w.])(?P<list>{country}(?:\s*,\s*(?:the\s+)?{country})*\s*,?\s+(?:and|&)\s+(?:the\s+)?{country})"
            rf"\s+(?:{AI_PRINTED}SIs|{AI_PRINTED}\s+(?:Safety|Security)\s+Institutes)(?![\w])",
            re.IGNORECASE,
        )
        self._country_name = re.compile(country, re.IGNORECASE)
        # What the whitespace-free runs of a list of countries are made of, lower-cased.
        self._list_words = frozenset(w for n in names for w in n.split()) | {"the", "and", "&", ""}
        # "the U.S. Departments of State and Commerce", "Japan's Ministries of Foreign Affairs and Defense"
        part = r"[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|and(?=\s+[A-Z][\w’'-]*\s*(?:,|and|or)\b)))*?"
        self._plural_heads = re.compile(
            rf"(?<![\w.])(?:(?P<c>{country})(?:['’]s)?\s+)?(?P<h>Departments|Ministries)\s+of\s+"
            rf"(?P<list>{part}(?:\s*,\s*{part})*\s*,?\s+(?:and|&)\s+{part})(?![\w’'-])"
        )
        self._country_government = re.compile(rf"(?<![\w.])(?P<c>{country})(?:['’]s)?\s+[Gg]overnment(?![\w])")

    def __call__(self, doc: Doc) -> Doc:
        matches, discoveries = self.match(doc)
        self.set_annotations(doc, matches, discoveries)
        return doc

    # -- finding -------------------------------------------------------------------------------

    def match(self, doc: Doc) -> tuple[list[Match], list[Discovery]]:
        """Candidate mentions and the discoveries behind the new ones."""
        # Names inside URLs and e-mail addresses are not mentions ("cset.georgetown.edu/...CSET-...").
        text = text_without_links(doc)
        known, pending = self._kb_candidates(text)
        matches = known + self._country_matches(text)
        country, share = self._document_country(matches)
        matches += self._resolved_in_context(pending, matches, country)
        matches += self._unqualified_matches(text, matches, country)
        discoveries: list[Discovery] = []
        if self.discover:
            new, discoveries = self._discovered(text, matches, model_candidates(doc), country, share)
            matches += new
        matches += self._head_matches(text, matches)
        return self._split_at_pages(doc, matches), discoveries

    @staticmethod
    def _split_at_pages(doc: Doc, matches: list[Match]) -> list[Match]:
        """A name broken by a page break ("US" | "government") is kept as one mention on the page
        where it begins: the match is cut at the page boundary."""
        starts = [s for s in (doc._.govmap_page_starts or ()) if s > 0]
        if not starts:
            return matches
        out = []
        text = doc_text(doc)
        for m in matches:
            cut = next((s for s in starts if m.start < s < m.end), None)
            if cut is not None:
                end = m.start + len(text[m.start:cut].rstrip())
                if end <= m.start:
                    continue
                m = Match(m.start, end, m.key, m.extractor, m.confidence)
            out.append(m)
        return out

    def _kb_matches(self, text: str) -> list[Match]:
        """KB mentions whose surface names one body whatever the document (no context used)."""
        return self._kb_candidates(text)[0]

    def _kb_candidates(self, text: str) -> tuple[list[Match], list[tuple[int, int, set[str]]]]:
        """KB mentions, and the surfaces that need the document's context: those several bodies
        share ("Datatilsynet", "Personal Information Protection Commission") as (start, end, ids)."""
        out: list[Match] = []
        pending: list[tuple[int, int, set[str]]] = []
        for start, end, surface in self._matcher.finditer(text):
            key = self.kb.link(surface)
            if key:
                if key in self._polities and _INSTRUMENT_AFTER.match(text, end):
                    continue  # "the EU AI Act": the polity qualifies an instrument's name
                out.append(Match(start, end, key, EXTRACTOR_KB, 0.95))
            else:
                found = self.kb.candidates(surface) or self.kb.local.get(surface.strip(), set())
                if len(found) > 1 or (found and surface.strip() in self.kb.local):
                    pending.append((start, end, found))
        # An ambiguous acronym ("ESG", "SI") only counts where the document also names the body
        # another way (its full name or an alias).
        named = {m.key for m in out if not self._is_ambiguous_acronym(text[m.start : m.end], m.key)}
        return [m for m in out if m.key in named or not self._is_ambiguous_acronym(text[m.start : m.end], m.key)], pending

    def _document_country(self, matches: list[Match]) -> tuple[str | None, float]:
        """The country a document is about: the one its country-rooted bodies mostly belong to
        (at least `MIN_COUNTRY_MENTIONS` mentions, `MIN_COUNTRY_SHARE` of them and more than any
        other country), else None; with the share of those mentions that are its."""
        counts: Counter = Counter()
        for m in matches:
            inst = self.kb.institutions.get(m.key)
            if inst and inst.country:
                counts[inst.country] += 1
        if not counts:
            return None, 0.0
        (top, n), *rest = counts.most_common(2) + [(None, 0)]
        share = n / sum(counts.values())
        if n < MIN_COUNTRY_MENTIONS or share < MIN_COUNTRY_SHARE or n == rest[0][1]:
            return None, 0.0
        return top, share

    def _resolved_in_context(self, pending: list[tuple[int, int, set[str]]], matches: list[Match],
                             country: str | None) -> list[Match]:
        """A surface several bodies share names the one the document names otherwise, else the
        one of the document's country."""
        seen = {m.key for m in matches}
        out = []
        for start, end, found in pending:
            key = self._pick(found, seen, country)
            if key:
                out.append(Match(start, end, key, EXTRACTOR_CONTEXT, 0.8))
        return out

    def _pick(self, found: Iterable[str], seen: set[str], country: str | None) -> str | None:
        named = sorted(k for k in found if k in seen)
        if len(named) == 1:
            return named[0]
        local = sorted(k for k in found if country and self.kb.institutions[k].country == country)
        return local[0] if len(local) == 1 else None

    def _unqualified_matches(self, text: str, matches: list[Match], country: str | None) -> list[Match]:
        """Unqualified references resolved by context: "the AI Safety Institute" is the AISI the
        document names most (or its country's), "the Government" is the document country's."""
        out: list[Match] = []
        kinds = Counter(m.key for m in matches if (i := self.kb.institutions.get(m.key)) and i.kind == "ai_safety_institute")
        aisi = kinds.most_common(1)[0][0] if kinds else (self.kb.body_of_country(country, "ai_safety_institute") if country else None)
        if aisi:
            out += [Match(m.start(1), m.end(1), aisi, EXTRACTOR_CONTEXT, 0.7) for m in _UNQUALIFIED_AISI.finditer(text)]
        government = self.kb.body_of_country(country, "government_body") if country else None
        if government and "Government" in text:
            out += [Match(m.start(1), m.end(1), government, EXTRACTOR_CONTEXT, 0.6) for m in _THE_GOVERNMENT.finditer(text)]
        return out

    def _is_ambiguous_acronym(self, surface: str, key: str) -> bool:
        inst = self.kb.institutions.get(key)
        return bool(inst and inst.ambiguous_acronym and inst.acronym and surface.replace(".", "") == inst.acronym.replace(".", ""))

    def _country_matches(self, text: str) -> list[Match]:
        out: list[Match] = []
        # Each pattern below needs words most texts lack; looking for those first skips the scans.
        aisi = _AISI_WORDS.search(text) is not None
        aisis = aisi and _AISI_PLURAL_WORDS.search(text) is not None
        plural_heads = "Departments" in text or "Ministries" in text
        government = "overnment" in text
        # "<country>['s] AISI" and "<country>['s] government" end with those words and start
        # within the country's words before them: only those stretches are searched.
        for m in (finditer_before(self._country_aisi, _AISI_WORDS, text, self._country_words) if aisi else ()):
            key = self.kb.link(m.group("c"), kind_hint="ai_safety_institute")
            if key:
                out.append(Match(m.start(), m.end(), key, EXTRACTOR_COUNTRY, 0.9))
        for m in (self._country_lists(text) if aisis else ()):
            for c in self._country_name.finditer(m.group("list")):
                key = self.kb.link(c.group(0), kind_hint="ai_safety_institute")
                if key:
                    s = m.start("list") + c.start()
                    out.append(Match(s, s + len(c.group(0)), key, EXTRACTOR_COUNTRY, 0.8))
        for m in (self._plural_heads.finditer(text) if plural_heads else ()):
            singular = {"Departments": "Department", "Ministries": "Ministry"}[m.group("h")]
            country = m.group("c")
            code = self.kb.country_of(country) if country else None
            for p in re.finditer(r"[^,&]+?(?=\s*,|\s+(?:and|&)\s+|$)", m.group("list")):
                name = re.sub(r"^\s*(?:and|&)\s+", "", p.group(0)).strip()
                if not name:
                    continue
                key = None
                for form in ((f"{country} {singular} of {name}",) if country else ()) + (f"{singular} of {name}",):
                    key = self.kb.link(form)
                    if key:
                        break
                inst = self.kb.institutions.get(key) if key else None
                if not inst or (code and inst.country and inst.country != code):
                    continue
                s = m.start("list") + p.start() + p.group(0).find(name)
                out.append(Match(s, s + len(name), key, EXTRACTOR_COUNTRY, 0.8))
        for m in (finditer_before(self._country_government, _GOVERNMENT_WORD, text, self._country_words) if government else ()):
            key = self.kb.link(m.group("c"), kind_hint="government_body")
            if key:
                out.append(Match(m.start(), m.end(), key, EXTRACTOR_COUNTRY, 0.9))
        return out

    def _country_lists(self, text: str) -> Iterator[re.Match[str]]:
        """`self._country_list_aisis.finditer(text)`.  `re` tries the pattern's long alternation of
        countries at every character; but a match ends in plural AISI words, which are rare, and
        before them stand only its list's runs of country words, commas, "the", "and" and "&",
        the first perhaps glued to what comes before: only those stretches are tried."""
        windows = [(self._list_start_before(text, a.start()), a.start()) for a in _AISI_PLURAL_WORDS.finditer(text)]
        return finditer_in_windows(self._country_list_aisis, windows, text)

    def _list_start_before(self, text: str, end: int) -> int:
        """Where the whitespace-free run before the runs that could belong to a list of
        countries just before `end` starts."""
        start = end
        while True:
            run_end = start
            while run_end > 0 and text[run_end - 1].isspace():
                run_end -= 1
            run_start = run_end
            while run_start > 0 and not text[run_start - 1].isspace():
                run_start -= 1
            if run_start == run_end or not self._in_list(text[run_start:run_end]):
                return run_start
            start = run_start

    def _in_list(self, run: str) -> bool:
        """Whether a whitespace-free run could lie inside a list of countries: comma-separated
        country words (any case), "the", "and", "&".  IGNORECASE may fold a non-ASCII letter onto
        an ASCII one (the long s onto "s"): a run holding one is left to the pattern."""
        if not run.isascii():
            return True
        return all(piece.lower() in self._list_words for piece in run.split(","))

    def _new_body(self, name: str, country: str | None, share: float = 1.0) -> tuple[str, str, str | None]:
        """Key, kind and country of a discovered body.  A body whose country comes from the
        document, not its name, is keyed with it ("new:ministry-of-justice@jp"): the same
        generic name in another country's report is another body."""
        kind = disc.guess_kind(name)
        if kind == "other" and disc.head_word(name) in _STATE_ORGAN_HEADS:
            kind = "government_body" if self._discovered_country(name, "government_body", country, share) else kind
        found = self._discovered_country(name, kind, country, share)
        key = discovered_key(name)
        if found and found == country and not self.kb.countries_in_name(name):
            key = f"{key}@{found.lower()}"
        return key, kind, found

    def _discovered_country(self, name: str, kind: str, country: str | None, share: float = 1.0) -> str | None:
        """The country a discovered body is rooted in: the one its name gives (a country, national
        adjective, city or province), else that of a known body its name starts from ("Tsinghua
        University Think Tank Center" -> CN; "OECD Secretariat" -> none), else, for a national
        kind of body named without any country, the document's `country`."""
        codes = self.kb.countries_in_name(name)
        if codes:
            return codes[0] if len(codes) == 1 else None
        for start, end, surface in self._matcher.finditer(name):
            key = self.kb.link(surface)
            if key and start == 0:
                return self.kb.institutions[key].country
        # A national body named without its country is the document's when the document is
        # mostly about that country; universities, firms and the like only when it is nearly all
        # about it (a report on one country cites foreign universities more than foreign ministries).
        need = GOVERNMENT_COUNTRY_SHARE if kind == "government_body" else OTHER_COUNTRY_SHARE
        if country and kind in _NATIONAL_KINDS and share >= need and not _INTERNATIONAL_WORDS.search(name):
            return country
        return None

    def _discovered(self, text: str, known: list[Match], model: list[disc.Candidate] = (),
                    country: str | None = None, share: float = 1.0) -> tuple[list[Match], list[Discovery]]:
        taken = Ranges((m.start, m.end) for m in known)
        overlaps = taken.overlaps

        named = sorted({m.key for m in known if m.key in self.kb.institutions})
        found: dict[str, Discovery] = {}
        new: list[Match] = []
        acronyms: dict[str, str] = {}
        for c in disc.find_acronym_definitions(text) + disc.find_stands_for(text):
            head = disc.head_word(c.name) or disc.defined_head(c.name)
            if head in disc.INSTRUMENT_HEADS or head in disc.EVENT_HEADS or self.kb.country_of(c.name):
                continue
            known_key = self.kb.link(c.name) or (self.kb.link(c.acronym) if c.acronym else None)
            if known_key:
                # the KB knows it: the definition only adds an alias for this document
                acronyms.setdefault(c.acronym or "", known_key)
                continue
            if (head not in disc.ORG_HEADS and head not in disc.DEFINED_HEADS) or disc.is_generic_name(c.name) or (c.acronym and c.acronym.endswith("s") and c.name.endswith("s")):
                continue  # "Artificial Intelligence (AI)", "AI Safety Institutes (AISIs)": not a body
            key, kind, home = self._new_body(c.name, country, share)
            found.setdefault(key, Discovery("institution", key, c.name, c.acronym, kind, country=home, extractor="acronym_definition"))
            if c.acronym:
                acronyms.setdefault(c.acronym, key)
            if not overlaps(c.start, c.end):
                new.append(Match(c.start, c.end, key, "discovery.acronym_definition", 0.85))
                taken.add(c.start, c.end)
        for rule, cands, conf in (("affiliation", disc.find_affiliations(text), 0.7), ("listed", disc.find_listed_names(text), 0.7),
                                  ("org_pattern", disc.find_org_names(text), 0.75), ("model_ner", model, 0.65)):
            for c in cands:
                if overlaps(c.start, c.end) or self.kb.country_of(c.name):
                    continue
                head = disc.head_word(c.name)
                if head in disc.INSTRUMENT_HEADS or head in disc.EVENT_HEADS:
                    continue
                if rule == "affiliation" and head is None and len(c.name.split()) < 2:
                    continue
                if rule == "model_ner" and not self._model_candidate_ok(c, head, model):
                    continue
                key = self.kb.link(c.name) or self._variant_of(c.name, named)
                if not key:
                    key, kind, home = self._new_body(c.name, country, share)
                    found.setdefault(key, Discovery("institution", key, c.name, None, kind, country=home, extractor=rule))
                new.append(Match(c.start, c.end, key, "discovery." + rule, conf))
                taken.add(c.start, c.end)
        # named organs of known bodies: "the GPAI Executive Council", "the OECD Secretariat"
        for m in known:
            parent = self.kb.institutions.get(m.key)
            organ = _ORGAN_AFTER.match(text, m.end) if parent and m.extractor == EXTRACTOR_KB else None
            if organ is None:
                continue
            name = " ".join(text[m.start : organ.end()].split())
            key = self.kb.link(name) or discovered_key(name)
            if key.startswith("new:"):
                head = disc.head_word(name)
                kind = parent.kind if parent.kind in _ORGAN_KINDS else disc.ORG_HEADS.get(head or "", "other")
                found.setdefault(key, Discovery("institution", key, name, None, kind, country=parent.country, extractor="organ"))
            new.append(Match(m.start, organ.end(), key, "discovery.organ", 0.8))
        # "the Executive Council", "the Secretariat": organs named only by their head, of the body
        # the document is mostly about
        new += self._bare_organs(text, known, found, overlaps)
        # later uses of a defined acronym, anywhere in the document
        for acronym, key in acronyms.items():
            if not acronym or not key.startswith("new:"):
                continue
            for m in finditer_word(surface_regex(acronym), text):
                if not overlaps(m.start(), m.end()):
                    new.append(Match(m.start(), m.end(), key, "discovery.acronym", 0.8))
        # names discovered once are marked wherever else they occur
        for d in list(found.values()):
            for m in finditer_word(surface_regex(d.name), text):
                if not overlaps(m.start(), m.end()):
                    new.append(Match(m.start(), m.end(), d.key, "discovery.repeat", 0.75))
                    taken.add(m.start(), m.end())
        self._doc_acronyms = acronyms
        return new, sorted(found.values(), key=lambda d: d.key)

    def _bare_organs(self, text: str, known: list[Match], found: dict[str, Discovery], overlaps) -> list[Match]:
        """Organs a document names by their generic name alone ("the Steering Committee"), at least
        `min_head_mentions` times, capitalised: organs of the document's principal body (the
        intergovernmental body, network or government named most, and at least three times)."""
        counts = Counter(m.key for m in known if (i := self.kb.institutions.get(m.key)) and i.kind in _ORGAN_KINDS | {"network_or_partnership"})
        if not counts:
            return []
        (parent_key, n), *rest = counts.most_common(2) + [(None, 0)]
        if n < MIN_PRINCIPAL_MENTIONS or n < 2 * rest[0][1]:
            return []
        parent = self.kb.institutions[parent_key]
        by_name: dict[str, list[tuple[int, int]]] = {}
        for m in _BARE_ORGAN.finditer(text):
            organ = " ".join(m.group(1).split())
            if disc.is_generic_name(organ) and not overlaps(m.start(1), m.end(1)):
                by_name.setdefault(organ, []).append((m.start(1), m.end(1)))
        out = []
        for organ, places in by_name.items():
            if len(places) < self.min_head_mentions:
                continue
            name = f"{parent.acronym or parent.name} {organ}"
            key = self.kb.link(name) or discovered_key(name)
            if key.startswith("new:"):
                kind = parent.kind if parent.kind in _ORGAN_KINDS else disc.guess_kind(organ)
                found.setdefault(key, Discovery("institution", key, name, None, kind, aliases=(organ,), country=parent.country, extractor="organ"))
            out += [Match(a, b, key, "discovery.organ", 0.65) for a, b in places]
        return out

    def _model_candidate_ok(self, c: disc.Candidate, head: str | None, model: list[disc.Candidate]) -> bool:
        """A trained model's entity counts where the rules would accept the name: the KB knows it,
        it has an organisation head, or — a name the rules cannot judge — the model tagged it at
        least twice in the document and it is neither generic nor lower-case."""
        if self.kb.link(c.name) or head in disc.ORG_HEADS:
            return True
        if disc.is_generic_name(c.name) or not c.name[:1].isupper():
            return False
        return sum(1 for o in model if o.name == c.name) >= 2

    def _variant_of(self, name: str, keys: list[str]) -> str | None:
        """The body, among those the document names (`keys`), of which `name` is a variant: the
        tail of one of its names ("Policy Observatory" for "AI Policy Observatory") or the same
        name with one word misspelt or its head swapped for a variant ("Centre"/"Center",
        "Initiative"/"Institute")."""
        words = normalize_surface(name).split()
        if len(words) < 2:
            return None
        hits = set()
        for key in keys:
            for form in self.kb.institutions[key].surfaces:
                fw = normalize_surface(form).split()
                if len(fw) > len(words) and fw[-len(words):] == words:
                    hits.add(key)
                elif len(fw) == len(words):
                    diff = [(a, b) for a, b in zip(words, fw) if a != b]
                    if len(diff) == 1 and _near_word(*diff[0]):
                        hits.add(key)
        return next(iter(hits)) if len(hits) == 1 else None

    def _head_matches(self, text: str, matches: list[Match]) -> list[Match]:
        counts = Counter(m.key for m in matches)
        surfaces: dict[str, list[str]] = {}
        for m in matches:
            surfaces.setdefault(m.key, []).append(text[m.start : m.end])
        # Each body's name words, worked out once for all the heads.
        name_words = {key: set(normalize_surface(self._name_of(key, surfaces[key])).split()) for key in counts}
        out: list[Match] = []
        for head in self.heads:
            scored = sorted(((n, key) for key, n in counts.items() if head.lower() in name_words[key]), reverse=True)
            if not scored or scored[0][0] < self.min_head_mentions or (len(scored) > 1 and scored[1][0] * 2 > scored[0][0]):
                continue
            key = scored[0][1]
            pattern, anchor = self._head_patterns[head]
            # "the" is the whitespace-free run just before the head word, which `re` finds fast.
            for m in finditer_before(pattern, anchor, text, 1):
                out.append(Match(m.start(1), m.end(1), key, EXTRACTOR_HEAD, 0.6))
        return out

    def _name_of(self, key: str, surfaces: list[str]) -> str:
        """The KB's names of `key`, or for a discovered body the `surfaces` the text gives it."""
        inst = self.kb.institutions.get(key)
        if inst:
            return " ".join(inst.surfaces)
        return " ".join(surfaces)

    # -- writing -------------------------------------------------------------------------------

    @staticmethod
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

    def set_annotations(self, doc: Doc, matches: list[Match], discoveries: list[Discovery]) -> None:
        """Write the span group (longest match wins), the discoveries and the document's linker."""
        text = doc_text(doc)
        spans: list[Span] = []
        for m in matches:
            span = _char_span(doc, m, "institution", text)
            if span is None or not span.text.strip():
                continue
            span._.govmap_extractor = m.extractor
            span._.govmap_confidence = m.confidence
            spans.append(span)
        kept = filter_spans(spans)
        kept = sorted(kept + self._compound_parties(doc, spans, kept), key=lambda s: (s.start, s.end))
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
                linker.heads.setdefault(text[m.start : m.end].lower(), m.key)
        doc._.govmap_linker = linker
