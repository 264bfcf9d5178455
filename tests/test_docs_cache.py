"""The site's executed pages and examples follow gradlab's source (docs/_ext/gradlab_cache.py).

A throwaway Sphinx project with one MyST notebook page and one sphinx-gallery example, each of
which appends a line to a log when it runs, and a stand-in for ``src/gradlab`` (one module), is
built by real Sphinx again and again, configured like docs/conf.py: what ran is read back from
the log after each build. With MyST-NB's execution cache, as the site builds its two editions
(docs/_ext/gradlab_editions.py), the second edition runs nothing, and the cache still follows
the library.
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

from gradlab_cache import STAMP, source_hash, spread  # noqa: E402

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


def build(project: Path, language: str | None = None) -> list[str]:
    """Build the project incrementally; return what ran (and clear the log).

    With a ``language``, the edition in that language, as the site builds it: into
    ``_build/html/<language>``, its doctrees in ``_build/doctrees/<language>``.
    """
    build_dir = project / "docs" / "_build"
    where = [str(build_dir / "html")]
    if language:
        where = ["-D", f"language={language}", "-d", str(build_dir / "doctrees" / language),
                 str(build_dir / "html" / language)]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(project / "docs"), *where],
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


def use_the_execution_cache(project: Path) -> None:
    """Configure the project as docs/conf.py is: MyST-NB's cache, two editions."""
    conf = project / "docs" / "conf.py"
    text = conf.read_text(encoding="utf-8").replace(
        'nb_execution_mode = "force"',
        'nb_execution_mode = "cache"\n'
        f"nb_execution_cache_path = {str(project / 'docs' / '_build' / '.jupyter_cache')!r}\n"
        'editions = {"en": "English", "ko": "한국어"}',
    )
    text = text.replace('"gradlab_cache"]', '"gradlab_cache", "gradlab_editions"]')
    conf.write_text(text, encoding="utf-8")


def test_the_second_edition_runs_nothing_and_the_cache_follows_the_library(
    project: Path,
) -> None:
    package, docs = project / "pkg", project / "docs"
    use_the_execution_cache(project)
    cache = docs / "_build" / ".jupyter_cache"
    assert build(project, "en") == ["example", "page"]
    assert (cache / STAMP).read_text(encoding="utf-8") == source_hash(package)
    assert build(project, "ko") == []  # the page's run from the cache, the example's md5
    assert (docs / "_build" / "html" / "ko" / "page.html").is_file()
    assert build(project, "en") == build(project, "ko") == []

    edit(docs / "page.md", "# Page", "# The page")  # the prose changed, not the code
    assert build(project, "en") == []
    assert "The page" in (docs / "_build" / "html" / "en" / "page.html").read_text("utf-8")

    edit(package / "core.py", "VALUE = 1", "VALUE = 2")  # the library changed
    assert build(project, "en") == ["example", "page"]
    assert build(project, "ko") == []
    assert (cache / STAMP).read_text(encoding="utf-8") == source_hash(package)

    edit(package / "core.py", "VALUE = 2", "VALUE = 3")  # a Korean build can come first
    assert build(project, "ko") == ["example", "page"]
    assert build(project, "en") == []

    edit(docs / "page.md", '"a"', "'a'")  # the code changed: it runs, once
    assert build(project, "en") == ["page"]
    assert build(project, "ko") == []

    # MyST-NB's outputs beside the editions, one folder each, not inside the published site
    assert not (docs / "_build" / "html" / "jupyter_execute").exists()
    assert {p.name for p in (docs / "_build" / "jupyter_execute").iterdir()} == {"en", "ko"}


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


def test_spread_spaces_the_heavy_names_evenly_and_keeps_every_order() -> None:
    names = [f"a{i:02d}" for i in range(20)] + ["b1", "b2", "b3", "b4"] + ["c1", "c2"]
    heavy = ["b1", "b2", "b3", "b4"]
    order = spread(names, heavy)
    assert sorted(order) == sorted(names)
    assert [n for n in order if n in heavy] == heavy
    assert [n for n in order if n not in heavy] == [n for n in names if n not in heavy]
    assert [order.index(n) for n in heavy] == [0, 6, 13, 19]  # every 26 / 4 = 6.5 names
    assert spread(["x", "y"], ["x", "y"]) == ["x", "y"]


def test_a_parallel_read_runs_the_executed_pages_in_both_workers(tmp_path: Path) -> None:
    """``-j 2``: the notebooks, named to sort together, do not all run in one worker.

    Sphinx reads consecutive names in one worker (``make_chunks``); each page's kernel logs
    the process that started it, the read worker.
    """
    docs = tmp_path / "docs"
    docs.mkdir()
    log = tmp_path / "workers.log"
    conf = f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
    conf += 'extensions = ["myst_nb", "gradlab_cache"]\nexclude_patterns = ["_build"]\n'
    conf += 'nb_execution_mode = "force"\nnb_execution_raise_on_error = True\n'
    (docs / "conf.py").write_text(conf, encoding="utf-8")
    notebooks = [f"nb{i}" for i in range(4)]
    plain = [f"page{i:02d}" for i in range(20)]
    toctree = "\n".join(["```{toctree}", *notebooks, *plain, "```"])
    (docs / "index.md").write_text(f"# Index\n\n{toctree}\n", encoding="utf-8")
    cell = (
        f"import os\nwith open({str(log)!r}, 'a') as log:\n    log.write(f'{{os.getppid()}}\\n')"
    )
    for name in notebooks:
        page = PAGE.split("# Page")[0] + f"# {name}\n\n```{{code-cell}} ipython3\n{cell}\n```\n"
        (docs / f"{name}.md").write_text(page, encoding="utf-8")
    for name in plain:
        (docs / f"{name}.md").write_text(f"# {name}\n\nText.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-j", "2", "-b", "html",
         str(docs), str(docs / "_build" / "html")],
        capture_output=True, text=True, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    workers = log.read_text(encoding="utf-8").split()
    assert len(workers) == 4
    assert len(set(workers)) == 2, workers
