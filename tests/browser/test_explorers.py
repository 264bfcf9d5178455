"""The interactive figures (gradlab.plotting.Explorer) of the built site, in headless Chromium.

Every page that holds an explorer, in both editions, is opened served on 127.0.0.1 and from
``file://``. Each slider is moved with the keyboard (focus, then an arrow key): the SVG
drawing, the frame's title and the slider's spoken value (``aria-valuetext``) must change, with
no console error, no failed request and no request to another host. The drawing must fit a
phone, keep its text and lines readable in the light and the dark theme, and without JavaScript
the figure must show its PNG instead. Screenshots go to ``browser-artifacts/explorers``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sitecheck import EDITIONS, Tab, is_local_to, luminance, site_dir, site_pages
from sitewalk import DESKTOP, follow_scheme
from test_pages import PHONE

# The pages the course puts explorers on, and how many each holds, in each edition.
EXPECTED = {
    f"{edition}/{page_path}": n
    for edition in EDITIONS
    for page_path, n in {
        "course/08_vanishing_gradients.html": 1,
        "course/09_optimizers.html": 1,
        "auto_examples/vanishing/plot_explore_sigmoid_chain.html": 1,
    }.items()
}
READY = "(n) => document.querySelectorAll('figure.gl-explorer.gl-explorer-ready').length === n"

# The state a reader sees of one figure: the drawing, the title, each slider's value.
STATE = r"""
(figure) => ({
  svg: (figure.querySelector(".gl-explorer-plot svg") || {}).outerHTML || "",
  title: figure.querySelector(".gl-explorer-title").textContent,
  label: figure.querySelector(".gl-explorer-plot").getAttribute("aria-label"),
  sliders: Array.from(figure.querySelectorAll("input[type=range]")).map((input) => ({
    value: input.value, max: input.max, text: input.getAttribute("aria-valuetext"),
    shown: input.parentNode.querySelector("output").textContent,
    label: (input.labels[0] || {}).textContent || "",
  })),
  fallbackShown: figure.querySelector(".gl-explorer-fallback").offsetParent !== null,
  liveShown: figure.querySelector(".gl-explorer-live").offsetParent !== null,
})
"""

# Contrast of the drawing against what is behind it, in the theme the page is in.
COLOURS = r"""
(figure) => {
  let background = null;
  for (let el = figure; el && background === null; el = el.parentElement) {
    const rgba = getComputedStyle(el).backgroundColor.match(/[\d.]+/g).map(Number);
    if (rgba.length === 3 || rgba[3] > 0) background = rgba;
  }
  if (background === null) background = [255, 255, 255];
  const rgb = (colour) => colour.match(/[\d.]+/g).slice(0, 3).map(Number);
  const fill = (selector) => rgb(getComputedStyle(figure.querySelector(selector)).fill);
  const series = Array.from(figure.querySelectorAll(".gl-series:not(.gl-muted) path"))
    .map((path) => rgb(getComputedStyle(path).stroke));
  return {
    theme: document.documentElement.dataset.theme, background,
    label: fill(".gl-label"), tick: fill(".gl-tick text"), series,
  };
}
"""


def contrast(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two sRGB colours (0-255 channels)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def refused_script(request: str) -> bool:
    """A failed request (``"URL: reason"``) for a script that JavaScript being off refused."""
    url, _, reason = request.rpartition(": ")
    return reason == "csp" and urlsplit(url).path.endswith(".js")


def explorer_pages() -> list[str]:
    site = site_dir()
    if not site.is_dir():
        return list(EXPECTED)
    return [p for p in site_pages(site) if "gl-explorer" in (site / p).read_text("utf-8")]


def open_ready(browser_tab: Tab, url: str) -> tuple[Any, Any, list[Any]]:
    """Open a page and wait until explorer.js has drawn each of its explorers."""
    page, visit = browser_tab.open(url)
    figures = page.locator("figure.gl-explorer")
    n = figures.count()
    page.wait_for_function(READY, arg=n, timeout=15_000)
    return page, visit, [figures.nth(i) for i in range(n)]


def test_the_course_pages_hold_their_explorers(site: Path) -> None:
    found = explorer_pages()
    for page_path, n in EXPECTED.items():
        assert page_path in found, f"{page_path} has no explorer"
        assert (site / page_path).read_text("utf-8").count('<figure class="gl-explorer"') == n


@pytest.mark.parametrize("page_path", explorer_pages())
def test_each_slider_moves_with_the_keyboard(page_path: str, tab: tuple[Tab, str]) -> None:
    browser_tab, root = tab
    page, visit, figures = open_ready(browser_tab, root + page_path)
    problems = []
    try:
        assert figures, f"{page_path}: no explorer"
        for figure in figures:
            before = figure.evaluate(STATE)
            where = f"{page_path} {figure.get_attribute('id')}"
            if not before["liveShown"] or before["fallbackShown"]:
                problems.append(f"{where}: the drawing did not replace the PNG")
            if 'class="gl-series' not in before["svg"]:
                problems.append(f"{where}: the drawing has no curve")
            for i, slider in enumerate(before["sliders"]):
                if not slider["label"].strip():
                    problems.append(f"{where}: slider {i} has no label")
                key = "ArrowLeft" if slider["value"] == slider["max"] else "ArrowRight"
                figure.locator("input[type=range]").nth(i).focus()
                page.keyboard.press(key)
                after = figure.evaluate(STATE)
                moved = after["sliders"][i]
                step = -1 if key == "ArrowLeft" else 1
                if int(moved["value"]) != int(slider["value"]) + step:
                    problems.append(f"{where}: {key} did not move slider {slider['label']!r}")
                    continue
                if after["svg"] == before["svg"]:
                    problems.append(
                        f"{where}: moving {slider['label']!r} left the drawing as it was"
                    )
                if after["title"] == before["title"] or after["label"] == before["label"]:
                    problems.append(f"{where}: moving {slider['label']!r} kept the title")
                if moved["text"] == slider["text"] or moved["text"] != moved["shown"]:
                    problems.append(
                        f"{where}: {slider['label']!r} reads {moved['text']!r}, shows "
                        f"{moved['shown']!r} (was {slider['text']!r})"
                    )
                before = after
    finally:
        page.close()
    problems += visit.problems()
    assert not problems, f"{root}{page_path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_drawing_fits_and_reads_in_both_themes(
    viewport: str, browser: Any, server: str, artifacts: Path
) -> None:
    """Each page opened once per width; the reader's system then switches it to dark."""
    size = DESKTOP if viewport == "desktop" else PHONE
    context = browser.new_context(viewport=size, color_scheme="light")
    problems = []
    try:
        browser_tab = Tab(context, is_local_to(server))
        for page_path in EXPECTED:
            page, visit, figures = open_ready(browser_tab, server + page_path)
            try:
                for scheme in ("light", "dark"):
                    follow_scheme(page, scheme)
                    problems += drawing_problems(page_path, figures, scheme, viewport, artifacts)
            finally:
                page.close()
            problems += [f"{page_path}: {p}" for p in visit.problems()]
    finally:
        context.close()
    assert not problems, "\n  ".join(problems)


def drawing_problems(
    page_path: str, figures: list[Any], scheme: str, viewport: str, artifacts: Path
) -> list[str]:
    """Each explorer of a page fits the width and reads in the theme; its screenshot saved."""
    size = DESKTOP if viewport == "desktop" else PHONE
    problems = []
    for figure in figures:
        where = f"{page_path} ({scheme}, {viewport})"
        figure.scroll_into_view_if_needed()
        overflow = figure.evaluate("(f) => f.scrollWidth - f.clientWidth")
        svg_width = figure.locator(".gl-explorer-plot svg").bounding_box()["width"]
        if overflow > 0 or svg_width > size["width"]:
            problems.append(f"{where}: {svg_width:.0f} px wide, overflows {overflow}")
        colours = figure.evaluate(COLOURS)
        back = colours["background"]
        for name in ("label", "tick"):
            if contrast(colours[name], back) < 4.5:
                problems.append(f"{where}: {name} text {colours[name]} on {back}")
        for stroke in colours["series"]:
            if contrast(stroke, back) < 3:
                problems.append(f"{where}: curve {stroke} on {back}")
        edition, name = page_path.split("/")[0], page_path.split("/")[-1]
        name = f"{edition}-{name.removesuffix('.html')}"
        shots = artifacts / "explorers"
        shots.mkdir(parents=True, exist_ok=True)
        figure.screenshot(path=str(shots / f"{name}-{viewport}-{scheme}.png"))
    return problems


def test_without_javascript_the_png_is_shown(browser: Any, site: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    root = site.as_uri() + "/"
    try:
        browser_tab = Tab(context, is_local_to(root))
        for page_path in EXPECTED:
            page, visit = browser_tab.open(root + page_path)
            try:
                shown = page.evaluate(
                    """() => Array.from(document.querySelectorAll("figure.gl-explorer")).map(
                      (f) => {
                        const img = f.querySelector("img.gl-explorer-fallback");
                        return {png: img.offsetParent !== null && img.naturalWidth > 0,
                                alt: img.alt,
                                live: f.querySelector(".gl-explorer-live").offsetParent !== null};
                      })"""
                )
            finally:
                page.close()
            assert shown, f"{page_path}: no explorer"
            for figure in shown:
                assert figure["png"], f"{page_path}: the PNG is not shown without JavaScript"
                assert figure["alt"].strip(), f"{page_path}: the PNG has no alt text"
                assert not figure["live"], f"{page_path}: useless sliders shown without JavaScript"
            # The theme preloads its scripts (<link rel="preload">): with JavaScript off the
            # browser refuses them ("csp"). Anything else is a problem.
            visit.failed_requests = [r for r in visit.failed_requests if not refused_script(r)]
            assert not visit.problems(), "\n".join(visit.problems())
    finally:
        context.close()
