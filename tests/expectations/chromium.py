"""Headless Chromium for tests, driven over the DevTools protocol on a pipe (no port, no driver).

Chromium started with ``--remote-debugging-pipe`` reads protocol messages from fd 3 and writes
them to fd 4, each a JSON object ended by a NUL byte.  That is all a test needs to open a page,
read what it renders (``Runtime.evaluate`` in the page), list every request the page made and take
a screenshot -- with the standard library only, and without opening any socket.

Chromium comes from Debian's package (`.ci/ensure-chromium` installs it); `find_chromium` tells
where it is or why it is not there, so a test can skip with that reason.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Browser", "BrowserError", "Page", "find_chromium"]

ROOT = Path(__file__).resolve().parents[2]
# Written by .ci/ensure-chromium when it could not install Chromium: the reason to skip with.
UNAVAILABLE_NOTE = ROOT / ".artifacts" / "chromium-unavailable"

# Quiet, offline, reproducible: no background services, no first-run UI, and every host name
# resolves to nothing, so a page that tried to fetch anything from a network would fail to.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-dev-shm-usage",
    "--force-color-profile=srgb",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


class BrowserError(RuntimeError):
    """Chromium did not start, answered with a protocol error, or took too long."""


def find_chromium() -> tuple[str | None, str]:
    """(path to the chromium binary, "") or (None, why it is missing)."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path, ""
    if UNAVAILABLE_NOTE.is_file():
        return None, "chromium could not be installed: " + UNAVAILABLE_NOTE.read_text(encoding="utf-8").strip()
    return None, "chromium is not on PATH; run `make browser` (.ci/ensure-chromium) to install Debian's package"


class Browser:
    """One headless Chromium process; use as a context manager."""

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="govmap-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_pipes() -> None:  # in the child, before exec: fd 3 in, fd 4 out
            # dup2 makes inheritable copies; every other descriptor Python opened is close-on-exec,
            # so close_fds=False hands Chromium exactly these two.
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        # Chromium's log goes to a file: a pipe nobody reads would fill up and stall it.
        self._log = Path(self._profile) / "chromium.log"
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen(
                [executable, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self._profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                preexec_fn=wire_pipes,
                close_fds=False,
            )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self.call("Browser.close", timeout=10)
            except (BrowserError, OSError):
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile go to `events`."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str, *, session: str | None = None, timeout: float | None = None) -> dict[str, Any]:
        """The first event named `event` (already received or still to come)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        seen = 0
        while True:
            for e in self.events[seen:]:
                if e.get("method") == event and (session is None or e.get("sessionId") == session):
                    return e
            seen = len(self.events)
            self.events.append(self._receive(deadline, event))

    def _receive(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer from chromium within {self.timeout:.0f}s waiting for {waiting_for}")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited (code {self._proc.poll()}): {self._log_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _log_tail(self) -> str:
        try:
            self._proc.wait(timeout=5)
            lines = self._log.read_text(errors="replace").strip().splitlines()
        except (subprocess.TimeoutExpired, OSError):
            return ""
        return lines[-1] if lines else ""

    def open(self, url: str, *, width: int = 1280, height: int = 900) -> Page:
        """A new tab of `width` x `height` CSS pixels that has loaded `url` (load event fired)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime"):
            self.call(f"{domain}.enable", session=session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        first_event = len(self.events)
        navigation = self.call("Page.navigate", {"url": url}, session=session)
        if navigation.get("errorText"):
            raise BrowserError(f"could not open {url}: {navigation['errorText']}")
        self.wait_for("Page.loadEventFired", session=session)
        return Page(self, session, url, first_event)


@dataclass
class Page:
    browser: Browser
    session: str
    url: str
    first_event: int

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression evaluated in the page (promises awaited)."""
        result = self.browser.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(
                f"script failed: {details.get('exception', {}).get('description') or details.get('text')}"
            )
        return result["result"].get("value")

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since it was opened, in order."""
        return [
            e["params"]["request"]["url"]
            for e in self.browser.events[self.first_event :]
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == self.session
        ]

    def screenshot(self, path: Path) -> tuple[int, int]:
        """Save a PNG of the whole page (not only the viewport) to `path`; returns its (width, height)."""
        size = self.browser.call("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
        width, height = int(size["width"]), int(size["height"])
        shot = self.browser.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
            session=self.session,
        )
        Path(path).write_bytes(base64.b64decode(shot["data"]))
        return width, height
