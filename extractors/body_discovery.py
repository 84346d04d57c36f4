"""Bodies the knowledge base lacks, found in one document's text: `discover_bodies` turns the
candidates of `govmap.extractors.discovery` (acronym definitions, affiliations, lists, organisation
names, a model's entities) and the named organs of known bodies into mentions, discoveries
and the acronyms the document defines.  It keeps nothing between documents."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from govmap.extractors import discovery as disc
from govmap.extractors.fastmatch import finditer_word
from govmap.extractors.kb import KnowledgeBase, normalize_surface
from govmap.extractors.kb_mentions import EXTRACTOR_KB, kb_matcher, surface_regex
from govmap.extractors.mentions import Match, Ranges
from govmap.extractors.records import Discovery, discovered_key

__all__ = ["Discovered", "discover_bodies"]

# A document's principal body (whose organs bare "the Secretariat" names) is named this often, and
# twice as often as any other.
MIN_PRINCIPAL_MENTIONS = 3
# Shares of a document's country-rooted mentions that make a body named without a country the
# document country's: a government body, any other national kind.
GOVERNMENT_COUNTRY_SHARE = 0.5
OTHER_COUNTRY_SHARE = 0.7
# Heads of councils and committees that, in a report about one country, are that state's organs
# ("Integrated Innovation Strategy Promotion Council").
_STATE_ORGAN_HEADS = frozenset({"council", "committee", "board", "commission", "office", "taskforce"})
# Kinds of body that, named without a country, belong to the country the document is about.
_NATIONAL_KINDS = frozenset(
    {
        "government_body",
        "research_organization",
        "company",
        "funder",
        "civil_society",
        "standards_body",
        "other",
        "scientific_assessment_body",
        "ai_safety_institute",
    }
)
_INTERNATIONAL_WORDS = re.compile(
    r"\b(?:International|Global|World|United Nations|UN|Intergovernmental|Inter-American|Regional|Asia|Africa|African|Pacific|Latin|Europe|European)\b"
)
# The heads that name an organ of a body ("Executive Council", "Secretariat", "Working Party").
_ORGAN_HEADS = (
    r"(?:Council|Committee|Secretariat|Board|Working[ \t]+Group|Working[ \t]+Party|Expert[ \t]+Group|"
    r"Group[ \t]+of[ \t]+Experts|Steering[ \t]+Group|Assembly|Panel|Bureau|Directorate|Task[ \t]*[Ff]orce|Subcommittee)"
)
# What names an organ after its parent's name: capitalised words ending in an organ's head.
_ORGAN_AFTER = re.compile(rf"(?:['’]s)?[ \t]+(?:[A-Z][\w\-]*[ \t]+){{0,4}}?{_ORGAN_HEADS}(?![\w\-])")
# A subject after an organ's head: "... Committee on Tides", "... Group of Experts on ...".
_ORGAN_SUBJECT = re.compile(
    r"[ \t]+(?:of|for|on)[ \t]+(?:the[ \t]+)?[A-Z][\w\-]*(?:[ \t]+(?:(?:and|&|of|for|on|the)[ \t]+)*[A-Z][\w\-]*)*"
)
# "the Executive Council", "the Secretariat": capitalised, not "the Council of ..." (a full name).
_BARE_ORGAN = re.compile(
    rf"\b[Tt]he[ \t]+((?:[A-Z][a-z\-]+[ \t]+){{0,2}}{_ORGAN_HEADS})(?![\w\-])(?![ \t]+(?:of|for|on)[ \t])"
)
# A parent of these kinds passes its kind on to its organs (a UN council is intergovernmental).
_ORGAN_KINDS = frozenset({"intergovernmental_organization", "government_body", "standards_body"})
# Head words writers swap for one another in the same body's name.
_HEAD_VARIANTS = (
    {"institute", "institution", "initiative"},
    {"centre", "center"},
    {"organisation", "organization"},
    {"programme", "program"},
    {"laboratory", "lab"},
)


@dataclass(frozen=True)
class Discovered:
    """What discovery found in one document: new mentions, the bodies behind them, and the
    acronyms the document defines (acronym as printed -> key, in the order defined)."""

    matches: tuple[Match, ...]
    discoveries: tuple[Discovery, ...]
    acronyms: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Context:
    """The document facts discovery reads: its country, that country's share of the
    country-rooted mentions, and how often a bare organ must be named."""

    kb: KnowledgeBase
    country: str | None
    share: float
    min_head_mentions: int


def discover_bodies(
    kb: KnowledgeBase,
    text: str,
    known: list[Match],
    model: Sequence[disc.Candidate] = (),
    country: str | None = None,
    share: float = 1.0,
    min_head_mentions: int = 2,
) -> Discovered:
    """Mentions of bodies the KB lacks (or names another way) in `text`, beside the `known` ones."""
    ctx = _Context(kb, country, share, min_head_mentions)
    taken = Ranges((m.start, m.end) for m in known)
    found: dict[str, Discovery] = {}
    new, acronyms = _acronym_definitions(ctx, text, taken, found)
    named = sorted({m.key for m in known if m.key in kb.institutions})
    new += _named_candidates(ctx, text, model, named, taken, found)
    new += _named_organs(ctx, text, known, found)
    # "the Executive Council", "the Secretariat": organs named only by their head, of the body
    # the document is mostly about
    new += _bare_organs(ctx, text, known, found, taken.overlaps)
    # later uses of a defined acronym, anywhere in the document
    for acronym, key in acronyms.items():
        if not acronym or not key.startswith("new:"):
            continue
        for m in finditer_word(surface_regex(acronym), text):
            if not taken.overlaps(m.start(), m.end()):
                new.append(Match(m.start(), m.end(), key, "discovery.acronym", 0.8))
    # names discovered once are marked wherever else they occur
    for d in list(found.values()):
        for m in finditer_word(surface_regex(d.name), text):
            if not taken.overlaps(m.start(), m.end()):
                new.append(Match(m.start(), m.end(), d.key, "discovery.repeat", 0.75))
                taken.add(m.start(), m.end())
    return Discovered(tuple(new), tuple(sorted(found.values(), key=lambda d: d.key)), tuple(acronyms.items()))


def _acronym_definitions(
    ctx: _Context, text: str, taken: Ranges, found: dict[str, Discovery]
) -> tuple[list[Match], dict[str, str]]:
    """Bodies a document defines an acronym for ("the Frontier Safety Council (FSC)"), and every
    acronym it defines for a body, known or new."""
    kb = ctx.kb
    new: list[Match] = []
    acronyms: dict[str, str] = {}
    for c in disc.find_acronym_definitions(text) + disc.find_stands_for(text) + disc.find_glossary_lines(text):
        head = disc.head_word(c.name) or disc.defined_head(c.name)
        if head in disc.INSTRUMENT_HEADS or head in disc.EVENT_HEADS or kb.country_of(c.name):
            continue
        known_key = kb.link(c.name) or _linked_acronym(ctx, c.acronym)
        if known_key:
            # the KB knows it: the definition adds an alias for this document, and names it when
            # the name is one of the body's ("Ministry of Tides" for "Ministry of Tides of Ruritania")
            acronyms.setdefault(c.acronym or "", known_key)
            if _names_known_body(kb, known_key, c.name) and not taken.overlaps(c.start, c.end):
                new.append(Match(c.start, c.end, known_key, "discovery.acronym_definition", 0.85))
                taken.add(c.start, c.end)
            continue
        if (
            (head not in disc.ORG_HEADS and head not in disc.DEFINED_HEADS)
            or disc.is_generic_name(c.name)
            or (c.acronym and c.acronym.endswith("s") and c.name.endswith("s"))
            or written_as_common_noun(text, c.name)
        ):
            continue  # "Artificial Intelligence (AI)", "AI Safety Institutes (AISIs)": not a body
        key, kind, home = _new_body(ctx, c.name)
        found.setdefault(
            key, Discovery("institution", key, c.name, c.acronym, kind, country=home, extractor="acronym_definition")
        )
        if c.acronym:
            acronyms.setdefault(c.acronym, key)
        if not taken.overlaps(c.start, c.end):
            new.append(Match(c.start, c.end, key, "discovery.acronym_definition", 0.85))
            taken.add(c.start, c.end)
    return new, acronyms


def written_as_common_noun(text: str, name: str) -> bool:
    """Whether the document also writes the capitalised `name` in lower case, as running text
    ("a Tide Model (TM)" beside "tide models"): a term set in title case, not a body's
    name, which is written the same way everywhere."""
    words = name.split()
    if len(words) < 2 or not all(w[:1].isupper() for w in words) or not any(w[1:].islower() for w in words):
        return False  # one word, an acronym or a name with lower-case words ("Ministry of X") says nothing
    lowered = r"\s+".join(re.escape(w.lower()) for w in words)
    return re.search(r"(?<![\w-])" + lowered + r"s?(?![\w-])", text) is not None


def _linked_acronym(ctx: _Context, acronym: str | None) -> str | None:
    """The known body an acronym a document defines stands for, unless that body belongs to
    another country than the document's: "MOT" defined in a report on Ruritania is not another country's Ministry of Tides."""
    key = ctx.kb.link(acronym) if acronym else None
    home = ctx.kb.institutions[key].country if key in ctx.kb.institutions else None
    if key and home and ctx.country and home != ctx.country:
        return None
    return key


def _names_known_body(kb: KnowledgeBase, key: str, name: str) -> bool:
    """Whether `name` is one of the known body's names or the start of one: an acronym two bodies
    share ("American Academy of ..." and "American Association for ...") links to only one."""
    words = normalize_surface(name).split()
    inst = kb.institutions.get(key)
    return inst is not None and any(
        normalize_surface(form).split()[: len(words)] == words for form in (inst.name, *inst.surfaces)
    )


def _named_candidates(
    ctx: _Context,
    text: str,
    model: Sequence[disc.Candidate],
    named: list[str],
    taken: Ranges,
    found: dict[str, Discovery],
) -> list[Match]:
    """Affiliations, listed names, organisation names and a model's entities, each linked to a
    known body it names or varies, else a new body."""
    kb = ctx.kb
    new: list[Match] = []
    for rule, cands, conf in (
        ("affiliation", disc.find_affiliations(text), 0.7),
        ("listed", disc.find_listed_names(text), 0.7),
        ("org_pattern", disc.find_org_names(text), 0.75),
        ("model_ner", model, 0.65),
    ):
        for c in cands:
            if taken.overlaps(c.start, c.end) or kb.country_of(c.name):
                continue
            head = disc.head_word(c.name)
            if head in disc.INSTRUMENT_HEADS or head in disc.EVENT_HEADS:
                continue
            if rule == "affiliation" and head is None and len(c.name.split()) < 2:
                continue
            if rule == "model_ner" and not _model_candidate_ok(kb, c, head, model):
                continue
            key = kb.link(c.name) or _variant_of(kb, c.name, named)
            if not key and written_as_common_noun(text, c.name):
                continue
            if not key:
                key, kind, home = _new_body(ctx, c.name)
                found.setdefault(key, Discovery("institution", key, c.name, None, kind, country=home, extractor=rule))
            new.append(Match(c.start, c.end, key, "discovery." + rule, conf))
            taken.add(c.start, c.end)
    return new


def _named_organs(ctx: _Context, text: str, known: list[Match], found: dict[str, Discovery]) -> list[Match]:
    """Named organs of known bodies: "the GPAI Executive Council", "the OECD Secretariat"."""
    kb = ctx.kb
    new: list[Match] = []
    for m in known:
        parent = kb.institutions.get(m.key)
        organ = _ORGAN_AFTER.match(text, m.end) if parent and m.extractor == EXTRACTOR_KB else None
        if organ is None:
            continue
        subject = _ORGAN_SUBJECT.match(text, organ.end())
        start = m.start
        if subject:
            # "the Harbour Union Ad Hoc Committee on Tides": the organ has a full name of its
            # own ("Ad Hoc Committee on Tides"), and the parent is named beside it
            start = organ.start() + len(organ.group(0)) - len(organ.group(0).lstrip("'’s \t"))
        name = " ".join(text[start : (subject or organ).end()].split())
        key = kb.link(name) or discovered_key(name)
        if key.startswith("new:"):
            head = disc.head_word(name)
            kind = parent.kind if parent.kind in _ORGAN_KINDS else disc.ORG_HEADS.get(head or "", "other")
            found.setdefault(
                key, Discovery("institution", key, name, None, kind, country=parent.country, extractor="organ")
            )
        new.append(Match(start, (subject or organ).end(), key, "discovery.organ", 0.8))
    return new


def _bare_organs(
    ctx: _Context, text: str, known: list[Match], found: dict[str, Discovery], overlaps: Callable[[int, int], bool]
) -> list[Match]:
    """Organs a document names by their generic name alone ("the Steering Committee"), at least
    `min_head_mentions` times, capitalised: organs of the document's principal body (the
    intergovernmental body, network or government named most, and at least three times)."""
    kb = ctx.kb
    counts = Counter(
        m.key
        for m in known
        if (i := kb.institutions.get(m.key)) and i.kind in _ORGAN_KINDS | {"network_or_partnership"}
    )
    if not counts:
        return []
    (parent_key, n), *rest = counts.most_common(2) + [(None, 0)]
    if n < MIN_PRINCIPAL_MENTIONS or n < 2 * rest[0][1]:
        return []
    parent = kb.institutions[parent_key]
    by_name: dict[str, list[tuple[int, int]]] = {}
    for m in _BARE_ORGAN.finditer(text):
        organ = " ".join(m.group(1).split())
        if disc.is_generic_name(organ) and not overlaps(m.start(1), m.end(1)):
            by_name.setdefault(organ, []).append((m.start(1), m.end(1)))
    out = []
    for organ, places in by_name.items():
        if len(places) < ctx.min_head_mentions:
            continue
        name = f"{parent.acronym or parent.name} {organ}"
        key = kb.link(name) or discovered_key(name)
        if key.startswith("new:"):
            kind = parent.kind if parent.kind in _ORGAN_KINDS else disc.guess_kind(organ)
            found.setdefault(
                key,
                Discovery(
                    "institution", key, name, None, kind, aliases=(organ,), country=parent.country, extractor="organ"
                ),
            )
        out += [Match(a, b, key, "discovery.organ", 0.65) for a, b in places]
    return out


def _new_body(ctx: _Context, name: str) -> tuple[str, str, str | None]:
    """Key, kind and country of a discovered body.  A body whose country comes from the
    document, not its name, is keyed with it ("new:ministry-of-justice@jp"): the same
    generic name in another country's report is another body."""
    kind = disc.guess_kind(name)
    if kind == "other" and disc.head_word(name) in _STATE_ORGAN_HEADS:
        kind = "government_body" if _discovered_country(ctx, name, "government_body") else kind
    found = _discovered_country(ctx, name, kind)
    key = discovered_key(name)
    if found and found == ctx.country and not ctx.kb.countries_in_name(name):
        key = f"{key}@{found.lower()}"
    return key, kind, found


def _discovered_country(ctx: _Context, name: str, kind: str) -> str | None:
    """The country a discovered body is rooted in: the one its name gives (a country, national
    adjective, city or province), else that of a known body its name starts from ("Tsinghua
    University Think Tank Center" -> CN; "OECD Secretariat" -> none), else, for a national
    kind of body named without any country, the document's country."""
    kb = ctx.kb
    codes = kb.countries_in_name(name)
    if codes:
        return codes[0] if len(codes) == 1 else None
    for start, _end, surface in kb_matcher(kb).finditer(name):
        key = kb.link(surface)
        if key and start == 0:
            return kb.institutions[key].country
    # A national body named without its country is the document's when the document is
    # mostly about that country; universities, firms and the like only when it is nearly all
    # about it (a report on one country cites foreign universities more than foreign ministries).
    need = GOVERNMENT_COUNTRY_SHARE if kind == "government_body" else OTHER_COUNTRY_SHARE
    if ctx.country and kind in _NATIONAL_KINDS and ctx.share >= need and not _INTERNATIONAL_WORDS.search(name):
        return ctx.country
    return None


def _model_candidate_ok(
    kb: KnowledgeBase, c: disc.Candidate, head: str | None, model: Sequence[disc.Candidate]
) -> bool:
    """A trained model's entity counts where the rules would accept the name: the KB knows it,
    it has an organisation head, or — a name the rules cannot judge — the model tagged it at
    least twice in the document and it is neither generic nor lower-case."""
    if kb.link(c.name) or head in disc.ORG_HEADS:
        return True
    if disc.is_generic_name(c.name) or not c.name[:1].isupper():
        return False
    return sum(1 for o in model if o.name == c.name) >= 2


def _near_word(a: str, b: str) -> bool:
    """A misspelling ("governanse"/"governance") or a swapped variant of a head ("Institute"/"Initiative")."""
    if any(a in g and b in g for g in _HEAD_VARIANTS):
        return True
    return min(len(a), len(b)) >= 5 and a[:2] == b[:2] and SequenceMatcher(None, a, b).ratio() >= 0.8


def _variant_of(kb: KnowledgeBase, name: str, keys: list[str]) -> str | None:
    """The body, among those the document names (`keys`), of which `name` is a variant: the
    tail of one of its names ("Policy Observatory" for "AI Policy Observatory") or the same
    name with one word misspelt or its head swapped for a variant ("Centre"/"Center",
    "Initiative"/"Institute")."""
    words = normalize_surface(name).split()
    if len(words) < 2:
        return None
    hits = set()
    for key in keys:
        for form in kb.institutions[key].surfaces:
            fw = normalize_surface(form).split()
            if len(fw) > len(words) and fw[-len(words) :] == words:
                hits.add(key)
            elif len(fw) == len(words):
                diff = [(a, b) for a, b in zip(words, fw) if a != b]
                if len(diff) == 1 and _near_word(*diff[0]):
                    hits.add(key)
    return next(iter(hits)) if len(hits) == 1 else None
