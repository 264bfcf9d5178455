"""Every glued number in the pages names its page, so the Korean edition shows it too.

MyST-NB resolves a bare ``{glue:text}`key``` from the page's executed notebook, which a
paragraph translated through gettext no longer sees: the number silently disappears from the
Korean page. ``{glue:text}`07_backpropagation.md::key``` is resolved after translation, from
MyST-NB's glue cache, in both editions. ``{glue:md}`` is refused too: MyST-NB pastes a glued
Markdown value that names its page as literal code. Glue a ``str`` and paste it with
``{glue:text}`` instead. And the format is required: MyST-NB 1.4 splits ``page.md::key`` at its
last colon, so a reference without one (``page.md::key:s`` for text) finds no key.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
GENERATED = {"_build", "auto_examples"}
PAGES = sorted(p for p in DOCS.rglob("*.md") if not GENERATED & set(p.relative_to(DOCS).parts))
GLUE = re.compile(r"\{glue(?::(?P<kind>\w+))?\}`(?P<body>[^`]*)`")


def glue_problems(path: Path, text: str) -> list[str]:
    """The glue references in ``text`` (the page ``path``) that a translation would lose."""
    problems = []
    for match in GLUE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        page, sep, _ = match["body"].partition("::")
        if match["kind"] != "text":
            problems.append(f"{path.name}:{line}: {match[0]} (use {{glue:text}} with a str value)")
        elif not sep:
            problems.append(f"{path.name}:{line}: {match[0]} (name the page: `{path.name}::...`)")
        elif page != path.name:
            problems.append(f"{path.name}:{line}: {match[0]} (glue from this page, {path.name})")
        elif ":" not in match["body"].partition("::")[2]:  # MyST-NB 1.4 misreads "page.md::key"
            problems.append(f"{path.name}:{line}: {match[0]} (give a format: `::key:s`)")
    return problems


def test_the_pages_are_found() -> None:
    assert len(PAGES) >= 15
    assert DOCS / "course" / "07_backpropagation.md" in PAGES


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_glue_references_name_their_page(path: Path) -> None:
    problems = glue_problems(path, path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_check_refuses_each_bare_form() -> None:
    page = Path("07_backpropagation.md")
    text = (
        "a {glue:text}`07_backpropagation.md::eta:.3f` b {glue:text}`eta:.3f`\n"
        "c {glue:md}`07_backpropagation.md::tiny` d {glue}`x` e {glue:text}`other.md::k:s`\n"
        "f {glue:text}`07_backpropagation.md::n` g {glue:text}`07_backpropagation.md::n:s`"
    )
    problems = glue_problems(page, text)
    assert [p.split(": ", 1)[1].split(" (")[0] for p in problems] == [
        "{glue:text}`eta:.3f`",
        "{glue:md}`07_backpropagation.md::tiny`",
        "{glue}`x`",
        "{glue:text}`other.md::k:s`",
        "{glue:text}`07_backpropagation.md::n`",
    ]
    assert problems[0].startswith("07_backpropagation.md:1:")
    assert problems[1].startswith("07_backpropagation.md:2:")
