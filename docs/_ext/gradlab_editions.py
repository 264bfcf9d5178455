"""The site in two languages: the editions side by side, and a switcher between them.

``nox -s docs`` builds the site once per language from the same sources (the Korean edition
with ``-D language=ko``, its text from ``docs/locale/ko``) into ``<site>/<language>/``, and
writes ``<site>/index.html``, a page leading to both (:func:`write_root_page`). This extension
does what no setting of Sphinx or pydata-sphinx-theme does for that layout:

* **The language switcher.** pydata-sphinx-theme has none (its issues #507 and #2212), and its
  version switcher fetches a JSON file, which browsers refuse on a site opened from disk. Here
  every page gets, at build time, a plain relative link to the same page in each other edition
  (``../../ko/course/07_backpropagation.html``), through the template
  ``_templates/language-switcher.html`` and ``<link rel="alternate" hreflang>`` in the head.
  A page the other edition does not have (``edition_exclude_patterns``) links to that
  edition's landing page instead.
* **MyST-NB's output folder.** MyST-NB writes the executed notebooks, their images and its glue
  data to ``jupyter_execute`` next to the output directory, a path no option changes. With the
  editions in ``<site>/en`` and ``<site>/ko`` that is ``<site>/jupyter_execute``, inside the
  published site and shared by both; it is moved beside the site, one folder per edition
  (``<site>/../jupyter_execute/<language>``).
* **A signal for the next edition's build.** The first edition runs the pages' code; the others
  find its runs in MyST-NB's execution cache and sphinx-gallery's up-to-date examples, so they
  cannot start before it has read every page. Writing the pages is bound by Sphinx's main
  process (it resolves each page before its one write worker renders it), which leaves a core
  of two idle, so the next edition is built then, beside it. Sphinx has no event a process
  outside it can wait for: when the environment variable ``GRADLAB_WRITING_SIGNAL`` names a
  file, the build creates it as it resolves its first page to write (or, writing none, as it
  finishes), after copying its downloads and images out of the shared gallery folder
  (tests/browser/sitecheck.py's ``build_editions`` waits for it).

Configuration: ``editions``, each edition's language code and its name in its own language
(``{"en": "English", "ko": "한국어"}``; empty turns the extension off), and
``edition_exclude_patterns``, per language the pages that edition leaves out (Sphinx
``exclude_patterns`` syntax). The module imports nothing from Sphinx at run time: the noxfile
and the tests use :func:`write_root_page`.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

EDITIONS = {"en": "English", "ko": "한국어"}
"""The site's editions: language code and the language's name in itself, in build order."""

PROJECT_SUMMARY = {
    "en": "A course on the vanishing gradient: why deep networks stop learning, and what "
    "cures it, computed with gradlab.",
    "ko": "기울기 소실을 다루는 과정: 깊은 신경망이 왜 학습을 멈추는지, 무엇이 그것을 "
    "고치는지를 gradlab으로 계산하며 배운다.",
}
"""What the root page says under each edition's link, in that edition's language."""


def root_page(project: str, editions: dict[str, str]) -> str:
    """The HTML of the page at the top of the site, leading to each edition's landing page.

    Plain links (``en/index.html``), each marked with its language (``lang`` and
    ``hreflang``), so that the page works from disk and screen readers speak each name in its
    own language; no script, no redirect.
    """
    first = next(iter(editions))
    items = []
    for code, name in editions.items():
        summary = PROJECT_SUMMARY.get(code, "")
        items.append(
            f'  <li lang="{code}"><a href="{code}/index.html" hreflang="{code}">'
            f"{html.escape(name)}</a>"
            + (f"<br>\n   {html.escape(summary)}" if summary else "")
            + "</li>"
        )
    title = html.escape(project)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{first}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            *(
                f'<link rel="alternate" hreflang="{code}" href="{code}/index.html">'
                for code in editions
            ),
            f'<link rel="icon" href="{first}/_static/favicon.png">',
            "<style>",
            "body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto;",
            "       padding: 0 1rem; line-height: 1.6; color: #222; background: #fff; }",
            "a { color: #0a4fa3; font-size: 1.25rem; font-weight: 600; }",
            "li { margin-bottom: 1.25rem; list-style: none; }",
            "ul { padding: 0; }",
            "@media (prefers-color-scheme: dark) {",
            "  body { color: #eee; background: #14181e; } a { color: #8cc4ff; } }",
            "</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<h1>{title}</h1>",
            "<ul>",
            *items,
            "</ul>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def write_root_page(
    site: Path, project: str = "gradlab", editions: dict[str, str] = EDITIONS
) -> Path:
    """Write :func:`root_page` to ``site/index.html``; return its path."""
    path = Path(site) / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(root_page(project, editions), encoding="utf-8")
    return path


def _language(config: Config) -> str:
    return (config.language or "en").replace("-", "_").split("_")[0].lower()


def exclude_edition_pages(app: Sphinx, config: Config) -> None:
    """``config-inited``: leave out the pages this edition does not have."""
    patterns = config.edition_exclude_patterns.get(_language(config), [])
    config.exclude_patterns = [*config.exclude_patterns, *patterns]


def move_notebook_outputs(app: Sphinx) -> None:
    """``builder-inited``, after MyST-NB: its output folder beside the site, not inside it."""
    language = _language(app.config)
    config = getattr(app.env, "mystnb_config", None)
    outdir = Path(app.outdir)
    if config is None or language not in app.config.editions or outdir.name != language:
        return
    folder = outdir.parent.parent / "jupyter_execute" / language
    app.env.mystnb_config = config.copy(output_folder=str(folder.resolve()))


def counterpart(app: Sphinx, pagename: str, language: str) -> str:
    """The page of edition ``language`` that ``pagename`` links to: itself, or the landing page.

    A page of the sources exists in the other edition unless that edition's
    ``edition_exclude_patterns`` leaves it out; a page Sphinx generates (``genindex``,
    ``search``) exists in both.
    """
    if pagename in app.env.found_docs:
        from sphinx.util.matching import Matcher

        excluded = Matcher(app.config.edition_exclude_patterns.get(language, []))
        if excluded(str(app.env.doc2path(pagename, base=False))):
            return app.config.root_doc
    return pagename


def language_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: relative links from this page to the same page in each edition."""
    editions: dict[str, str] = app.config.editions
    here = _language(app.config)
    if here not in editions:
        return
    depth = app.builder.get_target_uri(pagename).count("/")
    up = "../" * (depth + 1)  # from this page to the folder holding the editions
    links = []
    for code, name in editions.items():
        if code == here:
            continue
        target = counterpart(app, pagename, code)
        links.append(
            {
                "code": code,
                "name": name,
                "href": f"{up}{code}/{app.builder.get_target_uri(target)}",
                "same_page": target == pagename,
            }
        )
    context["edition_links"] = links
    context["edition_name"] = editions[here]
    alternates = "".join(
        f'\n<link rel="alternate" hreflang="{link["code"]}" href="{html.escape(link["href"])}" />'
        for link in links
    )
    context["metatags"] = context.get("metatags", "") + alternates


WRITING_SIGNAL = "GRADLAB_WRITING_SIGNAL"
"""The environment variable naming the file a build creates when it starts writing pages."""


def signal_writing(app: Sphinx, *args: Any) -> list[Any]:
    """Create the file ``$GRADLAB_WRITING_SIGNAL`` names, if it is not there yet.

    ``doctree-resolved`` (pages are resolved only to be written) or, in a build that writes
    no page, ``html-collect-pages`` (it ends the HTML build): either comes after the builder
    copied its assets.
    """
    if (signal := os.environ.get(WRITING_SIGNAL)) and not os.path.exists(signal):
        Path(signal).touch()
    return []  # html-collect-pages: no page to add


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("editions", {}, "env", types=frozenset({dict}))
    app.add_config_value("edition_exclude_patterns", {}, "env", types=frozenset({dict}))
    app.connect("config-inited", exclude_edition_pages)
    app.connect("builder-inited", move_notebook_outputs, priority=600)
    app.connect("html-page-context", language_links)
    app.connect("doctree-resolved", signal_writing)
    app.connect("html-collect-pages", signal_writing)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
