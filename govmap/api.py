"""The Python API for analysts: a release's tables as DataFrames, or as DuckDB views.

::

    import govmap
    institutions = govmap.load("institutions")                 # latest release under ./datasets
    con = govmap.connect(out="/data/govmap")                    # one view per table
    con.sql("SELECT kind, count(*) FROM institutions GROUP BY kind").show()
    ratings = govmap.load("criteria_ratings", out="s3://bucket/govmap")  # through its `latest` pointer

`out` is a folder or an object-store URL (``s3://bucket/prefix``, any fsspec URL); S3 credentials
and endpoint come from the standard AWS environment variables (AWS_ENDPOINT_URL for a non-AWS
server).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from govmap.datasets.query import ReleaseNotFound, connect_release, load_table, resolve_release

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["load", "connect", "ReleaseNotFound"]


def load(table: str, out: str | Path = "datasets", release: str | None = None) -> "pd.DataFrame":
    """Table `table` of `release` (default: the promoted one) under `out`, in the contract's types.

    Raises KeyError for a table the contract does not define and ReleaseNotFound (a GovmapError)
    when there is no such release.
    """
    from govmap.datasets.query import _check_table

    _check_table(table)
    return load_table(resolve_release(out, release), table)


def connect(
    out: str | Path = "datasets", release: str | None = None, *, allow_files: bool = False
) -> "duckdb.DuckDBPyConnection":
    """An in-memory DuckDB connection with one view per table of `release` (default: the promoted one).

    It reads the release and nothing else; `allow_files=True` keeps DuckDB's file functions
    (read_csv, COPY ... TO, ATTACH) for joining other data.
    """
    return connect_release(resolve_release(out, release), allow_files=allow_files)
