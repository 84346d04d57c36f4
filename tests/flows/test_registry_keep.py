"""`on_removed: keep` carries a removed document into the next release; `drop` leaves it out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govmap.flows.registry import load_registry, removed_to_keep


def _registry(tmp_path: Path, on_removed: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  reports:\n    folder: in\n    on_removed: {on_removed}\n")
    return path


@pytest.mark.parametrize(
    ("on_removed", "status", "carried"),
    [
        ("keep", "ok", True),  # the point of keep
        ("drop", "ok", False),  # the default: a release lists what is there now
        ("keep", "quarantined", False),  # nothing to carry: it was never extracted
    ],
)
def test_removed_to_keep(tmp_path: Path, on_removed: str, status: str, carried: bool) -> None:
    (tmp_path / "in").mkdir()
    registry = load_registry(_registry(tmp_path, on_removed))
    gone = str(tmp_path / "in" / "old.md")
    elsewhere = str(tmp_path / "other" / "x.md")  # not under any registered source
    inputs = [
        {"source_uri": gone, "sha256": "a" * 64, "status": status},
        {"source_uri": elsewhere, "sha256": "b" * 64, "status": "ok"},
    ]
    assert [e["source_uri"] for e in removed_to_keep(registry, inputs, current_specs=[])] == ([gone] if carried else [])


@pytest.mark.slow
def test_keep_carries_a_removed_document_through_the_flow(
    tmp_path: Path, samples_folder: Path, prefect_server: str
) -> None:
    from govmap.flows.ingest import ingest

    shutil.move(str(samples_folder), tmp_path / "in")
    registry, out = _registry(tmp_path, "keep"), tmp_path / "out"
    first = ingest([], str(out), registry=str(registry))
    assert first.outcome is not None and first.outcome.rows["documents"] == 3
    (tmp_path / "in" / "network-news.html").unlink()
    # Only a removal under `keep`: the release already holds every document; nothing to publish.
    assert ingest([], str(out), registry=str(registry)).unchanged_release == first.outcome.release_id
    # A new document: the new release holds it and still carries the removed one.
    (tmp_path / "in" / "note.md").write_text("# A Note\n\nThe OECD and the ITU met in May.\n")
    second = ingest([], str(out), registry=str(registry))
    assert second.outcome is not None and second.outcome.promoted
    assert second.outcome.rows["documents"] == 4
    assert any(d.source_uri.endswith("network-news.html") for d in second.documents)
