"""Accessibility of the built site: axe-core on every page, light and dark, and the keyboard.

Both editions are checked alike, English and Korean, and the page leading to them.
axe-core (bundled by ``axe-playwright-python``; nothing is downloaded) checks every page against
the WCAG 2.1 A and AA rules (:data:`WCAG_TAGS`, with axe's experimental rules for them), once in
the light theme and once after the reader's system switches to dark (the theme follows it). A
page fails on any serious or critical violation; the message names the page, the theme, the
rule and each element (its CSS selector and markup). Every finding, minor and moderate ones
too, and the seconds each page took, go to ``browser-artifacts/accessibility.json``. axe runs
in the site's one walk (``sitewalk``: every page loaded once, the page tests' checks made in the
same visit), several pages at a time. axe's time grows with a page's elements: a chapter
(10,000 elements, half of them MathJax's) takes it seconds per theme.

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

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitecheck import EDITIONS, Tab, env_path, is_local_to, site_dir, site_pages
from sitewalk import (
    DESKTOP,
    FINISH_ANIMATIONS,
    RUN_AXE,
    SETTLED,
    THEME_IS,
    UNMARKED_HANGUL,
    WCAG_TAGS,
)

FAILING = ("serious", "critical")
THEMES = ("light", "dark")


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
def axe_walk(site_walk: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What axe found on each selected page (the site's one walk); into accessibility.json."""
    seen = site_walk
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
    assert "theme_error" not in found, f"{a11y_page}: {found['theme_error']}"
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
                + '<p>한국어</p>'
                + '<div class="highlight"><pre><span class="n">a</span> <span class="n">b</span>'
                + ' <span class="n" style="color: #a0a0a0">faint</span></pre></div>'
                + '<p>prose</p><p>more prose</p><p style="color: #a0a0a0">faint prose</p>';
              // two paragraphs alike in every box up to the root; a box out of the flow lies
              // under the second, as dark as its text
              for (const under of [false, true]) {
                const wrap = document.createElement("div");
                wrap.style.cssText = "position: relative; isolation: isolate";
                wrap.innerHTML = (under ? '<div style="position: absolute; inset: 0; '
                  + 'background: #444; z-index: -1"></div>' : "")
                  + `<p style="color: #595959">${under ? "covered" : "uncovered"} text</p>`;
                bad.append(wrap);
              }
              document.querySelector("main").append(bad);
            }"""
        )
        page.evaluate(AXE_SCRIPT)
        found = {"light": page.evaluate(RUN_AXE, WCAG_TAGS)}
        rules = {line.split()[1] for line in violation_lines(found)}
        assert {"summary-name", "aria-required-children"} <= rules, rules
        assert any(v["id"] == "label-content-name-mismatch" for v in found["light"])
        # text is measured once per look: each faint one among same-looking ones is found, and
        # one that looks like another up to the root but has a box under it is measured
        contrast = [
            n["html"] for v in found["light"] if v["id"] == "color-contrast" for n in v["nodes"]
        ]
        for text in ("faint</span>", "faint prose", "covered text"):
            assert any(text in html for html in contrast), (text, contrast)
        assert not any("uncovered" in html for html in contrast)
        assert page.locator("main pre [data-axe-same]").count() > 0
        assert page.locator("main p[data-axe-same]").count() > 0
        assert page.locator("p:text('covered text')[data-axe-same]").count() == 0
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
# focus() keeps :focus-visible. Each look is the one the focus or blur ends in
# (:data:`sitewalk.FINISH_ANIMATIONS`, not a wait of a second or so per control). ``box``
# covers the element and what is inside it, for the screenshots when the style does not tell.
ACTIVE = (
    r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const settle = () => {
"""
    + FINISH_ANIMATIONS
    + r"""
  };
  const nodes = [el, ...Array.from(el.querySelectorAll("*")).slice(0, 200)];
  const look = () => nodes.map((node) => {
    const s = getComputedStyle(node);
    const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}` : "none";
    return [ring, s.boxShadow, s.color, s.backgroundColor, s.borderTopColor,
            s.borderBottomColor, s.textDecorationLine, s.opacity].join(" | ");
  });
  settle();
  const focused = look();
  el.blur();
  settle();
  const blurred = look();
  el.focus({preventScroll: true});
  settle();
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
)

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
        page.wait_for_function(THEME_IS, arg="dark", timeout=5_000)
    finally:
        page.close()


# A link whose only sign of the focus is a ring that takes a minute to fade in.
FADING_RING = """
.bd-article a.gl-fading, .bd-article a.gl-fading:focus {
  outline: none !important; text-decoration: none !important; color: #000 !important;
  background: none !important; box-shadow: 0 0 0 0 #c00 !important;
  transition: box-shadow 60s linear !important;
}
.bd-article a.gl-fading:focus-visible { box-shadow: 0 0 0 4px #c00 !important; }
"""


def test_focus_check_sees_a_missing_indicator(keyboard: Tab, server: str) -> None:
    """The check itself works: a link styled to show no focus fails it, the same link passes,
    and a focus ring that fades in slowly is seen without waiting for it."""
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
        # a ring that fades in over a minute is seen: the look the focus ends in is compared
        page.add_style_tag(content=FADING_RING)
        page.evaluate(
            """() => {
              const link = document.createElement("a");
              link.href = "#"; link.className = "gl-fading"; link.textContent = "fading";
              document.querySelector(".bd-article").prepend(link);
              link.focus();
            }"""
        )
        fading = page.evaluate(ACTIVE)
        assert fading["description"].startswith("<a.gl-fading>"), fading
        assert fading["indicator"], fading
    finally:
        page.close()
