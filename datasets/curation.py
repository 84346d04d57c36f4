"""The curation file: a reviewer's decisions, versioned beside the source registry, applied on
every run (`govmap.datasets.curate`).

    # who, when and why on every decision; `govmap review ...` writes them for you
    decisions:
      - op: merge                 # one institution under two ids: keep one, unite the aliases
        entity: institution
        keep: example-institute
        drop: example-institute-2
        by: ana
        at: 2026-01-31
        why: the same body under its old name
      - op: reject                # a record the machine got wrong
        table: collaborations
        id: 0123456789abcdef
        by: ana
        at: 2026-01-31
        why: the sentence reports a proposal by a third party

Operations: on institutions and instruments `merge`, `split` (an alias off into a body of its
own), `set` (name, kind, country, acronym; for instruments name, category, description),
`never` (a surface form is no institution, everywhere or in one `document`); on records of
`mentions`, `collaborations` and `criteria_ratings` `reject`, `confirm`, `correct` (mentions:
entity_id; collaborations: parties, types, status; ratings: score, subject_id, rating) and `add`
(document, page, the evidence words, which must stand on that page, and the record's values).

The file is validated on load as the registry is: a mistake raises CurationError with one line
naming the file, the line and the key.  Writes (`append_decision`) keep the file's comments and
order (ruamel.yaml's round trip) and replace it atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from govmap.datasets.contract import (
    COLLABORATION_STATUSES,
    COLLABORATION_TYPES,
    INSTITUTION_KINDS,
    INSTRUMENT_CATEGORIES,
)
from govmap.errors import GovmapError

__all__ = [
    "CurationError",
    "Curation",
    "Decision",
    "EntityDecision",
    "RecordDecision",
    "RECORD_TABLES",
    "load_curation",
    "curation_sha256",
    "append_decision",
    "new_decision",
    "EMPTY",
]

RECORD_TABLES = ("mentions", "collaborations", "criteria_ratings")
_TABLE_ALIASES = {
    "ratings": "criteria_ratings",
    "rating": "criteria_ratings",
    "mention": "mentions",
    "collaboration": "collaborations",
}
_WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
_ENTITY_FIELDS = {
    "institution": {"name", "kind", "country", "acronym"},
    "instrument": {"name", "category", "description"},
}
_CORRECTABLE = {
    "mentions": {"entity_id"},
    "collaborations": {"parties", "types", "status"},
    "criteria_ratings": {"score", "subject_id", "rating"},
}
_ADD_REQUIRED = {
    "mentions": {"entity_id"},
    "collaborations": {"parties", "types", "status"},
    "criteria_ratings": {"subject", "criterion", "rating"},
}
_ADD_ALLOWED = {
    "mentions": {"entity_id", "entity_type", "surface"},
    "collaborations": {"parties", "types", "status"},
    "criteria_ratings": {"subject", "criterion", "rating", "score", "scale", "subject_id", "rationale"},
}


class _Loader(yaml.SafeLoader):
    """YAML 1.2's booleans, true and false only, as ruamel.yaml writes the file: under YAML 1.1
    `country: NO` (Norway) would read as false."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class CurationError(GovmapError):
    """The curation file is unreadable or invalid, or a decision cannot be written."""


class _Decision(BaseModel):
    """Who, when and why: every decision carries them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: str = Field(min_length=1)
    at: str
    why: str = Field(min_length=1)

    @field_validator("at", mode="before")
    @classmethod
    def _when(cls, value: Any) -> str:
        # YAML reads 2026-01-31 as a date; the file keeps what the reviewer wrote.
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if not isinstance(value, str) or not _WHEN.match(value):
            raise ValueError("a date, YYYY-MM-DD, or an ISO 8601 time")
        return value


class _OnEntity(_Decision):
    entity: Literal["institution", "instrument"] = "institution"


class MergeDecision(_OnEntity):
    op: Literal["merge"]
    keep: str = Field(min_length=1)
    drop: str = Field(min_length=1)

    @model_validator(mode="after")
    def _two(self) -> "MergeDecision":
        if self.keep == self.drop:
            raise ValueError("keep and drop name the same id")
        return self

    def target(self) -> str:
        return f"{self.entity} {self.drop} into {self.keep}"


class SplitDecision(_OnEntity):
    op: Literal["split"]
    id: str = Field(min_length=1)
    alias: str = Field(min_length=1)
    new_id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")

    def target(self) -> str:
        return f"{self.entity} {self.id}: alias {self.alias!r}"


class SetDecision(_OnEntity):
    op: Literal["set"]
    id: str = Field(min_length=1)
    values: dict[str, str | None]

    @model_validator(mode="after")
    def _fields(self) -> "SetDecision":
        _check_fields(self.values, _ENTITY_FIELDS[self.entity], f"an {self.entity}")
        if not self.values:
            raise ValueError("values: nothing to set")
        vocabulary = {"kind": INSTITUTION_KINDS, "category": INSTRUMENT_CATEGORIES}
        for name, allowed in vocabulary.items():
            if name in self.values and self.values[name] not in allowed:
                raise ValueError(f"values.{name}: {self.values[name]!r} is not one of {', '.join(allowed)}")
        country = self.values.get("country")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise ValueError(f"values.country: {country!r} is not an ISO 3166 alpha-2 code")
        if "name" in self.values and not self.values["name"]:
            raise ValueError("values.name: a name cannot be empty")
        return self

    def target(self) -> str:
        return f"{self.entity} {self.id}: " + ", ".join(f"{k}={v}" for k, v in self.values.items())


class NeverDecision(_OnEntity):
    op: Literal["never"]
    surface: str = Field(min_length=1)
    document: str | None = Field(default=None, pattern=r"^[0-9a-f]{16}$")

    def target(self) -> str:
        return f"{self.surface!r} is no {self.entity}" + (f" in {self.document}" if self.document else "")


class _OnRecord(_Decision):
    table: str

    @field_validator("table", mode="before")
    @classmethod
    def _table(cls, value: Any) -> Any:
        value = _TABLE_ALIASES.get(value, value)
        if value not in RECORD_TABLES:
            raise ValueError(f"{value!r} is not one of {', '.join(RECORD_TABLES)}")
        return value


class RejectDecision(_OnRecord):
    op: Literal["reject"]
    id: str = Field(min_length=1)

    def target(self) -> str:
        return f"{self.table} {self.id}"


class ConfirmDecision(RejectDecision):
    op: Literal["confirm"]  # type: ignore[assignment]


class CorrectDecision(_OnRecord):
    op: Literal["correct"]
    id: str = Field(min_length=1)
    values: dict[str, Any]

    @model_validator(mode="after")
    def _fields(self) -> "CorrectDecision":
        if not self.values:
            raise ValueError("values: nothing to correct")
        _check_fields(self.values, _CORRECTABLE[self.table], f"a {self.table} record")
        _check_values(self.values)
        return self

    def target(self) -> str:
        return f"{self.table} {self.id}: " + ", ".join(f"{k}={v}" for k, v in self.values.items())


class AddDecision(_OnRecord):
    op: Literal["add"]
    document: str = Field(pattern=r"^[0-9a-f]{16}$")
    page: int = Field(ge=1)
    evidence: str = Field(min_length=1)
    values: dict[str, Any]

    @model_validator(mode="after")
    def _fields(self) -> "AddDecision":
        _check_fields(self.values, _ADD_ALLOWED[self.table], f"a {self.table} record")
        missing = sorted(_ADD_REQUIRED[self.table] - set(self.values))
        if missing:
            raise ValueError(f"values: {', '.join(missing)} missing")
        _check_values(self.values)
        return self

    def target(self) -> str:
        return f"{self.table} in {self.document} p. {self.page}: " + ", ".join(
            f"{k}={v}" for k, v in self.values.items()
        )


def _check_fields(values: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"values: {', '.join(unknown)} cannot be set on {what} (only {', '.join(sorted(allowed))})")


def _check_values(values: Mapping[str, Any]) -> None:
    """The closed vocabularies and bounds of the contract, checked when the file is read."""
    if "parties" in values:
        parties = values["parties"]
        if not isinstance(parties, list) or len(set(parties)) < 2 or not all(isinstance(p, str) and p for p in parties):
            raise ValueError("values.parties: a list of two or more institution ids")
    if "types" in values:
        types = values["types"]
        if not isinstance(types, list) or not types or any(t not in COLLABORATION_TYPES for t in types):
            raise ValueError(f"values.types: a list of {', '.join(COLLABORATION_TYPES)}")
    if "status" in values and values["status"] not in COLLABORATION_STATUSES:
        raise ValueError(f"values.status: {values['status']!r} is not one of {', '.join(COLLABORATION_STATUSES)}")
    if "score" in values and values["score"] is not None:
        score = values["score"]
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1:
            raise ValueError("values.score: a number in [0, 1], or null")
    if "entity_type" in values and values["entity_type"] not in ("institution", "instrument"):
        raise ValueError("values.entity_type: institution or instrument")
    for name in ("entity_id", "subject", "criterion", "rating", "surface"):
        if name in values and not isinstance(values[name], str):
            raise ValueError(f"values.{name}: a string")


EntityDecision = Union[MergeDecision, SplitDecision, SetDecision, NeverDecision]
RecordDecision = Union[RejectDecision, ConfirmDecision, CorrectDecision, AddDecision]
Decision = Annotated[Union[EntityDecision, RecordDecision], Field(discriminator="op")]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    decisions: list[Decision] = []

    @field_validator("decisions", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


@dataclass(frozen=True)
class Curation:
    """A loaded curation file: its path, the sha256 of its bytes (part of the release
    fingerprint) and its decisions in file order."""

    path: Path | None
    sha256: str
    decisions: tuple[Any, ...]

    def describe(self, index: int) -> str:
        """`#3 merge institution a into b`: how a report names decision `index` (0-based)."""
        d = self.decisions[index]
        return f"#{index + 1} {d.op} {d.target()}"


EMPTY = Curation(None, "", ())


def curation_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_curation(path: Path | str) -> Curation:
    """Read and validate the curation file at `path`.

    Raises CurationError with one line: the file, the line and the decision at fault, what is
    wrong.  A missing file is an error: a run that names one expects its decisions applied.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CurationError(f"{path}: cannot read the curation file ({exc.strerror}); nothing published") from exc
    return _parse(data, path)


def _parse(data: bytes, path: Path) -> Curation:
    try:
        text = data.decode("utf-8")
        tree = yaml.compose(text, Loader=_Loader)
        content = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as exc:
        raise CurationError(
            f"{path}: not UTF-8 text ({exc.reason}); fix the curation file; nothing published"
        ) from None
    except yaml.YAMLError as exc:
        raise CurationError(
            f"{path}: not valid YAML ({' '.join(str(exc).split())}); fix the curation file; nothing published"
        ) from None
    if content is None:
        content = {}
    if not isinstance(content, dict):
        raise CurationError(
            f"{path}: top level: a mapping with a `decisions` list; fix the curation file; nothing published"
        )
    try:
        parsed = _File.model_validate(content)
    except ValidationError as exc:
        err = next((e for e in exc.errors() if e["type"] == "extra_forbidden"), exc.errors()[0])
        loc = list(err["loc"])
        line = _line_of(tree, loc)
        # the discriminator's tag (the op) is no key of the file: leave it out of the path
        shown = [
            str(p + 1) if isinstance(p, int) else str(p)
            for p in loc
            if not (isinstance(p, str) and p in _OPS and loc.index(p) == 2)
        ]
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        if err["type"] == "union_tag_invalid":
            message = f"op must be one of {', '.join(_OPS)}"
        elif err["type"] == "union_tag_not_found":
            message = f"op missing (one of {', '.join(_OPS)})"
        where = f" line {line}" if line else ""
        raise CurationError(
            f"{path}{where}: {'.'.join(shown) or 'top level'}: {message}; fix the curation file; nothing published"
        ) from None
    return Curation(path, hashlib.sha256(data).hexdigest(), tuple(parsed.decisions))


_OPS = ("merge", "split", "set", "never", "reject", "confirm", "correct", "add")


def _line_of(node: Any, loc: list[Any]) -> int | None:
    """The 1-based line of the deepest node of `loc` that the YAML holds."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None and part in _OPS:  # the discriminator's tag: no key of the file
                continue
            if match is None:
                key = next((k for k, v in node.value if k.value == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            continue
        line = node.start_mark.line + 1
    return line


_HEADER = """\
# govmap curation file: a reviewer's decisions, applied on every run (see README, "For reviewers").
# Each decision says who (by), when (at) and why; `govmap review ...` appends them here.
"""


def new_decision(fields: Mapping[str, Any], *, by: str, why: str, at: str | None = None) -> dict[str, Any]:
    """A decision as the file holds it (op first, who/when/why last), validated."""
    entry = {
        **{k: v for k, v in fields.items() if v is not None},
        "by": by,
        "at": at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "why": why,
    }
    try:
        decision = TypeAdapter(Decision).validate_python(entry)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"][1:]) or err["loc"][0] if err["loc"] else "decision"
        raise CurationError(f"{where}: {err['msg'].removeprefix('Value error, ')}; nothing written") from None
    if "table" in entry:
        entry["table"] = decision.table  # "ratings" is written as the table's name
    return entry


def append_decision(path: Path | str, entry: Mapping[str, Any]) -> Curation:
    """Add `entry` (from `new_decision`) at the end of the file's decisions and replace the file
    atomically, keeping its comments and order; creates the file when it does not exist.

    The caller serialises writers (`govmap review` holds the output folder's run lock): the read,
    append and replace are one step for every other writer.  Returns the file as written.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    path = Path(path)
    before = path.read_bytes() if path.exists() else _HEADER.encode()
    _parse(before, path)  # never append to a file that is already broken: the reviewer fixes it first
    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096  # evidence words stay on one line
    text = before.decode("utf-8")
    doc = rt.load(text)
    if doc is None:  # empty, or comments only: they stay at the top
        doc = rt.load(text.rstrip("\n") + "\ndecisions:\n")
    if doc.get("decisions") is None:
        doc["decisions"] = CommentedSeq()
    doc["decisions"].append(CommentedMap(_plain(entry)))
    buffer = io.StringIO()
    rt.dump(doc, buffer)
    after = buffer.getvalue().encode("utf-8")
    curation = _parse(after, path)
    _replace_atomically(path, after)
    return curation


def _plain(entry: Mapping[str, Any]) -> dict[str, Any]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    out: dict[str, Any] = {}
    for k, v in entry.items():
        if isinstance(v, Mapping):
            out[k] = CommentedMap(_plain(v))
        elif isinstance(v, (list, tuple)):
            seq = CommentedSeq(v)
            seq.fa.set_flow_style()  # parties: [a, b] reads as one line
            out[k] = seq
        else:
            out[k] = v
    return out


def _replace_atomically(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
