import pytest

from govmap.extractors.named_instruments import category_of_head, find_definitions, find_named_instruments


def names(text, **kw):
    return [n.name for n in find_named_instruments(text, **kw)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # head-final names, with the clause before them left out
        ("Ministers adopted the Lisbon Declaration yesterday.", ["Lisbon Declaration"]),
        ("Adopting the Tallinn Charter, members met.", ["Tallinn Charter"]),
        # head-first names take their capitalised complement
        (
            "They cited the Recommendation on the Ethics of Robotics today.",
            ["Recommendation on the Ethics of Robotics"],
        ),
        # a comma list that ends in "and" stays in the name
        ("The Accord on Safe, Open and Fair Robotics was signed.", ["Accord on Safe, Open and Fair Robotics"]),
        # two names joined by "and the" are two names
        ("See the Rivers Act and the Lakes Pact.", ["Rivers Act", "Lakes Pact"]),
        (
            "The Guide for Pilots and the Harbour Safety Framework apply.",
            ["Guide for Pilots", "Harbour Safety Framework"],
        ),
        # numbers that belong to the name
        ("Executive Order 99901 was revoked.", ["Executive Order 99901"]),
        ("Parliament read Bill Q-12 twice.", ["Bill Q-12"]),
        ("Regulation (EU) 2031/455 applies.", ["Regulation (EU) 2031/455"]),
        ("The Wind Farm Act 2019 passed.", ["Wind Farm Act 2019"]),
        # numbered standards and state bills
        ("Firms certify against ISO/IEC 99999 and IEEE 9100.", ["ISO/IEC 99999", "IEEE 9100"]),
        ("Nevada SB 404 stalled.", ["Nevada SB 404"]),
        # the issuer of a numbered act is not part of its name
        ("The Cabinet Resolution No. 77/XY-Z was issued.", ["Resolution No. 77/XY-Z"]),
        # a name in quotes or brackets keeps its first word
        ('the supply chain ("Tidal Harbour Safety Framework") was', ["Tidal Harbour Safety Framework"]),
        ("the Office released “Coastal Principles of Safe Pilotage” in May", ["Coastal Principles of Safe Pilotage"]),
        # modifiers in -ing that are words of the name, not verbs before it
        ("the Harbour Guiding Principles apply", ["Harbour Guiding Principles"]),
        ("the Tide Recording Standard (TRS) register", ["Tide Recording Standard"]),
        ("Lakeside Developing Guidelines", []),
        # Markdown emphasis ends a name without hiding its last word
        ("6. **Lake — Principles for Democratic Harbours** (May 2031)", ["Principles for Democratic Harbours"]),
        # the kind of paper that carries a strategy is not part of its name
        ("See the Communication on Harbour Safety Strategy.", ["Harbour Safety Strategy"]),
        ("Lakeside Commission, Communication Annual Harbour Strategy 2031", ["Annual Harbour Strategy 2031"]),
        # a section number before a heading is not part of the name
        ("1.3 Guiding Principles for the Harbour Framework\nText", ["Guiding Principles for the Harbour Framework"]),
    ],
)
def test_boundaries(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Strategy sets goals; the Framework follows.",  # a head alone refers back
        "Our Action Plan and the Regulatory Framework are drafts.",  # generic modifiers only
        "A regulatory framework helps. The Regulatory Framework is new.",  # written in lower case too
        "Article 5 of the Framework applies.",  # "of the" before a bare head
        "She studied at the Graduate School of Law.",  # a body's name
        "The Harbour Act Review Board met.",  # the head is inside a longer name
        "Strategy 3 covers skills.",  # a section number is not a name
        "We call for AI Regulation now.",  # a topic, not a named regulation
    ],
)
def test_not_names(text):
    assert names(text) == []


def test_line_breaks_end_names_outside_paragraphs():
    # a short line is a table cell or a list item: its neighbour is not part of the name
    cells = "Strong\nCoastal Waters Act"
    assert names(cells) == ["Coastal Waters Act"]
    # a long wrapped paragraph line: the name runs on over the break in a PDF layout
    para = "In a long sentence laid out over several lines the ministers cited the Coastal\nWaters Act again."
    assert names(para, wrap_lines=True) == ["Coastal Waters Act"]
    assert names(para) == ["Waters Act"]


def test_footnote_number_glued_to_a_name():
    assert names("It follows the Ocean Data Strategy12 closely.") == ["Ocean Data Strategy"]


def test_acronym_in_brackets():
    (n,) = find_named_instruments("The Harbour Drone Safety Act (HDSA) applies.")
    assert (n.acronym, n.category) == ("HDSA", "legal_instrument")
    (n,) = find_named_instruments("The Harbour Drone Safety Act (Norway) applies.")
    assert n.acronym is None  # a country in brackets is not an acronym of the name


@pytest.mark.parametrize(
    "head, name, expected",
    [
        ("Act", "Wind Farm Act", "legal_instrument"),
        ("Declaration", "Lisbon Declaration", "coordination_mechanism"),
        ("Standard", "ISO/IEC 99999", "technical_measure"),
        ("Framework", "Harbour Risk Management Framework", "assessment_process"),  # a framework that assesses
        ("Framework", "Harbour Governance Framework", "legal_instrument"),
    ],
)
def test_category_of_head(head, name, expected):
    assert category_of_head(head, name) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The Orchard Charter means a pact among growers to share data.",
            "The Orchard Charter means a pact among growers to share data.",
        ),
        (
            "Orchard Charter: a pact among growers to share data.\nNext line.",
            "Orchard Charter: a pact among growers to share data.",
        ),
        ("Growers praised the Orchard Charter as a model.", None),  # mentioned, not defined
    ],
)
def test_definitions(text, expected):
    start = text.index("Orchard Charter")
    found = find_definitions(text, {"k": [(start, start + len("Orchard Charter"))]})
    assert found.get("k") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a name under a head that also titles chapters counts when named twice ...
        (
            "The Tidal Energy Strategy sets goals. Under the Tidal Energy Strategy, ports invest.",
            {"new:tidal-energy-strategy"},
        ),
        # ... or when the document gives it an acronym
        ("The Tidal Energy Strategy (TES) sets goals.", {"new:tidal-energy-strategy"}),
        # once, it may be a chapter title or a body's own paper
        ("The Tidal Energy Strategy sets goals.", set()),
        # ... but not when dated: a year names one plan
        ("The Tidal Energy Strategy 2031 sets goals.", {"new:tidal-energy-strategy"}),
        # other heads count from the first mention
        ("The Tidal Energy Act sets goals.", {"new:tidal-energy-act"}),
    ],
)
def test_weak_heads_need_a_second_mention(text, expected):
    import spacy

    import govmap.extractors.instruments  # noqa: F401
    from govmap.extractors.extensions import INSTRUMENTS

    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_instrument_ruler")
    doc = nlp(text)
    assert {s.kb_id_ for s in doc.spans[INSTRUMENTS]} == expected
