"""`govmap_instrument_ruler`: mentions of governance instruments.

Two sources of patterns: the KB vocabulary (`instruments.jsonl`, matched case-insensitively with
simple plural rules, acronyms case-sensitively), and the instruments a document defines itself in
a table of instruments with descriptions ("Instrument | Description"), which become Discoveries
and, for that document only, patterns matched as printed.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extractors.extensions import INSTRUMENTS, doc_text
from extractors.fastmatch import Alternation, finditer_word
from extractors.institutions import Match, _char_span, surface_regex, text_without_links
from extractors.kb import KnowledgeBase, load_kb, normalize_surface
from extractors.records import Discovery, discovered_key

__all__ = ["InstrumentRuler", "find_instrument_tables", "guess_category", "plural_regex"]

NAME_HEADERS = frozenset({"instrument", "instruments", "mechanism", "mechanisms", "model", "models", "tool", "tools",
                          "option", "options", "policy instrument", "governance instrument", "governance mechanism"})
DESCRIPTION_HEADERS = frozenset({"description", "descriptions", "definition", "explanation", "details", "benefits", "what it is"})
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
            desc = rest.strip() or ((row[desc_col] or "").strip() if desc_col is not None and desc_col < len(row) else "")
            if desc_col is None and not rest:
                continue  # a comparison matrix, not a table of definitions
            key = kb.link_instrument(name) or discovered_key(name)
            out.setdefault(key, Discovery("instrument", key, name, None, guess_category(name, desc), " ".join(desc.split()) or None,
                                          extractor="instrument_table"))
    return sorted(out.values(), key=lambda d: d.key)


@Language.factory(
    "govmap_instrument_ruler",
    default_config={"kb_path": None, "tables": True},
    assigns=["doc.spans", "doc._.govmap_discoveries"],
)
def make_instrument_ruler(nlp: Language, name: str, kb_path: str | None, tables: bool) -> "InstrumentRuler":
    return InstrumentRuler(kb=load_kb(kb_path), tables=tables)


class InstrumentRuler:
    """Marks governance instruments: KB vocabulary plus the document's own table of instruments.

    kb: the knowledge base (default: the packaged one).
    tables: read instrument tables from ``doc._.govmap_document`` and match their names.
    """

    def __init__(self, *, kb: KnowledgeBase | None = None, tables: bool = True) -> None:
        self.kb = kb or load_kb()
        self.tables = tables
        sensitive, insensitive = [], []
        for ins in self.kb.instruments.values():
            for form in ins.surfaces:
                acronym = " " not in form and bool(re.search(r".[A-Z]", form))
                (sensitive if acronym else insensitive).append(form)
        self._patterns = [
            Alternation([(f, plural_regex(f) if flags else surface_regex(f)) for f in sorted(group, key=lambda s: (-len(s), s))], flags)
            for group, flags in ((sensitive, 0), (insensitive, re.IGNORECASE))
            if group
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
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                key = self.kb.link_instrument(m.group(0))
                if key:
                    out.append(Match(m.start(), m.end(), key, "instrument_ruler.kb", 0.8))
        return out, discoveries

    def set_annotations(self, doc: Doc, matches: list[Match], discoveries: list[Discovery]) -> None:
        from spacy.util import filter_spans

        text = doc_text(doc)
        kept = []
        for m in matches:
            s = _char_span(doc, m, "instrument", text)
            if s is not None:
                s._.govmap_extractor = m.extractor
                s._.govmap_confidence = m.confidence
                kept.append(s)
        group = list(doc.spans[INSTRUMENTS]) if INSTRUMENTS in doc.spans else []
        doc.spans[INSTRUMENTS] = group + sorted(filter_spans(kept), key=lambda s: (s.start, s.end))
        doc._.govmap_discoveries = list(doc._.govmap_discoveries or []) + discoveries
