"""Builders for hostile inputs: each writes one file into a folder and says what must become of it.

Shared by the quarantine tests and the crash tests; nothing here starts Prefect.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

__all__ = ["BadInput", "HIDDEN_NAMES", "write_bad_inputs", "text_pdf", "mutate"]

# Hostile names that a folder walk skips as hidden files; a run must name them explicitly.
HIDDEN_NAMES = ("..%2F..%2Fetc.pdf",)


@dataclass(frozen=True)
class BadInput:
    name: str  # file name inside the folder (kept verbatim as the source_uri's last part)
    status: str  # the documents.status it must get
    error_has: str = ""  # a fragment its one-line error must contain (quarantined only)


def text_pdf(lines: list[str], *, encrypt: str | None = None, pages: int = 1) -> bytes:
    """A small PDF with a real text layer, written by reportlab."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for p in range(pages):
        y = 780
        for line in lines:
            c.drawString(72, y, f"{line} (page {p + 1})")
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def image_only_pdf() -> bytes:
    """A PDF whose page is only drawn shapes: what a scan looks like to a text extractor."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i in range(40):
        c.setFillGray(i / 40)
        c.rect(60 + i * 11, 300, 10, 400, fill=1, stroke=0)
    c.showPage()
    c.save()
    return buf.getvalue()


_REPORT = [
    "Hostile input test report on compute governance",
    "The Global Compute Registry and the Standards Forum agreed to share incident data.",
    "Both bodies will publish a joint assessment process for frontier model testing.",
]


def write_bad_inputs(folder: Path, *, max_bytes: int) -> list[BadInput]:
    """Write every hostile local input into `folder`; returns what each must become."""
    good_pdf = text_pdf(_REPORT, pages=3)
    corrupted = bytearray(good_pdf)
    # Overwrite the middle (content streams, xref offsets) but keep the %PDF- header, so the
    # file is still detected as a PDF and must be rejected by the parser, not the sniffer.
    for i in range(len(corrupted) // 4, len(corrupted) - 8):
        corrupted[i] = (corrupted[i] * 7 + 13) % 256
    cases: dict[str, tuple[bytes, BadInput]] = {
        "empty.pdf": (b"", BadInput("empty.pdf", "quarantined", "empty file")),
        "truncated.pdf": (
            good_pdf[: len(good_pdf) // 3],
            BadInput("truncated.pdf", "quarantined", "corrupt or truncated"),
        ),
        "corrupted.pdf": (bytes(corrupted), BadInput("corrupted.pdf", "quarantined", "corrupt or truncated")),
        "encrypted.pdf": (text_pdf(_REPORT, encrypt="s3cret"), BadInput("encrypted.pdf", "quarantined", "encrypted")),
        "scanned.pdf": (image_only_pdf(), BadInput("scanned.pdf", "quarantined", "needs OCR")),
        "junk.pdf": (bytes(random.Random(1).randbytes(4096)), BadInput("junk.pdf", "quarantined", "not a PDF")),
        "huge.txt": (b"governance " * (max_bytes // 10 + 50), BadInput("huge.txt", "quarantined", "max_bytes")),
        # latin-1 is not valid UTF-8; charset detection must read it, not quarantine it.
        "latin1.txt": (
            (
                "Rapport sur la coopération réglementaire entre l'Agence européenne et le Comité "
                "d'évaluation des modèles. Les deux organismes échangent des données d'incidents.\n" * 4
            ).encode("latin-1"),
            BadInput("latin1.txt", "ok"),
        ),
        "garbage.txt": (
            bytes(random.Random(2).randbytes(3000)).replace(b"\x00", b"\x01"),
            BadInput("garbage.txt", "quarantined", "not text"),
        ),
        "scripts.html": (_scripts_html(), BadInput("scripts.html", "ok")),
        "only-scripts.html": (
            b"<html><head><script>var a=1;</script></head><body><script>"
            + b"document.write('x');" * 200
            + b"</script></body></html>",
            BadInput("only-scripts.html", "quarantined", "no text left"),
        ),
        # Names that look like path traversal or shell injection are opaque names, nothing more.
        # A leading dot makes a hidden file, which folder walks skip on purpose (.git, .cache), so
        # the run names "..%2F..%2Fetc.pdf" explicitly (HIDDEN_NAMES).
        "report%2F..%2F..%2Fetc%2Fpasswd.txt": (
            b"A note on the Standards Forum and incident data sharing.\n",
            BadInput("report%2F..%2F..%2Fetc%2Fpasswd.txt", "ok"),
        ),
        "..%2F..%2Fetc.pdf": (b"not a pdf at all\n", BadInput("..%2F..%2Fetc.pdf", "quarantined", "PDF")),
        "a;rm -rf.txt": (
            b"A plain note about the Standards Forum and its assessment process.\n",
            BadInput("a;rm -rf.txt", "ok"),
        ),
        "$(touch pwned).md": (
            b"# Note\n\nThe Global Compute Registry met the Standards Forum.\n",
            BadInput("$(touch pwned).md", "ok"),
        ),
    }
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    return [expect for _, expect in cases.values()]


def _scripts_html() -> bytes:
    scripts = "".join(f"<script>window.t{i} = '{'x' * 200}'; alert({i});</script>" for i in range(200))
    return (
        "<!doctype html><html><head><title>Script-heavy page</title>"
        + scripts
        + "<style>body{color:red}</style></head><body>"
        + scripts
        + "<article><h1>Incident data sharing</h1><p>The Global Compute Registry and the Standards Forum "
        "agreed to share incident data and to publish a joint assessment process.</p></article>"
        + scripts
        + "</body></html>"
    ).encode()


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage: flip bytes, cut, splice a chunk elsewhere, insert junk, or zero a run."""
    if not data:
        return bytes(rng.randbytes(rng.randint(0, 64)))
    b = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0:
        for _ in range(rng.randint(1, 32)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:
        del b[rng.randrange(len(b)) :]
    elif kind == 2:
        i, j = sorted(rng.randrange(len(b)) for _ in range(2))
        chunk = b[i:j]
        k = rng.randrange(len(b))
        b[k:k] = chunk
    elif kind == 3:
        k = rng.randrange(len(b))
        b[k:k] = rng.randbytes(rng.randint(1, 256))
    else:
        i = rng.randrange(len(b))
        b[i : i + rng.randint(1, 512)] = bytes(min(512, len(b) - i))
    return bytes(b)
