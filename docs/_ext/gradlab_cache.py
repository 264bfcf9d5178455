"""Re-run executed pages and gallery examples when gradlab's source changes.

Both executors cache on the text of the page or script alone: MyST-NB (``nb_execution_mode =
"cache"``) keys jupyter-cache on the notebook's code cells, and sphinx-gallery skips an example
whose ``.md5`` file matches the script. Edit ``src/gradlab/`` and neither notices, so the site
would keep serving figures computed by the old code. This extension ties both caches to
``gradlab_source_hash``, a config value ``conf.py`` sets with :func:`source_hash`:

* every MyST text notebook gets a hidden ``remove-cell`` code cell carrying the hash, appended in
  ``source-read``. jupyter-cache hashes code-cell sources, so a new hash is a cache miss (and
  restoring the old source finds the old entry again);
* ``env-get-outdated`` makes Sphinx re-read every page whose injected hash differs from the
  current one, since an unchanged page would otherwise not be read at all;
* before sphinx-gallery scans the examples (``builder-inited``), a changed hash deletes the
  ``.md5`` files in each gallery directory, so every example runs again. The hash of the last
  gallery run is kept in ``<gallery_dir>/.gradlab-source-hash``;
* a page with a ``minigallery`` (the API pages) depends on sphinx-gallery's
  ``backreferences_all.json``, so it is re-read when the examples that use an object change;
* sphinx-gallery never deletes what it generated: the page of a deleted or renamed example
  would stay, in no toctree, and fail the ``-W`` build. Those leftovers are removed first.

The config value itself rebuilds nothing (``rebuild=""``); only the pages that need it are
re-read.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

STAMP = ".gradlab-source-hash"
"""File name, inside each gallery directory, of the hash its examples last ran with."""

_CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)
_MINIGALLERY = re.compile(r"(\.\.\s+minigallery::|\{minigallery\})")


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
    files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    if not files:
        raise FileNotFoundError(f"no Python files under {root}")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def hash_cell(source_hash: str) -> str:
    """The hidden MyST code cell that puts ``source_hash`` into the notebook's cache key."""
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"# gradlab source hash {source_hash} (added by docs/_ext/gradlab_cache.py)\n```\n"
    )


def _hashes(env: BuildEnvironment) -> dict[str, str]:
    """docname -> the source hash injected when the page was last read (kept in the pickle)."""
    if not hasattr(env, "gradlab_source_hashes"):
        env.gradlab_source_hashes = {}
    return env.gradlab_source_hashes  # type: ignore[no-any-return]


def inject_hash(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: append the hash cell to a MyST text notebook that has code cells."""
    from myst_nb.core.read import is_myst_markdown_notebook

    current = app.config.gradlab_source_hash
    text = source[0]
    if current and is_myst_markdown_notebook(text) and _CODE_CELL.search(text):
        source[0] = text + hash_cell(current)
        _hashes(app.env)[docname] = current
    if _MINIGALLERY.search(text):
        gallery_conf = getattr(app.config, "sphinx_gallery_conf", None) or {}
        if backrefs_dir := gallery_conf.get("backreferences_dir"):
            app.env.note_dependency(Path(app.srcdir, backrefs_dir, "backreferences_all.json"))


def outdated_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> Iterable[str]:
    """``env-get-outdated``: the executed pages read with another source hash."""
    current = app.config.gradlab_source_hash
    return [doc for doc, seen in _hashes(env).items() if seen != current and doc not in removed]


def rerun_stale_gallery(app: Sphinx) -> None:
    """``builder-inited``, before sphinx-gallery: forget the example md5s after a source change."""
    current = app.config.gradlab_source_hash
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None)
    if not current or not gallery_conf:
        return
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


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


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


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _hashes(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _hashes(other)
    _hashes(env).update({doc: theirs[doc] for doc in docnames if doc in theirs})


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("gradlab_source_hash", "", "", types=frozenset({str}))
    app.connect("source-read", inject_hash)
    app.connect("env-get-outdated", outdated_pages)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    # sphinx-gallery generates (and runs) the examples at builder-inited, priority 500.
    app.connect("builder-inited", remove_deleted_examples, priority=400)
    app.connect("builder-inited", rerun_stale_gallery, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
