"""`govmap review`: what to look at first, and the decisions a reviewer makes, written into the
curation file so nobody edits YAML by hand.

Thin wrappers: the queue is `govmap.datasets.review_queue`, the file `govmap.datasets.curation`.  A write
holds the output folder's run lock (`govmap.datasets.lock`), so two reviewers, or a reviewer and a run,
never interleave: each write reads, appends and atomically replaces the file under it.
Exit codes: 0 ok; 2 no release, a decision that names nothing in the latest release, a broken
curation file, or the lock still held after --wait.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from govmap.flows.analyst_commands import DEFAULT_OUT, _fail, _table, out_console

__all__ = ["register", "review_app"]

review_app = typer.Typer(
    help="List what deserves a look first, and record review decisions in the curation file.",
    no_args_is_help=False,
    invoke_without_command=True,
)

CurationOption = Annotated[Path, typer.Option("--curation", help="The curation file decisions are written to.")]
OutDir = Annotated[str, typer.Option("--out", "-o", help="Folder that holds releases/ and latest (local).")]
WhyOption = Annotated[str, typer.Option("--why", help="Why: the reason, kept with the decision.")]
ByOption = Annotated[
    Optional[str], typer.Option("--by", help="Who decides (default: $GOVMAP_REVIEWER, else the login name).")
]
WaitOption = Annotated[
    float, typer.Option("--wait", help="Seconds to wait for a run or another reviewer holding --out's lock.")
]
EntityOption = Annotated[str, typer.Option("--entity", help="institution or instrument.")]
DEFAULT_CURATION = Path("curation.yaml")


def _releases(out: str) -> tuple[Path, Path | None]:
    """The latest release and the one before it (None for the first)."""
    from govmap.datasets.release import latest_release, list_releases

    latest = latest_release(Path(out))
    if latest is None:
        _fail(f"{out}: no release yet; run `govmap run` first", 2)
    latest = latest.resolve()
    earlier = [p for p in list_releases(Path(out)) if p.name < latest.name]
    return latest, earlier[-1] if earlier else None


@review_app.callback()
def review(
    ctx: typer.Context,
    out: OutDir = DEFAULT_OUT,
    document: Annotated[
        Optional[str], typer.Option(help="Only this document (doc_id prefix, or part of its source).")
    ] = None,
    kind: Annotated[Optional[str], typer.Option(help="Only institutions of this kind, and records naming one.")] = None,
    min_confidence: Annotated[
        Optional[float], typer.Option(min=0.0, max=1.0, help="Only records at least this sure (bodies stay).")
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="Only records new since the previous release.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Records to list.")] = 30,
) -> None:
    """List the records of the latest release that deserve a look first, most reasons first."""
    if ctx.invoked_subcommand is not None:
        return
    from govmap.datasets.review_queue import previous_record_ids, release_frames, review_queue

    latest, previous = _releases(out)
    items = review_queue(
        release_frames(latest),
        previous_record_ids(previous),
        document=document,
        kind=kind,
        min_confidence=min_confidence,
        new_only=new,
    )
    rows = [
        (
            i.table,
            i.id,
            i.what,
            f"{i.doc_id[:8]} p. {i.page}",
            "" if i.confidence is None else f"{i.confidence:.2f}",
            ", ".join(i.reasons),
            _short(i.evidence),
        )
        for i in items[:limit]
    ]
    shown = f"{len(rows)} of {len(items)}" if len(items) > len(rows) else str(len(items))
    out_console.print(
        _table(
            f"to review in {latest.name} ({shown})",
            ["table", "id", "what", "where", "confidence", "why", "evidence"],
            rows,
        )
    )
    out_console.print(
        "decide: govmap review confirm|reject|correct TABLE ID --why ...; merge|split|set|never|add "
        "(govmap review --help)",
        markup=False,
        soft_wrap=True,
    )


def _short(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _write(fields: dict[str, Any], *, curation: Path, out: str, by: str | None, why: str, wait: float) -> None:
    """Check the decision against the latest release, then append it to the curation file under
    the run lock."""
    from govmap.datasets.curation import append_decision, new_decision
    from govmap.datasets.lock import release_lock
    from govmap.datasets.review_queue import release_frames, unknown_target
    from govmap.errors import GovmapError

    try:
        entry = new_decision(fields, by=by or os.environ.get("GOVMAP_REVIEWER") or getpass.getuser(), why=why)
        latest, _ = _releases(out)
        problem = unknown_target(entry, release_frames(latest))
        if problem:
            _fail(f"{problem}; nothing written", 2)
        with release_lock(Path(out), wait_seconds=wait):
            written = append_decision(curation, entry)
    except GovmapError as exc:
        _fail(str(exc), 2)
    n = len(written.decisions)
    out_console.print(f"decision {written.describe(n - 1)} written to {curation}", markup=False, soft_wrap=True)
    out_console.print(
        f"publish it: govmap run ... --curation {curation}  (no document is extracted again)",
        markup=False,
        soft_wrap=True,
    )


def _values(pairs: list[str] | None) -> dict[str, Any]:
    """`field=value` pairs; a list for parties and types (comma-separated), a number for score,
    null for an empty value."""
    values: dict[str, Any] = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep or not name:
            _fail(f"{pair!r}: give FIELD=VALUE", 2)
        if name in ("parties", "types"):
            values[name] = [v.strip() for v in value.split(",") if v.strip()]
        elif name == "score":
            try:
                values[name] = float(value) if value else None
            except ValueError:
                _fail(f"score: {value!r} is not a number", 2)
        else:
            values[name] = value or None
    return values


TableArg = Annotated[str, typer.Argument(help="mentions, collaborations or criteria_ratings (ratings).")]
IdArg = Annotated[str, typer.Argument(help="The record's id (mention_id, collaboration_id, rating_id).")]
ValuesArg = Annotated[Optional[list[str]], typer.Argument(help="FIELD=VALUE ... (parties and types comma-separated).")]


@review_app.command()
def confirm(
    table: TableArg,
    id: IdArg,
    why: WhyOption,
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Confirm one record: it stays as found, marked `confirmed`."""
    _write({"op": "confirm", "table": table, "id": id}, curation=curation, out=out, by=by, why=why, wait=wait)


@review_app.command()
def reject(
    why: WhyOption,
    table: Annotated[Optional[str], typer.Argument(help="mentions, collaborations or criteria_ratings.")] = None,
    id: Annotated[Optional[str], typer.Argument(help="The record's id.")] = None,
    surface: Annotated[
        Optional[str],
        typer.Option(help="Instead of a record: a surface form that is never an institution (or --entity instrument)."),
    ] = None,
    entity: EntityOption = "institution",
    document: Annotated[Optional[str], typer.Option(help="With --surface: only in this document (doc_id).")] = None,
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Reject one record (TABLE ID), or a surface form everywhere or in one document (--surface)."""
    if surface is not None:
        if table or id:
            _fail("give TABLE ID or --surface, not both", 2)
        fields = {"op": "never", "entity": entity, "surface": surface, "document": document}
    elif table and id:
        fields = {"op": "reject", "table": table, "id": id}
    else:
        _fail("give TABLE ID, or --surface WORDS", 2)
    _write(fields, curation=curation, out=out, by=by, why=why, wait=wait)


@review_app.command()
def correct(
    table: TableArg,
    id: IdArg,
    values: ValuesArg,
    why: WhyOption,
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Correct one record: parties=a,b types=... status=... (collaborations), score=0.5 subject_id=... rating=...
    (ratings), entity_id=... (mentions)."""
    _write(
        {"op": "correct", "table": table, "id": id, "values": _values(values)},
        curation=curation,
        out=out,
        by=by,
        why=why,
        wait=wait,
    )


@review_app.command()
def merge(
    keep: Annotated[str, typer.Argument(help="The id that stays.")],
    drop: Annotated[str, typer.Argument(help="The id merged into it.")],
    why: WhyOption,
    entity: EntityOption = "institution",
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Merge two ids of one body: DROP's aliases and records go to KEEP, whose id stays."""
    _write(
        {"op": "merge", "entity": entity, "keep": keep, "drop": drop},
        curation=curation,
        out=out,
        by=by,
        why=why,
        wait=wait,
    )


@review_app.command()
def split(
    id: Annotated[str, typer.Argument(help="The body an alias was wrongly merged into.")],
    alias: Annotated[str, typer.Argument(help="The alias to split off, as listed in `aliases`.")],
    why: WhyOption,
    new_id: Annotated[Optional[str], typer.Option(help="Id of the body it becomes (default: from the alias).")] = None,
    entity: EntityOption = "institution",
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Split an alias off a body: its mentions and records go to a body of its own."""
    _write(
        {"op": "split", "entity": entity, "id": id, "alias": alias, "new_id": new_id},
        curation=curation,
        out=out,
        by=by,
        why=why,
        wait=wait,
    )


@review_app.command("set")
def set_(
    id: Annotated[str, typer.Argument(help="institution_id or instrument_id.")],
    values: ValuesArg,
    why: WhyOption,
    entity: EntityOption = "institution",
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Set name=, kind=, country=, acronym= of an institution (name=, category=, description= of an instrument)."""
    _write(
        {"op": "set", "entity": entity, "id": id, "values": _values(values)},
        curation=curation,
        out=out,
        by=by,
        why=why,
        wait=wait,
    )


@review_app.command()
def add(
    table: TableArg,
    values: ValuesArg,
    why: WhyOption,
    document: Annotated[str, typer.Option(help="doc_id of the document that states it.")],
    page: Annotated[int, typer.Option(min=1, help="The page, 1-based.")],
    evidence: Annotated[str, typer.Option(help="The words that state it, as they stand on that page.")],
    curation: CurationOption = DEFAULT_CURATION,
    out: OutDir = DEFAULT_OUT,
    by: ByOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Add a record the pipeline missed: entity_id= and optionally surface= (mentions); parties= types= status=
    (collaborations); subject= criterion= rating= and optionally score= subject_id= (ratings)."""
    _write(
        {
            "op": "add",
            "table": table,
            "document": document,
            "page": page,
            "evidence": evidence,
            "values": _values(values),
        },
        curation=curation,
        out=out,
        by=by,
        why=why,
        wait=wait,
    )


def register(app: typer.Typer) -> None:
    """Add `review` and its decisions to the govmap app."""
    app.add_typer(review_app, name="review")
