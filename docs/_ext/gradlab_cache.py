"""Re-run executed pages and gallery examples when gradlab's source changes.

Why this exists: both executors decide what to run from the page or script alone. MyST-NB
executes a text notebook when Sphinx reads it, and Sphinx re-reads a page only when the page
(or a file it depends on) changed; with ``nb_execution_mode = "cache"`` it even reuses the
outputs jupyter-cache holds for the same code cells, whatever the library did since.
sphinx-gallery skips an example whose ``.md5`` file matches the script. Edit ``src/gradlab/``
and none of them notices, so the site would keep serving numbers and figures computed by the
old code. No setting of Sphinx, MyST-NB, jupyter-cache or sphinx-gallery ties them to a
library's source (sphinx-gallery's ``run_stale_examples`` re-runs every example on every
build; jupyter-cache keys a run on the notebook's code cells and kernel only), so this
extension does, with their public hooks:

* every MyST text notebook with code cells depends on each ``*.py`` file under
  ``gradlab_source_dir`` (Sphinx's ``note_dependency``): change one and Sphinx re-reads the
  page, and reading it runs its cells (``nb_execution_mode = "force"``) or looks them up in
  the execution cache (``"cache"``, what ``conf.py`` sets: the site's two editions read each
  page and run it once);
* with ``"cache"``, before any page is read (``builder-inited``, after MyST-NB), a changed
  :func:`source_hash` empties jupyter-cache's folder, so every page read runs again, once: the
  hash of the runs it holds is kept in ``<cache>/.gradlab-source-hash``. The cache's database
  is created there too, by the main process, so that the ``-j`` workers do not race to create
  its tables (Sphinx issue #12481);
* before sphinx-gallery scans the examples (``builder-inited``), a changed
  :func:`source_hash` deletes the ``.md5`` files in each gallery directory, so every example
  runs again. The hash of the last gallery run is kept in ``<gallery_dir>/.gradlab-source-hash``;
* a page with a ``minigallery`` (the API pages) depends on sphinx-gallery's
  ``backreferences_all.json``, so it is re-read when the examples that use an object change;
* sphinx-gallery never deletes what it generated: the page of a deleted or renamed example
  would stay, in no toctree, and fail the ``-W`` build. Those leftovers are removed first;
* with ``"parallel"`` set, sphinx-gallery starts its worker processes even when every example
  is up to date, which costs a rebuild with nothing to run a few seconds; then the build runs
  without them (:func:`serial_when_nothing_runs`);
* ``sphinx-build -j N`` hands each read worker a run of consecutive page names (Sphinx's
  ``make_chunks``), so the executed pages, which sit together (``course/...``), ran one after
  another in one worker while the others read API pages. Sphinx's ``env-before-read-docs``
  lets an extension reorder the pages to read: :func:`spread_executed_pages` spaces the
  executed ones evenly through the list, so the workers run them side by side.

``tests/test_docs_cache.py`` builds a small project with real Sphinx to check all of it.
"""

from __future__ import annotations

import filecmp
import hashlib
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STAMP = ".gradlab-source-hash"
"""File name, inside each gallery directory and the execution cache, of the hash of the source
its examples or pages last ran with."""

_CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)
_MINIGALLERY = re.compile(r"(\.\.\s+minigallery::|\{minigallery\})")


def source_files(package_dir: str | Path) -> list[Path]:
    """Every ``*.py`` file under a directory (``__pycache__`` aside), sorted."""
    root = Path(package_dir)
    files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    if not files:
        raise FileNotFoundError(f"no Python files under {root}")
    return files


def source_hash(package_dir: str | Path) -> str:
    """Return a SHA-256 over the paths and contents of every ``*.py`` file under a directory.

    Parameters
    ----------
    package_dir : str or Path
        The package's source directory, e.g. ``src/gradlab``.

    Returns
    -------
    str
        Hex digest; it changes when a file is edited, added, removed or renamed.
    """
    root = Path(package_dir)
    digest = hashlib.sha256()
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def note_dependencies(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: an executed page depends on the library, an API page on the gallery."""
    text = source[0]
    package_dir = app.config.gradlab_source_dir
    if package_dir and executes(text):
        for path in source_files(package_dir):
            app.env.note_dependency(path)
    if _MINIGALLERY.search(text):
        gallery_conf = getattr(app.config, "sphinx_gallery_conf", None) or {}
        if backrefs_dir := gallery_conf.get("backreferences_dir"):
            app.env.note_dependency(Path(app.srcdir, backrefs_dir, "backreferences_all.json"))


def executes(text: str) -> bool:
    """Whether MyST-NB runs a page with this source: a MyST text notebook with code cells."""
    from myst_nb.core.read import is_myst_markdown_notebook

    return is_myst_markdown_notebook(text) and bool(_CODE_CELL.search(text))


def spread(names: list[str], heavy: list[str]) -> list[str]:
    """``names`` reordered with the ``heavy`` ones evenly spaced through it, in their order.

    >>> spread(["a", "b", "c", "x", "y", "z"], ["x", "y", "z"])
    ['x', 'a', 'y', 'b', 'z', 'c']
    """
    chosen = set(heavy)
    light = iter([name for name in names if name not in chosen])
    places = {len(names) * k // len(heavy): name for k, name in enumerate(heavy)}
    return [places[i] if i in places else next(light) for i in range(len(names))]


def spread_executed_pages(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """``env-before-read-docs``: executed pages spread through the read order (``-j`` chunks)."""
    if app.parallel <= 1:
        return
    heavy = [d for d in docnames if executes(Path(env.doc2path(d)).read_text(encoding="utf-8"))]
    if heavy:
        docnames[:] = spread(docnames, heavy)


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def rerun_stale_gallery(app: Sphinx) -> None:
    """``builder-inited``, before sphinx-gallery: forget the example md5s after a source change."""
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None)
    if not app.config.gradlab_source_dir or not gallery_conf:
        return
    current = source_hash(app.config.gradlab_source_dir)
    for gallery_dir in _as_list(gallery_conf["gallery_dirs"]):
        root = Path(app.srcdir, gallery_dir)
        stamp = root / STAMP
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == current:
            continue
        # sphinx-gallery writes <example>.md5 only after a successful run and skips the run
        # while it matches the script; nothing else in a gallery directory ends in .md5.
        for md5 in root.rglob("*.md5"):
            md5.unlink()
        root.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current, encoding="utf-8")


def forget_stale_notebook_runs(app: Sphinx) -> None:
    """``builder-inited``, after MyST-NB: empty the execution cache after a source change."""
    config = getattr(app.env, "mystnb_config", None)
    package_dir = app.config.gradlab_source_dir
    if config is None or config.execution_mode != "cache" or not package_dir:
        return
    from jupyter_cache.cache.db import create_db

    cache_dir = Path(config.execution_cache_path)
    current = source_hash(package_dir)
    stamp = cache_dir / STAMP
    if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == current):
        if cache_dir.exists():
            shutil.rmtree(cache_dir)
        cache_dir.mkdir(parents=True)
        stamp.write_text(current, encoding="utf-8")
    # Create the database now, in this process; no connection is kept for the -j workers.
    create_db(cache_dir).dispose()


def remove_deleted_examples(app: Sphinx) -> None:
    """``builder-inited``, before sphinx-gallery: drop the output of examples that are gone."""
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None)
    if not gallery_conf:
        return
    extensions = gallery_conf.get("example_extensions", {".py"})
    examples_dirs = _as_list(gallery_conf["examples_dirs"])
    gallery_dirs = _as_list(gallery_conf["gallery_dirs"])
    for examples_dir, gallery_dir in zip(examples_dirs, gallery_dirs, strict=True):
        sources, outputs = Path(app.srcdir, examples_dir), Path(app.srcdir, gallery_dir)
        if not outputs.is_dir():
            continue
        for sub in [p for p in outputs.iterdir() if p.is_dir() and p.name != "images"]:
            if not (sources / sub.name).is_dir():  # a whole sub-gallery was removed
                shutil.rmtree(sub)
        for page in outputs.rglob("*.rst"):
            if page.name in ("index.rst", "sg_execution_times.rst"):
                continue
            source = sources / page.relative_to(outputs).parent / page.stem
            if not any(source.with_suffix(ext).is_file() for ext in extensions):
                for leftover in page.parent.glob(f"{page.stem}.*"):  # .rst .py .ipynb .zip ...
                    leftover.unlink()


def serial_when_nothing_runs(app: Sphinx) -> None:
    """``builder-inited``, before sphinx-gallery: no worker pool when no example will run.

    sphinx-gallery copies each example into its gallery directory and runs it unless the copy
    is the same and its ``.md5`` file current (``md5sum_is_current``): the same test here.
    """
    from sphinx_gallery.gen_rst import md5sum_is_current

    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None)
    if not gallery_conf or not gallery_conf.get("parallel"):
        return
    examples_dirs = _as_list(gallery_conf["examples_dirs"])
    gallery_dirs = _as_list(gallery_conf["gallery_dirs"])
    for examples_dir, gallery_dir in zip(examples_dirs, gallery_dirs, strict=True):
        sources = Path(app.srcdir, examples_dir)
        for source in sources.rglob("*.py"):
            copy = Path(app.srcdir, gallery_dir, source.relative_to(sources))
            if not (copy.is_file() and filecmp.cmp(source, copy, shallow=False)):
                return
            if not md5sum_is_current(copy, mode="t"):
                return
    gallery_conf["parallel"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    # Where the library lives; "" turns the extension off. Rebuilds nothing by itself: only
    # the pages that use the library are re-read when it changes.
    app.add_config_value("gradlab_source_dir", "", "", types=frozenset({str}))
    app.connect("source-read", note_dependencies)
    # sphinx-gallery generates (and runs) the examples at builder-inited, priority 500.
    app.connect("builder-inited", remove_deleted_examples, priority=400)
    app.connect("builder-inited", rerun_stale_gallery, priority=400)
    app.connect("builder-inited", serial_when_nothing_runs, priority=450)
    # MyST-NB resolves its configuration (the cache's folder) at builder-inited, priority 500.
    app.connect("builder-inited", forget_stale_notebook_runs, priority=600)
    app.connect("env-before-read-docs", spread_executed_pages)
    return {"version": "3", "parallel_read_safe": True, "parallel_write_safe": True}
