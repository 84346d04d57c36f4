"""HTTP(S) sources: fetch a URL's bytes through an injected httpx.Client.

Redirects are followed here rather than by httpx, so the limit and loop detection hold for any
injected client, whatever it was configured with.  Every httpx error is translated into a
FetchError at this boundary; ``transient`` says whether a retry may help.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from govmap.errors import FetchError, SourceTooLarge
from govmap.sources.settings import ParseSettings

__all__ = ["Fetched", "fetch_url", "host_allowed", "is_url"]

_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_now = time.monotonic  # the deadline's clock (tests replace it)


@dataclass(frozen=True)
class Fetched:
    """What a fetch returns: the body, the final URL after redirects, and the declared type."""

    url: str
    final_url: str
    data: bytes
    content_type: str | None


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def fetch_url(url: str, settings: ParseSettings, *, client: httpx.Client | None = None) -> Fetched:
    """GET `url`, following at most `settings.max_redirects` redirects, reading at most `max_bytes`,
    all within `settings.http_deadline` seconds (each connect and read within `http_timeout`, and
    never past the deadline by more than one read).

    Raises FetchError (transient for timeouts, connection errors, 429 and 5xx; not for 404, other
    4xx, bad URLs, redirect loops), SourceTooLarge when the body is over the limit.
    """
    own = client is None
    if client is None:
        client = httpx.Client(headers={"User-Agent": settings.user_agent})
    try:
        return _fetch(client, url, settings)
    finally:
        if own:
            client.close()


def _fetch(client: httpx.Client, url: str, settings: ParseSettings) -> Fetched:
    seen: list[str] = []
    current = url
    deadline = _now() + settings.http_deadline
    while True:
        seen.append(current)
        timeout = min(settings.http_timeout, max(deadline - _now(), 0.001))
        _check_host(url, current, settings.allowed_hosts)
        try:
            with client.stream("GET", current, timeout=timeout, follow_redirects=False) as response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    target = str(response.url.join(location))
                    if target in seen:
                        raise FetchError(
                            f"{url}: redirect loop back to {target}; fix the URL; document skipped", transient=False
                        )
                    if len(seen) > settings.max_redirects:
                        raise FetchError(
                            f"{url}: more than {settings.max_redirects} redirects (max_redirects); document skipped",
                            transient=False,
                        )
                    if not is_url(target):
                        raise FetchError(f"{url}: redirected to non-HTTP {target}; document skipped", transient=False)
                    current = target
                    continue
                _check_status(url, response)
                data = _read_limited(url, response, settings, deadline)
                return Fetched(url, str(response.url), data, response.headers.get("content-type"))
        except httpx.TimeoutException as exc:
            if _now() >= deadline:
                raise _over_deadline(url, settings) from exc
            raise FetchError(
                f"{url}: timed out after {settings.http_timeout:g} s (http_timeout); may succeed on retry",
                transient=True,
            ) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"{url}: invalid URL ({exc}); fix the URL; document skipped", transient=False) from exc
        except httpx.TransportError as exc:
            raise FetchError(
                f"{url}: connection failed ({type(exc).__name__}: {exc}); may succeed on retry", transient=True
            ) from exc
        except httpx.StreamError as exc:
            raise FetchError(f"{url}: response stream failed ({exc}); may succeed on retry", transient=True) from exc


def host_allowed(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Whether `host` is one of `allowed_hosts` ("example.org", or "*.example.org" for the domain
    and every host under it); an empty allow-list allows every host."""
    host = host.lower().rstrip(".")
    for pattern in allowed_hosts:
        pattern = pattern.lower().rstrip(".")
        if host == pattern.removeprefix("*.") or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return not allowed_hosts


def _check_host(url: str, current: str, allowed_hosts: tuple[str, ...]) -> None:
    """A URL, or a redirect's target, on a host the allow-list does not name fails unfetched."""
    if not allowed_hosts:
        return
    host = httpx.URL(current).host
    if not host_allowed(host, allowed_hosts):
        where = "" if current == url else f" (redirected to {current})"
        raise FetchError(f"{url}: host {host!r}{where} is not in allowed_hosts; document skipped", transient=False)


def _check_status(url: str, response: httpx.Response) -> None:
    if response.is_success:
        return
    status = response.status_code
    reason = response.reason_phrase or "error"
    if status in _TRANSIENT_STATUS:
        raise FetchError(f"{url}: HTTP {status} {reason}; may succeed on retry", transient=True)
    raise FetchError(f"{url}: HTTP {status} {reason}; will not succeed on retry; document skipped", transient=False)


def _over_deadline(url: str, settings: ParseSettings) -> FetchError:
    # Not transient: three more tries of a server this slow would hold the run four times as long.
    return FetchError(
        f"{url}: not fetched within {settings.http_deadline:g} s (http_deadline); download stopped; document skipped",
        transient=False,
    )


def _read_limited(url: str, response: httpx.Response, settings: ParseSettings, deadline: float) -> bytes:
    max_bytes = settings.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise SourceTooLarge(
            f"{url}: {declared} bytes declared, over the {max_bytes}-byte limit (max_bytes); document skipped"
        )
    chunks: list[bytes] = []
    size = 0
    # The limit holds on the decoded body too, so a small gzip bomb cannot exhaust memory.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise SourceTooLarge(
                f"{url}: body over the {max_bytes}-byte limit (max_bytes); download stopped; document skipped"
            )
        if _now() > deadline:
            raise _over_deadline(url, settings)
        chunks.append(chunk)
    return b"".join(chunks)
