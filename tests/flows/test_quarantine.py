"""Bad input never stops a run and is never lost (issue #6).

One flow run over a folder holding the good samples, every hostile file of `badinputs`, 30 randomly
damaged copies of the samples, and three URLs served by a local http.server that fail in
different ways.  Every input must come out as exactly one `documents` row (ok or quarantined with
a one-line reason), the good documents must be published and `latest` promoted.
"""

from __future__ import annotations

import http.server
import json
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.flows.badinputs import HIDDEN_NAMES, BadInput, mutate, write_bad_inputs

pytestmark = pytest.mark.slow

MAX_BYTES = 200_000  # "over the configured size limit" without writing 100 MB
HTTP_TIMEOUT = 0.5
N_MUTANTS = 30


class _HostileHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/missing.pdf":
            self.send_error(404, "Not Found")
        elif self.path == "/slow.html":
            time.sleep(HTTP_TIMEOUT * 4)  # well past the client's timeout
            self._ok(b"<html><body><p>too late</p></body></html>")
        elif self.path in ("/loop-a", "/loop-b"):
            self.send_response(302)
            self.send_header("Location", "/loop-b" if self.path == "/loop-a" else "/loop-a")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(500, "unexpected path")

    def _ok(self, body: bytes) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first, as intended
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _write_mutants(folder: Path, samples: Path, taken: set[bytes]) -> list[Path]:
    """N_MUTANTS damaged copies of the samples, all with distinct bytes (so each is its own row)."""
    rng = random.Random(6)
    originals = sorted(p for p in samples.iterdir() if p.is_file())
    folder.mkdir()
    written: list[Path] = []
    while len(written) < N_MUTANTS:
        src = rng.choice(originals)
        data = mutate(src.read_bytes(), rng)
        if data in taken:
            continue
        taken.add(data)
        path = folder / f"m{len(written):02d}-{src.name}"
        path.write_bytes(data)
        written.append(path)
    return written


@pytest.fixture(scope="module")
def hostile_run(prefect_server: str, hostile_server: str, tmp_path_factory: pytest.TempPathFactory):
    """The one flow run: (RunResult, out, folder, expectations, mutants, urls, documents rows)."""
    from govmap.flows.ingest import ingest
    from tests.flows.conftest import SAMPLES

    root = tmp_path_factory.mktemp("hostile")
    folder = root / "in"
    folder.mkdir()
    for p in SAMPLES.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    expected = write_bad_inputs(folder, max_bytes=MAX_BYTES)
    taken = {p.read_bytes() for p in folder.iterdir()}
    mutants = _write_mutants(folder / "mutants", SAMPLES, taken)
    urls = {
        f"{hostile_server}/missing.pdf": "HTTP 404",
        f"{hostile_server}/slow.html": "timed out",
        f"{hostile_server}/loop-a": "redirect loop",
    }
    out = root / "out"
    started = time.monotonic()
    result = ingest(
        [str(folder), *(str(folder / name) for name in HIDDEN_NAMES), *urls],
        str(out),
        workers=2,
        settings={"max_bytes": MAX_BYTES, "http_timeout": HTTP_TIMEOUT, "max_redirects": 3},
    )
    print(f"hostile flow run: {time.monotonic() - started:.1f} s")
    rows = pq.read_table(out / "latest" / "documents.parquet").to_pylist()
    return result, out, folder, expected, mutants, urls, {r["source_uri"]: r for r in rows}


def _assert_one_line(error: str | None) -> None:
    assert error and "\n" not in error and len(error) < 400, error


def test_good_samples_publish_and_latest_is_promoted(hostile_run) -> None:
    result, out, folder, *_, rows = hostile_run
    assert result.outcome is not None and result.outcome.promoted
    assert (out / "latest").resolve() == result.outcome.path.resolve()
    for name in ("compute-reporting-brief.md", "incident-registry-hosts.pdf", "network-news.html"):
        assert rows[str(folder / name)]["status"] == "ok", rows[str(folder / name)]
    manifest = json.loads((out / "latest" / "manifest.json").read_text())
    assert manifest["validation_passed"] is True
    # Quarantined inputs are listed among the release's inputs too: nothing is silently dropped.
    assert {i["source_uri"] for i in manifest["inputs"]} == set(rows)


@pytest.mark.parametrize("index", range(15))
def test_each_hostile_file_has_its_row(hostile_run, index: int) -> None:
    _, _, folder, expected, _, _, rows = hostile_run
    bad: BadInput = expected[index]
    row = rows.get(str(folder / bad.name))
    assert row is not None, f"{bad.name}: no documents row"
    assert row["status"] == bad.status, row
    if bad.status == "quarantined":
        _assert_one_line(row["error"])
        assert bad.error_has in row["error"], row["error"]
        assert row["n_pages"] == 0
    else:
        assert row["error"] is None and row["n_pages"] >= 1


def test_hostile_file_list_is_complete(hostile_run) -> None:
    # test_each_hostile_file_has_its_row is parametrised by index; this keeps the two in step.
    assert len(hostile_run[3]) == 15


def test_hostile_names_are_not_interpreted(hostile_run) -> None:
    _, out, folder, *_ = hostile_run
    # "$(touch pwned).md" must not have run a shell anywhere near the run.
    assert not any(p.name == "pwned" for p in folder.parent.rglob("*"))
    assert not (Path.cwd() / "pwned").exists()
    # "..%2F..%2Fetc.pdf" is a name, not a path: nothing was written outside <out>.
    assert sorted(p.name for p in folder.parent.iterdir()) == ["in", "out"]


def test_failing_urls_are_quarantined_with_the_reason(hostile_run) -> None:
    _, _, _, _, _, urls, rows = hostile_run
    for url, reason in urls.items():
        row = rows[url]
        assert row["status"] == "quarantined", row
        _assert_one_line(row["error"])
        assert reason in row["error"], row["error"]


def test_every_mutated_file_is_accounted_for(hostile_run) -> None:
    result, _, _, _, mutants, _, rows = hostile_run
    assert len(result.documents) == len(rows)  # distinct bytes everywhere: one row per input
    for path in mutants:
        row = rows.get(str(path))
        assert row is not None, f"{path.name}: lost"
        assert row["status"] in ("ok", "quarantined")
        if row["status"] == "quarantined":
            _assert_one_line(row["error"])
