import pytest
import spacy

import extractors.instruments  # noqa: F401
from extractors.extensions import INSTRUMENTS
from extractors.extract import make_doc
from sources.model import Cell, Document, Page, Table


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_instrument_ruler")
    return nlp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They signed two memoranda of understanding.", {"mou"}),  # irregular plural listed
        ("Independent audits were required.", {"audits"}),  # simple plural
        ("The EU AI Act applies.", {"eu-ai-act"}),  # a law is an instrument
        ("Members agreed terms of reference and a secretariat.", {"terms-of-reference", "secretariat"}),
    ],
)
def test_kb_instruments(nlp, text, expected):
    doc = nlp(text)
    assert {s.kb_id_ for s in doc.spans[INSTRUMENTS]} == expected


def test_instrument_table_defines_instruments(nlp):
    rows = [["Instrument", "Description"], ["Shared Sandbox Pool", "Members fund a common test environment"]]
    table = Table(page=1, index=0, rows=tuple(tuple(Cell(c) for c in r) for r in rows))
    text = "We propose a Shared Sandbox Pool for regulators."
    document = Document("d" * 16, "mem:", "text/plain", "0" * 64, (Page(1, text, (table,)),))
    doc = nlp(make_doc(nlp, document))
    (d,) = doc._.govmap_discoveries
    assert (d.key, d.kind, d.description) == ("new:shared-sandbox-pool", "funding_mechanism", "Members fund a common test environment")
    assert "new:shared-sandbox-pool" in {s.kb_id_ for s in doc.spans[INSTRUMENTS]}
