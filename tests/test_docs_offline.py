"""The built site loads nothing from other hosts.

:func:`check_offline` lists every resource a browser would fetch from another host (scripts,
stylesheets, images, fonts, frames; ``<a href>`` links are not fetched and are fine). It is
tested on snippets here, and run on the real site in ``docs/_build/html`` (the ``docs``
session runs this file right after building it). The site is offline by configuration alone:
MathJax and its fonts are served from ``_static/mathjax`` (``conf.py``), and sphinx-gallery
writes no timing pages (``write_computation_times = False``), whose tables load Bootstrap,
jQuery and DataTables from three CDNs.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SITE = ROOT / "docs" / "_build" / "html"

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


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_loaded_resources_from_other_hosts_are_found(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": """\
                <html><head>
                <link rel="stylesheet" href="https://cdn.example.org/theme.css">
                <link rel="preconnect" href="https://fonts.gstatic.com">
                <script src="//code.jquery.com/jquery.js"></script>
                <style>body { background: url("https://img.example.org/bg.png"); }</style>
                </head><body>
                <img src="https://img.example.org/a.png" srcset="b.png 1x, https://x.org/c.png 2x">
                <iframe src="http://video.example.org/embed"></iframe>
                <div style="background-image: url(https://img.example.org/d.png)"></div>
                <script>var s = document.createElement("script"); s.src = "https://a.org/x.js";</script>
                </body></html>
            """,
            "_static/site.css": """\
                @import "https://fonts.googleapis.com/css?family=Inter";
                @font-face { src: url('https://fonts.example.org/f.woff2'); }
            """,
            "_static/app.js": """\
                link.href = "https://cdn.example.org/extra.css";
                import("https://esm.example.org/mod.js");
            """,
        },
    )
    found = check_offline(site)
    assert found == [
        "_static/app.js:1: https://cdn.example.org/extra.css",
        "_static/app.js:2: https://esm.example.org/mod.js",
        "_static/site.css:1: https://fonts.googleapis.com/css?family=Inter",
        "_static/site.css:2: https://fonts.example.org/f.woff2",
        "index.html:2: https://cdn.example.org/theme.css",
        "index.html:3: https://fonts.gstatic.com",
        "index.html:4: //code.jquery.com/jquery.js",
        "index.html:5: https://img.example.org/bg.png",
        "index.html:7: https://img.example.org/a.png",
        "index.html:7: https://x.org/c.png",
        "index.html:8: http://video.example.org/embed",
        "index.html:9: https://img.example.org/d.png",
        "index.html:10: https://a.org/x.js",
    ]


def test_links_and_local_resources_are_fine(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": """\
                <html><head>
                <link rel="stylesheet" href="_static/site.css">
                <link rel="canonical" href="https://gradlab.example.org/">
                <script src="_static/app.js"></script>
                </head><body>
                <a href="https://doi.org/10.1109/72.279181">Bengio et al.</a>
                <img src="_images/plot.png" alt="">
                <img src="data:image/png;base64,iVBORw0KGgo=" alt="">
                </body></html>
            """,
            "_static/site.css": "@font-face { src: url(../fonts/f.woff2); }\n",
            "_static/app.js": "menu.html = '<a href=\"https://www.mathjax.org\">MathJax</a>';\n",
        },
    )
    assert check_offline(site) == []


@pytest.mark.skipif(not SITE.is_dir(), reason="the site is not built: run `nox -s docs`")
def test_built_site_loads_nothing_from_other_hosts() -> None:
    assert check_offline(SITE) == []  # both editions, and the page leading to them
    assert (SITE / "index.html").is_file()
    for edition in ("en", "ko"):
        static = SITE / edition / "_static"
        assert (static / "mathjax" / "tex-chtml.js").is_file()
        assert list((static / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))
        page = (SITE / edition / "course" / "05_chain_rule.html").read_text(encoding="utf-8")
        assert re.search(r'<script [^>]*src="../_static/mathjax/tex-chtml\.js[?"]', page)
    assert not list(SITE.rglob("sg_execution_times.html"))  # no timing pages: no CDN tables
