"""Accessibility of the built site: axe-core on every page, light and dark, and the keyboard.

Both editions are checked alike, English and Korean, and the page leading to them.
axe-core (bundled by ``axe-playwright-python``; nothing is downloaded) checks every page against
the WCAG 2.1 A and AA rules (:data:`WCAG_TAGS`, with axe's experimental rules for them), once in
the light theme and once after the reader's system switches to dark (the theme follows it). A
page fails on any serious or critical violation; the message names the page, the theme, the
rule and each element (its CSS selector and markup). Every finding, minor and moderate ones
too, and the seconds each page took, go to ``browser-artifacts/accessibility.json``. The pages
are checked :data:`WALKERS` at a time, each walker in a browser context of its own in one
Chromium. axe's time grows with a page's elements: a chapter (10,000 elements, half of them
MathJax's) takes it seconds per theme where an API page takes one.

Two things axe cannot see are checked here too:

* Language of parts (WCAG 3.1.2): every run of Hangul a reader sees lies inside an element with
  ``lang="ko"`` (``docs/_ext/gradlab_a11y.py`` marks them in the English edition when the site
  is built; in the Korean edition the page itself is ``lang="ko"``). Korean inside a formula
  cannot be marked (TeX has no language); it is listed in the report, not failed.
* The keyboard (WCAG 2.1.1, 2.4.7): on each edition's landing page (its language switcher
  among the controls) and on the first page with each kind of
  control (an exercise's dropdown, an explorer's slider, the sidebar's section toggles), Tab
  reaches every visible control (links, buttons, the search and theme buttons, ``<summary>``,
  inputs, scrollable code) in turn, and each shows that it has the focus: its look (an
  outline, a shadow, a colour; its own or that of an element inside it) differs from its look
  without the focus, or else the pixels around it do. The theme switch opens with Enter and
  its menu items are reachable with Tab.

Two tests check the checks: axe and the Hangul check find faults planted in a page, and the
focus check fails a link whose focus ring is taken away.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitecheck import (
    CHROMIUM_ARGS,
    EDITIONS,
    AsyncTab,
    Tab,
    chromium_path,
    env_path,
    is_local_to,
    site_dir,
    site_pages,
)

DESKTOP = {"width": 1280, "height": 800}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
THEMES = ("light", "dark")
WALKERS = 3  # pages checked at once

DARK = "document.documentElement.dataset.theme === 'dark'"

# After the load event: MathJax's typesetting, the web fonts and any CSS transition (the theme
# fades colours when it switches) must be over before axe measures colours.
SETTLED = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
}
"""

# axe.run over the whole document; only the violations, and of each node only what a report
# needs (the full result of a big page is megabytes). axe leaves its "experimental" rules out
# unless asked; those that test a WCAG A/AA criterion are switched on by name (one of them,
# label-content-name-mismatch, is WCAG 2.5.3, Label in Name).
RUN_AXE = r"""
async (tags) => {
  const rules = {};
  for (const rule of axe.getRules()) {
    if (rule.tags.includes("experimental") && rule.tags.some((t) => tags.includes(t))) {
      rules[rule.ruleId] = {enabled: true};
    }
  }
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules,
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      impact: n.impact,
      target: n.target.map(String).join(" "),
      html: n.html.replace(/\s+/g, " ").slice(0, 240),
    })),
  }));
}
"""

# Hangul (syllables, jamo, compatibility jamo) in the text a reader sees, with no element of
# lang="ko" around it: {unmarked: [...], math: [...]}. Scripts, styles and what is hidden from
# assistive technology (aria-hidden, e.g. MathJax's visual rendering) are not read out. Math
# is listed apart: Korean inside TeX (\text{...}) cannot carry a language, only be moved out of
# the formula; accessibility.json lists it.
UNMARKED_HANGUL = r"""
() => {
  const hangul = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;
  const found = {unmarked: [], math: []};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!hangul.test(node.data)) continue;
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, template, noscript, [aria-hidden='true']")) {
      continue;
    }
    const lang = parent.closest("[lang]");
    if (lang && lang.getAttribute("lang").toLowerCase().startsWith("ko")) continue;
    const where = parent.closest("[id]");
    const text = `${where ? "#" + where.id + " " : ""}<${parent.tagName.toLowerCase()}> `
                 + node.data.replace(/\s+/g, " ").trim().slice(0, 80);
    (parent.closest(".math, mjx-container, math") ? found.math : found.unmarked).push(text);
  }
  return found;
}
"""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "a11y_page" in metafunc.fixturenames:
        site = site_dir()
        pages = site_pages(site) if site.is_dir() else []
        metafunc.parametrize("a11y_page", pages or ["index.html"])
    if "keyboard_page" in metafunc.fixturenames:
        chosen = keyboard_pages(site_dir())
        metafunc.parametrize(
            "keyboard_page", chosen, ids=[f"{kind}: {page}" for kind, page in chosen]
        )


# -- axe on every page --------------------------------------------------------------------------


async def check_page(tab: AsyncTab, url: str, axe_script: str) -> dict[str, Any]:
    """axe's violations on one page in both themes, and its Hangul without ``lang="ko"``."""
    from playwright.async_api import Error as PlaywrightError

    start = time.perf_counter()
    page, visit = await tab.open(url)
    found: dict[str, Any] = {}
    seconds = found["seconds"] = {}  # where the time goes: accessibility.json
    try:
        await page.evaluate(SETTLED)
        await page.evaluate(axe_script)
        seconds["load"] = round(time.perf_counter() - start, 2)
        found["light"] = await page.evaluate(RUN_AXE, WCAG_TAGS)
        seconds["light"] = round(time.perf_counter() - start - seconds["load"], 2)
        found["unmarked_hangul"] = await page.evaluate(UNMARKED_HANGUL)
        # The reader's system switches to dark; the theme follows it ("auto" mode). The page
        # leading to the editions has no theme: its CSS follows the system's scheme itself.
        themed = await page.evaluate("document.documentElement.hasAttribute('data-theme')")
        await page.emulate_media(color_scheme="dark")
        try:
            if themed:
                await page.wait_for_function(DARK, timeout=10_000)
        except PlaywrightError:
            found["dark_error"] = "the theme did not switch to dark"
        else:
            await page.evaluate(SETTLED)
            mark = time.perf_counter()
            found["dark"] = await page.evaluate(RUN_AXE, WCAG_TAGS)
            seconds["dark"] = round(time.perf_counter() - mark, 2)
    finally:
        await page.close()
    found["load"] = visit.problems()
    return found


async def check_pages(origin: str, pages: list[str], seen: dict[str, dict[str, Any]]) -> None:
    """Check ``pages`` of the site at ``origin``, :data:`WALKERS` at a time, into ``seen``."""
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.async_api import async_playwright

    todo = list(reversed(pages))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )

        async def walker() -> None:
            context = await browser.new_context(viewport=DESKTOP, color_scheme="light")
            tab = AsyncTab(context, is_local_to(origin))
            await tab.start()
            while todo:
                page_path = todo.pop()
                try:
                    seen[page_path] = await check_page(tab, origin + page_path, AXE_SCRIPT)
                except Exception as error:  # a timeout on one page: its test reports it
                    seen[page_path] = {"error": f"{type(error).__name__}: {error}"}
            await context.close()

        try:
            await asyncio.gather(*(walker() for _ in range(WALKERS)))
        finally:
            await browser.close()


def tally(seen: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Counts of the findings: per impact, and per (serious or critical) rule and page."""
    by_impact: Counter[str] = Counter()
    failing: dict[str, dict[str, int]] = {}
    for page_path, found in sorted(seen.items()):
        for theme in THEMES:
            for violation in found.get(theme, []):
                for node in violation["nodes"]:
                    impact = node["impact"] or violation["impact"]
                    by_impact[impact] += 1
                    if impact in FAILING:
                        rule = failing.setdefault(violation["id"], {})
                        key = f"{page_path} ({theme})"
                        rule[key] = rule.get(key, 0) + 1
    return {
        "pages": len(seen),
        "nodes_by_impact": dict(by_impact),
        "serious_or_critical_rules": len(failing),
        "serious_or_critical": failing,
        "pages_with_unmarked_hangul": sorted(
            page_path
            for page_path, found in seen.items()
            if found.get("unmarked_hangul", {}).get("unmarked")
        ),
        "pages_with_hangul_in_math": sorted(
            page_path
            for page_path, found in seen.items()
            if found.get("unmarked_hangul", {}).get("math")
        ),
    }


@pytest.fixture(scope="module")
def axe_walk(request: pytest.FixtureRequest, server: str) -> dict[str, dict[str, Any]]:
    """What axe found on each selected page, the pages checked :data:`WALKERS` at a time."""
    selected = [
        item.callspec.params["a11y_page"]
        for item in request.session.items
        if hasattr(item, "callspec") and "a11y_page" in item.callspec.params
    ]
    selected = sorted(set(selected))
    seen: dict[str, dict[str, Any]] = {}
    failure: list[BaseException] = []

    def run() -> None:  # the async API in a thread of its own, away from the sync API's loop
        try:
            asyncio.run(check_pages(server, selected, seen))
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run, name="a11y-walk")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    report = env_path("GRADLAB_ARTIFACTS", "browser-artifacts") / "accessibility.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps({"summary": tally(seen), "pages": seen}, indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    return seen


def violation_lines(found: dict[str, Any]) -> list[str]:
    """One line per serious or critical element: theme, rule, impact, selector and markup."""
    lines = []
    for theme in THEMES:
        for violation in found.get(theme, []):
            for node in violation["nodes"]:
                impact = node["impact"] or violation["impact"]
                if impact in FAILING:
                    lines.append(
                        f"[{theme}] {violation['id']} ({impact}: {violation['help']}): "
                        f"{node['target']}: {node['html']}"
                    )
    return lines


def test_axe(a11y_page: str, axe_walk: dict[str, dict[str, Any]]) -> None:
    """No serious or critical WCAG 2.1 A/AA violation on the page, in either theme."""
    found = axe_walk[a11y_page]
    assert "error" not in found, f"{a11y_page}: {found['error']}"
    assert "dark_error" not in found, f"{a11y_page}: {found['dark_error']}"
    lines = violation_lines(found)
    assert not lines, f"{a11y_page}: {len(lines)} serious or critical\n" + "\n".join(lines)


def test_korean_marked(a11y_page: str, axe_walk: dict[str, dict[str, Any]]) -> None:
    """Every Hangul text a reader sees is inside ``lang="ko"`` (WCAG 3.1.2)."""
    found = axe_walk[a11y_page]
    assert "error" not in found, f"{a11y_page}: {found['error']}"
    unmarked = found["unmarked_hangul"]["unmarked"]
    assert not unmarked, f"{a11y_page}: Korean without lang=ko:\n" + "\n".join(unmarked[:20])


def test_axe_reports_a_known_violation(browser: Any, server: str) -> None:
    """The check itself works: axe finds what the site fixed, in a page made to have it."""
    from axe_playwright_python.base import AXE_SCRIPT

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(server + "en/index.html", wait_until="load")
        page.evaluate(
            """() => {
              const bad = document.createElement("div");
              bad.innerHTML = '<button aria-label="Find">Search Ctrl+K</button>'
                + '<details><summary><i class="x"></i></summary>text</details>'
                + '<div role="list"><div role="doc-biblioentry">entry</div></div>'
                + '<p>한국어</p>';
              document.querySelector("main").append(bad);
            }"""
        )
        page.evaluate(AXE_SCRIPT)
        found = {"light": page.evaluate(RUN_AXE, WCAG_TAGS)}
        rules = {line.split()[1] for line in violation_lines(found)}
        assert {"summary-name", "aria-required-children"} <= rules, rules
        assert any(v["id"] == "label-content-name-mismatch" for v in found["light"])
        assert any("한국어" in text for text in page.evaluate(UNMARKED_HANGUL)["unmarked"])
    finally:
        context.close()


# -- the keyboard -------------------------------------------------------------------------------

# What takes the keyboard focus, as axe and the browser see it; visible ones only.
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"

# The active element, and whether it shows that it has the focus: its style or that of an element
# inside it (the theme draws a sidebar toggle's ring on the icon inside the <summary>) differs
# from its style without the focus, in a way that can be seen (an outline, a shadow, a colour,
# an underline, its opacity). The element is blurred and focused again to compare; after a Tab,
# focus() keeps :focus-visible. ``box`` covers the element and what is inside it, for the
# screenshots when the style does not tell.
ACTIVE = r"""
async () => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const settle = async () => {
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
  };
  const nodes = [el, ...Array.from(el.querySelectorAll("*")).slice(0, 200)];
  const look = () => nodes.map((node) => {
    const s = getComputedStyle(node);
    const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}` : "none";
    return [ring, s.boxShadow, s.color, s.backgroundColor, s.borderTopColor,
            s.borderBottomColor, s.textDecorationLine, s.opacity].join(" | ");
  });
  await settle();
  const focused = look();
  el.blur();
  await settle();
  const blurred = look();
  el.focus({preventScroll: true});
  await settle();
  let box = null;
  for (const node of nodes) {
    const r = node.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    box = box === null ? {left: r.left, top: r.top, right: r.right, bottom: r.bottom} : {
      left: Math.min(box.left, r.left), top: Math.min(box.top, r.top),
      right: Math.max(box.right, r.right), bottom: Math.max(box.bottom, r.bottom)};
  }
  const label = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("title")
                 || el.getAttribute("href") || "").replace(/\s+/g, " ").trim().slice(0, 60);
  const classes = typeof el.className === "string" && el.className
    ? "." + el.className.trim().split(/\s+/).join(".") : "";
  return {
    key: el.dataset.a11yKey || null,
    description: `<${el.tagName.toLowerCase()}${classes}> ${label}`,
    indicator: focused.some((value, i) => value !== blurred[i]),
    box: box && {x: box.left, y: box.top, width: box.right - box.left,
                 height: box.bottom - box.top},
  };
}
"""

# Number every visible control (data-a11y-key), so that the Tab walk can say which it reached.
MARK_CONTROLS = r"""
(selector) => {
  // Shown: rendered, and it or something inside it has a box (the theme's sidebar <summary>
  // is 0 px high, its chevron placed outside it).
  const shown = (el) => [el, ...el.querySelectorAll("*")].some((node) => {
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && node.checkVisibility({
      opacityProperty: false, visibilityProperty: true, contentVisibilityAuto: true});
  });
  const controls = Array.from(document.querySelectorAll(selector)).filter(
    (el) => !el.disabled && !el.closest("[inert], [hidden]") && shown(el));
  controls.forEach((el, i) => { el.dataset.a11yKey = String(i); });
  return controls.map((el) => `<${el.tagName.toLowerCase()}> `
    + (el.getAttribute("aria-label") || el.textContent || el.getAttribute("href") || "")
        .replace(/\s+/g, " ").trim().slice(0, 60));
}
"""

# The controls each kind of page is chosen for; each must be reached and show its focus.
NAMED = {
    "search button": ".search-button-field",
    "theme switch": ".theme-switch-button",
    "language switch": ".gl-language-switch",
    "dropdown": "details.sd-dropdown > summary",
    "slider": "input[type='range']",
    "sidebar toggle": ".bd-sidebar-primary details > summary",
}


def keyboard_pages(site: Path) -> list[tuple[str, str]]:
    """(kind, page): the landing page and the first page with each kind of control.

    The kinds are those of :data:`NAMED` that only some pages have.
    """
    wanted = {
        "dropdown": re.compile(r'class="[^"]*\bsd-dropdown\b'),
        "slider": re.compile(r'<input[^>]*type="range"'),
        "sidebar toggle": re.compile(r'class="toctree-toggle"'),
    }
    chosen = [("landing", f"{edition}/index.html") for edition in EDITIONS]
    pages = site_pages(site) if site.is_dir() else []
    for kind, pattern in wanted.items():
        for page_path in pages:
            if pattern.search((site / page_path).read_text(encoding="utf-8", errors="replace")):
                chosen.append((kind, page_path))
                break
    return chosen


@pytest.fixture(scope="module")
def keyboard(browser: Any, server: str) -> Iterator[Tab]:
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    yield Tab(context, is_local_to(server))
    context.close()


def pixels_change(page: Any, box: dict[str, float] | None) -> bool:
    """Whether the pixels within 4 px of ``box`` differ with the focus on and off."""
    if box is None:
        return False
    margin = 4
    x = max(0.0, box["x"] - margin)
    y = max(0.0, box["y"] - margin)
    clip = {
        "x": x,
        "y": y,
        "width": min(DESKTOP["width"] - x, box["width"] + 2 * margin),
        "height": min(DESKTOP["height"] - y, box["height"] + 2 * margin),
    }
    if clip["width"] <= 0 or clip["height"] <= 0:
        return False
    focused = page.screenshot(clip=clip, animations="disabled")
    page.evaluate(
        "() => { window.__a11yFocus = document.activeElement; document.activeElement.blur(); }"
    )
    blurred = page.screenshot(clip=clip, animations="disabled")
    page.evaluate("() => window.__a11yFocus.focus({preventScroll: true})")
    return bool(focused != blurred)


def test_keyboard(keyboard_page: tuple[str, str], keyboard: Tab, server: str) -> None:
    """Tab reaches every visible control of the page, and each shows that it has the focus."""
    kind, keyboard_page = keyboard_page
    page, _ = keyboard.open(server + keyboard_page)
    try:
        page.evaluate(SETTLED)
        controls = page.evaluate(MARK_CONTROLS, FOCUSABLE)
        named = {
            name: page.locator(f"{selector}[data-a11y-key]").count()
            for name, selector in NAMED.items()
        }
        reached: set[str] = set()
        invisible: list[str] = []
        first = None
        for _ in range(3 * len(controls) + 10):
            page.keyboard.press("Tab")
            active = page.evaluate(ACTIVE)
            if active is None:  # focus left the page: the walk has wrapped
                if reached:
                    break
                continue
            if active["key"] is not None:
                if active["key"] == first:
                    break
                first = first or active["key"]
                reached.add(active["key"])
            if not active["indicator"] and not pixels_change(page, active["box"]):
                invisible.append(active["description"])
        missed = [c for i, c in enumerate(controls) if str(i) not in reached]
        for name, selector in NAMED.items():
            keys = page.eval_on_selector_all(
                f"{selector}", "(els) => els.map((el) => el.dataset.a11yKey || null)"
            )
            assert all(k in reached for k in keys if k is not None), (
                f"{keyboard_page}: a {name} is not reached with Tab"
            )
    finally:
        page.close()
    assert controls, f"{keyboard_page}: no controls found"
    assert kind == "landing" or named[kind], f"{keyboard_page}: no visible {kind}"
    if kind == "landing":
        assert named["language switch"], named
    assert named["search button"], named
    assert named["theme switch"], named
    assert not missed, f"{keyboard_page}: not reached with Tab:\n" + "\n".join(missed)
    assert not invisible, f"{keyboard_page}: no visible focus on:\n" + "\n".join(invisible)


def test_theme_switch_by_keyboard(keyboard: Tab, server: str) -> None:
    """Enter opens the theme menu, Tab reaches its items, Enter on "Dark" switches the theme."""
    page, _ = keyboard.open(server + "en/index.html")
    try:
        page.evaluate(SETTLED)
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('.theme-switch-button')"):
                break
        else:
            pytest.fail("the theme switch is not reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_selector(".theme-switch-container .dropdown-menu.show", timeout=5_000)
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate(
                "() => document.activeElement.matches('.theme-change-button[data-mode=dark]')"
            ):
                break
        else:
            pytest.fail("the theme menu's Dark item is not reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_function(DARK, timeout=5_000)
    finally:
        page.close()


def test_focus_check_sees_a_missing_indicator(keyboard: Tab, server: str) -> None:
    """The check itself works: a link styled to show no focus fails it, the same link passes."""
    page, _ = keyboard.open(server + "en/index.html")
    try:
        page.evaluate(SETTLED)
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('.bd-article a[href]')"):
                break
        else:
            pytest.fail("no link of the article is reached with Tab")
        shown = page.evaluate(ACTIVE)
        assert shown["indicator"], shown
        page.add_style_tag(
            content=".bd-article a:focus, .bd-article a:focus-visible, .bd-article a:focus * "
            "{outline: none !important; box-shadow: none !important}"
        )
        hidden = page.evaluate(ACTIVE)
        assert not hidden["indicator"], hidden
        assert not pixels_change(page, hidden["box"]), hidden
    finally:
        page.close()
