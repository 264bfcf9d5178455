"""Helpers of the site tests: the pages of a built site, its links, and one browser visit.

Nothing here starts a browser; the Playwright objects come from the tests' fixtures. The
noxfile imports this module too (for :func:`sources_digest` and :func:`edition_build`), so it
uses the standard library only (and ``docs/_ext/gradlab_editions.py``, which does too).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).parents[2]

sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from gradlab_editions import EDITIONS as EDITIONS  # noqa: E402  (re-exported)
from gradlab_editions import WRITING_SIGNAL  # noqa: E402
from gradlab_editions import write_root_page as write_root_page  # noqa: E402


def env_path(variable: str, default: str) -> Path:
    """A path from the environment, relative to the repository unless absolute."""
    return (ROOT / os.environ.get(variable, default)).resolve()


def site_dir() -> Path:
    """The built HTML site: ``GRADLAB_SITE``, by default ``docs/_build/html``.

    It holds one folder per edition (``en/``, ``ko/``) and ``index.html``, leading to both.
    """
    return env_path("GRADLAB_SITE", "docs/_build/html")


# -- a site build -------------------------------------------------------------------------------

SITE_OPTIONS = ["-W", "--keep-going", "-j", "2"]
"""The site build's options: warnings are errors, two processes (examples and pages run two at
a time). ``nox -s docs`` and tests/browser/test_reproducible.py build with them."""


def edition_build(
    language: str, docs: Path | str, site: Path | str, doctrees: Path | str
) -> list[str]:
    """The arguments of ``sphinx-build`` that build the edition ``language`` of the site.

    ``docs`` is the source folder; the edition goes to ``site/<language>`` and its doctrees to
    ``doctrees/<language>``. :func:`build_editions` builds them all: the first runs the pages'
    code, the others find its runs in the execution cache.
    """
    return [
        *SITE_OPTIONS, "-b", "html", "-D", f"language={language}",
        "-d", str(Path(doctrees) / language), str(docs), str(Path(site) / language),
    ]  # fmt: skip


def build_editions(
    sphinx: Sequence[str],
    docs: Path | str,
    site: Path | str,
    doctrees: Path | str,
    *,
    env: dict[str, str],
    cwd: Path | str | None = None,
    log: IO[bytes] | None = None,
    timeout: float | None = None,
) -> int:
    """Build every edition of the site: the first alone, the others beside its writing.

    ``sphinx`` runs Sphinx (``[python, "-m", "sphinx"]``) with :func:`edition_build`'s
    arguments. The first edition of :data:`EDITIONS` runs the pages' code and the others need
    its runs; they start when it creates the file named by ``GRADLAB_WRITING_SIGNAL`` (it has
    read every page and copied its downloads, and writes, which keeps one core of two busy:
    docs/_ext/gradlab_editions.py says why no option of Sphinx does this; with no page to write,
    it creates the file as it finishes). A first build that fails before that starts no other.

    The first build's output goes to ``log`` (this process's standard output by default) as it
    comes, each other's line by line with its language in front (``[ko] ...``).

    Returns
    -------
    int
        0, or the exit status of the first build, in edition order, that failed; -1 when
        ``timeout`` (seconds, all builds together) ran out, and every build is stopped.
    """
    first, *others = EDITIONS
    deadline = math.inf if timeout is None else time.monotonic() + timeout
    sink = log if log is not None else sys.stdout.buffer
    sink.flush()
    env = {k: v for k, v in env.items() if k != WRITING_SIGNAL}
    builds: dict[str, subprocess.Popen[bytes]] = {}
    copies: list[threading.Thread] = []

    def start(language: str, **extra: str) -> subprocess.Popen[bytes]:
        command = [*sphinx, *edition_build(language, docs, site, doctrees)]
        return subprocess.Popen(
            command, cwd=cwd, env={**env, **extra}, stderr=subprocess.STDOUT,
            stdout=log if language == first else subprocess.PIPE,
        )  # fmt: skip

    def copy_lines(stream: IO[bytes], prefix: bytes) -> None:
        with stream:
            for line in stream:
                sink.write(prefix + line)
                sink.flush()

    with tempfile.TemporaryDirectory(prefix="gradlab-editions-") as folder:
        signal = Path(folder) / "writing"
        try:
            builds[first] = start(first, **{WRITING_SIGNAL: str(signal)})
            while builds[first].poll() is None and not signal.exists():
                if time.monotonic() > deadline:
                    return -1
                time.sleep(0.1)
            if builds[first].returncode:  # ended, and failed
                return builds[first].returncode
            for language in others:
                builds[language] = build = start(language)
                assert build.stdout is not None
                prefix = f"[{language}] ".encode()
                copies.append(threading.Thread(target=copy_lines, args=(build.stdout, prefix)))
                copies[-1].start()
            codes = []
            for build in builds.values():
                left = deadline - time.monotonic()
                try:
                    codes.append(build.wait(timeout=None if left == math.inf else max(left, 0)))
                except subprocess.TimeoutExpired:
                    return -1
            return next((code for code in codes if code), 0)
        finally:
            for build in builds.values():
                if build.poll() is None:
                    build.kill()
                    build.wait()
            for copy in copies:
                copy.join()


# -- the sources of a site build ----------------------------------------------------------------

CLEAN_BUILD = "docs/_build/clean-build.json"
"""Written by ``nox -s docs`` after a build from clean: the sources' digest, options, env."""


def source_files(root: Path) -> list[str]:
    """The files a fresh clone of ``root`` would have, plus new files git would add (sorted).

    Outside a git checkout: every file, less what a build generates and hidden folders.
    """
    if (root / ".git").exists():
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=True, timeout=60,
        )  # fmt: skip
        names = {name for name in result.stdout.decode().split("\0") if name}
    else:
        skip = {"_build", "auto_examples", "generated", "__pycache__"}
        names = {
            path.relative_to(root).as_posix()
            for path in root.rglob("*")
            if path.is_file()
            and not skip & set(path.relative_to(root).parts)
            and not any(part.startswith(".") for part in path.relative_to(root).parts)
        }
    return sorted(name for name in names if (root / name).is_file())  # not deleted in the tree


def sources_digest(root: Path, names: list[str]) -> str:
    """SHA-256 over the names and contents of the files ``names`` under ``root``."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()


def copy_sources(root: Path, names: list[str], target: Path) -> None:
    """Copy the files ``names`` of ``root`` into ``target``."""
    import shutil

    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name)


# -- the translation catalogues -----------------------------------------------------------------

GETTEXT_OPTIONS = ["-q", "-b", "gettext", "-D", "plot_gallery=0"]
"""Sphinx's gettext builder on a copy of the sources: the examples do not run (their text is the
same either way; sphinx-gallery writes into the copy, not the checkout). The pages' code does
run, or comes from the checkout's execution cache (:func:`gettext_build`): a figure's caption
is in its cell's metadata, and MyST-NB makes it text only with the figure the cell outputs."""

UNTRANSLATED = ("reference",)
"""Folders of the site whose pages have no catalogue and stay English (the API reference)."""


def gettext_build(tree: Path, out: Path) -> list[str]:
    """The arguments of ``python -m sphinx`` that extract the messages of ``tree/docs``.

    The message templates (``.pot``) go to ``out/pot``, the doctrees to ``out/doctrees``.
    """
    cache = ["-D", f"nb_execution_cache_path={ROOT / 'docs' / '_build' / '.jupyter_cache'}"]
    where = ["-d", str(out / "doctrees"), str(tree / "docs"), str(out / "pot")]
    return [*GETTEXT_OPTIONS, *cache, *where]


def message_templates(pot: Path) -> dict[str, Path]:
    """The templates of the translated pages: catalogue name (``course/07_backpropagation``) to
    ``.pot`` file; the folders of :data:`UNTRANSLATED` left out."""
    return {
        path.relative_to(pot).with_suffix("").as_posix(): path
        for path in sorted(pot.rglob("*.pot"))
        if path.relative_to(pot).parts[0] not in UNTRANSLATED
    }


def catalogues(locale: Path, language: str) -> dict[str, Path]:
    """The ``.po`` files of ``language`` under ``locale``, by catalogue name."""
    messages = locale / language / "LC_MESSAGES"
    return {
        path.relative_to(messages).with_suffix("").as_posix(): path
        for path in sorted(messages.rglob("*.po"))
    }


# Folders of a built site that hold no pages (pydata-sphinx-theme puts a template fragment,
# webpack-macros.html, into _static).
NOT_PAGES = ("_static", "_sources", "_downloads", "_images", ".doctrees")


def site_pages(site: Path) -> list[str]:
    """Every page of the site, as a path relative to it (``auto_examples/index.html``)."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not set(path.relative_to(site).parts[:-1]) & set(NOT_PAGES)
    )


# -- links in the built HTML --------------------------------------------------------------------


class _Links(HTMLParser):
    """The ids of one page and the URLs it links to or loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str]] = []  # (line, tag.attr, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for attr in ("href", "src"):
            if attr in values and tag in ("a", "link", "img", "script", "iframe", "source"):
                self.urls.append((self.getpos()[0], f"{tag}.{attr}", values[attr]))


@dataclass
class LinkReport:
    """Broken local links and anchors, and the external links, of a built site."""

    broken: list[str] = field(default_factory=list)
    external: dict[str, set[str]] = field(default_factory=dict)  # url -> pages linking to it
    checked: int = 0


def check_links(site: Path) -> LinkReport:
    """Every local ``href``/``src`` in every page resolves to a file, every ``#anchor`` to an id.

    External links (``http:``, ``https:``, ``mailto:``, ...) are listed, not fetched.
    """
    report = LinkReport()
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            links = _Links()
            links.feed(path.read_text(encoding="utf-8", errors="replace"))
            links.close()
            parsed[path] = links
        return parsed[path]

    for page in site_pages(site):
        source = site / page
        for line, where, url in parse(source).urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                if parts.scheme not in ("data", "javascript"):
                    report.external.setdefault(url, set()).add(page)
                continue
            report.checked += 1
            target = source if not parts.path else (source.parent / unquote(parts.path))
            if target.is_dir():
                target = target / "index.html"
            if not target.resolve().is_relative_to(site.resolve()):
                report.broken.append(f"{page}:{line}: {where}={url}: points outside the site")
            elif not target.is_file():
                report.broken.append(f"{page}:{line}: {where}={url}: no such file")
            elif parts.fragment and target.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor not in parse(target).ids:
                    report.broken.append(f"{page}:{line}: {where}={url}: no id {anchor!r}")
    return report


# -- one page in the browser ------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> Path:
    """The OS's Chromium (``GRADLAB_CHROMIUM``, default ``/usr/bin/chromium``); fail if absent."""
    import pytest

    chromium = Path(os.environ.get("GRADLAB_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.is_file():
        pytest.fail(
            f"no Chromium at {chromium}: install it from the OS packages "
            "(`apt-get install chromium` on Debian/Ubuntu) or set GRADLAB_CHROMIUM"
        )
    return chromium


@dataclass
class Visit:
    """What loading one page did besides rendering it."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"failed request: {r}" for r in self.failed_requests]
            + [f"request to another host: {u}" for u in self.external_requests]
        )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a page mid-download drops the connection: not a site problem.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """``http://127.0.0.1:<free port>/``, serving ``directory`` from a thread while open."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


UNREACHABLE_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost,[::1]"}
"""A proxy nobody listens at (the discard port): Chromium sends every request for another host
there, and it fails; the machine itself (the served site) is reached directly. Every browser
the tests launch uses it."""


class Tab:
    """Opens pages in one browser context and watches each (:func:`_watch`).

    No request is intercepted: Playwright turns Chromium's HTTP cache off in a context whose
    requests it routes, and a route costs a round trip through Python per request (three dozen
    a page). The browser sends requests for other hosts to :data:`UNREACHABLE_PROXY`, where
    they fail; each page records them from its own request events.
    """

    def __init__(self, context: Any, is_local: Callable[[str], bool]) -> None:
        self.context = context
        self.is_local = is_local

    def open(self, url: str) -> tuple[Any, Visit]:
        """Load ``url`` in a new page (until its ``load`` event); watch what goes wrong."""
        visit = Visit(url)
        page = self.context.new_page()
        _watch(page, visit, self.is_local)
        page.goto(url, wait_until="load")
        return page, visit


class AsyncTab(Tab):
    """:class:`Tab` for Playwright's async API; several may share a context.

    The site walk opens its pages in one persistent profile, whose disk cache also keeps the
    scripts every page loads compiled (an incognito context keeps none: MathJax alone, 1.1 MB,
    was a third of an API page's load).
    """

    async def open(self, url: str) -> tuple[Any, Visit]:  # type: ignore[override]
        """Load ``url`` in a new page (until its ``load`` event); watch what goes wrong."""
        visit = Visit(url)
        page = await self.context.new_page()
        _watch(page, visit, self.is_local)
        await page.goto(url, wait_until="load")
        return page, visit


def _watch(page: Any, visit: Visit, is_local: Callable[[str], bool]) -> None:
    """Record in ``visit`` a page's console errors, uncaught errors, requests for other hosts
    (``is_local`` false) and failed requests."""

    def on_request(request: Any) -> None:
        if not is_local(request.url):
            visit.external_requests.append(request.url)

    def on_console(message: Any) -> None:
        if message.type == "error":
            location = message.location or {}
            where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})"
            visit.console_errors.append(message.text + (where if location else ""))

    def on_failed(request: Any) -> None:
        if request.url not in visit.external_requests:
            visit.failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            visit.failed_requests.append(f"{response.url}: HTTP {response.status}")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught {error}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)


def is_local_to(origin: str) -> Callable[[str], bool]:
    """A predicate: the URL is on ``origin`` (``http://127.0.0.1:8000/``) or inline data."""
    netloc = urlsplit(origin).netloc

    def is_local(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        if origin.startswith("file:"):
            return parts.scheme == "file"
        return parts.scheme in ("http", "https") and parts.netloc == netloc

    return is_local


# Run in the page after its load event: waits for MathJax's first typeset, the fonts and every
# image, then reports what did not render.
RENDER_CHECK = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done);
    img.addEventListener("error", done);
  })));
  const brokenImages = images.filter((img) => !(img.naturalWidth > 0))
    .map((img) => img.getAttribute("src"));

  // Math: every element Sphinx marks as math holds MathJax's output and no TeX error.
  const maths = Array.from(document.querySelectorAll(".math"));
  const unrendered = maths.filter((el) => !el.querySelector("mjx-container"))
    .map((el) => el.textContent.trim().slice(0, 80));
  const texErrors = Array.from(document.querySelectorAll("mjx-merror"))
    .map((el) => el.getAttribute("data-mjx-error") || el.textContent.slice(0, 80));

  // Raw TeX left in the text a reader sees (code is allowed to show TeX).
  const skip = "pre, code, kbd, samp, script, style, textarea, mjx-container, .highlight";
  const commands = ["frac", "sqrt", "sum", "prod", "sigma", "partial", "nabla", "cdot", "odot",
                    "mathbf", "mathrm", "operatorname", "begin", "end"].join("|");
  const tex = new RegExp(String.raw`\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:${commands})(?![a-zA-Z])`);
  const rawTex = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    const match = tex.exec(node.data);
    if (match) {
      const at = Math.max(0, match.index - 30);
      rawTex.push(node.data.slice(at, match.index + 50).replace(/\s+/g, " ").trim());
    }
  }
  return {
    theme: document.documentElement.dataset.theme || "",
    title: document.title,
    mathjax: Boolean(window.MathJax && MathJax.startup),
    maths: maths.length,
    containers: document.querySelectorAll("mjx-container").length,
    unrendered, texErrors, rawTex, brokenImages,
    images: images.length,
  };
}
"""

FIGURES = ", ".join(
    f".bd-content {selector}"
    for selector in (
        "img.sphx-glr-single-img",
        "img.sphx-glr-multi-img",
        ".sphx-glr-thumbcontainer img",
        "figure img",
        "div.cell_output img",
        "div.output img",
    )
)

# For each figure image: its own CSS filter, the filters of its ancestors, and the first
# non-transparent background colour behind it (its own or an ancestor's).
FIGURE_STYLES = r"""
(selector) => Array.from(document.querySelectorAll(selector)).map((img) => {
  const filters = [];
  let background = null;
  for (let el = img; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (style.filter && style.filter !== "none") filters.push(style.filter);
    if (background === null) {
      const rgba = style.backgroundColor.match(/[\d.]+/g).map(Number);
      if (rgba.length === 3 || rgba[3] > 0) background = rgba;
    }
  }
  return {src: img.getAttribute("src"), filter: getComputedStyle(img).filter,
          filters, background};
})
"""


def luminance(rgb: Iterable[float]) -> float:
    """Relative luminance (WCAG) of an sRGB colour with 0-255 channels."""

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in list(rgb)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def figure_problems(figures: list[dict[str, Any]]) -> list[str]:
    """Dark mode: every figure on a light card, with no filter inverting or dimming it."""
    problems = []
    for fig in figures:
        src = fig["src"]
        if fig["filter"] != "none":
            problems.append(f"figure {src}: CSS filter {fig['filter']!r}")
        if inverting := [f for f in fig["filters"] if "invert" in f]:
            problems.append(f"figure {src}: an ancestor inverts it ({inverting[0]!r})")
        background = fig["background"]
        if background is None or luminance(background) < 0.8:
            problems.append(f"figure {src}: background {background} is not a light card")
    return problems


# Sphinx's search writes its summary ("Search finished, found ...", or that nothing matched) when
# it is done, in the edition's language; until then the summary is empty.
SEARCH_DONE = r"""
() => ((document.querySelector("#search-results .search-summary") || {}).textContent || "")
  .trim().length > 0
"""


def search_results(page: Any) -> list[str]:
    """Wait for Sphinx's search (search.html?q=...) to finish; the titles of its results."""
    page.wait_for_function(SEARCH_DONE, timeout=30_000)
    return [a.text_content() or "" for a in page.query_selector_all("ul.search > li > a")]


# True when the page's font (or a system fallback) has glyphs for ``text``: drawn on a canvas,
# it differs from the same number of characters no font has (which all draw as empty boxes).
HAS_GLYPHS = r"""
(text) => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (s) => {
    const canvas = document.createElement("canvas");
    canvas.width = 400;
    canvas.height = 60;
    const context = canvas.getContext("2d");
    context.font = `32px ${font}`;
    context.fillText(s, 0, 45);
    return canvas.toDataURL();
  };
  return draw(text) !== draw(Array.from(text).map(() => "\u{10FFFD}").join(""));
}
"""
