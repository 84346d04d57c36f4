"""Mentions of knowledge-base bodies by name: `surface_regex` (one surface form as a pattern),
`KBMatcher` (every form of the KB in a text) and `kb_candidates` (the mentions, and the shared
surfaces left for the document's context to resolve).

Case rules: acronyms and one-word names are matched case-sensitively ("WHO" is not "who"),
longer names case-insensitively; "AI" also matches OCR "Al"; a plural ("AISIs") is a generic
reference and never matches a singular name.
"""

from __future__ import annotations

import functools
import re

from govmap.sources.misread_ai import AI_PRINTED
from govmap.extractors.fastmatch import alternations
from govmap.extractors.kb import KnowledgeBase
from govmap.extractors.mentions import Match

__all__ = ["EXTRACTOR_KB", "KBMatcher", "kb_candidates", "kb_matcher", "polities", "surface_regex"]

EXTRACTOR_KB = "institution_ruler.kb"

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
                        forms.add(b + form[len(a) :])
                for f in forms:
                    (sensitive if _case_sensitive(f) else insensitive)[f] = None
        self._patterns = [
            alternation
            for group, flags in ((sensitive, 0), (insensitive, re.IGNORECASE))
            for alternation in alternations(group, surface_regex, flags)
        ]

    def finditer(self, text: str):
        """(start, end, surface) of every KB form in `text`, overlapping alternatives included."""
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                yield m.start(), m.end(), m.group(0)


@functools.lru_cache(maxsize=4)
def kb_matcher(kb: KnowledgeBase) -> KBMatcher:
    """One `KBMatcher` per knowledge base and process: compiling its alternations takes seconds,
    and a process builds a pipeline more than once (tests, a rebuilt worker)."""
    return KBMatcher(kb)


# After a polity's name, the words of an instrument's name ("EU AI Act", "EU General Data
# Protection Regulation"): the polity is part of the instrument's name there.
_INSTRUMENT_AFTER = re.compile(
    r"(?:['’]s)?(?:\s+[A-Z][\w-]*){0,5}?\s+(?:Act|Regulation|Directive|Strategy|Treaty|Convention|Declaration|Charter)\b"
)


@functools.lru_cache(maxsize=4)
def polities(kb: KnowledgeBase) -> frozenset[str]:
    """Bodies that are polities (named by a country name of the KB, as the EU is "EU"): their
    name qualifies instruments ("EU AI Act") without naming the body."""
    return frozenset(
        k for k, i in kb.institutions.items() if i.acronym and i.country and kb.country_of(i.acronym) == i.country
    )


def is_ambiguous_acronym(kb: KnowledgeBase, surface: str, key: str) -> bool:
    """Whether `surface` is the acronym of `key` that the KB marks as shared with other things."""
    inst = kb.institutions.get(key)
    return bool(
        inst and inst.ambiguous_acronym and inst.acronym and surface.replace(".", "") == inst.acronym.replace(".", "")
    )


def kb_candidates(kb: KnowledgeBase, text: str) -> tuple[list[Match], list[tuple[int, int, set[str]]]]:
    """KB mentions, and the surfaces that need the document's context: those several bodies
    share ("Datatilsynet", "Personal Information Protection Commission") as (start, end, ids)."""
    out: list[Match] = []
    pending: list[tuple[int, int, set[str]]] = []
    polity_keys = polities(kb)
    for start, end, surface in kb_matcher(kb).finditer(text):
        key = kb.link(surface)
        if key:
            if key in polity_keys and _INSTRUMENT_AFTER.match(text, end):
                continue  # "the EU AI Act": the polity qualifies an instrument's name
            out.append(Match(start, end, key, EXTRACTOR_KB, 0.95))
        else:
            found = kb.candidates(surface) or kb.local.get(surface.strip(), set())
            if len(found) > 1 or (found and surface.strip() in kb.local):
                pending.append((start, end, found))
    # An ambiguous acronym ("ESG", "SI") only counts where the document also names the body
    # another way (its full name or an alias).
    ambiguous = [is_ambiguous_acronym(kb, text[m.start : m.end], m.key) for m in out]
    named = {m.key for m, shared in zip(out, ambiguous) if not shared}
    return [m for m, shared in zip(out, ambiguous) if not shared or m.key in named], pending
