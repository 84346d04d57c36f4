"""`resolve`: link every document's entity keys to canonical ids across the whole corpus.

Known keys (KB ids) stay as they are; discovered keys ("new:<slug>") that name the same body --
its full name, its acronym, a variant -- are merged (union-find), and a group that names a KB body
joins it.  Only small per-document summaries are kept (`summarize`), so extractions can stream.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from govmap.extractors.discovery import guess_kind
from govmap.extractors.kb import KnowledgeBase
from govmap.extractors.records import Extraction, discovered_key, is_discovered
from govmap.text import alias_form, slugify

__all__ = ["DocSummary", "InstitutionRow", "InstrumentRow", "Resolution", "summarize", "resolve"]


@dataclass(frozen=True)
class InstitutionRow:
    institution_id: str
    name: str
    acronym: str | None
    aliases: tuple[str, ...]
    kind: str
    country: str | None
    known: bool
    n_documents: int
    n_mentions: int


@dataclass(frozen=True)
class InstrumentRow:
    instrument_id: str
    name: str
    category: str
    description: str | None
    aliases: tuple[str, ...]
    n_documents: int
    n_mentions: int


@dataclass(frozen=True)
class DocSummary:
    """What resolution needs from one document: per (entity type, key) its surfaces and mention count."""

    doc_id: str
    mentions: dict[tuple[str, str], Counter] = field(default_factory=dict)
    discoveries: tuple = ()
    other_institution_keys: frozenset[str] = frozenset()  # collaboration parties, rating subjects


@dataclass(frozen=True)
class Resolution:
    key_map: dict[str, str]  # any key seen -> final id (institutions take precedence on a clash)
    institutions: tuple[InstitutionRow, ...]
    instruments: tuple[InstrumentRow, ...]
    instrument_key_map: dict[str, str] = field(default_factory=dict)


def summarize(extraction: Extraction) -> DocSummary:
    """The small per-document summary `resolve` works from."""
    mentions: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in extraction.mentions:
        mentions[(m.entity_type, m.key)][alias_form(m.surface)] += 1
    others = {p for c in extraction.collaborations for p in c.parties}
    others |= {r.subject_key for r in extraction.ratings if r.subject_key}
    return DocSummary(extraction.doc_id, dict(mentions), tuple(extraction.discoveries), frozenset(others))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str, is_known) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if is_known(ra) and is_known(rb):
            return  # two known bodies never merge
        if is_known(rb) or (not is_known(ra) and rb < ra):
            ra, rb = rb, ra
        self.parent[rb] = ra


def resolve(extractions: Iterable[Extraction | DocSummary], kb: KnowledgeBase) -> Resolution:
    """Canonical institutions and instruments over a corpus, and the key -> id map. Deterministic."""
    summaries = [e if isinstance(e, DocSummary) else summarize(e) for e in extractions]
    out_rows = {}
    maps = {}
    for etype in ("institution", "instrument"):
        known = kb.institutions if etype == "institution" else kb.instruments
        is_known = lambda k, known=known: k in known  # noqa: E731
        uf = _UnionFind()
        for s in summaries:
            for t, key in s.mentions:
                if t == etype:
                    uf.find(key)
            if etype == "institution":
                for key in sorted(s.other_institution_keys):
                    uf.find(key)
            for d in s.discoveries:
                if d.entity_type != etype:
                    continue
                # "new:ministry-of-justice@jp": a generic name keyed with the country of its
                # document; its other forms are keyed the same way, never merged across countries.
                home = d.key.partition("@")[2] if etype == "institution" else ""
                for form in (d.name, d.acronym, *d.aliases):
                    if not form:
                        continue
                    uf.union(d.key, discovered_key(form) + (f"@{home}" if home else ""), is_known)
                    link = kb.link(form) if etype == "institution" else kb.link_instrument(form)
                    if link:
                        uf.union(d.key, link, is_known)
        # a discovered key whose slug names a KB body joins it ("new:oecd" -> oecd)
        for key in sorted(uf.parent):
            if is_discovered(key):
                slug = key[4:]
                if slug in known:
                    uf.union(key, slug, is_known)
        groups: dict[str, list[str]] = defaultdict(list)
        for key in sorted(uf.parent):
            groups[uf.find(key)].append(key)
        # gather per group: surfaces, docs, mentions, discoveries
        surfaces: dict[str, Counter] = defaultdict(Counter)
        docs: dict[str, set[str]] = defaultdict(set)
        n_mentions: Counter = Counter()
        found: dict[str, list] = defaultdict(list)
        for s in summaries:
            for (t, key), counter in s.mentions.items():
                if t != etype:
                    continue
                root = uf.find(key)
                surfaces[root].update(counter)
                docs[root].add(s.doc_id)
                n_mentions[root] += sum(counter.values())
            if etype == "institution":
                for key in s.other_institution_keys:
                    docs[uf.find(key)].add(s.doc_id)
            for d in s.discoveries:
                if d.entity_type == etype:
                    found[uf.find(d.key)].append(d)
        final: dict[str, str] = {}
        taken: set[str] = set(known)
        rows = []
        for root in sorted(groups):
            if not docs[root]:
                # Only a discovery names it (a KB body a definition linked to, a spelling no
                # document used): no document mentions or cites it, so it is no entity of the
                # corpus, and a row for it would say n_documents = 0.
                continue
            ds = found.get(root, [])
            if root in known:
                fid = root
            else:
                names = Counter(d.name for d in ds)
                name = (
                    max(names, key=lambda n: (names[n], len(n), n))
                    if names
                    else root[4:]
                    if is_discovered(root)
                    else root
                )
                fid = slugify(name) or slugify(root) or "entity"
                base, n = fid, 2
                while fid in taken:
                    fid, n = f"{base}-{n}", n + 1
            taken.add(fid)
            for key in groups[root]:
                final[key] = fid
            aliases = set(surfaces[root])
            for d in ds:
                aliases.update(a for a in (d.name, d.acronym, *d.aliases) if a)
            if etype == "institution":
                if root in known:
                    k = known[root]
                    row = InstitutionRow(
                        fid,
                        k.name,
                        k.acronym,
                        tuple(sorted(aliases or {k.name})),
                        k.kind,
                        k.country,
                        True,
                        len(docs[root]),
                        n_mentions[root],
                    )
                else:
                    acr = Counter(d.acronym for d in ds if d.acronym)
                    kinds = Counter(d.kind for d in ds if d.kind)
                    countries = Counter(d.country for d in ds if d.country)
                    nm = (
                        max(Counter(d.name for d in ds).items(), key=lambda x: (x[1], len(x[0]), x[0]))[0]
                        if ds
                        else (sorted(aliases)[0] if aliases else fid)
                    )
                    row = InstitutionRow(
                        fid,
                        nm,
                        min(acr, key=lambda a: (-acr[a], a)) if acr else None,
                        tuple(sorted(aliases or {nm})),
                        min(kinds, key=lambda a: (-kinds[a], a)) if kinds else guess_kind(nm),
                        min(countries, key=lambda c: (-countries[c], c)) if countries else None,
                        False,
                        len(docs[root]),
                        n_mentions[root],
                    )
            else:
                if root in known:
                    k = known[root]
                    desc = next((d.description for d in ds if d.description), None)
                    row = InstrumentRow(
                        fid,
                        k.name,
                        k.category,
                        desc,
                        tuple(sorted(aliases or {k.name})),
                        len(docs[root]),
                        n_mentions[root],
                    )
                else:
                    nm = (
                        max(Counter(d.name for d in ds).items(), key=lambda x: (x[1], len(x[0]), x[0]))[0]
                        if ds
                        else fid
                    )
                    cats = Counter(d.kind for d in ds if d.kind)
                    desc = next(
                        (d.description for d in sorted(ds, key=lambda d: d.description or "") if d.description), None
                    )
                    row = InstrumentRow(
                        fid,
                        nm,
                        min(cats, key=lambda a: (-cats[a], a)) if cats else "mechanism_design",
                        desc,
                        tuple(sorted(aliases or {nm})),
                        len(docs[root]),
                        n_mentions[root],
                    )
            rows.append(row)
        rows.sort(
            key=lambda r: (
                r[0] if isinstance(r, tuple) else (r.institution_id if etype == "institution" else r.instrument_id)
            )
        )
        out_rows[etype] = tuple(rows)
        maps[etype] = final
    key_map = dict(maps["instrument"])
    key_map.update(maps["institution"])
    return Resolution(key_map, out_rows["institution"], out_rows["instrument"], maps["instrument"])
