import pytest
import spacy

import extractors.institutions  # noqa: F401
from extractors.extensions import INSTITUTIONS


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("govmap_institution_ruler")
    return nlp


def keys(nlp, text):
    doc = nlp(text)
    return {s.kb_id_ for s in doc.spans[INSTITUTIONS]}, doc


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Engineers at OpenAl published a note.", {"openai"}),  # OCR "Al" for "AI"
        ("Japan's AISI ran the tests.", {"japan-aisi"}),  # possessive country + AISI
        ("The UN, UNESCO and the UNGA all spoke.", {"un", "unesco", "unga"}),  # distinct UN bodies
        ("Delegates met at the AI Safety Summit in November.", set()),  # an event, not a body
        ("The EU AI Act entered into force.", set()),  # a law is an instrument
        ("Several AISIs signed the letter.", set()),  # plural: a generic reference
        ("AI labs and Member States disagreed.", set()),  # generic phrases
        ("The Canadian and Korean AISIs agreed.", {"canada-aisi", "korea-aisi"}),  # list of countries
        ("The U.S. government funded it.", {"us-government"}),  # a government is a body
    ],
)
def test_known_bodies(nlp, text, expected):
    assert keys(nlp, text)[0] == expected


def test_acronym_definition_discovers_body_and_later_uses(nlp):
    found, doc = keys(nlp, "The Frontier Safety Council (FSC) met. Later the FSC issued guidance.")
    assert found == {"new:frontier-safety-council"}
    # the name, the acronym in its definition, and the later use
    assert [s.text for s in doc.spans[INSTITUTIONS]] == ["Frontier Safety Council", "FSC", "FSC"]
    (d,) = doc._.govmap_discoveries
    assert (d.name, d.acronym, d.kind) == ("Frontier Safety Council", "FSC", "other")


def test_linker_resolves_discoveries_and_heads(nlp):
    doc = nlp("The AISI Network met. The AISI Network agreed. The Network then adjourned. "
              "The Lakeside Policy Institute (LPI) commented.")
    linker = doc._.govmap_linker
    assert linker.link("the Network") == "network-of-aisis"
    assert linker.link("LPI") == "new:lakeside-policy-institute"
    assert linker.link("US", kind_hint="ai_safety_institute") == "us-aisi"


def test_markup_and_urls_are_not_mentions(nlp):
    found, _ = keys(nlp, "See https://example.org/OECD-report and the <u>World Bank</u> note.")
    assert found == {"world-bank"}
