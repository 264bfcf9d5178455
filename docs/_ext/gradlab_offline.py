"""Keep the built site self-contained: nothing it loads may come from another host.

* :func:`check_offline` lists every resource a browser would fetch from another host (scripts,
  stylesheets, images, fonts, frames; ``<a href>`` links are not fetched and are fine). The tests
  run it on a small real build and on ``docs/_build/html``.
* As a Sphinx extension, it removes the ``raw:: html`` block sphinx-gallery writes into its
  ``sg_execution_times`` pages: that block loads Bootstrap, jQuery and DataTables from three
  CDNs only to make the timing table sortable. The table itself stays.

* :func:`mathjax_static_dir` is where the MathJax 3 files (scripts and fonts) that the package
  ``sphinx-mathjax-offline`` ships live; ``conf.py`` adds it to ``html_static_path`` so Sphinx
  serves them from ``_static/mathjax``. (The package's own extension does the same copy, but at
  build end only and without declaring itself safe for parallel builds.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# An absolute or protocol-relative URL: anything that is not on this site.
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)|@import\s+["']([^"']+)""", re.IGNORECASE)
# In JavaScript: a remote URL assigned to ``src`` or to a ``.href`` property, put in a <link> or
# <script> tag or a CSS url(), or imported. An ``<a href=...>`` inside a string (MathJax's menu
# links to mathjax.org) loads nothing and does not match.
_JS_URL = re.compile(
    r"""(?:\bsrc\s*=\s*|\.href\s*=\s*|<link\b[^>]*?\bhref\s*=\s*|\burl\(\s*"""
    r"""|\bimport\s*\(\s*|\bimport\b[^;"'`]*?\bfrom\s*|\bimportScripts\(\s*)"""
    r"""\\?["'`]((?:https?:)?//[^"'`\\\s]+)""",
    re.IGNORECASE,
)
# <link rel=...> values that make the browser fetch (or connect to) the href.
_FETCHING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
}
_SRC_ATTRS = {"src", "data", "poster", "background"}


class _ResourceFinder(HTMLParser):
    """Collect (line, url) of loaded resources in one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._in: str | None = None

    def _add(self, url: str) -> None:
        if _REMOTE.match(url):
            self.found.append((self.getpos()[0], url.strip()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in _SRC_ATTRS & values.keys():
            self._add(values[name])
        for name in ("srcset", "imagesrcset"):
            for candidate in values.get(name, "").split(","):
                if candidate.strip():
                    self._add(candidate.split()[0])
        if tag == "link" and set(values.get("rel", "").lower().split()) & _FETCHING_RELS:
            self._add(values.get("href", ""))
        if "style" in values:
            self._css(values["style"])
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self._css(data)
        elif self._in == "script":
            line = self.getpos()[0]
            self.found += [(line, url) for url in scan_js(data)]

    def _css(self, text: str) -> None:
        line = self.getpos()[0]
        self.found += [(line, url) for url in scan_css(text)]


def scan_css(text: str) -> list[str]:
    """Remote URLs in CSS ``url(...)`` and ``@import``."""
    urls = (a or b for a, b in _CSS_URL.findall(text))
    return [url for url in urls if _REMOTE.match(url)]


def scan_js(text: str) -> list[str]:
    """Remote URLs assigned to ``src``/``href``, in ``url(...)``, or imported, in JavaScript."""
    return _JS_URL.findall(text)


def check_offline(html_dir: str | Path) -> list[str]:
    """Return ``"path:line: url"`` for every resource under ``html_dir`` loaded from another host.

    Parameters
    ----------
    html_dir : str or Path
        A built HTML site, e.g. ``docs/_build/html``.

    Returns
    -------
    list of str
        Empty when the site loads nothing from elsewhere. Links (``<a href>``) are not counted.
    """
    root = Path(html_dir)
    problems = []
    for path in sorted(root.rglob("*")):
        suffix = path.suffix.lower()
        if suffix not in (".html", ".css", ".js") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if suffix == ".html":
            finder = _ResourceFinder()
            finder.feed(text)
            finder.close()
            found = finder.found
        else:
            scan = scan_css if suffix == ".css" else scan_js
            found = [(text.count("\n", 0, text.find(url)) + 1, url) for url in scan(text)]
        rel = path.relative_to(root).as_posix()
        problems += [f"{rel}:{line}: {url}" for line, url in found]
    return problems


def mathjax_static_dir() -> Path:
    """The directory holding ``mathjax/`` (MathJax 3.2 and its woff fonts)."""
    spec = find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("sphinx-mathjax-offline (docs dependency group) is missing")
    return Path(spec.origin).parent / "static"


def strip_raw_html(text: str) -> str:
    """Remove every ``.. raw:: html`` directive, with its indented body, from reST text."""
    kept: list[str] = []
    raw_indent: int | None = None
    for line in text.splitlines(keepends=True):
        body = line.lstrip()
        indent = len(line) - len(body)
        if raw_indent is not None:
            if not body.strip() or indent > raw_indent:
                continue
            raw_indent = None
        if body.startswith(".. raw:: html"):
            raw_indent = indent
            continue
        kept.append(line)
    return "".join(kept)


def offline_execution_times(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: drop the CDN scripts from sphinx-gallery's execution-times pages."""
    if docname == "sg_execution_times" or docname.endswith("/sg_execution_times"):
        source[0] = strip_raw_html(source[0])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", offline_execution_times)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
