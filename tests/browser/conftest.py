"""Fixtures of the site tests: the built site, a local server for it, and headless Chromium.

These tests look at the site the way readers meet it: every page in a real browser, the
downloads run, the links resolve, two clean builds are byte-identical. They need a built site,
Debian's Chromium (``apt-get install chromium``) and Playwright for Python (never its own
browser download), so they are collected only when ``GRADLAB_SITE_TESTS`` is set, as
``nox -s browser`` and ``nox -s repro`` do. By hand::

    GRADLAB_SITE_TESTS=1 pytest tests/browser --ignore=tests/browser/test_reproducible.py

Environment: ``GRADLAB_SITE`` (the built site, default ``docs/_build/html``: ``index.html``
and one folder per edition, ``en/`` and ``ko/``), ``GRADLAB_LINKCHECK`` (Sphinx's linkcheck
output, one folder per edition, default ``docs/_build/linkcheck``),
``GRADLAB_ARTIFACTS`` (screenshots and reports, default ``browser-artifacts``) and
``GRADLAB_CHROMIUM`` (default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

if not os.environ.get("GRADLAB_SITE_TESTS"):
    collect_ignore_glob = ["*.py"]

sys.path.insert(0, str(Path(__file__).parent))

from sitecheck import (
    CHROMIUM_ARGS,
    UNREACHABLE_PROXY,
    Tab,
    chromium_path,
    env_path,
    is_local_to,
    serving,
    site_dir,
)
from sitewalk import DESKTOP, walk_site


@pytest.fixture(scope="session")
def site() -> Path:
    """The built HTML site (``GRADLAB_SITE``)."""
    path = site_dir()
    if not (path / "index.html").is_file():
        pytest.fail(f"no built site in {path}: run `nox -s docs` (or `nox -s browser`)")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and reports go (``browser-artifacts/``, gitignored, kept by CI)."""
    path = env_path("GRADLAB_ARTIFACTS", "browser-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """``http://127.0.0.1:<free port>/``, serving the site from a thread."""
    with serving(site) as origin:
        yield origin


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright (which downloads no browser); requests
    for other hosts go to ``sitecheck.UNREACHABLE_PROXY`` and fail."""
    from playwright import sync_api

    chromium = chromium_path()
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, proxy=UNREACHABLE_PROXY
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def examples_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Future[Path]]:
    """The new environment the downloads run in (``test_downloads.new_examples_env``), being
    made in a thread: pip waits on the package index and the disk, and the walk on the cores."""
    from test_downloads import new_examples_env

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="examples-env") as pool:
        yield pool.submit(new_examples_env, tmp_path_factory.mktemp("fresh"))


@pytest.fixture(scope="session", autouse=True)
def _start_early(request: pytest.FixtureRequest) -> None:
    """Before the first test: start making :func:`examples_env` if a selected test needs it
    (its 25 s then pass during the walk, not after it)."""
    if any("examples_env" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("examples_env")


# The tests that read the walk: test name -> (its page parameter, the checks it needs).
WALKED = {
    "test_page": ("page_path", "render"),  # test_pages.py
    "test_axe": ("a11y_page", "axe"),  # test_accessibility.py
    "test_korean_marked": ("a11y_page", "axe"),
}


@pytest.fixture(scope="session")
def site_walk(request: pytest.FixtureRequest, server: str) -> dict[str, dict[str, Any]]:
    """What one walk of the selected pages found (``sitewalk``): each page loaded once."""
    wanted: dict[str, set[str]] = {"render": set(), "axe": set()}
    for item in request.session.items:
        if (walked := WALKED.get(getattr(item, "originalname", ""))) and hasattr(item, "callspec"):
            name, check = walked
            wanted[check].add(item.callspec.params[name])
    return walk_site(server, wanted["render"], wanted["axe"])


@pytest.fixture(scope="module")
def served(browser: Any, server: str) -> Iterator[tuple[Tab, str]]:
    """A tab on the site served on 127.0.0.1, and the site's root URL."""
    context = browser.new_context(viewport=DESKTOP)
    yield Tab(context, is_local_to(server)), server
    context.close()


@pytest.fixture(scope="module")
def from_disk(browser: Any, site: Path) -> Iterator[tuple[Tab, str]]:
    """A tab on the site opened from disk (``file://``), and the site's root URL."""
    context = browser.new_context(viewport=DESKTOP)
    root = site.as_uri() + "/"
    yield Tab(context, is_local_to(root)), root
    context.close()


@pytest.fixture(params=["served", "file"])
def tab(request: pytest.FixtureRequest) -> tuple[Tab, str]:
    """Each way a reader opens the site: served, and from disk."""
    return request.getfixturevalue("served" if request.param == "served" else "from_disk")
