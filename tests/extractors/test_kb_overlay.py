"""`govmap run --kb FOLDER`: one loader, whose overlay reaches the rulers, resolution, the cache
key and the manifest.  The bodies below are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govmap.extractors.config import NlpConfig
from govmap.extractors.kb import DEFAULT_KB_PATH, kb_manifest, load_kb

TEXT = (
    "The Quillmere Compute Office (QCO) opened in March. The QCO will publish its first audit with the OECD next year."
)
BODY = {
    "id": "quillmere-compute-office",
    "name": "Quillmere Compute Office",
    "acronym": "QCO",
    "aliases": [],
    "kind": "government_body",
    "country": None,
}


def _overlay(folder: Path, *records: dict) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "institutions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def _keys(nlp_config: NlpConfig) -> set[str]:
    from govmap.extractors.extract import extract_document
    from govmap.extractors.nlp import build_nlp
    from govmap.sources import Document, Page

    nlp = build_nlp(nlp_config)
    document = Document("d" * 16, "memo.txt", "text/plain", "d" * 64, (Page(1, TEXT),))
    return {m.key for m in extract_document(nlp, document).mentions if m.entity_type == "institution"}


def test_an_overlay_body_is_found_and_resolved_under_its_id(tmp_path):
    overlay = str(_overlay(tmp_path / "kb", BODY))
    assert "quillmere-compute-office" not in _keys(NlpConfig())
    keys = _keys(NlpConfig(kb_overlay=overlay))
    assert "quillmere-compute-office" in keys and "oecd" in keys
    kb = load_kb(overlay)
    assert kb.link("Quillmere Compute Office") == "quillmere-compute-office"
    assert load_kb().link("Quillmere Compute Office") is None  # the packaged KB is untouched
    assert len(kb.institutions) == len(load_kb().institutions) + 1


def test_an_overlay_entry_replaces_the_packaged_one_of_its_id(tmp_path):
    packaged = load_kb().institutions["oecd"]
    renamed = {
        "id": "oecd",
        "name": packaged.name,
        "acronym": packaged.acronym,
        "aliases": ["Quillmere Club"],
        "kind": packaged.kind,
        "country": packaged.country,
    }
    kb = load_kb(_overlay(tmp_path / "kb", renamed))
    assert kb.institutions["oecd"].aliases == ("Quillmere Club",)
    assert kb.link("Quillmere Club") == "oecd"
    assert len(kb.institutions) == len(load_kb().institutions)


def test_changing_the_overlay_changes_the_cache_key_and_the_manifest(tmp_path):
    folder = _overlay(tmp_path / "kb", BODY)
    first = NlpConfig(kb_overlay=str(folder))
    key, manifest = first.cache_key(), kb_manifest(load_kb(folder), folder)
    assert key != NlpConfig().cache_key()
    _overlay(folder, {**BODY, "aliases": ["Quillmere Office"]})
    assert NlpConfig(kb_overlay=str(folder)).cache_key() != key
    edited = load_kb(folder)
    assert kb_manifest(edited, folder)["overlay_sha256"] != manifest["overlay_sha256"] is not None
    assert edited.version != manifest["version"] and edited.link("Quillmere Office") == "quillmere-compute-office"


def test_the_manifest_carries_the_packaged_version():
    version = (DEFAULT_KB_PATH / "VERSION").read_text().strip()
    assert kb_manifest(load_kb()) == {"version": version, "overlay_sha256": None}


def test_a_bad_overlay_is_one_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="overlay not found"):
        load_kb(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="none of"):
        load_kb(tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "institutions.jsonl").write_text("{not json\n")
    with pytest.raises(ValueError, match="line 1: not JSON"):
        load_kb(tmp_path / "bad")
