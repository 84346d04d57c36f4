"""One document never stops a run: budgets per document (time, memory, output) and dead workers
each cost that document alone, quarantined with a one-line reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govmap.flows import documents
from govmap.flows.documents import process_raw, quarantine
from govmap.errors import ParseError
from govmap.sources import ParseSettings, RawDocument
from tests.flows.conftest import ROOT


def _raw(name: str = "memo.txt", text: str = "The Harbor Board met the Northwind Office.") -> RawDocument:
    import hashlib

    data = text.encode()
    return RawDocument(source_uri=name, data=data, media_type="text/plain", sha256=hashlib.sha256(data).hexdigest())


def _spin(*_: object) -> None:
    while True:  # a parser in a loop it never leaves (pure Python: the budget's signal stops it)
        pass


def _allocate(*_: object) -> None:
    raise MemoryError


def _bomb(*_: object) -> None:
    # A parser that reports any failure as unreadable, as a PDF library does for a
    # decompression bomb that ran out of memory: the budget must still be named.
    try:
        raise MemoryError
    except MemoryError as exc:
        raise ParseError("bomb.pdf: no text layer; document quarantined") from exc


@pytest.mark.parametrize(
    ("parse", "settings", "reason"),
    [
        # Over the time budget while parsing.
        (_spin, {"document_seconds": 0.2}, "memo.txt: parsing exceeded 0.2 s (document_seconds); document quarantined"),
        # Over the memory budget (the worker's cap turns it into MemoryError).
        (_allocate, {}, "memo.txt: over 2,048 MB while parsing (document_memory_mb); document quarantined"),
        # A memory failure a parser wrapped is still a memory budget, not "no text layer".
        (
            _bomb,
            {"document_memory_mb": 512},
            "memo.txt: over 512 MB while parsing (document_memory_mb); document quarantined",
        ),
    ],
)
def test_over_budget_is_quarantined_with_its_reason(monkeypatch, parse, settings, reason) -> None:
    monkeypatch.setattr(documents, "parse", parse)
    result = process_raw(_raw(), ParseSettings.resolve(settings), nlp=None)  # never reaches extraction
    assert (result.row.status, result.row.error, result.transient) == ("quarantined", reason, True)


def test_output_over_budget_is_quarantined_before_extraction() -> None:
    result = process_raw(_raw(text="x" * 50), ParseSettings(max_chars=10), nlp=None)
    assert (
        result.row.error == "memo.txt: 50 characters of text, over the budget of 10 (max_chars); document quarantined"
    )
    assert result.transient


def test_a_parse_error_is_not_transient(monkeypatch) -> None:
    def broken(*_: object) -> None:
        raise ParseError("memo.txt: not a text file; document quarantined")

    monkeypatch.setattr(documents, "parse", broken)
    result = process_raw(_raw(), ParseSettings(), nlp=None)
    assert result.row.status == "quarantined" and not result.transient


def test_memory_cap_turns_an_allocation_into_memory_error() -> None:
    # In a fresh process: the cap lasts for the life of the process that sets it.
    code = (
        "from govmap.flows.documents import _cap_memory\n_cap_memory(64)\n"
        "try:\n    bytearray(512 * 2**20)\nexcept MemoryError:\n    raise SystemExit(7)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 7


@pytest.mark.slow  # a whole CLI run
def test_a_dead_worker_costs_one_document(
    tmp_path: Path, samples_folder: Path, prefect_api_env: dict[str, str]
) -> None:
    # The worker given poison.md is SIGKILLed (as the OOM killer or a crash in C would), in the
    # pool and again alone: the run goes on, publishes the other documents and exits 0.
    (samples_folder / "poison.md").write_text("# Poison\n\nThe Harbor Board met the Northwind Office.\n")
    out = tmp_path / "out"
    env = {**prefect_api_env, "GOVMAP_TEST_KILL_AT": "worker:poison.md"}
    cmd = [
        sys.executable,
        "-c",
        "from govmap.flows.cli import app; app()",
        "run",
        str(samples_folder),
        "--out",
        str(out),
        "--workers",
        "2",
    ]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    import pyarrow.parquet as pq

    rows = {Path(r["source_uri"]).name: r for r in pq.read_table(out / "latest" / "documents.parquet").to_pylist()}
    assert set(rows) == {"poison.md", *(p.name for p in samples_folder.iterdir() if p.name != "poison.md")}
    assert rows["poison.md"]["status"] == "quarantined"
    assert rows["poison.md"]["error"].endswith(
        "poison.md: its worker process was killed (SIGKILL: out of memory?) twice; document quarantined"
    )
    assert all(r["status"] == "ok" for name, r in rows.items() if name != "poison.md")


def test_two_empty_files_get_a_row_each() -> None:
    # Every empty file has the same sha256: two once shared one documents row mixing their names.
    rows = [process_raw(_raw(name, ""), ParseSettings(), nlp=None).row for name in ("a.txt", "b.txt")]
    assert rows[0].doc_id != rows[1].doc_id
    assert [r.error.split(":")[0] for r in rows] == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("uri", "media_type"),
    [
        ("https://example.org/gone.pdf?token=x", "application/pdf"),  # the query is no part of the name
        ("reports/notes.mdx", "text/markdown"),  # every suffix the sources read, as detection names it
        ("https://example.org/page", "text/plain"),  # no suffix: nothing better to say
    ],
)
def test_a_failed_pull_takes_its_media_type_from_the_name(uri: str, media_type: str) -> None:
    assert quarantine(uri, f"{uri}: HTTP 404; document skipped").row.media_type == media_type


def _pdf_bomb(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream is small compressed and `inflated_mb` MB inflated."""
    import zlib

    packer = zlib.compressobj(9)
    stream = b"".join([*(packer.compress(b" " * 2**20) for _ in range(inflated_mb)), packer.flush()])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.slow  # worker processes build the pipeline
def test_a_decompression_bomb_is_over_the_memory_budget_not_image_only(tmp_path: Path) -> None:
    # A 0.5 MB PDF that inflates to 512 MB, with a 128 MB budget: pdfium aborts its worker when the
    # allocation fails (once it used 3 GB and was quarantined as needing OCR).  The worker is
    # replaced, the document tried once more alone, then quarantined; the other one is extracted.
    from govmap.flows.result_cache import ResultCache
    from govmap.flows.runners import ProcessExtractor

    settings = ParseSettings(document_memory_mb=128)
    cache = ResultCache(tmp_path / "cache")
    bomb = RawDocument("bomb.pdf", _pdf_bomb(512), "application/pdf")
    good = _raw("memo.md", "# Memo\n\nThe Harbor Board met the Northwind Office.\n")
    with ProcessExtractor(cache, settings, None, workers=1) as extractor:
        futures = [extractor.submit(bomb), extractor.submit(good)]
        summaries = [extractor.collect(f) for f in futures]
        assert extractor.replaced == 1
    assert summaries[0].status == "quarantined"
    assert summaries[0].error == (
        "bomb.pdf: its worker process aborted twice (SIGABRT: an allocation failed, most likely "
        "over the 128 MB budget, document_memory_mb); document quarantined"
    )
    assert summaries[1].status == "ok"
