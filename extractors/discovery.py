"""Discovery of bodies the knowledge base lacks: pure functions over text.

Four rules, each returning `Candidate`s (name, acronym, character range, rule):

- acronym definitions, "Full Name (ACR)", "ACR (Full Name)" and "ACR stands for Full Name",
  where the acronym's letters follow the initials of the name (a digit repeats the letter before
  it: "C4", "W3C");
- organisation-name patterns: a run of capitalised words headed by an organisational word
  ("... Institute", "... Council for ...", "Ministry of ...");
- affiliations in author notes: "is a fellow at the X", "Director of Policy at X";
- names listed as examples of a class of bodies: "collaborations (such as X and Y)",
  "coordination bodies, including the X".

`guess_kind` maps a name's head word to an institution kind.  The institution ruler decides which
candidates to keep (it drops those the KB already knows or that overlap a known name).
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass

from govmap.extractors.fastmatch import finditer_before, finditer_before_places, lowered_for_scan
from govmap.extractors.gazetteer import country_names, place_country

__all__ = [
    "Candidate",
    "ORG_HEADS",
    "INSTRUMENT_HEADS",
    "EVENT_HEADS",
    "find_acronym_definitions",
    "find_org_names",
    "find_affiliations",
    "find_stands_for",
    "find_glossary_lines",
    "find_listed_names",
    "DEFINED_HEADS",
    "LIST_CLASS_NOUNS",
    "guess_kind",
    "head_word",
    "is_generic_name",
    "initials_match",
]

# Head word (lower case) -> institution kind guessed from it.
ORG_HEADS: dict[str, str] = {
    "institute": "research_organization",
    "institution": "research_organization",
    "council": "other",
    "organisation": "other",
    "organization": "other",
    "agency": "government_body",
    "office": "government_body",
    "panel": "scientific_assessment_body",
    "committee": "other",
    "network": "network_or_partnership",
    "partnership": "network_or_partnership",
    "foundation": "civil_society",
    "centre": "research_organization",
    "center": "research_organization",
    "commission": "government_body",
    "endowment": "research_organization",
    "school": "research_organization",
    "university": "research_organization",
    "college": "research_organization",
    "academy": "research_organization",
    "academies": "scientific_assessment_body",
    "initiative": "research_organization",
    "programme": "research_organization",
    "program": "research_organization",
    "consortium": "network_or_partnership",
    "alliance": "network_or_partnership",
    "coalition": "network_or_partnership",
    "forum": "network_or_partnership",
    "laboratory": "research_organization",
    "laboratories": "research_organization",
    "lab": "research_organization",
    "authority": "government_body",
    "ministry": "government_body",
    "department": "government_body",
    "bureau": "government_body",
    "directorate": "government_body",
    "secretariat": "intergovernmental_organization",
    "bank": "intergovernmental_organization",
    "fund": "funder",
    "trust": "funder",
    "society": "civil_society",
    "association": "civil_society",
    "union": "intergovernmental_organization",
    "assembly": "intergovernmental_organization",
    "board": "other",
    "taskforce": "government_body",
    "observatory": "research_organization",
    "corporation": "company",
    "inc": "company",
    "ltd": "company",
    "group": "other",
}
# Heads that make a name a body only when the name is explicitly defined ("ACR stands for ...",
# "Full Name (ACR)"): "Economic Community of West African States", "LIGO Scientific Collaboration".
# Bare capitalised runs with these heads are too often headings ("Research Community").
DEFINED_HEADS: dict[str, str] = {
    "community": "intergovernmental_organization",
    "collaboration": "network_or_partnership",
    "project": "research_organization",
}
# Plural nouns for classes of bodies: names listed after them ("such as", "including") are bodies.
LIST_CLASS_NOUNS = frozenset(
    """bodies organisations organizations institutions institutes agencies collaborations consortia networks
    laboratories labs committees councils centres centers universities foundations funders ministries
    departments alliances""".split()
)
# Head words that make a name an instrument, an event or a document, never an institution.
INSTRUMENT_HEADS = frozenset(
    {
        "act",
        "treaty",
        "convention",
        "compact",
        "agreement",
        "framework",
        "code",
        "protocol",
        "declaration",
        "principles",
        "recommendation",
        "regulation",
        "directive",
        "order",
        "charter",
        "strategy",
        "plan",
        "pact",
    }
)
EVENT_HEADS = frozenset(
    {"summit", "conference", "meeting", "workshop", "dialogue", "process", "review", "report", "series", "course"}
)
_CONNECTORS = frozenset({"of", "for", "on", "and", "the", "de", "du", "la", "pour", "des", "in", "&", "to"})
# Modifiers that, with an organisational head and nothing else, make a generic phrase
# ("the Executive Committee", "a Working Group", "Member States", "National Committees").
_GENERIC_WORDS = frozenset(
    """national international intergovernmental global regional executive standing steering advisory scientific
    technical working joint research similar other new existing central key independent special expert
    member state states ai safety security public private permanent high-level level high senior our their this
    that its a an each every any some such proposed relevant multilateral bilateral local main host hosting
    coordinating facilitating thematic designated established secretariat organizational organisational
    network networks partner partners static rotating leading single dedicated head publications communications source list""".split()
)
# Words that start headings or sentences, not names ("How Could the ...", "Key Considerations ...").
_BAD_FIRST = frozenset(
    """ceo co-director director housed led hosted funded based how what why when where which who could should would can will may might key considerations integrating
    placing leveraging securing make making each for if in on at by to from with as this these those our
    their its his her a an is are was be see appendix table figure section chapter note source notes
    collaborating establishing developing enhance expanding representing monitoring defining managing
    organizing sharing providing supporting""".split()
)

# Words that occur in titles and headings but not in the names of bodies.
_NOT_IN_NAMES = frozenset(
    "too any one very more most not no all be is are can could should would how why what".split()
    # a headline's verbs ("Harbour Labs Expands Partnership with ..."): a cited title, no name
    + "announces launches expands signs joins unveils introduces acquires invests warns wins".split()
)
_CAP = r"[A-Z][\w'’.\-]*"
_WORD = rf"(?:{_CAP}|[A-Z0-9][A-Z0-9&\-]+|of|for|on|and|the|de|du|la|pour|des|in|&)"
# A run of words that starts and ends capitalised, on one line.
_RUN = re.compile(rf"{_CAP}(?:(?:[ \t]+|[ \t]*\n[ \t]*){_WORD})*")
_ACRONYM = r"[A-Z][A-Za-z0-9&\-]*[A-Z0-9][A-Za-z0-9]?s?"
_DEF_AFTER = re.compile(rf"\(\s*(?:the\s+)?({_ACRONYM})\s*\)")
_DEF_BEFORE = re.compile(rf"\b({_ACRONYM})\s*\(\s*((?:the\s+)?[A-Z][^()\n]{{4,120}}?)\s*\)")
# The bracket of an "ACR (Full Name)" and how the name opens: `re` finds the bracket fast.
_DEF_BEFORE_BRACKET = re.compile(r"\(\s*(?:the\s+)?[A-Z]")
_AFFILIATION = re.compile(
    r"\b(?:fellow|researcher|director|manager|lead|associate|professor|candidate|scholar|adviser|advisor|"
    r"analyst|chair|co-chair|co-founder|founder|ceo|affiliate|member|head|officer|scientist|lecturer|"
    r"student|postdoc|intern|assistant|president|partner|consultant|engineer|counsel|coordinator)"
    # a role word before a plural ("member states", "partner countries") is a modifier, no one's role
    r"\b(?!\s+[a-z]+[^s\W]s\b)[^.\n]{0,80}?\b(?:at|with|of)\s+(?:the\s+)?(" + _CAP + r"(?:[ \t]+" + _WORD + r")*)"
)


@dataclass(frozen=True)
class Candidate:
    """A name found by a discovery rule, with its character range in the searched text."""

    name: str
    start: int
    end: int
    rule: str  # "acronym_definition" | "org_pattern" | "affiliation"
    acronym: str | None = None
    acronym_start: int | None = None
    acronym_end: int | None = None


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", name.strip()) if w]


def initials_match(name: str, acronym: str) -> bool:
    """Do the acronym's letters follow the initials of the name's words, in order?

    Every content word's initial must be used, connectors ("of", "the") may be; letters of a word
    may stand in for later letters ("Co-operation" -> "C", "EuroHPC" -> "HPC")."""
    letters = [c.lower() for c in acronym.rstrip("s") if c.isalnum()]
    if acronym.endswith("s") and acronym[:-1].isupper():
        letters = [c.lower() for c in acronym[:-1] if c.isalnum()]
    # a digit after a letter repeats it: "C4" = C C C C, "W3C" = W W W C
    if re.search(r"[A-Za-z][2-9]", acronym):
        expanded = re.sub(r"([A-Za-z])([2-9])", lambda m: m.group(1) * int(m.group(2)), acronym)
        if initials_match(name, expanded):
            return True
    words = [w for w in re.split(r"[\s\-/]+", name) if w]
    if not letters or not words:
        return False

    @functools.cache
    def go(wi: int, li: int) -> bool:
        if li == len(letters):
            return all(w.lower() in _CONNECTORS for w in words[wi:])
        if wi == len(words):
            return False
        w = words[wi]
        lw = w.lower().strip("'’.,")
        if lw in _CONNECTORS and go(wi + 1, li):
            return True
        if not lw or lw[0] != letters[li]:
            return False
        # consume the initial, then maybe more letters from inside the same word
        k = li + 1
        if go(wi + 1, k):
            return True
        pos = 1
        while k < len(letters):
            j = lw.find(letters[k], pos)
            if j < 0:
                break
            k += 1
            pos = j + 1
            if go(wi + 1, k):
                return True
        return False

    return go(0, 0)


def _first_part(name: str) -> list[str]:
    """The words of a name before its first linking preposition: 'Organisation' of
    'Organisation for Economic Co-operation and Development'."""
    first_part: list[str] = []
    for w in _words(name):
        if w.lower() in {"of", "for", "on", "to", "in"} and first_part:
            break
        first_part.append(w)
    return first_part


def _last_in(words: list[str], heads) -> str | None:
    for w in reversed(words):
        lw = w.lower().strip("'’.,")
        if lw in heads:
            return lw
    return None


_ANY_HEAD = (ORG_HEADS, INSTRUMENT_HEADS, EVENT_HEADS)


class _Heads:
    """Membership in any of the head-word vocabularies."""

    def __contains__(self, word: str) -> bool:
        return any(word in heads for heads in _ANY_HEAD)


def head_word(name: str) -> str | None:
    """The organisational head of a name: the first word (from the right of its first part) that is
    an org head — 'Organisation for Economic Co-operation and Development' -> 'organisation'."""
    return _last_in(_first_part(name), _Heads()) or _last_in(_words(name), _Heads())


# Words anywhere in a name that decide its kind before its head does, in order: a company's legal
# form, a state's organs, places of learning, standards work ("Korea Standards Association").
_KIND_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("company", frozenset("inc inc. ltd ltd. llc plc corp corp. corporation gmbh ag s.a. sa co. company".split())),
    ("ai_safety_institute", frozenset({"aisi"})),
    (
        "research_organization",
        frozenset(
            "university universities universidad université universität college school academy polytechnic".split()
        ),
    ),
    (
        "government_body",
        frozenset(
            "ministry ministries department government parliament senate congress cabinet municipal prefectural ministerial "
            "minister ministers presidential regulator regulatory ombudsman commissioner police court tribunal embassy mission".split()
        ),
    ),
    ("standards_body", frozenset("standards standardization standardisation normalisation normung".split())),
    ("funder", frozenset({"fund", "funding", "endowment", "philanthropy", "philanthropies"})),
)
# Heads that say little alone: the rest of the name decides ("International Advisory Council").
_WEAK_HEADS = frozenset(
    {"council", "committee", "board", "group", "organisation", "organization", "office", "commission", "secretariat"}
)
_INTERGOVERNMENTAL_WORDS = frozenset("intergovernmental international united nations un multilateral".split())


def guess_kind(name: str) -> str:
    """Institution kind from the words of a name: a legal form, a state's or a university's word
    anywhere ("Ministry ...", "... University Council"), else the head word ("... Foundation" ->
    civil_society); 'other' if none."""
    words = {w.lower().strip("(),;:'’") for w in _words(name)}
    if "safety" in words and "institute" in words and ("ai" in words or "artificial" in words):
        return "ai_safety_institute"
    for kind, keys in _KIND_WORDS:
        if words & keys:
            return kind
    head = head_word(name)
    if head is None:
        head = defined_head(name)
    if head in _WEAK_HEADS and words & _INTERGOVERNMENTAL_WORDS:
        return "intergovernmental_organization"
    if head in {"council", "committee", "board"} and words & {"national", "federal", "state", "presidential"}:
        return "government_body"
    if head == "bank" and words & {"state", "reserve", "central", "national", "people's"}:
        return "government_body"  # a country's central bank, not a development bank
    return ORG_HEADS.get(head or "", DEFINED_HEADS.get(head or "", "other"))


def defined_head(name: str) -> str | None:
    """The weak head ("community", "collaboration", "project") of a name's first part, if any."""
    return _last_in(_first_part(name), DEFINED_HEADS)


# Heads whose complement is a portfolio: "Ministry of Public Security" names one ministry, however
# generic the words of its portfolio.
_PORTFOLIO_HEADS = frozenset({"ministry", "department"})


def is_generic_name(name: str) -> bool:
    """True for phrases made only of generic words and an org head ("Executive Committee")."""
    words = [w.lower().strip("'’.,") for w in _words(name)]
    content = [w for w in words if w not in _CONNECTORS]
    if len(words) > 2 and words[0] in _PORTFOLIO_HEADS and words[1] in {"of", "for"}:
        return False
    return all(w in _GENERIC_WORDS or w in ORG_HEADS for w in content)


# Verbs that open a table cell, list label or clause before a body's name ("Approves ...",
# "Instructs the Committee on ..."): never the first word of a name.
_LEADING_VERBS = frozenset(
    """approves approve supports support instructs instruct includes include invites invite calls urges encourages
    requests recommends welcomes notes decides establishes appoints reports advises convenes assists coordinates
    oversees chairs leads hosts manages reviews ensures provides endorses adopts submits receives informs consults
    prepares proposes elects nominates acknowledges reaffirms recognises recognizes agrees signs joins""".split()
)
# A person's title or a section's subject before "of": "President of Lakeside University",
# "Responsibilities of the Council" -- the name starts after the "of".
_TITLE_WORDS = frozenset(
    """president vice chair chairman chairperson chairwoman co-chair director deputy head secretary general minister
    fellow member members professor dean rector provost founder co-founder ceo cto officer spokesperson academician
    responsibilities responsibility role roles functions function composition terms reference mandate duties tasks
    structure members membership governance report reports meeting meetings decisions decision launch establishment
    creation""".split()
)
# Dates before a name in running text or a timeline ("May 2020 Harbour Strategy Council ...").
_MONTHS = frozenset("january february march april may june july august september october november december".split())
# Words after "and" that start a person's role, not another body ("University of X and Visiting Researcher").
_ROLE_WORDS = _TITLE_WORDS | frozenset("visiting adjunct senior researcher research lecturer scholar".split())


def _trim_name(words: list[str]) -> list[str]:
    # "Instructs the Committee on X", "Fellow of the American Association": the name is what
    # follows the last "the" before the organisational head, or a title's "of".
    head = next((k for k, w in enumerate(words) if w.lower() in ORG_HEADS), len(words))
    for k in range(head - 1, 0, -1):
        w = words[k].lower()
        if w == "the" or (w == "of" and all(x.lower() in _TITLE_WORDS or x.lower() in _CONNECTORS for x in words[:k])):
            words = words[k + 1 :]
            break
    while words and (
        words[0].lower() in _BAD_FIRST
        or words[0].lower() in _CONNECTORS
        or words[0].lower() in _LEADING_VERBS
        or words[0].lower() in _MONTHS
        or words[0].isdigit()
        or words[0].lower() in {"report", "paper"}
        and len(words) > 2
        and words[1][:1].isupper()
        and words[1].lower() not in ORG_HEADS
    ):
        words = words[1:]
    while words and words[-1].lower() in _CONNECTORS:
        words = words[:-1]
    return words


def find_acronym_definitions(text: str) -> list[Candidate]:
    """'Full Name (ACR)' and 'ACR (Full Name)' where the acronym follows the name's initials."""
    out: list[Candidate] = []
    for m in _DEF_AFTER.finditer(text):
        acronym = m.group(1)
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()].rstrip()
        # the shortest tail of the words before the bracket whose initials give the acronym
        tokens = list(re.finditer(r"\S+", before))
        best: tuple[str, int] | None = None
        for k in range(len(tokens) - 1, max(-1, len(tokens) - 16), -1):
            name = before[tokens[k].start() :].strip().rstrip(",;:")
            first = tokens[k].group(0)
            if not first[:1].isupper():
                continue
            if initials_match(name, acronym):
                if best is None:
                    best = (name, k)  # the shortest tail that fits
                if _word_initials(name) == acronym.upper():
                    # one letter per word fits better: "Northern Institute for Harbour Studies
                    # (NIHS)", not "Institute for Harbour Studies" read with a letter inside a word
                    best = (name, k)
                    break
        if best:
            name, k = best
            start = line_start + tokens[k].start()
            out.append(Candidate(name, start, start + len(name), "acronym_definition", acronym, m.start(1), m.end(1)))
    # the acronym is the whitespace-free run just before the bracket (or glued to it)
    for m in finditer_before(_DEF_BEFORE, _DEF_BEFORE_BRACKET, text, 1):
        acronym, name = m.group(1), m.group(2)
        name = re.sub(r"^the\s+", "", name).strip()
        if initials_match(name, acronym):
            s = m.start(2) + m.group(2).find(name)
            out.append(Candidate(name, s, s + len(name), "acronym_definition", acronym, m.start(1), m.end(1)))
    return out


# A line of a list of abbreviations: the acronym, perhaps a colon or dash, and the full name alone
# ("HPA  Harbour Pilots Authority").
_GLOSSARY_LINE = re.compile(
    rf"^[ \t]*({_ACRONYM})[ \t]*(?:[:=–—-][ \t]*|[ \t])[ \t]*((?:the[ \t]+)?[A-Z][^\n]{{3,120}}?)[ \t.;]*$", re.M
)


def find_glossary_lines(text: str) -> list[Candidate]:
    """Lines of a list of abbreviations, "ACR Full Name", whose initials give the acronym: a
    definition with neither brackets nor "stands for"."""
    out: list[Candidate] = []
    for m in _GLOSSARY_LINE.finditer(text):
        acronym, name = m.group(1), re.sub(r"^the\s+", "", m.group(2))
        if initials_match(name, acronym):
            start = m.end(2) - len(name)
            out.append(Candidate(name, start, m.end(2), "acronym_definition", acronym, m.start(1), m.end(1)))
    return out


def _word_initials(name: str) -> str:
    """The initials of a name's content words, upper case: 'Institute for Harbour Studies' -> 'IHS'."""
    return "".join(w[0] for w in re.split(r"[\s\-/]+", name) if w and w.lower() not in _CONNECTORS).upper()


_NON_SPACE_RUN = re.compile(r"\S+")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")


def _segments(run: str) -> list[tuple[int, list[str]]]:
    """Split a capitalised run at punctuation and possessives: (offset in run, words)."""
    out: list[tuple[int, list[str]]] = []
    words: list[str] = []
    start = 0
    for m in _NON_SPACE_RUN.finditer(run):
        w = m.group(0)
        if not words:
            start = m.start()
        if w.endswith(("'s", "’s")):
            words = []
            continue
        words.append(w.rstrip(".,;:"))
        if w.endswith((".", ",", ";", ":")) and not _INITIALS.fullmatch(w):
            out.append((start, words))
            words = []
    if words:
        out.append((start, words))
    return out


def _may_name_an_org(run: str) -> bool:
    """Whether a capitalised run has two words and one of them (as `_segments` trims it) is an
    organisational head: the names `find_org_names` takes need both, and most runs have neither."""
    words = run.split()
    return len(words) >= 2 and any(w.rstrip(".,;:").lower() in ORG_HEADS for w in words)


# The rest of a name whose subjects are a list: ", Culture, Sports, Science and Technology".  A
# PDF line may break anywhere in the list ("Science, Technology and" | "Innovation").
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_LIST_WORD = r"[A-Z][\w'’\-]*(?:[ \t]+[A-Z][\w'’\-]*){0,3}"
_NAME_LIST_TAIL = re.compile(
    rf"(?:,{_GAP}?{_LIST_WORD})*,?{_GAP}(?:and|&){_GAP}{_LIST_WORD}"
    rf"|(?:,{_GAP}?{_LIST_WORD})+(?={_GAP}(?:and|&){_GAP}{_LIST_WORD})"
)


# Nouns for what a body publishes, which follow its name but never end it.
_DOCUMENT_WORDS = frozenset("guidance guidelines paper papers report reports statement notice".split())


def _with_subject_list(text: str, start: int, end: int) -> tuple[str, int]:
    """The name at `text[start:end]` with the rest of its list of subjects when it stops at the
    list's first comma ("Ministry of Science" | ", Technology and Innovation"): its name and end."""
    name = text[start:end]
    # (the subjects follow the head: "Forum of Lakes, Rivers and Seas", not "Lake of Tides Forum")
    if re.search(r"\s(?:of|for|on)\s", name) and name.split()[-1].lower() not in ORG_HEADS:
        more = _NAME_LIST_TAIL.match(text, end)
        if more and _subject_list(more.group(0)):
            end = more.end()
            # the last item may run into what the body wrote ("... and Regulatory Reform Guidance")
            last = text[start:end].rsplit(None, 1)[-1]
            if last.lower() in INSTRUMENT_HEADS or last.lower() in EVENT_HEADS or last.lower() in _DOCUMENT_WORDS:
                end = start + len(text[start:end][: -len(last)].rstrip())
    return " ".join(text[start:end].split()), end


def _subject_list(tail: str) -> bool:
    """Whether the items of a list after a name ("Culture, Sports and Technology") are subjects
    of that name, not other parties of the sentence ("..., Ruritania and the Harbour Board"): no
    item is or opens with a country, most are not places (a subject may spell one: "Rivers"), and none of
    several words has an organisational head (one word is a subject: "Technology and Society")."""
    items = [" ".join(x.split()) for x in re.split(r"\s*,\s*|\s+(?:and|&)\s+", tail.strip(" \t\n,"))]
    items = [x for x in items if x and x.lower() not in {"and", "&"}]
    for item in items:
        words = item.split()
        if any(" ".join(words[:n]) in country_names() for n in range(1, min(3, len(words)) + 1)):
            return False  # a country, or a name that starts with one ("Ruritania National ...")
        if len(words) > 1 and any(w.lower() in ORG_HEADS for w in words):
            return False
    return 2 * sum(1 for x in items if place_country(x)) <= len(items)


# Capitalised words after "in" that are a time, a part of the document or a region the
# gazetteer (cities, regions, countries) lacks: "in January", "in Annex 2", "in Europe".
_NOT_SUBJECTS = frozenset(
    "annex appendix chapter section table figure part box article europe africa asia america americas "
    "oceania antarctica arctic the this its their".split()
)


def _subject_in(words: list[str], j: int) -> bool:
    """Whether the "in" at `words[j]` joins a name's subject ("Society for Wave Studies in Medicine"),
    not its place ("Institute for Data in Ruritania", "... in Lakeside City"): a capitalised word
    follows that begins no city, region or country."""
    if words[j] != "in" or j + 1 >= len(words) or not words[j + 1][:1].isupper():
        return False
    if words[j + 1].lower() in _MONTHS or words[j + 1].lower() in _NOT_SUBJECTS:
        return False
    after = words[j + 1 : j + 4]
    return not any(
        place_country(" ".join(after[:n])) or " ".join(after[:n]) in country_names() for n in range(1, len(after) + 1)
    )


def find_org_names(text: str) -> list[Candidate]:
    """Capitalised runs headed by an organisational word: 'Lakeside Institute for Civic Futures'."""
    out: list[Candidate] = []
    for m in _RUN.finditer(text):
        if not _may_name_an_org(m.group(0)):
            continue
        for seg_start, words in _segments(m.group(0)):
            if len(words) < 2:
                continue
            lo, i, search_from = 0, 0, seg_start
            while i < len(words):
                w = words[i]
                if w.lower() not in ORG_HEADS:
                    i += 1
                    continue
                end = i + 1
                if end < len(words) and words[end].lower() in {"of", "for", "on"}:
                    j = end + 1
                    while j < len(words) and (
                        words[j][:1].isupper()
                        or words[j].lower() in {"and", "the", "&", "of", "for", "on"}
                        or _subject_in(words, j)
                    ):
                        j += 1
                    end = j
                prefix = words[lo:i]
                for k in range(len(prefix) - 1, 0, -1):
                    if prefix[k - 1].lower() == "and" and prefix[k].lower() == "the":
                        prefix = prefix[k + 1 :]
                        break
                tail = words[i + 1 : end]
                coordinated = False  # "the University of X and the Y University of Z": two names
                for k, tw in enumerate(tail):
                    if tw.lower() == "and" and k + 1 < len(tail) and tail[k + 1].lower() in _ROLE_WORDS:
                        tail = tail[:k]  # "University of X and Visiting Researcher": a role follows
                        break
                    if tw.lower() == "and" and any(x.lower() in ORG_HEADS or x.isupper() for x in tail[k + 1 :]):
                        tail = tail[:k]
                        coordinated = True
                        break
                name_words = _trim_name(prefix + [words[i]] + tail)
                if name_words and len(name_words) > 1:
                    name_words[-1] = _FOOTNOTE.sub("", name_words[-1])  # "Alliance on Widgets12": a note mark
                if name_words and name_words[0].lower().endswith("ing") and name_words[0].lower() not in ORG_HEADS:
                    break
                if (
                    len(name_words) < 2
                    or is_generic_name(" ".join(name_words))
                    or any(x.lower() in _NOT_IN_NAMES for x in name_words)
                ):
                    break
                name = " ".join(name_words)
                rel = m.group(0).find(name, search_from)
                if rel >= 0:
                    start = m.start() + rel
                    end = start + len(name)
                    if end == m.end():
                        name, end = _with_subject_list(text, start, end)
                    out.append(Candidate(name, start, end, "org_pattern"))
                    search_from = rel + len(name)
                if not coordinated:
                    break
                lo = i = i + 1 + len(tail) + 1  # past the "and"
    return out


def find_affiliations(text: str) -> list[Candidate]:
    """Organisations named as someone's affiliation: 'a research fellow at the X'."""
    out: list[Candidate] = []
    for m in _AFFILIATION.finditer(text):
        words = _trim_name(m.group(1).split())
        # stop at a sentence end inside the run ("Peace. Please")
        kept: list[str] = []
        for w in words:
            kept.append(w)
            if w.endswith((".", ",", ";", ":")):
                break
        kept = _trim_name([w.rstrip(".,;:") for w in kept])
        search_from = m.start(1)
        for part in _split_joined(kept):
            if not part or is_generic_name(" ".join(part)):
                continue
            if len(part) == 1 and not re.search(r"[A-Z].*[A-Z]|\d", part[0]) and len(part[0]) < 4:
                continue
            name = " ".join(part)
            start = text.find(name, search_from)
            if start < 0:
                continue
            name, end = _with_subject_list(text, start, start + len(name))
            out.append(Candidate(name, start, end, "affiliation"))
            search_from = end
    return out


def _split_joined(words: list[str]) -> list[list[str]]:
    """Two names joined by "and": "Harbour Authority and Coastal Office", "X Institute for Y and Graduate School
    of Z".  An "and" inside one name ("Institute for Science and Technology") joins subjects:
    it splits only where the words before it name a body alone (no "of"/"for"/"on" in them) or
    the words after it have an organisational head of their own."""
    for k, w in enumerate(words):
        if w.lower() != "and" or k == 0 or k == len(words) - 1:  # "&" joins partners' names: "Bain & Company"
            continue
        before, after = words[:k], _trim_name(words[k + 1 :])
        after_has_head = any(x.lower() in ORG_HEADS for x in after)
        before_plain = not any(x.lower() in {"of", "for", "on"} for x in before)
        if after and (after_has_head or before_plain) and after[0][:1].isupper():
            return [before, *_split_joined(after)]
    return [words]


_NAME_RUN = rf"{_CAP}(?:[ \t]*\n?[ \t]*{_WORD})*"
_STANDS = re.compile(r"stands|stood")
_STANDS_FOR = re.compile(
    rf"\b({_ACRONYM}|[A-Z][A-Za-z]*[0-9]+[A-Za-z]*)\s*,?\s+(?:(?:which|that)\s+)?(?:stands|stood)\s+for\s+(?:the\s+)?({_NAME_RUN})"
)


def find_stands_for(text: str) -> list[Candidate]:
    """'ACR stands for Full Name' and 'ACR, which stands for Full Name', initials matching."""
    out: list[Candidate] = []
    # The acronym, a comma and "which"/"that": at most three whitespace-free runs before "stands
    # for", which `re` finds fast (the pattern itself it tries at every word).
    for m in finditer_before(_STANDS_FOR, _STANDS, text, 3):
        acronym = m.group(1)
        words = m.group(2).split()
        # the name ends at the first punctuation; the longest leading run whose initials give the acronym
        cut = next((i + 1 for i, w in enumerate(words) if w[-1:] in ".,;:"), len(words))
        words = words[:cut]
        for k in range(len(words), 0, -1):
            name = " ".join(w.rstrip(".,;:") for w in words[:k])
            if initials_match(name, acronym):
                start = text.find(words[0], m.start(2))
                end = start
                for w in words[:k]:
                    end = text.find(w, end) + len(w.rstrip(".,;:"))
                out.append(
                    Candidate(
                        " ".join(text[start:end].split()),
                        start,
                        end,
                        "acronym_definition",
                        acronym,
                        m.start(1),
                        m.end(1),
                    )
                )
                break
    return out


# Words that introduce examples (lower case: `_list_intros` searches the lower-cased text for them).
_INTRO_WORD_LIST = (r"such\s+as", "including", r"e\.g\.,?", "like", "notably")
_INTRO_WORDS = "(?:" + "|".join(_INTRO_WORD_LIST) + ")"
_LIST_INTRO = re.compile(
    r"\b(" + "|".join(sorted(LIST_CLASS_NOUNS)) + r")\b\s*(?:\(\s*|,\s*|\s)" + _INTRO_WORDS + r"\s+",
    re.IGNORECASE,
)
# Each searched alone: `re` finds one word's literal start faster than any of several.
_INTRO_WORDS_LOWER = tuple(re.compile(w) for w in _INTRO_WORD_LIST)
# Classes whose members are usually named by a single plain word ("collaborations such as Helix").
_NAMED_CLASS_NOUNS = frozenset(
    "collaborations consortia laboratories labs networks alliances funders foundations".split()
)
_CLAUSE_WORDS = frozenset(
    """to which that who whose where when while would will can could may might should must is are was were be been
    has have had do does did with for in on at by as from but not also then""".split()
)
_FOOTNOTE = re.compile(r"(?<=[A-Za-z]{2})\d{1,2}$")  # "Artifact2": a footnote mark glued to a name
_LIST_END = re.compile(r"(?<!\b[A-Z])\.(?=\s)|[;:!?()\[\]]|\n\s*\n")


def find_listed_names(text: str) -> list[Candidate]:
    """Proper names listed as examples of a class of bodies: 'collaborations (such as X and Y)',
    'coordination bodies, including the X and the Y'.  Items must be capitalised throughout;
    the list ends at the first item that is running text or at a sentence end."""
    out: list[Candidate] = []
    for m in _list_intros(text):
        stop = _LIST_END.search(text[m.end() : m.end() + 300])
        end = m.end() + (stop.start() if stop else 300)
        pos = m.end()
        for item in re.split(r"(\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)", text[m.end() : end]):
            start = pos
            pos += len(item)
            if not item.strip() or re.fullmatch(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", item):
                continue
            words = item.split()
            lead = 0
            while lead < len(words) and words[lead].lower() in {"the", "a", "an"}:
                lead += 1
            words = words[lead:]
            if not words:
                break
            if not words[0][:1].isupper():
                if len(words) > 4 or words[0].lower() in _CLAUSE_WORDS:
                    break  # running text: the list is over
                continue  # "the project board": a description, not a name
            if len(words) > 8 or any(
                not (w[:1].isupper() or w[:1].isdigit() or w.lower() in _CONNECTORS) for w in words
            ):
                continue  # "the CIO-level board": a description, not a name
            if words[-1].lower() in _CONNECTORS or is_generic_name(" ".join(words)) and len(words) < 3:
                continue
            if re.search(r"[a-z]", words[-1]):
                words[-1] = _FOOTNOTE.sub("", words[-1])
            if sum(c.isalpha() for c in " ".join(words)) < 2:
                continue
            if (
                len(words) == 1
                and not re.search(r".[A-Z0-9]", words[0])
                and m.group(1).lower() not in _NAMED_CLASS_NOUNS
            ):
                continue  # "national bodies such as Colombia": a plain word after a broad class is often a place
            s = text.find(words[0], start)
            e = s
            for w in words:
                e = text.find(w, e) + len(w)
            if s < 0 or e > end:
                continue
            out.append(Candidate(" ".join(text[s:e].split()), s, e, "listed"))
    return out


def _list_intros(text: str) -> Iterator[re.Match[str]]:
    """`_LIST_INTRO.finditer(text)`.  `re` tries the pattern's IGNORECASE alternation of class
    nouns at every character; every match ends in one of the introducing words, a plain search
    of the lower-cased text finds those, and the noun stands within the two whitespace-free
    runs before (the noun, then perhaps a bracket or comma on its own)."""
    lowered = lowered_for_scan(text)
    if lowered is None:
        return _LIST_INTRO.finditer(text)
    # (the words never overlap one another, so merged they are the places one search would give)
    places = heapq.merge(*([m.start() for m in word.finditer(lowered)] for word in _INTRO_WORDS_LOWER))
    return finditer_before_places(_LIST_INTRO, places, text, runs=2)
