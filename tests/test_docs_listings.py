"""The site runs no PyTorch: its PyTorch comparisons are listings, shown with their output.

What the site executes (the code cells of the course pages, the gallery examples) must not
import torch, since the site's environment does not have it. Every listing in
``docs/**/listings`` is shown by a page together with its output file, which the oracle
session checks against a real run (``tests/oracle/test_listings.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
LISTING_SCRIPTS = sorted(p for p in DOCS.rglob("listings/*.py") if "_build" not in p.parts)
GENERATED = ("_build", "auto_examples", "generated")

_CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)
_IMPORTS_TORCH = re.compile(r"^\s*(import\s+torch\b|from\s+torch\b)", re.M)
_INCLUDE = re.compile(r"^(`{3,}|~{3,})\s*\{literalinclude\}\s+(\S+)", re.M)


def pages() -> list[Path]:
    return sorted(
        path
        for path in DOCS.rglob("*.md")
        if not set(path.relative_to(DOCS).parts) & set(GENERATED)
    )


def code_cells(text: str) -> list[str]:
    """The sources of the MyST-NB code cells of a page."""
    return [match.group(2) for match in _CODE_CELL.finditer(text)]


def test_code_cells_are_found() -> None:
    text = "# T\n\n```{code-cell} ipython3\nimport torch\n```\n\n```python\nimport torch\n```\n"
    assert code_cells(text) == ["import torch\n"]
    assert len(code_cells((DOCS / "course" / "05_chain_rule.md").read_text("utf-8"))) > 5


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_no_code_cell_imports_torch(page: Path) -> None:
    cells = code_cells(page.read_text(encoding="utf-8"))
    assert not [c for c in cells if _IMPORTS_TORCH.search(c)], (
        f"{page.relative_to(ROOT)} runs PyTorch at build time: make it a listing "
        "(docs/course/listings, checked by the oracle session)"
    )


def test_no_example_imports_torch() -> None:
    examples = sorted((ROOT / "examples").rglob("*.py"))
    assert examples
    assert not [e for e in examples if _IMPORTS_TORCH.search(e.read_text(encoding="utf-8"))]


def test_every_listing_is_shown_with_its_output() -> None:
    included: dict[str, set[str]] = {}
    for page in pages():
        for match in _INCLUDE.finditer(page.read_text(encoding="utf-8")):
            target = (page.parent / match.group(2)).resolve()
            included.setdefault(target.as_posix(), set()).add(page.name)
    scripts = LISTING_SCRIPTS
    assert len(scripts) >= 5
    for script in scripts:
        output = script.with_suffix(".txt")
        assert output.is_file(), f"{script.name} has no output file {output.name}"
        assert script.resolve().as_posix() in included, f"no page shows {script.name}"
        assert output.resolve().as_posix() in included, f"no page shows {output.name}"
    outputs = {p.resolve().as_posix() for s in scripts for p in s.parent.glob("*.txt")}
    assert outputs == {s.with_suffix(".txt").resolve().as_posix() for s in scripts}
