"""The gallery images' alt text is their figure's label (docs/_ext/gradlab_gallery_alt.py).

The scraper runs on real Matplotlib figures, through sphinx-gallery's own ``save_figures`` with
the configuration filled in by sphinx-gallery, as a build calls it. The examples are checked
from their source: every figure they create names itself with ``num=``, in words.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
pytest.importorskip("sphinx_gallery", reason="needs the docs dependencies (run by `nox -s docs`)")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from sphinx_gallery.gen_gallery import _fill_gallery_conf_defaults  # noqa: E402
from sphinx_gallery.scrapers import ImagePathIterator, matplotlib_scraper, save_figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from gradlab_gallery_alt import labelled_matplotlib_scraper  # noqa: E402

SCRAPER = "gradlab_gallery_alt.labelled_matplotlib_scraper"
ALT = re.compile(r"^[ \t]*:alt: (.*)$", re.MULTILINE)
BLOCK = ("code", "", 1)  # (label, content, line number), as sphinx-gallery's Block


def gallery_conf(tmp_path: Path) -> dict[str, object]:
    """sphinx-gallery's configuration with its defaults, scraping with the site's scraper."""
    conf = _fill_gallery_conf_defaults({"image_scrapers": (SCRAPER,)})
    conf.update(src_dir=str(tmp_path), examples_dir=str(tmp_path), gallery_dir=str(tmp_path))
    return conf


def block_vars(tmp_path: Path) -> dict[str, object]:
    """The variables of one code block, with image names as sphinx-gallery makes them."""
    template = tmp_path / "images" / "sphx_glr_plot_demo_{0:03}.png"
    template.parent.mkdir(exist_ok=True)
    return {"image_path_iterator": ImagePathIterator(template), "example_globals": {}}


@pytest.fixture(autouse=True)
def _no_open_figures():
    plt.close("all")
    yield
    plt.close("all")


def draw_two() -> None:
    """Two figures without words: the first labelled (over two lines), the second not."""
    _, ax = plt.subplots(
        num="Loss against epoch for three rates:\n  the   decayed one ends lowest."
    )
    ax.semilogy([1.0, 0.1, 0.01])
    _, ax = plt.subplots()
    ax.plot([0.0, 1.0])


def test_each_figure_label_becomes_its_alt_text(tmp_path):
    conf, variables = gallery_conf(tmp_path), block_vars(tmp_path)
    draw_two()
    rst = save_figures(BLOCK, variables, conf)
    assert ALT.findall(rst) == [
        "Loss against epoch for three rates: the decayed one ends lowest.",
        "plot demo",  # no label, no title: sphinx-gallery's alt from the file name
    ]
    paths = [Path(p) for p in variables["image_path_iterator"].paths]
    assert [p.name for p in paths] == ["sphx_glr_plot_demo_001.png", "sphx_glr_plot_demo_002.png"]
    assert all(p.is_file() for p in paths)
    assert plt.get_fignums() == []  # closed, as matplotlib_scraper leaves them


def test_only_the_alt_text_changes(tmp_path):
    conf = gallery_conf(tmp_path)
    draw_two()
    plain = matplotlib_scraper(BLOCK, block_vars(tmp_path), conf)
    draw_two()
    labelled = labelled_matplotlib_scraper(BLOCK, block_vars(tmp_path), conf)
    assert ALT.sub("", labelled) == ALT.sub("", plain)
    assert ALT.findall(plain)[0] == "plot demo"  # what the label replaces
    assert ALT.findall(labelled)[0].startswith("Loss against epoch")


def test_unlabelled_figure_keeps_its_titles(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0])
    ax.set_title(r"$\kappa = 10$")
    fig.suptitle("Two paths")
    rst = save_figures(BLOCK, block_vars(tmp_path), gallery_conf(tmp_path))
    assert ALT.findall(rst) == [r"Two paths, $\kappa = 10$"]  # sphinx-gallery joins them
    assert ":class: sphx-glr-single-img" in rst


def test_site_names_the_scraper_by_string():
    tree = ast.parse((ROOT / "docs" / "conf.py").read_text("utf-8"))
    confs = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "sphinx_gallery_conf" for t in node.targets)
    ]
    assert len(confs) == 1
    assert isinstance(confs[0], ast.Dict)
    entries = {ast.literal_eval(k): v for k, v in zip(confs[0].keys, confs[0].values, strict=True)}
    assert ast.literal_eval(entries["image_scrapers"]) == (SCRAPER,)


# -- The examples ------------------------------------------------------------------------------

EXAMPLES = sorted((ROOT / "examples").glob("*/*.py"))
MIN_LENGTH = 30


def _words(node: ast.expr) -> str | None:
    """The text of a string literal or f-string (its literal parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    return None


def figure_labels(path: Path) -> list[tuple[int, str | None]]:
    """(line, label text) of every figure an example creates or labels.

    ``plt.subplots(...)`` and ``plt.figure(...)`` with their ``num=``, and ``.set_label(...)``
    on a figure that a library function made (``report.plot()``).
    """
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        if name in {"subplots", "figure"} and isinstance(owner, ast.Name) and owner.id == "plt":
            num = next((k.value for k in node.keywords if k.arg == "num"), None)
            if num is None and name == "figure" and node.args:
                num = node.args[0]  # plt.figure(num)
            found.append((node.lineno, None if num is None else _words(num)))
        elif name == "set_label" and isinstance(owner, ast.Attribute) and owner.attr == "figure":
            found.append((node.lineno, _words(node.args[0]) if node.args else None))
    return found


def test_examples_are_found():
    assert len(EXAMPLES) >= 20
    assert sum(len(figure_labels(path)) for path in EXAMPLES) >= 30


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_figure_is_described(path):
    """Every figure is created with ``num=`` a description in words: its alt text."""
    labels = figure_labels(path)
    for line, label in labels:
        where = f"{path.name}:{line}"
        assert label is not None, f"{where}: create the figure with num='<what it shows>'"
        assert len(label) >= MIN_LENGTH, f"{where}: {label!r} is too short to describe it"
        assert "$" not in label, f"{where}: {label!r} is TeX, not words"
    constant = [label for _, label in labels if label is not None]
    # a repeated num would return the existing figure instead of a new one
    assert len(constant) == len(set(constant)), f"{path.name}: figure labels repeat"
