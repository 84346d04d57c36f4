"""The quality report as a reviewer sees it: rendered by headless Chromium, read back from the
page, and checked in the screenshot's pixels.

Releases are published by the pipeline's own `publish_release` (validation, diff against the
promoted release, figures, report), from invented documents: a first release, a release that fails
validation (never promoted) and a passing one that adds a body, collaborations, a rating table and
a quarantined PDF.  Chromium runs offline (every host name resolves to nothing) and the test checks
that the page asked for nothing but its own file and inline data.

The screenshots are kept for a person to open: `.artifacts/quality-report.png` (passing release)
and `.artifacts/quality-report-failed.png` (failing one) at the repository root.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govmap.datasets.contract import TABLE_NAMES
from govmap.flows.release import PublishOutcome
from tests.expectations.chromium import ROOT, Browser, find_chromium
from tests.expectations.report_releases import (
    BAD_KIND,
    CRITERIA,
    QUARANTINE_ERROR,
    SUBJECTS,
    broken_results,
    first_results,
    publish,
    second_results,
)

# Publishing three releases runs great-expectations three times (tens of seconds on CI).
pytestmark = pytest.mark.slow

ARTIFACTS = ROOT / ".artifacts"
WIDTH = 1280

# Everything the assertions need, read from the rendered page in one script.  `shown` is what a
# person can see: laid out with a size, not hidden, not inside a closed <details>.
PROBE = r"""
(async () => {
  const box = el => { const r = el.getBoundingClientRect();
    return {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}; };
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('details:not([open]) > :not(summary)'); };
  const cells = row => [...row.cells].map(c => c.innerText.trim());
  const verdict = document.querySelector('.verdict');
  const figures = [];
  for (const f of document.querySelectorAll('figure')) {
    // A figure is a drawing (SVG) or a heat table (HTML table of rating cells).
    const svg = f.querySelector('svg'), grid = f.querySelector('table');
    const art = svg || grid;
    const images = [];
    for (const i of svg ? svg.querySelectorAll('image') : []) {
      const img = new Image();
      img.src = i.getAttribute('xlink:href') || i.getAttribute('href');
      try { await img.decode(); images.push([img.naturalWidth, img.naturalHeight]); } catch (e) { images.push([0, 0]); }
    }
    figures.push({
      caption: f.querySelector('figcaption')?.innerText.trim(),
      kind: svg ? 'svg' : grid ? 'table' : null,
      box: art ? box(art) : null,
      shown: !!art && shown(art),
      texts: svg ? [...svg.querySelectorAll('text')].filter(t => t.getBBox().width > 0).map(t => t.textContent.trim())
                 : grid ? [...grid.querySelectorAll('th, td')].filter(shown).map(c => c.innerText.trim()) : [],
      shapes: svg ? svg.querySelectorAll('path, use').length : 0,
      images,
    });
  }
  const external = [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
    .filter(a => !a.name.startsWith('xmlns') && /^\s*(https?:)?\/\//i.test(a.value)).map(a => a.value);
  return {
    text: document.body.innerText,
    verdict: verdict && {text: verdict.innerText.trim(), box: box(verdict), shown: shown(verdict)},
    failures: [...document.querySelectorAll('ul.failures li')].filter(shown).map(li => li.innerText.trim()),
    sections: [...document.querySelectorAll('h3[id^="t-"]')].filter(shown).map(h => [h.id.slice(2), h.innerText.trim()]),
    tables: [...document.querySelectorAll('table')].filter(shown).map(t => [...t.rows].map(cells)),
    failing_rows: [...document.querySelectorAll('tr.bad')].filter(shown).map(cells),
    figures,
    scripts: document.scripts.length,
    external,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    body_width: document.body.getBoundingClientRect().width,
  };
})()
"""


@dataclass(frozen=True)
class Rendered:
    """What the browser showed for one report."""

    outcome: PublishOutcome
    page: dict[str, Any]
    requests: list[str]
    screenshot: Path
    size: tuple[int, int]
    narrow_overflow: int

    def table(self, first_header: str, second_header: str) -> list[list[str]]:
        """The shown table whose header row starts with these two cells."""
        for rows in self.page["tables"]:
            if rows and rows[0][:2] == [first_header, second_header]:
                return rows
        raise AssertionError(f"no table headed {first_header!r}, {second_header!r} is shown")


@pytest.fixture(scope="module")
def chromium() -> str:
    path, why = find_chromium()
    if path is None:
        pytest.skip(why)
    return path


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory, gx_imported: Any) -> dict[str, PublishOutcome]:
    """first (promoted), failed (not promoted), second (promoted; its diff is against `first`)."""
    out = tmp_path_factory.mktemp("releases")
    first = publish(out, first_results(), "first")
    failed = publish(out, broken_results(), "broken")
    second = publish(out, second_results(), "second")
    assert first.promoted and second.promoted and not failed.promoted
    return {"first": first, "failed": failed, "second": second}


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with Browser(chromium) as b:
        yield b


def _render(browser: Browser, outcome: PublishOutcome, shots: Path, artifact: str) -> Rendered:
    url = outcome.report_html.as_uri()
    page = browser.open(url, width=WIDTH, height=900)
    facts = page.evaluate(PROBE)
    shot = shots / artifact
    size = page.screenshot(shot)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / artifact)
    narrow = browser.open(url, width=480, height=900)  # a phone-sized window
    overflow = narrow.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return Rendered(outcome, facts, page.requested_urls(), shot, size, overflow)


@pytest.fixture(scope="module")
def passing(
    browser: Browser, releases: dict[str, PublishOutcome], tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    return _render(browser, releases["second"], tmp_path_factory.mktemp("shots"), "quality-report.png")


@pytest.fixture(scope="module")
def failing(
    browser: Browser, releases: dict[str, PublishOutcome], tmp_path_factory: pytest.TempPathFactory
) -> Rendered:
    return _render(browser, releases["failed"], tmp_path_factory.mktemp("shots"), "quality-report-failed.png")


def _pixels(shot: Path, box: dict[str, float]) -> Counter:
    """Colour counts (RGB) inside `box` (CSS pixels, page coordinates) of the screenshot."""
    from PIL import Image

    with Image.open(shot) as image:
        inner = image.convert("RGB").crop(
            (int(box["x"]) + 4, int(box["y"]) + 4, int(box["x"] + box["w"]) - 4, int(box["y"] + box["h"]) - 4)
        )
        return Counter(dict((colour, n) for n, colour in inner.getcolors(maxcolors=1 << 24)))


def _is_near(colour: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=True))


# -- the page is self-contained and fits the window --------------------------------------------


@pytest.mark.parametrize("case", ["passing", "failing"])
def test_page_loads_nothing_from_outside(case: str, request: pytest.FixtureRequest) -> None:
    shown: Rendered = request.getfixturevalue(case)
    assert shown.requests[0] == shown.outcome.report_html.as_uri()
    assert {url.split(":", 1)[0] for url in shown.requests} <= {"file", "data"}, shown.requests
    assert [u for u in shown.requests if u.startswith("file:")] == [shown.outcome.report_html.as_uri()]
    assert shown.page["scripts"] == 0 and shown.page["external"] == []


@pytest.mark.parametrize("case", ["passing", "failing"])
def test_page_fits_the_window(case: str, request: pytest.FixtureRequest) -> None:
    shown: Rendered = request.getfixturevalue(case)
    assert shown.page["overflow"] <= 0, "the page scrolls sideways at 1280 px"
    assert shown.narrow_overflow <= 0, "the page scrolls sideways in a 480 px window"
    for figure in shown.page["figures"]:
        assert figure["box"]["x"] >= 0 and figure["box"]["x"] + figure["box"]["w"] <= WIDTH, figure["caption"]


# -- a passing release -------------------------------------------------------------------------


def test_passing_verdict_is_shown_in_green(passing: Rendered) -> None:
    verdict = passing.page["verdict"]
    assert verdict["shown"] and verdict["text"].startswith("PASSED")
    assert passing.page["failures"] == [] and passing.page["failing_rows"] == []
    # The verdict is the first thing on the page and is painted in the pass colour (#e3f5e6).
    assert verdict["box"]["y"] < 300
    colours = _pixels(passing.screenshot, verdict["box"])
    background, _ = colours.most_common(1)[0]
    assert _is_near(background, (0xE3, 0xF5, 0xE6)), background


def test_every_table_has_its_results(passing: Rendered) -> None:
    overview = passing.table("table", "rows")
    assert [row[0] for row in overview[1:]] == list(TABLE_NAMES)
    rows = {row[0]: row for row in overview[1:]}
    assert rows["criteria_ratings"][1] == "12" and rows["documents"][1] == "3"
    assert all(row[3] == "passed" and row[2].endswith("passed") for row in overview[1:])
    assert [name for name, _ in passing.page["sections"]] == list(TABLE_NAMES)
    assert all("passed" in heading for _, heading in passing.page["sections"])


def test_quarantined_document_shows_its_error(passing: Rendered) -> None:
    assert "Quarantined documents (1)" in passing.page["text"]
    quarantined = passing.table("doc_id", "source")
    assert [row[1:] for row in quarantined[1:]] == [["broken.pdf", QUARANTINE_ERROR]]


def test_diff_against_the_previous_release(passing: Rendered, releases: dict[str, PublishOutcome]) -> None:
    assert f"Changes since release {releases['first'].release_id}" in passing.page["text"]
    diff = {row[0]: row[1:] for row in passing.table("table", "old rows")[1:]}
    # old rows, new rows, added, removed, changed
    assert diff["criteria_ratings"] == ["0", "12", "12", "0", "0"]
    assert diff["documents"] == ["1", "3", "2", "0", "0"]
    assert "Institutions appeared: Eastgate Lab (eastgate-lab)" in passing.page["text"]


def test_figures_are_drawn(passing: Rendered) -> None:
    network, heat_map = passing.page["figures"]
    assert network["caption"] == "Collaboration network"
    assert heat_map["caption"] == "Ratings: table-1 in memo-two.txt"
    assert network["shown"] and network["box"]["w"] > 250 and network["box"]["h"] > 150, network
    # A header row and one row per subject, each a line of text.
    assert heat_map["shown"] and heat_map["box"]["w"] > 250 and heat_map["box"]["h"] > 20 * (len(SUBJECTS) + 1), (
        heat_map
    )
    # The network names every body and its legend the kinds; the heat table its subjects and
    # criteria, and each cell the rating as printed, as text a reader can select.
    assert network["kind"] == "svg" and heat_map["kind"] == "table"
    assert set(SUBJECTS) <= set(network["texts"])
    assert {"ai_safety_institute", "standards_body", "research_organization", "joint_research"} <= set(network["texts"])
    assert set(SUBJECTS) | set(CRITERIA) <= set(heat_map["texts"])
    assert {"strong", "mixed", "weak", "(blank)"} <= set(heat_map["texts"])


def test_figures_are_painted_in_the_screenshot(passing: Rendered) -> None:
    network, heat_map = passing.page["figures"]
    from PIL import Image

    with Image.open(passing.screenshot) as image:
        assert image.size == passing.size and image.size[0] == WIDTH
    for figure in (network, heat_map):
        colours = _pixels(passing.screenshot, figure["box"])
        white = sum(n for c, n in colours.items() if min(c) >= 245)
        assert white < sum(colours.values()) * 0.995, f"{figure['caption']} is blank in the screenshot"
    # viridis' two ends: a "strong" (yellow) and a "weak" (dark purple) cell are visible.
    cells = _pixels(passing.screenshot, heat_map["box"])
    assert any(_is_near(c, (0xFD, 0xE7, 0x25), 20) for c in cells), "no strong (yellow) cell painted"
    assert any(_is_near(c, (0x44, 0x01, 0x54), 20) for c in cells), "no weak (purple) cell painted"


# -- a failing release -------------------------------------------------------------------------


def test_failing_verdict_is_shown_in_red_with_the_failures(failing: Rendered) -> None:
    verdict = failing.page["verdict"]
    assert verdict["shown"] and verdict["text"].startswith("FAILED — 2 check(s) failed")
    background, _ = _pixels(failing.screenshot, verdict["box"]).most_common(1)[0]
    assert _is_near(background, (0xFD, 0xE6, 0xE6)), background
    # Right under the verdict, one line per failing check with its first example.
    first, second = failing.page["failures"]
    assert first.startswith("institutions.kind: in-vocabulary (1 row)") and f"'{BAD_KIND}'" in first
    assert second.startswith("mentions.char_end: offset-in-page (1 row)") and "outside page 1" in second


def test_failing_values_and_rows_are_visible(failing: Rendered) -> None:
    overview = {row[0]: row for row in failing.table("table", "rows")[1:]}
    assert overview["institutions"][3] == "1 failed" and overview["mentions"][3] == "1 failed"
    assert overview["documents"][3] == "passed"
    # result, check, column, failing rows, examples -- open on the page, not folded away.
    by_column = {row[2]: row for row in failing.page["failing_rows"]}
    assert set(by_column) == {"kind", "char_end"}
    kind = by_column["kind"]
    assert kind[0] == "FAIL" and kind[1].startswith("in-vocabulary") and kind[3] == "1"
    assert f"institution_id=eastgate-lab: '{BAD_KIND}'" in kind[4]
    offsets = by_column["char_end"]
    assert offsets[1].startswith("offset-in-page") and offsets[3] == "1"
    assert "outside page 1" in offsets[4] and "mention_id=" in offsets[4]


def test_failing_release_still_has_its_figures(failing: Rendered) -> None:
    # A kind outside the vocabulary must not cost the reviewer the network figure.
    captions = [f["caption"] for f in failing.page["figures"]]
    assert captions == ["Collaboration network", "Ratings: table-1 in memo-two.txt"]
    network = failing.page["figures"][0]
    assert network["shown"] and BAD_KIND in network["texts"]
