"""gradlab's own wheel, built with the site and offered on it as a download.

The name ``gradlab`` on the Python Package Index belongs to an unrelated project, so the site
never tells readers to ``pip install gradlab``: it offers the wheel of the sources its pages
were computed from, and the install instructions (the landing page, the orientation chapter,
the README) install that file or a checkout.

* **Built by the site build.** Every ``sphinx-build`` of ``docs/`` makes it (``nox -s docs``,
  tests/browser/test_reproducible.py, which runs Sphinx on a copy of the sources, or a build by
  hand), from the tree the build reads, so the download cannot be older than the pages. A nox
  step would miss the builds that nox does not run.
* **With the build backend's own API.** :func:`build_wheel` calls hatchling's
  ``WheelBuilder``, the code its PEP 517 hook ``hatchling.build.build_wheel`` runs, given the
  project root instead of the working directory. pip or pypa/build would make an isolated
  environment and download hatchling into it; here hatchling is already installed
  (``build-system.requires``, which every nox session installs, and the ``docs`` group), so the
  build needs no network. Hatchling dates every zip entry at ``SOURCE_DATE_EPOCH`` (which every
  site build sets) and normalizes permissions, so two builds write the same bytes.
* **Served with html_extra_path.** Sphinx has no option that builds a file; its ``:download:``
  copies one that is in the source tree when the page is read, and a build must not write into
  the sources. The wheel goes to ``gradlab-wheel/_downloads/`` in the build's doctree directory
  (its cache, beside the pickled pages), which is added to ``html_extra_path``: Sphinx copies it
  to ``_downloads/gradlab-<version>-py3-none-any.whl`` at the end of the build. The path is
  added when the builder starts, after the HTML builder hashed its configuration into
  ``.buildinfo``, so a build-specific path does not make two builds' ``.buildinfo`` differ.
* **Linked with the role** ``{wheel}`gradlab-0.1.0-py3-none-any.whl```. It shows the file name
  as a download link (relative to the page, as Sphinx links its ``_downloads``), and warns, which
  fails the ``-W`` build, when the name is not the wheel this build made: the version written in
  the pages' install commands (which tests/test_docs_wheel.py reads) cannot fall behind. In other
  formats than HTML (linkcheck, gettext) it is the file name, not a link.
"""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

logger = logging.getLogger(__name__)

#: Where the wheel is built, inside the doctree directory; it holds the site's _downloads/.
WHEEL_DIR = "gradlab-wheel"
# The file name of the wheel this build made (set when the builder starts, before the pages
# are read; worker processes of a parallel build inherit it).
_built: dict[str, str] = {}


def build_wheel(root: Path, directory: Path) -> Path:
    """Build the wheel of the project at ``root`` into ``directory``, emptied first.

    Parameters
    ----------
    root : Path
        The project: the directory of ``pyproject.toml``.
    directory : Path
        Where the wheel goes; created if missing, any other file in it removed.

    Returns
    -------
    Path
        The wheel, ``gradlab-<version>-py3-none-any.whl``.
    """
    from hatchling.builders.wheel import WheelBuilder

    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    builder = WheelBuilder(str(root))
    (wheel,) = builder.build(directory=str(directory), versions=["standard"])
    return Path(wheel)


def _build_for_site(app: Sphinx) -> None:
    """``builder-inited``: build the wheel and serve it with html_extra_path (HTML builders)."""
    if app.builder.format != "html":
        return
    extra = Path(app.doctreedir) / WHEEL_DIR
    wheel = build_wheel(Path(app.srcdir).parent, extra / "_downloads")  # docs/.. holds pyproject
    _built["name"] = wheel.name
    app.config.html_extra_path = [*app.config.html_extra_path, str(extra)]
    logger.info(f"gradlab_wheel: built _downloads/{wheel.name}")


class wheel_download(nodes.Inline, nodes.TextElement):  # docutils names nodes in lower case
    """A link to the wheel in the site's ``_downloads`` (HTML); its name elsewhere."""


class WheelRole(SphinxRole):
    """``{wheel}`gradlab-0.1.0-py3-none-any.whl```: the file name, linking the wheel."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        name = self.text
        built = _built.get("name")
        if built is not None and name != built:
            logger.warning(
                f"{{wheel}}`{name}`: this build made {built}; write that name here and in the "
                "install commands",
                location=self.get_location(),
            )
        # a new version in pyproject.toml reads the page again (incremental builds)
        self.env.note_dependency(Path(self.env.srcdir).parent / "pyproject.toml")
        literal = nodes.literal(name, name, classes=["xref", "download"])
        return [wheel_download(self.rawtext, "", literal, filename=name)], []


def _visit_html(translator: Any, node: wheel_download) -> None:
    href = posixpath.join(translator.builder.dlpath, quote(node["filename"]))
    attributes = {"class": "reference download internal", "href": href, "download": ""}
    translator.body.append(translator.starttag(node, "a", "", **attributes))


def _depart_html(translator: Any, node: wheel_download) -> None:
    translator.body.append("</a>")


def _pass(translator: Any, node: wheel_download) -> None:
    """Other formats show the file name (the literal inside) without a link."""


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _build_for_site)
    others = {fmt: (_pass, _pass) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(wheel_download, html=(_visit_html, _depart_html), **others)
    app.add_role("wheel", WheelRole())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
