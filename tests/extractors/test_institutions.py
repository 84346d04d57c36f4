import pytest
import spacy

import govmap.extractors.institutions  # noqa: F401
from govmap.extractors.extensions import INSTITUTIONS


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
        # a national adjective or a possessive country before "government", capitalised as printed
        ("The Chilean government and New Zealand's Government agreed.", {"chile-government", "nz-government"}),
        ("They let us government staff in.", set()),  # "us" in lower case is no country
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
    doc = nlp(
        "The AISI Network met. The AISI Network agreed. The Network then adjourned. "
        "The Lakeside Policy Institute (LPI) commented."
    )
    linker = doc._.govmap_linker
    assert linker.link("the Network") == "network-of-aisis"
    assert linker.link("LPI") == "new:lakeside-policy-institute"
    assert linker.link("US", kind_hint="ai_safety_institute") == "us-aisi"


def test_markup_and_urls_are_not_mentions(nlp):
    found, _ = keys(nlp, "See https://example.org/OECD-report and the <u>World Bank</u> note.")
    assert found == {"world-bank"}


def test_stands_for_definition_with_digit_acronym(nlp):
    # "NC3" = N C C C; "community" is a head only for an explicitly defined name
    found, doc = keys(
        nlp, "The pool is run by NC3, which stands for Nordic Compute Coordination Community. NC3 meets monthly."
    )
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
        (
            "It works through coordination bodies, including the project board and the Technical Steering Committee, to decide.",
            {"new:technical-steering-committee"},
        ),
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
    found, _ = keys(
        nlp, "Scientists at the University of Bergen and the Norwegian University of Science and Technology wrote it."
    )
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
    from govmap.extractors.extract import make_doc, mentions_of
    from govmap.sources.model import Document, Page

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govmap_institution_ruler")
    document = Document(
        "d", "file:///d", "text/plain", "0" * 64, (Page(1, "Then the US"), Page(2, "government scrapped it."))
    )
    doc = nlp(make_doc(nlp, document))
    (m,) = [m for m in mentions_of(doc) if m.entity_type == "institution"]
    assert (m.key, m.page, m.surface) == ("us-government", 1, "US")


def test_initials_with_repeat_digits():
    from govmap.extractors.discovery import initials_match

    assert initials_match("World Wide Web Consortium", "W3C")
    assert initials_match("Coalition for Content Provenance and Authenticity", "C2PA")
    assert not initials_match("Group of Seven", "G7")


@pytest.mark.parametrize(
    "form, text",
    [
        # a straight apostrophe in the KB name, a curly one in the text (PDF typography)
        ("Information Commissioner's Office", "the Information Commissioner’s Office said"),
        # and the other way round
        ("Information Commissioner’s Office", "the Information Commissioner's Office said"),
        # an apostrophe inside a non-English name
        ("Agenzia per l'Italia Digitale", "a note by the Agenzia per l’Italia Digitale"),
    ],
)
def test_surface_regex_reads_either_apostrophe(form, text):
    import re

    from govmap.extractors.kb_mentions import surface_regex

    assert re.search(surface_regex(form), text)


def test_kb_name_with_apostrophe_is_found(nlp):
    found, _ = keys(nlp, "Guidance from the Information Commissioner's Office followed.")
    assert "uk-ico" in found


@pytest.mark.parametrize(
    "text, kept",
    [
        # Markdown link: the text stays, only the target goes
        ("See [Harbour Data Institute](https://harbour.org/about) today.", "Harbour Data Institute"),
        # a bare domain path in brackets
        ("(see [Lakeside Council](lakeside.org/x))", "Lakeside Council"),
    ],
)
def test_link_blanking_keeps_link_text(text, kept):
    from govmap.extractors.mentions import _url_ranges

    ranges = _url_ranges(text)
    start = text.index(kept)
    assert ranges and all(b <= start or a >= start + len(kept) for a, b in ranges)


def test_markdown_link_text_is_a_whole_name():
    from govmap.extractors.nlp import build_nlp

    doc = build_nlp()("Read the [Harbour Data Institute](https://harbour.org/about) brief.")
    assert [s.text for s in doc.spans[INSTITUTIONS]] == ["Harbour Data Institute"]


def _discovery(doc, name):
    return next(d for d in doc._.govmap_discoveries if d.name == name)


def test_unqualified_aisi_is_the_one_the_document_names(nlp):
    found, doc = keys(nlp, "The UK AI Security Institute tested the model. Later the AI Security Institute reported.")
    assert [s.kb_id_ for s in doc.spans[INSTITUTIONS]] == ["uk-aisi", "uk-aisi"]


def test_unqualified_aisi_without_a_country_is_left_alone(nlp):
    # no AISI and no dominant country in the document: nothing to resolve it to
    found, _ = keys(nlp, "The AI Safety Institute published a note.")
    assert found == set()


def test_the_government_is_the_document_countrys(nlp):
    text = "DSIT wrote to Ofcom and the CMA. DSIT agreed. The Government will respond."
    found, _ = keys(nlp, text)
    assert "uk-government" in found


def test_the_government_opening_a_longer_name_is_that_name(nlp):
    text = "DSIT wrote to Ofcom and the CMA. DSIT agreed. The Government Office for Tidal Studies will respond."
    found, doc = keys(nlp, text)
    assert "uk-government" not in found
    assert "Government Office for Tidal Studies" in {d.name for d in doc._.govmap_discoveries}


def test_shared_surface_resolved_by_document_country(nlp):
    # "Datatilsynet" is the Norwegian and the Danish authority: the document is Norwegian
    text = "Nkom and Digdir met. Nkom then wrote to Datatilsynet."
    found, _ = keys(nlp, text)
    assert {"norway-nkom", "norway-datatilsynet"} <= found and "denmark-datatilsynet" not in found


def test_polity_qualifying_an_instrument_is_no_mention(nlp):
    found, _ = keys(nlp, "The EU General Data Protection Regulation applies.")
    assert "european-union" not in found


@pytest.mark.parametrize(
    "text, name",
    [
        # a verb opening a clause is not part of the name
        ("The Recommendation instructs the Committee on Harbour Policy to report.", "Committee on Harbour Policy"),
        # a person's title before "of"
        ("She is President of Lakeside University.", "Lakeside University"),
        # a list of subjects inside a ministry's name
        (
            "The Ministry of Fisheries, Forests, Rivers and Lakes agreed.",
            "Ministry of Fisheries, Forests, Rivers and Lakes",
        ),
    ],
)
def test_discovered_names_are_trimmed(nlp, text, name):
    doc = nlp(text)
    assert name in {d.name for d in doc._.govmap_discoveries}


@pytest.mark.parametrize(
    "text",
    [
        "Responsibilities of the Executive Council",  # a heading over a generic organ
        "Approves Steering Committee reports",  # a table cell opening with a verb
    ],
)
def test_headings_and_cells_are_not_bodies(nlp, text):
    assert nlp(text)._.govmap_discoveries == []


def test_named_organ_of_a_known_body(nlp):
    doc = nlp("The UNESCO Drafting Committee met; the OECD Working Party on Lakes agreed.")
    names = {d.name for d in doc._.govmap_discoveries}
    assert "UNESCO Drafting Committee" in names
    assert _discovery(doc, "UNESCO Drafting Committee").kind == "intergovernmental_organization"


def test_organ_with_a_subject_is_named_beside_its_parent(nlp):
    # the organ's own name runs on after its head; the parent stays a mention of its own
    found, doc = keys(nlp, "The OECD Ad Hoc Panel on Lakes and Rivers met in May.")
    assert "oecd" in found
    assert _discovery(doc, "Ad Hoc Panel on Lakes and Rivers").kind == "intergovernmental_organization"


@pytest.mark.parametrize(
    "text, name, kind, country",
    [
        # a city in the name
        (
            "Work at the University of Lyon Data Institute (ULDI) began.",
            "University of Lyon Data Institute",
            "research_organization",
            "FR",
        ),
        # a national adjective
        (
            "The Korean Institute of Harbour Studies (KIHS) wrote.",
            "Korean Institute of Harbour Studies",
            "research_organization",
            "KR",
        ),
        # a legal form decides over the head
        ("Lakeside Analytics Inc. (LAI) sells tools.", "Lakeside Analytics Inc.", "company", None),
    ],
)
def test_discovered_kind_and_country(nlp, text, name, kind, country):
    d = _discovery(nlp(text), name)
    assert (d.kind, d.country) == (kind, country)


def test_national_body_takes_the_document_country(nlp):
    doc = nlp(
        "RIKEN, MEXT and the Japan Science and Technology Agency met. The Ministry of Harbours also joined. RIKEN agreed."
    )
    d = _discovery(doc, "Ministry of Harbours")
    assert d.country == "JP" and d.key.endswith("@jp")


def test_bare_organs_belong_to_the_principal_body(nlp):
    text = (
        "UNESCO met. UNESCO agreed. UNESCO wrote. The Executive Board approves texts. "
        "The Executive Board reports to UNESCO."
    )
    doc = nlp(text)
    d = _discovery(doc, "UNESCO Executive Board")
    assert (d.kind, d.country, d.aliases) == ("intergovernmental_organization", None, ("Executive Board",))


def test_bare_organ_named_once_is_left_alone(nlp):
    doc = nlp("UNESCO met. UNESCO agreed. UNESCO wrote. The Executive Board approves texts.")
    assert doc._.govmap_discoveries == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # a local alias in a document about its country
        ("NIST, OSTP and the FTC met. Congress agreed.", {"nist", "ostp", "us-ftc", "us-congress"}),
        # the same word elsewhere names nothing
        ("The Harbour Congress for Lakes met in Lyon.", set()),
    ],
)
def test_local_aliases_need_the_documents_country(nlp, text, expected):
    assert keys(nlp, text)[0] == expected


def test_document_country_needs_a_clear_majority_for_universities(nlp):
    # three Japanese bodies against two American: a ministry is Japan's, a university is nobody's
    text = (
        "RIKEN, MEXT and the Japan Science and Technology Agency met NIST and OSTP. "
        "The Ministry of Harbours and the Lakeside University (LU) joined."
    )
    doc = nlp(text)
    assert _discovery(doc, "Ministry of Harbours").country == "JP"
    assert _discovery(doc, "Lakeside University").country is None


def test_ranges_overlap_and_cover() -> None:
    from govmap.extractors.mentions import Ranges

    r = Ranges([(10, 20), (30, 60)])
    assert r.overlaps(15, 25) and r.overlaps(55, 70) and not r.overlaps(20, 30)
    assert r.covers(12, 18) and r.covers(30, 60) and not r.covers(15, 25) and not r.covers(25, 35)
