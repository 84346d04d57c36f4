"""Printed collaboration types mapped onto the contract's vocabulary (`govmap.datasets.contract.COLLABORATION_TYPES`).

    map_collaboration_type("Personnel Exchanges and Capacity Building")  # ('capacity_building',)
    map_collaboration_type("Model Access and Testing")                   # ('model_testing',)
    map_collaboration_type("Friendship")                                 # ('general_partnership',)

`TYPE_RULES` is the data: for each vocabulary type, patterns matched against the printed type in
lower case.  Patterns match word stems ("harmoni[sz]", "guideline") so case, plurals, British and
American spelling and inflections ("harmonizing", "harmonised", "harmonization") all map alike.
A printed type may name several kinds ("Funding and joint research") and maps to all of them.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["TYPE_RULES", "FALLBACK_TYPE", "map_collaboration_type", "split_raw_types"]

FALLBACK_TYPE = "general_partnership"

TYPE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "joint_research",
        (
            r"\bjoint(?:ly)?\s+(?:\w+\s+)?(?:research|stud|project|work|scien)",
            r"\bresearch\s+(?:collaborat|partner|project|cooperat|co-operat|programme|program|agenda)",
            r"\bco-?research",
            r"\bcollaborative\s+research",
            r"\bresearch\b(?!.*\b(?:fund|grant))",
        ),
    ),
    (
        "model_testing",
        (
            r"\btest",
            r"\bevaluat",
            r"\bred[- ]?team",
            r"\bmodel\s+access",
            r"\baccess\s+to\s+(?:\w+\s+)?models?",
            r"\bpre-?deployment",
            r"\bassess\w*\s+(?:of\s+)?(?:\w+\s+)?models?",
            r"\baudit",
        ),
    ),
    (
        "standards_guidelines",
        (
            r"\bstandard",
            r"\bguideline",
            r"\bguidance",
            r"\bbest\s+practice",
            r"\bbenchmark",
            r"\bcodes?\s+of\s+(?:conduct|practice)",
        ),
    ),
    (
        "regulatory_harmonization",
        (
            r"\bharmoni[sz]",
            r"\bregulat",
            r"\binteroperab",
            r"\bmutual\s+recognition",
            r"\bpolicy\s+(?:alignment|coordination)",
            r"\balign\w*\s+(?:of\s+)?(?:\w+\s+)?(?:polic|rule|framework|approach)",
        ),
    ),
    (
        "capacity_building",
        (
            r"\bpersonnel",
            r"\bstaff",
            r"\bsecond(?:ment|ee)",
            r"\bcapacity[- ]?build",
            r"\btrain(?:ing|ee)",
            r"\btalent",
            r"\bfellowship",
            r"\bexchange\s+(?:of\s+)?(?:experts|researchers|scientists|people)",
            r"\bskills?\b",
        ),
    ),
    (
        "resource_sharing",
        (
            r"\bcompute\b",
            r"\bcomputing\b",
            r"\bresources?\b(?!.*\bfund)",
            r"\binfrastructure",
            r"\bfacilit(?:y|ies)",
            r"\bsupercomput",
        ),
    ),
    ("funding", (r"\bfund", r"\bgrant", r"\bfinanc", r"\binvest", r"\bsponsor")),
    (
        "information_sharing",
        (
            r"\binformation",
            r"\bknowledge\s+(?:shar|exchang|transfer)",
            r"\b(?:shar|exchang)\w*\s+(?:of\s+)?(?:\w+\s+)?(?:knowledge|insight|finding|data|results|intelligence|lesson)",
            r"\bdata\s+(?:shar|exchang)",
            r"\bincident\s+report",
            r"\bdialogue",
            r"\bconsultation",
        ),
    ),
    (
        "institutional_integration",
        (
            r"\bmerg",
            r"\babsor[bp]",
            r"\bintegrat",
            r"\bincorporat",
            r"\bconsolidat",
            r"\bamalgamat",
            r"\bfold\w*\s+into",
        ),
    ),
)

_COMPILED = tuple((kind, tuple(re.compile(p) for p in patterns)) for kind, patterns in TYPE_RULES)
# Several types printed in one cell: "Joint research; funding", bullets.  Not "and", which joins
# words inside one type ("Personnel Exchanges and Capacity Building").
_TYPE_SEPARATOR = re.compile(r"\s*(?:;|\n\s*[•\-–*]|^\s*[•\-–*]|•)\s*")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(text.lower().split())


def map_collaboration_type(raw: str) -> tuple[str, ...]:
    """Vocabulary types (sorted, unique) that a printed collaboration type names.

    raw: the type as printed ("Harmonizing Regulatory Frameworks").  A type no rule recognises is
    a ``general_partnership``; an empty string maps to nothing.
    """
    text = _fold(raw)
    if not text:
        return ()
    found = {kind for kind, patterns in _COMPILED if any(p.search(text) for p in patterns)}
    return tuple(sorted(found)) or (FALLBACK_TYPE,)


def split_raw_types(cell: str) -> list[str]:
    """The types printed in one table cell, split at semicolons and bullets, whitespace collapsed."""
    parts = (" ".join(p.split()) for p in _TYPE_SEPARATOR.split(cell or ""))
    return [p for p in parts if p]
