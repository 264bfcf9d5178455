"""Every page of the built site, served on 127.0.0.1 and opened in headless Chromium.

Each page must load without console errors, failed requests or any request to another host;
every image must load; every math expression must be rendered by MathJax, with no raw TeX left
in the text. On pages with figures the browser then switches to a dark colour scheme, which the
theme follows: each figure must sit on a light card, with no CSS filter dimming or inverting
it. A few key pages are saved as screenshots (desktop and phone, light and dark) in
``browser-artifacts/screenshots``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from sitecheck import (
    FIGURE_STYLES,
    FIGURES,
    HAS_GLYPHS,
    RENDER_CHECK,
    Tab,
    figure_problems,
    is_local_to,
    site_dir,
    site_pages,
)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

KEY_PAGES = {
    "index": "index.html",
    "chapter": "course/08_vanishing_gradients.html",
    "gallery-example": "auto_examples/vanishing/plot_sigmoid_chain.html",
    "glossary": "glossary.html",
    "api": "reference/generated/gradlab.optim.Adam.html",
}

DARK = "document.documentElement.dataset.theme === 'dark'"

# What the walk saw, for the summary test at the end of this module.
SEEN: dict[str, dict[str, Any]] = {}


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


def test_page(page_path: str, server: str, light: Tab) -> None:
    page, visit = light.open(server + page_path)
    dark: list[str] = []
    try:
        result = page.evaluate(RENDER_CHECK)
        figures = page.locator(FIGURES).count()
        if figures:
            # The reader's system switches to dark: the theme follows it ("auto" mode).
            page.emulate_media(color_scheme="dark")
            try:
                page.wait_for_function(DARK, timeout=10_000)
            except PlaywrightError:
                dark = ["the theme did not switch to dark with the system's colour scheme"]
            else:
                dark = figure_problems(page.evaluate(FIGURE_STYLES, FIGURES))
    finally:
        page.close()
    problems = visit.problems() + render_problems(result)
    if result["theme"] != "light":
        problems.append(f"light mode requested, data-theme is {result['theme']!r}")
    problems += [f"dark mode: {problem}" for problem in dark]
    SEEN[page_path] = {**result, "figures": figures}
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


def test_the_walk_covered_the_site(site: Path) -> None:
    """The walk saw every page, and the checks had something to check."""
    pages = site_pages(site)
    if set(SEEN) != set(pages):
        pytest.skip("not every page was walked in this run (selected with -k?)")
    for must in ("index.html", "search.html", "genindex.html", *KEY_PAGES.values()):
        assert must in pages, f"{must} is missing from the site"
    assert sum(r["containers"] for r in SEEN.values()) > 0, "no page rendered any math"
    assert sum(r["images"] for r in SEEN.values()) > 0, "no page showed any image"
    assert sum(r["figures"] for r in SEEN.values()) > 0, "no page had a figure"


def test_korean_text_has_a_font(server: str, light: Tab) -> None:
    """The screenshots show Hangul, not empty boxes: this machine has a font for it."""
    page, _ = light.open(server + "glossary.html")
    try:
        has_glyphs = page.evaluate(HAS_GLYPHS, "기울기 소실")
    finally:
        page.close()
    assert has_glyphs, (
        "Chromium has no font for Korean on this machine: the screenshots show empty boxes. "
        "Install one from the OS packages (`apt-get install fonts-nanum` on Debian/Ubuntu)."
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(KEY_PAGES))
def test_screenshot(
    name: str, width: str, mode: str, browser: Any, server: str, artifacts: Path
) -> None:
    phone = width == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone, color_scheme=mode
    )
    try:
        page, visit = Tab(context, is_local_to(server)).open(server + KEY_PAGES[name])
        result = page.evaluate(RENDER_CHECK)
        out = artifacts / "screenshots" / f"{name}-{width}-{mode}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=out, full_page=True)
    finally:
        context.close()
    problems = visit.problems() + render_problems(result)
    if result["theme"] != mode:
        problems.append(f"{mode} mode requested, data-theme is {result['theme']!r}")
    assert not problems, f"{KEY_PAGES[name]} ({width}, {mode}):\n  " + "\n  ".join(problems)
    assert out.stat().st_size > 0
