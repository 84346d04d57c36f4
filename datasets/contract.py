"""The data contract: the one definition of govmap's tables and vocabularies.

Everything else — the Arrow schemas, the expectation suites' basic checks and the dataset docs —
is derived from the `Table` objects below.  Adding a column is a change here, a
`CONTRACT_VERSION` bump and a note in DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from govmap.media import MEDIA_TYPES

__all__ = [
    "CONTRACT_VERSION",
    "Column",
    "Table",
    "TABLES",
    "TABLE_NAMES",
    "INSTITUTION_KINDS",
    "INSTRUMENT_CATEGORIES",
    "COLLABORATION_TYPES",
    "COLLABORATION_STATUSES",
    "DOCUMENT_STATUSES",
    "ENTITY_TYPES",
    "MEDIA_TYPES",
    "REVIEW_STATES",
    "REVIEW_COLUMNS",
    "to_arrow_schema",
    "table",
]

CONTRACT_VERSION = "1.1.0"

INSTITUTION_KINDS = (
    "intergovernmental_organization",
    "government_body",
    "ai_safety_institute",
    "company",
    "research_organization",
    "civil_society",
    "funder",
    "network_or_partnership",
    "scientific_assessment_body",
    "standards_body",
    "other",
)
INSTRUMENT_CATEGORIES = (
    "mechanism_design",
    "legal_instrument",
    "organisational_model",
    "assessment_process",
    "technical_measure",
    "funding_mechanism",
    "coordination_mechanism",
)
COLLABORATION_TYPES = (
    "joint_research",
    "model_testing",
    "standards_guidelines",
    "regulatory_harmonization",
    "capacity_building",
    "resource_sharing",
    "funding",
    "information_sharing",
    "institutional_integration",
    "general_partnership",
)
COLLABORATION_STATUSES = ("existing", "announced", "planned", "proposed")
DOCUMENT_STATUSES = ("ok", "quarantined")
ENTITY_TYPES = ("institution", "instrument")
# What a reviewer's curation file did to a record: nothing, kept it as found, changed it, added it.
REVIEW_STATES = ("machine", "confirmed", "corrected", "added")

# doc_id is the first 16 hex digits of the document's sha256.
DOC_ID_PATTERN = r"^[0-9a-f]{16}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
PUBLISHED_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


@dataclass(frozen=True)
class Column:
    """One column: its Arrow type and the constraints every check is derived from."""

    name: str
    arrow_type: pa.DataType
    required: bool
    description: str
    vocabulary: tuple[str, ...] | None = None
    bounds: tuple[float, float] | None = None
    unique: bool = False
    pattern: str | None = None
    references: tuple[str, str] | None = None  # (table, column) every value must exist in

    @property
    def is_list(self) -> bool:
        return pa.types.is_list(self.arrow_type)


@dataclass(frozen=True)
class Table:
    """A table of the contract: ordered columns plus its primary key."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default=())  # (column, table, column)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


_STR = pa.string()
_STRS = pa.list_(pa.string())
_I32 = pa.int32()
_F32 = pa.float32()


def _doc_id(
    description: str = "Document id: first 16 hex digits of the sha256 of its bytes.", *, unique: bool = False
) -> Column:
    return Column(
        "doc_id",
        _STR,
        True,
        description,
        pattern=DOC_ID_PATTERN,
        unique=unique,
        references=None if unique else ("documents", "doc_id"),
    )


def _review_columns() -> tuple[Column, ...]:
    """The `review` column family every record table ends with (contract 1.1): what the curation
    file did to the row, and the who, when and why of the last decision that touched it."""
    return (
        Column(
            "review",
            _STR,
            True,
            "machine (as extracted), confirmed, corrected or added by a reviewer's decision.",
            vocabulary=REVIEW_STATES,
        ),
        Column("reviewed_by", _STR, False, "Who made the last decision applied to the row (curation file)."),
        Column(
            "reviewed_at",
            _STR,
            False,
            "When that decision was made: YYYY-MM-DD, or an ISO 8601 time.",
            pattern=r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$",
        ),
        Column("review_note", _STR, False, "Why: the reviewer's reason for that decision."),
    )


REVIEW_COLUMNS = tuple(c.name for c in _review_columns())


DOCUMENTS = Table(
    "documents",
    "One row per source document seen, ingested or quarantined.",
    (
        _doc_id(unique=True),
        Column("source_uri", _STR, True, "Where the document was pulled from (path or URL)."),
        Column("media_type", _STR, True, "Media type of the source bytes.", vocabulary=MEDIA_TYPES),
        Column("title", _STR, False, "Title as stated by the document."),
        Column("authors", _STRS, True, "Authors as stated by the document (may be empty)."),
        Column("publisher", _STR, False, "Publishing organisation as stated by the document."),
        Column("published", _STR, False, "Publication date: YYYY, YYYY-MM or YYYY-MM-DD.", pattern=PUBLISHED_PATTERN),
        Column(
            "n_pages", _I32, True, "Number of pages (plain text: one, or split at form feeds).", bounds=(0, 1_000_000)
        ),
        Column("n_chars", pa.int64(), True, "Characters of normalised text over all pages.", bounds=(0, 10**12)),
        Column("sha256", _STR, True, "sha256 of the source bytes.", pattern=SHA256_PATTERN),
        Column(
            "status",
            _STR,
            True,
            "ok, or quarantined when the document could not be read.",
            vocabulary=DOCUMENT_STATUSES,
        ),
        Column("error", _STR, False, "One-line reason a document was quarantined."),
        Column("ingested_at", pa.timestamp("us", tz="UTC"), True, "When the document was first ingested."),
        Column("pipeline_version", _STR, True, "govmap pipeline version that extracted the document."),
    ),
    primary_key=("doc_id",),
)

PAGES = Table(
    "pages",
    "Normalised text of every page: the reference for every character offset.",
    (
        _doc_id(),
        Column("page", _I32, True, "Page number, 1-based.", bounds=(1, 1_000_000)),
        Column("text", _STR, True, "Normalised page text."),
    ),
    primary_key=("doc_id", "page"),
    foreign_keys=(("doc_id", "documents", "doc_id"),),
)

INSTITUTIONS = Table(
    "institutions",
    "One row per canonical institution named in the release.",
    (
        Column(
            "institution_id",
            _STR,
            True,
            "Stable slug id of the institution.",
            unique=True,
            pattern=r"^[a-z0-9][a-z0-9-]*$",
        ),
        Column("name", _STR, True, "Canonical name."),
        Column("acronym", _STR, False, "Canonical acronym, where it has one."),
        Column("aliases", _STRS, True, "Every surface form seen for the institution."),
        Column("kind", _STR, True, "What sort of body it is.", vocabulary=INSTITUTION_KINDS),
        Column("country", _STR, False, "ISO 3166 alpha-2 code, or EU.", pattern=r"^([A-Z]{2})$"),
        Column(
            "known", pa.bool_(), True, "True when the institution comes from the knowledge base; false when discovered."
        ),
        Column("n_documents", _I32, True, "Documents that mention it.", bounds=(0, 10**9)),
        Column("n_mentions", _I32, True, "Mentions over all documents.", bounds=(0, 10**9)),
        *_review_columns(),
    ),
    primary_key=("institution_id",),
)

INSTRUMENTS = Table(
    "instruments",
    "One row per canonical governance instrument discussed in the release.",
    (
        Column(
            "instrument_id",
            _STR,
            True,
            "Stable slug id of the instrument.",
            unique=True,
            pattern=r"^[a-z0-9][a-z0-9-]*$",
        ),
        Column("name", _STR, True, "Canonical name."),
        Column("category", _STR, True, "Kind of instrument.", vocabulary=INSTRUMENT_CATEGORIES),
        Column("description", _STR, False, "Definition given by a document, where one defines it."),
        Column("aliases", _STRS, True, "Every surface form seen for the instrument."),
        Column("n_documents", _I32, True, "Documents that mention it.", bounds=(0, 10**9)),
        Column("n_mentions", _I32, True, "Mentions over all documents.", bounds=(0, 10**9)),
        *_review_columns(),
    ),
    primary_key=("instrument_id",),
)

MENTIONS = Table(
    "mentions",
    "Evidence for institutions and instruments: one row per mention in a page's text.",
    (
        Column("mention_id", _STR, True, "Stable id of the mention.", unique=True),
        _doc_id(),
        Column("entity_type", _STR, True, "institution or instrument.", vocabulary=ENTITY_TYPES),
        Column("entity_id", _STR, True, "institution_id or instrument_id of the entity mentioned."),
        Column("surface", _STR, True, "The words as they stand in the page text."),
        Column("page", _I32, True, "Page number, 1-based.", bounds=(1, 1_000_000)),
        Column("char_start", _I32, True, "Start offset in the page's normalised text.", bounds=(0, 2**31 - 1)),
        Column("char_end", _I32, True, "End offset (exclusive) in the page's normalised text.", bounds=(0, 2**31 - 1)),
        Column("sentence", _STR, True, "The sentence that holds the mention."),
        Column("extractor", _STR, True, "Which rule or model found it."),
        Column("confidence", _F32, True, "Confidence in [0, 1].", bounds=(0.0, 1.0)),
        *_review_columns(),
    ),
    primary_key=("mention_id",),
    foreign_keys=(("doc_id", "documents", "doc_id"),),
)

COLLABORATIONS = Table(
    "collaborations",
    "One row per collaboration between institutions stated in a document.",
    (
        Column("collaboration_id", _STR, True, "Stable id of the collaboration statement.", unique=True),
        _doc_id(),
        Column(
            "parties",
            _STRS,
            True,
            "institution_ids of the parties, sorted, two or more.",
            references=("institutions", "institution_id"),
        ),
        Column("types", _STRS, True, "Kinds of collaboration.", vocabulary=COLLABORATION_TYPES),
        Column("raw_types", _STRS, True, "Kinds of collaboration as printed."),
        Column(
            "status",
            _STR,
            True,
            "existing, announced, planned, or proposed by the authors.",
            vocabulary=COLLABORATION_STATUSES,
        ),
        Column("page", _I32, True, "Page number, 1-based.", bounds=(1, 1_000_000)),
        Column("evidence", _STR, True, "The sentence or table row that states it."),
        Column("extractor", _STR, True, "Which rule found it."),
        Column("confidence", _F32, True, "Confidence in [0, 1].", bounds=(0.0, 1.0)),
        *_review_columns(),
    ),
    primary_key=("collaboration_id",),
    foreign_keys=(("doc_id", "documents", "doc_id"),),
)

CRITERIA_RATINGS = Table(
    "criteria_ratings",
    "One row per (subject, criterion) rating stated in a document's table.",
    (
        Column("rating_id", _STR, True, "Stable id of the rating.", unique=True),
        _doc_id(),
        Column("subject", _STR, True, "The option rated, as printed."),
        Column(
            "subject_id",
            _STR,
            False,
            "institution_id when the subject is an institution.",
            references=("institutions", "institution_id"),
        ),
        Column("criterion", _STR, True, "The criterion, as printed."),
        Column("rating", _STR, True, "The rating as printed ('x' or '' in presence matrices)."),
        Column(
            "score", _F32, False, "Rating normalised to [0, 1] where the scale is ordinal or binary.", bounds=(0.0, 1.0)
        ),
        Column("scale", _STR, True, "Name of the scale, e.g. strong-mixed-weak, presence."),
        Column("rationale", _STR, False, "The document's reasons for the rating, where it gives them."),
        Column("table_id", _STR, True, "The table the rating comes from."),
        Column("page", _I32, True, "Page number, 1-based.", bounds=(1, 1_000_000)),
        Column("extractor", _STR, True, "Which rule found it."),
        *_review_columns(),
    ),
    primary_key=("rating_id",),
    foreign_keys=(("doc_id", "documents", "doc_id"),),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (DOCUMENTS, PAGES, INSTITUTIONS, INSTRUMENTS, MENTIONS, COLLABORATIONS, CRITERIA_RATINGS)
}
TABLE_NAMES = tuple(TABLES)


def table(name: str) -> Table:
    """The contract's table called `name`; raises KeyError for an unknown name."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no table {name!r} in the contract; tables: {', '.join(TABLE_NAMES)}") from None


def to_arrow_schema(tbl: Table) -> pa.Schema:
    """Arrow schema of a contract table: required -> not nullable, description -> field metadata."""
    fields = [
        pa.field(c.name, c.arrow_type, nullable=not c.required, metadata={"description": c.description})
        for c in tbl.columns
    ]
    return pa.schema(fields, metadata={"table": tbl.name, "contract_version": CONTRACT_VERSION})
