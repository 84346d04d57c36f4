"""Discovery of bodies from acronym definitions against a knowledge base: glossary lines, and
acronyms the KB gives to another body.  The bodies are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govmap.extractors.body_discovery import discover_bodies
from govmap.extractors.discovery import find_glossary_lines, is_generic_name
from govmap.extractors.kb import load_kb, normalize_surface

BODIES = [
    {
        "id": "quillmere-mot",
        "name": "Ministry of Tides of Quillmere",
        "acronym": "MOT",
        "aliases": [],
        "kind": "government_body",
        "country": "FR",
    },
    {
        "id": "harbour-pilots-society",
        "name": "Harbour Pilots Society",
        "acronym": "HPS",
        "aliases": [],
        "kind": "civil_society",
        "country": None,
    },
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    folder: Path = tmp_path_factory.mktemp("kb")
    (folder / "institutions.jsonl").write_text("".join(json.dumps(b) + "\n" for b in BODIES), encoding="utf-8")
    return load_kb(folder)


def test_glossary_lines_define_acronyms():
    text = "Abbreviations\nLTA  Lakeside Tides Authority\nMOC: Ministry of Canals\nIT Information Technology\nThe LTA met.\n"
    assert [(c.acronym, c.name) for c in find_glossary_lines(text)] == [
        ("LTA", "Lakeside Tides Authority"),
        ("MOC", "Ministry of Canals"),
        ("IT", "Information Technology"),
    ]


def test_glossary_bodies_are_discovered_and_terms_are_not(kb):
    text = "Abbreviations\nLTA  Lakeside Tides Authority\nIT Information Technology\n\nThe LTA met twice.\n"
    found = discover_bodies(kb, text, [])
    assert [(d.name, d.acronym) for d in found.discoveries] == [("Lakeside Tides Authority", "LTA")]
    later = text.rindex("LTA")
    assert any(m.start == later and m.key == found.discoveries[0].key for m in found.matches)


def test_acronym_of_a_body_of_the_documents_country_names_it(kb):
    # "Ministry of Tides" starts the known body's name and the document is about its country
    text = "List of abbreviations\nMOT Ministry of Tides\n"
    found = discover_bodies(kb, text, [], country="FR", share=1.0)
    assert [(m.key, text[m.start : m.end]) for m in found.matches] == [("quillmere-mot", "Ministry of Tides")]
    assert found.discoveries == ()


def test_acronym_of_another_countrys_body_is_a_new_body(kb):
    text = "List of abbreviations\nMOT Ministry of Tides\n"
    found = discover_bodies(kb, text, [], country="DE", share=1.0)
    assert "quillmere-mot" not in {m.key for m in found.matches}
    assert [d.name for d in found.discoveries] == ["Ministry of Tides"]


def test_acronym_shared_with_another_known_body_does_not_link_the_name(kb):
    # "HPS" is the Harbour Pilots Society's; the document gives it to another body
    text = "She is a fellow of the Harbour Poets Syndicate (HPS) and writes."
    found = discover_bodies(kb, text, [])
    assert all(m.key != "harbour-pilots-society" for m in found.matches)


def test_a_ministrys_portfolio_is_never_generic():
    assert not is_generic_name("Ministry of Public Security")
    assert is_generic_name("National Security Council")


def test_typographic_apostrophe_is_an_apostrophe():
    assert normalize_surface("Harbour Commissioner’s Office") == normalize_surface("Harbour Commissioner's Office")


def test_a_term_the_document_also_writes_in_lower_case_is_no_body(kb):
    text = "The Wave Foundation Model (WFM) is large. Several wave foundation models exist; the WFM grows."
    assert discover_bodies(kb, text, []).discoveries == ()
    # written the same way everywhere, the name stands
    named = "The Wave Foundation (WF) funds research. The WF met the Wave Foundation again."
    assert [d.name for d in discover_bodies(kb, named, []).discoveries] == ["Wave Foundation"]
