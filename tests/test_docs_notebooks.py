"""The notebooks a reader downloads, each chapter's and the gallery's (gradlab_notebooks).

The conversion is tested on snippets and on the real chapters and examples without a site
build: MyST roles and directives become plain Markdown, the checking cells (``remove-cell``)
are dropped, the bytes are the same every time, and sphinx-gallery's notebooks lose their raw
Sphinx roles. When the site is built (``docs/_build/html``), every chapter page links its
notebook, two chapters' notebooks run with nbclient in a folder of their own, and no gallery
notebook in the site carries a raw role.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

for module in ("myst_nb", "sphinx_gallery", "pybtex", "nbformat"):
    pytest.importorskip(module, reason="needs the docs dependencies (run by `nox -s docs`)")

import nbformat  # noqa: E402
from myst_nb.core.read import read_myst_markdown_notebook  # noqa: E402

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
SITE = DOCS / "_build" / "html" / "en"  # the English edition (nox -s docs builds both)
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_notebooks import (  # noqa: E402
    Citation,
    Context,
    chapter_notebook,
    convert_markdown,
    myst_inline,
    notebook_bytes,
    read_citations,
    rewrite_gallery_notebook,
    rewrite_zip,
)

CHAPTERS = sorted((DOCS / "course").glob("[0-9][0-9]_*.md"))
EXAMPLES = sorted((ROOT / "examples").rglob("plot_*.py"))
# Chapters whose downloaded notebook is run (each takes about 20 s on two cores).
RUN = ("02_differentiation", "07_backpropagation")

# Sphinx roles as reST writes them, which plain Jupyter shows raw; MyST's, and its fences.
REST_ROLE = re.compile(r":(?:term|func|class|meth|doc|ref|cite|mod|data|obj|attr|exc)(?::\w+)?:`")
MYST_MARKUP = re.compile(r"\{[\w:.+-]+\}`|^\s*(?::{3,}|`{3,}\{)|^\s*\([^()\s]+\)=\s*$", re.M)


@functools.cache
def bibliography() -> dict[str, Citation]:
    return read_citations([DOCS / "references.bib"])


@functools.cache
def source_labels() -> dict[str, str]:
    """Every label of the site's sources with the title it names, without a build."""
    labels = {}
    for path in DOCS.rglob("*.md"):
        if "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^\(([^()\s]+)\)=\s*\n+#+\s+(.+)$", text, re.M):
            labels[match[1]] = match[2].strip()
    for path in EXAMPLES:  # sphinx-gallery labels each example page
        title = re.search(r'"""\s*(.+?)\s*\n=+', path.read_text(encoding="utf-8"))
        label = f"sphx_glr_auto_examples_{path.parent.name}_{path.name}"
        labels[label] = title[1] if title else path.stem
    return labels


@functools.cache
def source_titles() -> dict[str, str]:
    """Each MyST page's first heading, by document name."""
    titles = {}
    for path in DOCS.rglob("*.md"):
        if "_build" not in path.parts:
            heading = re.search(r"^#\s+(.+)$", path.read_text(encoding="utf-8"), re.M)
            if heading:
                titles[path.relative_to(DOCS).with_suffix("").as_posix()] = heading[1].strip()
    return titles


def markdown_of(notebook: dict) -> str:
    return "\n\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )


def code_of(notebook: dict) -> list[str]:
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


# -- MyST to plain Markdown ---------------------------------------------------------------------

SNIPPET_CONTEXT = {
    "glue": {
        "eta": {"data": {"text/plain": "0.0123456"}},
        "n": {"data": {"text/plain": "42"}},
        "tiny": {"data": {"text/markdown": "9.54 × 10⁻⁷", "text/plain": "<Markdown object>"}},
    },
    "labels": {"course-chain-rule": "The chain rule · 연쇄법칙"},
    "titles": {"glossary": "Glossary"},
    "citations": {
        "glorot": Citation("Glorot and Bengio", "2010", "Xavier Glorot and Yoshua Bengio."),
        "he": Citation("He et al.", "2015", "Kaiming He and others."),
    },
    "docname": "course/07_backpropagation",
}


def snippet_context(**changes: object) -> tuple[Context, list[str]]:
    warnings: list[str] = []
    return Context(**{**SNIPPET_CONTEXT, **changes}, warn=warnings.append), warnings  # type: ignore[arg-type]


def test_roles_become_what_the_page_shows() -> None:
    ctx, warnings = snippet_context()
    text = (
        "A {term}`partial derivative <partial derivative>`, the {term}`chain rule`;\n"
        "$\\eta =$ {glue:text}`eta:.3f`, {glue:text}`n`, {glue:md}`tiny`. See "
        "{ref}`course-chain-rule`, {ref}`the rule <course-chain-rule>`, the\n"
        "{doc}`glossary <../glossary>` or {doc}`../glossary`. {func}`gradlab.fit`, "
        "{class}`~gradlab.layers.Dense`, {meth}`Sequential.backward <gradlab.Sequential.backward>`"
        ", {data}`gradlab.losses.mse`, {math}`x^2`. {cite:p}`glorot,he`; {cite:t}`glorot`; "
        "{cite:p}`he`. Code `` {term}`x` `` stays."
    )
    assert myst_inline(text, ctx) == (
        "A partial derivative, the chain rule;\n"
        "$\\eta =$ 0.012, 42, 9.54 × 10⁻⁷. See *The chain rule · 연쇄법칙*, the rule, the\n"
        "glossary or *Glossary*. `gradlab.fit()`, `Dense`, `Sequential.backward`, "
        "`gradlab.losses.mse`, $x^2$. [Glorot and Bengio, 2010, He et al., 2015]; "
        "Glorot and Bengio [2010]; [He et al., 2015]. Code `` {term}`x` `` stays."
    )
    assert ctx.cited == ["glorot", "he"]  # in the order of first citation
    assert warnings == []


def test_glue_references_that_name_their_page_are_resolved_the_same() -> None:
    ctx, warnings = snippet_context()
    text = "{glue:text}`page.md::eta:.3f`, {glue:text}`page.md::n` and {glue:text}`eta:.3f`"
    assert myst_inline(text, ctx) == "0.012, 42 and 0.012"
    assert warnings == []


def test_what_cannot_be_resolved_is_reported_and_written_as_its_name() -> None:
    ctx, warnings = snippet_context()
    assert myst_inline("{glue:text}`nope:.2f` {ref}`no-label` {cite:p}`nokey`", ctx) == (
        "nope no-label [nokey, n.d.]"
    )
    assert len(warnings) == 3
    assert "'nope'" in warnings[0]
    assert "'no-label'" in warnings[1]
    assert "'nokey'" in warnings[2]


def test_directives_become_quotes_details_and_code(tmp_path: Path) -> None:
    (tmp_path / "listing.py").write_text("import torch\nprint(torch.ones(2))\n", encoding="utf-8")
    ctx, warnings = snippet_context(source_dir=tmp_path)
    text = """\
(course-x)=
# Title
% a comment the page does not show

:::{admonition} What you will learn
:class: tip
- the {term}`rule <chain rule>`
:::

::::{note} Careful with {glue:text}`n` items.
:::{dropdown} Answer
It is {glue:text}`eta:.2f`.
:::
::::

```python
print("{term}`not a role`")
```

```{literalinclude} listing.py
:language: python
:caption: Output
```"""
    assert (
        convert_markdown(text, ctx)
        == """\
# Title

> **What you will learn**
>
> - the rule

> **Note**
>
> Careful with 42 items.
> <details>
> <summary>Answer</summary>
>
> It is 0.01.
>
> </details>

```python
print("{term}`not a role`")
```

Output:

```python
import torch
print(torch.ones(2))
```"""
    )
    assert warnings == []


MYST_NOTEBOOK = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
(course-demo)=
# Demo

Text with {term}`a term <x>` and {cite:p}`glorot`.

```{code-cell} ipython3
x = 1
```

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
glue("n", x, display=False)
assert x == 1
```

```{code-cell} ipython3
---
tags: [remove-input]
mystnb:
  figure:
    caption: |
      **A figure.** Of {glue:text}`n` points.
---
print(x)
```
"""


def test_checking_cells_are_dropped_and_drawing_code_is_folded() -> None:
    ctx, warnings = snippet_context()
    notebook = chapter_notebook(MYST_NOTEBOOK, ctx, number="3")
    cells = [(cell.cell_type, cell.source, dict(cell.metadata)) for cell in notebook.cells]
    assert cells[1:] == [
        ("markdown", "# Demo\n\nText with a term and [Glorot and Bengio, 2010].", {}),
        ("code", "x = 1", {}),
        ("code", "print(x)", {"jupyter": {"source_hidden": True}}),
        ("markdown", "**A figure.** Of 42 points.", {}),
        ("markdown", "## References\n\n- Xavier Glorot and Yoshua Bengio.", {}),
    ]
    assert cells[0][0] == "markdown"
    assert "Chapter 3 of the gradlab course" in cells[0][1]
    assert all(c.outputs == [] and c.execution_count is None for c in notebook.cells[2:4])
    assert [c.id for c in notebook.cells] == [f"cell-00{i}" for i in range(6)]
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert notebook.nbformat == 4
    assert notebook.nbformat_minor == 5
    nbformat.validate(notebook)
    assert warnings == []


def test_the_bytes_are_the_same_every_time() -> None:
    first = notebook_bytes(chapter_notebook(MYST_NOTEBOOK, snippet_context()[0]))
    second = notebook_bytes(chapter_notebook(MYST_NOTEBOOK, snippet_context()[0]))
    assert first == second
    data = json.loads(first)
    assert first.decode() == json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    assert nbformat.reads(first.decode(), as_version=4) == chapter_notebook(
        MYST_NOTEBOOK, snippet_context()[0]
    )


def test_citations_are_author_year_like_the_pages() -> None:
    citations = bibliography()
    cited = {key: (c.authors, c.year) for key, c in citations.items()}
    assert cited["rumelhart1986learning"] == ("Rumelhart et al.", "1986")
    assert cited["glorot2010understanding"] == ("Glorot and Bengio", "2010")
    assert cited["hochreiter1997long"] == ("Hochreiter and Schmidhuber", "1997")
    assert cited["lecture_noh_backprop"] == ("노기섭", "n.d.-a")
    assert cited["lecture_lee_deep_learning"] == ("Lee", "n.d.")
    entry = citations["hochreiter1997long"].entry
    assert entry.startswith("Sepp Hochreiter and Jürgen Schmidhuber. Long short-term memory.")
    assert "[doi:10.1162/neco.1997.9.8.1735](https://doi.org/10.1162/neco.1997.9.8.1735)" in entry


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_converts_to_plain_jupyter(chapter: Path) -> None:
    warnings: list[str] = []
    ctx = Context(
        labels=source_labels(),
        titles=source_titles(),
        citations=bibliography(),
        docname=f"course/{chapter.stem}",
        source_dir=chapter.parent,
        warn=warnings.append,
    )
    text = chapter.read_text(encoding="utf-8")
    notebook = json.loads(notebook_bytes(chapter_notebook(text, ctx, number="1")))
    markdown = markdown_of(notebook)
    assert MYST_MARKUP.findall(markdown) == []
    assert REST_ROLE.findall(markdown) == []
    # glued values come from the build (tests below); everything else resolves from the sources
    assert [w for w in warnings if not w.startswith("no glued value")] == []
    # the code cells as MyST-NB reads them, less the checks
    source = read_myst_markdown_notebook(text)
    kept = [
        c.source
        for c in source.cells
        if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])
    ]
    assert code_of(notebook) == kept
    assert len(kept) < sum(c.cell_type == "code" for c in source.cells)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_code_runs_without_myst_nb(chapter: Path) -> None:
    """What a reader runs needs no MyST-NB: no glue() call is left outside the checking cells."""
    ctx = Context(source_dir=chapter.parent, warn=lambda _: None)
    notebook = chapter_notebook(chapter.read_text(encoding="utf-8"), ctx)
    offending = [
        source.splitlines()[0]
        for source in code_of(json.loads(notebook_bytes(notebook)))
        if "myst_nb" in source or re.search(r"\bglue\(", source)
    ]
    assert offending == []


# -- sphinx-gallery's notebooks -----------------------------------------------------------------


def gallery_notebook(example: Path) -> bytes:
    """The notebook sphinx-gallery writes for ``example``, with its own converter."""
    from sphinx_gallery.notebook import jupyter_notebook
    from sphinx_gallery.py_source_parser import split_code_and_text_blocks

    _, blocks = split_code_and_text_blocks(str(example))
    conf = {
        "first_notebook_cell": None,
        "last_notebook_cell": None,
        "pypandoc": False,
        "promote_jupyter_magic": False,
        "notebook_images": True,
        "rst_link_targets": {},
    }
    return json.dumps(jupyter_notebook(blocks, conf, example.parent), indent=2).encode()


def test_gallery_roles_become_text_and_code() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": [
                "See :func:`gradlab.layers.mlp`, :class:`~gradlab.optim.SGD`, "
                ":meth:`Sequential.backward <gradlab.Sequential.backward>`, a :term:`sigmoid`"
                " and a :term:`dead unit <dead ReLU>`, ``code`` and `code`; chapters: "
                "`course-chain-rule` and `the rule <course-chain-rule>`. :cite:p:`he`"
            ]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": ["# :func:`untouched`"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 0,
    }  # fmt: skip
    ctx, warnings = snippet_context()
    data = json.dumps(notebook, indent=2).encode()
    rewritten = json.loads(rewrite_gallery_notebook(data, ctx))
    assert rewritten["cells"][0]["source"] == [
        "See `gradlab.layers.mlp()`, `SGD`, `Sequential.backward`, a sigmoid and a dead unit, "
        "``code`` and `code`; chapters: *The chain rule · 연쇄법칙* and the rule. "
        "[He et al., 2015]"
    ]
    assert rewritten["cells"][1] == notebook["cells"][1]
    assert rewrite_gallery_notebook(rewrite_gallery_notebook(data, ctx), ctx) == (
        rewrite_gallery_notebook(data, ctx)
    )
    assert warnings == []


def test_every_example_notebook_loses_its_raw_roles() -> None:
    labels = source_labels()
    ctx = Context(labels=labels, citations=bibliography())
    before = after = 0
    for example in EXAMPLES:
        raw = gallery_notebook(example)
        rewritten = json.loads(rewrite_gallery_notebook(raw, ctx))
        before += len(REST_ROLE.findall(markdown_of(json.loads(raw))))
        markdown = markdown_of(rewritten)
        after += len(REST_ROLE.findall(markdown))
        spans = re.findall(r"(?<![`:])`([^`]+)`(?![`_])", markdown)
        assert [s for s in spans if s.split(" <")[-1].rstrip(">") in labels] == [], example.name
        assert code_of(rewritten) == code_of(json.loads(raw))  # the code is not touched
    assert before > 8 * len(EXAMPLES) // 2  # the roles were there to begin with
    assert after == 0


def test_zipped_notebooks_are_rewritten_and_the_rest_kept() -> None:
    ctx, _ = snippet_context()
    cell = {"cell_type": "markdown", "metadata": {}, "source": ["A :term:`sigmoid`."]}
    notebook = json.dumps({"cells": [cell]}, indent=2).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in (("a.py", b"# :term:`sigmoid`\n"), ("a.ipynb", notebook)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            archive.writestr(info, content)
    rewritten = rewrite_zip(out.getvalue(), ctx)
    with zipfile.ZipFile(io.BytesIO(rewritten)) as archive:
        assert [i.filename for i in archive.infolist()] == ["a.py", "a.ipynb"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.read("a.py") == b"# :term:`sigmoid`\n"
        assert json.loads(archive.read("a.ipynb"))["cells"][0]["source"] == ["A sigmoid."]
    assert rewrite_zip(rewritten, ctx) == rewritten


# -- a small real build -------------------------------------------------------------------------

CONF = """
import sys
sys.path.insert(0, {ext!r})
extensions = ["myst_nb", "sphinx_gallery.gen_gallery", "sphinx_design", "gradlab_notebooks"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
sphinx_gallery_conf = {{
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "image_scrapers": (),
    "reset_modules": (),
    "write_computation_times": False,
}}
"""

INDEX = """
# Small site

```{toctree}
course/01_first
course/02_second
auto_examples/index
```

```{glossary}
sigmoid
  The logistic function.
```
"""

FIRST = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
(course-first)=
# The first chapter

A {term}`sigmoid` squashes; the next chapter is {ref}`course-second`.

```{code-cell} ipython3
x = 2 ** 0.5
print(round(x, 3))
```

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
glue("root", x, display=False)
assert abs(x * x - 2) < 1e-15
```

The root is {glue:text}`root:.4f`.

:::{dropdown} Answer
Still {glue:text}`root:.2f`.
:::
"""

SECOND = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---
(course-second)=
# The second chapter

Text only.
"""

EXAMPLE = '''"""
A small example
===============

Uses :func:`math.sqrt` on a :term:`sigmoid`; see :ref:`course-first`.
"""

import math

print(math.sqrt(2))
'''


def sphinx_build(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(project / "docs"), str(project / "docs" / "_build" / "html")],
        capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_small_site_links_and_writes_the_notebooks(tmp_path: Path) -> None:
    docs, examples = tmp_path / "docs", tmp_path / "examples"
    (docs / "course").mkdir(parents=True)
    examples.mkdir()
    (docs / "conf.py").write_text(CONF.format(ext=str(DOCS / "_ext")), encoding="utf-8")
    (docs / "index.md").write_text(INDEX, encoding="utf-8")
    (docs / "course" / "01_first.md").write_text(FIRST, encoding="utf-8")
    (docs / "course" / "02_second.md").write_text(SECOND, encoding="utf-8")
    (examples / "README.rst").write_text("Gallery\n=======\n", encoding="utf-8")
    (examples / "plot_small.py").write_text(EXAMPLE, encoding="utf-8")
    sphinx_build(tmp_path)

    site = docs / "_build" / "html"
    page = (site / "course" / "01_first.html").read_text(encoding="utf-8")
    assert '<a class="reference download external" download="" href="01_first.ipynb">' in page
    notebook = json.loads((site / "course" / "01_first.ipynb").read_bytes())
    assert markdown_of(notebook).split("\n\n")[1:] == [
        "# The first chapter",
        "A sigmoid squashes; the next chapter is *The second chapter*.",
        "The root is 1.4142.",
        "<details>\n<summary>Answer</summary>",
        "Still 1.41.",
        "</details>",
    ]
    assert code_of(notebook) == ["x = 2 ** 0.5\nprint(round(x, 3))"]  # no checking cell

    gallery = docs / "auto_examples"
    expected = "Uses `math.sqrt()` on a sigmoid; see *The first chapter*."
    assert expected in markdown_of(json.loads((gallery / "plot_small.ipynb").read_bytes()))
    (served,) = (site / "_downloads").rglob("plot_small.ipynb")
    assert served.read_bytes() == (gallery / "plot_small.ipynb").read_bytes()
    with zipfile.ZipFile(gallery / "plot_small.zip") as archive:
        assert expected in markdown_of(json.loads(archive.read("plot_small.ipynb")))

    # Built again with nothing changed: the same files, and the rewritten ones keep the time
    # they had, so that no page is read again.
    files = [site / "course" / "01_first.ipynb", gallery / "plot_small.ipynb"]
    files += sorted((site / ".doctrees").rglob("*.doctree"))  # rewritten when a page is read
    before = [(path.read_bytes(), path.stat().st_mtime_ns) for path in files]
    sphinx_build(tmp_path)
    assert [(path.read_bytes(), path.stat().st_mtime_ns) for path in files] == before


# -- the built site -----------------------------------------------------------------------------

built = pytest.mark.skipif(
    not (SITE / "course").is_dir(), reason="the site is not built: run `nox -s docs`"
)


@built
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_page_links_its_notebook(chapter: Path) -> None:
    page = (SITE / "course" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    link = re.search(r'<a class="reference download external" download="" href="([^"]+)"', page)
    assert link is not None
    assert link[1] == f"{chapter.stem}.ipynb"
    assert "Download this chapter as a Jupyter notebook" in page
    data = (SITE / "course" / link[1]).read_bytes()
    notebook = nbformat.reads(data.decode(), as_version=4)
    nbformat.validate(notebook)
    assert all(not c.get("outputs") for c in notebook.cells)
    markdown = markdown_of(notebook)
    assert MYST_MARKUP.findall(markdown) == []
    assert REST_ROLE.findall(markdown) == []
    assert "{glue" not in markdown


@built
@pytest.mark.parametrize("name", RUN)
def test_a_downloaded_chapter_runs_as_it_is(name: str, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    shutil.copy(SITE / "course" / f"{name}.ipynb", tmp_path)
    notebook = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3").execute(cwd=str(tmp_path))
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@built
def test_no_gallery_notebook_in_the_site_carries_a_raw_role() -> None:
    labels = source_labels()
    found: dict[str, int] = {}
    notebooks = 0
    for path in sorted((SITE / "_downloads").rglob("*")):
        if path.suffix == ".ipynb":
            contents = [path.read_bytes()]
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                contents = [archive.read(n) for n in archive.namelist() if n.endswith(".ipynb")]
        else:
            continue
        for data in contents:
            notebooks += 1
            markdown = markdown_of(json.loads(data))
            spans = [s for s in re.findall(r"(?<![`:])`([^`]+)`(?![`_])", markdown) if s in labels]
            if REST_ROLE.findall(markdown) or spans:
                found[path.name] = len(REST_ROLE.findall(markdown)) + len(spans)
    assert notebooks >= 2 * len(EXAMPLES)  # each on its own, and in the zips
    assert found == {}
