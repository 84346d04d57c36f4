"""Score a published release against the gold annotations in `tests/eval/gold/`.

    python -m tests.eval.score RELEASE_DIR [--split dev|heldout|text|all] [--per-document] [--misses KIND]

The gold files follow `gold/FORMAT.md`: they were written from `../shared/ANNOTATION.md` and the
documents alone, so entities are names, not the pipeline's ids.  A predicted entity matches a gold
one when one of its written forms (its name, acronym, and the surfaces of its mentions in that
document) equals one of the gold entry's forms after `normal_form`; matching is one to one.
Borderline gold entries are neither required nor penalised, as the guideline says.

Collaborations match when their parties map to the same gold parties and at least one type
agrees; ratings when subject, criterion and printed value agree.  Pages are not compared (a
text report and its PDF paginate differently), but each gold statement is matched once.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold"
SPLITS = HERE / "splits.json"

_STOP = {"the", "of", "for", "and", "on", "in", "de", "la", "du", "des", "a", "an", "to"}


def normal_form(text: str) -> str:
    """Case-, accent-, punctuation- and article-free form of a name."""
    text = unicodedata.normalize("NFKC", text or "").replace("\u2019", "'").replace("&", " and ")
    text = re.sub(r"'s\b", "", text.casefold())
    text = "".join(c if c.isalnum() else " " for c in text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _token_key(form: str) -> frozenset[str]:
    return frozenset(w for w in form.split() if w not in _STOP)


def forms_match(a: set[str], b: set[str]) -> bool:
    if a & b:
        return True
    ka = {_token_key(x) for x in a if len(x) > 3}
    kb = {_token_key(x) for x in b if len(x) > 3}
    return bool({k for k in ka if len(k) > 1} & kb)


@dataclass
class PR:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)
    false: list = field(default_factory=list)

    def add(self, other: "PR") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def cell(self) -> str:
        p, r = self.precision, self.recall
        f = lambda x: "  -  " if x is None else f"{x:.2f}"  # noqa: E731
        return f"P {f(p)} R {f(r)} ({self.tp}/{self.tp + self.fn})"


# --- the release ----------------------------------------------------------------------------------


class Release:
    def __init__(self, folder: Path):
        read = lambda t: pq.read_table(folder / f"{t}.parquet").to_pylist()  # noqa: E731
        self.documents = read("documents")
        self.institutions = {r["institution_id"]: r for r in read("institutions")}
        self.instruments = {r["instrument_id"]: r for r in read("instruments")}
        self.mentions = read("mentions")
        self.collaborations = read("collaborations")
        self.ratings = read("criteria_ratings")
        self.doc_by_file = {Path(d["source_uri"]).name: d for d in self.documents}

    def entities(self, doc_id: str, entity_type: str) -> dict[str, set[str]]:
        """Entity id -> its written forms, for the entities the document mentions."""
        table = self.institutions if entity_type == "institution" else self.instruments
        out: dict[str, set[str]] = defaultdict(set)
        for m in self.mentions:
            if m["doc_id"] == doc_id and m["entity_type"] == entity_type:
                out[m["entity_id"]].add(normal_form(m["surface"]))
        for key, forms in out.items():
            row = table.get(key, {})
            forms.add(normal_form(row.get("name") or ""))
            if row.get("acronym"):
                forms.add(normal_form(row["acronym"]))
            forms.discard("")
        return out


# --- matching ------------------------------------------------------------------------------------


def _gold_forms(entry: dict) -> set[str]:
    return {normal_form(x) for x in [entry["name"], *entry.get("aliases", [])] if x} - {""}


def match_entities(pred: dict[str, set[str]], gold: list[dict]) -> dict[str, int]:
    """Predicted id -> index of the gold entry it matches (one to one, exact forms first)."""
    gforms = [_gold_forms(g) for g in gold]
    taken: set[int] = set()
    out: dict[str, int] = {}
    for exact in (True, False):
        for key, forms in sorted(pred.items()):
            if key in out:
                continue
            for i, gf in enumerate(gforms):
                if i in taken:
                    continue
                if (forms & gf) if exact else forms_match(forms, gf):
                    out[key] = i
                    taken.add(i)
                    break
    return out


def match_states(mapping: dict[str, int], pred: dict[str, set[str]], gold: list[dict], rows: dict) -> None:
    """A predicted government matches the gold entry of its country acting as a state (the
    guideline's borderline "country when it acts as a state"), whatever either is called."""
    taken = set(mapping.values())
    for key in sorted(pred):
        row = rows.get(key) or {}
        if (
            key in mapping
            or row.get("kind") != "government_body"
            or "government" not in (row.get("name") or "").lower()
        ):
            continue
        for i, g in enumerate(gold):
            if (
                i not in taken
                and not g.get("core", True)
                and g.get("kind") == "government_body"
                and g.get("country") == row.get("country")
            ):
                mapping[key] = i
                taken.add(i)
                break


def map_other_names(mapping: dict[str, int], pred: dict[str, set[str]], gold: list[dict], rows: dict) -> None:
    """For collaborations only: a predicted id left unmapped because another predicted id of the
    same gold body took its entry (the knowledge base keeps apart two names an annotator wrote as
    aliases of one body, such as a country and its administration acting as a state) maps to that
    entry too, by an exact form or as its country's government.  Entity precision and recall stay
    one to one (`score_entities`)."""
    gforms = [_gold_forms(g) for g in gold]
    for key, forms in sorted(pred.items()):
        if key in mapping:
            continue
        hit = next((i for i, gf in enumerate(gforms) if forms & gf), None)
        row = rows.get(key) or {}
        if hit is None and row.get("kind") == "government_body" and "government" in (row.get("name") or "").lower():
            hit = next(
                (
                    i
                    for i, g in enumerate(gold)
                    if not g.get("core", True)
                    and g.get("kind") == "government_body"
                    and g.get("country") == row.get("country")
                ),
                None,
            )
        if hit is not None:
            mapping[key] = hit


def score_entities(
    pred: dict[str, set[str]], gold: list[dict], required, rows: dict | None = None
) -> tuple[PR, dict[str, int]]:
    mapping = match_entities(pred, gold)
    if rows is not None:
        match_states(mapping, pred, gold, rows)
    pr = PR()
    for key in pred:
        if key in mapping:
            if required(gold[mapping[key]]):
                pr.tp += 1
        else:
            pr.fp += 1
            pr.false.append(sorted(pred[key])[0] if pred[key] else key)
    hit = set(mapping.values())
    for i, g in enumerate(gold):
        if required(g) and i not in hit:
            pr.fn += 1
            pr.misses.append(g["name"])
    return pr, mapping


def _types_overlap(a, b) -> bool:
    return bool(set(a) & set(b))


def score_collaborations(
    pred_rows: list[dict],
    gold_rows: list[dict],
    party_of: dict[str, int],
    gold_index: dict[str, int],
    optional: set[int],
) -> tuple[PR, int]:
    """One-to-one: the same parties (as gold indexes; `optional` ones, borderline bodies that are
    not states, may be present or not) and a shared type; returns (PR, status right)."""
    pr, status_ok = PR(), 0
    gold_sets = []
    for g in gold_rows:
        idx = [gold_index.get(p, -1 - n) for n, p in enumerate(g["parties"])]
        required = frozenset(i for i in idx if i not in optional)
        gold_sets.append((required, frozenset(idx)))
    used: set[int] = set()
    for row in pred_rows:
        pset = frozenset(party_of.get(p, -1000 - n) for n, p in enumerate(row["parties"]))
        best = None
        for i, g in enumerate(gold_rows):
            required, allowed = gold_sets[i]
            if i in used or not (required <= pset <= allowed) or not _types_overlap(row["types"], g["types"]):
                continue
            # a required record before a borderline one, then the one on the same page
            rank = (not g.get("borderline"), g.get("page") == row["page"])
            if best is None or rank > best[0]:
                best = (rank, i)
        if best is None:
            pr.fp += 1
            pr.false.append((row["page"], row["parties"], row["types"], row["evidence"][:90]))
        else:
            used.add(best[1])
            if not gold_rows[best[1]].get("borderline"):  # a borderline record: neither required nor penalised
                pr.tp += 1
                status_ok += gold_rows[best[1]]["status"] == row["status"]
    for i, g in enumerate(gold_rows):
        if i not in used and not g.get("borderline"):
            pr.fn += 1
            pr.misses.append((g.get("page"), g["parties"], g["types"], g.get("locator", "")))
    return pr, status_ok


def _cell_key(subject: str, criterion: str) -> tuple[str, str]:
    return normal_form(subject), normal_form(criterion)


def score_ratings(pred_rows: list[dict], gold_rows: list[dict], sampled: tuple[set[str], set[str]] | None) -> PR:
    """`sampled`: (listed subjects, criteria) of the document's sampled tables, whose rows the
    annotator did not all list: a cell of an unlisted row under one of those criteria is not
    counted either way."""
    pr = PR()
    gold = defaultdict(list)
    for g in gold_rows:
        gold[_cell_key(g["subject"], g["criterion"])].append(normal_form(str(g["rating"])))
    for row in pred_rows:
        key = _cell_key(row["subject"], row["criterion"])
        if sampled is not None and key not in gold and key[0] not in sampled[0] and key[1] in sampled[1]:
            continue  # a cell of a row of a sampled table that the annotator did not list
        values = gold.get(key)
        value = normal_form(row["rating"])
        if values and value in values:
            values.remove(value)
            pr.tp += 1
        else:
            pr.fp += 1
            pr.false.append((row["subject"], row["criterion"], row["rating"]))
    for key, values in gold.items():
        for v in values:
            pr.fn += 1
            pr.misses.append((*key, v))
    return pr


def _fuzzy_match(a: str, b: str, cutoff: float = 0.75) -> bool:
    a, b = normal_form(a), normal_form(b)
    return bool(a) and bool(b) and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= cutoff)


def score_prose_ratings(pred_rows: list[dict], gold_rows: list[dict]) -> PR:
    pr = PR()
    used: set[int] = set()
    for row in pred_rows:
        for i, g in enumerate(gold_rows):
            if (
                i not in used
                and _fuzzy_match(row["subject"], g["subject"], 0.6)
                and _fuzzy_match(row["criterion"], g["criterion"], 0.6)
            ):
                used.add(i)
                pr.tp += 1
                break
        else:
            pr.fp += 1
            pr.false.append((row["subject"], row["criterion"], row["rating"]))
    for i, g in enumerate(gold_rows):
        if i not in used:
            pr.fn += 1
            pr.misses.append((g["subject"], g["criterion"], g["rating"]))
    return pr


# --- one document --------------------------------------------------------------------------------


@dataclass
class DocScore:
    name: str
    fmt: str
    institutions: PR
    instruments: PR
    prose_collabs: PR
    table_collabs: PR
    table_cells: PR
    prose_ratings: PR
    title_ok: bool | None
    status_ok: int = 0
    country: PR = field(default_factory=PR)
    kind_ok: int = 0
    kind_n: int = 0


def _fmt(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"pdf": "pdf", "html": "html", "htm": "html"}.get(suffix, "text")


def score_document(release: Release, gold: dict) -> DocScore | None:
    name = gold["document"]
    doc = release.doc_by_file.get(name)
    if doc is None:
        return None
    doc_id = doc["doc_id"]
    ginst = gold.get("institutions", [])
    inst_pred = release.entities(doc_id, "institution")
    inst, inst_map = score_entities(inst_pred, ginst, lambda g: g.get("core", True), release.institutions)

    country, kind_ok, kind_n = PR(), 0, 0
    for key, i in inst_map.items():
        row, g = release.institutions.get(key, {}), ginst[i]
        if not g.get("core", True):
            continue
        kind_n += 1
        kind_ok += row.get("kind") == g.get("kind")
        if not row.get("known", True):  # discovered bodies: is the country right?
            if row.get("country") == g.get("country"):
                country.tp += 1
            else:
                country.fn += 1
                country.misses.append((g["name"], g.get("country"), row.get("country")))

    ginstr = gold.get("instruments", [])
    instr_pred = release.entities(doc_id, "instrument")
    instr, _ = score_entities(instr_pred, ginstr, lambda g: g.get("named", False))

    gold_index = {g["name"]: i for i, g in enumerate(ginst)}
    for i, g in enumerate(ginst):
        for a in g.get("aliases", []):
            gold_index.setdefault(a, i)
    # a predicted party that is not in the document's mentions still maps by its canonical forms
    party_forms = dict(inst_pred)
    for c in release.collaborations:
        if c["doc_id"] == doc_id:
            for p in c["parties"]:
                if p not in party_forms:
                    row = release.institutions.get(p, {})
                    party_forms[p] = {normal_form(row.get("name") or p)} | (
                        {normal_form(row["acronym"])} if row.get("acronym") else set()
                    )
    party_of = match_entities(party_forms, ginst)
    match_states(party_of, party_forms, ginst, release.institutions)
    map_other_names(party_of, party_forms, ginst, release.institutions)

    pcol = [c for c in release.collaborations if c["doc_id"] == doc_id]
    gcol = gold.get("collaborations", [])
    prose_pred = [c for c in pcol if not c["extractor"].startswith("table")]
    table_pred = [c for c in pcol if c["extractor"].startswith("table")]
    prose_gold = [g for g in gcol if g.get("source", "prose") in ("prose", "heading", "list")]
    table_gold = [g for g in gcol if g.get("source") == "table"]
    # Borderline parties other than states (programmes, initiatives, summits) are neither required
    # nor penalised, as the guideline says of borderline institutions.
    optional = {
        i
        for i, g in enumerate(ginst)
        if not g.get("core", True) and not (g.get("kind") == "government_body" and g.get("country"))
    }
    prose_c, status_ok = score_collaborations(prose_pred, prose_gold, party_of, gold_index, optional)
    table_c, _ = score_collaborations(table_pred, table_gold, party_of, gold_index, optional)

    pr_rows = [r for r in release.ratings if r["doc_id"] == doc_id]
    gr = gold.get("ratings", [])
    sampled_tables = {t.get("table") for t in gold.get("rating_tables", []) if t.get("sampled")}
    listed = [r for r in gr if r.get("table") in sampled_tables]
    criteria = {
        normal_form(c) for t in gold.get("rating_tables", []) if t.get("sampled") for c in t.get("criteria", [])
    }
    sampled = ({normal_form(r["subject"]) for r in listed}, criteria | {normal_form(r["criterion"]) for r in listed})
    cells = score_ratings(
        [r for r in pr_rows if not r["extractor"].startswith("prose")],
        [g for g in gr if g.get("table") != "prose"],
        sampled if sampled_tables else None,
    )
    prose_r = score_prose_ratings(
        [r for r in pr_rows if r["extractor"].startswith("prose")], [g for g in gr if g.get("table") == "prose"]
    )

    gtitle = (gold.get("metadata") or {}).get("title")
    title_ok = None if not gtitle else _fuzzy_match(doc.get("title") or "", gtitle, 0.85)
    return DocScore(
        name, _fmt(name), inst, instr, prose_c, table_c, cells, prose_r, title_ok, status_ok, country, kind_ok, kind_n
    )


# --- report --------------------------------------------------------------------------------------


def split_of(gold: dict, heldout: set[str]) -> str:
    if gold.get("corpus") == "text":
        return "text"
    if gold.get("corpus") == "real":
        return "real"
    return "heldout" if gold["document"] in heldout else "dev"


def load_gold(folder: Path = GOLD) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


METRICS = [
    ("institutions", "institutions"),
    ("instruments", "named instruments"),
    ("prose_collabs", "prose collaborations"),
    ("table_collabs", "table collaborations"),
    ("table_cells", "rating-table cells"),
    ("prose_ratings", "prose ratings"),
]


def report(scores: list[DocScore], title: str, per_document: bool, out=sys.stdout) -> dict:
    print(f"\n== {title}: {len(scores)} documents ==", file=out)
    summary: dict = {}
    groups = {"all": scores}
    for fmt in ("text", "html", "pdf"):
        sub = [s for s in scores if s.fmt == fmt]
        if sub:
            groups[fmt] = sub
    for gname, sub in groups.items():
        line = []
        for attr, label in METRICS:
            total = PR()
            for s in sub:
                total.add(getattr(s, attr))
            summary.setdefault(gname, {})[attr] = (total.precision, total.recall, total.tp, total.fn)
            line.append(f"{label}: {total.cell()}")
        titles = [s.title_ok for s in sub if s.title_ok is not None]
        country = PR()
        for s in sub:
            country.add(s.country)
        matched = sum(s.prose_collabs.tp for s in sub)
        status = sum(s.status_ok for s in sub)
        kind_n, kind_ok = sum(s.kind_n for s in sub), sum(s.kind_ok for s in sub)
        extra = [
            f"titles {sum(titles)}/{len(titles)}" if titles else "titles -",
            f"discovered country {country.tp}/{country.tp + country.fn}",
            f"kind {kind_ok}/{kind_n}",
            f"collab status right {status}/{matched}",
        ]
        summary[gname]["titles"] = (sum(titles), len(titles))
        summary[gname]["status"] = (status, matched)
        summary[gname]["country"] = (country.tp, country.tp + country.fn)
        print(f"  [{gname}]", file=out)
        for part in line + ["; ".join(extra)]:
            print(f"    {part}", file=out)
    if per_document:
        print("  per document (institutions | instruments | prose collabs | table cells | title):", file=out)
        for s in scores:
            print(
                f"    {s.name[:60]:60} {s.institutions.cell():26} {s.instruments.cell():26} "
                f"{s.prose_collabs.cell():26} {s.table_cells.cell():26} {s.title_ok}",
                file=out,
            )
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="tests.eval.score", description=__doc__.split("\n")[0])
    ap.add_argument("release", nargs="+", type=Path, help="release folders (e.g. OUT/latest)")
    ap.add_argument("--split", default="all", choices=["all", "dev", "heldout", "text", "real"])
    ap.add_argument("--per-document", action="store_true")
    ap.add_argument("--misses", choices=[a for a, _ in METRICS], help="print misses and false hits")
    ap.add_argument("--json", type=Path, help="write the summary here")
    args = ap.parse_args(argv)

    heldout = set(json.loads(SPLITS.read_text())["heldout"])
    releases = [Release(r) for r in args.release]
    by_split: dict[str, list[DocScore]] = defaultdict(list)
    for gold in load_gold():
        split = split_of(gold, heldout)
        if args.split != "all" and split != args.split:
            continue
        names = [gold["document"]]
        if split == "text":  # the reference reports exist as text and as PDF: one gold file scores both
            names.append(Path(gold["document"]).with_suffix(".pdf").name)
        for rel in releases:
            for name in names:
                s = score_document(rel, {**gold, "document": name})
                if s is not None:
                    by_split[split].append(s)
    summaries = {}
    for split in ("text", "dev", "heldout", "real"):
        if by_split.get(split):
            summaries[split] = report(by_split[split], split, args.per_document)
            if args.misses:
                for s in by_split[split]:
                    pr = getattr(s, args.misses)
                    if pr.misses or pr.false:
                        print(f"\n  {s.name}", file=sys.stdout)
                        for m in pr.misses:
                            print(f"    MISS  {m}")
                        for f in pr.false:
                            print(f"    FALSE {f}")
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
