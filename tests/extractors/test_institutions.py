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
        ("The EU AI Act entered into force.", {"european-union"}),  # the act is an instrument; the EU is named
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


def test_stands_for_definition_with_digit_acronym(nlp):
    # "NC3" = N C C C; "community" is a head only for an explicitly defined name
    found, doc = keys(nlp, "The pool is run by NC3, which stands for Nordic Compute Coordination Community. NC3 meets monthly.")
    assert found == {"new:nordic-compute-coordination-community"}
    assert [s.text for s in doc.spans[INSTITUTIONS]] == ["NC3", "Nordic Compute Coordination Community", "NC3"]
    found, _ = keys(nlp, "Here AI stands for Artificial Intelligence. The Research Community agreed.")
    assert found == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        # proper names listed as examples of a class of bodies, footnote marks dropped
        ("Research collaborations (such as Helix3 and Northlight) share data.", {"new:helix", "new:northlight"}),
        # a name of generic words counts when listed as a body, a lower-case description does not
        ("It works through coordination bodies, including the project board and the Technical Steering Committee, to decide.",
         {"new:technical-steering-committee"}),
        # countries, events and instruments listed after a class noun are not bodies
        ("Institutions such as the U.S. or UK may lead.", set()),
        ("Alliances like the Hiroshima AI Process matter.", set()),
        # a plain word after a broad class is often a place named for its government
        ("It cites national bodies such as Colombia and Rwanda.", set()),
        # the list ends with the sentence
        ("Agencies such as the World Bank. Helix then spoke.", {"world-bank"}),
    ],
)
def test_listed_names(nlp, text, expected):
    assert keys(nlp, text)[0] == expected


def test_coordinated_org_names(nlp):
    found, _ = keys(nlp, "Scientists at the University of Bergen and the Norwegian University of Science and Technology wrote it.")
    assert found == {"new:university-of-bergen", "new:norwegian-university-of-science-and-technology"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Staff of the U.S. Departments of Energy and Commerce attended.", {"us-doe", "us-doc"}),
        ("The Departments of State, Energy and Commerce agreed.", {"us-state-department", "us-doe", "us-doc"}),
    ],
)
def test_plural_departments(nlp, text, expected):
    assert keys(nlp, text)[0] == expected


def test_known_body_in_hyphenated_compound_is_a_party(nlp):
    found, doc = keys(nlp, "The China-BRICS Artificial Intelligence Development and Cooperation Center opened.")
    assert found == {"china-brics-ai-center", "brics"}


def test_variant_of_a_named_body_links_to_it(nlp):
    # a near spelling of, or the tail of, a body the document already names is that body
    found, _ = keys(nlp, "GovAI wrote it. A note from the Center for the Governanse of AI followed.")
    assert "govai" in found and not any(k.startswith("new:") for k in found)
    found, _ = keys(nlp, "The OECD AI Policy Observatory tracks laws. Its Policy Observatory also lists papers.")
    assert found == {"oecd-ai-observatory"}
    # a different word is a different body
    found, _ = keys(nlp, "The University of Cambridge and the University of Canberra met.")
    assert found == {"university-of-cambridge", "new:university-of-canberra"}
    # without the body named elsewhere, nothing is guessed
    found, _ = keys(nlp, "The Policy Observatory lists papers.")
    assert found == {"new:policy-observatory"}


def test_name_broken_by_a_page_break_is_kept_on_its_first_page(nlp):
    from extractors.extract import make_doc, mentions_of
    from sources.model import Document, Page

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govmap_institution_ruler")
    document = Document("d", "file:///d", "text/plain", "0" * 64, (Page(1, "Then the US"), Page(2, "government scrapped it.")))
    doc = nlp(make_doc(nlp, document))
    (m,) = [m for m in mentions_of(doc) if m.entity_type == "institution"]
    assert (m.key, m.page, m.surface) == ("us-government", 1, "US")


def test_initials_with_repeat_digits():
    from extractors.discovery import initials_match

    assert initials_match("World Wide Web Consortium", "W3C")
    assert initials_match("Coalition for Content Provenance and Authenticity", "C2PA")
    assert not initials_match("Group of Seven", "G7")
