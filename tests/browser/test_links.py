"""Links: every internal link and anchor of the built site resolves; external ones are listed.

Two checks. Sphinx's ``linkcheck`` builder (``nox -s browser`` runs it on each edition, with
every ``http(s)`` URL ignored, so nothing is fetched) checks the links written in the sources
and their translations; each edition's ``output.json`` lists the external ones as ignored.
Sphinx resolves cross-references itself but does not check the anchors of local links, so the
built HTML is also checked directly: every ``href``/``src`` to a local file names a file of
the site, and every ``#anchor`` an id in it: both editions and the page leading to them, the
language switchers' links between the editions included. Both lists of external links go to
``browser-artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitecheck import EDITIONS, check_links, env_path


def test_every_local_link_and_anchor_resolves(site: Path, artifacts: Path) -> None:
    report = check_links(site)
    lines = []
    for url, pages in sorted(report.external.items()):
        first = ", ".join(sorted(pages)[:3]) + (", ..." if len(pages) > 3 else "")
        lines.append(f"{url}\t{len(pages)} page(s): {first}")
    (artifacts / "external-links.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert report.checked > 1000, f"only {report.checked} local links: is the site complete?"
    assert not report.broken, f"{len(report.broken)} broken:\n  " + "\n  ".join(report.broken)


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_sphinx_linkcheck_finds_nothing_broken(edition: str, artifacts: Path) -> None:
    output = env_path("GRADLAB_LINKCHECK", "docs/_build/linkcheck") / edition / "output.json"
    if not output.is_file():
        pytest.fail(f"no {output}: run Sphinx's linkcheck builder first (`nox -s browser` does)")
    results = [json.loads(line) for line in output.read_text("utf-8").splitlines() if line]
    broken = [r for r in results if r["status"] in ("broken", "timeout")]
    fetched = [
        r["uri"]
        for r in results
        if r["uri"].startswith(("http:", "https:")) and r["status"] != "ignored"
    ]
    external = sorted({(r["uri"], f"{r['filename']}:{r['lineno']}") for r in results
                       if r["status"] == "ignored"})  # fmt: skip
    text = "".join(f"{uri}\t{where}\n" for uri, where in external)
    (artifacts / f"linkcheck-external-{edition}.txt").write_text(text, encoding="utf-8")
    assert not fetched, f"linkcheck fetched external links (it should list them): {fetched}"
    assert not broken, "broken:\n  " + "\n  ".join(
        f"{r['filename']}:{r['lineno']}: {r['uri']} {r['info']}" for r in broken
    )
