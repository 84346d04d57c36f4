import pytest

from govmap.extractors.gazetteer import place_country, places_in


@pytest.mark.parametrize(
    "place, code",
    [
        ("Toronto", "CA"),  # a city
        ("Montreal", "CA"),  # a city's name without its accent
        ("London", "GB"),  # shared with a much smaller Canadian city: the larger one's country
        ("Cambridge", None),  # two cities of like size in GB and US: says nothing
        ("Zhejiang", "CN"),  # a province, ISO 3166-2's "Sheng" dropped
        ("Ontario", "CA"),  # a province outweighs a Californian town of the same name
        ("Kentucky", "US"),  # a US state
        ("Central", None),  # a region named by a generic word
    ],
)
def test_place_country(place, code):
    assert place_country(place) == code


def test_places_in_takes_capitalised_runs_only():
    # "Municipal Government" is no place; "Tianjin" is; lower-case words never start one
    assert places_in("Tianjin Municipal Government".split()) == ["CN"]
    assert places_in("the reading room".split()) == []
