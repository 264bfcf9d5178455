"""No page of the built site shows a memory address (``<... object at 0x7f3b...>``).

An address differs from one run to the next, so a page that shows one is never the same in two
builds (``nox -s repro`` fails on it), and it tells the reader nothing: it comes from a call
whose return value was printed by accident, such as ``ax.set_xticks(...)`` ending a gallery
block. docs/_ext/gradlab_reproducible.py drops addresses from the chapters' outputs; the
gallery's are written by sphinx-gallery, so an example must not print one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
ADDRESS = re.compile(r"at 0x[0-9a-fA-F]{6,}&gt;|at 0x[0-9a-fA-F]{6,}>")


def pages_with_addresses(site: Path) -> list[str]:
    """The pages under ``site`` that show a memory address, with the first one found."""
    found = []
    for page in sorted(site.rglob("*.html")):
        match = ADDRESS.search(page.read_text(encoding="utf-8", errors="replace"))
        if match:
            found.append(f"{page.relative_to(site)}: ...{match[0]}")
    return found


def test_the_check_finds_an_address(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<pre>[&lt;XTick object at 0x7f3b2c1d5e50&gt;]</pre>")
    (tmp_path / "b.html").write_text("<pre>0x1F is 31</pre>")
    assert [p.split(":")[0] for p in pages_with_addresses(tmp_path)] == ["a.html"]


@pytest.mark.skipif(not SITE.is_dir(), reason="the site is not built: run `nox -s docs`")
def test_no_page_shows_a_memory_address() -> None:
    found = pages_with_addresses(SITE)
    assert not found, "\n".join(found)
