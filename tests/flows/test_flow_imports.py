"""What the flow's own process loads: it lists, pulls and publishes, while worker processes parse
and extract, so it must not pay for the workers' libraries (seconds of start-up on every run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKERS_ONLY = ("spacy", "pdfplumber", "pypdfium2", "bs4", "pandas", "matplotlib", "great_expectations")


def test_the_flow_process_loads_none_of_the_workers_libraries() -> None:
    code = (
        "import json, sys\n"
        "import govmap.flows.cli, govmap.flows.ingest, govmap.flows.runners, govmap.flows.release, govmap.flows.documents\n"
        f"print(json.dumps([m for m in {WORKERS_ONLY!r} if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_parsers_still_load_when_asked_for() -> None:
    from govmap import sources

    assert sources.parse_pdf.__module__ == "govmap.sources.pdf"
    assert sources.parse_html.__module__ == "govmap.sources.html"
    assert sources.parse_text.__module__ == "govmap.sources.text"
