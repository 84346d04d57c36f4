"""Countries acting as states: "India and Japan agreed ...", "talks with Canada", "the US-China dialogue".

The guideline counts a country as a party when it acts as a state.  A country's name is read as
the state itself only where it stands as a noun of the clause, not where it qualifies something
else or places it:

* a modifier is not a state: "US companies", "UK regulators", "the EU AI Act", "India's Ministry
  of ..." (a capitalised or plain noun follows);
* a place is not a state: "firms in the United States", "from Canada", "of Japan";
* adjectives ("Japanese", "British") never are.

What follows a state noun is punctuation, a conjunction, a verb ("India announced", "Japan will
...") or a possessive with a common noun of what a state does ("the UK's partnership"), not of what a
country has ("the UK's carbon impacts").  Two countries joined by a
hyphen or dash ("US-China", "EU–Japan") are both states.  The state links to its government
through the linker (`state_governments` in `govmap.extractors.kb` gives every country one); the
knowledge base keeps one `StateFinder` (`KnowledgeBase.states`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from govmap.extractors.gazetteer import country_names

__all__ = ["StateMention", "StateFinder", "is_state_use"]

# Words after a country that make it the subject of a clause: auxiliaries, common reporting
# verbs, and adverbs that sit between a subject and its verb.
_VERBISH = frozenset(
    """
has have had is are was were will would shall should can could may might must did does do
also both jointly together already further then now recently today formally officially
signed agreed announced launched joined committed pledged established created hosted co-hosted
leads led plans planned intends intended seeks sought aims aimed works worked partners partnered
cooperates cooperated collaborates collaborated supports supported funds funded hosts continues
continued remains remained became becomes welcomed welcome welcomes affirmed reaffirmed
concluded endorsed adopted released issued convened participated participates took takes
on in to for at over about regarding through under by as via
""".split()
)
# A partner word before a country makes it a party whatever follows: "with Canada on ...".
_PARTNER_BEFORE = re.compile(r"\b(?:with|between|among|and|&)\s+(?:the\s+)?$")
# Before a country: the country places something ("in Canada") or belongs to a title ("of Japan").
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|across|within|throughout|from|of|at|to|into|outside|inside|around)\s+(?:the\s+)?)$"
)
_ADJECTIVE_ENDING = re.compile(r"(?:an|ese|ish|ch|i|ss)$")
# Continents and regions a country table may list that never act as one state.
_NOT_STATES = frozenset({"Europe", "European", "America", "Americas", "Africa", "Asia"})
_JOIN = re.compile(r"\s?[-\u2013]\s?")
_LIST_GAP = re.compile(r",?\s+(?:(?:and|or|&)\s+)?(?:the\s+)?|,\s*")


@dataclass(frozen=True)
class StateMention:
    start: int
    end: int
    surface: str
    code: str


class StateFinder:
    """Finds countries standing as states in sentences; built once per knowledge base (one
    compiled alternation of every country noun), used for every sentence."""

    def __init__(self, country_surfaces: Mapping[str, str]) -> None:
        names = country_names()
        self.nouns = {
            name: code
            for name, code in country_surfaces.items()
            if name not in _NOT_STATES
            and (name in names or name.isupper() or "." in name or " " in name or not _ADJECTIVE_ENDING.search(name))
        }
        alternation = "|".join(re.escape(n) for n in sorted(self.nouns, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")

    def find(self, text: str) -> list[StateMention]:
        """Countries in `text` that stand as states (see the module docstring), in order."""
        hits = [(m.start(), m.end(), m.group(0)) for m in self._pattern.finditer(text)]
        out: list[StateMention] = []
        placed_end = -1  # where the last country read as a place ended: a list after it is places too
        for i, (start, end, name) in enumerate(hits):
            joined = (bool(out) and out[-1].end <= start and _JOIN.fullmatch(text[out[-1].end : start])) or (
                i + 1 < len(hits) and _JOIN.fullmatch(text[end : hits[i + 1][0]])
            )
            if placed_end >= 0 and _LIST_GAP.fullmatch(text[placed_end:start]):
                placed_end = end
                continue
            if joined or _stands_alone(text, start, end):
                out.append(StateMention(start, end, name, self.nouns[name]))
            elif _PLACE_BEFORE.search(text, max(0, start - 16), start):
                placed_end = end
        return out


# What a country's possessive names when the country acts as a state ("the UK's partnership with").
_STATE_ACT = re.compile(
    r"(?:partner|cooperat|co-operat|collaborat|agreement|dialogue|support|fund|invest|engag|work|effort|commit|contribut"
    r"|presiden|chair|leader|lead|government|delegat|approach|participat|role|relation|ties|member|initiativ|propos"
    r"|position|offer|pledge|bid|plan|strateg|decision|request|call|response|negotiat|talks|mission|embass|minist"
    r"|national|own|new|bilateral|joint|recent|first|continued|long|strong|close)",
    re.I,
)
# "Regulation (EU) 2019/1020": a bracketed country before a number labels a legal act.
_ACT_LABEL = re.compile(r"\)\s*(?:No\.?\s*)?\d")


def is_state_use(text: str, start: int, end: int) -> bool:
    """Whether the country name at text[start:end] stands as a state (not a modifier or place)."""
    return text[end : end + 1] in ("-", "\u2013") or _stands_alone(text, start, end)


def _stands_alone(text: str, start: int, end: int) -> bool:
    if text[start - 1 : start] == "(" and _ACT_LABEL.match(text, end):
        return False
    if _PLACE_BEFORE.search(text, max(0, start - 16), start):
        return False
    rest = text[end : end + 40]
    m = re.match(r"(['\u2019]s)?\s+(\S+)", rest)
    if m and m.group(1):
        # "the UK's partnership with ..." is the state's; "India's Ministry" names a body (the
        # country is its `country`), also after a partner phrase ("... and Northland's Data Office").
        # "the UK's carbon impacts", "Canada's economy": a possessive of a thing the country has
        # places it; only what a state does or holds as an actor makes it a party.
        word = m.group(2).strip(",.;:")
        return word[:1].islower() and bool(_STATE_ACT.match(word))
    lower_noun_next = re.match(r"\s+[a-z]", rest) and not re.match(r"\s+(?:and|or)\b", rest)
    if _PARTNER_BEFORE.search(text, max(0, start - 16), start) and not (
        lower_noun_next and rest.split()[0].lower() not in _VERBISH
    ):
        return True
    if not rest.strip() or rest[:1] in ',.;:)]\u201d"' or rest[:2] in (" (",):
        return True
    if not m:
        return False
    word = m.group(2).strip(",.;:")
    return word in ("and", "&", "or") or word.lower() in _VERBISH
