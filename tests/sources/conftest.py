"""Fixtures for sources tests: small PDFs written with reportlab, and a local HTTP server."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest


def write_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    encrypt: str | None = None,
    title: str | None = None,
    author: str | None = None,
    header: str | None = None,
) -> Path:
    """A text PDF: one list of lines per page, an optional running header and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        if header:
            c.setFont("Helvetica", 8)
            c.drawString(72, height - 40, header)
            c.drawString(width / 2, 30, str(number))
        c.setFont("Helvetica", 10)
        y = height - 80
        for line in lines:
            c.drawString(72, y, line)
            y -= 14
        c.showPage()
    c.save()
    return path


def grid_lines(
    x: float, top: float, n_rows: int, col_widths: list[float], row_height: float = 18
) -> tuple[list[float], list[float]]:
    """The x of every column rule and the y of every row rule of a grid whose top left is (x, top)."""
    xs = [x]
    for w in col_widths:
        xs.append(xs[-1] + w)
    return xs, [top - i * row_height for i in range(n_rows + 1)]


def draw_table(
    c,
    x: float,
    top: float,
    rows: list[list[str]],
    col_widths: list[float],
    row_height: float = 18,
    merge_down_first_col: bool = False,
) -> float:
    """Draw a ruled grid with text; returns the y below it.  `merge_down_first_col` leaves out the
    rule between rows in the first column where its cell is empty (a rowspan)."""
    n = len(rows)
    total = sum(col_widths)
    xs, ys = grid_lines(x, top, n, col_widths, row_height)
    c.setLineWidth(0.5)
    for i, yy in enumerate(ys):
        start = x
        if merge_down_first_col and 0 < i < n and rows[i][0] == "":
            start = xs[1]
        c.line(start, yy, x + total, yy)
    for xx in xs:
        c.line(xx, ys[0], xx, ys[-1])
    c.setFont("Helvetica", 9)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c.drawString(xs[j] + 3, ys[i] - row_height + 5, text)
    return ys[-1]


@pytest.fixture
def table_pdf(tmp_path: Path) -> Path:
    """Two pages: a captioned ruled table continued on page 2 with its header row repeated."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "tables.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setFont("Helvetica", 10)
    c.drawString(72, height - 80, "The survey of invented harbour authorities is summarised below.")
    c.drawString(72, height - 120, "Table 3. Harbour authorities and their duties")
    header = ["Authority", "Duty", "Reach"]
    rows = [header, ["North Quay Board", "Dredging", "x"], ["", "Lighthouses", ""], ["Salt Lane Office", "Tolls", ""]]
    draw_table(c, 72, height - 130, rows, [150, 150, 100], merge_down_first_col=True)
    c.showPage()
    draw_table(c, 72, height - 72, [header, ["Pier Trust", "Moorings", "x"]], [150, 150, 100])
    c.setFont("Helvetica", 10)
    c.drawString(72, height - 160, "After the table the text goes on about fictional ports.")
    c.showPage()
    c.save()
    return path


@pytest.fixture
def image_only_pdf(tmp_path: Path) -> Path:
    """A page with only a drawn picture (no text layer), as a scan would be."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFillGray(0.5)
    c.circle(200, 400, 80, fill=1)
    c.showPage()
    c.save()
    return path


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 — http.server's naming
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"a" * 1024)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        status, headers, body = self.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not here"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a client that stops reading at its size limit hangs up mid-body, on purpose


@pytest.fixture(scope="session")
def http_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 with fixed routes; yields its base URL."""
    _Handler.routes = {
        "/doc.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, b"A short note about harbour rules.\n"),
        "/page": (200, {"Content-Type": "text/html"}, b"<html><body><p>Port notice.</p></body></html>"),
        "/loop-a": (302, {"Location": "/loop-b"}, b""),
        "/loop-b": (302, {"Location": "/loop-a"}, b""),
        "/hop": (301, {"Location": "/doc.txt"}, b""),
        "/boom": (503, {"Content-Type": "text/plain"}, b"down"),
        "/slow": (200, {"Content-Type": "text/plain"}, b"late"),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
