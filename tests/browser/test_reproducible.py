"""Two clean builds of the site from the same sources are byte-identical (``nox -s repro``).

The sources (what git tracks, plus new files it does not ignore) are copied into a temporary
directory and built from scratch, both editions (English, then Korean) and the page leading to
them, with the options and ``SOURCE_DATE_EPOCH`` of ``nox -s docs`` and ``-d`` outside the
HTML. The first build is ``nox -s docs``'s own when that one started
from clean (a fresh clone) with the same sources, options and environment, as
``docs/_build/clean-build.json`` records; otherwise a second copy is built from scratch, both
at once. Every file of the two sites (pages, figures, downloads, search index, static files)
must be identical; the test names those that differ and shows the first difference of each.
"""

from __future__ import annotations

import filecmp
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sitecheck import (
    CLEAN_BUILD,
    EDITIONS,
    ROOT,
    SITE_OPTIONS,
    build_editions,
    copy_sources,
    source_files,
    sources_digest,
    write_root_page,
)

BUILD_TIMEOUT = 1800  # seconds, both editions; they take two to four minutes on two cores


def site_environment(tree: Path) -> dict[str, str]:
    """The environment of a site build of the sources in ``tree``, as ``nox -s docs`` sets it."""
    return {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),  # this copy's gradlab, in Sphinx and in the kernels
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600"),
    }


def build_site(tree: Path, out: Path, log: Path) -> int:
    """Build ``tree/docs`` into ``out`` as ``nox -s docs`` does; return the exit status.

    The editions as ``sitecheck.build_editions`` builds them (the Korean one beside the English
    one's writing, with its execution cache), then the root page. The output of every build
    goes to ``log``.
    """
    with log.open("wb") as output:
        code = build_editions(
            [sys.executable, "-m", "sphinx"], tree / "docs", out, out.parent / "doctrees",
            env=site_environment(tree), cwd=tree, log=output, timeout=BUILD_TIMEOUT,
        )  # fmt: skip
    if code == 0:
        write_root_page(out)
    return code


def clean_docs_build(digest: str) -> Path | None:
    """``nox -s docs``'s site, if it was built from clean from these sources, like ours."""
    record_file = ROOT / CLEAN_BUILD
    if not record_file.is_file():
        return None
    record = json.loads(record_file.read_text(encoding="utf-8"))
    ours = site_environment(ROOT)
    same = (
        record.get("sources") == digest
        and record.get("options") == SITE_OPTIONS
        and record.get("editions") == list(EDITIONS)
        and all(record.get(k) == ours[k] for k in ("SOURCE_DATE_EPOCH", "OMP_NUM_THREADS"))
    )
    site = ROOT / "docs" / "_build" / "html"
    return site if same and (site / "index.html").is_file() else None


def all_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def first_difference(a: Path, b: Path) -> str:
    """Where two differing files first differ, with a little context on each side."""
    data_a, data_b = a.read_bytes(), b.read_bytes()
    if a.suffix == ".zip":
        with zipfile.ZipFile(a) as zip_a, zipfile.ZipFile(b) as zip_b:
            entries_a = {
                i.filename: (i.date_time, i.external_attr, i.CRC) for i in zip_a.infolist()
            }
            entries_b = {
                i.filename: (i.date_time, i.external_attr, i.CRC) for i in zip_b.infolist()
            }
        names = sorted(n for n in entries_a.keys() | entries_b.keys()
                       if entries_a.get(n) != entries_b.get(n))  # fmt: skip
        if names:
            name = names[0]
            return (
                f"zip entry {name}: (date, mode, crc) {entries_a.get(name)}, {entries_b.get(name)}"
            )
        return "zip: same entries, in another order or with other headers"
    at = next(
        (i for i, (x, y) in enumerate(zip(data_a, data_b, strict=False)) if x != y),
        min(len(data_a), len(data_b)),
    )
    try:
        text_a, text_b = data_a.decode("utf-8"), data_b.decode("utf-8")
    except UnicodeDecodeError:
        return f"binary, {len(data_a)} vs {len(data_b)} bytes, first difference at byte {at}"
    line = data_a.count(b"\n", 0, at) + 1
    char = len(data_a[:at].decode("utf-8", errors="ignore"))
    context = [repr(t[max(0, char - 60) : char + 60]) for t in (text_a, text_b)]
    return f"line {line}:\n        {context[0]}\n        {context[1]}"


def compare_sites(a: Path, b: Path) -> list[str]:
    """Every file that is in one site only or differs between the two, with how."""
    files_a, files_b = all_files(a), all_files(b)
    problems = [f"only in the first build: {f}" for f in sorted(files_a - files_b)]
    problems += [f"only in the second build: {f}" for f in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        if not filecmp.cmp(a / name, b / name, shallow=False):
            problems.append(f"differs: {name}\n      {first_difference(a / name, b / name)}")
    return problems


def test_two_clean_builds_are_identical(tmp_path: Path) -> None:
    names = source_files(ROOT)
    first, second = tmp_path / "first", tmp_path / "second"
    copy_sources(ROOT, names, second / "tree")
    digest = sources_digest(second / "tree", names)  # what the new build reads
    reference = clean_docs_build(digest)
    runs = [second] if reference else [first, second]
    if reference is None:
        shutil.copytree(second / "tree", first / "tree")  # the same sources, even if ROOT changes
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:  # the two trees side by side
        codes = list(
            pool.map(lambda run: build_site(run / "tree", run / "html", run / "build.log"), runs)
        )
    failed = []
    for run, code in zip(runs, codes, strict=True):
        if code != 0:
            log = (run / "build.log").read_text(encoding="utf-8", errors="replace")
            warnings = [
                line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR):", line)
            ]
            failed.append(f"the build in {run} failed ({code}):\n    " + "\n    ".join(
                warnings[-20:] or log.splitlines()[-20:]))  # fmt: skip
    elapsed = time.monotonic() - started

    site_a, site_b = reference or first / "html", second / "html"
    problems = compare_sites(site_a, site_b) if site_a.is_dir() and site_b.is_dir() else []
    count = len(all_files(site_a)) if site_a.is_dir() else 0
    how = "nox -s docs's clean build and one new" if reference else "two new, side by side"
    print(f"clean builds compared ({how}): {elapsed:.0f} s; {count} files compared")
    report = failed + (
        [f"{len(problems)} of {count} files differ:", *problems] if problems else []
    )
    assert not report, "\n  ".join(report)
    assert not list(site_a.rglob(".doctrees")), "doctrees inside the site: build with -d"
    assert not (site_a / "jupyter_execute").exists(), "MyST-NB's outputs inside the site"
    assert {f"{language}/index.html" for language in EDITIONS} <= all_files(site_a)
    assert count > 100, f"only {count} files built"


# -- the fixes in docs/_ext/gradlab_reproducible.py, on their own --------------------------------

EXT = ROOT / "docs" / "_ext"


def test_zips_are_rewritten_the_same_whatever_their_dates() -> None:
    sys.path.insert(0, str(EXT))
    from gradlab_reproducible import normalized_zip

    def make(date: tuple[int, int, int, int, int, int], order: list[str]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in order:
                archive.writestr(zipfile.ZipInfo(name, date_time=date), f"# {name}\n")
        return out.getvalue()

    first = make((2026, 11, 24, 11, 34, 26), ["b/plot_b.py", "a/plot_a.py"])
    second = make((2027, 1, 2, 3, 4, 6), ["a/plot_a.py", "b/plot_b.py"])
    assert first != second
    date = (2026, 1, 1, 0, 0, 0)
    assert normalized_zip(first, date) == normalized_zip(second, date)
    with zipfile.ZipFile(io.BytesIO(normalized_zip(first, date))) as archive:
        assert archive.namelist() == ["a/plot_a.py", "b/plot_b.py"]
        assert {info.date_time for info in archive.infolist()} == {date}
        assert archive.read("a/plot_a.py") == b"# a/plot_a.py\n"


def build_one_page(tmp_path: Path, config: str, cell: str) -> str:
    """A real MyST-NB build of a page with one executed code ``cell``; the page's HTML.

    ``config`` adds lines to a conf.py that loads MyST-NB and ``gradlab_reproducible``.
    """
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT)!r})\n"
        'extensions = ["myst_nb", "gradlab_reproducible"]\n'
        'exclude_patterns = ["_build"]\nnb_execution_mode = "force"\n' + config,
        encoding="utf-8",
    )
    (docs / "index.md").write_text(
        "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
        f"# One cell\n\n```{{code-cell}} ipython3\n{cell}```\n",
        encoding="utf-8",
    )
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(docs), str(out)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return (out / "index.html").read_text(encoding="utf-8")


def test_notebook_outputs_lose_memory_addresses(tmp_path: Path) -> None:
    """A real MyST-NB build: an executed cell's repr shows no address, before or after."""
    page = build_one_page(tmp_path, "", "class Layer:\n    pass\n\n[Layer(), 0x1F]\n")
    assert "[&lt;__main__.Layer&gt;, 31]" in page
    assert not re.search(r"at 0x[0-9a-f]{4,}", page)


def test_printed_lines_survive_the_kernels_chunks(tmp_path: Path) -> None:
    """A real MyST-NB build: text printed in several chunks is shown exactly as printed.

    ``flush`` ends a chunk where the kernel's timing might: inside a line, and after a blank
    line printed on purpose. MyST-NB's merge alone gives "first\\n\\nsecond" and loses the
    blank line before "third".
    """
    cell = (
        "import sys\n"
        'print("first", end="")\nsys.stdout.flush()\n'
        'print("\\nsecond\\n")\nsys.stdout.flush()\n'
        'print("third")\n'
    )
    page = build_one_page(tmp_path, "nb_merge_streams = True\n", cell)
    assert "first\nsecond\n\nthird\n</pre>" in page, page[page.find("first") - 200 :][:400]
