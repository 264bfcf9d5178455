"""The site opened straight from disk (``file://``), search included.

Sphinx's search loads ``searchindex.js`` by a script tag, so it works from ``file://``; but for
each result it then ``fetch``-es the result's page to show a summary, and browsers refuse
``fetch`` on ``file://`` URLs: every result logs a CORS error and an uncaught "Failed to fetch".
This extension adds one inline script, after Sphinx's ``documentation_options.js``, that turns
the summaries off when the page comes from disk. Served over HTTP nothing changes. Why this
exists: Sphinx's ``html_show_search_summary`` turns the summaries off for every reader, served
or not; only a script that runs in the browser knows where the page came from.
``tests/browser/test_search.py`` searches both ways.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

NO_SUMMARIES_FROM_DISK = (
    'if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS === "object") '
    "DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;"
)


def setup(app: Sphinx) -> dict[str, Any]:
    # Sphinx adds documentation_options.js with priority 200; the default is 500.
    app.add_js_file(None, body=NO_SUMMARIES_FROM_DISK, priority=500)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
