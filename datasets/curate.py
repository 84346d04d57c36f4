"""Apply a curation file's decisions to a release's rows: after resolution, before validation.

Entity decisions (merge, split, set, never) are taken first, in file order, on the resolved
institutions and instruments; then every document's rows pass through `CurationRun.document`
(record decisions and the entity rules that act on mentions); `entity_rows` gives the entity
tables at the end.  A decision whose record, id, page or words are not in this release is
**stale**: it is reported with its reason (`report`), never dropped silently.

One rule keeps the tables consistent: a body is a party of a document's collaborations and the
subject of its ratings only while the document still mentions it.  So a surface form rejected as
"never an institution" takes its body out of that document's collaborations (one left with
fewer than two parties goes), and a split alias takes its records along to the new body.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from govmap.datasets import record_ids
from govmap.datasets.curation import Curation
from govmap.text import alias_form, slugify


class Resolution(Protocol):
    """What curation reads of cross-document resolution (`govmap.extractors.resolve.Resolution`,
    a frozen dataclass), named here so that this stage does not import extraction."""

    institutions: Any
    instruments: Any
    key_map: dict[str, str]
    instrument_key_map: dict[str, str]


__all__ = ["CurationRun", "CurationReport", "StaleDecision", "REVIEW_RANK"]

# A row touched by several decisions shows the strongest: what a reviewer added or changed says
# more than a confirmation.
REVIEW_RANK = {"machine": 0, "confirmed": 1, "corrected": 2, "added": 3}
_STATE = {
    "confirm": "confirmed",
    "correct": "corrected",
    "reject": "corrected",
    "add": "added",
    "merge": "corrected",
    "split": "corrected",
    "set": "corrected",
    "never": "corrected",
}
_TABLE_KEY = {"mentions": "mention_id", "collaborations": "collaboration_id", "criteria_ratings": "rating_id"}
_ENTITY_KEY = {"institution": "institution_id", "instrument": "instrument_id"}


@dataclass(frozen=True)
class StaleDecision:
    number: int  # 1-based position in the file
    decision: str  # how the report names it: "#3 merge institution a into b"
    reason: str


@dataclass(frozen=True)
class CurationReport:
    """What a release did with the curation file: for manifest.json, the quality report, the card."""

    file: str | None
    sha256: str
    applied: tuple[str, ...]
    stale: tuple[StaleDecision, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "decisions": len(self.applied) + len(self.stale),
            "applied": list(self.applied),
            "stale": [asdict(s) for s in self.stale],
        }


@dataclass
class _Rule:
    """A decision that acts on mention rows by surface form (never, split)."""

    index: int
    entity_type: str
    form: str
    entity_id: str | None = None  # split: the body the alias leaves
    new_id: str | None = None  # split: the body it joins
    document: str | None = None  # never: one document only
    hits: int = 0


@dataclass
class _DocChange:
    """How a document's bodies moved: old id -> the ids its mentions went to (empty: dropped)."""

    before: set[str] = field(default_factory=set)
    moved: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


class CurationRun:
    """One release's application of a curation file.  Not thread-safe; one per publish."""

    def __init__(self, curation: Curation, resolution: Resolution) -> None:
        self.curation = curation
        self._status: dict[int, str | None] = {}  # index -> None applied, else the stale reason
        self._entities: dict[str, dict[str, dict[str, Any]]] = {
            "institution": {r.institution_id: _entity_row(r) for r in resolution.institutions},
            "instrument": {r.instrument_id: _entity_row(r) for r in resolution.instruments},
        }
        self._affected: dict[str, set[str]] = {"institution": set(), "instrument": set()}
        self._merged_into: dict[tuple[str, str], str] = {}
        self._rules: list[_Rule] = []
        self._records: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._adds: dict[str, list[int]] = defaultdict(list)
        self._counts: dict[str, Counter] = {"institution": Counter(), "instrument": Counter()}
        self._docs: dict[str, dict[str, set[str]]] = {"institution": defaultdict(set), "instrument": defaultdict(set)}
        key_map, instrument_key_map = dict(resolution.key_map), dict(resolution.instrument_key_map)
        for i, d in enumerate(curation.decisions):
            if d.op == "merge":
                self._merge(i, d, key_map if d.entity == "institution" else instrument_key_map)
            elif d.op == "split":
                self._split(i, d)
            elif d.op == "set":
                self._set(i, d)
            elif d.op == "never":
                self._rules.append(_Rule(i, d.entity, alias_form(d.surface), document=d.document))
            elif d.op == "add":
                self._adds[d.document].append(i)
            else:
                self._records[(d.table, d.id)].append(i)
        self.resolution = replace(resolution, key_map=key_map, instrument_key_map=instrument_key_map)

    # -- entity decisions -------------------------------------------------------------------

    def _current(self, entity: str, entity_id: str) -> str:
        """The id `entity_id` goes by now, after the merges taken so far."""
        while (entity, entity_id) in self._merged_into:
            entity_id = self._merged_into[(entity, entity_id)]
        return entity_id

    def _stale(self, index: int, reason: str) -> None:
        self._status[index] = reason

    def _applied(self, index: int) -> None:
        self._status.setdefault(index, None)

    def _stamp(self, row: dict[str, Any], index: int) -> None:
        d = self.curation.decisions[index]
        state = _STATE[d.op]
        if REVIEW_RANK[state] >= REVIEW_RANK[row.get("review") or "machine"]:
            row["review"] = state
        row["reviewed_by"], row["reviewed_at"], row["review_note"] = d.by, d.at, d.why

    def _merge(self, index: int, d: Any, key_map: dict[str, str]) -> None:
        table = self._entities[d.entity]
        keep, drop = self._current(d.entity, d.keep), self._current(d.entity, d.drop)
        missing = [x for x in (keep, drop) if x not in table]
        if missing or keep == drop:
            self._stale(
                index,
                f"{d.entity} {' and '.join(missing) or keep} not in this release"
                if missing
                else f"{d.drop} is {d.keep} already",
            )
            return
        for key, value in key_map.items():
            if value == drop:
                key_map[key] = keep
        gone = table.pop(drop)
        kept = table[keep]
        kept["aliases"] = sorted(set(kept["aliases"]) | set(gone["aliases"]) | {gone["name"]})
        self._merged_into[(d.entity, drop)] = keep
        self._affected[d.entity] |= {keep}
        self._stamp(kept, index)
        self._applied(index)

    def _split(self, index: int, d: Any) -> None:
        table = self._entities[d.entity]
        source = self._current(d.entity, d.id)
        row = table.get(source)
        form = alias_form(d.alias)
        if row is None or not any(alias_form(a) == form for a in row["aliases"]):
            self._stale(
                index,
                f"{d.entity} {d.id} not in this release"
                if row is None
                else f"{d.entity} {d.id} has no alias {d.alias!r}",
            )
            return
        new_id = d.new_id or _free_id(slugify(d.alias) or "entity", table)
        if new_id not in table:
            table[new_id] = _split_row(row, new_id, d.alias, d.entity)
        row["aliases"] = [a for a in row["aliases"] if alias_form(a) != form] or [row["name"]]
        table[new_id]["aliases"] = sorted(set(table[new_id]["aliases"]) | {d.alias})
        self._rules.append(_Rule(index, d.entity, form, entity_id=source, new_id=new_id))
        self._affected[d.entity] |= {source, new_id}
        self._stamp(row, index)
        self._stamp(table[new_id], index)
        self._applied(index)

    def _set(self, index: int, d: Any) -> None:
        row = self._entities[d.entity].get(self._current(d.entity, d.id))
        if row is None:
            self._stale(index, f"{d.entity} {d.id} not in this release")
            return
        row.update(d.values)
        self._stamp(row, index)
        self._applied(index)

    # -- per document ------------------------------------------------------------------------

    def document(
        self, doc_id: str, rows: Mapping[str, list[dict[str, Any]]], pages: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """One document's rows (`govmap.extractors.rows.record_rows`) with the decisions applied."""
        out = {name: list(value) for name, value in rows.items()}
        change = _DocChange()
        out["mentions"] = self._mentions(doc_id, out.get("mentions", []), change)
        for index in self._adds.pop(doc_id, []):
            self._add(index, doc_id, pages, out)
        replacement = self._replacements(out["mentions"], change)
        out["collaborations"] = self._collaborations(out.get("collaborations", []), replacement)
        out["criteria_ratings"] = self._ratings(out.get("criteria_ratings", []), replacement)
        for m in out["mentions"]:
            self._counts[m["entity_type"]][m["entity_id"]] += 1
            self._docs[m["entity_type"]][m["entity_id"]].add(doc_id)
        for c in out["collaborations"]:
            for p in c["parties"]:
                self._docs["institution"][p].add(doc_id)
        for r in out["criteria_ratings"]:
            if r.get("subject_id"):
                self._docs["institution"][r["subject_id"]].add(doc_id)
        return out

    def _mentions(self, doc_id: str, mentions: list[dict[str, Any]], change: _DocChange) -> list[dict[str, Any]]:
        kept = []
        for m in mentions:
            etype, old = m["entity_type"], m["entity_id"]
            if etype == "institution":
                change.before.add(old)
            form = alias_form(m["surface"])
            # A "never" wins over a split: the words are no body at all, whichever body had them.
            rules = [
                r
                for r in self._rules
                if r.entity_type == etype
                and r.form == form
                and (r.entity_id is None or self._current(etype, r.entity_id) == old)
                and (r.document is None or r.document == doc_id)
            ]
            rule = next((r for r in rules if r.new_id is None), rules[0] if rules else None)
            if rule is not None and rule.new_id is None:  # never
                rule.hits += 1
                self._affected[etype].add(old)
                if etype == "institution":
                    change.moved[old]  # noqa: B018 - an entry with no target: it left the document
                continue
            if rule is not None:  # split
                rule.hits += 1
                m = {**m, "entity_id": self._current(etype, rule.new_id)}  # a later merge may take it back
                self._stamp(m, rule.index)
            m = self._record_decisions("mentions", m)
            if m is None:
                self._affected[etype].add(old)
                if etype == "institution":
                    change.moved[old]  # noqa: B018
                continue
            if m["entity_id"] != old:
                self._affected[etype] |= {old, m["entity_id"]}
                if etype == "institution":
                    change.moved[old].add(m["entity_id"])
            kept.append(m)
        return kept

    def _replacements(self, mentions: list[dict[str, Any]], change: _DocChange) -> dict[str, str | None]:
        """Bodies the document no longer mentions: the one body their mentions went to, or None."""
        still = {m["entity_id"] for m in mentions if m["entity_type"] == "institution"}
        out: dict[str, str | None] = {}
        for old in change.before - still:
            targets = change.moved.get(old, set())
            out[old] = next(iter(targets)) if len(targets) == 1 else None
        return out

    def _collaborations(
        self, rows: list[dict[str, Any]], replacement: Mapping[str, str | None]
    ) -> list[dict[str, Any]]:
        kept = []
        for c in rows:
            if any(p in replacement for p in c["parties"]):
                parties = sorted({replacement.get(p, p) for p in c["parties"]} - {None})
                if len(parties) < 2:
                    continue
                c = {**c, "parties": parties, "review": "corrected"}
            c = self._record_decisions("collaborations", c)
            if c is not None:
                kept.append(c)
        return kept

    def _ratings(self, rows: list[dict[str, Any]], replacement: Mapping[str, str | None]) -> list[dict[str, Any]]:
        kept = []
        for r in rows:
            if r.get("subject_id") in replacement:
                r = {**r, "subject_id": replacement[r["subject_id"]], "review": "corrected"}
            r = self._record_decisions("criteria_ratings", r)
            if r is not None:
                kept.append(r)
        return kept

    def _record_decisions(self, table: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """`row` after the reject, confirm and correct decisions on it (None: rejected)."""
        indices = self._records.get((table, row[_TABLE_KEY[table]]))
        if not indices:
            return row
        row = dict(row)
        for index in indices:
            d = self.curation.decisions[index]
            if d.op == "reject":
                self._applied(index)
                return None
            if d.op == "correct":
                values, problem = self._checked_values(table, d.values)
                if problem:
                    self._stale(index, problem)
                    continue
                row.update(values)
            self._stamp(row, index)
            self._applied(index)
        return row

    def _checked_values(self, table: str, values: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
        """`values` with merged ids followed to their body; a problem when an id is not in the release."""
        values = dict(values)
        institutions = self._entities["institution"]
        if "parties" in values:
            values["parties"] = sorted({self._current("institution", p) for p in values["parties"]})
            missing = [p for p in values["parties"] if p not in institutions]
            if missing:
                return values, f"institution {', '.join(missing)} not in this release"
            if len(values["parties"]) < 2:
                return values, "fewer than two parties once merged bodies are counted once"
        if "types" in values:
            values["types"] = sorted(set(values["types"]))
        if values.get("subject_id"):
            values["subject_id"] = self._current("institution", values["subject_id"])
            if values["subject_id"] not in institutions:
                return values, f"institution {values['subject_id']} not in this release"
        if "entity_id" in values:
            etype = values.get("entity_type", "institution")
            values["entity_id"] = self._current(etype, values["entity_id"])
            if values["entity_id"] not in self._entities[etype]:
                # a mention's entity_id may name an instrument too
                other = "instrument" if etype == "institution" else "institution"
                if values["entity_id"] not in self._entities[other]:
                    return values, f"{values['entity_id']} is no institution or instrument of this release"
        return values, None

    def _add(self, index: int, doc_id: str, pages: Sequence[str], out: dict[str, list[dict[str, Any]]]) -> None:
        d = self.curation.decisions[index]
        if d.page > len(pages):
            self._stale(index, f"document {doc_id} has {len(pages)} pages, not {d.page}")
            return
        span = find_words(pages[d.page - 1], d.evidence)
        if span is None:
            self._stale(index, f"the evidence words are not on page {d.page} of {doc_id}")
            return
        text = pages[d.page - 1][span[0] : span[1]]
        values, problem = self._checked_values(d.table, d.values)
        if problem:
            self._stale(index, problem)
            return
        what = [f"{k}={v}" for k, v in sorted(values.items())]
        row: dict[str, Any] = {
            _TABLE_KEY[d.table]: record_ids.added_id(d.table, doc_id, d.page, d.evidence, what),
            "doc_id": doc_id,
            "page": d.page,
            "extractor": "review",
        }
        if d.table == "mentions":
            etype = values.get("entity_type") or (
                "institution" if values["entity_id"] in self._entities["institution"] else "instrument"
            )
            surface = values.get("surface") or d.evidence
            inner = find_words(text, surface)
            if inner is None:
                self._stale(index, f"the surface {surface!r} is not within the evidence words")
                return
            row.update(
                entity_type=etype,
                entity_id=values["entity_id"],
                surface=text[inner[0] : inner[1]],
                char_start=span[0] + inner[0],
                char_end=span[0] + inner[1],
                sentence=text,
                confidence=1.0,
            )
            self._affected[etype].add(values["entity_id"])
        elif d.table == "collaborations":
            row.update(
                parties=values["parties"],
                types=values["types"],
                raw_types=[],
                status=values["status"],
                evidence=text,
                confidence=1.0,
            )
        else:
            row.update(
                subject=values["subject"],
                subject_id=values.get("subject_id"),
                criterion=values["criterion"],
                rating=values["rating"],
                score=values.get("score"),
                scale=values.get("scale") or "reviewer",
                rationale=values.get("rationale"),
                table_id="review",
            )
        self._stamp(row, index)
        out[d.table].append(row)
        self._applied(index)

    # -- the end of the run ----------------------------------------------------------------

    def entity_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The institutions and instruments rows, once every document has passed.  A body a
        decision touched takes its counts from the rows written; one left with no document goes."""
        for rule in self._rules:
            if rule.new_id is None and rule.document is None:
                for row in self._entities[rule.entity_type].values():
                    if any(alias_form(a) == rule.form for a in row["aliases"]) and rule.hits:
                        row["aliases"] = [a for a in row["aliases"] if alias_form(a) != rule.form] or [row["name"]]
                        self._stamp(row, rule.index)
        tables = []
        for etype in ("institution", "instrument"):
            rows = []
            for entity_id, row in sorted(self._entities[etype].items()):
                if entity_id in self._affected[etype]:
                    row["n_mentions"] = self._counts[etype][entity_id]
                    row["n_documents"] = len(self._docs[etype][entity_id])
                    if row["n_documents"] == 0:
                        continue
                rows.append(row)
            tables.append(rows)
        return tables[0], tables[1]

    def report(self) -> CurationReport:
        """Which decisions this release applied and which are stale (call after `entity_rows`)."""
        for rule in self._rules:
            if rule.hits:
                self._applied(rule.index)
            elif rule.new_id is None:  # a split with no mention to move still took its alias off
                self._stale(rule.index, "no mention has this surface form")
        for indices in self._records.values():
            for index in indices:
                self._status.setdefault(index, "no such record in this release")
        for indices in self._adds.values():  # documents no longer in the release
            for index in indices:
                self._status.setdefault(
                    index, f"document {self.curation.decisions[index].document} not in this release"
                )
        applied, stale = [], []
        for index in range(len(self.curation.decisions)):
            reason = self._status.get(index, "not applied")
            if reason is None:
                applied.append(self.curation.describe(index))
            else:
                stale.append(StaleDecision(index + 1, self.curation.describe(index), reason))
        path = self.curation.path
        return CurationReport(
            str(path) if path is not None else None, self.curation.sha256, tuple(applied), tuple(stale)
        )


def find_words(text: str, words: str) -> tuple[int, int] | None:
    """Where `words` stand in `text`: exactly, else with any run of whitespace for a space and
    case ignored (a line break a parser put elsewhere); None when they are not there."""
    at = text.find(words)
    if at >= 0:
        return at, at + len(words)
    parts = words.split()
    if not parts:
        return None
    match = re.search(r"\s+".join(map(re.escape, parts)), text, flags=re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _entity_row(row: Any) -> dict[str, Any]:
    out = asdict(row)
    out["aliases"] = list(out["aliases"])
    out["review"] = "machine"
    return out


def _free_id(base: str, table: Mapping[str, Any]) -> str:
    fid, n = base, 2
    while fid in table:
        fid, n = f"{base}-{n}", n + 1
    return fid


def _split_row(row: Mapping[str, Any], new_id: str, alias: str, entity: str) -> dict[str, Any]:
    """The body a split alias becomes: named by the alias, of its old body's kind; a reviewer
    sets the rest (`set`)."""
    if entity == "institution":
        return {
            "institution_id": new_id,
            "name": alias,
            "acronym": None,
            "aliases": [alias],
            "kind": row["kind"],
            "country": row["country"],
            "known": False,
            "n_documents": 0,
            "n_mentions": 0,
            "review": "machine",
        }
    return {
        "instrument_id": new_id,
        "name": alias,
        "category": row["category"],
        "description": None,
        "aliases": [alias],
        "n_documents": 0,
        "n_mentions": 0,
        "review": "machine",
    }
