"""Every page of the built site, both editions, served on 127.0.0.1 and opened in Chromium.

Each page's test reads what the site's one walk (``sitewalk``, shared with the accessibility
tests: every page loaded once) found on it. Each page must load without console errors, failed
requests or any request to another host; every image must load; every math expression must be
rendered by MathJax, with no raw TeX left in the text. On pages with figures the browser then
switches to a dark colour scheme, which the theme follows: each figure must sit on a light
card, with no CSS filter dimming or inverting it. A few key pages of each edition are saved as
screenshots (desktop and phone, light and dark) in ``browser-artifacts/screenshots``. The page
at the top of the site, which leads to the two editions, is walked too; it has no theme (light
and dark follow the reader's system).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitecheck import (
    EDITIONS,
    HAS_GLYPHS,
    RENDER_CHECK,
    Tab,
    is_local_to,
    site_dir,
    site_pages,
)
from sitewalk import DESKTOP, follow_scheme

PHONE = {"width": 390, "height": 844}

KEY_PAGES = {
    "root": "index.html",  # leads to the editions
    "index": "en/index.html",
    "chapter": "en/course/08_vanishing_gradients.html",
    "gallery-example": "en/auto_examples/vanishing/plot_sigmoid_chain.html",
    "glossary": "en/glossary.html",
    "api": "en/reference/generated/gradlab.optim.html",
    "ko-index": "ko/index.html",
    "ko-chapter": "ko/course/08_vanishing_gradients.html",
    "ko-gallery-example": "ko/auto_examples/vanishing/plot_sigmoid_chain.html",
    "ko-glossary": "ko/glossary.html",
}
ROOT_PAGE = "index.html"  # the page leading to the editions: plain HTML, no theme


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" in metafunc.fixturenames:
        site = site_dir()
        pages = site_pages(site) if site.is_dir() else []
        metafunc.parametrize("page_path", pages or ["index.html"])


@pytest.fixture(scope="module")
def light(browser: Any, server: str) -> Iterator[Tab]:
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    yield Tab(context, is_local_to(server))
    context.close()


def render_problems(result: dict[str, Any]) -> list[str]:
    """What :data:`sitecheck.RENDER_CHECK` found wrong on a page."""
    problems = [f"image did not load: {src}" for src in result["brokenImages"]]
    if result["maths"] and not result["mathjax"]:
        problems.append(f"{result['maths']} math expressions but MathJax did not load")
    problems += [f"math not rendered: {tex!r}" for tex in result["unrendered"]]
    problems += [f"TeX error: {error}" for error in result["texErrors"]]
    problems += [f"raw TeX in the text: ...{text}..." for text in result["rawTex"]]
    return problems


def test_page(page_path: str, site_walk: dict[str, dict[str, Any]]) -> None:
    found = site_walk[page_path]
    assert "error" not in found, f"{page_path}: {found.get('error')}"
    result = found["render"]
    problems = found["visit"] + render_problems(result)
    if result["theme"] != "light" and page_path != ROOT_PAGE:
        problems.append(f"light mode requested, data-theme is {result['theme']!r}")
    if found["figures"] and "theme_error" in found:
        problems.append(f"dark mode: {found['theme_error']}")
    problems += [f"dark mode: {problem}" for problem in found.get("dark_figures", [])]
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


def test_the_walk_records_what_a_page_asks_of_other_hosts(tmp_path: Path) -> None:
    """The walk intercepts no request (Chromium keeps its caches): a page's requests for other
    hosts are recorded from its own events and go nowhere, a missing file fails."""
    from sitecheck import serving
    from sitewalk import walk_site

    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title>'
        '<script src="https://cdn.example.com/lib.js"></script></head><body><h1>t</h1>'
        '<img src="http://example.invalid/a.png" alt="a"><img src="missing.png" alt="m">'
        "</body></html>",
        encoding="utf-8",
    )
    with serving(tmp_path) as origin:
        found = walk_site(origin, {"page.html"}, set())["page.html"]
    assert "error" not in found, found
    problems = found["visit"]
    assert "request to another host: https://cdn.example.com/lib.js" in problems
    assert "request to another host: http://example.invalid/a.png" in problems
    assert any(p.startswith("failed request: ") and "missing.png" in p for p in problems)
    assert not any(p.startswith("failed request: ") and "example" in p for p in problems)
    assert found["render"]["brokenImages"] == ["http://example.invalid/a.png", "missing.png"]


def test_the_walk_covered_the_site(
    site: Path, site_walk: dict[str, dict[str, Any]], request: pytest.FixtureRequest
) -> None:
    """The walk saw every page, and the checks had something to check."""
    walk = site_walk
    pages = site_pages(site)
    assert set(walk) <= set(pages), f"walked what is not a page: {sorted(set(walk) - set(pages))}"
    if set(walk) != set(pages):
        chosen = request.config.getoption("keyword") or request.config.getoption("markexpr")
        assert chosen, f"not walked: {sorted(set(pages) - set(walk))[:10]}"
        pytest.skip("not every page was walked in this run (selected with -k or -m)")
    musts = [f"{edition}/{page}" for edition in EDITIONS for page in ("index.html", "search.html")]
    musts += [f"{edition}/genindex.html" for edition in EDITIONS]
    for must in (ROOT_PAGE, *musts, *KEY_PAGES.values()):
        assert must in pages, f"{must} is missing from the site"
    for edition in EDITIONS:  # each edition walked in full
        assert sum(p.startswith(f"{edition}/") for p in walk) > 50, edition
    seen = [found for found in walk.values() if "error" not in found]
    assert sum(found["render"]["containers"] for found in seen) > 0, "no page rendered any math"
    assert sum(found["render"]["images"] for found in seen) > 0, "no page showed any image"
    assert sum(found["figures"] for found in seen) > 0, "no page had a figure"


def test_korean_text_has_a_font(server: str, light: Tab) -> None:
    """The screenshots show Hangul, not empty boxes: this machine has a font for it."""
    page, _ = light.open(server + "en/glossary.html")
    try:
        has_glyphs = page.evaluate(HAS_GLYPHS, "기울기 소실")
    finally:
        page.close()
    assert has_glyphs, (
        "Chromium has no font for Korean on this machine: the screenshots show empty boxes. "
        "Install one from the OS packages (`apt-get install fonts-nanum` on Debian/Ubuntu)."
    )


@pytest.fixture(scope="module")
def screens(browser: Any) -> Iterator[dict[str, Any]]:
    """A browser context per width, the reader's system dark; each keeps its cache of the
    scripts every page loads from one screenshot to the next."""
    contexts = {
        "desktop": browser.new_context(viewport=DESKTOP, color_scheme="dark"),
        "phone": browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, color_scheme="dark"
        ),
    }
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(KEY_PAGES))
def test_screenshot(
    name: str, width: str, screens: dict[str, Any], server: str, artifacts: Path
) -> None:
    """The page opens dark on a dark system and is saved; the system turns light, the theme
    follows, and it is saved again (the walk opens every page on a light system)."""
    themed = KEY_PAGES[name] != ROOT_PAGE
    shots = artifacts / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page, visit = Tab(screens[width], is_local_to(server)).open(server + KEY_PAGES[name])
    try:
        result = page.evaluate(RENDER_CHECK)
        problems = render_problems(result)
        if themed and result["theme"] != "dark":
            problems.append(f"dark mode requested, data-theme is {result['theme']!r}")
        page.screenshot(path=shots / f"{name}-{width}-dark.png", full_page=True)
        follow_scheme(page, "light", themed)
        page.screenshot(path=shots / f"{name}-{width}-light.png", full_page=True)
    finally:
        page.close()
    problems = visit.problems() + problems
    assert not problems, f"{KEY_PAGES[name]} ({width}):\n  " + "\n  ".join(problems)
    for mode in ("dark", "light"):
        assert (shots / f"{name}-{width}-{mode}.png").stat().st_size > 0
