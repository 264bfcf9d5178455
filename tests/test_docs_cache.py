"""The site's executed pages and examples follow gradlab's source (docs/_ext/gradlab_cache.py).

A throwaway Sphinx project with one MyST notebook page and one sphinx-gallery example, each of
which appends a line to a log when it runs, and a stand-in for ``src/gradlab`` (one module), is
built by real Sphinx again and again, configured like docs/conf.py: what ran is read back from
the log after each build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="needs the docs dependencies (run by `nox -s docs`)")
pytest.importorskip("sphinx_gallery", reason="needs the docs dependencies (run by `nox -s docs`)")

EXT = Path(__file__).parents[1] / "docs" / "_ext"
sys.path.insert(0, str(EXT))

from gradlab_cache import STAMP, source_hash  # noqa: E402

CONF = """
import sys
sys.path.insert(0, {ext!r})
extensions = ["myst_nb", "sphinx_gallery.gen_gallery", "gradlab_cache"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
nb_execution_mode = "force"
nb_execution_raise_on_error = True
gradlab_source_dir = {package!r}
sphinx_gallery_conf = {{
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/run_",
    "image_scrapers": (),
    "reset_modules": (),
    "write_computation_times": False,
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
    docs, examples, package = tmp_path / "docs", tmp_path / "examples", tmp_path / "pkg"
    for folder in (docs, examples, package):
        folder.mkdir()
    log = str(tmp_path / "runs.log")
    (package / "core.py").write_text("VALUE = 1\n", encoding="utf-8")
    (docs / "conf.py").write_text(
        CONF.format(ext=str(EXT), package=str(package)), encoding="utf-8"
    )
    (docs / "index.md").write_text(INDEX, encoding="utf-8")
    (docs / "page.md").write_text(PAGE.format(log=log), encoding="utf-8")
    (examples / "README.rst").write_text("Gallery\n=======\n", encoding="utf-8")
    (examples / "run_log.py").write_text(EXAMPLE.format(log=log), encoding="utf-8")
    return tmp_path


def build(project: Path) -> list[str]:
    """Build the project incrementally; return what ran (and clear the log)."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(project / "docs"), str(project / "docs" / "_build" / "html")],
        capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    log = project / "runs.log"
    ran = sorted(log.read_text(encoding="utf-8").split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return ran


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, with a modification time later than the last build's reads."""
    time.sleep(0.01)
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_pages_and_examples_run_when_they_or_the_library_change(project: Path) -> None:
    package, docs, examples = project / "pkg", project / "docs", project / "examples"
    stamp = docs / "auto_examples" / STAMP
    assert build(project) == ["example", "page"]
    assert stamp.read_text(encoding="utf-8") == source_hash(package)
    assert build(project) == []  # nothing changed: nothing runs

    edit(package / "core.py", "VALUE = 1", "VALUE = 2")  # the library changed
    assert build(project) == ["example", "page"]
    assert stamp.read_text(encoding="utf-8") == source_hash(package)
    assert build(project) == []

    (package / "extra.py").write_text("", encoding="utf-8")  # a module added to the library
    assert build(project) == ["example"]  # a new module runs nothing by itself in a page

    edit(docs / "page.md", '"a"', "'a'")  # the page changed: only it runs
    assert build(project) == ["page"]

    # A renamed example runs under its new name, and its old page is gone: an orphan page
    # would fail the -W build (sphinx-gallery keeps what it generated).
    (examples / "run_log.py").rename(examples / "run_renamed.py")
    assert build(project) == ["example"]
    gallery = docs / "auto_examples"
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
