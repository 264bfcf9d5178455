"""Sphinx configuration of the gradlab site.

``nox -s docs`` builds it: ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
Warnings are errors, a failing notebook cell or gallery example fails the build, and nothing
is fetched from the network, at build time or by the built pages.

Local extensions live in ``docs/_ext``:

* ``gradlab_cache``: re-runs executed pages and gallery examples when ``src/gradlab`` changes;
* ``gradlab_offline``: keeps sphinx-gallery's timing pages off CDNs, locates the offline
  MathJax, and checks the build;
* ``gradlab_terminology``: the glossary, generated from ``terminology.toml``;
* ``gradlab_reference``: documents each public name once, where it is defined;
* ``gradlab_gallery``: the gallery's scraper and per-example seeding, named by string below;
* ``gradlab_reproducible``: two clean builds give byte-identical files (zips, notebook outputs);
* ``gradlab_from_disk``: search works on the site opened from disk (``file://``) too.
"""

# sphinx-gallery renders every figure with matplotlib's Agg backend and stops the build if
# another backend is active, so select it before anything can import pyplot.
import matplotlib

matplotlib.use("agg")

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_cache import source_hash
from gradlab_offline import mathjax_static_dir
from gradlab_reference import reexports

import gradlab

# -- Project ------------------------------------------------------------------------------------
project = "gradlab"
author = "the gradlab authors"
copyright = f"%Y, {author}"  # Sphinx fills in the year (from SOURCE_DATE_EPOCH when set)
release = version = gradlab.__version__
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "gradlab_cache",
    "gradlab_offline",
    "gradlab_reference",
    "gradlab_terminology",
    "gradlab_reproducible",
    "gradlab_from_disk",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_ext",
    "_templates",
    "**.ipynb_checkpoints",
    # sphinx-gallery writes a .py and an .ipynb copy of every example next to its page; they are
    # downloads, not pages (MyST-NB would otherwise read and execute the .ipynb). "*" does not
    # cross "/", so the sub-galleries need the "**" forms.
    "auto_examples/*.ipynb",
    "auto_examples/**/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/**/*.py",
    "auto_examples/**/*.zip",
]

# The hash of gradlab's source is part of every executed page's and example's cache key
# (docs/_ext/gradlab_cache.py): change the library and everything that uses it runs again.
gradlab_source_hash = source_hash(ROOT / "src" / "gradlab")

# -- MyST-NB: course pages are MyST text notebooks, executed at build --------------------------
nb_execution_mode = "cache"  # jupyter-cache in docs/_build/.jupyter_cache
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300  # seconds per cell; two cores, and some cells train networks
# pathlib's match() (what MyST-NB uses) has no "**"; these are already excluded above anyway.
nb_execution_excludepatterns = ["auto_examples/*.ipynb", "auto_examples/*/*.ipynb"]
nb_merge_streams = True
nb_ipywidgets_js = {}  # the default loads require.js and the widget manager from CDNs
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

# -- API reference: autosummary + numpydoc ------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # document exactly each module's __all__
autodoc_typehints = "none"  # the numpydoc Parameters section carries the types
autodoc_default_options = {"member-order": "bysource"}
# A name re-exported from another module (gradlab.Dense is gradlab.layers.Dense) is documented
# once, where it is defined: the templates link it there and gradlab_reference makes it resolve.
api_reexports = reexports("gradlab")
autosummary_context = {"reexports": api_reexports}
numpydoc_show_class_members = False  # autosummary's class template lists members
numpydoc_class_members_toctree = False

# -- Bibliography -------------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
# {cite:t} -> "Glorot and Bengio [2010]", {cite:p} -> "[Glorot and Bengio, 2010]"; the
# bibliography page lists the entries numbered, sorted by author.
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"

# -- Gallery ------------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "subsection_order": [
        f"../examples/{sub}"
        for sub in (
            "activations",
            "vanishing",
            "initialization",
            "optimizers",
            "backpropagation",
            "together",
            "beyond",
        )
    ],
    "within_subsection_order": "FileNameSortKey",
    "filename_pattern": r"/plot_",
    "backreferences_dir": "reference/generated/backreferences",
    "doc_module": ("gradlab",),
    # ("reference_url": {"gradlab": None} is deprecated and ignored by sphinx-gallery >= 0.20:
    #  links into this site's own API pages are resolved without it.)
    "image_scrapers": ("gradlab_gallery.matplotlib_png",),
    "reset_modules": ("matplotlib", "gradlab_gallery.seed_numpy"),
    "remove_config_comments": True,
    # Reproducible pages: the repr of a matplotlib object an example ends a block with (e.g.
    # ax.legend()) is noise with a memory address in it, and with SOURCE_DATE_EPOCH set (as
    # `nox -s docs` does) the per-example run time is left out like sg_execution_times.
    "ignore_repr_types": r"matplotlib\.",
    "min_reported_time": float("inf") if os.environ.get("SOURCE_DATE_EPOCH") else 0,
    "download_all_examples": True,
    "show_memory": False,
    # Examples run one after another in the Sphinx process; they are small, and a loky pool on
    # two cores buys little against the risk of forked BLAS/OpenMP pools hanging.
    "parallel": False,
}

# -- HTML ---------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "gradlab"
# _static/mathjax: MathJax 3 and its fonts, from the sphinx-mathjax-offline package.
html_static_path = ["_static", str(mathjax_static_dir())]
html_css_files = ["css/gradlab.css"]
html_context = {"default_mode": "auto"}  # follows the reader's system; switch in the navbar
html_theme_options = {
    "navbar_end": ["theme-switcher"],
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sourcelink"],
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "glossary": [], "bibliography": []}

# Sphinx's default is MathJax 4 from a CDN; this one is served by the site (html_static_path).
mathjax_path = "mathjax/tex-chtml.js"

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_exclude = ".linenos, .gp, .go"
