import pytest
import spacy

import govmap.extractors.instruments  # noqa: F401
from govmap.extractors.extensions import INSTRUMENTS
from govmap.extractors.extract import make_doc
from govmap.extractors.instruments import InstrumentRuler, instrument_key
from govmap.extractors.kb import load_kb
from govmap.sources.model import Cell, Document, Page, Table


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_instrument_ruler")
    return nlp


@pytest.fixture(scope="module")
def nlp_every_mention():
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_instrument_ruler", config={"min_type_mentions": 1})
    return nlp


def keys(doc):
    return {s.kb_id_ for s in doc.spans[INSTRUMENTS]}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They signed two memoranda of understanding.", {"mou"}),  # irregular plural listed
        ("Independent third-party audits were required.", {"audits"}),  # simple plural
        ("The EU AI Act applies.", {"eu-ai-act"}),  # a law is an instrument
        ("Members agreed terms of reference and a secretariat.", {"terms-of-reference", "secretariat"}),
    ],
)
def test_kb_instruments(nlp_every_mention, text, expected):
    assert keys(nlp_every_mention(text)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a mechanism type named once is named in passing
        ("One pilot used a regulatory sandbox for drones.", set()),
        # named twice, the document discusses it
        ("A regulatory sandbox lets firms test. Each regulatory sandbox has a sponsor.", {"regulatory-sandbox"}),
        # a named instrument counts from its first mention
        ("Firms must follow the GDPR.", {"gdpr"}),
    ],
)
def test_mechanism_types_need_two_mentions(nlp, text, expected):
    assert keys(nlp(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "More regulation is needed, and a framework for it.",  # generic words in passing
        "Domestic regulation and national legislation differ.",  # not "international legislation"
        "Under the rotating chair, a treaty was never a convention.",  # single generic words
        "An executive order can be revoked by the next one.",  # a kind of document, not one order
    ],
)
def test_generic_words_are_not_instruments(nlp, text):
    assert keys(nlp(text)) == set()


def test_min_type_mentions_is_checked():
    with pytest.raises(ValueError):
        InstrumentRuler(min_type_mentions=0)


def test_named_instrument_discovered_with_acronym_and_definition(nlp):
    text = (
        "The Harbour Drone Safety Act (HDSA) sets rules for delivery drones.\n\n"
        "HDSA means a statute that licenses operators of delivery drones above harbours."
    )
    doc = nlp(text)
    spans = [(s.text, s.kb_id_) for s in doc.spans[INSTRUMENTS]]
    assert ("Harbour Drone Safety Act", "new:harbour-drone-safety-act") in spans
    assert ("HDSA", "new:harbour-drone-safety-act") in spans
    (d,) = [d for d in doc._.govmap_discoveries if d.key == "new:harbour-drone-safety-act"]
    assert (d.name, d.acronym, d.kind) == ("Harbour Drone Safety Act", "HDSA", "legal_instrument")
    assert d.description.startswith("HDSA means a statute")


def test_named_instrument_links_to_kb_behind_an_owner(nlp):
    doc = nlp("Officials cited the White House Blueprint for an AI Bill of Rights.")
    assert keys(doc) == {"ai-bill-of-rights"}


def test_instrument_word_inside_a_body_name_is_not_an_instrument():
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_instrument_ruler")
    text = "Questions go to the Lakeside Charter Secretariat."
    doc = nlp.make_doc(text)
    from govmap.extractors.extensions import INSTITUTIONS

    doc.spans[INSTITUTIONS] = [doc.char_span(16, len(text) - 1, label="institution", kb_id="new:x")]
    assert keys(nlp(doc)) == set()


@pytest.mark.parametrize(
    "text, body, name",
    [
        # a list of titles and their issuers: the body after the title is not part of it
        (
            "Ethical Guidelines for Harbour Pilots Lakeside Pilots Association (LPA), 2019",
            "Lakeside Pilots Association",
            "Ethical Guidelines for Harbour Pilots",
        ),
        # the body is what the name is about
        ("They signed the Charter of the Lakeside Pilots Association.", "Lakeside Pilots Association", None),
        # the body stands in the name's number
        ("It follows Directive 2031/7/LPA on pilots.", "LPA", None),
    ],
)
def test_named_instrument_ends_before_its_issuer(text, body, name):
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_instrument_ruler")
    doc = nlp.make_doc(text)
    from govmap.extractors.extensions import INSTITUTIONS

    start = text.index(body)
    alone = nlp(nlp.make_doc(text))
    whole = [s.text for s in alone.spans[INSTRUMENTS]]
    doc.spans[INSTITUTIONS] = [doc.char_span(start, start + len(body), label="institution", kb_id="new:x")]
    doc = nlp(doc)
    found = [s.text for s in doc.spans[INSTRUMENTS]]
    assert found == ([name] if name else whole) and found


@pytest.mark.parametrize(
    "name, expected",
    [
        ("the UK's Online Safety Act", "uk-online-safety-act"),  # an owner before a known name
        ("Coastal Fisheries Act 2021", "new:coastal-fisheries-act"),  # a year names the same act
        ("Coastal Fisheries Act", "new:coastal-fisheries-act"),
        ("International Code of Conduct", None),  # a generic type in capitals: not a named instrument
    ],
)
def test_instrument_key(name, expected):
    assert instrument_key(name, load_kb()) == expected


def test_same_name_in_two_documents_is_one_instrument():
    from govmap.extractors.extract import extract_document
    from govmap.extractors.kb import load_kb as kb
    from govmap.extractors.resolve import resolve

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govmap_instrument_ruler")
    docs = [
        Document(c * 16, "mem:", "text/plain", "0" * 64, (Page(1, t, ()),))
        for c, t in (
            ("a", "The Orchard Data Charter binds members."),
            ("b", "Members signed the Orchard Data Charter."),
        )
    ]
    res = resolve([extract_document(nlp, d) for d in docs], kb())
    (row,) = [r for r in res.instruments if r.name == "Orchard Data Charter"]
    assert (row.n_documents, row.category) == (2, "legal_instrument")


def test_instrument_table_defines_instruments(nlp):
    rows = [["Instrument", "Description"], ["Shared Sandbox Pool", "Members fund a common test environment"]]
    table = Table(page=1, index=0, rows=tuple(tuple(Cell(c) for c in r) for r in rows))
    text = "We propose a Shared Sandbox Pool for regulators."
    document = Document("d" * 16, "mem:", "text/plain", "0" * 64, (Page(1, text, (table,)),))
    doc = nlp(make_doc(nlp, document))
    (d,) = doc._.govmap_discoveries
    assert (d.key, d.kind, d.description) == (
        "new:shared-sandbox-pool",
        "funding_mechanism",
        "Members fund a common test environment",
    )
    assert "new:shared-sandbox-pool" in {s.kb_id_ for s in doc.spans[INSTRUMENTS]}
