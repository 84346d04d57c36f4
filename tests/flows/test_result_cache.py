"""The result cache is data: an entry that is corrupt, foreign, tampered with or not ours is a
logged cache miss, never code and never a failed run."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
from pathlib import Path

import pytest

from govmap.extractors.records import Collaboration, DocMetadata, Discovery, Extraction, Mention, Rating
from govmap.flows.documents import DocumentResult, DocumentRow, quarantine
from govmap.flows.ingest import _fetch
from govmap.flows.result_cache import CACHE_FORMAT, ResultCache, decode_result, encode_result
from govmap.sources import ParseSettings, SourceRef

PAGE = "The OECD and the UK AISI signed a memorandum. Rated: OECD high."
SHA = "c" * 64


def full_result(sha: str = SHA) -> DocumentResult:
    doc_id = sha[:16]
    row = DocumentRow(
        doc_id=doc_id,
        source_uri="memo.md",
        media_type="text/markdown",
        title="Memo",
        authors=("A. Author", "B. Author"),
        publisher="Lab",
        published="2025-01",
        n_pages=1,
        n_chars=len(PAGE),
        sha256=sha,
        status="ok",
        error=None,
        ingested_at=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        pipeline_version="test",
    )
    extraction = Extraction(
        doc_id,
        DocMetadata("Memo", ("A. Author",), "Lab", "2025-01"),
        mentions=(Mention(doc_id, "institution", "oecd", "OECD", 1, 4, 8, PAGE, "kb:test", 1.0),),
        collaborations=(
            Collaboration(
                doc_id,
                ("oecd", "uk-aisi"),
                ("mou",),
                ("memorandum",),
                "signed",
                1,
                PAGE,
                "prose:test",
                0.9,
                ("OECD", "UK AISI"),
            ),
        ),
        ratings=(
            Rating(doc_id, "OECD", "oecd", "Openness", "high", None, "lmh", "why \ud800", "t0", 1, "table:test"),
            Rating(doc_id, "OECD", None, "Reach", "3", 3, "numeric", None, "t0", 1, "table:test"),
        ),
        discoveries=(
            Discovery("institution", "new:x", "X Board", "XB", "agency", None, ("X",), "GB", "discovery:test"),
        ),
    )
    return DocumentResult(row=row, pages=(PAGE, "página dos"), extraction=extraction)


def test_an_entry_round_trips_every_field() -> None:
    result = full_result()
    decoded = decode_result(encode_result(result), SHA)
    assert decoded == result
    assert decoded.extraction.ratings[1].score == 3.0 and type(decoded.extraction.ratings[1].score) is float
    # A quarantined document (no extraction, no pages) too.
    failed = quarantine("https://example.org/x.md", "x.md: 404; document quarantined")
    assert decode_result(encode_result(failed), failed.row.sha256) == failed


class Boom:
    """What a crafted pickle entry would do when loaded."""

    def __reduce__(self):
        return (os.system, ("touch pwned",))


def _reseal(body: bytes) -> bytes:
    """An edit made by someone who also recomputes the checksum."""
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _tampered_value(entry: bytes) -> bytes:
    return entry.replace(b'"Memo"', b'"Forged"', 1)  # checksum left as it was


@pytest.mark.parametrize(
    "make_entry",
    [
        pytest.param(lambda good: pickle.dumps(Boom()), id="a pickle that runs a command (the old format)"),
        pytest.param(lambda good: b"", id="empty: a writer killed before the atomic rename existed"),
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(_tampered_value, id="a value edited, checksum not updated"),
        pytest.param(lambda good: _reseal(b'["govmap-result/1",[]]'), id="another format version"),
        pytest.param(lambda good: _reseal(b'{"not": "ours"}'), id="valid JSON that is not an entry"),
        pytest.param(
            lambda good: _reseal(good.split(b"\n", 1)[1].replace(b'"Memo"', b"12", 1)),
            id="resealed with a wrongly typed field",
        ),
        pytest.param(lambda good: encode_result(full_result("d" * 64)), id="another document's entry copied here"),
    ],
)
def test_a_bad_entry_is_a_logged_miss(tmp_path: Path, monkeypatch, caplog, make_entry) -> None:
    monkeypatch.chdir(tmp_path)
    cache = ResultCache(tmp_path / ".cache")
    cache.put(full_result())
    path = cache.path(SHA)
    path.write_bytes(make_entry(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="govmap.flows.result_cache"):
        assert cache.get(SHA) is None
    assert str(path) in caplog.text and "extracting the document again" in caplog.text
    assert not (tmp_path / "pwned").exists()


def test_no_entry_is_a_quiet_miss(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert ResultCache(tmp_path).get(SHA) is None
    assert caplog.text == ""


def test_the_format_is_part_of_the_namespace(tmp_path: Path) -> None:
    """Entries of an older format sit in another folder and are never read."""
    assert CACHE_FORMAT in encode_result(full_result()).decode("utf-8", "surrogatepass")
    assert ResultCache(tmp_path, "k").namespace != ResultCache(tmp_path, "k2").namespace


def test_a_corrupt_entry_is_extracted_again_not_a_failed_run(tmp_path: Path) -> None:
    """`_fetch` (the flow's cache check) hands a document with a bad entry back for extraction."""
    doc = tmp_path / "memo.md"
    doc.write_text("# Memo\n\nThe OECD met.\n")
    sha = hashlib.sha256(doc.read_bytes()).hexdigest()
    cache = ResultCache(tmp_path / ".cache")
    cache.folder.mkdir(parents=True)
    cache.path(sha).write_bytes(pickle.dumps(Boom()))
    fetched = _fetch(SourceRef(str(doc), "file"), ParseSettings(), cache)
    assert fetched.raw is not None and fetched.raw.sha256 == sha and fetched.summary is None
