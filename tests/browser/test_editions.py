"""The two editions of the built site, English and Korean, and the way between them.

Every page of each edition has a language switcher (docs/_ext/gradlab_editions.py): plain
relative links, written when the site is built, to the same page of the other edition, or to
that edition's landing page where it has no such page. Each link names the other language in
itself and says so (``lang``, ``hreflang``). In Chromium, served and from ``file://``, clicking
the switcher goes to the same chapter in the other language and back. Each edition's pages say
their language (``<html lang="en">``, ``<html lang="ko">``), and the page at the top of the
site leads to both.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitecheck import EDITIONS, Tab, site_pages


class _Switcher(HTMLParser):
    """The ``lang`` of a page's ``<html>`` and the attributes of its language switch links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.links: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and self.lang is None:
            self.lang = values.get("lang", "")
        elif tag == "a" and "gl-language-switch" in values.get("class", "").split():
            self._open = {**values, "text": ""}
            self.links.append(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data


def read_page(path: Path) -> _Switcher:
    parser = _Switcher()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def edition_pages(site: Path) -> list[str]:
    return [p for p in site_pages(site) if p.split("/")[0] in EDITIONS]


def test_every_page_switches_to_itself_in_the_other_edition(site: Path) -> None:
    pages = edition_pages(site)
    assert len(pages) > 100, len(pages)
    problems = []
    same = 0
    for page_path in pages:
        edition, _, rest = page_path.partition("/")
        parsed = read_page(site / page_path)
        if parsed.lang != edition:
            problems.append(f"{page_path}: <html lang={parsed.lang!r}>")
        others = [code for code in EDITIONS if code != edition]
        if len(parsed.links) < 1:
            problems.append(f"{page_path}: no language switcher")
        for link in parsed.links:
            other = link.get("hreflang", "")
            if other not in others or link.get("lang") != other:
                problems.append(f"{page_path}: hreflang {other!r}, lang {link.get('lang')!r}")
                continue
            if " ".join(link["text"].split()) != EDITIONS[other]:
                problems.append(f"{page_path}: the link says {link['text'].strip()!r}")
            href = link["href"]
            if urlsplit(href).scheme or href.startswith("/"):
                problems.append(f"{page_path}: not a relative link: {href}")
                continue
            target = ((site / page_path).parent / unquote(urlsplit(href).path)).resolve()
            counterpart = site / other / rest
            wanted = counterpart if counterpart.is_file() else site / other / "index.html"
            if target != wanted.resolve():
                problems.append(f"{page_path}: switches to {href}, not {wanted.relative_to(site)}")
            same += target == counterpart.resolve()
    assert not problems, f"{len(problems)} problems:\n  " + "\n  ".join(problems[:40])
    assert same >= len(pages), "pages switching to another page than their own counterpart"


def test_both_editions_have_the_same_pages(site: Path) -> None:
    """Every page has its counterpart: the sources are one tree, translated."""
    by_edition = {
        edition: {p.partition("/")[2] for p in edition_pages(site) if p.startswith(edition + "/")}
        for edition in EDITIONS
    }
    first, *others = EDITIONS
    for other in others:
        assert by_edition[other] == by_edition[first], sorted(
            by_edition[first] ^ by_edition[other]
        )[:20]


def test_the_root_page_leads_to_both_editions(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    for code, name in EDITIONS.items():
        assert f'<a href="{code}/index.html" hreflang="{code}">{name}</a>' in text
        assert f'<li lang="{code}">' in text
        assert (site / code / "index.html").is_file()


@pytest.mark.parametrize(
    "page_path", ["course/07_backpropagation.html", "auto_examples/index.html", "glossary.html"]
)
def test_the_switcher_takes_the_reader_there_and_back(
    page_path: str, tab: tuple[Tab, str]
) -> None:
    browser_tab, root = tab
    page, visit = browser_tab.open(f"{root}en/{page_path}")
    try:
        route = []
        for _ in EDITIONS:  # en -> ko -> en
            switch = page.locator("a.gl-language-switch:visible").first
            with page.expect_navigation():
                switch.click()
            route.append(
                (page.url.removeprefix(root), page.evaluate("document.documentElement.lang"))
            )
    finally:
        page.close()
    assert route == [(f"ko/{page_path}", "ko"), (f"en/{page_path}", "en")]
    assert not visit.problems(), "\n".join(visit.problems())


def test_the_root_page_in_the_browser(tab: tuple[Tab, str]) -> None:
    browser_tab, root = tab
    page, visit = browser_tab.open(root + "index.html")
    try:
        with page.expect_navigation():
            page.get_by_role("link", name=EDITIONS["ko"]).click()
        assert page.url == f"{root}ko/index.html"
        assert page.evaluate("document.documentElement.lang") == "ko"
    finally:
        page.close()
    assert not visit.problems(), "\n".join(visit.problems())
