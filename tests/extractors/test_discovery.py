import pytest

from govmap.extractors.discovery import find_affiliations, find_org_names, guess_kind


@pytest.mark.parametrize(
    "text, names",
    [
        # two one-word bodies joined by "and" are two bodies
        ("She is an adviser at Zelkom and Datavern.", ["Zelkom", "Datavern"]),
        # an "and" inside a name joins its subjects
        ("a fellow at the Institute for Harbours and Lakes.", ["Institute for Harbours and Lakes"]),
        # a second body with a head of its own after the "and"
        (
            "a fellow at the Lakeside Institute for Rivers and Graduate School of Law.",
            ["Lakeside Institute for Rivers", "Graduate School of Law"],
        ),
        # "&" joins partners' names into one firm
        ("a partner at Lake & Rivers.", ["Lake & Rivers"]),
        # a role word before a plural is a modifier: no one's affiliation
        ("help member states with uses of Tide Models, which", []),
        ("partner countries of the Tide Alliance", []),
        ("a member of the Tide Alliance", ["Tide Alliance"]),
    ],
)
def test_affiliations_split_joined_names(text, names):
    assert [c.name for c in find_affiliations(text)] == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("In May 2019 Harbour Strategy Council met.", ["Harbour Strategy Council"]),  # a date before the name
        (
            "He is Dean at the University of Lakes and Visiting Fellow there.",
            ["University of Lakes"],
        ),  # a role after "and"
        ("She is Chair of the Lakeside Research Council.", ["Lakeside Research Council"]),  # a title before "of the"
        ("Policy Research Institute", ["Policy Research Institute"]),  # a first word that is a real part of the name
        ("12 Harbour Labs Expands Partnership with Tide Office, 2024.", ["Tide Office"]),  # a cited headline
    ],
)
def test_org_names_trimmed(text, names):
    assert [c.name for c in find_org_names(text)] == names


@pytest.mark.parametrize(
    "text, name",
    [
        # "on" opens a list of subjects as "of" does; an Oxford comma before the "and"
        (
            "He sat on the Commission on Tides, Currents, and Waves until 2010.",
            "Commission on Tides, Currents, and Waves",
        ),
        # the line breaks inside the list
        ("the Ministry of Harbours, Canals and\nLighthouses said", "Ministry of Harbours, Canals and Lighthouses"),
        # a one-word subject that is also a head ("Society") is still a subject
        ("the Department of Tides, Waves and Society met", "Department of Tides, Waves and Society"),
        # places and other bodies after the comma are parties of the sentence, not subjects
        ("the Committee on Harbours, Paris and Lyon agreed", "Committee on Harbours"),
        ("the Ministry of Harbours, France and Germany agreed", "Ministry of Harbours"),
        # the name ends in its head: what follows the comma are other bodies
        ("summaries by the Lake of Tides Forum, Brook Harlow, and Finch & Reed.", "Lake of Tides Forum"),
        # what the body published follows its name
        (
            "the Department of Harbours, Tides and Canal Works Guidance on locks",
            "Department of Harbours, Tides and Canal Works",
        ),
        ("the Ministry of Harbours, Canal Board and Lock Agency", "Ministry of Harbours"),
    ],
)
def test_org_names_keep_their_list_of_subjects(text, name):
    # (later candidates inside a longer one are dropped by discovery, which keeps the first)
    assert find_org_names(text)[0].name == name


def test_affiliations_keep_their_list_of_subjects():
    text = "an adviser at the Ministry of Tides, Currents, Waves and\nLighthouses, where she led"
    assert [c.name for c in find_affiliations(text)] == ["Ministry of Tides, Currents, Waves and Lighthouses"]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Ministry of Harbours", "government_body"),  # a state's word anywhere
        ("Harbour Technologies Ltd", "company"),  # a legal form
        ("Lakeside University Council", "research_organization"),  # a university's organ
        ("International Lakes Council", "intergovernmental_organization"),  # a weak head made international
        ("National Harbour Committee", "government_body"),  # a national committee
        ("Frontier Safety Council", "other"),  # nothing decides: as before
    ],
)
def test_guess_kind(name, kind):
    assert guess_kind(name) == kind


@pytest.mark.parametrize(
    "text, name",
    [
        # one letter per word beats a shorter name read with a letter from inside a word
        ("The Icelandic Harbour Institute (IHI) met.", "Icelandic Harbour Institute"),
        # the shortest fitting tail when no tail fits word by word
        ("The Frontier Safety Council (FSC) met.", "Frontier Safety Council"),
    ],
)
def test_acronym_definition_prefers_word_initials(text, name):
    from govmap.extractors.discovery import find_acronym_definitions

    assert [c.name for c in find_acronym_definitions(text)] == [name]


@pytest.mark.parametrize(
    "text, names",
    [
        # "in" before a subject belongs to the name; before a place, a month or a region it does not
        (
            "Members of the Society for Wave Informatics in Medicine met.",
            ["Society for Wave Informatics in Medicine"],
        ),
        ("The Council for Candour in Maritime Affairs wrote.", ["Council for Candour in Maritime Affairs"]),
        ("The Institute for Data Policy in Shanghai said so.", ["Institute for Data Policy"]),
        ("The University of Lakeside in January hosted it.", ["University of Lakeside"]),
        ("The Institute of Science in Europe said so.", ["Institute of Science"]),
        # a footnote mark glued to the last word is no part of the name
        ("The Alliance on Microwidgets77 said so.", ["Alliance on Microwidgets"]),
    ],
)
def test_org_name_tails(text, names):
    assert [c.name for c in find_org_names(text)] == names
