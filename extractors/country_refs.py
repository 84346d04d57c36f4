"""Country-qualified references to known bodies: "Japan's AISI", "the UK and U.S. AISIs",
"the U.S. Departments of State and Commerce", "US government".  `CountryReferences` compiles
the patterns once per knowledge base; `find(text)` is a pure function of the text."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from govmap.sources.misread_ai import AI_PRINTED
from govmap.extractors.fastmatch import finditer_before, finditer_in_windows
from govmap.extractors.kb import KnowledgeBase
from govmap.extractors.kb_mentions import surface_regex
from govmap.extractors.mentions import Match

__all__ = ["EXTRACTOR_COUNTRY", "CountryReferences", "country_references"]

EXTRACTOR_COUNTRY = "institution_ruler.country"

# Words every country-qualified reference to an AI safety institute (or, plural, to several)
# contains: a text without them needs no scan with the long country alternations.
AISI_WORDS = re.compile(rf"{AI_PRINTED}(?:SI|\s+(?:Safety|Security)\s+Institute)", re.IGNORECASE)
_AISI_PLURAL_WORDS = re.compile(rf"{AI_PRINTED}(?:SIs|\s+(?:Safety|Security)\s+Institutes)", re.IGNORECASE)
GOVERNMENT_WORD = re.compile(r"[Gg]overnment")


class CountryReferences:
    """The patterns of country-qualified references for one knowledge base's countries."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        names = sorted(kb.countries, key=len, reverse=True)
        # Country names are normalised (words of letters and digits), so a country matches as
        # that many whitespace-separated runs, the possessive glued to the last.
        self.country_words = max((len(n.split()) for n in names), default=1)
        country = (
            r"(?:" + "|".join(surface_regex(n).replace(r"(?<![\w])", "").replace(r"(?![\w])", "") for n in names) + r")"
        )
        self.country_aisi = re.compile(
            rf"(?<![\w.])(?P<c>{country})(?:['’]s)?\s+(?:{AI_PRINTED}\s+(?:Safety|Security)\s+Institute|{AI_PRINTED}SI)(?![\w])",
            re.IGNORECASE,
        )
        self.country_list_aisis = re.compile(
            rf"(?<![\w.])(?P<list>{country}(?:\s*,\s*(?:the\s+)?{country})*\s*,?\s+(?:and|&)\s+(?:the\s+)?{country})"
            rf"\s+(?:{AI_PRINTED}SIs|{AI_PRINTED}\s+(?:Safety|Security)\s+Institutes)(?![\w])",
            re.IGNORECASE,
        )
        self._country_name = re.compile(country, re.IGNORECASE)
        # The KB's country names are lower-case: in a case-sensitive pattern a country is
        # capitalised as printed ("Chilean", "New Zealand's", "US"), any case after its first letter.
        printed_country = rf"(?=[A-Z])(?i:{country})"
        # What the whitespace-free runs of a list of countries are made of, lower-cased.
        self._list_words = frozenset(w for n in names for w in n.split()) | {"the", "and", "&", ""}
        # "the U.S. Departments of State and Commerce", "Japan's Ministries of Foreign Affairs and Defense"
        part = r"[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|and(?=\s+[A-Z][\w’'-]*\s*(?:,|and|or)\b)))*?"
        self._plural_heads = re.compile(
            rf"(?<![\w.])(?:(?P<c>{printed_country})(?:['’]s)?\s+)?(?P<h>Departments|Ministries)\s+of\s+"
            rf"(?P<list>{part}(?:\s*,\s*{part})*\s*,?\s+(?:and|&)\s+{part})(?![\w’'-])"
        )
        self.country_government = re.compile(rf"(?<![\w.])(?P<c>{printed_country})(?:['’]s)?\s+[Gg]overnment(?![\w])")

    def find(self, text: str) -> list[Match]:
        """Every country-qualified reference in `text` that names a known body."""
        out: list[Match] = []
        # Each pattern below needs words most texts lack; looking for those first skips the scans.
        aisi = AISI_WORDS.search(text) is not None
        aisis = aisi and _AISI_PLURAL_WORDS.search(text) is not None
        plural_heads = "Departments" in text or "Ministries" in text
        government = "overnment" in text
        # "<country>['s] AISI" and "<country>['s] government" end with those words and start
        # within the country's words before them: only those stretches are searched.
        for m in finditer_before(self.country_aisi, AISI_WORDS, text, self.country_words) if aisi else ():
            key = self.kb.link(m.group("c"), kind_hint="ai_safety_institute")
            if key:
                out.append(Match(m.start(), m.end(), key, EXTRACTOR_COUNTRY, 0.9))
        for m in self.country_lists(text) if aisis else ():
            for c in self._country_name.finditer(m.group("list")):
                key = self.kb.link(c.group(0), kind_hint="ai_safety_institute")
                if key:
                    s = m.start("list") + c.start()
                    out.append(Match(s, s + len(c.group(0)), key, EXTRACTOR_COUNTRY, 0.8))
        for m in self._plural_heads.finditer(text) if plural_heads else ():
            out += self._plural_head_parts(m)
        for m in (
            finditer_before(self.country_government, GOVERNMENT_WORD, text, self.country_words) if government else ()
        ):
            key = self.kb.link(m.group("c"), kind_hint="government_body")
            if key:
                out.append(Match(m.start(), m.end(), key, EXTRACTOR_COUNTRY, 0.9))
        return out

    def _plural_head_parts(self, m: re.Match[str]) -> list[Match]:
        """The known bodies a plural head names ("Departments of State and Commerce" names the
        Department of State and the Department of Commerce), of the country before it if any."""
        out: list[Match] = []
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
        return out

    def country_lists(self, text: str) -> Iterator[re.Match[str]]:
        """`self.country_list_aisis.finditer(text)`.  `re` tries the pattern's long alternation of
        countries at every character; but a match ends in plural AISI words, which are rare, and
        before them stand only its list's runs of country words, commas, "the", "and" and "&",
        the first perhaps glued to what comes before: only those stretches are tried."""
        windows = [(self._list_start_before(text, a.start()), a.start()) for a in _AISI_PLURAL_WORDS.finditer(text)]
        return finditer_in_windows(self.country_list_aisis, windows, text)

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


@functools.lru_cache(maxsize=4)
def country_references(kb: KnowledgeBase) -> CountryReferences:
    """One `CountryReferences` per knowledge base and process (its alternations are long)."""
    return CountryReferences(kb)
