"""The API reference lists every public module, and each object gets exactly one page."""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_reference import public_modules, reexports  # noqa: E402


def listed_modules() -> list[str]:
    """The entries of the autosummary directive in docs/reference/index.rst."""
    text = (DOCS / "reference" / "index.rst").read_text(encoding="utf-8")
    block = text.split(".. autosummary::", 1)[1]
    return re.findall(r"^   (gradlab[\w.]*)\s*$", block, flags=re.MULTILINE)


def test_reference_lists_every_public_module_once() -> None:
    listed = listed_modules()
    assert len(listed) == len(set(listed))
    assert sorted(listed) == public_modules("gradlab")


def test_reexported_names_point_to_their_defining_module() -> None:
    homes = reexports("gradlab")
    assert homes["gradlab.Parameter"] == "gradlab.parameter.Parameter"
    assert homes["gradlab.activations"] == "gradlab.activations"
    assert "gradlab.activations.sigmoid" not in homes  # defined (and documented) there
    documented = set(public_modules("gradlab"))
    for name, home in homes.items():
        assert home in documented or home.rpartition(".")[0] in documented, (name, home)
