"""`govmap_instrument_ruler`: mentions of governance instruments.

Three sources of mentions: the KB vocabulary (`instruments.jsonl`, matched case-insensitively with
simple plural rules, acronyms case-sensitively); named instruments recognised by their form
(`govmap.extractors.named_instruments`: "the Data Protection Act", "ISO/IEC 42001"), linked to the KB
when it knows them and otherwise discovered under a key made from the name, so the same name in
two documents is one instrument, with an acronym defined in brackets as an alias; and the
instruments a document defines itself in a table of instruments with descriptions
("Instrument | Description"), which become Discoveries and, for that document only, patterns
matched as printed.  A named instrument the document defines ("X means ...", "X is a ...", a
glossary line) keeps that text as its description.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from govmap.extractors.extensions import INSTITUTIONS, INSTRUMENTS, add_records, doc_text
from govmap.extractors.fastmatch import Alternation, alternations, finditer_word
from govmap.extractors.kb_mentions import surface_regex
from govmap.extractors.mentions import Match, Ranges, char_span, text_without_links
from govmap.extractors.kb import KnowledgeBase, load_kb, normalize_surface
from govmap.extractors.named_instruments import (
    WEAK_HEADS,
    NamedInstrument,
    find_definitions,
    find_named_instruments,
    head_of,
)
from govmap.extractors.records import Discovery, discovered_key

__all__ = ["InstrumentRuler", "find_instrument_tables", "guess_category", "instrument_key", "plural_regex"]

NAME_HEADERS = frozenset(
    {
        "instrument",
        "instruments",
        "mechanism",
        "mechanisms",
        "model",
        "models",
        "tool",
        "tools",
        "option",
        "options",
        "policy instrument",
        "governance instrument",
        "governance mechanism",
    }
)
DESCRIPTION_HEADERS = frozenset(
    {"description", "descriptions", "definition", "explanation", "details", "benefits", "what it is"}
)
# Keywords in an instrument's name or description -> category, first hit wins.
_CATEGORY_CUES: tuple[tuple[str, str], ...] = (
    (r"legislat|treaty|\blaw\b|\bact\b|legal|licens|regulat|binding", "legal_instrument"),
    (r"fund|grant|financ|budget|contribut", "funding_mechanism"),
    (r"evaluat|audit|assess|test|monitor|inspect|verif", "assessment_process"),
    (r"comput|watermark|technical|standard|model weights|hardware", "technical_measure"),
    (r"intergovernmental|agreement|coordinat|network|collaborat|partnership", "coordination_mechanism"),
    (r"secretariat|organi[sz]ation|membership|mission|governance structure|host", "organisational_model"),
)


def guess_category(name: str, description: str | None = None) -> str:
    """Instrument category from cue words in its name, then its description; mechanism_design if none."""
    for text in (name, description or ""):
        for pattern, category in _CATEGORY_CUES:
            if re.search(pattern, text, re.IGNORECASE):
                return category
    return "mechanism_design"


def plural_regex(form: str) -> str:
    """`surface_regex` whose last word may also be plural ("audit(s)", "policy/policies")."""
    words = form.split()
    last = words[-1]
    if len(last) > 3 and last[-1:].islower():
        if last.endswith("y"):
            words[-1] = last[:-1] + "\x00"
        elif not last.endswith("s"):
            words[-1] = last + "\x01"
    rx = surface_regex(" ".join(words))
    return rx.replace("\x00", "(?:y|ies)").replace("\x01", "(?:e?s)?")


def find_instrument_tables(document, kb: KnowledgeBase) -> list[Discovery]:
    """Instruments a document defines in a table whose header names instruments and descriptions."""
    out: dict[str, Discovery] = {}
    for table in getattr(document, "tables", ()) or ():
        grid = table.grid
        if len(grid) < 2:
            continue
        header = [normalize_surface(c or "") for c in grid[0]]
        if not header or header[0] not in NAME_HEADERS:
            continue
        desc_col = next((i for i, h in enumerate(header) if i and h in DESCRIPTION_HEADERS), None)
        for row in grid[1:]:
            cell = (row[0] or "").strip() if row else ""
            if not cell:
                continue
            name, _, rest = cell.partition(":") if ":" in cell[:80] else (cell, "", "")
            name = " ".join(name.split())
            if not name or len(name) > 80:
                continue
            desc = rest.strip() or (
                (row[desc_col] or "").strip() if desc_col is not None and desc_col < len(row) else ""
            )
            if desc_col is None and not rest:
                continue  # a comparison matrix, not a table of definitions
            key = kb.link_instrument(name) or discovered_key(name)
            out.setdefault(
                key,
                Discovery(
                    "instrument",
                    key,
                    name,
                    None,
                    guess_category(name, desc),
                    " ".join(desc.split()) or None,
                    extractor="instrument_table",
                ),
            )
    return sorted(out.values(), key=lambda d: d.key)


# A possessive owner before a name ("the UK's Online Safety Act"): one instrument with or without it.
_OWNER = re.compile(r"^[\w.\-]+['’]s\s+")
# How many words of an owner may stand before a name the KB knows.
MAX_OWNER_WORDS = 3
# A year after a name ("Data Protection Act 2018") names the same instrument as the name alone.
_YEAR = re.compile(r"\s+(?:19|20)\d\d$")


def instrument_key(name: str, kb: KnowledgeBase) -> str | None:
    """Key of a named instrument: its KB id when the KB knows it by that name (None when that KB
    entry is a generic mechanism type, whose name is in lower case), else a discovered key from
    the name without a possessive owner, so the same name in two documents is one instrument."""
    bare = _OWNER.sub("", name)
    words = bare.split()
    # the owner before a known name: "European Union AI Act", "White House Blueprint for ..."
    for form in (name, *(" ".join(words[i:]) for i in range(min(len(words) - 1, MAX_OWNER_WORDS + 1)))):
        key = kb.link_instrument(form)
        if key:
            return key if any(c.isupper() for c in kb.instruments[key].name) else None
    return discovered_key(_YEAR.sub("", bare))


# A year or span of years after a name dates a plan or strategy as one document ("Harbour Strategy
# 2030"): named, not a chapter's title.
_DATED = re.compile(r"\s(?:19|20)\d\d(?:\s?[-–/]\s?(?:19|20)?\d\d)?$")
# What joins a name to the body it is about ("Charter of the Harbour Union"): the body ends it.
_OBJECT_OF = re.compile(r"(?:\b(?:of|for|on|to|by|with|and|&|the|an?)|['’]s?)\s*$", re.IGNORECASE)


def _before_issuer(n: NamedInstrument, text: str, body_starts: list[int]) -> NamedInstrument:
    """The name cut before a body named right after it, in a list or table row of titles and
    their issuers ("Ethics Guidelines for Harbours Harbour Pilots Society"); not when the body is
    the object of the name ("Charter of the Harbour Union")."""
    i = bisect.bisect_right(body_starts, n.start)
    if i == len(body_starts) or body_starts[i] >= n.end:
        return n
    cut = body_starts[i]
    kept = text[n.start : cut].rstrip(" \t\n,;:-–")
    if not kept[-1:].isalnum() or _OBJECT_OF.search(kept) or head_of(kept) != n.head:
        return n  # "Regulation (EU) 2016/679", "Directive 2014/53/EU": the body is in its number
    end = n.start + len(kept)
    return NamedInstrument(n.start, end, " ".join(kept.split()), n.head, n.category)


@Language.factory(
    "govmap_instrument_ruler",
    default_config={
        "kb_overlay": None,
        "tables": True,
        "named": True,
        "definitions": True,
        "min_type_mentions": 2,
        "min_weak_mentions": 2,
    },
    assigns=["doc.spans", "doc._.govmap_discoveries"],
)
def make_instrument_ruler(
    nlp: Language,
    name: str,
    kb_overlay: str | None,
    tables: bool,
    named: bool,
    definitions: bool,
    min_type_mentions: int,
    min_weak_mentions: int,
) -> "InstrumentRuler":
    return InstrumentRuler(
        kb=load_kb(kb_overlay),
        tables=tables,
        named=named,
        definitions=definitions,
        min_type_mentions=min_type_mentions,
        min_weak_mentions=min_weak_mentions,
    )


class InstrumentRuler:
    """Marks governance instruments: KB vocabulary plus the document's own table of instruments.

    kb: the knowledge base (default: the packaged one).
    tables: read instrument tables from ``doc._.govmap_document`` and match their names.
    named: recognise named instruments by their form (`govmap.extractors.named_instruments`).
    definitions: keep a named instrument's definition in the document as its description.
    min_type_mentions: how many times a document must name a mechanism type (a KB entry whose name
        is in lower case: "safety case", "regulatory sandbox") for it to count as discussed rather
        than named in passing; named instruments count from their first mention.
    min_weak_mentions: how many times a discovered name under a head that also titles reports and
        chapters (`WEAK_HEADS`: "Principles", "Strategy", ...) must occur, unless the document
        defines an acronym for it, for it to count as a named instrument.
    """

    def __init__(
        self,
        *,
        kb: KnowledgeBase | None = None,
        tables: bool = True,
        named: bool = True,
        definitions: bool = True,
        min_type_mentions: int = 2,
        min_weak_mentions: int = 2,
    ) -> None:
        for setting, value in (("min_type_mentions", min_type_mentions), ("min_weak_mentions", min_weak_mentions)):
            if value < 1:
                raise ValueError(f"{setting} must be at least 1, not {value}")
        self.kb = kb or load_kb()
        self.tables = tables
        self.named = named
        self.definitions = definitions
        self.min_type_mentions = min_type_mentions
        self.min_weak_mentions = min_weak_mentions
        self._types = frozenset(k for k, ins in self.kb.instruments.items() if not any(c.isupper() for c in ins.name))
        sensitive, insensitive = [], []
        for ins in self.kb.instruments.values():
            for form in ins.surfaces:
                acronym = " " not in form and bool(re.search(r".[A-Z]", form))
                (sensitive if acronym else insensitive).append(form)
        self._patterns = [
            alternation
            for group, flags in ((sensitive, 0), (insensitive, re.IGNORECASE))
            for alternation in alternations(group, plural_regex if flags else surface_regex, flags)
        ]

    def __call__(self, doc: Doc) -> Doc:
        matches, discoveries = self.match(doc)
        self.set_annotations(doc, matches, discoveries)
        return doc

    def match(self, doc: Doc) -> tuple[list[Match], list[Discovery]]:
        text = text_without_links(doc)
        out: list[Match] = []
        discoveries: list[Discovery] = []
        if self.tables and doc._.govmap_document is not None:
            discoveries = find_instrument_tables(doc._.govmap_document, self.kb)
            for d in discoveries:
                for m in finditer_word(surface_regex(d.name), text):
                    out.append(Match(m.start(), m.end(), d.key, "instrument_ruler.table", 0.9))
        known: list[Match] = []
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                key = self.kb.link_instrument(m.group(0))
                if key:
                    known.append(Match(m.start(), m.end(), key, "instrument_ruler.kb", 0.8))
        if self.min_type_mentions > 1:
            counts = Counter(m.key for m in known if m.key in self._types)
            known = [m for m in known if m.key not in self._types or counts[m.key] >= self.min_type_mentions]
        out.extend(known)
        if self.named:
            named, found = self._named(doc, text)
            out.extend(named)
            discoveries.extend(found)
        return out, discoveries

    def _named(self, doc: Doc, text: str) -> tuple[list[Match], list[Discovery]]:
        """Named instruments by their form, their acronyms' later uses, and their definitions."""
        bodies = (
            Ranges((s.start_char, s.end_char) for s in doc.spans[INSTITUTIONS])
            if INSTITUTIONS in doc.spans
            else Ranges()
        )
        out: list[Match] = []
        found: dict[str, Discovery] = {}
        acronyms: dict[str, str] = {}
        places: dict[str, list[tuple[int, int]]] = {}
        document = doc._.govmap_document
        wrap = document is not None and getattr(document, "media_type", "") == "application/pdf"
        body_starts = sorted(s.start_char for s in doc.spans[INSTITUTIONS]) if INSTITUTIONS in doc.spans else []
        for n in find_named_instruments(text, wrap_lines=wrap):
            if bodies.covers(n.start, n.end):
                continue  # a word of an organisation's name ("the Paris Agreement Secretariat")
            n = _before_issuer(n, text, body_starts)
            key = instrument_key(n.name, self.kb)
            if key is None:
                continue  # a generic KB phrase in capitals ("International Code of Conduct")
            out.append(Match(n.start, n.end, key, "instrument_ruler.named", 0.75))
            places.setdefault(key, []).append((n.start, n.end))
            if n.acronym and n.acronym_start is not None:
                acronyms.setdefault(n.acronym, key)
            if key not in found:
                found[key] = Discovery(
                    "instrument", key, n.name, n.acronym, n.category, None, extractor="named_instrument"
                )
            elif n.acronym and not found[key].acronym:
                d = found[key]
                found[key] = Discovery("instrument", key, d.name, n.acronym, d.kind, None, extractor=d.extractor)
        weak = {
            n_key
            for n_key, d in found.items()
            if d.key not in self.kb.instruments
            and not d.acronym
            and head_of(d.name) in WEAK_HEADS
            and not _DATED.search(d.name)
            and len(places[n_key]) < self.min_weak_mentions
        }
        if weak:
            out = [m for m in out if m.key not in weak]
            for k in weak:
                del found[k], places[k]
        if acronyms:
            forms = sorted(acronyms, key=lambda a: (-len(a), a))
            for m in Alternation([(a, surface_regex(a)) for a in forms]).finditer(text):
                if bodies.overlaps(m.start(), m.end()):
                    continue
                key = acronyms[m.group(0)] if m.group(0) in acronyms else acronyms.get(" ".join(m.group(0).split()))
                if key:
                    out.append(Match(m.start(), m.end(), key, "instrument_ruler.acronym", 0.7))
                    places.setdefault(key, []).append((m.start(), m.end()))
        if self.definitions and places:
            for key, desc in find_definitions(text, places).items():
                d = found[key]
                found[key] = Discovery("instrument", key, d.name, d.acronym, d.kind, desc, extractor=d.extractor)
        return out, [d for d in found.values() if d.description or d.acronym or d.key not in self.kb.instruments]

    def set_annotations(self, doc: Doc, matches: list[Match], discoveries: list[Discovery]) -> None:
        from spacy.util import filter_spans

        text = doc_text(doc)
        kept = []
        for m in matches:
            s = char_span(doc, m, "instrument", text)
            if s is not None:
                s._.govmap_extractor = m.extractor
                s._.govmap_confidence = m.confidence
                kept.append(s)
        group = list(doc.spans[INSTRUMENTS]) if INSTRUMENTS in doc.spans else []
        doc.spans[INSTRUMENTS] = group + sorted(filter_spans(kept), key=lambda s: (s.start, s.end))
        add_records(doc, "govmap_discoveries", discoveries)
