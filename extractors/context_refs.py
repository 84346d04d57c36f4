"""References that only the document's context resolves: the country a document is about, a
surface several bodies share, "the AI Safety Institute" and "the Government" unqualified, and
"the <Head>" ("the Network") for the body of that head the document names most.  Pure functions
of the text and the mentions found before them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from govmap.sources.misread_ai import AI_PRINTED
from govmap.extractors.fastmatch import WORD_START, finditer_before
from govmap.extractors.kb import KnowledgeBase, normalize_surface
from govmap.extractors.mentions import Match

__all__ = [
    "DEFAULT_HEADS",
    "EXTRACTOR_CONTEXT",
    "EXTRACTOR_HEAD",
    "HeadReferences",
    "document_country",
    "resolved_in_context",
    "unqualified_matches",
]

EXTRACTOR_HEAD = "institution_ruler.head"
EXTRACTOR_CONTEXT = "institution_ruler.context"
# A document is about a country when that many of its mentions of country-rooted bodies, and
# that share of them, are of that country's bodies.
MIN_COUNTRY_MENTIONS = 3
MIN_COUNTRY_SHARE = 0.4
# Bare heads that stand for the document's dominant body of that head ("the Network").
DEFAULT_HEADS = (
    "Network",
    "Institute",
    "Council",
    "Commission",
    "Organisation",
    "Organization",
    "Panel",
    "Office",
    "Consortium",
    "Forum",
    "Partnership",
    "Agency",
    "Endowment",
    "Initiative",
    "Alliance",
)

# "the AI Safety Institute", "the AISI": a singular, capitalised reference with no country before it
# (those the country patterns take, and a longer match wins).
_UNQUALIFIED_AISI = re.compile(
    rf"\b[Tt]he\s+({AI_PRINTED}\s+(?:Safety|Security)\s+Institute|{AI_PRINTED}SI)(?![\w’'-])"
)
# "the Government" (capitalised, not "the Government of X"), "the Federal Government"; not the
# first word of a longer name ("the Government Office for Tides", "the Government Harbour Unit").
_THE_GOVERNMENT = re.compile(
    r"\b[Tt]he\s+((?:Federal\s+|National\s+|Central\s+)?Government)(?![\w’'-])(?!\s+of\b)(?![ \t]+[A-Z])"
)


def document_country(kb: KnowledgeBase, matches: list[Match]) -> tuple[str | None, float]:
    """The country a document is about: the one its country-rooted bodies mostly belong to
    (at least `MIN_COUNTRY_MENTIONS` mentions, `MIN_COUNTRY_SHARE` of them and more than any
    other country), else None; with the share of those mentions that are its."""
    counts: Counter = Counter()
    for m in matches:
        inst = kb.institutions.get(m.key)
        if inst and inst.country:
            counts[inst.country] += 1
    if not counts:
        return None, 0.0
    (top, n), *rest = counts.most_common(2) + [(None, 0)]
    share = n / sum(counts.values())
    if n < MIN_COUNTRY_MENTIONS or share < MIN_COUNTRY_SHARE or n == rest[0][1]:
        return None, 0.0
    return top, share


def resolved_in_context(
    kb: KnowledgeBase, pending: list[tuple[int, int, set[str]]], matches: list[Match], country: str | None
) -> list[Match]:
    """A surface several bodies share names the one the document names otherwise, else the
    one of the document's country."""
    seen = {m.key for m in matches}
    out = []
    for start, end, found in pending:
        key = _pick(kb, found, seen, country)
        if key:
            out.append(Match(start, end, key, EXTRACTOR_CONTEXT, 0.8))
    return out


def _pick(kb: KnowledgeBase, found: Iterable[str], seen: set[str], country: str | None) -> str | None:
    named = sorted(k for k in found if k in seen)
    if len(named) == 1:
        return named[0]
    local = sorted(k for k in found if country and kb.institutions[k].country == country)
    return local[0] if len(local) == 1 else None


def unqualified_matches(kb: KnowledgeBase, text: str, matches: list[Match], country: str | None) -> list[Match]:
    """Unqualified references resolved by context: "the AI Safety Institute" is the AISI the
    document names most (or its country's), "the Government" is the document country's."""
    out: list[Match] = []
    kinds = Counter(m.key for m in matches if (i := kb.institutions.get(m.key)) and i.kind == "ai_safety_institute")
    aisi = (
        kinds.most_common(1)[0][0]
        if kinds
        else (kb.body_of_country(country, "ai_safety_institute") if country else None)
    )
    if aisi:
        out += [Match(m.start(1), m.end(1), aisi, EXTRACTOR_CONTEXT, 0.7) for m in _UNQUALIFIED_AISI.finditer(text)]
    government = kb.body_of_country(country, "government_body") if country else None
    if government and "Government" in text:
        out += [Match(m.start(1), m.end(1), government, EXTRACTOR_CONTEXT, 0.6) for m in _THE_GOVERNMENT.finditer(text)]
    return out


class HeadReferences:
    """ "the <Head>" for the document's dominant body of that head: a head word stands for a body
    named at least `min_mentions` times and at least twice as often as any other of that head."""

    def __init__(self, kb: KnowledgeBase, heads: tuple[str, ...] = DEFAULT_HEADS, min_mentions: int = 2) -> None:
        if min_mentions < 1:
            raise ValueError(f"min_head_mentions must be ≥ 1, got {min_mentions}")
        self.kb = kb
        self.heads = heads
        self.min_mentions = min_mentions
        # "the <Head>" (a reference to the document's dominant body), and the head word alone.
        # WORD_START before "the" is the word boundary "\b" would be.
        self.patterns = {
            head: (re.compile(WORD_START + rf"[Tt]he\s+({head})(?![\w-])(?!\s+(?:of|for|on)\s)"), re.compile(head))
            for head in heads
        }

    def find(self, text: str, matches: list[Match]) -> list[Match]:
        counts = Counter(m.key for m in matches)
        surfaces: dict[str, list[str]] = {}
        for m in matches:
            surfaces.setdefault(m.key, []).append(text[m.start : m.end])
        # Each body's name words, worked out once for all the heads.
        name_words = {key: set(normalize_surface(self._name_of(key, surfaces[key])).split()) for key in counts}
        out: list[Match] = []
        for head in self.heads:
            scored = sorted(((n, key) for key, n in counts.items() if head.lower() in name_words[key]), reverse=True)
            if not scored or scored[0][0] < self.min_mentions or (len(scored) > 1 and scored[1][0] * 2 > scored[0][0]):
                continue
            key = scored[0][1]
            pattern, anchor = self.patterns[head]
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
