"""OCR and some fonts print "AI" (capital i) as "Al" (lower-case L): the one rule, in its three uses.

- `fix_ai_ocr(text)`: running text, repaired where the context says AI ("Al" is also a name);
- `repair_name(surface)`: a name or table label, where a word ending in "Al" is always AI
  ("OpenAl", "Al Safety Institute");
- `AI_PRINTED`: regex source that finds "AI" as printed or misread, in patterns that look for names.
"""

from __future__ import annotations

import re

__all__ = ["AI_PRINTED", "I_PRINTED", "fix_ai_ocr", "repair_name"]

# The letter "I" of "AI" as printed or misread, and "AI" itself, as regex sources.
I_PRINTED = "[Il]"
AI_PRINTED = "A" + I_PRINTED
# In a name an upper-case A then a lower-case l ending a word is almost never a real word.
_AL_IN_NAME = re.compile(r"Al\b")


def repair_name(surface: str) -> str:
    """'OpenAl' -> 'OpenAI', 'Al Safety Institute' -> 'AI Safety Institute'."""
    return _AL_IN_NAME.sub("AI", surface)


# Running text: "Al" is also a name (Al Gore, Al-Jazeera, Al Mansoori), so it is changed only
# where the context says AI.
_AI_NOUNS = frozenset(
    """
act acts actor actors adoption agent agents alignment application applications assurance audit
audits capabilities capability chip chips companies company compute deployment deployments
developer developers development ethics evaluation evaluations expert experts firm firms
framework frameworks governance hardware harms hazard hazards incident incidents industry
infrastructure innovation lab labs landscape law laws literacy model models office policies policy
product products regulation regulations regulatory research researcher researchers risk risks
safety sector security software startups strategy strategies summit system systems talent tool
tools technologies technology use uses usage workforce ecosystem ecosystems race readiness
principles standards standard index investment investments progress creators expertise
""".split()
)
_AI_CAPITALISED_NEXT = frozenset(
    """
Act Action Advisory Alliance Assurance Board Bill Business Code Commission Convention Council
Ethics Forum Framework Governance Hub Incident Incidents Index Initiative Institute Institutes
Lab Labs Management Network Observatory Office Pact Partnership Policy Principles Readiness
Regulation Research Risk Safety Seoul Security Standards Strategy Summit Task Verify Watch
""".split()
)
_AI_PREVIOUS = frozenset(
    """
generative frontier advanced responsible trustworthy safe ethical narrow general-purpose
open-source powerful capable agentic sovereign human-centric global of on in for about the and
using use regulate regulating govern governing national international european eu us uk
""".split()
)
_AL_WORD = re.compile(r"\bAl\b")
_GLUED_AL = re.compile(r"\b([A-Z][a-z]+|[a-z])Al\b")  # OpenAl, GenAl, xAl
_AL_SUFFIX = re.compile(r"\bAl(?=-[a-z])")  # Al-driven, Al-generated (but not Al-Jazeera)
_AL_ACRONYM = re.compile(r"\bAl(SIs?|ML|/ML)\b|\(Al\)")  # AlSI, (Al)
_OPEN_AL = re.compile(r"\bOpen Al\b")  # the company, printed with a space
# Every pattern above matches an "Al" not followed by a lowercase letter ("Also" and "All" are
# not); a page without one has nothing to repair, and one search says so much faster than the
# five substitutions, some of which try a match at every word.
_AL_CANDIDATE = re.compile(r"Al(?![a-z])")
# Neighbouring words may sit across a line wrap, but not across a blank line.
_WORD_BEFORE = re.compile(r"([\w'-]+)(?:[ \t]+|[ \t]*\n[ \t]*)$")
_WORD_AFTER = re.compile(r"(?:[ \t]+|[ \t]*\n[ \t]*)([\w'-]+)")


def fix_ai_ocr(text: str) -> str:
    """'Al' misread for 'AI' -> 'AI' where the context means AI; the name 'Al' stays."""
    if _AL_CANDIDATE.search(text) is None:
        return text
    text = _GLUED_AL.sub(r"\1AI", text)
    text = _AL_SUFFIX.sub("AI", text)
    text = _OPEN_AL.sub("Open AI", text)
    text = _AL_ACRONYM.sub(lambda m: "(AI)" if m.group(0) == "(Al)" else "AI" + m.group(1), text)

    def replace(m: re.Match[str]) -> str:
        # A bounded window keeps this linear: the neighbouring word is never far away.
        before = _WORD_BEFORE.search(text[max(0, m.start() - 64) : m.start()])
        after = _WORD_AFTER.match(text, m.end(), m.end() + 64)
        prev = before.group(1) if before else ""
        nxt = after.group(1) if after else ""
        if nxt in _AI_CAPITALISED_NEXT or nxt.lower() in _AI_NOUNS and nxt[:1].islower():
            return "AI"
        # "generative Al." / "use of Al, ..." — a trigger word before, and no name after it.
        if prev.lower() in _AI_PREVIOUS and not (nxt[:1].isupper()) and not text.startswith("-", m.end()):
            return "AI"
        return m.group(0)

    return _AL_WORD.sub(replace, text)
