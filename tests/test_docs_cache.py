"""The site's execution caches follow gradlab's source (docs/_ext/gradlab_cache.py).

A throwaway Sphinx project with one MyST notebook page and one sphinx-gallery example, each of
which appends a line to a log when it runs, is built by real Sphinx several times with a
different ``gradlab_source_hash`` (what docs/conf.py computes from src/gradlab):
unchanged -> nothing runs again; changed -> both run again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="needs the docs dependencies (run by `nox -s docs`)")
pytest.importorskip("sphinx_gallery", reason="needs the docs dependencies (run by `nox -s docs`)")

EXT = Path(__file__).parents[1] / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from gradlab_cache import STAMP, hash_cell, source_hash  # noqa: E402

CONF = """
import sys
sys.path.insert(0, {ext!r})
extensions = ["myst_nb", "sphinx_gallery.gen_gallery", "gradlab_cache"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
sphinx_gallery_conf = {{
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/run_",
    "image_scrapers": (),
    "reset_modules": (),
}}
"""

INDEX = """
# Cache test

```{toctree}
page
auto_examples/index
```
"""

PAGE = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Page

```{{code-cell}} ipython3
with open({log!r}, "a") as log:
    log.write("page\\n")
```
"""

EXAMPLE = '''"""
Example
=======

Logs that it ran.
"""

with open({log!r}, "a") as log:
    log.write("example\\n")
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    docs, examples = tmp_path / "docs", tmp_path / "examples"
    docs.mkdir()
    examples.mkdir()
    log = str(tmp_path / "runs.log")
    (docs / "conf.py").write_text(CONF.format(ext=str(EXT)), encoding="utf-8")
    (docs / "index.md").write_text(INDEX, encoding="utf-8")
    (docs / "page.md").write_text(PAGE.format(log=log), encoding="utf-8")
    (examples / "README.rst").write_text("Gallery\n=======\n", encoding="utf-8")
    (examples / "run_log.py").write_text(EXAMPLE.format(log=log), encoding="utf-8")
    return tmp_path


def build(project: Path, library_hash: str) -> list[str]:
    """Build with the given library hash; return what ran (and clear the log)."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", f"gradlab_source_hash={library_hash}",
         str(project / "docs"), str(project / "docs" / "_build" / "html")],
        capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    log = project / "runs.log"
    ran = sorted(log.read_text(encoding="utf-8").split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return ran


def test_unchanged_source_reuses_caches_and_changed_source_reruns(project: Path) -> None:
    assert build(project, "aaaa") == ["example", "page"]
    assert build(project, "aaaa") == []  # nothing changed: nothing runs
    assert build(project, "bbbb") == ["example", "page"]  # the library changed
    assert build(project, "bbbb") == []
    # Back to the first source: the notebook's outputs for it are still in jupyter-cache (the
    # hash is part of the key), while sphinx-gallery keeps only the last run.
    assert build(project, "aaaa") == ["example"]
    assert (project / "docs" / "auto_examples" / STAMP).read_text(encoding="utf-8") == "aaaa"


def test_editing_a_page_reruns_only_that_page(project: Path) -> None:
    assert build(project, "aaaa") == ["example", "page"]
    page = project / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
    assert build(project, "aaaa") == []  # re-read, but the code cells and the hash are the same
    page.write_text(page.read_text(encoding="utf-8").replace('"a"', "'a'"), encoding="utf-8")
    assert build(project, "aaaa") == ["page"]  # a code cell changed


def test_a_renamed_example_leaves_no_stale_page(project: Path) -> None:
    # sphinx-gallery keeps the pages it generated; an orphan page would fail the -W build.
    assert build(project, "aaaa") == ["example", "page"]
    examples = project / "examples"
    (examples / "run_log.py").rename(examples / "run_renamed.py")
    assert build(project, "aaaa") == ["example"]
    gallery = project / "docs" / "auto_examples"
    assert (gallery / "run_renamed.rst").is_file()
    assert not list(gallery.glob("run_log.*"))


def test_source_hash_tracks_contents_names_and_new_files(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    first = source_hash(package)
    assert source_hash(package) == first
    (package / "a.py").write_text("x = 2\n", encoding="utf-8")
    second = source_hash(package)
    assert second != first
    (package / "a.py").rename(package / "b.py")
    renamed = source_hash(package)
    assert renamed != second
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "b.cpython-311.py").write_text("", encoding="utf-8")
    assert source_hash(package) == renamed
    (package / "c.py").write_text("", encoding="utf-8")
    assert source_hash(package) not in (first, second, renamed)


def test_the_hash_cell_is_hidden_and_carries_the_hash() -> None:
    cell = hash_cell("f00d")
    assert "{code-cell}" in cell
    assert ":tags: [remove-cell]" in cell
    assert "f00d" in cell
