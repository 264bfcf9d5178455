"""The site's search (Sphinx's, in JavaScript), and the site opened straight from disk.

Search runs in the browser over ``searchindex.js``: it must find the English term "sigmoid"
and the Korean glossary term 기울기 (gradient), on the served site and from ``file://``, where
the index still loads by a script tag. Opened from disk, pages must also render, math included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sitecheck import RENDER_CHECK, Tab, is_local_to, search_results
from test_pages import DESKTOP, render_problems

QUERIES = {
    # query: a result title that must be among the results
    "sigmoid": "gradlab.activations.sigmoid",
    "기울기": "Glossary",
}


@pytest.fixture(scope="module")
def served(browser: Any, server: str) -> Iterator[tuple[Tab, str]]:
    context = browser.new_context(viewport=DESKTOP)
    yield Tab(context, is_local_to(server)), server
    context.close()


@pytest.fixture(scope="module")
def from_disk(browser: Any, site: Path) -> Iterator[tuple[Tab, str]]:
    context = browser.new_context(viewport=DESKTOP)
    root = site.as_uri() + "/"
    yield Tab(context, is_local_to(root)), root
    context.close()


@pytest.fixture(params=["served", "file"])
def tab(request: pytest.FixtureRequest) -> tuple[Tab, str]:
    return request.getfixturevalue("served" if request.param == "served" else "from_disk")


@pytest.mark.parametrize("query", list(QUERIES))
def test_search_finds(query: str, tab: tuple[Tab, str]) -> None:
    browser_tab, root = tab
    page, visit = browser_tab.open(f"{root}search.html?q={quote(query)}")
    try:
        titles = search_results(page)
    finally:
        page.close()
    assert titles, f"searching {query!r} ({root}) found nothing"
    wanted = QUERIES[query]
    assert any(wanted in title for title in titles), f"{wanted!r} not among {titles}"
    assert not visit.problems(), "\n".join(visit.problems())


@pytest.mark.parametrize(
    "page_path", ["index.html", "glossary.html", "auto_examples/vanishing/plot_sigmoid_chain.html"]
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
    if page_path != "index.html":
        assert result["containers"] > 0, f"{page_path} from disk: no math rendered"
    assert not problems, f"{root}{page_path}:\n  " + "\n  ".join(problems)
