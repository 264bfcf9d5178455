"""Sphinx configuration of the gradlab site.

``nox -s docs`` builds it once per edition, English then Korean:
``sphinx-build -W --keep-going -b html -D language=<en|ko> docs docs/_build/html/<en|ko>``
(the Korean text comes from ``locale/ko``; ``docs/locale/README.md``). Warnings are errors,
a failing notebook cell or gallery example fails the build, and nothing is fetched from the
network, at build time or by the built pages.

The libraries' own settings do what they can (sphinx-gallery's default matplotlib scraper,
``write_computation_times``, ``prefer_full_module``; MyST-NB's execution on read, cached by
the code). Local extensions in ``docs/_ext`` do what no library does, each saying why in its
docstring:

* ``gradlab_cache``: re-runs executed pages and gallery examples when ``src/gradlab`` changes,
  and spreads the executed pages over the ``-j`` read workers;
* ``gradlab_terminology``: the glossary, generated from ``terminology.toml``;
* ``gradlab_reference``: a re-exported name (``gradlab.Dense``) links to where it is documented;
* ``gradlab_reproducible``: two clean builds give byte-identical files (zips, notebook outputs);
* ``gradlab_from_disk``: search works on the site opened from disk (``file://``) too;
* ``gradlab_editions``: the English and Korean editions side by side, a language switcher on
  every page (plain relative links), MyST-NB's outputs kept out of the published site;
* ``gradlab_korean_search``: the Korean edition's search, with Korean particles stripped;
* ``gradlab_a11y``: Korean passages marked ``lang="ko"``, named sidebar toggles, valid
  bibliography list markup (WCAG 2.1 AA; ``_templates`` and ``css/a11y.css`` do the rest);
* ``gradlab_notebooks``: each chapter as a notebook to download (without the checking cells), and
  the gallery's notebooks without raw Sphinx roles;
* ``gradlab_wheel``: gradlab's own wheel, built from these sources with hatchling at every
  build and offered as ``_downloads/gradlab-<version>-py3-none-any.whl`` (the index's
  ``gradlab`` is another project); the ``{wheel}`` role links it.
"""

# sphinx-gallery renders every figure with matplotlib's Agg backend and stops the build if
# another backend is active, so select it before anything can import pyplot.
import matplotlib

matplotlib.use("agg")

import os
import sys
from importlib.util import find_spec
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

from gradlab_editions import EDITIONS
from gradlab_reference import reexports

import gradlab

# -- Project ------------------------------------------------------------------------------------
project = "gradlab"
author = "the gradlab authors"
copyright = f"%Y, {author}"  # Sphinx fills in the year (from SOURCE_DATE_EPOCH when set)
release = version = gradlab.__version__
language = "en"  # the Korean edition: sphinx-build -D language=ko (noxfile.py builds both)
editions = EDITIONS  # {"en": "English", "ko": "한국어"}: docs/_build/html/<language>/

# -- Translation (gettext; sphinx-intl keeps docs/locale/ko/LC_MESSAGES/*.po) -------------------
locale_dirs = ["locale/"]
gettext_compact = False  # one catalogue per page: course/07_backpropagation.po
gettext_uuid = False
gettext_location = False  # no source line numbers in the catalogues: no churn when lines move

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
    "sphinx_copybutton",
    "sphinx_design",  # {dropdown} for the exercises' worked answers
    "gradlab_cache",
    "gradlab_reference",
    "gradlab_terminology",
    "gradlab_reproducible",
    "gradlab_from_disk",
    "gradlab_editions",
    "gradlab_korean_search",
    "gradlab_a11y",
    "gradlab_notebooks",
    "gradlab_wheel",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "_ext",
    "_templates",
    "locale",  # the Korean catalogues and their README: not pages
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

# Change the library and every page and example that uses it runs again
# (docs/_ext/gradlab_cache.py).
gradlab_source_dir = str(ROOT / "src" / "gradlab")

# -- MyST-NB: course pages are MyST text notebooks, executed at build --------------------------
# A page runs when Sphinx reads it (when it is new or changed, or gradlab changed: the pages
# depend on src/gradlab, docs/_ext/gradlab_cache.py) unless jupyter-cache holds a run of the
# same code cells: the Korean edition, read after the English one, runs nothing, and neither
# does a page whose prose alone changed. gradlab_cache empties the cache when gradlab changes.
# An unchanged page is not read again.
nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")  # both editions share it
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
# once, where it is defined: the module template links it there and gradlab_reference makes it
# resolve.
api_reexports = reexports("gradlab")
autosummary_context = {"reexports": api_reexports}
# A module's page gives each of its objects a section, which the page's contents list; without
# this, every method and attribute would be listed there as well.
toc_object_entries = False
numpydoc_show_class_members = False  # the module template's autoclass lists them (:members:)
numpydoc_class_members_toctree = False
# Every documented public object is validated; a failed check is a warning, so the -W build
# fails. tests/test_numpydoc.py reads these two settings and runs the same checks without
# Sphinx. Not required: ES01 (extended summary), SA01 (See Also), EX01 (Examples; the functions
# have them, not every method and property), GL02 (numpydoc checks the closing quotes of the
# *value's* type for data and attributes, e.g. dict's docstring for INITIALIZERS; ruff format
# places them in code). A single check is waived where it is wrong, next to the code, with
# "# numpydoc ignore=CODE" on the def or class line.
numpydoc_validation_checks = {"all", "ES01", "SA01", "EX01", "GL02"}
numpydoc_validation_exclude = {r"\._[^_]"}  # private names: a component starting with one "_"

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
    # The sections in course order (chapters 1-2, 5-7, 8, 9, 10), then the cures combined and
    # the research beyond the lectures.
    "subsection_order": [
        f"../examples/{sub}"
        for sub in (
            "activations",
            "backpropagation",
            "vanishing",
            "optimizers",
            "initialization",
            "together",
            "beyond",
        )
    ],
    "within_subsection_order": "gradlab_gallery_order.CourseOrder",
    "filename_pattern": r"/plot_",
    # Each image's alt text is its figure's label, plt.subplots(num="..."), where it has one:
    # the figures carry no words, so their titles make no alt text (docs/_ext). By string: a
    # function object would make the configuration unpicklable.
    "image_scrapers": ("gradlab_gallery_alt.labelled_matplotlib_scraper",),
    "backreferences_dir": "reference/generated/backreferences",
    "doc_module": ("gradlab",),
    # Name each object used in code by the module that defines it (gradlab.layers.Dense, not
    # gradlab.Dense), in the code links and the "Examples using" lists. A name written in an
    # example's text (:func:`gradlab.mlp`) keeps its spelling, so the API templates also list
    # the examples of the re-exported names (the reexports map).
    "prefer_full_module": {r"^gradlab\."},
    # ("reference_url": {"gradlab": None} is deprecated and ignored by sphinx-gallery >= 0.20:
    #  links into this site's own API pages are resolved without it.)
    "remove_config_comments": True,
    # No sg_execution_times pages: they differ on every build, and their sortable table loads
    # Bootstrap, jQuery and DataTables from three CDNs (the site loads nothing from elsewhere).
    "write_computation_times": False,
    # Reproducible pages: the repr of a matplotlib object an example ends a block with (e.g.
    # ax.legend()) is noise with a memory address in it, and with SOURCE_DATE_EPOCH set (as
    # `nox -s docs` does) the per-example run time is left out like sg_execution_times.
    "ignore_repr_types": r"matplotlib\.",
    "min_reported_time": float("inf") if os.environ.get("SOURCE_DATE_EPOCH") else 0,
    "download_all_examples": True,
    "show_memory": False,
    # As many examples at a time as sphinx-build -j says (nox -s docs: -j 2, with one BLAS
    # thread each), in joblib's loky worker processes.
    "parallel": True,
}

# -- HTML ---------------------------------------------------------------------------------------


def mathjax_static_dir() -> Path:
    """The directory holding ``mathjax/`` (MathJax 3 and its fonts) of sphinx-mathjax-offline.

    The package's own extension copies the same files, but at the end of the build only and
    without declaring itself safe for parallel builds; ``html_static_path`` serves them too.
    """
    spec = find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("sphinx-mathjax-offline (docs dependency group) is missing")
    return Path(spec.origin).parent / "static"


html_theme = "pydata_sphinx_theme"
html_title = "gradlab"
# _static/mathjax: MathJax 3 and its fonts, from the sphinx-mathjax-offline package.
html_static_path = ["_static", str(mathjax_static_dir())]
html_css_files = ["css/gradlab.css", "css/explorer.css", "css/a11y.css"]
# gradlab.plotting.Explorer's figures: the script draws them from their inline JSON (no fetch,
# so pages opened from file:// work too); without it they show their PNG.
html_js_files = [("js/explorer.js", {"defer": "defer"})]
# A descent down a cost curve, 64 px. Every page links it (<link rel="icon">), so browsers
# ask for it instead of /favicon.ico, which a plain server would answer with a 404.
html_favicon = "_static/favicon.png"
html_context = {"default_mode": "auto"}  # follows the reader's system; switch in the navbar
html_theme_options = {
    "navbar_end": ["language-switcher", "theme-switcher"],  # language: gradlab_editions
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
