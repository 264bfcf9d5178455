"""The API reference lists every public module, each on one page that documents the objects it
defines, and a re-exported name (``gradlab.Dense``) links to its entry there."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

DOCS = Path(__file__).parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_reference import (  # noqa: E402
    home_of,
    public_modules,
    reexports,
    remove_stale_pages,
)


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


def test_a_reexported_name_and_its_members_map_to_their_home() -> None:
    homes = {"gradlab.Dense": "gradlab.layers.Dense", "gradlab.optim": "gradlab.optim"}
    assert home_of("gradlab.Dense", homes) == "gradlab.layers.Dense"
    assert home_of("gradlab.Dense.forward", homes) == "gradlab.layers.Dense.forward"
    assert home_of("gradlab.optim.SGD", homes) is None  # documented under that name
    assert home_of("gradlab.Densely", homes) is None
    assert home_of("numpy.ndarray", homes) is None


SITE = DOCS / "_build" / "html" / "en"  # the English edition (nox -s docs builds both)


def links(page: Path) -> list[tuple[str, str]]:
    """(text, href) of every link of a built page."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', page.read_text("utf-8"), re.S)
    return [(re.sub(r"<[^>]+>", "", text).strip(), href) for href, text in found]


@pytest.mark.skipif(not SITE.is_dir(), reason="the site is not built: run `nox -s docs`")
def test_built_pages_link_reexported_names_to_one_page() -> None:
    dense = "reference/generated/gradlab.layers.html#gradlab.layers.Dense"
    # {class}`gradlab.Dense` in a chapter links to the entry of gradlab.layers.Dense
    chapter = links(SITE / "course" / "01_learning.html")
    assert ("gradlab.Dense", f"../{dense}") in chapter
    # `from gradlab import mlp` in an example: the code links to gradlab.layers.mlp ...
    example = links(SITE / "auto_examples" / "activations" / "plot_dead_relu.html")
    mlp = "../../reference/generated/gradlab.layers.html#gradlab.layers.mlp"
    assert any(href == mlp for _, href in example)
    # ... and the section of mlp on its module's page lists the example among those using it
    page = (SITE / "reference" / "generated" / "gradlab.layers.html").read_text("utf-8")
    using = page.split('<section id="examples-using-mlp">', 1)[1].split("</section>", 1)[0]
    assert 'href="../../auto_examples/activations/plot_dead_relu.html"' in using


@pytest.mark.skipif(not SITE.is_dir(), reason="the site is not built: run `nox -s docs`")
def test_the_reference_has_one_page_per_module() -> None:
    pages = sorted(p.stem for p in (SITE / "reference" / "generated").glob("*.html"))
    assert pages == public_modules("gradlab")


def test_stale_generated_pages_are_removed(tmp_path: Path) -> None:
    source, built = tmp_path / "docs", tmp_path / "html"
    files = {
        source: ["gradlab.layers.rst", "gradlab.layers.Dense.rst", "gradlab.gone.rst"],
        built: ["gradlab.layers.html", "gradlab.layers.Dense.html", "gradlab.gone.html"],
    }
    for root, names in files.items():
        (root / "reference" / "generated" / "backreferences").mkdir(parents=True)
        for name in names:
            (root / "reference" / "generated" / name).write_text("x", encoding="utf-8")
    app = SimpleNamespace(srcdir=source, outdir=built, builder=SimpleNamespace(out_suffix=".html"))
    remove_stale_pages(app)  # type: ignore[arg-type]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("generated/*"))
    assert left == [
        "docs/reference/generated/backreferences",
        "docs/reference/generated/gradlab.layers.rst",
        "html/reference/generated/backreferences",
        "html/reference/generated/gradlab.layers.html",
    ]
