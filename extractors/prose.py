"""`govmap_prose_collaborations`: collaborations between resolved institutions stated in prose.

One sentence at a time.  A sentence states a collaboration when it holds a trigger cue
(`govmap.extractors.cues.TRIGGER_CUES`: an agreement signed, joint work, funding, personnel exchange,
access arrangement, integration, or a recommendation to collaborate) and at least two distinct
institutions placed around it:

* subject side — the institution nearest before the trigger, plus those coordinated with it
  ("X and Y signed ...");
* counterparts — the institutions after the trigger, coordinated from the first one
  ("... with Y and Z"); each counterpart is one collaboration with the subject side;
* "between X and Y", or a trigger with no subject ("joint testing by X and Y"), gives one
  collaboration among the counterparts; a subject side of two or more with no counterpart gives
  one collaboration among the subjects.

"the UK and U.S. AISIs" (coordinated country names before a plural institute head) is read as the
countries' AI Safety Institutes through the document's linker.  Negated triggers ("did not sign")
and hypotheticals ("if X were to partner with Y") state nothing; nor do questions, nor
biographies ("She previously worked with X at Y").
The status comes from modal and tense words before the trigger (`govmap.extractors.cues.STATUS_CUES`),
else from the trigger itself.

Report wording and layout:

* a sentence-initial "It"/"Its" (not "It is unclear whether ...") stands for the institution the
  previous sentence opened with, carried through further "It"/"Its" sentences;
* "a key X partner" pairs X with the sentence's subject;
* compound pairs "X-Y", "X–Y" ("MoUs for X-Y, X-Z", "the X–Y MoU") are one collaboration each;
* institutions introduced as examples ("agencies such as X and Y", "(e.g. the X model)") are not
  each other's partners, nor are counterparts after "with" that have no subject;
* a participle clause (", enabling ...") belongs to the sentence's subject, not the nearest name;
* headings (short lines without final punctuation, mostly capitalised) state nothing;
* cue words inside an institution's name ("Center for AI Standards") are neither triggers nor types;
* a list item under a statement ending in ":" restates it only with a kind of work, a party or an
  activity of its own ("(a) the need for amendments" is a topic of the lead's one statement);
* a body named after an alignment phrase ("consistent with Y's recommendations") or whose policy
  a support verb endorses ("supported Y's approach") is no party;
* "as part of Y" after an activity ("a partnership with X as part of the Y Fund") makes nobody a
  unit of Y; "X, as part of Y" and "X was founded as part of Y" do;
* reference entries ("Harbour Press (2031) Title ...", "Regulation (EU) 2031/77 of ...") state nothing;
* a sentence that announces ("Today we are announcing ...") makes its collaborations announced; a
  signing or forming dated in a past year ("entered into ... in 2019") makes them existing.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import partial

from spacy.language import Language
from spacy.tokens import Doc, Span

from govmap.extractors import cues as cue_lexicon
from govmap.extractors.grounding import MentionGrounder
from govmap.extractors.linking import Linker
from govmap.extractors.organs import organ_chains
from govmap.extractors.extensions import INSTITUTIONS, add_records, doc_text, page_at
from govmap.extractors.records import Collaboration
from govmap.extractors.states import is_state_use

__all__ = ["ProseCollaborations", "find_collaborations", "DEFAULT_MIN_CONFIDENCE", "DEFAULT_MAX_SENTENCE_CHARS"]

DEFAULT_MIN_CONFIDENCE = 0.5
# Longer "sentences" are table rows or contents pages run together by the splitter: no prose.
DEFAULT_MAX_SENTENCE_CHARS = 1500
# Evidence is clipped like govmap.extractors.extract does for mentions.
MAX_EVIDENCE_CHARS = 1000
# How far (characters) a subject or counterpart may stand from its trigger.
SUBJECT_REACH = 120
COUNTERPART_REACH = 90
LEAD_SUBJECT_REACH = 200
# A modal word this far before the subject still governs it ("We recommend that X engage with Y").
STATUS_LOOKBEHIND = 40
NEGATION_LOOKBEHIND = 25
STATUS_LOOKAHEAD = 25

_SPACE = re.compile(r"\s+")
# The fallback reading (every party of the trigger's clause in one statement) for a clause of at
# most this many parties, at this fraction of the trigger's strength.
MAX_FALLBACK_PARTIES = 8
FALLBACK_FACTOR = 0.8
# A created body or a co-author stands right after its verb or "by", behind a determiner at most.
_DIRECT_OBJECT = re.compile(
    r"^\s*(?:(?:the|a|an|its|their|our|new|two|three|joint|independent|dedicated)\s+)*\[?$", re.I
)
# A partner phrase's subject carried from the sentences before, for at most this many sentences,
# at this fraction of the trigger's strength.
CARRY_SENTENCES = 2
CARRIED_FACTOR = 0.8
_EXAMPLES_ANYWHERE = re.compile(r"\b(?:such as|e\.g\.|for example|for instance|like the)\b", re.I)
# A footnote or reference line ("166 European Commission, Joint Statement ...", a URL): a citation.
_CITATION = re.compile(
    r"https?://|^(?:\d{1,3}\s+)?(?:see|cf\.|c\.f\.|source:|for (?:more|further|additional) information)(?!\w)|\(information webpage|\b(?:retrieved|accessed) (?:on|from)\b|\bdoi:|\bpp?\.\s?\d|\bOJ [LC] \d|\bet al\.|\binformation webpage\b|\bavailable (?:at|online)\b",
    re.I,
)
# A PDF footnote run into the text: a bare note number, then a capitalised word ("12 The Harbour
# Institute, Annual Report ..."); numbered list items carry a dot or bracket and are not caught.
_FOOTNOTE_START = re.compile(r"^\d{1,3}\s+[A-Z\u2018\u201c\"']")
# A reference entry: an author and a year in brackets before a title ("Harbour Labs (2023) Harbour
# Labs Expands ...", "Northvale Blog (2022), ..."), or a legal act cited with its number
# ("Regulation (EU) 2031/77 of ..."): the entry's title names bodies, it states nothing.
_REFERENCE_ENTRY = re.compile(
    r"^(?:\(?\d{1,3}[.)]?\s+)?(?:[A-Z][\w.&'\u2019-]*\s+){1,6}\((?:19|20)\d\d[a-z]?\)[,.:]?\s+[A-Z\u2018\u201c\"']"
    r"|^(?:\(?\d{1,3}[.)]?\s+)?(?:Regulation|Directive|Decision|Council Decision|Commission Decision)\s+\((?:EU|EC|EEC|Euratom)\)\s+(?:No\s+)?\d+/\d+"
)
_MARKDOWN_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
# A sentence about a person: membership and support words there describe a career.
_PERSON = re.compile(
    r"\b(?:he|she|his|her|him|Professor|Prof\.|Dr\.|Mr\.|Ms\.|Mrs\.|former|formerly|previously|fellow)\b"
    # a person's posts: "Board Member of X", "Consultant at Y", "serves as a member of Z"
    r"|\b(?:[Pp]rofessor|[Cc]onsultant|[Aa]dvis[oe]r|[Ll]ecturer|[Cc]hairperson|CEO|[Ff]ounder|Ph\.?D|[Bb]oard [Mm]ember|Associate Member|serves as)\b"
    r"|^(?:[-\u2013\u2022*]\s+)?(?:Member|Director|Head|Chair) of\b"
)
# A list item: "- Launching ...", "• ...", "3. ...", "(a) ..."
_LIST_ITEM = re.compile(r"^\s*(?:[-\u2013\u2022*\u25aa\u25cf\uf020-\uf0ff]|\d{1,2}[.)]|\(?[a-z]\))\s+")
# A list item that opens with an activity ("- Launching a new bridge ...", "(b) Developing ..."):
# one of the things the lead's parties do together.
_ACTIVITY_ITEM = re.compile(_LIST_ITEM.pattern + r"(?:[A-Z][a-z]+ly\s+)?[A-Z][a-z]+ing\b")
# A bracketed list of names ("[MOT, MOH]", "(Harbour Union, Tide Office, Data Forum)"): a tag of the bodies
# responsible for a line, or an enumeration of examples, never bodies acting together.  A
# Markdown link's text ("[name](url)") is not one.
_BRACKETED_LIST = re.compile(
    r"\[(?P<square>[^\[\]().;:]{1,120}?,[^\[\]().;:]{1,120}?)\](?!\()|\((?P<round>[^()\[\].;:]{1,120}?,[^()\[\].;:]{1,120}?)\)"
)
# Each item of such a list is a short name: at most this many words, no lower-case verb phrase.
_LIST_NAME = re.compile(r"^\s*(?:and\s+|&\s+)?(?:the\s+)?[A-Z][\w.&'\u2019-]*(?:\s+[\w.&'\u2019-]+){0,4}\s*$")
# Diagram source and front matter that a Markdown page carries as text (Mermaid nodes, YAML keys).
_CODE_LINE = re.compile(r"<br\s*/?>|-->|\bsubgraph\b|\b[a-z]+[A-Z]\w*:\s")
# "the two institutes", "both countries": the parties of the sentence before.
_BACK_REFERENCE = re.compile(
    r"\b(?:(?:the|these|those)\s+(?:two|three|four|five)|both)\s+(?:\w+\s+)?(?:institutes?|institutions|countries|nations|governments|bodies|organi[sz]ations|agencies|parties|partners|sides|offices|AISIs)\b",
    re.I,
)
# Between two coordinated institution names: "X, Y and Z", "X and the Y", "X & Y", "X as well as Y",
# "to X and to Y" (the preposition repeated after "and").
_COORDINATION_GAP = re.compile(
    r"^(?:\s|,|\band\b(?:\s+(?:to|with|by|for|from)\b)?|&|\bas well as\b|\bthe\b|\bboth\b|\bits\b|\]\([^)]*\)|\[|\(|\))*$",
    re.I,
)
# Between a body and "as part of" that places the body itself: "X, as part of", "X was founded as part of".
_PLACED_AS = re.compile(
    r"[\s,(]*(?:(?:is|are|was|were|has been|have been|had been)\s+)?(?:\w+ed|set up|built|run|made)?\s*", re.I
)
# "X-Y", "X–Y", "X/Y": two institutions joined into one compound name of a bilateral pair.
_PAIR_JOIN = re.compile(r"^(?:\]\([^)]*\))?\s?[-\u2013/]\s?\[?$")
# Examples of a category ("agencies like X and Y", "bodies such as X"): they are not each other's partners.
_EXAMPLES = re.compile(r"\b(?:such as|like|including|e\.g\.,?|for example|for instance)\s+(?:the\s+)?$", re.I)
# A participle clause after a comma (", aligning their efforts with ...") leaves the trigger's clause.
_PARTICIPLE_BREAK = re.compile(r",\s+(?!including\b)[a-z]+ing\b")
# A heading: a short line without final punctuation, mostly capitalised words.
_FINAL_PUNCT = tuple('.!?:;"\u201d)')
MAX_HEADING_WORDS = 14
# Sentence-initial pronouns that continue the topic of the previous sentence.
_PRONOUN_START = re.compile(r"^(?:[-\u2013\u2022*]\s+)?(?P<pronoun>It|Its)\b(?!['\u2019]s)")
# "It" in "It is unclear whether ..." or "It's also not clear ..." is not a referent.
_EXPLETIVE_IT = re.compile(
    r"^(?:[-\u2013\u2022*]\s+)?It\s+(?:is|was|would|could|may|might|seems|remains)\s+(?:\w+\s+)?(?:that|whether|to|unclear|clear|likely|unlikely|possible|important|crucial|essential|necessary)\b",
    re.I,
)
# A sentence that opens with an institution ("The OECD has ...") makes it the topic.
_TOPIC_LEAD = 12
# A lead sentence that leaves its predicate to the list items below it.
_SUBJECT_LEAD = re.compile(
    r"\b(?:will|shall|should|intends? to|plans? to|aims? to|agreed to|commit(?:s|ted)? to|pledged to|decided to)(?:\s+(?:also|further|jointly|together|continue to))*\s*:$"
)
_BETWEEN = re.compile(r"^\W*(?:\(\w+\)\s*)?(?:between|among|amongst)\b", re.I)
_WITH = re.compile(r"\bwith\b", re.I)
_CLAUSE_BREAK = re.compile(r";|:|\u2014|\s-\s|\bwhile\b|\bwhereas\b|\bwhich\b")
# "X and Y ..." with a leading list marker, or "between X and Y".
_COUNTRY_LEAD = r"(?:^(?:[-\u2013\u2022*]\s)?|, |\bbetween )"
_COUNTRY = r"(?:U\.S\.|U\.K\.|US|UK|EU|[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
_PLURAL_AISI = re.compile(
    rf"\b(?P<countries>{_COUNTRY}(?:, {_COUNTRY})*,? (?:and|&) {_COUNTRY}) {cue_lexicon.AISI_PLURAL_HEADS}(?![\w-])"
)
_COUNTRY_RE = re.compile(_COUNTRY)
# Every match of the two country patterns holds this: an "and" or "&" before a name.
_COORDINATED_NAME = re.compile(r" (?:and|&) (?:the )?[A-Z]")
# Every plural head (`cue_lexicon.AISI_PLURAL_HEADS`) holds one of these.
_PLURAL_HEAD_WORDS = ("AISIs", "Institutes", "institutes")
# "The UK and Canada commit to ...": coordinated countries as the subject of a clause stand for
# their governments (or, where the linker knows no government, their institutes).
_COUNTRY_SUBJECT = re.compile(
    rf"{_COUNTRY_LEAD}(?:[Tt]he )?(?P<countries>{_COUNTRY}(?:, (?:the )?{_COUNTRY})*,? (?:and|&) (?:the )?{_COUNTRY})(?! {cue_lexicon.AISI_PLURAL_HEADS})(?= [a-z])"
)
COUNTRY_KIND_HINTS = ("government_body", "ai_safety_institute")
_NOT_COUNTRIES = frozenset({"The", "Both", "Other", "Several", "National", "Member", "Some"})


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@dataclass(frozen=True)
class _Trigger:
    cue: cue_lexicon.Cue
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Party:
    start: int
    end: int
    key: str
    surface: str


def _listed_countries(m: re.Match[str], linker: Linker, hints: tuple[str, ...], suffix: str = "") -> list[_Party]:
    """The parties a coordinated list of countries (`m`'s "countries" group) names: each country
    linked with the first of `hints` that links it, its surface followed by `suffix`."""
    out = []
    for c in _COUNTRY_RE.finditer(m.group("countries")):
        name = c.group(0)
        if name in _NOT_COUNTRIES:
            continue
        key = next((k for hint in hints if (k := linker.link(name, kind_hint=hint))), None)
        if key:
            start = m.start("countries") + c.start()
            out.append(_Party(start, start + len(name), key, name + suffix))
    return out


@Language.factory(
    "govmap_prose_collaborations",
    default_config={
        "min_confidence": DEFAULT_MIN_CONFIDENCE,
        "max_sentence_chars": DEFAULT_MAX_SENTENCE_CHARS,
    },
    assigns=["doc._.govmap_collaborations"],
    requires=["token.is_sent_start"],
)
def make_prose_collaborations(
    nlp: Language, name: str, min_confidence: float, max_sentence_chars: int
) -> "ProseCollaborations":
    return ProseCollaborations(min_confidence=min_confidence, max_sentence_chars=max_sentence_chars)


class ProseCollaborations:
    """Finds collaborations in sentences, then appends them to ``doc._.govmap_collaborations``.

    min_confidence: collaborations whose cue is weaker than this are dropped (default 0.5).
    max_sentence_chars: longer sentences are treated as noise (default 1500).
    """

    def __init__(
        self, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS
    ) -> None:
        if not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be in [0, 1], got {min_confidence}")
        if max_sentence_chars < 1:
            raise ValueError(f"max_sentence_chars must be ≥ 1, got {max_sentence_chars}")
        self.min_confidence = min_confidence
        self.max_sentence_chars = max_sentence_chars
        self._triggers = [(c, _compile(c.pattern)) for c in cue_lexicon.TRIGGER_CUES]
        self._types = [(_compile(p), t) for p, t in cue_lexicon.TYPE_CUES]
        self._status = [(_compile(p), s) for p, s in cue_lexicon.STATUS_CUES]
        self._negation = _compile(cue_lexicon.NEGATION_CUES)
        self._hypothetical = _compile(cue_lexicon.HYPOTHETICAL_CUES)
        self._personal = re.compile(cue_lexicon.PERSONAL_SUBJECT)
        self._announcing = _compile(cue_lexicon.ANNOUNCING_CUES)
        self._dated_past = _compile(cue_lexicon.DATED_PAST_CUES)
        self._alignment = _compile(cue_lexicon.ALIGNMENT_CUES)
        self._endorsed_after = re.compile(rf"['\u2019]s\s+(?:[\w-]+\s+){{0,2}}?{cue_lexicon.ENDORSED_NOUNS}\b", re.I)
        self._endorsed_before = re.compile(rf"\b{cue_lexicon.ENDORSED_NOUNS}\s+(?:of|by|from)\s+(?:the\s+)?$", re.I)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.find(doc))
        return doc

    @staticmethod
    def set_annotations(doc: Doc, collaborations: list[Collaboration]) -> None:
        """Append to the doc's collaborations, keeping what other components put there."""
        add_records(doc, "govmap_collaborations", collaborations)
        spans = doc.spans[INSTITUTIONS] if INSTITUTIONS in doc.spans else ()
        forms_mentioned = {(s.kb_id_, s.text) for s in spans}
        grounder = MentionGrounder(doc)
        for c in collaborations:
            for key, surface in zip(c.parties, c.party_surfaces):
                # Parties read from bare country words ("the UK and Japan") have no ruler span; each
                # form is grounded once, so the body's aliases hold every form a party was read from.
                if (
                    surface
                    and (key, surface) not in forms_mentioned
                    and grounder.ground(
                        c.page, surface, key, anchor=None, extractor="prose:party", confidence=c.confidence
                    )
                ):
                    forms_mentioned.add((key, surface))
        grounder.close()

    # -- finding -------------------------------------------------------------------------------

    def find(self, doc: Doc) -> list[Collaboration]:
        """Every collaboration stated in the doc's sentences, in reading order."""
        spans = list(doc.spans[INSTITUTIONS]) if INSTITUTIONS in doc.spans else []
        by_sentence: dict[int, list[Span]] = {}
        sentences = list(doc.sents)
        starts = [s.start for s in sentences]
        for span in spans:
            if not span.kb_id_:
                continue
            i = bisect.bisect_right(starts, span.start) - 1
            by_sentence.setdefault(i, []).append(span)
        document = doc._.govmap_document
        doc_id = getattr(document, "doc_id", "") or ""
        linker = doc._.govmap_linker
        page_starts = doc._.govmap_page_starts
        out: list[Collaboration] = []
        topic: Span | None = None  # the institution the last sentences are about
        previous: tuple[_Party, ...] = ()  # distinct parties of the sentence before
        lead: Collaboration | None = None  # a statement ending in ":" whose list items it governs
        lead_subject: tuple[_Party, ...] = ()  # "The Commission will:": the subject of the items below
        lead_status = ""  # the status the lead's modal gives its items
        opener: _Party | None = None  # the body a recent sentence opened with ("The EU has ...")
        opener_age = 0
        stated: set[tuple[tuple[str, ...], str]] = set()  # (parties, evidence) already recorded
        full_text = doc_text(doc)
        in_item = False  # the sentence before belongs to a list item
        for i, sent in enumerate(sentences):
            mentions = by_sentence.get(i, [])
            sent_text = _sentence_text(sent)
            text = " ".join(sent_text.split())
            referent = topic if _refers_back(text) else None
            topic = _topic_of(sent, mentions, text) or referent
            # A second sentence of a list item ("- Expanding X. Both sides will ...") continues it.
            continued = in_item and not _starts_line(full_text, sent.start_char)
            is_item = bool(_LIST_ITEM.match(sent_text)) or continued
            in_item = is_item
            # A heading inside the list ("**Space**" between groups of items) does not end it.
            if not is_item and not _is_heading(text):
                lead, lead_subject = None, ()
            if (not mentions and linker is None) or len(sent_text) > self.max_sentence_chars:
                previous = ()
                opener_age += 1
                continue
            page = page_at(page_starts, sent.start_char)[0]
            parties = self._parties(sent, mentions, text, linker)
            carried = _Party(-1, -1, opener.key, "") if opener is not None and opener_age <= CARRY_SENTENCES else None
            read = partial(self.find_in_sentence, sent, mentions, linker=linker, doc_id=doc_id, page=page, text=text)
            found = read(referent=referent, previous=previous, parties=parties, carried=carried)
            if parties and parties[0].start <= _TOPIC_LEAD and parties[0].surface and not _is_heading(text):
                opener, opener_age = parties[0], 1
            else:
                opener_age += 1
            # A continuation keeps the list going but restates nothing of the lead's on its own.
            if not found and lead is not None and not continued:
                found = self._list_item(lead, text, parties, page)
            if not found and lead_subject and is_item and not continued:
                # "- launch a joint programme with Y" under "X will:": the lead's subject acts.
                found = read(parties=sorted([*lead_subject, *parties], key=lambda p: (p.start, p.end)))
                # "X will:" makes every item a plan, unless the item says otherwise.
                if lead_status and not any(rx.search(text) for rx, _ in self._status):
                    found = [replace(c, status=lead_status) for c in found]
            # A sentence printed twice (a PDF text layer laid down twice, a repeated summary) is one statement.
            found = [c for c in found if (c.parties, c.evidence) not in stated]
            stated.update((c.parties, c.evidence) for c in found)
            out.extend(found)
            if found and text.endswith(":"):
                lead = found[0]
            elif text.endswith(":") and not is_item:
                lead_subject = _lead_subject(text, parties)
                lead_status = next((st for rx, st in self._status if rx.search(text)), "")
            previous = tuple({p.key: p for p in parties}.values())
        return out

    def _list_item(self, lead: Collaboration, text: str, parties: list["_Party"], page: int) -> list[Collaboration]:
        """A list item under a statement ending in ":" ("X and Y are launching initiatives in these
        domains:") restates the lead's collaboration for its own subject: the lead's parties plus
        any the item names, the item's own types and status where it says them."""
        if _is_heading(text) or self._negation.match(text):
            return []
        named = [(p.start, p.end) for p in parties if p.surface]
        types = {t for rx, t in self._types for m in rx.finditer(text) if not _inside(m.start(), m.end(), named)}
        keyed = dict(zip(lead.parties, lead.party_surfaces))
        if not types and all(p.key in keyed for p in parties) and not _ACTIVITY_ITEM.match(text):
            # "... shall report to Y on the following: (a) the need for amendments ...": an item
            # that adds no kind of work, no party and no activity names a topic of the lead's one
            # statement (or quotes its text), not a statement of its own.
            return []
        for p in parties:
            keyed.setdefault(p.key, p.surface)
        status = next((st for rx, st in self._status if rx.search(text)), lead.status)
        keys = tuple(sorted(keyed))
        return [
            replace(
                lead,
                parties=keys,
                party_surfaces=tuple(keyed[k] for k in keys),
                types=tuple(sorted(types)) or lead.types,
                status=status,
                page=page,
                evidence=_evidence(text),
                extractor="prose:list_item",
                confidence=round(lead.confidence * 0.9, 3),
            )
        ]

    def find_in_sentence(
        self,
        sent: Span,
        mentions: list[Span],
        *,
        linker=None,
        doc_id: str = "",
        page: int = 1,
        referent: Span | None = None,
        text: str | None = None,
        previous: tuple["_Party", ...] = (),
        parties: list["_Party"] | None = None,
        carried: "_Party | None" = None,
    ) -> list[Collaboration]:
        """Collaborations one sentence states, from its institution spans (in any order).

        referent: the institution a sentence-initial "It"/"Its" stands for (the previous
        sentences' topic), if any.
        previous: the distinct parties the sentence before named, for "the two institutes".
        carried: the body the last sentences opened with, subject of a partner phrase without one.
        parties: the sentence's parties when the caller has read them already (`_parties`).
        text: the sentence's text with whitespace runs as one space, stripped, when the caller
        has it already.
        """
        if text is None:
            text = " ".join(_sentence_text(sent).split())
        if (
            not text
            or _CITATION.search(_MARKDOWN_LINK_TARGET.sub("]", text))
            or _FOOTNOTE_START.match(text)
            or _REFERENCE_ENTRY.match(text)
            or _CODE_LINE.search(text)
        ):
            return []
        if parties is None:
            parties = self._parties(sent, mentions, text, linker)
        # A body named as another's organ is a statement wherever it stands: headings, affiliation
        # lines and biographies too.
        found: dict[tuple[str, ...], Collaboration] = {}
        for chain in organ_chains(text, parties) if len(parties) > 1 else ():
            keyed = {p.key: p.surface for p in reversed(chain)}
            keys = tuple(sorted(keyed))
            found[keys] = Collaboration(
                doc_id=doc_id,
                parties=keys,
                types=("institutional_integration",),
                raw_types=(text[chain[0].start : chain[-1].end],),
                status="existing",
                page=page,
                evidence=_evidence(text),
                extractor="prose:organ",
                confidence=0.75,
                party_surfaces=tuple(keyed[k] for k in keys),
            )
        if text.rstrip().endswith("?") or self._personal.match(text) or _is_heading(text):
            return list(found.values())
        biography = bool(_PERSON.search(text))
        if (
            referent is not None
            and (m := _PRONOUN_START.match(text))
            and referent.kb_id_ not in {p.key for p in parties[:1]}
        ):
            # "It serves as a key UN partner": the pronoun stands for the previous topic.
            parties = sorted(
                parties + [_Party(m.start("pronoun"), m.end("pronoun"), referent.kb_id_, "")],
                key=lambda p: (p.start, p.end),
            )
        at = _BACK_REFERENCE.search(text) if previous and len({p.key for p in parties}) < 2 else None
        if at:
            # "The two institutes will ...": the parties the sentence before named.
            parties = sorted(
                parties + [_Party(at.start(), at.end(), p.key, "") for p in previous], key=lambda p: (p.start, p.end)
            )
        if len({p.key for p in parties} | ({carried.key} if carried is not None else set())) < 2:
            return list(found.values())
        # Cue words inside a name ("Center for AI Standards", "Global Partnership on AI") are no cues.
        named = [(p.start, p.end) for p in parties if p.surface]
        triggers = [t for t in self._find_triggers(text) if not _inside(t.start, t.end, named)]
        # A creation verb or "a report by" with no body right after it is no trigger at all, and must
        # not cut the clause of the trigger beside it ("X was founded as part of Y").
        triggers = [
            t
            for t in triggers
            if t.cue.role not in ("founds", "coauthor")
            or any(p.start >= t.end and _DIRECT_OBJECT.match(text[t.end : p.start]) for p in parties if p.surface)
        ]
        if not triggers:
            return list(found.values())
        type_hits = [
            (m.group(0), t)
            for rx, t in self._types
            for m in rx.finditer(text)
            if not _inside(m.start(), m.end(), named)
        ]
        for n, trig in enumerate(triggers):
            if self._is_negated(text, trig) or self._hypothetical.search(text, 0, trig.start):
                continue
            if biography and trig.cue.rule in ("membership", "integration", "support", "funding"):
                continue  # "she was a member of X", "before joining Y": a person's career, not the bodies
            lo = triggers[n - 1].end if n else 0
            hi = triggers[n + 1].start if n + 1 < len(triggers) else len(text)
            acting = self._acting(text, trig, parties)
            groups, structure_penalty = _party_groups(text, trig, acting, lo, hi, carried)
            if not groups:
                # Recall first: no subject/object structure was read, but the trigger's clause names
                # a few parties and no examples ("such as X and Y"): one statement among them all.
                clause = [p for p in acting if lo <= p.start and p.end <= hi]
                # "Partnerships with X and Y could ...": X and Y are the partners of someone unnamed.
                # "authorities should cooperate with X ... and inform Y": the subject is no named body.
                with_next = trig.text.lower().endswith("with") or text.startswith(" with ", trig.end)
                unnamed_subject = with_next and all(p.start >= trig.end for p in clause)
                if (
                    trig.cue.role not in ("directed", "coauthor", "founds", "absorb")
                    and trig.cue.rule != "membership"  # a member and its body stand in roles, never just together
                    and not unnamed_subject
                    and not _EXAMPLES_ANYWHERE.search(text)
                    and 2 <= len({p.key for p in clause}) <= MAX_FALLBACK_PARTIES
                ):
                    groups, structure_penalty = [clause], FALLBACK_FACTOR
                else:
                    continue
            first = min(p.start for g in groups for p in g)
            last = max(p.end for g in groups for p in g)
            status = self._status_of(text, trig, min(first, trig.start), max(last, trig.end))
            confidence = round(max(0.0, min(1.0, trig.cue.strength * structure_penalty)), 3)
            if confidence < self.min_confidence:
                continue
            types, raw = _types_of(trig, type_hits)
            for group in _split_compound_pairs(text, groups, parties):
                keyed = {}
                for p in group:
                    if not keyed.get(p.key):
                        keyed[p.key] = p.surface
                if len(keyed) < 2:
                    continue
                keys = tuple(sorted(keyed))
                collab = Collaboration(
                    doc_id=doc_id,
                    parties=keys,
                    types=types,
                    raw_types=raw,
                    status=status,
                    page=page,
                    evidence=_evidence(text),
                    extractor=f"prose:{trig.cue.rule}",
                    confidence=confidence,
                    party_surfaces=tuple(keyed[k] for k in keys),
                )
                found[keys] = _merge(found.get(keys), collab)
        return list(found.values())

    # -- pieces --------------------------------------------------------------------------------

    def _parties(self, sent: Span, mentions: list[Span], text: str, linker) -> list[_Party]:
        base = sent.start_char
        # Most sentences name no institution: their offsets into `text` are never needed.
        index = _collapsed_offsets(_sentence_text(sent)) if mentions else []
        parties = [
            _Party(
                _to_collapsed(index, s.start_char - base),
                _to_collapsed(index, s.end_char - base),
                s.kb_id_,
                " ".join(_span_text(s).split()),
            )
            for s in mentions
        ]
        # Both country patterns coordinate names with " and " or " & ", and read capitalised
        # names after it; the plural one ends with a plural head.
        if linker is not None and (" and " in text or " & " in text) and _COORDINATED_NAME.search(text):
            for m in _COUNTRY_SUBJECT.finditer(text):
                if any(not (q.end <= m.start("countries") or q.start >= m.end()) for q in parties):
                    continue
                expanded = _listed_countries(m, linker, COUNTRY_KIND_HINTS)
                if len(expanded) >= 2:
                    parties = parties + expanded
            for m in _PLURAL_AISI.finditer(text) if any(w in text for w in _PLURAL_HEAD_WORDS) else ():
                expanded = _listed_countries(m, linker, ("ai_safety_institute",), suffix=" AISI")
                if len(expanded) >= 2:
                    parties = [p for p in parties if p.end <= m.start() or p.start >= m.end()] + expanded
        kb = getattr(linker, "kb", None)
        if kb is not None:
            # A country-named body ("EU") only where it stands as a state: not "EU level", "EU support".
            # Other names of the EU ("the Union") too: "across the Union" is a place, "Union AI
            # structures" a modifier.
            eu = linker.link("EU")
            parties = [
                p
                for p in parties
                if (p.surface not in kb.country_surfaces and p.key != eu) or is_state_use(text, p.start, p.end)
            ]
            # Countries acting as states ("India and Japan agreed", "talks with Canada").
            for state in kb.states.find(text):
                if any(q.start < state.end and state.start < q.end for q in parties):
                    continue
                key = linker.link("EU") if state.code == "EU" else kb.body_of_country(state.code, "government_body")
                if key:
                    parties.append(_Party(state.start, state.end, key, state.surface))
        # "runs its models alongside a Westwind system": a name after "a"/"an" and before a common
        # noun qualifies a product or a kind of body, the body itself takes no part.
        parties = [p for p in parties if not _is_attributive(text, p)]
        if "," in text and ("[" in text or "(" in text):
            tagged = _bracketed_lists(text)
            parties = [p for p in parties if not any(lo <= p.start and p.end <= hi for lo, hi in tagged)]
        return sorted(parties, key=lambda p: (p.start, p.end))

    def _acting(self, text: str, trig: _Trigger, parties: list[_Party]) -> list[_Party]:
        """The parties that can act in the trigger's statement: not those after a reference the
        work follows ("consistent with Y's recommendations"), nor, after a support verb whose
        object is a body's policy ("supported Y's approach"), that body or any named after it."""
        cut = m.start() if (m := self._alignment.search(text, trig.end)) else len(text)
        after = [p for p in parties if p.start >= trig.end]
        if trig.cue.rule == "support" and after:
            obj = after[0]
            gap = text[trig.end : obj.start]
            # The endorsed policy is the verb's object itself: "supported Y's approach", not
            # "supported the revision of Y's principles" (work on Y's text).
            if (
                _DIRECT_OBJECT.match(gap) and self._endorsed_after.match(text, obj.end)
            ) or self._endorsed_before.search(gap):
                cut = min(cut, obj.start)
        return [p for p in parties if p.start < trig.end or p.start < cut]

    def _find_triggers(self, text: str) -> list[_Trigger]:
        hits = [_Trigger(c, m.start(), m.end(), m.group(0)) for c, rx in self._triggers for m in rx.finditer(text)]
        # Overlapping cues describe one trigger; the strongest (then longest) names it.
        hits.sort(key=lambda t: (-t.cue.strength, -(t.end - t.start), t.start))
        kept: list[_Trigger] = []
        for t in hits:
            if all(t.end <= k.start or t.start >= k.end for k in kept):
                kept.append(t)
        return sorted(kept, key=lambda t: t.start)

    def _is_negated(self, text: str, trig: _Trigger) -> bool:
        return bool(self._negation.search(text, max(0, trig.start - NEGATION_LOOKBEHIND), trig.end))

    def _status_of(self, text: str, trig: _Trigger, first: int, last: int) -> str:
        # From just before the first party (a modal or "we recommend that") to just after the
        # last one (a passive "... was announced").
        window = text[max(0, first - STATUS_LOOKBEHIND) : last + STATUS_LOOKAHEAD]
        if trig.cue.role == "recommend":
            return "proposed"
        if self._announcing.search(text, 0, trig.start):
            return "announced"
        status = next((st for rx, st in self._status if rx.search(window)), trig.cue.status)
        if status == "announced" and self._dated_past.search(window):
            return "existing"
        return status


def find_collaborations(
    doc: Doc, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE, max_sentence_chars: int = DEFAULT_MAX_SENTENCE_CHARS
) -> list[Collaboration]:
    """Collaborations stated in the prose of a doc whose sentences and institution spans are set.

    Writes nothing to the doc; the pipeline component does that.
    Raises ValueError for a setting out of range.
    """
    return ProseCollaborations(min_confidence=min_confidence, max_sentence_chars=max_sentence_chars).find(doc)


def _span_text(span: Span) -> str:
    """`span.text`, sliced from the doc's text instead of rebuilt from the span's tokens."""
    return doc_text(span.doc)[span.start_char : span.end_char]


_WORD = re.compile(r"\S+")
# Inline markup some reports carry in their text ("<u>signed</u> an MoU"): blanked to spaces of
# the same length, so cue words read as words and offsets stay put.
_INLINE_TAG = re.compile(r"</?(?:u|b|i|em|strong|sup|sub|span|mark)\b[^>]{0,40}>", re.I)


def _sentence_text(sent: Span) -> str:
    text = _span_text(sent)
    if "<" not in text:
        return text
    return _INLINE_TAG.sub(lambda m: " " * len(m.group(0)), text)


def _collapsed_offsets(text: str) -> list[int]:
    """For each character of `" ".join(text.split())`, its offset in `text` (a whitespace run's
    space stands at the run's first character)."""
    index: list[int] = []
    for m in _WORD.finditer(text):
        if index:
            index.append(index[-1] + 1)  # the whitespace run right after the previous word
        index.extend(range(m.start(), m.end()))
    return index


def _to_collapsed(index: list[int], original: int) -> int:
    return bisect.bisect_left(index, original)


def _inside(start: int, end: int, named: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps an institution's name."""
    return any(start < e and s < end for s, e in named)


def _is_heading(text: str) -> bool:
    """A short line without final punctuation and mostly capitalised words: a heading, not a statement."""
    text = text.strip("#* ")  # Markdown heading and emphasis markers
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or text.endswith(_FINAL_PUNCT):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return capitalised * 2 >= len(words)


def _bracketed_lists(text: str) -> list[tuple[int, int]]:
    """The spans of bracketed lists of names in `text` (see `_BRACKETED_LIST`)."""
    spans = []
    for m in _BRACKETED_LIST.finditer(text):
        group = "square" if m.group("square") is not None else "round"
        if all(_LIST_NAME.match(item) for item in m.group(group).split(",")):
            spans.append((m.start(group), m.end(group)))
    return spans


def _starts_line(text: str, at: int) -> bool:
    """Whether offset `at` of the doc's text opens a line (only spaces before it on its line)."""
    while at > 0 and text[at - 1] in " \t":
        at -= 1
    return at == 0 or text[at - 1] == "\n"


def _lead_subject(text: str, parties: list[_Party]) -> tuple[_Party, ...]:
    """The subject of a lead sentence whose list items are its predicates ("The Commission will:",
    "X and Y intend to:"), as parties standing at the start of each item."""
    m = _SUBJECT_LEAD.search(text)
    if m is None:
        return ()
    before = [p for p in parties if p.end <= m.start() and m.start() - p.end <= SUBJECT_REACH and p.surface]
    before = [p for p in before if not _CLAUSE_BREAK.search(text, p.end, m.start())]
    return tuple(_Party(0, 0, p.key, "") for p in _coordinated_backwards(text, before))


_INDEFINITE_BEFORE = re.compile(r"\b(?:a|an)\s+$", re.I)
# A common noun after the name: not a preposition, relative or verb that would make the name a
# head, nor a part of the body ("a Y team" is Y's people).
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:for|to|of|in|on|at|with|by|from|that|which|who|and|or|as|is|are|was|were|will|has|have"
    r"|team|teams|staff|researchers?|experts?|delegation|group|unit|lab|office|division|subsidiary)\b)[a-z]"
)


def _is_attributive(text: str, p: "_Party") -> bool:
    """Whether party p stands as a modifier between an indefinite article and a noun ("an X system")."""
    return bool(_INDEFINITE_BEFORE.search(text, max(0, p.start - 4), p.start) and _NOUN_AFTER.match(text, p.end))


def _refers_back(text: str) -> bool:
    return bool(_PRONOUN_START.match(text)) and not _EXPLETIVE_IT.match(text)


def _topic_of(sent: Span, mentions: list[Span], text: str) -> Span | None:
    """The institution a sentence opens with ("The OECD has ...", "- UNESCO is ..."), if any."""
    if not mentions or _is_heading(text):
        return None
    first = min(mentions, key=lambda s: s.start_char)
    lead = _SPACE.sub(" ", _span_text(sent)[: first.start_char - sent.start_char]).strip()
    if len(lead) <= _TOPIC_LEAD and re.fullmatch(r"(?:[-\u2013\u2022*]\s*)?(?:[Tt]he\s*)?\[?", lead):
        return first
    return None


def _split_compound_pairs(text: str, groups: list[list[_Party]], parties: list[_Party]) -> list[list[_Party]]:
    """A group member named in a compound pair ("MoUs for X-Y, X-Z") stands for that pair only."""
    pairs: dict[int, list[_Party]] = {}
    for a, b in zip(parties, parties[1:]):
        if a.end <= b.start and a.key != b.key and _PAIR_JOIN.match(text[a.end : b.start]):
            pairs.setdefault(id(a), [a, b])
            pairs.setdefault(id(b), [a, b])
    if not pairs:
        return groups
    out: list[list[_Party]] = []
    for group in groups:
        compound = [pairs[id(p)] for p in group if id(p) in pairs]
        out.extend(compound or [group])
    return out


def _party_groups(
    text: str, trig: _Trigger, parties: list[_Party], lo: int, hi: int, carried: _Party | None = None
) -> tuple[list[list[_Party]], float]:
    """Party groups (one per collaboration) around a trigger, and a confidence factor for the structure.

    carried: the body the last sentences opened with, the subject of a partner phrase that has
    none of its own ("Talks with Y are under way" after "X has ...").
    """
    # The sentence's own subject ("The UK and Canada commit to ... and to jointly identify ...")
    # governs the whole clause; other institutions only the trigger they stand near.
    before = [
        p
        for p in parties
        if lo <= p.start
        and p.end <= trig.start
        and trig.start - p.end <= (LEAD_SUBJECT_REACH if _leads(text, parties, p) else SUBJECT_REACH)
    ]
    before = [p for p in before if not _CLAUSE_BREAK.search(text, p.end, trig.start)]
    subjects = _coordinated_backwards(text, before)
    if subjects and _PARTICIPLE_BREAK.search(text, subjects[-1].end, trig.end):
        # "X signed an MoU with A and B, enabling collaboration on ...": the participle's subject is
        # the sentence's subject, not the nearest institution.
        lead = parties[0]
        subjects = (
            _coordinated_forwards(text, [q for q in before if q.start >= lead.start], lead.start)
            if lead.start <= _TOPIC_LEAD and lead in before
            else []
        )
    after = [p for p in parties if p.start >= trig.end and p.end <= hi]
    after = [
        p
        for p in after
        if not _CLAUSE_BREAK.search(text, trig.end, p.start) and not _PARTICIPLE_BREAK.search(text, trig.end, p.start)
    ]
    after = [p for p in after if not _in_example_parenthesis(text, trig.end, p.start)]
    if (
        subjects
        and not text[subjects[-1].end : trig.start].strip()
        and trig.text.lower().startswith("partner")
        and not trig.text.lower().endswith("with")
    ):
        # "It is a key UN partner", "The ISC ... as well as being a key UN partner": the institution
        # before the noun "partner" is the counterpart of the sentence's subject.
        lead = parties[0]
        if lead.start <= _TOPIC_LEAD and lead.key != subjects[-1].key:
            return [[lead, subjects[-1]]], 0.9
        return [], 0.0
    if trig.cue.role == "absorb" and trig.text.lower().endswith("of") and after:
        # "the integration of X with Y", "integration of X into Y"
        first = after[0]
        nxt = next((p for p in after[1:] if p.start >= first.end), None)
        if nxt is not None and re.fullmatch(
            r"\s*(?:\(\w+\)\s*)?(?:with|into|in|within)\s+(?:the\s+)?", text[first.end : nxt.start]
        ):
            return [[first, nxt]], 1.0
    between = bool(_BETWEEN.match(text[trig.end :])) or trig.text.lower().endswith(("between", "among"))
    if after and not between:
        # "X shares its allocation of the Y with Z": the counterpart is what follows "with".
        with_at = _WITH.search(text, trig.end, after[0].start) if not trig.text.lower().endswith("with") else None
        later = _WITH.search(text, after[0].end, after[-1].start) if after else None
        gap = text[after[0].end : later.start()] if later is not None else ""
        if with_at is None and later is not None and (not gap.strip() or not _COORDINATION_GAP.match(gap)):
            after = [p for p in after if p.start >= later.end()]
    counterparts = _coordinated_forwards(text, after, trig.end)
    lead_in = text[trig.end : counterparts[0].start] if counterparts else ""
    # "collaborating with agencies like X and Y": X and Y are the counterparts of an unnamed
    # subject, or examples of a category, never each other's partners.
    examples = bool(_EXAMPLES.search(lead_in))
    with_intro = trig.text.lower().endswith("with") or bool(_WITH.search(lead_in))
    if trig.cue.role == "absorb" and not subjects and trig.start <= _TOPIC_LEAD:
        # "Housed in X of Y, Z is ...": the fronted participle's subject follows its comma.
        comma = text.find(",", trig.end)
        hosts = [p for p in parties if p.start >= trig.end and 0 <= comma and p.end <= comma]
        subject = next((p for p in parties if p.start > comma >= 0), None)
        if hosts and subject is not None and re.fullmatch(r",\s+(?:the\s+)?", text[comma : subject.start]):
            return [[subject, *hosts]], 0.9
    if trig.cue.role == "absorb":
        if trig.text.lower().startswith("as ") and not (
            subjects and _PLACED_AS.fullmatch(text[subjects[-1].end : trig.start])
        ):
            # "a partnership with X on AI as part of the Y Fund", "... as part of their Y
            # Presidency": an activity done within a programme, not X made a unit of Y.  Only
            # "X, as part of Y" or "X was founded as part of Y" places X itself.
            return [], 0.0
        if subjects and counterparts:
            return [[subjects[-1], counterparts[0]]], 1.0
        if len(counterparts) >= 2:
            return [counterparts[:2]], 0.9
        # "X and Y sit within ...": two units of a third body, not of each other.
        return [], 0.0
    # "companies such as X and Y have invested": examples of a category, not a body acting.
    if subjects and _EXAMPLES.search(text, max(0, subjects[0].start - 25), subjects[0].start):
        subjects = []
    if trig.cue.role == "directed" and not subjects and counterparts and trig.start <= _TOPIC_LEAD:
        # "Supported by X and Y, Z launched ...": the opening phrase's subject follows its comma.
        # The comma reads as coordination, so the subject is the last counterpart after a bare comma.
        if len(counterparts) >= 2 and re.fullmatch(
            r",\s+(?:the\s+)?", text[counterparts[-2].end : counterparts[-1].start]
        ):
            subjects, counterparts = counterparts[-1:], counterparts[:-1]
    if trig.cue.role == "directed":
        return ([subjects + counterparts], 1.0) if subjects and counterparts and not examples else ([], 0.0)
    if trig.cue.role == "coauthor":
        # "a report by X and Y": two or more authors right after "by"; one author is its own work.
        near = len(counterparts) >= 2 and bool(_DIRECT_OBJECT.match(text[trig.end : counterparts[0].start]))
        return ([counterparts], 1.0) if near and not examples else ([], 0.0)
    if trig.cue.role == "founds":
        # "X established the Y Group": Y stands right after the verb; "X established that ..." no.
        if (
            subjects
            and counterparts
            and _DIRECT_OBJECT.match(text[trig.end : counterparts[0].start])
            and subjects[-1].key != counterparts[0].key
        ):
            return [[subjects[-1], counterparts[0]]], 1.0
        return [], 0.0
    if between and len(counterparts) >= 2 and not examples:
        return [counterparts], 1.0
    if subjects and counterparts:
        # "X signed MoUs with A and B" is one statement of three parties, as the guideline reads it.
        return [subjects + counterparts], 1.0
    if len(subjects) >= 2 and trig.cue.rule != "membership":
        # "X and Y joined ...", "X and Y are members of ...": each joined something unnamed.
        return [subjects], 0.95
    if len(counterparts) >= 2 and not examples and not with_intro:
        return [counterparts], 0.85
    if (
        carried is not None
        and with_intro
        and not subjects
        and counterparts
        and not examples
        and not any(lo <= p.start and p.end <= trig.start for p in parties)
        and carried.key not in {p.key for p in counterparts}
    ):
        return [[carried, *counterparts]], CARRIED_FACTOR
    return [], 0.0


def _leads(text: str, parties: list[_Party], p: _Party) -> bool:
    """Whether p is (coordinated into) the subject the sentence opens with."""
    lead = parties[0]
    if lead.start > _TOPIC_LEAD:
        return False
    group = _coordinated_forwards(text, [q for q in parties if q.start >= lead.start], lead.start)
    return any(q is p for q in group)


def _in_example_parenthesis(text: str, lo: int, at: int) -> bool:
    """Whether position `at` sits in a parenthesis of examples "(e.g. the G7 model)" opened after lo."""
    opened = text.rfind("(", lo, at)
    return (
        opened >= 0
        and ")" not in text[opened:at]
        and bool(re.match(r"\(\s*(?:e\.g\.|i\.e\.|such as|like|for example|for instance|as in)", text[opened:at], re.I))
    )


def _coordinated_backwards(text: str, before: list[_Party]) -> list[_Party]:
    """The institution nearest before the trigger plus those coordinated with it ("X, Y and Z")."""
    if not before:
        return []
    group = [before[-1]]
    for p in reversed(before[:-1]):
        if p.end <= group[0].start and (
            _COORDINATION_GAP.match(text[p.end : group[0].start]) or _PAIR_JOIN.match(text[p.end : group[0].start])
        ):
            group.insert(0, p)
        elif p.end > group[0].start:  # nested or overlapping spans: keep the outer one's group
            continue
        else:
            break
    return group


def _coordinated_forwards(text: str, after: list[_Party], trigger_end: int) -> list[_Party]:
    """The first institution after the trigger plus those coordinated with it."""
    if not after or after[0].start - trigger_end > COUNTERPART_REACH:
        return []
    group = [after[0]]
    for p in after[1:]:
        if p.start >= group[-1].end and (
            _COORDINATION_GAP.match(text[group[-1].end : p.start]) or _PAIR_JOIN.match(text[group[-1].end : p.start])
        ):
            group.append(p)
        elif p.start < group[-1].end:
            continue
        else:
            break
    return group


def _types_of(trig: _Trigger, type_hits: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    types = set(trig.cue.types)
    raw = [trig.text]
    for printed, t in type_hits:
        types.add(t)
        if printed not in raw:
            raw.append(printed)
    if cue_lexicon.SPECIFIC_OVER_GENERAL and len(types) > 1:
        types.discard("general_partnership")
    return tuple(sorted(types)), tuple(raw)


def _merge(old: Collaboration | None, new: Collaboration) -> Collaboration:
    """Two triggers in one sentence for the same parties: one collaboration, the stronger's status."""
    if old is None:
        return new
    strong, weak = (old, new) if old.confidence >= new.confidence else (new, old)
    types = set(strong.types) | set(weak.types)
    if len(types) > 1:
        types.discard("general_partnership")
    raw = tuple(dict.fromkeys(strong.raw_types + weak.raw_types))
    return replace(strong, types=tuple(sorted(types)), raw_types=raw)


def _evidence(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"
