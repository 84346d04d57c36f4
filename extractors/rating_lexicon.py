"""The words and patterns `govmap.extractors.prose_ratings` reads ratings with.

Ordinal words are ordered from lowest to highest (`ORDINAL_LEVELS`); a word's score is its level's
rank in [0, 1], so "limited" and "weak" score 0.25 and "very high" 1.0 on the ``prose-ordinal``
scale.  Each rule is a regular expression over one sentence with named groups ``subject``,
``rating`` and ``criterion`` (or a fixed criterion, e.g. "overall score"), and ``neg`` for a
negation that turns the rating round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ORDINAL_SCALE",
    "NUMERIC_SCALE",
    "PROS_CONS_SCALE",
    "ORDINAL_LEVELS",
    "ANCHOR_WORDS",
    "ANCHOR_SHAPES",
    "LIST_LABEL",
    "LIST_ITEM",
    "LABELLED_PARAGRAPH",
    "LABELLED_CLAUSE",
    "CLAUSE_SPLIT",
    "Rule",
    "RULES",
    "ordinal_score",
    "numeric_score",
    "label_polarity",
    "nominal_score",
    "effect_score",
    "CRITERION_NOUNS",
    "NOMINALS",
    "clean_subject",
    "clean_criterion",
]

ORDINAL_SCALE = "prose-ordinal"
NUMERIC_SCALE = "prose-numeric"
PROS_CONS_SCALE = "pros-cons"

# Lowest first.  Comparatives sit with their positive ("stronger" with "strong"): a comparison
# says which side of the middle the subject is on, not how far.
ORDINAL_LEVELS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "very low",
            "very poor",
            "very poorly",
            "very weak",
            "very weakly",
            "very limited",
            "worst",
            "the worst",
            "weakest",
            "the weakest",
            "lowest",
            "the lowest",
            "last",
            "bottom",
            "minimal",
            "little",
            "no",
        }
    ),
    frozenset(
        {
            "low",
            "poor",
            "poorly",
            "weak",
            "weakly",
            "limited",
            "badly",
            "worse",
            "weaker",
            "lower",
            "less",
            "lacks",
            "lack",
            "shallow",
            "narrow",
            "insufficient",
            "inadequate",
            "below average",
        }
    ),
    frozenset(
        {
            "moderate",
            "moderately",
            "medium",
            "mixed",
            "average",
            "fair",
            "fairly",
            "reasonably",
            "partial",
            "partially",
            "middling",
            "modest",
            "some",
            "low-medium",
            "medium-high",
        }
    ),
    frozenset(
        {
            "high",
            "good",
            "well",
            "strong",
            "strongly",
            "better",
            "stronger",
            "higher",
            "greater",
            "more",
            "robust",
            "solid",
            "highly",
            "considerable",
            "significant",
            "substantial",
            "broad",
            "broader",
            "extensive",
            "above average",
            "sustainable",
        }
    ),
    frozenset(
        {
            "very high",
            "very strong",
            "very strongly",
            "very well",
            "very good",
            "excellent",
            "best",
            "the best",
            "strongest",
            "the strongest",
            "highest",
            "the highest",
            "first",
            "top",
            "leading",
            "world-leading",
            "exceptional",
            "outstanding",
        }
    ),
)
_LEVEL_OF = {w: i for i, words in enumerate(ORDINAL_LEVELS) for w in words}
_INTENSIFIERS = re.compile(
    r"^(?:relatively|particularly|comparatively|rather|quite|somewhat|notably|especially|extremely|fairly|considerably|much|far|even)\s+",
    re.I,
)

_POSITIVE_LABELS = {
    "benefit",
    "benefits",
    "strength",
    "strengths",
    "advantage",
    "advantages",
    "pro",
    "pros",
    "opportunity",
    "opportunities",
}
_NEGATIVE_LABELS = {
    "challenge",
    "challenges",
    "weakness",
    "weaknesses",
    "disadvantage",
    "disadvantages",
    "con",
    "cons",
    "limitation",
    "limitations",
    "drawback",
    "drawbacks",
    "risk",
    "risks",
    "threat",
    "threats",
}


def ordinal_score(printed: str, *, negated: bool = False, polarity: float | None = None) -> float | None:
    """Score of an ordinal rating word or phrase; a negation mirrors it ("not strong" -> 0.25)."""
    words = _INTENSIFIERS.sub("", " ".join(printed.lower().split()))
    level = _LEVEL_OF.get(words)
    if level is None:
        level = _LEVEL_OF.get(words.split()[-1]) if words else None
    if level is None:
        score = polarity
    else:
        score = level / (len(ORDINAL_LEVELS) - 1)
    if score is not None and negated:
        score = 0.25 if score >= 0.5 else 0.75
    return score


def numeric_score(printed: str) -> float | None:
    """A printed number's score where the text gives its range: "72%" -> 0.72, "4 out of 5" -> 0.8."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", printed)
    if m:
        return min(float(m.group(1)) / 100.0, 1.0)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:/|out\s+of)\s*(\d+(?:\.\d+)?)", printed)
    if m and float(m.group(2)) > 0:
        return min(float(m.group(1)) / float(m.group(2)), 1.0)
    return None


# Evaluative adjectives and the criterion each names ("more reliable" rates reliability).  The
# second set are adjectives whose "more" is worse ("more vulnerable" is less robust).
NOMINALS: dict[str, str] = {
    "reliable": "reliability",
    "viable": "viability",
    "legitimate": "legitimacy",
    "inclusive": "inclusiveness",
    "effective": "effectiveness",
    "efficient": "efficiency",
    "feasible": "feasibility",
    "transparent": "transparency",
    "accountable": "accountability",
    "independent": "independence",
    "flexible": "flexibility",
    "sustainable": "sustainability",
    "credible": "credibility",
    "durable": "durability",
    "scalable": "scalability",
    "tractable": "tractability",
    "neutral": "neutrality",
    "impartial": "impartiality",
    "robust": "robustness",
    "agile": "agility",
    "desirable": "desirability",
    "suitable": "suitability",
    "compatible": "compatibility",
    "representative": "representativeness",
    "accessible": "accessibility",
    "enforceable": "enforceability",
    "adaptable": "adaptability",
    "resilient": "resilience",
    "stable": "stability",
    "equitable": "equity",
    "affordable": "affordability",
    "exclusive": "inclusiveness",
    "vulnerable": "robustness",
    "costly": "cost",
    "expensive": "cost",
    "slow": "speed",
    "bureaucratic": "agility",
    "fragile": "robustness",
    "rigid": "flexibility",
    "opaque": "transparency",
    "partial": "impartiality",
    "politicized": "independence",
    "politicised": "independence",
}
# Nouns that name a criterion when a verb of effect takes them ("would increase accountability").
CRITERION_NOUNS = frozenset(
    {v for v in NOMINALS.values()}
    | {
        "trust",
        "speed",
        "coordination",
        "inclusivity",
        "oversight",
        "fairness",
        "coherence",
        "consistency",
        "continuity",
        "cohesion",
        "political buy-in",
        "buy-in",
        "representation",
        "political commitment",
        "public trust",
        "agility",
        "legitimacy",
        "accountability",
        "transparency",
        "independence",
        "credibility",
    }
)
_POSITIVE_EFFECTS = frozenset(
    {"increase", "improve", "strengthen", "enhance", "boost", "ensure", "foster", "promote", "preserve", "safeguard"}
)
_INVERSE_ADJECTIVES = frozenset(
    {
        "exclusive",
        "vulnerable",
        "costly",
        "expensive",
        "slow",
        "bureaucratic",
        "fragile",
        "rigid",
        "opaque",
        "partial",
        "politicized",
        "politicised",
    }
)
_DEGREE = {
    "most": 1.0,
    "highly": 1.0,
    "very": 1.0,
    "extremely": 1.0,
    "more": 0.75,
    "particularly": 0.75,
    "fairly": 0.5,
    "relatively": 0.5,
    "quite": 0.75,
    "somewhat": 0.5,
    "less": 0.25,
    "least": 0.0,
    "too": 0.0,
}


def nominal_score(printed: str, *, negated: bool = False) -> float:
    """Score of "more reliable", "the least costly", "not wholly inclusive" on the criterion the
    adjective names: an inverse adjective ("costly") counts from the other end."""
    words = printed.lower().split()
    adjective = words[-1]
    degree = next((_DEGREE[w] for w in words[:-1] if w in _DEGREE), 0.75)
    if adjective in _INVERSE_ADJECTIVES and not (words[:-1] and words[-2] == "too"):
        degree = 1.0 - degree
    elif adjective in _INVERSE_ADJECTIVES:
        degree = 0.0
    if negated:
        degree = 0.25 if degree >= 0.5 else 0.75
    return degree


def effect_score(verb: str, *, negated: bool = False) -> float:
    """0.75 for a verb that raises the criterion ("improves"), 0.25 for one that lowers it."""
    stem = re.sub(r"(?:es|s|ed|d|ing)$", "", verb.lower().split()[-1])
    score = 0.75 if any(stem.startswith(p[: max(4, len(p) - 1)]) for p in _POSITIVE_EFFECTS) else 0.25
    return (1.0 - score) if negated else score


def label_polarity(label: str) -> float | None:
    word = label.lower().strip()
    if word in _POSITIVE_LABELS:
        return 1.0
    if word in _NEGATIVE_LABELS:
        return 0.0
    return None


# --- subjects and criteria ------------------------------------------------------------------------

_PRONOUNS = {
    "it",
    "this",
    "that",
    "they",
    "these",
    "those",
    "which",
    "who",
    "we",
    "there",
    "he",
    "she",
    "its",
    "their",
    "one",
    "each",
    "both",
    "all",
    "some",
    "many",
    "most",
    "others",
    "such",
    "what",
    "here",
    "none",
    "i",
    "you",
}
_NOT_IN_SUBJECT = {
    "could",
    "should",
    "would",
    "may",
    "might",
    "can",
    "will",
    "must",
    "shall",
    "to",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "does",
    "do",
    "did",
    "not",
    "if",
    "when",
    "than",
    "that",
    "which",
    "who",
    "whose",
    "because",
    "such",
    "also",
    "it",
    "they",
    "we",
    "there",
    "these",
    "those",
    "score",
    "scores",
    "average",
}
_SUBJECT_LEAD = re.compile(
    r"^(?:(?:and|but|while|whereas|although|though|however|overall|moreover|similarly|by\s+contrast|in\s+contrast|meanwhile|thus|therefore|so|yet),?\s+)+",
    re.I,
)
_SUBJECT_TAIL = re.compile(
    r"(?:\s+(?:also|still|currently|generally|consistently|therefore|thus|again|typically|clearly|only|already|now|overall|itself|themselves|likewise|too))+$",
    re.I,
)
_CRITERION_CUT = re.compile(
    r"\s+(?:because|due|as|since|compared|relative|than|when|while|whereas|although|though|but|and\s+(?:is|are|has|have|was)|which|that|given|despite|thanks|owing|with|by|for\s+(?:its|their|the)|among|across|globally|overall|in\s+(?:the|its|their|\d{4}))\b.*$",
    re.I,
)
_CRITERION_LEAD = re.compile(r"^(?:(?:its|their|the|a|an|his|her|our|terms\s+of)\s+)+", re.I)


def clean_subject(text: str | None) -> str | None:
    """The subject as printed without a leading connective or trailing adverb; None for a
    pronoun, a lower-case fragment, or more than eight words."""
    if not text:
        return None
    text = " ".join(text.split()).strip(" ,;:.-–—\"'“”")
    text = _SUBJECT_LEAD.sub("", text)
    text = _SUBJECT_TAIL.sub("", text)
    words = text.split()
    if not words or len(words) > 8:
        return None
    first = words[0].lower()
    if first in _PRONOUNS or (len(words) == 1 and first in {"the", "a", "an"}):
        return None
    head = words[1] if first in {"the", "a", "an"} and len(words) > 1 else words[0]
    if (
        head.lower() in _PRONOUNS
        or head.lower() in {"option", "options", "approach", "model"}
        and len(words) <= 2
        and first in {"the", "a", "an", "this"}
    ):
        return None
    if not (words[0][:1].isupper() or first in {"the", "a", "an"} or words[0][:1].isdigit()):
        return None
    if any(w.lower() in _NOT_IN_SUBJECT for w in words) or text.count("(") != text.count(")"):
        return None  # a verb or a clause fragment: the pattern began mid-sentence
    if any(re.fullmatch(r"[A-Za-z]{3,}\d+", w) for w in words):
        return None  # a footnote number glued to a word: page text, not a name
    if words[0].lower().endswith("ing") and len(words) > 1:
        return None  # "Establishing the office ...": an action, and the clause began before it
    if first in {"the", "this"} and len(words) == 2 and words[1].islower():
        return None  # "the region", "the sector": a reference back, not a name
    return text


def clean_criterion(text: str | None) -> str | None:
    """The criterion's words: no article or possessive before it, no clause after it; at most six
    words."""
    if not text:
        return None
    text = " ".join(text.split()).strip(" ,;:.-–—\"'“”*_")
    text = _CRITERION_CUT.sub("", text)
    text = _CRITERION_LEAD.sub("", text).strip(" ,;:.")
    words = text.split()
    if not words or len(words) > 6 or words[0].lower() in _PRONOUNS:
        return None
    if not re.search(r"[A-Za-z]{3}", text):
        return None
    return text


# --- rules -------------------------------------------------------------------------------------

# A subject: from the start of a clause, a name of up to eight words that holds no clause
# punctuation.  Matching is lazy so the subject ends where the verb begins.
_SUBJ = r"(?P<subject>(?:(?:[Tt]he|[Aa]n?)\s+[\w'’.&/()\-]+|[A-Z0-9][\w'’.&/()\-]*)(?:\s+[\w'’.&/()\-]+){0,7}?)"
_CLAUSE = r"(?:^|(?<=[,;:(])\s*|(?<=\s)(?:while|whereas|but|and|although|with|that)\s+)\s*"
_ADV = r"(?:(?:very|relatively|particularly|comparatively|rather|quite|somewhat|notably|especially|extremely|fairly|considerably|much|far)\s+)?"
_MANNER = (
    r"(?:poorly|well|badly|moderately|strongly|weakly|highly|best|worst|better|worse|reasonably\s+well|fairly\s+well)"
)
_PREP = r"(?:on|in|against|at|for|with\s+(?:respect|regard)\s+to|in\s+terms\s+of|when\s+it\s+comes\s+to|regarding)"
_CRIT = r"(?P<criterion>[A-Za-z][\w'’\-/]*(?:\s+[\w'’\-/]+){0,6}?)(?=\s*(?:[,;.:)(]|$|\s(?:because|due|as|since|compared|relative|than|when|while|whereas|although|but|and\s+(?:is|are|has|have|was|scores?|performs?|fares?)|which|that|given|despite|thanks|with|by)\b))"
_ADJ = r"(?:weak|strong|weaker|stronger|poor|good|better|limited|excellent|robust|solid|high|low|higher|lower|mixed|moderate|average)"
_SUPER = r"(?:the\s+)?(?:strongest|weakest|best|worst|highest|lowest)"
# Adjectives that grade what a subject has.  Size words ("significant", "broad", "extensive")
# are left out: "a broad range of tools" and "significant benefits" describe, they do not rate.
_HAVE_ADJ = (
    r"(?:very\s+)?(?:high|low|limited|strong|weak|weaker|stronger|less|greater|lower|higher|little|"
    r"moderate|medium|excellent|poor|robust|minimal|narrow|solid|mixed)"
)
_MODAL = r"(?:(?:would|will)\s+(?:also\s+|still\s+)?)?"
_HAVE_VERB = (
    r"(?:offers?|offered|provides?|provided|has|have|had|brings?|brought|shows?|showed|demonstrates?|demonstrated|"
    r"exhibits?|enjoys?|enjoyed|ensures?|ensured|affords?|retains?|combines?)"
)
# "a score of 8 or higher" is a threshold, not a subject's score.
_NOT_A_THRESHOLD = r"(?!\s*(?:or|and)\s+(?:higher|more|above|over|lower|less|below|under))"
_NUMBER = r"\d{1,3}(?:[.,]\d{1,2})?(?:\s*(?:%|/\s*\d+|out\s+of\s+\d+))?"
_ORDINAL_RANK = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|top|\d{1,3}(?:st|nd|rd|th))"


_LEAD_CRITERION = re.compile(
    r"\s*(?:In|On|For|Within)\s+the\s+(?P<criterion>(?:[A-Z][\w&\-]*\s+){1,5}(?:pillar|dimension|category|indicator|index|component|domain))\s*,"
)
_WORLD = re.compile(r"\b(?:globally|worldwide|in\s+the\s+world)\b", re.I)


@dataclass(frozen=True)
class Rule:
    """One sentence pattern.  ``criterion`` fixes the criterion when the pattern has no group for
    it; ``numeric`` reads the rating as a number; ``polarity`` scores ratings the lexicon does not
    know (a pattern such as "the main weakness of X" says which end they are on)."""

    name: str
    pattern: re.Pattern[str]
    fixed_criterion: str | None = None
    numeric: bool = False
    polarity_group: str | None = None
    known_subject: bool = False  # the subject must link to an institution or a state
    nominal: bool = False  # the criterion is the noun of the rating's adjective (`NOMINALS`)
    effect: bool = False  # the rating is a verb of effect on the criterion ("undermines trust")
    # Lower-case strings one of which the sentence must hold for the rule to be tried at all.
    needles: tuple[str, ...] = ()

    def may_match(self, lowered: str) -> bool:
        return not self.needles or any(n in lowered for n in self.needles)

    def criterion(self, m: re.Match[str]) -> str | None:
        if self.nominal:
            return NOMINALS.get(m.group("adj").lower())
        if self.fixed_criterion == "rank":
            # A rank within an unnamed group ("holds the third spot") says little on its own.
            return "global rank" if _WORLD.search(m.string) else None
        if self.fixed_criterion == "overall score":
            # "In the Government pillar, X (61.2) ..." names the criterion at the front.
            lead = _LEAD_CRITERION.match(m.string)
            if lead is not None and lead.end() <= m.start():
                return lead.group("criterion")
        return self.fixed_criterion or m.groupdict().get("criterion")

    def polarity(self, m: re.Match[str]) -> float | None:
        if self.polarity_group is None:
            return None
        word = (m.group(self.polarity_group) or "").lower()
        return 1.0 if word in {"strength", "advantage", "asset", "benefit"} else 0.0


def _rule(name: str, pattern: str, **kw) -> Rule:
    return Rule(name=name, pattern=re.compile(pattern), **kw)


_EFFECT_NEEDLES = (
    "increas",
    "improv",
    "strengthen",
    "enhanc",
    "boost",
    "ensur",
    "foster",
    "promot",
    "preserv",
    "safeguard",
    "reduc",
    "weaken",
    "undermin",
    "compromis",
    "erod",
    "limit",
    "threaten",
    "dilut",
)
_ADJ_NEEDLES = (
    "weak",
    "strong",
    "poor",
    "good",
    "better",
    "best",
    "worst",
    "limited",
    "excellent",
    "robust",
    "solid",
    "high",
    "low",
    "mixed",
    "moderate",
    "average",
)
_HAVE_NEEDLES = _ADJ_NEEDLES + (
    "less",
    "more",
    "greater",
    "little",
    "considerabl",
    "significant",
    "substantial",
    "medium",
    "minimal",
    "broad",
    "narrow",
    "extensive",
    "sustainable",
    "fewer",
)

RULES: tuple[Rule, ...] = (
    # "X leads the group with a score of 61.2", "X ranks second with a score of 58"
    _rule(
        "with-a-score-of",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:leads?|led|ranks?|ranked|comes?|came|finishes|finished|holds?|held|tops?|topped|places?|placed|sits?|sat|stands?|stood)\b[^,;()]{0,50}?\s+with\s+an?\s+score\s+of\s+(?P<rating>"
        + _NUMBER
        + r")\b",
        fixed_criterion="overall score",
        numeric=True,
        needles=("score of",),
    ),
    # "X ranks first at 84.8" (a rank and the score it is ranked by)
    _rule(
        "ranks-at",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:ranks?|ranked|ranking|comes?|came|coming|places?|placed|placing)\s+(?P<rating>"
        + _ORDINAL_RANK
        + r"\s+at\s+"
        + _NUMBER
        + r")\b",
        fixed_criterion="overall rank",
        needles=("rank", "plac", "came", "come"),
    ),
    # "Globally, X secures the 12th position", "whereas Y holds the 49th spot"
    _rule(
        "holds-position",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:secures?|secured|holds?|held|takes?|took|occupies|occupied|claims?|claimed)\s+the\s+(?P<rating>"
        + _ORDINAL_RANK
        + r")\s+(?:position|spot|place|rank)\b",
        fixed_criterion="rank",
        needles=("position", "spot", "place", "rank"),
    ),
    # "X scores poorly on legitimacy", "X does not perform well against cost"
    _rule(
        "verb-manner-on",
        _CLAUSE
        + _SUBJ
        + r"(?P<neg>\s+(?:does|do|did|would|could|will|may|might)\s+not)?\s+"
        + _MODAL
        + r"(?:scores?|scored|scoring|rates?|rated|rating|performs?|performed|performing|fares?|fared|faring|does|do|did)\s+"
        r"(?P<rating>" + _ADV + _MANNER + r")\s+" + _PREP + r"\s+" + _CRIT,
        needles=("scor", "rate", "rating", "perform", "far", "does", "do ", "did "),
    ),
    # "On legitimacy, the rotating model fares poorly"
    _rule(
        "on-criterion-verb",
        r"(?:^|(?<=[.;:]\s))\s*(?:On|In\s+terms\s+of|Regarding|When\s+it\s+comes\s+to|With\s+(?:respect|regard)\s+to|As\s+for)\s+"
        + _CRIT.replace("{0,6}?", "{0,5}")
        + r",\s+"
        + _SUBJ
        + r"(?P<neg>\s+(?:does|do|did)\s+not)?\s+(?:scores?|scored|rates?|rated|performs?|performed|fares?|fared|does|do|did|is|are|was|were|ranks?|ranked|comes?|came)\s+(?P<rating>"
        + _ADV
        + r"(?:"
        + _MANNER
        + r"|"
        + _ADJ
        + r"|"
        + _SUPER
        + r"|"
        + _ORDINAL_RANK
        + r"))\b",
        needles=("on ", "in terms of", "regarding", "when it comes", "with respect", "with regard", "as for"),
    ),
    # "X is weak on enforcement", "X is the strongest option on cost", "X is not strong in speed"
    _rule(
        "is-adj-on",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:is|are|was|were|remains?|remained|appears?(?:\s+to\s+be)?|seems?(?:\s+to\s+be)?|looks?|(?:would|will)\s+be)\s+(?P<neg>not\s+)?(?P<rating>"
        + _ADV
        + r"(?:"
        + _ADJ
        + r"|"
        + _SUPER
        + r"))"
        r"(?:\s+(?:option|choice|candidate|performer|model))?\s+(?:on|in|regarding|with\s+(?:respect|regard)\s+to|in\s+terms\s+of|when\s+it\s+comes\s+to)\s+"
        + _CRIT,
        needles=_ADJ_NEEDLES,
    ),
    # "X offers limited flexibility", "X has a strong track record", "X brings less baggage"
    _rule(
        "has-adj-noun",
        _CLAUSE + _SUBJ + r"\s+" + _MODAL + _HAVE_VERB + r"\s+"
        r"(?:an?\s+|the\s+)?(?P<rating>"
        + _HAVE_ADJ
        + r"|(?:considerably|significantly|substantially|much|far)\s+(?:more|less|fewer|greater))(?:\s+(?:level|degree|amount)\s+of)?\s+"
        + _CRIT,
        needles=_HAVE_NEEDLES,
    ),
    # "X brings less baggage but has weaker funding": the second judgement of a coordinated pair
    _rule(
        "has-adj-noun-coordinated",
        _CLAUSE
        + _SUBJ
        + r"\s+"
        + _MODAL
        + r"[a-z]+(?:s|ed)\s+[^,;.]{3,80}?,?\s+(?:but|and|yet|while)\s+(?:also\s+|still\s+)?"
        + _HAVE_VERB
        + r"\s+"
        r"(?:an?\s+|the\s+)?(?P<rating>" + _HAVE_ADJ + r")(?:\s+(?:level|degree|amount)\s+of)?\s+" + _CRIT,
        needles=_HAVE_NEEDLES,
    ),
    # "The main weakness of X is limited reach"
    _rule(
        "weakness-of",
        r"\b(?:[Tt]he|[Aa]|[Oo]ne)\s+(?:main\s+|key\s+|chief\s+|principal\s+|greatest\s+|biggest\s+|major\s+|central\s+)?(?P<pol>weakness|strength|advantage|disadvantage|drawback|limitation|shortcoming|asset)\s+of\s+"
        + _SUBJ
        + r"\s+(?:is|was|lies\s+in)\s+(?:its\s+|their\s+|the\s+)?(?P<rating>"
        + _HAVE_ADJ
        + r")\s+"
        + _CRIT,
        polarity_group="pol",
        needles=("weakness", "strength", "advantage", "drawback", "limitation", "shortcoming", "asset"),
    ),
    # "The strongest option for speed is X"
    _rule(
        "best-option-for",
        r"\b[Tt]he\s+(?P<rating>strongest|weakest|best|worst|most\s+\w+|least\s+\w+)\s+(?:option|choice|candidate|model|approach|performer)\s+(?:for|on|in\s+terms\s+of|regarding)\s+"
        + _CRIT.replace("(?=", "(?=\\s+(?:is|was|would\\s+be|remains)\\s|").replace("{0,6}?", "{0,5}?")
        + r"\s+(?:is|was|would\s+be|remains)\s+"
        + _SUBJ.replace("{0,7}?", "{0,7}")
        + r"(?=\s*[,.;]|$)",
        needles=("option", "choice", "candidate", "model", "approach", "performer"),
    ),
    # "X ranks first on capacity", "X ranked 12th in the world in the Government pillar"
    _rule(
        "ranks-on",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:ranks?|ranked|ranking|places?|placed|comes?|came|is\s+ranked)\s+(?P<rating>"
        + _ORDINAL_RANK
        + r")\s+(?:(?:in\s+the\s+world|globally|worldwide|overall)\s+)?(?:on|in|for)\s+(?:the\s+)?"
        + _CRIT,
        needles=("rank", "plac", "came", "come"),
    ),
    # "X ranks 23rd globally", "X ranked 4th in the world"
    _rule(
        "ranks-globally",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:ranks?|ranked|ranking|placed|places)\s+(?P<rating>"
        + _ORDINAL_RANK
        + r")\s+(?:globally|worldwide|in\s+the\s+world|overall)\b(?!\s+(?:on|in|for)\s)",
        fixed_criterion="global rank",
        needles=("rank", "plac"),
    ),
    # "leaders like Northland (81.97) and Southland (75.65)": a known name with a decimal score
    _rule(
        "name-parenthesised-score",
        r"(?:^|(?<=[\s,;(]))(?:the\s+)?(?P<subject>[A-Z][\w'’\-]*(?:\s+(?:of|and|the|[A-Z][\w'’\-]*)){0,4})\s+\((?P<rating>\d{1,3}\.\d{1,2})\)"
        # "the Government (90.4) and Data (89.3) pillars": names of parts of an index, not subjects
        r"(?!(?:\s*(?:,|and|or)\s+(?:the\s+)?[A-Z][\w&\-\s]{0,40}?\s+\(\d{1,3}\.\d{1,2}\))*\s+(?:pillars?|dimensions?|indicators?|categories|components?|domains?|sub-?indices)\b)",
        fixed_criterion="overall score",
        numeric=True,
        known_subject=True,
        needles=("(",),
    ),
    # "X scores 7.5 on openness", "X scored 64% for trust"
    _rule(
        "scores-number-on",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:scores?|scored|scoring|rates?|rated|receives?|received|achieves?|achieved)\s+(?:an?\s+(?:score|rating)\s+of\s+)?(?P<rating>"
        + _NUMBER
        + r")\s+(?:points?\s+)?(?:on|in|for)\s+(?:the\s+)?"
        + _CRIT,
        numeric=True,
        needles=("scor", "rate", "receiv", "achiev"),
    ),
    # "X's overall score of 61.2", "X has a high overall score of 61.2"
    _rule(
        "overall-score-of",
        _CLAUSE
        + _SUBJ
        + r"(?:['’]s\s+|\s+(?:has|had|presents|presented|records|recorded|registers|registered|attains|attained|reports|reported|achieves|achieved|posts|posted)\s+an?\s+|\s+with\s+an?\s+)(?:(?:high|low|strong|weak|impressive|modest)\s+)?(?P<criterion>(?:overall|total|average|composite|index)\s+score)\s+(?:of|at)\s+(?P<rating>"
        + _NUMBER
        + r")\b"
        + _NOT_A_THRESHOLD,
        numeric=True,
        needles=("score",),
    ),
    # "the average score of 43.7 for upper-income countries", "the average score across the region is 54.7"
    _rule(
        "average-score-for",
        r"\b[Tt]he\s+(?P<criterion>(?:average|mean|median|overall)\s+score)\s+(?:of\s+(?P<rating>"
        + _NUMBER
        + r")\s+(?:for|among|across)\s+(?:the\s+)?"
        + r"(?P<subject>[\w'’\-]+(?:\s+[\w'’\-]+){0,6}?)(?=\s*[,.;)]|\s+(?:is|was|and|which|in)\b)"
        r")",
        numeric=True,
        needles=("score",),
    ),
    _rule(
        "average-score-across",
        r"\b[Tt]he\s+(?P<criterion>(?:average|mean|median|overall)\s+score)\s+(?:across|for|among|of)\s+(?:the\s+)?(?P<subject>[\w'’\-]+(?:\s+[\w'’\-]+){0,6}?)\s+(?:(?:this|last|that)\s+year\s+)?(?:is|was|stands\s+at|stood\s+at|of)\s+(?P<rating>"
        + _NUMBER
        + r")\b",
        numeric=True,
        needles=("score",),
    ),
    # "X is a more reliable choice", "X remains too slow", "X is the least costly option": only a
    # comparison or an excess, since a bare "X is accessible" describes more often than it rates.
    _rule(
        "is-evaluative-adjective",
        _CLAUSE
        + _SUBJ
        + r"\s+(?:is|are|was|were|remains?|remained|appears?(?:\s+to\s+be)?|seems?(?:\s+to\s+be)?|(?:would|will)\s+be)\s+"
        r"(?:arguably\s+|perhaps\s+|probably\s+|likely\s+|also\s+|still\s+|generally\s+)?(?P<neg>not\s+)?(?:(?:a|an|the)\s+)?"
        r"(?P<rating>(?:far\s+|much\s+|even\s+)?(?:more|less|most|least|too)\s+"
        r"(?P<adj>" + "|".join(sorted(NOMINALS, key=len, reverse=True)) + r"))\b(?!-)"
        r"(?:\s+(?:choice|option|candidate|approach|model|area|partner|host|solution|route|mechanism|body|forum|venue))?(?=\s*(?:[,;.:)]|$|\s+(?:than|to|for|in|and|but|because|as|given|since|while|though)\b))",
        nominal=True,
        needles=("more ", "less ", "most ", "least ", "too "),
    ),
    # "X would increase accountability", "X undermines public trust": a verb of effect on a noun
    # that names a criterion (`CRITERION_NOUNS`); other objects ("improves its website") are not.
    _rule(
        "effect-on-criterion",
        _CLAUSE
        + _SUBJ
        + r"(?P<neg>\s+(?:does|do|did|would|could|will|may|might)\s+not)?\s+(?:(?:would|could|will|may|might|can)\s+)?(?:also\s+|further\s+|likely\s+|significantly\s+|greatly\s+)?"
        r"(?P<rating>(?:increase|improve|strengthen|enhance|boost|ensure|foster|promote|preserve|safeguard|reduce|weaken|undermine|compromise|erode|limit|threaten|dilute)(?:s|es|d|ed)?)\s+"
        r"(?:its\s+|their\s+|the\s+|a\s+)?(?:(?:overall|public|political|global|institutional|international|scientific|perceived|democratic|greater|more)\s+)?(?P<criterion>"
        + "|".join(sorted((re.escape(c) for c in CRITERION_NOUNS), key=len, reverse=True))
        + r")\b(?!-)",
        effect=True,
        needles=_EFFECT_NEEDLES,
    ),
)

# Words at least one rule needs: a sentence holding none of them is never read.  They are looked
# up as token attributes (lower-case form, or word shape for scores like "61.25" and ranks like
# "23rd"), so finding candidates costs array operations, not a pass of every rule.
ANCHOR_WORDS: frozenset[str] = frozenset(
    """score scores scored scoring rate rates rated rating performs perform performed performing fare fares fared faring
    rank ranks ranked ranking place places placed placing position spot weak weaker weakest weakness weakly strong
    stronger strongest strongly strength poor poorly well better worse best worst excellent robust solid high higher
    highest highly low lower lowest limited less more most least too greater little considerable considerably
    significant significantly substantial substantially moderate moderately medium mixed average minimal broad broader
    narrow extensive advantage disadvantage drawback limitation shortcoming asset first last top increase increases
    increased improve improves improved strengthen strengthens strengthened enhance enhances enhanced boost boosts
    boosted ensure ensures ensured foster fosters fostered promote promotes promoted preserve preserves preserved
    safeguard safeguards reduce reduces reduced weaken weakens weakened undermine undermines undermined compromise
    compromises compromised erode erodes eroded limit limits threaten threatens dilute dilutes""".split()
) | frozenset(NOMINALS)
ANCHOR_SHAPES: frozenset[str] = frozenset({"d.d", "d.dd", "dd.d", "dd.dd", "ddd.d", "ddd.dd", "dxx", "ddxx", "dddxx"})

# A pros-and-cons list: a label line, then "Criterion: reason" items.
LIST_LABEL = re.compile(
    r"^(?P<label>benefits?|strengths?|advantages?|disadvantages?|pros|cons|weaknesses|challenges|limitations|drawbacks|risks|opportunities|threats)\s*:?\s*$",
    re.I,
)
LIST_ITEM = re.compile(
    r"^(?:[-•*▪◦]\s+)?(?:\*\*)?(?P<criterion>[A-Z][^:.!?]{2,70}?)(?:\*\*)?\s*:(?:\*\*)?\s*(?P<rest>.*)$"
)

# A paragraph led by a criterion in bold: "**Cost**: The fund is cheapest. The office sits in the middle."
LABELLED_PARAGRAPH = re.compile(r"^\s*(?:[-*•]\s+)?\*\*(?P<criterion>[^*:]{3,60}?):?\*\*\s*:?\s+(?P<body>[A-Z].*)$")
# One clause of such a paragraph: a named subject, a verb of position, and the position as printed.
LABELLED_CLAUSE = re.compile(
    r"^\s*"
    + _SUBJ
    + r"\s+(?P<neg>(?:is|are|was|were)\s+not\s+)?(?:is|are|remains?|occupies|occupy|tilts?|leans?|sits?|falls?|aligns?|bridges?|"
    r"scores?|ranks?|performs?|fares?|comes?|stands?)\s+(?P<rating>[^,;:.()]{2,70}?)\s*$"
)
# Where a labelled paragraph's clauses end: sentence ends and clause-joining commas.
CLAUSE_SPLIT = re.compile(
    r"(?<=[a-z0-9)])[.;]\s+|,\s+(?:and|while|whereas|but|though|although)\s+|,\s+(?=[A-Z][a-z]+\s+(?:is|are|occupies|tilts|leans|sits|falls)\b)"
)
