"""Maintainer sessions: ``nox`` runs the default ones (what CI runs); ``nox -s NAME`` one.

Each session builds its own virtual environment with pip (nox's default ``virtualenv``
backend), so ``torch==2.13.0`` resolves to the CPU wheel that lies on this machine's disk.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "doctests", "oracle", "docs", "browser", "repro"]

# One BLAS thread per process: the machine has two cores and sphinx-gallery/pytest fork.
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def source_date_epoch() -> str:
    """``SOURCE_DATE_EPOCH`` for the site: the caller's, else the last commit's time, else fixed.

    Sphinx takes the copyright year from it, and sphinx-gallery leaves out run times when it is
    set: two builds of one commit are then byte-identical (``nox -s repro`` checks that).
    """
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return value
    try:
        last_commit = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        last_commit = ""
    return last_commit if last_commit.isdigit() else "1767225600"  # 2026-01-01 00:00 UTC


def install(session: nox.Session, *groups: str, editable: bool = False) -> None:
    """Install gradlab plus the named dependency groups of pyproject.toml."""
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    if requirements:
        session.install(*requirements)
    session.install("-e", ".") if editable else session.install(".")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit and property tests (pytest + hypothesis), without PyTorch."""
    install(session, "test", "examples")
    session.run("pytest", "--ignore=tests/oracle", *session.posargs, env=THREADS)


@nox.session
def doctests(session: nox.Session) -> None:
    """Every docstring example in src/gradlab runs and its output is checked."""
    install(session, "test", "examples")
    flags = ["-o", "doctest_optionflags=NORMALIZE_WHITESPACE ELLIPSIS", "-p", "no:cacheprovider"]
    session.run(
        "pytest", "--doctest-modules", *flags, "src/gradlab", *session.posargs, env=THREADS
    )
    # ">>>" examples in the site's pages (chapter code cells are executed by the docs build)
    session.run(
        "pytest",
        "--doctest-glob=*.md",
        *flags,
        "docs",
        "--ignore=docs/_build",
        "--ignore=docs/auto_examples",
        *session.posargs,
        env=THREADS,
    )


@nox.session
def oracle(session: nox.Session) -> None:
    """Comparisons against PyTorch 2.13 in float64 (torch is a test oracle only)."""
    install(session, "oracle", "test")
    session.run("pytest", "tests/oracle", *session.posargs, env=THREADS)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict on the package."""
    install(session, "lint", "test")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """One training step: gradlab vs a hand-written NumPy loop vs PyTorch eager (CPU)."""
    install(session, "bench")
    session.run("python", "benchmarks/bench_step.py", *session.posargs, env=THREADS)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html; warnings are errors, failing cells fail it.

    Then tests/test_docs_*.py check the result: the built pages load nothing from other hosts,
    and the execution caches re-run pages and examples when src/gradlab changes (those tests
    need Sphinx, so the `tests` session skips them).
    """
    install(session, "docs", "test", editable=True)
    env = {**THREADS, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if "SOURCE_DATE_EPOCH" in os.environ:
        env["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"]
    build = ["sphinx-build", "-W", "--keep-going", "-b", "html", "-d", "docs/_build/doctrees"]
    build += ["docs", "docs/_build/html"]
    # SOURCE_DATE_EPOCH for the build only: test_docs_offline's own small build checks the
    # execution-times page, which sphinx-gallery leaves out when it is set.
    session.run(*build, *session.posargs, env={**env, "SOURCE_DATE_EPOCH": source_date_epoch()})
    docs_tests = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("tests/test_docs_*.py"))
    session.run("pytest", *docs_tests, env=env)


# The site build of `docs`, and the environment of every site build (same SOURCE_DATE_EPOCH and
# flags, so that `browser` reuses what `docs` built instead of starting over).
SITE_BUILD = ["sphinx-build", "-W", "--keep-going", "-d", "docs/_build/doctrees", "docs"]


def site_env() -> dict[str, str]:
    return {
        **THREADS,
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "SOURCE_DATE_EPOCH": source_date_epoch(),
    }


@nox.session
def browser(session: nox.Session) -> None:
    """The site as readers meet it, in headless Chromium (``apt-get install chromium``).

    Builds the site into docs/_build/html (incrementally: an up-to-date site is reused), runs
    Sphinx's linkcheck with every external URL ignored (listed, never fetched), then
    tests/browser: every page served on 127.0.0.1 and walked by Chromium through Playwright, the
    site from file://, search, the downloads run in a fresh environment, internal links and
    anchors. Screenshots and reports go to browser-artifacts/.
    """
    chromium = Path(os.environ.get("GRADLAB_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.is_file():
        message = (
            f"no Chromium at {chromium}: install it from the OS packages "
            "(`apt-get install chromium fonts-nanum` on Debian/Ubuntu) or set GRADLAB_CHROMIUM"
        )
        if os.environ.get("CI"):  # CI installs Chromium itself (.ci/run): missing is a failure
            session.error(message)
        session.skip(message)  # a plain machine with only Python and pip: said, not hidden
    session.env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"  # the OS's Chromium, never Playwright's
    install(session, "docs", "browser", "test", editable=True)
    env = site_env()
    session.run(*SITE_BUILD, "-b", "html", "docs/_build/html", env=env)
    ignore_external = ["-D", "linkcheck_ignore=^https?://"]  # listed in output.json, not fetched
    session.run(*SITE_BUILD, "-b", "linkcheck", *ignore_external, "docs/_build/linkcheck", env=env)
    session.run(
        "pytest",
        "tests/browser",
        "--ignore=tests/browser/test_reproducible.py",
        *session.posargs,
        env={**env, "GRADLAB_SITE_TESTS": "1"},
    )


@nox.session
def repro(session: nox.Session) -> None:
    """Two clean builds of the site from the same sources are byte-identical (slow: two builds)."""
    install(session, "docs", "test", editable=True)
    env = {**site_env(), "GRADLAB_SITE_TESTS": "1"}
    session.run("pytest", "tests/browser/test_reproducible.py", "-s", *session.posargs, env=env)
