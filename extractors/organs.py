"""Named organs and units written next to their parent body: "the Harbour Union's Data Observatory",
"the Policy Lab at the Harbour Institute", "the Ethics Lab, University of Northvale".

ANNOTATION.md counts a named organ as its own body, linked to its parent by an
`institutional_integration` collaboration when the document says so; naming the unit with its
parent says so.  The joins read between two institutions that stand next to each other:

* a possessive: "Y's X" (X is Y's organ);
* a preposition: "X at / of / within (the) Y", "X in Y" where Y is an organisation (not a place),
  X a unit ("... Lab", "... Committee", "... Centre");
* a comma after a unit, before an academic host: "the X Lab, University of Y" (an affiliation);
  not inside a list of names ("the X Lab, Y University, Z Institute").

"X (XL) of the Y": a name and its bracketed acronym are one institution.  Joins that follow each
other make one chain ("the X Centre at the Y Institute, University of Z": three bodies, one
statement).  Organ names are statements wherever they stand: in headings, affiliation lines and
biographies too, which the cue-based rules skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, Sequence

__all__ = ["NamedParty", "organ_chains"]

_POSSESSIVE_JOIN = re.compile(r"^['\u2019]s\s+(?:own\s+|new\s+|newly\s+(?:created|established|formed)\s+)?$")
_UNIT_AT = re.compile(r"^\s+(?:at|of|within|in)\s+(?:the\s+)?$")
_COMMA_JOIN = re.compile(r"^,\s+(?:the\s+)?$")
# Words that make a name a unit of something larger; lower case too ("the select committee on X
# of the Y", "the expert group on Z of the W").
_UNIT_HEADS = re.compile(
    r"\b(?:program(?:me)?|school|centre|center|institute|lab(?:oratory)?|initiative|unit|directorate|office|secretariat|council|committee|board|panel|group|division|department|faculty|observatory|network|task ?force)\b",
    re.I,
)
# "in" places a unit in its host only when the host is an organisation, not a country or city.
_HOST_HEADS = re.compile(
    r"\b(?:University|Department|Ministry|Commission|Agency|Office|Institute|Organi[sz]ation|Foundation|College|Academy|Centre|Center|Council|Authority)\b"
)
# A comma affiliation's host is academic: the pattern of author and staff affiliations.
_ACADEMIC_HOST = re.compile(
    r"\b(?:Universit(?:y|ies|é|ät|at|à|ad|ade|eit)|College|Polytechnic|Institute of Technology)\b"
)
# What may follow a comma affiliation's host: the end, punctuation, a place or a bracket; not
# "and", which makes the names a list ("X Institute, Y University, and the Z").
_AFTER_HOST = re.compile(r"^(?!,?\s+and\b)(?:\s*$|\s*[.;:,)(]|\s+(?:in|at)\s)")
# Between two names of one list: "X, Y", "X, and Y", "X and Y".
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and|&)\s+(?:the\s+)?$")
_ACRONYM_OPEN = re.compile(r"^\s?\($")


class NamedParty(Protocol):
    start: int
    end: int
    key: str
    surface: str


@dataclass(frozen=True)
class _Unit:
    """One institution as named in the sentence, its bracketed acronym folded in."""

    start: int
    end: int
    key: str
    surface: str
    heads: str  # every form it was written in, for the unit-head test
    party: NamedParty


def organ_chains(text: str, parties: Sequence[NamedParty]) -> list[list[NamedParty]]:
    """Chains of bodies named as organs of one another in `text` (each chain one statement),
    from the sentence's named parties in reading order."""
    units = _units(text, [p for p in parties if p.surface])
    chains: list[list[NamedParty]] = []
    current: list[NamedParty] = []
    for n, (a, b) in enumerate(zip(units, units[1:])):
        before = units[n - 1] if n else None
        after = units[n + 2] if n + 2 < len(units) else None
        if a.key != b.key and _joined(text, a, b, before, after):
            if not current:
                current = [a.party]
            current.append(b.party)
        elif current:
            chains.append(current)
            current = []
    if current:
        chains.append(current)
    return chains


def _units(text: str, named: list[NamedParty]) -> list[_Unit]:
    units: list[_Unit] = []
    for p in named:
        last = units[-1] if units else None
        if (
            last is not None
            and last.key == p.key
            and _ACRONYM_OPEN.match(text[last.end : p.start])
            and text[p.end : p.end + 1] == ")"
        ):
            units[-1] = _Unit(last.start, p.end + 1, last.key, last.surface, f"{last.heads} {p.surface}", last.party)
        elif last is not None and p.start < last.end:
            continue  # nested or overlapping spans: the outer one stands
        else:
            units.append(_Unit(p.start, p.end, p.key, p.surface, p.surface, p))
    return units


def _joined(text: str, a: _Unit, b: _Unit, before: _Unit | None, after: _Unit | None) -> bool:
    gap = text[a.end : b.start]
    if _POSSESSIVE_JOIN.match(gap):
        return True
    if not _UNIT_HEADS.search(a.heads):
        return False
    if _UNIT_AT.match(gap):
        return " in " not in gap or bool(_HOST_HEADS.search(b.surface))
    if _COMMA_JOIN.match(gap) and _ACADEMIC_HOST.search(b.surface):
        in_list = (
            before is not None and _LIST_GAP.match(text[before.end : a.start]) and "," in text[before.end : a.start]
        ) or (after is not None and _LIST_GAP.match(text[b.end : after.start]))
        return not in_list and bool(_AFTER_HOST.match(text[b.end : b.end + 40]))
    return False
