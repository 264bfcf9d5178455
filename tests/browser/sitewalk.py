"""One walk of the site in Chromium: every page loaded once, every check of a page made on it.

``test_pages`` (the page renders) and ``test_accessibility`` (axe-core and the Korean marks)
read what this walk found, so a page is loaded, typeset and switched to dark once, not once per
test module (two walks took 21 of the browser session's 28 minutes). Each page, in a tab of
one browser profile (:data:`WALKERS` at a time, Playwright's async API in a thread of its own;
the profile's cache keeps the scripts every page loads compiled, :class:`sitecheck.AsyncTab`):

1. loads (console errors, failed requests, requests to other hosts are recorded), and waits
   until MathJax, the fonts and every image are done, and finishes any CSS transition;
2. light theme: what rendered (:data:`sitecheck.RENDER_CHECK`); Hangul outside ``lang="ko"``
   (:data:`UNMARKED_HANGUL`);
3. where there are figures, the reader's system switches to dark and the theme follows it:
   each figure's card and filters (:data:`sitecheck.FIGURE_STYLES`);
4. axe's violations (:data:`RUN_AXE`) in the theme the page is in, then in the other one.

A page selected only by one module gets only that module's checks (``-k`` selections stay
quick); the seconds each step took are kept with the findings.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from typing import Any

from sitecheck import (
    CHROMIUM_ARGS,
    FIGURE_STYLES,
    FIGURES,
    RENDER_CHECK,
    UNREACHABLE_PROXY,
    AsyncTab,
    chromium_path,
    figure_problems,
    is_local_to,
)

DESKTOP = {"width": 1280, "height": 800}
WALKERS = 3  # pages open at once: Chromium renders one while another loads or typesets
# Playwright's limits are per page (30 s to load, by default); with WALKERS pages sharing the
# cores each may take that many times longer, so the walk allows that much more.
WALK_TIMEOUT_MS = 30_000 * WALKERS
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

THEMED = "document.documentElement.hasAttribute('data-theme')"
THEME_IS = "(scheme) => document.documentElement.dataset.theme === scheme"

# Every CSS transition or animation still running is finished at once: the look it ends in is
# the one to measure, and finishing it spares the waiting (the theme fades its colours over
# 150-300 ms when it switches, its buttons when they take or lose the focus).
# getAnimations() brings the styles up to date first, so a transition just started is among
# them; an infinite animation cannot be finished and is left as it is.
FINISH_ANIMATIONS = r"""
  for (const animation of document.getAnimations()) {
    try {
      animation.finish();
    } catch {}
  }
"""

# After the load event: MathJax's typesetting and the web fonts must be over, and any CSS
# transition (the theme fades colours when it switches), before axe measures colours.
SETTLED = (
    r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
"""
    + FINISH_ANIMATIONS
    + "}\n"
)

# axe.run over the whole document; only the violations, and of each node only what a report
# needs (the full result of a big page is megabytes). axe leaves its "experimental" rules out
# unless asked; those that test a WCAG A/AA criterion are switched on by name (one of them,
# label-content-name-mismatch, is WCAG 2.5.3, Label in Name).
#
# Colour contrast, the rule that takes most of axe's time, is measured once per look of text: a
# page repeats a few text styles hundreds of times (chapter 09's code alone has 3,300 elements
# with text in 7 looks), and each measurement costs axe a hit test of the page. Two elements
# with text look the same to the rule when their colour, size, weight and text shadow, and the
# background, opacity, blend, filter and clip of each box from them up to the page's root, are
# the same, and nothing else can lie over or under them: an element is grouped only when it
# shows letters or digits, its box lies wholly inside every box that clips it, neither it nor a
# box around it is out of the flow or moved from its place (absolute, fixed, relative with an
# offset), and it meets no such box; any other element is always measured. Of each look the
# first element is measured; the others are marked data-axe-same and left out of that one rule
# (every other rule sees every element). The marks are made again for each theme.
RUN_AXE = r"""
async (tags) => {
  for (const el of document.querySelectorAll("[data-axe-same]")) {
    el.removeAttribute("data-axe-same");
  }
  const all = Array.from(document.body.querySelectorAll("*"));
  const styles = new Map(all.map((el) => [el, getComputedStyle(el)]));
  const style = (el) => styles.get(el) || getComputedStyle(el);
  // Out of the flow, or moved from its place in it (sticky boxes sit in place at the top).
  const floating = (s) => s.position === "absolute" || s.position === "fixed"
    || (s.position === "relative" && (s.transform !== "none" || [s.top, s.left, s.right,
        s.bottom].some((v) => v !== "auto" && parseFloat(v) !== 0)));
  const positioned = all.filter((el) => floating(style(el)))
    .map((el) => el.getBoundingClientRect()).filter((r) => r.width && r.height);
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom
    && b.top < a.bottom;
  const everywhere = {left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity};
  const boxes = new Map();  // node -> {look: its boxes up to the root, view: what clips it}
  const box = (node) => {
    if (!boxes.has(node)) {
      const s = style(node);
      const up = node.parentElement ? box(node.parentElement)
        : {look: "", view: everywhere, floats: false};
      let view = up.view;
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const r = node.getBoundingClientRect();
        view = {left: Math.max(view.left, r.left), top: Math.max(view.top, r.top),
                right: Math.min(view.right, r.right), bottom: Math.min(view.bottom, r.bottom)};
      }
      boxes.set(node, {
        look: `${s.backgroundColor} ${s.backgroundImage} ${s.opacity} ${s.mixBlendMode} `
              + `${s.filter} ${s.clip} ${s.clipPath}|${up.look}`,
        view, floats: up.floats || floating(s)});
    }
    return boxes.get(node);
  };
  const letters = /[\p{L}\p{N}]/u;
  const looks = new Set();
  for (const el of all) {
    const text = Array.from(el.childNodes).some((n) => n.nodeType === 3 && letters.test(n.data));
    if (!text || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const {look: boxLook, view, floats} = box(el);
    const rect = el.getBoundingClientRect();
    if (floats || !(rect.width > 0 && rect.height > 0) || rect.left < view.left
        || rect.right > view.right || rect.top < view.top || rect.bottom > view.bottom
        || positioned.some((r) => meets(rect, r))) continue;
    const s = style(el);
    const look = `${s.color} ${s.fontSize} ${s.fontWeight} ${s.textShadow}|${boxLook}`;
    if (looks.has(look)) {
      el.setAttribute("data-axe-same", "");
    } else {
      looks.add(look);
    }
  }
  axe.configure({rules: [{id: "color-contrast", selector: "*:not([data-axe-same])"}]});
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


async def switch_theme(page: Any, scheme: str, themed: bool) -> str | None:
    """The reader's system switches to ``scheme``; the theme follows it ("auto" mode).

    The page leading to the editions has no theme (``themed`` false): its CSS follows the
    system's scheme itself. Returns what went wrong, or None.
    """
    from playwright.async_api import Error as PlaywrightError

    await page.emulate_media(color_scheme=scheme)
    try:
        if themed:
            await page.wait_for_function(THEME_IS, arg=scheme, timeout=10_000 * WALKERS)
    except PlaywrightError:
        return f"the theme did not switch to {scheme} with the system's scheme"
    await page.evaluate(SETTLED)
    return None


def follow_scheme(page: Any, scheme: str, themed: bool = True) -> None:
    """:func:`switch_theme` for Playwright's sync API; a theme that does not follow raises."""
    page.emulate_media(color_scheme=scheme)
    if themed:
        page.wait_for_function(THEME_IS, arg=scheme, timeout=10_000)
    page.evaluate(SETTLED)


async def visit_page(tab: AsyncTab, url: str, render: bool, axe: str | None) -> dict[str, Any]:
    """Load one page and check it: ``render`` (test_pages), ``axe`` (axe-core's script).

    The page's own checks come first and what loading it did is taken then: axe fetches the
    page's style sheets itself (for its orientation rule), resolving their ``@import`` against
    the page, and those requests are not the page's. axe then runs in the theme the page is in
    and in the other one.
    """
    start = time.perf_counter()
    page, visit = await tab.open(url)
    found: dict[str, Any] = {"figures": 0}
    seconds = found["seconds"] = {}  # where the time goes: accessibility.json
    theme = "light"
    try:
        found["render"] = await page.evaluate(RENDER_CHECK)  # MathJax, fonts, images done
        await page.evaluate(SETTLED)
        themed = await page.evaluate(THEMED)
        seconds["load"] = round(time.perf_counter() - start, 2)
        if axe:  # the Korean marks do not depend on the theme
            found["unmarked_hangul"] = await page.evaluate(UNMARKED_HANGUL)
        if render and (figures := await page.locator(FIGURES).count()):
            found["figures"] = figures
            mark = time.perf_counter()
            if problem := await switch_theme(page, "dark", themed):
                found["theme_error"] = problem
            else:
                theme = "dark"
                styles = await page.evaluate(FIGURE_STYLES, FIGURES)
                found["dark_figures"] = figure_problems(styles)
            seconds["figures"] = round(time.perf_counter() - mark, 2)
        found["visit"] = visit.problems()
        if axe and "theme_error" not in found:
            await page.evaluate(axe)
            for scheme in (theme, "light" if theme == "dark" else "dark"):
                mark = time.perf_counter()
                if scheme != theme and (problem := await switch_theme(page, scheme, themed)):
                    found["theme_error"] = problem
                    break
                found[scheme] = await page.evaluate(RUN_AXE, WCAG_TAGS)
                seconds[scheme] = round(time.perf_counter() - mark, 2)
    finally:
        await page.close()
    return found


async def walk_pages(
    origin: str, render: set[str], axe: set[str], seen: dict[str, dict[str, Any]]
) -> None:
    """Check the pages of the site at ``origin``, :data:`WALKERS` at a time, into ``seen``."""
    from axe_playwright_python.base import AXE_SCRIPT
    from playwright.async_api import async_playwright

    todo = sorted(render | axe, reverse=True)
    with tempfile.TemporaryDirectory(prefix="gradlab-walk-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile, executable_path=chromium_path(), args=CHROMIUM_ARGS,
                proxy=UNREACHABLE_PROXY, viewport=DESKTOP, color_scheme="light",
            )  # fmt: skip
            context.set_default_timeout(WALK_TIMEOUT_MS)
            tab = AsyncTab(context, is_local_to(origin))

            async def walker() -> None:
                while todo:
                    path = todo.pop()
                    script = AXE_SCRIPT if path in axe else None
                    try:
                        seen[path] = await visit_page(tab, origin + path, path in render, script)
                    except Exception as error:  # a timeout on one page: its tests report it
                        seen[path] = {"error": f"{type(error).__name__}: {error}"}

            try:
                await asyncio.gather(*(walker() for _ in range(WALKERS)))
            finally:
                await context.close()


def walk_site(origin: str, render: set[str], axe: set[str]) -> dict[str, dict[str, Any]]:
    """What the walk found on each page, by site path (``en/index.html``)."""
    seen: dict[str, dict[str, Any]] = {}
    failure: list[BaseException] = []

    def run() -> None:  # the async API in a thread of its own, away from the sync API's loop
        try:
            asyncio.run(walk_pages(origin, render, axe, seen))
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run, name="site-walk")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return seen
