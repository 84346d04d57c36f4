"""Named governance instruments recognised by their form, and the definitions documents give.

A named instrument is a capitalised name headed by an instrument word ("the Data Protection Act",
"Recommendation on the Ethics of AI", "Executive Order 14110", "Bill C-27") or a numbered standard
("ISO/IEC 42001", "IEEE 7000").  `find_named_instruments` scans a text once for head words and
grows each hit over the capitalised words around it; no regex per name runs over the text.

Boundaries: a name starts at its first capitalised word after a determiner, preposition or verb
("Adopting the Seoul Declaration" -> "Seoul Declaration") and ends at its head, a number after it
or a capitalised complement ("... Convention on Artificial Intelligence").  A head followed by
another capitalised word belongs to a longer name -- a body ("AI Act Service Desk") or a title --
and is dropped.  A name made only of generic words ("the Action Plan", "a Regulatory Framework")
is a back-reference or a common noun phrase, not a name; so is one the document also writes in
lower case ("regulatory framework").  A line break ends a name unless the text is laid out in
wrapped paragraph lines (PDF) and the line is long: short lines are table cells, list items and
headings.  Names under heads that also title chapters and papers (`WEAK_HEADS`) are kept or
dropped by the caller, which sees the whole document.

`find_definitions` reads "X means ..." / "X is a ..." sentences and glossary lines ("X: ...")
for names it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "NamedInstrument",
    "find_named_instruments",
    "find_definitions",
    "category_of_head",
    "head_of",
    "HEAD_CATEGORIES",
    "WEAK_HEADS",
]

# Head word -> category (the contract's vocabulary).  Laws, treaties and the soft law that states or
# bodies adopt (principles, guidelines, codes, recommendations) are legal instruments; declarations,
# agreements between parties and the plans that coordinate action are coordination mechanisms;
# technical standards are technical measures.
HEAD_CATEGORIES: dict[str, str] = {
    "Act": "legal_instrument",
    "Bill": "legal_instrument",
    "Law": "legal_instrument",
    "Treaty": "legal_instrument",
    "Convention": "legal_instrument",
    "Regulation": "legal_instrument",
    "Directive": "legal_instrument",
    "Executive Order": "legal_instrument",
    "Decree": "legal_instrument",
    "Decision": "legal_instrument",
    "Resolution": "legal_instrument",
    "Measures": "legal_instrument",
    "Provisions": "legal_instrument",
    "Charter": "legal_instrument",
    "Protocol": "legal_instrument",
    "Code of Practice": "legal_instrument",
    "Code of Conduct": "legal_instrument",
    "Code": "legal_instrument",
    "Principles": "legal_instrument",
    "Guidelines": "legal_instrument",
    "Guidance": "legal_instrument",
    "Guide": "legal_instrument",
    "Recommendation": "legal_instrument",
    "Recommendations": "legal_instrument",
    "Framework": "legal_instrument",
    "Declaration": "coordination_mechanism",
    "Communiqué": "coordination_mechanism",
    "Communique": "coordination_mechanism",
    "Statement": "coordination_mechanism",
    "Consensus": "coordination_mechanism",
    "Pact": "coordination_mechanism",
    "Compact": "coordination_mechanism",
    "Agreement": "coordination_mechanism",
    "Accord": "coordination_mechanism",
    "Agenda": "coordination_mechanism",
    "Strategy": "coordination_mechanism",
    "Plan": "coordination_mechanism",
    "Roadmap": "coordination_mechanism",
    "White Paper": "mechanism_design",
    "Blueprint": "mechanism_design",
    "Standard": "technical_measure",
}
# Heads that also title reports, chapters and a body's own papers ("Our Principles", "Data
# Strategy", "Statement on ..."): a name under one counts once the document names it again, or
# defines an acronym for it.
WEAK_HEADS = frozenset({"Principles", "Statement", "Strategy", "Framework", "Recommendations"})
# Frameworks that assess or report are assessment processes ("AI Risk Management Framework").
_ASSESSING_FRAMEWORK = re.compile(r"\b(?:Risk|Assurance|Assessment|Reporting|Evaluation|Audit\w*)\b")

# Heads that name a document only with a number or a complement after them, never with modifiers
# alone ("Executive Order 14110", "Decision No. 45/QD-XY", "Bill C-27").
_NUMBERED_HEADS = frozenset({"Executive Order", "Decree", "Decision", "Resolution", "Bill"})
# Heads that open a name and need a complement ("Blueprint for ...", "White Paper on ...").
_OPENING_HEADS = frozenset({"Blueprint", "White Paper"})
# Numbered acts of an issuer: the words before them name the issuer, not the act.
_ISSUED_HEADS = frozenset({"Executive Order", "Decree", "Decision", "Resolution"})
# Heads a number of any form may follow; after the others only a year or a span of years.
_ANY_NUMBER_HEADS = frozenset(
    {
        "Act",
        "Bill",
        "Executive Order",
        "Regulation",
        "Directive",
        "Decree",
        "Decision",
        "Resolution",
        "Standard",
        "Law",
        "Code",
        "Convention",
        "Protocol",
    }
)
_YEARS = re.compile(r"(?:19|20)\d\d(?:\s?[-–/]\s?(?:19|20)?\d\d)?")

_HEAD_RX = re.compile(
    r"(?<![\w\-])(?:"
    + "|".join(re.escape(h) for h in sorted(HEAD_CATEGORIES, key=lambda h: (-len(h), h)))
    + r")(?:(?![\w\-])|(?=\d{1,3}(?![\w\-])))"  # a footnote number may be glued to the head
)

# `_HEAD_RX` without its lookbehind, which would keep `re` from jumping to the heads' letters.
_HEAD_CORE = re.compile(_HEAD_RX.pattern[len(r"(?<![\w\-])") :])
_HEAD_BEFORE = re.compile(r"[\w\-]")
# What may not stand just before a numbered standard or bill (their patterns open without a
# lookbehind so that `re` can jump to their first letters).
_NUMBERED_BEFORE = re.compile(r"[\w/.]")


def _occurs(text: str, phrase: str) -> bool:
    """`phrase` stands in `text` as whole words (a plain substring search: no regex to compile
    per name and document)."""
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (not at or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(phrase, at + 1)
    return False


# Numbered standards: "ISO/IEC 42001", "ISO/IEC 23894:2023", "IEEE 7000", "IEEE P7003", "NIST SP 800-53".
_STANDARD_RX = re.compile(
    r"(?:ISO/IEC/IEEE|ISO/IEC|ISO|IEC|IEEE|ETSI\s+(?:EN|TS|TR)|CEN/CENELEC|NIST\s+(?:SP|IR|AI))"
    r"\s?(?:(?:TR|TS|PAS|Std\.?)\s)?P?\d{3,5}(?:[-.]\d+)*(?::\d{4})?(?![\w])"
)
# State bills: "SB 1047", "AB 2013", "H.R. 5628".
_BILL_NUMBER_RX = re.compile(r"(?:SB|AB|HB|H\.R\.|S\.B\.|A\.B\.)\s?\d{1,5}(?![\w])")

# What may follow a head as its number: "Act 2023", "Order 14110", "Regulation (EU) 2016/679",
# "Directive 2014/24/EU", "Bill C-27", "Decision No. 45/QD-XY".
_NUMBER_RX = re.compile(r"(?:\s\((?:EU|EC|EEC|Euratom)\))?\s(?:No\.?\s?|Number\s)?(?:[A-Z]{1,3}-)?\d[\w/\-.–]*")
_ACRONYM_RX = re.compile(r"\s?\(((?:[A-Z][A-Za-z]*){0,1}[A-Z][A-Za-z0-9&\-]{1,10})\)")
_COMPLEMENT_RX = re.compile(r"[ \t]+(of|on|for|to|against|concerning|between)[ \t]+(?:(the|an|a)[ \t]+)?")

# Lower-case words that may stand inside a name between capitalised ones.
CONNECTIVES = frozenset(
    {"of", "on", "for", "and", "the", "in", "to", "&", "de", "des", "du", "la", "an", "a", "by", "with"}
)
# Those that may stand between capitalised words after a head ("... on Ethics and Data"); not "in"
# or "by", which go on into dates and authors ("... by the OECD in 2019").
_RUN_CONNECTIVES = frozenset({"of", "on", "for", "and", "the", "to", "&", "de", "des", "du", "la"})
# Capitalised words that open a clause or a phrase, never a name.
_LEADING_STOP = frozenset(
    """The This That These Those Its Their Our His Her Your My A An Each Every Any All Such Under In On Of For With
    By From To And Or But As At See Per Both Between Into Within Via Through Also Since While When Where Which Who
    If Unlike Like Following Including Regarding According Adopting Implementing Applying Signing Introducing
    Under Amend Amending Adopt Implement Apply Sign Endorse Endorsing Approve Approving Approves Adopts Adopted
    Signed Launched Launches Launch Publish Published Publishes Support Supports Supporting Its It New More Most Less
    Other Several Many Some Various Two Three Four Five Six Seven Eight Nine Ten Key Areas Main Communication""".split()
)
# Modifiers that alone make a generic phrase, not a name ("Action Plan", "Regulatory Framework").
_GENERIC_MODIFIERS = frozenset(
    """Action National International Global Regional Local Strategic Implementation Work Working Regulatory Legal
    Ethical Policy Governance General Common New Draft Final Proposed Interim Joint Overall Key Main Core Basic
    Model Voluntary Binding Mandatory Existing Current Future Relevant Specific Technical Sectoral Federal
    Government Public Private Such Same Following Above Below Ministerial Official Operational Annual Master
    Detailed High-Level Comprehensive Coordinated Revised Updated Original Mission Impact Cooperation Framework
    Guiding Code Standards Practice Conduct Principles Sector Industry Rule Case Soft Hard Humanitarian Customary
    Domestic Criminal Civil Administrative Constitutional EU European Union US UK""".split()
)
_CAP_WORD = re.compile(r"^(?:[A-Z0-9][\w'’\-/&.]*|[a-z]+[A-Z][\w\-]*)$")
_MAX_WORDS = 14
# After a comma inside a name: more capitalised words, then "and" and a last one.
_LIST_TAIL = re.compile(r",[ \t]+(?:[A-Z][\w'’\-]*,?[ \t]+){1,6}?(?:and|&)[ \t]+(?:the[ \t]+)?[A-Z]")


@dataclass(frozen=True)
class NamedInstrument:
    """A name found by its form: text offsets, the name, its head, its acronym if it defines one."""

    start: int
    end: int
    name: str
    head: str
    category: str
    acronym: str | None = None
    acronym_start: int | None = None


def category_of_head(head: str, name: str = "") -> str:
    """Category of a named instrument from its head word (and, for frameworks, its name)."""
    if head == "Framework" and _ASSESSING_FRAMEWORK.search(name):
        return "assessment_process"
    return HEAD_CATEGORIES.get(head, "legal_instrument")


def head_of(name: str) -> str:
    """The head of a named instrument's name: its last head word ("Strategy" of "Data Strategy")."""
    heads = _HEAD_RX.findall(name)
    return heads[-1] if heads else ""


def _is_cap(word: str) -> bool:
    return bool(_CAP_WORD.match(word))


def _clean(word: str) -> str:
    return word.strip("“”\"'‘’")


_LEFT_WORD = re.compile(r"(\S+)([ \t]+|[ \t]*\n[ \t]*)$")
_MONTHS = frozenset("January February March April May June July August September October November December".split())
_YEAR = re.compile(r"(?:19|20)\d\d$")
# Heads of organisation names: "School of Law", "Institute for ... Standards" are bodies.
_BODY_HEADS = frozenset(
    """School Faculty Institute Centre Center Department Ministry Office Council Committee Commission University
    College Academy Society Association Agency Authority Board Court Secretariat Bureau Foundation Doctor Master
    Bachelor Professor Rule""".split()
)
# Words in -ing that modify the head of a name, not verbs before it ("Guiding Principles",
# "Transparency Recording Standard", "Machine Learning Framework").
_ING_IN_NAMES = frozenset(
    """Guiding Founding Governing Binding Recording Reporting Learning Computing Processing Engineering
    Banking Accounting Manufacturing Operating Testing Training Trading Marketing Networking Licensing""".split()
)
_ARTICLES = frozenset({"the", "a", "an"})
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)+\.?")
_GLUED_NUMBER = re.compile(r"[a-z]\d{1,3}$")
_PREPOSITIONS = frozenset({"of", "on", "for", "to", "in", "by", "with"})


def _left_edge(text: str, head_start: int, wrap_lines: bool) -> int | None:
    """Start of the capitalised run that ends just before `head_start` (a head's modifiers), or
    None when the run shows the head is a word of a body's name ("Graduate School of Law")."""
    pos = start = head_start
    words = 0
    prev = ""
    while words < _MAX_WORDS:
        window = text[max(0, pos - 60) : pos]
        m = _LEFT_WORD.search(window)
        if m is None:
            break
        if "\n" in m.group(2) and not (wrap_lines and _wrapped(text, pos - len(window) + m.end(1))):
            break  # a name wraps only inside a paragraph laid out in lines
        word = m.group(1)
        inner = word.lstrip("([“\"'‘")
        if inner != word and _is_cap(inner) and inner[-1] not in ",;:.!?)]" and inner not in _LEADING_STOP:
            start = pos - len(window) + m.start(1) + len(word) - len(inner)
            break  # the name opens with a quote or bracket: (“Harbour Safety Framework”)
        if (
            not (_is_cap(word) or word in CONNECTIVES)
            or word[-1] in ",;:.!?)]"
            and not re.fullmatch(r"(?:[A-Z]\.)+", word)
        ):
            break
        if word[0] in "([“\"'‘" or word in _MONTHS:
            break
        if word.isdigit() and (words or not _YEAR.match(word)) or _SECTION_NUMBER.fullmatch(word):
            break  # a footnote, section number or a date before the name
        if word in ("and", "&", "or") and prev in _ARTICLES:
            break  # "A and the B Act": two names, not one
        if word in _PREPOSITIONS and prev in _ARTICLES:
            break  # "Article 5 of the AI Act", "Overview of the Code": the name starts after "the"
        if prev in ("of", "for", "on") and word in _BODY_HEADS:
            return None  # "Graduate School of Law", "Institute for AI Policy and Strategy": a body
        if word.endswith("ing") and word.isalpha() and word[0].isupper() and word not in _ING_IN_NAMES:
            break  # "X Developing Guidelines": a verb, not a word of the name
        if words and _HEAD_RX.fullmatch(word):
            break  # another instrument's head ends that name ("... Act and Data Protection Act")
        if prev in _ARTICLES and word not in CONNECTIVES:
            break  # "Incorporates the X Act", "Under the X Act": a verb or preposition before "the"
        if _GLUED_NUMBER.search(word):
            break  # "Decade150": a footnote number ends the name before this one
        pos = pos - len(window) + m.start(1)
        prev = word
        if _is_cap(word):
            start = pos
        words += 1
    return start


def _strip_leading(text: str, start: int, head_start: int) -> int:
    """Move a name's start past words that open a clause ("The", "Adopting", "Under")."""
    while start < head_start:
        m = re.match(r"(\S+)\s+", text[start:head_start])
        if m is None:
            break
        word = m.group(1)
        if (
            word in _LEADING_STOP
            or word in CONNECTIVES
            or word.endswith("ing")
            and word[0].isupper()
            and word.isalpha()
            and word not in _ING_IN_NAMES
            or word.isdigit()
            and start + m.end() < head_start
        ):
            start += m.end()
            continue
        break
    return start


_RIGHT_WORD = re.compile(r"([ \t]+|[ \t]*\n[ \t]*)(\S+)")
# A line at least this long that ends inside a name was wrapped in a paragraph; a shorter one is a
# table cell, a list item or a heading, and its line break ends the name.
MIN_WRAPPED_LINE = 50


def _wrapped(text: str, line_end: int) -> bool:
    """The line ending at `line_end` (just before a line break) is a wrapped paragraph line."""
    return line_end - (text.rfind("\n", 0, line_end) + 1) >= MIN_WRAPPED_LINE


def _cap_run(text: str, pos: int, limit: int, wrap_lines: bool) -> int:
    """End of a run of capitalised words starting at `pos`, with connectives between them and a
    comma list that ends in "and" ("Safe, Innovative and Inclusive AI")."""
    end = cursor = pos
    for words in range(limit):
        m = re.match(r"\S+", text[cursor : cursor + 80]) if words == 0 else _RIGHT_WORD.match(text, cursor)
        if m is None:
            break
        word = m.group(0) if words == 0 else m.group(2)
        word_start = cursor if words == 0 else m.start(2)
        if words and "\n" in m.group(1) and not (wrap_lines and _wrapped(text, m.start(1))):
            break
        core = word.rstrip(",;:.!?)]”\"'’*_")  # (and Markdown emphasis: "**Harbour Act on Tides**")
        if core in _RUN_CONNECTIVES and core == word and words:
            nxt = _RIGHT_WORD.match(text, word_start + len(word))
            if nxt and nxt.group(2) in ("the", "a", "an") and word not in ("the", "a", "an"):
                nxt = _RIGHT_WORD.match(text, nxt.end())  # "and the Rule of Law"
            if nxt and nxt.group(2)[0] not in "(" and _is_cap(nxt.group(2).rstrip(",;:.!?)]”\"'’")):
                cursor = word_start + len(word)
                continue
            break
        if not core or word[0] in '(“"' or not _is_cap(core) or core in _MONTHS or core.isdigit():
            break  # a date, a page or footnote number ends the name
        end = cursor = word_start + len(core)
        if core != word:
            if word[len(core) :] == "," and _LIST_TAIL.match(text, end):
                cursor = end + 1
                continue
            break
    return end


def _words(name: str) -> list[str]:
    return [_clean(w) for w in name.split()]


def _generic(modifiers: list[str]) -> bool:
    content = [w for w in modifiers if w not in CONNECTIVES]
    return all(w in _GENERIC_MODIFIERS or w.rstrip("s") in _GENERIC_MODIFIERS for w in content)


def find_named_instruments(text: str, *, wrap_lines: bool = False) -> list[NamedInstrument]:
    """Every named instrument in `text`, in text order (see the module docstring for the rules).

    wrap_lines: a name may run on over a single line break (text laid out in lines, as from a PDF);
    otherwise a line break ends it (Markdown, HTML, plain text, where lines are table cells or
    list items).
    """
    out: list[NamedInstrument] = []
    lowers: set[str] = set()
    unnumbered: list[NamedInstrument] = []
    for m in _HEAD_CORE.finditer(text):
        if m.start() and _HEAD_BEFORE.match(text, m.start() - 1):
            continue  # inside a word or a hyphenated compound
        head = m.group(0)
        # on the same line, a capitalised word after the head makes it part of a longer name: a
        # later head ("Framework Convention"), a body ("AI Act Service Desk") or a title
        nxt = re.match(r"[ \t]+(\S+)", text[m.end() : m.end() + 40])
        nxt_word = nxt.group(1).rstrip(",;:.!?)]”\"'’") if nxt else ""
        end = m.end()
        number = _NUMBER_RX.match(text, end)
        if number is not None and head not in _ANY_NUMBER_HEADS and not _YEARS.fullmatch(number.group(0).strip()):
            number = None  # "Strategy 2" numbers a section; "Strategy 2021-2025" dates a plan
        if number is not None:
            end = number.end()
            while text[end - 1] in ".-–/":
                end -= 1
        complement_words: list[str] = []
        if number is None:
            comp = _COMPLEMENT_RX.match(text, end)
            if comp is not None:
                run_end = _cap_run(text, comp.end(), _MAX_WORDS, wrap_lines)
                run_end = _before_next_name(text, comp.end(), run_end)
                if run_end > comp.end():
                    complement_words = _words(text[comp.end() : run_end])
                    end = run_end
            elif nxt_word and _is_cap(nxt_word) and nxt_word not in CONNECTIVES:
                continue
        left = _left_edge(text, m.start(), wrap_lines)
        if left is None:
            continue
        start = _strip_leading(text, left, m.start())
        if number is not None and head in _ISSUED_HEADS:
            start = m.start()  # "Government Resolution No. 50": who issued it is not its name
        end = _without_footnote(text, start, end)
        modifiers = _words(text[start : m.start()])
        if head in _NUMBERED_HEADS and number is None and not complement_words and head != "Bill":
            continue
        if head == "Bill" and number is None and not (complement_words and modifiers):
            continue
        if head in _OPENING_HEADS and not complement_words:
            continue
        if not modifiers and not complement_words and number is None:
            continue  # a head alone ("the Strategy") refers back; it names nothing
        if number is None and not complement_words and _generic(modifiers):
            continue
        if (
            head == "Regulation"
            and number is None
            and not complement_words
            and len([w for w in modifiers if w not in CONNECTIVES]) < 2
        ):
            continue  # "AI Regulation" is a topic; "General Data Protection Regulation" a name
        name = " ".join(text[start:end].split())
        if len(name.split()) > _MAX_WORDS + 2:
            continue
        acronym, acronym_start = None, None
        am = _ACRONYM_RX.match(text, end)
        if am is not None and _plausible_acronym(am.group(1), name):
            acronym, acronym_start = am.group(1), am.start(1)
        found = NamedInstrument(start, end, name, head, category_of_head(head, name), acronym, acronym_start)
        if number is None:
            lowers.add(name.lower())
            unnumbered.append(found)
        else:
            out.append(found)
    # written in lower case too: a common noun phrase, not a name
    common = {low for low in lowers if _occurs(text, low)}
    out.extend(n for n in unnumbered if n.name.lower() not in common)
    for rx in (_STANDARD_RX, _BILL_NUMBER_RX):
        for m in rx.finditer(text):
            if m.start() and _NUMBERED_BEFORE.match(text, m.start() - 1):
                continue  # inside a longer word, path or number
            name = " ".join(m.group(0).split())
            start = m.start()
            if rx is _BILL_NUMBER_RX:  # "California SB 1047": the state that passes it
                before = re.search(r"(?:[A-Z][a-z]+[ \t]){1,2}$|[A-Z]{2}[ \t]$", text[max(0, start - 30) : start])
                if before is not None and before.group(0).split()[0] not in _LEADING_STOP:
                    start -= len(before.group(0))
                name = " ".join(text[start : m.end()].split())
            category = "technical_measure" if rx is _STANDARD_RX else "legal_instrument"
            out.append(NamedInstrument(start, m.end(), name, "Standard" if rx is _STANDARD_RX else "Bill", category))
    out.sort(key=lambda n: (n.start, -n.end))
    kept: list[NamedInstrument] = []
    for n in out:  # a name inside a longer one ("AI Bill of Rights" in "Blueprint for ...") is not another
        if kept and n.start < kept[-1].end:
            continue
        kept.append(n)
    return kept


_AND = re.compile(r"[ \t]+(?:and|&)[ \t]+")


def _before_next_name(text: str, start: int, end: int) -> int:
    """`end` cut before an "and" that joins another instrument's name ("... Bill of Rights and the
    NIST AI Risk Management Framework")."""
    for m in _AND.finditer(text, start, end):
        head = _HEAD_RX.search(text, m.end(), end)
        if head is not None and not text[max(0, head.start() - 8) : head.start()].endswith("Rule of "):
            return m.start()
    return end


_GLUED_FOOTNOTE = re.compile(r"(?:[A-Za-z]*[a-z]|AI|(?:19|20)\d\d)(\d{1,3})$")


def _without_footnote(text: str, start: int, end: int) -> int:
    """`end` before a footnote number glued to the name's last word ("Digital Decade150",
    "Strategy 2021127")."""
    m = _GLUED_FOOTNOTE.search(text, start, end)
    if m is not None and m.end() == end and m.start(1) > start:
        return m.start(1)
    return end


def _plausible_acronym(acronym: str, name: str) -> bool:
    """An acronym in brackets after a name stands for it when its capitals are initials of the name."""
    caps = [c for c in acronym if c.isupper()]
    if len(caps) < 2:
        return False
    initials = "".join(w[0].upper() for w in re.findall(r"[A-Za-z][\w']*", name) if w.lower() not in CONNECTIVES)
    initials += "".join(c for c in name if c.isupper())
    it = iter(initials)
    return all(c in it for c in caps[:1]) and sum(c in initials for c in caps) >= len(caps) - 1


# --- definitions -----------------------------------------------------------------------------------

_DEFINING = re.compile(
    r"\s*(?:\([^)]{1,20}\)\s*)?(?:,\s*)?(?:means|refers to|is defined as|is|are|was|sets out|establishes|"
    r"provides)\s+(?:an?|the|set of|framework|voluntary|legally)\b"
)
_GLOSSARY = re.compile(r"[ \t]*(?:[:–—]|\s-\s)[ \t]*(?=[A-Za-z])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"])|\n\s*\n")
MAX_DEFINITION_CHARS = 400


def find_definitions(text: str, places: dict[str, list[tuple[int, int]]]) -> dict[str, str]:
    """key -> the first sentence that defines it: a mention at the start of a sentence or a line
    followed by "means", "refers to", "is a/an/the" ... or a glossary colon.  `places` holds each
    key's mention ranges in `text`."""
    out: dict[str, str] = {}
    for key, ranges in places.items():
        for start, end in ranges:
            if key in out:
                break
            before = text[max(0, start - 6) : start]
            line_start = (
                start == 0
                or "\n" in before
                or re.search(r"(?:^|[.!?]\s+)(?:The\s+|the\s+)?$", text[max(0, start - 8) : start]) is not None
            )
            if not line_start:
                continue
            d = _DEFINING.match(text, end)
            g = None if d else _GLOSSARY.match(text, end)
            if d is None and (g is None or not ("\n" in before or start == 0)):
                continue
            stop = _SENTENCE_END.search(text, end, min(len(text), end + MAX_DEFINITION_CHARS))
            sentence_start = start
            if text[max(0, start - 4) : start].strip().lower() == "the":
                sentence_start = start - 4
            desc = " ".join(
                text[sentence_start : stop.start() if stop else min(len(text), end + MAX_DEFINITION_CHARS)].split()
            )
            if len(desc) > len(text[start:end]) + 15:
                out[key] = desc
    return out
