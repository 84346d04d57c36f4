from __future__ import annotations

import dataclasses

import pytest

from govmap.sources.settings import DEFAULT_MAX_BYTES, ParseSettings


def test_defaults() -> None:
    s = ParseSettings()
    assert s.max_bytes == DEFAULT_MAX_BYTES == 100 * 1024 * 1024
    assert s.http_timeout == 30.0 and s.max_redirects == 5


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ParseSettings().max_bytes = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "given",
    [
        None,  # defaults
        {"max_bytes": 1024},  # overrides as a dict
        ParseSettings(max_bytes=1024),  # an instance passes through
    ],
)
def test_resolve(given: object) -> None:
    assert isinstance(ParseSettings.resolve(given), ParseSettings)  # type: ignore[arg-type]


def test_resolve_returns_the_same_instance() -> None:
    s = ParseSettings(http_timeout=5)
    assert ParseSettings.resolve(s) is s


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"max_bytes": 0}, "max_bytes"),  # nothing could ever be read
        ({"http_timeout": -1}, "http_timeout"),  # negative time
        ({"max_redirects": -1}, "max_redirects"),  # negative count
        ({"header_min_ratio": 1.5}, "header_min_ratio"),  # a ratio above 1 can never be reached
        ({"max_bytes": "big"}, "max_bytes"),  # wrong type
        ({"max_bytes": True}, "max_bytes"),  # bool is an int in Python, but not a size
        ({"no_such_setting": 1}, "no_such_setting"),  # typo in a dict of overrides
        ({"allowed_hosts": "example.org"}, "allowed_hosts"),  # one host, not a list of them
        ({"allowed_hosts": ["example.org", ""]}, "allowed_hosts"),  # an empty name allows nothing
    ],
)
def test_invalid_settings_name_the_setting(overrides: dict, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        ParseSettings.resolve(overrides)


def test_resolve_rejects_other_types() -> None:
    with pytest.raises(ValueError, match="settings"):
        ParseSettings.resolve(42)  # type: ignore[arg-type]


def test_cache_key_is_stable_and_follows_parse_settings_only() -> None:
    base = ParseSettings().cache_key()
    assert base == ParseSettings().cache_key()
    assert len(base) == 16
    # A parse setting changes the output, so the key.
    assert ParseSettings(pullquote_min_words=12).cache_key() != base
    # A network setting does not change parsed output, so not the key.
    assert ParseSettings(http_timeout=5, max_redirects=1).cache_key() == base
