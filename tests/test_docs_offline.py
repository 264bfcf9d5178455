"""The built site loads nothing from other hosts (docs/_ext/gradlab_offline.py).

:func:`check_offline` is tested on snippets, on a small real build with math and a
sphinx-gallery timing page, and on the real site in ``docs/_build/html`` (``nox -s docs``
runs this file right after building it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
EXT = ROOT / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from gradlab_offline import check_offline, strip_raw_html  # noqa: E402

SITE = ROOT / "docs" / "_build" / "html"
DOCS_DEPS = all(
    find_spec(name)
    for name in ("myst_nb", "sphinx_gallery", "pydata_sphinx_theme", "sphinx-mathjax-offline")
)


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_loaded_resources_from_other_hosts_are_found(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": """\
                <html><head>
                <link rel="stylesheet" href="https://cdn.example.org/theme.css">
                <link rel="preconnect" href="https://fonts.gstatic.com">
                <script src="//code.jquery.com/jquery.js"></script>
                <style>body { background: url("https://img.example.org/bg.png"); }</style>
                </head><body>
                <img src="https://img.example.org/a.png" srcset="b.png 1x, https://x.org/c.png 2x">
                <iframe src="http://video.example.org/embed"></iframe>
                <div style="background-image: url(https://img.example.org/d.png)"></div>
                <script>var s = document.createElement("script"); s.src = "https://a.org/x.js";</script>
                </body></html>
            """,
            "_static/site.css": """\
                @import "https://fonts.googleapis.com/css?family=Inter";
                @font-face { src: url('https://fonts.example.org/f.woff2'); }
            """,
            "_static/app.js": """\
                link.href = "https://cdn.example.org/extra.css";
                import("https://esm.example.org/mod.js");
            """,
        },
    )
    found = check_offline(site)
    assert found == [
        "_static/app.js:1: https://cdn.example.org/extra.css",
        "_static/app.js:2: https://esm.example.org/mod.js",
        "_static/site.css:1: https://fonts.googleapis.com/css?family=Inter",
        "_static/site.css:2: https://fonts.example.org/f.woff2",
        "index.html:2: https://cdn.example.org/theme.css",
        "index.html:3: https://fonts.gstatic.com",
        "index.html:4: //code.jquery.com/jquery.js",
        "index.html:5: https://img.example.org/bg.png",
        "index.html:7: https://img.example.org/a.png",
        "index.html:7: https://x.org/c.png",
        "index.html:8: http://video.example.org/embed",
        "index.html:9: https://img.example.org/d.png",
        "index.html:10: https://a.org/x.js",
    ]


def test_links_and_local_resources_are_fine(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": """\
                <html><head>
                <link rel="stylesheet" href="_static/site.css">
                <link rel="canonical" href="https://gradlab.example.org/">
                <script src="_static/app.js"></script>
                </head><body>
                <a href="https://doi.org/10.1109/72.279181">Bengio et al.</a>
                <img src="_images/plot.png" alt="">
                <img src="data:image/png;base64,iVBORw0KGgo=" alt="">
                </body></html>
            """,
            "_static/site.css": "@font-face { src: url(../fonts/f.woff2); }\n",
            "_static/app.js": "menu.html = '<a href=\"https://www.mathjax.org\">MathJax</a>';\n",
        },
    )
    assert check_offline(site) == []


def test_raw_html_blocks_are_stripped() -> None:
    rst = textwrap.dedent("""\
        Computation times
        =================

        .. container::

          .. raw:: html

            <script src="https://code.jquery.com/jquery-3.7.0.js"></script>
            <script>
            $(document).ready(function () {});
            </script>

          .. list-table::
           :header-rows: 1

           * - Example
             - Time
    """)
    stripped = strip_raw_html(rst)
    assert "raw::" not in stripped
    assert "jquery" not in stripped
    assert "  .. list-table::\n   :header-rows: 1\n\n   * - Example\n" in stripped
    assert stripped.startswith("Computation times\n=================\n\n.. container::\n")


@pytest.mark.skipif(not DOCS_DEPS, reason="needs the docs dependencies (run by `nox -s docs`)")
def test_small_real_build_is_self_contained(tmp_path: Path) -> None:
    """Math (MathJax and its fonts) and sphinx-gallery's timing page, built for real."""
    docs = tmp_path / "docs"
    write_site(
        tmp_path,
        {
            "docs/conf.py": f"""\
                import sys
                sys.path.insert(0, {str(EXT)!r})
                from gradlab_offline import mathjax_static_dir
                extensions = ["myst_nb", "sphinx_gallery.gen_gallery", "gradlab_offline"]
                html_static_path = [str(mathjax_static_dir())]
                exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
                myst_enable_extensions = ["dollarmath"]
                mathjax_path = "mathjax/tex-chtml.js"
                html_theme = "pydata_sphinx_theme"
                sphinx_gallery_conf = {{"examples_dirs": "../examples",
                                        "gallery_dirs": "auto_examples", "image_scrapers": ()}}
            """,
            "docs/index.md": """\
                # Math

                The sigmoid $\\sigma(z) = 1 / (1 + e^{-z})$ has $\\sigma'(0) = 1/4$.

                ```{toctree}
                auto_examples/index
                ```
            """,
            "examples/README.rst": "Gallery\n=======\n",
            "examples/plot_nothing.py": '"""\nNothing\n=======\n\nPrints.\n"""\n\nprint(1)\n',
        },
    )
    out = docs / "_build" / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(docs), str(out)],
        capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "index.html").read_text("utf-8")
    assert re.search(r'<script [^>]*src="_static/mathjax/tex-chtml\.js[?"]', page)
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert list((out / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))
    assert (out / "sg_execution_times.html").is_file()
    assert check_offline(out) == []


@pytest.mark.skipif(not SITE.is_dir(), reason="the site is not built: run `nox -s docs`")
def test_built_site_loads_nothing_from_other_hosts() -> None:
    assert check_offline(SITE) == []
