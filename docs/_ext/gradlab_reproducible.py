"""Make two clean builds of the site from the same sources byte-identical.

``nox -s repro`` (``tests/browser/test_reproducible.py``) builds the site twice and compares
every file. What would differ without this extension, and what it does about it:

* sphinx-gallery zips the downloadable scripts and notebooks (the two gallery zips and one per
  example) with each file's modification time, which is the time of the build. After
  sphinx-gallery has written them (``builder-inited``, after its priority 500), every zip is
  rewritten with its entries sorted, dated ``SOURCE_DATE_EPOCH`` (1980-01-01 when unset, the
  earliest date a zip can hold) and with fixed permissions. When the result is the zip the
  previous build left, the file also gets its old modification time back, so Sphinx does not
  re-read the example pages that link to it on every incremental build.
* Jupyter's ``repr`` of an object without one of its own carries its memory address
  (``[<matplotlib.lines.Line2D at 0x7f3b2c1d5e50>]`` after a plotting call). In the executed
  outputs of MyST-NB pages (``doctree-read``), the address is dropped: ``<... at 0x7f3b...>``
  becomes ``<...>``. (sphinx-gallery writes its outputs into the generated ``.rst`` files
  themselves; ``conf.py`` keeps matplotlib's reprs out of them with ``ignore_repr_types``.)
* The kernel sends a cell's printed text in chunks whose boundaries depend on timing (its output
  thread flushes every 0.2 s, and ``print`` writes the text and its newline separately), and
  MyST-NB 1.4's ``nb_merge_streams`` strips each chunk before joining them: a line split between
  two chunks gained a blank line in one build and not in the next, and a blank line printed on
  purpose at a chunk's end was lost. Before MyST-NB merges, the chunks of each stream are joined
  exactly as printed (what nbclient's own ``coalesce_streams`` does; MyST-NB runs notebooks
  through jupyter-cache, which does not pass that option on), so MyST-NB's merge sees one chunk.

Why this exists: neither sphinx-gallery nor MyST-NB has a setting for any of these
(sphinx-gallery writes its zips with ``zipfile.ZipFile.write``, which takes each file's
modification time). The
rest is set in ``conf.py`` with the libraries' own options: no timing pages
(``write_computation_times``), no per-example run times when ``SOURCE_DATE_EPOCH`` is set
(``min_reported_time``), no matplotlib reprs in the examples' output (``ignore_repr_types``).
Figures come from sphinx-gallery's default matplotlib scraper: its PNGs carry matplotlib's
version and nothing else that changes between builds. ``nox -s docs`` sets
``SOURCE_DATE_EPOCH`` to the time of the last commit.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import re
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

EARLIEST_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# "<matplotlib.lines.Line2D at 0x7f3b2c1d5e50>" (IPython) and "<Foo object at 0x7f...>" (Python)
_ADDRESS = re.compile(r"(<[^<>\n]*?) at 0x[0-9a-fA-F]{4,}>")


def zip_date_time() -> tuple[int, int, int, int, int, int]:
    """The date of every zip entry: ``SOURCE_DATE_EPOCH`` in UTC, 1980-01-01 if unset."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
    date = tuple(time.gmtime(epoch)[:6])
    return max(date, EARLIEST_ZIP_DATE)  # type: ignore[return-value]


def normalized_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The same files as the zip ``data``, sorted by name, with fixed dates and permissions."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = sorted(
            (info.filename, info.compress_type, source.read(info))
            for info in source.infolist()
            if not info.is_dir()
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, compress_type, content in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = compress_type
            info.create_system = 3  # Unix, whatever machine built the site
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            target.writestr(info, content)
    return out.getvalue()


def _gallery_zips(app: Sphinx) -> list[Path]:
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None) or {}
    dirs = gallery_conf.get("gallery_dirs", [])
    dirs = [dirs] if isinstance(dirs, str) else list(dirs)
    return sorted(p for d in dirs for p in Path(app.srcdir, d).rglob("*.zip"))


def remember_zips(app: Sphinx) -> None:
    """``builder-inited``, before sphinx-gallery: the digest and mtime of each existing zip."""
    app.gradlab_zips = {  # type: ignore[attr-defined]
        path: (hashlib.sha256(path.read_bytes()).digest(), path.stat().st_mtime_ns)
        for path in _gallery_zips(app)
    }


def normalize_zips(app: Sphinx) -> None:
    """``builder-inited``, after sphinx-gallery: rewrite its zips reproducibly."""
    before: dict[Path, tuple[bytes, int]] = getattr(app, "gradlab_zips", {})
    date_time = zip_date_time()
    for path in _gallery_zips(app):
        data = path.read_bytes()
        fixed = normalized_zip(data, date_time)
        if fixed != data:
            path.write_bytes(fixed)
        digest, mtime = before.get(path, (b"", 0))
        if digest == hashlib.sha256(fixed).digest():
            os.utime(path, ns=(mtime, mtime))  # unchanged since the last build


def drop_addresses(text: str) -> str:
    """Remove memory addresses from reprs: ``<X at 0x7f...>`` -> ``<X>``."""
    return _ADDRESS.sub(r"\1>", text)


def scrub_notebook_outputs(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: drop memory addresses from the outputs of executed cells."""
    from docutils import nodes

    for container in doctree.findall(nodes.container):
        if "cell_output" not in container["classes"]:
            continue
        for block in container.findall(nodes.literal_block):
            text = block.astext()
            scrubbed = drop_addresses(text)
            if scrubbed != text:
                block.children = [nodes.Text(scrubbed)]
                block.rawsource = scrubbed


def join_stream_chunks(outputs: list[Any]) -> list[Any]:
    """Join the chunks of each stream (stdout, stderr) into its first, exactly as printed."""
    joined: list[Any] = []
    first: dict[str, Any] = {}
    for output in outputs:
        if output.get("output_type") != "stream":
            joined.append(output)
        elif output["name"] in first:
            first[output["name"]]["text"] += output["text"]
        else:
            output = copy.copy(output)  # the executed notebook itself is left as it was
            first[output["name"]] = output
            joined.append(output)
    return joined


def exact_stream_merge() -> None:
    """Make MyST-NB's ``nb_merge_streams`` see each stream as one chunk, joined exactly."""
    from myst_nb.core import render

    merge = render.coalesce_streams
    if getattr(merge, "joins_chunks_first", False):
        return

    def coalesce_streams(outputs: list[Any]) -> list[Any]:
        return merge(join_stream_chunks(outputs))

    coalesce_streams.joins_chunks_first = True  # type: ignore[attr-defined]
    render.coalesce_streams = coalesce_streams


def setup(app: Sphinx) -> dict[str, Any]:
    exact_stream_merge()
    # sphinx-gallery generates the examples and their zips at builder-inited, priority 500.
    app.connect("builder-inited", remember_zips, priority=450)
    app.connect("builder-inited", normalize_zips, priority=600)
    app.connect("doctree-read", scrub_notebook_outputs)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
