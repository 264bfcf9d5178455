"""The site's search (Sphinx's, in JavaScript), in both editions, and the site opened from disk.

Search runs in the browser over ``searchindex.js``. The English edition must find the English
term "sigmoid" and the Korean glossary term 기울기 (gradient), on the served site and from
``file://``, where the index still loads by a script tag.

The Korean edition searches with the Korean search language (docs/_ext/gradlab_korean_search.py):
particles are stripped from the words of the pages when the index is built (Python) and from
the query (JavaScript). Searching 기울기, 역전파 and 미분, and the inflected forms 기울기는,
역전파를 and 미분의, must find every page of the Korean edition whose text has the word, bare or
with particles, and an inflected query must find the same pages as the bare word. Which pages
have the word is found from their text and the browser's own stemmer, so the check fails when
the index (stemmed in Python) and the query (stemmed in JavaScript) disagree. Opened from disk,
pages must also render, math included.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from sitecheck import RENDER_CHECK, Tab, search_results, site_pages
from test_pages import render_problems

QUERIES = {
    # query: a result title that must be among the results (English edition)
    "sigmoid": "gradlab.activations.sigmoid",
    "기울기": "Glossary",
}

# Korean edition: a query and the bare word whose pages it must find
KOREAN_QUERIES = {
    "기울기": "기울기",
    "역전파": "역전파",
    "미분": "미분",
    "기울기는": "기울기",
    "역전파를": "역전파",
    "미분의": "미분",
}
# Pages each word must find at least (the glossary and the chapter that teaches it)
KOREAN_MUST = {
    "기울기": {"ko/glossary.html", "ko/course/08_vanishing_gradients.html"},
    "역전파": {"ko/glossary.html", "ko/course/07_backpropagation.html"},
    "미분": {"ko/glossary.html", "ko/course/02_differentiation.html"},
}
# Pages that are not in the search index
NOT_INDEXED = ("search.html", "genindex.html", "py-modindex.html")

HANGUL_WORD = re.compile(r"\w*[\uac00-\ud7a3]\w*")  # as Sphinx splits: \w+, with Hangul in it


def search(browser_tab: Tab, root: str, edition: str, query: str) -> list[tuple[str, str]]:
    """(title, page path from the site's root) of each result of ``query`` in ``edition``."""
    url = f"{root}{edition}/search.html?q={quote(query)}"
    page, visit = browser_tab.open(url)
    try:
        search_results(page)
        found = page.eval_on_selector_all(
            "ul.search > li > a",
            "(links) => links.map((a) => [a.textContent, a.getAttribute('href')])",
        )
    finally:
        page.close()
    assert not visit.problems(), "\n".join(visit.problems())
    return [
        (title, urlsplit(urljoin(f"http://site/{edition}/search.html", href)).path.lstrip("/"))
        for title, href in found
    ]


@pytest.mark.parametrize("query", list(QUERIES))
def test_search_finds(query: str, tab: tuple[Tab, str]) -> None:
    browser_tab, root = tab
    titles = [title for title, _ in search(browser_tab, root, "en", query)]
    assert titles, f"searching {query!r} ({root}) found nothing"
    wanted = QUERIES[query]
    assert any(wanted in title for title in titles), f"{wanted!r} not among {titles}"


class _ArticleText(HTMLParser):
    """The text of a page's article (``<article class="bd-article">``), scripts left out."""

    VOID = ("area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # elements open inside the article; 0 outside it
        self.hidden = 0  # scripts and styles open inside it
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
            self.hidden += tag in ("script", "style")
        elif tag == "article" and "bd-article" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/>: nothing opens, nothing to read

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            if tag in ("script", "style") and self.hidden:
                self.hidden -= 1
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.hidden:
            self.parts.append(data)


def korean_words(site: Path, edition: str) -> dict[str, set[str]]:
    """Page path -> the words with Hangul in its article, for every indexed page of ``edition``."""
    words = {}
    for page_path in site_pages(site):
        if not page_path.startswith(f"{edition}/") or page_path.endswith(NOT_INDEXED):
            continue
        parser = _ArticleText()
        parser.feed((site / page_path).read_text(encoding="utf-8"))
        words[page_path] = set(HANGUL_WORD.findall(" ".join(parser.parts)))
    return words


@pytest.fixture(scope="module")
def korean_pages(site: Path, served: tuple[Tab, str]) -> dict[str, set[str]]:
    """Bare word -> the pages of the Korean edition whose text has it, bare or inflected.

    Each word of each page is stemmed by the Korean edition's own JavaScript stemmer, in the
    browser, as the search stems a query.
    """
    by_page = korean_words(site, "ko")
    assert len(by_page) > 50, "the Korean edition has few pages"
    vocabulary = sorted(set().union(*by_page.values()))
    browser_tab, root = served
    page, visit = browser_tab.open(f"{root}ko/search.html")
    try:
        stems = page.evaluate(
            "(words) => { const s = new Stemmer(); return words.map((w) => s.stemWord("
            "w.toLowerCase())); }",
            vocabulary,
        )
    finally:
        page.close()
    assert not visit.problems(), "\n".join(visit.problems())
    stem_of = dict(zip(vocabulary, stems, strict=True))
    return {
        word: {path for path, found in by_page.items() if any(stem_of[w] == word for w in found)}
        for word in set(KOREAN_QUERIES.values())
    }


def test_the_korean_stemmer_in_the_browser(served: tuple[Tab, str]) -> None:
    """The JavaScript stemmer the Korean edition ships strips particles, longest first."""
    browser_tab, root = served
    page, _ = browser_tab.open(f"{root}ko/search.html")
    try:
        words = [
            "기울기는",
            "역전파를",
            "미분의",
            "기울기에서는",
            "미분으로",
            "결과는",
            "이",
            "ReLU의",
        ]
        stems = page.evaluate(
            "(ws) => ws.map((w) => new Stemmer().stemWord(w.toLowerCase()))", words
        )
    finally:
        page.close()
    assert stems == ["기울기", "역전파", "미분", "기울기", "미분", "결", "이", "relu"]


@pytest.mark.parametrize("query", list(KOREAN_QUERIES))
def test_korean_search_finds_every_page_with_the_word(
    query: str, served: tuple[Tab, str], korean_pages: dict[str, set[str]]
) -> None:
    browser_tab, root = served
    word = KOREAN_QUERIES[query]
    found = {path for _, path in search(browser_tab, root, "ko", query)}
    expected = korean_pages[word]
    assert KOREAN_MUST[word] <= expected, f"{word}: the test's pages lack it"
    missed = sorted(expected - found)
    assert not missed, f"searching {query!r} missed {len(missed)} of {len(expected)}: {missed}"
    if query != word:  # an inflected form finds what the bare word finds
        assert found == {path for _, path in search(browser_tab, root, "ko", word)}


def test_korean_search_says_how_many_it_found(served: tuple[Tab, str]) -> None:
    """The summary under the results, in Korean (Sphinx's own catalogue leaves it empty)."""
    browser_tab, root = served
    page, _ = browser_tab.open(f"{root}ko/search.html?q={quote('역전파를')}")
    try:
        search_results(page)
        summary = page.locator("#search-results .search-summary").text_content() or ""
        count = page.locator("ul.search > li").count()
    finally:
        page.close()
    assert count > 0
    assert summary == f"검색을 마쳤습니다. 검색어와 일치하는 페이지 {count}개를 찾았습니다."


def test_korean_search_from_disk(from_disk: tuple[Tab, str]) -> None:
    browser_tab, root = from_disk
    found = {path for _, path in search(browser_tab, root, "ko", "역전파를")}
    assert KOREAN_MUST["역전파"] <= found


@pytest.mark.parametrize(
    "page_path",
    [
        "index.html",
        "en/index.html",
        "en/glossary.html",
        "en/auto_examples/vanishing/plot_sigmoid_chain.html",
        "ko/index.html",
        "ko/glossary.html",
        "ko/course/07_backpropagation.html",
    ],
)
def test_opened_from_disk_renders(page_path: str, from_disk: tuple[Tab, str]) -> None:
    browser_tab, root = from_disk
    page, visit = browser_tab.open(root + page_path)
    try:
        result = page.evaluate(RENDER_CHECK)
        heading = page.locator("h1").first.text_content() or ""
    finally:
        page.close()
    problems = visit.problems() + render_problems(result)
    assert heading.strip(), f"{page_path} from disk: no heading"
    if not page_path.endswith("index.html"):
        assert result["containers"] > 0, f"{page_path} from disk: no math rendered"
    assert not problems, f"{root}{page_path}:\n  " + "\n  ".join(problems)
