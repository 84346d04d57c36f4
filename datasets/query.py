"""Reading a release: find it, load a table, query it with DuckDB, profile an institution or a document.

Plain functions over a release folder, or a release in object storage (`out` an ``s3://`` or other
fsspec URL, resolved through its `latest` pointer object: see govmap.datasets.objectstore); the Python
API (`govmap.load`, `govmap.connect`) and the analyst commands (`govmap sql`, `govmap show`) are
thin wrappers around them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from govmap.datasets.contract import TABLE_NAMES, TABLES
from govmap.datasets.release import RELEASES, latest_release
from govmap.errors import Ambiguous, GovmapError, NotFound, ReleaseNotFound

if TYPE_CHECKING:
    import duckdb

    from govmap.datasets.objectstore import RemoteRelease

    Release = Path | RemoteRelease

__all__ = [
    "ReleaseNotFound",
    "NotFound",
    "Ambiguous",
    "resolve_release",
    "load_table",
    "connect_release",
    "describe_views",
    "run_sql",
    "find_institutions",
    "institution_profile",
    "find_documents",
    "document_profile",
]


def resolve_release(out: str | Path = "datasets", release: str | Path | None = None) -> "Release":
    """The folder of `release` (an id under ``<out>/releases``, a release folder, or "latest"/None
    for the promoted one); raises ReleaseNotFound with a one-line reason.

    For an object-store `out` (``s3://bucket/prefix``) it is a RemoteRelease: "latest" is the
    release the pointer object names, an id one under ``releases/``.
    """
    from govmap.datasets.objectstore import is_remote

    if is_remote(out):
        return _resolve_remote(str(out), release)
    out = Path(out).absolute()  # messages name the folder in full, whatever the working directory
    if release is None or str(release) == "latest":
        found = latest_release(out)
        if found is None:
            raise ReleaseNotFound(f"{out}: no promoted release yet; run `govmap run --out {out}` first")
        return found
    candidate = Path(release)
    for path in (out / RELEASES / str(release), candidate):
        if (path / "manifest.json").is_file():
            return path.resolve()
    raise ReleaseNotFound(f"{out}: no release {str(release)!r} (see {out / RELEASES})")


def _resolve_remote(out: str, release: str | Path | None) -> "RemoteRelease":
    from govmap.datasets.objectstore import ReleaseStore

    try:
        store = ReleaseStore.open(out)
        return store.latest() if release is None or str(release) == "latest" else store.release(str(release))
    except ReleaseNotFound:
        raise
    except Exception as exc:  # unreachable store, bad credentials, a garbled pointer
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReleaseNotFound(f"{out}: cannot read the release ({type(exc).__name__}: {first})") from exc


def _check_table(name: str) -> None:
    if name not in TABLES:
        raise KeyError(f"no table {name!r}; tables: {', '.join(TABLE_NAMES)}")


def _table_file(release_dir: Path, name: str) -> Path:
    path = release_dir / f"{name}.parquet"
    if not path.exists():
        raise ReleaseNotFound(f"{release_dir}: release has no {path.name}")
    return path


def _table_source(release: "Release", name: str) -> tuple[str, Any]:
    """(path, filesystem) of table `name`: pyarrow's `filesystem=` is None for a local release."""
    if isinstance(release, Path):
        return str(_table_file(release, name)), None
    return release.table_path(name), release.fs


def load_table(release_dir: "Release", name: str) -> pd.DataFrame:
    """Table `name` of the release as a DataFrame in the contract's types.

    Strings are pandas string dtype, list columns hold Python lists, timestamps are tz-aware
    (UTC), required integers and booleans keep their width, nullable floats use NaN.
    """
    _check_table(name)
    path, filesystem = _table_source(release_dir, name)
    table = pq.read_table(path, filesystem=filesystem)
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get)
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            df[field.name] = pd.Series(table.column(field.name).to_pylist(), index=df.index, dtype=object)
    return df


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect_release(
    release_dir: "Release", con: "duckdb.DuckDBPyConnection | None" = None, *, allow_files: bool = False
) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB connection with one view per table of the release.

    Unless `allow_files`, the connection reads the release's seven tables and nothing else: DuckDB's
    external access is switched off (no COPY ... TO, ATTACH, EXPORT, INSTALL or LOAD, no
    read_csv or glob of other files) and its configuration locked, so a query cannot write a
    release, read other files or switch this back on.

    A release in object storage is read in place: its fsspec filesystem is registered with the
    connection (DuckDB's own httpfs extension needs a download this cannot rely on).
    """
    import duckdb

    con = con or duckdb.connect()
    remote = not isinstance(release_dir, Path)
    if remote:
        protocol = release_dir.fs.protocol
        if (protocol if isinstance(protocol, str) else protocol[0]) not in con.list_filesystems():
            con.register_filesystem(release_dir.fs)
    paths = {name: str(release_dir.table_url(name) if remote else _table_file(release_dir, name)) for name in TABLES}
    if not allow_files:
        con.execute("SET allowed_paths = ?", [[form for p in paths.values() for form in _path_forms(p)]])
        con.execute("SET enable_external_access = false")
    for name, path in paths.items():
        con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM read_parquet({_sql_string(path)})')
    if not allow_files:
        con.execute("SET lock_configuration = true")
    return con


def _path_forms(path: str) -> tuple[str, ...]:
    """The spellings DuckDB may check a table's path under: a registered fsspec filesystem's
    ``memory://b/x`` is looked up as ``memory:///b/x``."""
    scheme, sep, rest = path.partition("://")
    return (path, f"{scheme}:///{rest}") if sep and not rest.startswith("/") else (path,)


def describe_views(con: "duckdb.DuckDBPyConnection") -> dict[str, list[tuple[str, str]]]:
    """view -> [(column, DuckDB type)] for every table view, in contract order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name in TABLES:
        rows = con.execute(f'DESCRIBE "{name}"').fetchall()
        out[name] = [(r[0], r[1]) for r in rows]
    return out


def run_sql(con: "duckdb.DuckDBPyConnection", query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(column names, rows) of `query`; DuckDB errors are re-raised as GovmapError with one line."""
    import duckdb

    try:
        result = con.execute(query)
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GovmapError(f"SQL error: {first}") from exc


def _records(con: "duckdb.DuckDBPyConnection", query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    result = con.execute(query, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _nonempty(key: str, what: str) -> str:
    """`key` stripped; an empty key would match every row with an empty field, so it is refused."""
    if not key.strip():
        raise NotFound(f"an empty {what} name matches nothing; give an id, a name or part of one")
    return key.strip()


# --- institutions ------------------------------------------------------------------------------


def _institution_names(con: "duckdb.DuckDBPyConnection") -> dict[str, str]:
    return dict(con.execute("SELECT institution_id, name FROM institutions").fetchall())


def find_institutions(con: "duckdb.DuckDBPyConnection", key: str) -> list[dict[str, Any]]:
    """Institutions whose id, name, acronym or an alias equals `key`, case-insensitively.

    An exact id match wins alone; otherwise every institution matching any of the others.
    """
    k = _nonempty(key, "institution").lower()
    by_id = _records(
        con,
        "SELECT institution_id, name, acronym, kind, country FROM institutions WHERE lower(institution_id) = ?",
        [k],
    )
    if by_id:
        return by_id
    return _records(
        con,
        """
        SELECT institution_id, name, acronym, kind, country FROM institutions
        WHERE lower(name) = ? OR lower(coalesce(acronym, '')) = ?
           OR list_contains(list_transform(aliases, lambda a: lower(a)), ?)
        ORDER BY institution_id""",
        [k, k, k],
    )


def institution_profile(con: "duckdb.DuckDBPyConnection", key: str) -> dict[str, Any]:
    """Everything the release says about one institution: its row, the documents naming it with
    mention counts, every collaboration (with whom) and every rating it received.

    Raises NotFound when nothing matches `key`, Ambiguous when several institutions do.
    """
    matches = find_institutions(con, key)
    if not matches:
        raise NotFound(
            f"no institution with id, name, acronym or alias {key!r}; list candidates with "
            f"govmap sql \"SELECT institution_id, name FROM institutions WHERE name ILIKE '%{key}%'\""
        )
    if len(matches) > 1:
        raise Ambiguous(f"{len(matches)} institutions match {key!r}; give an institution_id", matches)
    iid = matches[0]["institution_id"]
    (institution,) = _records(con, "SELECT * FROM institutions WHERE institution_id = ?", [iid])
    documents = _records(
        con,
        """
        WITH m AS (SELECT doc_id, count(*) AS mentions FROM mentions
                   WHERE entity_type = 'institution' AND entity_id = ? GROUP BY doc_id),
             c AS (SELECT doc_id, count(*) AS collaborations FROM collaborations
                   WHERE list_contains(parties, ?) GROUP BY doc_id),
             r AS (SELECT doc_id, count(*) AS ratings FROM criteria_ratings WHERE subject_id = ? GROUP BY doc_id),
             ids AS (SELECT doc_id FROM m UNION SELECT doc_id FROM c UNION SELECT doc_id FROM r)
        SELECT ids.doc_id, d.title, d.source_uri, coalesce(m.mentions, 0) AS mentions,
               coalesce(c.collaborations, 0) AS collaborations, coalesce(r.ratings, 0) AS ratings
        FROM ids LEFT JOIN documents d USING (doc_id) LEFT JOIN m USING (doc_id)
             LEFT JOIN c USING (doc_id) LEFT JOIN r USING (doc_id)
        ORDER BY mentions DESC, ids.doc_id""",
        [iid, iid, iid],
    )
    collaborations = _records(
        con,
        """
        SELECT collaboration_id, doc_id, page, status, types, parties, evidence, extractor, confidence
        FROM collaborations WHERE list_contains(parties, ?)
        ORDER BY doc_id, page, collaboration_id""",
        [iid],
    )
    names = _institution_names(con)
    for c in collaborations:
        c["partners"] = [names.get(p, p) for p in c["parties"] if p != iid]
    ratings = _records(
        con,
        """
        SELECT rating_id, doc_id, page, table_id, criterion, rating, score, scale, rationale, extractor
        FROM criteria_ratings WHERE subject_id = ? ORDER BY doc_id, table_id, criterion""",
        [iid],
    )
    return {"institution": institution, "documents": documents, "collaborations": collaborations, "ratings": ratings}


# --- documents ---------------------------------------------------------------------------------


def find_documents(con: "duckdb.DuckDBPyConnection", key: str) -> list[dict[str, Any]]:
    """Documents whose doc_id starts with `key`, or whose source path is `key` (or ends with it)."""
    k = _nonempty(key, "document")
    exact = _records(
        con, "SELECT doc_id, source_uri, title, status FROM documents WHERE doc_id = lower(?) OR source_uri = ?", [k, k]
    )
    if exact:
        return exact
    return _records(
        con,
        """
        SELECT doc_id, source_uri, title, status FROM documents
        WHERE starts_with(doc_id, lower(?)) OR ends_with(source_uri, '/' || ?) OR ends_with(source_uri, ?)
        ORDER BY doc_id""",
        [k, k, k if "/" in k else "\x00"],
    )


def document_profile(con: "duckdb.DuckDBPyConnection", key: str) -> dict[str, Any]:
    """One document: its row, rows per table, the institutions it names, its collaborations and ratings.

    Raises NotFound when nothing matches `key`, Ambiguous when several documents do.
    """
    matches = find_documents(con, key)
    if not matches:
        raise NotFound(
            f"no document with doc_id prefix or source path {key!r}; list them with "
            'govmap sql "SELECT doc_id, source_uri, title FROM documents"'
        )
    if len(matches) > 1:
        raise Ambiguous(f"{len(matches)} documents match {key!r}; give a longer doc_id prefix", matches)
    doc_id = matches[0]["doc_id"]
    (document,) = _records(con, "SELECT * FROM documents WHERE doc_id = ?", [doc_id])
    counts = {
        name: con.execute(f'SELECT count(*) FROM "{name}" WHERE doc_id = ?', [doc_id]).fetchone()[0]
        for name in ("pages", "mentions", "collaborations", "criteria_ratings")
    }
    institutions = _records(
        con,
        """
        SELECT m.entity_id AS institution_id, i.name, i.kind, count(*) AS mentions
        FROM mentions m LEFT JOIN institutions i ON i.institution_id = m.entity_id
        WHERE m.doc_id = ? AND m.entity_type = 'institution'
        GROUP BY ALL ORDER BY mentions DESC, institution_id""",
        [doc_id],
    )
    collaborations = _records(
        con,
        """
        SELECT collaboration_id, page, status, types, parties, evidence, extractor, confidence
        FROM collaborations WHERE doc_id = ? ORDER BY page, collaboration_id""",
        [doc_id],
    )
    ratings = _records(
        con,
        """
        SELECT rating_id, page, table_id, subject, subject_id, criterion, rating, score, scale
        FROM criteria_ratings WHERE doc_id = ? ORDER BY table_id, subject, criterion""",
        [doc_id],
    )
    return {
        "document": document,
        "counts": counts,
        "institutions": institutions,
        "collaborations": collaborations,
        "ratings": ratings,
    }
